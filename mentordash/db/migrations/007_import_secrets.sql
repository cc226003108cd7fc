-- Version 7: secrets of this database that never leave it (issue 14). `response_id_key` keys the HMAC
-- that derives a Google Forms response id from the whole row as exported (docs/import-formats.md): a
-- random 256-bit key, drawn by Python's `secrets` the first time an import needs it and never changed
-- afterwards, so that re-importing the same rows gives the same ids, and nothing unmapped can be
-- recovered from an id. Never shown, never exported; a backup carries it with the data it keys.
CREATE TABLE secrets (
    key    VARCHAR PRIMARY KEY,
    value  VARCHAR NOT NULL
);
