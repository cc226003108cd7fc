-- The applicants counted per cycle, track, stage reached (reached: its order, 1 applied .. 4 matched, NULL for
-- a stage outside them) and combination of the groups a recruitment figure filters or breaks down by: gender,
-- race/ethnicity, URiM as settled by the settings' list (urim), pipeline programs, and institution when a view
-- filters on it (institution_column: it multiplies the rows by the number of departments); with the sum of
-- their record keys (k, for cell keys, docs/privacy.md). No filter applies here: this is built once per
-- data version (metrics.recruitment._applicant_counts), and every view's funnel, split by group, choices and
-- total filter and sum its rows (aliased a): a new filter never scans the applicants again.
SELECT a.cycle, a.track,
       list_position(['applied', 'interviewed', 'ranked', 'matched'], a.stage_reached) AS reached,
       a.gender, a.race_ethnicity, {urim_expr} AS urim, a.pipeline{institution_column},
       count(*)::BIGINT AS applicants, sum(a.record_key)::BIGINT AS k
FROM applicants a
GROUP BY ALL
