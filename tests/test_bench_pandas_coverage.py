"""The pandas baseline's coverage figures (benchmarks/pandas_baseline/coverage.py) against the coverage page's own
(mentordash.ui.coverage_view.page_data): how relationships began, formal against informal, time to match, the
minority tax and the coordinators' lists (unmatched, over capacity), each shown (not suppressed) cell equal,
under the bench's filters and a few more, then on a department built at the rules' edges."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from benchmarks import pages as bench
from benchmarks import pandas_baseline
from mentordash.metrics.filters import Filters
from mentordash.ui.frame import View
from tests.bench_support import AS_OF, FILTER_CASES, page_and_pandas, reopened_with_tables, same, shown

CASES = [
    *FILTER_CASES,
    ("career_stage=resident", Filters.of(career_stage=["resident"])),
    ("career_stage=senior_faculty", Filters.of(career_stage=["senior_faculty"])),  # mentors over capacity
    ("urim", Filters.of(urim=True)),
    ("race=white", Filters.of(race_ethnicity=["white"])),
]

# On the bench's department (seed 42), by filter: the fewest rows (shown or suppressed) and shown cells each
# comparison must reach (time to match: rows, shown, shown days, shown within 90 days), and the rows of the
# lists. Its URiM faculty are fewer than min_cell (the tax's URiM row is hidden: the edges below show it), and
# its URiM people so few that every source and formal cell is hidden: that case compares the rows only.
MIN = {
    "default": {"sources": (23, 15), "formal": (5, 3), "match": (5, 4, 4, 4), "tax": (2, 1), "lists": (55, 2)},
    "gender=woman": {"sources": (9, 5), "formal": (5, 2), "match": (4, 1, 1, 1), "tax": (2, 1), "lists": (10, 0)},
    "career_stage=resident": {
        "sources": (7, 7),
        "formal": (1, 1),
        "match": (1, 1, 1, 1),
        "tax": (2, 1),
        "lists": (7, 0),
    },
    "career_stage=senior_faculty": {
        "sources": (6, 6),
        "formal": (1, 1),
        "match": (1, 0, 0, 0),
        "tax": (2, 1),
        "lists": (23, 2),
    },
    "urim": {"sources": (6, 0), "formal": (4, 0), "match": (4, 1, 1, 1), "tax": (2, 1), "lists": (6, 1)},
    "race=white": {"sources": (19, 13), "formal": (5, 3), "match": (5, 4, 4, 4), "tax": (2, 1), "lists": (39, 1)},
}

SOURCE_VALUES = ["relationships", "formal", "pct", "stage_relationships", "stage_mentees"]
FORMAL_VALUES = ["relationships", "formal", "informal", "formal_pct", "ci_low", "ci_high"]
MATCH_VALUES = ["n", "matched", "pct", "ci_low", "ci_high"]
MATCH_DAYS = ["median_days", "q1_days", "q3_days"]
MATCH_90 = ["n90", "within_90", "within_90_pct"]
TAX_VALUES = [
    "faculty",
    "faculty_known",
    "faculty_unknown",
    "faculty_in_group",
    "faculty_share_pct",
    "load_known",
    "load_in_group",
    "load_share_pct",
    "mentees_per_faculty",
    "mentees_per_other_faculty",
    "load_outside_faculty",
    "mentees",
]
UNMATCHED_COLUMNS = ["person_id", "career_stage", "division", "days_since_start"]
OVER_COLUMNS = ["mentor_id", "career_stage", "division", "external", "mentees"]


def _figures(bench_loaded, bench_page_runs, name: str, filters: Filters) -> tuple[dict, dict]:
    return page_and_pandas(bench_loaded, bench_page_runs, "coverage", name, filters)


def _keys(frame: pd.DataFrame, keys: list[str]) -> list[tuple]:
    return sorted(tuple(row) for row in frame[keys].itertuples(index=False))


def _rows(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    """A list's rows in order, each value as a plain Python value (a missing one None)."""
    return [
        tuple(None if pd.isna(v) else v.item() if hasattr(v, "item") else v for v in row)
        for row in frame[columns].itertuples(index=False)
    ]


# --- each figure, cell by cell --------------------------------------------------------------------


def _assert_sources(ours: dict, theirs: dict, rows: int = 0, cells: int = 0) -> None:
    keys = ["career_stage", "source"]
    assert _keys(ours["sources"], keys) == _keys(theirs["sources"], keys)  # the rows, shown or not
    assert len(ours["sources"]) >= rows
    assert same(shown(ours["sources"]), theirs["sources"], keys, SOURCE_VALUES) >= cells


def _assert_formal(ours: dict, theirs: dict, rows: int = 0, cells: int = 0) -> None:
    assert _keys(ours["formal"], ["career_stage"]) == _keys(theirs["formal"], ["career_stage"])
    assert len(ours["formal"]) >= rows
    assert same(shown(ours["formal"]), theirs["formal"], ["career_stage"], FORMAL_VALUES) >= cells


def _assert_match(ours: dict, theirs: dict, rows: int = 0, cells: int = 0, days: int = 0, within: int = 0) -> None:
    match, keys = ours["match"], ["career_stage"]
    assert _keys(match, keys) == _keys(theirs["match"], keys) and len(match) >= rows
    assert same(shown(match), theirs["match"], keys, MATCH_VALUES) >= cells
    # the quartiles hide when fewer than min_cell are matched, the 90 days' share when fewer started 90 days ago
    assert same(match[~match["days_suppressed"]], theirs["match"], keys, MATCH_DAYS) >= days
    assert same(match[~match["within_90_suppressed"]], theirs["match"], keys, MATCH_90) >= within


def _assert_tax(ours: dict, theirs: dict, rows: int = 0, cells: int = 0) -> None:
    assert _keys(ours["tax"], ["group"]) == _keys(theirs["tax"], ["group"]) and len(ours["tax"]) >= rows
    assert same(shown(ours["tax"]), theirs["tax"], ["group"], TAX_VALUES) >= cells


def _assert_lists(ours: dict, theirs: dict, unmatched: int = 0, over: int = 0) -> None:
    """The same people, in the same order, with the same columns."""
    assert _rows(ours["unmatched"], UNMATCHED_COLUMNS) == _rows(theirs["unmatched"], UNMATCHED_COLUMNS)
    assert _rows(ours["over"], OVER_COLUMNS) == _rows(theirs["over"], OVER_COLUMNS)
    assert len(ours["unmatched"]) >= unmatched and len(ours["over"]) >= over


def test_pandas_computes_every_figure_of_the_coverage_page(bench_loaded, bench_page_runs):
    ours, theirs = _figures(bench_loaded, bench_page_runs, *FILTER_CASES[0])
    assert set(theirs) == set(ours) - bench.DERIVED  # the benchmark's pandas_missing: none


# Each figure of the page and the check that pandas' equals it (its minimums in MIN, by figure).
CHECKS = {
    "sources": _assert_sources,  # how relationships began
    "formal": _assert_formal,  # formal relationships by stage
    "match": _assert_match,  # time to match
    "tax": _assert_tax,  # the minority tax
    "lists": _assert_lists,  # the unmatched and over-capacity lists
}


@pytest.mark.parametrize("figure", CHECKS)
@pytest.mark.parametrize("name, filters", CASES)
def test_pandas_figure_equals_the_pages(bench_loaded, bench_page_runs, name, filters, figure):
    CHECKS[figure](*_figures(bench_loaded, bench_page_runs, name, filters), *MIN[name][figure])


# --- the rules at their edges, person by person (tests/builders) -----------------------------------

OLD = date(2015, 1, 1)


@pytest.fixture(scope="module")
def edges(tmp_path_factory):
    """(database, pandas' tables, settings) of a department at the rules' edges, min_cell 3, capacity 4. On
    AS_OF (30 June 2026) time to match looks at starts after 30 June 2023; 90 days before is 1 April 2026."""
    from tests.builders import add_mentorships, add_people, new_db, person

    db = new_db(tmp_path_factory.mktemp("coverage_edges"))
    add_people(
        db,
        # faculty: women (URiM or not), men (URiM or not), unknown; one who left on AS_OF, one who starts after
        person("M_OVER", "senior_faculty", OLD, gender="woman", race_ethnicity=["white"]),
        person("M_CAP", "junior_faculty", OLD, gender="man", urim=True, division="Spine"),
        *[person(p, "senior_faculty", OLD, gender="woman", race_ethnicity=["black"]) for p in ("FW2", "FW3")],
        *[person(p, "junior_faculty", OLD, gender="man", race_ethnicity=["white"]) for p in ("FM2", "FM3")],
        person("FU", "senior_faculty", OLD, gender="undisclosed", race_ethnicity=["undisclosed"]),
        person("F_LEFT", "senior_faculty", OLD, gender="woman", end_date=AS_OF),
        person("F_FUT", "junior_faculty", date(2026, 7, 1), gender="woman"),
        # long-standing fellows: mentees; one who left on AS_OF, one who leaves the day after
        *[person(f"E{i}", "fellow", OLD, division="Hand") for i in range(1, 8)],
        person("E_LEFT", "fellow", OLD, end_date=AS_OF),
        person("E_STAY", "fellow", OLD, end_date=date(2026, 7, 1)),
        # unmatched fellows: a relationship that ended the day before, one that starts the day after, a sponsor
        *[person(p, "fellow", OLD) for p in ("U_ENDED", "U_LATER", "U_ROLE")],
        # newcomers (time to match)
        person("N_SINCE", "resident", date(2023, 6, 30)),  # the excluded first day: not a newcomer
        person("N_FIRST", "resident", date(2023, 7, 1)),  # matched after 92 days
        person("N_90", "resident", date(2026, 4, 1)),  # started 90 days before AS_OF, matched on it: 90 days
        person("N_91", "resident", date(2026, 4, 2)),  # 89 days before: not among n90; matched the same day
        person("N_ASOF", "resident", AS_OF),  # started on AS_OF, matched the day after: unmatched
        person("N_LEFT", "resident", date(2024, 1, 1), end_date=date(2024, 6, 1)),  # matched the day they left
        person("N_LEFT2", "resident", date(2024, 1, 1), end_date=date(2024, 6, 1)),  # the day before: 151 days
        person("N_BEFORE", "resident", date(2025, 1, 1)),  # matched 31 days before they started: 0 days
        person("N_BEFORE2", "resident", date(2025, 1, 1)),  # 61 days before: 0 days
        person("N_ROLE", "resident", date(2025, 1, 1)),  # a sponsor only: unmatched
        person("N_LATE", "resident", date(2025, 1, 1)),  # matched after 91 days
        person("N_W", "resident", date(2025, 1, 1)),  # matched after 30 days
    )

    def rel(mentor, mentee, start=OLD, end=None, **extra):
        return {
            "mentor_id": mentor,
            "mentee_id": mentee,
            "start_date": start,
            "end_date": end,
            "source": "formal_program",
        } | extra

    add_mentorships(
        db,
        # M_OVER: 5 distinct mentees (E5 twice), over capacity; two informal, one of them of a blank source
        rel("M_OVER", "E1", source="research", formal=False),
        rel("M_OVER", "E2", source=None, formal=False),
        rel("M_OVER", "E3"),
        rel("M_OVER", "E4"),
        rel("M_OVER", "E5", date(2020, 1, 1)),
        rel("M_OVER", "E5", date(2021, 1, 1)),
        # M_CAP: exactly 4 (one ending on AS_OF); a mentee who left, relationships ended or not begun
        *[rel("M_CAP", m) for m in ("E6", "E7", "E_STAY", "E_LEFT")],
        rel("M_CAP", "E1", end=AS_OF),
        rel("M_CAP", "U_ENDED", end=date(2026, 6, 29)),
        rel("M_CAP", "U_LATER", date(2026, 7, 1)),
        rel("M_CAP", "U_ROLE", role="sponsor"),
        # an external mentor of 5, over capacity; a mentor who left on AS_OF (not faculty)
        *[rel("X_EXT", f"E{i}", source="alumni", formal=False) for i in range(1, 6)],
        rel("F_LEFT", "E6", source="society"),
        # newcomers' first relationships
        rel("FM2", "N_FIRST", date(2023, 10, 1)),
        rel("FM2", "N_90", AS_OF),
        rel("FM3", "N_91", date(2026, 4, 2)),
        rel("FM3", "N_ASOF", date(2026, 7, 1)),
        rel("FM3", "N_LEFT", date(2024, 6, 1)),
        rel("FM3", "N_LEFT2", date(2024, 5, 31), date(2024, 6, 1)),
        rel("FW2", "N_BEFORE", date(2024, 12, 1)),
        rel("FW2", "N_BEFORE2", date(2024, 11, 1)),
        rel("FW2", "N_ROLE", date(2025, 2, 1), role="sponsor"),
        rel("FW3", "N_LATE", date(2025, 4, 2)),
        rel("FW3", "N_W", date(2025, 1, 31)),
    )
    db.set_setting("min_cell", 3, user="test")
    loaded = reopened_with_tables(db)
    yield loaded
    loaded[0].close()


def _edge_figures(edges, filters: Filters | None = None) -> tuple[dict, dict]:
    db, tables, settings = edges
    view = View(as_of=AS_OF, filters=filters or Filters())
    call = bench.Calls(db)
    return bench.PAGE_DATA["coverage"](view, call, call), pandas_baseline.PAGES["coverage"](tables, settings, view)


def _record(frame: pd.DataFrame, key: str, value: str) -> dict:
    rows = frame[frame[key] == value]
    assert len(rows) == 1, rows
    return rows.iloc[0].to_dict()


def test_pandas_time_to_match_at_the_edges(edges):
    ours, theirs = _edge_figures(edges)
    _assert_match(ours, theirs, 1, 1, 1, 1)
    resident = _record(theirs["match"], "career_stage", "resident")
    # N_FIRST 92, N_90 90, N_91 0, N_LEFT2 151, N_BEFORE(2) 0, N_LATE 91, N_W 30 days; N_ASOF, N_LEFT, N_ROLE unmatched
    assert {k: resident[k] for k in ("n", "matched", "n90", "within_90")} == {
        "n": 11,
        "matched": 8,
        "n90": 9,  # all but N_91 and N_ASOF
        "within_90": 4,  # N_90, N_BEFORE, N_BEFORE2, N_W
    }
    assert (resident["median_days"], resident["q1_days"], resident["q3_days"]) == (
        60.0,
        0.0,
        91.2,
    )  # 91.25 rounded half to even


def test_pandas_lists_at_the_edges(edges):
    ours, theirs = _edge_figures(edges)
    _assert_lists(ours, theirs, 13, 2)
    assert set(theirs["unmatched"]["person_id"]) == {
        *("M_OVER", "M_CAP", "FW2", "FW3", "FM2", "FM3", "FU"),
        *("U_ENDED", "U_LATER", "U_ROLE", "N_SINCE", "N_ASOF", "N_ROLE"),
    }
    assert _rows(theirs["over"], OVER_COLUMNS) == [
        ("M_OVER", "senior_faculty", None, False, 5),
        ("X_EXT", None, None, True, 5),
    ]
    # a filter selects the mentors: the external one no longer counts
    ours, theirs = _edge_figures(edges, Filters.of(gender=["woman"]))
    _assert_lists(ours, theirs, 1, 1)
    assert list(theirs["over"]["mentor_id"]) == ["M_OVER"]


def test_pandas_sources_and_formal_at_the_edges(edges):
    ours, theirs = _edge_figures(edges)
    _assert_sources(ours, theirs, 6, 6)
    _assert_formal(ours, theirs, 2, 2)
    fellows = _record(theirs["formal"], "career_stage", "fellow")
    # M_OVER 6 (4 formal), M_CAP 4 (E1's on its last day), X_EXT 5 informal, F_LEFT 1
    assert (fellows["relationships"], fellows["formal"]) == (16, 9)
    residents = _record(theirs["formal"], "career_stage", "resident")
    assert (residents["relationships"], residents["formal"]) == (7, 7)  # N_90's begun on AS_OF among them
    sources = theirs["sources"].set_index(["career_stage", "source"])
    assert sources.loc[("fellow", "not_recorded"), ["relationships", "formal"]].tolist() == [1, 0]
    assert sources.loc[("fellow", "formal_program"), "stage_mentees"] == 8


def test_pandas_minority_tax_at_the_edges(edges):
    ours, theirs = _edge_figures(edges)
    _assert_tax(ours, theirs, 2, 2)
    tax = theirs["tax"].set_index("group")
    # the women M_OVER 5, FW2 2, FW3 2; the URiM M_CAP 4, FW2, FW3; the men FM2 2, FM3 1; FU unknown, none.
    # 22 pairs of 15 mentees, 6 of them outside the faculty (X_EXT 5, F_LEFT 1, who left on AS_OF)
    expected = {"faculty": 7, "faculty_known": 6, "faculty_in_group": 3, "load_known": 16, "mentees": 15}
    assert tax.loc["women", list(expected)].tolist() == list(expected.values())
    assert tax.loc["urim", list(expected)].tolist() == list(expected.values())
    assert tax.loc["women", "load_in_group"] == 9 and tax.loc["urim", "load_in_group"] == 8
    assert (tax["load_outside_faculty"] == 6).all()
