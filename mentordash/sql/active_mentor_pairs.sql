-- Shared CTEs, spliced into a query's WITH clause by metrics.coverage._with_active_pairs:
-- mentees: the people active at $as_of (narrowed by the filtered group's fragment, or not at all when
-- the filters select the mentors instead); active_pairs: the distinct (mentor, mentee) pairs of
-- relationships in $roles active at $as_of whose mentee is one of them.
mentees AS (
    SELECT p.person_id
    FROM people p
    WHERE person_active_on(p.start_date, p.end_date, $as_of)
      {mentee_filter}
),
active_pairs AS (
    SELECT DISTINCT m.mentor_id, m.mentee_id
    FROM mentorships m
    WHERE m.role IN (SELECT unnest($roles::VARCHAR[]))
      AND relationship_active_on(m.start_date, m.end_date, $as_of)
      AND m.mentee_id IN (SELECT person_id FROM mentees)
)
