-- Coverage (docs/metrics.md) at $as_of by demographic group: for each dimension (gender, URiM,
-- race/ethnicity, division) and each of its values, active people of the filtered group (n), those
-- covered by a relationship of $roles active at $as_of, and those engaged (met such a mentor in the
-- window). Race/ethnicity holds several values: a person counts in each group they name.
-- Blank values are their own group ('not_recorded'; URiM 'unknown'). The values listed in $collapse_gender,
-- $collapse_race and $collapse_division are pooled into one group, 'smaller_groups' (each person once).
WITH people_active AS (
    SELECT p.person_id, p.record_key, p.gender, p.race_ethnicity, p.division, {urim_expr} AS urim_eff
    FROM people p
    WHERE person_active_on(p.start_date, p.end_date, $as_of)
      {people_filter}
),
relationships AS (
    SELECT m.mentee_id, m.mentor_id
    FROM mentorships m
    WHERE m.role IN (SELECT unnest($roles::VARCHAR[]))
      AND relationship_active_on(m.start_date, m.end_date, $as_of)
      AND m.mentee_id IN (SELECT person_id FROM people_active)
),
flags AS (
    SELECT a.*,
           a.person_id IN (SELECT mentee_id FROM relationships) AS is_covered,
           a.person_id IN (
               SELECT r.mentee_id FROM relationships r
               JOIN meetings g ON g.mentee_id = r.mentee_id AND g.mentor_id = r.mentor_id
               WHERE g.date > $as_of - $window::INTEGER AND g.date <= $as_of
           ) AS is_engaged
    FROM people_active a
),
grouped AS (
    SELECT 'gender' AS dimension,
           CASE WHEN list_contains($collapse_gender::VARCHAR[], coalesce(gender, 'not_recorded')) THEN 'smaller_groups'
                ELSE coalesce(gender, 'not_recorded') END AS grp,
           is_covered, is_engaged, record_key FROM flags
    UNION ALL
    SELECT 'urim', CASE WHEN urim_eff THEN 'urim' WHEN NOT urim_eff THEN 'not_urim' ELSE 'unknown' END,
           is_covered, is_engaged, record_key FROM flags
    UNION ALL
    SELECT 'race_ethnicity', race, is_covered, is_engaged, record_key
    FROM (SELECT unnest(list_distinct(list_transform(
                     CASE WHEN len(coalesce(race_ethnicity, []::VARCHAR[])) = 0 THEN ['not_recorded']
                          ELSE race_ethnicity END,
                     lambda x: CASE WHEN list_contains($collapse_race::VARCHAR[], x) THEN 'smaller_groups' ELSE x END)))
                 AS race, is_covered, is_engaged, record_key
          FROM flags)
    UNION ALL
    SELECT 'division',
           CASE WHEN list_contains($collapse_division::VARCHAR[], coalesce(division, 'none')) THEN 'smaller_groups'
                ELSE coalesce(division, 'none') END,
           is_covered, is_engaged, record_key FROM flags
)
SELECT dimension, grp AS "group",
       count(*) AS n,
       count(*) FILTER (is_covered) AS covered,
       count(*) FILTER (is_engaged) AS engaged,
       cell_key(sum(record_key)) AS n_key,
       cell_key(sum(record_key) FILTER (is_covered)) AS covered_key,
       cell_key(sum(record_key) FILTER (is_engaged)) AS engaged_key
FROM grouped
GROUP BY dimension, grp
