"""Settings (coordinators only): privacy threshold, capacity, windows, cut-offs, URiM list, benchmarks."""

import streamlit as st

from mentordash.ui import settings_form
from mentordash.ui.context import get_db, require_coordinator, require_frame

require_frame()
user = require_coordinator()
st.title("Settings")
st.caption("Each change is recorded with who made it and when (see Audit), and applies to every page at once.")
settings_form.render(get_db(), user)
