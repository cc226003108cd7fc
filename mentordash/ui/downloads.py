"""CSV downloads every page can reuse, with spreadsheet formula injection defused.

A cell that begins with = + - @ (or a tab or carriage return, which some spreadsheets skip before
reading a formula) is opened by Excel, LibreOffice and Google Sheets as a formula: a person_id or a
division typed as "=HYPERLINK(...)" in an upload would run on the coordinator's machine. Such text
cells get a leading single quote, which spreadsheets show as plain text. Numbers are left alone
(-3 is a number, not a formula).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: Any) -> Any:
    """A text cell that a spreadsheet would read as a formula, prefixed with a single quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def escape_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell escaped, column names too."""
    out = frame.copy()
    out.columns = [escape_cell(str(c)) for c in out.columns]
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(escape_cell)
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as UTF-8 CSV (with a BOM, so Excel reads accents), every text cell escaped."""
    return escape_frame(frame).to_csv(index=False).encode("utf-8-sig")


def download_csv(label: str, frame: pd.DataFrame, file_name: str, key: str | None = None) -> None:
    """A download button for the frame as an escaped CSV."""
    import streamlit as st

    st.download_button(
        label, data=csv_bytes(frame), file_name=file_name, mime="text/csv", key=key, icon=":material/download:"
    )
