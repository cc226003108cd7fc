-- Shared CTE, spliced into a query's WITH clause by metrics.coverage._with_active_relationships:
-- rel, for each day of $dates, each relationship of $roles active that day whose mentee is an active person
-- of the filtered group that day (the people filter fragment, people aliased p), with the mentee's career
-- stage, how it began (source, 'not_recorded' when missing), its formal flag and the mentee's record key (k).
rel_days AS (SELECT DISTINCT unnest($dates::DATE[]) AS day),
rel AS (
    SELECT d.day, p.career_stage, coalesce(m.source, 'not_recorded') AS source, m.formal, m.mentee_id,
           p.record_key AS k
    FROM rel_days d
    JOIN mentorships m ON relationship_active_on(m.start_date, m.end_date, d.day)
    JOIN people p ON p.person_id = m.mentee_id
    WHERE list_contains($roles::VARCHAR[], m.role)
      AND person_active_on(p.start_date, p.end_date, d.day)
      {people_filter}
)
