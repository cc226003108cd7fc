-- Career satisfaction of a view (its filters) from outcomes_satisfaction.sql's rows of every response (table
-- outcomes_satisfaction, aliased o), per survey wave and mentored: the responses (n) and those answering the
-- cut-off or more (satisfied). n_key, satisfied_key: the cell keys of the counts (the sum of the responses'
-- record keys, docs/privacy.md). Oldest wave first (by its last submission in the view), then mentored,
-- not mentored, unknown.
SELECT o.survey, o.mentored,
       count(*) AS n, count(*) FILTER (WHERE o.satisfied) AS satisfied,
       cell_key(sum(o.record_key)) AS n_key,
       cell_key(sum(o.record_key) FILTER (WHERE o.satisfied)) AS satisfied_key
FROM outcomes_satisfaction o
WHERE TRUE {people_filter}
GROUP BY o.survey, o.mentored
ORDER BY max(max(o.submitted_at)) OVER (PARTITION BY o.survey) NULLS LAST, o.survey NULLS LAST,
         o.mentored DESC NULLS LAST
