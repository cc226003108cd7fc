-- Version 3: saved import mappings (docs/datasets.md, the mapping file) and who undid an import.
CREATE TABLE mappings (
    name      VARCHAR PRIMARY KEY,
    dataset   VARCHAR NOT NULL,
    toml      VARCHAR NOT NULL,
    saved_at  TIMESTAMP NOT NULL,
    saved_by  VARCHAR NOT NULL
);

ALTER TABLE imports ADD COLUMN undone_at TIMESTAMP;
ALTER TABLE imports ADD COLUMN undone_by VARCHAR;
