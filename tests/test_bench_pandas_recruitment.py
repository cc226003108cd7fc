"""The pandas baseline's recruitment figures beyond the funnel (benchmarks/pandas_baseline/recruitment.py):
the funnel by group, the conversions, the pipeline shares and the department's representation equal the
page's own, cell for cell where the page shows one (pandas suppresses nothing), under the bench's filters
and more; with them the benchmark lists no recruitment figure as pandas_missing."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from benchmarks import pages as bench
from benchmarks import pandas_baseline
from benchmarks.pandas_baseline import recruitment as pandas_recruitment
from benchmarks.pandas_baseline.tables import load_tables
from mentordash.db import connect
from mentordash.metrics import recruitment
from mentordash.metrics.filters import Filters
from mentordash.ui.frame import View
from mentordash.vocabulary import CAREER_STAGES
from tests.bench_support import AS_OF, FILTER_CASES, page_and_pandas, same, shown
from tests.builders import add_applicants, add_people, new_db, person

ADDED = ("groups", "conversions", "pipeline", "representation")
CASES = [
    *FILTER_CASES,
    ("urim", Filters.of(urim=True)),
    ("not_urim", Filters.of(urim=False)),
    ("race=black", Filters.of(race_ethnicity=["black"])),
    ("gender=man,nonbinary", Filters.of(gender=["man", "nonbinary"])),
    # describe people, not applicants: only the department section applies them
    ("career_stage=resident", Filters.of(career_stage=["resident"])),
    ("division=Sports Medicine", Filters.of(division=["Sports Medicine"])),
]
GROUP_KEYS = ["dimension", "group", "stage"]
CONVERSION_KEYS = ["dimension", "group", "from_stage", "to_stage"]
PIPELINE_KEYS = ["group", "stage"]


def _keys(frame: pd.DataFrame, keys: list[str]) -> set[tuple]:
    return set(frame[keys].itertuples(index=False, name=None))


def assert_groups_equal(ours: pd.DataFrame, theirs: pd.DataFrame) -> int:
    """The same groups and stages, hidden or not; each shown count and share of the group's applicants."""
    assert _keys(ours, GROUP_KEYS) == _keys(theirs, GROUP_KEYS)
    compared = same(shown(ours), theirs, GROUP_KEYS, ["n"])
    # a share is hidden with its group's applicants (a shown 0 at a later stage keeps no share)
    return compared + same(ours[ours["pct_of_applied"].notna()], theirs, GROUP_KEYS, ["pct_of_applied"])


def assert_conversions_equal(ours: pd.DataFrame, theirs: pd.DataFrame) -> int:
    assert _keys(ours, CONVERSION_KEYS) == _keys(theirs, CONVERSION_KEYS)
    return same(shown(ours), theirs, CONVERSION_KEYS, ["n_from", "n_to", "rate"])


def assert_pipeline_equal(ours: pd.DataFrame, theirs: pd.DataFrame) -> int:
    assert _keys(ours, PIPELINE_KEYS) == _keys(theirs, PIPELINE_KEYS)
    return same(shown(ours), theirs, PIPELINE_KEYS, ["n_stage", "n", "pct"])


def assert_representation_equal(ours: pd.DataFrame, theirs: pd.DataFrame) -> int:
    """The same career stages in order; each shown count, share and unknown (a known count may be hidden
    while its share shows: it would give back a hidden unknown)."""
    assert list(ours["career_stage"]) == list(theirs["career_stage"])
    assert list(theirs["career_stage"]) == [s for s in CAREER_STAGES if s in set(theirs["career_stage"])]
    compared = same(shown(ours), theirs, ["career_stage"], ["n"])
    for share, known, unknown in (("women", "gender_known", "gender_unknown"), ("urim", "urim_known", "urim_unknown")):
        compared += same(ours[~ours["suppressed"] & ~ours[f"{share}_suppressed"]], theirs, ["career_stage"], [share])
        compared += same(ours[ours[f"{share}_pct"].notna()], theirs, ["career_stage"], [f"{share}_pct"])
        compared += same(ours[ours[known].notna()], theirs, ["career_stage"], [known])
        compared += same(
            ours[~ours["suppressed"] & ~ours[f"{unknown}_suppressed"]],
            theirs,
            ["career_stage"],
            [unknown, f"{unknown}_pct"],
        )
    return compared


def _page(db, view: View) -> dict:
    """The recruitment page's figures, as the bench gathers them (every section, a first visit)."""
    call = bench.Calls(db)
    return bench.PAGE_DATA["recruitment"](view, call, call)


def assert_page_equal(ours: dict, theirs: dict) -> dict[str, int]:
    """The added figures of pandas' page equal the page's: how many cells each compared. Nothing the page
    computes is left to the page alone (the benchmark's pandas_missing)."""
    assert set(ours) - set(theirs) - bench.DERIVED == set()
    return {
        "groups": assert_groups_equal(ours["groups"], theirs["groups"]),
        "conversions": assert_conversions_equal(ours["conversions"], theirs["conversions"]),
        "pipeline": assert_pipeline_equal(ours["pipeline"], theirs["pipeline"]),
        "representation": assert_representation_equal(ours["representation"], theirs["representation"]),
    }


@pytest.mark.parametrize("name, filters", CASES)
def test_pandas_recruitment_page_equals_the_pages_figures(bench_loaded, bench_page_runs, name, filters):
    ours, theirs = page_and_pandas(bench_loaded, bench_page_runs, "recruitment", name, filters)
    assert set(ADDED) <= set(theirs)
    compared = assert_page_equal(ours, theirs)
    assert compared["groups"] >= 60 and compared["conversions"] >= 25 and compared["pipeline"] >= 10, compared
    # all five career stages, or the few people of one stage or division
    assert compared["representation"] >= (4 if filters.career_stage or filters.division else 25), compared


# the cases that select applicants (career stage and division leave them as the default view does)
APPLICANT_CASES = [(name, f) for name, f in CASES if not (f.career_stage or f.division)]


@pytest.mark.parametrize("name, filters", APPLICANT_CASES)
def test_pandas_group_figures_of_every_cycle_equal_metrics(bench_loaded, name, filters):
    """Every track's every cycle, small tracks (much hidden) included, not only the first visit's."""
    db, tables, settings = bench_loaded
    pairs = pandas_recruitment.applicant_cycles(tables, settings, filters)
    assert len(pairs) >= 15
    compared = {"groups": 0, "conversions": 0, "pipeline": 0}
    for track, cycle in pairs.itertuples(index=False, name=None):
        groups = pandas_recruitment.group_funnel(tables, settings, filters, track, cycle)
        compared["groups"] += assert_groups_equal(recruitment.group_funnel(db, filters, track, cycle), groups)
        compared["conversions"] += assert_conversions_equal(
            recruitment.conversions(db, filters, track, cycle), pandas_recruitment.conversions(groups)
        )
        compared["pipeline"] += assert_pipeline_equal(
            recruitment.pipeline_share(db, filters, track, cycle), pandas_recruitment.pipeline_share(groups)
        )
    assert compared["groups"] >= 500 and compared["conversions"] >= 200 and compared["pipeline"] >= 60, compared


# --- a consortium: applicants and people of two institutions ----------------------------------------------

STAGES = ("applied", "interviewed", "ranked", "matched")
RACES = (["white"], ["black"], ["asian", "white"], ["undisclosed"], None, ["hispanic_latino", "undisclosed"], ["asian"])
PIPELINES = (None, ["perry_initiative"], None, ["rjos", "perry_initiative"], ["nth_dimensions"])
GENDERS = ("woman", "man", "man", "undisclosed", "nonbinary", None, "woman")


def _consortium(tmp_path) -> str:
    db = new_db(tmp_path)
    applicants = [
        {
            "applicant_id": f"{institution}-{i}",
            "cycle": 2025 + i % 2,
            "track": ("residency", "residency", "fellowship")[i % 3],
            "gender": GENDERS[i % 7],
            "race_ethnicity": RACES[i % 7 if i % 11 else 0],
            "urim": True if i % 13 == 0 else None,
            "pipeline": PIPELINES[i % 5],
            "stage_reached": STAGES[min(i % 9, 3)],
            "institution": institution,
        }
        for institution, count in (("North", 420), ("South", 260))
        for i in range(count)
    ]
    add_applicants(db, *applicants)
    people = [
        person(
            f"{institution}-p{i}",
            CAREER_STAGES[i % 5],
            date(2027, 1, 1) if i % 17 == 0 else date(2020, 7, 1),  # not yet started at AS_OF
            end_date=date(2025, 6, 30) if i % 9 == 0 else None,  # left before AS_OF
            gender=GENDERS[(i // 5) % 7],
            race_ethnicity=RACES[(i // 5) % 7],
            urim=False if i % 23 == 0 else None,
            division=("Spine", "Hand")[i % 2],
            institution=institution,
        )
        for institution, count in (("North", 300), ("South", 200))
        for i in range(count)
    ]
    add_people(db, *people)
    db.close()
    return str(tmp_path / "test.duckdb")


@pytest.mark.parametrize(
    "filters",
    [
        Filters(),
        Filters.of(institution=["North"]),
        Filters.of(institution=["South"]),
        Filters.of(institution=["South"], urim=True),
        Filters.of(institution=["North"], division=["Spine"]),
    ],
    ids=str,
)
def test_pandas_recruitment_figures_apply_the_institution_filter(tmp_path, filters):
    """A consortium filtered to one institution: its applicants only (the selection split against the rest of
    the track's, everyone else's included), its people only in the department section."""
    path = _consortium(tmp_path)
    tables = load_tables(path)  # before the connection below opens the file
    db = connect(path)
    try:
        view = View(as_of=AS_OF, filters=filters)
        ours = _page(db, view)
        theirs = pandas_baseline.PAGES["recruitment"](tables, db.settings(), view)
        compared = assert_page_equal(ours, theirs)
        assert compared["groups"] >= 40 and compared["conversions"] >= 15 and compared["pipeline"] >= 8, compared
        assert compared["representation"] >= 25, compared
        if filters.institution:
            everyone = theirs["groups"].query("dimension == 'selection'").groupby("group")["n"].max()
            assert everyone["selected"] and everyone["others"]  # the others: the other institution's
            assert ours["representation"]["n"].max() <= (300 if filters.institution == ("North",) else 200) // 5
    finally:
        db.close()
