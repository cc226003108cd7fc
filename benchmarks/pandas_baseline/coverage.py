"""The coverage page's figures in pandas (and the coverage counts the overview shares)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from benchmarks.pandas_baseline.tables import apply_filters, effective_urim
from mentordash.metrics.filters import Filters
from mentordash.metrics.intervals import pct
from mentordash.vocabulary import (
    ALL_STAGES,
    ANY_ROLE,
    NOT_RECORDED,
    ROLES,
)


def _expand(frame: pd.DataFrame, days: np.ndarray, first: np.ndarray, stop: np.ndarray) -> pd.DataFrame:
    """frame's rows repeated once for each day index in [first, stop), with that day as `day`."""
    counts = np.clip(stop - first, 0, None)
    rows = np.repeat(np.arange(len(frame)), counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    out = frame.iloc[rows].reset_index(drop=True)
    out["day"] = days[np.repeat(first, counts) + offsets]
    return out


def coverage_counts(
    tables: dict, settings: dict, days: list[date], filters: Filters, roles: tuple[str, ...] = ("mentor",)
) -> pd.DataFrame:
    """day, career_stage, n, covered, engaged: coverage_events.sql and coverage_by_day_stage.sql in pandas,
    for all the days at once (each person, relationship and meeting expanded to the days it counts on)."""
    grid = np.array(sorted(pd.Timestamp(d) for d in days), dtype="datetime64[ns]")
    people = apply_filters(tables["people"], filters, settings["urim_list"])
    far = np.datetime64("2262-01-01")
    # a person is active on day d when start <= d < end; a relationship when start <= d <= end
    active = _expand(
        people[["person_id", "career_stage"]],
        grid,
        np.searchsorted(grid, people["start_date"].to_numpy("datetime64[ns]"), "left"),
        np.searchsorted(grid, people["end_date"].fillna(far).to_numpy("datetime64[ns]"), "left"),
    )
    m = tables["mentorships"]
    m = m[m["role"].isin(roles) & m["mentee_id"].isin(people["person_id"])]
    rel = _expand(
        m[["mentee_id", "mentor_id"]],
        grid,
        np.searchsorted(grid, m["start_date"].to_numpy("datetime64[ns]"), "left"),
        np.searchsorted(grid, m["end_date"].fillna(far).to_numpy("datetime64[ns]"), "right"),
    )
    rel = rel.merge(active[["person_id", "day"]], left_on=["mentee_id", "day"], right_on=["person_id", "day"])
    # a meeting engages its pair on the days d with date <= d < date + window
    window = np.timedelta64(int(settings["engaged_window_days"]), "D")
    met = tables["meetings"]
    met = met[met["mentee_id"].isin(people["person_id"])]
    dates = met["date"].to_numpy("datetime64[ns]")
    met = _expand(
        met[["mentee_id", "mentor_id"]],
        grid,
        np.searchsorted(grid, dates, "left"),
        np.searchsorted(grid, dates + window, "left"),
    )
    engaged = rel.merge(met, on=["mentee_id", "mentor_id", "day"])[["mentee_id", "day"]].drop_duplicates()
    covered = rel[["mentee_id", "day"]].drop_duplicates()
    flags = active.merge(
        covered.assign(covered=True), left_on=["person_id", "day"], right_on=["mentee_id", "day"], how="left"
    ).drop(columns="mentee_id")
    flags = flags.merge(
        engaged.assign(engaged=True), left_on=["person_id", "day"], right_on=["mentee_id", "day"], how="left"
    ).drop(columns="mentee_id")
    flags["covered"] = flags["covered"].notna()
    flags["engaged"] = flags["engaged"].notna()
    frame = (
        flags.groupby(["day", "career_stage"])
        .agg(n=("person_id", "size"), covered=("covered", "sum"), engaged=("engaged", "sum"))
        .reset_index()
    )
    frame["day"] = [d.date() for d in frame["day"]]
    frame["pct"] = [pct(c, n) for c, n in zip(frame["covered"], frame["n"])]
    frame["engaged_pct"] = [pct(e, n) for e, n in zip(frame["engaged"], frame["n"])]
    return frame[["day", "career_stage", "n", "covered", "pct", "engaged", "engaged_pct"]]


def coverage_headline(tables, settings, as_of, filters, context=None) -> pd.DataFrame:
    """Coverage and engaged coverage by career stage at as_of (the coverage page's main chart)."""
    return coverage_counts(tables, settings, [as_of], filters).drop(columns="day")


def coverage_total(tables, settings, as_of, filters, roles=("mentor",)) -> dict:
    """Coverage of the whole filtered group at as_of: n, covered, engaged, pct."""
    return total_of(coverage_counts(tables, settings, [as_of], filters, roles))


def total_of(counts: pd.DataFrame) -> dict:
    """The whole of coverage_counts rows (of one day): n, covered, engaged, pct."""
    n, covered, engaged = (int(counts[c].sum()) for c in ("n", "covered", "engaged"))
    return {"n": n, "covered": covered, "engaged": engaged, "pct": pct(covered, n)}


def coverage_by_role(tables, settings, as_of, filters) -> pd.DataFrame:
    """Coverage by career stage and for all stages, for each role on its own and for any of them."""
    parts = []
    for role, roles in [*((r, (r,)) for r in ROLES), (ANY_ROLE, tuple(ROLES))]:
        rows = coverage_counts(tables, settings, [as_of], filters, roles).drop(columns="day")
        total = {
            "career_stage": ALL_STAGES,
            **{c: int(rows[c].sum()) for c in ("n", "covered", "engaged")},
        }
        total["pct"], total["engaged_pct"] = pct(total["covered"], total["n"]), pct(total["engaged"], total["n"])
        parts.append(pd.concat([rows, pd.DataFrame([total])], ignore_index=True).assign(role=role))
    return pd.concat(parts, ignore_index=True)


def month_ends(tables, as_of: date) -> list[date]:
    """Every month end from the first relationship's month to as_of, then as_of."""
    m = tables["mentorships"]
    starts = m.loc[m["start_date"] <= pd.Timestamp(as_of), "start_date"]
    if starts.empty:
        return [as_of]
    first = starts.min()
    ends = pd.date_range(pd.Timestamp(first.year, first.month, 1), pd.Timestamp(as_of), freq="ME")
    return [*(d.date() for d in ends if d.date() < as_of), as_of]


def _active_people(tables, settings, as_of, filters) -> pd.DataFrame:
    ts = pd.Timestamp(as_of)
    people = apply_filters(tables["people"], filters, settings["urim_list"])
    return people[(people["start_date"] <= ts) & (people["end_date"].isna() | (people["end_date"] > ts))]


def _active_relationships(tables, day: date, active: pd.DataFrame, roles) -> pd.DataFrame:
    """The relationships of `roles` active on `day` (start <= day <= end) whose mentee is among `active`."""
    ts = pd.Timestamp(day)
    m = tables["mentorships"]
    return m[
        m["role"].isin(roles)
        & (m["start_date"] <= ts)
        & (m["end_date"].isna() | (m["end_date"] >= ts))
        & m["mentee_id"].isin(active["person_id"])
    ]


def active_relationship_counts(tables, settings, day: date, filters: Filters, roles=("mentor",)) -> dict:
    """relationships of `roles` active on `day` (start <= day <= end) whose mentee is an active person of the
    filtered group that day, and their distinct mentees."""
    rel = _active_relationships(tables, day, _active_people(tables, settings, day, filters), roles)
    return {"relationships": int(len(rel)), "mentees": int(rel["mentee_id"].nunique())}


def coverage_by_group(tables, settings, as_of, filters, roles=("mentor",)) -> pd.DataFrame:
    """dimension, group, n, covered, pct at as_of by gender, URiM, race/ethnicity (each person under every
    group they chose) and division; blank values form their own group (small groups are not pooled)."""
    active = _active_people(tables, settings, as_of, filters)
    rel = _active_relationships(tables, as_of, active, roles)
    flags = active.assign(
        covered=active["person_id"].isin(rel["mentee_id"]),
        urim_effective=effective_urim(active["urim"], active["race_ethnicity"], settings["urim_list"]),
    )
    parts = []
    for dimension, values in (
        ("gender", flags["gender"].fillna(NOT_RECORDED)),
        ("urim", flags["urim_effective"].map({True: "urim", False: "not_urim"}).fillna("unknown")),
        ("division", flags["division"].fillna("none")),
    ):
        counts = flags.assign(group=values).groupby("group").agg(n=("person_id", "size"), covered=("covered", "sum"))
        parts.append(counts.reset_index().assign(dimension=dimension))
    races = flags.assign(
        group=flags["race_ethnicity"].map(
            lambda v: list(v) if isinstance(v, (list, np.ndarray)) and len(v) else [NOT_RECORDED]
        )
    ).explode("group")
    counts = races.groupby("group").agg(n=("person_id", "size"), covered=("covered", "sum"))
    parts.append(counts.reset_index().assign(dimension="race_ethnicity"))
    frame = pd.concat(parts, ignore_index=True)
    frame["pct"] = [pct(c, n) for c, n in zip(frame["covered"], frame["n"])]
    return frame[["dimension", "group", "n", "covered", "pct"]]


def _loads(tables, settings, as_of, filters, roles=("mentor",)) -> pd.Series:
    """Distinct active mentees of each mentor with a relationship of `roles` active at as_of (the
    filters select the mentors; external mentors count only when no filter is set)."""
    ts = pd.Timestamp(as_of)
    people = tables["people"]
    active = people[(people["start_date"] <= ts) & (people["end_date"].isna() | (people["end_date"] > ts))]
    m = tables["mentorships"]
    pairs = m.loc[
        m["role"].isin(roles)
        & (m["start_date"] <= ts)
        & (m["end_date"].isna() | (m["end_date"] >= ts))
        & m["mentee_id"].isin(active["person_id"]),
        ["mentor_id", "mentee_id"],
    ].drop_duplicates()
    loads = pairs.groupby("mentor_id").size().rename("mentees")
    if filters.as_dict():
        mentors = apply_filters(people, filters, settings["urim_list"])["person_id"]
        loads = loads[loads.index.isin(mentors)]
    return loads


def mentor_loads(tables, settings, as_of, filters) -> dict:
    """mentors, mean, max and over_capacity of mentees per mentor."""
    loads = _loads(tables, settings, as_of, filters)
    return {
        "mentors": int(len(loads)),
        "mean": round(float(loads.mean()), 2) if len(loads) else None,
        "max": int(loads.max()) if len(loads) else None,
        "over_capacity": int((loads > int(settings["capacity"])).sum()),
    }


def load_distribution(tables, settings, as_of, filters) -> pd.DataFrame:
    """load, mentors: how many mentors carry each load."""
    loads = _loads(tables, settings, as_of, filters)
    frame = loads.value_counts().rename("mentors").rename_axis("load").reset_index().sort_values("load")
    frame["over_capacity"] = frame["load"] > int(settings["capacity"])
    return frame.reset_index(drop=True)


def coverage_page(tables, settings, view) -> dict:
    by_role = coverage_by_role(tables, settings, view.as_of, view.filters)
    return {
        "total": coverage_total(tables, settings, view.as_of, view.filters),
        "by_role": by_role,
        "load": mentor_loads(tables, settings, view.as_of, view.filters),
        "benchmark": by_role[(by_role["role"] == "mentor") & (by_role["career_stage"] == "resident")],
        "monthly": coverage_counts(tables, settings, month_ends(tables, view.as_of), view.filters),
        "group_total": coverage_total(tables, settings, view.as_of, view.filters),
        "groups": coverage_by_group(tables, settings, view.as_of, view.filters),
        "distribution": load_distribution(tables, settings, view.as_of, view.filters),
    }
