-- Shared CTE, spliced into a query's WITH clause by metrics.coverage._with_active_relationships:
-- rel, each relationship of $roles active at $as_of whose mentee is an active person of the filtered
-- group (the people filter fragment, people aliased p), with the mentee's career stage, how it began
-- (source, 'not_recorded' when missing), its formal flag and the mentee's record key (k).
rel AS (
    SELECT p.career_stage, coalesce(m.source, 'not_recorded') AS source, m.formal, m.mentee_id, p.record_key AS k
    FROM mentorships m
    JOIN people p ON p.person_id = m.mentee_id
    WHERE m.role IN (SELECT unnest($roles::VARCHAR[]))
      AND relationship_active_on(m.start_date, m.end_date, $as_of)
      AND person_active_on(p.start_date, p.end_date, $as_of)
      {people_filter}
)
