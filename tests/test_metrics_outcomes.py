"""Outcomes (docs/metrics.md, Outcomes) on departments small enough to count by hand.

as_of 30 June 2026 with the default 3-year window: window_start 30 June 2023 (excluded), so the window is
1 July 2023 .. 30 June 2026 = 366 + 365 + 365 = 1096 days.
"""

import time
from datetime import date

import pandas as pd
import pytest
from scipy.stats import chi2

from mentordash.db import Database
from mentordash.metrics import outcomes
from mentordash.metrics.filters import Filters, people_columns, where_sql
from mentordash.metrics.summary import build_summary, outcomes_part
from tests.builders import add_mentorships, add_outcomes, add_people, add_survey, new_db, person

AS_OF = date(2026, 6, 30)
OLD = date(2015, 1, 1)
WINDOW_DAYS = 1096


def records(frame, *keys):
    return {tuple(row[k] for k in keys): row for row in frame.to_dict("records")}


# --- the window and window days ---------------------------------------------------------------------


def test_window_default_and_leap_day(tmp_path):
    db = new_db(tmp_path)
    assert outcomes.window_start(db, AS_OF) == date(2023, 6, 30)
    w = outcomes.window(db, date(2028, 2, 29))
    assert (w["start"], w["first_day"], w["last_day"], w["years"]) == (
        date(2025, 2, 28),
        date(2025, 3, 1),
        date(2028, 2, 29),
        3,
    )
    db.set_setting("outcomes_window_years", 1, user="test")
    assert outcomes.window_start(db, AS_OF) == date(2025, 6, 30)


@pytest.fixture
def spans_db(tmp_path):
    db = new_db(tmp_path)
    add_people(
        db,
        person("ALL", "junior_faculty", OLD),  # every window day
        person("JOIN", "resident", date(2025, 7, 1)),  # joins inside: 365 days
        person("LEAVE", "resident", OLD, end_date=date(2024, 7, 1), departure_reason="left_early"),  # 366 days
        person("GONE", "resident", OLD, end_date=date(2023, 7, 1), departure_reason="left_early"),  # 0 days
        person("GONE2", "resident", OLD, end_date=date(2023, 6, 30)),  # 0 days
        person("LATE", "resident", date(2026, 7, 1)),  # starts after as_of
        person("LAST", "student", AS_OF),  # one day: as_of itself
        # exactly half of 366 window days (183) with an inclusive end date: mentored
        person("HALF", "fellow", OLD, end_date=date(2024, 7, 1), departure_reason="completed"),
        # one day short of half (182): not mentored
        person("SHORT", "fellow", OLD, end_date=date(2024, 7, 1)),
        # two overlapping relationships whose union is 182 days (their sum, 243, would count): not mentored
        person("OVERLAP", "fellow", OLD, end_date=date(2024, 7, 1)),
        # a sponsor all along is not a mentor
        person("SPONSOR", "fellow", OLD, end_date=date(2024, 7, 1)),
    )
    add_mentorships(
        db,
        dict(mentor_id="ALL", mentee_id="HALF", start_date=date(2023, 7, 1), end_date=date(2023, 12, 30)),
        dict(mentor_id="ALL", mentee_id="SHORT", start_date=date(2023, 7, 1), end_date=date(2023, 12, 29)),
        dict(mentor_id="ALL", mentee_id="OVERLAP", start_date=date(2023, 7, 1), end_date=date(2023, 10, 31)),
        dict(mentor_id="X", mentee_id="OVERLAP", start_date=date(2023, 9, 1), end_date=date(2023, 12, 29)),
        dict(mentor_id="ALL", mentee_id="SPONSOR", role="sponsor", start_date=OLD),
        # started long before the window, still open: clipped to JOIN's 365 days
        dict(mentor_id="EXT", mentee_id="JOIN", start_date=date(2020, 1, 1)),
        dict(mentor_id="EXT", mentee_id="LAST", start_date=AS_OF),  # active on LAST's one day
    )
    return db


def test_window_days_join_and_leave_inside(spans_db):
    people = records(outcomes.people_in_window(spans_db, AS_OF, Filters()), "person_id")
    assert set(people) == {
        ("ALL",),
        ("JOIN",),
        ("LEAVE",),
        ("LAST",),
        ("HALF",),
        ("SHORT",),
        ("OVERLAP",),
        ("SPONSOR",),
    }
    days = {k[0]: v["window_days"] for k, v in people.items()}
    assert days == {
        "ALL": WINDOW_DAYS,
        "JOIN": 365,
        "LEAVE": 366,
        "LAST": 1,
        "HALF": 366,
        "SHORT": 366,
        "OVERLAP": 366,
        "SPONSOR": 366,
    }


def test_half_of_window_days_counts_as_mentored(spans_db):
    people = {r["person_id"]: r for r in outcomes.people_in_window(spans_db, AS_OF, Filters()).to_dict("records")}
    assert (people["HALF"]["mentee_days"], people["HALF"]["mentored"]) == (183, True)
    assert (people["SHORT"]["mentee_days"], people["SHORT"]["mentored"]) == (182, False)
    assert (people["OVERLAP"]["mentee_days"], people["OVERLAP"]["mentored"]) == (182, False)
    assert (people["SPONSOR"]["mentee_days"], people["SPONSOR"]["mentored"]) == (0, False)
    assert (people["JOIN"]["mentee_days"], people["JOIN"]["mentored"]) == (365, True)
    assert (people["LAST"]["mentee_days"], people["LAST"]["mentored"]) == (1, True)
    # the mentors' side: ALL mentored HALF, SHORT, OVERLAP (union 1 Jul - 30 Dec 2023: 183 days) of 1096
    assert (people["ALL"]["mentor_days"], people["ALL"]["mentors"]) == (183, False)


# --- publications per person-year -------------------------------------------------------------------


@pytest.fixture
def pubs_db(tmp_path):
    db = new_db(tmp_path)
    db.set_setting("min_cell", 3, user="test")
    mentored = [f"M{i}" for i in range(1, 4)]
    add_people(
        db,
        *[person(p, "junior_faculty", OLD) for p in mentored],
        person("U1", "junior_faculty", OLD),
        person("U2", "junior_faculty", date(2025, 7, 1)),  # 365 days
        person("U3", "junior_faculty", OLD, end_date=date(2024, 7, 1), departure_reason="left_early"),  # 366
        person("R1", "resident", OLD),  # a cell of one: suppressed
    )
    add_mentorships(db, *[dict(mentor_id="S", mentee_id=p, start_date=OLD) for p in mentored])
    add_outcomes(
        db,
        dict(person_id="M1", date=date(2023, 7, 1), kind="publication", count=4),  # first window day
        dict(person_id="M2", date=AS_OF, kind="publication", count=2),  # as_of itself
        dict(person_id="M3", date=date(2023, 6, 30), kind="publication", count=9),  # window_start: outside
        dict(person_id="M3", date=date(2025, 1, 1), kind="grant", count=5),  # not a publication
        dict(person_id="U1", date=date(2024, 1, 1), kind="publication"),
        dict(person_id="U2", date=date(2025, 6, 30), kind="publication", count=3),  # before U2 joined
        dict(person_id="U3", date=date(2024, 6, 30), kind="publication"),  # U3's last day
        dict(person_id="U3", date=date(2024, 7, 1), kind="publication", count=7),  # the day U3 left: outside
        dict(person_id="R1", date=date(2025, 1, 1), kind="publication"),
    )
    return db


def test_publications_per_person_year(pubs_db):
    frame = outcomes.publications(pubs_db, AS_OF, Filters())
    rows = records(frame, "career_stage", "mentored")
    m = rows[("junior_faculty", True)]
    years = 3 * WINDOW_DAYS / 365.25  # 9.002...
    assert (m["people"], m["person_years"], m["publications"], m["rate"]) == (3, 9.0, 6, round(6 / years, 2))
    assert (m["ci_low"], m["ci_high"]) == (
        round(chi2.ppf(0.025, 12) / 2 / years, 2),
        round(chi2.ppf(0.975, 14) / 2 / years, 2),
    )
    u = rows[("junior_faculty", False)]
    years_u = (WINDOW_DAYS + 365 + 366) / 365.25  # 5.002...
    assert (u["people"], u["person_years"], u["publications"], u["rate"]) == (3, 5.0, 2, round(2 / years_u, 2))
    assert u["rate"] == 0.4
    r = rows[("resident", False)]
    assert r["suppressed"] and r["people"] is None and r["rate"] is None and r["publications"] is None
    # stage order, mentored first
    assert list(zip(frame["career_stage"], frame["mentored"])) == [
        ("resident", False),
        ("junior_faculty", True),
        ("junior_faculty", False),
    ]


def test_poisson_interval_with_no_publications():
    low, high = outcomes.poisson_rate_interval(0, 2.0)
    assert low == 0.0 and high == pytest.approx(chi2.ppf(0.975, 2) / 2 / 2.0)  # 3.689 / 2


def test_mentors_side(tmp_path):
    db = new_db(tmp_path)
    db.set_setting("min_cell", 3, user="test")
    add_people(
        db,
        *[person(f"S{i}", "senior_faculty", OLD) for i in range(1, 7)],
        *[person(f"R{i}", "resident", OLD) for i in range(1, 4)],
    )
    # S1-S3 mentor all window long; S4 mentors for one year only (under half); S5, S6 never.
    add_mentorships(
        db,
        *[dict(mentor_id=f"S{i}", mentee_id=f"R{i}", start_date=OLD) for i in range(1, 4)],
        dict(mentor_id="S4", mentee_id="R1", start_date=date(2024, 1, 1), end_date=date(2024, 12, 31)),
    )
    add_outcomes(
        db, *[dict(person_id=f"S{i}", date=date(2025, 1, 1), kind="publication", count=i) for i in range(1, 7)]
    )
    rows = records(outcomes.mentor_publications(db, AS_OF, Filters()), "career_stage", "mentors")
    years = 3 * WINDOW_DAYS / 365.25
    assert (rows[("senior_faculty", True)]["people"], rows[("senior_faculty", True)]["publications"]) == (3, 6)
    assert rows[("senior_faculty", True)]["rate"] == round(6 / years, 2)
    assert (rows[("senior_faculty", False)]["people"], rows[("senior_faculty", False)]["publications"]) == (3, 15)
    assert all(stage != "resident" for stage, _ in rows)  # faculty only


# --- early departure --------------------------------------------------------------------------------


@pytest.fixture
def departure_db(tmp_path):
    db = new_db(tmp_path)
    add_people(
        db,
        person("A1", "resident", OLD, end_date=date(2024, 1, 1), departure_reason="left_early", urim=True),
        person("A2", "resident", OLD, end_date=AS_OF, departure_reason="dismissed", urim=True),  # on as_of
        person("A3", "resident", OLD, end_date=date(2025, 6, 30), departure_reason="completed", urim=True),
        person("A4", "resident", OLD, end_date=date(2026, 12, 31), departure_reason="left_early"),  # future
        person("A5", "resident", OLD, urim=False),
        person(
            "A6", "resident", date(2025, 7, 1), end_date=date(2026, 1, 1), departure_reason="left_early", urim=False
        ),  # joined and left inside
        person("A7", "resident", OLD, end_date=date(2023, 6, 1), departure_reason="left_early"),  # before: no days
        *[person(f"B{i}", "resident", OLD, urim=False) for i in range(1, 6)],
    )
    add_mentorships(db, *[dict(mentor_id="S", mentee_id=f"B{i}", start_date=OLD) for i in range(1, 6)])
    return db


def test_early_departure_counts(departure_db):
    rows = records(outcomes.early_departure(departure_db, AS_OF, Filters()), "career_stage", "mentored")
    unmentored = rows[("resident", False)]
    assert (unmentored["n"], unmentored["departed"], unmentored["pct"]) == (6, 3, 50.0)  # A1, A2, A6 of A1-A6
    assert (unmentored["ci_low"], unmentored["ci_high"]) == (18.8, 81.2)  # Wilson 3/6
    mentored = rows[("resident", True)]
    assert (mentored["n"], mentored["departed"], mentored["pct"]) == (5, 0, 0.0)


def test_early_departure_by_group_with_complementary_suppression(departure_db):
    frame = outcomes.early_departure(departure_db, AS_OF, Filters(), by="urim")
    rows = records(frame, "career_stage", "urim", "mentored")
    # unmentored: URiM 3 (A1-A3), not URiM 2 (A5, A6), unknown 1 (A4): all below 5, all suppressed
    assert all(rows[("resident", g, False)]["suppressed"] for g in ("urim", "not_urim", "unknown"))
    assert rows[("resident", "not_urim", True)]["n"] == 5  # mentored, not URiM: shown


def test_complementary_suppression_within_pair(tmp_path):
    db = new_db(tmp_path)
    add_people(
        db,
        *[person(f"W{i}", "resident", OLD, gender="woman") for i in range(6)],
        *[person(f"M{i}", "resident", OLD, gender="man") for i in range(7)],
        person("N1", "resident", OLD, gender="nonbinary"),
    )
    rows = records(outcomes.early_departure(db, AS_OF, Filters(), by="gender"), "career_stage", "gender", "mentored")
    assert rows[("resident", "other_or_unknown", False)]["suppressed"]
    assert rows[("resident", "woman", False)]["suppressed"]  # the next smallest goes too
    assert not rows[("resident", "man", False)]["suppressed"] and rows[("resident", "man", False)]["n"] == 7


# --- time to first promotion ------------------------------------------------------------------------


@pytest.fixture
def promotion_db(tmp_path):
    db = new_db(tmp_path)
    start = date(2020, 1, 1)
    add_people(
        db,
        person("P1", "senior_faculty", start),  # promoted 1 Jan 2021 (366 days): hired junior
        person("P2", "senior_faculty", start),  # promoted 1 Jan 2022 (731 days)
        person("P3", "junior_faculty", start, end_date=date(2022, 6, 1), departure_reason="left_early"),  # censored
        person("P4", "senior_faculty", start),  # promoted 1 Jan 2023 (1096 days)
        person("P5", "junior_faculty", start),  # never promoted: censored at as_of
        person("P6", "junior_faculty", start, end_date=date(2021, 1, 1)),  # promotion after leaving: ignored
        person("SR", "senior_faculty", start),  # hired senior, no promotion: not in the cohort
        person("U1", "junior_faculty", start),  # unmentored: a group of 2, suppressed
        person("U2", "junior_faculty", start),
        person("RES", "resident", start),
    )
    add_mentorships(
        db,
        *[dict(mentor_id="SR", mentee_id=p, start_date=start) for p in ("P1", "P2", "P3", "P4", "P5")],
        dict(mentor_id="SR", mentee_id="P6", start_date=start),
    )
    add_outcomes(
        db,
        dict(person_id="P1", date=date(2021, 1, 1), kind="promotion"),
        dict(person_id="P2", date=date(2022, 1, 1), kind="promotion"),
        dict(person_id="P2", date=date(2025, 1, 1), kind="promotion"),  # only the first counts
        dict(person_id="P4", date=date(2023, 1, 1), kind="promotion"),
        dict(person_id="P6", date=date(2021, 6, 1), kind="promotion"),
        dict(person_id="U1", date=date(2027, 1, 1), kind="promotion"),
    )  # after as_of: censored
    return db


def test_promotion_followup_and_censoring(promotion_db):
    rows = {r["person_id"]: r for r in outcomes.promotion_followup(promotion_db, AS_OF, Filters()).to_dict("records")}
    assert set(rows) == {"P1", "P2", "P3", "P4", "P5", "P6", "U1", "U2"}
    assert (rows["P1"]["days"], rows["P1"]["promoted"]) == (366, True)
    assert (rows["P3"]["days"], rows["P3"]["promoted"]) == ((date(2022, 6, 1) - date(2020, 1, 1)).days, False)
    assert (rows["P5"]["days"], rows["P5"]["promoted"]) == ((AS_OF - date(2020, 1, 1)).days, False)
    assert (rows["P6"]["days"], rows["P6"]["promoted"]) == (366, False)
    assert rows["U1"]["promoted"] is False and rows["P1"]["mentored"] and not rows["U1"]["mentored"]


def test_kaplan_meier_median_and_suppression(promotion_db):
    result = outcomes.time_to_promotion(promotion_db, AS_OF, Filters())
    summary = records(result["summary"], "mentored")
    mentored = summary[(True,)]
    # 6 followed: events at 366 (P1, and P6 is censored there too), 731, 1096 days.
    # KM: 366 days: 1 of 6 -> 5/6; 731: 1 of 4 at risk (P3 censored later) -> 5/6*3/4 = 0.625;
    # 1096: 1 of 2 (P4, P5) -> 0.3125: the median is 1096 days = 3.0 years.
    assert (mentored["people"], mentored["promoted"], mentored["censored"]) == (6, 3, 3)
    assert mentored["median_years"] == 3.0
    assert summary[(False,)]["suppressed"] and summary[(False,)]["people"] is None
    curve = result["curves"]
    assert set(curve["mentored"]) == {True}
    # min_cell 5: the curve stops before fewer than 5 are at risk (4 at 731 days)
    assert list(curve["at_risk"]) == [6, 6]
    assert list(curve["survival"].round(4)) == [1.0, round(5 / 6, 4)]
    assert (curve["ci_low"] <= curve["survival"]).all() and (curve["survival"] <= curve["ci_high"]).all()


def test_promotion_curve_longer_with_lower_min_cell(promotion_db):
    promotion_db.set_setting("min_cell", 3, user="test")
    result = outcomes.time_to_promotion(promotion_db, AS_OF, Filters())
    curve = result["curves"][result["curves"]["mentored"]]
    assert list(curve["at_risk"]) == [6, 6, 4]
    assert list(curve["survival"].round(4)) == [1.0, round(5 / 6, 4), 0.625]


def test_promotion_stage_filter_means_hired_junior(promotion_db):
    junior = outcomes.promotion_followup(promotion_db, AS_OF, Filters(career_stage=("junior_faculty",)))
    assert len(junior) == 8  # promoted (now senior) faculty stay in
    assert outcomes.promotion_followup(promotion_db, AS_OF, Filters(career_stage=("resident",))).empty


# --- career satisfaction ----------------------------------------------------------------------------


def test_satisfaction_mentored_against_not(tmp_path):
    db = new_db(tmp_path)
    db.set_setting("min_cell", 3, user="test")
    add_people(db, *[person(f"K{i}", "resident", OLD) for i in range(1, 4)])
    add_mentorships(
        db,
        dict(mentor_id="S", mentee_id="K1", start_date=OLD),
        dict(mentor_id="S", mentee_id="K2", start_date=OLD, end_date=date(2025, 3, 1)),  # active that day
        dict(mentor_id="S", mentee_id="K3", start_date=OLD, end_date=date(2025, 2, 28)),
    )  # ended before
    day = date(2025, 3, 1)
    rows = [
        dict(survey="W", response_id="1", submitted_at=day, person_id="K1", career_satisfaction=5),
        dict(survey="W", response_id="2", submitted_at=day, person_id="K2", career_satisfaction=3),
        dict(survey="W", response_id="3", submitted_at=day, person_id="K3", career_satisfaction=4, has_mentor=True),
        dict(survey="W", response_id="4", submitted_at=day, has_mentor=True, career_satisfaction=4),
        dict(survey="W", response_id="5", submitted_at=day, has_mentor=False, career_satisfaction=2),
        dict(survey="W", response_id="6", submitted_at=day, has_mentor=False, career_satisfaction=5),
        dict(survey="W", response_id="7", submitted_at=day, career_satisfaction=5),  # unknown mentoring
        dict(survey="W", response_id="8", submitted_at=day, has_mentor=True, career_satisfaction=5, complete=False),
        dict(survey="W", response_id="9", submitted_at=day, has_mentor=True),  # no answer
        dict(survey="Old", response_id="1", submitted_at=date(2023, 6, 30), has_mentor=True, career_satisfaction=5),
    ]
    add_survey(db, *[{"complete": True, **r} for r in rows])
    frame = outcomes.satisfaction(db, AS_OF, Filters())
    got = {(r["survey"], r["mentored"]): r for r in frame.to_dict("records")}
    assert set(got) == {("W", True), ("W", False), ("W", None)}  # "Old" is before the window
    # mentored: K1 (5), K2 (3, end date inclusive), response 4 (4) -> 2 of 3
    assert (got[("W", True)]["n"], got[("W", True)]["satisfied"], got[("W", True)]["pct"]) == (3, 2, 66.7)
    # not: K3 (roster says no mentor that day, whatever they reported), 5 (2), 6 (5) -> 2 of 3
    assert (got[("W", False)]["n"], got[("W", False)]["satisfied"]) == (3, 2)
    assert got[("W", None)]["suppressed"]


# --- filters, suppression, summary ------------------------------------------------------------------


def test_filters_select_people(departure_db):
    urim = outcomes.people_in_window(departure_db, AS_OF, Filters(urim=True))
    assert set(urim["person_id"]) == {"A1", "A2", "A3"}
    total = outcomes.people_total(departure_db, AS_OF, Filters(urim=True))
    assert total["suppressed"] and total["n"] is None


def test_summary_outcomes_part_matches_metrics(pubs_db):
    part = outcomes_part(pubs_db, AS_OF, Filters())
    assert part["window_start"] == "2023-06-30"
    assert part["publications"] == [
        {
            "career_stage": "resident",
            "mentored": False,
            "people": None,
            "person_years": None,
            "publications": None,
            "rate": None,
            "suppressed": True,
        },
        {
            "career_stage": "junior_faculty",
            "mentored": True,
            "people": 3,
            "person_years": 9.0,
            "publications": 6,
            "rate": 0.67,
        },
        {
            "career_stage": "junior_faculty",
            "mentored": False,
            "people": 3,
            "person_years": 5.0,
            "publications": 2,
            "rate": 0.4,
        },
    ]
    assert part["early_departure"][2] == {
        "career_stage": "junior_faculty",
        "mentored": False,
        "n": 3,
        "departed": 1,
        "pct": 33.3,
    }
    assert build_summary(pubs_db, AS_OF, Filters())["outcomes"] == part


def test_summary_types_are_json(pubs_db):
    import json

    text = json.dumps(outcomes_part(pubs_db, AS_OF, Filters()))
    assert '"mentored": true' in text


# --- performance ------------------------------------------------------------------------------------


def test_twenty_thousand_people_stay_fast(tmp_path):
    db = new_db(tmp_path)
    with db.transaction() as cur:
        cur.execute("""
            INSERT INTO people (person_id, career_stage, start_date, end_date, departure_reason)
            SELECT 'p' || i, ['student','resident','fellow','junior_faculty','senior_faculty'][1 + i % 5],
                   DATE '2015-01-01' + CAST(i % 4000 AS INTEGER),
                   CASE WHEN i % 7 = 0 THEN DATE '2024-01-01' + CAST(i % 800 AS INTEGER) END,
                   CASE WHEN i % 7 = 0 THEN 'left_early' END
            FROM range(20000) t(i)""")
        cur.execute("""
            INSERT INTO mentorships (mentor_id, mentee_id, role, start_date, end_date)
            SELECT 'p' || (i * 13 % 20000), 'p' || (i % 20000), 'mentor',
                   DATE '2018-01-01' + CAST(i % 3000 AS INTEGER),
                   CASE WHEN i % 3 = 0 THEN DATE '2022-01-01' + CAST(i % 1500 AS INTEGER) END
            FROM range(30000) t(i)""")
        cur.execute("""
            INSERT INTO outcomes (person_id, date, kind, count)
            SELECT 'p' || (i % 20000), DATE '2019-01-01' + CAST(i % 2700 AS INTEGER),
                   CASE WHEN i % 10 = 0 THEN 'promotion' ELSE 'publication' END, 1 + i % 3
            FROM range(60000) t(i)""")
        Database.bump_data_version(cur)
    outcomes.people_in_window(db, AS_OF, Filters())  # warm up
    started = time.perf_counter()
    assert len(outcomes.people_in_window(db, AS_OF, Filters())) > 10000
    outcomes.publications(db, AS_OF, Filters())
    outcomes.early_departure(db, AS_OF, Filters(), by="urim")
    outcomes.time_to_promotion(db, AS_OF, Filters())
    assert time.perf_counter() - started < 10


def test_nobody_promoted_yet_has_no_median(tmp_path):
    db = new_db(tmp_path)
    add_people(db, *[person(f"J{i}", "junior_faculty", date(2024, 1, 1)) for i in range(5)])
    summary = outcomes.time_to_promotion(db, AS_OF, Filters())["summary"].to_dict("records")
    assert len(summary) == 1 and summary[0]["mentored"] is False  # nobody mentored: one group only
    assert (summary[0]["people"], summary[0]["promoted"], summary[0]["censored"]) == (5, 0, 5)
    assert summary[0]["median_years"] is None or summary[0]["median_years"] != summary[0]["median_years"]


# --- a view's people are everyone's rows its filters select ------------------------------------------


@pytest.mark.parametrize(
    "filters",
    [
        Filters.of(gender=["woman"]),
        Filters.of(urim=True),
        Filters.of(urim=False),
        Filters.of(race_ethnicity=["white", "black"]),
        Filters.of(division=["Sports Medicine"]),
        Filters.of(career_stage=["resident", "junior_faculty"]),
        Filters.of(institution=["Nowhere"]),
        Filters.of(gender=["man"], urim=False, career_stage=["senior_faculty"]),
    ],
    ids=repr,
)
def test_a_views_people_are_everyones_rows_its_filters_select(bench_loaded, filters):
    """people_in_window filters one table of everyone (built once per as_of): the rows must be those of the
    people the same filters select from the roster itself (the test the query made before)."""
    db, _, settings = bench_loaded
    everyone = outcomes.people_in_window(db, AS_OF, Filters())
    params = {"urim_list": settings["urim_list"]}
    condition = where_sql(filters, people_columns("p"), params)
    chosen = {row[0] for row in db.rows(f"SELECT p.person_id FROM people p WHERE TRUE {condition}", params)}
    expected = everyone[everyone["person_id"].isin(chosen)].reset_index(drop=True)
    # the dtype of urim follows the rows (object while a NULL is among them), as any query's result does
    pd.testing.assert_frame_equal(outcomes.people_in_window(db, AS_OF, filters), expected, check_dtype=False)
    assert len(everyone) > len(expected) and (len(expected) > 0 or filters.institution)


@pytest.mark.parametrize(
    "filters",
    [
        Filters.of(gender=["woman"]),
        Filters.of(urim=True),
        Filters.of(race_ethnicity=["white", "asian"]),
        Filters.of(division=["Sports Medicine"]),
        Filters.of(career_stage=["junior_faculty"]),
        Filters.of(career_stage=["resident"]),
        Filters.of(gender=["man"], urim=False),
    ],
    ids=repr,
)
def test_a_views_promotion_cohort_is_everyones_rows_its_filters_select(bench_loaded, filters):
    """promotion_followup filters one table of everyone hired as junior faculty (built once per as_of): the rows
    of the people the same filters select from the roster, a career stage filter testing the stage at hire."""
    db, _, settings = bench_loaded
    everyone = outcomes.promotion_followup(db, AS_OF, Filters())
    params = {"urim_list": settings["urim_list"]}
    condition = where_sql(filters, {**people_columns("p"), "career_stage": "'junior_faculty'"}, params)
    chosen = {row[0] for row in db.rows(f"SELECT p.person_id FROM people p WHERE TRUE {condition}", params)}
    expected = everyone[everyone["person_id"].isin(chosen)].reset_index(drop=True)
    pd.testing.assert_frame_equal(outcomes.promotion_followup(db, AS_OF, filters), expected, check_dtype=False)
    if filters.career_stage:  # hired as junior faculty: all of them, or none
        assert len(expected) == (len(everyone) if "junior_faculty" in filters.career_stage else 0)
    else:
        assert len(everyone) > len(expected) > 0
