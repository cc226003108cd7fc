-- Response rate per survey (docs/metrics.md): distinct roster-linked respondents with a complete response,
-- among the people active on the survey's last submission date in the surveyed career stages (the
-- stages its responses carry), both within the filtered group. `linked_responses` says whether the
-- roster allows a rate at all (a wholly anonymous survey has none). A linked respondent's groups are the
-- roster's, so the filtered group's respondents are counted among its eligible people: both come from
-- wellbeing_eligible.sql (registered as `wellbeing_eligible`, aliased p, filtered by the people_filter
-- part), the responses from wellbeing_combinations.sql (registered as `wellbeing_combinations`, aliased c,
-- filtered by the cell_filter part). Both are built once per data version and summed here; the waves are
-- those with a response in the filtered group.
WITH eligible_n AS (
    SELECT p.survey, sum(p.eligible)::BIGINT AS eligible, cell_key(sum(p.k_eligible)) AS eligible_key,
           sum(p.respondents)::BIGINT AS respondents, cell_key(sum(p.k_respondents)) AS respondents_key
    FROM wellbeing_eligible p
    WHERE TRUE {people_filter}
    GROUP BY p.survey
),
linked_n AS (
    SELECT c.survey, CAST(any_value(c.last_submitted) AS DATE) AS last_day,
           sum(c.linked_responses)::BIGINT AS linked_responses, sum(c.responses)::BIGINT AS responses,
           cell_key(sum(c.k_linked_responses)) AS linked_responses_key,
           cell_key(sum(c.k_responses)) AS responses_key
    FROM wellbeing_combinations c
    WHERE TRUE {cell_filter}
    GROUP BY c.survey
)
SELECT l.survey, l.last_day,
       coalesce(e.eligible, 0) AS eligible,
       coalesce(e.respondents, 0) AS respondents,
       l.linked_responses,
       l.responses,
       coalesce(e.eligible_key, 0) AS eligible_key, coalesce(e.respondents_key, 0) AS respondents_key,
       l.linked_responses_key, l.responses_key
FROM linked_n l
LEFT JOIN eligible_n e ON e.survey = l.survey
