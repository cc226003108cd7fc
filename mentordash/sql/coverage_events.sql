-- The coverage events of every person (docs/metrics.md, Coverage), counted per day and combination of the
-- groups a view filters on: built once per data version (metrics.coverage._coverage_events, a table of
-- Database.derived) and summed by each view's long series (coverage_by_day_stage.sql), so that a new filter
-- never merges every person's spans again. No filter applies here: a person's spans are their own,
-- whatever the filters select, so filtering the events by the person's groups afterwards counts the very
-- people the filtered query would.
--
-- Computed on spans, not on people x days, so that memory grows with the rows and not with the
-- number of dates (a monthly series over decades of a national roster). Every span is half-open
-- [s, e) (the rules of macros.sql): a person is active on [start_date, end_date), a relationship on
-- [start_date, end_date + 1) (its end day counts), a meeting makes its mentee engaged on
-- [date, date + window). Each person's covered and engaged spans are merged; each span gives a +1 event
-- on its first day and a -1 event on its end, and the same events over the people's record keys (dnk,
-- dck, dek: sums of +-key, exact integers) give each count's cell key (docs/privacy.md). `columns` are the
-- people's groups a view needs beside the career stage (gender, URiM as the settings' list settles it and
-- division together; race/ethnicity or institution when filtered on), as in people.
WITH persons AS (
    SELECT p.person_id, p.career_stage{columns}, p.record_key::BIGINT AS k, p.start_date AS s,
           person_active_until(p.end_date) AS e
    FROM people p
    WHERE p.start_date < person_active_until(p.end_date)
),
relationships AS (
    SELECT m.mentee_id, m.mentor_id, m.start_date AS s, relationship_active_until(m.end_date) AS e
    FROM mentorships m
    WHERE list_contains($roles::VARCHAR[], m.role)
      AND m.mentee_id IN (SELECT person_id FROM persons)
),
covered_spans AS (
    SELECT r.mentee_id AS person_id, greatest(r.s, p.s) AS s, least(r.e, p.e) AS e
    FROM relationships r JOIN persons p ON p.person_id = r.mentee_id
),
engaged_spans AS (
    SELECT r.mentee_id AS person_id,
           greatest(g.date, r.s, p.s) AS s, least(g.date + $window::INTEGER, r.e, p.e) AS e
    FROM relationships r
    JOIN meetings g ON g.mentee_id = r.mentee_id AND g.mentor_id = r.mentor_id
    JOIN persons p ON p.person_id = r.mentee_id
),
spans AS (
    SELECT 'covered' AS kind, * FROM covered_spans WHERE s < e
    UNION ALL
    SELECT 'engaged', * FROM engaged_spans WHERE s < e
),
islands AS (  -- a new island starts where a span begins after every earlier span of that person ended
    SELECT *, sum(starts_island) OVER (PARTITION BY kind, person_id ORDER BY s, e ROWS UNBOUNDED PRECEDING) AS island
    FROM (
        SELECT *, CASE WHEN s <= max(e) OVER (PARTITION BY kind, person_id ORDER BY s, e
                                              ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
                       THEN 0 ELSE 1 END AS starts_island
        FROM spans
    )
),
merged AS (
    SELECT kind, person_id, min(s) AS s, max(e) AS e FROM islands GROUP BY kind, person_id, island
),
events AS (
    SELECT career_stage{column_names}, s AS day, 1 AS dn, 0 AS dc, 0 AS de, k AS dnk, 0 AS dck, 0 AS dek FROM persons
    UNION ALL SELECT career_stage{column_names}, e, -1, 0, 0, -k, 0, 0 FROM persons
    UNION ALL
    SELECT p.career_stage{person_column_names}, m.s, 0, (m.kind = 'covered')::INTEGER, (m.kind = 'engaged')::INTEGER,
           0, (m.kind = 'covered')::INTEGER * p.k, (m.kind = 'engaged')::INTEGER * p.k
    FROM merged m JOIN persons p USING (person_id)
    UNION ALL
    SELECT p.career_stage{person_column_names}, m.e, 0, -(m.kind = 'covered')::INTEGER, -(m.kind = 'engaged')::INTEGER,
           0, -(m.kind = 'covered')::INTEGER * p.k, -(m.kind = 'engaged')::INTEGER * p.k
    FROM merged m JOIN persons p USING (person_id)
)
SELECT day, career_stage{column_names},
       sum(dn)::INTEGER AS dn, sum(dc)::INTEGER AS dc, sum(de)::INTEGER AS de,
       sum(dnk)::BIGINT AS dnk, sum(dck)::BIGINT AS dck, sum(dek)::BIGINT AS dek
FROM events
GROUP BY ALL
