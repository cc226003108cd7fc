"""Data page (coordinators only): import exports, map them, see problems, commit, history and undo."""

import streamlit as st

from mentordash.ui import importer
from mentordash.ui.context import get_db, require_coordinator, require_frame

require_frame()
user = require_coordinator()
st.title("Data")
importer.render(get_db(), user)
