-- Coverage (docs/metrics.md) for each day in $dates and each career stage: active people of the filtered
-- group (n), those who are mentee in a relationship of $roles active that day (covered), and those
-- who met such a mentor in the engaged window ending that day (engaged).
--
-- Computed on spans, not on people x days, so that memory grows with the rows and not with the
-- number of dates (a monthly series over decades of a national roster). Every span is half-open
-- [s, e) (the rules of macros.sql): a person is active on [start_date, end_date), a relationship on
-- [start_date, end_date + 1) (its end day counts), a meeting makes its mentee engaged on
-- [date, date + window). Each person's covered and engaged spans are merged, the counts are running
-- sums of +1/-1 events per stage, and each asked date, added as an event of no change, reads them on its
-- own row (an ASOF join of the dates with the running sums was planned as a nested loop: a quarter slower
-- at consortium scale). metrics.coverage uses it for long series; coverage_on_days.sql gives the
-- same figures for a few days, faster. The same running sums over the people's record keys give each
-- count's cell key (n_key, covered_key, engaged_key: the sum of its people's keys modulo 2^32, exact
-- integers), for the protected figures of docs/privacy.md.
WITH days AS (SELECT unnest($dates::DATE[]) AS day),
persons AS (
    SELECT p.person_id, p.career_stage, p.record_key::BIGINT AS k, p.start_date AS s,
           person_active_until(p.end_date) AS e
    FROM people p
    WHERE p.start_date < person_active_until(p.end_date) {people_filter}
),
stages AS (SELECT DISTINCT career_stage FROM persons),
relationships AS (
    SELECT m.mentee_id, m.mentor_id, m.start_date AS s, relationship_active_until(m.end_date) AS e
    FROM mentorships m
    WHERE m.role IN (SELECT unnest($roles::VARCHAR[]))
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
    SELECT career_stage, s AS day, 1 AS dn, 0 AS dc, 0 AS de, k AS dnk, 0 AS dck, 0 AS dek FROM persons
    UNION ALL SELECT career_stage, e, -1, 0, 0, -k, 0, 0 FROM persons
    UNION ALL
    SELECT p.career_stage, m.s, 0, (m.kind = 'covered')::INTEGER, (m.kind = 'engaged')::INTEGER,
           0, (m.kind = 'covered')::INTEGER * p.k, (m.kind = 'engaged')::INTEGER * p.k
    FROM merged m JOIN persons p USING (person_id)
    UNION ALL
    SELECT p.career_stage, m.e, 0, -(m.kind = 'covered')::INTEGER, -(m.kind = 'engaged')::INTEGER,
           0, -(m.kind = 'covered')::INTEGER * p.k, -(m.kind = 'engaged')::INTEGER * p.k
    FROM merged m JOIN persons p USING (person_id)
    UNION ALL  -- each asked date as an event of no change, so that the running sums have a row on it
    SELECT st.career_stage, d.day, 0, 0, 0, 0, 0, 0 FROM (SELECT DISTINCT day FROM days) d CROSS JOIN stages st
),
running AS (
    SELECT career_stage, day,
           sum(sum(dn)) OVER stage_order AS n,
           sum(sum(dc)) OVER stage_order AS covered,
           sum(sum(de)) OVER stage_order AS engaged,
           sum(sum(dnk)) OVER stage_order AS n_key,
           sum(sum(dck)) OVER stage_order AS covered_key,
           sum(sum(dek)) OVER stage_order AS engaged_key
    FROM events
    GROUP BY career_stage, day
    WINDOW stage_order AS (PARTITION BY career_stage ORDER BY day)
)
SELECT d.day, r.career_stage, r.n::BIGINT AS n, r.covered::BIGINT AS covered, r.engaged::BIGINT AS engaged,
       cell_key(r.n_key) AS n_key, cell_key(r.covered_key) AS covered_key, cell_key(r.engaged_key) AS engaged_key
FROM days d JOIN running r ON r.day = d.day
WHERE r.n > 0
ORDER BY d.day, r.career_stage
