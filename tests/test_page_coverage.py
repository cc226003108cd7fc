"""AppTest of the coverage page: the numbers it shows are the summary's, row-level lists for coordinators only."""

from datetime import date

import pandas as pd
import pytest

from mentordash.db import connect
from mentordash.metrics.filters import Filters
from mentordash.metrics.summary import coverage_part, mentor_load_part
from mentordash.ui.coverage_view import SECTION_KEY, SECTIONS
from mentordash.ui.downloads import csv_bytes, escape_cell, escape_frame
from tests.apptest import app_test, every_section, signed_in, texts
from tests.builders import add_meetings, add_mentorships, add_people, new_db, person

AS_OF = date(2026, 6, 30)
PAGE = "pages/coverage.py"


@pytest.fixture
def db_path(tmp_path):
    db = new_db(tmp_path, "coverage_page.duckdb")
    add_people(
        db,
        *[
            person(
                f"R{i}",
                "resident",
                date(2023, 7, 1),
                gender="woman" if i < 5 else "man",
                race_ethnicity=["black"] if i < 3 else ["white"],
                division='=HYPERLINK("x")' if i == 11 else None,
            )
            for i in range(12)
        ],
        *[
            person(f"J{i}", "junior_faculty", date(2019, 7, 1), gender="woman" if i < 3 else "man", division="Spine")
            for i in range(8)
        ],
        *[
            person(f"S{i}", "senior_faculty", date(2005, 7, 1), gender="woman" if i < 2 else "man", division="Hand")
            for i in range(6)
        ],
        person("GONE", "resident", date(2023, 7, 1), end_date=AS_OF),  # leaves on as_of: not active
    )
    add_mentorships(
        db,
        *[
            dict(
                mentor_id=f"S{i % 6}",
                mentee_id=f"R{i}",
                start_date=date(2024, 1, 1),
                source="formal_program" if i < 6 else "research",
                formal=i < 6,
            )
            for i in range(9)
        ],
        *[
            dict(mentor_id=f"S{i % 6}", mentee_id=f"J{i}", start_date=date(2025, 9, 1), source="society", formal=False)
            for i in range(4)
        ],
        dict(mentor_id="EXT", mentee_id="R9", role="coach", start_date=date(2024, 1, 1), end_date=AS_OF),
        *[dict(mentor_id="S0", mentee_id=f"R{i}", role="advisor", start_date=date(2025, 1, 1)) for i in range(10, 12)],
    )
    add_meetings(db, *[dict(mentor_id=f"S{i % 6}", mentee_id=f"R{i}", date=date(2026, 5, 1)) for i in range(3)])
    db.set_setting("capacity", 2, user="test")
    db.close()
    return tmp_path / "coverage_page.duckdb"


def open_page(at, **params):
    at.query_params["as_of"] = AS_OF.isoformat()
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def frames(shown):
    return shown["frames"]


def stage_table(shown):
    for frame in frames(shown):
        if "Career stage" in frame.columns and "Covered %" in frame.columns:
            return frame
    raise AssertionError("no coverage table on the page")


def figures(shown):
    return shown["charts"]


def titles(shown):
    return [f["layout"]["title"]["text"] for f in figures(shown)]


def sections(at):
    """What every section tab of the page shows (each is drawn only while open)."""
    return every_section(at, SECTION_KEY, SECTIONS)


def plain(value):
    return None if value is None or (isinstance(value, float) and value != value) else value


STAGE_NAMES = {"Residents": "resident", "Junior faculty": "junior_faculty", "Senior faculty": "senior_faculty"}


def test_coordinator_sees_everything_and_the_summary_numbers(monkeypatch, db_path):
    at = open_page(app_test(monkeypatch, db_path))  # local mode: a coordinator
    shown_sections = sections(at)
    db = connect(db_path)
    summary = coverage_part(db, AS_OF, Filters())
    load = mentor_load_part(db, AS_OF, Filters())
    db.close()
    # The table: every stage and the total equal the summary's coverage part to the digit.
    table = stage_table(shown_sections)
    keys = {"People": "n", "Covered": "covered", "Covered %": "pct", "Engaged": "engaged", "Engaged %": "engaged_pct"}
    for row in table.to_dict("records"):
        expected = (
            summary["all"]
            if row["Career stage"] == "All stages"
            else summary["by_stage"][STAGE_NAMES[row["Career stage"]]]
        )
        assert {v: plain(row[k]) for k, v in keys.items()} == {v: expected[v] for v in keys.values()}
        assert (row["Note"] != "") == bool(expected.get("suppressed"))
    assert len(table) == len(summary["by_stage"]) + 1
    # 12 residents (GONE left on as_of), 9 covered; 26 people, 13 covered, 3 engaged.
    assert summary["by_stage"]["resident"] == {"n": 12, "covered": 9, "pct": 75.0, "engaged": 3, "engaged_pct": 25.0}
    shown = {m.label: m.value for m in at.metric}
    assert shown["Have an active mentor"] == f"{summary['all']['pct']:.1f}%" == "50.0%"
    assert shown["Engaged with their mentor"] == f"{summary['all']['engaged_pct']:.1f}%"
    assert shown["Mentors over capacity"] == f"{load['over_capacity']}" == "3"
    assert (
        {m.label: m.delta for m in at.metric}["Mentors over capacity"]
        == f"of {load['mentors']} mentors"
        == "of 6 mentors"
    )
    # Charts: every section drew, each title a finding.
    found = " | ".join(titles(shown_sections))
    assert "75% of residents have an active mentor" in found
    assert "against 75% nationally" in found.replace("<br>", " ")
    assert "3 of 6 mentors are over capacity" in found.replace("<br>", " ")
    assert len(figures(shown_sections)) == 13
    # Senior faculty (6) shown, no stage hidden at min_cell 5 here.
    assert "hidden" not in titles(shown_sections)[0]
    # Row-level lists, with downloads.
    listed = [f for f in frames(shown_sections) if "person_id" in f.columns]
    assert len(listed) == 1 and set(listed[0]["person_id"]) >= {"R9", "R10", "R11", "S0"}
    assert "GONE" not in set(listed[0]["person_id"])
    over = [f for f in frames(shown_sections) if "mentor_id" in f.columns]
    # S0: R0 R6 J0; S1: R1 R7 J1; S2: R2 R8 J2 (S0's advisees do not count for the mentor role).
    assert over[0].to_dict("records") == [
        {"mentor_id": f"S{i}", "career_stage": "senior_faculty", "division": "Hand", "external": False, "mentees": 3}
        for i in range(3)
    ]
    assert len([d for d in shown_sections["downloads"] if d != "PNG"]) == 2  # the two CSV lists


def test_viewer_sees_aggregates_but_no_row_level_list(monkeypatch, db_path):
    at = open_page(signed_in(monkeypatch, db_path, "chair@hospital.example.org"))
    assert "Local mode" not in texts(at)
    shown_sections = sections(at)
    assert "only program coordinators see them" in shown_sections["texts"]
    assert not [f for f in frames(shown_sections) if "person_id" in f.columns or "mentor_id" in f.columns]
    assert [d for d in shown_sections["downloads"] if d != "PNG"] == []  # no list: charts only
    assert len(figures(shown_sections)) == 13  # every aggregate is there
    # a viewer's figures are protected (docs/privacy.md): the page shows the metrics layer's protected count,
    # within 2 of the exact 12 residents, and says so
    from mentordash.db import connect
    from mentordash.metrics.coverage import coverage_by_stage

    db = connect(db_path)
    protected = coverage_by_stage(db, AS_OF, Filters(), audience="protected")
    db.close()
    shown = stage_table(shown_sections)["People"].tolist()[0]
    assert shown == protected.iloc[0]["n"] and abs(shown - 12) <= 2
    assert "Figures are protected" in texts(at)


def test_a_page_run_computes_each_figure_once_with_the_viewer_s_audience(monkeypatch, db_path):
    """The page computes its headline and open section together first (coverage_view.prefetch, on helper
    threads that carry the session's context), then draws from the cache: each figure is computed once,
    for the signed-in user's audience."""
    import functools
    import threading

    from mentordash.metrics import coverage
    from mentordash.ui import cache

    calls = []
    for name in ("coverage_by_role", "mentor_load", "resident_benchmark"):
        original = getattr(coverage, name)

        @functools.wraps(original)  # its signature: privacy.gate hands the audience to what takes one
        def counted(db, *args, _original=original, _name=name, **kwargs):
            if "counted_days" not in kwargs:  # the overview's tiles (the first page opened) pass theirs
                calls.append((_name, kwargs.get("audience"), threading.current_thread().name))
            return _original(db, *args, **kwargs)

        monkeypatch.setattr(coverage, name, counted)
    monkeypatch.setattr(cache, "_REGISTRY", {})  # the counting functions, not ones an earlier test registered
    at = open_page(signed_in(monkeypatch, db_path, "chair@hospital.example.org"))
    assert not at.exception
    assert sorted(call[:2] for call in calls) == [
        ("coverage_by_role", "protected"),
        ("mentor_load", "protected"),
        ("resident_benchmark", "protected"),  # the open section's ("At the date")
    ]


def test_any_role_and_groups(monkeypatch, db_path):
    at = open_page(app_test(monkeypatch, db_path))
    at.radio(key="cov_role").set_value("any").run()
    assert not at.exception
    table = stage_table(sections(at))
    residents = table[table["Career stage"] == "Residents"].iloc[0]
    assert (residents["Covered"], residents["Covered %"]) == (12, 100.0)  # R9 coach to as_of, R10 R11 advisor
    at.session_state[SECTION_KEY] = "Groups"
    at.run()
    at.selectbox(key="cov_within").set_value("resident").run()
    assert not at.exception
    gender = [t for t in titles(every_section(at, SECTION_KEY, ["Groups"])) if "gender" in t.lower() or "Women" in t]
    assert gender, titles(at)


def test_filter_below_min_cell_shows_nothing(monkeypatch, db_path):
    at = open_page(app_test(monkeypatch, db_path), stage="senior_faculty", gender="woman")
    assert "fewer than 5 people" in texts(at)
    assert len(at.get("plotly_chart")) == 0 and not at.dataframe and not at.tabs


def test_small_groups_never_reach_the_page(monkeypatch, db_path):
    at = open_page(app_test(monkeypatch, db_path), stage="resident")
    shown = sections(at)
    for figure in figures(shown):
        for trace in figure["data"]:
            for label in trace.get("y", []) or []:
                if isinstance(label, str) and "(n=" in label:
                    assert int(label.split("(n=")[1].split(")")[0]) >= 5, label
    for frame in frames(shown):
        if "People" in frame.columns:
            assert all(pd.isna(v) or v >= 5 for v in frame["People"])


def test_csv_escaping():
    assert escape_cell("=SUM(A1)") == "'=SUM(A1)"
    assert [escape_cell(v) for v in ("+1", "-x", "@me", "\tx", "ok", "a=b")] == [
        "'+1",
        "'-x",
        "'@me",
        "'\tx",
        "ok",
        "a=b",
    ]
    assert escape_cell(-3) == -3 and escape_cell(None) is None
    frame = pd.DataFrame({"person_id": ['=HYPERLINK("x")', "P1"], "days_since_start": [-1, 30]})
    assert escape_frame(frame)["person_id"].tolist() == ['\'=HYPERLINK("x")', "P1"]
    text = csv_bytes(frame).decode("utf-8-sig")
    assert text.splitlines() == ["person_id,days_since_start", '"\'=HYPERLINK(""x"")",-1', "P1,30"]
    assert frame["person_id"].tolist()[0].startswith("=")  # the caller's frame is untouched


def test_a_hidden_tile_says_hidden_and_why_in_words_that_fit():
    """A tile's value has room for a few characters: a hidden figure reads "Hidden", why beneath it."""
    from mentordash.ui.coverage_view import tiles

    small = {"suppressed": True, "n": None, "covered": None, "pct": None, "engaged": None, "engaged_pct": None}
    few_mentors = {"suppressed": True, "mentors": None, "over_capacity": None, "capacity": 4}
    shown = {tile["label"]: tile for tile in tiles(small, few_mentors, "mentor", 180, 5)}
    assert {label: (t["value"], t["delta"]) for label, t in shown.items()} == {
        "Have an active mentor": ("Hidden", "fewer than 5 people"),
        "Engaged with their mentor": ("Hidden", "fewer than 5 people"),
        "Active people in this view": ("Hidden", "fewer than 5 people"),
        "Mentors over capacity": ("Hidden", "fewer than 5 mentors"),
    }
    assert all(t["delta_color"] == "off" and t["delta_arrow"] == "off" for t in shown.values())
    # a viewer's small count of mentors over capacity, among enough mentors to show
    viewer = {"suppressed": False, "mentors": 40, "over_capacity": None, "capacity": 4}
    over = tiles(small, viewer, "mentor", 180, 5)[3]
    assert (over["value"], over["delta"]) == ("Hidden", "fewer than 5 of 40")
