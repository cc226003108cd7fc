"""The load test of issue 19: many people use MentorDash while a coordinator imports, then undoes.

    .venv/bin/python -m tests.load.run          # full size: 20 users (4 of them browsers), 4 minutes
    .venv/bin/python -m tests.load.run --sessions 5 --browsers 1 --minutes 0.35 --rows 2000 \
        --filter "" --filter urim=urim                                             # as make test runs it

One real server (`python -m mentordash serve` on 127.0.0.1, a fresh demo database) takes:
- WebSocket sessions (tests/load/client.py), each opening page after page from links that carry a set
  of filters (as a shared link does), then the next set of filters;
- a few real browsers (Debian's Chromium through Playwright), loading pages and changing a filter in
  the sidebar;
- a coordinator in a browser who uploads a large roster on the Data page, imports it, and later undoes
  it from the import history.

Checked: no session ever meets an error; every page run draws exactly the figures of the data before
the import or after it, never a mix (each run's signature is compared with both, computed by a lone
session on either side of the import; the browsers are checked for errors); runs that began after the import
landed show it and runs that began after the undo do not; the import lands whole (a backup taken through
the running app holds all of its rows, or, after the undo, none). Reported: page times under load
(median and worst) and the server's peak memory.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from tests.load.client import Run, one_run
from tests.server import CHROMIUM, CHROMIUM_ARGS, ROOT, process_memory_mb, run_async, streamlit_server

PORTS = (8850, 8899)
AS_OF = date(2026, 6, 30).isoformat()
PAGES = ["", "coverage", "recruitment", "wellbeing", "outcomes"]  # "" is the overview
FILTERS = ["", "gender=woman", "urim=urim", "stage=resident", "gender=man&urim=not_urim", "stage=junior_faculty"]
IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"
DIVISIONS = ["Spine", "Hand", "Trauma", "Sports Medicine", "Arthroplasty"]
STAGES = ["resident", "fellow", "junior_faculty", "student"]
RACES = ["white", "black", "asian", "hispanic_latino"]


def query(filters: str) -> str:
    return f"as_of={AS_OF}" + (f"&{filters}" if filters else "")


def roster(path: Path, rows: int) -> Path:
    """A roster export of `rows` newcomers (none mentored yet): it moves the figures of every page."""
    with path.open("w") as handle:
        handle.write("person_id,career_stage,division,gender,race_ethnicity,start_date\n")
        handle.writelines(
            f"L{i:07d},{STAGES[i % 4]},{DIVISIONS[i % 5]},{'woman' if i % 2 else 'man'},{RACES[i % 4]},2025-07-01\n"
            for i in range(rows)
        )
    return path


@dataclass
class Log:
    started: float = field(default_factory=time.monotonic)
    lines: list[str] = field(default_factory=list)
    quiet: bool = False

    def __call__(self, text: str) -> None:
        line = f"[{time.monotonic() - self.started:6.1f}s] {text}"
        self.lines.append(line)
        if not self.quiet:
            print(line, flush=True)


@dataclass
class Record:
    """One page run by one user: when it began and ended, what it drew."""

    user: str
    kind: str  # "websocket" or "browser"
    page: str
    filters: str
    began: float
    ended: float
    seconds: float
    signature: str = ""  # websocket runs: every figure, table and text the run drew
    errors: list[str] = field(default_factory=list)


@dataclass
class Timeline:
    import_clicked: float | None = None
    import_landed: float | None = None
    undo_clicked: float | None = None
    undone: float | None = None


class Load:
    def __init__(
        self,
        url: str,
        sessions: int,
        browsers: int,
        seconds: float,
        rows: int,
        filters: list[str],
        workdir: Path,
        log: Log,
    ):
        self.url, self.ws_url = url, url.replace("http://", "ws://") + "/_stcore/stream"
        self.sessions, self.browsers, self.seconds, self.rows = sessions, browsers, seconds, rows
        self.filters, self.workdir, self.log = filters, workdir, log
        self.records: list[Record] = []
        self.timeline = Timeline()
        self.expected = {"old": {}, "new": {}}  # (page, filters) -> signature of a lone session's run
        self.stop = asyncio.Event()
        self.problems: list[str] = []

    # --- what each side of the import draws ----------------------------------------------------------
    async def learn(self, side: str) -> None:
        """Every page with every set of filters, run alone (nothing else writes meanwhile)."""
        for filters in self.filters:
            for page in PAGES:
                run = await one_run(self.ws_url, page, query(filters))
                if run.errors:
                    self.problems.append(f"{side} reference run of {page or 'overview'} [{filters}]: {run.errors}")
                self.expected[side][(page, filters)] = run.signature

    # --- the users ---------------------------------------------------------------------------------
    async def websocket_user(self, number: int) -> None:
        """Page after page, each opened from a link that carries its filters (a session of its own: this
        client does not send the sidebar's widget values back as a browser does, so filters come from links)."""
        rng = random.Random(number)
        turn = number
        while not self.stop.is_set():
            filters = self.filters[turn % len(self.filters)]
            turn += 1
            for page in rng.sample(PAGES, len(PAGES)):
                if self.stop.is_set():
                    return
                began = time.monotonic()
                try:
                    run = await one_run(self.ws_url, page, query(filters))
                except Exception as error:  # a dropped connection is an error of the session
                    run = Run(
                        page=page,
                        query=query(filters),
                        seconds=time.monotonic() - began,
                        errors=[f"{type(error).__name__}: {error}"],
                    )
                self.records.append(
                    Record(
                        f"ws{number}",
                        "websocket",
                        page,
                        filters,
                        began,
                        time.monotonic(),
                        run.seconds,
                        run.signature,
                        run.errors,
                    )
                )
                await asyncio.sleep(rng.uniform(0.2, 1.0))  # reading the page

    async def browser_user(self, browser, number: int) -> None:
        rng = random.Random(1000 + number)
        context = await browser.new_context(viewport={"width": 1400, "height": 1000})
        page = await context.new_page()
        turn = number
        try:
            while not self.stop.is_set():
                path = PAGES[turn % len(PAGES)]
                start_filters = "" if turn % 3 == 0 else self.filters[turn % len(self.filters)]
                turn += 1
                began = time.monotonic()
                errors = []
                try:
                    await page.goto(f"{self.url}/{path}?{query(start_filters)}", wait_until="commit", timeout=180_000)
                    await _finished(page, charts=path in {"", "coverage", "wellbeing", "outcomes"})
                    filters = start_filters
                    if start_filters == "" and "urim=urim" in self.filters and rng.random() < 0.5:
                        # a filter changed in the sidebar, as a person does it
                        await page.get_by_test_id("stSidebar").get_by_text("URiM only", exact=True).click()
                        await _finished(page, charts=False)
                        filters = "urim=urim"
                    errors += await _page_errors(page)
                except Exception as error:
                    errors.append(f"{type(error).__name__}: {str(error).splitlines()[0]}")
                    filters = start_filters
                ended = time.monotonic()
                self.records.append(
                    Record(f"browser{number}", "browser", path, filters, began, ended, ended - began, "", errors)
                )
                await asyncio.sleep(rng.uniform(0.5, 1.5))
        finally:
            await context.close()

    async def coordinator(self, browser, roster_file: Path, db_path: Path) -> None:
        """Upload and import a large roster, check it landed whole, later undo it."""
        context = await browser.new_context(viewport={"width": 1400, "height": 1000})
        page = await context.new_page()
        page.set_default_timeout(600_000)
        try:
            await asyncio.sleep(self.seconds * 0.15)
            await page.goto(f"{self.url}/data", wait_until="commit")
            await _finished(page, charts=False)
            uploader = page.get_by_test_id("stFileUploader").filter(has_text="Exports")
            await uploader.locator("input[type=file]").set_input_files(str(roster_file))
            await page.get_by_text(f"{self.rows} rows read").wait_for()
            await _finished(page, charts=False)
            self.timeline.import_clicked = time.monotonic()
            self.log(f"coordinator: importing {self.rows:,} people")
            await page.get_by_role("button", name="Import", exact=True).click()
            landed = page.get_by_text(f"Imported {self.rows} rows")
            await landed.wait_for()
            self.timeline.import_landed = time.monotonic()
            import_id = re.search(r"as (\S+) \(", await landed.inner_text()).group(1)
            self.log(f"coordinator: imported in {self.timeline.import_landed - self.timeline.import_clicked:.1f} s")
            self.problems += await _page_errors(page)
            await self.learn("new")
            self.log("what every page shows after the import: learned")
            self.check_backup(db_path, "after the import")
            await asyncio.sleep(max(0.0, self.seconds * 0.55 - (time.monotonic() - self.log.started)))
            await page.get_by_role("tab", name="Import history").click()
            await _finished(page, charts=False)
            await page.get_by_test_id("stSelectbox").filter(has_text="Undo an import").click()
            await page.get_by_role("option", name=import_id, exact=True).click()  # this import, by its id
            await _finished(page, charts=False)
            self.timeline.undo_clicked = time.monotonic()
            await page.get_by_role("button", name="Undo", exact=True).click()
            await page.get_by_text(f"Undid {import_id}:").wait_for()
            self.timeline.undone = time.monotonic()
            self.log(f"coordinator: undone in {self.timeline.undone - self.timeline.undo_clicked:.1f} s")
            self.problems += await _page_errors(page)
            self.check_backup(db_path, "after the undo")
        except Exception as error:
            self.problems.append(f"coordinator: {type(error).__name__}: {str(error).splitlines()[0]}")
        finally:
            await context.close()

    def check_backup(self, db_path: Path, when: str) -> None:
        """A backup made through the running app: does it hold all of the import (or, undone, none)?"""
        out = self.workdir / f"backup-{len(self.log.lines)}.duckdb"
        done = subprocess.run(
            [sys.executable, "-m", "mentordash", "backup", "--db", str(db_path), "--out", str(out)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if done.returncode != 0:
            self.problems.append(f"backup {when}: {done.stdout}{done.stderr}")
            return
        copy = duckdb.connect(str(out), read_only=True)
        newcomers = copy.execute("SELECT count(*) FROM people WHERE person_id LIKE 'L%'").fetchall()[0][0]
        history = copy.execute("SELECT rows, status FROM imports WHERE file_name LIKE 'roster%'").fetchall()
        copy.close()
        out.unlink()
        wanted = (self.rows, [(self.rows, "imported")]) if when == "after the import" else (0, [(self.rows, "undone")])
        if (newcomers, history) != wanted:
            self.problems.append(f"{when}: {newcomers} of the {self.rows} people in the database, history {history}")
        else:
            self.log(f"backup through the running app {when}: {newcomers:,} of the imported people, history {history}")

    # --- the run -----------------------------------------------------------------------------------
    async def run(self, roster_file: Path, db_path: Path) -> None:
        from playwright.async_api import async_playwright

        await self.learn("old")
        self.log(f"what every page shows before the import: learned ({len(self.expected['old'])} page views)")
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                self.log.started = time.monotonic()
                users = [asyncio.create_task(self.websocket_user(n)) for n in range(self.sessions - self.browsers)]
                users += [asyncio.create_task(self.browser_user(browser, n)) for n in range(self.browsers)]
                coordinator = asyncio.create_task(self.coordinator(browser, roster_file, db_path))
                self.log(f"{self.sessions - self.browsers} websocket sessions and {self.browsers} browsers at work")
                await asyncio.sleep(self.seconds)
                await coordinator  # the undo must have happened before the users stop
                await asyncio.sleep(2)
                self.stop.set()
                await asyncio.gather(*users)
            finally:
                await browser.close()

    # --- the verdict -------------------------------------------------------------------------------
    def verdict(self) -> dict:
        t = self.timeline
        counts = {"old": 0, "new": 0, "either": 0, "browser_runs_without_error": 0}
        for record in self.records:
            key = (record.page, record.filters)
            where = f"{record.user} {record.page or 'overview'} [{record.filters}] at {record.began - self.log.started:.1f}s"
            if record.errors:
                self.problems.append(f"{where}: {record.errors}")
                continue
            if record.kind != "websocket":
                counts["browser_runs_without_error"] += 1  # a browser's page is checked for errors only
                continue
            old, new = self.expected["old"].get(key), self.expected["new"].get(key)
            if new is None:
                self.problems.append("the import never landed: nothing to compare with")
                break
            side = (
                ("either" if old == new else "old")
                if record.signature == old
                else "new"
                if record.signature == new
                else None
            )
            if side is None:
                self.problems.append(f"{where}: drew neither the data before the import nor after it (a mix)")
                continue
            counts[side] += 1
            began_after_import = t.import_landed is not None and record.began > t.import_landed
            ended_before_undo = t.undo_clicked is not None and record.ended < t.undo_clicked
            if side == "old" and began_after_import and ended_before_undo:
                self.problems.append(f"{where}: began after the import landed but did not show it")
            if side == "new" and (record.ended < (t.import_clicked or 0) or (t.undone and record.began > t.undone)):
                self.problems.append(f"{where}: showed the import outside the time it was in the database")
        times = {
            kind: sorted(r.seconds for r in self.records if r.kind == kind and not r.errors)
            for kind in ("websocket", "browser")
        }
        changed = sum(1 for k, v in self.expected["old"].items() if self.expected["new"].get(k) not in (None, v))
        return {
            "sessions": self.sessions,
            "browsers": self.browsers,
            "seconds": round(self.seconds),
            "rows_imported": self.rows,
            "page_runs": len(self.records),
            "runs_with_errors": sum(1 for r in self.records if r.errors),
            "runs_showing": counts,
            "page_views_the_import_changes": f"{changed} of {len(self.expected['old'])}",
            "page_seconds": {kind: _stats(values) for kind, values in times.items()},
            "import_seconds": _span(t.import_clicked, t.import_landed),
            "undo_seconds": _span(t.undo_clicked, t.undone),
            "problems": self.problems,
        }


def _stats(values: list[float]) -> dict:
    if not values:
        return {"runs": 0}
    return {
        "runs": len(values),
        "median": round(statistics.median(values), 2),
        "p90": round(values[int(0.9 * (len(values) - 1))], 2),
        "worst": round(values[-1], 2),
    }


def _span(start: float | None, end: float | None) -> float | None:
    return round(end - start, 1) if start and end else None


async def _finished(page, charts: bool) -> None:
    await page.wait_for_selector(IDLE, timeout=300_000)
    if charts and await page.locator("[data-testid=stException]").count() == 0:
        await page.wait_for_selector(".js-plotly-plot .main-svg", timeout=300_000)
        await page.wait_for_selector(IDLE, timeout=300_000)


async def _page_errors(page) -> list[str]:
    errors = [f"exception: {await e.inner_text()}" for e in await page.get_by_test_id("stException").all()]
    errors += [f"error: {await e.inner_text()}" for e in await page.locator("[data-testid=stAlertContentError]").all()]
    return errors


def load_test(
    sessions: int = 20,
    browsers: int = 4,
    minutes: float = 4,
    rows: int = 20_000,
    scale: str = "department",
    filters: list[str] | None = None,
    quiet: bool = False,
) -> dict:
    """Build a demo database, serve it, run the load; the verdict with the server's peak memory."""
    log = Log(quiet=quiet)
    with tempfile.TemporaryDirectory(prefix="mentordash-load-") as tmp:
        workdir = Path(tmp)
        db_path = workdir / "load.duckdb"
        subprocess.run(
            [sys.executable, "-m", "mentordash", "demo", "--scale", scale, "--db", str(db_path)],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        roster_file = roster(workdir / "roster.csv", rows)
        with streamlit_server(ROOT / "app.py", db_path, PORTS) as (url, pid):
            log(f"server {url} (pid {pid}) on a {scale} demo database")
            load = Load(url, sessions, browsers, minutes * 60, rows, filters or FILTERS, workdir, log)
            run_async(load.run(roster_file, db_path))
            result = load.verdict()
            result["server_peak_mb"] = process_memory_mb(pid, "VmHWM")
            result["server_rss_after_mb"] = process_memory_mb(pid, "VmRSS")
    result["scale"] = scale
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.load.run", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sessions", type=int, default=20, help="users at once, browsers included (default 20)")
    parser.add_argument("--browsers", type=int, default=4, help="of which real Chromium browsers (default 4)")
    parser.add_argument("--minutes", type=float, default=4, help="how long the load lasts (default 4)")
    parser.add_argument("--rows", type=int, default=20_000, help="people in the coordinator's roster (default 20000)")
    parser.add_argument(
        "--filter",
        action="append",
        metavar="QUERY",
        help='a set of filters as a link carries them ("" for none, "gender=woman&urim=urim"); '
        "repeat for several (default: six sets)",
    )
    parser.add_argument("--scale", default="department", choices=("department", "consortium"))
    parser.add_argument("--json", metavar="FILE", help="also write the result as JSON")
    args = parser.parse_args(argv)
    result = load_test(args.sessions, args.browsers, args.minutes, args.rows, args.scale, args.filter)
    print(json.dumps(result, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    return 1 if result["problems"] or result["runs_with_errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
