"""The views one click away, computed while nobody waits, so that the click is served from the cache.

A committee's loop is: read a page, click the sidebar's URiM choice, read again. A view the session has
not seen is a cache miss: the page's queries run while the user waits. Once a page run has offered them,
one background thread computes the page's data for the same view with each other URiM choice, as the
click would:

- the same calls and cache keys as the page's own prefetch, for the audience of the run that offered
  them (privacy.gate in ui.cache.cached decides what each call returns, as for the run itself), on one
  snapshot of the data version that run read, on one lane, the thread at the lowest CPU priority;
- only while no run is going on in the process (ui.context counts them): a run that starts stops the work
  at its next cached call. A call already being computed finishes and is cached; a run that needs the
  same key waits for it (Streamlit's cache computes a key once) instead of computing it again;
- the newest offer replaces one not yet started; a view that took longer than BUDGET_S stops the rest,
  and a database of more than MAX_TABLE_ROWS rows in a table gets none (a national database's page is
  seconds of work and hundreds of MB: not spent on a guess);
- nothing is shown or sent: the results wait in the cache like any other, under the same keys.

Where it pays (README, Performance; fresh servers alternated with and without it, consortium scale, nine
URiM clicks each): the wellbeing page's first two clicks took 0.29 and 0.28 s against 0.43 and 0.36 s,
the overview's 0.24 and 0.21 s against 0.34 and 0.29 s. The coverage page does not work ahead: its first
section is now about 20 ms of work, so its clicks were no faster with it (0.28 and 0.27 s against 0.28 and
0.26 s), and the work it started after every run (the other URiM choices and relationship roles, seven
views) made each change of the sidebar's lists, whose next view cannot be guessed, slower: medians of
0.33-0.35 s against 0.27-0.31 s, in three comparisons of 36 changes each.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from mentordash.config import WORK_AHEAD
from mentordash.ui.context import RunWaiting, audience, get_db, runs_going, working_ahead_for

ENABLED = WORK_AHEAD  # $MENTORDASH_WORK_AHEAD; tests/conftest.py turns it off for every test but this module's
BUDGET_S = 0.5  # seconds of work one view ahead may take before the rest of the offer is dropped
# No work ahead on a database whose largest table has more rows than this (a national one: 5 million survey
# answers). Each of its views is seconds of work and a few hundred MB of DuckDB's memory: measured working
# ahead there, the server's peak rose by 40-70 MB and first loads were 0.1-0.5 s slower, for a guess.
MAX_TABLE_ROWS = 1_000_000
_QUIET_POLL_S = 0.02
_LOGGER = logging.getLogger("mentordash")
THREAD_NAME = "mentordash-ahead"


class _NoContextWarning(logging.Filter):
    """Streamlit warns "missing ScriptRunContext" each time its cache is used from a thread of no session:
    true of this thread by design (it serves no session and draws nothing), so its warnings are dropped
    (one per figure worked out ahead: 14 lines in the server's log for one coverage page). Any other
    thread's still reach the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.args and record.args[0] == THREAD_NAME and "missing ScriptRunContext" in str(record.msg))


logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(_NoContextWarning())

PagePrefetch = Callable[..., None]  # a page's prefetch(view, *choices, state): fills the cache for one view


def neighbours(view) -> list:
    """The views one click of the sidebar's URiM choice away: the same date and filters, each other choice."""
    return [
        replace(view, filters=replace(view.filters, urim=urim))
        for urim in (None, True, False)
        if urim != view.filters.urim
    ]


def prefetch(page_prefetch: PagePrefetch, view, *choices: Any, state: Mapping) -> None:
    """page_prefetch(view, *choices, state) now; then, once the run is over, the same for the views one click
    away (anticipate)."""
    page_prefetch(view, *choices, state)
    anticipate(page_prefetch, view, *choices, state=state)


def anticipate(page_prefetch: PagePrefetch, view, *choices: Any, state: Mapping) -> None:
    """Offer the background thread page_prefetch for each neighbouring view, with the session's choices as
    they are now (a copy: the thread never reads the session) and this run's audience and data version."""
    db = get_db()
    if not ENABLED or db.largest_table_rows > MAX_TABLE_ROWS:
        return
    frozen = dict(state.to_dict() if hasattr(state, "to_dict") else state)
    steps = [lambda view=near: page_prefetch(view, *choices, frozen) for near in neighbours(view)]
    _WORKER.offer(_Offer(steps=steps, audience=audience(), version=db.data_version()))


@dataclass(frozen=True)
class _Offer:
    steps: list[Callable[[], None]]
    audience: str
    version: int


class _Worker:
    """One daemon thread that computes the newest offer's views, one after another, while no run is going."""

    def __init__(self):
        self._cond = threading.Condition()
        self._pending: _Offer | None = None
        self._thread: threading.Thread | None = None
        self._busy = False

    def offer(self, offer: _Offer) -> None:
        with self._cond:
            self._pending = offer
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._serve, name=THREAD_NAME, daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Whether every offer has been done (or dropped) within `timeout` seconds: for tests."""
        with self._cond:
            return self._cond.wait_for(lambda: self._pending is None and not self._busy, timeout)

    def _serve(self) -> None:
        _lowest_priority()
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._pending is not None)
                offer, self._pending, self._busy = self._pending, None, True
            try:
                self._work(offer)
            except RunWaiting:
                pass  # a run started: it has the cores; its own end offers what comes next
            except Exception:  # work ahead is a guess: a failure costs the user nothing but a cache miss
                _LOGGER.debug("work ahead of time failed", exc_info=True)
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()

    def _work(self, offer: _Offer) -> None:
        db = get_db()
        for step in offer.steps:
            if not self._quiet():
                return
            started = time.perf_counter()
            with working_ahead_for(offer.audience), db.snapshot(), db.one_lane():
                if db.data_version() != offer.version:  # the data changed: the views of the new data come next
                    return
                step()
            if time.perf_counter() - started > BUDGET_S:
                return

    def _quiet(self) -> bool:
        """Wait until no run is going; False when a newer offer has come meanwhile (it is done instead)."""
        while True:
            with self._cond:
                if self._pending is not None:
                    return False
            if not runs_going():
                return True
            time.sleep(_QUIET_POLL_S)


def _lowest_priority() -> None:
    """This thread only (Linux gives each thread its own nice value): the browser and the other sessions'
    runs come first on a busy machine."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
    except (AttributeError, OSError):
        pass


_WORKER = _Worker()


def wait_idle(timeout: float = 30.0) -> bool:
    return _WORKER.wait_idle(timeout)
