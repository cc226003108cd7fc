"""The pandas baseline's wellbeing page (benchmarks/pandas_baseline/wellbeing.py) computes every figure the page
shows (mentordash.ui.wellbeing_view.page_data) with the metrics layer's numbers: the page's shown cells equal
pandas', under the benchmark's filters and more. No test here looks at a time."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from benchmarks import pages as bench
from benchmarks.pandas_baseline import wellbeing as pandas_wellbeing
from benchmarks.pandas_baseline.tables import load_tables
from mentordash.db import connect
from mentordash.instruments import MBI_DP, MBI_EE, MBI_PA, MEASURE_ORDER, PFI_ID, PFI_PF, PFI_WE
from mentordash.metrics import wellbeing
from mentordash.metrics.filters import Filters
from mentordash.ui.frame import View
from tests.bench_support import AS_OF, FILTER_CASES, page_and_pandas, same, shown
from tests.builders import add_mentorships, add_people, add_survey, new_db, person

# (name, filters, the fewest shown cells compared in by_wave and by_group): the department demo's URiM
# respondents (13 responses over four waves) fill no cell the page shows, so its rows are compared hidden or not
# (test_*_rows_are_the_pages) and its response rates, which count the roster's URiM people, are shown.
CASES = [
    *((name, filters, (30, 50)) for name, filters in FILTER_CASES),
    ("career_stage=resident", Filters.of(career_stage=["resident"]), (30, 100)),
    ("urim", Filters.of(urim=True), (0, 0)),
    ("division=Trauma", Filters.of(division=["Trauma"]), (30, 50)),
    ("race=white", Filters.of(race_ethnicity=["white"]), (30, 200)),
]
CASE_IDS = [case[0] for case in CASES]
MEASURE_VALUES = ["n", "positive", "pct", "ci_low", "ci_high"]


@pytest.fixture(scope="module")
def both(bench_loaded, bench_page_runs):
    """figures(name, filters) -> (the page's figures, pandas'): tests.bench_support.page_and_pandas."""
    return lambda name, filters: page_and_pandas(bench_loaded, bench_page_runs, "wellbeing", name, filters)


def test_the_baseline_scores_every_measure_in_the_pages_order():
    assert list(pandas_wellbeing.MEASURE_RULES) == list(MEASURE_ORDER)


@pytest.mark.parametrize("name, filters, minimums", CASES, ids=CASE_IDS)
def test_pandas_computes_every_figure_of_the_page(both, name, filters, minimums):
    ours, theirs = both(name, filters)
    assert set(ours) - set(theirs) - bench.DERIVED == set()  # the benchmark's pandas_missing is empty
    assert ours["total"]["n"] == theirs["total"]


@pytest.mark.parametrize("name, filters, minimums", CASES, ids=CASE_IDS)
def test_pandas_measures_by_wave_equal_the_pages(both, name, filters, minimums):
    """Every measure (burnout by each instrument, fulfilment, satisfaction, stress, intent to leave) by wave."""
    ours, theirs = both(name, filters)
    page, pandas = ours["by_wave"], theirs["by_wave"]
    compared = same(shown(page), pandas, ["survey", "measure"], MEASURE_VALUES)
    assert compared >= minimums[0]
    if minimums[0]:
        assert set(shown(page)["measure"]) - set(wellbeing.BURNOUT_MEASURES), "no measure but burnout compared"
    # the same (wave, measure) rows, hidden or not, in the page's order
    assert list(zip(page["survey"], page["measure"])) == list(zip(pandas["survey"], pandas["measure"]))
    assert len(page) >= 30


@pytest.mark.parametrize("name, filters, minimums", CASES, ids=CASE_IDS)
def test_pandas_measures_by_group_equal_the_pages(both, name, filters, minimums):
    """Every measure by wave and by career stage, gender, URiM, division and mentored status ('unknown' a group)."""
    ours, theirs = both(name, filters)
    page, pandas = ours["by_group"], theirs["by_group"]
    keys = ["survey", "measure", "dimension", "group"]
    cells = shown(page)
    assert same(cells, pandas, keys, MEASURE_VALUES) >= minimums[1]
    if name in ("default", "race=white"):  # in the narrower views small groups hide whole breakdowns
        assert set(cells["dimension"]) == set(wellbeing.DIMENSIONS)
        assert {"mentored", "not_mentored"} <= set(cells.loc[cells["dimension"] == "mentored", "group"])
    elif minimums[1]:
        assert len(set(cells["dimension"])) >= 2
    # the same cells, hidden or not
    assert sorted(map(tuple, page[keys].to_numpy())) == sorted(map(tuple, pandas[keys].to_numpy()))
    assert len(page) >= 250


@pytest.mark.parametrize("name, filters, minimums", CASES, ids=CASE_IDS)
def test_pandas_response_rates_equal_the_pages(both, name, filters, minimums):
    """The people each wave could reach (the roster's, of the view), those who answered, and the wave's responses."""
    ours, theirs = both(name, filters)
    page, pandas = ours["rates"], theirs["rates"]
    assert list(page["survey"]) == list(pandas["survey"])  # the waves, in order
    assert list(pd.to_datetime(page["last_day"])) == list(pd.to_datetime(pandas["last_day"]))
    rates = shown(page)
    assert same(rates, pandas, ["survey"], ["eligible", "respondents", "rate", "roster_allows"]) >= 4
    responses = page[~page["responses_suppressed"].astype(bool)]
    assert same(responses, pandas, ["survey"], ["responses", "linked_responses"]) >= (0 if name == "urim" else 4)


def test_pandas_benchmarks_equal_the_pages(both):
    ours, theirs = both("default", Filters())
    assert ours["benchmarks"] == theirs["benchmarks"]
    assert ours["benchmarks"]["by_instrument"] and ours["benchmarks"]["unmatched"]


class _Settings:
    def __init__(self, settings: dict):
        self._settings = settings

    def settings(self) -> dict:
        return self._settings


def test_pandas_benchmarks_sort_the_settings_as_the_page_does():
    entries = [
        {"key": "a", "figure": "burnout (Mini-Z)", "value": 40.0, "instrument": "mini_z"},
        {"key": "b", "figure": "professional fulfilment", "value": 40.0, "instrument": "pfi_fulfilled"},
        {"key": "c", "figure": "Burnout among surgeons", "value": 30.0},
        {"key": "burnout_pooled", "figure": "pooled", "value": 35.0, "instrument": "no_such_instrument"},
        {"key": "women", "figure": "women among residents", "value": 15.0},
        {"figure": "no key", "value": 1.0},
    ]
    for settings in ({"benchmarks": entries}, {}):
        assert pandas_wellbeing.benchmarks(settings) == wellbeing.benchmarks(_Settings(settings))


# --- the rules on their edges, on a database built for them -----------------------------------------

START = date(2020, 1, 1)
WAVE_A, WAVE_B = "Wave A", "Wave B"
A_LAST = date(2026, 4, 2)  # Wave A's last submission: an incomplete response, the day after the others


def _response(number: int, wave: str, day: date, pa_sum: int, **extra) -> dict:
    """A response with the full MBI-HSS (personal accomplishment summing to pa_sum) and the PFI (fulfilment items
    averaging 3 or just below), reported as a resident with no mentor unless `extra` says otherwise."""
    pa = [6] * (pa_sum // 6) + [pa_sum % 6] + [0] * (7 - pa_sum // 6)
    pf = [3] * 6 if number % 2 else [3] * 5 + [2]
    return {
        "survey": wave,
        "response_id": f"{wave}-{number}",
        "submitted_at": datetime(day.year, day.month, day.day, 9),
        "complete": True,
        "career_stage": "resident",
        "has_mentor": False,
        **dict.fromkeys(MBI_EE + MBI_DP, 0),
        **dict(zip(MBI_PA, pa)),
        **dict(zip(PFI_PF, pf)),
        **dict.fromkeys(PFI_WE + PFI_ID, 1),
        **extra,
    }


def _edges(tmp_path):
    """Wave A: six roster residents and five junior faculty, all reporting themselves residents (the faculty's
    stage comes from the roster); r1 was mentored until the day they answered (its end day counts); r7 left on
    the wave's last submission day (not eligible), given by an incomplete response the day after the others,
    which reports a fellow (fellows are surveyed too); one response with a personal accomplishment item out of
    range (not scoreable for low accomplishment). Wave B: five anonymous responses (no rate)."""
    db = new_db(tmp_path)
    day = date(2026, 4, 1)
    add_people(
        db,
        *(person(f"r{i}", "resident", START) for i in range(1, 7)),
        person("r7", "resident", START, end_date=A_LAST),
        *(person(f"f{i}", "junior_faculty", START) for i in range(1, 6)),
        person("fe1", "fellow", START),
    )
    add_mentorships(
        db,
        {"mentor_id": "f1", "mentee_id": "r1", "start_date": date(2025, 1, 1), "end_date": day},
        *({"mentor_id": "f2", "mentee_id": f"r{i}", "start_date": date(2025, 1, 1)} for i in range(2, 6)),
        {"mentor_id": "f3", "mentee_id": "r6", "start_date": date(2025, 1, 1), "end_date": date(2026, 3, 31)},
    )
    ids = [f"r{i}" for i in range(1, 7)] + [f"f{i}" for i in range(1, 6)]
    rows = [_response(n, WAVE_A, day, 32 + n % 3, person_id=pid) for n, pid in enumerate(ids)]
    rows[0]["mbi_pa_1"] = 7
    rows.append(_response(90, WAVE_A, A_LAST, 33, career_stage="fellow", complete=False))
    rows += [_response(100 + n, WAVE_B, date(2026, 5, 1), 33) for n in range(5)]
    add_survey(db, *rows)
    settings = db.settings()
    db.close()
    tables = load_tables(tmp_path / "test.duckdb")
    return connect(tmp_path / "test.duckdb"), tables, settings


def test_pandas_wellbeing_on_the_rules_edges(tmp_path):
    db, tables, settings = _edges(tmp_path)
    try:
        view = View(as_of=AS_OF, filters=Filters())
        theirs = pandas_wellbeing.wellbeing_page(tables, settings, view)
        by_wave = shown(wellbeing.measures_by_wave(db, Filters()))
        assert same(by_wave, theirs["by_wave"], ["survey", "measure"], MEASURE_VALUES) == len(by_wave) == 8
        low_pa = theirs["by_wave"].set_index(["survey", "measure"]).loc[(WAVE_A, "mbi_low_pa")]
        assert (low_pa["n"], low_pa["positive"]) == (10, 7)  # the out-of-range item's response is not scoreable
        by_group = shown(wellbeing.measures_by_group(db, Filters()))
        keys = ["survey", "measure", "dimension", "group"]
        assert same(by_group, theirs["by_group"], keys, MEASURE_VALUES) >= 8
        mentored = theirs["by_group"].query("survey == @WAVE_A and measure == 'pfi' and dimension == 'mentored'")
        assert dict(zip(mentored["group"], mentored["n"])) == {"mentored": 5, "not_mentored": 6}
        rates = wellbeing.response_rates(db, Filters())
        assert same(rates, theirs["rates"], ["survey"], ["eligible", "respondents", "rate", "roster_allows"]) == 2
        assert same(rates, theirs["rates"], ["survey"], ["responses", "linked_responses"]) == 2
        assert list(pd.to_datetime(theirs["rates"]["last_day"])) == [pd.Timestamp(A_LAST), pd.Timestamp(2026, 5, 1)]
        # Wave A: 6 residents, 5 faculty and the fellow; Wave B: anonymous, no rate
        pandas_rates = theirs["rates"]
        assert (list(pandas_rates["eligible"]), list(pandas_rates["respondents"])) == ([12, 0], [11, 0])
        assert pandas_rates["rate"].iloc[0] == 91.7 and pd.isna(pandas_rates["rate"].iloc[1])
    finally:
        db.close()
