-- The date rules every query shares (docs/metrics.md, Time), written once: Database creates these macros on
-- each cursor it reads with (DuckDB expands a macro where it is used, so filters and joins plan as if
-- written out). Queries call them; no SQL file spells a rule out again.
-- A person is active on `day` from start_date up to, not including, end_date (the day they left).
CREATE OR REPLACE TEMP MACRO person_active_on(start_date, end_date, day) AS
    start_date <= day AND (end_date IS NULL OR end_date > day);
-- A relationship is active on `day` from start_date to end_date inclusive (its end day counts).
CREATE OR REPLACE TEMP MACRO relationship_active_on(start_date, end_date, day) AS
    start_date <= day AND (end_date IS NULL OR end_date >= day);
-- The same two rules as half-open spans [start_date, until): the first day on which each is no longer active.
CREATE OR REPLACE TEMP MACRO person_active_until(end_date) AS coalesce(end_date, DATE '9999-12-31');
CREATE OR REPLACE TEMP MACRO relationship_active_until(end_date) AS coalesce(end_date + 1, DATE '9999-12-31');
