-- The unmatched list (docs/metrics.md; a row-level list, for coordinators only): active people of the
-- filtered group at $as_of who are mentee in no relationship of $roles active at $as_of.
SELECT p.person_id, p.career_stage, p.division, ($as_of - p.start_date)::INTEGER AS days_since_start
FROM people p
WHERE person_active_on(p.start_date, p.end_date, $as_of)
  {people_filter}
  AND p.person_id NOT IN (
      SELECT m.mentee_id FROM mentorships m
      WHERE list_contains($roles::VARCHAR[], m.role)
        AND relationship_active_on(m.start_date, m.end_date, $as_of)
  )
ORDER BY days_since_start DESC, p.person_id
