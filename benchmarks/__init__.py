"""The performance benchmark, outside the app: page data against a pandas baseline and a floor query, a
large import against DuckDB's read_csv, the app's memory and the browser latency (docs/benchmarks.md).

`python -m benchmarks`, or `python -m mentordash bench`."""
