"""Coverage charts."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from mentordash.charts.theme import (
    PALETTE,
    STAGE_COLOURS,
    finish,
    hidden_count,
    highest_lowest,
    interval_bars,
    shown_rows,
    suppressed_note,
    themed,
)
from mentordash.frames import records
from mentordash.vocabulary import (
    ALL_STAGES,
    ALL_STAGES_LABEL,
    ANY_ROLE,
    CAREER_STAGE_LABELS,
    DIMENSION_NOUNS,
    GENDER_LABELS,
    NOT_RECORDED,
    NOT_RECORDED_LABEL,
    RACE_LABELS,
    ROLE_LABELS,
    ROLE_NOUNS,
    SOURCE_LABELS,
    URIM_LABELS,
)


def coverage_over_time(
    frame: pd.DataFrame,
    min_cell: int,
    x_label: str = "As of",
    role_noun: str = "mentor",
    mode: str | None = None,
    width: float = 2.5,
) -> go.Figure:
    """Lines of coverage (% of active people with an active mentor) by career stage over time, drawn with
    `mode` (without one: markers too, unless there are too many points) and lines `width` wide.

    frame: day, career_stage, n, covered, pct, ci_low, ci_high, suppressed."""
    shown = shown_rows(frame)
    many_points = shown["day"].nunique() > 60  # markers on every month of decades are noise
    lines = []
    for stage in [s for s in CAREER_STAGE_LABELS if s in set(shown["career_stage"])]:
        rows = shown[shown["career_stage"] == stage].sort_values("day")
        lines.append(
            {
                "type": "scatter",
                "x": rows["day"],
                "y": rows["pct"].astype(float),
                "mode": mode or ("lines" if many_points else "lines+markers"),
                "name": CAREER_STAGE_LABELS[stage],
                "line": {"color": STAGE_COLOURS[stage], "width": width},
                "customdata": list(zip(rows["covered"], rows["n"], rows["ci_low"], rows["ci_high"])),
                "hovertemplate": "%{x|%d %b %Y}: %{y:.1f}%<br>%{customdata[0]} of %{customdata[1]} people"
                "<br>95% CI %{customdata[2]}-%{customdata[3]}%<extra>" + CAREER_STAGE_LABELS[stage] + "</extra>",
            }
        )
    xaxis = {"title": {"text": x_label}}
    layout = {
        "yaxis": {
            "title": {"text": f"Active people with an active {role_noun} (%)"},
            "range": [0, 105],
            "ticksuffix": "%",
        },
        "xaxis": xaxis,
    }
    notes = [suppressed_note(hidden_count(frame), min_cell), _zoom_to_recent_years(xaxis, shown)]
    # a draft, validated once (charts.theme.themed)
    return themed(
        {"data": lines, "layout": layout}, _coverage_title(shown, role_noun), " · ".join(n for n in notes if n)
    )


RECENT_YEARS = 6


def _zoom_to_recent_years(xaxis: dict, shown: pd.DataFrame) -> str:
    """Open a long history on its last years (the rest stays one double-click away): the range set in the
    draft's `xaxis`; say so."""
    if shown.empty:
        return ""
    days = pd.to_datetime(shown["day"])
    first, last = days.min(), days.max()
    start = last - pd.DateOffset(years=RECENT_YEARS)
    if first >= start:
        return ""
    xaxis["range"] = [start, last + pd.Timedelta(days=20)]
    return f"showing the last {RECENT_YEARS} years; double-click the chart for all since {first.year}"


def _coverage_title(shown: pd.DataFrame, role_noun: str = "mentor") -> str:
    return best_mentored_title(shown[shown["day"] == shown["day"].max()] if len(shown) else shown, role_noun)


def best_mentored_title(latest: pd.DataFrame, noun: str = "mentor") -> str:
    """The finding of a chart of coverage by career stage, from the shown rows of its latest point:
    which stage is best mentored and which least (or the one stage's share)."""
    if latest.empty:
        return "No coverage figure can be shown for this selection"
    best, worst = highest_lowest(latest)
    if best["career_stage"] == worst["career_stage"]:
        return f"{best['pct']:.0f}% of {CAREER_STAGE_LABELS[best['career_stage']].lower()} have an active {noun}"
    return (
        f"{CAREER_STAGE_LABELS[best['career_stage']]} are the best mentored ({best['pct']:.0f}%), "
        f"{CAREER_STAGE_LABELS[worst['career_stage']].lower()} the least ({worst['pct']:.0f}%)"
    )


# --- The coverage page (issue 4) -----------------------------------------------------------------

# The groups of coverage by group: each dimension's values (mentordash.vocabulary), and the groups this
# breakdown adds (no division recorded, small divisions combined).
COVERAGE_GROUP_LABELS = {
    **GENDER_LABELS,
    NOT_RECORDED: NOT_RECORDED_LABEL,
    **URIM_LABELS,
    "unknown": "Unknown",
    **RACE_LABELS,
    "none": "No division",
    "smaller_groups": "Smaller groups, combined",
}
SOURCE_COLOURS = {source: colour for source, colour in zip(SOURCE_LABELS, [*PALETTE[:7], "#BBBBBB"])}
COVERED_COLOUR, ENGAGED_COLOUR, BENCHMARK_COLOUR, OVER_COLOUR, MUTED = (
    PALETTE[0],
    PALETTE[4],
    PALETTE[1],
    PALETTE[5],
    "#999999",
)


NARROW = 46  # characters of title per line in a half-width chart
NARROW_NOTE = 60  # characters of fine print per line in a half-width chart


def _stage_label(stage: str) -> str:
    return ALL_STAGES_LABEL if stage == ALL_STAGES else CAREER_STAGE_LABELS.get(stage, stage)


def group_label(value: str) -> str:
    return COVERAGE_GROUP_LABELS.get(value, value)


def coverage_by_stage(frame: pd.DataFrame, role: str, min_cell: int) -> go.Figure:
    """Bars of coverage and engaged coverage by career stage for one role, with the 95% Wilson interval
    of coverage. frame: coverage_by_role rows of that role (career_stage, n, covered, pct, engaged,
    engaged_pct, ci_low, ci_high, suppressed), 'all' included."""
    noun = ROLE_NOUNS.get(role, role)
    stages = frame[frame["career_stage"] != ALL_STAGES]
    shown = shown_rows(stages)
    x = [_stage_label(s) for s in shown["career_stage"]]
    covered = _stage_bars(
        x,
        shown["pct"],
        f"Has an active {noun}",
        COVERED_COLOUR,
        list(zip(shown["covered"], shown["n"], shown["ci_low"], shown["ci_high"])),
        "%{x}: %{y:.1f}%<br>%{customdata[0]} of %{customdata[1]} people"
        "<br>95% CI %{customdata[2]}-%{customdata[3]}%<extra></extra>",
        error_y=interval_bars(shown, color="#444"),
    )
    engaged = _stage_bars(
        x,
        shown["engaged_pct"],
        f"Met their {noun} in the window (engaged)",
        ENGAGED_COLOUR,
        list(zip(shown["engaged"], shown["n"])),
        "%{x}: %{y:.1f}% engaged<br>%{customdata[0]} of %{customdata[1]} people<extra></extra>",
    )
    layout = {
        "barmode": "group",
        "yaxis": {"title": {"text": "Active people (%)"}, "range": [0, 105], "ticksuffix": "%"},
        "xaxis": {"title": {"text": "Career stage"}},
    }
    return finish(
        {"data": [covered, engaged], "layout": layout},  # a draft, validated once (charts.theme.themed)
        _stage_title(shown, noun),
        suppressed_note(hidden_count(stages), min_cell),
        title_chars=70,
    )


def _stage_bars(x: list, pct: pd.Series, name: str, colour: str, customdata: list, hover: str, **extra) -> dict:
    """One bar trace of coverage_by_stage's draft: a share per stage, labelled inside its bar."""
    return {
        "type": "bar",
        "x": x,
        "y": pct.to_numpy(dtype=float),
        "name": name,
        "marker": {"color": colour},
        **extra,
        "text": [_pct_text(p) for p in pct],
        "textposition": "inside",
        "insidetextanchor": "start",
        "customdata": customdata,
        "hovertemplate": hover,
    }


def _stage_title(shown: pd.DataFrame, noun: str) -> str:
    if shown.empty:
        return "No career stage is large enough to show"
    best, worst = highest_lowest(shown)
    if len(shown) == 1 or best["pct"] == worst["pct"]:
        return f"{best['pct']:.0f}% of {_stage_label(best['career_stage']).lower()} have an active {noun}"
    return (
        f"{best['pct']:.0f}% of {_stage_label(best['career_stage']).lower()} have an active {noun}, "
        f"against {worst['pct']:.0f}% of {_stage_label(worst['career_stage']).lower()}"
    )


def role_grid(frame: pd.DataFrame, min_cell: int) -> go.Figure:
    """A grid of coverage by role (rows) and career stage (columns), each cell '68% (24 of 35)';
    suppressed cells are blank and say 'hidden'. frame: coverage_by_role."""
    roles = [r for r in ROLE_LABELS if r in set(frame["role"])]
    stages = [s for s in (*CAREER_STAGE_LABELS, ALL_STAGES) if s in set(frame["career_stage"])]
    cells = {(row["role"], row["career_stage"]): row for row in records(frame)}  # one pass, not 42 filters
    z, text = [], []
    for role in roles:
        z_row, text_row = [], []
        for stage in stages:
            row = cells.get((role, stage))
            if row is None:
                z_row.append(None)
                text_row.append("")
            elif bool(row["suppressed"]) or row["pct"] is None:
                z_row.append(None)
                text_row.append(f"hidden (<{min_cell})" if bool(row["suppressed"]) else "no data")
            else:
                z_row.append(float(row["pct"]))
                text_row.append(f"{row['pct']:.0f}%<br>{int(row['covered'])} of {int(row['n'])}")
        z.append(z_row)
        text.append(text_row)
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[_stage_label(s) for s in stages],
            y=[ROLE_LABELS[r] for r in roles],
            text=text,
            texttemplate="%{text}",
            textfont={"size": 13},
            zmin=0,
            zmax=100,
            colorscale=[[0, "#f7fbff"], [1, "#2b7bba"]],
            colorbar={"title": {"text": "%"}, "ticksuffix": "%"},
            hovertemplate="%{y}, %{x}: %{text}<extra></extra>",
            xgap=2,
            ygap=2,
        )
    )
    fig.update_yaxes(autorange="reversed", title_text="Relationship role", showgrid=False)
    fig.update_xaxes(side="top", showgrid=False)
    hidden = hidden_count(frame[frame["role"] == roles[0]]) if roles else 0
    fig = themed(fig, _grid_title(frame), suppressed_note(hidden, min_cell), height=440)
    fig.update_layout(margin={"t": 120})
    return fig


def _grid_title(frame: pd.DataFrame) -> str:
    totals = frame[(frame["career_stage"] == ALL_STAGES) & ~frame["suppressed"].astype(bool) & frame["pct"].notna()]
    mentor = totals[totals["role"] == "mentor"]
    anyrole = totals[totals["role"] == ANY_ROLE]
    if mentor.empty or anyrole.empty:
        return "Coverage by relationship role and career stage"
    return (
        f"{mentor.iloc[0]['pct']:.0f}% have an active mentor; "
        f"{anyrole.iloc[0]['pct']:.0f}% have someone in any mentoring role"
    )


def resident_benchmark(department: dict | None, bench: dict | None, min_cell: int) -> go.Figure:
    """The department's residents with an active mentor (with its 95% interval) beside the national figure."""
    traces = []
    note = ""
    title = "The national benchmark for residents cannot be compared with this selection"
    if bench is not None:
        label = f"National ({bench.get('year', '')})"
        traces.append(
            {
                "type": "bar",
                "y": [label],
                "x": [float(bench["value"])],
                "orientation": "h",
                "name": "National benchmark",
                "marker": {"color": BENCHMARK_COLOUR},
                "text": [f"{float(bench['value']):.1f}%"],
                "textposition": "inside",
                "hovertemplate": f"{bench.get('figure', '')}: %{{x:.1f}}%<br>{bench.get('source', '')}, "
                f"{bench.get('year', '')}<extra></extra>",
            }
        )
    if department is not None and department.get("suppressed"):
        note = suppressed_note(1, min_cell)
    elif department is not None and department.get("pct") is not None:
        p = float(department["pct"])
        traces.append(
            {
                "type": "bar",
                "y": ["Residents here"],
                "x": [p],
                "orientation": "h",
                "name": "This department",
                "marker": {"color": COVERED_COLOUR},
                "text": [f"{p:.1f}%"],
                "textposition": "inside",
                "insidetextanchor": "start",
                "error_x": {
                    "type": "data",
                    "symmetric": False,
                    "array": [float(department["ci_high"]) - p],
                    "arrayminus": [p - float(department["ci_low"])],
                    "color": "#444",
                },
                "hovertemplate": f"%{{x:.1f}}%: {department['covered']} of {department['n']} residents<br>"
                f"95% CI {department['ci_low']}-{department['ci_high']}%<extra></extra>",
            }
        )
        if bench is not None:
            diff = p - float(bench["value"])
            inside = float(department["ci_low"]) <= float(bench["value"]) <= float(department["ci_high"])
            side = "above" if diff > 0 else "below"
            title = (
                f"{p:.0f}% of residents here have an active mentor, against {float(bench['value']):.0f}% "
                f"nationally"
                + (" (within this department's margin of error)" if inside else f" ({abs(diff):.0f} points {side})")
            )
        else:
            title = f"{p:.0f}% of residents here have an active mentor"
    elif department is None:
        note = "Residents are not in the chosen career stages"
    layout = {
        "xaxis": {"title": {"text": "Residents with a mentor (%)"}, "range": [0, 105], "ticksuffix": "%"},
        "showlegend": False,
        "bargap": 0.35,
    }
    if bench is not None:
        note = "; ".join(x for x in (note, f"National: {bench.get('source', '')}, {bench.get('year', '')}") if x)
    draft = {"data": traces, "layout": layout}  # validated once (charts.theme.themed)
    return finish(draft, title, note, height=280, title_chars=40, subtitle_chars=NARROW_NOTE)


def trim_leading_empty(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop the months before the first one with any shown point (they show nothing but hidden points)."""
    shown = shown_rows(frame)
    if shown.empty:
        return frame
    return frame[frame["day"] >= shown["day"].min()]


def coverage_monthly(frame: pd.DataFrame, role: str, min_cell: int) -> go.Figure:
    """Monthly coverage by career stage (coverage_monthly), from the first month with a shown point."""
    frame = trim_leading_empty(frame)
    return coverage_over_time(
        frame, min_cell, x_label="Month end", role_noun=ROLE_NOUNS.get(role, role), mode="lines", width=2
    )


def coverage_by_group(
    frame: pd.DataFrame, dimension: str, min_cell: int, role: str = "mentor", overall: float | None = None
) -> go.Figure:
    """Coverage in each group of one dimension with its 95% Wilson interval and counts, as dots with
    whiskers; the overall figure as a dotted line. frame: coverage_by_group rows of that dimension."""
    noun = ROLE_NOUNS.get(role, role)
    rows = frame[frame["dimension"] == dimension]
    shown = shown_rows(rows).sort_values("pct")
    labels = [
        f"{group_label(g)} (n={int(n)}): {float(p):.0f}%" for g, n, p in zip(shown["group"], shown["n"], shown["pct"])
    ]
    dots = {
        "type": "scatter",
        "x": shown["pct"].to_numpy(dtype=float),
        "y": labels,
        "mode": "markers",
        "marker": {"size": 11, "color": COVERED_COLOUR},
        "error_x": interval_bars(shown, color=COVERED_COLOUR, thickness=2),
        "customdata": list(zip(shown["covered"], shown["n"], shown["ci_low"], shown["ci_high"])),
        "hovertemplate": "%{y}<br>%{customdata[0]} of %{customdata[1]} people"
        "<br>95% CI %{customdata[2]}-%{customdata[3]}%<extra></extra>",
        "name": f"Has an active {noun}",
    }
    layout = {
        "xaxis": {"title": {"text": f"With an active {noun} (%), 95% CI"}, "range": [0, 102], "ticksuffix": "%"},
        "yaxis": {"showgrid": False},
        "showlegend": False,
    }
    if overall is not None:  # a dotted line across the plot at everyone's figure, labelled at its foot
        layout.update(_everyone_line(float(overall)))
    height = 150 + 38 * max(len(shown), 1)
    return finish(
        {"data": [dots], "layout": layout},  # a draft, validated once (charts.theme.themed)
        group_title(shown, dimension, noun),
        suppressed_note(hidden_count(rows), min_cell),
        height=height,
        title_chars=NARROW,
        subtitle_chars=NARROW_NOTE,
    )


def _everyone_line(x: float) -> dict:
    """The layout's shape and label of a vertical dotted line at x: what fig.add_vline(x, line_dash="dot",
    annotation_position="bottom right", ...) adds, written out for a draft."""
    line = {"type": "line", "x0": x, "x1": x, "xref": "x", "y0": 0, "y1": 1, "yref": "y domain"}
    label = {"x": x, "xref": "x", "y": 0, "yref": "y domain", "xanchor": "left", "yanchor": "bottom"}
    return {
        "shapes": [{**line, "line": {"color": MUTED, "dash": "dot"}}],
        "annotations": [{**label, "text": f"everyone {x:.0f}%", "showarrow": False, "font": {"color": "#666"}}],
    }


def group_title(shown: pd.DataFrame, dimension: str, noun: str = "mentor") -> str:
    """The finding: the gap between the best and the least covered named groups, and whether the
    intervals overlap (a gap larger than chance or not)."""
    named = shown[~shown["group"].isin([NOT_RECORDED, "unknown", "undisclosed", "none", "smaller_groups"])]
    label = DIMENSION_NOUNS.get(dimension, dimension)
    if len(named) < 2:
        return f"Too few {label} groups can be shown to compare (small groups are hidden)"
    high, low = highest_lowest(named)
    a, b = group_label(high["group"]), group_label(low["group"])
    if float(low["ci_high"]) < float(high["ci_low"]):
        return f"{a}: {high['pct']:.0f}% have an active {noun}, {b}: {low['pct']:.0f}%: a gap larger than chance"
    if high["pct"] == low["pct"]:
        return f"By {label}, every group is covered alike ({high['pct']:.0f}%)"
    return f"By {label}, from {low['pct']:.0f}% ({b}) to {high['pct']:.0f}% ({a}): the intervals overlap, no clear gap"


def load_distribution(frame: pd.DataFrame, capacity: int, min_cell: int) -> go.Figure:
    """Mentors by number of mentees (mentor_load_distribution); bars over capacity in vermillion."""
    shown = shown_rows(frame, "mentors")
    fig = go.Figure()
    for over, name, colour in ((False, "Within capacity", COVERED_COLOUR), (True, "Over capacity", OVER_COLOUR)):
        part = shown[shown["over_capacity"].astype(bool) == over]
        if part.empty:
            continue
        fig.add_trace(
            go.Bar(
                x=part["load"].astype(int),
                y=part["mentors"].astype(int),
                name=name,
                marker_color=colour,
                text=part["mentors"].astype(int),
                textposition="outside",
                hovertemplate="%{y} mentors with %{x} mentees<extra></extra>",
            )
        )
    fig.add_vline(
        x=capacity + 0.5,
        line_dash="dash",
        line_color=MUTED,
        annotation_text=f"capacity {capacity}",
        annotation_position="top right",
    )
    fig.update_xaxes(title_text="Active mentees per mentor", dtick=1)
    fig.update_yaxes(title_text="Mentors")
    note = suppressed_note(len(frame), min_cell) if hidden_count(frame) else ""
    if shown.empty:
        fig.update_xaxes(range=[0.5, capacity + 1.5])
        fig.update_yaxes(range=[0, 5])
        title = (
            f"No mentor load can be shown: fewer than {min_cell} mentors match the filters (they select the mentors)"
        )
    else:
        mentors = int(shown["mentors"].sum())
        over = int(shown.loc[shown["over_capacity"].astype(bool), "mentors"].sum())
        title = (
            f"{over} of {mentors} mentors are over capacity (more than {capacity} mentees)"
            if over
            else f"No mentor is over capacity: all {mentors} have {capacity} mentees or fewer"
        )
    return finish(fig, title, note, title_chars=NARROW, subtitle_chars=NARROW_NOTE)


def minority_tax(frame: pd.DataFrame, min_cell: int) -> go.Figure:
    """Share of faculty against share of the mentoring load, for women and for URiM faculty (load_by_group)."""
    names = {"women": "Women faculty", "urim": "URiM faculty"}
    shown = frame[~frame["suppressed"].astype(bool) & frame["load_share_pct"].notna()]
    y = [names.get(g, g) for g in shown["group"]]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            y=y,
            x=shown["faculty_share_pct"].astype(float),
            orientation="h",
            name="Share of faculty",
            marker_color=MUTED,
            text=[f"{v:.0f}%" for v in shown["faculty_share_pct"]],
            textposition="outside",
            customdata=list(zip(shown["faculty_in_group"], shown["faculty_known"])),
            hovertemplate="%{y}: %{x:.1f}% of faculty (%{customdata[0]} of %{customdata[1]})<extra></extra>",
        )
    )
    fig.add_trace(
        go.Bar(
            y=y,
            x=shown["load_share_pct"].astype(float),
            orientation="h",
            name="Share of mentoring load",
            marker_color=OVER_COLOUR,
            text=[f"{v:.0f}%" for v in shown["load_share_pct"]],
            textposition="outside",
            customdata=list(
                zip(
                    shown["load_in_group"],
                    shown["load_known"],
                    shown["mentees_per_faculty"],
                    shown["mentees_per_other_faculty"],
                )
            ),
            hovertemplate="%{y}: %{x:.1f}% of the load (%{customdata[0]} of %{customdata[1]} mentees)<br>"
            "%{customdata[2]} mentees each, against %{customdata[3]} for other faculty<extra></extra>",
        )
    )
    fig.update_layout(barmode="group", bargap=0.3, legend={"y": -0.25})
    top = max([float(v) for v in [*shown["faculty_share_pct"], *shown["load_share_pct"]]] + [10.0])
    fig.update_xaxes(range=[0, min(105, top * 1.3 + 5)], ticksuffix="%")
    fig.update_yaxes(autorange="reversed")
    fig = finish(
        fig,
        _tax_title(shown, names),
        suppressed_note(hidden_count(frame), min_cell),
        height=340,
        title_chars=NARROW,
        subtitle_chars=NARROW_NOTE,
    )
    fig.update_layout(margin={"b": 90})
    return fig


def _tax_title(shown: pd.DataFrame, names: dict) -> str:
    if shown.empty:
        return "Too few faculty in a group to compare their share of the load"
    parts = []
    for row in records(shown):
        load, share = float(row["load_share_pct"]), float(row["faculty_share_pct"])
        word = "more than" if load > share + 1 else ("less than" if load < share - 1 else "about")
        parts.append(
            f"{names.get(row['group'], row['group'])} carry {load:.0f}% of the mentoring load, "
            f"{word} their {share:.0f}% share of faculty"
        )
    return "; ".join(parts)


def relationship_sources(frame: pd.DataFrame, min_cell: int) -> go.Figure:
    """Where the active relationships began, by the mentee's career stage, as 100% stacked bars."""
    shown = shown_rows(frame)
    stages = [s for s in CAREER_STAGE_LABELS if s in set(shown["career_stage"])]
    fig = go.Figure()
    for source in [s for s in SOURCE_LABELS if s in set(shown["source"])]:
        part = shown[shown["source"] == source].set_index("career_stage")
        present = [s for s in stages if s in part.index]
        fig.add_trace(
            go.Bar(
                y=[CAREER_STAGE_LABELS[s] for s in present],
                x=[float(part.loc[s, "pct"]) for s in present],
                orientation="h",
                name=SOURCE_LABELS[source],
                marker_color=SOURCE_COLOURS[source],
                text=[f"{float(part.loc[s, 'pct']):.0f}%" if float(part.loc[s, "pct"]) >= 6 else "" for s in present],
                textposition="inside",
                insidetextanchor="middle",
                customdata=[
                    [
                        _count(part.loc[s, "relationships"], min_cell),
                        _count(part.loc[s, "stage_relationships"], min_cell),
                        _count(part.loc[s, "formal"], min_cell),
                    ]
                    for s in present
                ],
                hovertemplate=SOURCE_LABELS[source] + ": %{x:.1f}% (%{customdata[0]} of %{customdata[1]} "
                "relationships, %{customdata[2]} formal)<extra>%{y}</extra>",
            )
        )
    fig.update_xaxes(title_text="Active relationships (%)", range=[0, 100.5], ticksuffix="%")
    fig.update_yaxes(autorange="reversed")
    hidden = frame.loc[frame["suppressed"].astype(bool), "career_stage"].nunique() if len(frame) else 0
    fig = finish(
        fig, _sources_title(shown), suppressed_note(int(hidden), min_cell), height=120 + 70 * max(len(stages), 3)
    )
    fig.update_layout(
        barmode="stack",
        legend={"orientation": "v", "x": 1.02, "y": 1, "yanchor": "top", "traceorder": "normal"},
        margin={"r": 260},
    )
    return fig


def _pct_text(value) -> str:
    """A bar's label; a share made from a count too small to publish (viewers) has none."""
    return "" if value is None or pd.isna(value) else f"{float(value):.0f}%"


def _count(value, min_cell: int) -> str:
    """A count for hover text; one too small to publish (viewers) reads "fewer than N"."""
    return f"fewer than {min_cell}" if value is None or pd.isna(value) else f"{int(value):,}"


def _sources_title(shown: pd.DataFrame) -> str:
    if shown.empty:
        return "No relationships can be shown for this selection"
    totals = shown.groupby("source")["relationships"].sum().astype(int)
    all_relationships = int(totals.sum())
    top = totals.sort_values(ascending=False).index[0]
    share = 100 * int(totals[top]) / all_relationships
    return f"{share:.0f}% of active relationships began through {SOURCE_LABELS[top].split(' (')[0].lower()}"


def formal_informal(frame: pd.DataFrame, min_cell: int) -> go.Figure:
    """Formal and informal active relationships by the mentee's career stage (formal_by_stage)."""
    shown = shown_rows(frame, "formal_pct")
    y = [CAREER_STAGE_LABELS.get(s, s) for s in shown["career_stage"]]
    fig = go.Figure()
    formal = shown["formal_pct"].astype(float) if len(shown) else pd.Series(dtype=float)
    fig.add_trace(
        go.Bar(
            y=y,
            x=formal,
            orientation="h",
            name="Formal (matched through a program)",
            marker_color=COVERED_COLOUR,
            text=[f"{v:.0f}%" for v in formal],
            textposition="inside",
            customdata=list(zip(shown["formal"], shown["relationships"], shown["ci_low"], shown["ci_high"])),
            hovertemplate="%{y}: %{x:.1f}% formal (%{customdata[0]} of %{customdata[1]})<br>"
            "95% CI %{customdata[2]}-%{customdata[3]}%<extra></extra>",
        )
    )
    fig.add_trace(
        go.Bar(
            y=y,
            x=100 - formal,
            orientation="h",
            name="Informal",
            marker_color=BENCHMARK_COLOUR,
            text=[f"{100 - v:.0f}%" for v in formal],
            textposition="inside",
            customdata=list(zip(shown["informal"], shown["relationships"])),
            hovertemplate="%{y}: %{x:.1f}% informal (%{customdata[0]} of %{customdata[1]})<extra></extra>",
        )
    )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title_text="Active relationships (%)", range=[0, 100.5], ticksuffix="%")
    fig.update_yaxes(autorange="reversed")
    if shown.empty:
        title = "No relationships can be shown for this selection"
    else:
        formal_all = int(shown["formal"].sum())
        total = int(shown["relationships"].sum())
        title = f"{100 * formal_all / total:.0f}% of active relationships were matched through a program (any source)"
    fig = finish(fig, title, suppressed_note(hidden_count(frame), min_cell), height=120 + 70 * max(len(shown), 3))
    fig.update_layout(legend={"orientation": "v", "x": 1.02, "y": 1, "yanchor": "top"}, margin={"r": 260})
    return fig


def time_to_match(frame: pd.DataFrame, min_cell: int, years_back: int = 3, role: str = "mentor") -> go.Figure:
    """Median days from starting to the first relationship, by career stage, with the quartiles as
    whiskers (time_to_match); the share matched so far in the hover and the bar labels."""
    noun = ROLE_NOUNS.get(role, role)
    shown = frame[~frame["days_suppressed"].astype(bool) & frame["median_days"].notna()]
    x = [
        f"{CAREER_STAGE_LABELS.get(s, s)}<br>{int(k)} of {int(n)} matched"
        for s, k, n in zip(shown["career_stage"], shown["matched"], shown["n"])
    ]
    med = shown["median_days"].astype(float)
    fig = go.Figure(
        go.Bar(
            x=x,
            y=med,
            marker_color=COVERED_COLOUR,
            name="Median days to match",
            error_y=interval_bars(shown, "median_days", "q1_days", "q3_days", color="#444"),
            text=[f"{m:.0f} d" for m in med],
            textposition="inside",
            insidetextanchor="start",
            customdata=list(
                zip(shown["q1_days"], shown["q3_days"], shown["matched"], shown["n"], shown["within_90_pct"].fillna(-1))
            ),
            hovertemplate="Median %{y:.0f} days (middle half %{customdata[0]}-%{customdata[1]})<br>"
            "%{customdata[2]} of %{customdata[3]} newcomers matched so far<extra></extra>",
        )
    )
    fig.update_yaxes(title_text="Days to first relationship", rangemode="tozero")
    fig.update_xaxes(title_text=f"Career stage (people who started in the last {years_back} years)")
    fig.update_layout(showlegend=False)
    if shown.empty:
        title = "Too few newcomers were matched to show how long it takes"
    else:
        slow = shown.sort_values("median_days", ascending=False).iloc[0]
        fast = shown.sort_values("median_days").iloc[0]
        title = (
            f"Newcomers wait a median of {fast['median_days']:.0f} days ({CAREER_STAGE_LABELS[fast['career_stage']].lower()}) "
            f"to {slow['median_days']:.0f} days ({CAREER_STAGE_LABELS[slow['career_stage']].lower()}) for a first {noun}"
            if len(shown) > 1 and slow["career_stage"] != fast["career_stage"]
            else f"{CAREER_STAGE_LABELS[fast['career_stage']]} wait a median of {fast['median_days']:.0f} days for a first {noun}"
        )
    return finish(fig, title, suppressed_note(hidden_count(frame, "days_suppressed"), min_cell), title_chars=90)
