"""Recruitment charts: pure builders, DataFrame in, figure out (the tables: mentordash.ui.recruitment_view).

Every frame comes from mentordash.metrics.recruitment with its cells already suppressed: these builders
leave a hidden cell out (or write "fewer than N") and count it in the subtitle.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from mentordash.charts.theme import PALETTE, interval_bars, shown_rows, suppressed_note, themed, wrap
from mentordash.frames import records
from mentordash.vocabulary import (
    APPLICANT_STAGE_LABELS,
    APPLICANT_STAGES,
    CAREER_STAGE_LABELS,
    DIMENSION_NOUNS,
    REPRESENTATION_SHARES,
)

TRANSITION_LABELS = {
    ("applied", "interviewed"): "Applied → interviewed",
    ("interviewed", "ranked"): "Interviewed → ranked",
    ("ranked", "matched"): "Ranked → matched",
    ("applied", "matched"): "Applied → matched",
}
# What a finding says for each step: "<subject> <verb> <a>% vs <b>% for <others>".
TRANSITION_VERBS = {
    ("applied", "interviewed"): "are interviewed at",
    ("interviewed", "ranked"): "who are interviewed are ranked at",
    ("ranked", "matched"): "who are ranked match at",
    ("applied", "matched"): "match at",
}
# (focus group, reference group, subject, others) for the finding of each split.
COMPARISONS = {
    "gender": ("woman", "man", "women applicants", "men"),
    "urim": ("urim", "not_urim", "URiM applicants", "others"),
    "pipeline": ("any", "none", "pipeline-program applicants", "those without one"),
    "selection": ("selected", "others", "the filtered applicants", "all other applicants"),
}
# The splits as a sentence names them: the vocabulary's dimensions and the splits only recruitment has.
DIMENSION_NAMES = {
    **{d: DIMENSION_NOUNS[d] for d in ("gender", "urim", "race_ethnicity")},
    "pipeline": "pipeline program",
    "selection": "filter",
}
GREY = "#999999"


def _fewer(min_cell: int) -> str:
    return f"fewer than {min_cell}"


def _num(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _fmt_pct(value) -> str:
    value = _num(value)
    if value is None:
        return "–"
    return f"{value:.0f}%" if value >= 10 or value == round(value) else f"{value:.1f}%"


def _group_colours(groups: list[str]) -> dict[str, str]:
    colours, i = {}, 0
    for group in groups:
        if group == "unknown":
            colours[group] = GREY
        else:
            colours[group] = PALETTE[i % len(PALETTE)]
            i += 1
    return colours


# --- the funnel -----------------------------------------------------------------------------------


def funnel_figure(frame: pd.DataFrame, dimension: str, min_cell: int, context: str = "") -> go.Figure:
    """The funnel of one cycle and track: overall (dimension 'all') as bars of counts, or split by a
    dimension as the share of each group's applicants who reached each stage, with 95% intervals.

    frame: group_funnel's rows (dimension, group, label, stage, n, pct_of_applied, ci_low, ci_high, suppressed)."""
    rows = frame[frame["dimension"] == dimension]
    hidden = int(rows["suppressed"].astype(bool).sum())
    note = " · ".join(p for p in (context, suppressed_note(hidden, min_cell)) if p)
    if dimension == "all":
        return _overall_funnel(rows, note, min_cell)
    groups = list(dict.fromkeys(rows["group"]))
    colours = _group_colours(groups)
    bars = []
    for group in groups:
        part = shown_rows(rows[rows["group"] == group], value=None)
        part = part[part["pct_of_applied"].notna()]
        if part.empty:
            continue
        label = part["label"].iloc[0]
        base = part[part["stage"] == "applied"]
        if len(base):
            label = f"{label} ({int(base['n'].iloc[0]):,} applied)"
        part = part[part["stage"] != "applied"]  # 100% by definition
        if part.empty:
            continue
        bars.append(
            {
                "type": "bar",
                "x": [APPLICANT_STAGE_LABELS[s] for s in part["stage"]],
                "y": part["pct_of_applied"].astype(float).tolist(),
                "name": label,
                "marker": {"color": colours[group]},
                "error_y": interval_bars(part, "pct_of_applied", thickness=1, color="#555"),
                "customdata": list(zip(part["n"], part["ci_low"], part["ci_high"])),
                "hovertemplate": "%{x}: %{y:.1f}% of the group's applicants (%{customdata[0]})"
                "<br>95% CI %{customdata[1]}–%{customdata[2]}%<extra>" + label + "</extra>",
            }
        )
    layout = {
        "barmode": "group",
        "yaxis": {"title": {"text": "% of the group's applicants"}, "ticksuffix": "%", "rangemode": "tozero"},
        "xaxis": {
            "title": {"text": "Stage reached"},
            "categoryorder": "array",
            "categoryarray": [APPLICANT_STAGE_LABELS[s] for s in APPLICANT_STAGES[1:]],
        },
    }
    # a draft, validated once (charts.theme.themed); then the legend beside the plot, over the theme's
    fig = themed({"data": bars, "layout": layout}, _split_funnel_title(rows, dimension), note)
    fig.update_layout(
        legend={"orientation": "v", "x": 1.02, "y": 1, "xanchor": "left", "yanchor": "top"}, margin={"r": 260}
    )
    return fig


def _overall_funnel(rows: pd.DataFrame, note: str, min_cell: int) -> go.Figure:
    shown = shown_rows(rows, value=None)
    bars = {
        "type": "bar",
        "y": [APPLICANT_STAGE_LABELS[s] for s in shown["stage"]],
        "x": [int(n) for n in shown["n"]],
        "orientation": "h",
        "marker": {"color": PALETTE[0]},
        "showlegend": False,
        "text": [f"{int(n):,} ({_fmt_pct(p)})" for n, p in zip(shown["n"], shown["pct_of_applied"])],
        "textposition": "auto",
        "hovertemplate": "%{y}: %{x:,} applicants<extra></extra>",
    }
    traces = [bars]
    hidden = rows[rows["suppressed"].astype(bool)]
    if len(hidden):  # say where a stage is, without its number
        traces.append(
            {
                "type": "scatter",
                "x": [0] * len(hidden),
                "y": [APPLICANT_STAGE_LABELS[s] for s in hidden["stage"]],
                "mode": "text",
                "showlegend": False,
                "text": [f"hidden: {_fewer(min_cell)}"] * len(hidden),
                "textposition": "middle right",
                "textfont": {"color": "#777"},
                "hoverinfo": "skip",
            }
        )
    layout = {
        "yaxis": {
            "autorange": "reversed",
            "title": {"text": "Stage reached"},
            "categoryorder": "array",
            "categoryarray": [APPLICANT_STAGE_LABELS[s] for s in APPLICANT_STAGES],
        },
        "xaxis": {"title": {"text": "Applicants (count)"}},
    }
    # a draft, validated once (charts.theme.themed)
    return themed({"data": traces, "layout": layout}, _overall_title(rows), note, height=320)


def _overall_title(rows: pd.DataFrame) -> str:
    cells = {r["stage"]: r for r in records(rows)}
    applied = cells.get("applied")
    if applied is None or applied["suppressed"] or not applied["n"]:
        return "Too few applicants in this cycle and track to show the funnel"
    for stage, verb in (("matched", "matched"), ("ranked", "were ranked"), ("interviewed", "were interviewed")):
        cell = cells.get(stage)
        if cell is not None and not cell["suppressed"]:
            return (
                f"Of {int(applied['n']):,} applicants, {int(cell['n']):,} {verb} ({_fmt_pct(cell['pct_of_applied'])})"
            )
    return f"{int(applied['n']):,} applicants; later stages too small to show"


def _split_funnel_title(rows: pd.DataFrame, dimension: str) -> str:
    shown = shown_rows(rows, value=None)
    pairs = _pairs(shown, dimension, "pct_of_applied", "stage")
    for stage in ("matched", "ranked", "interviewed"):
        if stage in pairs:
            (a_label, a), (b_label, b) = pairs[stage]
            reach = {"matched": "match", "ranked": "are ranked", "interviewed": "are interviewed"}[stage]
            return f"{_fmt_pct(a)} of {a_label} {reach} vs {_fmt_pct(b)} of {b_label}"
    return f"Too few applicants in each {DIMENSION_NAMES.get(dimension, dimension)} group to compare the funnel"


def _pairs(shown: pd.DataFrame, dimension: str, value: str, key: str) -> dict:
    """For each key (a stage or a transition), the focus and reference groups' values, when both are shown;
    keys in the order they first appear (as a group-by), read from the rows as Python values (a group-by of
    the few rows cost half of a funnel chart)."""
    parts: dict = {}
    for row in records(shown):
        if pd.isna(row[key]):
            continue
        part = parts.setdefault(row[key], [])
        if not pd.isna(row[value]) and row["group"] != "unknown":
            part.append(row)
    out = {}
    for k, part in parts.items():
        if dimension in COMPARISONS:
            focus, reference, subject, others = COMPARISONS[dimension]
            a = next((row for row in part if row["group"] == focus), None)
            b = next((row for row in part if row["group"] == reference), None)
            if a is not None and b is not None:
                out[k] = ((subject, float(a[value])), (others, float(b[value])))
        elif len(part) >= 2:  # race/ethnicity: the lowest against the highest (ties in their order)
            ranked = sorted(part, key=lambda row: row[value])
            low, high = ranked[0], ranked[-1]
            out[k] = (
                (f"{low['label']} applicants", float(low[value])),
                (f"{high['label']} applicants", float(high[value])),
            )
    return out


# --- conversion by group --------------------------------------------------------------------------


def conversion_figure(frame: pd.DataFrame, dimension: str, min_cell: int, context: str = "") -> go.Figure:
    """Conversion from stage to stage for each group of a dimension, with 95% Wilson intervals.

    frame: conversions' rows (dimension, group, label, from_stage, to_stage, n_from, n_to, rate, ci_low,
    ci_high, suppressed)."""
    rows = frame[frame["dimension"] == dimension]
    hidden = int(rows["suppressed"].astype(bool).sum())
    fig = go.Figure()
    groups = list(dict.fromkeys(rows["group"]))
    colours = _group_colours(groups)
    for group in groups:
        part = shown_rows(rows[rows["group"] == group], value=None)
        part = part[part["rate"].notna()]
        if part.empty:
            continue
        label = part["label"].iloc[0]
        x = part["rate"].astype(float)
        fig.add_trace(
            go.Scatter(
                y=[TRANSITION_LABELS[(a, b)] for a, b in zip(part["from_stage"], part["to_stage"])],
                x=x.tolist(),
                mode="markers",
                name=label,
                marker={"color": colours[group], "size": 10},
                orientation="h",
                error_x=interval_bars(part, "rate", color=colours[group]),
                customdata=list(zip(part["n_to"], part["n_from"], part["ci_low"], part["ci_high"])),
                hovertemplate="%{y}: %{x:.1f}% (%{customdata[0]} of %{customdata[1]})"
                "<br>95% CI %{customdata[2]}–%{customdata[3]}%<extra>" + label + "</extra>",
            )
        )
    fig.update_layout(scattermode="group")
    fig.update_yaxes(
        title_text="Step",
        categoryorder="array",
        autorange="reversed",
        categoryarray=list(TRANSITION_LABELS.values()),
        showgrid=False,
    )
    fig.update_xaxes(
        title_text="Conversion (% of the earlier stage, 95% CI)",
        ticksuffix="%",
        rangemode="tozero",
        showgrid=True,
        gridcolor="#e5e5e5",
    )
    note = " · ".join(p for p in (context, suppressed_note(hidden, min_cell)) if p)
    fig = themed(fig, conversion_title(rows, dimension), note, height=400)
    fig.update_layout(
        legend={"orientation": "v", "x": 1.02, "y": 1, "xanchor": "left", "yanchor": "top"}, margin={"r": 260, "l": 170}
    )
    fig.update_yaxes(title_text="")
    return fig


def conversion_title(rows: pd.DataFrame, dimension: str) -> str:
    """The step where the focus group and its reference differ most, as a sentence."""
    shown = shown_rows(rows, value=None)
    shown = shown.assign(step=list(zip(shown["from_stage"], shown["to_stage"])))
    pairs = _pairs(shown, dimension, "rate", "step")
    if not pairs:
        return f"Too few applicants in each {DIMENSION_NAMES.get(dimension, dimension)} group to compare conversion"
    # The step where they differ most in relative terms (0% vs 2% is a larger gap than 86% vs 94%);
    # the earlier step wins a tie.
    step, ((a_label, a), (b_label, b)) = max(
        pairs.items(), key=lambda kv: abs(kv[1][0][1] - kv[1][1][1]) / max(kv[1][0][1], kv[1][1][1], 1e-9)
    )
    subject = a_label[0].upper() + a_label[1:]
    if _fmt_pct(a) == _fmt_pct(b):
        return f"{subject} {TRANSITION_VERBS[step]} the same rate as {b_label} ({_fmt_pct(a)})"
    return f"{subject} {TRANSITION_VERBS[step]} {_fmt_pct(a)} vs {_fmt_pct(b)} for {b_label}"


# --- shares across cycles -------------------------------------------------------------------------

# Which national figure stands beside which stage of the residency track (docs/metrics.md, National reference figures).
# Applicants beside applicants (like with like); the census of all residents beside the matched stage is
# the closest national figure there is, and the legend and hover say so.
BENCHMARK_SHORT = {
    "women_applicants": "applicants",
    "women_residents": "all residents",
    "urim_residents": "all residents",
}
CLOSEST_NOTE = "beside matched: all residents nationally, the closest figure there is (not a match cohort)"
RESIDENCY_BENCHMARKS = {
    "women": [("women_applicants", "applied"), ("women_residents", "matched")],
    "urim": [("urim_residents", "matched")],
}


def benchmark_hover(bench: dict) -> str:
    """The national figure, its year, what it counts and its full citation, for a hover box."""
    note = str(bench.get("note") or "").strip()
    lines = [
        f"National: {bench['figure']}: {bench['value']}% ({bench['year']})",
        *wrap(note, 80),
        *wrap(f"Source: {bench['source']}", 80),
    ]
    return "<br>".join(lines)


def share_trend_figure(frame: pd.DataFrame, track: str, share: str, benchmarks: dict, min_cell: int) -> go.Figure:
    """The share of women (or URiM) at each stage across cycles, with the national figures beside it
    (residency only: they describe residency applicants and residents) and the unknown share.

    frame: funnel's rows for the track (cycle, stage, n, <share>_pct, _ci_low, _ci_high, _suppressed,
    gender_unknown/urim_unknown and _pct)."""
    name, attribute = REPRESENTATION_SHARES[share]
    unknown = "gender_unknown" if share == "women" else "urim_unknown"
    rows = frame[frame["track"] == track].sort_values(["cycle", "stage_order"])
    fig = go.Figure()
    for i, stage in enumerate(APPLICANT_STAGES):
        part = rows[(rows["stage"] == stage) & rows[f"{share}_pct"].notna()]
        if part.empty:
            continue
        fig.add_trace(
            go.Scatter(
                x=part["cycle"].astype(int).tolist(),
                y=part[f"{share}_pct"].astype(float).tolist(),
                mode="lines+markers",
                name=APPLICANT_STAGE_LABELS[stage],
                line={"color": PALETTE[i], "width": 2.5},
                customdata=list(
                    zip(
                        part[f"{share}_ci_low"],
                        part[f"{share}_ci_high"],
                        part["n"],
                        part[unknown].astype("object").where(part[unknown].notna(), "hidden"),
                        part[f"{unknown}_pct"].astype("object").where(part[f"{unknown}_pct"].notna(), "–"),
                    )
                ),
                hovertemplate="%{x} cycle, "
                + APPLICANT_STAGE_LABELS[stage].lower()
                + ": %{y:.1f}% "
                + name.lower()
                + " (of those with known "
                + attribute
                + ")<br>95% CI %{customdata[0]}–%{customdata[1]}%"
                "<br>%{customdata[2]} applicants; " + attribute + " unknown for %{customdata[3]}"
                " (%{customdata[4]}%)<extra></extra>",
            )
        )
    applied = rows[(rows["stage"] == "applied") & rows[f"{unknown}_pct"].notna()]
    if len(applied):
        fig.add_trace(
            go.Scatter(
                x=applied["cycle"].astype(int).tolist(),
                y=applied[f"{unknown}_pct"].astype(float).tolist(),
                mode="lines+markers",
                name=f"{attribute[0].upper() + attribute[1:]} unknown (% of all applicants)",
                line={"color": GREY, "dash": "dot"},
                marker={"symbol": "circle-open"},
                customdata=applied[unknown],
                hovertemplate="%{x} cycle: " + attribute + " unknown for %{customdata} "
                "applicants (%{y:.1f}%)<extra></extra>",
            )
        )
    cycles = sorted(rows["cycle"].astype(int).unique()) if len(rows) else []
    bench_lines = []
    if track == "residency" and cycles:
        for key, stage in RESIDENCY_BENCHMARKS[share]:
            bench = benchmarks.get(key)
            if not bench:
                continue
            bench_lines.append((bench, stage))
            x = [cycles[0] - 0.3, cycles[-1] + 0.3]
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=[bench["value"]] * 2,
                    mode="lines",
                    name=f"National, {BENCHMARK_SHORT.get(bench['key'], bench['figure'])} ({bench['year']})",
                    line={"color": PALETTE[APPLICANT_STAGES.index(stage)], "dash": "dash", "width": 1.5},
                    hovertemplate=benchmark_hover(bench) + "<extra></extra>",
                )
            )
    fig.update_xaxes(
        title_text="Application cycle (match year)",
        tickmode="array",
        tickvals=cycles,
        ticktext=[str(c) for c in cycles],
    )
    fig.update_yaxes(title_text=f"{name} among those with known {attribute} (%)", ticksuffix="%", rangemode="tozero")
    hidden = int(rows[f"{share}_suppressed"].astype(bool).sum()) if len(rows) else 0
    parts = [suppressed_note(hidden, min_cell)]
    if track != "residency":
        parts.append("national figures describe residency only: none shown for this track")
    elif any(stage == "matched" for _, stage in bench_lines):
        parts.append(CLOSEST_NOTE)
    fig = themed(fig, share_title(rows, share, bench_lines), " · ".join(p for p in parts if p), height=440)
    fig.update_layout(
        legend={"orientation": "v", "x": 1.02, "y": 1, "xanchor": "left", "yanchor": "top"}, margin={"r": 260}
    )
    return fig


def share_title(rows: pd.DataFrame, share: str, bench_lines: list) -> str:
    name, _ = REPRESENTATION_SHARES[share]
    shown = rows[rows[f"{share}_pct"].notna()]
    if shown.empty:
        return f"Too few applicants to show the share of {name if share == 'urim' else 'women'} at any stage"
    latest = int(shown["cycle"].max())
    cells = {r["stage"]: r for r in records(shown[shown["cycle"] == latest])}
    who = "Women" if share == "women" else "URiM applicants"
    first = cells.get("applied") or next(iter(cells.values()))
    text = f"{who} were {_fmt_pct(first[f'{share}_pct'])} of {APPLICANT_STAGE_LABELS[first['stage']].lower()}"
    text = text.replace("of applied", "of applicants")
    last = next((cells[s] for s in ("matched", "ranked", "interviewed") if s in cells and s != first["stage"]), None)
    if last is not None:
        text += f" and {_fmt_pct(last[f'{share}_pct'])} of those {APPLICANT_STAGE_LABELS[last['stage']].lower()}"
    text += f" in {latest}"
    for bench, stage in bench_lines:
        if stage in cells:
            noun = "applicants" if stage == "applied" else "residents"
            text += f" (national: {bench['value']}% of {noun})"
            break
    return text


# --- pipeline programs ----------------------------------------------------------------------------


def pipeline_figure(frame: pd.DataFrame, min_cell: int, context: str = "") -> go.Figure:
    """The share of each stage's applicants who came through each pipeline program.

    frame: pipeline_share's rows (group, label, stage, n_stage, n, pct, suppressed)."""
    fig = go.Figure()
    groups = list(dict.fromkeys(frame["group"]))
    for i, group in enumerate(groups):
        part = shown_rows(frame[frame["group"] == group], value=None)
        part = part[part["pct"].notna()]
        if part.empty:
            continue
        label = part["label"].iloc[0]
        fig.add_trace(
            go.Bar(
                x=[APPLICANT_STAGE_LABELS[s] for s in part["stage"]],
                y=part["pct"].astype(float).tolist(),
                name=label,
                marker_color=PALETTE[i % len(PALETTE)] if group != "any" else "#000000",
                customdata=list(zip(part["n"], part["n_stage"])),
                hovertemplate="%{x}: %{y:.1f}% (%{customdata[0]} of %{customdata[1]})<extra>" + label + "</extra>",
            )
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(title_text="Share of the stage's applicants (%)", ticksuffix="%", rangemode="tozero")
    fig.update_xaxes(
        title_text="Stage reached",
        categoryorder="array",
        categoryarray=[APPLICANT_STAGE_LABELS[s] for s in APPLICANT_STAGES],
    )
    hidden = int(frame["suppressed"].astype(bool).sum()) if len(frame) else 0
    note = " · ".join(p for p in (context, suppressed_note(hidden, min_cell)) if p)
    return themed(fig, pipeline_title(frame), note)


def pipeline_title(frame: pd.DataFrame) -> str:
    rows = shown_rows(frame[frame["group"] == "any"], value=None) if len(frame) else frame
    rows = rows[rows["pct"].notna()] if len(rows) else rows
    cells = {r["stage"]: r for r in records(rows)} if len(rows) else {}
    if "applied" not in cells:
        return "Too few pipeline-program applicants to show their share"
    first = cells["applied"]
    last = next((cells[s] for s in ("matched", "ranked", "interviewed") if s in cells), None)
    text = f"Pipeline-program alumni are {_fmt_pct(first['pct'])} of applicants"
    if last is not None:
        text += f" and {_fmt_pct(last['pct'])} of those {APPLICANT_STAGE_LABELS[last['stage']].lower()}"
    return text


# --- the department at as_of ----------------------------------------------------------------------

# National figures beside each career stage (docs/metrics.md, National reference figures); faculty against faculty at ACGME programmes.
REPRESENTATION_BENCHMARKS = {
    "women": {"resident": "women_residents", "junior_faculty": "women_faculty", "senior_faculty": "women_faculty"},
    "urim": {"resident": "urim_residents"},
}


def representation_figure(frame: pd.DataFrame, benchmarks: dict, min_cell: int, as_of_text: str = "") -> go.Figure:
    """Women and URiM among the department's active people at as_of, by career stage, with national
    figures as markers. frame: representation's rows (career_stage, n, women_pct, urim_pct, ...)."""
    fig = go.Figure()
    order = [s for s in CAREER_STAGE_LABELS if s in set(frame["career_stage"])]
    labels = [CAREER_STAGE_LABELS[s] for s in order]
    for i, (share, (name, _)) in enumerate(REPRESENTATION_SHARES.items()):
        part = frame[frame[f"{share}_pct"].notna()]
        fig.add_trace(
            go.Bar(
                y=[CAREER_STAGE_LABELS[s] for s in part["career_stage"]],
                x=part[f"{share}_pct"].astype(float).tolist(),
                orientation="h",
                name=name,
                marker_color=PALETTE[i],
                customdata=list(
                    zip(
                        part["n"],
                        part[f"{share}_ci_low"],
                        part[f"{share}_ci_high"],
                        part["gender_unknown" if share == "women" else "urim_unknown"],
                    )
                ),
                hovertemplate="%{y}: %{x:.1f}% " + name + " (of %{customdata[0]} active; unknown for %{customdata[3]})"
                "<br>95% CI %{customdata[1]}–%{customdata[2]}%<extra></extra>",
            )
        )
        xs, ys, texts = [], [], []
        for stage, key in REPRESENTATION_BENCHMARKS[share].items():
            bench = benchmarks.get(key)
            if bench and stage in order:
                xs.append(bench["value"]), ys.append(CAREER_STAGE_LABELS[stage])
                texts.append(benchmark_hover(bench))
        if xs:
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="markers",
                    name="National figure",
                    orientation="h",
                    legendgroup="national",
                    showlegend=i == 0 or not any(t.name == "National figure" for t in fig.data),
                    marker={
                        "symbol": "line-ns-open",
                        "size": 22,
                        "color": "#000000",
                        "line": {"width": 3, "color": "#000000"},
                    },
                    hovertext=texts,
                    hoverinfo="text",
                )
            )
        else:  # keep the grouping of bars and markers aligned
            fig.add_trace(
                go.Scatter(
                    x=[None],
                    y=[labels[0]] if labels else [None],
                    mode="markers",
                    orientation="h",
                    showlegend=False,
                    hoverinfo="skip",
                )
            )
        hidden_rows = frame[frame[f"{share}_suppressed"].astype(bool)]
        if len(hidden_rows):
            fig.add_trace(
                go.Scatter(
                    x=[0.3] * len(hidden_rows),
                    y=[CAREER_STAGE_LABELS[s] for s in hidden_rows["career_stage"]],
                    mode="text",
                    text=[f"{name}: hidden (fewer than {min_cell})"] * len(hidden_rows),
                    textposition="middle right",
                    textfont={"color": "#777", "size": 11},
                    showlegend=False,
                    hoverinfo="skip",
                    orientation="h",
                )
            )
    fig.update_layout(barmode="group", scattermode="group")
    fig.update_yaxes(categoryorder="array", categoryarray=labels, autorange="reversed", title_text="Career stage")
    fig.update_xaxes(
        title_text="Share of active people with a known value (%)",
        ticksuffix="%",
        rangemode="tozero",
        showgrid=True,
        gridcolor="#e5e5e5",
    )
    hidden = (
        int(frame["women_suppressed"].astype(bool).sum() + frame["urim_suppressed"].astype(bool).sum())
        if len(frame)
        else 0
    )
    note = " · ".join(p for p in (as_of_text, suppressed_note(hidden, min_cell)) if p)
    return themed(fig, representation_title(frame, benchmarks), note, height=500)


def representation_title(frame: pd.DataFrame, benchmarks: dict) -> str:
    cells = {r["career_stage"]: r for r in records(frame)} if len(frame) else {}
    resident = cells.get("resident")
    if resident is not None and resident.get("women_pct") is not None and not pd.isna(resident["women_pct"]):
        text = f"Women are {_fmt_pct(resident['women_pct'])} of residents"
        bench = benchmarks.get("women_residents")
        if bench:
            text += f" against {bench['value']}% nationally ({bench['year']})"
        return text
    for share, who in (("women_pct", "Women are"), ("urim_pct", "URiM people are")):
        for stage, row in cells.items():  # a stage whose women are hidden may still show its URiM share
            if row.get(share) is not None and not pd.isna(row[share]):
                return f"{who} {_fmt_pct(row[share])} of {CAREER_STAGE_LABELS[stage].lower()}"
    return "Too few people in each career stage to show the share of women or URiM"
