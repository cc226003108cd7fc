-- The newest date in each dataset (shown as "data as of" on the overview).
SELECT 'people' AS dataset, greatest(max(start_date), max(end_date))::DATE AS latest, count(*) AS rows FROM people
UNION ALL SELECT 'mentorships', greatest(max(start_date), max(end_date))::DATE, count(*) FROM mentorships
UNION ALL SELECT 'meetings', max(date), count(*) FROM meetings
UNION ALL SELECT 'survey', max(submitted_at)::DATE, count(*) FROM survey
UNION ALL SELECT 'applicants', make_date(max(cycle), 6, 30), count(*) FROM applicants
UNION ALL SELECT 'outcomes', max(date), count(*) FROM outcomes
ORDER BY list_position(['people', 'mentorships', 'meetings', 'survey', 'applicants', 'outcomes'], dataset)
