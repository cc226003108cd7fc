"""Page data: how long each page's data takes, uncached and on a warm cache, against the same figures
computed in pandas and a hand-written floor query.

For each page and each filter (the default view, and a demographic filter), over repeated runs:
- `ms`: the page's data with every section open, gathered by the page's own function
  (mentordash.ui.<page>_view.page_data, which the page itself calls section by section) with a plain
  call on the connection in place of the app's cache: each run queries DuckDB ("cold-ish": the OS and
  DuckDB's buffers are warm, no result is reused; an identical call repeated within one page run is
  computed once, as on a cold Streamlit cache), plus the sidebar's;
- `warm_ms` (benchmarks/warm.py): the same functions through ui.cache.cached once its cache holds them;
- `pandas_ms`: the same figures computed in pandas from tables loaded once, as a typical Streamlit
  dashboard does (benchmarks/pandas_baseline/), and `speedup` = pandas_ms / ms, page for page;
- `floor_ms`: the fastest single hand-written DuckDB query for one headline figure of the page.
Everything goes through the package's public functions: the page-data functions, metrics, Database.
"""

from __future__ import annotations

import gc
import os
import statistics
import threading
import time
from collections.abc import Callable, Sequence
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from benchmarks import pandas_baseline
from mentordash.db import Database, Memo
from mentordash.metrics import outcomes
from mentordash.metrics.filters import Filters, available_values
from mentordash.ui import coverage_view, outcomes_view, overview_view, recruitment_view, wellbeing_view
from mentordash.ui.frame import View

PAGES = ("overview", "coverage", "recruitment", "wellbeing", "outcomes")
FILTERS = {"default": Filters(), "gender=woman": Filters.of(gender=["woman"])}


# --- what each page computes: the page's own function ----------------------------------------------


class _Coordinator:
    """The local-mode user (a coordinator), for the coverage page's roster lists."""

    is_coordinator = True
    email = "bench@localhost"
    role = "coordinator"


COORDINATOR = _Coordinator()

# Each page's data with every section open, on a first visit (default widget choices), through the
# function the page itself calls: (view, cached, uncached) -> {figure name: result}. `cached` stands for the
# app's cache (ui.cache.cached), `uncached` for the calls a page makes outside it (the coverage page's
# roster lists); the uncached runs pass a Calls for both.
PAGE_DATA: dict[str, Callable[[View, Callable, Callable], dict]] = {
    "overview": lambda view, cached, uncached: overview_view.page_data(view, cached=cached),
    "coverage": lambda view, cached, uncached: coverage_view.page_data(view, COORDINATOR, cached=cached, call=uncached),
    "recruitment": lambda view, cached, uncached: recruitment_view.page_data(view, cached=cached),
    "wellbeing": lambda view, cached, uncached: wellbeing_view.page_data(view, cached=cached),
    "outcomes": lambda view, cached, uncached: outcomes_view.page_data(view, cached=cached),
}


# Values a page's data function derives from its figures without a metrics call (the wave order, the
# instruments' rules, a note, a flag): not figures of their own, so not counted against the baseline.
DERIVED = frozenset({"waves", "rules", "set_aside_note", "too_few"})


def frame_data(db: Database, call: Callable) -> dict:
    """What app.py's frame computes on every page: the sidebar's choices (cached) and the settings behind
    the privacy threshold (read on every run)."""
    return {"choices": call(available_values), "settings": db.settings()}


class Calls:
    """call(func, *args, **kwargs) -> func(db, *args, **kwargs), as ui.cache.cached would on a cold cache:
    nothing is reused from an earlier page run, an identical call within this one is computed once. The
    time of each distinct function (ms) is added to `timings`."""

    def __init__(self, db: Database, timings: dict[str, list[float]] | None = None):
        self.db, self.timings, self._memo = db, timings, Memo()
        self.called: list[str] = []
        self._lock = threading.Lock()

    def __call__(self, func: Callable, *args: Any, **kwargs: Any) -> Any:
        key = (func, tuple(_freeze(a) for a in args), tuple(sorted((k, _freeze(v)) for k, v in kwargs.items())))
        # as the app's cache: a call made on two threads at once is computed on one, the other waiting for it,
        # and a failed call is forgotten (the next one retries)
        return self._memo.get(key, partial(self._timed, func, args, kwargs))

    def _timed(self, func: Callable, args: tuple, kwargs: dict) -> Any:
        start = time.perf_counter()
        result = func(self.db, *args, **kwargs)
        name = func.__qualname__
        with self._lock:
            self.called.append(f"{func.__module__}.{name}")
            if self.timings is not None:
                self.timings.setdefault(name, []).append(1000 * (time.perf_counter() - start))
        return result

    def together(self, parts: Sequence[Callable[[], Any]]) -> list:
        """ui.cache.together's work for these calls: side by side in the run's snapshot."""
        return self.db.together(parts)


def _freeze(value: Any) -> Any:
    if isinstance(value, Filters):
        return ("filters", value.key())
    if isinstance(value, list):
        return tuple(value)
    return value


def page_run(db: Database, page: str, view: View, timings: dict[str, list[float]] | None = None) -> dict:
    """One uncached run of a page's data (and the frame's), as a first visit with every section open."""
    call = Calls(db, timings)
    with db.snapshot():  # as app.py runs every page: one read snapshot, whose shared results the page's calls reuse
        frame_data(db, call)
        return PAGE_DATA[page](view, call, call)


# --- statistics -------------------------------------------------------------------------------------


def summarize(samples: list[float]) -> dict:
    """Median, p10, p90, IQR and count of times in ms (rounded to 0.1 ms)."""
    ordered = sorted(samples)
    if not ordered:
        return {"median": None, "p10": None, "p90": None, "iqr": None, "n": 0}

    def quantile(q: float) -> float:
        if len(ordered) == 1:
            return ordered[0]
        position = q * (len(ordered) - 1)
        low = int(position)
        high = min(low + 1, len(ordered) - 1)
        return ordered[low] + (ordered[high] - ordered[low]) * (position - low)

    return {
        "median": round(statistics.median(ordered), 2),
        "p10": round(quantile(0.1), 2),
        "p90": round(quantile(0.9), 2),
        "iqr": round(quantile(0.75) - quantile(0.25), 2),
        "n": len(ordered),
    }


def timed(func: Callable[[], Any], repeat: int, warmup: int = 1) -> list[float]:
    """Times (ms) of `repeat` calls of func after `warmup` untimed ones."""
    for _ in range(warmup):
        func()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append(1000 * (time.perf_counter() - start))
    return samples


def rss_mb() -> float:
    """This process's resident set now (MB), from /proc."""
    return _proc_status_mb(os.getpid(), "VmRSS")


def _proc_status_mb(pid: int, key: str) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return float("nan")


# --- the page benchmarks ----------------------------------------------------------------------------


def load_pandas(db_path: str | Path, log: Callable[[str], None]) -> tuple[dict, dict]:
    """The pandas baseline's tables, and what loading them cost (before the app's connection opens the file)."""
    start = time.perf_counter()
    rss_before = rss_mb()
    tables = pandas_baseline.load_tables(db_path)
    load_seconds = time.perf_counter() - start
    pandas_load = {
        "seconds": round(load_seconds, 3),
        "frames_mb": round(pandas_baseline.frames_mb(tables), 1),
        "rss_delta_mb": round(rss_mb() - rss_before, 1),
        "rows": {name: int(len(frame)) for name, frame in tables.items()},
    }
    log(f"  pandas: loaded the tables in {load_seconds:.2f} s, {pandas_load['frames_mb']:.0f} MB of DataFrames")
    return tables, pandas_load


def bench_pages(
    db: Database,
    scale: str,
    as_of: date,
    repeat: int,
    log: Callable[[str], None],
    tables: dict,
    pages: tuple[str, ...] = PAGES,
    warm: dict | None = None,
    filters: tuple[str, ...] = tuple(FILTERS),
) -> list[dict]:
    """One result per (page, filter): uncached page times, the same figures in pandas (on `tables`, from
    load_pandas), the floor, and the warm-cache times when `warm` (benchmarks/warm.py) holds them."""
    settings = db.settings()
    results = []
    for filter_name in filters:
        view = View(as_of=as_of, filters=FILTERS[filter_name])
        for page in pages:
            per_call: dict[str, list[float]] = {}
            figures = page_run(db, page, view)  # warm-up: loads SQL files, imports, DuckDB's buffers
            samples, cpu = [], []
            for _ in range(repeat):
                gc.collect()
                begin, begin_cpu = time.perf_counter(), time.process_time()
                page_run(db, page, view, per_call)
                samples.append(1000 * (time.perf_counter() - begin))
                cpu.append(1000 * (time.process_time() - begin_cpu))
            stats = summarize(samples)
            baseline = partial(pandas_baseline.PAGES[page], tables, settings, view)
            pandas_figures = baseline()  # also its warm-up
            pandas_stats = summarize(timed(baseline, repeat, warmup=0))
            context = {"cycle": default_cycle(db, view)}
            floor = partial(floor_query, db, page, as_of, view.filters, settings, context)
            floor_stats = summarize(timed(floor, max(repeat, 3)))
            result = {
                "scale": scale,
                "page": page,
                "filter": filter_name,
                "ms": stats["median"],
                "p10_ms": stats["p10"],
                "p90_ms": stats["p90"],
                "iqr_ms": stats["iqr"],
                "runs": stats["n"],
                "figures": len(set(figures) - DERIVED),
                "calls": sum(len(v) for v in per_call.values()) // max(stats["n"], 1),
                "cpu_ms": summarize(cpu)["median"],
                "pandas_ms": pandas_stats["median"],
                "pandas_p10_ms": pandas_stats["p10"],
                "pandas_p90_ms": pandas_stats["p90"],
                "pandas_figures": sorted(pandas_figures),
                "pandas_missing": sorted(set(figures) - set(pandas_figures) - DERIVED),
                "speedup": _ratio(pandas_stats["median"], stats["median"]),
                "floor_ms": floor_stats["median"],
                "floor_p90_ms": floor_stats["p90"],
                "floor_figure": FLOOR_FIGURES[page],
                "slowest_calls": _slowest(per_call),
            }
            warm_stats = (warm or {}).get(filter_name, {}).get(page)
            if warm_stats:
                result.update(
                    warm_ms=warm_stats["median"],
                    warm_p10_ms=warm_stats["p10"],
                    warm_p90_ms=warm_stats["p90"],
                    warm_speedup=_ratio(pandas_stats["median"], warm_stats["median"]),
                )
            results.append(result)
            log(
                f"  {page:12} {filter_name:13} {stats['median']:8.1f} ms (p10 {stats['p10']:.1f}, p90 "
                f"{stats['p90']:.1f})  warm {result.get('warm_ms', float('nan')):6.1f}  pandas "
                f"{pandas_stats['median']:8.1f}  ({len(pandas_figures)}/{result['figures']} figures)  "
                f"floor {floor_stats['median']:6.1f}"
            )
    return results


def default_cycle(db: Database, view: View) -> int:
    """The cycle the recruitment page shows on a first visit (its first track's newest)."""
    pairs = recruitment_view.header_data(view, Calls(db))["pairs"]
    return int(recruitment_view.default_choice(pairs)[1]) if len(pairs) else view.as_of.year


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if not numerator or not denominator:
        return None
    return round(numerator / denominator, 2)


def _slowest(per_call: dict[str, list[float]], keep: int = 3) -> list[dict]:
    medians = sorted(((statistics.median(v), k) for k, v in per_call.items()), reverse=True)[:keep]
    return [{"call": name, "ms": round(ms, 2)} for ms, name in medians]


# --- the floor: one hand-written query per page ------------------------------------------------------

FLOOR_FIGURES = {
    "overview": "coverage of all active people at as-of (one number)",
    "coverage": "active residents with an active mentor at as-of",
    "recruitment": "women and URiM shares among the newest residency cycle's applicants",
    "wellbeing": "Mini-Z burnout prevalence by survey wave",
    "outcomes": "publications per person-year, mentored (any mentor relationship in the window) vs not",
}

_PEOPLE_WOMAN = "AND p.gender = 'woman'"
_FLOOR_SQL = {
    "overview": """
        SELECT count(*) AS n, count(*) FILTER (WHERE EXISTS (
                   SELECT 1 FROM mentorships m WHERE m.mentee_id = p.person_id AND m.role = 'mentor'
                   AND m.start_date <= $d AND (m.end_date IS NULL OR m.end_date >= $d))) AS covered
        FROM people p WHERE p.start_date <= $d AND (p.end_date IS NULL OR p.end_date > $d) {f}""",
    "coverage": """
        SELECT count(*) AS n, count(*) FILTER (WHERE EXISTS (
                   SELECT 1 FROM mentorships m WHERE m.mentee_id = p.person_id AND m.role = 'mentor'
                   AND m.start_date <= $d AND (m.end_date IS NULL OR m.end_date >= $d))) AS covered
        FROM people p WHERE p.career_stage = 'resident' AND p.start_date <= $d
          AND (p.end_date IS NULL OR p.end_date > $d) {f}""",
    "recruitment": """
        SELECT count(*) AS n, avg((gender = 'woman')::INT) FILTER (WHERE gender IS NOT NULL AND gender <> 'undisclosed'),
               avg(urim::INT) FILTER (WHERE urim IS NOT NULL)
        FROM applicants p WHERE track = 'residency' AND cycle = $cycle {f}""",
    "wellbeing": """
        SELECT s.survey, count(*) AS n, count(*) FILTER (WHERE s.mini_z_burnout >= $cut) AS burned_out
        FROM survey s {join}
        WHERE s.complete AND s.mini_z_burnout BETWEEN 1 AND 5 {f}
        GROUP BY s.survey""",
    "outcomes": """
        WITH w AS (
            SELECT p.person_id, p.career_stage, greatest(p.start_date, $ws::DATE + 1) AS a,
                   least($d::DATE, coalesce(p.end_date - 1, $d::DATE)) AS b
            FROM people p WHERE TRUE {f}
        )
        SELECT w.career_stage, EXISTS (SELECT 1 FROM mentorships m WHERE m.mentee_id = w.person_id
                    AND m.role = 'mentor' AND m.start_date <= w.b AND coalesce(m.end_date, w.b) >= w.a) AS mentored,
               sum(w.b - w.a + 1) / 365.25 AS person_years,
               sum((SELECT coalesce(sum(o.count), 0) FROM outcomes o WHERE o.person_id = w.person_id
                    AND o.kind = 'publication' AND o.date BETWEEN w.a AND w.b)) AS publications
        FROM w WHERE w.b >= w.a GROUP BY ALL""",
}


def floor_sql(page: str, filters: Filters) -> str:
    woman = bool(filters.gender)
    if page == "wellbeing":
        join = "LEFT JOIN people p ON p.person_id = s.person_id" if woman else ""
        f = "AND coalesce(p.gender, s.gender) = 'woman'" if woman else ""
        return _FLOOR_SQL[page].format(join=join, f=f)
    return _FLOOR_SQL[page].format(f=_PEOPLE_WOMAN if woman else "")


def floor_query(db: Database, page: str, as_of: date, filters: Filters, settings: dict, context: dict) -> list:
    """The page's floor figure in one query (Database.rows: no DataFrame, no suppression)."""
    params = {
        "d": as_of,
        "cycle": int(context["cycle"]),
        "cut": int(settings["cutoffs"]["mini_z_burnout"]),
        "ws": outcomes.window_start(db, as_of) if page == "outcomes" else as_of,
    }
    return db.rows(floor_sql(page, filters), params)
