"""Recruitment and diversity: where women and URiM applicants fall out of the funnel, against the nation."""

import streamlit as st

from mentordash.charts import recruitment as charts
from mentordash.metrics import recruitment
from mentordash.ui import context
from mentordash.ui.cache import cached
from mentordash.ui.frame import current_view

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

ignored = cached(recruitment.ignored_filters, filters)
if ignored:
    names = ", ".join(n.replace("_", " ") for n in ignored)
    st.info(f"The {names} filter does not describe applicants, so the funnel, conversion, trend and pipeline "
            "sections ignore it. It applies to the department section at the bottom.", icon=":material/info:")
applicant_filters = {k: v for k, v in filters.as_dict().items() if k not in ignored}

total = cached(recruitment.applicant_total, filters)
if total["suppressed"]:
    st.warning(f"The filters leave fewer than {min_cell} applicants: nothing can be shown without identifying "
               "someone. Widen the filters.")
    st.stop()
if not total["n"]:
    st.info("No applicants match these filters. Upload an applicants file on the Data page.")
    st.stop()

pairs = cached(recruitment.cycles, filters)
tracks = [t for t in recruitment.TRACK_LABELS if t in set(pairs["track"])]
left, middle, right = st.columns([1, 1, 2])
track = left.selectbox("Track", tracks, format_func=recruitment.TRACK_LABELS.get, key="rec_track")
track_cycles = [int(c) for c in pairs[pairs["track"] == track]["cycle"]]
if st.session_state.get("rec_cycle") not in track_cycles:
    st.session_state["rec_cycle"] = track_cycles[0]
cycle = middle.selectbox("Cycle (match year)", track_cycles, key="rec_cycle")
split_choices = {"urim": "URiM", "gender": "Gender", "race_ethnicity": "Race/ethnicity"}
if applicant_filters:
    split_choices["selection"] = "Filtered vs everyone else"
if st.session_state.get("rec_split") not in split_choices:
    st.session_state["rec_split"] = "selection" if applicant_filters else "urim"
split = right.radio("Split by", list(split_choices), format_func=split_choices.get, horizontal=True,
                    key="rec_split")
track_label = recruitment.TRACK_LABELS[track].lower()
context_note = f"{recruitment.TRACK_LABELS[track]}, {cycle} cycle"

groups = cached(recruitment.group_funnel, filters, track, cycle)
conversions = cached(recruitment.conversions, filters, track, cycle)
overall_applied = groups[(groups["dimension"] == "all") & (groups["stage"] == "applied")]
tiny_track = overall_applied.empty or bool(overall_applied["suppressed"].iloc[0])

# 1. The funnel ------------------------------------------------------------------------------------
st.header("The funnel")
if tiny_track:
    st.warning(f"Fewer than {min_cell} applicants in the {track_label} track in {cycle}: the funnel, its split "
               "and conversion are hidden for this cycle.")
else:
    st.plotly_chart(charts.funnel_figure(groups, "all", min_cell, context_note), width="stretch")
    st.plotly_chart(charts.funnel_figure(groups, split, min_cell, context_note), width="stretch")
    with st.expander("Counts by group"):
        st.dataframe(charts.funnel_table(groups, split, min_cell), hide_index=True, width="stretch")
        st.caption("Count reaching each stage, with the share of the group's applicants in brackets. "
                   "Race/ethnicity counts each applicant under every group they chose.")

    # 2. Conversion by group -------------------------------------------------------------------------
    st.header("Conversion by group")
    st.caption("The share of those at one stage who reach the next, with 95% Wilson intervals: overlapping "
               "intervals mean the difference may be chance.")
    st.plotly_chart(charts.conversion_figure(conversions, split, min_cell, context_note), width="stretch")
    with st.expander("Conversion table"):
        st.dataframe(charts.conversion_table(conversions, split, min_cell), hide_index=True, width="stretch")

# 3. Shares across cycles --------------------------------------------------------------------------
st.header("Women and URiM at each stage, cycle by cycle")
funnel = cached(recruitment.funnel, filters)
benchmarks = cached(recruitment.benchmarks)
# A share of women among women is 100% by construction: each chart sets its own attribute's filter aside.
women_filters = filters.narrowed(gender=()) if filters.gender else filters
urim_filters = filters.narrowed(urim=None) if filters.urim is not None else filters
set_aside = [name for name, on in (("gender", bool(filters.gender)), ("URiM", filters.urim is not None)) if on]
if set_aside:
    st.info(f"The {' and '.join(set_aside)} filter is set aside in the chart of its own share (a share of URiM "
            "among URiM applicants is 100% by construction): each chart shows where that group stands among "
            "all applicants, against the nation. The table below keeps every filter.")
st.plotly_chart(charts.share_trend_figure(cached(recruitment.funnel, women_filters), track, "women", benchmarks,
                                          min_cell), width="stretch")
st.plotly_chart(charts.share_trend_figure(cached(recruitment.funnel, urim_filters), track, "urim", benchmarks,
                                          min_cell), width="stretch")
with st.expander("Shares and unknowns, every cycle"):
    st.dataframe(charts.share_table(funnel, track, min_cell), hide_index=True, width="stretch")
    st.caption("National figures (settings, Benchmarks) describe orthopaedic residency; hover a dashed line for its "
               "source and year.")

# 4. Pipeline programs -----------------------------------------------------------------------------
st.header("Pipeline programs")
if tiny_track:
    st.caption(f"Hidden: fewer than {min_cell} applicants in this cycle and track.")
else:
    st.caption("Perry Initiative, Nth Dimensions, RJOS, JRGOS and others: the share of each stage's applicants "
               "who came through each, and how they convert against applicants who came through none.")
    st.plotly_chart(charts.pipeline_figure(cached(recruitment.pipeline_share, filters, track, cycle), min_cell,
                                           context_note), width="stretch")
    st.plotly_chart(charts.conversion_figure(conversions, "pipeline", min_cell, context_note), width="stretch")
    with st.expander("Pipeline conversion table"):
        st.dataframe(charts.conversion_table(conversions, "pipeline", min_cell), hide_index=True, width="stretch")

# 5. The department at as_of -----------------------------------------------------------------------
st.header(f"The department on {view.as_of:%d %B %Y}")
st.caption("Representation, not only recruitment: active students, residents, fellows and faculty (junior: "
           "instructors and assistant professors; senior: associate and full professors). The career stage, "
           "division and institution filters apply here; gender, race/ethnicity and URiM filters do not.")
people = cached(recruitment.representation, view.as_of, filters)
if people.empty:
    st.info("No active people in the roster on this date.")
else:
    st.plotly_chart(charts.representation_figure(people, benchmarks, min_cell), width="stretch")
    with st.expander("Representation table"):
        st.dataframe(charts.representation_table(people, benchmarks, min_cell), hide_index=True, width="stretch")
