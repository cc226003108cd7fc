-- The complete responses of the filtered respondents over all waves, with the cell key (docs/privacy.md):
-- the rows of wellbeing_combinations.sql (registered as `wellbeing_combinations`, aliased c) that the
-- filters keep, summed.
SELECT coalesce(sum(c.responses), 0)::BIGINT AS n, cell_key(sum(c.k_responses)) AS n_key
FROM wellbeing_combinations c
WHERE TRUE {cell_filter}
