import json

import pandas as pd

from mentordash.charts.overview import coverage_by_academic_year
from mentordash.charts.theme import PALETTE


def frame(rows):
    return pd.DataFrame(
        rows, columns=["period", "career_stage", "n", "covered", "pct", "ci_low", "ci_high", "suppressed"]
    )


def test_lines_per_stage_with_suppressed_points_left_out():
    fig = coverage_by_academic_year(
        frame(
            [
                ("2024-25", "resident", 30, 24, 80.0, 62.7, 90.5, False),
                ("2024-25", "fellow", None, None, None, None, None, True),
                ("as of 30 Jun 2026", "resident", 32, 28, 87.5, 71.9, 95.0, False),
                ("as of 30 Jun 2026", "senior_faculty", 20, 7, 35.0, 18.1, 56.7, False),
            ]
        ),
        min_cell=5,
    )
    names = [trace.name for trace in fig.data]
    assert names == ["Residents", "Senior faculty"]
    assert list(fig.data[0].y) == [80.0, 87.5]
    assert fig.data[0].line.color in PALETTE
    title = fig.layout.title.text
    assert title.startswith("Residents are the best mentored (88%), senior faculty the least (35%)")
    assert "1 point hidden: groups of fewer than 5" in title
    assert fig.layout.yaxis.title.text == "Active people with an active mentor (%)"
    assert list(fig.layout.xaxis.categoryarray) == ["2024-25", "as of 30 Jun 2026"]
    json.loads(fig.to_json())  # serialisable for st.plotly_chart


def test_one_stage_title_states_its_coverage():
    fig = coverage_by_academic_year(frame([("2025-26", "resident", 30, 24, 80.0, 62.7, 90.5, False)]), 5)
    assert fig.layout.title.text == "80% of residents have an active mentor"


def test_everything_suppressed_says_so():
    fig = coverage_by_academic_year(frame([("2025-26", "fellow", None, None, None, None, None, True)]), 5)
    assert fig.data == ()
    assert fig.layout.title.text.startswith("No coverage figure can be shown")
