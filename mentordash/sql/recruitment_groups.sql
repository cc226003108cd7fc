-- The funnel of one cycle and track split by group (docs/metrics.md, Recruitment): for each dimension
-- (gender, urim, race_ethnicity, pipeline, and selection = the filtered applicants against the rest of
-- the track), each group and each stage, the applicants who reached at least that stage.
-- Summed from the applicants counted per combination of groups (recruitment_applicant_counts.sql, built once
-- per data version) by (dimension, group, stage reached) first, then downwards: stage_reached is ordinal.
-- n_key: the cell key of n (the sum of its applicants' record keys, docs/privacy.md); each side of the
-- selection split carries its own.
WITH track_applicants AS (
    SELECT a.reached, a.gender, a.race_ethnicity, a.pipeline, a.urim AS urim_eff,
           (TRUE {applicant_filter}) AS selected, a.applicants, a.k
    FROM applicant_counts a
    WHERE a.track = $track AND a.cycle = $cycle
),
chosen AS (
    SELECT * FROM track_applicants WHERE selected
),
labelled AS (
    SELECT 'all' AS dimension, 'all' AS grp, reached, applicants, k FROM chosen
    UNION ALL
    SELECT 'gender',
           CASE WHEN gender IS NULL OR gender = 'undisclosed' THEN 'unknown'
                WHEN gender IN ('nonbinary', 'another') THEN 'another' ELSE gender END,
           reached, applicants, k
    FROM chosen
    UNION ALL
    SELECT 'urim', CASE WHEN urim_eff IS NULL THEN 'unknown' WHEN urim_eff THEN 'urim' ELSE 'not_urim' END, reached, applicants, k
    FROM chosen
    UNION ALL
    SELECT 'race_ethnicity', unnest(CASE
               WHEN len(list_filter(coalesce(race_ethnicity, []::VARCHAR[]), lambda x: x <> 'undisclosed')) = 0
               THEN ['unknown']
               ELSE list_distinct(list_filter(race_ethnicity, lambda x: x <> 'undisclosed')) END),
           reached, applicants, k
    FROM chosen
    UNION ALL
    SELECT 'pipeline', unnest(CASE WHEN len(coalesce(pipeline, []::VARCHAR[])) = 0 THEN ['none']
                                   ELSE list_append(list_distinct(pipeline), 'any') END),
           reached, applicants, k
    FROM chosen
    UNION ALL
    SELECT 'selection', CASE WHEN selected THEN 'selected' ELSE 'others' END, reached, applicants, k FROM track_applicants
),
counted AS (
    SELECT dimension, grp, reached, sum(applicants) AS c, sum(k) AS ks FROM labelled GROUP BY dimension, grp, reached
),
stages AS (
    SELECT * FROM (VALUES ('applied', 1), ('interviewed', 2), ('ranked', 3), ('matched', 4)) AS t(stage, stage_order)
)
SELECT c.dimension, c.grp AS "group", s.stage, s.stage_order,
       coalesce(sum(c.c) FILTER (c.reached >= s.stage_order), 0)::BIGINT AS n,
       cell_key(sum(c.ks) FILTER (c.reached >= s.stage_order)) AS n_key
FROM counted c CROSS JOIN stages s
GROUP BY c.dimension, c.grp, s.stage, s.stage_order
