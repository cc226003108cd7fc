import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from mentordash import privacy


def frame(ns):
    return pd.DataFrame({"group": [f"g{i}" for i in range(len(ns))], "n": ns, "pct": [50.0] * len(ns)})


def test_small_cell_is_blanked_and_flagged():
    out = privacy.suppress(frame([10, 4, 7]), "n", ["pct"], min_cell=5)
    assert out["suppressed"].tolist() == [False, True, False]
    assert out.loc[1, "n"] is None and out.loc[1, "pct"] is None
    assert out.loc[0, "n"] == 10 and out.loc[2, "pct"] == 50.0


def test_cell_at_min_cell_is_shown():
    out = privacy.suppress(frame([5, 6]), "n", ["pct"], min_cell=5)
    assert not out["suppressed"].any()


def test_zero_is_no_data_not_suppressed():
    out = privacy.suppress(frame([0, 8]), "n", ["pct"], min_cell=5, complementary=True)
    assert out["suppressed"].tolist() == [False, False]


def test_complementary_hides_the_next_smallest():
    out = privacy.suppress(frame([20, 3, 9, 12]), "n", ["pct"], min_cell=5, complementary=True)
    assert out["suppressed"].tolist() == [False, True, True, False]


def test_complementary_not_needed_when_two_already_hidden():
    out = privacy.suppress(frame([20, 3, 2, 12]), "n", ["pct"], min_cell=5, complementary=True)
    assert out["suppressed"].tolist() == [False, True, True, False]


def test_complementary_skips_empty_groups():
    out = privacy.suppress(frame([0, 3, 9, 12]), "n", ["pct"], min_cell=5, complementary=True)
    assert out["suppressed"].tolist() == [False, True, True, False]


def test_complementary_within_each_breakdown():
    df = pd.DataFrame({"day": ["a", "a", "a", "b", "b"], "n": [2, 8, 9, 10, 11], "pct": [1.0] * 5})
    out = privacy.suppress(df, "n", ["pct"], 5, complementary=True, within=["day"])
    assert out["suppressed"].tolist() == [True, True, False, False, False]


def test_min_cell_never_below_floor():
    out = privacy.suppress(frame([2, 10]), "n", ["pct"], min_cell=1)
    assert out["suppressed"].tolist() == [True, False]
    assert privacy.effective_min_cell(0) == 3
    assert privacy.effective_min_cell("not a number") == 3
    assert privacy.effective_min_cell(7) == 7


def test_suppress_record():
    hidden = privacy.suppress_record({"n": 4, "pct": 25.0}, "n", ["pct"], 5)
    assert hidden == {"n": None, "pct": None, "suppressed": True}
    shown = privacy.suppress_record({"n": 0, "pct": None}, "n", ["pct"], 5)
    assert shown["suppressed"] is False


def as_seen(value) -> tuple:
    """A cell as a page would read it: its type, and its value unless missing (NA never equals itself)."""
    return (type(value), None if pd.isna(value) else value)


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(st.one_of(st.none(), st.integers(-(10**6), 10**6)), min_size=0, max_size=12),
    data=st.data(),
)
def test_blanked_is_the_column_as_objects_with_none_where_hidden_for_any_column(values, data):
    """privacy.blanked stands for `astype("object").where(~hide, None)` on every figure: the same values,
    the same Python types, for every dtype a metric frame holds (with missing values among them)."""
    hide = pd.Series(data.draw(st.lists(st.booleans(), min_size=len(values), max_size=len(values))), dtype=bool)
    index = pd.RangeIndex(3, 3 + len(values))
    hide.index = index
    columns = [
        pd.Series(values, index=index, dtype="Int64", name="count"),
        pd.Series([None if v is None else v / 7 for v in values], index=index, dtype="float64"),
        pd.Series([None if v is None else str(v) for v in values], index=index, dtype="str"),
        pd.Series([None if v is None else v % 2 == 0 for v in values], index=index, dtype=object),
        pd.Series([0 if v is None else v for v in values], index=index, dtype="int64"),
    ]
    for column in columns:
        expected = column.astype("object").where(~hide, None)
        got = privacy.blanked(column, hide)
        assert got.dtype == expected.dtype and got.name == expected.name and got.index.equals(expected.index)
        assert [as_seen(a) for a in got] == [as_seen(b) for b in expected]
        assert got.isna().tolist() == expected.isna().tolist()


def _one_row_frame_record(record: dict) -> dict:
    """What publish_record gave exact figures before its shortcut: the record through a one-row frame."""
    frame = privacy.publish_counts(pd.DataFrame([record]), privacy.EXACT, ["n", "covered"], 5)
    return {k: (v.item() if hasattr(v, "item") else v) for k, v in frame.to_dict("records")[0].items()}


@settings(max_examples=200, deadline=None)
@given(
    n=st.one_of(st.integers(0, 10**9), st.integers(0, 10**9).map(np.int64)),
    covered=st.integers(0, 10**6),
    keys=st.tuples(st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1)),
    mean=st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=False), st.floats(0, 100).map(np.float64)),
    flag=st.one_of(st.booleans(), st.booleans().map(np.bool_)),
    label=st.one_of(st.none(), st.text(max_size=5)),
)
def test_an_exact_record_is_published_as_a_one_row_frame_would_publish_it(n, covered, keys, mean, flag, label):
    """publish_record's exact figures skip the one-row frame: the same keys, values and Python types."""
    record = {"n": n, "n_key": keys[0], "covered": covered, "covered_key": keys[1], "mean": mean, "flag": flag}
    record["label"] = label
    got = privacy.publish_record(record, privacy.EXACT, ["n", "covered"], 5)
    expected = _one_row_frame_record(record)
    assert list(got) == list(expected) == ["n", "covered", "mean", "flag", "label"]
    assert [as_seen(v) for v in got.values()] == [as_seen(v) for v in expected.values()]
