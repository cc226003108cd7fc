-- The complete responses of the filtered respondents over all waves, with the cell key (docs/privacy.md).
WITH {wellbeing_responses}
SELECT count(*) AS n, cell_key(sum(record_key)) AS n_key FROM filtered
