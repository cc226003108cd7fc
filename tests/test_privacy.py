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


_COUNTS = st.sampled_from([0, 1, 3, 4, 5, 9, 10, 11, 12, 25, 100])


def _suppressed_by_the_rule(data: pd.DataFrame, within, exempt, min_cell) -> list[bool]:
    """The rule as docs/privacy.md words it, row by row: a cell of 1 .. min_cell-1 is hidden (unless exempt);
    in each breakdown (all rows, or each combination of `within` with no key missing) with exactly one hidden
    cell, the smallest non-empty visible cell is hidden too, the first in row order among equals."""
    rows = data.to_dict("records")
    hidden = [0 < r["n"] < min_cell and not (exempt and r[exempt]) for r in rows]
    breakdowns: dict[tuple, list[int]] = {}
    for i, r in enumerate(rows):
        key = tuple(r[c] for c in within or [])
        if not any(pd.isna(v) for v in key):
            breakdowns.setdefault(key, []).append(i)
    for members in breakdowns.values():
        if sum(hidden[i] for i in members) == 1:
            visible = [i for i in members if not hidden[i] and rows[i]["n"] > 0]
            if visible:
                hidden[min(visible, key=lambda i: (rows[i]["n"], i))] = True
    return hidden


@settings(max_examples=300, deadline=None)
@given(
    rows=st.lists(
        st.tuples(_COUNTS, st.sampled_from(["a", "b", "c", None]), st.sampled_from([1.0, 2.0, np.nan]), st.booleans()),
        min_size=1,
        max_size=14,
    ),
    within=st.sampled_from([None, ["g"], ["h"], ["g", "h"]]),
    exempt=st.sampled_from([None, "unknown"]),
    min_cell=st.sampled_from([5, 10, 11]),
)
def test_complementary_suppression_of_every_breakdown_at_once_follows_the_rule(rows, within, exempt, min_cell):
    """All breakdowns are judged in one pass (numbered by _group_ids): whatever the counts, the breakdowns'
    keys (a missing one in no breakdown), the cells exempt for their size and the rows' labels, each cell is
    hidden as the rule read literally, breakdown by breakdown, hides it."""
    data = pd.DataFrame(rows, columns=["n", "g", "h", "unknown"])
    out = privacy.suppress(data, "n", [], min_cell, complementary=True, within=within, exempt=exempt)
    assert out["suppressed"].tolist() == _suppressed_by_the_rule(data, within, exempt, min_cell)
    assert out["n"].tolist() == [None if hide else n for hide, n in zip(out["suppressed"], data["n"])]
    # the rows' labels play no part: the same cells hide when labels repeat (frames concatenated as they were)
    relabelled = data.set_axis([i % 2 for i in range(len(data))])
    again = privacy.suppress(relabelled, "n", [], min_cell, complementary=True, within=within, exempt=exempt)
    assert again["suppressed"].tolist() == out["suppressed"].tolist()
    assert list(again.index) == list(relabelled.index)


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(st.one_of(st.none(), st.integers(-5, 10**6), st.floats(-1e9, 1e9), st.just(float("nan")))),
    dtype=st.sampled_from(["object", "float64", "Int64", "int64", "bool"]),
)
def test_counts_are_read_as_numbers_with_anything_else_as_zero(values, dtype):
    """suppress reads its counts through _numbers: pd.to_numeric's values, missing ones as 0, for any dtype."""
    if dtype in ("int64", "bool"):
        values = [int(v) for v in values if v is not None and v == v]
    if dtype == "Int64":
        values = [None if v is None or v != v else int(v) for v in values]
    column = pd.Series(values, dtype=dtype)
    expected = pd.to_numeric(column, errors="coerce").fillna(0).to_numpy(dtype="float64")
    np.testing.assert_array_equal(privacy._numbers(column), expected)
    assert privacy._numbers(column) is not privacy._numbers(column)  # a fresh array each time


def _key_sums_by_group_by(rows: pd.DataFrame, by: list[str], flags: dict, key: str = "record_key") -> pd.DataFrame:
    """key_sums as pandas' group-by says it: each count and key sum, per combination of `by` in order of appearance."""
    frame = rows.copy()
    for name, flag in flags.items():
        chosen = np.ones(len(frame), dtype=bool) if flag is None else frame[flag].fillna(False).astype(bool).to_numpy()
        frame[name] = chosen.astype("int64")
        frame[name + "_key"] = np.where(chosen, frame[key].astype("int64"), 0)
    out = frame.groupby(by, as_index=False, sort=False)[[c for n in flags for c in (n, n + "_key")]].sum()
    for name in flags:
        out[name + "_key"] = out[name + "_key"] % privacy.KEY_MODULUS
    return out


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["x", "y", None]),
            st.sampled_from([1, 2, 3]),
            st.sampled_from([1.0, np.nan]),
            st.sampled_from([True, False, None]),
            st.integers(0, 2**32 - 1),
        ),
        max_size=12,
    ),
    text=st.sampled_from(["object", "str", "category"]),
    by=st.sampled_from([["group"], ["number"], ["half"], ["group", "number"], ["number", "half"]]),
    flags=st.sampled_from([{"n": None}, {"n": None, "flagged": "flag"}]),
)
def test_key_sums_are_the_group_by_sums_of_the_counts_and_keys(rows, text, by, flags):
    """key_sums sums in numpy (exact integers); pandas' group-by is the reference: the same groups in the
    same order (a missing key in none), the same key columns and types, the same sums modulo 2^32."""
    data = pd.DataFrame(rows, columns=["group", "number", "half", "flag", "record_key"])
    data["group"] = data["group"].astype(text)
    data["flag"] = data["flag"].astype(object)
    pd.testing.assert_frame_equal(
        privacy.key_sums(data, by, flags), _key_sums_by_group_by(data, by, flags), check_exact=True
    )


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["x", "y"]),
            st.sampled_from([True, False, None]),
            st.integers(0, 10_000),
            st.integers(0, 2**32 - 1),
        ),
        max_size=12,
    )
)
def test_key_sums_add_sums_per_group_and_a_total_without_groups(rows):
    """`sums` are the group-by sums of their columns, beside the counts; with no `by`, one row that is the
    total of every group's row (keys modulo 2^32), zeros when there are no rows."""
    data = pd.DataFrame(rows, columns=["group", "flag", "days", "record_key"]).astype({"days": "int64"})
    data["flag"] = data["flag"].astype(object)
    flags = {"n": None, "flagged": "flag"}
    by_group = privacy.key_sums(data, ["group"], flags, sums={"days_total": "days"})
    expected = _key_sums_by_group_by(data, ["group"], flags)
    expected["days_total"] = data.groupby("group", sort=False)["days"].sum().to_numpy() if len(data) else []
    pd.testing.assert_frame_equal(by_group, expected.astype({"days_total": "int64"}), check_exact=True)
    total = privacy.key_sums(data, [], flags, sums={"days_total": "days"})
    assert len(total) == 1
    assert total["n"].iloc[0] == len(data) and total["days_total"].iloc[0] == data["days"].sum()
    assert total["flagged"].iloc[0] == by_group["flagged"].sum()
    for name in ("n", "flagged"):
        key = name + "_key"
        assert total[key].iloc[0] == by_group[key].sum() % privacy.KEY_MODULUS


def test_total_of_sums_counts_and_keys_whatever_the_column_type():
    """Integer, nullable integer (a missing value skipped) and object columns give the same total."""
    for dtype in ("int64", "Int64", "object"):
        frame = pd.DataFrame({"n": [3, 4], "n_key": [2**32 - 1, 5]}, dtype=dtype)
        assert privacy.total_of(frame, ["n"]) == {"n": 7, "n_key": 4}
    missing = pd.DataFrame({"n": pd.array([3, None], dtype="Int64"), "n_key": pd.array([6, None], dtype="Int64")})
    assert privacy.total_of(missing, ["n"]) == {"n": 3, "n_key": 6}


def test_key_sums_stay_exact_past_what_a_float_holds():
    """Three million keys of 2^32 - 1 sum past 2^53, where a float64 sum rounds: the sum is exact."""
    rows = 3_000_001
    groups, keys = np.zeros(rows, dtype="int64"), np.full(rows, 2**32 - 1, dtype="int64")
    total = privacy._sums(groups, keys, 1)
    assert int(total[0]) == rows * (2**32 - 1)
    assert int(np.bincount(groups, weights=keys)[0]) != rows * (2**32 - 1)  # what a float sum would say
    other = privacy._sums(np.array([0, 1, 0]), np.array([-5, 2**40, 7]), 2)  # outside the keys' range
    assert other.tolist() == [2, 2**40]
