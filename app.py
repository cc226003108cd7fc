"""MentorDash: entry point and router. Page config, sign-in and role guard, sidebar filters, navigation."""

from pathlib import Path

import streamlit as st

from mentordash.ui import context
from mentordash.ui.frame import sidebar_filters

st.set_page_config(page_title="MentorDash", page_icon=":bar_chart:", layout="wide")

PAGES_DIR = Path(__file__).parent / "pages"
# (file, title, icon, coordinators only). Only pages that work are listed.
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


def navigation(user):
    """Pages the user may open, linked in the sidebar; the others answer "not permitted" by URL.

    The navigation itself is hidden so that a restricted page can keep its URL (and refuse it on the
    server) without appearing in the menu of a role that may not use it."""
    allowed, entries = [], []
    for file, title, icon, coordinators_only in PAGES:
        if not (PAGES_DIR / file).exists():
            continue
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


def main() -> None:
    user = context.current_user()
    if not context.is_local_mode() and not st.user.is_logged_in:
        st.title("MentorDash")
        st.write("Sign in with your institution's account to see the dashboard.")
        st.button("Sign in", on_click=st.login, type="primary")
        st.stop()
    if not user.may_view:
        st.title("MentorDash")
        st.error(f"{user.email} is not on the list of people who may use MentorDash. "
                 "Ask your department's program coordinator to add you.")
        st.button("Sign out", on_click=st.logout)
        st.stop()
    if context.is_local_mode() and not context.served_on_loopback():
        st.error("Local mode (no sign-in) serves this computer only. Start MentorDash with "
                 "--server.address 127.0.0.1, or configure [auth] in .streamlit/secrets.toml (README).")
        st.stop()
    if context.is_local_mode():
        st.info("Local mode: no sign-in. Anyone who can reach this computer's port is a coordinator.", icon=":material/lock_open:")
    page = navigation(user)
    sidebar_filters()
    with st.sidebar:
        st.caption(f"Signed in as {user.email} ({user.role})" if not context.is_local_mode() else "Local mode")
    with context.frame_run():
        page.run()


main()
