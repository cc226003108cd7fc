"""The "Download report" button every page has (in the sidebar, drawn by app.py's frame), and the PNG
download beside a chart.

The report is built by mentordash.report.make_report, the function the command line calls, for the
sidebar's date and filters and the signed-in user's audience (a viewer's report holds a viewer's
figures), through the app's cache, from one snapshot of the data. It runs in a fragment: clicking the
button rebuilds only this panel, not the page, with a status box that names each step (gathering the
figures, laying out the charts, writing the HTML, printing the PDF) over a progress bar. The HTML is
built once and the PDF printed from it by the Chromium the process keeps (mentordash.report.pdf).
"""

from __future__ import annotations

import time
from datetime import date

import plotly.graph_objects as go
import streamlit as st

from mentordash.report import make_report
from mentordash.report.data import ReportError
from mentordash.report.pdf import PdfError, warm_up
from mentordash.report.png import figure_png, file_name
from mentordash.ui import context
from mentordash.ui.cache import cached
from mentordash.ui.frame import View, current_view

STATE = "report_files"


def _identity(view: View, audience: str) -> tuple:
    """What a built report depends on: when any of it changes, the files are stale."""
    return (view.as_of.isoformat(), view.filters.key(), audience, context.get_db().data_version())


HTML_SHARE = 0.6  # of the progress bar: the figures, charts and HTML; the PDF takes the rest


def build_files(view: View, audience: str, progress=None) -> dict:
    """The report as HTML and PDF for this view and audience (the app's cache serves the figures).
    `progress(fraction, text)` hears each named step."""

    def step(fraction: float, text: str) -> None:
        if progress is not None:
            progress(fraction, text)

    warm_up()  # the kept Chromium starts (if it has not yet) while the figures are gathered
    report = make_report(
        context.get_db(), view.as_of, view.filters, audience, call=cached, progress=step, share=HTML_SHARE
    )
    files = {"html": report.html.encode("utf-8"), "pdf": None, "pdf_error": None, "charts": report.charts}
    step(HTML_SHARE + 0.02, f"Printing the PDF ({report.charts} charts, in Chromium)")
    try:
        files["pdf"] = report.pdf()
    except PdfError as error:
        files["pdf_error"] = str(error)
    step(1.0, "Ready")
    return files


@st.fragment
def _panel(view: View) -> None:
    with context.one_identity_per_run():  # a click reruns only this fragment: its own run
        _draw_panel(view)


def _draw_panel(view: View) -> None:
    audience = context.audience()
    identity = _identity(view, audience)
    stored = st.session_state.get(STATE)
    if stored is not None and stored["identity"] != identity:
        stored = st.session_state[STATE] = None
    if st.button(
        "Download report",
        key="report_build",
        icon=":material/description:",
        width="stretch",
        help="The leadership report for the date and filters above, as HTML and PDF: summary, coverage, "
        "recruitment, wellbeing, outcomes, definitions. Same figures as the pages, same privacy.",
    ):
        status = st.status("Building the report…", expanded=True)
        bar = status.progress(0.0, text="Starting")
        started = time.monotonic()
        try:
            files = build_files(view, audience, lambda fraction, text: bar.progress(fraction, text=text))
        except ReportError as error:
            status.update(label="No report", state="error", expanded=True)
            bar.empty()
            status.error(str(error))
            return
        bar.empty()
        took = f"{time.monotonic() - started:.0f} s"
        if files["pdf"] is not None:
            status.update(label=f"Report ready in {took}", state="complete", expanded=False)
        else:
            status.update(label=f"HTML ready in {took}, no PDF", state="error", expanded=False)
        stored = st.session_state[STATE] = {"identity": identity, **files}
    if stored is None:
        return
    stem = f"mentordash-report-{view.as_of.isoformat()}"
    st.download_button(
        "Report as HTML",
        data=stored["html"],
        file_name=f"{stem}.html",
        mime="text/html",
        key="report_html",
        icon=":material/download:",
        width="stretch",
        on_click="ignore",
    )
    if stored["pdf"] is not None:
        st.download_button(
            "Report as PDF",
            data=stored["pdf"],
            file_name=f"{stem}.pdf",
            mime="application/pdf",
            key="report_pdf",
            icon=":material/download:",
            width="stretch",
            on_click="ignore",
        )
    else:
        st.warning(f"No PDF: {stored['pdf_error']}")
    st.caption(f"For {date.fromisoformat(identity[0]):%d %b %Y} and the filters above.")


def report_button() -> None:
    """The sidebar's report panel: call once per run, from the frame, so that every page has it."""
    with st.sidebar:
        st.subheader("Report")
        _panel(current_view())


def plotly_chart(container, fig: go.Figure, key: str, width: str | int = "stretch", **kwargs) -> None:
    """A chart as st.plotly_chart draws it (with Plotly's own camera button), as wide as its container, and
    beside it a PNG drawn on the server by kaleido, made only when clicked."""
    container.plotly_chart(fig, key=key, width=width, **kwargs)
    container.download_button(
        "PNG",
        data=lambda: figure_png(fig),
        file_name=file_name(fig.layout.title.text or key),
        mime="image/png",
        key=f"{key}_png",
        icon=":material/image:",
        on_click="ignore",
        help="This chart as a PNG image (1200 pixels wide, twice that for print), drawn on the server.",
    )
