"""The second round of import speed-ups (issue 15) names the same problems: duplicates ruled out by
one key column whose values all differ, choice cells trimmed as distinct values instead of one by one."""

from __future__ import annotations

from mentordash.ingest.pipeline import Options, prepare

HEADER = "survey,response_id,submitted_at,mini_z_burnout,has_mentor,person_id\n"


def prepared(text: str, dataset: str = "survey"):
    return prepare(text.encode("utf-8"), "speed2.csv", Options(dataset=dataset))


def duplicates(text: str, dataset: str = "survey") -> list[tuple]:
    return [(p.row, p.column, p.value, p.message) for p in prepared(text, dataset).problems if "duplicate" in p.message]


def test_one_response_id_in_several_surveys_is_no_duplicate():
    rows = ["A,R1,2026-03-01 10:00:00,3,Yes,", "B,R1,2026-03-01 10:00:00,3,Yes,", "C,R1,2026-03-01 10:00:00,3,Yes,"]
    assert duplicates(HEADER + "\n".join(rows) + "\n") == []


def test_a_repeat_within_a_survey_is_found_beside_ids_shared_across_surveys():
    rows = ["A,R1,2026-03-01 10:00:00,3,Yes,", "B,R1,2026-03-01 10:00:00,3,Yes,", "A,R1,2026-03-02 10:00:00,4,No,"]
    assert duplicates(HEADER + "\n".join(rows) + "\n") == [
        (4, "response_id", "A / R1", "duplicate survey + response_id: row 2 has the same")
    ]


def test_rows_missing_part_of_their_identity_claim_none():
    rows = ["A,,2026-03-01 10:00:00,3,Yes,", "A,,2026-03-01 10:00:00,3,Yes,", "A,R1,2026-03-01 10:00:00,3,Yes,"]
    assert duplicates(HEADER + "\n".join(rows) + "\n") == []
    rows += ["A,R1,2026-03-02 10:00:00,3,Yes,"]
    assert duplicates(HEADER + "\n".join(rows) + "\n") == [
        (5, "response_id", "A / R1", "duplicate survey + response_id: row 4 has the same")
    ]


def test_a_single_key_dataset_still_names_its_repeats():
    rows = ["P1,resident,2024-07-01", "P2,resident,2024-07-01", "P1,fellow,2025-07-01"]
    text = "person_id,career_stage,start_date\n" + "\n".join(rows) + "\n"
    found = duplicates(text, "people")
    assert [(row, column, value) for row, column, value, _ in found] == [(4, "person_id", "P1")]


def test_bad_choices_are_named_trimmed_whatever_their_space():
    rows = [
        "A,R1,2026-03-01 10:00:00,3, maybe",
        "A,R2,2026-03-01 10:00:00,3,maybe  ",
        "A,R3,2026-03-01 10:00:00,3,maybe",
    ]
    plan = prepare(
        ("survey,response_id,submitted_at,mini_z_burnout,has_mentor\n" + "\n".join(rows) + "\n").encode(),
        "speed2.csv",
        Options(dataset="survey"),
    )
    assert [(p.row, p.column, p.value) for p in plan.problems] == [(r, "has_mentor", "maybe") for r in (2, 3, 4)]


def test_text_and_dates_are_stored_trimmed():
    plan = prepared(HEADER + " A , R1 ,  2026-03-01 10:00:00 , 3 , Yes , P9 \n")
    assert plan.problems == []
    row = plan.validated.table.to_pylist()[0]
    assert (row["survey"], row["response_id"], row["person_id"], row["mini_z_burnout"]) == ("A", "R1", "P9", 3)
    assert str(row["submitted_at"]) == "2026-03-01 10:00:00"
