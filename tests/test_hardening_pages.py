"""Issue 13, item 6: every page renders, saying "no data" where there is none, on degenerate databases.

One AppTest per page per database: an empty database, a roster only, a residents-only roster (no faculty
active: the Coverage page once divided by zero), surveys only, applicants only, one person, and a small
but complete department viewed on an as-of date before all its data and after all of it.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.apptest import app_test, open_url_path, texts
from tests.builders import (
    add_applicants,
    add_meetings,
    add_mentorships,
    add_outcomes,
    add_people,
    add_survey,
    new_db,
    person,
)

AGGREGATE_PAGES = ["overview", "coverage", "recruitment", "wellbeing", "outcomes"]
COORDINATOR_PAGES = ["data", "settings", "audit"]
NO_DATA_WORDS = ("no one", "no data", "no applicants", "no survey", "nothing", "no people", "no ", "fewer than")


def _roster(db, stages=("resident", "junior_faculty", "senior_faculty"), per_stage=6):
    add_people(
        db,
        *[
            person(
                f"{stage[:1].upper()}{i}",
                stage,
                date(2016, 7, 1),
                gender="woman" if i % 2 else "man",
                race_ethnicity=["black"] if i % 3 == 0 else ["white"],
                division="Spine",
            )
            for stage in stages
            for i in range(per_stage)
        ],
    )


def _survey_rows(n=8, wave="Wellbeing 2018", day=date(2018, 3, 1)):
    return [
        dict(
            survey=wave,
            response_id=f"r{i}",
            submitted_at=day,
            career_stage="resident",
            gender="woman" if i % 2 else "man",
            mini_z_burnout=1 + i % 5,
            has_mentor=i % 2 == 0,
            career_satisfaction=1 + i % 5,
        )
        for i in range(n)
    ]


def _applicant_rows(n=12, cycle=2018):
    stages = ("applied", "interviewed", "ranked", "matched")
    return [
        dict(
            applicant_id=f"a{i}",
            cycle=cycle,
            track="residency",
            gender="woman" if i % 2 else "man",
            race_ethnicity=["black"] if i % 4 == 0 else ["white"],
            urim=None,
            pipeline=None,
            stage_reached=stages[i % 4],
        )
        for i in range(n)
    ]


def build_empty(db):
    pass


def build_roster_only(db):
    _roster(db)


def build_residents_only(db):
    _roster(db, stages=("resident",), per_stage=10)


def build_surveys_only(db):
    add_survey(db, *_survey_rows())


def build_applicants_only(db):
    add_applicants(db, *_applicant_rows())


def build_one_person(db):
    add_people(db, person("P1", "resident", date(2016, 7, 1), gender="woman", division="Hand"))
    add_mentorships(db, dict(mentor_id="EXT1", mentee_id="P1", start_date=date(2017, 1, 1)))
    add_meetings(db, dict(mentor_id="EXT1", mentee_id="P1", date=date(2017, 3, 1), minutes=30, kind="one_on_one"))
    add_survey(db, dict(survey="W", response_id="r1", submitted_at=date(2018, 3, 1), person_id="P1", mini_z_burnout=3))
    add_outcomes(db, dict(person_id="P1", date=date(2018, 5, 1), kind="publication"))


def build_complete(db):
    """Every dataset filled, all of it dated 2016-2020."""
    _roster(db)
    add_mentorships(
        db,
        *[
            dict(mentor_id=f"S{i}", mentee_id=f"R{i}", start_date=date(2017, 1, 1), end_date=date(2019, 12, 31))
            for i in range(5)
        ],
    )
    add_meetings(
        db,
        *[
            dict(mentor_id=f"S{i}", mentee_id=f"R{i}", date=date(2018, 2, 1), minutes=30, kind="one_on_one")
            for i in range(5)
        ],
    )
    add_survey(db, *_survey_rows())
    add_applicants(db, *_applicant_rows())
    add_outcomes(db, *[dict(person_id=f"J{i}", date=date(2018, 5, 1), kind="publication") for i in range(6)])


# name: (builder, as-of date for the link)
TODAY = date.today()
DATABASES = {
    "empty": (build_empty, None),
    "roster only": (build_roster_only, None),
    "residents only": (build_residents_only, None),
    "surveys only": (build_surveys_only, None),
    "applicants only": (build_applicants_only, None),
    "one person": (build_one_person, None),
    "as of before all data": (build_complete, date(1995, 1, 1)),
    "as of after all data": (build_complete, TODAY.replace(year=TODAY.year + 4)),
}


@pytest.fixture(scope="module")
def databases(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("degenerate")
    paths = {}
    for index, (name, (build, _)) in enumerate(DATABASES.items()):
        db = new_db(folder, f"degenerate_{index}.duckdb")
        build(db)
        db.close()
        paths[name] = folder / f"degenerate_{index}.duckdb"
    return paths


def _open(monkeypatch, path: Path, page: str, as_of: date | None):
    at = app_test(monkeypatch, path)
    if as_of is not None:
        at.query_params["as_of"] = as_of.isoformat()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    open_url_path(at, page).run()
    assert not at.exception, [(e.value, e.stack_trace) for e in at.exception]
    return at


@pytest.mark.parametrize("page", AGGREGATE_PAGES + COORDINATOR_PAGES)
@pytest.mark.parametrize("database", list(DATABASES))
def test_page_renders_on_a_degenerate_database(monkeypatch, databases, database, page):
    at = _open(monkeypatch, databases[database], page, DATABASES[database][1])
    shown = texts(at)
    assert at.title, f"{page} showed no title on {database}"
    assert "Ignored a link parameter" not in shown, shown
    if page in AGGREGATE_PAGES:
        assert any(word in shown.lower() for word in NO_DATA_WORDS), shown


EMPTY_WORDS = ("no one matches", "no data", "no applicants", "no complete survey responses")


@pytest.mark.parametrize(
    "page,database",
    [(page, "empty") for page in AGGREGATE_PAGES]
    + [
        # survey waves and application cycles are not bound to the as-of date: their pages still show them
        (page, "as of before all data")
        for page in ("overview", "coverage", "outcomes")
    ],
)
def test_nothing_to_show_is_said_in_words(monkeypatch, databases, database, page):
    """Where there is no one at all, the page says so instead of drawing empty charts."""
    at = _open(monkeypatch, databases[database], page, DATABASES[database][1])
    shown = texts(at).lower()
    assert any(words in shown for words in EMPTY_WORDS), shown
    assert not at.get("plotly_chart"), f"{page} drew charts with nothing in them"


def test_the_as_of_date_after_all_data_is_kept(monkeypatch, databases):
    as_of = TODAY.replace(year=TODAY.year + 4)
    at = _open(monkeypatch, databases["as of after all data"], "overview", as_of)
    assert at.date_input(key="f_as_of").value == as_of
    assert at.date_input(key="f_as_of").value - TODAY > timedelta(days=365)
