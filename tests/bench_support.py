"""What the tests of the benchmark share: the date and filters the bench times, and the comparison of the
metrics layer's shown cells with the pandas baseline's (fixtures bench_department, bench_loaded and
bench_page_runs: tests/conftest.py)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from benchmarks import pages as bench
from benchmarks import pandas_baseline
from mentordash.db import connect
from mentordash.ui.frame import View

AS_OF = date(2026, 6, 30)
FILTER_CASES = list(bench.FILTERS.items())


def shown(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of a metrics frame that are not suppressed."""
    return frame[~frame["suppressed"].astype(bool)]


def same(left: pd.DataFrame, right: pd.DataFrame, keys: list[str], values: list[str]) -> int:
    """Every row of `left` (the metrics layer's shown cells) has the same values in `right` (pandas): how many
    rows were compared."""
    merged = left[keys + values].merge(right[keys + values], on=keys, how="left", suffixes=("", "_pd"), indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"]
    for column in values:
        a = pd.to_numeric(merged[column], errors="coerce").astype(float)
        b = pd.to_numeric(merged[f"{column}_pd"], errors="coerce").astype(float)
        assert ((a == b) | (a.isna() & b.isna())).all(), merged[[*keys, column, f"{column}_pd"]][a != b]
    return len(merged)


def page_runs(db) -> dict:
    """{filter: {page: (figures, functions called)}}: one uncached run of every page, as the bench times it."""
    runs = {}
    for name, filters in bench.FILTERS.items():
        view = View(as_of=AS_OF, filters=filters)
        for page in bench.PAGES:
            call = bench.Calls(db)
            runs.setdefault(name, {})[page] = (bench.PAGE_DATA[page](view, call, call), call.called)
    return runs


_compared: dict[tuple, tuple[dict, dict]] = {}


def page_and_pandas(bench_loaded, bench_page_runs, page: str, name: str, filters) -> tuple[dict, dict]:
    """(the page's figures, the pandas baseline's) for one view of bench_department: the page's from the bench's
    own run where it has one (bench_page_runs), else from one like it; each computed once per test process."""
    key = (page, name, filters.key())
    if key not in _compared:
        db, tables, settings = bench_loaded
        view = View(as_of=AS_OF, filters=filters)
        if name in bench_page_runs:
            ours = bench_page_runs[name][page][0]
        else:
            call = bench.Calls(db)
            ours = bench.PAGE_DATA[page](view, call, call)
        _compared[key] = (ours, pandas_baseline.PAGES[page](tables, settings, view))
    return _compared[key]


def reopened_with_tables(db) -> tuple:
    """(database, the pandas baseline's tables, settings) of a database a test built: closed, its tables loaded
    into pandas (DuckDB opens a file in one mode per process), then opened again."""
    path = db.path
    db.close()
    tables = pandas_baseline.load_tables(path)
    db = connect(path)
    return db, tables, db.settings()
