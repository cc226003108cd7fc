"""AppTest of the data page: upload, mapping suggestion, error table, commit, undo."""

from __future__ import annotations

import pytest

from mentordash.ui import context
from tests.apptest import app_test, open_url_path
from tests.test_ingest_support import SURVEY_CSV


@pytest.fixture
def app(tmp_path, monkeypatch):
    at = app_test(monkeypatch, tmp_path / f"page_{tmp_path.name}.duckdb").run()
    return open_url_path(at, "data").run()


def problems_table(app):
    return next(d.value for d in app.dataframe if "message" in d.value.columns)


def test_upload_suggest_commit_undo(app, tmp_path):
    assert not app.exception
    app.file_uploader(key="import_files").set_value(("wave.csv", SURVEY_CSV.encode(), "text/csv")).run()
    assert app.selectbox(key="f0_col_response_id").value == "response_id"  # suggested
    assert app.selectbox(key="f0_col_mini_z_burnout").value == "mini_z_burnout"
    assert not app.exception, app.exception[0].stack_trace if app.exception else ""
    assert problems_table(app)["column"].tolist() == ["survey"]
    app.text_input(key="f0_survey").input("Wellbeing 2026 Spring").run()
    assert not app.exception
    app.button(key="f0_commit").click().run()
    assert any("Imported 3 rows as imp_0001" in s.value for s in app.success)
    db = context._database(str(tmp_path / f"page_{tmp_path.name}.duckdb"))  # the app's connection
    assert (
        db.scalar("SELECT count(*) FROM derived_results") == 7
    )  # the first views' summaries (tests/test_metrics_prepared.py)
    assert app.selectbox(key="undo_choice").value == "imp_0001"
    app.button(key="undo_button").click().run()
    assert any("Undid imp_0001" in s.value for s in app.success)


def test_bad_file_shows_the_problem_table(app):
    bad = SURVEY_CSV.replace("r2,2026-03-03,p002,junior_faculty,man,no,1", "r2,2026-03-03,p002,junior_faculty,man,no,9")
    app.file_uploader(key="import_files").set_value(("bad.csv", bad.encode(), "text/csv")).run()
    app.text_input(key="f0_survey").input("W").run()
    problems = problems_table(app)
    assert problems.to_dict("records")[0] == {
        "row": 3,
        "column": "mini_z_burnout",
        "value": "9",
        "message": "out of range: mini_z_burnout goes from 1 to 5",
    }
    assert app.button(key="f0_commit").disabled


def test_html_file_is_refused_on_the_page(app):
    app.file_uploader(key="import_files").set_value(("x.csv", b"<html><body>hi</body></html>", "text/csv")).run()
    assert "web page" in problems_table(app)["message"][0]


def test_a_file_over_the_upload_limit_is_refused_with_its_size(tmp_path, monkeypatch):
    from mentordash.ui import importer

    monkeypatch.setattr(importer, "upload_limit_mb", lambda: 0)  # any file is over a 0 MB limit
    at = app_test(monkeypatch, tmp_path / "limit.duckdb").run()
    open_url_path(at, "data").run()
    at.file_uploader(key="import_files").set_value(("wave.csv", SURVEY_CSV.encode(), "text/csv")).run()
    assert any("over the 0 MB upload limit: nothing was read" in e.value for e in at.error)
    assert not [d for d in at.dataframe if "message" in d.value.columns]


def test_an_unmapped_value_is_chosen_on_the_page_and_the_file_imports(app):
    export = (
        "response_id,submitted_at,gender,mini_z_burnout\n"
        "r1,2026-03-01,Male,2\nr2,2026-03-02,Frau,3\nr3,2026-03-03,Female,1\n"
    )
    app.file_uploader(key="import_files").set_value(("wave.csv", export.encode(), "text/csv")).run()
    app.text_input(key="f0_survey").input("Wellbeing 2026 Spring").run()
    assert problems_table(app).to_dict("records") == [
        {"row": 3, "column": "gender", "value": "Frau", "message": problems_table(app)["message"][0]}
    ]
    choice = next(s for s in app.selectbox if s.label == "Frau")
    assert "woman" in choice.options
    choice.set_value("woman").run()
    assert not [d for d in app.dataframe if "message" in d.value.columns]
    app.button(key="f0_commit").click().run()
    assert any("Imported 3 rows" in s.value for s in app.success)
