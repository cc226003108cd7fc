-- Per survey wave and group, for every grouping at once (career stage, gender, URiM, division, mentored):
-- for each measure the scoreable (n__) and positive (pos__) responses. Unknown values form their own
-- group ('unknown'), so that the groups of a breakdown add up to the wave's total.
-- Two steps, for speed on large surveys: one pass over the responses counts each combination of groups
-- (few rows), then GROUPING SETS roll those counts up into each breakdown.
-- Over the CTEs of wellbeing_responses.sql.
WITH {wellbeing_responses},
g AS (
    SELECT f.survey,
           coalesce(f.eff_stage, 'unknown') AS g_career_stage,
           coalesce(f.eff_gender, 'unknown') AS g_gender,
           CASE {urim_expr} WHEN TRUE THEN 'urim' WHEN FALSE THEN 'not_urim' ELSE 'unknown' END AS g_urim,
           coalesce(f.eff_division, 'unknown') AS g_division,
           CASE f.mentored WHEN TRUE THEN 'mentored' WHEN FALSE THEN 'not_mentored' ELSE 'unknown' END AS g_mentored,
           f.record_key AS rk,
           {measure_flags}
    FROM f
),
combos AS (
    SELECT g.survey, g_career_stage, g_gender, g_urim, g_division, g_mentored,
           {measure_counts}
    FROM g
    GROUP BY g.survey, g_career_stage, g_gender, g_urim, g_division, g_mentored
)
SELECT c.survey,
       CASE WHEN GROUPING(g_career_stage) = 0 THEN 'career_stage'
            WHEN GROUPING(g_gender) = 0 THEN 'gender'
            WHEN GROUPING(g_urim) = 0 THEN 'urim'
            WHEN GROUPING(g_division) = 0 THEN 'division'
            ELSE 'mentored' END AS dimension,
       coalesce(g_career_stage, g_gender, g_urim, g_division, g_mentored) AS grp,
       any_value(w.last_submitted) AS last_submitted,
       {measure_sums}
FROM combos c JOIN wave_last w ON w.survey = c.survey
GROUP BY GROUPING SETS ((c.survey, g_career_stage), (c.survey, g_gender), (c.survey, g_urim), (c.survey, g_division),
                        (c.survey, g_mentored))
