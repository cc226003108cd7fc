"""Page-level guards shared by every page."""

from __future__ import annotations

import streamlit as st


def stop_if_too_small(total: dict, min_cell: int) -> None:
    """docs/privacy.md: when the filters narrow the whole view below min_cell, say so and show nothing else."""
    if total.get("suppressed"):
        st.warning(
            f"The filters leave fewer than {min_cell} people: nothing can be shown without "
            "identifying someone. Widen the filters."
        )
        st.stop()
    if not total.get("n"):
        st.info("No one matches these filters on this date.")
        st.stop()
