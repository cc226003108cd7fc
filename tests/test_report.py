"""The leadership report (issue 17): every section in order, the header, the same numbers as `summary --json`
for the same filters and role, privacy (no row-level list, suppressed cells say so), an empty database,
a filter below min_cell, and the PDF's pages and text."""

from __future__ import annotations

import contextlib
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
from mentordash.report import PROTECTED, make_report
from mentordash.report.data import gather, missing_audience
from mentordash.report.pdf import PRINTER, html_to_pdf, warm_up
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


def _cli(*argv) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli.main(list(argv)) == 0
    return out.getvalue()


@pytest.fixture(scope="module")
def report_and_summary(demo_path, tmp_path_factory):
    """report_and_summary(*filters) -> (the CLI's report HTML, `summary --json`), each made once per module
    for the same arguments (the tests only read them)."""
    folder = tmp_path_factory.mktemp("reports")
    made: dict[tuple, tuple[str, dict]] = {}

    def get(*extra: str) -> tuple[str, dict]:
        if extra not in made:
            out = folder / f"report-{len(made)}.html"
            _cli("report", "--db", str(demo_path), "--as-of", AS_OF.isoformat(), *extra, "--out", str(out))
            summary = json.loads(
                _cli("summary", "--db", str(demo_path), "--as-of", AS_OF.isoformat(), *extra, "--json")
            )
            made[extra] = (out.read_text(encoding="utf-8"), summary)
        return made[extra]

    return get


@pytest.fixture(scope="module")
def department_pdf(demo_path, tmp_path_factory) -> list[str]:
    """The department's report for women, printed once by the command line: each page's text."""
    out = tmp_path_factory.mktemp("pdf") / "report.pdf"
    _cli("report", "--db", str(demo_path), "--as-of", AS_OF.isoformat(), "--gender", "woman", "--out", str(out))
    reader = PdfReader(out)
    return [" ".join(page.extract_text().split()) for page in reader.pages]


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


def test_every_section_in_order_with_the_header(report_and_summary):
    html, _ = report_and_summary("--stage", "resident", "--stage", "fellow", "--urim", "false")
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
def test_numbers_equal_summary_json_for_a_coordinator(report_and_summary, extra):
    html, summary = report_and_summary(*extra)
    assert _assert_same_numbers(html, summary) > 40


@pytest.mark.parametrize("extra", [(), ("--gender", "woman")])
def test_numbers_equal_summary_json_for_a_viewer(report_and_summary, extra):
    html, summary = report_and_summary("--role", "viewer", *extra)
    assert "protected figures (viewer)" in visible_text(html)
    assert _assert_same_numbers(html, summary) > 40
    exact, _ = report_and_summary(*extra)
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


def test_a_filter_below_min_cell_shows_nothing_but_the_reason(report_and_summary):
    html, summary = report_and_summary("--stage", "fellow", "--gender", "nonbinary")
    assert summary["coverage"]["all"].get("suppressed") or not summary["coverage"]["all"]["n"]
    text = visible_text(html)
    assert (
        "nothing in this section can be shown without identifying someone" in text
        or "No people match these filters." in text
    )
    found = tables(html)
    assert "coverage-by-stage" not in found and "publications" not in found  # no numbers about them
    assert 'class="tile"' not in html


def test_pdf_has_a_page_per_section_page_numbers_and_the_header(department_pdf):
    texts = department_pdf
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


def test_one_snapshot_named_progress_steps_and_one_kept_chromium(demo_path, department_pdf):
    """make_report reads every figure in one snapshot of the data and names each step to `progress`; one
    Chromium serves every PDF of the process, and a report's PDF is printed once (asking again gives the
    same bytes), the same pages as the command line's."""
    launches, shells = PRINTER.launches, PRINTER.shells_used
    assert launches >= 1  # the command line's PDF above started it
    warm_up()  # as the app's button does: the next report's page opens while the figures are gathered
    db = connect(demo_path, read_only=True)
    in_snapshot: list[bool] = []

    def call(func, *args, **kwargs):
        in_snapshot.append(getattr(db._local, "cursor", None) is not None)
        return func(db, *args, **kwargs)

    steps: list[tuple[float, str]] = []
    try:
        report = make_report(
            db, AS_OF, Filters.of(gender=["woman"]), call=call, progress=lambda f, t: steps.append((f, t)), share=0.5
        )
    finally:
        db.close()
    assert in_snapshot and all(in_snapshot)  # one read transaction for the whole report
    fractions = [f for f, _ in steps]
    assert fractions == sorted(fractions) and fractions[0] > 0 and fractions[-1] == 0.5
    texts = [text for _, text in steps]
    for topic in ("the summary", "coverage and mentor load", "recruitment", "wellbeing", "outcomes"):
        assert f"Gathering the figures: {topic}" in texts, topic
    assert "Laying out the charts and tables" in texts
    assert f"Writing the HTML ({report.charts} charts)" in texts and report.charts >= 15
    first = report.pdf()
    assert first[:5] == b"%PDF-" and report.pdf() is first
    pages = [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(first)).pages]
    assert pages == department_pdf  # make_report and the command line print the same pages
    assert PRINTER.launches == launches  # no second browser was started
    assert PRINTER.shells_used == shells + 1  # printed in the page opened ahead, with Plotly.js loaded


def test_a_page_without_the_embedded_plotly_is_printed_from_its_file():
    html = "<!DOCTYPE html><html><body><p>Printed from the file</p><script>window.reportReady = true</script></body></html>"
    pdf = html_to_pdf(html, {"department": "Dept", "as_of": "30 June 2026", "filters": "none (everyone)"})
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert "Printed from the file" in text and "Dept · as of 30 June 2026" in text and "Page 1 of 1" in text
