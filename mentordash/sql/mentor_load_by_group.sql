-- The "minority tax" (metrics.md, mentor load): the mentoring of the filtered group at $as_of, by the
-- faculty who give it. Faculty are the active junior and senior faculty of the whole roster (the
-- filters select mentees, not faculty). A faculty member's load is the number of distinct
-- active mentees of the filtered group they mentor in $roles; for women and for URiM faculty: how many
-- faculty (of those whose value is known) and how much load (carried by faculty whose value is known).
WITH {active_mentor_pairs},
faculty AS (
    SELECT f.person_id, f.gender, {urim_expr} AS urim_eff
    FROM people f
    WHERE f.career_stage IN ('junior_faculty', 'senior_faculty')
      AND f.start_date <= $as_of AND (f.end_date IS NULL OR f.end_date > $as_of)
),
loads AS (
    SELECT mentor_id, count(*) AS mentees FROM active_pairs GROUP BY mentor_id
),
faculty_loads AS (
    SELECT f.gender, f.urim_eff, coalesce(l.mentees, 0) AS mentees
    FROM faculty f LEFT JOIN loads l ON l.mentor_id = f.person_id
),
totals AS (
    SELECT count(*) AS total_pairs, count(DISTINCT mentee_id) AS total_mentees FROM active_pairs
)
SELECT 'women' AS "group",
       count(*) FILTER (gender = 'woman') AS faculty_in_group,
       count(*) FILTER (gender IS NOT NULL AND gender <> 'undisclosed') AS faculty_known,
       count(*) AS faculty,
       coalesce(sum(mentees) FILTER (gender = 'woman'), 0) AS load_in_group,
       coalesce(sum(mentees) FILTER (gender IS NOT NULL AND gender <> 'undisclosed'), 0) AS load_known,
       coalesce(sum(mentees), 0) AS load_faculty,
       any_value(t.total_pairs) AS load_all, any_value(t.total_mentees) AS mentees
FROM faculty_loads, totals t
UNION ALL
SELECT 'urim',
       count(*) FILTER (urim_eff),
       count(*) FILTER (urim_eff IS NOT NULL),
       count(*),
       coalesce(sum(mentees) FILTER (urim_eff), 0),
       coalesce(sum(mentees) FILTER (urim_eff IS NOT NULL), 0),
       coalesce(sum(mentees), 0),
       any_value(t.total_pairs), any_value(t.total_mentees)
FROM faculty_loads, totals t
