-- Mentors over capacity at $as_of (a row-level list, for coordinators only): each mentor of the
-- filtered group (as in mentor_loads.sql: the filters select the mentors, external mentors count only
-- when no filter is set) whose distinct active mentees in $roles exceed $capacity.
WITH {active_mentor_pairs}
SELECT a.mentor_id, p.career_stage, p.division, p.person_id IS NULL AS external, count(*) AS mentees
FROM active_pairs a
LEFT JOIN people p ON p.person_id = a.mentor_id
WHERE {mentor_filter_applies} {people_filter}
GROUP BY a.mentor_id, p.person_id, p.career_stage, p.division
HAVING count(*) > $capacity
ORDER BY mentees DESC, a.mentor_id
