"""Burnout and wellbeing charts: pure builders (suppressed cells in, figure out), one measure per figure.

Every figure names its instrument and rule in the subtitle, draws 95% Wilson intervals as error bars,
leaves suppressed cells out and says how many.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from mentordash.charts.theme import (
    PALETTE,
    finish,
    hidden_count,
    highest_lowest,
    interval_bars,
    shown_rows,
    suppressed_note,
)
from mentordash.vocabulary import (
    CAREER_STAGE_LABELS,
    GENDER_CHOICE_LABELS,
    MENTORED_LABELS,
    NOT_RECORDED_LABEL,
    URIM_LABELS,
)

# The groups of the wellbeing breakdowns (metrics.wellbeing.DIMENSIONS) that have labels in the vocabulary;
# "unknown" (no value recorded) reads as everywhere else, a division as it was imported.
SURVEY_GROUP_LABELS = {
    "career_stage": CAREER_STAGE_LABELS,
    "gender": GENDER_CHOICE_LABELS,
    "urim": URIM_LABELS,
    "mentored": MENTORED_LABELS,
}
MENTORED_COLOURS = {"mentored": PALETTE[0], "not_mentored": PALETTE[1], "unknown": "#999999"}
MENTORED_RULE = (
    "mentored = active mentor relationship on the submission date (roster-linked responses), else self-reported"
)


def group_label(dimension: str, group: str) -> str:
    if group == "unknown":
        return NOT_RECORDED_LABEL
    return SURVEY_GROUP_LABELS.get(dimension, {}).get(group, str(group))


def measure_title(label: str, source: str) -> str:
    """'Burnout (Mini-Z)', 'Career satisfaction': the measure as titles and axes name it."""
    return (
        f"{label} ({source})"
        if label == "Burnout" or label in ("Professional fulfillment", "Low personal accomplishment")
        else label
    )


# Characters per line of (title, fine print) in a half-page and a full-page chart.
NARROW_CHARS, WIDE_CHARS = (58, 92), (110, 170)
TOP = 75  # the room above the plot for one line of title and one of fine print


def _fine_print(*parts: str) -> str:
    return " · ".join(p for p in parts if p)


def _error(rows: pd.DataFrame) -> dict:
    return interval_bars(rows, color="#555", thickness=1.2, width=5)


def _hover(word: str, extra: str = "") -> str:
    return (
        "%{y:.1f}% " + word + "<br>%{customdata[0]} of %{customdata[1]} scoreable responses"
        "<br>95% CI %{customdata[2]}-%{customdata[3]}%" + extra + "<extra></extra>"
    )


def wave_trend(
    frame: pd.DataFrame,
    waves: list[str],
    label: str,
    source: str,
    word: str,
    rule: str,
    min_cell: int,
    benchmarks: list[dict] | None = None,
    narrow: bool = True,
) -> go.Figure:
    """One measure over the survey waves, with intervals and any benchmark of the same instrument.

    frame: the measures_by_wave rows of ONE measure (survey, n, positive, pct, ci_low, ci_high, suppressed).
    waves: every wave, oldest first (a wave without this measure shows a gap, never another instrument)."""
    shown = shown_rows(frame)
    # every wave on the axis; a wave without a shown cell is a gap in the line, not a bridge across it
    line = shown.set_index("survey").reindex(list(waves))
    traces = [
        {
            "type": "scatter",
            "x": list(waves),
            "y": line["pct"].astype(float),
            "mode": "lines",
            "connectgaps": False,
            "hoverinfo": "skip",
            "line": {"color": PALETTE[0], "width": 2.5},
            "showlegend": False,
        },
        {
            "type": "scatter",
            "x": shown["survey"],
            "y": shown["pct"].astype(float),
            "mode": "markers",
            "name": measure_title(label, source),
            "marker": {"size": 9, "color": PALETTE[0]},
            "error_y": _error(shown),
            "customdata": list(zip(shown["positive"], shown["n"], shown["ci_low"], shown["ci_high"])),
            "hovertemplate": _hover(word),
        },
    ]
    layout = {
        "xaxis": {
            "title": {"text": "Survey wave"},
            "type": "category",
            "categoryorder": "array",
            "categoryarray": list(waves),
        },
        "yaxis": {"title": {"text": f"Scoreable responses, {word} (%)"}, "range": [0, 100], "ticksuffix": "%"},
        "showlegend": False,
    }
    for i, bench in enumerate(benchmarks or []):
        _add_national_line(layout, bench, PALETTE[5 + i % 2])
    title_chars, subtitle_chars = NARROW_CHARS if narrow else WIDE_CHARS
    return finish(
        {"data": traces, "layout": layout},  # a draft, validated once (charts.theme.themed)
        _trend_title(shown, measure_title(label, source), word),
        _fine_print(rule, "95% Wilson intervals", suppressed_note(hidden_count(frame), min_cell)),
        height=380 + TOP,
        title_chars=title_chars,
        subtitle_chars=subtitle_chars,
    )


def _add_national_line(layout: dict, bench: dict, colour: str) -> None:
    """A benchmark's dashed line across the plot at its value, labelled at its top right, in a draft's
    layout: what fig.add_hline(y, annotation=..., annotation_position="top right") adds, written out."""
    y = float(bench["value"])
    line = {"type": "line", "x0": 0, "x1": 1, "xref": "x domain", "y0": y, "y1": y, "yref": "y"}
    layout.setdefault("shapes", []).append({**line, "line": {"dash": "dash", "color": colour, "width": 1.5}})
    layout.setdefault("annotations", []).append(
        {
            "text": f"National: {bench['figure']}, {bench['value']:g}%",
            "hovertext": f"{bench['figure']}: {bench['value']:g}% ({bench['year']}; {bench['source']})",
            "font": {"size": 11, "color": "#444"},
            "showarrow": False,
            "x": 1,
            "xanchor": "right",
            "xref": "x domain",
            "y": y,
            "yanchor": "bottom",
            "yref": "y",
        }
    )


def _trend_title(shown: pd.DataFrame, name: str, word: str) -> str:
    if shown.empty:
        return f"{name}: no wave can be shown for this selection"
    last = shown.iloc[-1]
    text = f"{name}: {last['pct']:.0f}% {word} in {last['survey']}"
    if len(shown) > 1:
        before = shown.iloc[-2]
        text += f", against {before['pct']:.0f}% in {before['survey']}"
    return text


def group_bars(
    frame: pd.DataFrame,
    dimension: str,
    dimension_label: str,
    label: str,
    source: str,
    word: str,
    rule: str,
    survey: str,
    min_cell: int,
) -> go.Figure:
    """One measure in one wave by the groups of one dimension, as horizontal bars with intervals.

    frame: the measures_by_group rows of one (survey, measure, dimension)."""
    shown = shown_rows(frame)
    labels = [f"{group_label(dimension, g)} (n={int(n)})" for g, n in zip(shown["group"], shown["n"])]
    fig = go.Figure(
        go.Bar(
            y=labels,
            x=shown["pct"].astype(float),
            orientation="h",
            marker={"color": PALETTE[0]},
            error_x=_error(shown),
            customdata=list(zip(shown["positive"], shown["n"], shown["ci_low"], shown["ci_high"])),
            hovertemplate=_hover(word).replace("%{y:.1f}%", "%{y}: %{x:.1f}%"),
        )
    )
    fig.update_yaxes(title_text=dimension_label, autorange="reversed", type="category")
    fig.update_xaxes(
        title_text=f"Scoreable responses, {word} (%)",
        range=[0, 100],
        ticksuffix="%",
        showgrid=True,
        gridcolor="#e5e5e5",
    )
    height = max(220, 100 + 42 * max(len(shown), 1))
    return finish(
        fig,
        _group_title(shown, dimension, dimension_label, measure_title(label, source), word),
        _fine_print(f"{survey}: {rule}", "95% Wilson intervals", suppressed_note(hidden_count(frame), min_cell)),
        height=height + TOP,
        title_chars=WIDE_CHARS[0],
        subtitle_chars=WIDE_CHARS[1],
    )


def _group_title(shown: pd.DataFrame, dimension: str, dimension_label: str, name: str, word: str) -> str:
    known = shown[shown["group"] != "unknown"]
    if known.empty:
        return f"{name} by {dimension_label.lower()}: no group large enough to show"
    if len(known) == 1:
        row = known.iloc[0]
        return f"{name}: {row['pct']:.0f}% {word} among {group_label(dimension, row['group'])}; other groups too small"
    high, low = highest_lowest(known)
    return (
        f"{name} by {dimension_label.lower()}: from {low['pct']:.0f}% ({group_label(dimension, low['group'])}) "
        f"to {high['pct']:.0f}% ({group_label(dimension, high['group'])})"
    )


def mentored_comparison(
    frame: pd.DataFrame, waves: list[str], label: str, source: str, word: str, rule: str, min_cell: int
) -> go.Figure:
    """Mentored against not mentored, one measure, each wave: grouped bars with intervals and counts.

    frame: the measures_by_group rows of one measure with dimension == 'mentored'."""
    shown = shown_rows(frame)
    fig = go.Figure()
    for group in ("mentored", "not_mentored"):
        rows = shown[shown["group"] == group]
        if rows.empty:
            continue
        fig.add_trace(
            go.Bar(
                x=rows["survey"],
                y=rows["pct"].astype(float),
                name=group_label("mentored", group),
                marker={"color": MENTORED_COLOURS[group]},
                error_y=_error(rows),
                customdata=list(zip(rows["positive"], rows["n"], rows["ci_low"], rows["ci_high"])),
                hovertemplate=_hover(word, "<br>" + group_label("mentored", group)),
            )
        )
    fig.update_layout(barmode="group", bargap=0.3)
    fig.update_xaxes(title_text="Survey wave", type="category", categoryorder="array", categoryarray=list(waves))
    fig.update_yaxes(title_text=f"Scoreable responses, {word} (%)", range=[0, 100], ticksuffix="%")
    return finish(
        fig,
        _mentored_title(shown, measure_title(label, source), word),
        _fine_print(
            rule,
            MENTORED_RULE,
            "95% Wilson intervals; association, not cause",
            suppressed_note(hidden_count(frame), min_cell),
        ),
        height=400 + TOP,
        title_chars=WIDE_CHARS[0],
        subtitle_chars=WIDE_CHARS[1],
    )


def _mentored_title(shown: pd.DataFrame, name: str, word: str) -> str:
    pairs = shown[shown["group"].isin(["mentored", "not_mentored"])]
    both = [
        s
        for s in dict.fromkeys(pairs["survey"])
        if set(pairs[pairs["survey"] == s]["group"]) >= {"mentored", "not_mentored"}
    ]
    if not both:
        return f"{name}: mentored and not mentored cannot both be shown for this selection"
    survey = both[-1]
    rows = pairs[pairs["survey"] == survey].set_index("group")
    m, n = rows.loc["mentored"], rows.loc["not_mentored"]
    overlap = not (m["ci_high"] < n["ci_low"] or n["ci_high"] < m["ci_low"])
    certainty = "intervals overlap" if overlap else "intervals do not overlap"
    return f"{name}, {survey}: {m['pct']:.0f}% of mentored vs {n['pct']:.0f}% of not mentored {word} ({certainty})"
