"""A chart as a PNG, drawn on the server by kaleido (which finds /usr/bin/chromium by itself).

Kaleido starts a headless Chromium the first time it is asked and keeps it for the life of the process,
so the first PNG takes a few seconds and later ones a fraction of a second. No Streamlit here: the app's
chart download buttons and anything else call `figure_png`.
"""

from __future__ import annotations

import threading

import plotly.graph_objects as go

DEFAULT_WIDTH = 1200  # pixels before `scale`: a chart as wide as a slide
SCALE = 2  # twice that, sharp when printed or projected
_started = threading.Lock()
_server = {"running": False}


def _ensure_server() -> None:
    import kaleido

    with _started:
        if not _server["running"]:
            kaleido.start_sync_server(silence_warnings=True)
            _server["running"] = True


def figure_png(fig: go.Figure, width: int | None = None, height: int | None = None, scale: float = SCALE) -> bytes:
    """The figure drawn as PNG bytes, at its own height (or `height`) and DEFAULT_WIDTH (or `width`)."""
    import kaleido

    _ensure_server()
    spec = fig.to_plotly_json()
    layout = spec.get("layout", {})
    opts = {
        "format": "png",
        "scale": scale,
        "width": int(width or layout.get("width") or DEFAULT_WIDTH),
        "height": int(height or layout.get("height") or 450),
    }
    return kaleido.calc_fig_sync(spec, opts=opts)


def file_name(title: str, fallback: str = "chart") -> str:
    """A file name from a chart's title: 'coverage-by-career-stage.png'."""
    words = "".join(c.lower() if c.isalnum() else " " for c in (title or "").split("<br>")[0]).split()
    stem = "-".join(words[:8]) or fallback
    return f"{stem}.png"
