-- The people of a view (its filters) among outcomes_promotion.sql's rows of everyone hired as junior faculty
-- (table outcomes_promotion, aliased o), with outcomes_promotion.sql's columns but the filters' own.
SELECT o.person_id, o.promoted, o.days, o.mentored, o.record_key
FROM outcomes_promotion o
WHERE TRUE {people_filter}
ORDER BY o.person_id
