"""A page's sections as tabs that are computed and drawn only while they are open.

Streamlit's stateful tabs (`on_change="rerun"`) tell which tab is open; only that section runs, so a
filter change redraws the charts the user is looking at, not the dozen further down. The tabs run in a
fragment: opening another tab, or changing a choice inside one (a selectbox of the section), reruns only
the tabs, not the page around them (title, tiles, sidebar). A fragment's own rerun happens outside
app.py's page run, so it opens its own snapshot of the data and reads the user once, as the page run does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import streamlit as st

from mentordash.ui.context import get_db, one_identity_per_run


@st.fragment
def section_tabs(sections: dict[str, Callable[[], None]], key: str) -> None:
    """One tab per section (label -> function drawing it); only the open tab's function runs."""
    with get_db().snapshot(), one_identity_per_run():
        tabs = st.tabs(list(sections), key=key, on_change="rerun")
        for tab, draw in zip(tabs, sections.values()):
            if tab.open:
                with tab:
                    draw()


def open_section(state: Mapping, key: str, labels: Sequence[str]) -> tuple[str, ...]:
    """The tab of section_tabs(key=key) that this run draws, by the session's `state` (the first before
    any choice), as a tuple of one label (none for a label the page no longer has): what a page's
    prefetch computes besides its header."""
    label = state.get(key) or labels[0]
    return (label,) if label in labels else ()
