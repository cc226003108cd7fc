-- Time to match (docs/metrics.md, Coverage) for new people: people of the filtered group who started in
-- the $years_back years ending at $as_of (start_date > $since and <= $as_of), by career stage.
-- A person is matched when their first relationship of $roles started on or before $as_of (and before
-- they left); days = that start minus their start_date, 0 when matched before they arrived.
-- n90 and within_90 count those who started at least 90 days before $as_of, and those matched within 90 days.
WITH newcomers AS (
    SELECT p.person_id, p.career_stage, p.start_date, p.end_date, p.record_key AS k
    FROM people p
    WHERE p.start_date > $since AND p.start_date <= $as_of
      {people_filter}
),
first_match AS (
    SELECT n.person_id, min(m.start_date) AS matched_on
    FROM newcomers n
    JOIN mentorships m ON m.mentee_id = n.person_id
    WHERE list_contains($roles::VARCHAR[], m.role)
      AND m.start_date <= $as_of AND m.start_date < person_active_until(n.end_date)  -- before they left
    GROUP BY n.person_id
),
days AS (
    SELECT n.career_stage, n.start_date, n.k,
           CASE WHEN f.matched_on IS NULL THEN NULL ELSE greatest(f.matched_on - n.start_date, 0) END AS days
    FROM newcomers n LEFT JOIN first_match f ON f.person_id = n.person_id
)
SELECT career_stage,
       count(*) AS n,
       count(days) AS matched,
       quantile_cont(days, 0.5) AS median_days,
       quantile_cont(days, 0.25) AS q1_days,
       quantile_cont(days, 0.75) AS q3_days,
       count(*) FILTER (start_date <= $as_of - 90) AS n90,
       count(*) FILTER (start_date <= $as_of - 90 AND days <= 90) AS within_90,
       cell_key(sum(k)) AS n_key,
       cell_key(sum(k) FILTER (days IS NOT NULL)) AS matched_key,
       cell_key(sum(k) FILTER (start_date <= $as_of - 90)) AS n90_key,
       cell_key(sum(k) FILTER (start_date <= $as_of - 90 AND days <= 90)) AS within_90_key
FROM days
GROUP BY career_stage
