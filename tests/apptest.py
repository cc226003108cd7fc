"""Helpers for AppTest: run the real app.py against a database built in the test."""

from __future__ import annotations

from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")

AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-secret-" + "0" * 32,
    "client_id": "id",
    "client_secret": "secret",
    "server_metadata_url": "https://login.example.org/.well-known/openid-configuration",
}
ROLES = {"coordinators": ["pat.lee@hospital.example.org"], "viewers": ["hospital.example.org"]}


class _AfterFirstRun(PagesManager):
    """A server that has run once: st.navigation has switched off the legacy pages/ folder mode.

    AppTest starts every run as a fresh server would (legacy mode on, since pages/ exists), so each
    run would first execute the requested page alone and restart through app.py (see
    ui.context.require_frame), losing the widget events of that run. Tests of the legacy first run
    itself pass legacy_first_run=True."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


def app_test(
    monkeypatch, db_path: Path, user: dict | None = None, secrets: dict | None = None, legacy_first_run: bool = False
) -> AppTest:
    """An AppTest of app.py on db_path; local mode unless `secrets` configures [auth]."""
    monkeypatch.setenv("MENTORDASH_DB", str(db_path))
    if not legacy_first_run:
        import streamlit.testing.v1.app_test as app_test_module

        monkeypatch.setattr(app_test_module, "PagesManager", _AfterFirstRun)
    at = AppTest.from_file(APP, default_timeout=60)
    if secrets is not None:
        at.secrets = secrets
    if user is not None:
        at.user = user
    return at


def signed_in(monkeypatch, db_path: Path, email: str) -> AppTest:
    return app_test(
        monkeypatch, db_path, user={"is_logged_in": True, "email": email}, secrets={"auth": AUTH, "roles": ROLES}
    )


def texts(at: AppTest) -> str:
    """Every piece of text the run showed, joined, for assertions about wording."""
    parts = [
        e.value
        for kind in ("title", "header", "subheader", "markdown", "caption", "error", "warning", "info", "success")
        for e in getattr(at, kind)
    ]
    return "\n".join(str(p) for p in parts)


def open_url_path(at: AppTest, url_path: str) -> AppTest:
    """Request a page by its URL path, as a browser does when someone types or pastes the address.

    AppTest's switch_page only reaches pages backed by a file the user's navigation holds; a page
    refused to a role is not, so this sets the requested page the way Streamlit names it (the hash
    of its url_path)."""
    from streamlit.util import calc_hash

    at._page_hash = calc_hash(url_path)
    return at


def every_section(at: AppTest, key: str, labels) -> dict:
    """Open each section tab of a page in turn (a section is computed and drawn only while its tab is
    open: mentordash.ui.sections) and gather what the sections showed, in tab order: charts (Plotly
    specs), frames (dataframe values), headers, download button labels and texts. What the page shows
    above the tabs is not gathered (it is the same on every tab). Leaves the last tab open."""
    import json

    shown: dict = {"charts": [], "frames": [], "headers": [], "downloads": [], "texts": []}
    for label in labels:
        at.session_state[key] = label
        at.run()
        assert not at.exception, (label, [e.value for e in at.exception])
        (tab,) = [t for t in at.tabs if t.label == label]
        shown["charts"] += [json.loads(chart.proto.spec) for chart in tab.get("plotly_chart")]
        shown["frames"] += [frame.value for frame in tab.dataframe]
        shown["headers"] += [header.value for header in tab.header]
        shown["downloads"] += [button.proto.label for button in tab.get("download_button")]
        shown["texts"] += [
            str(e.value)
            for kind in ("header", "subheader", "markdown", "caption", "error", "warning", "info", "success")
            for e in getattr(tab, kind)
        ]
    shown["texts"] = "\n".join(shown["texts"])
    return shown
