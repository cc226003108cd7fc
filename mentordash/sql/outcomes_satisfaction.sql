-- Career satisfaction (metrics.md, Outcomes) per survey wave submitted in the window
-- ($window_start < day <= $as_of): complete responses of the filtered respondents that answer
-- career_satisfaction (n) and those answering $satisfied or more, by mentored for a response:
-- a known person with a `mentor` relationship active on the day of submission, else the self-reported
-- has_mentor, else unknown (NULL). Respondents carry roster values where the person is known.
WITH respondents AS (
    SELECT s.survey, s.submitted_at, s.career_satisfaction, s.has_mentor, s.person_id,
           p.person_id IS NOT NULL AS known,
           CASE WHEN p.person_id IS NULL THEN s.career_stage ELSE p.career_stage END AS eff_stage,
           CASE WHEN p.person_id IS NULL THEN s.gender ELSE p.gender END AS eff_gender,
           CASE WHEN p.person_id IS NULL THEN s.race_ethnicity ELSE p.race_ethnicity END AS race_ethnicity,
           CASE WHEN p.person_id IS NULL THEN s.urim ELSE p.urim END AS urim,
           p.division AS eff_division,
           p.institution AS eff_institution
    FROM survey s LEFT JOIN people p ON p.person_id = s.person_id
    WHERE s.complete AND s.career_satisfaction IS NOT NULL
      AND CAST(s.submitted_at AS DATE) > $window_start::DATE AND CAST(s.submitted_at AS DATE) <= $as_of::DATE
),
r AS (SELECT * FROM respondents),
filtered AS (
    SELECT r.*,
           CASE WHEN r.known THEN EXISTS (
                    SELECT 1 FROM mentorships m
                    WHERE m.mentee_id = r.person_id AND m.role = 'mentor'
                      AND m.start_date <= CAST(r.submitted_at AS DATE)
                      AND (m.end_date IS NULL OR m.end_date >= CAST(r.submitted_at AS DATE)))
                ELSE r.has_mentor END AS mentored
    FROM r WHERE TRUE {respondent_filter}
)
SELECT survey, mentored, max(submitted_at) AS last_submitted,
       count(*) AS n, count(*) FILTER (WHERE career_satisfaction >= $satisfied) AS satisfied
FROM filtered
GROUP BY survey, mentored
