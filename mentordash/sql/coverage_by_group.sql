-- Coverage (docs/metrics.md) at $as_of by demographic group: for each dimension (gender, URiM,
-- race/ethnicity, division) and each of its values, active people of the filtered group (n), those
-- covered by a relationship of $roles active at $as_of, and those engaged (met such a mentor in the
-- window). Race/ethnicity holds several values: a person counts in each group they name.
-- Blank values are their own group ('not_recorded'; URiM 'unknown'). Where a dimension other than URiM has
-- two or more groups of fewer than $floor people (the effective min_cell), they are pooled into one group,
-- 'smaller_groups' (each person once), in the same query: the group sizes come from the same people.
WITH people_active AS (
    SELECT p.person_id, p.record_key, p.gender, p.race_ethnicity, p.division, {urim_expr} AS urim_eff
    FROM people p
    WHERE person_active_on(p.start_date, p.end_date, $as_of)
      {people_filter}
),
relationships AS (
    SELECT m.mentee_id, m.mentor_id
    FROM mentorships m
    WHERE list_contains($roles::VARCHAR[], m.role)
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
    SELECT 'gender' AS dimension, coalesce(gender, 'not_recorded') AS grp,
           person_id, is_covered, is_engaged, record_key FROM flags
    UNION ALL
    SELECT 'urim', CASE WHEN urim_eff THEN 'urim' WHEN NOT urim_eff THEN 'not_urim' ELSE 'unknown' END,
           person_id, is_covered, is_engaged, record_key FROM flags
    UNION ALL
    SELECT 'race_ethnicity', race, person_id, is_covered, is_engaged, record_key
    FROM (SELECT unnest(list_distinct(CASE WHEN len(coalesce(race_ethnicity, []::VARCHAR[])) = 0
                                           THEN ['not_recorded'] ELSE race_ethnicity END)) AS race,
                 person_id, is_covered, is_engaged, record_key
          FROM flags)
    UNION ALL
    SELECT 'division', coalesce(division, 'none'), person_id, is_covered, is_engaged, record_key FROM flags
),
-- The groups smaller than $floor (every group here has at least one person), and those of them pooled.
small AS (
    SELECT dimension, grp
    FROM grouped
    WHERE dimension <> 'urim'
    GROUP BY dimension, grp
    HAVING count(*) < $floor
),
pooled AS (
    SELECT s.dimension, s.grp
    FROM small s
    WHERE s.dimension IN (SELECT dimension FROM small GROUP BY dimension HAVING count(*) >= 2)
),
-- Each person once per group: someone naming two pooled races is one person of 'smaller_groups'.
regrouped AS (
    SELECT DISTINCT g.dimension, CASE WHEN p.grp IS NULL THEN g.grp ELSE 'smaller_groups' END AS grp,
           g.person_id, g.is_covered, g.is_engaged, g.record_key
    FROM grouped g
    LEFT JOIN pooled p ON p.dimension = g.dimension AND p.grp = g.grp
)
SELECT dimension, grp AS "group", {coverage_cell_counts}
FROM regrouped
GROUP BY dimension, grp
