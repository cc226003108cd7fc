-- A condition on the applicants (aliased a) of recruitment_funnel.sql: only the latest $last_cycles cycles in
-- which an applicant of the view (the same filters, the same track) reached a stage. As a bound on the
-- cycle (those cycles are the latest, so every later one is among them), which DuckDB pushes into the scan.
AND a.cycle >= (
    SELECT min(cycle) FROM (
        SELECT DISTINCT a.cycle
        FROM applicant_counts a
        WHERE a.reached IS NOT NULL
          {applicant_filter} {track_filter}
        ORDER BY a.cycle DESC
        LIMIT $last_cycles
    )
)
