"""The overview's chart: coverage by career stage at the end of each academic year."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from mentordash.charts.coverage import best_mentored_title
from mentordash.charts.theme import STAGE_COLOURS, hidden_count, shown_rows, suppressed_note, themed
from mentordash.vocabulary import CAREER_STAGE_LABELS


def coverage_by_academic_year(frame: pd.DataFrame, min_cell: int) -> go.Figure:
    """Lines of coverage by career stage over academic years.

    frame: period (an academic year such as '2024-25', or 'as of 26 Nov 2026'), career_stage, n, covered,
    pct, ci_low, ci_high, suppressed."""
    periods = list(dict.fromkeys(frame["period"]))
    shown = shown_rows(frame)
    traces = []
    for stage in [s for s in CAREER_STAGE_LABELS if s in set(shown["career_stage"])]:
        rows = shown[shown["career_stage"] == stage]
        traces.append(
            {
                "type": "scatter",
                "x": rows["period"].tolist(),
                "y": rows["pct"].to_numpy(dtype=float),
                "mode": "lines+markers",
                "name": CAREER_STAGE_LABELS[stage],
                "line": {"color": STAGE_COLOURS[stage], "width": 2.5},
                "marker": {"size": 8},
                "customdata": [
                    list(point) for point in zip(rows["covered"], rows["n"], rows["ci_low"], rows["ci_high"])
                ],
                "hovertemplate": "%{x}: %{y:.1f}%<br>%{customdata[0]} of %{customdata[1]} people"
                "<br>95% CI %{customdata[2]}-%{customdata[3]}%<extra>" + CAREER_STAGE_LABELS[stage] + "</extra>",
            }
        )
    layout = {
        "xaxis": {
            "title": {"text": "Academic year (coverage on 30 June), then the as-of date"},
            "type": "category",
            "categoryorder": "array",
            "categoryarray": periods,
        },
        "yaxis": {"title": {"text": "Active people with an active mentor (%)"}, "range": [0, 105], "ticksuffix": "%"},
    }
    # a draft validated once by themed(): about a third of building it trace by trace
    return themed(
        {"data": traces, "layout": layout}, _title(shown, periods), suppressed_note(hidden_count(frame), min_cell)
    )


def _title(shown: pd.DataFrame, periods: list[str]) -> str:
    return best_mentored_title(shown[shown["period"] == periods[-1]] if periods else shown)
