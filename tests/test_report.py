"""The leadership report (issue 17): every section in order, the header, the same numbers as `summary --json`
for the same filters and role, privacy (no row-level list, suppressed cells say so), an empty database,
a filter below min_cell, and the PDF's pages and text."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from pypdf import PdfReader

from mentordash import cli
from mentordash.db import connect
from mentordash.demo import build_demo
from mentordash.instruments import INSTRUMENTS
from mentordash.metrics.filters import Filters
from mentordash.report import EXACT, PROTECTED, make_report
from mentordash.report.data import gather, missing_audience
from mentordash.ui.tables import count, fewer_than, percent
from mentordash.vocabulary import CAREER_STAGE_LABELS as STAGE_LABELS
from tests.builders import add_mentorships, add_people, new_db, person
from tests.report_html import tables, visible_text

AS_OF = date(2026, 6, 30)
SECTIONS = [
    "Summary",
    "Coverage and mentor load",
    "Recruitment and diversity",
    "Wellbeing",
    "Outcomes",
    "Definitions, instruments and the privacy rule",
]


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "demo.duckdb"
    db = connect(path)
    build_demo(db)
    db.close()
    return path


def _cli(capsys, *argv) -> str:
    assert cli.main(list(argv)) == 0
    return capsys.readouterr().out


def _report_and_summary(capsys, demo_path, tmp_path, *extra):
    out = tmp_path / "report.html"
    _cli(capsys, "report", "--db", str(demo_path), "--as-of", AS_OF.isoformat(), *extra, "--out", str(out))
    summary = json.loads(
        _cli(capsys, "summary", "--db", str(demo_path), "--as-of", AS_OF.isoformat(), *extra, "--json")
    )
    return out.read_text(encoding="utf-8"), summary


def _shown(cell: dict, key: str, fmt, min_cell: int) -> str:
    return fewer_than(min_cell) if cell.get("suppressed") else fmt(cell.get(key))


def _assert_same_numbers(html: str, summary: dict) -> int:
    """Every number of the summary contract appears in the report exactly as the report's table shows it;
    returns how many cells were compared."""
    m = summary["min_cell"]
    found = tables(html)
    compared = 0
    rows = {r["Career stage"]: r for r in found["coverage-by-stage"]}
    for stage, cell in [*summary["coverage"]["by_stage"].items(), ("all", summary["coverage"]["all"])]:
        row = rows[STAGE_LABELS.get(stage, "All stages")]
        assert row["People"] == _shown(cell, "n", count, m), stage
        assert row["Covered"] == _shown(cell, "covered", count, m), stage
        assert row["Covered %"] == _shown(cell, "pct", percent, m), stage
        assert row["Engaged %"] == _shown(cell, "engaged_pct", percent, m), stage
        compared += 4
    load, shown_load = summary["mentor_load"], found["mentor-load"][0]
    assert shown_load["Mentors"] == _shown(load, "mentors", count, m)
    assert shown_load[f"Over capacity (more than {load['capacity']})"] == _shown(load, "over_capacity", count, m)
    compared += 2
    burnout = {(r["Survey"], r["Instrument"]): r for r in found["burnout"]}
    assert len(burnout) == len(summary["burnout"])
    for cell in summary["burnout"]:
        row = burnout[(cell["survey"], INSTRUMENTS[cell["instrument"]].name)]
        assert row["Scoreable responses"] == _shown(cell, "n", count, m)
        assert row["Burned out"] == _shown(cell, "burned_out", count, m)
        assert row["Burnout"] == _shown(cell, "pct", percent, m)
        compared += 3
    shares = {(r["Cycle"], r["Stage"]): r for r in found["shares"]}
    residency = [c for c in summary["recruitment"] if c["track"] == "residency"]
    assert len(shares) == len(residency)
    for cell in residency:
        row = shares[(str(cell["cycle"]), cell["stage"].capitalize())]
        assert row["Applicants"] == _shown(cell, "n", count, m)
        for share, column in (("women", "Women (of known)"), ("urim", "URiM (of known)")):
            hidden = cell.get("suppressed") or cell.get(f"{share}_suppressed")
            assert (
                (row[column] == f"hidden (a group of {fewer_than(m)})")
                if hidden
                else (row[column] == percent(cell[f"{share}_pct"]))
            ), (cell, column)
        compared += 3
    labels = {True: "Mentored", False: "Not mentored"}
    pubs = {(r["Career stage"], r["Group"]): r for r in found["publications"]}
    for cell in summary["outcomes"]["publications"]:
        row = pubs[(STAGE_LABELS[cell["career_stage"]], labels[cell["mentored"]])]
        assert row["People"] == _shown(cell, "people", count, m)
        assert row["Publications"] == _shown(cell, "publications", count, m)
        assert row["Per person-year"] == _shown(cell, "rate", lambda v: f"{v:.2f}", m)
        compared += 3
    departures = {(r["Career stage"], r["Mentored"]): r for r in found["departure"]}
    for cell in summary["outcomes"]["early_departure"]:
        row = departures[(STAGE_LABELS[cell["career_stage"]], labels[cell["mentored"]])]
        assert row["People"] == _shown(cell, "n", count, m)
        assert row["Left early or dismissed"] == _shown(cell, "departed", count, m)
        assert row["%"] == _shown(cell, "pct", percent, m)
        compared += 3
    return compared


def test_every_section_in_order_with_the_header(capsys, demo_path, tmp_path):
    html, _ = _report_and_summary(
        capsys, demo_path, tmp_path, "--stage", "resident", "--stage", "fellow", "--urim", "false"
    )
    text = visible_text(html)
    positions = [text.index(f" {title} ") for title in SECTIONS]
    assert positions == sorted(positions)
    assert "As of 30 June 2026" in text
    assert "filters: Career stage: Residents, Fellows; Not URiM only" in text
    assert "exact figures" in text
    for must in (
        "Association, not cause.",
        "The privacy rule",
        "How recent each dataset is",
        "Instruments and cut-offs in use",
        "Mini-Z, burnout = burnout item 3 of 5 or worse",
        "Haruno LS, et al. JBJS Open Access 2023. doi:10.2106/JBJS.OA.22.00148",
    ):
        assert must in text, must
    assert html.count("plotly.js v") == 1 or html.count("* plotly.js") == 1  # Plotly's JavaScript, once
    assert "<script src=" not in html and "<link" not in html  # nothing fetched when opened


@pytest.mark.parametrize("extra", [(), ("--gender", "woman"), ("--stage", "resident")])
def test_numbers_equal_summary_json_for_a_coordinator(capsys, demo_path, tmp_path, extra):
    html, summary = _report_and_summary(capsys, demo_path, tmp_path, *extra)
    assert _assert_same_numbers(html, summary) > 40


@pytest.mark.parametrize("extra", [(), ("--gender", "woman")])
def test_numbers_equal_summary_json_for_a_viewer(capsys, demo_path, tmp_path, extra):
    html, summary = _report_and_summary(capsys, demo_path, tmp_path, "--role", "viewer", *extra)
    assert "protected figures (viewer)" in visible_text(html)
    assert _assert_same_numbers(html, summary) > 40
    exact, _ = _report_and_summary(capsys, demo_path, tmp_path, *extra)
    assert tables(exact)["coverage-by-stage"] != tables(html)["coverage-by-stage"]  # protected, not exact


def test_every_metrics_call_carries_the_audience(demo_path):
    assert missing_audience() == []
    db = connect(demo_path, read_only=True)
    try:
        data = gather(db, AS_OF, Filters(), PROTECTED)
    finally:
        db.close()
    assert data["audience"] == PROTECTED
    assert not any("unmatched" in name or "over_capacity_list" in name for name in data["called"])


def test_no_row_level_list_and_hidden_cells_say_so(tmp_path):
    db = new_db(tmp_path)
    people = [
        person(f"SECRET-{i:03d}", "resident", date(2024, 7, 1), gender="woman" if i < 9 else "man", division="Spine")
        for i in range(12)
    ]
    add_people(db, *people)
    add_mentorships(
        db,
        *[
            {"mentor_id": "SECRET-MENTOR", "mentee_id": f"SECRET-{i:03d}", "start_date": date(2025, 1, 1)}
            for i in range(8)
        ],
    )
    db.set_setting("department_name", "  Department of   Orthopaedic Surgery ", "pat.lee@hospital.example.org")
    html = make_report(db, AS_OF, Filters()).html
    db.close()
    assert "<h1>Department of Orthopaedic Surgery</h1>" in html
    assert "SECRET" not in html  # no person_id, mentor or mentee, anywhere in the file
    text = visible_text(html)
    assert "fewer than 5" in text
    gender = tables(html)["coverage-by-stage"]
    assert [r["Career stage"] for r in gender] == ["Residents", "All stages"]


def test_an_empty_database_makes_a_report_that_says_so(tmp_path):
    db = new_db(tmp_path)
    report = make_report(db, AS_OF, Filters())
    db.close()
    text = visible_text(report.html)
    for title in SECTIONS:
        assert title in text
    assert "No people match these filters." in text
    assert "No applicants match these filters." in text
    assert "No survey responses match these filters." in text
    pages = PdfReader(io.BytesIO(report.pdf())).pages
    assert len(pages) >= 6  # header and summary, then one page per section at least


def test_a_filter_below_min_cell_shows_nothing_but_the_reason(capsys, demo_path, tmp_path):
    html, summary = _report_and_summary(capsys, demo_path, tmp_path, "--stage", "fellow", "--gender", "nonbinary")
    assert summary["coverage"]["all"].get("suppressed") or not summary["coverage"]["all"]["n"]
    text = visible_text(html)
    assert (
        "nothing in this section can be shown without identifying someone" in text
        or "No people match these filters." in text
    )
    found = tables(html)
    assert "coverage-by-stage" not in found and "publications" not in found  # no numbers about them
    assert 'class="tile"' not in html


def test_pdf_has_a_page_per_section_page_numbers_and_the_header(demo_path, tmp_path):
    db = connect(demo_path, read_only=True)
    try:
        report = make_report(db, AS_OF, Filters.of(gender=["woman"]), EXACT)
    finally:
        db.close()
    reader = PdfReader(io.BytesIO(report.pdf()))
    texts = [" ".join(page.extract_text().split()) for page in reader.pages]
    total = len(texts)
    assert total >= 10
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {total}" in text
        assert "as of 30 June 2026" in text and "Gender: Woman" in text  # the header line on every page
    first = texts[0]
    assert "Summary" in first and "Trainees mentored" in first and "points from a year earlier" in first
    # Each section opens a page of its own: its title and first words at the top, under the header line.
    openings = [
        "Summary As of 30 June 2026",
        "Coverage and mentor load A person is covered",
        "Recruitment and diversity Each applicant counts",
        "Wellbeing From the department's wellbeing",
        "Outcomes Window:",
        "Definitions, instruments and the privacy rule Definitions",
    ]
    starts = [next(i for i, t in enumerate(texts) if opening in t[:400]) for opening in openings]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    assert "Association, not cause." in texts[starts[4]]
