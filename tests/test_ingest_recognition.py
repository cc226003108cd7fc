"""Real exports recognised by their structure, Google Forms ids from the whole row, numeric exports said
once, and the wording of files that hold nothing to import (issue 14, items 1, 2, 4 and 5).

Each fixture is written here as the tool writes it (or as a coordinator's re-save leaves it), and each
failed before the change: read as a generic file with its header rows as data, a duplicate id the user
cannot find in their file, hundreds of "not a known gender", or `already_imported` for a new file.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from mentordash.ingest import codes
from mentordash.ingest.commit import commit
from mentordash.ingest.formats import clean
from mentordash.ingest.mapping import loads
from mentordash.ingest.pipeline import Options, prepare
from tests.test_ingest_excel import build
from tests.test_ingest_support import cli, cli_json, fresh_db, import_file, write


@pytest.fixture
def db(tmp_path):
    database = fresh_db(tmp_path)
    yield database
    database.close()


def survey_rows(db, columns="response_id, submitted_at, gender"):
    return db.rows(f"SELECT {columns} FROM survey ORDER BY submitted_at, response_id")


# --- 1. recognition by structure ----------------------------------------------------------------
MS_FORMS_ID = """Id,Start time,Completion time,Email,Name,Gender,Do you have a mentor?
1,7/2/26 10:58:01,7/2/26 11:00:22,anonymous,,Female,Yes
2,7/13/26 9:00:00,7/13/26 9:05:00,anonymous,,Male,No
"""


@pytest.mark.parametrize(
    "name, data",
    [
        ("Id", MS_FORMS_ID.encode("utf-8")),
        ("lower case", MS_FORMS_ID.replace("Id,Start time,Completion time", "id,start time,completion time").encode()),
        ("BOM", MS_FORMS_ID.encode("utf-8-sig")),
        # A UTF-8 export opened in Excel and saved as "CSV" on Windows: the BOM's bytes stay, the rest is cp1252.
        (
            "cp1252 re-save",
            b"\xef\xbb\xbf" + MS_FORMS_ID.replace("anonymous,,Female", "anonymous,José,Female").encode("cp1252"),
        ),
    ],
)
def test_microsoft_forms_by_its_metadata_columns(db, tmp_path, name, data):
    path = tmp_path / "Wellbeing.csv"
    path.write_bytes(data)
    plan = prepare(path, options=Options(survey="W"))
    assert plan.layout.format == "ms_forms", (name, plan.problems)
    assert plan.ok, plan.problems
    assert plan.mapping.columns["response_id"] in ("Id", "id") and plan.mapping.columns["submitted_at"].lower() == (
        "completion time"
    )
    report = commit(db, plan, "t")
    assert report["rows_imported"] == 2, report
    assert survey_rows(db, "response_id, submitted_at, has_mentor") == [
        ("1", dt.datetime(2026, 7, 2, 11, 0, 22), True),
        ("2", dt.datetime(2026, 7, 13, 9, 5), False),
    ]


def test_cp1252_resave_keeps_its_accents_and_loses_the_bom(tmp_path):
    data = b"\xef\xbb\xbf" + "Id,Start time,Completion time,Division\n1,7/2/26 10:58,7/2/26 11:00,Rachis é\n".encode(
        "cp1252"
    )
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    plan = prepare(path, options=Options(survey="W"))
    assert plan.raw.encoding == "cp1252" and plan.layout.format == "ms_forms"
    assert [c.name for c in plan.layout.columns][0] == "Id"
    assert plan.layout.data["Division"].to_pylist() == ["Rachis é"]
    assert clean("\ufeffId") == clean("ï»¿Id") == "Id"


SURVEYMONKEY_OLD = """RespondentID,CollectorID,StartDate,EndDate,IP Address,Email Address,First Name,LastName,Custom Data,What is your gender?,How satisfied are you with your career?
,,,,,,,,,Response,Response
4455667788,55443322,03/01/2026 10:00:00 AM,03/01/2026 10:04:00 AM,1.2.3.4,,,,,Female,Very satisfied
4455667789,55443322,03/15/2026 11:00:00 AM,03/15/2026 11:09:00 AM,1.2.3.5,,,,,Male,Dissatisfied
"""


@pytest.mark.parametrize("fmt", ["auto", "surveymonkey"])
def test_surveymonkey_older_header_names(db, tmp_path, fmt):
    path = write(tmp_path, "sm_old.csv", SURVEYMONKEY_OLD)
    plan = prepare(path, options=Options(survey="W", format=fmt))
    assert plan.layout.format == "surveymonkey" and plan.layout.header_rows == 2
    assert plan.ok, plan.problems
    assert plan.mapping.columns["response_id"] == "RespondentID"
    assert plan.mapping.columns["submitted_at"] == "EndDate"
    assert commit(db, plan, "t")["rows_imported"] == 2
    assert survey_rows(db, "response_id, submitted_at, career_satisfaction") == [
        ("4455667788", dt.datetime(2026, 3, 1, 10, 4), 5),
        ("4455667789", dt.datetime(2026, 3, 15, 11, 9), 2),
    ]


def test_surveymonkey_without_its_second_header_row_says_so(db, tmp_path):
    lines = SURVEYMONKEY_OLD.splitlines(keepends=True)
    path = write(tmp_path, "sm_one_row.csv", lines[0] + "".join(lines[2:]))
    plan = prepare(path, options=Options(survey="W"))
    assert plan.layout.format == "surveymonkey" and plan.layout.header_rows == 1
    assert plan.ok, plan.problems  # row 2 is a response, read as one: never "EndDate is not a date"
    assert any("SurveyMonkey export lacks its second header row" in w for w in plan.warnings), plan.warnings
    assert commit(db, plan, "t")["rows_imported"] == 2


QUALTRICS_IDS = (
    "StartDate,EndDate,Status,IPAddress,Progress,Duration (in seconds),Finished,RecordedDate,ResponseId,Q1,Q2\n"
)
QUALTRICS_TEXT = (
    "Start Date,End Date,Response Type,IP Address,Progress,Duration (in seconds),Finished,Recorded Date,"
    'Response ID,What is your gender?,"Using your own definition of ""burnout"", please choose one"\n'
)
IMPORT_IDS = [
    "startDate",
    "endDate",
    "status",
    "ipAddress",
    "progress",
    "duration",
    "finished",
    "recordedDate",
    "_recordId",
    "QID1",
    "QID2",
]
QUALTRICS_JSON = ",".join(f'"{{""ImportId"":""{i}""}}"' for i in IMPORT_IDS) + "\n"
QUALTRICS_SINGLE_QUOTES = ",".join(f"\"{{'ImportId': '{i}'}}\"" for i in IMPORT_IDS) + "\n"
QUALTRICS_DATA = (
    "2026-03-01 10:00:00,2026-03-01 10:05:00,IP Address,1.2.3.4,100,300,True,2026-03-01 10:05:01,R_aaa,Female,3\n"
    "2026-03-02 10:00:00,2026-03-02 10:05:00,IP Address,1.2.3.5,100,300,True,2026-03-02 10:05:01,R_bbb,Male,5\n"
)


@pytest.mark.parametrize(
    "name, text, header_rows, note",
    [
        ("json third row", QUALTRICS_IDS + QUALTRICS_TEXT + QUALTRICS_JSON + QUALTRICS_DATA, 3, None),
        ("single quotes", QUALTRICS_IDS + QUALTRICS_TEXT + QUALTRICS_SINGLE_QUOTES + QUALTRICS_DATA, 3, None),
        ("no ImportId row", QUALTRICS_IDS + QUALTRICS_TEXT + QUALTRICS_DATA, 2, "third header row (the ImportIds"),
        ("no question row", QUALTRICS_IDS + QUALTRICS_JSON + QUALTRICS_DATA, 2, "second header row (the question"),
        ("ids only", QUALTRICS_IDS + QUALTRICS_DATA, 1, "second header row (the question text) and its third"),
    ],
)
def test_qualtrics_header_rows_read_from_the_rows(db, tmp_path, name, text, header_rows, note):
    path = write(tmp_path, "q.csv", text)
    plan = prepare(path, options=Options(survey="W"))
    assert plan.layout.format == "qualtrics" and plan.layout.header_rows == header_rows, name
    assert plan.ok, plan.problems
    notes = [w for w in plan.warnings if "Qualtrics export lacks" in w]
    assert (note is None and not notes) or (note and note in notes[0]), plan.warnings
    assert commit(db, plan, "t")["rows_imported"] == 2
    assert survey_rows(db, "response_id, submitted_at") == [
        ("R_aaa", dt.datetime(2026, 3, 1, 10, 5, 1)),
        ("R_bbb", dt.datetime(2026, 3, 2, 10, 5, 1)),
    ]
    if "Q1" != plan.layout.column("Q1").question:  # with the question text, its answers are found too
        assert plan.layout.column("Q1").question == "What is your gender?"
        assert survey_rows(db, "gender, mini_z_burnout") == [("woman", 3), ("man", 5)]


def test_qualtrics_with_a_third_row_that_is_neither_says_what_is_off(db, tmp_path):
    text = QUALTRICS_IDS + QUALTRICS_TEXT + QUALTRICS_TEXT + QUALTRICS_DATA
    report = import_file(db, write(tmp_path, "q.csv", text), survey="W")
    assert report["status"] == "rejected"
    (error,) = report["errors"]
    assert error["row"] == 3 and "looks like a Qualtrics export" in error["message"]
    assert "neither its ImportId row" in error["message"]
    assert "not a date" not in str(report)


def test_redcap_recognised_by_record_id_and_form_timestamp(tmp_path):
    text = "record_id,redcap_survey_identifier,wellbeing_timestamp,q1\n1,,2026-03-01 10:00:00,3\n"
    plan = prepare(write(tmp_path, "P_DATA.csv", text), options=Options(survey="W"))
    assert plan.layout.format == "redcap"
    text = "record_id,wellbeing_timestamp,q1\n1,2026-03-01 10:00:00,3\n"
    plan = prepare(write(tmp_path, "P_DATA2.csv", text), options=Options(survey="W"))
    assert plan.layout.format == "redcap" and plan.ok, plan.problems
    assert plan.mapping.columns["submitted_at"] == "wellbeing_timestamp"


def test_google_forms_in_another_language(tmp_path):
    text = "Marca temporal,¿Cuál es su género?\n2026/03/16 8:24:52 PM GMT,Mujer\n"
    plan = prepare(write(tmp_path, "g.csv", text), options=Options(survey="W"))
    assert plan.layout.format == "google_forms" and plan.mapping.columns["submitted_at"] == "Marca temporal"


# --- 2. Google Forms ids from the whole row, keyed ------------------------------------------------
GOOGLE = """Timestamp,Email Address,What is your gender?,"Using your own definition of ""burnout"", which one best describes you?",Anything else?
2026/03/16 8:24:52 PM GMT,a@x.org,Woman,I enjoy my work. I have no symptoms of burnout.,
2026/03/16 8:24:52 PM GMT,b@x.org,Woman,I enjoy my work. I have no symptoms of burnout.,
2026/03/17 9:00:00 AM GMT,,Man,I enjoy my work. I have no symptoms of burnout.,More time
"""


def test_google_forms_same_second_same_answers_are_two_responses(db, tmp_path):
    # Rows 2 and 3: the same second and the same mapped answers; only the (unmapped) e-mail differs.
    report = import_file(db, write(tmp_path, "Form Responses 1.csv", GOOGLE), survey="W")
    assert report["status"] == "imported" and report["rows_imported"] == 3, report
    ids = [r[0] for r in survey_rows(db, "response_id")]
    assert len(set(ids)) == 3 and all(re.fullmatch(r"gf_[0-9a-f]{24}", i) for i in ids)
    assert db.scalar("SELECT count(*) FROM information_schema.columns WHERE column_name ILIKE '%email%'") == 0


def test_google_forms_identical_rows_are_said_in_the_files_words(db, tmp_path):
    lines = GOOGLE.splitlines(keepends=True)
    text = "".join(lines) + lines[1]  # row 5 repeats row 2 in every column
    report = import_file(db, write(tmp_path, "dup.csv", text), survey="W")
    assert report["status"] == "imported" and report["rows_imported"] == 3, report
    assert report["skipped"] == [{"row": 5, "reason": "identical to row 2 (identical rows: every column the same)"}]
    said = [w for w in report["warnings"] if "identical rows" in w]
    assert said and "rows 2 and 5" in said[0] and "gf_" not in str(report)


def test_google_forms_ids_are_stable_keyed_and_survive_a_new_question(tmp_path):
    first = fresh_db(tmp_path / "a" if (tmp_path / "a").mkdir() is None else tmp_path)
    path = write(tmp_path, "g.csv", GOOGLE)
    assert import_file(first, path, survey="W")["rows_imported"] == 3
    ids = {r[0] for r in first.rows("SELECT response_id FROM survey")}
    key = first.rows("SELECT value FROM secrets")
    assert len(key) == 1 and len(key[0][0]) == 64
    # A later download: one more response, and a question added to the form (blank in the older rows).
    lines = GOOGLE.splitlines()
    later = [lines[0] + ",New question"] + [line + "," for line in lines[1:]]
    later.append("2026/03/18 10:00:00 AM GMT,c@x.org,Man,I enjoy my work. I have no symptoms of burnout.,,Yes")
    report = import_file(first, write(tmp_path, "later.csv", "\n".join(later) + "\n"), survey="W")
    assert report["rows_imported"] == 1 and report["rows_skipped"] == 3, report
    assert ids < {r[0] for r in first.rows("SELECT response_id FROM survey")}
    assert first.rows("SELECT value FROM secrets") == key  # drawn once
    first.close()
    # Another database has another key: the same rows get other ids (nothing in them can be looked up).
    (tmp_path / "b").mkdir()
    other = fresh_db(tmp_path / "b")
    import_file(other, path, survey="W")
    assert not ids & {r[0] for r in other.rows("SELECT response_id FROM survey")}
    other.close()


def test_google_forms_csv_and_workbook_give_the_same_ids(tmp_path):
    db = fresh_db(tmp_path)
    csv_path = write(tmp_path, "g.csv", GOOGLE)
    rows = [
        [
            "Timestamp",
            "Email Address",
            "What is your gender?",
            'Using your own definition of "burnout", which one best describes you?',
            "Anything else?",
        ],
        [
            dt.datetime(2026, 3, 16, 20, 24, 52),
            "a@x.org",
            "Woman",
            "I enjoy my work. I have no symptoms of burnout.",
            None,
        ],
        [
            dt.datetime(2026, 3, 16, 20, 24, 52),
            "b@x.org",
            "Woman",
            "I enjoy my work. I have no symptoms of burnout.",
            None,
        ],
        [
            dt.datetime(2026, 3, 17, 9, 0, 0),
            None,
            "Man",
            "I enjoy my work. I have no symptoms of burnout.",
            "More time",
        ],
    ]
    xlsx = build(tmp_path / "g.xlsx", {"Form Responses 1": rows})
    from_csv = prepare(csv_path, options=Options(survey="W"), db=db)
    from_xlsx = prepare(xlsx, options=Options(survey="W"), db=db)
    assert from_csv.ok and from_xlsx.ok, (from_csv.problems, from_xlsx.problems)
    assert from_xlsx.layout.format == "google_forms"
    ids = from_csv.validated.table["response_id"].to_pylist()
    assert ids == from_xlsx.validated.table["response_id"].to_pylist() and len(set(ids)) == 3
    assert commit(db, from_csv, "t")["rows_imported"] == 3
    assert commit(db, from_xlsx, "t")["status"] == "already_imported"  # every row is there already
    db.close()


# --- 4. numeric exports -------------------------------------------------------------------------
QUALTRICS_NUMERIC_IDS = (
    "StartDate,EndDate,Status,IPAddress,Progress,Duration (in seconds),Finished,RecordedDate,ResponseId,Q1,Q2,Q3,Q4\n"
)
QUALTRICS_NUMERIC_TEXT = (
    "Start Date,End Date,Response Type,IP Address,Progress,Duration (in seconds),Finished,Recorded Date,"
    "Response ID,What is your gender?,What is your race or ethnicity? - Selected Choice,"
    '"Using your own definition of ""burnout"", please choose one",Do you have a mentor?\n'
)
QUALTRICS_NUMERIC_JSON = (
    ",".join(f'"{{""ImportId"":""{i}""}}"' for i in IMPORT_IDS[:9] + ["QID1", "QID2", "QID3", "QID4"]) + "\n"
)


def numeric_export(rows: int) -> str:
    lines = []
    for i in range(rows):
        day = dt.datetime(2026, 3, 1, 10) + dt.timedelta(hours=i)
        lines.append(
            f"{day:%Y-%m-%d %H:%M:%S},{day:%Y-%m-%d %H:%M:%S},0,1.2.3.{i % 250},100,300,1,"
            f'{day:%Y-%m-%d %H:%M:%S},R_{i:05d},{1 + i % 3},"{1 + i % 2},{3 + i % 2}",{1 + i % 5},{1 + i % 2}\n'
        )
    return QUALTRICS_NUMERIC_IDS + QUALTRICS_NUMERIC_TEXT + QUALTRICS_NUMERIC_JSON + "".join(lines)


NUMERIC_MAPPING = (
    'dataset = "survey"\nformat = "qualtrics"\n\n[columns]\nresponse_id = "ResponseId"\n'
    'submitted_at = "RecordedDate"\ngender = "Q1"\nrace_ethnicity = "Q2"\nmini_z_burnout = "Q3"\n'
    'has_mentor = "Q4"\n'
)


def test_numeric_export_is_said_once(db, tmp_path):
    path = write(tmp_path, "numeric.csv", numeric_export(300))
    plan = prepare(path, options=Options(survey="W", mapping=loads(NUMERIC_MAPPING)))
    assert plan.layout.format == "qualtrics" and plan.layout.numeric
    (problem,) = plan.problems  # not 300 rows of "not a known gender" and 300 of race_ethnicity
    assert problem.row is None and "This is a numeric export (Qualtrics)" in problem.message
    assert "'Q1' (gender: 1, 2, 3)" in problem.message and "'Q2' (race_ethnicity: 1, 2, 3, 4)" in problem.message
    assert "'Q4' (has_mentor: 2)" in problem.message  # Qualtrics codes yes 1, no 2
    assert "Use choice text" in problem.message and "--drop-unresolved" in problem.message


def test_numeric_export_left_unmapped_is_still_said(tmp_path):
    only_scores = loads(NUMERIC_MAPPING.split("gender")[0] + 'mini_z_burnout = "Q3"\n')
    plan = prepare(write(tmp_path, "numeric.csv", numeric_export(20)), options=Options(survey="W", mapping=only_scores))
    assert plan.ok and set(plan.mapping.columns) == {"response_id", "submitted_at", "mini_z_burnout"}
    said = [w for w in plan.warnings if w.startswith("This is a numeric export")]
    assert len(said) == 1 and "re-export with choice text" in said[0]


def test_numeric_export_codes_listed_and_mapped(db, tmp_path):
    path = write(tmp_path, "numeric.csv", numeric_export(6))
    plan = prepare(path, options=Options(survey="W", mapping=loads(NUMERIC_MAPPING)))
    choices = codes.code_choices(plan.layout, plan.mapping, "gender")
    assert [(c.value, c.rows, c.meaning) for c in choices] == [("1", 2, None), ("2", 2, None), ("3", 2, None)]
    assert "woman" in codes.canonical_choices("survey", "gender")
    assert [(c.value, c.rows) for c in codes.code_choices(plan.layout, plan.mapping, "race_ethnicity")] == [
        ("1", 3),
        ("2", 3),
        ("3", 3),
        ("4", 3),
    ]
    assert codes.numeric_columns(plan.layout, plan.mapping) == {
        "gender": ["1", "2", "3"],
        "race_ethnicity": ["1", "2", "3", "4"],
        "has_mentor": ["2"],
    }
    mapping = plan.mapping
    for code, meaning in (("1", "man"), ("2", "woman"), ("3", "nonbinary")):
        mapping = codes.with_meaning(mapping, "gender", code, meaning)
    for code, meaning in (("1", "asian"), ("2", "black"), ("3", "white"), ("4", "hispanic_latino")):
        mapping = codes.with_meaning(mapping, "race_ethnicity", code, meaning)
    mapping = codes.with_meaning(mapping, "has_mentor", "2", "false")
    assert [c.meaning for c in codes.code_choices(plan.layout, mapping, "gender")] == ["man", "woman", "nonbinary"]
    with pytest.raises(ValueError, match="not a value of gender"):
        codes.with_meaning(mapping, "gender", "4", "martian")
    report = import_file(db, path, survey="W", mapping=mapping)
    assert report["status"] == "imported" and report["rows_imported"] == 6, report
    assert db.rows("SELECT gender, count(*) FROM survey GROUP BY 1 ORDER BY 1") == [
        ("man", 2),
        ("nonbinary", 2),
        ("woman", 2),
    ]
    assert db.rows("SELECT response_id, race_ethnicity, has_mentor FROM survey ORDER BY 1 LIMIT 2") == [
        ("R_00000", ["asian", "white"], True),
        ("R_00001", ["black", "hispanic_latino"], False),
    ]


def test_numeric_export_imports_without_the_optional_column(db, tmp_path):
    path = write(tmp_path, "numeric.csv", numeric_export(6))
    mapping = write(tmp_path, "wave.toml", NUMERIC_MAPPING)
    argv = ["import", str(path), "--survey", "W", "--mapping", str(mapping)]
    code, report = cli_json(tmp_path / "test.duckdb", *argv)
    assert code == 1 and report["status"] == "rejected" and len(report["errors"]) == 1
    code, report = cli_json(tmp_path / "test.duckdb", *argv, "--drop-unresolved")
    assert code == 0 and report["status"] == "imported" and report["rows_imported"] == 6, report
    said = [w for w in report["warnings"] if "not imported" in w]
    assert len(said) == 3 and "'Q1' (gender)" in said[0] and "nothing of this column is stored" in said[0]
    assert db.rows("SELECT DISTINCT gender, race_ethnicity FROM survey") == [(None, None)]  # not asked, as unmapped
    assert db.scalar("SELECT count(*) FROM survey WHERE mini_z_burnout IS NOT NULL") == 6


def test_a_mapping_file_maps_the_codes(db, tmp_path):
    path = write(tmp_path, "numeric.csv", numeric_export(4))
    mapping = write(
        tmp_path,
        "wave.toml",
        'dataset = "survey"\nformat = "qualtrics"\n\n[columns]\nresponse_id = "ResponseId"\n'
        'submitted_at = "RecordedDate"\ngender = "Q1"\nmini_z_burnout = "Q3"\n\n'
        '[values.gender]\nman = ["1"]\nwoman = ["2"]\nnonbinary = ["3"]\n',
    )
    code, out, err = cli(tmp_path / "test.duckdb", "import", str(path), "--survey", "W", "--mapping", str(mapping))
    assert code == 0 and "imported: survey" in out and "numeric export" not in out, out + err
    assert db.scalar("SELECT count(DISTINCT gender) FROM survey") == 3


def test_unresolved_optional_words_are_listed_and_can_be_left_out(db, tmp_path):
    text = "response_id,submitted_at,gender,mini_z_burnout\nr1,2026-03-01,Woman,3\nr2,2026-03-02,Zebra,4\n"
    path = write(tmp_path, "s.csv", text)
    plan = prepare(path, options=Options(survey="W"))
    assert [(p.row, p.column, p.value) for p in plan.problems] == [(3, "gender", "Zebra")]
    assert plan.validated.unresolved == {"gender": "gender"}
    assert any("is optional" in w and "--drop-unresolved" in w for w in plan.warnings)
    report = import_file(db, path, survey="W", drop_unresolved=True)
    assert report["rows_imported"] == 2 and db.scalar("SELECT count(*) FROM survey WHERE mini_z_burnout > 2") == 2


# --- 5. wording -----------------------------------------------------------------------------------
def test_a_file_of_only_tests_and_previews_says_so(db, tmp_path):
    data = QUALTRICS_DATA.replace("IP Address", "Survey Preview", 1).replace("IP Address", "Survey Test", 1)
    path = write(tmp_path, "previews.csv", QUALTRICS_IDS + QUALTRICS_TEXT + QUALTRICS_JSON + data)
    report = import_file(db, path, survey="W")
    assert report["status"] == "nothing_to_import", report
    assert report["warnings"][0] == "0 responses: all 2 rows are survey tests or previews (skipped)."
    assert report["rows_skipped"] == 2 and db.scalar("SELECT count(*) FROM imports") == 0
    code, out, _ = cli(tmp_path / "test.duckdb", "import", str(path), "--survey", "W")
    assert code == 0 and "0 responses: all 2 rows are survey tests or previews (skipped)" in out
    assert "already_imported" not in out


def test_what_is_missing_is_one_message_naming_what_might_stand_for_it(db, tmp_path):
    ids = "StartDate,Status,Progress,Finished,Q1\n"
    text_row = "Start Date,Response Type,Progress,Finished,What is your gender?\n"
    json_row = ",".join(f'"{{""ImportId"":""{i}""}}"' for i in ("startDate", "status", "progress", "finished", "QID1"))
    data = "2026-03-01 10:00:00,IP Address,100,True,Female\n"
    report = import_file(db, write(tmp_path, "q.csv", ids + text_row + json_row + "\n" + data), survey="W")
    assert report["status"] == "rejected"
    (error,) = report["errors"]
    message = error["message"]
    assert error["column"] == "response_id, submitted_at"
    assert "This Qualtrics export lacks what survey needs" in message
    assert "no RecordedDate or EndDate column; 'StartDate' in the file might stand for it" in message
    assert "no ResponseId column" in message
    assert '[columns] submitted_at = "StartDate"' in message


def test_google_forms_rows_stored_under_the_earlier_ids_are_not_added_again(db, tmp_path):
    """A database filled before issue 14 holds ids from the timestamp and the mapped answers (unkeyed)."""
    import hashlib

    mapping = loads(
        'dataset = "survey"\nformat = "google_forms"\n\n[columns]\nsubmitted_at = "Timestamp"\n'
        'gender = "What is your gender?"\n'
    )
    earlier = "gf_" + hashlib.sha256(b"Man\x1f2026/03/17 9:00:00 AM GMT").hexdigest()[:20]
    with db.transaction() as cur:
        cur.execute(
            "INSERT INTO survey (response_id, survey, submitted_at, gender, complete, import_id) "
            "VALUES (?, 'W', TIMESTAMP '2026-03-17 09:00:00', 'man', true, 'imp_0001')",
            [earlier],
        )
    report = import_file(db, write(tmp_path, "g.csv", GOOGLE), survey="W", mapping=mapping)
    assert report["rows_imported"] == 2 and report["skipped"] == [{"row": 4, "reason": "already imported"}], report
    assert db.scalar("SELECT count(*) FROM survey") == 3
