-- Response rate per survey (docs/metrics.md): distinct roster-linked respondents with a complete response,
-- among the people active on the survey's last submission date in the surveyed career stages (the
-- stages its responses carry), both within the filtered group. `linked_responses` says whether the
-- roster allows a rate at all (a wholly anonymous survey has none). A linked respondent's groups are the
-- roster's, so the filtered group's respondents are the eligible people (filtered by `people_filter`) with
-- a complete response; the responses come from wellbeing_combinations.sql (registered as
-- `wellbeing_combinations`, aliased c, filtered by the cell_filter part), which holds their counts.
WITH waves AS (
    SELECT s.survey, CAST(max(s.submitted_at) AS DATE) AS last_day
    FROM survey s GROUP BY s.survey
),
wave_stages AS (
    SELECT DISTINCT s.survey, coalesce(p.career_stage, s.career_stage) AS stage
    FROM survey s LEFT JOIN people p ON p.person_id = s.person_id
    WHERE coalesce(p.career_stage, s.career_stage) IS NOT NULL
),
eligible AS NOT MATERIALIZED (  -- inlined: materialized, people x waves held ~400 MB at national scale
    SELECT w.survey, p.person_id, p.record_key
    FROM waves w
    JOIN wave_stages ws ON ws.survey = w.survey
    JOIN people p ON p.career_stage = ws.stage
    WHERE person_active_on(p.start_date, p.end_date, w.last_day)
      {people_filter}
),
eligible_n AS (
    SELECT survey, count(*) AS eligible, cell_key(sum(record_key)) AS eligible_key FROM eligible GROUP BY survey
),
known AS (  -- who answered each wave (complete responses), whatever the filters
    SELECT DISTINCT s.survey, s.person_id FROM survey s WHERE s.complete AND s.person_id IS NOT NULL
),
respondents_n AS (  -- the eligible among them: each respondent joined to their one roster row
    SELECT k.survey, count(*) AS respondents, cell_key(sum(p.record_key)) AS respondents_key
    FROM known k
    JOIN waves w ON w.survey = k.survey
    JOIN people p ON p.person_id = k.person_id
    JOIN wave_stages ws ON ws.survey = k.survey AND ws.stage = p.career_stage
    WHERE person_active_on(p.start_date, p.end_date, w.last_day)
      {people_filter}
    GROUP BY k.survey
),
linked_n AS (
    SELECT c.survey, sum(c.linked_responses)::BIGINT AS linked_responses, sum(c.responses)::BIGINT AS responses,
           cell_key(sum(c.k_linked_responses)) AS linked_responses_key,
           cell_key(sum(c.k_responses)) AS responses_key
    FROM wellbeing_combinations c
    WHERE TRUE {cell_filter}
    GROUP BY c.survey
)
SELECT w.survey, w.last_day,
       coalesce(e.eligible, 0) AS eligible,
       coalesce(r.respondents, 0) AS respondents,
       coalesce(l.linked_responses, 0) AS linked_responses,
       coalesce(l.responses, 0) AS responses,
       coalesce(e.eligible_key, 0) AS eligible_key, coalesce(r.respondents_key, 0) AS respondents_key,
       coalesce(l.linked_responses_key, 0) AS linked_responses_key, coalesce(l.responses_key, 0) AS responses_key
FROM waves w
LEFT JOIN eligible_n e ON e.survey = w.survey
LEFT JOIN respondents_n r ON r.survey = w.survey
LEFT JOIN linked_n l ON l.survey = w.survey
