-- Shared CTE, spliced into a query's WITH clause by metrics.wellbeing.respondents_sql: respondents, the
-- complete survey responses with their respondent's effective groups (docs/metrics.md). A response is
-- roster-linked when its person_id is a person in the roster: it then carries the roster's career stage
-- (eff_stage), gender (eff_gender), race_ethnicity, urim, division and institution (eff_division,
-- eff_institution); otherwise what the respondent reported (no division or institution).
respondents AS NOT MATERIALIZED (  -- inlined: only the columns each query reads are scanned (a materialized s.* of millions of responses took GBs)
    SELECT s.* REPLACE (
               CASE WHEN p.person_id IS NULL THEN s.race_ethnicity ELSE p.race_ethnicity END AS race_ethnicity,
               CASE WHEN p.person_id IS NULL THEN s.urim ELSE p.urim END AS urim),
           CAST(s.submitted_at AS DATE) AS submitted_day,
           p.person_id IS NOT NULL AS linked,
           CASE WHEN p.person_id IS NULL THEN s.career_stage ELSE p.career_stage END AS eff_stage,
           CASE WHEN p.person_id IS NULL THEN s.gender ELSE p.gender END AS eff_gender,
           p.division AS eff_division,
           p.institution AS eff_institution
    FROM survey s LEFT JOIN people p ON p.person_id = s.person_id
    WHERE s.complete
)
