"""The pandas baseline: each page's figures the way a typical Streamlit dashboard computes them.

The tables are loaded into pandas once (`SELECT *` into DataFrames, as an `st.cache_data` loader would),
then every rerun filters, joins and groups them in pandas. PAGES[page](tables, settings, view) returns the
page's figures under the names the page's own data function uses (mentordash.ui.<page>_view.page_data);
a figure the baseline does not compute is listed by the benchmark as `pandas_missing`, which makes the
page-for-page speedup conservative (pandas does less than the page). The rules are the metrics layer's
(docs/metrics.md): the same active-on-a-day tests, engaged window, effective URiM, respondent groups and
half-of-days mentored rule, so that tests/test_bench_pandas_*.py can check that both give the same numbers;
suppression is left out (a typical dashboard has none), which only makes the baseline cheaper.

One module per page (tables: the loading and the filters they share), as mentordash.metrics has.
"""

from benchmarks.pandas_baseline import coverage, outcomes, overview, recruitment, wellbeing
from benchmarks.pandas_baseline.tables import frames_mb, load_tables

PAGES = {
    "overview": overview.overview_page,
    "coverage": coverage.coverage_page,
    "recruitment": recruitment.recruitment_page,
    "wellbeing": wellbeing.wellbeing_page,
    "outcomes": outcomes.outcomes_page,
}

__all__ = ["PAGES", "frames_mb", "load_tables"]
