"""The wellbeing page's figures in pandas."""

from __future__ import annotations

import numpy as np
import pandas as pd

from benchmarks.pandas_baseline.tables import apply_filters
from mentordash.instruments import INSTRUMENTS, MBI_DP, MBI_EE, PFI_ID, PFI_WE
from mentordash.metrics.filters import Filters
from mentordash.metrics.intervals import pct


def respondents(tables: dict, settings: dict, filters: Filters) -> pd.DataFrame:
    """Complete responses with the roster's groups where linked, else what the respondent reported."""
    survey = tables["survey"]
    survey = survey[survey["complete"].astype(bool)]
    roster = tables["people"][
        ["person_id", "career_stage", "gender", "race_ethnicity", "urim", "division", "institution"]
    ]
    joined = survey.merge(roster, on="person_id", how="left", suffixes=("", "_p"), indicator=True)
    linked = joined["_merge"].eq("both")
    for column in ("career_stage", "gender", "race_ethnicity", "urim"):
        joined[column] = joined[f"{column}_p"].where(linked, joined[column])
    joined["division"] = joined["division"].where(linked)
    joined["institution"] = joined["institution"].where(linked)
    return apply_filters(joined, filters, settings["urim_list"])


def wellbeing_headline(tables, settings, as_of, filters, context=None) -> pd.DataFrame:
    """Mini-Z burnout prevalence by survey wave: scoreable responses, burned out, %."""
    r = respondents(tables, settings, filters)
    last = tables["survey"].groupby("survey")["submitted_at"].max().rename("last_submitted")
    item = r["mini_z_burnout"]
    scoreable = r[item.between(1, 5).fillna(False).astype(bool)]
    counts = (
        scoreable.assign(burned=scoreable["mini_z_burnout"] >= int(settings["cutoffs"]["mini_z_burnout"]))
        .groupby("survey")
        .agg(n=("response_id", "size"), burned_out=("burned", "sum"))
        .reset_index()
    )
    counts = counts.join(last, on="survey").sort_values(["last_submitted", "survey"]).reset_index(drop=True)
    counts["pct"] = [pct(b, n) for b, n in zip(counts["burned_out"], counts["n"])]
    return counts


def _items_in_range(r: pd.DataFrame, items: tuple[str, ...], low: int, high: int) -> pd.Series:
    return np.logical_and.reduce([r[item].between(low, high).fillna(False).astype(bool) for item in items])


# Each instrument's burnout rule over its items (mentordash.instruments states them in SQL and in words).
BURNOUT_RULES = {
    "mini_z": lambda r, c: r["mini_z_burnout"] >= c["mini_z_burnout"],
    "mbi_single": lambda r, c: (r["mbi_ee_item"] >= c["mbi_single"]) | (r["mbi_dp_item"] >= c["mbi_single"]),
    "mbi_full": lambda r, c: (
        (r[list(MBI_EE)].sum(axis=1) >= c["mbi_ee_sum"]) | (r[list(MBI_DP)].sum(axis=1) >= c["mbi_dp_sum"])
    ),
    "pfi": lambda r, c: r[list(PFI_WE + PFI_ID)].mean(axis=1) >= c["pfi_burnout_mean"],
}


def burnout_by_wave(tables, settings, filters) -> pd.DataFrame:
    """survey, instrument, last_submitted, n (scoreable responses), burned_out, pct: every instrument's burnout
    in every wave with a scoreable response, oldest wave first."""
    r = respondents(tables, settings, filters)
    last = tables["survey"].groupby("survey")["submitted_at"].max().rename("last_submitted")
    parts = []
    for key, rule in BURNOUT_RULES.items():
        instrument = INSTRUMENTS[key]
        scoreable = r[_items_in_range(r, instrument.items, instrument.low, instrument.high)]
        counts = (
            scoreable.assign(burned=rule(scoreable, settings["cutoffs"]).astype(bool))
            .groupby("survey")
            .agg(n=("response_id", "size"), burned_out=("burned", "sum"))
            .reset_index()
        )
        parts.append(counts.assign(instrument=key, order=len(parts)))
    frame = pd.concat(parts, ignore_index=True).join(last, on="survey")
    frame["pct"] = [pct(b, n) for b, n in zip(frame["burned_out"], frame["n"])]
    return frame.sort_values(["last_submitted", "survey", "order"]).drop(columns="order").reset_index(drop=True)


def wellbeing_page(tables, settings, view) -> dict:
    respondents_frame = respondents(tables, settings, view.filters)
    return {
        "total": int(len(respondents_frame)),
        "by_wave": wellbeing_headline(tables, settings, view.as_of, view.filters),
    }
