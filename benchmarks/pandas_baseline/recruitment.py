"""The recruitment page's figures in pandas."""

from __future__ import annotations

import numpy as np
import pandas as pd

from benchmarks.pandas_baseline.coverage import _active_people
from benchmarks.pandas_baseline.tables import apply_filters, effective_urim
from mentordash.metrics.intervals import pct
from mentordash.vocabulary import (
    APPLICANT_STAGES,
    CAREER_STAGES,
    TRACK_LABELS,
)

STAGE_ORDER = {stage: i for i, stage in enumerate(APPLICANT_STAGES, start=1)}
# Each stage to the next, and applied to matched.
TRANSITIONS = (*zip(APPLICANT_STAGES, APPLICANT_STAGES[1:]), (APPLICANT_STAGES[0], APPLICANT_STAGES[-1]))


TRACK_ORDER = {track: i for i, track in enumerate(TRACK_LABELS)}


# The filters that describe applicants besides race/ethnicity and URiM (apply_filters applies those two always);
# career stage and division describe people, not applicants.
APPLICANT_FILTER_COLUMNS = ("gender", "institution")
# The split of a stage by gender: nonbinary and another gender together, blank and undisclosed as unknown.
GENDER_GROUPS = {"woman": "woman", "man": "man", "nonbinary": "another", "another": "another"}


def applicant_cycles(tables, settings, filters) -> pd.DataFrame:
    """track, cycle of the filtered applicants: tracks in their usual order, newest cycle first."""
    a = apply_filters(tables["applicants"], filters, settings["urim_list"], columns=APPLICANT_FILTER_COLUMNS)
    pairs = a[["track", "cycle"]].drop_duplicates().assign(order=lambda f: f["track"].map(TRACK_ORDER))
    return pairs.sort_values(["order", "cycle"], ascending=[True, False]).drop(columns="order").reset_index(drop=True)


def _with_share_flags(frame: pd.DataFrame, urim_list: list[str]) -> pd.DataFrame:
    """frame (applicants or people) with gender_known, woman, urim_known and urim_true flags (effective URiM)."""
    urim = effective_urim(frame["urim"], frame["race_ethnicity"], urim_list)
    return frame.assign(
        gender_known=frame["gender"].notna() & frame["gender"].ne("undisclosed"),
        woman=frame["gender"].eq("woman").fillna(False),
        urim_known=urim.notna(),
        urim_true=urim.fillna(False).astype(bool),
    )


def _share_counts(id_column: str) -> dict:
    """groupby().agg's named aggregations of _with_share_flags' rows: the rows (by `id_column`), those whose
    gender and URiM are known, the women and the URiM among them."""
    return {
        "n": (id_column, "size"),
        "gender_known": ("gender_known", "sum"),
        "women": ("woman", "sum"),
        "urim_known": ("urim_known", "sum"),
        "urim": ("urim_true", "sum"),
    }


def recruitment_headline(tables, settings, as_of, filters, context=None) -> pd.DataFrame:
    """The funnel by cycle, track and stage with the shares of women and URiM among those known."""
    a = apply_filters(tables["applicants"], filters, settings["urim_list"], columns=APPLICANT_FILTER_COLUMNS)
    a = _with_share_flags(a, settings["urim_list"]).assign(reached=a["stage_reached"].map(STAGE_ORDER))
    parts = []
    for stage, order in STAGE_ORDER.items():
        reached = a[a["reached"] >= order]
        counts = reached.groupby(["cycle", "track"]).agg(**_share_counts("applicant_id")).reset_index()
        parts.append(counts.assign(stage=stage, stage_order=order))
    frame = pd.concat(parts, ignore_index=True)
    frame["women_pct"] = [pct(w, k) for w, k in zip(frame["women"], frame["gender_known"])]
    frame["urim_pct"] = [pct(u, k) for u, k in zip(frame["urim"], frame["urim_known"])]
    return frame.sort_values(["cycle", "track", "stage_order"]).reset_index(drop=True)


def _distinct_listed(lists: pd.Series, drop: str | None = None) -> pd.Series:
    """The distinct values of each row's list (`drop` left out), one row per value under the row's index label;
    rows with none left out."""
    values = lists.explode()
    values = values[values.notna() & values.ne(drop)] if drop else values[values.notna()]
    pairs = values.rename("group").rename_axis("row").reset_index().drop_duplicates()
    return pd.Series(pairs["group"].to_numpy(), index=pairs["row"].to_numpy())


def group_funnel(tables, settings, filters, track: str, cycle: int) -> pd.DataFrame:
    """The funnel of one track's cycle, overall (dimension 'all') and by group: dimension, group, stage,
    stage_order, n (applicants of the group who reached at least the stage, every stage of every group) and
    pct_of_applied. Gender (nonbinary and another together), URiM (effective), race/ethnicity and pipeline
    program (each applicant under every one listed; 'any' program, or 'none'), unknown where blank or
    undisclosed; with a filter on applicants, 'selection': the filtered applicants against the rest."""
    a = tables["applicants"]
    cohort = a[(a["track"] == track) & (a["cycle"] == cycle)]
    reached = cohort["stage_reached"].map(STAGE_ORDER).fillna(0).astype(int)  # 0: a stage outside the four
    chosen = apply_filters(cohort, filters, settings["urim_list"], columns=APPLICANT_FILTER_COLUMNS)
    urim = effective_urim(chosen["urim"], chosen["race_ethnicity"], settings["urim_list"])
    races = _distinct_listed(chosen["race_ethnicity"], drop="undisclosed")
    programs = _distinct_listed(chosen["pipeline"])
    splits = {
        "all": pd.Series("all", index=chosen.index),
        "gender": chosen["gender"].map(GENDER_GROUPS).fillna("unknown"),
        "urim": urim.map({True: "urim", False: "not_urim"}).fillna("unknown"),
        "race_ethnicity": pd.concat([races, pd.Series("unknown", index=chosen.index.difference(races.index))]),
        "pipeline": pd.concat(
            [
                programs,
                pd.Series("any", index=programs.index.unique()),
                pd.Series("none", index=chosen.index.difference(programs.index)),
            ]
        ),
    }
    if filters.gender or filters.race_ethnicity or filters.institution or filters.urim is not None:
        splits["selection"] = pd.Series(np.where(cohort.index.isin(chosen.index), "selected", "others"), cohort.index)
    long = pd.concat(
        [
            pd.DataFrame(
                {"dimension": dimension, "group": groups.to_numpy(), "reached": reached.loc[groups.index].to_numpy()}
            )
            for dimension, groups in splits.items()
        ],
        ignore_index=True,
    )
    by_reached = long.groupby(["dimension", "group", "reached"]).size().unstack("reached", fill_value=0)
    by_reached = by_reached.reindex(columns=list(STAGE_ORDER.values()), fill_value=0)  # drops 0 (outside)
    # reached at least a stage: that stage or a later one
    at_least = by_reached.iloc[:, ::-1].cumsum(axis=1).iloc[:, ::-1]
    at_least.columns = pd.Index(list(STAGE_ORDER), name="stage")
    frame = at_least.stack().rename("n").reset_index()
    frame["stage_order"] = frame["stage"].map(STAGE_ORDER)
    applied = at_least["applied"].rename("n_applied").reset_index()
    frame = frame.merge(applied, on=["dimension", "group"])
    frame["pct_of_applied"] = [pct(n, base) for n, base in zip(frame["n"], frame["n_applied"])]
    return frame.drop(columns="n_applied").sort_values(["dimension", "group", "stage_order"]).reset_index(drop=True)


def conversions(groups: pd.DataFrame) -> pd.DataFrame:
    """From group_funnel: for each group and step (each stage to the next, applied to matched) n_from, n_to
    and the rate n_to / n_from in %."""
    wide = groups.pivot(index=["dimension", "group"], columns="stage", values="n")
    frame = pd.concat(
        [
            pd.DataFrame({"from_stage": a, "to_stage": b, "n_from": wide[a], "n_to": wide[b]}).reset_index()
            for a, b in TRANSITIONS
        ],
        ignore_index=True,
    )
    frame["rate"] = [pct(to, of) for to, of in zip(frame["n_to"], frame["n_from"])]
    return frame


def pipeline_share(groups: pd.DataFrame) -> pd.DataFrame:
    """From group_funnel: for each pipeline program (and any program) and stage, its applicants (n) among the
    stage's (n_stage), and their share in %."""
    stages = groups.loc[groups["dimension"] == "all", ["stage", "n"]].rename(columns={"n": "n_stage"})
    programs = groups[(groups["dimension"] == "pipeline") & (groups["group"] != "none")]
    frame = programs[["group", "stage", "stage_order", "n"]].merge(stages, on="stage")
    frame["pct"] = [pct(n, total) for n, total in zip(frame["n"], frame["n_stage"])]
    return frame


def representation(tables, settings, as_of, filters) -> pd.DataFrame:
    """The department at as_of: active people by career stage (only the career stage, division and institution
    filters apply), with the shares of women and URiM among those known and the unknown counts and shares."""
    people_filters = filters.narrowed(gender=(), race_ethnicity=(), urim=None)
    people = _with_share_flags(_active_people(tables, settings, as_of, people_filters), settings["urim_list"])
    frame = (
        people.groupby("career_stage")
        .agg(**_share_counts("person_id"))
        .reindex([stage for stage in CAREER_STAGES if stage in set(people["career_stage"])])
        .reset_index()
    )
    frame["gender_unknown"] = frame["n"] - frame["gender_known"]
    frame["urim_unknown"] = frame["n"] - frame["urim_known"]
    for share, known, unknown in (("women", "gender_known", "gender_unknown"), ("urim", "urim_known", "urim_unknown")):
        frame[f"{share}_pct"] = [pct(x, k) for x, k in zip(frame[share], frame[known])]
        frame[f"{unknown}_pct"] = [pct(u, n) for u, n in zip(frame[unknown], frame["n"])]
    return frame


def recruitment_page(tables, settings, view) -> dict:
    funnel = recruitment_headline(tables, settings, view.as_of, view.filters)
    women = view.filters.narrowed(gender=()) if view.filters.gender else view.filters
    urim = view.filters.narrowed(urim=None) if view.filters.urim is not None else view.filters
    pairs = applicant_cycles(tables, settings, view.filters)
    figures = {
        "ignored": [name for name in ("career_stage", "division") if getattr(view.filters, name)],
        "benchmarks": {b["key"]: b for b in settings["benchmarks"] if "key" in b},
        "total": int(funnel.loc[funnel["stage"] == "applied", "n"].sum()),
        "pairs": pairs,
        "funnel": funnel,
        "women": funnel if women == view.filters else recruitment_headline(tables, settings, view.as_of, women),
        "urim": funnel if urim == view.filters else recruitment_headline(tables, settings, view.as_of, urim),
    }
    if pairs.empty:
        return figures  # no applicants: the page shows nothing more
    # a first visit: the first track, its newest cycle (pairs are in that order); one split serves three figures
    track, cycle = pairs.iloc[0]
    groups = group_funnel(tables, settings, view.filters, track, int(cycle))
    return {
        **figures,
        "groups": groups,
        "conversions": conversions(groups),
        "pipeline": pipeline_share(groups),
        "representation": representation(tables, settings, view.as_of, view.filters),
    }
