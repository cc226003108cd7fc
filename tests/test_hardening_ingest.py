"""Issue 13, items 1, 2 and 7: nothing lost or wrongly stored by the reader and the checks, and one clear
message for each oversized input. (The hostile files of tests/fixtures/hostile/ are run by
test_hardening_hostile.py; these are the cases that are generated, or that must import.)"""

from __future__ import annotations

import contextlib
import io
import json

import pytest

from mentordash.cli import main
from mentordash.db import connect
from mentordash.ingest import read
from mentordash.ingest.pipeline import Options, prepare
from mentordash.ingest.problems import Rejected
from tests.test_ingest_support import checksums, import_file, write

ROSTER = "person_id,career_stage,division,start_date,end_date\n"


@pytest.fixture
def db(tmp_path):
    database = connect(tmp_path / "hardening.duckdb")
    yield database
    database.close()


def cli_import(db_path, path, *options) -> tuple[int, dict]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["import", str(path), "--db", str(db_path), "--json", *options])
    return code, json.loads(out.getvalue())


# --- item 1: quotes -----------------------------------------------------------------------------
def test_the_reported_case_stores_nothing_of_the_unmapped_columns(db, tmp_path):
    """One unclosed quote in row 1 of 3: refused, naming row 2 (the header is row 1); before the fix it
    imported 1 row whose division held rows 2 and 3, names and e-mail addresses included."""
    text = (
        "person_id,career_stage,division,start_date,name,email\n"
        'P1,resident,"Spine,2020-07-01,Ann Lee,ann@x.org\n'
        "P2,resident,Hand,2021-07-01,Bob Roe,bob@x.org\n"
        "P3,fellow,Spine,2022-07-01,Cy Poe,cy@x.org\n"
    )
    before = checksums(db)
    report = import_file(db, write(tmp_path, "roster.csv", text))
    assert report["status"] == "rejected" and report["rows_imported"] == 0
    assert (report["errors"][0]["row"], report["errors"][0]["column"]) == (2, "division")
    assert "never closed" in report["errors"][0]["message"]
    assert checksums(db) == before
    assert db.scalar("SELECT count(*) FROM people WHERE division LIKE '%@%' OR division LIKE '%\n%'") == 0


def test_a_free_text_answer_over_several_lines_still_imports(db, tmp_path):
    """A quoted, multi-line answer in a column nobody maps is a legitimate export: imported, not stored."""
    text = (
        "response_id,submitted_at,mini_z_burnout,comment\n"
        'r1,2026-03-01,3,"Long hours.\nBut a good team, and my mentor helps.\n\nThanks"\n'
        "r2,2026-03-02,2,\n"
    )
    report = import_file(db, write(tmp_path, "wave.csv", text), survey="W")
    assert report["status"] == "imported" and report["rows_imported"] == 2, report
    assert db.rows("SELECT response_id FROM survey ORDER BY 1") == [("r1",), ("r2",)]


def test_rows_keep_their_spreadsheet_numbers_after_a_multi_line_answer(db, tmp_path):
    text = 'response_id,submitted_at,mini_z_burnout,comment\nr1,2026-03-01,3,"one\ntwo\nthree"\nr2,2026-03-02,9,\n'
    plan = prepare(write(tmp_path, "wave.csv", text), options=Options(survey="W"))
    assert plan.raw.spans == {2: (2, 4)}
    assert [(p.row, p.column, p.value) for p in plan.problems] == [(3, "mini_z_burnout", "9")]


@pytest.mark.parametrize("cell", ['"Spine\nHand"', '"Spine\r\nHand"'])
def test_a_mapped_cell_with_a_line_break_names_its_lines(db, tmp_path, cell):
    report = import_file(
        db, write(tmp_path, "roster.csv", ROSTER + f"P1,resident,{cell},2020-07-01,\nP2,resident,Hand,2021-07-01,\n")
    )
    error = report["errors"][0]
    assert (error["row"], error["column"]) == (2, "division")
    assert "runs over several lines (lines 2 to 3 of the file)" in error["message"]


def test_a_quote_never_closed_on_the_last_line(db, tmp_path):
    report = import_file(
        db, write(tmp_path, "roster.csv", ROSTER + 'P1,resident,Spine,2020-07-01,\nP2,resident,"Hand,2021-07-01,\n')
    )
    assert (report["errors"][0]["row"], report["errors"][0]["column"]) == (3, "division")
    assert "never closed" in report["errors"][0]["message"]


# --- item 2: dates in order ---------------------------------------------------------------------
def test_end_before_start_is_refused_and_equal_or_blank_is_not(db, tmp_path):
    text = ROSTER + (
        "P1,resident,Spine,2020-07-01,2019-06-30\n"
        "P2,resident,Spine,2020-07-01,2020-07-01\n"
        "P3,resident,Spine,2020-07-01,\n"
        "P4,fellow,Hand,2021-07-01,2021-06-30\n"
    )
    report = import_file(db, write(tmp_path, "roster.csv", text))
    found = [(e["row"], e["column"], e["value"]) for e in report["errors"]]
    assert found == [(2, "end_date", "2019-06-30"), (5, "end_date", "2021-06-30")]
    assert "start_date 2020-07-01" in report["errors"][0]["message"]


def test_a_relationship_that_ends_before_it_starts_names_both_source_columns(db, tmp_path):
    text = "mentor,mentee,role,began,ended\nS1,P1,mentor,2024-01-01,2023-12-31\n"
    mapping_text = (
        'dataset = "mentorships"\n[columns]\nmentor_id = "mentor"\nmentee_id = "mentee"\nrole = "role"\n'
        'start_date = "began"\nend_date = "ended"\n'
    )
    from mentordash.ingest.mapping import loads

    report = import_file(db, write(tmp_path, "m.csv", text), mapping=loads(mapping_text))
    error = report["errors"][0]
    assert (error["row"], error["column"], error["value"]) == (2, "ended", "2023-12-31")
    assert "is before start_date 2024-01-01 (column 'began')" in error["message"]


# --- item 7: oversized input, one clear message each ---------------------------------------------
@pytest.mark.parametrize("megabytes", [10, 40])
def test_a_huge_quoted_cell_is_one_clear_refusal(tmp_path, megabytes):
    """40 MB once raised Arrow's "straddling object" error (a record over its 16 MB block)."""
    path = tmp_path / "huge.csv"
    line = "x" * (1024 * 1024 - 1) + "\n"
    path.write_text('response_id,submitted_at,comment\nr1,2026-03-01,"' + line * megabytes + '"\nr2,2026-03-01,ok\n')
    code, report = cli_import(tmp_path / "db.duckdb", path, "--survey", "W")
    assert code == 1 and len(report["errors"]) == 1, report["errors"]
    error = report["errors"][0]
    assert error["row"] == 2 and "longer than 4 MB" in error["message"], error
    plan = prepare(path.read_bytes(), "huge.csv", Options(survey="W"))
    assert [p.row for p in plan.problems] == [2] and "longer than 4 MB" in plan.problems[0].message


def test_a_record_longer_than_the_fast_block_is_read_whole(tmp_path, monkeypatch):
    """Arrow reads in small blocks for speed; a record over several of them (cells of many lines, each
    cell under the 4 MB limit) is read again in the large blocks, as before."""
    cell = ("y" * (100_000 - 1) + "\n") * 30
    assert 4 * len(cell) > 2 * read.FAST_BLOCK_BYTES
    path = tmp_path / "long.csv"
    path.write_text("response_id,a,b,c,d\nr1," + ",".join([f'"{cell}"'] * 4) + "\nr2,s,o,k,x\n")
    blocks = []
    real = read._read_arrow
    monkeypatch.setattr(read, "_read_arrow", lambda *args: blocks.append(args[4]) or real(*args))
    raw = read.load(path)
    assert blocks == [read.FAST_BLOCK_BYTES, read.ARROW_BLOCK_BYTES]
    assert raw.records["c1"].to_pylist() == ["a", cell, "s"]
    assert raw.records["c4"].to_pylist() == ["d", cell, "x"]
    assert raw.records[read.ROW].to_pylist() == [1, 2, 3] and raw.spans == {2: (2, 122)}  # 4 cells of 30 lines


@pytest.mark.parametrize(
    "content",
    [
        'response_id,comment\nr1,plain\nr2,"two\nlines"\n',
        '\ufeffresponse_id,comment\nr1,"a, b"\n\nr2,after a blank line\n',
        'response_id;comment\r\nr1;caf\u00e9\r\nr2;"""quoted"""\r\n',
    ],
)
def test_a_file_read_from_disk_gives_the_cells_of_its_bytes(tmp_path, content):
    """A UTF-8 file is parsed by Arrow from the disk (its bytes let go first): the same cells, rows,
    spans and digest as the same bytes uploaded."""
    path = tmp_path / "f.csv"
    path.write_bytes(content.encode("utf-8"))
    from_disk, from_bytes = read.load(path), read.load(path.read_bytes(), "f.csv")
    assert from_disk.records.equals(from_bytes.records)
    assert (from_disk.encoding, from_disk.sha256, from_disk.spans) == (
        from_bytes.encoding,
        from_bytes.sha256,
        from_bytes.spans,
    )


def test_a_file_that_changes_while_it_is_read_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "growing.csv"
    path.write_text("response_id,comment\nr1,first\n")
    real = read._read_arrow

    def appended_meanwhile(*args):
        with path.open("a") as handle:
            handle.write("r2,written while the import read the file\n")
        return real(*args)

    monkeypatch.setattr(read, "_read_arrow", appended_meanwhile)
    with pytest.raises(Rejected) as refused:
        read.load(path)
    assert "changed while it was read" in refused.value.problems[0].message


def test_a_header_longer_than_the_sniffing_sample_is_read_whole(tmp_path):
    header = ["person_id", "career_stage", "start_date"] + [f"a_long_question_name_{i:05d}" for i in range(4000)]
    assert len(",".join(header)) > read.SNIFF_CHARS
    text = ",".join(header) + "\n" + "P1,resident,2024-07-01" + "," * 4000 + "\n"
    plan = prepare(write(tmp_path, "wide.csv", text), options=Options())
    assert plan.ok, plan.problems[:3]
    assert plan.validated.table.num_rows == 1 and len(plan.layout.columns) == 4003
    assert plan.warnings == [plan.warnings[0]] and plan.warnings[0].startswith("4,000 columns not mapped")


def test_ten_thousand_columns_give_one_warning(tmp_path):
    text = (
        "person_id,career_stage,start_date,"
        + ",".join(f"c{i}" for i in range(10_000))
        + "\n"
        + "P1,resident,2024-07-01"
        + ",x" * 10_000
        + "\n"
    )
    plan = prepare(write(tmp_path, "wide.csv", text), options=Options())
    assert plan.ok
    assert len(plan.warnings) == 1 and "10,000 columns not mapped: not stored ('c0', 'c1'" in plan.warnings[0]


def test_a_few_unmapped_columns_are_still_named_one_by_one(tmp_path):
    plan = prepare(
        write(tmp_path, "r.csv", "person_id,career_stage,start_date,name,email\nP1,resident,2024-07-01,A,a@x\n")
    )
    assert plan.warnings == ["column 'name' not mapped: not stored", "column 'email' not mapped: not stored"]


def test_a_file_of_garbage_widths_lists_a_bounded_number_of_rows(tmp_path):
    rows = "".join(f"{i}" + ",x" * (i % 7) + "\n" for i in range(5000))
    plan = prepare(write(tmp_path, "junk.csv", "a,b,c\n" + rows), options=Options())
    assert not plan.ok and len(plan.problems) <= read.MAX_RAGGED_PROBLEMS + 1
    assert "not a table with one header width" in plan.problems[-1].message


def test_a_line_break_at_the_end_of_a_mapped_cell_is_only_space(db, tmp_path):
    report = import_file(db, write(tmp_path, "roster.csv", ROSTER + 'P1,resident,"Spine\n",2020-07-01,\n'))
    assert report["status"] == "imported", report
    assert db.scalar("SELECT division FROM people") == "Spine"


def test_a_comment_full_of_commas_in_a_narrow_form_is_not_taken_for_rows(db, tmp_path):
    """Google Forms with one question and a comment box: a line of the comment with as many commas as
    the form has columns is still a sentence, not a swallowed row."""
    text = (
        "Timestamp,Email Address,Comments\n"
        '2026/03/16 8:24:52 PM GMT,a@x.org,"Long hours, poor sleep, no mentor\nMore next time, thanks, bye"\n'
        "2026/03/17 9:00:00 AM GMT,b@x.org,fine\n"
    )
    plan = prepare(write(tmp_path, "form.csv", text), options=Options(survey="W"))
    assert plan.ok, plan.problems
    assert plan.validated.table.num_rows == 2


def test_a_line_longer_than_csvs_own_cell_limit_is_read_for_swallowed_rows():
    """The check for rows read into an unclosed quote reads each later line of the cell as CSV: a line over
    csv's default cell limit (128 KB, process-wide, raised only by earlier reads in the same process) must
    not crash it. The limit is put back to its default first, as in a fresh process."""
    import csv

    limit = csv.field_size_limit(131072)
    try:
        long_line = "x" * 200_000
        assert not read._looks_like_a_row(long_line, ",", 6, {"a9"})
        assert read._looks_like_a_row("P2,resident,Hand,2021-07-01,Bob Roe,bob@x.org", ",", 6, {"a9"})
    finally:
        csv.field_size_limit(limit)
