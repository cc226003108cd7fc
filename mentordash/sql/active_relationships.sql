-- Relationships of $roles active at $as_of whose mentee is an active person of the filtered group.
SELECT count(*) AS relationships, count(DISTINCT m.mentee_id) AS mentees
FROM mentorships m
JOIN people p ON p.person_id = m.mentee_id
WHERE m.role IN (SELECT unnest($roles::VARCHAR[]))
  AND m.start_date <= $as_of AND (m.end_date IS NULL OR m.end_date >= $as_of)
  AND p.start_date <= $as_of AND (p.end_date IS NULL OR p.end_date > $as_of)
  {people_filter}
