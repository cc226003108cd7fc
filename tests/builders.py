"""Small hand-built databases for tests: each test writes the rows it reasons about, nothing else."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from mentordash.db import Database, connect

PERSON_DEFAULTS = dict(
    pgy=None,
    division=None,
    gender=None,
    race_ethnicity=None,
    urim=None,
    first_generation=None,
    end_date=None,
    departure_reason=None,
    institution=None,
)
PERSON_COLUMNS = [
    "person_id",
    "career_stage",
    "pgy",
    "division",
    "gender",
    "race_ethnicity",
    "urim",
    "first_generation",
    "start_date",
    "end_date",
    "departure_reason",
    "institution",
]


def new_db(tmp_path: Path, name: str = "test.duckdb") -> Database:
    return connect(tmp_path / name)


def _insert(db: Database, table: str, columns: list[str], rows: list[dict]) -> None:
    placeholders = ", ".join("?" for _ in columns)
    with db.transaction() as cur:
        for row in rows:
            cur.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", [row.get(c) for c in columns]
            )
        Database.bump_data_version(cur)


def add_people(db: Database, *people: dict) -> None:
    rows = [{**PERSON_DEFAULTS, **p} for p in people]
    _insert(db, "people", PERSON_COLUMNS, rows)


def person(person_id: str, stage: str, start: date, **extra) -> dict:
    return {"person_id": person_id, "career_stage": stage, "start_date": start, **extra}


def add_mentorships(db: Database, *rows: dict) -> None:
    columns = ["mentor_id", "mentee_id", "role", "formal", "source", "start_date", "end_date"]
    _insert(db, "mentorships", columns, [{"role": "mentor", "formal": True, **r} for r in rows])


def add_meetings(db: Database, *rows: dict) -> None:
    _insert(db, "meetings", ["mentor_id", "mentee_id", "date", "minutes", "kind"], list(rows))


def add_survey(db: Database, *rows: dict) -> None:
    columns = sorted({key for row in rows for key in row} | {"survey", "response_id", "submitted_at"})
    _insert(db, "survey", columns, [{"complete": True, **r} for r in rows] if "complete" not in columns else list(rows))


def add_applicants(db: Database, *rows: dict) -> None:
    columns = [
        "applicant_id",
        "cycle",
        "track",
        "gender",
        "race_ethnicity",
        "urim",
        "pipeline",
        "stage_reached",
        "institution",
    ]
    _insert(db, "applicants", columns, list(rows))


def add_outcomes(db: Database, *rows: dict) -> None:
    _insert(db, "outcomes", ["person_id", "date", "kind", "count"], [{"count": 1, **r} for r in rows])
