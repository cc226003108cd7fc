"""mentordash.ui.tables: metrics frames written out for the pages, one way everywhere (docs/privacy.md wording)."""

import math

import pandas as pd

from mentordash.ui import tables
from mentordash.ui.outcomes_view import rates_table
from tests.test_charts_outcomes import rates_frame


def test_cells_counts_percentages_intervals():
    assert tables.fewer_than(5) == "fewer than 5"
    assert tables.hidden_note(3) == "hidden: fewer than 3"
    assert tables.count(1234) == "1,234" and tables.count(8) == "8" and tables.count(None) == "–"
    assert tables.percent(12.345) == "12.3%" and tables.percent(float("nan")) == "–"
    assert tables.interval(10.06, 14.24) == "10.1–14.2%"
    assert tables.interval(None, 14.2) == "–" and tables.interval(pd.NA, 1.0) == "–"
    assert tables.cell(42, True, 5, tables.COUNT) == "fewer than 5"  # never the number
    assert tables.cell(None, False, 5, tables.COUNT) == "–"
    assert tables.cell(math.nan, False, 5, tables.PERCENT) == "–"
    assert tables.cell(61.11, False, 5, tables.PERCENT) == "61.1%"
    assert tables.interval_cell(1.0, 2.0, True, 4) == "fewer than 4"
    assert tables.interval_cell(1.0, 2.0, False, 4) == "1.0–2.0%"


def test_display_table_formats_labels_and_suppressed_rows():
    frame = pd.DataFrame(
        [
            {
                "survey": "W1",
                "group": "yes",
                "n": 1200,
                "pct": 40.04,
                "ci_low": 37.3,
                "ci_high": 42.81,
                "suppressed": False,
            },
            {
                "survey": "W1",
                "group": "no",
                "n": None,
                "pct": None,
                "ci_low": None,
                "ci_high": None,
                "suppressed": True,
            },
            {"survey": "W2", "group": "odd", "n": 9, "pct": None, "ci_low": None, "ci_high": None, "suppressed": False},
        ]
    )
    table = tables.display_table(
        frame,
        [
            ("survey", "Survey", tables.as_is),
            ("group", "Group", {"yes": "Mentored", "no": "Not mentored"}),
            ("n", "Responses", tables.COUNT),
            ("pct", "%", tables.PERCENT),
            (("ci_low", "ci_high"), "95% CI", "interval"),
        ],
        5,
    )
    assert list(table.columns) == ["Survey", "Group", "Responses", "%", "95% CI"]
    assert table.to_dict("records") == [
        {"Survey": "W1", "Group": "Mentored", "Responses": "1,200", "%": "40.0%", "95% CI": "37.3–42.8%"},
        # labels stay in a suppressed row (they say what the row is); every number reads "fewer than 5"
        {
            "Survey": "W1",
            "Group": "Not mentored",
            "Responses": "fewer than 5",
            "%": "fewer than 5",
            "95% CI": "fewer than 5",
        },
        {"Survey": "W2", "Group": "odd", "Responses": "9", "%": "–", "95% CI": "–"},
    ]


def test_display_table_of_empty_frame_keeps_headers():
    table = tables.display_table(pd.DataFrame(columns=["n", "suppressed"]), [("n", "People", tables.COUNT)], 5)
    assert table.empty and list(table.columns) == ["People"]


def test_numbers_table_keeps_numbers_and_notes_hidden_rows():
    frame = pd.DataFrame(
        [
            {"stage": "Residents", "n": 20, "pct": 55.0, "suppressed": False},
            {"stage": "Fellows", "n": None, "pct": None, "suppressed": True},
        ]
    )
    table = tables.numbers_table(frame, {"stage": "Career stage", "n": "People", "pct": "Covered %"}, 5)
    assert list(table.columns) == ["Career stage", "People", "Covered %", "Note"]
    assert table.iloc[0]["People"] == 20 and table.iloc[0]["Note"] == ""
    assert table.iloc[1]["Note"] == "hidden: fewer than 5" and pd.isna(table.iloc[1]["People"])


def test_outcomes_rates_table_through_the_shared_formatter():
    table = rates_table(rates_frame(), 5)
    assert table.to_dict("records") == [
        {
            "Career stage": "Residents",
            "Group": "Mentored",
            "People": "20",
            "Person-years": "50.0",
            "Publications": "80",
            "Per person-year": "1.60",
            "95% low": "1.27",
            "95% high": "1.99",
        },
        {
            "Career stage": "Residents",
            "Group": "Not mentored",
            "People": "10",
            "Person-years": "25.0",
            "Publications": "20",
            "Per person-year": "0.80",
            "95% low": "0.49",
            "95% high": "1.24",
        },
        {
            "Career stage": "Fellows",
            "Group": "Not mentored",
            "People": "fewer than 5",
            "Person-years": "fewer than 5",
            "Publications": "fewer than 5",
            "Per person-year": "fewer than 5",
            "95% low": "fewer than 5",
            "95% high": "fewer than 5",
        },
    ]
    mentors = rates_table(rates_frame("mentors"), 5, flag="mentors")
    assert list(mentors["Group"]) == ["Mentors", "Do not mentor", "Do not mentor"]
