"""The wellbeing page through the app's router: figures, tables equal to `summary`, suppression, benchmarks."""

import json
from datetime import date, datetime

from mentordash.metrics import summary
from mentordash.metrics.filters import Filters
from mentordash.metrics.wellbeing import DIMENSIONS
from mentordash.ui.wellbeing_view import (
    BURNOUT_TABS_KEY,
    GROUP_TABS_KEY,
    MEASURE_TABS_KEY,
    SECTION_KEY,
    SECTIONS,
    group_dimensions,
)
from mentordash.vocabulary import DIMENSION_LABELS
from tests.apptest import app_test, every_section
from tests.builders import add_mentorships, add_people, add_survey, new_db, person


def build(tmp_path, name):
    db = new_db(tmp_path, name)
    add_people(
        db,
        *[
            person(f"R{i}", "resident", date(2020, 7, 1), gender="woman" if i < 6 else "man", division="Spine")
            for i in range(16)
        ],
        *[person(f"F{i}", "junior_faculty", date(2015, 7, 1), gender="woman" if i < 2 else "man") for i in range(8)],
        person("S1", "senior_faculty", date(2000, 1, 1)),
    )
    add_mentorships(db, *[dict(mentor_id="S1", mentee_id=f"R{i}", start_date=date(2024, 1, 1)) for i in range(10)])
    rows = []
    for year, instrument in ((2025, "mini_z"), (2026, "both")):
        for i, pid in enumerate([f"R{i}" for i in range(16)] + [f"F{i}" for i in range(8)] + [None] * 3):
            row = {
                "survey": f"Wellbeing {year}",
                "response_id": f"{year}-{i}",
                "submitted_at": datetime(year, 4, 30, 12),
                "person_id": pid,
                "complete": True,
                "mini_z_burnout": 1 + (i * 7 + year) % 5,
                "career_satisfaction": 1 + i % 5,
                "career_stage": "fellow" if pid is None else None,
                "has_mentor": None if pid else i % 2 == 0,
                "mbi_ee_item": (i * 3) % 7 if instrument == "both" else None,
                "mbi_dp_item": i % 3 if instrument == "both" else None,
            }
            rows.append(row)
    add_survey(db, *rows)
    db.close()
    return str(tmp_path / name)


def run_page(monkeypatch, path, **state):
    at = app_test(monkeypatch, path)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    at.switch_page("pages/wellbeing.py").run()
    assert not at.exception, at.exception
    return at


def inner_tab_charts(at, section: str, key: str) -> tuple[list[str], list[dict]]:
    """The labels of a section's inner tabs (one per instrument or measure) and the chart of each, opened in
    turn: only the open tab's chart is drawn."""
    at.session_state[SECTION_KEY] = section
    at.run()
    labels = [t.label for t in at.tabs if t.label not in SECTIONS]
    charts = []
    for label in labels:
        at.session_state[key] = label
        at.run()
        assert not at.exception
        drawn = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
        assert len(drawn) == 1, (label, len(drawn))  # the open tab's chart, no other
        charts += drawn
    return labels, charts


def every_chart(at) -> list[dict]:
    """Every chart of every section, of every instrument and measure tab, and of every group tab of 'Who
    is most affected' (each drawn only while its tab is open)."""
    charts = every_section(at, SECTION_KEY, SECTIONS)["charts"]
    charts += inner_tab_charts(at, "Burnout by wave", BURNOUT_TABS_KEY)[1]
    charts += inner_tab_charts(at, "Fulfillment and satisfaction", MEASURE_TABS_KEY)[1]
    at.session_state[SECTION_KEY] = "Who is most affected"
    labels = [DIMENSION_LABELS[d] for d in group_dimensions(DIMENSIONS)]
    for label in labels[1:]:  # the first group tab was open above
        at.session_state[GROUP_TABS_KEY] = label
        at.run()
        assert not at.exception
        charts += [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    return charts


def test_page_shows_every_instrument_and_equals_summary(tmp_path, monkeypatch):
    path = build(tmp_path, "page.duckdb")
    at = run_page(monkeypatch, path)
    assert at.title[0].value == "Burnout and wellbeing"
    table = at.dataframe[0].value  # the first section, open on arrival
    shown = every_section(at, SECTION_KEY, SECTIONS)  # each section is drawn only while its tab is open
    instruments, burnout_charts = inner_tab_charts(at, "Burnout by wave", BURNOUT_TABS_KEY)
    assert instruments == ["Mini-Z", "Single-item MBI"]  # one tab per instrument, never mixed
    specs = shown["charts"] + burnout_charts
    titles = [spec["layout"]["title"]["text"] for spec in specs]
    assert any("Burnout (Mini-Z)" in t and "burnout item 3 of 5" in t for t in titles)
    assert any("Burnout (Single-item MBI)" in t and "weekly or more often" in t for t in titles)
    assert any("mentored vs" in t for t in titles)
    assert any(t.startswith("Career satisfaction") for t in titles)
    # no benchmark for Mini-Z or the single-item MBI: none drawn, and the page says so
    assert all(not spec["layout"].get("shapes") for spec in specs)
    assert "No national benchmark was measured with Mini-Z or Single-item MBI" in shown["texts"]

    from mentordash.db import connect

    db = connect(path)
    part = summary.burnout_part(db, Filters())
    db.close()
    shown = [(r["Survey"], r["Scoreable responses"], r["Burned out"], r["Burnout"]) for r in table.to_dict("records")]
    expected = [(p["survey"], str(p["n"]), str(p["burned_out"]), f"{p['pct']:.1f}%") for p in part]
    assert shown == expected
    assert len(part) == 3  # 2025 Mini-Z; 2026 Mini-Z and single-item MBI, never mixed


def test_page_suppresses_small_groups(tmp_path, monkeypatch):
    path = build(tmp_path, "small.duckdb")
    at = run_page(monkeypatch, path, f_stage=["junior_faculty"], f_gender=["woman"])  # F0, F1: 4 responses
    assert any("fewer than 5" in w.value for w in at.warning)
    assert not at.get("plotly_chart") and not at.dataframe and not at.tabs


def test_page_hides_small_cells_in_tables(tmp_path, monkeypatch):
    path = build(tmp_path, "cells.duckdb")
    at = run_page(monkeypatch, path, f_stage=["junior_faculty"])  # 8 per wave, 2 women
    table = at.dataframe[0].value
    assert set(table["Scoreable responses"]) == {"8"}
    charts = every_chart(at)
    text = json.dumps([chart["layout"]["title"]["text"] for chart in charts])
    assert "hidden: groups of fewer than 5" in text
