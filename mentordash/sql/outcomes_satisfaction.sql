-- Career satisfaction (docs/metrics.md, Outcomes): every complete response submitted in the window
-- ($window_start < day <= $as_of) that answers career_satisfaction, one row each, with whether it answers
-- $satisfied or more and mentored for the response: a known person with a `mentor` relationship active on
-- the day of submission, else the self-reported has_mentor, else unknown (NULL). Respondents
-- (survey_respondents.sql) carry roster values where the person is linked; the columns a view's filters test
-- come named as the people's (URiM as the settings' list makes it): outcomes_satisfaction_of_view.sql counts
-- a view's responses from these rows.
WITH {survey_respondents},
r AS (
    SELECT * FROM respondents
    WHERE career_satisfaction IS NOT NULL
      AND submitted_day > $window_start::DATE AND submitted_day <= $as_of::DATE
)
SELECT r.survey, r.submitted_at, r.record_key, r.career_satisfaction >= $satisfied AS satisfied,
       CASE WHEN r.linked THEN EXISTS (
                SELECT 1 FROM mentorships m
                WHERE m.mentee_id = r.person_id AND m.role = 'mentor'
                  AND relationship_active_on(m.start_date, m.end_date, CAST(r.submitted_at AS DATE)))
            ELSE r.has_mentor END AS mentored,
       r.eff_stage AS career_stage, r.eff_gender AS gender, r.eff_division AS division,
       r.eff_institution AS institution, r.race_ethnicity, {urim} AS urim
FROM r
