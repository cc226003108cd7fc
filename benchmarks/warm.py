"""A rerun on a warm cache: each page's data through the app's own cache (ui.cache.cached), once it holds
the page's results, the way a Streamlit rerun after the first view costs.

The app finds its database through $MENTORDASH_DB (docs/command-line.md), so this runs in a process of its
own started with that variable, as a server is (benchmarks/pages.py's warm_times); it prints one JSON
object {filter: {page: {median, p10, p90, iqr, n}}} on stdout.

    MENTORDASH_DB=data/bench/department.duckdb python -m benchmarks.warm --as-of 2026-06-30 --repeat 7
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def measure(as_of: date, repeat: int, pages: tuple[str, ...]) -> dict:
    from benchmarks.pages import FILTERS, PAGE_DATA, summarize, timed
    from mentordash.metrics.filters import available_values
    from mentordash.ui.cache import cached
    from mentordash.ui.context import get_db, min_cell
    from mentordash.ui.coverage_view import uncached
    from mentordash.ui.frame import View

    for name in (
        "streamlit",
        "streamlit.runtime.caching.cache_data_api",
        "streamlit.runtime.scriptrunner_utils.script_run_context",
    ):
        logging.getLogger(name).setLevel(logging.ERROR)  # "no script run context": expected outside a server
    out: dict = {}
    for filter_name, filters in FILTERS.items():
        view = View(as_of=as_of, filters=filters)
        for page in pages:

            def rerun(page=page, view=view):
                with get_db().snapshot():  # as app.py runs every rerun: one read snapshot (data_snapshot)
                    cached(available_values)  # the sidebar
                    min_cell()  # the frame's settings read
                    PAGE_DATA[page](view, cached, uncached)

            out.setdefault(filter_name, {})[page] = summarize(timed(rerun, repeat, warmup=1))
    return out


def warm_times(db_path: Path, as_of: date, repeat: int, pages: tuple[str, ...]) -> dict:
    """Run this module in a fresh process serving db_path; its timings."""
    env = {**os.environ, "MENTORDASH_DB": str(db_path)}
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.warm", "--as-of", as_of.isoformat(), "--repeat", str(repeat)]
        + [arg for page in pages for arg in ("--page", page)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"benchmarks.warm failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.warm", description=__doc__.split("\n\n")[0])
    parser.add_argument("--as-of", type=date.fromisoformat, default=date.today())
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--page", action="append")
    args = parser.parse_args(argv)
    from benchmarks.pages import PAGES

    print(json.dumps(measure(args.as_of, max(1, args.repeat), tuple(args.page or PAGES))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
