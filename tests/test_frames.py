"""mentordash.frames: a frame built at once is the frame assigned column by column."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentordash.frames import ranks, records, sort_rows, with_columns

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


_ORDER = {"resident": 0, "fellow": 1, "junior_faculty": 2}


@settings(max_examples=200, deadline=None)
@given(
    keys=st.lists(
        st.tuples(
            st.sampled_from(["resident", "fellow", "junior_faculty", "unlisted", None]),
            st.integers(0, 3),
            st.sampled_from(["b", "a", "c", None]),
        ),
        unique=True,
        max_size=12,
    ),
    string_dtype=st.booleans(),
)
def test_sorted_by_ranks_as_by_sort_values(keys, string_dtype):
    """A stage in a given order (unlisted and missing last), a count descending, a name ascending (missing
    last): the rows sort_values gives with a key that maps each row, the keys being unique."""
    dtype = "str" if string_dtype else object
    frame = pd.DataFrame(
        {
            "stage": pd.Series([k[0] for k in keys], dtype=dtype),
            "n": np.array([k[1] for k in keys], dtype="int64"),
            "name": pd.Series([k[2] for k in keys], dtype=dtype),
        }
    )
    expected = frame.sort_values(
        ["stage", "n", "name"],
        ascending=[True, False, True],
        key=lambda s: s.map(_ORDER).fillna(len(_ORDER)).where(s.notna(), len(_ORDER) + 1) if s.name == "stage" else s,
    ).reset_index(drop=True)
    found = sort_rows(frame, ranks(frame["stage"], _ORDER), -frame["n"].to_numpy(), ranks(frame["name"]))
    pd.testing.assert_frame_equal(found, expected)


def _same_value(a, b) -> bool:
    """Equal, of the same type, a missing value standing for itself (NaN is not equal to NaN)."""
    missing = pd.isna(a) if np.ndim(a) == 0 else False
    return type(a) is type(b) and (a is b or (missing and pd.isna(b)) or a == b)


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(
        st.tuples(
            st.integers(-5, 5),
            st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=False)),
            st.one_of(st.none(), st.text(max_size=3)),
            st.booleans(),
            st.one_of(st.none(), st.integers(0, 9)),
            st.dates(),
        ),
        max_size=6,
    )
)
def test_records_are_to_dict_records(values):
    """Each row as to_dict("records") gives it: the same keys, in order, with the same Python values and types,
    for the column types the metrics' frames hold (numbers, text with missing values, flags, nullable
    integers, dates as objects and as datetimes)."""
    columns = list(zip(*values)) if values else [[]] * 6
    frame = pd.DataFrame(
        {
            "n": np.array(columns[0], dtype="int64"),
            "pct": np.array(columns[1], dtype="float64"),
            "group": pd.Series(columns[2], dtype="str"),
            "flag": np.array(columns[3], dtype=bool),
            "count": pd.Series(columns[4], dtype="Int64"),
            "day": pd.Series(columns[5], dtype="object"),
            "when": pd.to_datetime(pd.Series(columns[5], dtype="object")),
            "mixed": pd.Series(columns[1], dtype="object"),
            "category": pd.Series(columns[2], dtype="category"),
            "text_na": pd.Series(columns[2], dtype="string"),
            "answer": pd.Series([None if v is None else v % 2 == 0 for v in columns[4]], dtype="boolean"),
            "scalars": pd.Series([np.int64(v) for v in columns[0]], dtype="object"),
        }
    )
    expected = frame.to_dict("records")
    got = records(frame)
    assert [list(row) for row in got] == [list(row) for row in expected]
    for row, want in zip(got, expected):
        for key in want:
            assert _same_value(row[key], want[key]), (key, row[key], want[key])


@pytest.mark.filterwarnings("ignore:DataFrame columns are not unique")  # to_dict's own, for both
def test_records_of_frames_without_distinct_columns_are_to_dicts():
    """Rows of no columns, and columns that share a name: whatever to_dict gives."""
    for frame in (pd.DataFrame(index=[0, 1]), pd.DataFrame([[1, 2]], columns=["a", "a"]), pd.DataFrame()):
        assert records(frame) == frame.to_dict("records")
