"""Burnout and wellbeing: prevalence by wave and instrument, who is most affected, mentored against not.

Survey data is only ever shown aggregated, and every number comes from mentordash.metrics.wellbeing
(already suppressed there); this page lays the cells out and formats them, nothing else."""

import pandas as pd
import streamlit as st

from mentordash.charts import wellbeing as charts
from mentordash.instruments import BURNOUT_MEASURES, MEASURE_ORDER, MEASURES, WELLBEING_MEASURES
from mentordash.metrics import wellbeing
from mentordash.ui import context
from mentordash.ui.cache import cached
from mentordash.ui.frame import current_view
from mentordash.ui.views import stop_if_too_small

context.require_frame()
view = current_view()
min_cell = context.min_cell()
HIDDEN = f"fewer than {min_cell}"

st.title("Burnout and wellbeing")
st.caption(
    "From the department's wellbeing surveys. Only complete responses are counted, and a response counts "
    "for an instrument only when it answers all of that instrument's items in range. Survey answers are "
    f"shown only as aggregates; any group of fewer than {min_cell} responses is hidden. "
    "The survey waves are not affected by the 'As of' date."
)

total = cached(wellbeing.responses_total, view.filters)
if total.get("n") == 0:
    st.info("No complete survey responses match these filters.")
    st.stop()
stop_if_too_small(total, min_cell)

by_wave = cached(wellbeing.measures_by_wave, view.filters)
prevalence = cached(wellbeing.burnout_prevalence, view.filters)
rates = cached(wellbeing.response_rates, view.filters)
by_group = cached(wellbeing.measures_by_group, view.filters)
benchmarks = cached(wellbeing.benchmarks)
waves = list(rates["survey"])
rules = dict(zip(by_wave["measure"], by_wave["rule"]))


def cell(value, suppressed, fmt="{}"):
    if suppressed:
        return HIDDEN
    if value is None or pd.isna(value):
        return "—"
    return fmt.format(value)


def interval(row) -> str:
    if row["suppressed"] or row["ci_low"] is None or pd.isna(row["ci_low"]):
        return HIDDEN if row["suppressed"] else "—"
    return f"{row['ci_low']:.1f}–{row['ci_high']:.1f}%"


def measure_name(key: str) -> str:
    m = MEASURES[key]
    return charts.measure_title(m.label, m.source)


def trend(key: str, narrow: bool):
    m = MEASURES[key]
    return charts.wave_trend(by_wave[by_wave["measure"] == key], waves, m.label, m.source, m.positive_word,
                             rules[key], min_cell, benchmarks["by_instrument"].get(key, []), narrow=narrow)


# --- 1. Burnout by wave and instrument ----------------------------------------------------------
st.header("Burnout by survey wave")
present = [k for k in BURNOUT_MEASURES if k in set(prevalence["instrument"])]
st.caption("Each instrument defines burnout its own way, so each has its own figure: instruments are never "
           "mixed, and a wave that used two instruments appears in both. Error bars are 95% Wilson intervals.")
for key in present:
    st.plotly_chart(trend(key, narrow=False), width="stretch", key=f"wb_trend_{key}")

matched = [measure_name(k) for k in present if benchmarks["by_instrument"].get(k)]
unmatched = [MEASURES[k].source for k in present if not benchmarks["by_instrument"].get(k)]
notes = []
if matched:
    notes.append("National benchmarks are drawn (dashed) only beside figures of the instrument they were measured "
                 "with: " + ", ".join(matched) + ".")
if unmatched:
    notes.append("No national benchmark was measured with " + " or ".join(unmatched) + ", so none is drawn beside "
                 + ("it" if len(unmatched) == 1 else "them") + ".")
if benchmarks["unmatched"]:
    notes.append("Not compared: " + "; ".join(
        f"{b['figure']} {b['value']:g}% ({b['year']}, {b['source']})" for b in benchmarks["unmatched"])
        + ", which names no instrument.")
st.caption(" ".join(notes))

table = pd.DataFrame({
    "Survey": prevalence["survey"],
    "Instrument": [MEASURES[k].source for k in prevalence["instrument"]],
    "Scoreable responses": [cell(n, s) for n, s in zip(prevalence["n"], prevalence["suppressed"])],
    "Burned out": [cell(b, s) for b, s in zip(prevalence["burned_out"], prevalence["suppressed"])],
    "Burnout": [cell(p, s, "{:.1f}%") for p, s in zip(prevalence["pct"], prevalence["suppressed"])],
    "95% CI": [interval(row) for row in prevalence.to_dict("records")],
    "Rule": prevalence["rule"],
})
st.dataframe(table, hide_index=True, width="stretch", key="wb_prevalence_table")

st.subheader("Response rate")
st.caption("Distinct respondents linked to the roster, among the people active on the survey's last submission "
           "date in the career stages it surveyed. Anonymous responses cannot be counted, so where some are "
           "anonymous the true rate is higher; a wholly anonymous survey has no rate.")
rate_table = pd.DataFrame({
    "Survey": rates["survey"],
    "Last submission": [d.strftime("%d %b %Y") if hasattr(d, "strftime") else str(d) for d in rates["last_day"]],
    "People surveyed": [cell(e, s) if ok else "not known" for e, s, ok in
                        zip(rates["eligible"], rates["suppressed"], rates["roster_allows"])],
    "Known respondents": [cell(r, s) if ok else "not known" for r, s, ok in
                          zip(rates["respondents"], rates["suppressed"], rates["roster_allows"])],
    "Response rate": [cell(r, s, "{:.1f}%") if ok else "anonymous survey" for r, s, ok in
                      zip(rates["rate"], rates["suppressed"], rates["roster_allows"])],
})
st.dataframe(rate_table, hide_index=True, width="stretch", key="wb_rate_table")

# --- 2. Who is most affected ------------------------------------------------------------------
st.header("Who is most affected")
left, right = st.columns(2)
wave = left.selectbox("Survey wave", list(reversed(waves)), key="wb_wave")
in_wave = by_group[by_group["survey"] == wave]
wave_measures = [k for k in MEASURE_ORDER if k in set(in_wave["measure"])]
if not wave_measures:
    st.info(f"No response in {wave} can be scored for this selection.")
else:
    measure = right.selectbox("Measure", wave_measures, format_func=measure_name, key="wb_group_measure")
    m = MEASURES[measure]
    st.caption("Groups use the roster where a response is linked to it, otherwise what the respondent reported; "
               "division is known only for linked responses. Groups too small to show are left out, with one more "
               "where needed so that a hidden group cannot be worked out from the total.")
    tabs = st.tabs([wellbeing.DIMENSION_LABELS[d] for d in wellbeing.DIMENSIONS if d != "mentored"])
    for tab, dimension in zip(tabs, [d for d in wellbeing.DIMENSIONS if d != "mentored"]):
        rows = in_wave[(in_wave["measure"] == measure) & (in_wave["dimension"] == dimension)]
        tab.plotly_chart(
            charts.group_bars(rows, dimension, wellbeing.DIMENSION_LABELS[dimension], m.label, m.source,
                              m.positive_word, rules[measure], wave, min_cell),
            width="stretch", key=f"wb_group_{dimension}")

# --- 3. Mentored against not mentored ---------------------------------------------------------
st.header("Mentored and not mentored")
mentored_rows = by_group[by_group["dimension"] == "mentored"]
mentored_measures = [k for k in MEASURE_ORDER if k in set(mentored_rows["measure"])]
default = next((k for k in mentored_measures if k in BURNOUT_MEASURES), mentored_measures[0] if mentored_measures
               else None)
if default is None:
    st.info("No response can be scored for this selection.")
else:
    chosen = st.selectbox("Measure", mentored_measures, index=mentored_measures.index(default),
                          format_func=measure_name, key="wb_mentored_measure")
    cm = MEASURES[chosen]
    rows = mentored_rows[mentored_rows["measure"] == chosen]
    st.plotly_chart(charts.mentored_comparison(rows, waves, cm.label, cm.source, cm.positive_word, rules[chosen],
                                               min_cell), width="stretch", key="wb_mentored_chart")
    st.caption("A response linked to the roster counts as mentored when the person was mentee in an active "
               "'mentor' relationship on the day they submitted it; an anonymous response uses the respondent's own "
               "answer to 'do you have a mentor'; otherwise it is not recorded. The comparison shows association, "
               "not cause.")
    st.dataframe(pd.DataFrame({
        "Survey": rows["survey"],
        "Group": [charts.group_label("mentored", g) for g in rows["group"]],
        "Scoreable responses": [cell(n, s) for n, s in zip(rows["n"], rows["suppressed"])],
        cm.positive_word.capitalize(): [cell(p, s, "{:.1f}%") for p, s in zip(rows["pct"], rows["suppressed"])],
        "95% CI": [interval(row) for row in rows.to_dict("records")],
    }), hide_index=True, width="stretch", key="wb_mentored_table")

# --- 4. Fulfillment, satisfaction, intent to leave --------------------------------------------
st.header("Fulfillment, satisfaction and intent to leave")
others = [k for k in WELLBEING_MEASURES if k in set(by_wave["measure"])]
if not others:
    st.info("The surveys hold no fulfillment, satisfaction or intent-to-leave items for this selection.")
columns = st.columns(2)
for i, key in enumerate(others):
    columns[i % 2].plotly_chart(trend(key, narrow=True), width="stretch", key=f"wb_trend_{key}")
