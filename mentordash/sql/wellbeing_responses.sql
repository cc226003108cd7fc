-- The filtered, complete survey responses with their respondent's effective groups and mentored status
-- (docs/metrics.md, Burnout and wellbeing). Shared CTEs of every wellbeing query, spliced into its WITH
-- clause as the part `wellbeing_responses` (metrics.wellbeing.wellbeing_sql).
-- - respondents (survey_respondents.sql): a roster-linked response carries the roster's groups, otherwise
--   what the respondent reported (no division or institution).
-- - mentored: linked responses, whether the person was mentee in a relationship with role 'mentor'
--   active on the submission date (start_date <= day <= end_date or open); otherwise the self-reported
--   has_mentor; otherwise unknown (NULL).
-- - Responses flagged incomplete are left out here, once, for every figure.
-- - wave_last: each survey's last submission over all its responses (orders the waves, whatever the filters).
wave_last AS (
    SELECT survey, max(submitted_at) AS last_submitted FROM survey GROUP BY survey
),
{survey_respondents},
r AS (SELECT * FROM respondents),
filtered AS (
    SELECT * FROM r WHERE TRUE {respondent_filter}
),
mentored_now AS (
    SELECT DISTINCT f.survey, f.response_id
    FROM filtered f
    JOIN mentorships m ON m.mentee_id = f.person_id
    WHERE f.linked AND m.role = 'mentor'
      AND relationship_active_on(m.start_date, m.end_date, f.submitted_day)
),
f AS (
    SELECT filtered.*,
           CASE WHEN filtered.linked THEN mn.response_id IS NOT NULL ELSE filtered.has_mentor END AS mentored,
           CASE WHEN filtered.linked THEN 'roster' WHEN filtered.has_mentor IS NOT NULL THEN 'self_report'
                ELSE 'unknown' END AS mentored_source
    FROM filtered
    LEFT JOIN mentored_now mn ON mn.survey = filtered.survey AND mn.response_id = filtered.response_id
)
