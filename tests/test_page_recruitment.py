"""The recruitment page through the app's router: sections, hidden cells, notes, and equal to `summary`."""

import json
from datetime import date

from mentordash.db import connect
from mentordash.metrics.filters import Filters
from mentordash.metrics.summary import recruitment_part
from mentordash.ui.recruitment_view import SECTION_KEY, SECTIONS
from tests.apptest import app_test, every_section, texts
from tests.builders import add_applicants, add_people, new_db, person
from tests.test_metrics_recruitment import residency_2026, tiny_fellowship

PAGE = "pages/recruitment.py"


def build(tmp_path, name):
    db = new_db(tmp_path, name)
    add_applicants(db, *residency_2026(), *tiny_fellowship())
    add_people(
        db,
        *[
            person(
                f"R{i}",
                "resident",
                date(2022, 7, 1),
                gender="woman" if i < 5 else "man",
                race_ethnicity=["white"],
                division="Spine",
            )
            for i in range(12)
        ],
        *[person(f"S{i}", "senior_faculty", date(2010, 1, 1), gender="man") for i in range(6)],
    )
    db.close()
    return tmp_path / name


def run_page(monkeypatch, path, **state):
    at = app_test(monkeypatch, path)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def specs(at):
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def titles(at):
    return [s["layout"]["title"]["text"] for s in specs(at)]


def frames(at):
    return [df.value for df in at.dataframe]


def test_page_sections_and_findings(tmp_path, monkeypatch):
    at = run_page(monkeypatch, build(tmp_path, "page.duckdb"))
    assert at.title[0].value == "Recruitment and diversity"
    shown = every_section(at, SECTION_KEY, SECTIONS)  # each section is drawn only while its tab is open
    headers = shown["headers"]
    assert headers[:4] == [
        "The funnel",
        "Conversion by group",
        "Women and URiM at each stage, cycle by cycle",
        "Pipeline programs",
    ]
    assert headers[4].startswith("The department on")
    all_titles = [s["layout"]["title"]["text"] for s in shown["charts"]]
    assert all_titles[0] == "Of 41 applicants, 5 matched (12%)<br><sup>Residency, 2026 cycle</sup>"
    assert any(
        t.startswith("Women were 31% of applicants and 42% of those ranked in 2026 (national: 23.0% of applicants)")
        for t in all_titles
    )
    assert any(t.startswith("Women are 42% of residents against 15.5% nationally") for t in all_titles)


def test_page_numbers_equal_summary(tmp_path, monkeypatch):
    path = build(tmp_path, "equal.duckdb")
    db = connect(path)
    part = [p for p in recruitment_part(db, Filters()) if p["track"] == "residency"]
    db.close()
    at = run_page(monkeypatch, path)
    shown = every_section(at, SECTION_KEY, SECTIONS)
    shares = next(f for f in shown["frames"] if "Women (of known)" in f.columns)
    for cell in part:
        row = shares[(shares["Cycle"] == cell["cycle"]) & (shares["Stage"] == cell["stage"].capitalize())].iloc[0]
        assert row["Applicants"] == f"{cell['n']:,}"
        for key, column in (("women_pct", "Women (of known)"), ("urim_pct", "URiM (of known)")):
            if cell[key] is None:
                assert row[column].startswith("hidden")
            else:
                assert row[column] == f"{cell[key]:.1f}%"
    overall = shown["charts"][0]["data"][0]
    assert overall["x"] == [c["n"] for c in part]
    trend = next(s for s in shown["charts"] if s["layout"]["title"]["text"].startswith("Women were"))
    applied = next(t for t in trend["data"] if t["name"] == "Applied")
    assert applied["y"] == [next(c["women_pct"] for c in part if c["stage"] == "applied")]


def test_tiny_fellowship_shows_no_group_under_min_cell(tmp_path, monkeypatch):
    at = run_page(monkeypatch, build(tmp_path, "tiny.duckdb"))
    at.selectbox(key="rec_track").set_value("fellowship").run()
    assert not at.exception
    funnel_title = titles(at)[0]
    assert funnel_title.startswith("6 applicants; later stages too small to show")
    for split in ("urim", "gender", "race_ethnicity"):
        at.radio(key="rec_split").set_value(split).run()
        split_chart = specs(at)[1]
        assert split_chart["layout"]["title"]["text"].startswith("Too few applicants")
        assert not [t for t in split_chart["data"] if t.get("x")]
        table = next(f for f in frames(at) if "Interviewed" in f.columns)
        for value in table[["Applied", "Interviewed", "Ranked", "Matched"]].to_numpy().ravel():
            assert value in ("fewer than 5", "0") or value.startswith("0 ("), value


def test_people_filters_are_named_as_not_applying(tmp_path, monkeypatch):
    at = run_page(monkeypatch, build(tmp_path, "note.duckdb"), f_stage=["resident"], f_division=["Spine"])
    note = texts(at)
    assert "career stage, division filter does not describe applicants" in note
    assert titles(at)[0].startswith("Of 41 applicants")  # not narrowed


def test_urim_filter_offers_the_comparison_with_everyone_else(tmp_path, monkeypatch):
    at = run_page(monkeypatch, build(tmp_path, "urim.duckdb"), f_urim="urim")
    assert (
        "selection" in at.radio(key="rec_split").options
        or "Filtered vs everyone else" in at.radio(key="rec_split").options
    )
    at.radio(key="rec_split").set_value("selection").run()
    assert not at.exception
    # 10 URiM applicants, 4 of them interviewed: every later stage hidden
    assert titles(at)[0].startswith("10 applicants; later stages too small to show")
    shown = every_section(at, SECTION_KEY, SECTIONS)
    assert "100% by construction" in shown["texts"]
    # The URiM chart sets the URiM filter aside: URiM among all applicants, 10 of 39 known = 25.6%.
    urim_trend = next(s for s in shown["charts"] if s["layout"]["title"]["text"].startswith("URiM applicants were"))
    assert urim_trend["layout"]["title"]["text"].startswith("URiM applicants were 26% of applicants in 2026")


def test_filters_below_min_cell_show_nothing_else(tmp_path, monkeypatch):
    at = run_page(monkeypatch, build(tmp_path, "small.duckdb"), f_gender=["nonbinary"])
    assert "fewer than 5 applicants" in texts(at)
    assert not at.get("plotly_chart") and not at.tabs
