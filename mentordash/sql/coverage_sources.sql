-- How relationships began (metrics.md, Coverage): relationships of $roles active at $as_of whose
-- mentee is an active person of the filtered group, by the mentee's career stage, source and formal flag.
-- mentees counts the distinct mentees of each stage (the denominator suppression judges).
WITH rel AS (
    SELECT p.career_stage, coalesce(m.source, 'not_recorded') AS source, m.formal, m.mentee_id
    FROM mentorships m
    JOIN people p ON p.person_id = m.mentee_id
    WHERE m.role IN (SELECT unnest($roles::VARCHAR[]))
      AND m.start_date <= $as_of AND (m.end_date IS NULL OR m.end_date >= $as_of)
      AND p.start_date <= $as_of AND (p.end_date IS NULL OR p.end_date > $as_of)
      {people_filter}
)
SELECT r.career_stage, r.source, r.formal, count(*) AS relationships,
       any_value(s.mentees) AS stage_mentees, any_value(s.relationships) AS stage_relationships
FROM rel r
JOIN (SELECT career_stage, count(DISTINCT mentee_id) AS mentees, count(*) AS relationships
      FROM rel GROUP BY career_stage) s ON s.career_stage = r.career_stage
GROUP BY r.career_stage, r.source, r.formal
