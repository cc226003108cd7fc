"""Viewers' (PROTECTED) recruitment and outcomes figures: the cell key method (issue 12, docs/privacy.md).

For every converted function: (a) EXACT is what the function gave before (the same as calling it without an
audience); (b) on a department built in code, no published count is 1 .. min_cell-1, every published count
is within MAX_CHANGE of the exact one, and asking twice gives the same frame; (c) small cases whose record
keys are set by hand, so that the published counts can be read off the perturbation table.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from mentordash import privacy
from mentordash.metrics import outcomes, recruitment
from mentordash.metrics.filters import Filters
from mentordash.metrics.summary import outcomes_part, recruitment_part
from tests.builders import add_applicants, add_mentorships, add_outcomes, add_people, add_survey, new_db, person

AS_OF = date(2026, 6, 30)
MIN_CELL = 5
EXACT, PROTECTED = privacy.EXACT, privacy.PROTECTED
TOP_KEY = 2**32 - 1  # a cell holding this key alone (the others 0) has key fraction ~1: the largest change

STAGES = ("student", "resident", "fellow", "junior_faculty", "senior_faculty")
GENDERS = ("woman", "woman", "man", "man", "man", "nonbinary", "undisclosed", None)
RACES = (["white"], ["asian"], ["black"], ["hispanic_latino"], ["undisclosed"], None, ["white", "black"])
PIPELINES = (None, None, None, ["perry_initiative"], ["nth_dimensions"], ["perry_initiative", "rjos"])
REACHED = ("applied", "applied", "applied", "interviewed", "interviewed", "ranked", "matched")


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def build_department(db, seed: int = 12) -> None:
    """About 150 people (mentorships, publications, promotions, departures), two survey waves and
    four (cycle, track) applicant pools, drawn from a seeded generator."""
    rng = random.Random(seed)
    people, mentorships, results = [], [], []
    faculty = [f"F{i}" for i in range(40)]
    for i in range(150):
        pid = faculty[i] if i < len(faculty) else f"P{i}"
        stage = rng.choice(("junior_faculty", "senior_faculty")) if i < len(faculty) else rng.choice(STAGES)
        start = _day(rng, date(2012, 1, 1), date(2026, 5, 1))
        end = reason = None
        if rng.random() < 0.25:
            end = _day(rng, start + timedelta(days=30), date(2026, 6, 29))
            reason = rng.choice(("left_early", "dismissed", "completed"))
        people.append(
            person(
                pid,
                stage,
                start,
                end_date=end,
                departure_reason=reason,
                gender=rng.choice(GENDERS),
                urim=rng.choice((True, False, None)),
            )
        )
        if rng.random() < 0.55:
            mentorships.append(
                dict(
                    mentor_id=rng.choice(faculty),
                    mentee_id=pid,
                    start_date=start,
                    end_date=None if rng.random() < 0.7 else end,
                )
            )
        for _ in range(rng.randrange(6)):
            results.append(
                dict(
                    person_id=pid,
                    date=_day(rng, date(2023, 7, 1), AS_OF),
                    kind="publication",
                    count=rng.randrange(1, 4),
                )
            )
        if stage in ("junior_faculty", "senior_faculty") and rng.random() < 0.5:
            results.append(
                dict(person_id=pid, date=_day(rng, start + timedelta(days=200), date(2027, 1, 1)), kind="promotion")
            )
    add_people(db, *people)
    add_mentorships(db, *mentorships)
    add_outcomes(db, *results)
    responses = []
    for wave, day in (("2025 Spring", date(2025, 4, 1)), ("2026 Spring", date(2026, 4, 1))):
        for k in range(70):
            linked = k < 50
            responses.append(
                {
                    "survey": wave,
                    "response_id": f"{wave}-{k}",
                    "submitted_at": f"{day + timedelta(days=k % 20)} 10:00:00",
                    "person_id": f"P{40 + k}" if linked else None,
                    "career_stage": None if linked else rng.choice(STAGES),
                    "gender": None if linked else rng.choice(GENDERS),
                    "has_mentor": None if linked else rng.choice((True, False, None)),
                    "career_satisfaction": rng.choice((1, 2, 3, 4, 4, 5, 5, None)),
                }
            )
    add_survey(db, *responses)
    applicants = []
    for cycle in (2025, 2026):
        for track in ("residency", "fellowship"):
            for k in range(90 if track == "residency" else 45):
                applicants.append(
                    dict(
                        applicant_id=f"{track[0]}{cycle}-{k}",
                        cycle=cycle,
                        track=track,
                        gender=rng.choice(GENDERS),
                        race_ethnicity=rng.choice(RACES),
                        urim=rng.choice((None, None, None, True)),
                        pipeline=rng.choice(PIPELINES),
                        stage_reached=rng.choice(REACHED),
                    )
                )
    add_applicants(db, *applicants)
    # Record keys drawn from the same seeded generator (not the column default), so that every run checks
    # the same published figures.
    with db.transaction() as cur:
        for table, column in (("people", "person_id"), ("survey", "response_id"), ("applicants", "applicant_id")):
            for (record,) in cur.execute(f"SELECT {column} FROM {table} ORDER BY {column}").fetchall():
                cur.execute(f"UPDATE {table} SET record_key = ? WHERE {column} = ?", [rng.randrange(2**32), record])


@pytest.fixture(scope="module")
def dept(tmp_path_factory):
    db = new_db(tmp_path_factory.mktemp("protected"))
    build_department(db)
    return db


WOMEN = Filters(gender=("woman",))
URIM = Filters(urim=True)

# Each converted function, called as the pages call it, with the count columns a viewer sees.
CALLS = {
    "funnel": (
        lambda db, **a: recruitment.funnel(db, Filters(), **a),
        ["n", "gender_known", "women", "gender_unknown", "urim_known", "urim", "urim_unknown"],
    ),
    "funnel_women": (lambda db, **a: recruitment.funnel(db, WOMEN, **a), ["n", "women", "gender_known"]),
    "applicant_total": (lambda db, **a: recruitment.applicant_total(db, URIM, **a), ["n"]),
    "group_funnel": (lambda db, **a: recruitment.group_funnel(db, WOMEN, "residency", 2026, **a), ["n"]),
    "group_funnel_all": (lambda db, **a: recruitment.group_funnel(db, Filters(), "fellowship", 2025, **a), ["n"]),
    "conversions": (lambda db, **a: recruitment.conversions(db, URIM, "residency", 2025, **a), ["n_from", "n_to"]),
    "pipeline_share": (
        lambda db, **a: recruitment.pipeline_share(db, Filters(), "residency", 2026, **a),
        ["n_stage", "n"],
    ),
    "representation": (
        lambda db, **a: recruitment.representation(db, AS_OF, Filters(), **a),
        ["n", "gender_known", "women", "gender_unknown", "urim_known", "urim", "urim_unknown"],
    ),
    "people_total": (lambda db, **a: outcomes.people_total(db, AS_OF, Filters(), **a), ["n", "mentored"]),
    "publications": (lambda db, **a: outcomes.publications(db, AS_OF, Filters(), **a), ["people", "publications"]),
    "mentor_publications": (
        lambda db, **a: outcomes.mentor_publications(db, AS_OF, Filters(), **a),
        ["people", "publications"],
    ),
    "early_departure": (lambda db, **a: outcomes.early_departure(db, AS_OF, Filters(), **a), ["n", "departed"]),
    "early_departure_urim": (
        lambda db, **a: outcomes.early_departure(db, AS_OF, Filters(), by="urim", **a),
        ["n", "departed"],
    ),
    "early_departure_gender": (
        lambda db, **a: outcomes.early_departure(db, AS_OF, Filters(), by="gender", **a),
        ["n", "departed"],
    ),
    "time_to_promotion": (
        lambda db, **a: outcomes.time_to_promotion(db, AS_OF, Filters(), **a)["summary"],
        ["people", "promoted", "censored"],
    ),
    "satisfaction": (lambda db, **a: outcomes.satisfaction(db, AS_OF, Filters(), **a), ["n", "satisfied"]),
}


def as_frame(result) -> pd.DataFrame:
    return pd.DataFrame([result]) if isinstance(result, dict) else result


def assert_same(left, right) -> None:
    if isinstance(left, dict):
        assert left == right
    else:
        assert_frame_equal(left, right)


def values(frame: pd.DataFrame, column: str) -> list:
    return [None if v is None or v != v else v for v in frame[column].tolist()]


# --- (a) exact figures are unchanged ---------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CALLS))
def test_exact_is_the_default(dept, name):
    call, _ = CALLS[name]
    assert_same(call(dept, audience=EXACT), call(dept))


def test_exact_promotion_curves_and_summary_parts_unchanged(dept):
    exact = outcomes.time_to_promotion(dept, AS_OF, Filters(), audience=EXACT)
    default = outcomes.time_to_promotion(dept, AS_OF, Filters())
    assert_frame_equal(exact["curves"], default["curves"])
    assert not exact["curves"].empty
    assert recruitment_part(dept, Filters(), EXACT) == recruitment_part(dept, Filters())
    assert outcomes_part(dept, AS_OF, Filters(), EXACT) == outcomes_part(dept, AS_OF, Filters())


# --- (b) protected figures on a department built in code -------------------------------------------------


@pytest.mark.parametrize("name", sorted(CALLS))
def test_protected_counts(dept, name):
    call, counts = CALLS[name]
    exact, protected = as_frame(call(dept, audience=EXACT)), as_frame(call(dept, audience=PROTECTED))
    assert_same(call(dept, audience=PROTECTED), call(dept, audience=PROTECTED))  # asked twice: the same
    assert len(protected) == len(exact) and list(protected.columns) == list(exact.columns)
    assert not any(c.endswith(privacy.KEY_SUFFIX) for c in protected.columns)
    shown, differ = 0, 0
    for column in counts:
        for e, p in zip(values(exact, column), values(protected, column)):
            if p is None:
                continue
            assert not 0 < p < MIN_CELL, (name, column, p)
            shown += 1
            if e is not None and column != "publications":  # publications: a sum, checked below
                assert abs(int(p) - int(e)) <= privacy.MAX_CHANGE, (name, column, e, p)
                differ += int(p) != int(e)
    assert shown, f"{name}: the department should show something"
    if name not in ("applicant_total", "people_total"):
        assert differ, f"{name}: with this many cells some count should have moved"


def test_protected_rows_are_labelled_alike(dept):
    """The rows of both audiences describe the same cells (everything but figures is equal)."""
    labels = {
        "funnel": ["cycle", "track", "stage"],
        "group_funnel": ["dimension", "group", "stage"],
        "conversions": ["dimension", "group", "from_stage", "to_stage"],
        "publications": ["career_stage", "mentored"],
        "early_departure_urim": ["career_stage", "urim", "mentored"],
        "satisfaction": ["survey", "mentored"],
        "representation": ["career_stage"],
    }
    for name, columns in labels.items():
        call, _ = CALLS[name]
        assert_frame_equal(call(dept, audience=EXACT)[columns], call(dept, audience=PROTECTED)[columns])


def test_protected_shares_come_from_published_counts(dept):
    frame = recruitment.funnel(dept, Filters(), audience=PROTECTED)
    for row in frame.to_dict("records"):
        if row["women_pct"] is not None:
            share = min(row["women"], row["gender_known"]) / row["gender_known"]
            assert row["women_pct"] == pytest.approx(100 * share, abs=0.051)
        if row["gender_unknown_pct"] is not None:
            share = min(row["gender_unknown"], row["n"]) / row["n"]
            assert row["gender_unknown_pct"] == pytest.approx(100 * share, abs=0.051)
    conv = recruitment.conversions(dept, URIM, "residency", 2025, audience=PROTECTED)
    for row in conv[~conv["suppressed"] & conv["rate"].notna()].to_dict("records"):
        # a published part may come out above its whole: the rate is then 100%
        assert row["rate"] == pytest.approx(100 * min(row["n_to"], row["n_from"]) / row["n_from"], abs=0.051)
    deps = outcomes.early_departure(dept, AS_OF, Filters(), audience=PROTECTED)
    for row in deps.to_dict("records"):
        if row["pct"] is not None:
            assert row["pct"] == pytest.approx(100 * min(row["departed"], row["n"]) / row["n"], abs=0.051)


def test_protected_sums_and_means(dept):
    """Person-years and publications within the relative change of the exact ones (plus rounding), the
    rate computed from them; the promotion median within it too, and no Kaplan-Meier curves."""
    limit = privacy.RELATIVE_CHANGE
    for call in (outcomes.publications, outcomes.mentor_publications):
        exact = call(dept, AS_OF, Filters(), audience=EXACT)
        protected = call(dept, AS_OF, Filters(), audience=PROTECTED)
        moved = 0
        for e, p in zip(exact.to_dict("records"), protected.to_dict("records")):
            if p["person_years"] is None:
                continue
            # both rounded to 0.1 year: the relative change plus two roundings
            assert abs(p["person_years"] - e["person_years"]) <= limit * e["person_years"] + 0.11
            moved += p["person_years"] != e["person_years"]
            if p["publications"] is not None:
                assert abs(p["publications"] - e["publications"]) <= limit * e["publications"] + 0.5
            if p["rate"] is not None:
                assert p["rate"] == pytest.approx(p["publications"] / p["person_years"], rel=0.02, abs=0.011)
        assert moved
    exact = outcomes.time_to_promotion(dept, AS_OF, Filters(), audience=EXACT)
    protected = outcomes.time_to_promotion(dept, AS_OF, Filters(), audience=PROTECTED)
    assert protected["curves"].empty and list(protected["curves"].columns) == list(exact["curves"].columns)
    medians = 0
    for e, p in zip(exact["summary"].to_dict("records"), protected["summary"].to_dict("records")):
        for column in ("median_years", "median_low", "median_high"):
            if e[column] is not None and e[column] == e[column] and p[column] is not None:
                assert abs(p[column] - e[column]) <= limit * e[column] + 0.05
                medians += 1
    assert medians


def test_protected_summary_parts(dept):
    rows = recruitment_part(dept, Filters(), PROTECTED)
    assert rows and all(r.get("n") is None or r["n"] >= MIN_CELL for r in rows)
    funnel = recruitment.funnel(dept, Filters(), audience=PROTECTED)
    assert [r.get("n") for r in rows] == values(funnel, "n")
    part = outcomes_part(dept, AS_OF, Filters(), PROTECTED)
    pubs = outcomes.publications(dept, AS_OF, Filters(), audience=PROTECTED)
    assert [r.get("people") for r in part["publications"]] == values(pubs, "people")
    assert part["window_start"] == outcomes_part(dept, AS_OF, Filters())["window_start"]


def test_gate(dept):
    """Every figure function takes an audience; the figure-free ones are marked; the row-level ones are
    refused for viewers."""
    for func in (
        recruitment.funnel,
        recruitment.applicant_total,
        recruitment.group_funnel,
        recruitment.conversions,
        recruitment.pipeline_share,
        recruitment.representation,
        outcomes.people_total,
        outcomes.publications,
        outcomes.mentor_publications,
        outcomes.early_departure,
        outcomes.time_to_promotion,
        outcomes.satisfaction,
    ):
        assert privacy.gate(func, PROTECTED, {}) == {"audience": PROTECTED}
    for func in (
        recruitment.ignored_filters,
        recruitment.cycles,
        recruitment.benchmarks,
        outcomes.window,
        outcomes.window_start,
        outcomes.window_years,
    ):
        assert privacy.gate(func, PROTECTED, {}) == {}
    for func in (outcomes.people_in_window, outcomes.promotion_followup):
        with pytest.raises(PermissionError):
            privacy.gate(func, PROTECTED, {})


# --- (c) small cases with record keys set by hand --------------------------------------------------------


def set_keys(db, table: str, id_column: str, keys: dict[str, int]) -> None:
    with db.transaction() as cur:
        cur.execute(f"UPDATE {table} SET record_key = 0")
        for record, key in keys.items():
            cur.execute(f"UPDATE {table} SET record_key = ? WHERE {id_column} = ?", [key, record])


def test_table_extremes():
    """What the hand cases rely on: a key fraction of 0 draws a row's most negative change, one of ~1 its
    largest; a true 5 can only stay 5 (no way down without going below min_cell)."""
    table = privacy.perturbation_table(MIN_CELL)
    by_count = {row.count: row for row in table}
    assert by_count[5].changes[0] == 0 and by_count[5].probabilities[0] == pytest.approx(1.0)
    assert by_count[6].changes[0] == -1 and by_count[6].probabilities[0] > 0
    assert table[-1].changes[0] == -2 and table[-1].probabilities[0] > 0 and table[-1].probabilities[-1] > 0
    assert list(privacy.perturb([5, 6, 7, 12, 12, 3, 0], [0, 0, 0, 0, TOP_KEY, TOP_KEY, 0], MIN_CELL)) == [
        5,
        5,
        5,
        10,
        14,
        3,
        0,
    ]


@pytest.fixture
def hand_db(tmp_path):
    """Residency 2026: 7 women and 5 men, all applied only, race and URiM unknown. Every record key is 0
    but man M0's, which is the largest: a cell with M0 has key fraction ~1 (largest change), one without
    has key 0 (most negative change)."""
    db = new_db(tmp_path)
    rows = [
        dict(applicant_id=f"W{k}", cycle=2026, track="residency", gender="woman", stage_reached="applied")
        for k in range(7)
    ]
    rows += [
        dict(applicant_id=f"M{k}", cycle=2026, track="residency", gender="man", stage_reached="applied")
        for k in range(5)
    ]
    add_applicants(db, *rows)
    set_keys(db, "applicants", "applicant_id", {"M0": TOP_KEY})
    return db


def test_hand_funnel_gives_women_back(hand_db):
    exact = recruitment.funnel(hand_db, Filters()).iloc[0]
    # Exact: 7 of 12 women; all shown (5 men is not small).
    assert (exact["n"], exact["women"], exact["women_pct"]) == (12, 7, 58.3)
    viewer = recruitment.funnel(hand_db, Filters(), audience=PROTECTED).iloc[0]
    # Everyone (with M0): 12 + 2 = 14; known gender: the same 12 people, 14; women (keys 0): 7 - 2 = 5;
    # 5 of 14 = 35.7%, Wilson interval of 5 in 14. URiM unknown for all 12: 14, its share 100%.
    assert (viewer["n"], viewer["gender_known"], viewer["women"], viewer["women_pct"]) == (14, 14, 5, 35.7)
    assert (viewer["women_ci_low"], viewer["women_ci_high"]) == (16.3, 61.2)
    assert (viewer["gender_unknown"], viewer["urim_known"], viewer["urim_unknown"], viewer["urim_unknown_pct"]) == (
        0,
        0,
        14,
        100.0,
    )
    assert viewer["urim_pct"] is None and not viewer["suppressed"]


def test_hand_filtered_vs_others(hand_db):
    """Each side of "Filtered vs everyone else" is published from its own applicants: women (keys 0)
    7 -> 5; the others are the 5 men (a true 5 stays 5); everyone, asked on its own, is 14. The viewer's
    everyone minus others (9) is not the women's true 7; the exact figures do subtract (12 - 5 = 7)."""
    viewer = recruitment.group_funnel(hand_db, WOMEN, "residency", 2026, audience=PROTECTED)
    cell = {(r["dimension"], r["group"]): r["n"] for r in viewer[viewer["stage"] == "applied"].to_dict("records")}
    assert cell[("selection", "selected")] == 5 and cell[("selection", "others")] == 5 and cell[("all", "all")] == 5
    everyone = recruitment.group_funnel(hand_db, Filters(), "residency", 2026, audience=PROTECTED)
    assert everyone[(everyone["dimension"] == "all") & (everyone["stage"] == "applied")]["n"].tolist() == [14]
    # The same 5 men by another route (the men's own filter) are published the same.
    men = recruitment.group_funnel(hand_db, Filters(gender=("man",)), "residency", 2026, audience=PROTECTED)
    assert men[(men["dimension"] == "all") & (men["stage"] == "applied")]["n"].tolist() == [5]
    assert recruitment.applicant_total(hand_db, Filters(gender=("man",)), audience=PROTECTED) == {
        "n": 5,
        "suppressed": False,
    }
    assert recruitment.applicant_total(hand_db, Filters(), audience=PROTECTED) == {"n": 14, "suppressed": False}
    exact = recruitment.group_funnel(hand_db, WOMEN, "residency", 2026)
    cell = {(r["dimension"], r["group"]): r["n"] for r in exact[exact["stage"] == "applied"].to_dict("records")}
    assert cell[("selection", "selected")] == 7 and cell[("selection", "others")] == 5


def test_hand_small_groups_hidden_for_viewers(hand_db):
    """3 women interviewed (keys 0): shown as nothing (no published 1 .. 4), with their rate; the
    interviewed stage's unknown race (3) is hidden for viewers, though exact figures show unknowns."""
    with hand_db.transaction() as cur:
        cur.execute("UPDATE applicants SET stage_reached = 'interviewed' WHERE applicant_id IN ('W0', 'W1', 'W2')")
    viewer = recruitment.group_funnel(hand_db, Filters(), "residency", 2026, audience=PROTECTED)
    interviewed = viewer[viewer["stage"] == "interviewed"]
    assert interviewed["n"].tolist() == [None] * len(interviewed) and interviewed["suppressed"].all()
    conv = recruitment.conversions(hand_db, Filters(), "residency", 2026, audience=PROTECTED)
    women = conv[(conv["group"] == "woman") & (conv["from_stage"] == "applied") & (conv["to_stage"] == "interviewed")]
    assert women["rate"].tolist() == [None] and women["suppressed"].tolist() == [True]


def test_hand_outcomes(tmp_path):
    """Eight residents all window long, keys 0: published as 8 - 2 = 6. Two left early (keys 0):
    hidden for viewers with their share. Six survey answers, five satisfied (keys 0, satisfied by 4+):
    6 -> 5 and 5 -> 5, so 100% for viewers (exact 83.3%)."""
    db = new_db(tmp_path)
    old = date(2015, 1, 1)
    add_people(
        db,
        *[person(f"R{k}", "resident", old) for k in range(6)],
        person("R6", "resident", old, end_date=date(2025, 1, 1), departure_reason="left_early"),
        person("R7", "resident", old, end_date=date(2025, 2, 1), departure_reason="left_early"),
    )
    add_survey(
        db,
        *[
            {
                "survey": "W1",
                "response_id": f"r{k}",
                "submitted_at": "2025-04-01 10:00:00",
                "has_mentor": True,
                "career_satisfaction": 5 if k < 5 else 2,
            }
            for k in range(6)
        ],
    )
    set_keys(db, "people", "person_id", {})
    set_keys(db, "survey", "response_id", {})
    assert outcomes.people_total(db, AS_OF, Filters(), audience=PROTECTED) == {
        "n": 6,
        "mentored": 0,
        "suppressed": False,
    }
    deps = outcomes.early_departure(db, AS_OF, Filters(), audience=PROTECTED).iloc[0]
    assert (deps["n"], deps["departed"], deps["pct"]) == (6, None, None)
    exact = outcomes.early_departure(db, AS_OF, Filters()).iloc[0]
    assert (exact["n"], exact["departed"], exact["pct"]) == (8, 2, 25.0)
    sat = outcomes.satisfaction(db, AS_OF, Filters(), audience=PROTECTED).iloc[0]
    assert (sat["n"], sat["satisfied"], sat["pct"]) == (5, 5, 100.0)
    assert outcomes.satisfaction(db, AS_OF, Filters()).iloc[0]["pct"] == 83.3
    pubs = outcomes.publications(db, AS_OF, Filters(), audience=PROTECTED).iloc[0]
    assert pubs["people"] == 6 and pubs["publications"] == 0 and pubs["rate"] == 0.0
