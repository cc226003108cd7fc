-- Version 2: who changed which setting (docs/privacy.md: every change recorded), the rows an import
-- replaced (so undo can restore them), and a data version that invalidates cached results.
CREATE TABLE settings_log (
    changed_at  TIMESTAMP NOT NULL,
    changed_by  VARCHAR NOT NULL,
    key         VARCHAR NOT NULL,
    old_value   JSON,
    new_value   JSON
);

CREATE TABLE import_replaced (
    import_id  VARCHAR NOT NULL,
    dataset    VARCHAR NOT NULL,
    row_json   JSON NOT NULL
);

CREATE TABLE meta (
    key    VARCHAR PRIMARY KEY,
    value  BIGINT NOT NULL
);
INSERT INTO meta VALUES ('data_version', 1);

CREATE INDEX mentorships_mentee ON mentorships (mentee_id);
CREATE INDEX meetings_mentee ON meetings (mentee_id);
