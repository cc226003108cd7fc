-- Relationships of $roles active at $as_of whose mentee is an active person of the filtered group.
WITH {active_mentee_relationships}
SELECT count(*) AS relationships, count(DISTINCT mentee_id) AS mentees
FROM rel
