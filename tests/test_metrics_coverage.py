"""Coverage, engaged coverage and mentor load on a department small enough to count by hand."""

from datetime import date, timedelta

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentordash.metrics import coverage
from mentordash.metrics.filters import Filters
from mentordash.vocabulary import ROLES
from tests.builders import add_meetings, add_mentorships, add_people, new_db, person

AS_OF = date(2026, 6, 30)
JOINED = date(2024, 7, 1)
REL_START = date(2025, 1, 1)


@pytest.fixture
def db(tmp_path):
    db = new_db(tmp_path)
    add_people(
        db,
        person("R1", "resident", JOINED, gender="woman", race_ethnicity=["black"]),
        person("R2", "resident", JOINED, gender="man", race_ethnicity=["white"]),
        person("R3", "resident", JOINED, gender="man", race_ethnicity=["undisclosed"]),
        person("R4", "resident", JOINED, gender="woman", race_ethnicity=["white"], urim=True),
        person("R5", "resident", JOINED, gender="man", race_ethnicity=["asian"]),
        person("R6", "resident", JOINED, gender="man"),
        person("R7", "resident", JOINED, end_date=AS_OF, departure_reason="left_early"),  # gone on as_of
        person("R8", "resident", date(2026, 7, 1)),  # not yet started
        *[person(f"J{i}", "junior_faculty", date(2020, 1, 1)) for i in range(1, 6)],
        *[
            person(f"S{i}", "senior_faculty", date(2010, 1, 1), gender="woman" if i == 1 else "man")
            for i in range(1, 4)
        ],
    )
    add_mentorships(
        db,
        dict(mentor_id="S1", mentee_id="R1", start_date=REL_START),
        dict(mentor_id="S1", mentee_id="R2", start_date=REL_START, end_date=AS_OF),  # ends on as_of: active
        dict(mentor_id="S2", mentee_id="R3", start_date=REL_START, end_date=date(2026, 6, 29)),  # ended
        dict(mentor_id="EXT1", mentee_id="R4", start_date=REL_START),  # external mentor
        dict(mentor_id="S1", mentee_id="R5", start_date=REL_START),
        dict(mentor_id="S2", mentee_id="R5", start_date=REL_START),  # a second mentor counts once
        dict(mentor_id="S2", mentee_id="R6", role="sponsor", start_date=REL_START),
        dict(mentor_id="S1", mentee_id="R7", start_date=date(2024, 9, 1)),  # mentee has left
        dict(mentor_id="S3", mentee_id="J1", start_date=REL_START),
        dict(mentor_id="S3", mentee_id="J2", start_date=REL_START),
    )
    add_meetings(
        db,
        dict(mentor_id="S1", mentee_id="R1", date=AS_OF),
        dict(mentor_id="S1", mentee_id="R2", date=date(2026, 1, 1)),  # exactly 180 days back: outside
        dict(mentor_id="EXT1", mentee_id="R4", date=date(2026, 1, 2)),  # 179 days back: inside
        dict(mentor_id="S2", mentee_id="R6", date=date(2026, 6, 1)),  # a sponsor, not a mentor
    )
    return db


def by_stage(frame):
    return {row["career_stage"]: row for row in frame.to_dict("records")}


def test_residents_counted_by_hand(db):
    db.set_setting("min_cell", 3, user="test")
    rows = by_stage(coverage.coverage_by_stage(db, AS_OF, Filters()))
    residents = rows["resident"]
    assert (residents["n"], residents["covered"], residents["pct"]) == (6, 4, 66.7)
    assert (residents["engaged"], residents["engaged_pct"]) == (2, 33.3)
    assert (residents["ci_low"], residents["ci_high"]) == (30.0, 90.3)  # Wilson 4/6
    assert (rows["junior_faculty"]["n"], rows["junior_faculty"]["covered"]) == (5, 2)
    assert (rows["senior_faculty"]["n"], rows["senior_faculty"]["covered"]) == (3, 0)


def test_total(db):
    total = coverage.coverage_total(db, AS_OF, Filters())
    assert (total["n"], total["covered"], total["pct"], total["engaged"]) == (14, 6, 42.9, 2)
    assert total["suppressed"] is False


def test_small_stage_suppressed_with_its_complement(db):
    rows = by_stage(coverage.coverage_by_stage(db, AS_OF, Filters()))
    assert rows["senior_faculty"]["suppressed"] and rows["senior_faculty"]["n"] is None
    # The total (14) is shown beside the breakdown, so the next smallest stage goes too.
    assert rows["junior_faculty"]["suppressed"] and rows["junior_faculty"]["pct"] is None
    assert not rows["resident"]["suppressed"] and rows["resident"]["pct"] == 66.7


def test_any_role(db):
    residents = by_stage(coverage.coverage_by_stage(db, AS_OF, Filters(), roles=ROLES))["resident"]
    assert (residents["covered"], residents["engaged"]) == (5, 3)


def test_earlier_date(db):
    frame = coverage.coverage_over_time(db, [date(2025, 6, 30), AS_OF], Filters())
    earlier = frame[(frame["day"] == date(2025, 6, 30)) & (frame["career_stage"] == "resident")].iloc[0]
    assert (earlier["n"], earlier["covered"]) == (7, 6)


def test_filter_narrows_below_min_cell(db):
    total = coverage.coverage_total(db, AS_OF, Filters.of(urim=True))  # R1 (derived) and R4 (explicit)
    assert total["suppressed"] and total["n"] is None
    db.set_setting("min_cell", 3, user="test")
    assert coverage.coverage_total(db, AS_OF, Filters.of(gender=["woman"], career_stage=["resident"]))["suppressed"]


def residents_counted(db, urim):
    # Below the suppression layer on purpose: these groups are smaller than any min_cell.
    counts = coverage.coverage_counts(db, [AS_OF], Filters.of(urim=urim, career_stage=["resident"]), ["mentor"])
    return int(counts["n"].sum())


def test_urim_derivation(db):
    assert residents_counted(db, True) == 2  # R1 black (derived), R4 explicit urim despite 'white'
    assert residents_counted(db, False) == 2  # R2 white, R5 asian; R3 undisclosed and R6 blank are unknown
    db.set_setting("urim_list", ["black", "asian"], user="test")
    assert residents_counted(db, True) == 3


def test_mentor_load(db):
    db.set_setting("min_cell", 3, user="test")
    db.set_setting("capacity", 2, user="test")
    load = coverage.mentor_load(db, AS_OF, Filters())
    # S1: R1, R2, R5 (R7 has left); S2: R5 (R3 ended); EXT1: R4; S3: J1, J2.
    assert load == {"mentors": 4, "mean": 1.75, "max": 3, "over_capacity": 1, "capacity": 2, "suppressed": False}


def test_mentor_load_filter_selects_mentors(db):
    db.set_setting("min_cell", 3, user="test")
    load = coverage.mentor_load(db, AS_OF, Filters.of(career_stage=["senior_faculty"]))
    assert load["mentors"] == 3  # S1, S2, S3; the external mentor has no roster values


def test_mentor_load_suppressed_under_min_cell(db):
    load = coverage.mentor_load(db, AS_OF, Filters())
    assert load["suppressed"] and load["mentors"] is None and load["max"] is None


def test_active_relationships(db):
    db.set_setting("min_cell", 3, user="test")
    rel = coverage.active_relationships(db, AS_OF, Filters())
    assert (rel["relationships"], rel["mentees"]) == (7, 6)  # R1 R2 R4 R5x2 J1 J2


def test_hostile_filter_values_are_refused():
    from mentordash.metrics.filters import FilterError

    with pytest.raises(FilterError, match="career_stage"):
        Filters.of(career_stage=["resident'; DROP TABLE people; --"])


def test_hostile_free_text_filter_is_bound(db):
    total = coverage.coverage_total(db, AS_OF, Filters.of(division=["x' OR '1'='1"]))
    assert total["n"] == 0


# --- The coverage page (issue 4): every number below is worked out by hand ------------------------

from mentordash.access import User  # noqa: E402
from mentordash.metrics.summary import coverage_part  # noqa: E402

COORDINATOR = User(email="pat@x.org", role="coordinator")
VIEWER = User(email="v@x.org", role="viewer")


def cell(frame, **keys):
    rows = frame
    for key, value in keys.items():
        rows = rows[rows[key] == value]
    assert len(rows) == 1, keys
    return rows.iloc[0].to_dict()


def test_by_role_counts(db):
    db.set_setting("min_cell", 3, user="test")
    frame = coverage.coverage_by_role(db, AS_OF, Filters())
    # Mentor: R1 R2 (ends on as_of) R4 (external) R5 (two mentors, once); J1 J2. Engaged: R1, R4.
    r = cell(frame, role="mentor", career_stage="resident")
    assert (r["n"], r["covered"], r["pct"], r["engaged"], r["engaged_pct"]) == (6, 4, 66.7, 2, 33.3)
    a = cell(frame, role="mentor", career_stage="all")
    assert (a["n"], a["covered"], a["pct"], a["engaged"]) == (14, 6, 42.9, 2)
    # Sponsor: R6 only, and met on 1 June.
    s = cell(frame, role="sponsor", career_stage="resident")
    assert (s["covered"], s["engaged"], s["pct"]) == (1, 1, 16.7)
    assert cell(frame, role="advisor", career_stage="all")["covered"] == 0
    # Any role: R1 R2 R4 R5 R6 and J1 J2; engaged R1 R4 R6.
    any_all = cell(frame, role="any", career_stage="all")
    assert (any_all["covered"], any_all["engaged"], any_all["pct"]) == (7, 3, 50.0)
    assert (any_all["ci_low"], any_all["ci_high"]) == (26.8, 73.2)  # Wilson 7/14


def test_by_role_mentor_rows_equal_the_summary(db):
    for min_cell in (5, 3):
        db.set_setting("min_cell", min_cell, user="test")
        frame = coverage.coverage_by_role(db, AS_OF, Filters())
        summary = coverage_part(db, AS_OF, Filters())
        mentor = frame[frame["role"] == "mentor"]
        for stage, expected in summary["by_stage"].items():
            row = cell(mentor, career_stage=stage)
            assert {k: row[k] for k in expected if k != "suppressed"} == {
                k: v for k, v in expected.items() if k != "suppressed"
            }
            assert bool(row["suppressed"]) == expected.get("suppressed", False)
        total = cell(mentor, career_stage="all")
        assert {k: total[k] for k in summary["all"] if k != "suppressed"} == {
            k: v for k, v in summary["all"].items() if k != "suppressed"
        }


@pytest.mark.parametrize("roles", [("mentor",), ("sponsor",), ROLES, ("mentor", "sponsor")])
@pytest.mark.parametrize("audience", ["exact", "protected"])
def test_view_total_read_from_the_headlines_counts_equals_coverage_total(db, roles, audience):
    """The page's total (and residents' benchmark) come from coverage_by_role's counts; a set of roles that
    is neither one role nor all of them is counted on its own. Inside a snapshot as a page run, and outside."""
    for filters in (Filters(), Filters.of(gender=["man"]), Filters.of(career_stage=["resident"])):
        expected = coverage.coverage_total(db, AS_OF, filters, roles, audience=audience)
        assert coverage.view_total(db, AS_OF, filters, roles, audience=audience) == expected
        with db.snapshot():
            coverage.coverage_by_role(db, AS_OF, filters, audience=audience)
            assert coverage.view_total(db, AS_OF, filters, roles, audience=audience) == expected


def test_by_role_complementary_in_every_role(db):
    frame = coverage.coverage_by_role(db, AS_OF, Filters())  # min_cell 5: seniors (3) hide, juniors (5) too
    for role in (*ROLES, "any"):
        assert cell(frame, role=role, career_stage="senior_faculty")["suppressed"]
        assert cell(frame, role=role, career_stage="junior_faculty")["suppressed"]
        assert cell(frame, role=role, career_stage="junior_faculty")["pct"] is None
        assert not cell(frame, role=role, career_stage="resident")["suppressed"]


def test_month_ends_cover_all_years(db):
    days = coverage.month_ends(db, AS_OF)
    assert days[0] == date(2024, 9, 30)  # the first relationship (S1-R7) began in September 2024
    assert days[-1] == AS_OF and len(days) == 22  # Sep 2024 .. Jun 2026
    assert coverage.month_ends(db, date(2026, 6, 15))[-2:] == [date(2026, 5, 31), date(2026, 6, 15)]


def test_monthly_coverage(db):
    db.set_setting("min_cell", 3, user="test")
    frame = coverage.coverage_monthly(db, AS_OF, Filters())

    def resident(day):
        return cell(frame, day=day, career_stage="resident")

    # 31 Dec 2024: R1-R7 active, only R7 covered (S1 since Sep 2024).
    assert (resident(date(2024, 12, 31))["n"], resident(date(2024, 12, 31))["covered"]) == (7, 1)
    # 31 Jan 2025: R1 R2 R3 R4 R5 R7 covered.
    assert resident(date(2025, 1, 31))["covered"] == 6
    # as_of: R7 gone.
    assert (resident(AS_OF)["n"], resident(AS_OF)["covered"]) == (6, 4)
    # Senior faculty (3) show at min_cell 3; at 5 every senior point hides, each judged on its own.
    db.set_setting("min_cell", 5, user="test")
    frame = coverage.coverage_monthly(db, AS_OF, Filters())
    seniors = frame[frame["career_stage"] == "senior_faculty"]
    assert seniors["suppressed"].all() and seniors["pct"].isna().all()
    assert not frame[frame["career_stage"] == "resident"]["suppressed"].any()


def test_groups_complementary(db):
    frame = coverage.coverage_by_group(db, AS_OF, Filters())  # min_cell 5
    # Gender: women R1 R4 S1 (3) hide; the next smallest, not recorded (J1-J5, 5), hides with them.
    assert cell(frame, dimension="gender", group="woman")["suppressed"]
    assert cell(frame, dimension="gender", group="not_recorded")["suppressed"]
    men = cell(frame, dimension="gender", group="man")  # R2 R3 R5 R6 S2 S3
    assert (men["n"], men["covered"], men["pct"], men["suppressed"]) == (6, 2, 33.3, False)
    # URiM: R1 (derived) and R4 (explicit) 2, not URiM R2 R5 2: two small cells, no complement needed.
    assert cell(frame, dimension="urim", group="urim")["suppressed"]
    assert cell(frame, dimension="urim", group="not_urim")["suppressed"]
    unknown = cell(frame, dimension="urim", group="unknown")
    assert (unknown["n"], unknown["covered"]) == (10, 2)


@pytest.fixture
def dept(tmp_path):
    """Residents, fellows, students and faculty, with sources, dates and loads to count by hand."""
    db = new_db(tmp_path, "dept.duckdb")
    joined = date(2025, 7, 1)
    add_people(
        db,
        person("T1", "resident", joined, gender="woman", race_ethnicity=["black", "white"]),
        person("T2", "resident", joined, gender="woman", race_ethnicity=["white"]),
        person("T3", "resident", joined, gender="woman", race_ethnicity=["asian"]),
        person("T4", "resident", joined, gender="man", race_ethnicity=["white"]),
        person("T5", "resident", joined, gender="man", race_ethnicity=["hispanic_latino"]),
        person("T6", "resident", joined, gender="man", race_ethnicity=["white"]),
        person("T7", "resident", joined, gender="man"),
        person("T8", "resident", joined, gender="man", end_date=date(2026, 3, 1), departure_reason="left_early"),
        person("Fe1", "fellow", joined),
        person("Fe2", "fellow", joined),
        *[person(f"St{i}", "student", date(2026, 1, 1)) for i in range(1, 5)],
        person("F1", "senior_faculty", date(2010, 1, 1), gender="woman", race_ethnicity=["white"], division="Hand"),
        person("F2", "senior_faculty", date(2010, 1, 1), gender="woman", race_ethnicity=["white"], division="Hand"),
        person("F3", "senior_faculty", date(2010, 1, 1), gender="woman", race_ethnicity=["black"], division="Spine"),
        person(
            "F4", "junior_faculty", date(2020, 1, 1), gender="man", race_ethnicity=["hispanic_latino"], division="Spine"
        ),
        person("F5", "junior_faculty", date(2020, 1, 1), gender="man", race_ethnicity=["white"], division="Spine"),
        person(
            "F6",
            "junior_faculty",
            date(2020, 1, 1),
            gender="man",
            race_ethnicity=["asian"],
            division="=cmd|' /C calc'!A0",
        ),
        person("F7", "junior_faculty", date(2020, 1, 1)),
    )
    add_mentorships(
        db,
        dict(mentor_id="F1", mentee_id="T1", start_date=date(2025, 7, 15), source="formal_program"),
        dict(
            mentor_id="F1", mentee_id="T1", role="sponsor", start_date=date(2025, 7, 2), source="research", formal=False
        ),
        dict(mentor_id="F1", mentee_id="T2", start_date=date(2025, 6, 1), source="research", formal=False),
        dict(
            mentor_id="F3",
            mentee_id="T3",
            start_date=date(2025, 8, 1),
            end_date=date(2026, 5, 1),
            source="society",
            formal=False,
        ),
        dict(mentor_id="F2", mentee_id="T4", start_date=date(2025, 10, 29), source="formal_program"),
        dict(mentor_id="F4", mentee_id="T5", start_date=date(2025, 7, 1), source="alumni", formal=False),
        dict(mentor_id="F4", mentee_id="T6", start_date=date(2026, 1, 1), end_date=AS_OF),  # no source, formal
        dict(mentor_id="EXT", mentee_id="T7", start_date=date(2025, 9, 29), source="social_media", formal=False),
        dict(mentor_id="F2", mentee_id="T8", start_date=date(2026, 4, 1), source="formal_program"),  # after leaving
        *[dict(mentor_id="F5", mentee_id=f"Fe{i}", start_date=joined, source="meeting", formal=False) for i in (1, 2)],
        *[
            dict(mentor_id="F6", mentee_id=f"St{i}", start_date=date(2026, 3, 1), source="society", formal=False)
            for i in range(1, 5)
        ],
    )
    add_meetings(
        db,
        dict(mentor_id="F1", mentee_id="T1", date=date(2026, 6, 1)),
        dict(mentor_id="F4", mentee_id="T6", date=AS_OF),
    )
    db.set_setting("min_cell", 3, user="test")
    return db


RESIDENTS = Filters.of(career_stage=["resident"])


def test_groups_by_hand_with_pooling(dept):
    frame = coverage.coverage_by_group(dept, AS_OF, RESIDENTS)
    # Residents active: T1-T7 (T8 left). Covered: all but T3 (her relationship ended 1 May).
    women = cell(frame, dimension="gender", group="woman")
    assert (women["n"], women["covered"], women["pct"], women["engaged"]) == (3, 2, 66.7, 1)
    assert (women["ci_low"], women["ci_high"]) == (20.8, 93.9)  # Wilson 2/3
    men = cell(frame, dimension="gender", group="man")
    assert (men["n"], men["covered"], men["pct"], men["engaged"]) == (4, 4, 100.0, 1)
    # Race: black (T1), asian (T3), hispanic (T5), not recorded (T7) are each < 3: pooled, each person once.
    pooled = cell(frame, dimension="race_ethnicity", group="smaller_groups")
    assert (pooled["n"], pooled["covered"], pooled["pct"]) == (4, 3, 75.0)
    white = cell(frame, dimension="race_ethnicity", group="white")  # T1 (also black) T2 T4 T6
    assert (white["n"], white["covered"]) == (4, 4)
    assert set(frame.loc[frame["dimension"] == "race_ethnicity", "group"]) == {"smaller_groups", "white"}
    # URiM is never pooled: URiM T1 T5 (2) and unknown T7 (1) hide; not URiM T2 T3 T4 T6.
    assert cell(frame, dimension="urim", group="urim")["suppressed"]
    assert cell(frame, dimension="urim", group="unknown")["suppressed"]
    assert cell(frame, dimension="urim", group="not_urim")["covered"] == 3
    assert cell(frame, dimension="division", group="none")["n"] == 7


def test_load_distribution(dept):
    dept.set_setting("capacity", 3, user="test")
    frame = coverage.mentor_load_distribution(dept, AS_OF, Filters())
    # F1: T1 T2; F2: T4 (T8 has left); F4: T5 T6; EXT: T7; F5: Fe1 Fe2; F6: St1-St4. F3's ended.
    assert dict(zip(frame["load"], frame["mentors"])) == {1: 2, 2: 3, 4: 1}
    assert frame.loc[frame["load"] == 4, "over_capacity"].item()
    assert not frame["suppressed"].any()
    dept.set_setting("min_cell", 7, user="test")  # 6 mentors in all: every bar hides
    hidden = coverage.mentor_load_distribution(dept, AS_OF, Filters())
    assert hidden["suppressed"].all() and hidden["mentors"].isna().all()


def test_minority_tax_by_hand(dept):
    frame = coverage.load_by_group(dept, AS_OF, RESIDENTS)
    women = cell(frame, group="women")
    # Faculty F1-F7; gender known F1-F6, women F1 F2 F3. Residents' mentoring: F1 2, F2 1, F4 2, EXT 1.
    assert (women["faculty_in_group"], women["faculty_known"], women["faculty_unknown"]) == (3, 6, 1)
    assert (women["faculty_share_pct"], women["load_in_group"], women["load_known"]) == (50.0, 3, 5)
    assert (women["load_share_pct"], women["mentees_per_faculty"], women["mentees_per_other_faculty"]) == (
        60.0,
        1.0,
        0.67,
    )
    assert (women["load_outside_faculty"], women["mentees"], women["suppressed"]) == (1, 6, False)
    urim = cell(frame, group="urim")  # F3 and F4 only: fewer than 3
    assert urim["suppressed"] and urim["load_share_pct"] is None and urim["faculty_in_group"] is None


def test_sources_by_hand(dept):
    frame = coverage.relationship_sources(dept, AS_OF, Filters())
    residents = frame[frame["career_stage"] == "resident"]
    got = {r["source"]: (r["relationships"], r["formal"], r["pct"]) for r in residents.to_dict("records")}
    assert got == {
        "formal_program": (2, 2, 33.3),
        "research": (1, 0, 16.7),
        "alumni": (1, 0, 16.7),
        "social_media": (1, 0, 16.7),
        "not_recorded": (1, 1, 16.7),
    }  # T3's society tie ended
    # Fellows (2 mentees) hide, and the students (4), the next smallest, with them.
    assert frame[frame["career_stage"] == "fellow"]["suppressed"].all()
    assert frame[frame["career_stage"] == "student"]["suppressed"].all()
    assert frame[frame["career_stage"] == "student"]["relationships"].isna().all()
    formal = coverage.formal_by_stage(dept, AS_OF, Filters())
    r = cell(formal, career_stage="resident")
    assert (r["relationships"], r["formal"], r["informal"], r["formal_pct"]) == (6, 3, 3, 50.0)
    assert (r["ci_low"], r["ci_high"]) == (18.8, 81.2)
    assert cell(formal, career_stage="fellow")["suppressed"]


def test_time_to_match_by_hand(dept):
    frame = coverage.time_to_match(dept, AS_OF, Filters())
    r = cell(frame, career_stage="resident")
    # Days to the first mentor tie: T1 14 (the earlier sponsor tie is another role), T2 0 (before arrival),
    # T3 31, T4 120, T5 0, T6 184, T7 90; T8 left before their tie began: not matched.
    assert (r["n"], r["matched"], r["pct"]) == (8, 7, 87.5)
    assert (r["median_days"], r["q1_days"], r["q3_days"]) == (31.0, 7.0, 105.0)
    assert (r["n90"], r["within_90"], r["within_90_pct"]) == (8, 5, 62.5)
    s = cell(frame, career_stage="student")  # 59 days each
    assert (s["n"], s["matched"], s["median_days"], s["within_90"]) == (4, 4, 59.0, 4)
    f = cell(frame, career_stage="fellow")  # 2 people: hidden
    assert f["suppressed"] and f["median_days"] is None and f["days_suppressed"]
    # Faculty started before the 3-year window: not newcomers.
    assert set(frame["career_stage"]) == {"resident", "fellow", "student"}


def test_row_lists_for_coordinators_only(dept):
    with pytest.raises(PermissionError):
        coverage.unmatched_list(dept, AS_OF, Filters(), user=VIEWER)
    with pytest.raises(PermissionError):
        coverage.over_capacity_list(dept, AS_OF, Filters(), user=None)
    unmatched = coverage.unmatched_list(dept, AS_OF, Filters(), user=COORDINATOR)
    # T3's tie ended; T8 has left; the faculty have no mentor.
    assert list(unmatched.columns) == ["person_id", "career_stage", "division", "days_since_start"]
    assert set(unmatched["person_id"]) == {"T3", "F1", "F2", "F3", "F4", "F5", "F6", "F7"}
    assert unmatched.loc[unmatched["person_id"] == "T3", "days_since_start"].item() == (AS_OF - date(2025, 7, 1)).days
    dept.set_setting("capacity", 3, user="test")
    over = coverage.over_capacity_list(dept, AS_OF, Filters(), user=COORDINATOR)
    assert over.to_dict("records") == [
        {
            "mentor_id": "F6",
            "career_stage": "junior_faculty",
            "division": "=cmd|' /C calc'!A0",
            "external": False,
            "mentees": 4,
        }
    ]


def test_resident_benchmark(dept):
    out = coverage.resident_benchmark(dept, AS_OF, Filters())
    assert out["benchmark"]["value"] == 74.7 and out["benchmark"]["year"] == "2015"
    assert (out["department"]["n"], out["department"]["covered"], out["department"]["pct"]) == (7, 6, 85.7)
    assert coverage.resident_benchmark(dept, AS_OF, Filters.of(career_stage=["fellow"]))["department"] is None
    dept.set_setting(
        "benchmarks",
        [{"key": "residents_with_mentor", "figure": "x", "value": 80.0, "year": "2030", "source": "edited"}],
        user="test",
    )
    assert coverage.benchmark(dept, "residents_with_mentor")["value"] == 80.0


def test_engaged_needs_the_relationship_active_that_day_and_spans_merge(tmp_path):
    """Spans of one mentee overlap and touch; a meeting counts only while its relationship is active."""
    db = new_db(tmp_path, "spans.duckdb")
    db.set_setting("min_cell", 3, user="test")
    add_people(db, *[person(f"R{i}", "resident", date(2024, 7, 1)) for i in range(3)])
    add_mentorships(
        db,
        dict(mentor_id="A", mentee_id="R0", start_date=date(2025, 1, 1), end_date=date(2025, 3, 31)),
        dict(mentor_id="B", mentee_id="R0", start_date=date(2025, 2, 1), end_date=date(2025, 6, 30)),
        dict(mentor_id="C", mentee_id="R0", start_date=date(2025, 7, 1)),  # touches B's end: no gap
        dict(mentor_id="A", mentee_id="R1", start_date=date(2025, 1, 1), end_date=date(2025, 3, 31)),
    )
    add_meetings(
        db,
        dict(mentor_id="A", mentee_id="R1", date=date(2025, 3, 1)),  # engaged only until A ends on 31 March
        dict(mentor_id="C", mentee_id="R0", date=date(2025, 6, 1)),  # before C began: engaged from 1 July
    )
    days = [date(2025, 3, 31), date(2025, 4, 1), date(2025, 6, 30), date(2025, 7, 1), date(2025, 11, 28)]
    frame = coverage.coverage_over_time(db, days, Filters())
    got = [(row["covered"], row["engaged"]) for row in frame.sort_values("day").to_dict("records")]
    # 31 Mar: R0 and R1 covered, R1 engaged. 1 Apr: R0 only, nobody engaged. 30 Jun: R0 (B's last day).
    # 1 Jul: R0 with C, and the June meeting with C counts from C's first day. 28 Nov: 180 days after 1 Jun: out.
    assert got == [(2, 1), (1, 0), (1, 0), (1, 1), (1, 0)]


LONG_SERIES = [d.date() for d in pd.date_range("2023-01-31", "2026-06-30", freq="ME")] + [date(2026, 6, 15)]
COUNT_FILTERS = (
    Filters(),
    Filters(gender=("woman",)),
    Filters(urim=True),
    Filters(career_stage=("resident",), urim=False),
    Filters(division=("Cardiology",)),
    Filters(race_ethnicity=("black",)),
    Filters(institution=("Main",)),
)


def add_cardiology(db) -> None:
    """Three people of a division at another institution, two mentored for a while, one met recently."""
    add_people(
        db,
        *[
            person(f"C{i}", stage, date(2023, 7, 1), division="Cardiology", institution="Main", gender=gender)
            for i, (stage, gender) in enumerate((("resident", "woman"), ("fellow", "man"), ("junior_faculty", None)))
        ],
    )
    add_mentorships(
        db,
        dict(mentor_id="S1", mentee_id="C0", start_date=date(2024, 2, 1), end_date=date(2025, 3, 31)),
        dict(mentor_id="S2", mentee_id="C1", start_date=date(2025, 1, 1), role="coach"),
    )
    add_meetings(db, dict(mentor_id="S1", mentee_id="C0", date=date(2025, 3, 1)))


@pytest.mark.parametrize("roles", [("mentor",), tuple(ROLES)])
@pytest.mark.parametrize("filters", COUNT_FILTERS)
def test_a_long_series_summed_from_the_events_equals_the_days_counted_one_by_one(db, filters, roles):
    """Beyond SPANS_FROM_DAYS days the counts are sums of every person's events (coverage_events.sql, built
    once per data version); a few days are counted directly (coverage_on_days.sql): the same rows, keys
    included, whatever the filters."""
    assert len(set(LONG_SERIES)) > coverage.SPANS_FROM_DAYS
    add_cardiology(db)
    long = coverage.coverage_counts(db, LONG_SERIES, filters, roles)
    chunks = [
        LONG_SERIES[i : i + coverage.SPANS_FROM_DAYS] for i in range(0, len(LONG_SERIES), coverage.SPANS_FROM_DAYS)
    ]
    direct = pd.concat([coverage.coverage_counts(db, chunk, filters, roles) for chunk in chunks], ignore_index=True)
    order = ["day", "career_stage"]
    long = long.sort_values(order).reset_index(drop=True)
    direct = direct.sort_values(order).reset_index(drop=True)
    assert len(long) > 0 or filters != Filters()
    pd.testing.assert_frame_equal(long, direct.astype(long.dtypes.to_dict()), check_dtype=True)


@pytest.mark.parametrize("roles", [coverage.DEFAULT_ROLES, tuple(ROLES)])
def test_everyones_events_summed_from_the_groups_equal_the_spans_merged_directly(db, roles):
    """The events of a view of everyone are those by gender, URiM and division summed over them: the same rows,
    counts and key sums as merging every person's spans per day and career stage directly."""
    add_cardiology(db)
    summed = coverage._coverage_events(db, roles, ())
    direct = db.arrow(*coverage._events_query(db, roles, ()))
    order = [("day", "ascending"), ("career_stage", "ascending")]
    assert summed.num_rows == direct.num_rows > 0
    assert summed.sort_by(order).equals(direct.sort_by(order))


def test_a_new_filter_sums_the_coverage_events_without_merging_the_spans_again(db, monkeypatch):
    builds = []
    derived = db.derived

    def counting(key, compute, recipe=None):
        return derived(key, lambda: builds.append(key) or compute(), recipe=recipe)

    monkeypatch.setattr(db, "derived", counting)
    for filters in (Filters(gender=("woman",)), Filters(gender=("man",)), Filters(urim=True, division=("Cardiology",))):
        coverage.coverage_monthly(db, AS_OF, filters)
        coverage.coverage_counts(db, LONG_SERIES, filters)
    coverage.coverage_counts(db, LONG_SERIES, Filters())
    assert builds == [
        ("coverage_events", ("mentor",), ("gender", "urim", "division")),
        ("coverage_events", ("mentor",), ()),
    ]


@given(first=st.dates(date(1990, 1, 1), date(2030, 12, 31)), days=st.integers(0, 5000))
@settings(max_examples=300, deadline=None)
def test_month_ends_between_are_pandas_month_ends_before_the_day(first, days):
    as_of = first + timedelta(days=days)
    expected = [d.date() for d in pd.date_range(pd.Timestamp(first.year, first.month, 1), as_of, freq="ME")]
    assert coverage.month_ends_between(first, as_of) == [d for d in expected if d < as_of]
