"""Outcomes: what being mentored goes with in this department (publications, promotion, departure,
satisfaction, and the mentors' own publications), mentored against not, as association, not cause."""

import streamlit as st

from mentordash.charts import outcomes as charts
from mentordash.metrics import outcomes
from mentordash.ui import ahead, context
from mentordash.ui import outcomes_view as data
from mentordash.ui.frame import current_view
from mentordash.ui.outcomes_view import (
    DEPARTURE_BY_KEY,
    DEPARTURE_SPLITS,
    SECTION_KEY,
    SECTIONS,
    departure_table,
    promotion_table,
    rates_table,
    satisfaction_table,
)
from mentordash.ui.report_button import plotly_chart
from mentordash.ui.sections import section_tabs
from mentordash.ui.views import stop_if_too_small

context.require_frame()
view = current_view()
min_cell = context.min_cell()
ahead.prefetch(data.prefetch, view, state=st.session_state)
head = data.window_data(view)
window = head["window"]

st.title("Outcomes: mentored and unmentored people compared")
st.caption(
    f"Window: {window['first_day']:%d %B %Y} to {window['last_day']:%d %B %Y} (the {window['years']} years "
    "ending at the as-of date; a setting). Each person counts for the days of the window they were in the "
    "department; **mentored** means mentee in an active mentor relationship on at least half of those days. "
    f"Groups of fewer than {min_cell} people are hidden."
)
st.info(f"**Association, not cause.** {outcomes.ASSOCIATION_NOTE}", icon=":material/info:")

stop_if_too_small(head["total"], min_cell)


# Each section is a tab, computed and drawn only while it is open (mentordash.ui.sections).


def publications() -> None:
    st.header("Publications per person-year")
    pubs = data.publications_data(view)["publications"]
    plotly_chart(st, charts.publication_rates(pubs, min_cell), key="outcomes_chart_1")
    st.dataframe(rates_table(pubs, min_cell), hide_index=True, width="stretch", key="table_publications")
    st.caption(
        "Publications dated on a person's window days, over their person-years (window days / 365.25). "
        "Interval: exact Poisson, which assumes papers arrive independently; a few prolific authors make "
        "the real uncertainty wider."
    )


def promotion() -> None:
    st.header("Time to first promotion (junior faculty)")
    found = data.promotion_data(view)["promotion"]
    plotly_chart(
        st,
        charts.promotion_curves(found["curves"], found["summary"], min_cell),
        key="outcomes_chart_2",
    )
    st.dataframe(promotion_table(found["summary"], min_cell), hide_index=True, width="stretch", key="table_promotion")
    st.caption(
        "People hired as junior faculty (including those since promoted), followed from their start date to "
        "their first promotion; anyone not yet promoted is counted until they left or the as-of date "
        "(censored), not dropped. Mentored here applies the half-of-days rule to each person's own "
        "follow-up time. Kaplan-Meier estimate; a median of '–' means fewer than half have been promoted "
        "(or the interval has no upper end yet)."
    )


def departure() -> None:
    st.header("Early departure")
    by = st.segmented_control(
        "Within each career stage, also split by",
        list(DEPARTURE_SPLITS),
        default=None,
        format_func=DEPARTURE_SPLITS.get,
        key=DEPARTURE_BY_KEY,
    )
    departures = data.departure_data(view, by)["departures"]
    plotly_chart(st, charts.early_departure(departures, min_cell, by=by), key="outcomes_chart_3")
    st.dataframe(departure_table(departures, min_cell, by), hide_index=True, width="stretch", key="table_departure")
    st.caption(
        "Among people with days in the window, those whose end date falls in the window with the reason "
        "'left early' or 'dismissed'. Interval: 95% Wilson."
    )


def satisfaction() -> None:
    st.header("Career satisfaction")
    satisfied = data.satisfaction_data(view)["satisfaction"]
    if satisfied.empty:
        st.info("No survey in the window asked about career satisfaction for this selection.")
        return
    plotly_chart(st, charts.satisfaction(satisfied, min_cell), key="outcomes_chart_4")
    st.dataframe(satisfaction_table(satisfied, min_cell), hide_index=True, width="stretch", key="table_satisfaction")
    st.caption(
        "Complete survey responses submitted in the window. Mentored: for a respondent on the roster, an "
        "active mentor relationship on the day they answered; otherwise what they reported. Interval: "
        "95% Wilson."
    )


def mentors_side() -> None:
    st.header("The mentors' side: faculty who mentor")
    mentors = data.mentors_data(view)["mentors"]
    plotly_chart(st, charts.publication_rates(mentors, min_cell, flag="mentors"), key="outcomes_chart_5")
    st.dataframe(rates_table(mentors, min_cell, flag="mentors"), hide_index=True, width="stretch", key="table_mentors")
    st.caption(
        "Faculty who were mentor in an active mentor relationship on at least half of their window days, "
        "against faculty who were not. Busy, senior, well-funded faculty are both more likely to mentor and "
        "to publish: association, not cause."
    )


section_tabs(dict(zip(SECTIONS, (publications, promotion, departure, satisfaction, mentors_side))), key=SECTION_KEY)
