-- Coverage (docs/metrics.md) of a view (its filters) at coverage_people_at.sql's date, from its rows of everyone
-- active then (table coverage_people_at, aliased o), for each role in $roles on its own and for any of them
-- ('any'), by career stage: the view's active people (n), those who are mentee in a relationship of that role
-- active at the date (covered), and those who met such a mentor in the engaged window (engaged), each with
-- its cell key (docs/privacy.md).
WITH people_active AS (
    SELECT o.career_stage, o.record_key, o.covered_roles, o.engaged_roles
    FROM coverage_people_at o
    WHERE TRUE {people_filter}
),
roles AS (SELECT unnest($roles::VARCHAR[]) AS role UNION ALL SELECT 'any'),
flags AS (
    SELECT r.role, a.career_stage, a.record_key,
           CASE WHEN r.role = 'any' THEN list_has_any(a.covered_roles, $roles::VARCHAR[])
                ELSE list_contains(a.covered_roles, r.role) END AS is_covered,
           CASE WHEN r.role = 'any' THEN list_has_any(a.engaged_roles, $roles::VARCHAR[])
                ELSE list_contains(a.engaged_roles, r.role) END AS is_engaged
    FROM people_active a
    CROSS JOIN roles r
)
-- Each role's stages, and each role's whole ($all_stages, is_all): the stages' sum, from the same rows.
SELECT role, CASE WHEN grouping(career_stage) = 1 THEN $all_stages ELSE career_stage END AS career_stage,
       grouping(career_stage) = 1 AS is_all, {coverage_cell_counts}
FROM flags
GROUP BY GROUPING SETS ((role, career_stage), (role))
