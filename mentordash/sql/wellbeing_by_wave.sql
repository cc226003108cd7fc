-- Per survey wave: the filtered complete responses, the wave's last submission, and for each measure the
-- scoreable responses (n__<measure>) and the positive ones (pos__<measure>), with their cell keys.
-- Sums the rows of wellbeing_combinations.sql (registered as `wellbeing_combinations`, aliased c) that the
-- filters keep (the cell_filter part).
SELECT c.survey,
       any_value(c.last_submitted) AS last_submitted,
       sum(c.responses)::BIGINT AS responses,
       {measure_sums}
FROM wellbeing_combinations c
WHERE TRUE {cell_filter}
GROUP BY c.survey
