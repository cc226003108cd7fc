"""The one theme every chart uses: colour-blind safe palette, a finding as the title, quiet axes."""

from __future__ import annotations

import copy
import re
import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from mentordash.vocabulary import CAREER_STAGE_LABELS

# Okabe-Ito: distinguishable with every common colour-vision deficiency.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
STAGE_COLOURS = {stage: PALETTE[i] for i, stage in enumerate(CAREER_STAGE_LABELS)}
FONT = "Source Sans Pro, Helvetica, Arial, sans-serif"


def _plotly_white_for_these_charts() -> go.layout.Template:
    """Plotly's "plotly_white", cut to the layout and the trace types these charts draw. Naming the whole
    template makes Plotly copy its defaults for every trace type into each figure (about 30 ms a figure,
    a dozen figures a page run); this one is validated once and costs a few ms."""
    white = pio.templates["plotly_white"].to_plotly_json()
    layout_keys = ("paper_bgcolor", "plot_bgcolor", "xaxis", "yaxis", "hovermode", "hoverlabel", "font", "title")
    layout_keys += ("autotypenumbers", "annotationdefaults", "shapedefaults", "coloraxis", "colorscale")
    return go.layout.Template(
        layout={key: white["layout"][key] for key in layout_keys if key in white["layout"]},
        data={kind: white["data"][kind] for kind in ("bar", "scatter", "heatmap")},
    )


TEMPLATE = _plotly_white_for_these_charts()
# Plotly's default template for every figure of the process: a figure then takes it without validating and
# copying it again (about 4 ms a figure when passed as layout.template), with the same JSON.
pio.templates["mentordash"] = TEMPLATE
pio.templates.default = "mentordash"


def themed(fig: go.Figure | dict, title: str, subtitle: str = "", height: int = 420) -> go.Figure:
    """The one theme: a finding as the title, the fine print as the subtitle, quiet axes. `fig` is a figure,
    or a draft: {"data": [trace dicts, each with its "type"], "layout": {...}} as Plotly's JSON has them,
    which is validated once, here, instead of property by property as a builder sets it."""
    text = f"{title}<br><sup>{subtitle}</sup>" if subtitle else title
    return _styled(fig, text, height, top=80 if subtitle else 60)


def _styled(fig: go.Figure | dict, title_text: str, height: int, top: int, title: dict | None = None) -> go.Figure:
    """A new figure: fig's traces and layout with the theme merged over them, as update_layout,
    update_xaxes and update_yaxes would merge it, but built from one dict and validated once (Plotly's
    step-by-step updates cost several times more, and a page run draws every chart of its open tab)."""
    if isinstance(fig, dict):  # a draft (themed() says what): the builder's own dicts, not shared
        layout = dict(fig.get("layout", {}))
        spec = {"data": list(fig["data"]), "layout": layout}
    else:  # Plotly's own trace and layout dicts (to_dict and to_plotly_json would encode arrays as base64)
        layout = {key: copy.deepcopy(value) for key, value in fig._layout.items() if key != "template"}
        spec = {"data": list(fig._data), "layout": layout}
    _merge(
        layout,
        {
            "title": {"text": title_text, "x": 0, "xanchor": "left", "font": {"size": 18}, **(title or {})},
            "font": {"family": FONT, "size": 13, "color": "#262730"},
            "colorway": PALETTE,
            "height": height,
            "margin": {"l": 60, "r": 20, "t": top, "b": 60},
            "legend": {"orientation": "h", "yanchor": "bottom", "y": -0.3, "x": 0},
            "hoverlabel": {"font": {"family": FONT}},
        },
    )
    for axis, style in (("xaxis", {"showgrid": False, "linecolor": "#888"}), ("yaxis", AXIS_GRID)):
        for key in [k for k in layout if re.fullmatch(f"{axis}\\d*", k)] or [axis]:
            _merge(layout.setdefault(key, {}), style)
    return disarm_links(go.Figure(spec))  # the template: TEMPLATE, as Plotly's default


AXIS_GRID = {"gridcolor": "#e5e5e5", "zeroline": False}


def _merge(target: dict, changes: dict) -> None:
    """changes into target, dicts merged key by key (as Plotly's update does), other values replaced."""
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = value


# Plotly draws <a href=...> in any text (tick labels, legend, hover) as a link: an uploaded division,
# wave or institution name must not become one (issue 13). Charts never use <a> themselves.
_LINK_TAG = re.compile(r"<(\s*/?\s*a)(?=[\s>/])", re.IGNORECASE)


_CONTAINERS = {dict, list, tuple, np.ndarray}


def _disarmed(value):
    """(value with every <a ...> tag shown as text, whether anything changed)."""
    if isinstance(value, str):
        fixed = _LINK_TAG.sub(r"&lt;\1", value) if "<" in value else value
        return fixed, fixed is not value
    if isinstance(value, dict):
        pairs = {key: _disarmed(item) for key, item in value.items()}
        changed = any(flag for _, flag in pairs.values())
        return ({key: item for key, (item, _) in pairs.items()} if changed else value), changed
    if isinstance(value, np.ndarray) and value.dtype != object:
        return value, False  # numbers and dates
    if isinstance(value, (list, tuple, np.ndarray)):
        kinds = set(map(type, value))
        if not kinds & _CONTAINERS and (
            str not in kinds or not _LINK_TAG.search("\x00".join(item for item in value if type(item) is str))
        ):
            return value, False  # a flat array: decided without a call per item
        items = [_disarmed(item) for item in value]
        changed = any(flag for _, flag in items)
        return ([item for item, _ in items] if changed else value), changed
    return value, False


def disarm_links(fig: go.Figure) -> go.Figure:
    """The figure with every <a> tag in its text shown as text (the same figure when there is none)."""
    # Plotly's own trace and layout dicts, read without the copy to_plotly_json() makes (a rerun draws
    # every chart again), and without Plotly's own template
    layout = {key: value for key, value in fig._layout.items() if key != "template"}
    fixed, changed = _disarmed({"data": fig._data, "layout": layout})
    if not changed:
        return fig
    return go.Figure({"data": fixed["data"], "layout": {**fixed["layout"], "template": fig._layout.get("template")}})


TITLE_LINE_PX = 24  # each extra line of a wrapped title
SUBTITLE_LINE_PX = 17  # each extra line of wrapped fine print


def wrap(text: str, width: int | None) -> list[str]:
    """`text` broken at spaces into lines of at most `width` characters (Plotly wraps neither titles nor
    hover text); one line when width is None, none when text is empty. A word longer than width stays whole."""
    if not text:
        return []
    if not width:
        return [text]
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)


def finish(
    fig: go.Figure | dict,
    title: str,
    subtitle: str = "",
    height: int = 420,
    title_chars: int | None = None,
    subtitle_chars: int | None = None,
) -> go.Figure:
    """themed() (of a figure or a draft), for titles that may not fit: the finding wrapped at `title_chars` characters and the fine
    print at `subtitle_chars`, the figure made taller and its top margin wider by a line's height for each
    line beyond the first, so that a wrapped title never covers the plot. `height` is the figure's height
    when both fit on one line."""
    title_lines = wrap(title, title_chars)
    subtitle_lines = wrap(subtitle, subtitle_chars)
    extra = TITLE_LINE_PX * max(len(title_lines) - 1, 0) + SUBTITLE_LINE_PX * max(len(subtitle_lines) - 1, 0)
    title_text = "<br>".join(title_lines)
    if subtitle_lines:
        title_text += "<br><sup>" + "</sup><br><sup>".join(subtitle_lines) + "</sup>"
    top = (80 if subtitle_lines else 60) + extra
    return _styled(
        fig, title_text, height + extra, top, {"yref": "container", "y": 1, "yanchor": "top", "pad": {"t": 12}}
    )


def shown_rows(frame: pd.DataFrame, value: str | None = "pct", flag: str = "suppressed") -> pd.DataFrame:
    """The rows a chart draws: not suppressed and, when `value` names a column, holding a value in it."""
    if frame.empty:
        return frame
    keep = ~frame[flag].astype(bool)
    if value is not None:
        keep &= frame[value].notna()
    return frame[keep]


def interval_bars(rows: pd.DataFrame, value: str = "pct", low: str = "ci_low", high: str = "ci_high", **style) -> dict:
    """Error bars (for error_x or error_y) from each row's `value` down to `low` and up to `high`: its 95%
    interval, or its quartiles; `style` is the trace's own (color, thickness, width)."""
    values = rows[value].astype(float)
    return {
        "type": "data",
        "symmetric": False,
        "array": (rows[high].astype(float) - values).tolist(),
        "arrayminus": (values - rows[low].astype(float)).tolist(),
        **style,
    }


def highest_lowest(shown: pd.DataFrame, value: str = "pct") -> tuple[pd.Series, pd.Series]:
    """The two ends of the shown rows ranked by `value`, highest first (ties in the frame's order): the
    rows a title's finding names as best and worst. The same row twice when one row is shown."""
    ranked = shown.sort_values(value, ascending=False, kind="stable")
    return ranked.iloc[0], ranked.iloc[-1]


def hidden_count(frame: pd.DataFrame, flag: str = "suppressed") -> int:
    """How many of the frame's cells are suppressed (for suppressed_note)."""
    return int(frame[flag].astype(bool).sum()) if len(frame) and flag in frame else 0


def suppressed_note(count: int, min_cell: int) -> str:
    if not count:
        return ""
    points = "point" if count == 1 else "points"
    return f"{count} {points} hidden: groups of fewer than {min_cell}"
