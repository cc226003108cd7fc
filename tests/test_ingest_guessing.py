"""Column guessing (issue 14, item 3): whole phrases and the answers in a column, never one word inside a
question; each guess certain, likely or possible; only certain guesses applied unasked; the suggested
mapping written to a file to edit, or taken whole with --accept-suggestions."""

from __future__ import annotations

import pytest

from mentordash.ingest.formats import parse
from mentordash.ingest.mapping import CERTAIN, CONFIDENCES, LIKELY, POSSIBLE, guess, loads, suggest
from mentordash.ingest.pipeline import Options, prepare
from mentordash.ingest.read import load
from tests.guessing_fixtures import qualtrics_instrument_survey
from tests.test_ingest_support import cli, cli_json, fresh_db, import_file, write

# A Google Forms export a coordinator sent: the mentoring program's own questions, not demographics.
MENTORING_FORM = """Timestamp,Which stage of the mentoring journey are you in?,Please rank the films shown at the retreat,What is your gender?,Position,"Using your own definition of ""burnout"", which one best describes you?"
2026/03/16 8:24:52 PM GMT,Early,1,Woman,Left wing,I enjoy my work. I have no symptoms of burnout.
2026/03/16 9:10:00 PM GMT,Middle,2,Man,Centre,I am definitely burning out and have one or more symptoms of burnout.
2026/03/17 7:00:00 AM GMT,Late,3,Woman,Right wing,"Occasionally I am under stress, and I don't always have as much energy as before."
"""


def guesses_of(text: str, dataset: str = "survey", name: str = "export.csv") -> dict[str, tuple[str, str]]:
    """source column -> (field, confidence)"""
    layout = parse(load(text.encode("utf-8"), name))
    return {g.source: (g.field, g.confidence) for g in guess(layout, dataset)}


@pytest.fixture
def db(tmp_path):
    database = fresh_db(tmp_path)
    yield database
    database.close()


# --- the eager guesses of issue 14, reproduced -------------------------------------------------------
def test_one_word_inside_a_question_is_no_match():
    found = guesses_of(MENTORING_FORM)
    assert "Which stage of the mentoring journey are you in?" not in found  # "stage" once meant career_stage
    assert "Please rank the films shown at the retreat" not in found  # "rank" too
    assert found["What is your gender?"] == ("gender", CERTAIN)
    assert found["Timestamp"] == ("submitted_at", CERTAIN)  # Google Forms' own column


def test_a_guessed_optional_column_never_rejects_the_file(db, tmp_path):
    """'Position' may name the career stage, but 'Left wing' and 'Centre' are not career stages: only a
    possible match, not applied; the survey answers import and the column is reported as not stored."""
    assert guesses_of(MENTORING_FORM)["Position"] == ("career_stage", POSSIBLE)
    path = write(tmp_path, "Mentoring (Responses).csv", MENTORING_FORM)
    report = import_file(db, path, survey="W")
    assert report["status"] == "imported" and report["rows_imported"] == 3, report["errors"]
    assert db.rows("SELECT gender, mini_z_burnout, career_stage FROM survey ORDER BY submitted_at") == [
        ("woman", 1, None),
        ("man", 3, None),
        ("woman", 2, None),
    ]
    assert "column 'Position' not mapped: not stored" in report["warnings"]
    assert "column 'Which stage of the mentoring journey are you in?' not mapped: not stored" in report["warnings"]


def test_accepting_every_suggestion_is_explicit_and_then_the_file_answers_for_it(tmp_path):
    path = write(tmp_path, "form.csv", MENTORING_FORM)
    code, report = cli_json(tmp_path / "db.duckdb", "import", str(path), "--survey", "W", "--accept-suggestions")
    assert code == 1 and report["status"] == "rejected"
    assert {(e["column"], e["value"]) for e in report["errors"]} == {
        ("Position", "Left wing"),
        ("Position", "Centre"),
        ("Position", "Right wing"),
    }


def test_a_column_named_for_its_field_is_certain_and_its_unknown_answers_are_problems(db, tmp_path):
    """'Career stage' is the field's name: the column is certain; 'PGY-1' is a value to map, said by row."""
    text = "Timestamp,Career stage\n3/13/2026 10:00:00,Resident\n3/14/2026 10:00:00,PGY-1\n"
    assert guesses_of(text)["Career stage"] == ("career_stage", CERTAIN)
    report = import_file(db, write(tmp_path, "f.csv", text), survey="W")
    assert report["status"] == "rejected"
    assert [(e["row"], e["column"], e["value"]) for e in report["errors"]] == [(3, "Career stage", "PGY-1")]


# --- confidence levels ---------------------------------------------------------------------------
def test_certain_matches_are_names_metadata_instrument_items_and_phrases_whose_answers_fit():
    found = guesses_of(qualtrics_instrument_survey().decode("utf-8"))
    assert found["ResponseId"] == ("response_id", CERTAIN)  # the tool's own metadata column
    assert found["RecordedDate"] == ("submitted_at", CERTAIN)
    assert found["Q3"] == ("mini_z_burnout", CERTAIN)  # wording and answer scale
    assert found["Q1"] == ("mini_z_satisfaction", CERTAIN)
    assert found["Q2"] == ("mini_z_stress", CERTAIN)
    assert [found[f"Q11_{i}"] for i in range(1, 7)] == [(f"pfi_pf_{i}", CERTAIN) for i in range(1, 7)]
    assert [found[f"Q12_{i}"] for i in range(1, 5)] == [(f"pfi_we_{i}", CERTAIN) for i in range(1, 5)]
    assert [found[f"Q12_{i}"] for i in range(5, 11)] == [(f"pfi_id_{i}", CERTAIN) for i in range(1, 7)]
    assert found["Q14"] == ("gender", CERTAIN)  # the whole question is a known phrase, every answer a gender
    assert found["Q15"] == ("race_ethnicity", LIKELY)  # a known phrase inside the question, answers fit
    assert found["Q13"] == ("career_stage", POSSIBLE)  # answers only, and 'Attending' is not a career stage
    assert {"Q4", "Q5", "Q6", "Q7", "Q8", "Q9", "Q10", "Q16"}.isdisjoint(found)  # other Mini-Z items, comments


def test_an_exact_canonical_name_is_certain_whatever_it_holds():
    found = guesses_of("response_id,submitted_at,gender,mini_z_burnout\nr1,2026-03-01,xyz,9\n")
    assert found == {
        "response_id": ("response_id", CERTAIN),
        "submitted_at": ("submitted_at", CERTAIN),
        "gender": ("gender", CERTAIN),
        "mini_z_burnout": ("mini_z_burnout", CERTAIN),
    }


def test_answers_alone_make_a_likely_guess():
    text = "Timestamp,Which best describes you?,Anything else?\n3/1/2026 10:00:00,Resident,no\n3/2/2026 10:00:00,Fellow,x\n"
    found = guesses_of(text)
    assert found["Which best describes you?"] == ("career_stage", LIKELY)
    assert "Anything else?" not in found


def test_instrument_items_need_both_their_wording_and_their_answer_scale():
    base = 'Timestamp,"Using your own definition of ""burnout"", please choose one",How much burnout do you feel?\n'
    in_range = guesses_of(base + "3/1/2026 10:00:00,2,4\n3/2/2026 10:00:00,5,1\n")
    assert in_range['Using your own definition of "burnout", please choose one'] == ("mini_z_burnout", CERTAIN)
    assert "How much burnout do you feel?" not in in_range  # one word, numbers: no instrument item
    coded = guesses_of(base + "3/1/2026 10:00:00,0,4\n3/2/2026 10:00:00,6,1\n")  # 0 and 6: not its 1-5 scale
    assert coded['Using your own definition of "burnout", please choose one'] == ("mini_z_burnout", POSSIBLE)
    pfi = "Timestamp,I feel happy at work,Less connected with my colleagues\n3/1/2026 10:00:00,Very true,A lot\n"
    assert guesses_of(pfi) == {
        "Timestamp": ("submitted_at", CERTAIN),
        "I feel happy at work": ("pfi_pf_1", CERTAIN),
        "Less connected with my colleagues": ("pfi_id_6", CERTAIN),
    }
    numeric_pfi = pfi.replace("Very true,A lot", "5,4")  # a numeric export coded 1-5, not 0-4
    assert guesses_of(numeric_pfi)["I feel happy at work"] == ("pfi_pf_1", POSSIBLE)


def test_single_item_mbi_by_what_it_asks_and_its_frequency_answers():
    text = (
        "Timestamp,How often do you feel burned out from your work?,How often do you feel callous toward people?\n"
        "3/13/2026 10:00:00,Once a week,Never\n3/14/2026 10:00:00,A few times a month,Every day\n"
    )
    found = guesses_of(text)
    assert found["How often do you feel burned out from your work?"] == ("mbi_ee_item", CERTAIN)
    assert found["How often do you feel callous toward people?"] == ("mbi_dp_item", CERTAIN)
    agree = text.replace("Once a week", "Agree").replace("A few times a month", "Disagree")
    assert guesses_of(agree)["How often do you feel burned out from your work?"] == ("mbi_ee_item", POSSIBLE)


def test_mbi_items_by_scale_name_and_number_never_by_item_text():
    text = "record_id,EE1,MBI DP 2,MBI 5,pa_8\n1,0,6,3,2\n2,4,1,0,6\n"
    found = guesses_of(text)
    assert found["EE1"] == ("mbi_ee_1", CERTAIN)
    assert found["MBI DP 2"] == ("mbi_dp_2", CERTAIN)
    assert found["pa_8"] == ("mbi_pa_8", CERTAIN)
    assert found["MBI 5"] == ("mbi_dp_1", LIKELY)  # the questionnaire's numbering: to be checked


def test_by_default_only_certain_guesses_are_applied():
    layout = parse(load(qualtrics_instrument_survey(), "q.csv"))
    certain = suggest(layout, "survey")
    assert "race_ethnicity" not in certain.columns and "career_stage" not in certain.columns
    assert certain.columns["gender"] == "Q14" and certain.columns["pfi_id_6"] == "Q12_10"
    everything = suggest(layout, "survey", accept=CONFIDENCES)
    assert everything.columns["race_ethnicity"] == "Q15" and everything.columns["career_stage"] == "Q13"


# --- the command line ----------------------------------------------------------------------------
def test_import_prints_each_match_and_how_sure_it_is(tmp_path):
    path = tmp_path / "wave.csv"
    path.write_bytes(qualtrics_instrument_survey())
    code, out, _ = cli(tmp_path / "db.duckdb", "import", str(path), "--survey", "Spring", "--dry-run")
    assert code == 0, out
    assert "'Q3' -> mini_z_burnout (certain: Mini-Z item: its wording, and its answers on the 1-5 scale)" in out
    assert "'Q15' -> race_ethnicity (likely, not applied: its question says 'race or ethnicity'" in out
    assert "'Q13' -> career_stage (possible, not applied: most answers are a career_stage" in out
    assert "2 suggestions not applied: take them all with --accept-suggestions" in out
    assert "dry_run: survey (qualtrics, utf-8), 7 rows read" in out


def test_write_mapping_round_trip(tmp_path):
    path = tmp_path / "wave.csv"
    path.write_bytes(qualtrics_instrument_survey())
    target = tmp_path / "wave.toml"
    db_path = tmp_path / "cli.duckdb"
    code, out, _ = cli(db_path, "import", str(path), "--dry-run", "--write-mapping", str(target))
    assert code == 0 and f"wrote {target}" in out, out
    text = target.read_text(encoding="utf-8")
    assert 'race_ethnicity = "Q15"  # likely: ' in text
    assert '# career_stage = "Q13"  # possible: ' in text  # commented out: remove the # to use it
    assert '# "student" = ["Attending"]  # Attending' in text  # the answer nothing maps, ready to fill in
    written = loads(text)
    assert written.columns["race_ethnicity"] == "Q15" and "career_stage" not in written.columns
    assert written.columns["mini_z_burnout"] == "Q3" and written.columns["response_id"] == "ResponseId"
    # the coordinator edits: career stage is Q13, and 'Attending' means senior faculty
    edited = text.replace('# career_stage = "Q13"', 'career_stage = "Q13"').replace(
        '# "student" = ["Attending"]', '[values.career_stage]\nsenior_faculty = ["Attending"]'
    )
    target.write_text(edited, encoding="utf-8")
    code, report = cli_json(db_path, "import", str(path), "--mapping", str(target), "--survey", "Spring")
    assert code == 0 and report["status"] == "imported" and report["rows_imported"] == 6, report["errors"]
    plan = prepare(path, options=Options(mapping=loads(edited), survey="Spring"))
    assert plan.validated.table["career_stage"].to_pylist() == [
        "resident",
        "fellow",
        "student",
        "senior_faculty",
        "resident",
        "fellow",
    ]


def test_write_mapping_is_refused_without_dry_run_or_with_a_mapping(tmp_path):
    path = write(tmp_path, "form.csv", MENTORING_FORM)
    code, _, err = cli(tmp_path / "db.duckdb", "import", str(path), "--write-mapping", str(tmp_path / "m.toml"))
    assert code == 2 and "add --dry-run" in err
    assert not (tmp_path / "m.toml").exists()


def test_accept_suggestions_takes_likely_and_possible_guesses(tmp_path):
    path = tmp_path / "wave.csv"
    path.write_bytes(qualtrics_instrument_survey())
    db_path = tmp_path / "db.duckdb"
    code, report = cli_json(db_path, "import", str(path), "--survey", "S", "--dry-run")
    assert code == 0 and "column 'Q15' not mapped: not stored" in report["warnings"]
    code, report = cli_json(db_path, "import", str(path), "--survey", "S", "--accept-suggestions")
    assert code == 1  # 'Attending' is not a career stage: taken explicitly, the file answers for it
    assert [(e["column"], e["value"]) for e in report["errors"]] == [("Q13", "Attending")]
    plan = prepare(path, options=Options(survey="S", accept=(CERTAIN, LIKELY)))
    assert plan.ok and plan.validated.table["race_ethnicity"].to_pylist()[:3] == [
        ["asian"],
        ["white"],
        ["black", "hispanic_latino"],
    ]


def test_the_choices_read_for_the_guesses_make_the_value_tables_without_reading_again(monkeypatch):
    """guess() keeps each source column's choices; the value tables are built from them, and are the
    tables built by reading the columns afresh."""
    from mentordash.ingest import mapping

    text = "Timestamp,What is your gender?,Career stage,Do you have a mentor?\n" + "".join(
        f"2026-03-0{i} 10:00:00,{g},{s},{m}\n"
        for i, (g, s, m) in enumerate(
            [("Female", "Resident", "Y"), ("Male", "Attending", "N"), ("Woman", "Fellow", "Y")], 1
        )
    )
    layout = parse(load(text.encode("utf-8"), "export.csv"))
    found = guess(layout, "survey")
    afresh = mapping.mapping_from_guesses(layout, "survey", found, accept=CONFIDENCES)
    choices: mapping.Choices = {}
    kept = guess(layout, "survey", choices=choices)
    assert kept == found and {"What is your gender?", "Career stage"} <= set(choices)
    read_again = []
    real = mapping.source_values
    monkeypatch.setattr(mapping, "source_values", lambda *a: read_again.append(a[1]) or real(*a))
    reused = mapping.mapping_from_guesses(layout, "survey", kept, accept=CONFIDENCES, choices=choices)
    assert reused == afresh
    assert not set(read_again) & set(choices)  # only columns the guesses never read are read now
