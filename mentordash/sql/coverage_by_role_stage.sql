-- Coverage (docs/metrics.md) at $as_of for each role in $roles on its own and for any of them ('any'),
-- by career stage: active people of the filtered group (n), those who are mentee in a relationship
-- of that role active at $as_of (covered), and those who met such a mentor in the engaged window (engaged),
-- each with its cell key (docs/privacy.md).
WITH people_active AS (
    SELECT p.person_id, p.career_stage, p.record_key
    FROM people p
    WHERE person_active_on(p.start_date, p.end_date, $as_of)
      {people_filter}
),
relationships AS (
    SELECT m.mentee_id, m.mentor_id, m.role
    FROM mentorships m
    WHERE list_contains($roles::VARCHAR[], m.role)
      AND relationship_active_on(m.start_date, m.end_date, $as_of)
      AND m.mentee_id IN (SELECT person_id FROM people_active)
),
met AS (
    SELECT DISTINCT r.mentee_id, r.role
    FROM relationships r
    JOIN meetings g ON g.mentee_id = r.mentee_id AND g.mentor_id = r.mentor_id
    WHERE g.date > $as_of - $window::INTEGER AND g.date <= $as_of
),
covered AS (
    SELECT DISTINCT mentee_id, role FROM relationships
    UNION SELECT DISTINCT mentee_id, 'any' FROM relationships
),
engaged AS (
    SELECT mentee_id, role FROM met
    UNION SELECT DISTINCT mentee_id, 'any' FROM met
),
roles AS (SELECT unnest($roles::VARCHAR[]) AS role UNION ALL SELECT 'any')
-- Each role's stages, and each role's whole ($all_stages, is_all): the stages' sum, from the same rows.
SELECT r.role, CASE WHEN grouping(a.career_stage) = 1 THEN $all_stages ELSE a.career_stage END AS career_stage,
       grouping(a.career_stage) = 1 AS is_all,
       count(*) AS n,
       count(c.mentee_id) AS covered,
       count(e.mentee_id) AS engaged,
       cell_key(sum(a.record_key)) AS n_key,
       cell_key(sum(a.record_key) FILTER (c.mentee_id IS NOT NULL)) AS covered_key,
       cell_key(sum(a.record_key) FILTER (e.mentee_id IS NOT NULL)) AS engaged_key
FROM people_active a
CROSS JOIN roles r
LEFT JOIN covered c ON c.mentee_id = a.person_id AND c.role = r.role
LEFT JOIN engaged e ON e.mentee_id = a.person_id AND e.role = r.role
GROUP BY GROUPING SETS ((r.role, a.career_stage), (r.role))
