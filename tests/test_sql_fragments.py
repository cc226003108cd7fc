"""Shared SQL fragments (active_mentor_pairs, active_mentee_relationships, survey_respondents) spliced into
the queries that use them: the composed SQL runs under every kind of filter and counts the same people."""

import re
from datetime import date
from pathlib import Path

from mentordash.metrics import coverage, outcomes, wellbeing
from mentordash.metrics.filters import Filters
from tests.builders import add_mentorships, add_people, add_survey, new_db, person

AS_OF = date(2026, 6, 30)
SQL_DIR = Path(__file__).resolve().parents[1] / "mentordash" / "sql"
# Every kind of fragment where_sql writes, the URiM one (with its quoted literal) included.
EVERY_FILTER = Filters(career_stage=("resident",), gender=("woman",), race_ethnicity=("white",), urim=False)


def test_no_placeholder_in_a_comment():
    """A `{placeholder}` in a comment would be replaced too, splicing filter SQL into the comment."""
    for path in SQL_DIR.glob("*.sql"):
        for line in path.read_text().splitlines():
            comment = line.split("--", 1)[1] if "--" in line else ""
            assert not re.search(r"\{[a-z_]+\}", comment), f"{path.name}: {line}"


def build(tmp_path):
    db = new_db(tmp_path)
    women = [
        person(f"R{i}", "resident", date(2024, 7, 1), gender="woman", race_ethnicity=["white"], urim=False)
        for i in range(1, 7)
    ]
    add_people(
        db,
        *women,
        person("R7", "resident", date(2024, 7, 1), gender="man", urim=False),
        person("F1", "senior_faculty", date(2010, 7, 1), gender="woman", urim=False),
        person("F2", "junior_faculty", date(2018, 7, 1), gender="man", urim=True),
    )
    add_mentorships(
        db,
        *[
            {
                "mentor_id": "F1" if i <= 4 else "F2",
                "mentee_id": f"R{i}",
                "source": "program",
                "start_date": date(2025, 1, 1),
            }
            for i in range(1, 8)
        ],
    )
    add_survey(
        db,
        *[
            {
                "survey": "W",
                "response_id": f"x{i}",
                "person_id": f"R{i}",
                "submitted_at": date(2026, 3, 1),
                "career_satisfaction": 4 + (i % 2),
            }
            for i in range(1, 8)
        ],
    )
    return db


def test_composed_queries_under_every_filter(tmp_path):
    db = build(tmp_path)
    assert coverage.active_relationships(db, AS_OF, EVERY_FILTER)["relationships"] == 6  # R1-R6, not R7
    sources = coverage.relationship_sources(db, AS_OF, EVERY_FILTER)
    assert sources["relationships"].sum() == 6
    assert list(coverage.load_by_group(db, AS_OF, EVERY_FILTER)["group"]) == ["women", "urim"]  # 2 faculty: hidden
    # The filters select the mentors here: no resident mentors anyone.
    assert coverage.mentor_load(db, AS_OF, EVERY_FILTER)["mentors"] == 0
    satisfied = outcomes.satisfaction(db, AS_OF, EVERY_FILTER)
    assert satisfied["n"].sum() == 6
    assert wellbeing.responses_total(db, EVERY_FILTER)["n"] == 6
