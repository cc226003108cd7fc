-- Relationships of $roles active at $as_of whose mentee is an active person of the filtered group.
WITH {active_mentee_relationships}
-- Each count with its cell key: a relationship contributes its mentee's record key.
SELECT count(*) AS relationships, count(DISTINCT mentee_id) AS mentees,
       cell_key(sum(k)) AS relationships_key,
       (SELECT cell_key(sum(k)) FROM (SELECT DISTINCT mentee_id, k FROM rel)) AS mentees_key
FROM rel
