"""metrics.intervals: the percentages and 95% Wilson intervals every metrics family publishes."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from mentordash.metrics.intervals import pct, shares_pct, wilson, wilson_pct


def test_wilson_pct_is_the_wilson_interval_in_percent_rounded_as_pct():
    # 7 of 16: p = 0.4375, z^2/n = 0.2401; centre 0.4496, half width 0.2186 (worked by hand)
    assert wilson_pct(7, 16) == (23.1, 66.8)
    low, high = wilson(7, 16)
    assert wilson_pct(7, 16) == (round(100 * low, 1), round(100 * high, 1))
    assert pct(7, 16) == 43.8  # the share itself lies inside its interval, rounded the same way


def test_wilson_pct_stays_within_0_and_100():
    assert wilson_pct(0, 10) == (0.0, 27.8)
    assert wilson_pct(10, 10) == (72.2, 100.0)


def test_wilson_pct_rounds_to_the_digits_asked():
    assert wilson_pct(1, 3, digits=0) == (6.0, 79.0)
    assert wilson_pct(1, 3) == (6.1, 79.2)


def test_no_interval_without_a_denominator():
    assert wilson_pct(0, 0) == (None, None)
    assert wilson_pct(3, None) == (None, None)
    assert wilson_pct(None, 12) == (None, None)
    assert pct(0, 0) is None


def test_shares_over_columns_are_the_scalar_shares_and_none_where_a_count_is_hidden():
    parts = pd.Series([3.0, np.nan, 7.0, 3.0])  # a hidden count reads NaN in a float column
    wholes = pd.Series([10, 10, 0, 10])
    shares, lows, highs = shares_pct(parts, wholes)
    assert shares == [pct(3, 10), None, None, pct(3, 10)]
    assert list(zip(lows, highs)) == [wilson_pct(3, 10), (None, None), (None, None), wilson_pct(3, 10)]
    assert shares_pct(pd.Series([1, None], dtype=object), [4, 4])[0] == [pct(1, 4), None]
    # a nullable integer column holds a hidden count as missing, like the others
    assert shares_pct(pd.Series([1, None], dtype="Int64"), pd.Series([4, 4]))[0] == [pct(1, 4), None]
    assert shares_pct(np.array([1, 2]), pd.Series([4, 4], dtype="int32"))[0] == [pct(1, 4), pct(2, 4)]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.integers(min_value=0, max_value=10**7).flatmap(
            lambda n: st.tuples(st.one_of(st.none(), st.integers(min_value=0, max_value=n)), st.just(n))
        ),
        max_size=60,
    ),
    st.integers(min_value=0, max_value=2),
)
def test_shares_pct_equals_the_scalar_functions_for_any_counts(pairs, digits):
    """The column arithmetic gives exactly what pct and wilson_pct give, cell by cell, rounding included."""
    parts, wholes = [s for s, _ in pairs], [n for _, n in pairs]
    shares, lows, highs = shares_pct(parts, wholes, digits=digits)
    expected = [(pct(s, n, digits=digits), *wilson_pct(s, n, digits=digits)) for s, n in pairs]
    assert list(zip(shares, lows, highs)) == expected
