"""Recruitment and diversity: where women and URiM applicants fall out of the funnel, against the nation."""

import streamlit as st

from mentordash.charts import recruitment as charts
from mentordash.ui import ahead, context
from mentordash.ui import recruitment_view as data
from mentordash.ui.frame import current_view
from mentordash.ui.recruitment_view import (
    SECTION_KEY,
    SECTIONS,
    applicant_filters,
    context_note,
    conversion_table,
    default_split,
    funnel_table,
    ignored_note,
    representation_table,
    share_table,
    split_choices,
    track_choices,
    track_cycles,
)
from mentordash.ui.report_button import plotly_chart
from mentordash.ui.sections import section_tabs
from mentordash.vocabulary import TRACK_LABELS

context.require_frame()
view = current_view()
min_cell = context.min_cell()
filters = view.filters

st.title("Recruitment and diversity")
st.caption(
    "Each applicant counts at every stage they reached (applied, interviewed, ranked, matched). Shares of "
    "women and URiM are of those whose gender or URiM status is known; how many are unknown is shown beside "
    f"them. Every group of fewer than {min_cell} is hidden, and so is any figure that would give one back."
)

head = data.header_data(view)
ignored, total = head["ignored"], head["total"]
if ignored:
    st.info(ignored_note(ignored), icon=":material/info:")
has_applicant_filters = bool(applicant_filters(filters, ignored))

if total["suppressed"]:
    st.warning(
        f"The filters leave fewer than {min_cell} applicants: nothing can be shown without identifying "
        "someone. Widen the filters."
    )
    st.stop()
if not total["n"]:
    st.info("No applicants match these filters. Upload an applicants file on the Data page.")
    st.stop()

pairs = head["pairs"]
tracks = track_choices(pairs)
left, middle, right = st.columns([1, 1, 2])
track = left.selectbox("Track", tracks, format_func=TRACK_LABELS.get, key="rec_track")
cycles = track_cycles(pairs, track)
if st.session_state.get("rec_cycle") not in cycles:
    st.session_state["rec_cycle"] = cycles[0]
cycle = middle.selectbox("Cycle (match year)", cycles, key="rec_cycle")
splits = split_choices(has_applicant_filters)
if st.session_state.get("rec_split") not in splits:
    st.session_state["rec_split"] = default_split(has_applicant_filters)
split = right.radio("Split by", list(splits), format_func=splits.get, horizontal=True, key="rec_split")
note = context_note(track, cycle)
ahead.prefetch(data.prefetch, view, track, cycle, state=st.session_state)


def too_few_warning() -> None:
    st.warning(
        f"Fewer than {min_cell} applicants in the {TRACK_LABELS[track].lower()} track in "
        f"{cycle}: the funnel, its split and conversion are hidden for this cycle."
    )


# Each section is a tab, computed and drawn only while it is open (mentordash.ui.sections).


def funnel() -> None:
    st.header("The funnel")
    found = data.cycle_data(view, track, cycle)
    if found["too_few"]:
        too_few_warning()
        return
    groups = found["groups"]
    plotly_chart(st, charts.funnel_figure(groups, "all", min_cell, note), key="recruitment_chart_1")
    plotly_chart(st, charts.funnel_figure(groups, split, min_cell, note), key="recruitment_chart_2")
    with st.expander("Counts by group"):
        st.dataframe(funnel_table(groups, split, min_cell), hide_index=True, width="stretch")
        st.caption(
            "Count reaching each stage, with the share of the group's applicants in brackets. "
            "Race/ethnicity counts each applicant under every group they chose."
        )


def conversion() -> None:
    st.header("Conversion by group")
    found = data.cycle_data(view, track, cycle)
    if found["too_few"]:
        too_few_warning()
        return
    st.caption(
        "The share of those at one stage who reach the next, with 95% Wilson intervals: overlapping "
        "intervals mean the difference may be chance."
    )
    conversions = found["conversions"]
    plotly_chart(st, charts.conversion_figure(conversions, split, min_cell, note), key="recruitment_chart_3")
    with st.expander("Conversion table"):
        st.dataframe(conversion_table(conversions, split, min_cell), hide_index=True, width="stretch")


def shares() -> None:
    st.header("Women and URiM at each stage, cycle by cycle")
    found = data.shares_data(view)
    # A share of women among women is 100% by construction: each chart sets its own attribute's filter aside.
    if found["set_aside_note"]:
        st.info(found["set_aside_note"])
    benchmarks = found["benchmarks"]
    plotly_chart(
        st,
        charts.share_trend_figure(found["women"], track, "women", benchmarks, min_cell),
        key="recruitment_chart_4",
    )
    plotly_chart(
        st,
        charts.share_trend_figure(found["urim"], track, "urim", benchmarks, min_cell),
        key="recruitment_chart_5",
    )
    with st.expander("Shares and unknowns, every cycle"):
        st.dataframe(share_table(found["funnel"], track, min_cell), hide_index=True, width="stretch")
        st.caption(
            "National figures (settings, Benchmarks) describe orthopaedic residency; hover a dashed line for its "
            "source and year."
        )


def pipeline() -> None:
    st.header("Pipeline programs")
    found = data.cycle_data(view, track, cycle)
    if found["too_few"]:
        st.caption(f"Hidden: fewer than {min_cell} applicants in this cycle and track.")
        return
    st.caption(
        "Perry Initiative, Nth Dimensions, RJOS, JRGOS and others: the share of each stage's applicants "
        "who came through each, and how they convert against applicants who came through none."
    )
    plotly_chart(
        st,
        charts.pipeline_figure(data.pipeline_data(view, track, cycle)["pipeline"], min_cell, note),
        key="recruitment_chart_6",
    )
    plotly_chart(
        st,
        charts.conversion_figure(found["conversions"], "pipeline", min_cell, note),
        key="recruitment_chart_7",
    )
    with st.expander("Pipeline conversion table"):
        st.dataframe(conversion_table(found["conversions"], "pipeline", min_cell), hide_index=True, width="stretch")


def department() -> None:
    st.header(f"The department on {view.as_of:%d %B %Y}")
    st.caption(
        "Representation, not only recruitment: active students, residents, fellows and faculty (junior: "
        "instructors and assistant professors; senior: associate and full professors). The career stage, "
        "division and institution filters apply here; gender, race/ethnicity and URiM filters do not."
    )
    found = data.department_data(view)
    people = found["representation"]
    if people.empty:
        st.info("No active people in the roster on this date.")
        return
    plotly_chart(
        st,
        charts.representation_figure(people, found["benchmarks"], min_cell),
        key="recruitment_chart_8",
    )
    with st.expander("Representation table"):
        st.dataframe(representation_table(people, found["benchmarks"], min_cell), hide_index=True, width="stretch")


section_tabs(dict(zip(SECTIONS, (funnel, conversion, shares, pipeline, department))), key=SECTION_KEY)
