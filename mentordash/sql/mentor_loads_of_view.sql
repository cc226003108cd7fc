-- The mentor loads of a view (its filters) among mentor_loads.sql's rows of everyone (table mentor_loads,
-- aliased o). The filters select the mentors: a filtered view shows the load that group carries (external
-- mentors have no roster values, so they count only when no filter is set: $unfiltered).
SELECT o.day, o.mentor_id, o.career_stage, o.division, o.mentees, o.external, o.record_key
FROM mentor_loads o
WHERE ($unfiltered OR NOT o.external) {people_filter}
