-- How relationships began (metrics.md, Coverage): relationships of $roles active at $as_of whose
-- mentee is an active person of the filtered group, by the mentee's career stage, source and formal flag.
-- mentees counts the distinct mentees of each stage (the denominator suppression judges).
WITH {active_mentee_relationships}
SELECT r.career_stage, r.source, r.formal, count(*) AS relationships,
       any_value(s.mentees) AS stage_mentees, any_value(s.relationships) AS stage_relationships
FROM rel r
JOIN (SELECT career_stage, count(DISTINCT mentee_id) AS mentees, count(*) AS relationships
      FROM rel GROUP BY career_stage) s ON s.career_stage = r.career_stage
GROUP BY r.career_stage, r.source, r.formal
