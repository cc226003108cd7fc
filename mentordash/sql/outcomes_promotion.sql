-- Time to first promotion (docs/metrics.md, Outcomes) for everyone hired as junior faculty, with the columns
-- a view's filters test (outcomes_promotion_of_view.sql picks a view's people from it): the roster keeps each person's latest stage, so this is junior faculty plus senior faculty with
-- a promotion after their start (promoted in the department). Followed from start_date to the first
-- promotion (event) or, if none, to end_date or $as_of, whichever comes first (censored).
-- mentored: mentee in a `mentor` relationship on at least half of the follow-up days [start_date, stop),
-- computed as in outcomes_people.sql by the union of the relationships' clipped spans.
-- record_key: the person's (for the cell keys of the counts computed from these rows, docs/privacy.md).
WITH cohort AS (
    SELECT p.person_id, p.career_stage, p.start_date, p.record_key,
           least($as_of::DATE, coalesce(p.end_date, $as_of::DATE)) AS last_day,
           p.gender, {urim} AS urim, p.division, p.institution, p.race_ethnicity
    FROM people p
    WHERE p.career_stage IN ('junior_faculty', 'senior_faculty') AND p.start_date < $as_of::DATE
),
first_promotion AS (
    SELECT c.person_id, min(o.date) AS promoted_on
    FROM outcomes o JOIN cohort c ON o.person_id = c.person_id
    WHERE o.kind = 'promotion' AND o.date > c.start_date AND o.date <= c.last_day
    GROUP BY c.person_id
),
followed AS (
    SELECT c.person_id, c.start_date, c.record_key, f.promoted_on IS NOT NULL AS promoted,
           coalesce(f.promoted_on, c.last_day) AS stop, c.gender, c.urim, c.division, c.institution, c.race_ethnicity
    FROM cohort c LEFT JOIN first_promotion f ON f.person_id = c.person_id
    WHERE c.career_stage = 'junior_faculty' OR f.promoted_on IS NOT NULL
),
relationship_spans AS (
    SELECT f.person_id, greatest(m.start_date, f.start_date) AS s,
           least(coalesce(m.end_date, f.stop - 1), f.stop - 1) AS e
    FROM mentorships m JOIN followed f ON m.mentee_id = f.person_id
    WHERE m.role = 'mentor'
),
ordered AS (
    SELECT person_id, s, e,
           max(e) OVER (PARTITION BY person_id ORDER BY s, e
                        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS furthest_before
    FROM relationship_spans
    WHERE s <= e
),
covered AS (
    SELECT person_id, sum(greatest(0, e - greatest(s, coalesce(furthest_before + 1, s)) + 1)) AS mentee_days
    FROM ordered GROUP BY person_id
)
SELECT f.person_id, f.promoted, (f.stop - f.start_date) AS days,
       2 * coalesce(c.mentee_days, 0) >= (f.stop - f.start_date) AS mentored,
       f.record_key, f.gender, f.urim, f.division, f.institution, f.race_ethnicity
FROM followed f LEFT JOIN covered c ON c.person_id = f.person_id
WHERE f.stop > f.start_date
ORDER BY f.person_id
