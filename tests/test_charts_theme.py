"""charts.theme's shared helpers: the rows a finding names, error bars from intervals."""

from __future__ import annotations

import pandas as pd

from mentordash.charts.theme import highest_lowest, interval_bars


def frame(*rows):
    return pd.DataFrame(rows, columns=["group", "pct", "ci_low", "ci_high", "q1", "q3"])


def test_highest_lowest_are_the_ends_of_the_ranking():
    shown = frame(("a", 40.0, 30, 50, 0, 0), ("b", 90.0, 80, 95, 0, 0), ("c", 10.0, 5, 20, 0, 0))
    high, low = highest_lowest(shown)
    assert (high["group"], low["group"]) == ("b", "c")


def test_highest_lowest_break_ties_by_the_frames_order():
    # highest: the first of the tied highest; lowest: the last of the tied lowest, so that two rows
    # are named whenever two are shown, even when every value is the same
    shown = frame(("a", 50.0, 0, 0, 0, 0), ("b", 50.0, 0, 0, 0, 0), ("c", 20.0, 0, 0, 0, 0), ("d", 20.0, 0, 0, 0, 0))
    high, low = highest_lowest(shown)
    assert (high["group"], low["group"]) == ("a", "d")
    high, low = highest_lowest(shown.iloc[:2])
    assert (high["group"], low["group"]) == ("a", "b")


def test_one_row_is_both_ends():
    high, low = highest_lowest(frame(("a", 40.0, 30, 50, 0, 0)))
    assert high["group"] == low["group"] == "a"


def test_interval_bars_reach_from_the_value_to_each_bound():
    shown = frame(("a", 40.0, 30.5, 52.0, 12, 60), ("b", 90.0, 80.0, 95.5, 20, 99))
    bars = interval_bars(shown, color="#444", thickness=2)
    assert bars == {
        "type": "data",
        "symmetric": False,
        "array": [12.0, 5.5],
        "arrayminus": [9.5, 10.0],
        "color": "#444",
        "thickness": 2,
    }
    quartiles = interval_bars(shown, "pct", "q1", "q3")
    assert (quartiles["array"], quartiles["arrayminus"]) == ([20.0, 9.0], [28.0, 70.0])


def test_a_draft_is_themed_exactly_as_the_figure_built_from_it():
    """themed() of a draft (plain trace and layout dicts, validated once) gives the figure themed() gives of
    the same dicts built into a figure first, to the last byte of its JSON."""
    import numpy as np
    import plotly.graph_objects as go

    from mentordash.charts.theme import themed

    def draft():
        return {
            "data": [
                {"type": "scatter", "x": ["2024-25", "2025-26"], "y": np.array([40.0, 52.5]), "name": "Residents"},
                {"type": "bar", "x": ["a", "b"], "y": [1, 2], "marker": {"color": "#0072B2"}},
            ],
            "layout": {"xaxis": {"title": {"text": "Year"}, "type": "category"}, "yaxis": {"range": [0, 105]}},
        }

    assert (
        themed(draft(), "A finding", "fine print").to_json()
        == themed(go.Figure(draft()), "A finding", "fine print").to_json()
    )
