"""The whole-column checks made quicker for large files (issue 15) still name every row they named
before: line breaks found by searching a column's bytes, duplicates found by grouping, unreadable dates
from one parse, choices resolved per distinct cell, blank rows and lines found without copying the file."""

from __future__ import annotations

from mentordash.ingest.pipeline import Options, prepare

HEADER = "response_id,submitted_at,mini_z_burnout,has_mentor\n"


def problems(text: str) -> list[tuple]:
    plan = prepare(text.encode("utf-8"), "speed.csv", Options(dataset="survey", survey="W"))
    return [(p.row, p.column, p.value, p.message) for p in plan.problems]


def test_a_lone_carriage_return_in_a_mapped_cell_is_still_found():
    found = problems(HEADER + 'R1,2026-03-01 10:00:00,3,Yes\nR2,2026-03-01 10:00:00,3,"Ye\rs"\n')
    assert [(row, column) for row, column, _, _ in found] == [(3, "has_mentor")]
    assert "runs over several lines" in found[0][3]


def test_a_line_break_in_a_mapped_cell_is_named_with_its_lines():
    found = problems(HEADER + 'R1,2026-03-01 10:00:00,"3\n4",Yes\nR2,2026-03-01 10:00:00,3,Yes\n')
    assert [(row, column, value) for row, column, value, _ in found] == [(2, "mini_z_burnout", "3\n4")]
    assert "(lines 2 to 3 of the file)" in found[0][3]


def test_line_breaks_at_either_end_of_a_cell_are_only_space():
    assert problems(HEADER + 'R1,2026-03-01 10:00:00,"\n3\r\n",Yes\n') == []


def test_every_repeat_of_an_identity_is_named_with_its_first_row():
    rows = ["R1,2026-03-01 10:00:00,3,Yes", "R2,2026-03-01 10:00:00,3,Yes", "R1,2026-03-02 10:00:00,4,No"]
    rows += ["R2,2026-03-03 10:00:00,2,No", "R1,2026-03-04 10:00:00,2,No", ",2026-03-04 10:00:00,2,No"]
    found = [p for p in problems(HEADER + "\n".join(rows) + "\n") if "duplicate" in p[3]]
    assert found == [
        (4, "response_id", "W / R1", "duplicate survey + response_id: row 2 has the same"),
        (5, "response_id", "W / R2", "duplicate survey + response_id: row 3 has the same"),
        (6, "response_id", "W / R1", "duplicate survey + response_id: row 2 has the same"),
    ]


def test_unreadable_dates_are_named_on_every_row_that_holds_them():
    rows = ["R1,2026-03-01 10:00:00,3,Yes", "R2,  soon ,3,Yes", "R3,2026-13-45,3,Yes", "R4,soon,3,Yes", "R5,,3,Yes"]
    found = [p[:3] for p in problems(HEADER + "\n".join(rows) + "\n") if p[1] == "submitted_at"]
    assert found == [(3, "submitted_at", "soon"), (4, "submitted_at", "2026-13-45"), (5, "submitted_at", "soon")] + [
        (6, "submitted_at", "")
    ]


def test_choices_are_resolved_whatever_the_space_around_them():
    rows = ["R1,2026-03-01 10:00:00, 3 ,Yes", "R2,2026-03-01 10:00:00,3, yes", "R3,2026-03-01 10:00:00,3, maybe "]
    plan = prepare((HEADER + "\n".join(rows) + "\n").encode(), "speed.csv", Options(dataset="survey", survey="W"))
    assert [(p.row, p.column, p.value) for p in plan.problems] == [(4, "has_mentor", "maybe")]
    assert plan.validated.table["mini_z_burnout"].to_pylist() == [3, 3, 3]
    assert plan.validated.table["has_mentor"].to_pylist() == [True, True, None]


def test_blank_lines_and_rows_keep_the_spreadsheet_row_numbers():
    text = HEADER + "R1,2026-03-01 10:00:00,3,Yes\n\n , , ,\nR2,2026-03-01 10:00:00,9,Yes\n\n\r\n\n"
    assert [p[:3] for p in problems(text)] == [(5, "mini_z_burnout", "9")]


def test_blank_lines_at_the_end_only_are_not_blank_rows():
    text = HEADER + "R1,2026-03-01 10:00:00,3,Yes\nR2,2026-03-01 10:00:00,9,Yes\n\n\r\n\n\n"
    assert [p[:3] for p in problems(text)] == [(3, "mini_z_burnout", "9")]


def test_a_file_of_blanks_and_separators_holds_no_data():
    plan = prepare(b" ,;\r\n\t,\n", "speed.csv", Options(dataset="survey", survey="W"))
    assert [p.message for p in plan.problems] == ["The file holds no data: it is empty (or only separators)."]
