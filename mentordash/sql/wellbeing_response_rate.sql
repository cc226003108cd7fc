-- Response rate per survey (docs/metrics.md): distinct roster-linked respondents with a complete response,
-- among the people active on the survey's last submission date in the surveyed career stages (the
-- stages its responses carry), both within the filtered group. `linked_responses` says whether the
-- roster allows a rate at all (a wholly anonymous survey has none). Over the CTEs of wellbeing_responses.sql.
WITH {wellbeing_responses},
waves AS (
    SELECT s.survey, CAST(max(s.submitted_at) AS DATE) AS last_day
    FROM survey s GROUP BY s.survey
),
wave_stages AS (
    SELECT DISTINCT s.survey, coalesce(p.career_stage, s.career_stage) AS stage
    FROM survey s LEFT JOIN people p ON p.person_id = s.person_id
    WHERE coalesce(p.career_stage, s.career_stage) IS NOT NULL
),
eligible AS NOT MATERIALIZED (  -- inlined into both uses: materialized, people x waves held ~400 MB at national scale
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
known AS (
    SELECT DISTINCT survey, person_id FROM filtered WHERE linked
),
respondents_n AS (
    SELECT k.survey, count(*) AS respondents, cell_key(sum(e.record_key)) AS respondents_key
    FROM known k JOIN eligible e ON e.survey = k.survey AND e.person_id = k.person_id
    GROUP BY k.survey
),
linked_n AS (
    SELECT survey, count(*) FILTER (WHERE linked) AS linked_responses, count(*) AS responses,
           cell_key(sum(record_key) FILTER (WHERE linked)) AS linked_responses_key,
           cell_key(sum(record_key)) AS responses_key
    FROM filtered GROUP BY survey
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
