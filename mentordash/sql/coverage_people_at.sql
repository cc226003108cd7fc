-- Coverage (docs/metrics.md) at $as_of of everyone active then, with the columns a view's filters test (URiM
-- as the settings' list makes it): coverage_people_at_of_view.sql counts a view's people from these rows.
-- covered_roles: the roles of the relationships active at $as_of in which the person is mentee;
-- engaged_roles: those of them whose mentor the person met in the engaged window ($as_of - $window, $as_of].
-- A person's own relationships count, whoever the other side is, so no filter changes either list.
-- record_key: the person's (for the cell keys of the counts, docs/privacy.md).
WITH people_active AS (
    SELECT p.person_id, p.career_stage, p.gender, {urim} AS urim, p.division, p.institution, p.race_ethnicity,
           p.record_key
    FROM people p
    WHERE person_active_on(p.start_date, p.end_date, $as_of)
),
relationships AS (
    SELECT m.mentee_id, m.mentor_id, m.role
    FROM mentorships m
    WHERE relationship_active_on(m.start_date, m.end_date, $as_of)
      AND m.mentee_id IN (SELECT person_id FROM people_active)
),
covered AS (
    SELECT mentee_id, list(DISTINCT role) AS roles FROM relationships GROUP BY mentee_id
),
engaged AS (
    SELECT r.mentee_id, list(DISTINCT r.role) AS roles
    FROM relationships r
    JOIN meetings g ON g.mentee_id = r.mentee_id AND g.mentor_id = r.mentor_id
    WHERE g.date > $as_of - $window::INTEGER AND g.date <= $as_of
    GROUP BY r.mentee_id
)
SELECT a.*, coalesce(c.roles, []::VARCHAR[]) AS covered_roles, coalesce(e.roles, []::VARCHAR[]) AS engaged_roles
FROM people_active a
LEFT JOIN covered c ON c.mentee_id = a.person_id
LEFT JOIN engaged e ON e.mentee_id = a.person_id
