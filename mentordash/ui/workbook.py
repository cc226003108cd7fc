"""Data page pieces for Excel workbooks: which sheet, which header row, reading progress.

mentordash.ingest.excel decides everything; these widgets only ask and show.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from mentordash.ingest import excel
from mentordash.ingest.pipeline import Options
from mentordash.ingest.problems import Rejected
from mentordash.ui.safe import plain

UPLOAD_TYPES = [suffix.lstrip(".") for suffix in excel.SUFFIXES]


def is_workbook(name: str) -> bool:
    return excel.is_workbook(name)


def workbook_options(name: str, data: bytes, options: Options, key: str) -> Options | None:
    """The sheet and header row of a workbook; None while the coordinator has not chosen a sheet.

    A bad workbook returns the options unchanged: prepare() then reports what is wrong with it."""
    try:
        found = excel.sheets(data, name)
    except Rejected:
        return options
    sheet = None
    with st.expander("Reading the workbook (sheet and header row)", expanded=len(found) > 1):
        if len(found) > 1:
            names = [s.name for s in found]
            labels = {s.name: f"{s.name} ({s.rows:,} rows{', hidden' if s.hidden else ''})" for s in found}
            visible = [i for i, s in enumerate(found) if not s.hidden]  # one visible: read by default
            sheet = st.selectbox(
                "Sheet",
                names,
                index=visible[0] if len(visible) == 1 else None,
                key=f"{key}_sheet",
                placeholder="Choose a sheet",
                format_func=labels.get,
            )
        header = st.number_input(
            "Header row (0: detect it)",
            min_value=0,
            max_value=1_048_576,
            value=0,
            step=1,
            key=f"{key}_header_row",
            help="The row that names the columns, as Excel numbers it. Rows above it are not read.",
        )
    if len(found) > 1 and sheet is None:
        st.info(f"This workbook has {len(found)} sheets with data: choose the sheet to import.")
        return None
    chosen = replace(options, sheet=sheet, header_row=int(header) or None)
    _read_with_progress(name, data, chosen)
    return chosen


def _read_with_progress(name: str, data: bytes, options: Options) -> None:
    """Read the sheet once, with a progress bar for long ones; prepare() then finds it read."""
    bar = None

    def progress(fraction: float, text: str) -> None:
        nonlocal bar
        bar = bar or st.progress(0.0, text=text)
        bar.progress(fraction, text=text)

    try:
        excel.load(data, name, options.sheet, options.header_row, progress)
    except Rejected:
        pass  # prepare() reads it again and lists the problems
    if bar is not None:
        bar.empty()


def detected_caption(raw) -> str:
    """What was read from a workbook: kind, sheet, header row (in place of encoding and delimiter)."""
    return f"Excel workbook (**{raw.encoding}**) · sheet **{plain(raw.sheet)}** · header on row **{raw.header_row}**"
