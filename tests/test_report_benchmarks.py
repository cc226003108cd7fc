"""National benchmarks (issue 17): corrected defaults with full citations, migration 6 for databases that
still hold an unedited old default, the citation on hover, and like compared with like."""

from __future__ import annotations

import copy
import json
from datetime import date

import pandas as pd

from mentordash.charts import recruitment as charts
from mentordash.config import DEFAULT_SETTINGS
from mentordash.db import Database
from mentordash.metrics.filters import Filters
from mentordash.report import make_report
from tests.builders import add_people, person
from tests.report_html import tables, visible_text

NEW = {b["key"]: b for b in DEFAULT_SETTINGS["benchmarks"]}
REPLACED = ("women_board_certified", "urm_residents", "black_residents", "hispanic_residents")
# The defaults before this version, exactly as a database may hold them (what migration 6 looks for).
OLD = [
    {
        "key": "women_residents",
        "figure": "women among orthopaedic surgery residents",
        "value": 15.4,
        "year": "2018-19",
        "source": "AAMC data, via Weber (British Orthopaedic Association)",
    },
    {
        "key": "women_residents_2021",
        "figure": "women among orthopaedic residents",
        "value": 16.0,
        "year": "2021",
        "source": "Harbold et al., Curr Rev Musculoskelet Med 2021",
    },
    {
        "key": "women_applicants",
        "figure": "women among orthopaedic residency applicants",
        "value": 23.0,
        "year": "2022",
        "source": "PMC10226613",
    },
    {
        "key": "women_board_certified",
        "figure": "women among AAOS board-certified surgeons",
        "value": 6.0,
        "year": "2019",
        "source": "AAOS membership data, via Weber",
    },
    {
        "key": "black_residents",
        "figure": "Black residents in orthopaedics",
        "value": 4.1,
        "year": "2017",
        "source": "Rao et al., JAAOS 2017",
    },
    {
        "key": "hispanic_residents",
        "figure": "Hispanic residents in orthopaedics",
        "value": 2.7,
        "year": "2017",
        "source": "Rao et al., JAAOS 2017",
    },
    {
        "key": "urm_residents",
        "figure": "URM share of orthopaedic residents (decade)",
        "value": 6.0,
        "year": "2018-19",
        "source": "program-director survey",
    },
    {
        "key": "residents_with_mentor",
        "figure": "orthopaedic residents with a mentor",
        "value": 74.7,
        "year": "2015",
        "source": "AOA survey of residents",
    },
    {
        "key": "formal_mentoring_programs",
        "figure": "orthopaedic residencies with a formal mentoring program",
        "value": 34.9,
        "year": "2015",
        "source": "AOA survey",
    },
    {
        "key": "rjos_jrgos_with_mentor",
        "figure": "RJOS and JRGOS members with a mentor",
        "value": 85.0,
        "year": "2022",
        "source": "PMC9699573",
    },
    {
        "key": "students_with_mentor",
        "figure": "medical students interested in orthopaedics who have a mentor",
        "value": 50.0,
        "year": "2023",
        "source": "PMID 37938911",
    },
    {
        "key": "burnout_residents_mbi",
        "figure": "high burnout, orthopaedic residents (MBI)",
        "value": 56.0,
        "year": "2009",
        "source": "Sargent et al., JBJS 2009",
        "instrument": "mbi_full",
    },
    {
        "key": "burnout_faculty_mbi",
        "figure": "high burnout, orthopaedic faculty (MBI)",
        "value": 28.0,
        "year": "2009",
        "source": "Sargent et al., JBJS 2009",
        "instrument": "mbi_full",
    },
    {
        "key": "burnout_surgeons_pooled",
        "figure": "burnout, orthopaedic surgeons (pooled)",
        "value": 43.0,
        "year": "2024",
        "source": "meta-analysis, IJCMPH 2024",
    },
    {
        "key": "burnout_surgeons_pfi",
        "figure": "burnout, orthopaedic surgeons, PFI",
        "value": 38.9,
        "year": "2019",
        "source": "five-country survey, Bone Joint Open 2021",
        "instrument": "pfi",
    },
]


def test_defaults_cite_authors_journals_and_identifiers():
    assert not set(REPLACED) & set(NEW)
    assert NEW["urim_residents"]["value"] == 11.3 and NEW["women_faculty"]["value"] == 10.0
    for bench in NEW.values():
        source = bench["source"]
        assert "via Weber" not in source and source.strip() != "PMC10226613"
        assert any(mark in source for mark in ("doi:", "PMC", "PMID", "J Surg Educ", "JBJS Am")), bench["key"]
        assert bench.get("note"), bench["key"]  # what it counts, so a page can say what it is compared with
    assert (
        NEW["burnout_residents_mbi"]["instrument"] == "mbi_full" and NEW["burnout_surgeons_pfi"]["instrument"] == "pfi"
    )
    assert "instrument" not in NEW["burnout_surgeons_pooled"]  # mixed definitions: never drawn


def _old_database(tmp_path, stored: list | None) -> Database:
    path = tmp_path / "old.duckdb"
    db = Database(path, schema_up_to=5)
    if stored is not None:
        with db.transaction() as cur:
            cur.execute("INSERT INTO settings VALUES ('benchmarks', ?)", [json.dumps(stored)])
    db.close()
    return Database(path)  # opening it applies migration 6


def test_migration_replaces_unedited_old_defaults_and_keeps_edits(tmp_path):
    stored = copy.deepcopy(OLD)
    stored[2]["value"] = 24.5  # women_applicants: edited by a coordinator
    stored[6]["source"] = "Our own count of the AAMC census"  # urm_residents: edited
    db = _old_database(tmp_path, stored)
    try:
        assert db.schema_version() >= 6
        after = db.settings()["benchmarks"]
        keys = [b["key"] for b in after]
        assert len(keys) == len(set(keys))
        by_key = {b["key"]: b for b in after}
        assert by_key["women_applicants"] == stored[2] and by_key["urm_residents"] == stored[6]  # edits kept
        for key in ("women_residents", "residents_with_mentor", "burnout_residents_mbi", "burnout_surgeons_pfi"):
            assert by_key[key] == NEW[key]  # unedited: replaced by the corrected figure
        assert by_key["women_faculty"] == NEW["women_faculty"]  # in place of the board-certified surgeons
        assert by_key["urim_residents"] == NEW["urim_residents"]
        assert "women_board_certified" not in by_key and "black_residents" not in by_key
        assert {"urim_resigned", "residents_current_mentor", "faculty_current_mentor"} <= set(by_key)  # new ones
        assert keys[:3] == ["women_residents", "women_residents_2021", "women_applicants"]  # order kept
        log = db.rows("SELECT changed_by, key, old_value FROM settings_log")
        assert len(log) == 1 and log[0][1] == "benchmarks" and json.loads(log[0][2]) == stored
        assert "migration 6" in log[0][0]
    finally:
        db.close()


def test_migration_leaves_a_database_without_stored_benchmarks_alone(tmp_path):
    db = _old_database(tmp_path, None)
    try:
        assert db.rows("SELECT count(*) FROM settings_log")[0][0] == 0
        assert db.settings()["benchmarks"] == DEFAULT_SETTINGS["benchmarks"]
    finally:
        db.close()


def test_migration_leaves_a_fully_edited_table_alone(tmp_path):
    mine = [
        {
            "key": "women_residents",
            "figure": "women among residents in our region",
            "value": 18.0,
            "year": "2024",
            "source": "Regional census 2024",
        }
    ]
    db = _old_database(tmp_path, mine)
    try:
        by_key = {b["key"]: b for b in db.settings()["benchmarks"]}
        assert by_key["women_residents"] == mine[0]
        assert "women_faculty" in by_key  # figures new in this version are added beside it
    finally:
        db.close()


def _trend_frame() -> pd.DataFrame:
    rows = []
    for cycle in (2025, 2026):
        for order, stage in enumerate(("applied", "interviewed", "ranked", "matched"), start=1):
            rows.append(
                dict(
                    cycle=cycle,
                    track="residency",
                    stage=stage,
                    stage_order=order,
                    n=40,
                    women_pct=25.0,
                    women_ci_low=14.0,
                    women_ci_high=40.0,
                    women_suppressed=False,
                    gender_unknown=1,
                    gender_unknown_pct=2.5,
                    urim_pct=12.5,
                    urim_ci_low=5.0,
                    urim_ci_high=26.0,
                    urim_suppressed=False,
                    urim_unknown=0,
                    urim_unknown_pct=0.0,
                )
            )
    return pd.DataFrame(rows)


def test_hover_shows_the_full_citation_and_the_like_with_like_caveat():
    fig = charts.share_trend_figure(_trend_frame(), "residency", "urim", NEW, 5)
    national = [t for t in fig.data if t.name.startswith("National")]
    assert len(national) == 1 and national[0].y[0] == 11.3
    hover = national[0].hovertemplate
    assert "doi:10.2106/JBJS.OA.22.00148" in hover and "Haruno LS" in hover and "not the same population" in hover
    assert "not a match cohort" in fig.layout.title.text
    women = charts.share_trend_figure(_trend_frame(), "residency", "women", NEW, 5)
    applied = next(t for t in women.data if "applicants" in t.name and t.name.startswith("National"))
    assert "Pinpin C" in applied.hovertemplate and applied.y[0] == 23.0


def test_faculty_are_compared_with_academic_faculty():
    frame = pd.DataFrame(
        [
            dict(
                career_stage="junior_faculty",
                n=20,
                women_pct=30.0,
                women_ci_low=14.0,
                women_ci_high=52.0,
                women_suppressed=False,
                gender_unknown=0,
                urim_pct=None,
                urim_ci_low=None,
                urim_ci_high=None,
                urim_suppressed=True,
                urim_unknown=None,
                suppressed=False,
            )
        ]
    )
    fig = charts.representation_figure(frame, NEW, 5)
    marker = next(t for t in fig.data if t.name == "National figure")
    assert list(marker.x) == [10.0] and "ACGME programmes" in marker.hovertext[0]
    assert "doi:10.60118/001c.57673" in marker.hovertext[0]


def test_report_lists_every_benchmark_with_its_citation(tmp_path):
    db = Database(tmp_path / "r.duckdb")
    add_people(db, *[person(f"P{i}", "resident", date(2024, 7, 1)) for i in range(6)])
    try:
        html = make_report(db, date(2026, 6, 30), Filters()).html
    finally:
        db.close()
    listed = {row["Figure"]: row for row in tables(html)["benchmarks"]}
    assert len(listed) == len(NEW)
    for bench in NEW.values():
        assert listed[bench["figure"]]["Source"] == bench["source"]
        assert listed[bench["figure"]]["Compared with"] == bench["note"]
    assert "Like with like" in visible_text(html)
