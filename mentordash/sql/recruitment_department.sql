-- The department as it stands at $as_of (docs/metrics.md, Time: active people): for each career stage,
-- how many are active, how many have a known gender and URiM status, and how many are women and URiM;
-- beside each count c, c_key: its cell key (the sum of its people's record keys, docs/privacy.md).
WITH p AS (
    SELECT p.career_stage, p.gender, {urim_expr} AS urim_eff, p.record_key AS k
    FROM people p
    WHERE person_active_on(p.start_date, p.end_date, $as_of)
    {people_filter}
)
SELECT career_stage,
       count(*) AS n,
       count(*) FILTER (gender IS NOT NULL AND gender <> 'undisclosed') AS gender_known,
       count(*) FILTER (gender = 'woman') AS women,
       count(*) FILTER (gender = 'man') AS men,
       count(*) FILTER (gender IN ('nonbinary', 'another')) AS gender_another,
       count(urim_eff) AS urim_known,
       count(*) FILTER (urim_eff) AS urim,
       count(*) FILTER (gender IS NULL OR gender = 'undisclosed') AS gender_unknown,
       count(*) FILTER (urim_eff IS NULL) AS urim_unknown,
       cell_key(sum(k)) AS n_key,
       cell_key(sum(k) FILTER (gender IS NOT NULL AND gender <> 'undisclosed')) AS gender_known_key,
       cell_key(sum(k) FILTER (gender = 'woman')) AS women_key,
       cell_key(sum(k) FILTER (gender = 'man')) AS men_key,
       cell_key(sum(k) FILTER (gender IN ('nonbinary', 'another'))) AS gender_another_key,
       cell_key(sum(k) FILTER (urim_eff IS NOT NULL)) AS urim_known_key,
       cell_key(sum(k) FILTER (urim_eff)) AS urim_key,
       cell_key(sum(k) FILTER (gender IS NULL OR gender = 'undisclosed')) AS gender_unknown_key,
       cell_key(sum(k) FILTER (urim_eff IS NULL)) AS urim_unknown_key
FROM p
GROUP BY career_stage
