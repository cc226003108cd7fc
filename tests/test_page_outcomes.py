"""The outcomes page through AppTest: every section drawn, the association note, suppression, page = summary."""

from datetime import date
from pathlib import Path

import pytest

from mentordash.metrics.filters import Filters
from mentordash.metrics.summary import outcomes_part
from mentordash.ui.outcomes_view import SECTION_KEY, SECTIONS
from tests.apptest import app_test, every_section
from tests.builders import add_mentorships, add_outcomes, add_people, add_survey, new_db, person

AS_OF = date(2026, 6, 30)
OLD = date(2015, 1, 1)


def build(tmp_path, name):
    db = new_db(tmp_path, name)
    people = []
    for i in range(8):  # junior faculty, mentored J0-J3; two promoted later as senior faculty
        stage = "senior_faculty" if i in (0, 4) else "junior_faculty"
        people.append(person(f"J{i}", stage, date(2019, 1, 1), gender="woman" if i % 2 else "man", urim=i < 2))
    for i in range(8):
        people.append(
            person(
                f"R{i}",
                "resident",
                date(2022, 7, 1),
                urim=i % 3 == 0,
                end_date=date(2025, 1, 1) if i in (1, 6) else None,
                departure_reason="left_early" if i in (1, 6) else None,
            )
        )
    people += [person(f"S{i}", "senior_faculty", OLD) for i in range(6)]
    people.append(person("F0", "fellow", date(2025, 8, 1)))  # a cell of one
    add_people(db, *people)
    add_mentorships(
        db,
        *[dict(mentor_id=f"S{i % 3}", mentee_id=f"J{i}", start_date=date(2019, 1, 1)) for i in range(4)],
        *[dict(mentor_id=f"S{i % 3}", mentee_id=f"R{i}", start_date=date(2022, 7, 1)) for i in range(5)],
    )
    add_outcomes(
        db,
        dict(person_id="J0", date=date(2022, 1, 1), kind="promotion"),
        dict(person_id="J4", date=date(2024, 1, 1), kind="promotion"),
        *[dict(person_id=f"J{i}", date=date(2024, 3, 1), kind="publication", count=i + 1) for i in range(8)],
        *[dict(person_id=f"R{i}", date=date(2024, 5, 1), kind="publication") for i in range(8)],
        *[dict(person_id=f"S{i}", date=date(2025, 5, 1), kind="publication", count=3) for i in range(6)],
    )
    add_survey(
        db,
        *[
            dict(
                survey="Wellbeing 2026 Spring",
                response_id=str(i),
                submitted_at=date(2026, 4, 1),
                person_id=p,
                career_satisfaction=3 + i % 3,
                complete=True,
            )
            for i, p in enumerate([f"J{i}" for i in range(8)] + [f"R{i}" for i in (0, 2, 3, 4, 5, 7)])
        ],
    )
    return db


@pytest.fixture
def outcomes_page(tmp_path, monkeypatch):
    """Run the app on a fresh database and open the outcomes page; returns (AppTest, summary's outcomes)."""

    def run(name="page.duckdb", **state):
        db = build(tmp_path, name)
        summary = outcomes_part(db, AS_OF, Filters())  # before the app opens the file
        db.close()
        at = app_test(monkeypatch, Path(db.path))
        at.session_state["f_as_of"] = AS_OF
        for key, value in state.items():
            at.session_state[key] = value
        at.run()
        at.switch_page("pages/outcomes.py").run()
        assert not at.exception, at.exception
        return at, summary

    return run


def test_page_draws_every_section(outcomes_page):
    at, _ = outcomes_page()
    assert "1 July 2023 to 30 June 2026" in at.caption[0].value
    shown = every_section(at, SECTION_KEY, SECTIONS)  # each section is drawn only while its tab is open
    headers = shown["headers"]
    assert headers == [
        "Publications per person-year",
        "Time to first promotion (junior faculty)",
        "Early departure",
        "Career satisfaction",
        "The mentors' side: faculty who mentor",
    ]
    assert any("Association, not cause" in i.value for i in at.info)
    assert len(shown["charts"]) == 5
    assert len(shown["frames"]) == 5
    spec = shown["charts"][0]
    assert spec["layout"]["yaxis"]["title"]["text"] == "Publications per person-year"


def test_page_equals_summary(outcomes_page):
    at, summary = outcomes_page("equal.duckdb")
    frames = every_section(at, SECTION_KEY, SECTIONS)["frames"]
    table = frames[0].to_dict("records")
    assert len(table) == len(summary["publications"])
    for shown, cell in zip(table, summary["publications"]):
        if cell.get("suppressed"):
            assert (shown["People"], shown["Per person-year"]) == ("fewer than 5", "fewer than 5")
            continue
        assert shown["People"] == f"{cell['people']:,}"
        assert shown["Person-years"] == f"{cell['person_years']:.1f}"
        assert shown["Publications"] == f"{cell['publications']:,}"
        assert shown["Per person-year"] == f"{cell['rate']:.2f}"
    assert any(c.get("suppressed") for c in summary["publications"])  # the fellow
    assert sum(not c.get("suppressed") for c in summary["publications"]) >= 2
    departures = frames[2].to_dict("records")
    assert len(departures) == len(summary["early_departure"])
    for shown, cell in zip(departures, summary["early_departure"]):
        if cell.get("suppressed"):
            assert shown["People"] == "fewer than 5"
            continue
        assert (shown["People"], shown["Left early or dismissed"], shown["%"]) == (
            f"{cell['n']:,}",
            f"{cell['departed']:,}",
            f"{cell['pct']:.1f}%",
        )


def test_departure_split_by_group(outcomes_page):
    at, _ = outcomes_page("split.duckdb")
    at.session_state[SECTION_KEY] = "Early departure"
    at.run()
    at.segmented_control(key="outcomes_departure_by").set_value("urim").run()
    assert not at.exception
    (table,) = [frame.value for frame in at.dataframe]  # the open section's one table
    assert "Group" in table.columns and set(table["Group"]) <= {"URiM", "Not URiM", "URiM unknown"}


def test_too_small_shows_nothing(outcomes_page):
    at, _ = outcomes_page("small.duckdb", f_stage=["fellow"])
    assert any("fewer than 5 people" in w.value for w in at.warning)
    assert len(at.get("plotly_chart")) == 0 and len(at.dataframe) == 0 and not at.tabs
