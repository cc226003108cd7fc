"""Bad inputs: each refused with a message naming the row, column and value where there is one,
and every table unchanged (checksums of all tables before and after)."""

from __future__ import annotations

import shutil

import pytest

from mentordash.db import connect
from mentordash.ingest.mapping import loads
from tests.test_ingest_support import PEOPLE_CSV, SURVEY_CSV, checksums, cli_json, fresh_db, import_file, write

GOOD_PEOPLE_HEADER = "person_id,career_stage,gender,race_ethnicity,pgy,start_date\n"


def people(*rows: str) -> str:
    return GOOD_PEOPLE_HEADER + "".join(r + "\n" for r in rows)


def survey(*rows: str, header="response_id,submitted_at,mini_z_burnout,mbi_ee_item,has_mentor\n") -> str:
    return header + "".join(r + "\n" for r in rows)


QUALTRICS_HEADERS = (
    "StartDate,RecordedDate,ResponseId,Q1\nStart Date,Recorded Date,Response ID,Gender\n"
    '"{""ImportId"":""startDate""}","{""ImportId"":""recordedDate""}","{""ImportId"":""_recordId""}",'
    '"{""ImportId"":""QID1""}"\n'
)

# name: (file bytes or text, import options, expected row, column, value, words in the message)
CASES = {
    "empty file": (b"", {}, None, None, None, "empty"),
    "only blank lines": (b"\r\n\r\n  \n", {}, None, None, None, "empty"),
    "only separators": (b",,,\n,,,\n", {}, None, None, None, "no data"),
    "header only": (GOOD_PEOPLE_HEADER, {}, None, None, None, "only its header"),
    "qualtrics headers only": (QUALTRICS_HEADERS, {"survey": "W"}, None, None, None, "only its header rows"),
    "xlsx renamed csv": (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 64, {}, None, None, None, "Excel workbook"),
    "old xls renamed csv": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, {}, None, None, None, ".xls"),
    "html saved as csv": (
        "<!DOCTYPE html>\n<html><body><table><tr><td>a</td></tr></table></body></html>\n",
        {},
        None,
        None,
        None,
        "web page",
    ),
    "binary data": (b"person_id\x00\x01\x02\x00\xff", {}, None, None, None, "not a text file"),
    "wrong encoding chosen": (
        people("p1,resident,woman,white,1,2024-07-01", "p2,fellow,man,white,6,2024-07-01")
        .replace("fellow", "fellow ü")
        .encode("cp1252"),
        {"encoding": "utf-8"},
        3,
        None,
        "fc",
        "not valid utf-8",
    ),
    "undecodable bytes": (
        people("p1,resident,woman,white,1,2024-07-01").encode() + b"p2,resid\x81ent,man,,,2024-07-01\n",
        {},
        3,
        None,
        "81",
        "not valid cp1252",
    ),
    "missing required column": (
        "person_id,gender,start_date\np1,woman,2024-07-01\n",
        {},
        None,
        "career_stage",
        None,
        "required column",
    ),
    "survey name missing": (survey("r1,2026-03-01,3,4,yes"), {}, None, "survey", None, "survey's name is missing"),
    "duplicate person_id": (
        people("p1,resident,woman,white,1,2024-07-01", "p1,fellow,man,white,6,2024-07-01"),
        {},
        3,
        "person_id",
        "p1",
        "duplicate",
    ),
    "duplicate response_id": (
        survey("r1,2026-03-01,3,4,yes", "r2,2026-03-01,3,4,yes", "r1,2026-03-02,1,1,no"),
        {"survey": "W"},
        4,
        "response_id",
        "W / r1",
        "duplicate",
    ),
    "likert out of range": (survey("r1,2026-03-01,7,4,yes"), {"survey": "W"}, 2, "mini_z_burnout", "7", "out of range"),
    "mbi item negative": (survey("r1,2026-03-01,3,-1,yes"), {"survey": "W"}, 2, "mbi_ee_item", "-1", "out of range"),
    "likert not a number": (
        survey("r1,2026-03-01,3,4,yes", "r2,2026-03-01,lots,4,yes"),
        {"survey": "W"},
        3,
        "mini_z_burnout",
        "lots",
        "not a whole number",
    ),
    "excel mangled 1-2": (people("p1,resident,woman,white,2-Jan,2024-07-01"), {}, 2, "pgy", "2-Jan", "Excel"),
    "pgy out of range": (people("p1,resident,woman,white,9,2024-07-01"), {}, 2, "pgy", "9", "out of range"),
    "unknown career stage": (
        people("p1,astronaut,woman,white,1,2024-07-01"),
        {},
        2,
        "career_stage",
        "astronaut",
        "not a known career_stage",
    ),
    "unknown gender": (people("p1,resident,xyz,white,1,2024-07-01"), {}, 2, "gender", "xyz", "not a known gender"),
    "unknown race in a list": (
        people('p1,resident,woman,"black;martian",1,2024-07-01'),
        {},
        2,
        "race_ethnicity",
        "black;martian",
        "race_ethnicity",
    ),
    "bad boolean": (survey("r1,2026-03-01,3,4,maybe"), {"survey": "W"}, 2, "has_mentor", "maybe", "yes/no"),
    "impossible date": (people("p1,resident,woman,white,1,2026-13-45"), {}, 2, "start_date", "2026-13-45", "date"),
    "blank required value": (
        people("p1,resident,woman,white,1,2024-07-01", "p2,fellow,man,white,6,"),
        {},
        3,
        "start_date",
        "",
        "required",
    ),
    "ragged row, extra cells": (
        people("p1,resident,woman,white,1,2024-07-01", "p2,fellow,man,white,6,2024-07-01,x,y"),
        {},
        3,
        None,
        "p2,fellow",
        "8 cells",
    ),
    "ragged row, cut short": (
        people("p1,resident,woman,white,1,2024-07-01", "p2,fellow"),
        {},
        3,
        None,
        "p2,fellow",
        "2 cells",
    ),
    "sql injection in a header": (
        'person_id,career_stage,"start_date); DROP TABLE people; --"\np1,resident,2024-07-01\n',
        {},
        None,
        "start_date",
        None,
        "required column",
    ),
    "unknown role": (
        "mentor_id,mentee_id,role,start_date\nm1,p1,buddy,2024-01-01\n",
        {},
        2,
        "role",
        "buddy",
        "not a known role",
    ),
    "cycle not a year": (
        "applicant_id,cycle,track,stage_reached\na1,twenty,residency,applied\n",
        {},
        2,
        "cycle",
        "twenty",
        "not a whole number",
    ),
    "outcome count zero": (
        "person_id,date,kind,count\np1,2025-01-01,publication,0\n",
        {},
        2,
        "count",
        "0",
        "out of range",
    ),
    "meeting minutes negative": (
        "mentor_id,mentee_id,date,minutes\nm1,p1,2025-01-01,-5\n",
        {},
        2,
        "minutes",
        "-5",
        "out of range",
    ),
    "ambiguous dates": (
        people("p1,resident,woman,white,1,03/04/2026"),
        {},
        None,
        "start_date",
        "03/04/2026",
        "day-first or month-first",
    ),
    "too few header rows for the chosen format": (
        "a,b\n1,2\n",
        {"format": "qualtrics"},
        None,
        None,
        None,
        "fewer than its 3 header rows",
    ),
    "redcap checkbox code nobody maps": (
        "record_id,wellbeing_timestamp,race___9,wellbeing_complete\n1,2026-03-01 10:00,1,2\n",
        {"survey": "W"},
        2,
        "race___9",
        "1",
        "not a known",
    ),
}


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A database holding a roster and a survey wave, built once and copied for each test."""
    folder = tmp_path_factory.mktemp("template")
    database = fresh_db(folder)
    assert import_file(database, write(folder, "roster.csv", PEOPLE_CSV))["status"] == "imported"
    assert import_file(database, write(folder, "s.csv", SURVEY_CSV), survey="Before")["status"] == "imported"
    database.close()
    return folder / "test.duckdb"


@pytest.fixture
def db(tmp_path, template):
    shutil.copy(template, tmp_path / "test.duckdb")
    database = connect(tmp_path / "test.duckdb")
    yield database
    database.close()


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_is_refused_and_changes_nothing(db, tmp_path, name):
    content, options, row, column, value, words = CASES[name]
    path = tmp_path / "bad.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    before = checksums(db)
    report = import_file(db, path, **options)
    assert report["status"] == "rejected", report
    problem = report["errors"][0]
    assert words.lower() in problem["message"].lower(), problem
    assert (problem["row"], problem["column"]) == (row, column), problem
    if value is not None:
        assert value in problem["value"], problem
    assert checksums(db) == before


def test_every_problem_is_reported_at_once(db, tmp_path):
    path = write(tmp_path, "bad.csv", people("p1,astronaut,woman,white,1,2024-07-01", "p2,resident,xyz,white,9,x"))
    before = checksums(db)
    report = import_file(db, path)
    found = {(e["row"], e["column"], e["value"]) for e in report["errors"]}
    assert found == {(2, "career_stage", "astronaut"), (3, "gender", "xyz"), (3, "pgy", "9"), (3, "start_date", "x")}
    assert checksums(db) == before


def test_a_line_of_a_gigabyte_is_refused_without_reading_it(db, tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:
        handle.write(GOOD_PEOPLE_HEADER.encode() + b"p1,resident," + b"x" * (5 * 1024 * 1024))
        handle.truncate(1024**3)  # sparse: a 1 GB file on disk without writing 1 GB
    before = checksums(db)
    report = import_file(db, path)
    assert report["status"] == "rejected" and report["errors"][0]["row"] == 2
    assert "longer than" in report["errors"][0]["message"]
    assert checksums(db) == before


def test_mapping_naming_a_missing_column(db, tmp_path):
    mapping = loads(
        'dataset = "survey"\nsurvey = "W"\n[columns]\nresponse_id = "record_id"\n'
        'submitted_at = "when"\nmini_z_burnout = "q12"\n'
    )
    path = write(tmp_path, "bad.csv", "record_id,when\n1,2026-03-01\n")
    before = checksums(db)
    report = import_file(db, path, mapping=mapping)
    assert report["status"] == "rejected"
    assert report["errors"][0]["column"] == "q12" and "no such column" in report["errors"][0]["message"]
    assert checksums(db) == before


def test_cli_rejects_with_exit_1_and_json_errors(tmp_path):
    db_path = tmp_path / "cli.duckdb"
    path = write(tmp_path, "bad.csv", survey("r1,2026-03-01,7,4,yes"))
    code, report = cli_json(db_path, "import", str(path), "--survey", "W")
    assert code == 1 and report["status"] == "rejected" and report["import_id"] is None
    assert report["errors"] == [
        {"row": 2, "column": "mini_z_burnout", "value": "7", "message": "out of range: mini_z_burnout goes from 1 to 5"}
    ]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_row_numbers_count_blank_lines_as_a_spreadsheet_does(db, tmp_path, newline):
    text = (
        people(
            "p1,resident,woman,white,1,2024-07-01",
            "",
            "p2,resident,man,white,1,2024-07-01",
            "p3,astronaut,man,white,1,2024-07-01",
        )
        + "\n\n"
    )
    report = import_file(db, write(tmp_path, "blank.csv", text, newline=newline))
    assert [(e["row"], e["column"], e["value"]) for e in report["errors"]] == [(5, "career_stage", "astronaut")]
