"""Audit (coordinators only): every import, undo and settings change."""

import streamlit as st

from mentordash.audit import history
from mentordash.ui.cache import cached
from mentordash.ui.context import require_coordinator, require_frame

require_frame()
require_coordinator()
st.title("Audit trail")
st.caption("Imports, undos and settings changes, newest first: who, when and what.")
log = cached(history)
if log.empty:
    st.info("Nothing has been imported or changed yet.")
else:
    st.dataframe(
        log,
        hide_index=True,
        width="stretch",
        column_config={"when": st.column_config.DatetimeColumn("When", format="YYYY-MM-DD HH:mm")},
    )
