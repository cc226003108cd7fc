"""mentordash.frames: a frame built at once is the frame assigned column by column."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from mentordash.frames import with_columns

_NAMES = st.sampled_from(["n", "pct", "group", "flag", "new_a", "new_b"])


@settings(max_examples=200, deadline=None)
@given(
    rows=st.integers(0, 6),
    set_names=st.lists(_NAMES, unique=True, max_size=4),
    drop=st.lists(st.sampled_from(["n", "pct", "group"]), unique=True, max_size=2),
    labels=st.sampled_from(["range", "shifted", "repeated"]),
)
def test_columns_set_at_once_are_as_set_one_by_one(rows, set_names, drop, labels):
    frame = pd.DataFrame(
        {
            "n": np.arange(rows, dtype="int64"),
            "pct": np.linspace(0, 1, rows),
            "group": pd.Series([f"g{i}" for i in range(rows)], dtype="str"),
            "flag": np.zeros(rows, dtype=bool),
        }
    )
    frame.index = {"range": range(rows), "shifted": range(10, 10 + rows), "repeated": [0] * rows}[labels]
    columns = {
        name: np.array([None if i % 2 else i for i in range(rows)], dtype=object)
        if i % 2
        else np.ones(rows, dtype=bool)
        for i, name in enumerate(set_names)
    }
    expected = frame.drop(columns=drop)
    for name, values in columns.items():
        expected[name] = pd.Series(values, index=expected.index)
    pd.testing.assert_frame_equal(with_columns(frame, columns, drop=drop), expected)
