-- Coverage (metrics.md) for each day in $dates and each career stage: active people of the filtered
-- group (n), those who are mentee in a relationship of $roles active that day (covered), and those
-- who met such a mentor in the engaged window ending that day (engaged).
WITH days AS (SELECT unnest($dates::DATE[]) AS day),
people_active AS (
    SELECT d.day, p.person_id, p.career_stage
    FROM people p JOIN days d ON p.start_date <= d.day AND (p.end_date IS NULL OR p.end_date > d.day)
    WHERE TRUE {people_filter}
),
relationships AS (
    SELECT d.day, m.mentee_id, m.mentor_id
    FROM mentorships m JOIN days d ON m.start_date <= d.day AND (m.end_date IS NULL OR m.end_date >= d.day)
    WHERE m.role IN (SELECT unnest($roles::VARCHAR[]))
      AND m.mentee_id IN (SELECT person_id FROM people_active)
),
covered AS (SELECT DISTINCT day, mentee_id FROM relationships),
engaged AS (
    SELECT DISTINCT r.day, r.mentee_id
    FROM relationships r
    JOIN meetings g ON g.mentee_id = r.mentee_id AND g.mentor_id = r.mentor_id
    WHERE g.date > r.day - $window::INTEGER AND g.date <= r.day
)
SELECT a.day, a.career_stage,
       count(*) AS n,
       count(c.mentee_id) AS covered,
       count(e.mentee_id) AS engaged
FROM people_active a
LEFT JOIN covered c ON c.day = a.day AND c.mentee_id = a.person_id
LEFT JOIN engaged e ON e.day = a.day AND e.mentee_id = a.person_id
GROUP BY a.day, a.career_stage
ORDER BY a.day, a.career_stage
