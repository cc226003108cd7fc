"""The shared database connection and the signed-in user, as the pages see them."""

from __future__ import annotations

import gc
import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import streamlit as st
from streamlit import config as st_config
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import get_script_run_ctx

from mentordash import access, backup, privacy
from mentordash.config import APP_MEMORY_LIMIT, database_path
from mentordash.db import Database, DatabaseUnavailable, DatabaseWriteError, connect


@st.cache_resource(show_spinner=False)
def _database(path: str) -> Database:
    db = connect(path)
    db.limit_memory(APP_MEMORY_LIMIT)
    if not db.read_only:
        backup.serve_requests(db)  # `python -m mentordash backup` asks this process for the copy
    # Everything loaded so far (Streamlit, Plotly, pandas, DuckDB: a few hundred thousand objects) lives as
    # long as the server: out of the collector's sight, a page run's garbage collections stop walking it
    # again and again (measured: chart building about a quarter faster).
    gc.collect()
    gc.freeze()
    return db


def get_db() -> Database:
    """One connection per process, shared by every session (each query takes its own cursor)."""
    path = str(database_path())
    try:
        return _database(path)
    except DatabaseUnavailable as problem:  # in use, damaged, or from a newer MentorDash: say what to do
        st.error(f"The database cannot be opened. {problem} Then reload this page.")
        st.stop()


def _read_secrets() -> tuple[dict, str | None]:
    """The secrets and why they cannot be read, as this run read them first (one_identity_per_run)."""
    return _once_per_run("secrets", _read_secrets_now)


def _read_secrets_now() -> tuple[dict, str | None]:
    """The secrets (re-read by Streamlit whenever a secrets file changes) and why they cannot be read.

    Only the absence of every secrets file means local mode: a secrets.toml that exists but does not
    parse must never turn a signed-in deployment into local mode, where everyone is a coordinator."""
    try:
        return st.secrets.to_dict(), None
    except Exception as error:
        present = [path for path in st_config.get_option("secrets.files") or () if os.path.exists(path)]
        if not present:
            return {}, None  # no secrets.toml at all: local mode
        return {"auth": {}}, f"{present[-1]} cannot be read: {error}"


# The attribute of Streamlit's script run context that holds what one run has read of the secrets and the
# user (one_identity_per_run); the helper threads of ui.cache.together carry the same context.
_RUN_MEMO = "_mentordash_identity"
T = TypeVar("T")


def _once_per_run(name: str, read: Callable[[], T]) -> T:
    """read(), or inside one_identity_per_run what the run's first read() of `name` gave."""
    ctx = get_script_run_ctx(suppress_warning=True)
    memo = getattr(ctx, _RUN_MEMO, None) if ctx is not None else None
    if memo is None:
        return read()
    if name not in memo:
        memo[name] = read()
    return memo[name]


@contextmanager
def one_identity_per_run() -> Iterator[None]:
    """Inside this, the secrets and the user are read once and every later question of the run (each
    figure asks the user's audience) gets the same answer, as the run's data is one snapshot.

    Without it every figure read the secrets again: in local mode there is no file to keep, so Streamlit
    looked for one on every call (about 7 ms of a warm coverage run, measured with py-spy). The next run
    reads them afresh, so a secrets file written meanwhile, a sign-in or a sign-out counts from the next
    run on, as before. app.py's whole run and a fragment's own rerun go inside; nested, it changes nothing."""
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None or getattr(ctx, _RUN_MEMO, None) is not None:
        yield
        return
    setattr(ctx, _RUN_MEMO, {})
    try:
        with _RUNS.counted():
            yield
    finally:
        setattr(ctx, _RUN_MEMO, None)


class _RunCount:
    """How many runs (app.py's, a fragment's own) are going on in this process: someone waits for each.
    Work done ahead of time (ui.ahead) goes on only while there are none."""

    def __init__(self):
        self._going, self._lock = 0, threading.Lock()

    @contextmanager
    def counted(self) -> Iterator[None]:
        with self._lock:
            self._going += 1
        try:
            yield
        finally:
            with self._lock:
                self._going -= 1

    def any(self) -> bool:
        return self._going > 0


_RUNS = _RunCount()


def runs_going() -> bool:
    return _RUNS.any()


_ahead = threading.local()  # on ui.ahead's thread: the audience of the run whose next views it computes


class RunWaiting(BaseException):
    """Raised on ui.ahead's thread when a run has started: it stops there and leaves the cores to the run.
    Not an Exception, so that no part's own error handling can swallow it."""


@contextmanager
def working_ahead_for(audience: str) -> Iterator[None]:
    """This thread computes figures ahead of time for a user of this audience (read by the run that asked)."""
    _ahead.audience = audience
    try:
        yield
    finally:
        _ahead.audience = None


def working_ahead() -> bool:
    return getattr(_ahead, "audience", None) is not None


def give_way() -> None:
    """On ui.ahead's thread, stop (RunWaiting) as soon as a run is going; elsewhere nothing."""
    if working_ahead() and _RUNS.any():
        raise RunWaiting


def _secrets() -> dict:
    return _read_secrets()[0]


_LOGGER = logging.getLogger("mentordash")
_logged_problems: set[str] = set()


def auth_problems() -> list[str]:
    """What stops signed-in mode from working, one sentence each; [] in local mode or when all is set."""
    secrets, error = _read_secrets()
    if error:
        return [error]
    if not access.auth_configured(secrets):
        return []
    problems = access.auth_problems(secrets.get("auth"), secrets.get("roles"), access.missing_auth_packages())
    for problem in problems:
        if problem not in _logged_problems:  # the server log says it too, once per process
            _logged_problems.add(problem)
            _LOGGER.error("Signed-in mode cannot work: %s", problem)
    return problems


def current_user() -> access.User:
    """The signed-in user (a coordinator in local mode), once per run inside one_identity_per_run."""
    return _once_per_run("user", _current_user_now)


def _current_user_now() -> access.User:
    secrets = _secrets()
    if not access.auth_configured(secrets):
        return access.local_user()
    if not st.user.is_logged_in:
        return access.User(email="", role=None)
    return access.user_from_claims(st.user.to_dict(), secrets.get("roles", {}))


def is_local_mode() -> bool:
    return not access.auth_configured(_secrets())


def require_coordinator() -> access.User:
    """Checked on the server by every coordinator-only page and action, not by hiding a link."""
    user = current_user()
    if not user.is_coordinator:
        st.error("Not permitted: this page is for program coordinators.")
        st.stop()
    return user


def audience() -> str:
    """Which figures the current user may see (docs/privacy.md): exact for coordinators and local mode,
    protected for viewers unless a coordinator turned protection off. On ui.ahead's thread, the audience
    of the run that asked for the work (read there by this same function)."""
    pinned = getattr(_ahead, "audience", None)
    if pinned is not None:
        return pinned
    return privacy.audience_for(current_user().role, get_db().settings())


def protection_note_once() -> None:
    """Tell a viewer, once on every page, that the figures are protected and by how much they may differ."""
    if audience() == privacy.PROTECTED:
        st.caption(
            privacy.protection_note(),
            help="docs/privacy.md in the MentorDash repository: the cell key "
            "method of official statistics (ABS TableBuilder).",
        )


def min_cell() -> int:
    """The suppression threshold as applied (never below the floor), for the pages' wording."""
    return privacy.effective_min_cell(get_db().settings()["min_cell"])


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def served_on_loopback() -> bool:
    """Whether the server listens on this computer only; an empty address means every interface."""
    return str(st.get_option("server.address") or "") in LOOPBACK


def local_request_problem() -> str | None:
    """Why this browser's request may not use local mode (another host name, a proxy), or None.

    Streamlit keeps the headers of the WebSocket handshake that opened the session: every run of the
    session, and so every action, is checked against them."""
    headers = {name.lower(): value for name, value in st.context.headers.items()}
    hosts = st.context.headers.get_all("host")
    if len(hosts) > 1:
        headers["host"] = ",".join(hosts)  # two Host headers name no single computer
    return access.local_request_problem(headers, int(st.get_option("server.port")))


_frame = threading.local()  # per script-run thread: is app.py's frame around this page?


@contextmanager
def data_snapshot() -> Iterator[None]:
    """app.py runs the whole script run (sidebar filters and page) inside this: every query of the run
    reads one snapshot of the data (Database.snapshot), so an import committed meanwhile by another
    session never mixes old and new figures on one page. A write the disk refuses, or a file found
    damaged while reading, ends the run with its message instead of a stack trace."""
    db = get_db()
    try:
        with db.snapshot():
            if db.read_only_reason:
                st.warning(
                    f"The database file cannot be written ({db.read_only_reason}): every page shows "
                    "the data as it is, but imports and settings changes are refused until it is "
                    "writable for the account that runs MentorDash (then restart it).",
                    icon=":material/lock:",
                )
            yield
    except (DatabaseUnavailable, DatabaseWriteError) as problem:
        st.error(str(problem))


@contextmanager
def frame_run() -> Iterator[None]:
    """app.py runs the chosen page inside this, after its sign-in, role and filter checks."""
    _frame.active = True
    try:
        yield
    finally:
        _frame.active = False


def require_frame() -> None:
    """First line of every page: refuse to render outside app.py.

    A folder named pages/ beside the entry point makes Streamlit run the first request of a fresh
    server in its legacy multipage mode, which executes the requested page file alone, without
    app.py's sign-in and role checks. Such a run shows nothing: it switches Streamlit to the
    st.navigation mode (as st.navigation itself does) and starts again through app.py."""
    if getattr(_frame, "active", False):
        return
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
    st.stop()  # never render a page outside the frame, whatever mode Streamlit is in
