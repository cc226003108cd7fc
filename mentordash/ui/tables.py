"""Display tables: a metrics frame written out for a page's st.dataframe, the same way on every page.

Cells arrive already suppressed from mentordash.metrics; this module only formats them. docs/privacy.md: a
suppressed cell reads "fewer than N" (never the number); a number the metrics could not compute reads "–".
Counts read 1,234; percentages 12.3%; 95% intervals 10.1–14.2%. Pure pandas: no Streamlit here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd

MISSING = "–"
COUNT = "{:,.0f}"
PERCENT = "{:.1f}%"

Format = str | Callable[[Any], Any] | Mapping
Column = str | tuple  # a column name, or a (low, high) pair of columns for an interval
Spec = tuple  # (column, header, format)


def fewer_than(min_cell: int) -> str:
    """docs/privacy.md wording for a suppressed cell."""
    return f"fewer than {min_cell}"


# A hidden figure in a headline tile: st.metric's value has room for a few characters, so it reads this and
# says why beneath it ("fewer than 5 people"), on the overview's tiles and the coverage page's alike.
HIDDEN_TILE_VALUE = "Hidden"


def hidden_note(min_cell: int) -> str:
    """The note beside a hidden row (or tile) whose numbers are left blank."""
    return f"hidden: {fewer_than(min_cell)}"


def is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def count(value: Any) -> str:
    return MISSING if is_missing(value) else COUNT.format(value)


def percent(value: Any) -> str:
    return MISSING if is_missing(value) else PERCENT.format(value)


def interval(low: Any, high: Any) -> str:
    """A 95% interval of percentages: '10.1–14.2%'."""
    if is_missing(low) or is_missing(high):
        return MISSING
    return f"{low:.1f}–{high:.1f}%"


def cell(value: Any, suppressed: bool, min_cell: int, fmt: str = "{}") -> str:
    """One number as shown: 'fewer than N' when suppressed, '–' when missing, else `fmt` (a str.format pattern)."""
    if suppressed:
        return fewer_than(min_cell)
    if is_missing(value):
        return MISSING
    return fmt.format(value)


def interval_cell(low: Any, high: Any, suppressed: bool, min_cell: int) -> str:
    return fewer_than(min_cell) if suppressed else interval(low, high)


def as_is(value: Any) -> Any:
    """A label column shown as it is."""
    return value


def _label(fmt: Format, value: Any) -> Any:
    if isinstance(fmt, Mapping):
        return fmt.get(value, value)
    return fmt(value)


def display_table(frame: pd.DataFrame, columns: Sequence[Spec], min_cell: int) -> pd.DataFrame:
    """The frame as a page's table of text. `columns` lists (column, header, format):

    - format a str.format pattern (COUNT, PERCENT, "{:.2f}", ...): a number, 'fewer than N' in a suppressed
      row, '–' where missing;
    - column a (low, high) pair and format "interval": the 95% interval, likewise;
    - format a dict or a function: a label for the value (what the row is), shown in every row.
    """
    out: dict[str, list] = {}
    records = frame.to_dict("records")
    for col, header, fmt in columns:
        values = []
        for row in records:
            hidden = bool(row.get("suppressed"))
            if isinstance(col, tuple):
                values.append(interval_cell(row.get(col[0]), row.get(col[1]), hidden, min_cell))
            elif isinstance(fmt, str):
                values.append(cell(row.get(col), hidden, min_cell, fmt))
            else:
                values.append(_label(fmt, row.get(col)))
        out[header] = values
    return pd.DataFrame(out, columns=[header for _, header, _ in columns])


def numbers_table(frame: pd.DataFrame, columns: Mapping[str, str], min_cell: int) -> pd.DataFrame:
    """The frame's columns under readable names, numbers left as numbers (sortable), with a Note
    'hidden: fewer than N' on each suppressed row (whose numbers the metrics left blank)."""
    out = frame[list(columns)].rename(columns=dict(columns))
    if "suppressed" in frame:
        out["Note"] = frame["suppressed"].map(lambda hidden: hidden_note(min_cell) if hidden else "").values
    return out
