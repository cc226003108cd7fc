-- The department as it stands at $as_of (metrics.md, Time: active people): for each career stage,
-- how many are active, how many have a known gender and URiM status, and how many are women and URiM.
WITH p AS (
    SELECT p.career_stage, p.gender, {urim_expr} AS urim_eff
    FROM people p
    WHERE p.start_date <= $as_of AND (p.end_date IS NULL OR p.end_date > $as_of)
    {people_filter}
)
SELECT career_stage,
       count(*) AS n,
       count(*) FILTER (gender IS NOT NULL AND gender <> 'undisclosed') AS gender_known,
       count(*) FILTER (gender = 'woman') AS women,
       count(*) FILTER (gender = 'man') AS men,
       count(*) FILTER (gender IN ('nonbinary', 'another')) AS gender_another,
       count(urim_eff) AS urim_known,
       count(*) FILTER (urim_eff) AS urim
FROM p
GROUP BY career_stage
