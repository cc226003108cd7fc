"""The one theme every chart uses: colour-blind safe palette, a finding as the title, quiet axes."""

from __future__ import annotations

import plotly.graph_objects as go

from mentordash.config import STAGE_LABELS

# Okabe-Ito: distinguishable with every common colour-vision deficiency.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
STAGE_COLOURS = {stage: PALETTE[i] for i, stage in enumerate(STAGE_LABELS)}
FONT = "Source Sans Pro, Helvetica, Arial, sans-serif"


def themed(fig: go.Figure, title: str, subtitle: str = "", height: int = 420) -> go.Figure:
    """The one theme: a finding as the title, the fine print as the subtitle, quiet axes."""
    text = f"{title}<br><sup>{subtitle}</sup>" if subtitle else title
    fig.update_layout(
        title={"text": text, "x": 0, "xanchor": "left", "font": {"size": 18}},
        font={"family": FONT, "size": 13, "color": "#262730"},
        colorway=PALETTE, template="plotly_white", height=height,
        margin={"l": 60, "r": 20, "t": 80 if subtitle else 60, "b": 60},
        legend={"orientation": "h", "yanchor": "bottom", "y": -0.3, "x": 0},
        hoverlabel={"font_family": FONT},
    )
    fig.update_xaxes(showgrid=False, linecolor="#888")
    fig.update_yaxes(gridcolor="#e5e5e5", zeroline=False)
    return fig


def suppressed_note(count: int, min_cell: int) -> str:
    if not count:
        return ""
    points = "point" if count == 1 else "points"
    return f"{count} {points} hidden: groups of fewer than {min_cell}"


