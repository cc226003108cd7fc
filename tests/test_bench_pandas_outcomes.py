"""The pandas baseline's outcomes figures (benchmarks/pandas_baseline/outcomes.py) against the outcomes page's
own (mentordash.ui.outcomes_view.page_data): time to promotion, career satisfaction and the mentors' side,
each shown (not suppressed) cell equal, under the bench's filters and a few more."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from benchmarks import pages as bench
from mentordash.metrics.filters import Filters
from tests.bench_support import AS_OF, FILTER_CASES, page_and_pandas, reopened_with_tables, same, shown

CASES = [
    *FILTER_CASES,
    ("career_stage=junior_faculty", Filters.of(career_stage=["junior_faculty"])),  # the promotion cohort's stage
    ("career_stage=senior_faculty", Filters.of(career_stage=["senior_faculty"])),  # no promotion cohort at all
    ("urim", Filters.of(urim=True)),
    ("urim=false", Filters.of(urim=False)),
    ("race=white", Filters.of(race_ethnicity=["white"])),  # each view's rows picked from everyone's (outcomes.py)
    ("division=Sports Medicine", Filters.of(division=["Sports Medicine"])),
]

# On the bench's department (seed 42), by filter and figure: the fewest rows (shown or suppressed) and shown
# cells each comparison must reach, and for promotion the shown curve steps. The URiM people there are so
# few that every cell is suppressed: that case compares the rows only.
MIN = {
    "default": {"promotion": (2, 2, 41), "satisfaction": (6, 6), "mentors": (4, 4)},
    "gender=woman": {"promotion": (2, 1, 2), "satisfaction": (6, 3), "mentors": (4, 1)},
    "career_stage=junior_faculty": {"promotion": (2, 2, 41), "satisfaction": (6, 4), "mentors": (2, 2)},
    "career_stage=senior_faculty": {"promotion": (0, 0, 0), "satisfaction": (6, 6), "mentors": (2, 2)},
    "urim": {"promotion": (2, 0, 0), "satisfaction": (5, 0), "mentors": (3, 0)},
    "urim=false": {"promotion": (2, 2, 38), "satisfaction": (6, 6), "mentors": (4, 4)},
    "race=white": {"promotion": (2, 2, 29), "satisfaction": (6, 6), "mentors": (4, 4)},
    "division=Sports Medicine": {"promotion": (2, 2, 4), "satisfaction": (6, 3), "mentors": (4, 2)},
}


def _figures(bench_loaded, bench_page_runs, name: str, filters: Filters, figure: str) -> tuple:
    """(the page's `figure`, pandas')."""
    ours, theirs = page_and_pandas(bench_loaded, bench_page_runs, "outcomes", name, filters)
    return ours[figure], theirs[figure]


def _rows(frame, keys: list[str]) -> list[tuple]:
    return sorted(tuple(row) for row in frame[keys].itertuples(index=False))


def test_pandas_computes_every_figure_of_the_outcomes_page(bench_loaded, bench_page_runs):
    name, filters = FILTER_CASES[0]
    ours, theirs = page_and_pandas(bench_loaded, bench_page_runs, "outcomes", name, filters)
    assert set(theirs) == set(ours) - bench.DERIVED  # the benchmark's pandas_missing: none


@pytest.mark.parametrize("name, filters", CASES)
def test_pandas_time_to_promotion_equals_the_pages(bench_loaded, bench_page_runs, name, filters):
    ours, theirs = _figures(bench_loaded, bench_page_runs, name, filters, "promotion")
    rows, cells, steps = MIN[name]["promotion"]
    groups = _rows(ours["summary"], ["mentored"])
    assert groups == _rows(theirs["summary"], ["mentored"]) and len(groups) >= rows  # the groups, shown or not
    values = ["people", "promoted", "censored", "median_years", "median_low", "median_high"]
    assert same(shown(ours["summary"]), theirs["summary"], ["mentored"], values) >= cells
    # the page's curves stop where fewer than min_cell remain at risk: every step it shows is pandas'
    curve = ["survival", "ci_low", "ci_high", "at_risk"]
    assert same(ours["curves"], theirs["curves"], ["mentored", "years"], curve) >= steps


@pytest.mark.parametrize("name, filters", CASES)
def test_pandas_career_satisfaction_equals_the_pages(bench_loaded, bench_page_runs, name, filters):
    ours, theirs = _figures(bench_loaded, bench_page_runs, name, filters, "satisfaction")
    rows, cells = MIN[name]["satisfaction"]
    keys = ["survey", "mentored"]
    order = list(ours[keys].itertuples(index=False, name=None))
    assert order == list(theirs[keys].itertuples(index=False, name=None)) and len(order) >= rows  # rows, in order
    assert same(shown(ours), theirs, keys, ["n", "satisfied", "pct"]) >= cells


@pytest.mark.parametrize("name, filters", CASES)
def test_pandas_mentors_publications_equal_the_pages(bench_loaded, bench_page_runs, name, filters):
    ours, theirs = _figures(bench_loaded, bench_page_runs, name, filters, "mentors")
    rows, cells = MIN[name]["mentors"]
    keys = ["career_stage", "mentors"]
    groups = _rows(ours, keys)
    assert groups == _rows(theirs, keys) and len(groups) >= rows  # the groups, shown or not
    values = ["people", "person_years", "publications", "rate"]
    assert same(shown(ours), theirs, keys, values) >= cells


# --- the day-level rules at their edges, person by person (tests/builders) --------------------------


@pytest.fixture
def edges(tmp_path):
    """(database, pandas' tables, settings) of a department at the rules' edges. The window (as_of 30 June
    2026, 3 years) is 1 July 2023 .. 30 June 2026: 1096 days."""
    from tests.builders import add_mentorships, add_outcomes, add_people, add_survey, new_db, person

    old, hired = date(2015, 1, 1), date(2020, 1, 1)
    db = new_db(tmp_path)
    add_people(
        db,
        # mentors (the mentors' side) on 548 window days, exactly half; on 547; on two overlapping spans whose
        # union is 547 days (with the day they share counted twice, 548); all along
        *[person(p, "senior_faculty", old) for p in ("F_HALF", "F_SHORT", "F_OVERLAP", "F_ALL")],
        # mentees on 183 of 366 window days, exactly half; on 182; on overlapping spans, a union of 182 days
        *[person(p, "fellow", old, end_date=date(2024, 7, 1)) for p in ("HALF", "SHORT", "OVERLAP")],
        person("PJ1", "junior_faculty", hired),  # a promotion on the day they started: not one
        person("PJ2", "junior_faculty", hired, end_date=date(2021, 12, 31)),  # mentee on 365 of 730 days
        person("PJ3", "senior_faculty", hired, end_date=date(2022, 6, 1)),  # promoted on the day they left
        person("PS", "senior_faculty", hired),  # hired senior: not in the cohort
        person("PF", "junior_faculty", date(2026, 7, 1)),  # starts after as_of
    )
    add_mentorships(
        db,
        dict(mentor_id="F_HALF", mentee_id="R1", start_date=date(2023, 7, 1), end_date=date(2024, 12, 29)),
        dict(mentor_id="F_SHORT", mentee_id="R1", start_date=date(2023, 7, 1), end_date=date(2024, 12, 28)),
        dict(mentor_id="F_OVERLAP", mentee_id="R1", start_date=date(2023, 7, 1), end_date=date(2024, 6, 30)),
        dict(mentor_id="F_OVERLAP", mentee_id="R2", start_date=date(2024, 1, 1), end_date=date(2024, 12, 28)),
        dict(mentor_id="F_ALL", mentee_id="PJ1", start_date=old),
        dict(mentor_id="X", mentee_id="HALF", start_date=date(2023, 7, 1), end_date=date(2023, 12, 30)),
        dict(mentor_id="X", mentee_id="SHORT", start_date=date(2023, 7, 1), end_date=date(2023, 12, 29)),
        dict(mentor_id="X", mentee_id="OVERLAP", start_date=date(2023, 7, 1), end_date=date(2023, 10, 31)),
        dict(mentor_id="Y", mentee_id="OVERLAP", start_date=date(2023, 9, 1), end_date=date(2023, 12, 29)),
        dict(mentor_id="X", mentee_id="PJ2", start_date=hired, end_date=date(2020, 12, 30)),
        dict(mentor_id="X", mentee_id="PJ3", start_date=date(2019, 1, 1)),
    )
    add_outcomes(
        db,
        dict(person_id="PJ1", date=hired, kind="promotion"),
        dict(person_id="PJ3", date=date(2022, 6, 1), kind="promotion"),
    )

    # career satisfaction (cut-off 4) in wave W: submitted on the window's excluded start day, on its first and
    # last day, after as_of; on the day a relationship ends (mentored, whatever was reported) and the day after
    def answer(i, at, answer, **extra):
        return dict(survey="W", response_id=str(i), submitted_at=at, career_satisfaction=answer, **extra)

    add_survey(
        db,
        answer(1, datetime(2023, 6, 30, 12), 5, has_mentor=True),
        answer(2, datetime(2023, 7, 1), 4, has_mentor=True),
        answer(3, datetime(2026, 6, 30, 23, 59), 3, has_mentor=True),
        answer(4, datetime(2026, 7, 1), 5, has_mentor=True),
        answer(5, datetime(2024, 3, 1), 5, has_mentor=True),
        answer(6, datetime(2023, 10, 31, 9), 4, person_id="OVERLAP", has_mentor=False),
        answer(7, datetime(2023, 12, 30, 9), 5, person_id="SHORT", has_mentor=True),
        *[answer(8 + i, datetime(2024, 3, 1), 2 + i, has_mentor=False) for i in range(2)],
        *[answer(10 + i, datetime(2025, 3, 1), 3 + i) for i in range(3)],
    )
    db.set_setting("min_cell", 3, user="test")
    loaded = reopened_with_tables(db)
    yield loaded
    loaded[0].close()


def _by_person(frame, columns: list[str]) -> dict:
    return {
        row["person_id"]: tuple(bool(row[c]) if c != "days" else int(row[c]) for c in columns)
        for _, row in frame.iterrows()
    }


def test_pandas_mentored_and_mentors_at_the_edges_equal_metrics(edges):
    from benchmarks.pandas_baseline import outcomes as pandas_outcomes
    from mentordash.metrics import outcomes

    db, tables, settings = edges
    w = pandas_outcomes.window_people(tables, settings, AS_OF, Filters())
    theirs = _by_person(w.assign(mentors=pandas_outcomes.mentors(tables, w)), ["mentored", "mentors"])
    ours = _by_person(outcomes.people_in_window(db, AS_OF, Filters()), ["mentored", "mentors"])
    assert ours == theirs
    assert [ours[p][1] for p in ("F_HALF", "F_SHORT", "F_OVERLAP", "F_ALL")] == [True, False, False, True]
    assert [ours[p][0] for p in ("HALF", "SHORT", "OVERLAP")] == [True, False, False]


def test_pandas_promotion_followup_at_the_edges_equals_metrics(edges):
    from benchmarks.pandas_baseline import outcomes as pandas_outcomes
    from mentordash.metrics import outcomes

    db, tables, settings = edges
    columns = ["days", "promoted", "mentored"]
    ours = _by_person(outcomes.promotion_followup(db, AS_OF, Filters()), columns)
    assert ours == _by_person(pandas_outcomes.promotion_followup(tables, settings, AS_OF, Filters()), columns)
    assert ours["PJ1"] == ((AS_OF - date(2020, 1, 1)).days, False, True)
    assert ours["PJ2"] == (730, False, True) and ours["PJ3"][1] and "PS" not in ours and "PF" not in ours


def test_pandas_career_satisfaction_at_the_edges_equals_metrics(edges):
    from benchmarks.pandas_baseline import outcomes as pandas_outcomes
    from mentordash.metrics import outcomes

    db, tables, settings = edges
    ours = outcomes.satisfaction(db, AS_OF, Filters())
    theirs = pandas_outcomes.satisfaction(tables, settings, AS_OF, Filters())
    assert same(shown(ours), theirs, ["survey", "mentored"], ["n", "satisfied", "pct"]) == 3
    assert list(ours["n"]) == [4, 3, 3]  # mentored: 2, 3, 5, 6; not: 7, 8, 9; unknown: 10, 11, 12
