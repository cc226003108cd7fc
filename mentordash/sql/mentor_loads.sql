-- Mentor load (docs/metrics.md) of everyone: for each day of $dates and each mentor with at least one
-- relationship of $roles active that day with a mentee active that day, the number of distinct mentees, with
-- the mentor's roster columns a view's filters test (URiM as the settings' list makes it; all NULL for an
-- external mentor, who has no roster row). mentor_loads_of_view.sql picks a view's mentors from these rows:
-- the filters select the mentors, whose loads count every mentee.
WITH {active_mentor_pairs}
-- record_key: the mentor's (an external mentor gets one from a hash of their id); the mentor's career stage
-- and division also for the coordinators' list of mentors over capacity.
SELECT a.day, a.mentor_id, p.career_stage, p.division, count(*) AS mentees, p.person_id IS NULL AS external,
       coalesce(p.record_key, hash(a.mentor_id) % 4294967296)::BIGINT AS record_key,
       p.gender, p.institution, p.race_ethnicity, {urim} AS urim
FROM active_pairs a
LEFT JOIN people p ON p.person_id = a.mentor_id
GROUP BY a.day, a.mentor_id, p.person_id, p.record_key, p.career_stage, p.division, p.gender, p.institution,
         p.race_ethnicity, p.urim
