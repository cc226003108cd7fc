"""The shared database connection and the signed-in user, as the pages see them."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from mentordash import access, privacy
from mentordash.config import APP_MEMORY_LIMIT, database_path
from mentordash.db import Database, DatabaseBusy, connect


@st.cache_resource(show_spinner=False)
def _database(path: str) -> Database:
    db = connect(path)
    db.limit_memory(APP_MEMORY_LIMIT)
    return db


def get_db() -> Database:
    """One connection per process, shared by every session (each query takes its own cursor)."""
    path = str(database_path())
    try:
        return _database(path)
    except DatabaseBusy as busy:
        st.error(f"The database cannot be opened. {busy} Then reload this page.")
        st.stop()


def _secrets() -> dict:
    try:
        return st.secrets.to_dict()
    except Exception:  # no secrets.toml at all: local mode
        return {}


def current_user() -> access.User:
    secrets = _secrets()
    if not access.auth_configured(secrets):
        return access.local_user()
    if not st.user.is_logged_in:
        return access.User(email="", role=None)
    email = str(st.user.get("email", ""))
    return access.User(email=email, role=access.role_for(email, secrets.get("roles", {})))


def is_local_mode() -> bool:
    return not access.auth_configured(_secrets())


def require_coordinator() -> access.User:
    """Checked on the server by every coordinator-only page and action, not by hiding a link."""
    user = current_user()
    if not user.is_coordinator:
        st.error("Not permitted: this page is for program coordinators.")
        st.stop()
    return user


def min_cell() -> int:
    """The suppression threshold as applied (never below the floor), for the pages' wording."""
    return privacy.effective_min_cell(get_db().settings()["min_cell"])


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def served_on_loopback() -> bool:
    """Whether the server listens on this computer only; an empty address means every interface."""
    return str(st.get_option("server.address") or "") in LOOPBACK


_frame = threading.local()  # per script-run thread: is app.py's frame around this page?


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
