-- Version 8: summaries derived from the data, kept across restarts (issue 15). Database.derived builds a
-- summary that no filter changes (the wellbeing responses counted per combination of groups, the people
-- each survey wave could reach) once per data version; this table keeps it, as Arrow IPC, so that the
-- first view after a restart reads it instead of scanning millions of responses again. `fingerprint`
-- names what was computed (the query text, its parameters, the shared macros) over which data (the data
-- version and the tables' row counts). Every write that bumps the data version empties the table, so
-- nothing kept ever describes data that is no longer there. Never shown: metrics read it as they read
-- any other table, and only figures leave them, through privacy.
CREATE TABLE derived_results (
    fingerprint   VARCHAR PRIMARY KEY,
    data_version  BIGINT NOT NULL,
    built_at      TIMESTAMP NOT NULL,
    payload       BLOB NOT NULL
);
