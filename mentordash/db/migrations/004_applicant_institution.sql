-- Version 4: the department an applicant applied to, so that a consortium's institution filter
-- applies to recruitment as it does to people (docs/datasets.md lists institution for people only).
ALTER TABLE applicants ADD COLUMN institution VARCHAR;
