"""Overview: the chair's headline numbers and coverage over the academic years."""

import streamlit as st

from mentordash.charts.overview import coverage_by_academic_year
from mentordash.ui import ahead, context
from mentordash.ui import overview_view as data
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

stop_if_too_small(data.view_total(view), min_cell)

# The chart sits below the tiles but is sent first: the browser then fetches and starts Plotly (about a
# second on a first visit) while the tiles are computed, instead of after them.
tiles_area, chart_area = st.container(), st.container()
by_year = data.by_year_data(view)["by_year"]
plotly_chart(chart_area, coverage_by_academic_year(by_year, min_cell), key="overview_chart_1")
with tiles_area:
    show_tiles(data.tiles_data(view)["tiles"], min_cell)

ahead.anticipate(data.prefetch, view, state=st.session_state)  # the views one URiM click away, after this run

# Computed only while open (on_change="rerun" makes the expander report whether it is).
with st.expander("Latest data in each dataset", key=data.FRESHNESS_KEY, on_change="rerun") as freshness:
    if freshness.open:
        st.dataframe(data.freshness_data()["freshness"], hide_index=True, width="stretch")
