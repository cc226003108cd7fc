-- Mentor load (docs/metrics.md): for each day of $dates and each mentor with at least one relationship of
-- $roles active that day with a mentee active that day, the number of distinct mentees. The filters select
-- the mentors: a filtered view shows the load that group carries (external mentors have no roster values, so
-- they count only when no filter is set).
WITH {active_mentor_pairs}
-- record_key: the mentor's (an external mentor, with no roster row, gets one from a hash of their id); the
-- mentor's career stage and division for the coordinators' list of mentors over capacity.
SELECT a.day, a.mentor_id, p.career_stage, p.division, count(*) AS mentees, p.person_id IS NULL AS external,
       coalesce(p.record_key, hash(a.mentor_id) % 4294967296)::BIGINT AS record_key
FROM active_pairs a
LEFT JOIN people p ON p.person_id = a.mentor_id
WHERE {mentor_filter_applies} {people_filter}
GROUP BY a.day, a.mentor_id, p.person_id, p.record_key, p.career_stage, p.division
