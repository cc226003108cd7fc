-- Outcomes (docs/metrics.md) per person with at least one window day: everyone, with the columns a view's
-- filters test (outcomes_people_of_view.sql picks a view's people from it; URiM as the settings' list makes it).
-- The window is the days d with $window_start < d <= $as_of; a person's window days are those on which
-- they are active (start_date <= d < end_date), i.e. the one span [a, b] below. Day-level rules are
-- computed by interval arithmetic, never by listing days:
--   mentee_days: window days on which they are mentee in at least one `mentor` relationship active that
--                day (start_date <= d <= end_date): the length of the union of the relationships' spans
--                clipped to [a, b] (each span adds only the part past the furthest end before it).
--   mentor_days: the same for relationships in which they are the mentor (the mentors' side).
-- record_key: the person's (for the cell keys of the counts computed from these rows, docs/privacy.md).
WITH spans AS (
    SELECT p.person_id, p.career_stage, p.gender, {urim} AS urim, p.division, p.institution, p.race_ethnicity,
           p.end_date, p.departure_reason, p.record_key,
           greatest(p.start_date, $window_start::DATE + 1) AS a,
           least($as_of::DATE, coalesce(p.end_date - 1, $as_of::DATE)) AS b
    FROM people p
),
in_window AS (SELECT * FROM spans WHERE b >= a),
relationship_spans AS (
    SELECT 'mentee' AS side, w.person_id,
           greatest(m.start_date, w.a) AS s, least(coalesce(m.end_date, w.b), w.b) AS e
    FROM mentorships m JOIN in_window w ON m.mentee_id = w.person_id
    WHERE m.role = 'mentor'
    UNION ALL
    SELECT 'mentor' AS side, w.person_id,
           greatest(m.start_date, w.a) AS s, least(coalesce(m.end_date, w.b), w.b) AS e
    FROM mentorships m JOIN in_window w ON m.mentor_id = w.person_id
    WHERE m.role = 'mentor'
),
ordered AS (
    SELECT side, person_id, s, e,
           max(e) OVER (PARTITION BY side, person_id ORDER BY s, e
                        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS furthest_before
    FROM relationship_spans
    WHERE s <= e
),
covered AS (
    SELECT person_id,
           sum(greatest(0, e - greatest(s, coalesce(furthest_before + 1, s)) + 1))
               FILTER (WHERE side = 'mentee') AS mentee_days,
           sum(greatest(0, e - greatest(s, coalesce(furthest_before + 1, s)) + 1))
               FILTER (WHERE side = 'mentor') AS mentor_days
    FROM ordered
    GROUP BY person_id
),
publications AS (
    SELECT w.person_id, sum(o.count) AS publications
    FROM outcomes o JOIN in_window w ON o.person_id = w.person_id
    WHERE o.kind = 'publication' AND o.date BETWEEN w.a AND w.b
    GROUP BY w.person_id
)
SELECT w.person_id, w.career_stage, w.gender, w.urim,
       (w.b - w.a + 1) AS window_days,
       coalesce(c.mentee_days, 0)::BIGINT AS mentee_days,  -- BIGINT: a HUGEINT sum reaches pandas as Decimals
       coalesce(c.mentor_days, 0)::BIGINT AS mentor_days,
       2 * coalesce(c.mentee_days, 0) >= (w.b - w.a + 1) AS mentored,
       2 * coalesce(c.mentor_days, 0) >= (w.b - w.a + 1) AS mentors,
       coalesce(pub.publications, 0)::BIGINT AS publications,
       coalesce(w.end_date > $window_start::DATE AND w.end_date <= $as_of::DATE
                AND list_contains($early_reasons::VARCHAR[], w.departure_reason), FALSE) AS departed_early,
       w.record_key, w.division, w.institution, w.race_ethnicity
FROM in_window w
LEFT JOIN covered c ON c.person_id = w.person_id
LEFT JOIN publications pub ON pub.person_id = w.person_id
ORDER BY w.person_id
