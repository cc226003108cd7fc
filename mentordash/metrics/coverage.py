"""Coverage, engaged coverage and mentor load (metrics.md, Coverage)."""

from __future__ import annotations

from datetime import date
from typing import Sequence

import pandas as pd

from mentordash import privacy
from mentordash.config import CAREER_STAGES, ROLES
from mentordash.db import Database, load_sql
from mentordash.metrics.filters import Filters, people_columns, where_sql
from mentordash.metrics.intervals import pct, wilson
from mentordash.metrics.time import years_before

DEFAULT_ROLES = ("mentor",)
_STAGE_ORDER = {stage: i for i, stage in enumerate(CAREER_STAGES)}


def _coverage_counts(db: Database, days: Sequence[date], filters: Filters, roles: Sequence[str]) -> pd.DataFrame:
    settings = db.settings()
    params = {
        "dates": list(days), "roles": list(roles),
        "window": int(settings["engaged_window_days"]), "urim_list": settings["urim_list"],
    }
    sql = load_sql("coverage_by_day_stage", people_filter=where_sql(filters, people_columns("p"), params))
    return db.df(sql, params)


def rates(n: int, covered: int, engaged: int) -> dict:
    """One coverage cell from its counts: pct, engaged_pct and the 95% Wilson interval of pct, in percent."""
    low, high = wilson(covered, n)
    return {
        "n": int(n), "covered": int(covered), "pct": pct(covered, n),
        "engaged": int(engaged), "engaged_pct": pct(engaged, n),
        "ci_low": None if low is None else round(100 * low, 1),
        "ci_high": None if high is None else round(100 * high, 1),
    }


def _with_rates(counts: pd.DataFrame) -> pd.DataFrame:
    keys = [c for c in counts.columns if c not in ("n", "covered", "engaged")]
    rows = [{**{k: row[k] for k in keys}, **rates(row["n"], row["covered"], row["engaged"])}
            for row in counts.to_dict("records")]
    return pd.DataFrame(rows, columns=[*keys, "n", "covered", "pct", "engaged", "engaged_pct", "ci_low", "ci_high"])


_RATE_COLUMNS = ["covered", "pct", "engaged", "engaged_pct", "ci_low", "ci_high"]


def coverage_by_stage(db: Database, as_of: date, filters: Filters, roles: Sequence[str] = DEFAULT_ROLES) -> pd.DataFrame:
    """One row per career stage with active people, with complementary suppression (the total is shown)."""
    counts = _coverage_counts(db, [as_of], filters, roles).drop(columns="day")
    counts = counts.sort_values("career_stage", key=lambda s: s.map(_STAGE_ORDER)).reset_index(drop=True)
    min_cell = db.settings()["min_cell"]
    return privacy.suppress(_with_rates(counts), "n", _RATE_COLUMNS, min_cell, complementary=True)


def coverage_total(db: Database, as_of: date, filters: Filters, roles: Sequence[str] = DEFAULT_ROLES) -> dict:
    """Coverage of the whole filtered group at as_of, as one cell."""
    counts = _coverage_counts(db, [as_of], filters, roles)
    row = rates(*(int(counts[key].sum()) for key in ("n", "covered", "engaged")))
    return privacy.suppress_record(row, "n", _RATE_COLUMNS, db.settings()["min_cell"])


def coverage_over_time(
    db: Database, days: Sequence[date], filters: Filters, roles: Sequence[str] = DEFAULT_ROLES
) -> pd.DataFrame:
    """Coverage by career stage on each day; each (day, stage) cell is judged on its own."""
    counts = _coverage_counts(db, days, filters, roles)
    return privacy.suppress(_with_rates(counts), "n", _RATE_COLUMNS, db.settings()["min_cell"])


def mentor_load(db: Database, as_of: date, filters: Filters, roles: Sequence[str] = DEFAULT_ROLES) -> dict:
    """mentors, mean, max and over_capacity of mentees per mentor, as one cell counted in mentors."""
    settings = db.settings()
    loads = _mentor_loads(db, as_of, filters, roles, settings)
    capacity = int(settings["capacity"])
    record = {
        "mentors": int(len(loads)),
        "mean": round(float(loads["mentees"].mean()), 2) if len(loads) else None,
        "max": int(loads["mentees"].max()) if len(loads) else None,
        "over_capacity": int((loads["mentees"] > capacity).sum()),
    }
    out = privacy.suppress_record(record, "mentors", ["mean", "max", "over_capacity"], settings["min_cell"])
    out["capacity"] = capacity
    return out


def _with_active_pairs(name: str, mentee_filter: str = "", **other_parts: str) -> str:
    """load_sql(name) with its `{active_mentor_pairs}` CTEs (active_mentor_pairs.sql) spliced in, their
    mentees narrowed by `mentee_filter` (a where_sql fragment; none when the filters select the mentors),
    and the query's own placeholders filled from `other_parts`."""
    return load_sql(name, active_mentor_pairs=load_sql("active_mentor_pairs", mentee_filter=mentee_filter),
                    **other_parts)


def _with_active_relationships(name: str, people_filter: str) -> str:
    """load_sql(name) with its `{active_mentee_relationships}` CTE (active_mentee_relationships.sql: the
    relationships active at $as_of whose mentee is an active person of the filtered group) spliced in."""
    return load_sql(name, active_mentee_relationships=load_sql("active_mentee_relationships",
                                                                people_filter=people_filter))


def _mentors_sql(name: str, people_filter: str) -> str:
    """A per-mentor query (mentor_loads, mentor_over_capacity): the filters select the mentors, so external
    mentors (no roster row) count only when no filter is set."""
    return _with_active_pairs(name, mentor_filter_applies="p.person_id IS NOT NULL" if people_filter else "TRUE",
                              people_filter=people_filter)


def _mentor_loads(db: Database, as_of: date, filters: Filters, roles: Sequence[str], settings: dict) -> pd.DataFrame:
    params = {"as_of": as_of, "roles": list(roles), "urim_list": settings["urim_list"]}
    people_filter = where_sql(filters, people_columns("p"), params)
    return db.df(_mentors_sql("mentor_loads", people_filter), params)


def active_relationships(db: Database, as_of: date, filters: Filters, roles: Sequence[str] = DEFAULT_ROLES) -> dict:
    """How many relationships of `roles` are active at as_of with a mentee of the filtered group.

    Counted in mentees for suppression: a handful of relationships would point at a handful of people."""
    settings = db.settings()
    params = {"as_of": as_of, "roles": list(roles), "urim_list": settings["urim_list"]}
    sql = _with_active_relationships("active_relationships", where_sql(filters, people_columns("p"), params))
    relationships, mentees = db.rows(sql, params)[0]
    record = {"relationships": int(relationships), "mentees": int(mentees)}
    return privacy.suppress_record(record, "mentees", ["relationships"], settings["min_cell"])



# --- The coverage page (issue 4) -----------------------------------------------------------------

ANY_ROLE = "any"
ALL_STAGES = "all"
GROUP_DIMENSIONS = ("gender", "urim", "race_ethnicity", "division")
SOURCES = ("formal_program", "research", "society", "alumni", "social_media", "meeting", "other", "not_recorded")
MATCH_YEARS_BACK = 3
_ROLE_ORDER = {role: i for i, role in enumerate((*ROLES, ANY_ROLE))}


def _params(db: Database, filters: Filters, alias: str = "p", **values) -> tuple[dict, str, dict]:
    settings = db.settings()
    params = {"urim_list": settings["urim_list"], "window": int(settings["engaged_window_days"]), **values}
    return params, where_sql(filters, people_columns(alias), params), settings


def coverage_by_role(db: Database, as_of: date, filters: Filters, roles: Sequence[str] = ROLES) -> pd.DataFrame:
    """Coverage at as_of for each role on its own and for any of them ('any'), by career stage and for
    all stages ('all'), in one query. Within each role the stages are a breakdown of the 'all' row, so
    suppression is complementary there; every role has the same denominators, so the same cells hide.
    The 'mentor' rows equal coverage_by_stage and coverage_total."""
    params, people_filter, settings = _params(db, filters, as_of=as_of, roles=list(roles))
    counts = db.df(load_sql("coverage_by_role_stage", people_filter=people_filter), params)
    min_cell = settings["min_cell"]
    parts = []
    for role in [*roles, ANY_ROLE]:
        rows = counts[counts["role"] == role].drop(columns="role")
        rows = rows.sort_values("career_stage", key=lambda s: s.map(_STAGE_ORDER)).reset_index(drop=True)
        stages = privacy.suppress(_with_rates(rows), "n", _RATE_COLUMNS, min_cell, complementary=True)
        total = rates(*(int(rows[key].sum()) for key in ("n", "covered", "engaged")))
        total = privacy.suppress_record({"career_stage": ALL_STAGES, **total}, "n", _RATE_COLUMNS, min_cell)
        parts.append(pd.concat([stages, pd.DataFrame([total])], ignore_index=True).assign(role=role))
    columns = ["role", "career_stage", "n", "covered", "pct", "engaged", "engaged_pct", "ci_low", "ci_high",
               "suppressed"]
    if not parts:
        return pd.DataFrame(columns=columns)
    out = pd.concat(parts, ignore_index=True)[columns]
    return out[out["career_stage"].ne(ALL_STAGES) | out["n"].fillna(1).ne(0) | out["suppressed"]].reset_index(drop=True)


def month_ends(db: Database, as_of: date) -> list[date]:
    """The last day of every month from the month of the first relationship to as_of, and as_of last
    (when it is not itself a month end): all the years in the data."""
    first = db.scalar("SELECT min(start_date) FROM mentorships WHERE start_date <= ?", [as_of])
    if first is None:
        return [as_of]
    ends = pd.date_range(pd.Timestamp(first.year, first.month, 1), pd.Timestamp(as_of), freq="ME")
    days = [d.date() for d in ends if d.date() < as_of]
    return [*days, as_of]


def coverage_monthly(db: Database, as_of: date, filters: Filters, roles: Sequence[str] = DEFAULT_ROLES) -> pd.DataFrame:
    """Coverage by career stage at every month end over all the years in the data (one query over all
    the dates); each (month, stage) cell is judged on its own."""
    return coverage_over_time(db, month_ends(db, as_of), filters, roles)


def coverage_by_group(db: Database, as_of: date, filters: Filters, roles: Sequence[str] = DEFAULT_ROLES) -> pd.DataFrame:
    """Coverage at as_of by gender, URiM, race/ethnicity and division, with 95% Wilson intervals.

    One row per (dimension, group); blank values form their own group ('not_recorded', URiM 'unknown').
    Where a dimension (other than URiM) has two or more groups smaller than min_cell, they are pooled
    into one group, 'smaller_groups' (each person counted once), so that one tiny group does not take
    a large one (women, say) with it through complementary suppression. Each dimension is a breakdown
    of the total shown on the page: suppression is complementary within it."""
    params, people_filter, settings = _params(db, filters, as_of=as_of, roles=list(roles))
    floor = privacy.effective_min_cell(settings["min_cell"])
    sql = load_sql("coverage_by_group", people_filter=people_filter, urim_expr=people_columns("p")["urim"])
    for dimension in ("gender", "race", "division"):
        params[f"collapse_{dimension}"] = []
    counts = db.df(sql, params)
    pooled = False
    for dimension, key in (("gender", "gender"), ("race_ethnicity", "race"), ("division", "division")):
        rows = counts[counts["dimension"] == dimension]
        small = rows.loc[(rows["n"] > 0) & (rows["n"] < floor), "group"].tolist()
        if len(small) >= 2:
            params[f"collapse_{key}"] = sorted(small)
            pooled = True
    if pooled:
        counts = db.df(sql, params)
    order = {d: i for i, d in enumerate(GROUP_DIMENSIONS)}
    counts = counts.sort_values(["dimension", "n", "group"], ascending=[True, False, True],
                                key=lambda s: s.map(order) if s.name == "dimension" else s).reset_index(drop=True)
    return privacy.suppress(_with_rates(counts), "n", _RATE_COLUMNS, settings["min_cell"], complementary=True,
                            within=["dimension"])


def mentor_load_distribution(db: Database, as_of: date, filters: Filters,
                             roles: Sequence[str] = DEFAULT_ROLES) -> pd.DataFrame:
    """How many mentors carry each load (distinct active mentees) at as_of: load, mentors, over_capacity.

    The same mentors as mentor_load (the filters select the mentors); one cell counted in mentors, so
    every bar hides when fewer than min_cell mentors are counted in all."""
    settings = db.settings()
    loads = _mentor_loads(db, as_of, filters, roles, settings)
    capacity = int(settings["capacity"])
    counts = loads.groupby("mentees").size() if len(loads) else pd.Series(dtype="int64")
    frame = pd.DataFrame({"load": [int(k) for k in counts.index], "mentors": [int(v) for v in counts.values]})
    frame["over_capacity"] = frame["load"] > capacity
    frame["total_mentors"] = int(len(loads))
    return privacy.suppress(frame, "total_mentors", ["mentors"], settings["min_cell"])


def load_by_group(db: Database, as_of: date, filters: Filters, roles: Sequence[str] = DEFAULT_ROLES) -> pd.DataFrame:
    """The minority tax: the share of the mentoring of the filtered group that women and URiM faculty
    carry, against their share of the department's active faculty (both among those whose value is known).

    Faculty are all active junior and senior faculty (the filters select the mentees); mentees per
    faculty member counts everyone, those who mentor no one too. A row is suppressed when the group,
    the rest of the known faculty or the mentees number fewer than min_cell."""
    params, people_filter, settings = _params(db, filters, as_of=as_of, roles=list(roles))
    sql = _with_active_pairs("mentor_load_by_group", people_filter, urim_expr=people_columns("f")["urim"])
    rows = []
    for row in db.df(sql, params).to_dict("records"):
        in_group, known = int(row["faculty_in_group"]), int(row["faculty_known"])
        load_in, load_known = int(row["load_in_group"]), int(row["load_known"])
        rest, rest_load = known - in_group, load_known - load_in
        rows.append({
            "group": row["group"], "faculty": int(row["faculty"]), "faculty_known": known,
            "faculty_unknown": int(row["faculty"]) - known, "faculty_in_group": in_group,
            "faculty_share_pct": pct(in_group, known),
            "load_known": load_known, "load_in_group": load_in, "load_share_pct": pct(load_in, load_known),
            "mentees_per_faculty": round(load_in / in_group, 2) if in_group else None,
            "mentees_per_other_faculty": round(rest_load / rest, 2) if rest else None,
            "load_outside_faculty": int(row["load_all"]) - int(row["load_faculty"]),
            "mentees": int(row["mentees"]),
            # the smallest group any number of the row describes
            "smallest": min(in_group, rest, int(row["mentees"])) if known else 0,
        })
    frame = pd.DataFrame(rows, columns=["group", "faculty", "faculty_known", "faculty_unknown", "faculty_in_group",
                                        "faculty_share_pct", "load_known", "load_in_group", "load_share_pct",
                                        "mentees_per_faculty", "mentees_per_other_faculty",
                                        "load_outside_faculty", "mentees", "smallest"])
    values = [c for c in frame.columns if c not in ("group", "smallest")]
    out = privacy.suppress(frame, "smallest", values, settings["min_cell"])
    # A zero group (no women faculty at all, no mentees) is "no data": nothing to compare.
    empty = frame["smallest"] == 0
    for col in values:
        out[col] = out[col].astype("object").where(~empty, None)
    return out.drop(columns="smallest")


def relationship_sources(db: Database, as_of: date, filters: Filters,
                         roles: Sequence[str] = DEFAULT_ROLES) -> pd.DataFrame:
    """How the relationships active at as_of began, by the mentee's career stage: one row per
    (stage, source) with relationships, share of the stage's relationships, and formal ones among them.

    A stage is one cell judged on its distinct mentees, complementary across stages (their total is
    the page's); a stage's rows hide together."""
    params, people_filter, settings = _params(db, filters, as_of=as_of, roles=list(roles))
    raw = db.df(_with_active_relationships("coverage_sources", people_filter), params)
    columns = ["career_stage", "source", "relationships", "formal", "pct", "stage_relationships", "stage_mentees"]
    if raw.empty:
        return pd.DataFrame(columns=[*columns, "suppressed"])
    grouped = raw.groupby(["career_stage", "source"], as_index=False).agg(
        relationships=("relationships", "sum"),
        stage_relationships=("stage_relationships", "first"), stage_mentees=("stage_mentees", "first"))
    formal = raw[raw["formal"].astype(bool)].groupby(["career_stage", "source"])["relationships"].sum()
    grouped["formal"] = [int(formal.get((s, src), 0)) for s, src in zip(grouped["career_stage"], grouped["source"])]
    grouped["pct"] = [pct(r, t) for r, t in zip(grouped["relationships"], grouped["stage_relationships"])]
    grouped = grouped[columns]
    stages = grouped.groupby("career_stage", as_index=False)["stage_mentees"].first()
    stages = privacy.suppress(stages, "stage_mentees", [], settings["min_cell"], complementary=True)
    hidden = set(stages.loc[stages["suppressed"], "career_stage"])
    grouped["suppressed"] = grouped["career_stage"].isin(hidden)
    for col in ("relationships", "formal", "pct", "stage_relationships", "stage_mentees"):
        grouped[col] = grouped[col].astype("object").where(~grouped["suppressed"], None)
    source_order = {s: i for i, s in enumerate(SOURCES)}
    return grouped.sort_values(["career_stage", "source"], key=lambda s: s.map(
        _STAGE_ORDER if s.name == "career_stage" else source_order)).reset_index(drop=True)


def formal_by_stage(db: Database, as_of: date, filters: Filters, roles: Sequence[str] = DEFAULT_ROLES) -> pd.DataFrame:
    """Formal against informal relationships active at as_of by the mentee's career stage, with the
    formal share's Wilson interval (counted in relationships); suppression as relationship_sources."""
    sources = relationship_sources(db, as_of, filters, roles)
    rows = []
    for stage, part in sources.groupby("career_stage", sort=False):
        if part["suppressed"].any():
            rows.append({"career_stage": stage, "relationships": None, "formal": None, "informal": None,
                         "formal_pct": None, "ci_low": None, "ci_high": None, "suppressed": True})
            continue
        total, formal = int(part["relationships"].sum()), int(part["formal"].sum())
        low, high = wilson(formal, total)
        rows.append({"career_stage": stage, "relationships": total, "formal": formal, "informal": total - formal,
                     "formal_pct": pct(formal, total), "ci_low": round(100 * low, 1), "ci_high": round(100 * high, 1),
                     "suppressed": False})
    return pd.DataFrame(rows, columns=["career_stage", "relationships", "formal", "informal", "formal_pct",
                                       "ci_low", "ci_high", "suppressed"], dtype="object")


def time_to_match(db: Database, as_of: date, filters: Filters, roles: Sequence[str] = DEFAULT_ROLES,
                  years_back: int = MATCH_YEARS_BACK) -> pd.DataFrame:
    """Time to match for people who started in the `years_back` years ending at as_of, by career stage:
    n, matched (by as_of), pct matched with its Wilson interval, the median and quartiles of days to the
    first relationship among the matched, and matched within 90 days among those who started at least
    90 days before as_of (its own cell, n90). Each stage is judged on its own."""
    params, people_filter, settings = _params(db, filters, as_of=as_of, roles=list(roles),
                                              since=years_before(as_of, years_back))
    raw = db.df(load_sql("coverage_time_to_match", people_filter=people_filter), params)
    raw = raw.sort_values("career_stage", key=lambda s: s.map(_STAGE_ORDER)).reset_index(drop=True)
    rows = []
    for row in raw.to_dict("records"):
        n, matched, n90, within = (int(row[k]) for k in ("n", "matched", "n90", "within_90"))
        low, high = wilson(matched, n)
        median = row["median_days"]
        rows.append({
            "career_stage": row["career_stage"], "n": n, "matched": matched, "pct": pct(matched, n),
            "ci_low": None if low is None else round(100 * low, 1),
            "ci_high": None if high is None else round(100 * high, 1),
            "median_days": None if pd.isna(median) else round(float(median), 1),
            "q1_days": None if pd.isna(row["q1_days"]) else round(float(row["q1_days"]), 1),
            "q3_days": None if pd.isna(row["q3_days"]) else round(float(row["q3_days"]), 1),
            "n90": n90, "within_90": within, "within_90_pct": pct(within, n90),
        })
    frame = pd.DataFrame(rows, columns=["career_stage", "n", "matched", "pct", "ci_low", "ci_high", "median_days",
                                        "q1_days", "q3_days", "n90", "within_90", "within_90_pct"])
    min_cell = settings["min_cell"]
    # Quartiles describe the matched people only: they hide when fewer than min_cell are matched.
    frame = privacy.suppress(frame, "matched", ["median_days", "q1_days", "q3_days"], min_cell,
                             flag="days_suppressed")
    frame = privacy.suppress(frame, "n90", ["within_90", "within_90_pct"], min_cell, flag="within_90_suppressed")
    frame = privacy.suppress(frame, "n", ["matched", "pct", "ci_low", "ci_high", "median_days", "q1_days",
                                          "q3_days", "n90", "within_90", "within_90_pct"], min_cell)
    frame["days_suppressed"] = frame["days_suppressed"] | frame["suppressed"]
    frame["within_90_suppressed"] = frame["within_90_suppressed"] | frame["suppressed"]
    return frame


def _require_coordinator(user) -> None:
    if user is None or not getattr(user, "is_coordinator", False):
        raise PermissionError("row-level roster lists are for program coordinators only (privacy.md)")


def unmatched_list(db: Database, as_of: date, filters: Filters, roles: Sequence[str] = DEFAULT_ROLES, *,
                   user) -> pd.DataFrame:
    """The unmatched people at as_of (person_id, career_stage, division, days_since_start), longest
    waiting first. Row-level: refuses anyone but a coordinator, whatever the caller."""
    _require_coordinator(user)
    params, people_filter, _ = _params(db, filters, as_of=as_of, roles=list(roles))
    return db.df(load_sql("coverage_unmatched", people_filter=people_filter), params)


def over_capacity_list(db: Database, as_of: date, filters: Filters, roles: Sequence[str] = DEFAULT_ROLES, *,
                       user) -> pd.DataFrame:
    """Mentors over capacity at as_of (mentor_id, career_stage, division, external, mentees), the same
    mentors mentor_load counts. Row-level: refuses anyone but a coordinator."""
    _require_coordinator(user)
    params, people_filter, settings = _params(db, filters, as_of=as_of, roles=list(roles),
                                              capacity=int(db.settings()["capacity"]))
    return db.df(_mentors_sql("mentor_over_capacity", people_filter), params)


def benchmark(db: Database, key: str) -> dict | None:
    """A national reference figure from the settings' benchmark table (benchmarks.md), or None."""
    for row in db.settings().get("benchmarks") or []:
        if row.get("key") == key:
            return dict(row)
    return None


def resident_benchmark(db: Database, as_of: date, filters: Filters) -> dict:
    """The department's residents with an active mentor (the summary's cell) beside the national figure
    (benchmark 'residents_with_mentor'). `department` is None when residents are outside the filters."""
    rows = coverage_by_stage(db, as_of, filters) if (not filters.career_stage or "resident" in filters.career_stage) \
        else pd.DataFrame()
    residents = rows[rows["career_stage"] == "resident"].to_dict("records") if len(rows) else []
    return {"department": residents[0] if residents else None, "benchmark": benchmark(db, "residents_with_mentor")}
