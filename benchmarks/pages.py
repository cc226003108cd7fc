"""Page data: how long each page's metrics take, uncached and on a warm cache, against a pandas baseline
and a hand-written floor query.

For each page and each filter (the default view, and a demographic filter), over repeated runs:
- `ms`: every metrics call the page makes (PAGE_CALLS, read off pages/*.py and checked against them by
  tests/test_bench.py), called directly: no Streamlit cache, so each run queries DuckDB ("cold-ish": the
  OS and DuckDB's buffers are warm, no result is reused);
- `warm_ms`: the same calls through ui.cache.cached with the cache filled, plus the calls the page makes
  outside the cache: what a rerun costs once a view has been seen;
- `pandas_ms`: the page's headline figures the way a typical Streamlit dashboard computes them (tables
  loaded into pandas once, then filtered and grouped in pandas: benchmarks/pandas_baseline.py), and
  `speedup`;
- `floor_ms`: the fastest single hand-written DuckDB query for one headline figure of the page.
Everything goes through the package's public functions: metrics, Database.rows and ui.cache.cached.
"""

from __future__ import annotations

import gc
import logging
import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from benchmarks import pandas_baseline
from mentordash.db import Database
from mentordash.metrics import coverage, outcomes, overview, recruitment, wellbeing
from mentordash.metrics.filters import Filters, available_values
from mentordash.vocabulary import TRACK_LABELS

PAGES = ("overview", "coverage", "recruitment", "wellbeing", "outcomes")
FILTERS = {"default": Filters(), "gender=woman": Filters.of(gender=["woman"])}


# --- what each page computes -------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One metrics call of a page: func(db, *args, **kwargs), with symbolic arguments resolved per view.

    Argument names: as_of, filters, roles (the coverage page's default role, 'mentor'), group_filters
    (its 'compare within: all stages' default), track and cycle (the recruitment page's default track and
    newest cycle), women_filters and urim_filters (its share charts' filters, each with its own attribute
    set aside), user (the local-mode coordinator). `cached` says whether the page goes through
    ui.cache.cached (False: called on every rerun, as the page does)."""

    func: Callable
    args: tuple[str, ...] = ()
    kwargs: tuple[tuple[str, Any], ...] = ()
    cached: bool = True

    @property
    def name(self) -> str:
        return qualified_name(self.func)


def qualified_name(func: Callable) -> str:
    return f"{func.__module__}.{func.__qualname__}"


_VIEW = ("as_of", "filters")
_ROLES = ("as_of", "filters", "roles")

# Read off pages/<page>.py: every `cached(func, ...)` call in the order the page makes it on a default
# load, and the direct metrics calls (cached=False). tests/test_bench.py parses the pages and fails when
# this table and a page disagree.
PAGE_CALLS: dict[str, list[Call]] = {
    "overview": [
        Call(coverage.coverage_total, _VIEW),
        Call(overview.all_tiles, _VIEW),
        Call(overview.coverage_by_year, _VIEW),
        Call(overview.data_freshness),
    ],
    "coverage": [
        Call(coverage.coverage_total, _VIEW),
        Call(coverage.coverage_by_role, _VIEW),
        Call(coverage.mentor_load, _ROLES),
        Call(coverage.resident_benchmark, _VIEW),
        Call(coverage.coverage_monthly, _ROLES),
        Call(coverage.coverage_total, ("as_of", "group_filters", "roles")),
        Call(coverage.coverage_by_group, ("as_of", "group_filters", "roles")),
        Call(coverage.mentor_load_distribution, _ROLES),
        Call(coverage.load_by_group, _ROLES),
        Call(coverage.relationship_sources, _ROLES),
        Call(coverage.formal_by_stage, _ROLES),
        Call(coverage.time_to_match, _ROLES),
        Call(coverage.unmatched_list, _ROLES, (("user", "user"),), cached=False),
        Call(coverage.over_capacity_list, _ROLES, (("user", "user"),), cached=False),
    ],
    "recruitment": [
        Call(recruitment.ignored_filters, ("filters",)),
        Call(recruitment.applicant_total, ("filters",)),
        Call(recruitment.cycles, ("filters",)),
        Call(recruitment.group_funnel, ("filters", "track", "cycle")),
        Call(recruitment.conversions, ("filters", "track", "cycle")),
        Call(recruitment.funnel, ("filters",)),
        Call(recruitment.benchmarks),
        Call(recruitment.funnel, ("women_filters",)),
        Call(recruitment.funnel, ("urim_filters",)),
        Call(recruitment.pipeline_share, ("filters", "track", "cycle")),
        Call(recruitment.representation, _VIEW),
    ],
    "wellbeing": [
        Call(wellbeing.responses_total, ("filters",)),
        Call(wellbeing.measures_by_wave, ("filters",)),
        Call(wellbeing.response_rates, ("filters",)),
        Call(wellbeing.measures_by_group, ("filters",)),
        Call(wellbeing.benchmarks),
    ],
    "outcomes": [
        Call(outcomes.window, ("as_of",)),
        Call(outcomes.people_total, _VIEW),
        Call(outcomes.publications, _VIEW),
        Call(outcomes.time_to_promotion, _VIEW),
        Call(outcomes.early_departure, _VIEW, (("by", None),)),
        Call(outcomes.satisfaction, _VIEW),
        Call(outcomes.mentor_publications, _VIEW),
    ],
}

# app.py's frame runs on every page: the sidebar's choices (cached) and the min_cell lookup (db.settings(),
# not cached). Checked against mentordash/ui/frame.py by the test as well.
FRAME_CALLS: list[Call] = [Call(available_values), Call(Database.settings, cached=False)]

# The one function behind each page's headline figure, which the pandas baseline recomputes.
HEADLINE_CALLS: dict[str, Call] = {
    "overview": Call(overview.coverage_by_year, _VIEW),
    "coverage": Call(coverage.coverage_by_stage, _VIEW),
    "recruitment": Call(recruitment.funnel, ("filters",)),
    "wellbeing": Call(wellbeing.burnout_prevalence, ("filters",)),
    "outcomes": Call(outcomes.publications, _VIEW),
}


class _Coordinator:
    """The local-mode user (a coordinator), for the coverage page's roster lists."""

    is_coordinator = True
    email = "bench@localhost"
    role = "coordinator"


def view_context(db: Database, as_of: date, filters: Filters) -> dict:
    """The values the pages derive before calling metrics, on a default load with these filters."""
    pairs = recruitment.cycles(db, filters)
    tracks = [t for t in TRACK_LABELS if t in set(pairs["track"])]
    track = tracks[0] if tracks else "residency"
    track_cycles = [int(c) for c in pairs[pairs["track"] == track]["cycle"]]
    return {
        "as_of": as_of,
        "filters": filters,
        "roles": coverage.DEFAULT_ROLES,
        "group_filters": filters,
        "track": track,
        "cycle": track_cycles[0] if track_cycles else as_of.year,
        "user": _Coordinator(),
        # the recruitment page's share charts set their own attribute's filter aside
        "women_filters": filters.narrowed(gender=()) if filters.gender else filters,
        "urim_filters": filters.narrowed(urim=None) if filters.urim is not None else filters,
    }


def resolve(call: Call, context: dict) -> tuple[tuple, dict]:
    args = tuple(context[name] for name in call.args)
    kwargs = {key: (context[value] if isinstance(value, str) else value) for key, value in call.kwargs}
    return args, kwargs


def _call_key(call: Call, args: tuple, kwargs: dict) -> tuple:
    def freeze(value):
        return ("filters", value.key()) if isinstance(value, Filters) else value

    return (call.name, tuple(freeze(a) for a in args), tuple(sorted((k, freeze(v)) for k, v in kwargs.items())))


def run_calls(db: Database, calls: list[Call], context: dict, timings: dict[str, list[float]] | None = None) -> list:
    """Every call once, with nothing cached from earlier runs; per-call times (ms) appended to `timings`.

    As on a cold Streamlit cache, a cached() call repeated with the same arguments in the same page run
    (the recruitment page's funnel when no gender or URiM filter is set) is computed once."""
    results, seen = [], {}
    for index, call in enumerate(calls):
        args, kwargs = resolve(call, context)
        key = _call_key(call, args, kwargs) if call.cached else None
        if key is not None and key in seen:
            results.append(seen[key])
            continue
        start = time.perf_counter()
        results.append(call.func(db, *args, **kwargs))
        if key is not None:
            seen[key] = results[-1]
        if timings is not None:
            timings.setdefault(f"{index:02d} {call.func.__qualname__}", []).append(1000 * (time.perf_counter() - start))
    return results


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
    cached: Callable | None = None,
) -> list[dict]:
    """One result per (page, filter): uncached page times, pandas baseline (on `tables`, from load_pandas),
    floor, and with `cached` (the app's ui.cache.cached, from app_cache) the warm-cache page times."""
    settings = db.settings()
    results = []
    for filter_name, filters in FILTERS.items():
        context = view_context(db, as_of, filters)
        for page in pages:
            calls = [*FRAME_CALLS, *PAGE_CALLS[page]]
            per_call: dict[str, list[float]] = {}
            run_calls(db, calls, context)  # warm-up: loads SQL files, imports, DuckDB's buffers
            samples, cpu = [], []
            for _ in range(repeat):
                gc.collect()
                begin, begin_cpu = time.perf_counter(), time.process_time()
                run_calls(db, calls, context, per_call)
                samples.append(1000 * (time.perf_counter() - begin))
                cpu.append(1000 * (time.process_time() - begin_cpu))
            stats = summarize(samples)
            headline = HEADLINE_CALLS[page]
            headline_samples = timed(partial(run_calls, db, [headline], context), repeat)
            pandas_samples = timed(
                partial(pandas_baseline.HEADLINES[page], tables, settings, as_of, filters, context), repeat
            )
            floor_samples = timed(partial(floor_query, db, page, as_of, filters, settings, context), max(repeat, 5))
            pandas_stats, floor_stats = summarize(pandas_samples), summarize(floor_samples)
            headline_stats = summarize(headline_samples)
            result = {
                "scale": scale,
                "page": page,
                "filter": filter_name,
                "ms": stats["median"],
                "p10_ms": stats["p10"],
                "p90_ms": stats["p90"],
                "iqr_ms": stats["iqr"],
                "runs": stats["n"],
                "calls": len(calls),
                "cpu_ms": summarize(cpu)["median"],
                "pandas_ms": pandas_stats["median"],
                "pandas_p10_ms": pandas_stats["p10"],
                "pandas_p90_ms": pandas_stats["p90"],
                "speedup": _ratio(pandas_stats["median"], stats["median"]),
                "headline": headline.name.rsplit(".", 1)[-1],
                "headline_ms": headline_stats["median"],
                "headline_speedup": _ratio(pandas_stats["median"], headline_stats["median"]),
                "floor_ms": floor_stats["median"],
                "floor_p90_ms": floor_stats["p90"],
                "floor_figure": FLOOR_FIGURES[page],
                "slowest_calls": _slowest(per_call),
            }
            if cached is not None:
                warm_stats = bench_warm(db, calls, context, repeat, cached)
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
                f"{pandas_stats['median']:8.1f}  floor {floor_stats['median']:6.1f}"
            )
    return results


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if not numerator or not denominator:
        return None
    return round(numerator / denominator, 2)


def _slowest(per_call: dict[str, list[float]], keep: int = 3) -> list[dict]:
    medians = sorted(((statistics.median(v), k) for k, v in per_call.items()), reverse=True)[:keep]
    return [{"call": name.split(" ", 1)[1], "ms": round(ms, 2)} for ms, name in medians]


# --- warm cache: ui.cache.cached outside a Streamlit server ------------------------------------------


def bench_warm(db: Database, calls: list[Call], context: dict, repeat: int, cached: Callable) -> dict:
    """The page's calls through ui.cache.cached once its cache holds them (st.cache_data works without a
    server, in memory: the same key building, data-version query and unpickling as in the app), plus
    the calls the page makes outside the cache."""

    def once():
        for call in calls:
            args, kwargs = resolve(call, context)
            if call.cached:
                cached(call.func, *args, **kwargs)
            else:
                call.func(db, *args, **kwargs)

    return summarize(timed(once, repeat, warmup=1))


@contextmanager
def app_cache(db_path: str | Path) -> Iterator[Callable]:
    """ui.cache.cached as the pages call it, serving the database at db_path.

    The app finds its database through $MENTORDASH_DB (docs/command-line.md), set for the block and
    restored after. On exit the app's connection is closed and Streamlit's resource cache emptied, so
    that the file is free for the app server and the next scale."""
    import streamlit as st

    from mentordash.ui.cache import cached
    from mentordash.ui.context import get_db

    for name in (
        "streamlit",
        "streamlit.runtime.caching.cache_data_api",
        "streamlit.runtime.scriptrunner_utils.script_run_context",
    ):
        logging.getLogger(name).setLevel(logging.ERROR)  # "no script run context": expected outside a server
    previous = os.environ.get("MENTORDASH_DB")
    os.environ["MENTORDASH_DB"] = str(db_path)
    try:
        yield cached
    finally:
        get_db().close()
        st.cache_resource.clear()
        st.cache_data.clear()
        if previous is None:
            del os.environ["MENTORDASH_DB"]
        else:
            os.environ["MENTORDASH_DB"] = previous
        gc.collect()


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
