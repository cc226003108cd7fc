"""Building a DataFrame from another's columns at once: the metrics' small frames (a few to a few hundred
rows) paid more for pandas' per-assignment machinery (about 0.15 ms a column set) than for their figures."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd


def with_columns(
    frame: pd.DataFrame, columns: Mapping[str, np.ndarray | pd.Series], drop: Iterable[str] = ()
) -> pd.DataFrame:
    """A new frame: `frame` without `drop`, each of `columns` (arrays of its rows, in order, of the dtype they
    are to have) in place of the column of its name, or after the others in the order given. What assigning
    them one by one to a copy gives (the same columns, order, dtypes and index), as one construction."""
    dropped = set(drop)
    data = {name: columns.get(name, frame[name]) for name in frame.columns if name not in dropped}
    data.update((name, values) for name, values in columns.items() if name not in data)
    return pd.DataFrame(data, index=frame.index)
