-- The people of a view (its filters) among outcomes_people.sql's rows of everyone (table outcomes_people,
-- aliased o), with outcomes_people.sql's columns but the filters' own.
SELECT o.person_id, o.career_stage, o.gender, o.urim, o.window_days, o.mentee_days, o.mentor_days, o.mentored,
       o.mentors, o.publications, o.departed_early, o.record_key
FROM outcomes_people o
WHERE TRUE {people_filter}
ORDER BY o.person_id
