"""Small-cell suppression (privacy.md): the one place where a number is hidden before it leaves metrics.

A cell is any aggregate. A cell whose group (its denominator) has fewer than min_cell members is
suppressed: its numbers become missing and its `suppressed` flag is set. A group of zero is "no data",
not suppressed. In a breakdown whose total is shown, a lone suppressed cell takes the next smallest
cell with it, so the hidden one cannot be recovered by subtraction.
"""

from __future__ import annotations

from typing import Iterable

import pandas as pd

from mentordash.config import MIN_CELL_FLOOR


def effective_min_cell(min_cell: int | None) -> int:
    """The setting as applied: never below the floor, whatever the database or a caller says."""
    try:
        value = int(min_cell)
    except (TypeError, ValueError):
        return MIN_CELL_FLOOR
    return max(value, MIN_CELL_FLOOR)


def suppress(
    frame: pd.DataFrame,
    n_col: str,
    value_cols: Iterable[str],
    min_cell: int,
    complementary: bool = False,
    within: list[str] | None = None,
    flag: str = "suppressed",
    exempt: str | None = None,
) -> pd.DataFrame:
    """Return a copy of `frame` with a `suppressed` column and the cells of small groups blanked.

    n_col holds each cell's denominator; value_cols are blanked (n_col too) where suppressed.
    With complementary=True, each breakdown (all rows, or each group of `within`) that has exactly
    one suppressed cell also suppresses its next smallest non-empty cell. `flag` names the flag
    column, so a row can hold two cells (a count of applicants, and a share of those with known gender).
    `exempt` names a boolean column of cells never hidden for their size (an "unknown" count: missing
    data, not a group of people) that may still be taken as the complementary cell.
    """
    floor = effective_min_cell(min_cell)
    out = frame.copy()
    counts = pd.to_numeric(out[n_col], errors="coerce").fillna(0)
    hide = (counts > 0) & (counts < floor)
    if exempt is not None:
        hide = hide & ~out[exempt].astype(bool)
    if complementary and len(out):
        if not within:
            groups = [out.index]
        else:  # only breakdowns with exactly one suppressed cell need a complement (fast with many breakdowns)
            lone = hide.groupby([out[c] for c in within], sort=False).transform("sum") == 1
            groups = [idx for _, idx in out[lone].groupby(within, sort=False).groups.items()]
        for index in groups:
            hide = _complement(hide, counts, index)
    out[flag] = hide.astype(bool)
    blank_cols = [n_col, *value_cols]
    for col in blank_cols:
        if col in out.columns:
            out[col] = out[col].astype("object").where(~hide, None)
    return out


def _complement(hide: pd.Series, counts: pd.Series, index) -> pd.Series:
    part = hide.loc[index]
    if part.sum() != 1:
        return hide
    candidates = counts.loc[index][(~part) & (counts.loc[index] > 0)]
    if candidates.empty:
        return hide
    hide = hide.copy()
    hide.loc[candidates.sort_values(kind="stable").index[0]] = True
    return hide


def suppress_record(record: dict, n_key: str, value_keys: Iterable[str], min_cell: int) -> dict:
    """The same rule for one cell held as a dict (a headline number)."""
    floor = effective_min_cell(min_cell)
    out = dict(record)
    n = out.get(n_key) or 0
    hidden = 0 < n < floor
    out["suppressed"] = bool(hidden)
    if hidden:
        for key in (n_key, *value_keys):
            out[key] = None
    return out
