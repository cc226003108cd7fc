"""Scoring of each instrument (docs/instruments.md) at and around every cut-off, with missing and out-of-range items.

Each test writes one response and reads back, for each measure, whether it is scoreable and whether it
meets the rule, through the very SQL the metrics use (instruments.MEASURES)."""

from datetime import datetime
from itertools import count

import pytest

from mentordash.instruments import (
    INSTRUMENTS,
    MBI_DP,
    MBI_EE,
    MBI_PA,
    MEASURE_ORDER,
    MEASURES,
    PFI_ID,
    PFI_PF,
    PFI_WE,
    cutoff_params,
)
from tests.builders import add_survey, new_db

_ids = count()


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return new_db(tmp_path_factory.mktemp("instruments"))


def score(db, **items) -> dict:
    """{measure: None (not scoreable) | True | False} for one response holding `items`."""
    rid = f"X{next(_ids)}"
    add_survey(db, {"survey": "S", "response_id": rid, "submitted_at": datetime(2026, 4, 1), **items})
    selects = ", ".join(
        f"{MEASURES[k].scoreable_sql('r')} AS s_{k}, coalesce({MEASURES[k].positive_sql('r')}, FALSE) AS p_{k}"
        for k in MEASURE_ORDER
    )
    params = {"rid": rid, **cutoff_params(db.settings()["cutoffs"])}
    sql = f"SELECT {selects} FROM survey r WHERE r.response_id = $rid"
    row = db.rows(sql, params)[0]
    out = {}
    for i, key in enumerate(MEASURE_ORDER):
        scoreable, positive = row[2 * i], row[2 * i + 1]
        out[key] = bool(positive) if scoreable else None
    return out


def items(names, values) -> dict:
    if isinstance(values, int):
        values = [values] * len(names)
    return dict(zip(names, values))


# --- Mini-Z ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("answer, burned_out", [(1, False), (2, False), (3, True), (4, True), (5, True)])
def test_mini_z_burned_out_from_item_3(db, answer, burned_out):
    assert score(db, mini_z_burnout=answer)["mini_z"] is burned_out


@pytest.mark.parametrize("answer", [0, 6, None])
def test_mini_z_out_of_range_or_missing_is_not_scoreable(db, answer):
    assert score(db, mini_z_burnout=answer)["mini_z"] is None


def test_mini_z_cut_off_from_settings(db):
    db.set_setting("cutoffs", {"mini_z_burnout": 4}, user="test")
    try:
        assert score(db, mini_z_burnout=3)["mini_z"] is False
        assert score(db, mini_z_burnout=4)["mini_z"] is True
    finally:
        db.set_setting("cutoffs", {"mini_z_burnout": 3}, user="test")


# --- single-item MBI ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "ee, dp, burned_out",
    [
        (3, 3, False),
        (4, 0, True),
        (0, 4, True),
        (6, 6, True),
        (0, 0, False),
        (3, 4, True),
    ],
)
def test_mbi_single_weekly_or_more(db, ee, dp, burned_out):
    assert score(db, mbi_ee_item=ee, mbi_dp_item=dp)["mbi_single"] is burned_out


@pytest.mark.parametrize("ee, dp", [(7, 0), (-1, 0), (4, None), (None, 5)])
def test_mbi_single_needs_both_items_in_range(db, ee, dp):
    assert score(db, mbi_ee_item=ee, mbi_dp_item=dp)["mbi_single"] is None


# --- full MBI -------------------------------------------------------------------------------------
def mbi(ee_sum: int, dp_sum: int, pa: list[int] | None = None) -> dict:
    """EE items adding up to ee_sum (0-54), DP items to dp_sum (0-30)."""
    ee = [min(6, max(0, ee_sum - 6 * i)) for i in range(9)]
    dp = [min(6, max(0, dp_sum - 6 * i)) for i in range(5)]
    assert sum(ee) == ee_sum and sum(dp) == dp_sum
    out = {**items(MBI_EE, ee), **items(MBI_DP, dp)}
    if pa is not None:
        out.update(items(MBI_PA, pa))
    return out


@pytest.mark.parametrize(
    "ee_sum, dp_sum, burned_out",
    [
        (26, 9, False),
        (27, 0, True),
        (28, 0, True),
        (0, 10, True),
        (26, 10, True),
        (0, 9, False),
    ],
)
def test_mbi_full_ee_27_or_dp_10(db, ee_sum, dp_sum, burned_out):
    assert score(db, **mbi(ee_sum, dp_sum))["mbi_full"] is burned_out


def test_mbi_full_missing_or_out_of_range_item(db):
    row = mbi(30, 12)
    assert score(db, **{**row, "mbi_ee_5": None})["mbi_full"] is None
    assert score(db, **{**row, "mbi_dp_3": 7})["mbi_full"] is None


@pytest.mark.parametrize("pa_sum, low", [(33, True), (34, False), (0, True), (48, False)])
def test_mbi_low_accomplishment_is_reported_apart(db, pa_sum, low):
    pa = [min(6, max(0, pa_sum - 6 * i)) for i in range(8)]
    result = score(db, **mbi(0, 0, pa))
    assert result["mbi_low_pa"] is low
    assert result["mbi_full"] is False  # low accomplishment is never burnout


def test_mbi_pa_optional_and_incomplete_pa(db):
    assert score(db, **mbi(27, 0))["mbi_low_pa"] is None  # no PA items: burnout still scored
    assert score(db, **mbi(27, 0))["mbi_full"] is True
    pa = dict(items(MBI_PA, 2), mbi_pa_8=None)
    assert score(db, **mbi(0, 0), **pa)["mbi_low_pa"] is None


# --- PFI ------------------------------------------------------------------------------------------
def pfi(we_id_sum: int, pf_sum: int) -> dict:
    we_id = [min(4, max(0, we_id_sum - 4 * i)) for i in range(10)]
    pf = [min(4, max(0, pf_sum - 4 * i)) for i in range(6)]
    assert sum(we_id) == we_id_sum and sum(pf) == pf_sum
    return {**items(PFI_WE + PFI_ID, we_id), **items(PFI_PF, pf)}


@pytest.mark.parametrize("we_id_sum, burned_out", [(13, False), (14, True), (0, False), (40, True)])
def test_pfi_burnout_mean_1_33(db, we_id_sum, burned_out):
    # mean 1.3 < 1.33 <= 1.4
    assert score(db, **pfi(we_id_sum, 0))["pfi"] is burned_out


@pytest.mark.parametrize("pf_sum, fulfilled", [(17, False), (18, True), (24, True), (0, False)])
def test_pfi_fulfilled_mean_3(db, pf_sum, fulfilled):
    # 17/6 = 2.83 < 3.0 = 18/6
    assert score(db, **pfi(0, pf_sum))["pfi_fulfilled"] is fulfilled


def test_pfi_mean_exactly_at_a_cut_off_meets_it(db):
    db.set_setting("cutoffs", {"pfi_burnout_mean": 1.1}, user="test")
    try:
        assert score(db, **pfi(11, 0))["pfi"] is True  # 11 / 10 == 1.1 exactly
        assert score(db, **pfi(10, 0))["pfi"] is False
    finally:
        db.set_setting("cutoffs", {"pfi_burnout_mean": 1.33}, user="test")


def test_pfi_needs_all_16_items(db):
    row = pfi(20, 20)
    assert score(db, **{**row, "pfi_pf_2": None})["pfi"] is None
    assert score(db, **{**row, "pfi_we_1": 5})["pfi_fulfilled"] is None


# --- single items -----------------------------------------------------------------------------------
@pytest.mark.parametrize("answer, yes", [(3, False), (4, True), (5, True), (1, False)])
def test_satisfaction_items_4_or_more(db, answer, yes):
    result = score(
        db, mini_z_satisfaction=answer, career_satisfaction=answer, mentorship_satisfaction=answer, mini_z_stress=answer
    )
    assert result["mini_z_satisfied"] is yes
    assert result["career_satisfied"] is yes
    assert result["mentorship_satisfied"] is yes
    assert result["mini_z_high_stress"] is yes


@pytest.mark.parametrize("answer", [0, 6])
def test_satisfaction_out_of_range(db, answer):
    result = score(db, career_satisfaction=answer, mentorship_satisfaction=answer)
    assert result["career_satisfied"] is None and result["mentorship_satisfied"] is None


def test_intent_to_leave(db):
    assert score(db, intent_to_leave=True)["intent_to_leave"] is True
    assert score(db, intent_to_leave=False)["intent_to_leave"] is False
    assert score(db, mini_z_burnout=2)["intent_to_leave"] is None


def test_a_response_is_scored_for_each_instrument_it_holds_in_full(db):
    result = score(db, mini_z_burnout=4, mbi_ee_item=2, mbi_dp_item=None, **pfi(20, 20))
    assert result["mini_z"] is True
    assert result["mbi_single"] is None
    assert result["pfi"] is True and result["pfi_fulfilled"] is True
    assert result["mbi_full"] is None


def test_rules_name_instrument_and_cut_off():
    cutoffs = {"mini_z_burnout": 3, "mbi_single": 4, "mbi_ee_sum": 27, "mbi_dp_sum": 10, "pfi_burnout_mean": 1.33}
    assert INSTRUMENTS["mini_z"].describe(cutoffs) == "Mini-Z, burnout = burnout item 3 of 5 or worse"
    assert "27" in INSTRUMENTS["mbi_full"].describe(cutoffs) and "10" in INSTRUMENTS["mbi_full"].describe(cutoffs)
    assert "1.33" in INSTRUMENTS["pfi"].describe(cutoffs)
    assert MEASURES["mini_z"].describe(cutoffs) == INSTRUMENTS["mini_z"].describe(cutoffs)


def test_cut_offs_are_bound_as_numbers():
    assert cutoff_params({"mini_z_burnout": 3}) == {"c_mini_z_burnout": 3.0}
    with pytest.raises(ValueError):
        cutoff_params({"mini_z_burnout": "3; DROP TABLE survey"})
