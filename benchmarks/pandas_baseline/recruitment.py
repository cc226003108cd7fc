"""The recruitment page's figures in pandas."""

from __future__ import annotations

import pandas as pd

from benchmarks.pandas_baseline.tables import apply_filters, effective_urim
from mentordash.metrics.intervals import pct
from mentordash.vocabulary import (
    APPLICANT_STAGES,
    TRACK_LABELS,
)

STAGE_ORDER = {stage: i for i, stage in enumerate(APPLICANT_STAGES, start=1)}


TRACK_ORDER = {track: i for i, track in enumerate(TRACK_LABELS)}


# The filters that describe applicants besides race/ethnicity and URiM (apply_filters applies those two always);
# career stage and division describe people, not applicants.
APPLICANT_FILTER_COLUMNS = ("gender", "institution")


def applicant_cycles(tables, settings, filters) -> pd.DataFrame:
    """track, cycle of the filtered applicants: tracks in their usual order, newest cycle first."""
    a = apply_filters(tables["applicants"], filters, settings["urim_list"], columns=APPLICANT_FILTER_COLUMNS)
    pairs = a[["track", "cycle"]].drop_duplicates().assign(order=lambda f: f["track"].map(TRACK_ORDER))
    return pairs.sort_values(["order", "cycle"], ascending=[True, False]).drop(columns="order").reset_index(drop=True)


def recruitment_headline(tables, settings, as_of, filters, context=None) -> pd.DataFrame:
    """The funnel by cycle, track and stage with the shares of women and URiM among those known."""
    a = apply_filters(tables["applicants"], filters, settings["urim_list"], columns=APPLICANT_FILTER_COLUMNS)
    urim = effective_urim(a["urim"], a["race_ethnicity"], settings["urim_list"])
    a = a.assign(
        reached=a["stage_reached"].map(STAGE_ORDER),
        gender_known=a["gender"].notna() & a["gender"].ne("undisclosed"),
        woman=a["gender"].eq("woman").fillna(False),
        urim_known=urim.notna(),
        urim_true=urim.fillna(False).astype(bool),
    )
    parts = []
    for stage, order in STAGE_ORDER.items():
        reached = a[a["reached"] >= order]
        counts = (
            reached.groupby(["cycle", "track"])
            .agg(
                n=("applicant_id", "size"),
                gender_known=("gender_known", "sum"),
                women=("woman", "sum"),
                urim_known=("urim_known", "sum"),
                urim=("urim_true", "sum"),
            )
            .reset_index()
        )
        parts.append(counts.assign(stage=stage, stage_order=order))
    frame = pd.concat(parts, ignore_index=True)
    frame["women_pct"] = [pct(w, k) for w, k in zip(frame["women"], frame["gender_known"])]
    frame["urim_pct"] = [pct(u, k) for u, k in zip(frame["urim"], frame["urim_known"])]
    return frame.sort_values(["cycle", "track", "stage_order"]).reset_index(drop=True)


def recruitment_page(tables, settings, view) -> dict:
    funnel = recruitment_headline(tables, settings, view.as_of, view.filters)
    women = view.filters.narrowed(gender=()) if view.filters.gender else view.filters
    urim = view.filters.narrowed(urim=None) if view.filters.urim is not None else view.filters
    return {
        "ignored": [name for name in ("career_stage", "division") if getattr(view.filters, name)],
        "benchmarks": {b["key"]: b for b in settings["benchmarks"] if "key" in b},
        "total": int(funnel.loc[funnel["stage"] == "applied", "n"].sum()),
        "pairs": applicant_cycles(tables, settings, view.filters),
        "funnel": funnel,
        "women": funnel if women == view.filters else recruitment_headline(tables, settings, view.as_of, women),
        "urim": funnel if urim == view.filters else recruitment_headline(tables, settings, view.as_of, urim),
    }
