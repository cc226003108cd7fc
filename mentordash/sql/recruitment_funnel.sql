-- The recruitment funnel (docs/metrics.md): for each cycle, track and stage, the filtered applicants who
-- reached at least that stage (stage_reached is ordinal), with how many have a known gender and
-- URiM status and how many of those are women and URiM; beside each count c, c_key: its cell key (the
-- sum of its applicants' record keys, docs/privacy.md).
WITH a AS (
    SELECT cycle, track, gender, record_key AS k,
           list_position(['applied', 'interviewed', 'ranked', 'matched'], stage_reached) AS reached,
           {urim_expr} AS urim_eff
    FROM applicants a
    WHERE TRUE {applicant_filter}
),
stages AS (
    SELECT * FROM (VALUES ('applied', 1), ('interviewed', 2), ('ranked', 3), ('matched', 4)) AS t(stage, stage_order)
)
SELECT a.cycle, a.track, s.stage, s.stage_order,
       count(*) AS n,
       count(*) FILTER (a.gender IS NOT NULL AND a.gender <> 'undisclosed') AS gender_known,
       count(*) FILTER (a.gender = 'woman') AS women,
       count(*) FILTER (a.gender = 'man') AS men,
       count(*) FILTER (a.gender IN ('nonbinary', 'another')) AS gender_another,
       count(a.urim_eff) AS urim_known,
       count(*) FILTER (a.urim_eff) AS urim,
       count(*) FILTER (a.gender IS NULL OR a.gender = 'undisclosed') AS gender_unknown,
       count(*) FILTER (a.urim_eff IS NULL) AS urim_unknown,
       cell_key(sum(a.k)) AS n_key,
       cell_key(sum(a.k) FILTER (a.gender IS NOT NULL AND a.gender <> 'undisclosed')) AS gender_known_key,
       cell_key(sum(a.k) FILTER (a.gender = 'woman')) AS women_key,
       cell_key(sum(a.k) FILTER (a.gender = 'man')) AS men_key,
       cell_key(sum(a.k) FILTER (a.gender IN ('nonbinary', 'another'))) AS gender_another_key,
       cell_key(sum(a.k) FILTER (a.urim_eff IS NOT NULL)) AS urim_known_key,
       cell_key(sum(a.k) FILTER (a.urim_eff)) AS urim_key,
       cell_key(sum(a.k) FILTER (a.gender IS NULL OR a.gender = 'undisclosed')) AS gender_unknown_key,
       cell_key(sum(a.k) FILTER (a.urim_eff IS NULL)) AS urim_unknown_key
FROM a JOIN stages s ON a.reached >= s.stage_order
GROUP BY a.cycle, a.track, s.stage, s.stage_order
