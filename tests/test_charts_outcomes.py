"""Outcome chart builders: pure frames in, figures out; suppressed cells left out and counted."""

import pandas as pd

from mentordash.charts import outcomes as charts


def title_of(fig):
    """The title as one line (long findings are wrapped with <br>)."""
    return fig.layout.title.text.replace("<br>", " ")


def rates_frame(flag="mentored"):
    return pd.DataFrame(
        [
            {
                "career_stage": "resident",
                flag: True,
                "people": 20,
                "person_years": 50.0,
                "publications": 80,
                "rate": 1.6,
                "ci_low": 1.27,
                "ci_high": 1.99,
                "suppressed": False,
            },
            {
                "career_stage": "resident",
                flag: False,
                "people": 10,
                "person_years": 25.0,
                "publications": 20,
                "rate": 0.8,
                "ci_low": 0.49,
                "ci_high": 1.24,
                "suppressed": False,
            },
            {
                "career_stage": "fellow",
                flag: False,
                "people": None,
                "person_years": None,
                "publications": None,
                "rate": None,
                "ci_low": None,
                "ci_high": None,
                "suppressed": True,
            },
        ]
    )


def test_publication_rates_bars_with_intervals_and_hidden_cell():
    fig = charts.publication_rates(rates_frame(), min_cell=5)
    names = [t.name for t in fig.data]
    assert names == ["Mentored", "Not mentored"]
    mentored, unmentored = fig.data
    assert list(mentored.y) == [1.6] and list(unmentored.x) == ["Residents"]  # the fellows' cell is left out
    assert list(mentored.error_y.array) == [0.39] or abs(mentored.error_y.array[0] - 0.39) < 1e-9
    assert abs(mentored.error_y.arrayminus[0] - 0.33) < 1e-9
    title = title_of(fig)
    assert "Mentored people among residents published 1.60 a year, the unmentored 0.80" in title
    assert "1 point hidden: groups of fewer than 5" in title
    assert fig.layout.yaxis.title.text == "Publications per person-year"


def test_overlapping_intervals_are_said():
    frame = rates_frame()
    frame.loc[1, ["rate", "ci_low", "ci_high"]] = [1.4, 1.0, 1.9]
    assert "(intervals overlap)" in title_of(charts.publication_rates(frame, 5))


def test_mentors_side_labels():
    fig = charts.publication_rates(rates_frame("mentors"), min_cell=5, flag="mentors")
    assert [t.name for t in fig.data] == ["Mentors", "Do not mentor"]
    assert title_of(fig).startswith("Faculty who mentor among residents published")


def test_nothing_to_show():
    frame = rates_frame().iloc[[2]]
    fig = charts.publication_rates(frame, 5)
    assert len(fig.data) == 0 and "No publication rate can be shown" in title_of(fig)


def departure_frame(by=None):
    rows = [
        {
            "career_stage": "resident",
            "mentored": True,
            "n": 40,
            "departed": 2,
            "pct": 5.0,
            "ci_low": 1.4,
            "ci_high": 16.5,
            "suppressed": False,
        },
        {
            "career_stage": "resident",
            "mentored": False,
            "n": 10,
            "departed": 3,
            "pct": 30.0,
            "ci_low": 10.8,
            "ci_high": 60.3,
            "suppressed": False,
        },
    ]
    if by:
        for row in rows:
            row[by] = "urim"
    return pd.DataFrame(rows)


def test_early_departure_chart():
    fig = charts.early_departure(departure_frame(), 5)
    assert [t.name for t in fig.data] == ["Mentored", "Not mentored"]
    assert title_of(fig).startswith("Early departure: 5.0% of mentored people against 30.0%")
    assert "(intervals overlap)" in title_of(fig)
    assert fig.layout.yaxis.ticksuffix == "%"


def test_early_departure_by_group_uses_two_level_axis():
    fig = charts.early_departure(departure_frame("urim"), 5, by="urim")
    x = fig.data[0].x
    assert [list(level) for level in x] == [["Residents"], ["URiM"]]


def test_promotion_curves():
    curves = pd.DataFrame(
        [
            {"mentored": True, "years": 0.0, "survival": 1.0, "ci_low": 1.0, "ci_high": 1.0, "at_risk": 20},
            {"mentored": True, "years": 4.0, "survival": 0.4, "ci_low": 0.2, "ci_high": 0.6, "at_risk": 12},
            {"mentored": False, "years": 0.0, "survival": 1.0, "ci_low": 1.0, "ci_high": 1.0, "at_risk": 10},
            {"mentored": False, "years": 6.0, "survival": 0.45, "ci_low": 0.2, "ci_high": 0.7, "at_risk": 6},
        ]
    )
    summary = pd.DataFrame(
        [
            {
                "mentored": True,
                "people": 20,
                "promoted": 12,
                "censored": 8,
                "median_years": 4.0,
                "median_low": 3.1,
                "median_high": 5.2,
                "suppressed": False,
            },
            {
                "mentored": False,
                "people": 10,
                "promoted": 5,
                "censored": 5,
                "median_years": 6.0,
                "median_low": 4.0,
                "median_high": None,
                "suppressed": False,
            },
        ]
    )
    fig = charts.promotion_curves(curves, summary, 5)
    lines = [t for t in fig.data if t.name]
    assert [t.name for t in lines] == ["Mentored", "Not mentored"]
    assert lines[0].line.shape == "hv" and list(lines[0].y) == [100.0, 40.0]
    assert sum(1 for t in fig.data if t.fill == "tonexty") == 2  # one band per curve
    assert title_of(fig).startswith("Mentored junior faculty were promoted sooner: median 4.0 years against 6.0")
    summary.loc[1, "median_years"] = None
    title = title_of(charts.promotion_curves(curves, summary, 5))
    assert title.startswith(
        "Half of mentored junior faculty were promoted within 4.0 years; fewer than half of the unmentored so far"
    )


def test_promotion_with_a_suppressed_group():
    curves = pd.DataFrame(columns=["mentored", "years", "survival", "ci_low", "ci_high", "at_risk"])
    summary = pd.DataFrame(
        [
            {
                "mentored": False,
                "people": None,
                "promoted": None,
                "censored": None,
                "median_years": None,
                "median_low": None,
                "median_high": None,
                "suppressed": True,
            }
        ]
    )
    fig = charts.promotion_curves(curves, summary, 5)
    assert "No promotion curve" in title_of(fig) and "1 point hidden" in title_of(fig)


def test_satisfaction_leaves_unknown_out():
    frame = pd.DataFrame(
        [
            {
                "survey": "W1",
                "mentored": True,
                "n": 30,
                "satisfied": 21,
                "pct": 70.0,
                "ci_low": 52.1,
                "ci_high": 83.3,
                "suppressed": False,
            },
            {
                "survey": "W1",
                "mentored": False,
                "n": 12,
                "satisfied": 6,
                "pct": 50.0,
                "ci_low": 25.4,
                "ci_high": 74.6,
                "suppressed": False,
            },
            {
                "survey": "W1",
                "mentored": None,
                "n": 7,
                "satisfied": 3,
                "pct": 42.9,
                "ci_low": 15.8,
                "ci_high": 75.0,
                "suppressed": False,
            },
        ]
    )
    fig = charts.satisfaction(frame, 5)
    assert [t.name for t in fig.data] == ["Mentored", "Not mentored"]
    assert "7 answers with unknown mentoring left out" in title_of(fig)
    assert title_of(fig).startswith("In W1, 70% of mentored people were satisfied with their career against 50%")


def test_long_findings_wrap_onto_two_lines():
    frame = rates_frame()
    fig = charts.publication_rates(frame, 5)
    main = fig.layout.title.text.split("<sup>")[0]
    assert main.count("<br>") >= 2  # the finding's two lines, then the subtitle
    assert all(len(line) <= charts.TITLE_CHARS for line in main.split("<br>"))
    assert fig.layout.height > 420
