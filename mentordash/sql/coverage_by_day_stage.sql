-- Coverage (docs/metrics.md) for each day in $dates and each career stage: active people of the filtered
-- group (n), those who are mentee in a relationship of the counted roles active that day (covered), and
-- those who met such a mentor in the engaged window ending that day (engaged), each with its cell key
-- (n_key, covered_key, engaged_key: the sum of its people's keys modulo 2^32, docs/privacy.md).
-- Summed from the events of coverage_events.sql (built once per data version; registered as
-- coverage_events, aliased c, filtered by the view's people): the counts are running sums of the events
-- per stage, and each asked date, added as an event of no change, reads them on its own row (an ASOF
-- join of the dates with the running sums was planned as a nested loop). metrics.coverage uses it for
-- long series; coverage_on_days.sql gives the same figures for a few days, faster.
WITH days AS (SELECT unnest($dates::DATE[]) AS day),
filtered AS (
    SELECT c.career_stage, c.day, c.dn, c.dc, c.de, c.dnk, c.dck, c.dek
    FROM coverage_events c
    WHERE TRUE {cell_filter}
),
stages AS (SELECT DISTINCT career_stage FROM filtered),
events AS (
    SELECT * FROM filtered
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
