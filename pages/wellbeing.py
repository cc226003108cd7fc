"""Burnout and wellbeing: prevalence by wave and instrument, who is most affected, mentored against not.

Survey data is only ever shown aggregated, and every number comes from mentordash.metrics.wellbeing
(already suppressed there); this page lays the cells out and formats them, nothing else."""

import streamlit as st

from mentordash.charts import wellbeing as charts
from mentordash.instruments import BURNOUT_MEASURES, MEASURE_ORDER, MEASURES, WELLBEING_MEASURES
from mentordash.metrics import wellbeing
from mentordash.ui import ahead, context
from mentordash.ui import wellbeing_view as data
from mentordash.ui.frame import current_view
from mentordash.ui.report_button import plotly_chart
from mentordash.ui.safe import plain
from mentordash.ui.sections import section_tabs
from mentordash.ui.views import stop_if_too_small
from mentordash.ui.wellbeing_view import (
    BURNOUT_TABS_KEY,
    GROUP_TABS_KEY,
    MEASURE_TABS_KEY,
    SECTION_KEY,
    SECTIONS,
    benchmark_note,
    default_measure,
    group_dimensions,
    group_rows,
    instrument_name,
    measure_name,
    mentored_table,
    present,
    prevalence_table,
    rate_table,
    trend,
)
from mentordash.vocabulary import DIMENSION_LABELS

context.require_frame()
view = current_view()
min_cell = context.min_cell()

st.title("Burnout and wellbeing")
st.caption(
    "From the department's wellbeing surveys. Only complete responses are counted, and a response counts "
    "for an instrument only when it answers all of that instrument's items in range. Survey answers are "
    f"shown only as aggregates; any group of fewer than {min_cell} responses is hidden. "
    "The survey waves are not affected by the 'As of' date."
)

ahead.prefetch(data.prefetch, view, state=st.session_state)
total = data.view_total(view)
if total.get("n") == 0:
    st.info("No complete survey responses match these filters.")
    st.stop()
stop_if_too_small(total, min_cell)


# Each section is a tab, computed and drawn only while it is open (mentordash.ui.sections).


def trend_tabs(waves: dict, keys: list[str], labels: list[str], tabs_key: str) -> None:
    """One tab per measure, its trend over the waves drawn only while the tab is open."""
    tabs = st.tabs(labels, key=tabs_key, on_change="rerun")
    for tab, key in zip(tabs, keys):
        if tab.open:  # drawn when opened
            plotly_chart(
                tab,
                trend(waves["by_wave"], key, waves["waves"], waves["benchmarks"], min_cell),
                key=f"wb_trend_{key}",
            )


def burnout() -> None:
    st.header("Burnout by survey wave")
    waves = data.waves_data(view)
    by_wave = waves["by_wave"]
    prevalence = wellbeing.burnout_rows(by_wave)  # the same cells, without a second query
    burnout_keys = present(BURNOUT_MEASURES, prevalence["instrument"])
    st.caption(
        "Each instrument defines burnout its own way, so each has its own figure: instruments are never "
        "mixed, and a wave that used two instruments appears in both. Error bars are 95% Wilson intervals."
    )
    trend_tabs(waves, burnout_keys, [instrument_name(k) for k in burnout_keys], BURNOUT_TABS_KEY)
    st.caption(benchmark_note(burnout_keys, waves["benchmarks"]))
    st.dataframe(prevalence_table(prevalence, min_cell), hide_index=True, width="stretch", key="wb_prevalence_table")

    st.subheader("Response rate")
    st.caption(
        "Distinct respondents linked to the roster, among the people active on the survey's last submission "
        "date in the career stages it surveyed. Anonymous responses cannot be counted, so where some are "
        "anonymous the true rate is higher; a wholly anonymous survey has no rate."
    )
    st.dataframe(rate_table(waves["rates"], min_cell), hide_index=True, width="stretch", key="wb_rate_table")


def most_affected() -> None:
    st.header("Who is most affected")
    waves = data.waves_data(view)
    by_group = data.groups_data(view)["by_group"]
    left, right = st.columns(2)
    wave = left.selectbox("Survey wave", list(reversed(waves["waves"])), key="wb_wave")
    in_wave = by_group[by_group["survey"] == wave]
    wave_measures = present(MEASURE_ORDER, in_wave["measure"])
    if not wave_measures:
        st.info(f"No response in {plain(wave)} can be scored for this selection.")
        return
    measure = right.selectbox("Measure", wave_measures, format_func=measure_name, key="wb_group_measure")
    m = MEASURES[measure]
    st.caption(
        "Groups use the roster where a response is linked to it, otherwise what the respondent reported; "
        "division is known only for linked responses. Groups too small to show are left out, with one more "
        "where needed so that a hidden group cannot be worked out from the total."
    )
    dimensions = group_dimensions(wellbeing.DIMENSIONS)
    tabs = st.tabs([DIMENSION_LABELS[d] for d in dimensions], key=GROUP_TABS_KEY, on_change="rerun")
    for tab, dimension in zip(tabs, dimensions):
        if not tab.open:
            continue  # drawn when opened
        plotly_chart(
            tab,
            charts.group_bars(
                group_rows(in_wave, measure, dimension),
                dimension,
                DIMENSION_LABELS[dimension],
                m.label,
                m.source,
                m.positive_word,
                waves["rules"][measure],
                wave,
                min_cell,
            ),
            key=f"wb_group_{dimension}",
        )


def mentored() -> None:
    st.header("Mentored and not mentored")
    waves = data.waves_data(view)
    by_group = data.groups_data(view)["by_group"]
    mentored_rows = by_group[by_group["dimension"] == "mentored"]
    mentored_measures = present(MEASURE_ORDER, mentored_rows["measure"])
    default = default_measure(mentored_measures)
    if default is None:
        st.info("No response can be scored for this selection.")
        return
    chosen = st.selectbox(
        "Measure",
        mentored_measures,
        index=mentored_measures.index(default),
        format_func=measure_name,
        key="wb_mentored_measure",
    )
    cm = MEASURES[chosen]
    rows = mentored_rows[mentored_rows["measure"] == chosen]
    plotly_chart(
        st,
        charts.mentored_comparison(
            rows, waves["waves"], cm.label, cm.source, cm.positive_word, waves["rules"][chosen], min_cell
        ),
        key="wb_mentored_chart",
    )
    st.caption(
        "A response linked to the roster counts as mentored when the person was mentee in an active "
        "'mentor' relationship on the day they submitted it; an anonymous response uses the respondent's own "
        "answer to 'do you have a mentor'; otherwise it is not recorded. The comparison shows association, "
        "not cause."
    )
    st.dataframe(
        mentored_table(rows, cm.positive_word, min_cell), hide_index=True, width="stretch", key="wb_mentored_table"
    )


def fulfillment() -> None:
    st.header("Fulfillment, satisfaction and intent to leave")
    waves = data.waves_data(view)
    by_wave = waves["by_wave"]
    others = present(WELLBEING_MEASURES, by_wave["measure"])
    if not others:
        st.info("The surveys hold no fulfillment, satisfaction or intent-to-leave items for this selection.")
        return
    trend_tabs(waves, others, [measure_name(k) for k in others], MEASURE_TABS_KEY)


section_tabs(dict(zip(SECTIONS, (burnout, most_affected, mentored, fulfillment))), key=SECTION_KEY)
