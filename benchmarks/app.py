"""The app in a real browser: the server's peak memory and every page's first load at national scale;
the latency of a filter change on every page at department and consortium scale; and the overview's
first load against a trivial Streamlit page served the same way in the same run.

Servers are started with tests/server.py (the app by `python -m mentordash serve`, as deployments run
it, the trivial page by `streamlit run`; on 127.0.0.1 at a free port of the given range, headless, stopped
by its own pid), as the browser tests start theirs; the browser is Debian's Chromium through Playwright.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from mentordash.vocabulary import CAREER_STAGE_LABELS, DIMENSION_LABELS, GENDER_CHOICE_LABELS, URIM_FILTER_LABELS
from tests.server import CHROMIUM, CHROMIUM_ARGS, ROOT, process_memory_mb, streamlit_server

IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"
# The page whose clicks are measured again on a server that does not work ahead: the heaviest page that does.
WORK_AHEAD_PAGE = "wellbeing"
PAGE_PATHS = {
    "overview": "",
    "coverage": "coverage",
    "recruitment": "recruitment",
    "wellbeing": "wellbeing",
    "outcomes": "outcomes",
}
TRIVIAL_APP = """
import plotly.graph_objects as go
import streamlit as st

st.write("A trivial Streamlit page")
st.plotly_chart(go.Figure(go.Bar(x=["a", "b", "c"], y=[1, 3, 2])))
"""


@contextmanager
def chromium() -> Iterator:
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def _session(browser) -> Iterator:
    """A page in a new browser session (its own context: no cache, no cookies), closed on exit."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        yield context.new_page()
    finally:
        context.close()


def _untimed_visit(browser, url: str) -> None:
    """One load in a session of its own, so that the timings after it do not pay for the server's first imports."""
    with _session(browser) as page:
        _load(page, url)


def _load(page, url: str, timeout_ms: float = 180_000, charts: bool = True) -> float:
    """Seconds from navigation to the run finished (and, with charts, a Plotly chart drawn)."""
    start = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=timeout_ms)
    page.wait_for_selector(IDLE, timeout=timeout_ms)
    if charts:
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=timeout_ms)
        page.wait_for_selector(IDLE, timeout=timeout_ms)
    return time.perf_counter() - start


# --- peak memory with every page loaded ---------------------------------------------------------------


def app_memory(db_path: Path, ports: tuple[int, int], log: Callable[[str], None]) -> dict:
    """Serve app.py on db_path, open every page in turn (one session), read the server's VmHWM."""
    pages = {}
    with streamlit_server(ROOT / "app.py", db_path, ports) as (url, pid), chromium() as browser:
        idle_mb = process_memory_mb(pid, "VmRSS")
        with _session(browser) as page:
            for name, path in PAGE_PATHS.items():
                seconds = _load(page, f"{url}/{path}", charts=True)
                errors = page.locator("[data-testid=stException]").count()
                pages[name] = {
                    "first_load_s": round(seconds, 2),
                    "rss_mb": process_memory_mb(pid, "VmRSS"),
                    "peak_so_far_mb": process_memory_mb(pid, "VmHWM"),
                    "exceptions": errors,
                }
                log(
                    f"  {name}: loaded in {seconds:.1f} s, server RSS {pages[name]['rss_mb']} MB, peak so far "
                    f"{pages[name]['peak_so_far_mb']} MB" + (f", {errors} exception(s) on the page" if errors else "")
                )
        peak = process_memory_mb(pid, "VmHWM")
        now = process_memory_mb(pid, "VmRSS")
    return {"peak_rss_mb": peak, "rss_after_mb": now, "idle_rss_mb": idle_mb, "pages": pages}


# --- latency at department scale ----------------------------------------------------------------------

_CHART_SIGNATURE = """() => Array.from(document.querySelectorAll('.js-plotly-plot'))
    .map(el => JSON.stringify((el.data || []).map(t => [t.x, t.y]))).join('|')"""


def _timed_change(page, act: Callable[[], None]) -> float:
    """Seconds from act() (a click) to the run finished and the charts' data changed."""
    before = page.evaluate(_CHART_SIGNATURE)
    start = time.perf_counter()
    act()
    page.wait_for_function(
        f"""(before) => {{
            const idle = document.querySelector('{IDLE}');
            const now = ({_CHART_SIGNATURE})();
            return idle !== null && now.length > 0 && now !== before;
        }}""",
        arg=before,
        timeout=120_000,
        polling="raf",
    )
    return time.perf_counter() - start


def _filter_changes(page, url: str, changes: int, log: Callable[[str], None], name: str) -> list[float]:
    """Click the sidebar's URiM options in turn; seconds from each click to the run finished and the
    charts' data changed."""
    _load(page, url)
    sidebar = page.locator("[data-testid=stSidebar]")
    options = [URIM_FILTER_LABELS[key] for key in ("urim", "not_urim", "all")]
    times = [
        _timed_change(page, sidebar.get_by_text(options[i % len(options)], exact=True).click) for i in range(changes)
    ]
    log(
        f"  {name}: filter change to chart updated, median {statistics.median(times):.2f} s "
        f"(first two, views new to the session: {', '.join(f'{t:.2f}' for t in times[:2])})"
    )
    return times


# A committee's loop through the sidebar's lists on the coverage page: (list, add or remove, option), each
# change a view no one has opened before (the work ahead answers only the URiM choices next to a view).
LIST_CHANGES = (
    ("gender", "+", "woman"),
    ("gender", "+", "man"),
    ("gender", "-", "woman"),
    ("career_stage", "+", "student"),
    ("gender", "-", "man"),
    ("career_stage", "+", "resident"),
    ("career_stage", "-", "student"),
    ("gender", "+", "man"),
    ("career_stage", "+", "junior_faculty"),
)  # every view of them holds at least 28 people at department scale: none is too small to draw
_OPTION_LABELS = {"gender": GENDER_CHOICE_LABELS, "career_stage": CAREER_STAGE_LABELS}


def _list_changes(page, url: str, log: Callable[[str], None], name: str) -> list[float]:
    """Make LIST_CHANGES in the sidebar's multiselects in turn: seconds from choosing an option in the open
    list, or removing one, to the run finished and the charts' data changed."""
    _load(page, url)
    sidebar = page.locator("[data-testid=stSidebar]")
    times = []
    for dimension, change, option in LIST_CHANGES:
        widget = sidebar.locator("[data-testid=stMultiSelect]").filter(
            has=page.get_by_label(DIMENSION_LABELS[dimension], exact=True)
        )
        label = _OPTION_LABELS[dimension][option]
        if change == "+":
            widget.locator("input[role=combobox]").click()  # opening the list is not timed
            target = page.locator("[role=option]").filter(has_text=label).first
            target.wait_for()
        else:
            target = widget.get_by_role("button", name=f"Remove {label}")
        times.append(_timed_change(page, target.click))
        page.keyboard.press("Escape")  # the list closed, as a user leaves it
    log(f"  {name}: list change to chart updated, median {statistics.median(times):.2f} s, slowest {max(times):.2f} s")
    return times


def browser_latency(
    db_paths: dict[str, Path], ports: tuple[int, int], log: Callable[[str], None], loads: int = 8, changes: int = 9
) -> dict:
    """Median filter-change latency on every page at each scale of db_paths (each page in a new browser
    session, its first section open), the coverage page's changes of the sidebar's lists (LIST_CHANGES),
    WORK_AHEAD_PAGE's clicks on a server that does not work ahead,
    and the overview's first load against a trivial page at the first
    scale (department), each first load in a new browser session, both servers measured in the same run."""
    by_scale: dict[str, dict[str, list[float]]] = {}
    without_ahead: dict[str, list[float]] = {}
    by_list: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="mentordash-trivial-") as tmp, chromium() as browser:
        trivial_script = Path(tmp) / "trivial.py"
        trivial_script.write_text(TRIVIAL_APP)
        first_scale = next(iter(db_paths))
        for scale, db_path in db_paths.items():
            with streamlit_server(ROOT / "app.py", db_path, ports) as (url, _):
                if scale == first_scale:
                    with streamlit_server(trivial_script, None, ports) as (trivial_url, _):
                        overview_loads, trivial_loads = _first_loads(browser, url, trivial_url, loads)
                else:
                    _untimed_visit(browser, url)
                for name, path in PAGE_PATHS.items():
                    with _session(browser) as page:
                        by_scale.setdefault(scale, {})[name] = _filter_changes(
                            page, f"{url}/{path}", changes, log, f"{scale} {name}"
                        )
                with _session(browser) as page:
                    by_list[scale] = _list_changes(page, f"{url}/coverage", log, f"{scale} coverage, sidebar lists")
            # A page that works ahead (ui.ahead), again on a server that does not: what its first clicks cost
            # when their views are computed while the user waits (a filter other than URiM, a busy server).
            with streamlit_server(ROOT / "app.py", db_path, ports, env={"MENTORDASH_WORK_AHEAD": "0"}) as (url, _):
                _untimed_visit(browser, url)
                with _session(browser) as page:
                    without_ahead[scale] = _filter_changes(
                        page,
                        f"{url}/{PAGE_PATHS[WORK_AHEAD_PAGE]}",
                        changes,
                        log,
                        f"{scale} {WORK_AHEAD_PAGE}, work ahead off",
                    )
    overview_s, trivial_s = statistics.median(overview_loads), statistics.median(trivial_loads)
    first = by_scale[first_scale]
    every_change = [t for ts in first.values() for t in ts]
    log(f"  overview first load {overview_s:.2f} s vs trivial page {trivial_s:.2f} s")
    return {
        "scale": first_scale,
        "filter_change_s": round(statistics.median(every_change), 3),
        "filter_change_p90_s": round(sorted(every_change)[int(0.9 * (len(every_change) - 1))], 3),
        "filter_change_by_page_s": {k: round(statistics.median(v), 3) for k, v in first.items()},
        "filter_change_by_scale_s": {
            scale: {k: round(statistics.median(v), 3) for k, v in pages.items()} for scale, pages in by_scale.items()
        },
        "filter_change_max_by_scale_s": {
            scale: {k: round(max(v), 3) for k, v in pages.items()} for scale, pages in by_scale.items()
        },
        "filter_change_uncached_by_scale_s": {
            scale: {k: round(statistics.median(v[:2]), 3) for k, v in pages.items()}
            for scale, pages in by_scale.items()
        },
        "filter_change_uncached_s": round(statistics.median([t for ts in first.values() for t in ts[:2]]), 3),
        "without_work_ahead_by_scale_s": {
            scale: {
                "page": WORK_AHEAD_PAGE,
                "median": round(statistics.median(times), 3),
                "max": round(max(times), 3),
                "uncached": round(statistics.median(times[:2]), 3),
            }
            for scale, times in without_ahead.items()
        },
        "coverage_list_change_by_scale_s": {
            scale: {
                "median": round(statistics.median(times), 3),
                "max": round(max(times), 3),
                "changes": [round(t, 3) for t in times],
            }
            for scale, times in by_list.items()
        },
        "filter_changes": len(every_change),
        "overview_first_load_s": round(overview_s, 3),
        "trivial_first_load_s": round(trivial_s, 3),
        "first_load_ratio": round(overview_s / trivial_s, 2) if trivial_s else None,
        "first_loads": loads,
    }


def _first_loads(browser, url: str, trivial_url: str, loads: int) -> tuple[list[float], list[float]]:
    """The overview's and the trivial page's first loads, each in a new browser session, interleaved so
    that a busy moment hits both alike, each page first in every other round (the load that follows
    another's closed session was measured 0.2-0.4 s slower, whichever page it is), after one untimed
    visit each, so that neither side pays for the server's first imports."""
    for target in (url, trivial_url):
        _untimed_visit(browser, target)
    overview_loads, trivial_loads = [], []
    for round_number in range(loads):
        pair = [(url, overview_loads), (trivial_url, trivial_loads)]
        for target, sink in pair if round_number % 2 == 0 else pair[::-1]:
            with _session(browser) as page:
                sink.append(_load(page, target))
    return overview_loads, trivial_loads
