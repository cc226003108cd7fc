"""Wellbeing chart builders: suppressed cells left out and counted, rule and instrument named, benchmarks."""

import re

import pandas as pd

from mentordash.charts import wellbeing as charts

WAVES = ["W1", "W2", "W3"]
RULE = "Mini-Z, burnout = burnout item 3 of 5 or worse"


def plain(text: str) -> str:
    """A title as read: tags out, wrapped lines joined."""
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())


def frame(rows):
    columns = ["survey", "group", "n", "positive", "pct", "ci_low", "ci_high", "suppressed"]
    return pd.DataFrame(rows, columns=columns)


def wave_rows():
    return frame(
        [
            ("W1", None, 20, 6, 30.0, 14.5, 51.9, False),
            ("W2", None, None, None, None, None, None, True),
            ("W3", None, 40, 10, 25.0, 14.2, 40.2, False),
        ]
    )


def test_wave_trend_leaves_suppressed_out_and_says_so():
    fig = charts.wave_trend(wave_rows(), WAVES, "Burnout", "Mini-Z", "burned out", RULE, 5)
    points = fig.data[1]
    assert list(points.x) == ["W1", "W3"] and list(points.y) == [30.0, 25.0]
    assert list(points.error_y.array) == [21.9, 15.2] or [round(v, 1) for v in points.error_y.array] == [21.9, 15.2]
    title = plain(fig.layout.title.text)
    assert "Burnout (Mini-Z)" in title and "25% burned out in W3" in title and "30% in W1" in title
    assert "burnout item 3 of 5" in title and "1 point hidden: groups of fewer than 5" in title
    assert list(fig.layout.xaxis.categoryarray) == WAVES
    assert not fig.layout.shapes  # no benchmark given, none drawn


def test_wave_trend_draws_benchmarks_given():
    bench = {"figure": "burnout, orthopaedic surgeons, PFI", "value": 38.9, "year": "2019", "source": "BJO 2021"}
    fig = charts.wave_trend(wave_rows(), WAVES, "Burnout", "PFI", "burned out", "PFI, burnout = ...", 5, [bench])
    assert len(fig.layout.shapes) == 1 and fig.layout.shapes[0].y0 == 38.9
    assert "BJO 2021" in fig.layout.annotations[0].hovertext


def test_wave_trend_empty():
    empty = frame([("W1", None, None, None, None, None, None, True)])
    fig = charts.wave_trend(empty, WAVES, "Burnout", "Mini-Z", "burned out", RULE, 5)
    assert "no wave can be shown" in fig.layout.title.text


def test_group_bars():
    rows = frame(
        [
            ("W3", "resident", 20, 8, 40.0, 21.9, 61.3, False),
            ("W3", "fellow", None, None, None, None, None, True),
            ("W3", "senior_faculty", 10, 1, 10.0, 1.8, 40.4, False),
            ("W3", "unknown", None, None, None, None, None, True),
        ]
    )
    fig = charts.group_bars(rows, "career_stage", "Career stage", "Burnout", "Mini-Z", "burned out", RULE, "W3", 5)
    assert list(fig.data[0].y) == ["Residents (n=20)", "Senior faculty (n=10)"]
    title = plain(fig.layout.title.text)
    assert "from 10% (Senior faculty) to 40% (Residents)" in title
    assert "2 points hidden" in title and "W3: Mini-Z" in title


def test_mentored_comparison():
    rows = frame(
        [
            ("W1", "mentored", 30, 6, 20.0, 9.5, 37.3, False),
            ("W1", "not_mentored", 30, 18, 60.0, 42.3, 75.4, False),
            ("W1", "unknown", None, None, None, None, None, True),
        ]
    )
    fig = charts.mentored_comparison(rows, WAVES, "Burnout", "Mini-Z", "burned out", RULE, 5)
    assert [t.name for t in fig.data] == ["Mentored", "Not mentored"]
    title = plain(fig.layout.title.text)
    assert "20% of mentored vs 60% of not mentored" in title and "intervals do not overlap" in title
    assert "association, not cause" in title and "self-reported" in title and "1 point hidden" in title


def test_mentored_comparison_when_one_side_hidden():
    rows = frame(
        [
            ("W1", "mentored", None, None, None, None, None, True),
            ("W1", "not_mentored", None, None, None, None, None, True),
        ]
    )
    fig = charts.mentored_comparison(rows, WAVES, "Burnout", "Mini-Z", "burned out", RULE, 5)
    assert not fig.data and "cannot both be shown" in fig.layout.title.text


def test_group_labels():
    assert charts.group_label("urim", "urim") == "URiM"
    assert charts.group_label("gender", "woman") == "Woman"
    assert charts.group_label("division", "unknown") == "Not recorded"
    assert charts.group_label("division", "Spine") == "Spine"


def test_a_benchmarks_line_in_the_wave_trend_is_the_one_add_hline_draws():
    """wave_trend's draft writes out each benchmark's dashed line and label: the same shape and annotation as
    Plotly's add_hline with the same options (and so the theme disarms a link in its text, as before)."""
    import plotly.graph_objects as go

    from mentordash.charts.wellbeing import _add_national_line

    bench = {"value": 44.5, "figure": "Burnout", "year": 2024, "source": "A national survey"}
    drawn = go.Figure().add_hline(
        y=44.5,
        line={"dash": "dash", "color": "#D55E00", "width": 1.5},
        annotation={
            "text": "National: Burnout, 44.5%",
            "hovertext": "Burnout: 44.5% (2024; A national survey)",
            "font": {"size": 11, "color": "#444"},
        },
        annotation_position="top right",
    )
    layout: dict = {}
    _add_national_line(layout, bench, "#D55E00")
    written = go.Figure({"data": [], "layout": layout})
    assert written.layout.shapes == drawn.layout.shapes
    assert written.layout.annotations == drawn.layout.annotations
