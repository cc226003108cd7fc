-- The "minority tax" (docs/metrics.md, mentor load): the mentoring of the filtered group at $as_of, by the
-- faculty who give it ($dates holds $as_of alone, for the active pairs). Faculty are the active junior and senior faculty of the whole roster (the
-- filters select mentees, not faculty). A faculty member's load is the number of distinct
-- active mentees of the filtered group they mentor in $roles; for women and for URiM faculty: how many
-- faculty (of those whose value is known) and how much load (carried by faculty whose value is known).
WITH {active_mentor_pairs},
faculty AS (
    SELECT f.person_id, f.gender, {urim_expr} AS urim_eff, f.record_key AS k
    FROM people f
    WHERE f.career_stage IN ('junior_faculty', 'senior_faculty')
      AND person_active_on(f.start_date, f.end_date, $as_of)
),
loads AS (
    SELECT mentor_id, count(*) AS mentees FROM active_pairs GROUP BY mentor_id
),
faculty_loads AS (
    SELECT f.gender, f.urim_eff, f.k, coalesce(l.mentees, 0) AS mentees
    FROM faculty f LEFT JOIN loads l ON l.mentor_id = f.person_id
),
totals AS (
    SELECT count(*) AS total_pairs, count(DISTINCT mentee_id) AS total_mentees,
           (SELECT cell_key(sum(p.record_key)) FROM (SELECT DISTINCT mentee_id FROM active_pairs) d
            JOIN people p ON p.person_id = d.mentee_id) AS mentees_key
    FROM active_pairs
)
SELECT 'women' AS "group",
       count(*) FILTER (gender = 'woman') AS faculty_in_group,
       count(*) FILTER (gender IS NOT NULL AND gender <> 'undisclosed') AS faculty_known,
       count(*) AS faculty,
       coalesce(sum(mentees) FILTER (gender = 'woman'), 0)::BIGINT AS load_in_group,
       coalesce(sum(mentees) FILTER (gender IS NOT NULL AND gender <> 'undisclosed'), 0)::BIGINT AS load_known,
       coalesce(sum(mentees), 0)::BIGINT AS load_faculty,  -- BIGINT: a HUGEINT sum reaches pandas as Decimals
       -- coalesce: with no active faculty the cross join is empty and any_value is NULL (issue 13, item 6)
       coalesce(any_value(t.total_pairs), 0) AS load_all, coalesce(any_value(t.total_mentees), 0) AS mentees,
       cell_key(sum(k) FILTER (gender = 'woman')) AS faculty_in_group_key,
       cell_key(sum(k) FILTER (gender IS NOT NULL AND gender <> 'undisclosed')) AS faculty_known_key,
       cell_key(sum(k)) AS faculty_key, cell_key(any_value(t.mentees_key)) AS mentees_key
FROM faculty_loads, totals t
UNION ALL
SELECT 'urim',
       count(*) FILTER (urim_eff),
       count(*) FILTER (urim_eff IS NOT NULL),
       count(*),
       coalesce(sum(mentees) FILTER (urim_eff), 0)::BIGINT,
       coalesce(sum(mentees) FILTER (urim_eff IS NOT NULL), 0)::BIGINT,
       coalesce(sum(mentees), 0)::BIGINT,
       coalesce(any_value(t.total_pairs), 0), coalesce(any_value(t.total_mentees), 0),
       cell_key(sum(k) FILTER (urim_eff)),
       cell_key(sum(k) FILTER (urim_eff IS NOT NULL)),
       cell_key(sum(k)), cell_key(any_value(t.mentees_key))
FROM faculty_loads, totals t
