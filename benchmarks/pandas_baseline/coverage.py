"""The coverage page's figures in pandas (and the coverage counts the overview shares)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from benchmarks.pandas_baseline.tables import apply_filters, effective_urim
from mentordash.metrics.coverage import MATCH_YEARS_BACK
from mentordash.metrics.filters import Filters
from mentordash.metrics.intervals import pct, wilson_pct
from mentordash.metrics.time import years_before
from mentordash.vocabulary import (
    ALL_STAGES,
    ANY_ROLE,
    FACULTY_STAGES,
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


def _active_on(people: pd.DataFrame, day: date) -> pd.DataFrame:
    """The people active on `day` (start <= day < end)."""
    ts = pd.Timestamp(day)
    return people[(people["start_date"] <= ts) & (people["end_date"].isna() | (people["end_date"] > ts))]


def _active_people(tables, settings, as_of, filters) -> pd.DataFrame:
    return _active_on(apply_filters(tables["people"], filters, settings["urim_list"]), as_of)


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


def coverage_by_group(tables, settings, as_of, filters, roles=("mentor",), active=None, rel=None) -> pd.DataFrame:
    """dimension, group, n, covered, pct at as_of by gender, URiM, race/ethnicity (each person under every
    group they chose) and division; blank values form their own group (small groups are not pooled).
    `active`, `rel`: _active_people and _active_relationships of the view, when the page has them already."""
    active = _active_people(tables, settings, as_of, filters) if active is None else active
    rel = _active_relationships(tables, as_of, active, roles) if rel is None else rel
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
    people = tables["people"]
    rel = _active_relationships(tables, as_of, _active_on(people, as_of), roles)
    pairs = rel[["mentor_id", "mentee_id"]].drop_duplicates()
    loads = pairs.groupby("mentor_id").size().rename("mentees")
    if filters.as_dict():
        mentors = apply_filters(people, filters, settings["urim_list"])["person_id"]
        loads = loads[loads.index.isin(mentors)]
    return loads


def mentor_loads(tables, settings, as_of, filters, loads: pd.Series | None = None) -> dict:
    """mentors, mean, max and over_capacity of mentees per mentor (`loads`: _loads', when already counted)."""
    loads = _loads(tables, settings, as_of, filters) if loads is None else loads
    return {
        "mentors": int(len(loads)),
        "mean": round(float(loads.mean()), 2) if len(loads) else None,
        "max": int(loads.max()) if len(loads) else None,
        "over_capacity": int((loads > int(settings["capacity"])).sum()),
    }


def load_distribution(tables, settings, as_of, filters, loads: pd.Series | None = None) -> pd.DataFrame:
    """load, mentors: how many mentors carry each load (`loads`: _loads', when already counted)."""
    loads = _loads(tables, settings, as_of, filters) if loads is None else loads
    frame = loads.value_counts().rename("mentors").rename_axis("load").reset_index().sort_values("load")
    frame["over_capacity"] = frame["load"] > int(settings["capacity"])
    return frame.reset_index(drop=True)


def over_capacity_list(tables, settings, loads: pd.Series) -> pd.DataFrame:
    """The mentors of _loads over capacity (mentor_id, career_stage, division, external, mentees), most
    mentees first; an external mentor (no roster row) has no stage or division."""
    over = loads[loads > int(settings["capacity"])].rename_axis("mentor_id").reset_index()
    roster = tables["people"][["person_id", "career_stage", "division"]]
    over = over.merge(roster, left_on="mentor_id", right_on="person_id", how="left")
    over["external"] = over["person_id"].isna()
    over = over.sort_values(["mentees", "mentor_id"], ascending=[False, True])
    return over[["mentor_id", "career_stage", "division", "external", "mentees"]].reset_index(drop=True)


def unmatched_list(active: pd.DataFrame, rel: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """The active people of the filtered group (_active_people) who are mentee in none of the relationships
    `rel` (_active_relationships of the same people and day): person_id, career_stage, division,
    days_since_start, longest waiting first."""
    out = active.loc[~active["person_id"].isin(rel["mentee_id"]), ["person_id", "career_stage", "division"]]
    out["days_since_start"] = (pd.Timestamp(as_of) - active.loc[out.index, "start_date"]).dt.days
    out = out.sort_values(["days_since_start", "person_id"], ascending=[False, True])
    return out.reset_index(drop=True)


def staged_relationships(rel: pd.DataFrame, active: pd.DataFrame) -> pd.DataFrame:
    """_active_relationships' rows with their mentee's career stage, how they began (source, 'not_recorded'
    when blank) and the formal flag (a blank one not formal)."""
    return rel.assign(
        career_stage=rel["mentee_id"].map(active.set_index("person_id")["career_stage"]),
        source=rel["source"].fillna(NOT_RECORDED),
        formal=rel["formal"].fillna(False).astype(bool),
    )


def relationship_sources(staged: pd.DataFrame) -> pd.DataFrame:
    """career_stage, source, relationships, formal, pct (of the stage's relationships), stage_relationships,
    stage_mentees (distinct mentees), from staged_relationships."""
    counts = (
        staged.groupby(["career_stage", "source"])
        .agg(relationships=("mentee_id", "size"), formal=("formal", "sum"))
        .reset_index()
    )
    stages = staged.groupby("career_stage").agg(
        stage_relationships=("mentee_id", "size"), stage_mentees=("mentee_id", "nunique")
    )
    counts = counts.join(stages, on="career_stage")
    counts["pct"] = [pct(r, t) for r, t in zip(counts["relationships"], counts["stage_relationships"])]
    columns = ["career_stage", "source", "relationships", "formal", "pct", "stage_relationships", "stage_mentees"]
    return counts[columns]


def formal_by_stage(sources: pd.DataFrame) -> pd.DataFrame:
    """career_stage, relationships, formal, informal, formal_pct with its Wilson interval: relationship_sources'
    rows summed over the sources of each stage."""
    stages = sources.groupby("career_stage")[["relationships", "formal"]].sum().reset_index()
    stages["informal"] = stages["relationships"] - stages["formal"]
    stages["formal_pct"] = [pct(f, n) for f, n in zip(stages["formal"], stages["relationships"])]
    bounds = [wilson_pct(f, n) for f, n in zip(stages["formal"], stages["relationships"])]
    stages["ci_low"], stages["ci_high"] = [b[0] for b in bounds], [b[1] for b in bounds]
    return stages


def load_by_group(tables, settings, as_of, rel: pd.DataFrame) -> pd.DataFrame:
    """The minority tax: for women and URiM faculty (the roster's active junior and senior faculty, of known
    value), their share of the faculty and of the mentoring of the filtered group's mentees (distinct
    mentor-mentee pairs of `rel`, _active_relationships of the filtered group), mentees per faculty member
    of the group and of the rest, the pairs of mentors who are not faculty, and the distinct mentees."""
    people = tables["people"]
    faculty = _active_on(people[people["career_stage"].isin(FACULTY_STAGES)], as_of)
    pairs = rel[["mentor_id", "mentee_id"]].drop_duplicates()
    load = faculty["person_id"].map(pairs.groupby("mentor_id").size()).fillna(0).astype("int64")
    urim = effective_urim(faculty["urim"], faculty["race_ethnicity"], settings["urim_list"])
    gender = faculty["gender"]
    load_all, mentees = len(pairs), int(pairs["mentee_id"].nunique())
    rows = []
    for group, in_group, known in (
        ("women", gender.eq("woman").fillna(False), gender.notna() & gender.ne("undisclosed")),
        ("urim", urim.fillna(False).astype(bool), urim.notna()),
    ):
        n_in, n_known = int(in_group.sum()), int(known.sum())
        load_in, load_known = int(load[in_group].sum()), int(load[known].sum())
        rest, rest_load = n_known - n_in, load_known - load_in
        rows.append(
            {
                "group": group,
                "faculty": len(faculty),
                "faculty_known": n_known,
                "faculty_unknown": len(faculty) - n_known,
                "faculty_in_group": n_in,
                "faculty_share_pct": pct(n_in, n_known),
                "load_known": load_known,
                "load_in_group": load_in,
                "load_share_pct": pct(load_in, load_known),
                "mentees_per_faculty": round(load_in / n_in, 2) if n_in else None,
                "mentees_per_other_faculty": round(rest_load / rest, 2) if rest > 0 else None,
                "load_outside_faculty": load_all - int(load.sum()),
                "mentees": mentees,
            }
        )
    return pd.DataFrame(rows)


def time_to_match(tables, settings, as_of, filters, roles=("mentor",), years_back=MATCH_YEARS_BACK) -> pd.DataFrame:
    """For the filtered group's people who started in the `years_back` years ending at as_of (after the day
    `years_back` years earlier, up to as_of), by career stage: n, matched (a relationship of `roles` begun by
    as_of and before they left), pct with its Wilson interval, the quartiles of days from start to the first
    such relationship (0 when matched before they arrived), and among those who started at least 90 days
    before as_of (n90) the ones matched within 90 days."""
    ts = pd.Timestamp(as_of)
    people = apply_filters(tables["people"], filters, settings["urim_list"])
    new = people.loc[
        (people["start_date"] > pd.Timestamp(years_before(as_of, years_back))) & (people["start_date"] <= ts),
        ["person_id", "career_stage", "start_date", "end_date"],
    ]
    m = tables["mentorships"]
    m = m.loc[m["role"].isin(roles) & (m["start_date"] <= ts), ["mentee_id", "start_date"]]
    m = m.merge(new[["person_id", "end_date"]], left_on="mentee_id", right_on="person_id")
    m = m[m["end_date"].isna() | (m["start_date"] < m["end_date"])]
    first = m.groupby("mentee_id")["start_date"].min().rename("matched_on")
    new = new.merge(first, left_on="person_id", right_index=True, how="left")
    new["days"] = (new["matched_on"] - new["start_date"]).dt.days.clip(lower=0)
    new["in90"] = new["start_date"] <= ts - pd.Timedelta(days=90)
    new["within"] = new["in90"] & (new["days"] <= 90)
    grouped = new.groupby("career_stage")
    frame = grouped.agg(
        n=("person_id", "size"), matched=("days", "count"), n90=("in90", "sum"), within_90=("within", "sum")
    )
    for name, q in (("median_days", 0.5), ("q1_days", 0.25), ("q3_days", 0.75)):
        frame[name] = grouped["days"].quantile(q).map(lambda v: None if pd.isna(v) else round(v, 1))
    frame = frame.reset_index()
    frame["pct"] = [pct(k, n) for k, n in zip(frame["matched"], frame["n"])]
    bounds = [wilson_pct(k, n) for k, n in zip(frame["matched"], frame["n"])]
    frame["ci_low"], frame["ci_high"] = [b[0] for b in bounds], [b[1] for b in bounds]
    frame["within_90_pct"] = [pct(w, n) for w, n in zip(frame["within_90"], frame["n90"])]
    return frame


def coverage_page(tables, settings, view) -> dict:
    as_of, filters, roles = view.as_of, view.filters, ("mentor",)
    by_role = coverage_by_role(tables, settings, as_of, filters)
    # the mentor role's stages are coverage_counts of the default roles: the page's total, counted once
    mentor_stages = by_role[(by_role["role"] == "mentor") & (by_role["career_stage"] != ALL_STAGES)]
    total = total_of(mentor_stages)
    loads = _loads(tables, settings, as_of, filters, roles)
    active = _active_people(tables, settings, as_of, filters)
    rel = _active_relationships(tables, as_of, active, roles)
    sources = relationship_sources(staged_relationships(rel, active))
    return {
        "total": total,
        "by_role": by_role,
        "load": mentor_loads(tables, settings, as_of, filters, loads),
        "benchmark": by_role[(by_role["role"] == "mentor") & (by_role["career_stage"] == "resident")],
        "monthly": coverage_counts(tables, settings, month_ends(tables, as_of), filters),
        "group_total": total,  # the page's groups are of its whole view: the same figure
        "groups": coverage_by_group(tables, settings, as_of, filters, roles, active, rel),
        "distribution": load_distribution(tables, settings, as_of, filters, loads),
        "tax": load_by_group(tables, settings, as_of, rel),
        "sources": sources,
        "formal": formal_by_stage(sources),
        "match": time_to_match(tables, settings, as_of, filters, roles),
        "unmatched": unmatched_list(active, rel, as_of),
        "over": over_capacity_list(tables, settings, loads),
    }
