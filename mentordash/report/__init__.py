"""The leadership report (issue 17): one self-contained HTML file, and the same content as PDF.

    html = render_html(db, as_of, filters, audience)       # str, opens with no network
    pdf = html_to_pdf(html, header)                        # bytes, through headless Chromium
    write_report(db, as_of, filters, audience, "r.pdf")     # what `python -m mentordash report` does

The app's "Download report" button and the command line both call `make_report`, so the same filters,
date and audience give the same content. No Streamlit here.

Speed (issue 17: the department report in under 10 s): every figure is read in one snapshot of the data,
each metrics call once; the charts are laid out once, as JSON that the embedded Plotly.js draws; the HTML
is rendered once and the PDF printed from that same HTML (Report.pdf keeps it) by a Chromium kept for
the life of the process, in a page that has run Plotly's JavaScript ahead of time (report.pdf); the
command line and the app's button start both while the figures are gathered.
`progress(fraction, text)`, when given, is told each step by name (the app's progress bar).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from mentordash.db import Database
from mentordash.metrics.filters import Filters
from mentordash.report.build import build_sections
from mentordash.report.build import header as build_header
from mentordash.report.data import EXACT, PROTECTED, ReportError, gather
from mentordash.report.pdf import html_to_pdf, plotly_js, warm_up

TEMPLATES = Path(__file__).parent / "templates"
FORMATS = ("html", "pdf")

__all__ = ["EXACT", "PROTECTED", "Report", "ReportError", "html_to_pdf", "make_report", "render_html", "write_report"]


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


_plotly_js = plotly_js  # the embedded Plotly.js: the same string the PDF's shell has run


Progress = Callable[[float, str], None]


@dataclass
class Report:
    html: str
    header: dict
    charts: int = 0
    _pdf: bytes | None = field(default=None, repr=False)

    def pdf(self) -> bytes:
        """The PDF of this very HTML, printed once (a second call returns the same bytes)."""
        if self._pdf is None:
            self._pdf = html_to_pdf(self.html, self.header)
        return self._pdf


def make_report(
    db: Database,
    as_of: date,
    filters: Filters,
    audience: str = EXACT,
    generated: date | None = None,
    call: Callable | None = None,
    progress: Progress | None = None,
    share: float = 1.0,
) -> Report:
    """Gather every figure for this reader (through `call`, the app's cache, when given) from one
    snapshot of the data, lay it out and render the HTML. `progress` hears each step; `share` is the
    part of the bar (0 to 1) the HTML takes, the rest being the PDF's."""

    def step(fraction: float, text: str) -> None:
        if progress is not None:
            progress(round(fraction * share, 3), text)

    def gathered(done: int, total: int, name: str) -> None:
        step(0.05 + 0.65 * min(done / total, 1.0), f"Gathering the figures: {name}")

    step(0.02, "Gathering the figures")
    with db.snapshot():  # every figure of the report from one state of the data
        data = gather(db, as_of, filters, audience, call, on_call=gathered if progress else None)
    step(0.72, "Laying out the charts and tables")
    sections, figures = build_sections(data)
    step(0.9, f"Writing the HTML ({len(figures.specs)} charts)")
    head = build_header(data, generated or date.today())
    html = (
        _environment()
        .get_template("report.html.j2")
        .render(
            header=head,
            sections=sections,
            css=(TEMPLATES / "report.css").read_text(),
            plotly_js=_plotly_js(),
            figures_json=figures.json(),
        )
    )
    step(1.0, "HTML ready")
    return Report(html=html, header=head, charts=len(figures.specs))


def render_html(db: Database, as_of: date, filters: Filters, audience: str = EXACT) -> str:
    return make_report(db, as_of, filters, audience).html


def write_report(db: Database, as_of: date, filters: Filters, audience: str, out: str | Path) -> Path:
    """Write FILE.html or FILE.pdf (the suffix chooses); ReportError for any other suffix."""
    out = Path(out)
    kind = out.suffix.lower().lstrip(".")
    if kind not in FORMATS:
        raise ReportError(f"--out {out}: the file name must end in .html or .pdf, not {out.suffix or 'nothing'}")
    if kind == "pdf":
        warm_up(more=False)  # Chromium starts while the figures are gathered; one report, then exit
    report = make_report(db, as_of, filters, audience)
    out.parent.mkdir(parents=True, exist_ok=True)
    if kind == "html":
        out.write_text(report.html, encoding="utf-8")
    else:
        out.write_bytes(report.pdf())
    return out
