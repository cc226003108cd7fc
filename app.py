"""MentorDash: entry point and router. Page config, sign-in and role guard, sidebar filters, navigation."""

from pathlib import Path

import streamlit as st

from mentordash.ui import context
from mentordash.ui.frame import sidebar_filters
from mentordash.ui.report_button import report_button
from mentordash.ui.safe import plain

# A literal emoji: a shortcode (":bar_chart:") has every first visit fetch Streamlit's emoji table to look it up.
st.set_page_config(page_title="MentorDash", page_icon="📊", layout="wide")

PAGES_DIR = Path(__file__).parent / "pages"
# (file, title, icon, coordinators only): every page of pages/ (tests/test_app.py checks both ways).
PAGES = [
    ("overview.py", "Overview", ":material/dashboard:", False),
    ("coverage.py", "Coverage", ":material/diversity_3:", False),
    ("recruitment.py", "Recruitment", ":material/filter_alt:", False),
    ("wellbeing.py", "Wellbeing", ":material/favorite:", False),
    ("outcomes.py", "Outcomes", ":material/trending_up:", False),
    ("data.py", "Data", ":material/upload_file:", True),
    ("settings.py", "Settings", ":material/settings:", True),
    ("audit.py", "Audit", ":material/history:", True),
]


def _not_permitted() -> None:
    st.error("Not permitted: this page is for program coordinators.")


def _nothing() -> None:
    """Every page, before sign-in and for anyone refused: the message above it says why."""


def no_navigation() -> None:
    """No menu and no page: every page's address answers the same message. Without this, Streamlit's
    pages/ folder mode would list every page file in the sidebar of the sign-in page."""
    st.navigation(
        [
            st.Page(_nothing, title=title, url_path=Path(file).stem, default=(i == 0))
            for i, (file, title, _icon, _coordinators_only) in enumerate(PAGES)
        ],
        position="hidden",
    )


def navigation(user):
    """Pages the user may open, linked in the sidebar; the others answer "not permitted" by URL.

    The navigation itself is hidden so that a restricted page can keep its URL (and refuse it on the
    server) without appearing in the menu of a role that may not use it."""
    allowed, entries = [], []
    for file, title, icon, coordinators_only in PAGES:
        if coordinators_only and not user.is_coordinator:
            entries.append(st.Page(_not_permitted, title=title, url_path=Path(file).stem))
            continue
        page = st.Page(str(PAGES_DIR / file), title=title, icon=icon, default=(file == "overview.py"))
        allowed.append(page)
        entries.append(page)
    current = st.navigation(entries, position="hidden")
    with st.sidebar:
        st.title("MentorDash")
        for page in allowed:
            st.page_link(page)
    return current


def _refuse(message: str, sign_out: bool = False) -> None:
    no_navigation()
    st.title("MentorDash")
    st.error(message)
    if sign_out:
        st.button("Sign out", on_click=st.logout)
    st.stop()


def guard() -> None:
    """Everything that must hold before anyone sees anything: a usable sign-in configuration, and in
    local mode a request from this computer by its own name (not a rebound DNS name, not a proxy)."""
    problems = context.auth_problems()
    if problems:
        no_navigation()
        st.title("MentorDash")
        st.error(
            "Sign-in is configured in .streamlit/secrets.toml but cannot work until this is fixed:\n\n"
            + "\n".join(f"- {problem}" for problem in problems)
        )
        st.caption('Fix the file, then reload this page (no restart needed). README, "Deploying for a department".')
        st.stop()
    if context.is_local_mode():
        problem = context.local_request_problem()
        if problem:
            _refuse(problem)
        if not context.served_on_loopback():
            _refuse(
                "Local mode (no sign-in) serves this computer only. Start MentorDash with "
                "--server.address 127.0.0.1, or configure [auth] in .streamlit/secrets.toml (README)."
            )


def main() -> None:
    guard()
    user = context.current_user()
    if not context.is_local_mode() and not st.user.is_logged_in:
        no_navigation()
        st.title("MentorDash")
        st.write("Sign in with your institution's account to see the dashboard.")
        st.button("Sign in", on_click=st.login, type="primary")
        st.stop()
    if not user.verified:
        _refuse(
            f"Your sign-in provider has not verified that {plain(user.email) or 'this address'} is yours, so "
            "MentorDash cannot let you in with it. Ask your IT department to verify the address, then "
            "sign in again.",
            sign_out=True,
        )
    if not user.may_view:
        _refuse(
            f"{plain(user.email) or 'Your account'} is not on the list of people who may use MentorDash. "
            "Ask your department's program coordinator to add you.",
            sign_out=True,
        )
    if context.is_local_mode():
        st.info(
            "Local mode: no sign-in. Anyone who can reach this computer's port is a coordinator.",
            icon=":material/lock_open:",
        )
    page = navigation(user)
    with context.data_snapshot():  # every query of this run reads one snapshot of the data
        sidebar_filters()
        report_button()  # "Download report" for these filters, on every page
        with st.sidebar:
            if context.is_local_mode():
                st.caption("Local mode")
            else:
                st.caption(f"Signed in as {plain(user.email)} ({user.role})")
                st.button("Sign out", on_click=st.logout, key="sign_out")
        context.protection_note_once()  # viewers: figures are protected, once on every page
        with context.frame_run():
            page.run()


with context.one_identity_per_run():  # the secrets and the user, read once for the whole run
    main()
