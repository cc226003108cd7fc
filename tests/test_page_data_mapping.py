"""AppTest of the data page's mapping (issue 14, item 6): a new Qualtrics survey holding the Mini-Z, the
PFI and three demographic questions maps in 10 choices or fewer, imports, and its mapping serves the
next wave."""

from __future__ import annotations

import pytest

from mentordash.ui.context import _database
from mentordash.ui.importer import BLOCK_KEEP, NOT_STORED
from tests.apptest import app_test, open_url_path, texts
from tests.guessing_fixtures import qualtrics_instrument_survey

MAX_CHOICES = 10


class Counted:
    """The choices a coordinator makes, counted: each typed name, chosen option and click is one."""

    def __init__(self, app):
        self.app, self.count = app, 0

    def input(self, key: str, text: str):
        self.count += 1
        return self.app.text_input(key=key).input(text).run()

    def select(self, widget, value):
        self.count += 1
        return widget.set_value(value).run()

    def click(self, key: str):
        self.count += 1
        return self.app.button(key=key).click().run()


def open_data_page(monkeypatch, db_path):
    app = app_test(monkeypatch, db_path).run()
    return open_url_path(app, "data").run()


def problems(app) -> list[dict]:
    tables = [d.value for d in app.dataframe if "message" in d.value.columns]
    return tables[0].to_dict("records") if tables else []


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / f"mapping_{tmp_path.name}.duckdb"


def test_a_new_instrument_survey_maps_in_ten_choices_and_its_mapping_serves_the_next_wave(monkeypatch, db_path):
    app = open_data_page(monkeypatch, db_path)
    app.file_uploader(key="import_files").set_value(
        ("Wellbeing Spring 2026.csv", qualtrics_instrument_survey(), "text/csv")
    ).run()
    assert not app.exception, app.exception[0].stack_trace if app.exception else ""
    assert "format **Qualtrics** (current)" in texts(app).replace("\\", "")
    # recognised for certain and pre-selected: the tool's own columns, the instruments' items, gender
    assert app.selectbox(key="f0_col_ResponseId").value == "response_id"
    assert app.selectbox(key="f0_col_RecordedDate").value == "submitted_at"
    assert [app.selectbox(key=f"f0_col_Q{i}").value for i in (1, 2, 3)] == [
        "mini_z_satisfaction",
        "mini_z_stress",
        "mini_z_burnout",
    ]
    assert app.selectbox(key="f0_col_Q11_1").value == "pfi_pf_1"
    assert app.selectbox(key="f0_col_Q12_10").value == "pfi_id_6"
    assert app.selectbox(key="f0_col_Q14").value == "gender"
    # each recognised instrument is one block, confirmed by one choice (already made: store them)
    assert app.radio(key="f0_block_mini_z").value == BLOCK_KEEP
    assert app.radio(key="f0_block_pfi").value == BLOCK_KEEP
    # likely: pre-selected, and said so; possible: only named, never pre-selected; the rest not stored
    assert app.selectbox(key="f0_col_Q15").value == "race_ethnicity"
    assert app.selectbox(key="f0_col_Q13").value == NOT_STORED
    shown = texts(app).replace("\\", "")
    assert "possible: is it career_stage?" in shown and "likely: check it" in shown
    assert app.selectbox(key="f0_col_Q16").value == NOT_STORED  # "stage" inside a comment question: no guess
    assert app.selectbox(key="f0_col_Q4").value == NOT_STORED  # a Mini-Z item no canonical column holds

    choices = Counted(app)
    choices.input("f0_survey", "Wellbeing 2026 Spring")
    assert problems(app) == []  # every optional guess that is applied fits: nothing blocks the import
    choices.select(app.selectbox(key="f0_col_Q13"), "career_stage")
    attending = next(s for s in app.selectbox if s.label == "Attending")  # its value choice, beside the column
    choices.select(attending, "senior_faculty")
    assert problems(app) == [] and not app.button(key="f0_commit").disabled
    choices.click("f0_commit")
    assert not app.exception, app.exception[0].stack_trace if app.exception else ""
    assert any("Imported 6 rows as imp_0001 (1 skipped)" in s.value for s in app.success), [
        s.value for s in app.success
    ]
    assert any("saved as ‘Wellbeing Spring 2026 \\(qualtrics\\)’" in s.value for s in app.success)
    assert choices.count <= MAX_CHOICES
    assert choices.count == 4

    db = _database(str(db_path))
    assert db.rows(
        "SELECT response_id, survey, career_stage, gender, race_ethnicity, mini_z_burnout, pfi_pf_1, pfi_id_6 "
        "FROM survey ORDER BY response_id LIMIT 4"
    ) == [
        ("R_a000", "Wellbeing 2026 Spring", "resident", "woman", ["asian"], 3, 0, 4),
        ("R_a001", "Wellbeing 2026 Spring", "fellow", "man", ["white"], 4, 1, 1),
        ("R_a002", "Wellbeing 2026 Spring", "student", "woman", ["black", "hispanic_latino"], 5, 2, 3),
        ("R_a003", "Wellbeing 2026 Spring", "senior_faculty", "undisclosed", ["white"], 1, 3, 0),
    ]
    assert db.scalar("SELECT count(*) FROM survey") == 6

    # the next wave, in a new session: the saved mapping applies; only the wave's name is asked for
    wave2 = open_data_page(monkeypatch, db_path)
    wave2.file_uploader(key="import_files").set_value(
        ("Wellbeing Fall 2026.csv", qualtrics_instrument_survey(prefix="R_b"), "text/csv")
    ).run()
    assert wave2.selectbox(key="f0_saved").value == "Wellbeing Spring 2026 (qualtrics)"
    assert "A saved mapping applies" in texts(wave2) and "f0_col_Q3" not in {s.key for s in wave2.selectbox}
    next_choices = Counted(wave2)
    next_choices.input("f0_survey", "Wellbeing 2026 Fall")
    assert problems(wave2) == []
    next_choices.click("f0_commit")
    assert any("Imported 6 rows as imp_0002" in s.value for s in wave2.success), [s.value for s in wave2.success]
    assert next_choices.count == 2
    assert db.rows(
        "SELECT career_stage, count(*) FROM survey WHERE survey = 'Wellbeing 2026 Fall' GROUP BY 1 ORDER BY 1"
    ) == [
        ("fellow", 2),
        ("resident", 2),
        ("senior_faculty", 1),
        ("student", 1),
    ]
