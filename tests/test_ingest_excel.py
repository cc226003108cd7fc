"""Excel workbooks (issue 18): each tool's workbook imports exactly what its CSV twin imports, Excel's
own types are read as what they mean, and every bad workbook is refused with its message and the
database file left byte for byte as it was.

The workbooks are written here with xlsxwriter in each tool's layout (Microsoft Forms "Open results in
Excel", SurveyMonkey, Qualtrics, REDCap saved as a workbook, an HR roster with a title, merged headers
and two sheets). The large-sheet test runs at MENTORDASH_EXCEL_ROWS rows (default 20,000); the full
size is `MENTORDASH_EXCEL_ROWS=1000000 .venv/bin/python -m pytest -q tests/test_ingest_excel.py -k large`.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import xlsxwriter

from mentordash.db import Database, connect
from mentordash.ingest import excel
from mentordash.ingest.commit import commit, undo
from mentordash.ingest.mapping import dumps, loads
from mentordash.ingest.pipeline import Options, prepare, read_dictionary
from tests.test_ingest_support import cli, cli_json, write


# --- building workbooks --------------------------------------------------------------------------
@dataclass
class Formula:
    formula: str
    value: object  # what Excel saved as the formula's result


@dataclass
class Merge:
    first_row: int  # 0-based, as xlsxwriter counts
    first_col: int
    last_row: int
    last_col: int
    value: str


def build(
    path: Path,
    sheets: dict[str, list[list]],
    merges: dict[str, list[Merge]] | None = None,
    hidden: tuple[str, ...] = (),
    vba: bytes | None = None,
    protect: bool = False,
) -> Path:
    """A workbook as Excel saves it: strings, numbers, booleans, date cells, formulas with their values."""
    book = xlsxwriter.Workbook(str(path))
    stamp = book.add_format({"num_format": "m/d/yy h:mm"})  # shows no seconds: the value has them
    day = book.add_format({"num_format": "d mmm yyyy"})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        covered = set()
        for m in (merges or {}).get(name, []):
            sheet.merge_range(m.first_row, m.first_col, m.last_row, m.last_col, m.value)
            covered |= {(r, c) for r in range(m.first_row, m.last_row + 1) for c in range(m.first_col, m.last_col + 1)}
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None or (r, c) in covered:
                    continue
                if isinstance(value, Formula):
                    sheet.write_formula(r, c, value.formula, None, value.value)
                elif isinstance(value, bool):
                    sheet.write_boolean(r, c, value)
                elif isinstance(value, (int, float)):
                    sheet.write_number(r, c, value)
                elif isinstance(value, dt.datetime):
                    sheet.write_datetime(r, c, value, stamp)
                elif isinstance(value, dt.date):
                    sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), day)
                else:
                    sheet.write_string(r, c, value)  # "=..." stays text, as a survey answer must
        if name in hidden:
            sheet.hide()
        if protect:
            sheet.protect("locked")
    if vba is not None:
        book.add_vba_project(io.BytesIO(vba), is_stream=True)
    book.close()
    return path


def fresh(tmp_path: Path, name: str) -> Database:
    folder = tmp_path / name
    folder.mkdir()
    return connect(folder / "test.duckdb")


def stored(db: Database, dataset: str) -> list[dict]:
    """Every stored column of a dataset but the import's own (its id, the random record key), in a fixed order."""
    columns = [
        r[0]
        for r in db.rows(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
            "AND column_name NOT IN ('import_id', 'record_key') ORDER BY ordinal_position",
            [dataset],
        )
    ]
    rows = db.rows(f"SELECT {', '.join(columns)} FROM {dataset} ORDER BY ALL")  # names from the catalog
    return [dict(zip(columns, row)) for row in rows]


def import_into(db: Database, path: Path, **options) -> dict:
    return commit(db, prepare(path, options=Options(**options), db=db), "tester")


def twins(
    tmp_path, csv_path: Path, xlsx_path: Path, dataset: str, volatile=lambda row: row, **options
) -> tuple[dict, dict, list[dict]]:
    """Import the CSV and the workbook into two fresh databases; their stored tables must be equal
    (but for what `volatile` blanks: a value set at the moment of the import)."""
    a, b = fresh(tmp_path, "from_csv"), fresh(tmp_path, "from_xlsx")
    try:
        from_csv, from_xlsx = import_into(a, csv_path, **options), import_into(b, xlsx_path, **options)
        assert from_csv["status"] == "imported", from_csv
        assert from_xlsx["status"] == "imported", from_xlsx
        rows = stored(a, dataset)
        assert [volatile(r) for r in stored(b, dataset)] == [volatile(r) for r in rows]
        return from_csv, from_xlsx, rows
    finally:
        a.close()
        b.close()


# --- Microsoft Forms: "Open results in Excel" -----------------------------------------------------
MS_FORMS_HEADER = [
    "ID",
    "Start time",
    "Completion time",
    "Email",
    "Name",
    "Gender",
    "Race / ethnicity",
    "Do you have a mentor?",
    "How satisfied are you with your career?",
]
MS_FORMS_CSV = """ID,Start time,Completion time,Email,Name,Gender,Race / ethnicity,Do you have a mentor?,How satisfied are you with your career?
1,7/2/26 10:58:01,7/2/26 11:00:22,anonymous,,Female,Asian;White;,Yes,4
2,7/13/26 9:00:00,7/13/26 9:05:00,anonymous,,Prefer not to say,Black or African American;,No,2
3,7/14/26 8:00:00,7/14/26 8:01:30,anonymous,,Male,White;,Yes,5
"""


def ms_forms_rows() -> list[list]:
    return [
        MS_FORMS_HEADER,
        [
            1,
            dt.datetime(2026, 7, 2, 10, 58, 1),
            dt.datetime(2026, 7, 2, 11, 0, 22),
            "anonymous",
            None,
            "Female",
            "Asian;White;",
            "Yes",
            4,
        ],
        [
            2,
            dt.datetime(2026, 7, 13, 9, 0),
            dt.datetime(2026, 7, 13, 9, 5),
            "anonymous",
            None,
            "Prefer not to say",
            "Black or African American;",
            "No",
            2,
        ],
        [
            3,
            dt.datetime(2026, 7, 14, 8, 0),
            dt.datetime(2026, 7, 14, 8, 1, 30),
            "anonymous",
            None,
            "Male",
            "White;",
            "Yes",
            5,
        ],
    ]


def test_microsoft_forms_workbook_imports_what_its_csv_imports(tmp_path):
    csv_path = write(tmp_path, "Wellbeing.csv", MS_FORMS_CSV)
    xlsx_path = build(tmp_path / "Wellbeing.xlsx", {"Sheet1": ms_forms_rows()})
    from_csv, from_xlsx, rows = twins(tmp_path, csv_path, xlsx_path, "survey", survey="Wellbeing 2026")
    assert from_xlsx["format"] == "ms_forms" and from_xlsx["encoding"] == "xlsx"
    assert from_xlsx["rows_imported"] == from_csv["rows_imported"] == 3
    picked = [(r["response_id"], r["submitted_at"], r["gender"], r["race_ethnicity"]) for r in rows]
    assert ("1", dt.datetime(2026, 7, 2, 11, 0, 22), "woman", ["asian", "white"]) in picked
    assert ("2", dt.datetime(2026, 7, 13, 9, 5), "undisclosed", ["black"]) in picked


def test_a_mapping_saved_from_the_csv_applies_to_the_workbook_and_back(tmp_path):
    csv_path = write(tmp_path, "Wellbeing.csv", MS_FORMS_CSV)
    xlsx_path = build(tmp_path / "Wellbeing.xlsx", {"Sheet1": ms_forms_rows()})
    from_csv = prepare(csv_path, options=Options(survey="W"))
    mapping = from_csv.mapping
    mapping.columns["career_satisfaction"] = "How satisfied are you with your career?"
    saved = loads(dumps(mapping))  # as the data page saves it
    on_xlsx = prepare(xlsx_path, options=Options(mapping=saved))
    assert on_xlsx.ok, on_xlsx.problems
    from_xlsx = prepare(xlsx_path, options=Options(survey="W"))
    back = loads(dumps(from_xlsx.mapping))
    back.columns["career_satisfaction"] = "How satisfied are you with your career?"
    on_csv = prepare(csv_path, options=Options(mapping=back))
    assert on_csv.ok, on_csv.problems
    assert (
        on_csv.validated.table.drop_columns(["__row"]).to_pylist()
        == on_xlsx.validated.table.drop_columns(["__row"]).to_pylist()
    )
    assert on_xlsx.validated.table["career_satisfaction"].to_pylist() == [4, 2, 5]


def test_later_workbook_export_adds_only_new_responses_and_undo_removes_them(tmp_path):
    db = fresh(tmp_path, "db")
    try:
        first = build(tmp_path / "w1.xlsx", {"Sheet1": ms_forms_rows()[:3]})
        later = build(tmp_path / "w2.xlsx", {"Sheet1": ms_forms_rows()})
        assert import_into(db, first, survey="W")["rows_imported"] == 2
        again = import_into(db, first, survey="W")
        assert again["status"] == "already_imported"
        report = import_into(db, later, survey="W")
        assert report["rows_imported"] == 1 and {s["row"] for s in report["skipped"]} == {2, 3}
        assert db.scalar("SELECT count(*) FROM survey") == 3
        undo(db, report["import_id"], "tester")
        assert sorted(r[0] for r in db.rows("SELECT response_id FROM survey")) == ["1", "2"]
    finally:
        db.close()


# --- Google Forms: the responses sheet downloaded as .xlsx ----------------------------------------
def test_google_forms_workbook_and_its_later_download(tmp_path):
    header = ["Timestamp", "Email Address", "What is your gender?", "What is your race or ethnicity?"]
    rows = [
        header,
        [dt.datetime(2026, 3, 16, 20, 24, 52), "a@x.org", "Woman", "Hispanic, Latino, or of Spanish origin, White"],
        [dt.datetime(2026, 3, 17, 9), "b@x.org", "Man", "Asian"],
    ]
    db = fresh(tmp_path, "db")
    try:
        first = import_into(db, build(tmp_path / "Form (Responses).xlsx", {"Form Responses 1": rows}), survey="W")
        assert first["format"] == "google_forms" and first["rows_imported"] == 2, first
        later = rows + [[dt.datetime(2026, 3, 18, 10), "c@x.org", "Man", "White"]]
        report = import_into(db, build(tmp_path / "Form (Responses) 2.xlsx", {"Form Responses 1": later}), survey="W")
        assert report["rows_imported"] == 1 and len(report["skipped"]) == 2, report
        assert db.rows("SELECT submitted_at, gender, race_ethnicity FROM survey ORDER BY 1") == [
            (dt.datetime(2026, 3, 16, 20, 24, 52), "woman", ["hispanic_latino", "white"]),
            (dt.datetime(2026, 3, 17, 9), "man", ["asian"]),
            (dt.datetime(2026, 3, 18, 10), "man", ["white"]),
        ]
    finally:
        db.close()


# --- SurveyMonkey: two header rows, the question merged over its option columns -------------------
SURVEYMONKEY_CSV = """Respondent ID,Collector ID,Start Date,End Date,IP Address,Email Address,First Name,Last Name,Custom Data 1,What is your gender?,What is your race or ethnicity?,,,How satisfied are you with your career?
,,,,,,,,,Response,Asian,Black or African American,White,Response
11850428441,431587265,03/01/2026 10:00:00 AM,03/01/2026 10:04:00 AM,1.2.3.4,,,,,Female,,Black or African American,,Very satisfied
11850428442,431587265,03/15/2026 11:00:00 AM,03/15/2026 11:09:00 AM,1.2.3.5,,,,,Male,Asian,,White,Dissatisfied
"""


def test_surveymonkey_workbook_with_merged_question_headers(tmp_path):
    top = [
        "Respondent ID",
        "Collector ID",
        "Start Date",
        "End Date",
        "IP Address",
        "Email Address",
        "First Name",
        "Last Name",
        "Custom Data 1",
        "What is your gender?",
        None,
        None,
        None,
        "How satisfied are you with your career?",
    ]
    rows = [
        top,
        [None] * 9 + ["Response", "Asian", "Black or African American", "White", "Response"],
        [
            11850428441,
            431587265,
            dt.datetime(2026, 3, 1, 10),
            dt.datetime(2026, 3, 1, 10, 4),
            "1.2.3.4",
            None,
            None,
            None,
            None,
            "Female",
            None,
            "Black or African American",
            None,
            "Very satisfied",
        ],
        [
            11850428442,
            431587265,
            dt.datetime(2026, 3, 15, 11),
            dt.datetime(2026, 3, 15, 11, 9),
            "1.2.3.5",
            None,
            None,
            None,
            None,
            "Male",
            "Asian",
            None,
            "White",
            "Dissatisfied",
        ],
    ]
    merged = [Merge(0, 10, 0, 12, "What is your race or ethnicity?")]
    xlsx_path = build(tmp_path / "sm.xlsx", {"Sheet": rows}, {"Sheet": merged})
    csv_path = write(tmp_path, "sm.csv", SURVEYMONKEY_CSV)
    plan = prepare(xlsx_path, options=Options(survey="W"))
    assert plan.layout.format == "surveymonkey" and plan.layout.has("What is your race or ethnicity? | Asian")
    _, from_xlsx, stored_rows = twins(tmp_path, csv_path, xlsx_path, "survey", survey="W")
    assert from_xlsx["rows_imported"] == 2
    assert [(r["response_id"], r["submitted_at"], r["race_ethnicity"]) for r in stored_rows] == [
        ("11850428441", dt.datetime(2026, 3, 1, 10, 4), ["black"]),
        ("11850428442", dt.datetime(2026, 3, 15, 11, 9), ["asian", "white"]),
    ]


# --- Qualtrics: three header rows, numeric codes, a preview to skip --------------------------------
QUALTRICS_IDS = [
    "StartDate",
    "EndDate",
    "Status",
    "IPAddress",
    "Progress",
    "Duration (in seconds)",
    "Finished",
    "RecordedDate",
    "ResponseId",
    "Q1",
    "Q2",
    "Q3_1",
    "Q3_2",
]
QUALTRICS_TEXT = [
    "Start Date",
    "End Date",
    "Response Type",
    "IP Address",
    "Progress",
    "Duration (in seconds)",
    "Finished",
    "Recorded Date",
    "Response ID",
    "What is your gender?",
    'Using your own definition of "burnout", please choose one',
    "Race - Selected Choice - Asian",
    "Race - Selected Choice - White",
]
QUALTRICS_IMPORT = [
    '{"ImportId":"startDate","timeZone":"America/Denver"}',
    '{"ImportId":"endDate"}',
    '{"ImportId":"status"}',
    '{"ImportId":"ipAddress"}',
    '{"ImportId":"progress"}',
    '{"ImportId":"duration"}',
    '{"ImportId":"finished"}',
    '{"ImportId":"recordedDate"}',
    '{"ImportId":"_recordId"}',
    '{"ImportId":"QID1"}',
    '{"ImportId":"QID2"}',
    '{"ImportId":"QID3_1"}',
    '{"ImportId":"QID3_2"}',
]
QUALTRICS_CSV = (
    "\n".join(
        ",".join('"' + c.replace('"', '""') + '"' for c in row)
        for row in (QUALTRICS_IDS, QUALTRICS_TEXT, QUALTRICS_IMPORT)
    )
    + """
2026-03-01 10:00:00,2026-03-01 10:05:00,0,1.2.3.4,100,300,1,2026-03-01 10:05:01,R_aaa,Female,3,1,
2026-03-01 11:00:00,2026-03-01 11:05:00,1,,100,300,1,2026-03-01 11:05:01,R_preview,Male,1,,1
2026-03-02 10:00:00,2026-03-02 10:05:00,0,1.2.3.5,50,300,0,2026-03-02 10:05:01,R_bbb,Male,5,,1
"""
)


def test_qualtrics_workbook_three_headers_and_a_preview(tmp_path):
    d = dt.datetime
    rows = [
        QUALTRICS_IDS,
        QUALTRICS_TEXT,
        QUALTRICS_IMPORT,
        [
            d(2026, 3, 1, 10),
            d(2026, 3, 1, 10, 5),
            0,
            "1.2.3.4",
            100,
            300,
            1,
            d(2026, 3, 1, 10, 5, 1),
            "R_aaa",
            "Female",
            3,
            1,
            None,
        ],
        [
            d(2026, 3, 1, 11),
            d(2026, 3, 1, 11, 5),
            1,
            None,
            100,
            300,
            1,
            d(2026, 3, 1, 11, 5, 1),
            "R_preview",
            "Male",
            1,
            None,
            1,
        ],
        [
            d(2026, 3, 2, 10),
            d(2026, 3, 2, 10, 5),
            0,
            "1.2.3.5",
            50,
            300,
            0,
            d(2026, 3, 2, 10, 5, 1),
            "R_bbb",
            "Male",
            5,
            None,
            1,
        ],
    ]
    xlsx_path = build(tmp_path / "q.xlsx", {"Wellbeing": rows})
    csv_path = write(tmp_path, "q.csv", QUALTRICS_CSV)
    from_csv, from_xlsx, stored_rows = twins(tmp_path, csv_path, xlsx_path, "survey", survey="W")
    assert from_xlsx["format"] == "qualtrics" and from_xlsx["rows_imported"] == 2
    assert from_xlsx["skipped"] == from_csv["skipped"] == [{"row": 5, "reason": "survey preview"}]
    assert [
        (r["response_id"], r["submitted_at"], r["gender"], r["mini_z_burnout"], r["race_ethnicity"], r["complete"])
        for r in stored_rows
    ] == [
        ("R_aaa", d(2026, 3, 1, 10, 5, 1), "woman", 3, ["asian"], True),
        ("R_bbb", d(2026, 3, 2, 10, 5, 1), "man", 5, ["white"], False),
    ]


# --- REDCap: the raw CSV export, opened in Excel and saved as a workbook ---------------------------
REDCAP_CSV = """record_id,redcap_repeat_instrument,redcap_repeat_instance,wellbeing_timestamp,email,sex,race___1,race___2,race___3,stage,q12,wellbeing_complete
1,,,2026-03-02 09:15:01,a@x.org,2,0,1,0,2,3,2
2,,,[not completed],b@x.org,1,1,0,1,3,,0
3,,,2026-03-05 17:00:00,c@x.org,1,0,0,0,2,5,2
4,visits,1,,,,,,,,,
"""
REDCAP_DICTIONARY = """\ufeff"Variable / Field Name","Form Name","Section Header","Field Type","Field Label","Choices, Calculations, OR Slider Labels","Field Note"
record_id,wellbeing,,text,"Record ID",,
email,wellbeing,,text,"E-mail",,
sex,wellbeing,,radio,"What is your gender?","1, Female | 2, Male | 3, Prefer not to say",
race,wellbeing,,checkbox,"Race","1, Asian | 2, Black or African American | 3, Hispanic, Latino, or of Spanish origin",
stage,wellbeing,,dropdown,"Career stage","1, Medical student | 2, Resident | 3, Fellow | 4, Assistant Professor",
q12,wellbeing,,radio,"Burnout (Mini-Z)","1, I enjoy my work | 2, Occasionally | 3, Definitely | 4, Persist | 5, Completely",
"""


def test_redcap_export_saved_as_a_workbook(tmp_path):
    header = REDCAP_CSV.splitlines()[0].split(",")
    rows = [
        header,
        [1, None, None, dt.datetime(2026, 3, 2, 9, 15, 1), "a@x.org", 2, 0, 1, 0, 2, 3, 2],
        [2, None, None, "[not completed]", "b@x.org", 1, 1, 0, 1, 3, None, 0],
        [3, None, None, dt.datetime(2026, 3, 5, 17), "c@x.org", 1, 0, 0, 0, 2, 5, 2],
        [4, "visits", 1],
    ]
    xlsx_path = build(tmp_path / "P_DATA_2026-03-06_1412.xlsx", {"P_DATA": rows})
    csv_path = write(tmp_path, "P_DATA_2026-03-06_1412.csv", REDCAP_CSV)
    dictionary = read_dictionary(write(tmp_path, "P_DataDictionary.csv", REDCAP_DICTIONARY))
    before = dt.datetime.now().replace(microsecond=0)
    from_csv, from_xlsx, stored_rows = twins(
        tmp_path, csv_path, xlsx_path, "survey", survey="W", dictionary=dictionary, volatile=_unfinished_undated
    )
    assert from_xlsx["format"] == "redcap" and from_xlsx["rows_imported"] == 3
    assert (
        from_xlsx["skipped"]
        == from_csv["skipped"]
        == [{"row": 5, "reason": "another REDCap event or form on this row"}]
    )
    by_id = {r["response_id"]: r for r in stored_rows}
    assert by_id["1"]["gender"] == "man" and by_id["2"]["race_ethnicity"] == ["asian", "hispanic_latino"]
    assert by_id["2"]["submitted_at"] >= before and not by_id["2"]["complete"]  # [not completed]: import time
    assert by_id["3"]["mini_z_burnout"] == 5 and by_id["1"]["career_stage"] == "resident"


def _unfinished_undated(row: dict) -> dict:
    """A [not completed] response is dated at its import: the two imports differ by a moment."""
    return row if row["complete"] else {**row, "submitted_at": None}


# --- an HR roster: title row, blank row, merged two-level header, two sheets, serials, formulas ----
ROSTER_CSV = """person_id,career_stage,pgy,division,gender,race_ethnicity,urim,first_generation,start_date,end_date,departure_reason,institution
p001,resident,2,Spine,Female,black;hispanic_latino,,TRUE,2024-07-01,,,
p002,Assistant Professor,,Hand,m,white,FALSE,FALSE,2019-08-15,,,
p003,fellow,6,Sports,nonbinary,asian,,,2025-08-01,2026-06-30,completed,
"""
ROSTER_NAMES = ROSTER_CSV.splitlines()[0].split(",")


def roster_workbook(path: Path, notes_sheet: bool = True) -> Path:
    """The department's roster as HR sends it: a title across the top, a blank row, column groups merged
    over a second header row (person_id merged down over both), dates as date cells and as serial
    numbers, the PGY from a formula, and a second sheet of notes."""
    second_header = [None] + ROSTER_NAMES[1:]
    rows = [
        [None] * 12,
        [None] * 12,
        [None] * 12,
        second_header,
        [
            "p001",
            "resident",
            Formula("=1+1", 2),
            "Spine",
            "Female",
            "black;hispanic_latino",
            None,
            True,
            dt.date(2024, 7, 1),
        ],
        [
            "p002",
            "Assistant Professor",
            None,
            "Hand",
            "m",
            "white",
            False,
            False,
            (dt.date(2019, 8, 15) - dt.date(1899, 12, 30)).days,
        ],  # a serial number in a General cell
        [
            "p003",
            "fellow",
            Formula("=2*3", 6),
            "Sports",
            "nonbinary",
            "asian",
            None,
            None,
            dt.date(2025, 8, 1),
            dt.date(2026, 6, 30),
            "completed",
        ],
    ]
    merges = [
        Merge(0, 0, 0, 11, "Department of Orthopaedics: roster, March 2026"),
        Merge(2, 0, 3, 0, "person_id"),
        Merge(2, 1, 2, 3, "Training"),
        Merge(2, 4, 2, 7, "Demographics"),
        Merge(2, 8, 2, 11, "Dates"),
    ]
    sheets = {"Roster": rows}
    if notes_sheet:
        sheets["Notes"] = [["Exported by HR"], ["Questions: hr@example.org"]]
    return build(path, sheets, {"Roster": merges})


def test_roster_workbook_title_merged_header_two_sheets(tmp_path):
    xlsx_path = roster_workbook(tmp_path / "roster.xlsx")
    refused = prepare(xlsx_path)
    assert not refused.ok and "2 sheets with data" in refused.problems[0].message
    assert "'Roster'" in refused.problems[0].message and "--sheet" in refused.problems[0].message
    plan = prepare(xlsx_path, options=Options(sheet="Roster"))
    assert plan.ok, plan.problems
    assert plan.raw.header_row == 4 and plan.dataset == "people"
    assert any("header is on row 4" in w and "Department of Orthopaedics" in w for w in plan.warnings)
    csv_path = write(tmp_path, "roster.csv", ROSTER_CSV)
    _, from_xlsx, rows = twins(tmp_path, csv_path, xlsx_path, "people", sheet="Roster")
    assert from_xlsx["rows_imported"] == 3
    by_id = {r["person_id"]: r for r in rows}
    assert by_id["p002"]["start_date"] == dt.date(2019, 8, 15)  # the serial number, read as the date it is
    assert by_id["p001"]["pgy"] == 2 and by_id["p003"]["pgy"] == 6  # formulas by their saved values
    assert by_id["p001"]["first_generation"] is True and by_id["p002"]["urim"] is False  # booleans
    assert by_id["p003"]["end_date"] == dt.date(2026, 6, 30) and by_id["p003"]["departure_reason"] == "completed"


def test_serial_numbers_in_a_date_column_are_dates_from_a_csv_too(tmp_path):
    """A General-formatted date column saved as CSV holds the serial numbers: the same dates."""
    text = "person_id,career_stage,start_date,end_date\np1,resident,43692,46203.5\np2,fellow,2024-07-01,\n"
    plan = prepare(write(tmp_path, "r.csv", text))
    assert plan.ok, plan.problems
    assert plan.validated.table["start_date"].to_pylist() == [dt.date(2019, 8, 15), dt.date(2024, 7, 1)]
    assert plan.validated.table["end_date"].to_pylist() == [dt.date(2026, 6, 30), None]


def test_problem_rows_are_numbered_as_excel_shows_them(tmp_path):
    rows = [
        ["Roster 2026"],
        [],
        ["person_id", "career_stage", "start_date"],
        ["p1", "resident", dt.date(2024, 7, 1)],
        [],
        ["p2", "astronaut", dt.date(2024, 7, 1)],
        ["p3", "fellow", "sometime"],
    ]
    plan = prepare(build(tmp_path / "r.xlsx", {"Roster": rows}))
    assert [(p.row, p.column, p.value) for p in plan.problems] == [
        (6, "career_stage", "astronaut"),
        (7, "start_date", "sometime"),
    ]


def test_excel_types_as_text_the_pipeline_reads():
    assert excel.cell_text(4.0) == "4" and excel.cell_text(1.54) == "1.54" and excel.cell_text(0.1 + 0.2) == "0.3"
    assert excel.cell_text(True) == "TRUE" and excel.cell_text("") == ""
    assert excel.cell_text(dt.date(2026, 3, 4)) == "2026-03-04"  # never 03/04/2026
    assert excel.cell_text(dt.datetime(2026, 7, 2, 11, 0, 21, 999999)) == "2026-07-02 11:00:22"
    assert excel.cell_text(dt.datetime(2026, 7, 2, 11, 0, 22, 250000)) == "2026-07-02 11:00:22.250000"
    assert excel.cell_text(dt.time(8, 30)) == "08:30:00"


@pytest.mark.parametrize(
    "column",
    [
        ("a", "", "b"),
        (1.0, 2.0, ""),
        (1.5, 2.0, ""),
        (0.1 + 0.2, 1e20, 3.0, -0.0),
        (True, False, ""),
        ("", ""),
        (dt.datetime(2026, 7, 2, 11, 0, 21, 999999), dt.datetime(2026, 1, 1), ""),
        (dt.datetime(2026, 7, 2, 11, 0, 22, 250000), ""),
        (dt.date(2026, 3, 4), "", dt.date(1999, 12, 31)),
        (dt.time(8, 30), ""),
        (1, 2.5, "x", True, dt.date(2026, 1, 1)),
        (2**70, 1),
        (dt.timedelta(hours=25),),
    ],
)
def test_a_column_at_once_reads_as_each_cell_would(column):
    assert excel.column_text(column).to_pylist() == [excel.cell_text(v) for v in column]


def test_a_date_time_at_midnight_reads_as_a_date_time_beside_the_others():
    """calamine gives a date for a date-time cell at midnight; in a column of date-times it is one too."""
    column = (dt.datetime(2026, 3, 1, 23, 59, 59), dt.date(2026, 3, 2), "")
    assert excel.column_text(column).to_pylist() == ["2026-03-01 23:59:59", "2026-03-02 00:00:00", ""]


def test_formula_like_text_stays_text_and_numbers_keep_their_digits(tmp_path):
    rows = [
        ["person_id", "career_stage", "division", "start_date"],
        ['=HYPERLINK("x")', "resident", "+Spine", dt.date(2024, 7, 1)],
        [114212345678, "fellow", "-Hand", dt.date(2024, 7, 1)],
    ]
    db = fresh(tmp_path, "db")
    try:
        report = import_into(db, build(tmp_path / "r.xlsx", {"People": rows}))
        assert report["rows_imported"] == 2, report
        assert db.rows("SELECT person_id, division FROM people ORDER BY 1") == [
            ("114212345678", "-Hand"),
            ('=HYPERLINK("x")', "+Spine"),
        ]
    finally:
        db.close()


def test_formula_errors_are_read_as_their_text_and_listed_where_mapped(tmp_path):
    rows = [
        ["response_id", "submitted_at", "mini_z_burnout", "note"],
        ["r1", dt.datetime(2026, 3, 2, 10), Formula("=1/0", "#DIV/0!"), "fine"],
        ["r2", dt.datetime(2026, 3, 3, 10), 3, Formula("=NA()", "#N/A")],
    ]
    plan = prepare(build(tmp_path / "s.xlsx", {"S": rows}), options=Options(survey="W"))
    assert [(p.row, p.column, p.value) for p in plan.problems] == [(2, "mini_z_burnout", "#DIV/0!")]
    assert any("2 cells hold an Excel error" in w and "C2 #DIV/0!" in w for w in plan.warnings), plan.warnings


def test_an_xls_workbook_is_read():
    """Old .xls (BIFF) workbooks too: a real one written by Excel, as statsmodels ships it."""
    import statsmodels

    results = Path(statsmodels.__file__).parent / "tsa/statespace/tests/results"
    path = results / "frbny_nowcast/Nowcasting/data/US/2016-06-29.xls"
    raw = excel.load(path)
    assert raw.encoding == "xls" and raw.sheet == "data" and raw.header_row == 1
    assert raw.row(0)[:2] == ["Date", "PAYEMS"] and raw.row(1)[:2] == ["1985-01-01", "96373"]
    assert raw.records["__row"][1].as_py() == 2


def test_cells_merged_down_hold_their_value_on_each_row(tmp_path):
    rows = [
        ["person_id", "career_stage", "division", "start_date"],
        ["p1", "resident", None, dt.date(2024, 7, 1)],
        ["p2", "resident", None, dt.date(2024, 7, 1)],
        ["p3", "fellow", "Hand", dt.date(2024, 7, 1)],
    ]
    plan = prepare(build(tmp_path / "r.xlsx", {"People": rows}, {"People": [Merge(1, 2, 2, 2, "Spine")]}))
    assert plan.ok, plan.problems
    assert plan.validated.table["division"].to_pylist() == ["Spine", "Spine", "Hand"]
    assert any("merged over several rows" in w and "C2:C3" in w for w in plan.warnings)


def test_data_away_from_a1_keeps_excel_rows_and_names_a_header_merged_across(tmp_path):
    rows = [[None] * 6] * 4 + [
        [None, None, "person_id", "career_stage", "start_date", None],
        [None, None, "p1", "astronaut", dt.date(2024, 7, 1), "stray note"],
        [None, None, "p2", "fellow", dt.date(2024, 7, 1)],
    ]
    plan = prepare(build(tmp_path / "r.xlsx", {"S": rows}, {"S": [Merge(4, 4, 4, 5, "start_date")]}))
    assert plan.raw.header_row == 5
    assert [(p.row, p.column, p.value) for p in plan.problems] == [(6, "career_stage", "astronaut")]
    assert any(
        "merged across columns name only their first column: 'start_date' (E5:F5)" in w for w in plan.warnings
    ), plan.warnings


def test_a_title_of_two_cells_names_the_header_row(tmp_path):
    rows = [
        ["Roster", "exported 2026-03-01"],
        [],
        ROSTER_NAMES[:9],
        ["p001", "resident", 2, "Spine", "Female", "black", None, True, dt.date(2024, 7, 1)],
    ]
    path = build(tmp_path / "r.xlsx", {"Roster": rows})
    code, out, _ = cli(tmp_path / "cli.duckdb", "import", str(path))
    assert code == 1 and "the header seems to be on row 3: use --header-row 3" in out, out
    code, report = cli_json(tmp_path / "cli.duckdb", "import", str(path), "--header-row", "3")
    assert code == 0 and report["rows_imported"] == 1, report


def test_header_row_option_checked(tmp_path):
    path = build(tmp_path / "r.xlsx", {"Roster": [["person_id"], ["p1"]]})
    assert "past the end" in prepare(path, options=Options(header_row=9)).problems[0].message
    rows = [["title"], [], ["person_id", "career_stage", "start_date"], ["p1", "resident", "2024-07-01"]]
    blank = prepare(build(tmp_path / "b.xlsx", {"R": rows}), options=Options(header_row=2)).problems[0]
    assert blank.row == 2 and "is blank" in blank.message


def test_the_only_visible_sheet_with_data_is_the_default(tmp_path):
    path = build(
        tmp_path / "w.xlsx",
        {"Sheet1": ms_forms_rows(), "Lookup": [["a", "b"], [1, 2]], "Empty": []},
        hidden=("Lookup",),
    )
    plan = prepare(path, options=Options(survey="W"))
    assert plan.ok and plan.raw.sheet == "Sheet1", plan.problems
    assert any("hidden sheet 'Lookup'" in w for w in plan.warnings)
    assert [s.name for s in excel.sheets(path.read_bytes(), path.name)] == ["Sheet1", "Lookup"]


def test_each_sheet_is_its_own_file_for_already_imported(tmp_path):
    db = fresh(tmp_path, "db")
    try:
        path = build(
            tmp_path / "two.xlsx",
            {"Spring": ms_forms_rows()[:2], "Autumn": [MS_FORMS_HEADER] + [[9] + ms_forms_rows()[1][1:]]},
        )
        assert import_into(db, path, sheet="Spring", survey="Spring")["rows_imported"] == 1
        assert import_into(db, path, sheet="Autumn", survey="Autumn")["rows_imported"] == 1
        assert import_into(db, path, sheet="Autumn", survey="Autumn")["status"] == "already_imported"
    finally:
        db.close()


def test_protected_sheet_is_read(tmp_path):
    """Sheet protection (no editing) is not encryption: the values are there to read."""
    plan = prepare(build(tmp_path / "p.xlsx", {"Sheet1": ms_forms_rows()}, protect=True), options=Options(survey="W"))
    assert plan.ok and plan.validated.table.num_rows == 3


def test_macro_workbook_is_read_and_nothing_runs(tmp_path):
    sentinel = tmp_path / "macro_ran.txt"
    macro = (
        f'Attribute VB_Name = "Module1"\r\nSub Auto_Open()\r\n  Open "{sentinel}" For Output As #1\r\n'
        "  Close #1\r\nEnd Sub\r\n"
    ).encode()
    vba = excel.OLE_MAGIC + bytes(504) + macro  # the project part as it sits in the package
    path = build(tmp_path / "Wellbeing.xlsm", {"Sheet1": ms_forms_rows()}, vba=vba)
    assert "xl/vbaProject.bin" in zipfile.ZipFile(path).namelist()
    db = fresh(tmp_path, "db")
    try:
        report = import_into(db, path, survey="W")
    finally:
        db.close()
    assert report["status"] == "imported" and report["rows_imported"] == 3 and report["encoding"] == "xlsm"
    assert any("macros: none was run" in w for w in report["warnings"])
    assert not sentinel.exists()


# --- bad workbooks: a clear message, and the database file byte for byte as it was ----------------
def encrypted_workbook(tmp_path: Path) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = build(tmp_path / "plain.xlsx", {"Sheet1": ms_forms_rows()})
    out = io.BytesIO()
    with plain.open("rb") as handle:
        OOXMLFile(handle).encrypt("secret", out)
    path = tmp_path / "Wellbeing (encrypted).xlsx"
    path.write_bytes(out.getvalue())
    return path


def corrupt_zip(tmp_path: Path) -> Path:
    data = build(tmp_path / "whole.xlsx", {"Sheet1": ms_forms_rows()}).read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(data[: len(data) // 2])
    return path


def word_document(tmp_path: Path) -> Path:
    path = tmp_path / "letter.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return path


def stray_far_cell(tmp_path: Path, lie: bool = False) -> Path:
    """Survey data, and one value typed into the sheet's last cell: 17 billion cells as a rectangle. With
    `lie`, the sheet claims a small <dimension>, as a hostile file may."""
    rows = ms_forms_rows() + [[None]] * (1_048_575 - 4) + [[None] * 16_383 + ["x"]]
    path = build(tmp_path / "stray.xlsx", {"Sheet1": rows})
    if lie:
        with zipfile.ZipFile(path) as archive:
            parts = {n: archive.read(n) for n in archive.namelist()}
        xml = parts["xl/worksheets/sheet1.xml"]
        small = xml.replace(b'<dimension ref="A1:XFD1048576"/>', b'<dimension ref="A1:I4"/>')
        parts["xl/worksheets/sheet1.xml"] = small
        assert parts["xl/worksheets/sheet1.xml"] != xml
        path = tmp_path / "lying.xlsx"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for part, content in parts.items():
                archive.writestr(part, content)
    return path


BAD_WORKBOOKS = {
    "encrypted": (encrypted_workbook, (), "protected with a password (encrypted)"),
    "corrupt zip": (corrupt_zip, (), "is damaged and cannot be read"),
    "empty workbook": (
        lambda p: build(p / "empty.xlsx", {"Sheet1": [], "Sheet2": []}),
        (),
        "holds no data: every sheet ('Sheet1', 'Sheet2') is empty",
    ),
    "missing sheet": (
        lambda p: build(p / "w.xlsx", {"Responses": ms_forms_rows()}),
        ("--sheet", "Summary"),
        "There is no sheet 'Summary' in w.xlsx: its sheets are 'Responses'",
    ),
    "several sheets": (lambda p: roster_workbook(p / "roster.xlsx"), (), "has 2 sheets with data"),
    "empty sheet": (
        lambda p: build(p / "w.xlsx", {"A": ms_forms_rows(), "B": []}),
        ("--sheet", "B"),
        "Sheet 'B' of w.xlsx is empty",
    ),
    "zero bytes": (lambda p: write(p, "nothing.xlsx", ""), (), "is empty: it holds no workbook"),
    "csv named xlsx": (lambda p: write(p, "export.xlsx", MS_FORMS_CSV), (), "rename it to .csv"),
    "word document": (word_document, (), "is a Word document, not an Excel workbook"),
    "only headers": (lambda p: build(p / "h.xlsx", {"S": [MS_FORMS_HEADER]}), (), "only its header row"),
    "stray far cell": (stray_far_cell, (), "reaches cell XFD1048576: 1,048,576 rows by 16,384 columns"),
    "lying dimension": (lambda p: stray_far_cell(p, lie=True), (), "reaches cell XFD1048576"),
}


@pytest.mark.parametrize("case", list(BAD_WORKBOOKS))
def test_bad_workbook_refused_and_database_unchanged(tmp_path, case):
    make, extra, message = BAD_WORKBOOKS[case]
    db_path = tmp_path / "kept.duckdb"
    code, report = cli_json(db_path, "import", str(write(tmp_path, "Wellbeing.csv", MS_FORMS_CSV)), "--survey", "W")
    assert code == 0 and report["rows_imported"] == 3
    before = db_path.read_bytes()
    files = {p.name for p in tmp_path.iterdir()}
    path = make(tmp_path)
    code, out, err = cli(db_path, "import", str(path), "--survey", "W", *extra)
    assert code == 1, (out, err)
    assert message in out, out
    assert db_path.read_bytes() == before
    assert all(n.endswith((".xlsx", ".csv")) for n in {p.name for p in tmp_path.iterdir()} - files)  # no .wal


def test_bad_workbook_on_the_data_page_path_changes_nothing(tmp_path):
    """The data page calls prepare() with the uploaded bytes: the same refusal, nothing written."""
    db = fresh(tmp_path, "db")
    try:
        plan = prepare(encrypted_workbook(tmp_path).read_bytes(), "Wellbeing.xlsx", Options(survey="W"), db)
        assert not plan.ok and "encrypted" in plan.problems[0].message
        assert commit(db, plan, "tester")["status"] == "rejected"
        assert db.scalar("SELECT count(*) FROM imports") == 0
    finally:
        db.close()


# --- a long sheet ---------------------------------------------------------------------------------
LARGE_ROWS = int(os.environ.get("MENTORDASH_EXCEL_ROWS", "20000"))


def test_large_sheet_imports_with_progress(tmp_path, monkeypatch):
    """A Microsoft Forms workbook of LARGE_ROWS responses through the command line, reading with progress."""
    path = tmp_path / "large.xlsx"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Sheet1")
    stamp = book.add_format({"num_format": "m/d/yy h:mm"})
    sheet.write_row(0, 0, MS_FORMS_HEADER)
    start = dt.datetime(2026, 3, 1, 8)
    genders = ("Female", "Male", "Prefer not to say")
    for i in range(1, LARGE_ROWS + 1):
        sheet.write_number(i, 0, i)
        sheet.write_datetime(i, 1, start + dt.timedelta(seconds=i), stamp)
        sheet.write_datetime(i, 2, start + dt.timedelta(seconds=i + 90), stamp)
        sheet.write_string(i, 3, "anonymous")
        sheet.write_string(i, 5, genders[i % 3])
        sheet.write_string(i, 6, "White;")
        sheet.write_string(i, 7, "Yes" if i % 2 else "No")
        sheet.write_number(i, 8, 1 + i % 5)
    book.close()
    if LARGE_ROWS < excel.PROGRESS_ROWS * 2:  # the default size: report progress as a long sheet would
        monkeypatch.setattr(excel, "PROGRESS_ROWS", LARGE_ROWS // 10)
        monkeypatch.setattr(excel, "CHUNK_ROWS", LARGE_ROWS // 4)
    db_path = tmp_path / "large.duckdb"
    code, out, err = cli(db_path, "import", str(path), "--survey", "Large", "--json")
    assert code == 0, out
    assert "Reading sheet 'Sheet1'" in err and f"Read sheet 'Sheet1': {LARGE_ROWS + 1:,} rows" in err
    db = connect(db_path)
    try:
        assert db.scalar("SELECT count(*) FROM survey") == LARGE_ROWS
        assert db.rows("SELECT response_id, submitted_at FROM survey WHERE response_id = ?", [str(LARGE_ROWS)]) == [
            (str(LARGE_ROWS), start + dt.timedelta(seconds=LARGE_ROWS + 90))
        ]
    finally:
        db.close()
