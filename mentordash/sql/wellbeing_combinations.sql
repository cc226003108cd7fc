-- The complete responses counted per combination of the groups a wellbeing figure filters or breaks down
-- by (docs/metrics.md, Burnout and wellbeing): per survey wave and the columns a view needs (effective
-- career stage, gender, URiM and division, NULL where unknown; mentored status; race/ethnicity or
-- institution when a filter is set on them; none for a view of everyone): the responses, for each measure
-- the scoreable (n__) and positive (pos__) ones, and the roster-linked responses, each with its cell key
-- (docs/privacy.md). No filter applies here: this is built once per data version
-- (metrics.wellbeing._combinations) and every view of the wellbeing figures filters and sums its rows
-- (wellbeing_by_wave.sql, wellbeing_by_group.sql, wellbeing_total.sql, wellbeing_response_rate.sql), so a
-- new filter never scans the responses again. Over the CTEs of wellbeing_responses.sql.
WITH {wellbeing_responses},
g AS (
    SELECT f.survey{columns},
           f.person_id, f.submitted_day, f.linked, f.has_mentor, f.record_key AS rk,
           {measure_flags}
    FROM filtered f
),
-- mentored status, when the view needs it (`mentored_days`: one ASOF join of the distinct days on which
-- roster-linked people responded, a narrow table, with the mentee spans of wellbeing_responses.sql; the
-- scored responses then find theirs by a hash join)
gm AS (
    SELECT g.*{mentored_column}
    FROM g{mentored_join}
)
SELECT gm.survey{column_names},
       any_value(w.last_submitted) AS last_submitted,
       count(*)::INTEGER AS responses,
       cell_key(sum(rk))::UINTEGER AS k_responses,
       count_if(gm.linked)::INTEGER AS linked_responses,
       cell_key(sum(rk) FILTER (gm.linked))::UINTEGER AS k_linked_responses,
       {measure_counts}
FROM gm JOIN wave_last w ON w.survey = gm.survey
GROUP BY ALL
