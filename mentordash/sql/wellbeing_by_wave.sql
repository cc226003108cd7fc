-- Per survey wave: complete filtered responses, the wave's last submission, and for each measure the
-- scoreable responses (n__<measure>) and the positive ones (pos__<measure>). One scan for all measures.
-- Over the CTEs of wellbeing_responses.sql; reads `filtered` (mentored status is not needed here, so not computed).
WITH {wellbeing_responses},
scored AS (
    SELECT f.survey, f.record_key AS rk,
           {measure_flags}
    FROM filtered f
)
SELECT s.survey,
       any_value(w.last_submitted) AS last_submitted,
       count(*) AS responses,
       {measure_counts}
FROM scored s JOIN wave_last w ON w.survey = s.survey
GROUP BY s.survey
