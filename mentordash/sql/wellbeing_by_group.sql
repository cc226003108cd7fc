-- Per survey wave and group, for every grouping at once (career stage, gender, URiM, division, mentored):
-- for each measure the scoreable (n__) and positive (pos__) responses, with their cell keys. Unknown values
-- form their own group ('unknown'), so that the groups of a breakdown add up to the wave's total.
-- Rolls the rows of wellbeing_combinations.sql (registered as `wellbeing_combinations`, aliased c; built
-- with mentored status) that the filters keep (the cell_filter part) up into each breakdown with GROUPING SETS.
WITH g AS (
    SELECT c.*,
           coalesce(c.eff_stage, 'unknown') AS g_career_stage,
           coalesce(c.eff_gender, 'unknown') AS g_gender,
           CASE c.urim_eff WHEN TRUE THEN 'urim' WHEN FALSE THEN 'not_urim' ELSE 'unknown' END AS g_urim,
           coalesce(c.eff_division, 'unknown') AS g_division,
           CASE c.mentored WHEN TRUE THEN 'mentored' WHEN FALSE THEN 'not_mentored' ELSE 'unknown' END AS g_mentored
    FROM wellbeing_combinations c
    WHERE TRUE {cell_filter}
)
SELECT g.survey,
       CASE WHEN GROUPING(g_career_stage) = 0 THEN 'career_stage'
            WHEN GROUPING(g_gender) = 0 THEN 'gender'
            WHEN GROUPING(g_urim) = 0 THEN 'urim'
            WHEN GROUPING(g_division) = 0 THEN 'division'
            ELSE 'mentored' END AS dimension,
       coalesce(g_career_stage, g_gender, g_urim, g_division, g_mentored) AS grp,
       any_value(g.last_submitted) AS last_submitted,
       {measure_sums}
FROM g
GROUP BY GROUPING SETS ((g.survey, g_career_stage), (g.survey, g_gender), (g.survey, g_urim), (g.survey, g_division),
                        (g.survey, g_mentored))
