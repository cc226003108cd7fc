-- Career satisfaction (docs/metrics.md, Outcomes) per survey wave submitted in the window
-- ($window_start < day <= $as_of): complete responses of the filtered respondents that answer
-- career_satisfaction (n) and those answering $satisfied or more, by mentored for a response:
-- a known person with a `mentor` relationship active on the day of submission, else the self-reported
-- has_mentor, else unknown (NULL). Respondents (survey_respondents.sql) carry roster values where the
-- person is linked. n_key, satisfied_key: the cell keys of the counts (the sum of the responses' record
-- keys, docs/privacy.md).
WITH {survey_respondents},
r AS (
    SELECT * FROM respondents
    WHERE career_satisfaction IS NOT NULL
      AND submitted_day > $window_start::DATE AND submitted_day <= $as_of::DATE
),
filtered AS (
    SELECT r.*,
           CASE WHEN r.linked THEN EXISTS (
                    SELECT 1 FROM mentorships m
                    WHERE m.mentee_id = r.person_id AND m.role = 'mentor'
                      AND relationship_active_on(m.start_date, m.end_date, CAST(r.submitted_at AS DATE)))
                ELSE r.has_mentor END AS mentored
    FROM r WHERE TRUE {respondent_filter}
)
SELECT survey, mentored, max(submitted_at) AS last_submitted,
       count(*) AS n, count(*) FILTER (WHERE career_satisfaction >= $satisfied) AS satisfied,
       cell_key(sum(record_key)) AS n_key,
       cell_key(sum(record_key) FILTER (WHERE career_satisfaction >= $satisfied)) AS satisfied_key
FROM filtered
GROUP BY survey, mentored
