-- How relationships began (docs/metrics.md, Coverage): relationships of $roles active on the day in $dates whose
-- mentee is an active person of the filtered group, by the mentee's career stage and source, with the formal
-- ones among them. stage_mentees counts the distinct mentees of each stage (the denominator suppression
-- judges). Each count has its cell key (a relationship contributes its mentee's record key).
WITH {active_mentee_relationships}
SELECT r.career_stage, r.source, count(*) AS relationships, cell_key(sum(r.k)) AS relationships_key,
       count(*) FILTER (r.formal) AS formal, cell_key(sum(r.k) FILTER (r.formal)) AS formal_key,
       any_value(s.mentees) AS stage_mentees, any_value(s.mentees_key) AS stage_mentees_key,
       any_value(s.relationships) AS stage_relationships, any_value(s.relationships_key) AS stage_relationships_key
FROM rel r
JOIN (SELECT career_stage, count(DISTINCT mentee_id) AS mentees, count(*) AS relationships,
             cell_key(sum(k)) AS relationships_key,
             (SELECT cell_key(sum(d.k)) FROM (SELECT DISTINCT mentee_id, k, career_stage FROM rel) d
              WHERE d.career_stage = rel.career_stage) AS mentees_key
      FROM rel GROUP BY career_stage) s ON s.career_stage = r.career_stage
GROUP BY r.career_stage, r.source
ORDER BY r.career_stage, r.source
