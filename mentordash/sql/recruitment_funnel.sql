-- The recruitment funnel (docs/metrics.md): for each cycle, track and stage, the filtered applicants who
-- reached at least that stage (stage_reached is ordinal), with how many have a known gender and
-- URiM status and how many of those are women and URiM; beside each count c, c_key: its cell key (the
-- sum of its applicants' record keys, docs/privacy.md).
-- Every count and key sum is additive, so it is summed from the applicants counted per combination of groups
-- (a, recruitment_applicant_counts.sql, built once per data version): first per cycle, track and stage
-- reached (a few hundred rows), and each stage then adds up the rows that reached it or further: the join on
-- `reached >= stage_order` runs over those rows. Each count is a sum of its condition as 0/1 times the
-- applicants of the row, each key sum a sum of key sums times it, which DuckDB aggregates faster than FILTER
-- clauses. `track_filter` and `cycles_filter` (recruitment_latest_cycles.sql) narrow it to one track's latest
-- cycles (the overview's tiles); both are empty for the whole funnel.
WITH a AS (
    SELECT cycle, track, gender, k, applicants, reached, urim AS urim_eff
    FROM applicant_counts a
    WHERE TRUE {applicant_filter} {track_filter} {cycles_filter}
),
stages AS (
    SELECT * FROM (VALUES ('applied', 1), ('interviewed', 2), ('ranked', 3), ('matched', 4)) AS t(stage, stage_order)
),
by_reached AS (
    SELECT a.cycle, a.track, a.reached,
           sum(a.applicants) AS n,
           sum(a.applicants * coalesce(a.gender IS NOT NULL AND a.gender <> 'undisclosed', FALSE)::INTEGER) AS gender_known,
           sum(a.applicants * coalesce(a.gender = 'woman', FALSE)::INTEGER) AS women,
           sum(a.applicants * coalesce(a.gender = 'man', FALSE)::INTEGER) AS men,
           sum(a.applicants * coalesce(a.gender IN ('nonbinary', 'another'), FALSE)::INTEGER) AS gender_another,
           sum(a.applicants * (a.urim_eff IS NOT NULL)::INTEGER) AS urim_known,
           sum(a.applicants * coalesce(a.urim_eff, FALSE)::INTEGER) AS urim,
           sum(a.applicants * coalesce(a.gender IS NULL OR a.gender = 'undisclosed', FALSE)::INTEGER) AS gender_unknown,
           sum(a.applicants * coalesce(a.urim_eff IS NULL, FALSE)::INTEGER) AS urim_unknown,
           sum(a.k) AS n_k,
           sum(a.k * coalesce(a.gender IS NOT NULL AND a.gender <> 'undisclosed', FALSE)::BIGINT) AS gender_known_k,
           sum(a.k * coalesce(a.gender = 'woman', FALSE)::BIGINT) AS women_k,
           sum(a.k * coalesce(a.gender = 'man', FALSE)::BIGINT) AS men_k,
           sum(a.k * coalesce(a.gender IN ('nonbinary', 'another'), FALSE)::BIGINT) AS gender_another_k,
           sum(a.k * coalesce(a.urim_eff IS NOT NULL, FALSE)::BIGINT) AS urim_known_k,
           sum(a.k * coalesce(a.urim_eff, FALSE)::BIGINT) AS urim_k,
           sum(a.k * coalesce(a.gender IS NULL OR a.gender = 'undisclosed', FALSE)::BIGINT) AS gender_unknown_k,
           sum(a.k * coalesce(a.urim_eff IS NULL, FALSE)::BIGINT) AS urim_unknown_k
    FROM a
    WHERE a.reached IS NOT NULL
    GROUP BY a.cycle, a.track, a.reached
)
SELECT r.cycle, r.track, s.stage, s.stage_order,
       sum(r.n)::BIGINT AS n,
       sum(r.gender_known)::BIGINT AS gender_known,
       sum(r.women)::BIGINT AS women,
       sum(r.men)::BIGINT AS men,
       sum(r.gender_another)::BIGINT AS gender_another,
       sum(r.urim_known)::BIGINT AS urim_known,
       sum(r.urim)::BIGINT AS urim,
       sum(r.gender_unknown)::BIGINT AS gender_unknown,
       sum(r.urim_unknown)::BIGINT AS urim_unknown,
       cell_key(sum(r.n_k)) AS n_key,
       cell_key(sum(r.gender_known_k)) AS gender_known_key,
       cell_key(sum(r.women_k)) AS women_key,
       cell_key(sum(r.men_k)) AS men_key,
       cell_key(sum(r.gender_another_k)) AS gender_another_key,
       cell_key(sum(r.urim_known_k)) AS urim_known_key,
       cell_key(sum(r.urim_k)) AS urim_key,
       cell_key(sum(r.gender_unknown_k)) AS gender_unknown_key,
       cell_key(sum(r.urim_unknown_k)) AS urim_unknown_key
FROM by_reached r JOIN stages s ON r.reached >= s.stage_order
GROUP BY r.cycle, r.track, s.stage, s.stage_order
