"""Burnout prevalence, groups, the mentored rule, response rate and suppression, on a survey counted by hand.

Wave A, all submitted 30 April 2025 (Mini-Z burnout item in brackets; >= 3 is burnout):
  roster-linked: R1 (3) R2 (4) R3 (1) R4 (2) R5 (5) R6 (3) residents; F1 (1) F2 (2) F3 (3) F4 (1) junior faculty
  anonymous: A1 (4, woman, has_mentor) A2 (2, man, no mentor) A3 (3) A4 (1) A5 (2) (fellows, has_mentor blank)
  Z1 (1): a person_id the roster does not know, has_mentor true -> treated as anonymous
  O1: item out of range (9) -> not scoreable; I1 (R1 again, 5) and I2 (F5, 4): flagged incomplete -> left out
Mini-Z scoreable 16, burned out 7 (R1 R2 R5 R6 F3 A1 A3).
Mentored (roster for linked: an active 'mentor' relationship on 30 April 2025; self-report otherwise):
  mentored R1 (open), R2 (starts that day), R5 (ends that day), A1, Z1 -> 5, burned out 4
  not mentored R3 (ended the day before, though she says she has one), R4 (a sponsor only), R6 (says yes; roster
  says no), F1-F4, A2 -> 8, burned out 2;   unknown A3 A4 A5 -> 3, burned out 1
"""

from datetime import date, datetime

import pytest

from mentordash import privacy
from mentordash.db import connect
from mentordash.metrics import summary, wellbeing
from mentordash.metrics.filters import Filters
from mentordash.metrics.intervals import wilson
from tests.builders import add_mentorships, add_people, add_survey, new_db, person

DAY = datetime(2025, 4, 30, 9, 0)
WAVE = "Wave A"


def response(rid, mini_z, person_id=None, **extra):
    return {
        "survey": WAVE,
        "response_id": rid,
        "submitted_at": DAY,
        "person_id": person_id,
        "mini_z_burnout": mini_z,
        "complete": True,
        "career_stage": None,
        "gender": None,
        "has_mentor": None,
        **extra,
    }


@pytest.fixture
def db(tmp_path):
    db = new_db(tmp_path)
    joined = date(2020, 7, 1)
    add_people(
        db,
        *[
            person(
                f"R{i}",
                "resident",
                joined,
                gender="woman" if i <= 3 else "man",
                race_ethnicity=["black"] if i == 1 else ["white"],
                division="Spine" if i <= 3 else "Hand",
            )
            for i in range(1, 7)
        ],
        *[person(f"F{i}", "junior_faculty", date(2015, 7, 1), gender="man", division="Spine") for i in range(1, 6)],
        person("X1", "resident", joined, end_date=date(2025, 3, 1), departure_reason="left_early"),
        person("S1", "senior_faculty", date(2000, 1, 1)),
    )
    add_mentorships(
        db,
        dict(mentor_id="S1", mentee_id="R1", start_date=date(2025, 1, 1)),
        dict(mentor_id="S1", mentee_id="R2", start_date=date(2025, 4, 30)),
        dict(mentor_id="S1", mentee_id="R3", start_date=date(2024, 1, 1), end_date=date(2025, 4, 29)),
        dict(mentor_id="S1", mentee_id="R4", role="sponsor", start_date=date(2024, 1, 1)),
        dict(mentor_id="S1", mentee_id="R5", start_date=date(2024, 1, 1), end_date=date(2025, 4, 30)),
    )
    add_survey(
        db,
        response("r1", 3, "R1"),
        response("r2", 4, "R2"),
        response("r3", 1, "R3", has_mentor=True),
        response("r4", 2, "R4", gender="woman"),  # roster says man: the roster wins
        response("r5", 5, "R5"),
        response("r6", 3, "R6", has_mentor=True),
        response("f1", 1, "F1"),
        response("f2", 2, "F2"),
        response("f3", 3, "F3"),
        response("f4", 1, "F4"),
        response("a1", 4, career_stage="resident", gender="woman", has_mentor=True),
        response("a2", 2, career_stage="resident", gender="man", has_mentor=False),
        response("a3", 3, career_stage="fellow"),
        response("a4", 1, career_stage="fellow"),
        response("a5", 2, career_stage="fellow"),
        response("z1", 1, "GHOST", has_mentor=True),
        response("o1", 9, career_stage="fellow"),
        response("i1", 5, "R1", complete=False),
        response("i2", 4, "F5", complete=False),
    )
    return db


def cells(frame, **where):
    for key, value in where.items():
        frame = frame[frame[key] == value]
    return frame


def groups(db, dimension, measure="mini_z"):
    frame = wellbeing.measures_by_group(db, Filters())
    rows = cells(frame, survey=WAVE, measure=measure, dimension=dimension)
    return {r["group"]: r for r in rows.to_dict("records")}


def test_prevalence_counted_by_hand(db):
    frame = wellbeing.burnout_prevalence(db, Filters())
    assert list(frame["instrument"]) == ["mini_z"]  # no other instrument has a scoreable response
    row = frame.iloc[0]
    assert (row["survey"], row["n"], row["burned_out"], row["pct"]) == (WAVE, 16, 7, 43.8)
    low, high = wilson(7, 16)
    assert (row["ci_low"], row["ci_high"]) == (round(100 * low, 1), round(100 * high, 1)) == (23.1, 66.8)
    assert row["rule"] == "Mini-Z, burnout = burnout item 3 of 5 or worse"
    assert not row["suppressed"]


def test_cut_off_change_applies(db):
    db.set_setting("cutoffs", {"mini_z_burnout": 4}, user="test")
    row = wellbeing.burnout_prevalence(db, Filters()).iloc[0]
    assert (row["n"], row["burned_out"]) == (16, 3)  # R2 R5 A1
    assert "item 4 of 5" in row["rule"]


def test_a_cut_off_change_applies_to_figures_already_derived(db):
    assert wellbeing.burnout_prevalence(db, Filters()).iloc[0]["burned_out"] == 7
    db.set_setting("cutoffs", {"mini_z_burnout": 4}, user="test")
    assert wellbeing.burnout_prevalence(db, Filters()).iloc[0]["burned_out"] == 3


def derived_builds(db, monkeypatch) -> list:
    """The keys of the per-version summaries db builds from now on (Database.derived), in order."""
    builds = []
    derived = db.derived

    def counting(key, compute, recipe=None):
        return derived(key, lambda: builds.append(key) or compute(), recipe=recipe)

    monkeypatch.setattr(db, "derived", counting)
    return builds


def test_a_new_filter_sums_the_combinations_without_scoring_the_responses_again(db, monkeypatch):
    builds = derived_builds(db, monkeypatch)
    for filters in (Filters(), Filters(gender=("woman",)), Filters(career_stage=("resident",), urim=True)):
        wellbeing.measures_by_wave(db, filters)
        wellbeing.measures_by_group(db, filters)
        wellbeing.responses_total(db, filters)
    groups = ("eff_division", "eff_gender", "eff_stage", "urim_eff")
    assert builds == [  # everyone's is summed from the one table for any group filter or breakdown
        ("wellbeing_combinations", ()),
        ("wellbeing_combinations", groups),
        ("wellbeing_combinations", tuple(sorted((*groups, "mentored")))),
    ]
    wellbeing.measures_by_group(db, Filters(race_ethnicity=("black",), institution=("Dept 02",)))
    assert builds[-1] == (
        "wellbeing_combinations",
        tuple(sorted((*groups, "eff_institution", "mentored", "race_ethnicity"))),
    )
    with pytest.raises(ValueError, match="no combination column"):
        wellbeing._combinations(db, ("person_id",))


@pytest.mark.parametrize(
    "setting", [None, ("cutoffs", {"mini_z_burnout": 4}), ("urim_list", ["black", "hispanic_latino"])]
)
def test_everyones_combinations_summed_from_the_groups_equal_the_responses_counted_per_wave(db, setting):
    """The table of a view of everyone is the one by the four groups summed over them: the same rows, counts
    and cell keys as scoring and counting the responses per wave directly, whatever the settings."""
    if setting:
        db.set_setting(*setting, user="test")
    summed = wellbeing._combinations(db, ())
    sql, params = wellbeing._combinations_query(db, ())
    direct = db.arrow(sql, params)
    assert wellbeing._combinations(db, wellbeing.GROUPS).num_rows > summed.num_rows > 0  # cells were summed
    assert summed.sort_by("survey").equals(direct.sort_by("survey"))


def test_response_rates_sum_the_eligible_without_matching_the_roster_again(db, monkeypatch):
    builds = derived_builds(db, monkeypatch)
    for filters in (Filters(), Filters(gender=("woman",)), Filters(career_stage=("resident",), urim=True)):
        wellbeing.response_rates(db, filters)
    eligible = [key for key in builds if key[0] == "wellbeing_eligible"]
    assert eligible == [  # everyone: one row per wave; any group filter: one table for them all
        ("wellbeing_eligible", ()),
        ("wellbeing_eligible", ("career_stage", "division", "gender", "urim")),
    ]
    men = wellbeing.response_rates(db, Filters(gender=("man",))).iloc[0]
    assert (men["eligible"], men["respondents"]) == (8, 7)  # R4-R6 and F1-F5; F5's response is incomplete


def test_incomplete_responses_left_out_everywhere(db):
    assert wellbeing.responses_total(db, Filters())["n"] == 17  # 19 rows, 2 flagged incomplete
    rate = wellbeing.response_rates(db, Filters()).iloc[0]
    assert rate["responses"] == 17


def test_mentored_rule_linked_and_anonymous(db):
    db.set_setting("min_cell", 3, user="test")
    rows = groups(db, "mentored")
    assert (rows["mentored"]["n"], rows["mentored"]["positive"]) == (5, 4)
    assert (rows["not_mentored"]["n"], rows["not_mentored"]["positive"]) == (8, 2)
    assert (rows["unknown"]["n"], rows["unknown"]["positive"]) == (3, 1)
    assert rows["not_mentored"]["pct"] == 25.0
    low, high = wilson(2, 8)
    assert (rows["not_mentored"]["ci_low"], rows["not_mentored"]["ci_high"]) == (
        round(100 * low, 1),
        round(100 * high, 1),
    )


def test_mentored_on_the_submission_day_through_overlapping_relationships_and_gaps(tmp_path):
    """Linked responses are mentored on a day inside any 'mentor' relationship (its end day included);
    overlapping and back-to-back relationships count as one span, a gap or another role does not."""
    db = new_db(tmp_path)
    add_people(db, *[person(f"P{i}", "resident", date(2020, 7, 1)) for i in range(1, 4)])
    add_mentorships(
        db,
        dict(mentor_id="M1", mentee_id="P1", start_date=date(2024, 1, 1), end_date=date(2024, 6, 30)),
        dict(mentor_id="M2", mentee_id="P1", start_date=date(2024, 3, 1), end_date=date(2025, 1, 31)),
        dict(mentor_id="M3", mentee_id="P1", start_date=date(2025, 2, 1), end_date=date(2025, 2, 28)),
        dict(mentor_id="M1", mentee_id="P1", start_date=date(2025, 6, 1)),
        dict(mentor_id="M4", mentee_id="P2", role="sponsor", start_date=date(2024, 1, 1)),
    )
    days = {  # response id: (person, day, mentored)
        "before": ("P1", datetime(2023, 12, 31, 9), False),
        "first": ("P1", datetime(2024, 1, 1, 9), True),
        "overlap": ("P1", datetime(2024, 5, 1, 9), True),
        "second_only": ("P1", datetime(2024, 12, 1, 9), True),
        "end_day": ("P1", datetime(2025, 1, 31, 18), True),
        "back_to_back": ("P1", datetime(2025, 2, 10, 9), True),
        "gap": ("P1", datetime(2025, 3, 1, 9), False),
        "open_again": ("P1", datetime(2026, 1, 1, 9), True),
        "sponsor_only": ("P2", datetime(2025, 1, 1, 9), False),
        "none": ("P3", datetime(2025, 1, 1, 9), False),
    }
    add_survey(
        db,
        *[response(rid, 3, person_id=pid, survey=rid, submitted_at=day) for rid, (pid, day, _) in days.items()],
    )
    frame = wellbeing.measures_by_group(db, Filters())
    mentored = frame[(frame["dimension"] == "mentored") & (frame["measure"] == "mini_z")]
    shown = {(r["survey"], r["group"]) for r in mentored.to_dict("records")}
    assert shown == {(rid, "mentored" if yes else "not_mentored") for rid, (_, _, yes) in days.items()}


def test_mentored_small_group_suppressed_with_its_complement(db):
    rows = groups(db, "mentored")  # min_cell 5: unknown (3) hidden, and the next smallest (mentored, 5) too
    assert rows["unknown"]["suppressed"] and rows["unknown"]["n"] is None
    assert rows["mentored"]["suppressed"] and rows["mentored"]["positive"] is None
    assert not rows["not_mentored"]["suppressed"] and rows["not_mentored"]["n"] == 8


def test_groups_use_roster_values_for_linked_responses(db):
    db.set_setting("min_cell", 3, user="test")
    gender = groups(db, "gender")
    assert (gender["woman"]["n"], gender["woman"]["positive"]) == (4, 3)  # R1 R2 R3 A1 (not R4)
    assert (gender["man"]["n"], gender["man"]["positive"]) == (8, 3)
    assert gender["unknown"]["n"] == 4
    stage = groups(db, "career_stage")
    # resident 8, junior faculty 4, fellow 3, unknown (Z1) 1: Z1 hidden, and the next smallest with it
    assert {k: v["n"] for k, v in stage.items()} == {
        "resident": 8,
        "fellow": None,
        "junior_faculty": 4,
        "unknown": None,
    }
    assert stage["fellow"]["suppressed"] and stage["unknown"]["suppressed"]
    urim = groups(db, "urim")
    # URiM R1 (1), not URiM R2-R6 (5), unknown: F1-F4, the anonymous and Z1 (10)
    assert urim["unknown"]["n"] == 10
    assert urim["urim"]["n"] is None and urim["urim"]["suppressed"]  # R1 alone: 1 < 3
    assert urim["not_urim"]["suppressed"]  # its complement


def test_division_breakdown_complementary_suppression(db):
    division = groups(db, "division")  # Spine 7, Hand 3, unknown (anonymous) 6
    assert division["Spine"]["n"] == 7 and division["Spine"]["positive"] == 3
    assert division["Hand"]["suppressed"] and division["unknown"]["suppressed"]


def test_filters_select_respondents_by_roster_else_self_report(db):
    women = Filters(gender=("woman",))
    total = wellbeing.responses_total(db, women)
    assert total["suppressed"] and total["n"] is None  # 4 complete responses: too few to show anything
    frame = wellbeing.burnout_prevalence(db, women)
    assert frame.iloc[0]["suppressed"] and frame.iloc[0]["pct"] is None
    residents = wellbeing.burnout_prevalence(db, Filters(career_stage=("resident",))).iloc[0]
    assert (residents["n"], residents["burned_out"]) == (8, 5)  # R1-R6, A1, A2


def test_response_rate(db):
    rate = wellbeing.response_rates(db, Filters()).iloc[0]
    # surveyed stages resident, junior_faculty, fellow; active on 30 April 2025: R1-R6, F1-F5 (X1 has left,
    # S1 is not in a surveyed stage); known respondents R1-R6, F1-F4 (F5's response is incomplete)
    assert (rate["eligible"], rate["respondents"], rate["rate"]) == (11, 10, 90.9)
    assert rate["roster_allows"] and not rate["suppressed"]


def test_response_rate_unknown_for_an_anonymous_survey(tmp_path):
    db = new_db(tmp_path, "anon.duckdb")
    add_people(db, *[person(f"R{i}", "resident", date(2020, 1, 1)) for i in range(8)])
    add_survey(
        db,
        *[
            {
                "survey": "Anon",
                "response_id": f"x{i}",
                "submitted_at": DAY,
                "career_stage": "resident",
                "mini_z_burnout": 2,
                "complete": True,
            }
            for i in range(6)
        ],
    )
    rate = wellbeing.response_rates(db, Filters()).iloc[0]
    assert not rate["roster_allows"] and rate["rate"] is None


def test_response_rate_counts_each_wave_across_many_waves(tmp_path):
    """Who answered a wave is a bit per wave, 64 waves to a chunk: 130 waves cross two chunk boundaries. Person
    P<k> answers the waves whose number is a multiple of k (P1 every wave), once or twice, and P0 only
    incompletely; every wave's respondents are counted by hand."""
    db = new_db(tmp_path, "many_waves.duckdb")
    add_people(db, *[person(f"P{k}", "resident", date(2020, 1, 1)) for k in range(8)])
    waves = [f"W{i:03d}" for i in range(130)]
    rows = []
    for i, wave in enumerate(waves):
        day = datetime(2025, 1, 1, 9, 0)
        for k in range(1, 8):
            if i % k == 0:
                rows += [
                    {
                        "survey": wave,
                        "response_id": f"{wave}-{k}-{n}",
                        "submitted_at": day,
                        "person_id": f"P{k}",
                        "mini_z_burnout": 2,
                        "complete": True,
                    }
                    for n in range(1 + (i + k) % 2)
                ]
        rows.append(
            {
                "survey": wave,
                "response_id": f"{wave}-0",
                "submitted_at": day,
                "person_id": "P0",
                "mini_z_burnout": 2,
                "complete": False,
            }
        )
    add_survey(db, *rows)
    rates = wellbeing.response_rates(db, Filters()).set_index("survey")
    expected = {wave: sum(1 for k in range(1, 8) if i % k == 0) for i, wave in enumerate(waves)}
    assert rates["respondents"].to_dict() == expected
    assert set(rates["eligible"]) == {8}


def test_instruments_never_mixed_and_waves_ordered(tmp_path):
    db = new_db(tmp_path, "waves.duckdb")
    later, earlier = datetime(2026, 4, 1), datetime(2024, 4, 1)
    add_survey(
        db,
        *[
            {
                "survey": "Z later",
                "response_id": f"l{i}",
                "submitted_at": later,
                "mini_z_burnout": 1 + i % 5,
                "mbi_ee_item": i % 7,
                "mbi_dp_item": 0,
                "complete": True,
            }
            for i in range(10)
        ],
        *[
            {
                "survey": "A earlier",
                "response_id": f"e{i}",
                "submitted_at": earlier,
                "mbi_ee_item": 6,
                "mbi_dp_item": 0,
                "mini_z_burnout": None,
                "complete": True,
            }
            for i in range(6)
        ],
    )
    frame = wellbeing.burnout_prevalence(db, Filters())
    assert list(zip(frame["survey"], frame["instrument"])) == [
        ("A earlier", "mbi_single"),
        ("Z later", "mini_z"),
        ("Z later", "mbi_single"),
    ]
    rows = {(r["survey"], r["instrument"]): r for r in frame.to_dict("records")}
    assert (rows[("A earlier", "mbi_single")]["n"], rows[("A earlier", "mbi_single")]["burned_out"]) == (6, 6)
    # Mini-Z 1..5 twice: 3, 4, 5 burned out -> 6 of 10; single-item EE 0..6, 0..2: >= 4 are 4, 5, 6 -> 3 of 10
    assert (rows[("Z later", "mini_z")]["n"], rows[("Z later", "mini_z")]["burned_out"]) == (10, 6)
    assert (rows[("Z later", "mbi_single")]["n"], rows[("Z later", "mbi_single")]["burned_out"]) == (10, 3)


def test_wellbeing_measures_alongside(db):
    add_survey(
        db,
        *[
            {
                "survey": "Wave B",
                "response_id": f"b{i}",
                "submitted_at": datetime(2026, 4, 1),
                "career_satisfaction": [1, 2, 3, 4, 5, 4][i],
                "intent_to_leave": i < 2,
                "complete": True,
            }
            for i in range(6)
        ],
    )
    frame = wellbeing.measures_by_wave(db, Filters())
    career = cells(frame, survey="Wave B", measure="career_satisfied").iloc[0]
    assert (career["n"], career["positive"], career["pct"]) == (6, 3, 50.0)
    leave = cells(frame, survey="Wave B", measure="intent_to_leave").iloc[0]
    assert (leave["n"], leave["positive"]) == (6, 2)
    assert "mini_z" not in set(cells(frame, survey="Wave B")["measure"])


def test_summary_burnout_part_equals_page_table(db):
    part = summary.burnout_part(db, Filters())
    frame = wellbeing.burnout_prevalence(db, Filters())
    assert part == [{"survey": WAVE, "instrument": "mini_z", "n": 16, "burned_out": 7, "pct": 43.8}]
    assert [(r["survey"], r["instrument"], r["n"], r["burned_out"], r["pct"]) for r in frame.to_dict("records")] == [
        (p["survey"], p["instrument"], p["n"], p["burned_out"], p["pct"]) for p in part
    ]


def test_summary_burnout_part_suppressed(db):
    part = summary.burnout_part(db, Filters(gender=("woman",)))
    assert part == [
        {"survey": WAVE, "instrument": "mini_z", "n": None, "burned_out": None, "pct": None, "suppressed": True}
    ]


def test_no_row_level_columns_leave_the_metrics(db):
    for frame in (
        wellbeing.measures_by_wave(db, Filters()),
        wellbeing.measures_by_group(db, Filters()),
        wellbeing.burnout_prevalence(db, Filters()),
        wellbeing.response_rates(db, Filters()),
    ):
        assert not {"response_id", "person_id", "mini_z_burnout", "submitted_at"} & set(frame.columns)


def test_benchmarks_matched_by_instrument(db):
    marks = wellbeing.benchmarks(db)
    assert {b["key"] for b in marks["by_instrument"]["mbi_full"]} == {"burnout_residents_mbi", "burnout_faculty_mbi"}
    assert [b["key"] for b in marks["by_instrument"]["pfi"]] == ["burnout_surgeons_pfi"]
    assert "mini_z" not in marks["by_instrument"]
    assert [b["key"] for b in marks["unmatched"]] == ["burnout_surgeons_pooled"]


def test_after_a_restart_the_figures_come_from_the_kept_summaries_unchanged(db, tmp_path, monkeypatch):
    """The summaries a view built are kept in the file (Database.derived): the next process reads them, exact
    and protected figures the same, and scores no response again."""
    views = (Filters(), Filters(gender=("woman",)), Filters(career_stage=("resident",), urim=True))

    def figures(database) -> list:
        return [
            function(database, filters, audience=audience)
            for filters in views
            for audience in (privacy.EXACT, privacy.PROTECTED)
            for function in (wellbeing.measures_by_wave, wellbeing.measures_by_group, wellbeing.response_rates)
        ]

    before = figures(db)
    db.close()
    again = connect(tmp_path / "test.duckdb")
    builds = derived_builds(again, monkeypatch)
    after = figures(again)
    assert all(a.equals(b) for a, b in zip(before, after)) and len(after) == 18
    assert builds == []  # every summary was read from the file
    again.close()
