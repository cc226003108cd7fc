"""The tables loaded once into pandas, and the view's filters applied to them in pandas."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from mentordash.ingest.schema import DATASETS
from mentordash.metrics.filters import Filters

TABLES = tuple(DATASETS)


def load_tables(db_path: str | Path) -> dict[str, pd.DataFrame]:
    """Every table the pages read, whole, as DataFrames, the way a typical dashboard's cached loader reads
    them: its own read-only DuckDB connection and DuckDB's pandas conversion. Call it while no other
    connection of this process holds the file (DuckDB opens a file in one mode per process)."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return {name: con.execute(f"SELECT * FROM {name}").df() for name in TABLES}
    finally:
        con.close()


def frames_mb(tables: dict[str, pd.DataFrame]) -> float:
    return sum(frame.memory_usage(deep=True).sum() for frame in tables.values()) / 2**20


def _race_values(races: pd.Series) -> pd.Series:
    """Every race/ethnicity value of every row, one per line, indexed by the row's position (a row with no list,
    or an empty one, has none): the lists taken apart once, so that the tests on them run on whole columns."""
    lists = [v if isinstance(v, (list, np.ndarray)) else () for v in races.to_numpy(dtype=object)]
    lengths = np.fromiter(map(len, lists), dtype="int64", count=len(lists))
    flat = np.concatenate(
        [np.asarray(values, dtype=object) for values in lists if len(values)] or [np.empty(0, object)]
    )
    return pd.Series(flat, index=np.repeat(np.arange(len(lists)), lengths), dtype=object)


def _any_per_row(values: pd.Series, test: pd.Series, rows: int) -> np.ndarray:
    """For each row position 0 .. rows-1, whether `test` holds for any of its values (_race_values)."""
    hit = np.zeros(rows, dtype=bool)
    hit[values.index.to_numpy()[test.to_numpy(dtype=bool)]] = True
    return hit


def effective_urim(urim: pd.Series, races: pd.Series, urim_list: list[str]) -> pd.Series:
    """urim, else True if any listed race, False if only other known values, else missing."""
    values = _race_values(races)
    listed = _any_per_row(values, values.isin(list(urim_list)), len(races))
    known = _any_per_row(values, values.ne("undisclosed"), len(races))
    derived = pd.Series(pd.arrays.BooleanArray(listed, ~(listed | known)), index=races.index)
    return urim.astype("boolean").fillna(derived)


def apply_filters(
    frame: pd.DataFrame,
    filters: Filters,
    urim_list: list[str],
    columns: tuple[str, ...] = ("career_stage", "gender", "division", "institution"),
) -> pd.DataFrame:
    keep = pd.Series(True, index=frame.index)
    for name in columns:
        values = getattr(filters, name)
        if values:
            keep &= frame[name].isin(values)
    if filters.race_ethnicity:
        wanted = set(filters.race_ethnicity)
        values = _race_values(frame["race_ethnicity"])
        keep &= _any_per_row(values, values.isin(list(wanted)), len(frame))
    if filters.urim is not None:
        keep &= effective_urim(frame["urim"], frame["race_ethnicity"], urim_list).eq(filters.urim).fillna(False)
    return frame[keep]
