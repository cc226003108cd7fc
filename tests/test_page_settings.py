"""AppTest of the settings and audit pages: changes are checked, logged, and applied everywhere."""

from datetime import date

import pytest

from mentordash.db import connect
from tests.apptest import app_test, open_url_path, texts
from tests.builders import add_mentorships, add_people, new_db, person


@pytest.fixture
def db_path(tmp_path):
    db = new_db(tmp_path, "settings.duckdb")
    add_people(
        db,
        *[person(f"R{i}", "resident", date(2023, 7, 1)) for i in range(8)],
        *[person(f"F{i}", "fellow", date(2025, 7, 1)) for i in range(4)],
    )
    add_mentorships(db, *[dict(mentor_id="S", mentee_id=f"R{i}", start_date=date(2024, 1, 1)) for i in range(6)])
    db.close()
    return tmp_path / "settings.duckdb"


def chart_series(at) -> str:
    return at.get("plotly_chart")[0].proto.spec


def open_settings(monkeypatch, db_path):
    at = app_test(monkeypatch, db_path)
    at.query_params["as_of"] = "2026-06-30"
    at.run()
    return open_url_path(at, "settings").run()


def test_change_is_saved_logged_and_applied(monkeypatch, db_path):
    at = app_test(monkeypatch, db_path)
    at.query_params["as_of"] = "2026-06-30"
    at.run()
    assert '"name":"Fellows"' not in chart_series(at)  # 4 fellows: hidden at min_cell 5
    open_url_path(at, "settings").run()
    at.number_input(key="s_min_cell").set_value(3)
    at.number_input(key="s_capacity").set_value(6)
    at.button[0].click().run()
    assert "Saved 2 settings" in texts(at)
    db = connect(db_path)
    assert db.settings()["min_cell"] == 3 and db.settings()["capacity"] == 6
    log = db.rows("SELECT changed_by, key, old_value, new_value FROM settings_log ORDER BY key")
    assert log == [("local", "capacity", "4", "6"), ("local", "min_cell", "5", "3")]
    db.close()
    # The fellows (4) were hidden at min_cell 5 and show at 3, on the overview at once.
    open_url_path(at, "overview").run()
    assert '"name":"Fellows"' in chart_series(at)
    open_url_path(at, "audit").run()
    audit = at.dataframe[0].value
    assert set(audit["action"]) == {"setting"} and len(audit) == 2


def test_min_cell_below_three_is_refused_and_nothing_changes(monkeypatch, db_path):
    at = open_settings(monkeypatch, db_path)
    at.number_input(key="s_min_cell").set_value(2)
    at.button[0].click().run()
    assert "min_cell must be between 3 and 100" in texts(at)
    db = connect(db_path)
    assert db.settings()["min_cell"] == 5
    assert db.scalar("SELECT count(*) FROM settings_log") == 0
    db.close()
