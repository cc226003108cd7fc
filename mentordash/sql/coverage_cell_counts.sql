-- The counts of a coverage cell (docs/metrics.md) and their cell keys (docs/privacy.md), spliced into the
-- SELECT of a query grouping rows of one person each (is_covered, is_engaged, record_key): its people (n),
-- those covered and those engaged, each with the cell key of the people it counts.
count(*) AS n,
       count(*) FILTER (is_covered) AS covered,
       count(*) FILTER (is_engaged) AS engaged,
       cell_key(sum(record_key)) AS n_key,
       cell_key(sum(record_key) FILTER (is_covered)) AS covered_key,
       cell_key(sum(record_key) FILTER (is_engaged)) AS engaged_key
