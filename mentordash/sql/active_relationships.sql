-- For each day of $dates: the relationships of $roles active that day whose mentee is an active person of the
-- filtered group, and their distinct mentees (a row for every day, with counts of 0 where there are none).
WITH {active_mentee_relationships},
-- Each count with its cell key: a relationship contributes its mentee's record key, a mentee theirs once.
mentee_keys AS (
    SELECT day, cell_key(sum(k)) AS mentees_key FROM (SELECT DISTINCT day, mentee_id, k FROM rel) GROUP BY day
)
SELECT d.day, count(r.mentee_id) AS relationships, count(DISTINCT r.mentee_id) AS mentees,
       cell_key(sum(r.k)) AS relationships_key, coalesce(any_value(m.mentees_key), 0) AS mentees_key
FROM rel_days d
LEFT JOIN rel r ON r.day = d.day
LEFT JOIN mentee_keys m ON m.day = d.day
GROUP BY d.day
