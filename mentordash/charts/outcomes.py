"""Outcome charts: mentored against not mentored, with 95% intervals, suppressed cells left out and counted.

(The tables the page shows beside each chart: mentordash.ui.outcomes_view.)"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from mentordash.charts.theme import PALETTE, finish, hidden_count, interval_bars, shown_rows, suppressed_note
from mentordash.frames import records
from mentordash.vocabulary import CAREER_STAGE_LABELS, GENDER_LABELS, MENTORED_LABELS, URIM_LABELS

# The page's flags (mentored, mentors) are booleans.
MENTORED_FLAG_LABELS = {True: MENTORED_LABELS["mentored"], False: MENTORED_LABELS["not_mentored"]}
MENTOR_FLAG_LABELS = {True: "Mentors", False: "Do not mentor"}
COLOURS = {True: PALETTE[0], False: PALETTE[1]}
# The groups of early departure split by URiM or gender (metrics.outcomes.GROUP_ORDER).
DEPARTURE_GROUP_LABELS = {
    **URIM_LABELS,
    "unknown": "URiM unknown",
    "woman": GENDER_LABELS["woman"],
    "man": GENDER_LABELS["man"],
    "other_or_unknown": "Other or unknown",
}


def _fine_print(frame: pd.DataFrame, min_cell: int, extra: str = "") -> str:
    parts = [p for p in (extra, suppressed_note(hidden_count(frame), min_cell)) if p]
    return " · ".join(parts)


def _error(rows: pd.DataFrame, value: str) -> dict:
    return interval_bars(rows, value, thickness=1.5, width=6, color="#333")


def _share_bars(rows: pd.DataFrame, mentored: bool, x, count: str, hover: str) -> go.Bar:
    """One side (mentored or not) of grouped bars of a share with its 95% Wilson interval; `hover` says
    what the share is (`count` of n)."""
    name = MENTORED_FLAG_LABELS[mentored]
    return go.Bar(
        x=x,
        y=rows["pct"].astype(float),
        name=name,
        marker_color=COLOURS[mentored],
        error_y=_error(rows, "pct"),
        customdata=list(zip(rows[count], rows["n"], rows["ci_low"], rows["ci_high"])),
        hovertemplate=hover + "<br>95% CI %{customdata[2]}-%{customdata[3]}%<extra>" + name + "</extra>",
    )


def _compare(shown: pd.DataFrame, flag: str, value: str, keys: list[str]) -> list[dict]:
    """Pairs (key -> both values and intervals) where both sides are shown."""
    pairs = []
    for key, rows in shown.groupby(keys, sort=False):
        yes, no = rows[rows[flag] == True], rows[rows[flag] == False]  # noqa: E712
        if len(yes) == 1 and len(no) == 1:
            y, n = yes.iloc[0], no.iloc[0]
            overlap = not (float(y["ci_low"]) > float(n["ci_high"]) or float(n["ci_low"]) > float(y["ci_high"]))
            pairs.append({"key": key, "yes": float(y[value]), "no": float(n[value]), "overlap": overlap})
    return pairs


TITLE_CHARS = 68  # what fits on one line of a chart in the page's column at the theme's title size


def _stage(stage: str) -> str:
    return CAREER_STAGE_LABELS.get(stage, stage)


# --- publications (both sides) ---------------------------------------------------------------------


def publication_rates(frame: pd.DataFrame, min_cell: int, flag: str = "mentored") -> go.Figure:
    """Grouped bars of publications per person-year by career stage, `flag` (mentored, or mentors) True
    against False, with exact Poisson 95% intervals.

    frame: career_stage, <flag>, people, person_years, publications, rate, ci_low, ci_high, suppressed."""
    labels = MENTORED_FLAG_LABELS if flag == "mentored" else MENTOR_FLAG_LABELS
    shown = shown_rows(frame, "rate")
    bars = []
    for value in (True, False):
        rows = shown[shown[flag] == value]
        if rows.empty:
            continue
        bars.append(
            {
                "type": "bar",
                "x": [_stage(s) for s in rows["career_stage"]],
                "y": rows["rate"].astype(float),
                "name": labels[value],
                "marker": {"color": COLOURS[value]},
                "error_y": _error(rows, "rate"),
                "customdata": list(
                    zip(rows["publications"], rows["person_years"], rows["people"], rows["ci_low"], rows["ci_high"])
                ),
                "hovertemplate": "%{x}: %{y:.2f} per person-year<br>%{customdata[0]} publications in "
                "%{customdata[1]} person-years (%{customdata[2]} people)"
                "<br>95% interval %{customdata[3]}-%{customdata[4]}<extra>" + labels[value] + "</extra>",
            }
        )
    layout = {
        "barmode": "group",
        "yaxis": {"title": {"text": "Publications per person-year"}, "rangemode": "tozero"},
        "xaxis": {
            "title": {"text": "Career stage"},
            "categoryorder": "array",
            "categoryarray": [CAREER_STAGE_LABELS[s] for s in CAREER_STAGE_LABELS],
        },
    }
    return finish(
        {"data": bars, "layout": layout},  # a draft, validated once (charts.theme.themed)
        _rate_title(shown, flag),
        _fine_print(frame, min_cell, "Bars: 95% exact Poisson interval"),
        title_chars=TITLE_CHARS,
    )


def _rate_title(shown: pd.DataFrame, flag: str) -> str:
    who = ("Mentored people", "the unmentored") if flag == "mentored" else ("Faculty who mentor", "those who do not")
    if shown.empty:
        return "No publication rate can be shown for this selection"
    pairs = _compare(shown, flag, "rate", ["career_stage"])
    if not pairs:
        return "Publications per person-year (no stage has both groups large enough to compare)"
    if len(pairs) == 1:
        p = pairs[0]
        stage = _stage(p["key"][0] if isinstance(p["key"], tuple) else p["key"]).lower()
        lead = f"{who[0]} among {stage} published {p['yes']:.2f} a year, {who[1]} {p['no']:.2f}"
    else:
        more = sum(p["yes"] > p["no"] for p in pairs)
        lead = f"{who[0]} published more per person-year in {more} of {len(pairs)} career stages"
    if all(p["overlap"] for p in pairs):
        lead += " (intervals overlap)"
    return lead


# --- early departure -------------------------------------------------------------------------------


def early_departure(frame: pd.DataFrame, min_cell: int, by: str | None = None) -> go.Figure:
    """Grouped bars of the share who left early or were dismissed, mentored against not, by career stage
    (and, with `by`, by group within stage), with 95% Wilson intervals.

    frame: career_stage, [by], mentored, n, departed, pct, ci_low, ci_high, suppressed."""
    shown = shown_rows(frame, "pct")
    fig = go.Figure()
    for value in (True, False):
        rows = shown[shown["mentored"] == value]
        if rows.empty:
            continue
        stages = [_stage(s) for s in rows["career_stage"]]
        x = [stages, [DEPARTURE_GROUP_LABELS.get(g, g) for g in rows[by]]] if by else stages
        hover = "%{y:.1f}% left early or were dismissed<br>%{customdata[0]} of %{customdata[1]} people"
        fig.add_trace(_share_bars(rows, value, x, "departed", hover))
    fig.update_layout(barmode="group")
    fig.update_yaxes(title_text="Left early or dismissed in the window (%)", ticksuffix="%", rangemode="tozero")
    fig.update_xaxes(title_text="Career stage" + (" and group" if by else ""))
    return finish(
        fig,
        _departure_title(shown, by),
        _fine_print(frame, min_cell, "Bars: 95% Wilson interval"),
        title_chars=TITLE_CHARS,
    )


def _departure_title(shown: pd.DataFrame, by: str | None) -> str:
    if shown.empty:
        return "No early departure figure can be shown for this selection"
    pairs = _compare(shown, "mentored", "pct", ["career_stage", *([by] if by else [])])
    if not pairs:
        return "Early departure (no group large enough on both sides to compare)"
    fewer = sum(p["yes"] < p["no"] for p in pairs)
    unit = "career stages" if not by else "groups"
    lead = f"Mentored people left early less often in {fewer} of {len(pairs)} {unit}"
    if len(pairs) == 1:
        p = pairs[0]
        lead = f"Early departure: {p['yes']:.1f}% of mentored people against {p['no']:.1f}% of the unmentored"
    if all(p["overlap"] for p in pairs):
        lead += " (intervals overlap)"
    return lead


# --- time to first promotion -----------------------------------------------------------------------


def promotion_curves(curves: pd.DataFrame, summary: pd.DataFrame, min_cell: int) -> go.Figure:
    """Kaplan-Meier curves (share not yet promoted) for junior faculty, mentored against not, as steps
    with 95% pointwise bands; each curve stops where fewer than min_cell people remain at risk.

    curves: mentored, years, survival, ci_low, ci_high, at_risk. summary: mentored, people, promoted,
    censored, median_years, median_low, median_high, suppressed."""
    fig = go.Figure()
    for value in (True, False):
        rows = curves[curves["mentored"] == value].sort_values("years") if len(curves) else curves
        if rows.empty:
            continue
        colour = COLOURS[value]
        label = MENTORED_FLAG_LABELS[value]
        x = rows["years"].astype(float).tolist()
        fig.add_trace(
            go.Scatter(
                x=x,
                y=(100 * rows["ci_high"].astype(float)).tolist(),
                mode="lines",
                line={"width": 0, "shape": "hv"},
                showlegend=False,
                hoverinfo="skip",
                legendgroup=label,
            )
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=(100 * rows["ci_low"].astype(float)).tolist(),
                mode="lines",
                line={"width": 0, "shape": "hv"},
                fill="tonexty",
                fillcolor=_tint(colour),
                showlegend=False,
                hoverinfo="skip",
                legendgroup=label,
            )
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=(100 * rows["survival"].astype(float)).tolist(),
                mode="lines",
                name=label,
                line={"color": colour, "width": 2.5, "shape": "hv"},
                legendgroup=label,
                customdata=rows["at_risk"].tolist(),
                hovertemplate="%{x:.1f} years: %{y:.0f}% not yet promoted<br>%{customdata} still followed"
                "<extra>" + label + "</extra>",
            )
        )
    fig.add_hline(y=50, line={"color": "#888", "dash": "dot", "width": 1})
    fig.update_yaxes(title_text="Not yet promoted (%)", range=[0, 102], ticksuffix="%")
    fig.update_xaxes(title_text="Years since joining as junior faculty", rangemode="tozero")
    note = f"Bands: 95% pointwise interval; curves stop where fewer than {min_cell} people remain followed"
    return finish(fig, _promotion_title(summary), _fine_print(summary, min_cell, note), title_chars=TITLE_CHARS)


def _tint(hex_colour: str, alpha: float = 0.18) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _promotion_title(summary: pd.DataFrame) -> str:
    shown = shown_rows(summary, "people")
    medians = {bool(r["mentored"]): r["median_years"] for r in records(shown)}
    if not medians:
        return "No promotion curve can be shown for this selection"
    known = {k: float(v) for k, v in medians.items() if v is not None and v == v}
    if len(medians) == 2 and len(known) == 2:
        sooner = "sooner" if known[True] < known[False] else "later" if known[True] > known[False] else "as soon"
        return (
            f"Mentored junior faculty were promoted {sooner}: median {known[True]:.1f} years against {known[False]:.1f}"
        )
    if len(medians) == 2 and known:
        ((who, value),) = known.items()
        return (
            f"Half of {MENTORED_FLAG_LABELS[who].lower()} junior faculty were promoted within {value:.1f} years; "
            f"fewer than half of the {MENTORED_FLAG_LABELS[not who].lower().replace('not ', 'un')} so far"
        )
    if len(medians) == 2:
        return "Fewer than half of junior faculty in either group have been promoted so far"
    ((who, value),) = medians.items()
    if who in known:
        return f"Half of {MENTORED_FLAG_LABELS[who].lower()} junior faculty were promoted within {known[who]:.1f} years"
    return f"Fewer than half of {MENTORED_FLAG_LABELS[who].lower()} junior faculty have been promoted so far"


# --- career satisfaction ---------------------------------------------------------------------------


def satisfaction(frame: pd.DataFrame, min_cell: int) -> go.Figure:
    """Grouped bars per survey wave of the share satisfied with their career, mentored against not,
    with 95% Wilson intervals. Responses whose mentoring is unknown are left out and counted.

    frame: survey, mentored, n, satisfied, pct, ci_low, ci_high, suppressed."""
    known = frame[frame["mentored"].notna()] if len(frame) else frame
    shown = shown_rows(known, "pct")
    fig = go.Figure()
    waves = list(dict.fromkeys(frame["survey"])) if len(frame) else []
    for value in (True, False):
        rows = shown[shown["mentored"] == value]
        if rows.empty:
            continue
        hover = "%{x}: %{y:.1f}% satisfied<br>%{customdata[0]} of %{customdata[1]} answers"
        fig.add_trace(_share_bars(rows, value, rows["survey"], "satisfied", hover))
    fig.update_layout(barmode="group")
    fig.update_yaxes(title_text="Satisfied with career (answers of 4 or 5, %)", range=[0, 105], ticksuffix="%")
    fig.update_xaxes(title_text="Survey wave", categoryorder="array", categoryarray=waves)
    unknown = (
        int(frame.loc[frame["mentored"].isna() & ~frame["suppressed"].astype(bool), "n"].sum()) if len(frame) else 0
    )
    extra = "Bars: 95% Wilson interval" + (f" · {unknown} answers with unknown mentoring left out" if unknown else "")
    return finish(fig, _satisfaction_title(shown), _fine_print(known, min_cell, extra), title_chars=TITLE_CHARS)


def _satisfaction_title(shown: pd.DataFrame) -> str:
    if shown.empty:
        return "No career satisfaction figure can be shown for this selection"
    pairs = _compare(shown, "mentored", "pct", ["survey"])
    if not pairs:
        return "Career satisfaction (no wave has both groups large enough to compare)"
    latest = pairs[-1]
    lead = (
        f"In {latest['key'][0] if isinstance(latest['key'], tuple) else latest['key']}, "
        f"{latest['yes']:.0f}% of mentored people were satisfied with their career against {latest['no']:.0f}%"
    )
    if latest["overlap"]:
        lead += " (intervals overlap)"
    return lead
