"""The leadership report (issue 17): one self-contained HTML file, and the same content as PDF.

    html = render_html(db, as_of, filters, audience)       # str, opens with no network
    pdf = html_to_pdf(html, header)                        # bytes, through headless Chromium
    write_report(db, as_of, filters, audience, "r.pdf")     # what `python -m mentordash report` does

The app's "Download report" button and the command line both call `make_report`, so the same filters,
date and audience give the same content. No Streamlit here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from mentordash.db import Database
from mentordash.metrics.filters import Filters
from mentordash.report.build import build_sections
from mentordash.report.build import header as build_header
from mentordash.report.data import EXACT, PROTECTED, ReportError, gather
from mentordash.report.pdf import html_to_pdf

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


@lru_cache(maxsize=1)
def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


@dataclass
class Report:
    html: str
    header: dict

    def pdf(self) -> bytes:
        return html_to_pdf(self.html, self.header)


def make_report(
    db: Database,
    as_of: date,
    filters: Filters,
    audience: str = EXACT,
    generated: date | None = None,
    call: Callable | None = None,
) -> Report:
    """Gather every figure for this reader (through `call`, the app's cache, when given), lay it out
    and render the HTML."""
    data = gather(db, as_of, filters, audience, call)
    sections, figures = build_sections(data)
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
    return Report(html=html, header=head)


def render_html(db: Database, as_of: date, filters: Filters, audience: str = EXACT) -> str:
    return make_report(db, as_of, filters, audience).html


def write_report(db: Database, as_of: date, filters: Filters, audience: str, out: str | Path) -> Path:
    """Write FILE.html or FILE.pdf (the suffix chooses); ReportError for any other suffix."""
    out = Path(out)
    kind = out.suffix.lower().lstrip(".")
    if kind not in FORMATS:
        raise ReportError(f"--out {out}: the file name must end in .html or .pdf, not {out.suffix or 'nothing'}")
    report = make_report(db, as_of, filters, audience)
    out.parent.mkdir(parents=True, exist_ok=True)
    if kind == "html":
        out.write_text(report.html, encoding="utf-8")
    else:
        out.write_bytes(report.pdf())
    return out
