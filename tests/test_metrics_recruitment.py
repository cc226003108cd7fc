"""Recruitment metrics on applicant sets small enough to count by hand (docs/metrics.md, Recruitment).

The residency 2026 cycle below, by gender and the furthest stage reached:

                 applied only  interviewed only  ranked only  matched  | applied interviewed ranked matched
    women (12)        5               2               3          2     |   12        7          5      2
    men (26)         16               3               4          3     |   26       10          7      3
    nonbinary (1)     1                                                |    1        0          0      0
    undisclosed (2)   2                                                |    2        0          0      0
    all (41)                                                           |   41       17         12      5

URiM: 3 of the women are Black (one matched, one ranked, one applied only), 6 of the men Hispanic or
Latino (two interviewed, four applied only), one man has urim=true with race white (the column wins),
the undisclosed two have race undisclosed (URiM unknown), everyone else is white or Asian.
Pipeline: five of the women (two interviewed only, two ranked only, one matched) came through the
Perry Initiative; nobody else came through a program.
"""

from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentordash import privacy
from mentordash.metrics import recruitment
from mentordash.metrics.filters import Filters
from mentordash.metrics.summary import recruitment_part
from tests.builders import add_applicants, add_people, new_db, person

AS_OF = date(2026, 6, 30)
STAGE_OF = {"a": "applied", "i": "interviewed", "r": "ranked", "m": "matched"}


def applicants(prefix, stages, cycle=2026, track="residency", **attrs):
    """One applicant per letter of `stages` (a, i, r, m = the furthest stage reached)."""
    base = dict(gender=None, race_ethnicity=None, urim=None, pipeline=None)
    return [
        {**base, **attrs, "applicant_id": f"{prefix}{k}", "cycle": cycle, "track": track, "stage_reached": STAGE_OF[s]}
        for k, s in enumerate(stages)
    ]


def residency_2026():
    rows = []
    # Women: 5 applied only, 2 interviewed only, 3 ranked only, 2 matched.
    rows += applicants("WB", "mra", gender="woman", race_ethnicity=["black"])  # URiM
    rows += applicants("WP", "iirrm", gender="woman", race_ethnicity=["white"], pipeline=["perry_initiative"])
    rows += applicants("WA", "aaaa", gender="woman", race_ethnicity=["asian"])
    # Men: 16 applied only, 3 interviewed only, 4 ranked only, 3 matched.
    rows += applicants("MH", "iiaaaa", gender="man", race_ethnicity=["hispanic_latino"])  # URiM
    rows += applicants("MU", "a", gender="man", race_ethnicity=["white"], urim=True)  # URiM by the column
    rows += applicants("MW", "irrrrmmm" + "a" * 11, gender="man", race_ethnicity=["white"])
    rows += applicants("NB", "a", gender="nonbinary", race_ethnicity=["white"])
    rows += applicants("UD", "aa", gender="undisclosed", race_ethnicity=["undisclosed"])
    return rows


def tiny_fellowship():
    """A fellowship with 6 applicants: 5 men (2 interviewed, 1 of them matched) and 1 woman."""
    return applicants("FM", "mi" + "aaa", track="fellowship", gender="man", race_ethnicity=["white"]) + applicants(
        "FW", "a", track="fellowship", gender="woman", race_ethnicity=["black"]
    )


@pytest.fixture
def db(tmp_path):
    db = new_db(tmp_path)
    add_applicants(db, *residency_2026(), *tiny_fellowship())
    return db


def cells(frame, **where):
    for key, value in where.items():
        frame = frame[frame[key] == value]
    return {row["stage"]: row for row in frame.to_dict("records")}


def conversion(frame, group, a, b, dimension=None):
    rows = frame[(frame["group"] == group) & (frame["from_stage"] == a) & (frame["to_stage"] == b)]
    if dimension:
        rows = rows[rows["dimension"] == dimension]
    assert len(rows) == 1
    return rows.iloc[0]


# --- the funnel -----------------------------------------------------------------------------------


def test_funnel_counts_each_applicant_at_every_stage_reached(db):
    rows = cells(recruitment.funnel(db, Filters()), track="residency", cycle=2026)
    assert [rows[s]["n"] for s in ("applied", "interviewed", "ranked", "matched")] == [41, 17, 12, 5]


def test_ordinal_rule_matched_implies_every_earlier_stage(tmp_path):
    db = new_db(tmp_path, "ordinal.duckdb")
    db.set_setting("min_cell", 3, user="test")
    add_applicants(db, *applicants("X", "mmm", gender="woman"))
    rows = cells(recruitment.funnel(db, Filters()), track="residency")
    assert [rows[s]["n"] for s in ("applied", "interviewed", "ranked", "matched")] == [3, 3, 3, 3]
    groups = recruitment.group_funnel(db, Filters(), "residency", 2026)
    women = cells(groups, dimension="gender", group="woman")
    assert [women[s]["n"] for s in ("applied", "interviewed", "ranked", "matched")] == [3, 3, 3, 3]
    assert (
        conversion(recruitment.conversions(db, Filters(), "residency", 2026), "woman", "applied", "matched")["rate"]
        == 100.0
    )


def test_shares_of_women_and_urim_over_those_known(db):
    rows = cells(recruitment.funnel(db, Filters()), track="residency", cycle=2026)
    interviewed = rows["interviewed"]
    # 7 women of 17 with known gender; URiM: 2 Black women and 2 Hispanic men were interviewed,
    # 4 of 17: a count under 5, hidden.
    assert (interviewed["women_pct"], interviewed["women_ci_low"], interviewed["women_ci_high"]) == (41.2, 21.6, 64.0)
    assert interviewed["gender_unknown"] == 0 and interviewed["urim_pct"] is None and interviewed["urim_suppressed"]
    ranked = rows["ranked"]
    assert ranked["women_pct"] == 41.7  # 5 of 12
    applied = rows["applied"]
    # URiM: 3 Black women + 6 Hispanic men + 1 by the column = 10 of 39 known (2 undisclosed).
    assert (applied["urim"], applied["urim_known"], applied["urim_pct"]) == (10, 39, 25.6)
    assert (applied["urim_unknown"], applied["urim_unknown_pct"]) == (2, 4.9)


def test_lone_small_group_takes_the_unknown_as_its_complement(db):
    """At 'applied' the nonbinary applicant (1) is hidden; the next smallest cell, the 2 of unknown
    gender, goes with it, so neither can be worked out from the total. Women (12 of 39) stay."""
    applied = cells(recruitment.funnel(db, Filters()), track="residency", cycle=2026)["applied"]
    assert applied["women_pct"] == 30.8 and not applied["women_suppressed"]
    assert applied["gender_unknown"] is None and applied["gender_unknown_suppressed"]
    assert applied["gender_known"] is None  # would give the unknown back
    split = {
        r["group"]: r
        for r in recruitment.group_funnel(db, Filters(), "residency", 2026)
        .query("dimension == 'gender' and stage == 'applied'")
        .to_dict("records")
    }
    assert split["another"]["suppressed"] and split["another"]["n"] is None
    assert split["unknown"]["suppressed"] and split["unknown"]["n"] is None
    assert (split["woman"]["n"], split["man"]["n"]) == (12, 26)


def test_small_share_hidden_by_its_numerator(db):
    matched = cells(recruitment.funnel(db, Filters()), track="residency", cycle=2026)["matched"]
    # 2 women of 5 matched: the share would give back a count of 2.
    assert matched["n"] == 5 and matched["women_pct"] is None and matched["women_suppressed"]
    assert not matched["suppressed"]


# --- conversion -----------------------------------------------------------------------------------


def test_conversion_with_wilson_intervals(db):
    conv = recruitment.conversions(db, Filters(), "residency", 2026)
    men = conversion(conv, "man", "applied", "interviewed")
    assert (men["n_to"], men["n_from"], men["rate"], men["ci_low"], men["ci_high"]) == (10, 26, 38.5, 22.4, 57.5)
    women = conversion(conv, "woman", "interviewed", "ranked")
    assert (women["n_to"], women["n_from"], women["rate"], women["ci_low"], women["ci_high"]) == (
        5,
        7,
        71.4,
        35.9,
        91.8,
    )
    overall = conversion(conv, "all", "applied", "matched")
    assert (overall["n_to"], overall["n_from"], overall["rate"]) == (5, 41, 12.2)


def test_conversion_hidden_when_either_count_is_hidden(db):
    conv = recruitment.conversions(db, Filters(), "residency", 2026)
    women = conversion(conv, "woman", "ranked", "matched")  # 2 of 5: the 2 is hidden
    assert women["suppressed"] and women["rate"] is None and women["n_to"] is None
    urim = conversion(conv, "urim", "applied", "interviewed")  # 4 of 10: the 4 is hidden
    assert urim["suppressed"] and urim["ci_low"] is None


def test_selection_compares_the_filtered_applicants_with_everyone_else(db):
    conv = recruitment.conversions(db, Filters(gender=("woman",)), "residency", 2026)
    selected = conversion(conv, "selected", "applied", "interviewed")
    others = conversion(conv, "others", "applied", "interviewed")
    assert (selected["n_to"], selected["n_from"]) == (7, 12)
    assert (others["n_to"], others["n_from"]) == (10, 29)  # 26 men, 1 nonbinary, 2 unknown
    assert "selection" not in set(recruitment.conversions(db, Filters(), "residency", 2026)["dimension"])


def test_people_filters_do_not_apply_to_applicants(db):
    plain = recruitment.funnel(db, Filters())
    staged = recruitment.funnel(db, Filters(career_stage=("resident",), division=("Spine",)))
    assert plain.equals(staged)
    assert recruitment.ignored_filters(db, Filters(career_stage=("resident",))) == ["career_stage"]


# --- pipeline programs ----------------------------------------------------------------------------


def test_pipeline_share_and_conversion_against_none(db):
    share = recruitment.pipeline_share(db, Filters(), "residency", 2026)
    perry = cells(share, group="perry_initiative")
    # Perry: WP0..WP4 reached i, i, r, r, m: 5 applied, 5 interviewed, 3 ranked, 1 matched.
    assert (perry["applied"]["n"], perry["applied"]["n_stage"], perry["applied"]["pct"]) == (5, 41, 12.2)
    assert (perry["interviewed"]["n"], perry["interviewed"]["pct"]) == (5, 29.4)
    assert perry["ranked"]["suppressed"] and perry["ranked"]["pct"] is None
    conv = recruitment.conversions(db, Filters(), "residency", 2026)
    with_program = conversion(conv, "any", "applied", "interviewed", "pipeline")
    without = conversion(conv, "none", "applied", "interviewed", "pipeline")
    assert (with_program["n_to"], with_program["n_from"], with_program["rate"]) == (5, 5, 100.0)
    assert (without["n_to"], without["n_from"], without["rate"]) == (12, 36, 33.3)


# --- a tiny track -------------------------------------------------------------------------------


def test_tiny_fellowship_hides_every_group_and_its_complement(db):
    groups = recruitment.group_funnel(db, Filters(), "fellowship", 2026)
    total = cells(groups, dimension="all")
    assert total["applied"]["n"] == 6 and not total["applied"]["suppressed"]
    assert total["interviewed"]["suppressed"] and total["interviewed"]["n"] is None  # 2
    applied = {r["group"]: r for r in groups.query("dimension == 'gender' and stage == 'applied'").to_dict("records")}
    assert applied["woman"]["suppressed"]  # 1
    assert applied["man"]["suppressed"]  # 5, taken as the complement: 6 - 1 would give it
    splits = groups[groups["dimension"].isin(["gender", "urim", "race_ethnicity"])]
    shown = splits[~splits["suppressed"].astype(bool)]
    assert (shown["n"] == 0).all()  # nothing but empty cells of a group split shows
    conv = recruitment.conversions(db, Filters(), "fellowship", 2026)
    assert conv[conv["dimension"] != "all"]["rate"].isna().all()
    funnel = cells(recruitment.funnel(db, Filters()), track="fellowship")
    assert funnel["applied"]["women_pct"] is None and funnel["applied"]["urim_pct"] is None
    assert funnel["matched"]["suppressed"] and funnel["matched"]["n"] is None


def test_whole_view_below_min_cell(db):
    assert recruitment.applicant_total(db, Filters()) == {"n": 47, "suppressed": False}
    assert recruitment.applicant_total(db, Filters(gender=("nonbinary",)))["suppressed"]
    assert recruitment.applicant_total(db, Filters(gender=("another",))) == {"n": 0, "suppressed": False}


# --- the department at as_of ------------------------------------------------------------------------


def test_representation_by_career_stage(tmp_path):
    db = new_db(tmp_path, "people.duckdb")
    add_people(
        db,
        *[person(f"RW{i}", "resident", date(2024, 7, 1), gender="woman", race_ethnicity=["black"]) for i in range(5)],
        *[person(f"RM{i}", "resident", date(2024, 7, 1), gender="man", race_ethnicity=["white"]) for i in range(6)],
        person("RU", "resident", date(2024, 7, 1), gender="undisclosed"),
        person("RL", "resident", date(2020, 7, 1), gender="woman", end_date=AS_OF),  # gone on as_of
        *[
            person(f"S{i}", "senior_faculty", date(2010, 1, 1), gender="man", race_ethnicity=["white"])
            for i in range(5)
        ],
        person("SW", "senior_faculty", date(2010, 1, 1), gender="woman", race_ethnicity=["white"]),
    )
    rows = {
        r["career_stage"]: r for r in recruitment.representation(db, AS_OF, Filters(gender=("man",))).to_dict("records")
    }
    resident = rows["resident"]
    assert (resident["n"], resident["women_pct"], resident["gender_unknown"]) == (12, 45.5, 1)  # 5 of 11
    assert (resident["urim_pct"], resident["urim_unknown"]) == (45.5, 1)
    senior = rows["senior_faculty"]
    assert senior["n"] == 6 and senior["women_pct"] is None and senior["women_suppressed"]  # 1 woman
    assert senior["urim_pct"] == 0.0  # none of 6: a group of zero is no data, not hidden


# --- the summary ------------------------------------------------------------------------------------


def test_summary_recruitment_part_is_the_funnel(db):
    part = recruitment_part(db, Filters())
    first = part[0]
    assert first == {
        "cycle": 2026,
        "track": "residency",
        "stage": "applied",
        "n": 41,
        "women_pct": 30.8,
        "urim_pct": 25.6,
    }
    matched = next(p for p in part if p["track"] == "residency" and p["stage"] == "matched")
    assert matched == {
        "cycle": 2026,
        "track": "residency",
        "stage": "matched",
        "n": 5,
        "women_pct": None,
        "urim_pct": None,
        "women_suppressed": True,
        "urim_suppressed": True,
    }
    hidden = next(p for p in part if p["track"] == "fellowship" and p["stage"] == "matched")
    assert hidden == {
        "cycle": 2026,
        "track": "fellowship",
        "stage": "matched",
        "n": None,
        "women_pct": None,
        "urim_pct": None,
        "suppressed": True,
    }
    assert [p["track"] for p in part] == ["residency"] * 4 + ["fellowship"] * 4


def test_queries_aggregate_in_sql(db):
    """At consortium scale the page must not pull applicants into Python: each frame is one row per
    (cycle, track, stage) or (dimension, group, stage), whatever the number of applicants."""
    rows = [
        dict(
            applicant_id=f"B{i}",
            cycle=2025,
            track="residency",
            stage_reached="applied",
            gender="man",
            race_ethnicity=["white"],
            urim=None,
            pipeline=None,
        )
        for i in range(3000)
    ]
    add_applicants(db, *rows)
    assert len(recruitment.funnel(db, Filters())) == 4 + 4 + 1  # 2025 residency reached 'applied' only
    assert len(recruitment.group_funnel(db, Filters(), "residency", 2025)) < 100


def test_institution_filter_applies_to_applicants(db):
    with db.transaction() as cur:
        cur.execute("UPDATE applicants SET institution = 'North' WHERE track = 'residency'")
        cur.execute("UPDATE applicants SET institution = 'South' WHERE track = 'fellowship'")
        db.bump_data_version(cur)
    north = recruitment.funnel(db, Filters(institution=("North",)))
    assert set(north["track"]) == {"residency"}
    assert recruitment.ignored_filters(db, Filters(institution=("North",), division=("Spine",))) == ["division"]


@pytest.mark.parametrize("audience", [privacy.EXACT, privacy.PROTECTED])
def test_a_tracks_latest_cycles_are_the_same_rows_as_in_the_whole_funnel(tmp_path, audience):
    """The overview asks only for the residency's two latest cycles: each row is judged on its own, so they
    equal the whole funnel's rows of those cycles, for exact and protected figures alike."""
    db = new_db(tmp_path)
    older = [
        {**a, "applicant_id": f"{a['applicant_id']}-{cycle}", "cycle": cycle}
        for cycle in (2024, 2025)
        for a in residency_2026()
    ]
    add_applicants(db, *older, *residency_2026(), *tiny_fellowship())
    whole = recruitment.funnel(db, Filters(), audience=audience)
    latest = recruitment.funnel(db, Filters(), audience=audience, track="residency", last_cycles=2)
    expected = whole[(whole["track"] == "residency") & whole["cycle"].isin([2025, 2026])].reset_index(drop=True)
    assert sorted(latest["cycle"].unique()) == [2025, 2026] and len(latest) == 8
    pd.testing.assert_frame_equal(latest.reset_index(drop=True), expected)


@pytest.mark.parametrize("audience", [privacy.EXACT, privacy.PROTECTED])
@pytest.mark.parametrize(
    "filters", [Filters(), Filters(gender=("man",)), Filters(urim=True), Filters(race_ethnicity=("asian",))]
)
def test_the_latest_cycles_are_those_of_the_view_and_the_track(tmp_path, audience, filters):
    """The latest cycles are counted among the applicants the filters select in the asked track: a newer
    fellowship cycle is not among them, and of an older cycle of men only and a later one of women only, a
    view of men sees the first (the SQL bound on the cycle equals choosing them from the whole funnel)."""
    db = new_db(tmp_path)
    men_only_2023 = [
        {**a, "applicant_id": f"{a['applicant_id']}-2023", "cycle": 2023}
        for a in residency_2026()
        if a["gender"] == "man"
    ]
    women_only_2024 = [
        {**a, "applicant_id": f"{a['applicant_id']}-2024", "cycle": 2024}
        for a in residency_2026()
        if a["gender"] == "woman"
    ]
    newer_fellowship = [{**a, "applicant_id": f"{a['applicant_id']}-2027", "cycle": 2027} for a in tiny_fellowship()]
    add_applicants(db, *men_only_2023, *women_only_2024, *residency_2026(), *tiny_fellowship(), *newer_fellowship)
    whole = recruitment.funnel(db, filters, audience=audience)
    residency = whole[whole["track"] == "residency"]
    expected = residency[residency["cycle"].isin(sorted(residency["cycle"].unique())[-2:])].reset_index(drop=True)
    latest = recruitment.funnel(db, filters, audience=audience, track="residency", last_cycles=2)
    assert sorted(set(latest["cycle"])) == ([2023, 2026] if filters.gender == ("man",) else [2024, 2026])
    pd.testing.assert_frame_equal(latest.reset_index(drop=True), expected)


_SPLIT_COUNTS = st.sampled_from([0, 1, 2, 4, 5, 9, 10, 11, 12, 30, 300])


_SPLIT_GROUPS = st.sampled_from([("woman", "man", "another", "unknown"), ("urim", "not_urim", "unknown")])


@given(
    rows=st.lists(st.tuples(_SPLIT_GROUPS, st.lists(_SPLIT_COUNTS, min_size=4, max_size=4)), min_size=1, max_size=12),
    floor=st.sampled_from([5, 10, 11]),
)
@settings(max_examples=150, deadline=None)
def test_the_splits_of_a_funnel_are_hidden_together_as_each_alone(rows, floor):
    """The stages' splits, by gender and by URiM mixed, are judged in one privacy.suppress call: each comes
    out as it would alone, small cells hidden (unknown exempt) and a lone hidden cell taking the next
    smallest of its own split only."""
    splits = [dict(zip(groups, counts)) for groups, counts in rows]
    together = recruitment._splits_hidden(splits, floor)
    for split, hidden in zip(splits, together):
        alone = pd.DataFrame({"group": list(split), "n": list(split.values())})
        alone["is_unknown"] = alone["group"] == "unknown"
        expected = privacy.suppress(alone, "n", [], floor, complementary=True, exempt="is_unknown")
        assert hidden == dict(zip(expected["group"], expected["suppressed"].tolist()))
