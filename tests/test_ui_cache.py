"""Cached results: an import shows at once, and sessions keep their own filters."""

from datetime import date

import pytest

from mentordash.db import connect
from mentordash.ingest.commit import commit
from mentordash.ingest.pipeline import Options, prepare
from tests.apptest import app_test
from tests.builders import add_mentorships, add_people, new_db, person

AS_OF = "2026-06-30"


@pytest.fixture
def db_path(tmp_path):
    db = new_db(tmp_path, "cache.duckdb")
    add_people(
        db,
        *[person(f"R{i}", "resident", date(2023, 7, 1)) for i in range(10)],
        *[person(f"S{i}", "senior_faculty", date(2005, 7, 1)) for i in range(5)],
    )
    add_mentorships(
        db, *[dict(mentor_id=f"S{i % 5}", mentee_id=f"R{i}", start_date=date(2024, 1, 1)) for i in range(6)]
    )
    db.close()
    return tmp_path / "cache.duckdb"


def trainees(at) -> str:
    return next(m.value for m in at.metric if m.label == "Trainees mentored")


def overview(monkeypatch, db_path, **params):
    at = app_test(monkeypatch, db_path)
    at.query_params["as_of"] = AS_OF
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def test_an_import_shows_on_the_next_run_without_a_restart(monkeypatch, db_path, tmp_path):
    at = overview(monkeypatch, db_path)
    assert trainees(at) == "60.0%"
    export = tmp_path / "more_mentors.csv"
    export.write_text("mentor_id,mentee_id,role,start_date\nS0,R6,mentor,2025-01-01\nS1,R7,mentor,2025-01-01\n")
    db = connect(db_path)  # the app's process: the same DuckDB instance as its cached connection
    assert commit(db, prepare(export, options=Options(), db=db), "tester")["status"] == "imported"
    at.run()
    assert trainees(at) == "80.0%"


def test_two_sessions_never_share_filters(monkeypatch, db_path):
    filtered = overview(monkeypatch, db_path, stage="senior_faculty")
    plain = overview(monkeypatch, db_path)
    assert next(m.value for m in filtered.metric if m.label == "Trainees mentored") == "No data"
    assert trainees(plain) == "60.0%"
    assert plain.multiselect(key="f_stage").value == []
