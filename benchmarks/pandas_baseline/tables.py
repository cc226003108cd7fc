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


def effective_urim(urim: pd.Series, races: pd.Series, urim_list: list[str]) -> pd.Series:
    """urim, else True if any listed race, False if only other known values, else missing."""
    listed = set(urim_list)

    def derive(values):
        if values is None or (not isinstance(values, (list, np.ndarray))) or len(values) == 0:
            return pd.NA
        if listed.intersection(values):
            return True
        return False if any(v != "undisclosed" for v in values) else pd.NA

    derived = pd.Series([derive(v) for v in races], index=races.index, dtype="boolean")
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
        keep &= (
            frame["race_ethnicity"]
            .map(lambda v: isinstance(v, (list, np.ndarray)) and bool(wanted.intersection(v)))
            .astype(bool)
        )
    if filters.urim is not None:
        keep &= effective_urim(frame["urim"], frame["race_ethnicity"], urim_list).eq(filters.urim).fillna(False)
    return frame[keep]
