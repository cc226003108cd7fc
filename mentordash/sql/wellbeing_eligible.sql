-- The people each survey wave could have reached, and those of them who answered (docs/metrics.md, response
-- rate), counted per wave and combination of the roster's groups a view needs (the columns part: of career stage,
-- gender, division, effective URiM `urim` with the settings' list `$urim_list`, institution and
-- race/ethnicity; none for a view of everyone), each count with its cell key (docs/privacy.md). No filter
-- applies here: this is built once per data version (metrics.wellbeing._eligible) and
-- wellbeing_response_rate.sql filters and sums its rows for each view.
-- - eligible: people active on the wave's last submission date in the career stages its responses carry.
-- - answered: per roster-linked person, one bit per wave in which they gave a complete response (waves
--   numbered in name order, 64 to a chunk), read for each eligible person by one hash join. A DISTINCT of
--   the (wave, person) pairs held a hash entry per pair (4 million, about 240 MB, at national scale).
WITH wave_index AS (
    SELECT survey, (row_number() OVER (ORDER BY survey) - 1)::INTEGER AS idx
    FROM (SELECT DISTINCT survey FROM survey)
),
waves AS (
    SELECT s.survey, CAST(max(s.submitted_at) AS DATE) AS last_day
    FROM survey s GROUP BY s.survey
),
wave_stages AS (
    SELECT DISTINCT s.survey, coalesce(p.career_stage, s.career_stage) AS stage
    FROM survey s LEFT JOIN people p ON p.person_id = s.person_id
    WHERE coalesce(p.career_stage, s.career_stage) IS NOT NULL
),
answered AS (
    SELECT s.person_id, (w.idx // 64)::INTEGER AS chunk, bit_or((1::UBIGINT) << (w.idx % 64)::UBIGINT) AS bits
    FROM survey s JOIN wave_index w ON w.survey = s.survey
    WHERE s.complete AND s.person_id IS NOT NULL
    GROUP BY ALL
),
eligible AS NOT MATERIALIZED (  -- inlined: materialized, people x waves held ~400 MB at national scale
    SELECT w.survey, wi.idx, p.person_id, p.record_key, p.career_stage, p.gender, p.division, p.institution,
           p.race_ethnicity, {urim} AS urim
    FROM waves w
    JOIN wave_index wi ON wi.survey = w.survey
    JOIN wave_stages ws ON ws.survey = w.survey
    JOIN people p ON p.career_stage = ws.stage
    WHERE person_active_on(p.start_date, p.end_date, w.last_day)
),
marked AS (
    SELECT e.*, coalesce((a.bits >> (e.idx % 64)::UBIGINT) & 1::UBIGINT = 1, FALSE) AS responded
    FROM eligible e
    LEFT JOIN answered a ON a.person_id = e.person_id AND a.chunk = e.idx // 64
)
SELECT survey{columns},
       count(*)::INTEGER AS eligible,
       cell_key(sum(record_key))::UINTEGER AS k_eligible,
       count_if(responded)::INTEGER AS respondents,
       cell_key(sum(record_key) FILTER (responded))::UINTEGER AS k_respondents
FROM marked
GROUP BY ALL
