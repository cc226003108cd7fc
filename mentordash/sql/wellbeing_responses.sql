-- The filtered, complete survey responses with their respondent's effective groups and mentored status
-- (docs/metrics.md, Burnout and wellbeing). The CTEs the wellbeing combinations are built on, spliced into the WITH
-- clause of wellbeing_combinations.sql as the part `wellbeing_responses` (metrics.wellbeing._combinations).
-- - respondents (survey_respondents.sql): a roster-linked response carries the roster's groups, otherwise
--   what the respondent reported (no division or institution).
-- - mentored (a combination's, wellbeing_combinations.sql): linked responses, whether the person was mentee
--   in a relationship with role 'mentor' active on the submission date (from its start date to its end
--   date, or open), found in mentor_spans; otherwise the self-reported has_mentor; otherwise unknown (NULL).
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
-- mentor_spans: each person's days as mentee in a relationship with role 'mentor', overlapping and adjacent
-- relationships merged into disjoint spans [span_start, span_until) (gaps and islands), so that one ASOF
-- join finds the one span that can hold a submission day (a join with every relationship took GBs and
-- most of the time at national scale).
mentor_terms AS (
    SELECT m.mentee_id, m.start_date, relationship_active_until(m.end_date) AS until,
           max(relationship_active_until(m.end_date)) OVER (
               PARTITION BY m.mentee_id ORDER BY m.start_date ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
           ) AS until_before
    FROM mentorships m
    WHERE m.role = 'mentor'
      AND relationship_active_until(m.end_date) > m.start_date  -- a term of no day (ended before it began) holds none
),
mentor_islands AS (
    SELECT *, sum(CASE WHEN until_before IS NULL OR start_date > until_before THEN 1 ELSE 0 END) OVER (
               PARTITION BY mentee_id ORDER BY start_date ROWS UNBOUNDED PRECEDING
           ) AS island
    FROM mentor_terms
),
mentor_spans AS (
    SELECT mentee_id, min(start_date) AS span_start, max(until) AS span_until
    FROM mentor_islands GROUP BY mentee_id, island
),
mentored_days AS (
    SELECT d.person_id, d.day, coalesce(d.day < ms.span_until, FALSE) AS on_mentor
    FROM (
        SELECT DISTINCT s.person_id, CAST(s.submitted_at AS DATE) AS day
        FROM survey s SEMI JOIN people p ON p.person_id = s.person_id
        WHERE s.complete
    ) d
    ASOF LEFT JOIN mentor_spans ms ON ms.mentee_id = d.person_id AND d.day >= ms.span_start
)
