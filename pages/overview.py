"""Overview: the chair's headline numbers and coverage over the academic years."""

import streamlit as st

from mentordash.charts.overview import coverage_by_academic_year
from mentordash.metrics import overview
from mentordash.metrics.coverage import coverage_total
from mentordash.ui import context
from mentordash.ui.cache import cached
from mentordash.ui.frame import current_view
from mentordash.ui.report_button import plotly_chart
from mentordash.ui.tiles import show_tiles
from mentordash.ui.views import stop_if_too_small

context.require_frame()
view = current_view()
min_cell = context.min_cell()

st.title("Mentorship at a glance")
st.caption(
    f"As of {view.as_of:%d %B %Y}. Coverage counts active people who are mentee in an active "
    "mentor relationship; every group smaller than the privacy threshold is hidden."
)

stop_if_too_small(cached(coverage_total, view.as_of, view.filters), min_cell)

show_tiles(cached(overview.all_tiles, view.as_of, view.filters), min_cell)

by_year = cached(overview.coverage_by_year, view.as_of, view.filters)
plotly_chart(st, coverage_by_academic_year(by_year, min_cell), width="stretch", key="overview_chart_1")

with st.expander("Latest data in each dataset"):
    st.dataframe(cached(overview.data_freshness), hide_index=True, width="stretch")
