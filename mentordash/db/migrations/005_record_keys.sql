-- Version 5: a permanent random record key for every person, survey response and applicant
-- (docs/privacy.md, protection against differencing). A key is a 32-bit fraction: the integer k stands
-- for k / 2^32, uniform on [0, 1), so that sums of keys are exact in SQL. New rows draw theirs from the
-- column default; a roster update keeps the stored key, undo restores it with the row. Never shown,
-- never exported.
ALTER TABLE people ADD COLUMN record_key UINTEGER DEFAULT (floor(random() * 4294967296))::UINTEGER;
ALTER TABLE survey ADD COLUMN record_key UINTEGER DEFAULT (floor(random() * 4294967296))::UINTEGER;
ALTER TABLE applicants ADD COLUMN record_key UINTEGER DEFAULT (floor(random() * 4294967296))::UINTEGER;
-- A cell key from the sum of its contributors' record keys: that sum modulo 2^32, as SQL computes it
-- beside each count (`cell_key(sum(p.record_key) FILTER (...))`).
CREATE OR REPLACE MACRO cell_key(key_total) AS (coalesce(key_total, 0) % 4294967296)::BIGINT;
