-- Shared CTEs, spliced into a query's WITH clause by metrics.coverage._with_active_pairs:
-- mentees: for each day of $dates, the people active that day (narrowed by the filtered group's fragment, or
-- not at all when the filters select the mentors instead); active_pairs: for each day, the distinct (mentor,
-- mentee) pairs of relationships in $roles active that day whose mentee is one of that day's mentees.
pair_days AS (SELECT DISTINCT unnest($dates::DATE[]) AS day),
mentees AS (
    SELECT d.day, p.person_id
    FROM pair_days d JOIN people p ON person_active_on(p.start_date, p.end_date, d.day)
    WHERE TRUE {mentee_filter}
),
active_pairs AS (
    SELECT DISTINCT d.day, m.mentor_id, m.mentee_id
    FROM pair_days d
    JOIN mentorships m ON relationship_active_on(m.start_date, m.end_date, d.day)
    JOIN mentees e ON e.day = d.day AND e.person_id = m.mentee_id
    WHERE list_contains($roles::VARCHAR[], m.role)
)
