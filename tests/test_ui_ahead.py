"""Work ahead of time (ui.ahead): the views one URiM click away are in the cache before the click, for
the audience of the user who will click, and the work gives way to every run."""

import shutil
import threading
import time
from datetime import date

import pytest
import streamlit as st

from mentordash.ui import ahead, context
from tests.apptest import AUTH, ROLES, app_test
from tests.builders import add_mentorships, add_people, new_db, person
from tests.test_ui_cache import AS_OF, tiles
from tests.test_ui_cache import lanes_opened as all_lanes_opened


@pytest.fixture(autouse=True)
def generous_budget(monkeypatch):
    """No view dropped for its time while the suite's other worker loads the machine: these tests check
    what is worked out ahead, and test_a_view_over_the_budget_drops_the_rest checks the budget itself."""
    monkeypatch.setattr(ahead, "BUDGET_S", 60.0)


@pytest.fixture
def db_path(tmp_path, monkeypatch):
    db = new_db(tmp_path, "ahead.duckdb")
    add_people(
        db,
        *[person(f"R{i}", "resident", date(2023, 7, 1), urim=i % 2 == 0) for i in range(20)],
        *[person(f"S{i}", "senior_faculty", date(2005, 7, 1), urim=i % 2 == 0) for i in range(10)],
    )
    add_mentorships(
        db, *[dict(mentor_id=f"S{i % 10}", mentee_id=f"R{i}", start_date=date(2024, 1, 1)) for i in range(14)]
    )
    db.close()
    st.cache_data.clear()  # no result of another test's database file of the same name
    yield tmp_path / "ahead.duckdb"
    assert ahead.wait_idle(30)  # nothing of this test still at work when its file goes


def lanes_opened(monkeypatch) -> list:
    """The parts each together() of the runs was handed: the work ahead's own thread is not a run (it may
    be computing the next views of the click just measured while the test checks that click)."""
    return all_lanes_opened(monkeypatch, except_thread=ahead.THREAD_NAME)


def page(monkeypatch, db_path, path="pages/overview.py", email=None):
    signed_in = {} if email is None else {"user": {"is_logged_in": True, "email": email, "email_verified": True}}
    at = app_test(monkeypatch, db_path, secrets={"auth": AUTH, "roles": ROLES} if email else None, **signed_in)
    at.query_params["as_of"] = AS_OF
    return at.switch_page(path)


@pytest.mark.parametrize(
    "path",
    ["pages/overview.py", "pages/recruitment.py", "pages/wellbeing.py", "pages/outcomes.py"],
)
def test_a_urim_click_after_the_work_ahead_is_served_from_the_cache(monkeypatch, bench_department, tmp_path, path):
    """On a copy of the demo department (every page has data to show; the app keeps its file open, and the
    benchmark's tests open the original read-only)."""
    department = tmp_path / "department.duckdb"
    shutil.copyfile(bench_department, department)
    st.cache_data.clear()
    opened = lanes_opened(monkeypatch)
    at = page(monkeypatch, department, path).run()
    assert not at.exception
    assert ahead.wait_idle(30)
    opened.clear()
    at.radio(key="f_urim").set_value("urim").run()
    assert not at.exception
    assert opened == []  # every call of the new view a known hit: nothing computed while the user waits
    assert ahead.wait_idle(30)


def test_the_work_ahead_runs_on_its_own_thread_only(monkeypatch, db_path):
    """One lane: every query of the work ahead runs on its thread, even those of a metrics function that
    computes its parts side by side (the overview's tiles), so the other cores stay free."""
    from mentordash.db import Database
    from mentordash.metrics.filters import Filters
    from mentordash.ui import overview_view
    from mentordash.ui.frame import View

    monkeypatch.setenv("MENTORDASH_DB", str(db_path))
    threads, real = [], Database._fetch

    def recorded(self, *args, **kwargs):
        threads.append(threading.current_thread().name)
        return real(self, *args, **kwargs)

    db = context.get_db()
    with db.snapshot():
        db.data_version()  # read before recording: the offer carries it
        monkeypatch.setattr(Database, "_fetch", recorded)
        ahead.anticipate(overview_view.prefetch, View(as_of=date(2026, 6, 30), filters=Filters()), state={})
    assert ahead.wait_idle(30)
    assert threads and set(threads) == {ahead.THREAD_NAME}


def test_the_figures_worked_out_ahead_are_those_the_page_computes_itself(monkeypatch, db_path):
    at = page(monkeypatch, db_path).run()
    assert ahead.wait_idle(30)
    opened = lanes_opened(monkeypatch)
    ahead_of_time = tiles(at.radio(key="f_urim").set_value("not_urim").run())
    assert opened == []  # served from what was computed ahead
    st.cache_data.clear()
    monkeypatch.setattr(ahead, "ENABLED", False)
    direct = page(monkeypatch, db_path)
    direct.query_params["urim"] = "not_urim"
    assert tiles(direct.run()) == ahead_of_time and ahead_of_time


def test_the_work_ahead_is_for_the_audience_of_the_user_who_will_click(monkeypatch, db_path):
    """A viewer's next views are computed as a viewer is shown them (protected): a coordinator's click on
    the same view is not served a viewer's figures, nor the other way round."""
    viewer = page(monkeypatch, db_path, email="chair@hospital.example.org").run()
    assert not viewer.exception and ahead.wait_idle(30)
    monkeypatch.setattr(ahead, "ENABLED", False)  # only the viewer's run has worked ahead
    opened = lanes_opened(monkeypatch)
    coordinator = page(monkeypatch, db_path, email="pat.lee@hospital.example.org").run()
    opened.clear()
    coordinator.radio(key="f_urim").set_value("urim").run()
    assert not coordinator.exception and opened  # a coordinator's exact figures: not among those computed
    opened.clear()
    viewer.radio(key="f_urim").set_value("urim").run()
    assert not viewer.exception and opened == []  # the viewer's own: served from the cache


def test_no_work_ahead_on_a_database_of_millions_of_rows(monkeypatch, db_path):
    monkeypatch.setattr(ahead, "MAX_TABLE_ROWS", 29)  # the 30 people of db_path: over the limit
    opened = lanes_opened(monkeypatch)
    at = page(monkeypatch, db_path).run()
    assert ahead.wait_idle(30)
    opened.clear()
    at.radio(key="f_urim").set_value("urim").run()
    assert not at.exception and opened  # nothing was computed ahead: the click computes its figures


# --- the thread itself: gives way to runs, newest offer first, a budget --------------------------------------


@pytest.fixture
def worker(db_path, monkeypatch):
    """A worker of its own (not the app's), on db_path, and a record of the steps it ran."""
    monkeypatch.setenv("MENTORDASH_DB", str(db_path))
    own = ahead._Worker()
    yield own
    assert own.wait_idle(30)


def offer(worker, *steps, version=None):
    db = context.get_db()
    worker.offer(
        ahead._Offer(steps=list(steps), audience="exact", version=db.data_version() if version is None else version)
    )


def test_no_work_while_a_run_is_going(worker):
    ran = []
    with context._RUNS.counted():
        offer(worker, lambda: ran.append("a"))
        time.sleep(0.3)
        assert ran == []  # waiting for the run to end
    assert worker.wait_idle(30) and ran == ["a"]


def test_a_run_that_starts_stops_the_work_at_its_next_cached_call(worker):
    ran, run_started, run_may_end = [], threading.Event(), threading.Event()

    def run_in_another_session():
        with context._RUNS.counted():
            run_started.set()
            run_may_end.wait(30)

    def first():
        ran.append("first")
        threading.Thread(target=run_in_another_session, daemon=True).start()
        run_started.wait(30)
        context.give_way()  # what ui.cache.cached does before every call
        ran.append("first, after a run started")

    offer(worker, first, lambda: ran.append("second"))
    assert worker.wait_idle(30)
    run_may_end.set()
    assert ran == ["first"]  # stopped where a cached call would have been, and the rest dropped


def test_give_way_is_nothing_outside_the_work_ahead():
    with context._RUNS.counted():
        context.give_way()  # a run's own calls never stop


def test_the_newest_offer_replaces_one_not_started(worker):
    ran = []
    with context._RUNS.counted():
        offer(worker, lambda: ran.append("older"))
        offer(worker, lambda: ran.append("newer"))
    assert worker.wait_idle(30) and ran == ["newer"]


def test_a_view_over_the_budget_drops_the_rest(worker, monkeypatch):
    monkeypatch.setattr(ahead, "BUDGET_S", 0.05)
    ran = []
    offer(worker, lambda: (ran.append("slow"), time.sleep(0.1)), lambda: ran.append("next"))
    assert worker.wait_idle(30) and ran == ["slow"]


def test_data_changed_since_the_offer_drops_it(worker):
    ran = []
    offer(worker, lambda: ran.append("stale"), version=context.get_db().data_version() - 1)
    assert worker.wait_idle(30) and ran == []


def test_a_failing_view_costs_nothing_but_its_own_figures(worker):
    ran = []
    offer(worker, lambda: 1 / 0, lambda: ran.append("after"))
    assert worker.wait_idle(30)
    offer(worker, lambda: ran.append("next offer"))
    assert worker.wait_idle(30) and ran == ["next offer"]  # the thread lives on; the failed offer ends


def test_the_neighbours_are_the_other_urim_choices():
    from mentordash.metrics.filters import Filters
    from mentordash.ui.frame import View

    view = View(as_of=date(2026, 6, 30), filters=Filters.of(career_stage=["resident"], urim=True))
    assert [v.filters.urim for v in ahead.neighbours(view)] == [None, False]
    assert {v.filters.career_stage for v in ahead.neighbours(view)} == {("resident",)}
    assert {v.as_of for v in ahead.neighbours(view)} == {view.as_of}


@pytest.mark.parametrize("value, on", [(None, True), ("1", True), ("0", False), (" 0 ", False)])
def test_mentordash_work_ahead_turns_it_on_and_off(value, on):
    """Read once, when the app's modules load (as $MENTORDASH_MEMORY_LIMIT)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if k != "MENTORDASH_WORK_AHEAD"}
    if value is not None:
        env["MENTORDASH_WORK_AHEAD"] = value
    shown = subprocess.run(
        [sys.executable, "-c", "from mentordash.ui import ahead; print(ahead.ENABLED)"],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[-1]
    assert shown == str(on)


def test_the_coverage_page_works_nothing_out_ahead(monkeypatch, db_path):
    """Its views are cheap to compute while the user waits, and work ahead after every run slowed the
    changes of the sidebar's lists (mentordash/ui/ahead.py): a click there computes its own view."""
    recorder = _Recorder()
    monkeypatch.setattr(ahead, "_WORKER", recorder)
    at = page(monkeypatch, db_path, "pages/coverage.py").run()
    assert not at.exception and at.metric  # the page drew its figures
    at.radio(key="cov_role").set_value("any").run()
    assert not at.exception and recorder.offered == []
    page(monkeypatch, db_path).run()  # the overview, on the same worker: it does offer its neighbours
    assert len(recorder.offered) == 1 and len(recorder.offered[0].steps) == 2


class _Recorder:
    """In place of the app's worker: keeps what is offered, runs nothing."""

    def __init__(self):
        self.offered = []

    def offer(self, offer):
        self.offered.append(offer)

    def wait_idle(self, timeout):
        return True


def test_streamlits_missing_context_warning_is_dropped_for_the_work_ahead_thread_only():
    """The thread serves no session by design: Streamlit's warning on each cache use there (14 lines for one
    coverage page in the server's log) says nothing to an operator. Another thread's warning still shows."""
    import logging
    import threading

    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    seen: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record.getMessage())

    logger = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    handler = Collect()
    logger.addHandler(handler)
    try:
        for name in (ahead.THREAD_NAME, "another-thread"):
            thread = threading.Thread(target=get_script_run_ctx, name=name)
            thread.start()
            thread.join()
    finally:
        logger.removeHandler(handler)
    assert [m for m in seen if "missing ScriptRunContext" in m] == [
        "Thread 'another-thread': missing ScriptRunContext! This warning can be ignored when running in bare mode."
    ]
