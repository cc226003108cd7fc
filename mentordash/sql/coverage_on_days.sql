-- Coverage (docs/metrics.md) for each day in $dates and each career stage, counted day by day: active people
-- of the filtered group (n), those who are mentee in a relationship of $roles active that day (covered), and
-- those who met such a mentor in the engaged window ending that day (engaged), each with its cell key (the
-- sum of its people's record keys modulo 2^32, docs/privacy.md). Rows only where n > 0.
-- The same figures as coverage_by_day_stage.sql (spans), which metrics.coverage uses for long series: this
-- one costs in proportion to the number of days and is the faster for a few of them.
WITH days AS (SELECT DISTINCT unnest($dates::DATE[]) AS day),
active AS (
    SELECT d.day, p.person_id, p.career_stage, p.record_key::BIGINT AS k
    FROM days d JOIN people p ON person_active_on(p.start_date, p.end_date, d.day)
    WHERE TRUE {people_filter}
),
relationships AS (
    SELECT d.day, m.mentee_id, m.mentor_id
    FROM days d JOIN mentorships m ON relationship_active_on(m.start_date, m.end_date, d.day)
    WHERE list_contains($roles::VARCHAR[], m.role)
),
covered AS (SELECT DISTINCT day, mentee_id FROM relationships),
engaged AS (  -- a meeting makes its mentee engaged on [date, date + window)
    SELECT DISTINCT r.day, r.mentee_id
    FROM relationships r
    JOIN meetings g ON g.mentee_id = r.mentee_id AND g.mentor_id = r.mentor_id
    WHERE g.date <= r.day AND g.date > r.day - $window::INTEGER
),
counts AS (
    SELECT a.day, a.career_stage,
           count(*) AS n, count(c.mentee_id) AS covered, count(e.mentee_id) AS engaged,
           cell_key(sum(a.k)) AS n_key,
           cell_key(sum(a.k) FILTER (c.mentee_id IS NOT NULL)) AS covered_key,
           cell_key(sum(a.k) FILTER (e.mentee_id IS NOT NULL)) AS engaged_key
    FROM active a
    LEFT JOIN covered c ON c.day = a.day AND c.mentee_id = a.person_id
    LEFT JOIN engaged e ON e.day = a.day AND e.mentee_id = a.person_id
    GROUP BY a.day, a.career_stage
)
SELECT d.day, c.career_stage, c.n, c.covered, c.engaged, c.n_key, c.covered_key, c.engaged_key
FROM (SELECT unnest($dates::DATE[]) AS day) d JOIN counts c ON c.day = d.day
ORDER BY d.day, c.career_stage
