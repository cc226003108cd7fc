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


# --- A warm rerun is served on its own thread (ui.cache.together) ---------------------------------------------


def coverage(monkeypatch, db_path):
    at = app_test(monkeypatch, db_path)
    at.query_params["as_of"] = AS_OF
    return at.switch_page("pages/coverage.py")


def lanes_opened(monkeypatch, except_thread: str | None = None) -> list:
    """How many parts each Database.together() of the runs was handed (not counting those called on the
    thread named `except_thread`)."""
    import threading

    from mentordash.db import Database

    opened, real = [], Database.together

    def counted(self, thunks, wrap=None):
        thunks = list(thunks)
        if threading.current_thread().name != except_thread:
            opened.append(len(thunks))
        return real(self, thunks, wrap)

    monkeypatch.setattr(Database, "together", counted)
    return opened


def tiles(at) -> list:
    return [(m.label, m.value) for m in at.metric]


def test_a_warm_rerun_opens_no_lanes_and_shows_the_same(monkeypatch, db_path):
    opened = lanes_opened(monkeypatch)
    at = coverage(monkeypatch, db_path).run()
    assert not at.exception and opened  # the first run computes its figures side by side
    first = tiles(at)
    opened.clear()
    at.run()
    assert tiles(at) == first and opened == []  # every call a known hit: served here, no lane


def test_a_new_choice_goes_to_the_lanes_again(monkeypatch, db_path):
    opened = lanes_opened(monkeypatch)
    at = coverage(monkeypatch, db_path).run()
    opened.clear()
    at.radio(key="cov_role").set_value("any").run()
    assert not at.exception and opened  # the new role's figures are not cached yet


def test_a_result_the_cache_dropped_is_computed_again(monkeypatch, db_path):
    import streamlit as st

    at = coverage(monkeypatch, db_path).run()
    first = tiles(at)
    st.cache_data.clear()  # the keys are still known here: each call is computed on the run's own thread
    at.run()
    assert not at.exception and tiles(at) == first
