"""Coverage, engaged coverage and mentor load (docs/metrics.md, Coverage)."""

from __future__ import annotations

import calendar
import functools
from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa

from mentordash import privacy
from mentordash.db import Database, load_sql
from mentordash.frames import ranks, records, sort_rows, with_columns
from mentordash.metrics.everyone import everyone_at, of_view
from mentordash.metrics.filters import Filters, people_columns, settled_people_columns, urim_sql, where_sql
from mentordash.metrics.intervals import pct, shares_pct, wilson_pct
from mentordash.metrics.time import first_relationship_start, years_before
from mentordash.vocabulary import ALL_STAGES, ANY_ROLE, CAREER_STAGES, NOT_RECORDED, ROLES, SOURCES

DEFAULT_ROLES = ("mentor",)
# The counts of a coverage cell, and the figures computed from each numerator (hidden with it for viewers).
COVERAGE_COUNTS = ("n", "covered", "engaged")
COVERAGE_NUMERATORS = {"covered": ["pct", "ci_low", "ci_high"], "engaged": ["engaged_pct"]}
COVERAGE_PARTS = {"covered": "n", "engaged": "n"}
_STAGE_ORDER = {stage: i for i, stage in enumerate(CAREER_STAGES)}
# coverage_counts counts day by day (coverage_on_days.sql) up to this many days, and beyond sums every
# person's coverage events (built once per data version, whose sum costs the same for any number of days):
# the same figures either way. Measured per call: one or two days cost the same either way at department and
# consortium scale; the ten days of the academic years 13 / 48 / 224 ms day by day at department / consortium
# / national scale against 12 / 28 / 26 ms summed.
SPANS_FROM_DAYS = 2


def coverage_counts(
    db: Database,
    days: Sequence[date],
    filters: Filters,
    roles: Sequence[str] = DEFAULT_ROLES,
    counted_days: Sequence[date] = (),
) -> pd.DataFrame:
    """True counts n, covered and engaged for each day and career stage, each with its cell key column: the
    raw material of every coverage cell, for metrics to share one query (never for display: pass the
    rows you need to coverage_cell).

    `counted_days`: the other days the view counts, in one query with `days` (once per view, shared): a page
    whose figures count several sets of days (the overview's total, tiles and academic years) runs one
    query for them all. Only the rows of `days` are returned, the same rows as counting them alone."""
    if counted_days:
        counts = coverage_counts(db, sorted({*days, *counted_days}), filters, roles)
        return counts[counts["day"].isin(list(days))].reset_index(drop=True)
    settings = db.settings()
    params = {
        "dates": list(days),
        "roles": list(roles),
        "window": int(settings["engaged_window_days"]),
        "urim_list": settings["urim_list"],
    }
    if len(set(days)) <= SPANS_FROM_DAYS:
        sql = load_sql("coverage_on_days", people_filter=where_sql(filters, people_columns("p"), params))
        return db.shared(("coverage_counts", tuple(days), filters, tuple(roles)), lambda: db.df(sql, params))

    def summed() -> pd.DataFrame:
        events = _coverage_events(db, roles, _event_columns(filters))
        day_params = {"dates": list(days)}
        sql = load_sql("coverage_by_day_stage", cell_filter=where_sql(filters, EVENT_COLUMNS, day_params))
        return db.df(sql, day_params, tables={"coverage_events": events})

    return db.shared(("coverage_counts", tuple(days), filters, tuple(roles)), summed)


# The filter columns of a coverage_events.sql row (aliased c); each is there when the view filters on it.
EVENT_COLUMNS = settled_people_columns("c")


# The people's groups by which a view filtered on any of gender, URiM and division counts its events
# (_event_columns).
GROUPED_EVENT_COLUMNS = ("gender", "urim", "division")


def _event_columns(filters: Filters) -> tuple[str, ...]:
    """The people's groups a view's events are counted by beside the career stage: gender, URiM and division
    together for a filter on any of them (so changing which group a filter picks reuses one table),
    race/ethnicity and institution when filtered on. A view of everyone sums a table of days and stages."""
    grouped = bool(filters.gender or filters.division or filters.urim is not None)
    return (
        *(GROUPED_EVENT_COLUMNS if grouped else ()),
        *(("race_ethnicity",) if filters.race_ethnicity else ()),
        *(("institution",) if filters.institution else ()),
    )


def _coverage_events(db: Database, roles: Sequence[str], columns: tuple[str, ...]) -> pa.Table:
    """Every person's coverage events (coverage_events.sql) counted per day, career stage and `columns`:
    built once per data version and roles (Database.derived, kept in the file), summed by each view's long
    series, so that a new filter never merges every person's spans again. Held in the process, never shown:
    only the figures made from it leave this module, each through privacy. A view of everyone's (no
    columns) is the one by gender, URiM and division summed over them (Database.derived_rollup): each
    person's events are in exactly one of its cells, so the spans are merged once, not twice (0.8 s at
    national scale)."""
    if not columns:
        return db.derived_rollup(
            ("coverage_events", tuple(roles), ()),
            ("coverage_events", tuple(roles), GROUPED_EVENT_COLUMNS),
            lambda: _events_query(db, roles, GROUPED_EVENT_COLUMNS),
            dropped=GROUPED_EVENT_COLUMNS,
        )
    return db.derived_query(("coverage_events", tuple(roles), columns), lambda: _events_query(db, roles, columns))


def _events_query(db: Database, roles: Sequence[str], columns: tuple[str, ...]) -> tuple[str, dict]:
    """coverage_events.sql by `columns` and its parameters, from the settings as they are now."""
    expressions = people_columns("p")
    sql = load_sql(
        "coverage_events",
        columns="".join(f", {expressions[c]} AS {c}" for c in columns),
        column_names="".join(f", {c}" for c in columns),
        person_column_names="".join(f", p.{c}" for c in columns),
    )
    settings = db.settings()
    window = int(settings["engaged_window_days"])
    return sql, {"roles": list(roles), "window": window, "urim_list": settings["urim_list"]}


# The group sets of the events prepare_events builds after every write: any filter on gender, URiM or division,
# and a view of everyone (summed from the first).
PREPARED_EVENT_COLUMNS = (GROUPED_EVENT_COLUMNS, ())


def prepare_events(db: Database) -> None:
    """Build and keep the coverage events of the default roles that most first views sum (the overview's
    academic years, the monthly series): metrics.prepared calls it after every write."""
    for columns in PREPARED_EVENT_COLUMNS:
        _coverage_events(db, DEFAULT_ROLES, columns)


def rates(n: int, covered: int, engaged: int) -> dict:
    """One coverage cell from its counts: pct, engaged_pct and the 95% Wilson interval of pct, in percent."""
    low, high = wilson_pct(covered, n)
    return {
        "n": int(n),
        "covered": int(covered),
        "pct": pct(covered, n),
        "engaged": int(engaged),
        "engaged_pct": pct(engaged, n),
        "ci_low": low,
        "ci_high": high,
    }


def _with_rates(counts: pd.DataFrame) -> pd.DataFrame:
    """rates() for every row of counts at once (shares_pct does rates' arithmetic on whole columns): the
    same frame, column by column as Python values, as a row-by-row loop would build (a monthly series
    is a thousand rows)."""
    keys = [c for c in counts.columns if c not in ("n", "covered", "engaged")]
    names = [*keys, "n", "covered", "pct", "engaged", "engaged_pct", "ci_low", "ci_high"]
    if counts.empty:
        return pd.DataFrame([], columns=names)
    n, covered, engaged = ([int(v) for v in counts[c].tolist()] for c in COVERAGE_COUNTS)
    covered_pct, low, high = shares_pct(covered, n)
    engaged_pct = shares_pct(engaged, n)[0]
    columns = {k: counts[k].tolist() for k in keys}
    columns.update(n=n, covered=covered, pct=covered_pct, engaged=engaged, engaged_pct=engaged_pct)
    columns.update(ci_low=low, ci_high=high)
    return pd.DataFrame(columns, columns=names)


_RATE_COLUMNS = ["covered", "pct", "engaged", "engaged_pct", "ci_low", "ci_high"]


def coverage_by_stage(
    db: Database,
    as_of: date,
    filters: Filters,
    roles: Sequence[str] = DEFAULT_ROLES,
    audience: str = privacy.EXACT,
    counted_days: Sequence[date] = (),
) -> pd.DataFrame:
    """One row per career stage with active people, with complementary suppression (the total is shown)
    (counted_days: as coverage_counts)."""
    counts = coverage_counts(db, [as_of], filters, roles, counted_days).drop(columns="day")
    return _stage_cells(counts, db.settings()["min_cell"], audience)


def _stage_cells(counts: pd.DataFrame, min_cell: int, audience: str) -> pd.DataFrame:
    """Coverage counts by career stage as cells in the stages' order, with complementary suppression."""
    counts = sort_rows(counts, ranks(counts["career_stage"], _STAGE_ORDER))
    return _coverage_cells(counts, min_cell, audience, complementary=True)


def coverage_total(
    db: Database,
    as_of: date,
    filters: Filters,
    roles: Sequence[str] = DEFAULT_ROLES,
    audience: str = privacy.EXACT,
    counted_days: Sequence[date] = (),
) -> dict:
    """Coverage of the whole filtered group at as_of, as one cell (counted_days: as coverage_counts)."""
    counts = coverage_counts(db, [as_of], filters, roles, counted_days)
    return coverage_cell(counts, db.settings()["min_cell"], audience)


def view_total(
    db: Database, as_of: date, filters: Filters, roles: Sequence[str] = DEFAULT_ROLES, audience: str = privacy.EXACT
) -> dict:
    """coverage_total of the coverage page's view, from the counts by role and stage its headline reads
    (_role_stage_counts): the page's first section needs no other coverage query."""
    counts = _counts_at(db, as_of, filters, roles)
    return coverage_cell(counts, db.settings()["min_cell"], audience)


def coverage_over_time(
    db: Database,
    days: Sequence[date],
    filters: Filters,
    roles: Sequence[str] = DEFAULT_ROLES,
    audience: str = privacy.EXACT,
    counted_days: Sequence[date] = (),
) -> pd.DataFrame:
    """Coverage by career stage on each day; each (day, stage) cell is judged on its own (counted_days: as
    coverage_counts)."""
    counts = coverage_counts(db, days, filters, roles, counted_days)
    return _coverage_cells(counts, db.settings()["min_cell"], audience)


def mentor_load(
    db: Database,
    as_of: date,
    filters: Filters,
    roles: Sequence[str] = DEFAULT_ROLES,
    audience: str = privacy.EXACT,
    counted_days: Sequence[date] = (),
) -> dict:
    """mentors, mean, max and over_capacity of mentees per mentor, as one cell counted in mentors.

    Viewers get the mean with a keyed relative perturbation and no max (one mentor's own load).
    `counted_days`: the other days the view counts loads on, in one query with as_of (once per view, shared;
    the overview's tiles, now and a year earlier): the same figure as counting as_of alone."""
    settings = db.settings()
    loads = _mentor_loads(db, as_of, filters, roles, settings, counted_days, _LOAD_COUNTS)
    capacity = int(settings["capacity"])
    loads["over"] = loads["mentees"] > capacity
    cell = privacy.key_sums(loads, [], {"mentors": None, "over_capacity": "over"})
    record = {
        **records(cell)[0],
        "mean": float(loads["mentees"].mean()) if len(loads) else None,
        "max": int(loads["mentees"].max()) if len(loads) and audience == privacy.EXACT else None,
    }
    record = privacy.publish_record(
        record,
        audience,
        ["mentors", "over_capacity"],
        settings["min_cell"],
        magnitudes={"mean": "mentors"},
        at_most={"over_capacity": "mentors"},
    )
    record["mean"] = None if record["mean"] is None or record["mean"] != record["mean"] else round(record["mean"], 2)
    record = {key: record[key] for key in ("mentors", "mean", "max", "over_capacity")}
    out = privacy.suppress_record(
        record,
        "mentors",
        ["mean", "max", "over_capacity"],
        settings["min_cell"],
        audience=audience,
        numerators={"over_capacity": []},
    )
    out["capacity"] = capacity
    return out


def _with_active_pairs(name: str, mentee_filter: str = "", **other_parts: str) -> str:
    """load_sql(name) with its `{active_mentor_pairs}` CTEs (active_mentor_pairs.sql) spliced in, their
    mentees narrowed by `mentee_filter` (a where_sql fragment; none when the filters select the mentors),
    and the query's own placeholders filled from `other_parts`."""
    return load_sql(
        name, active_mentor_pairs=load_sql("active_mentor_pairs", mentee_filter=mentee_filter), **other_parts
    )


def _with_active_relationships(name: str, people_filter: str) -> str:
    """load_sql(name) with its `{active_mentee_relationships}` CTE (active_mentee_relationships.sql: the
    relationships active at $as_of whose mentee is an active person of the filtered group) spliced in."""
    return load_sql(
        name, active_mentee_relationships=load_sql("active_mentee_relationships", people_filter=people_filter)
    )


def _mentor_loads(
    db: Database,
    as_of: date,
    filters: Filters,
    roles: Sequence[str],
    settings: dict,
    counted_days: Sequence[date] = (),
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Each counted mentor's distinct active mentees at as_of (mentor_loads_of_view.sql), counted with the
    view's `counted_days` in one query, once per view, from everyone's loads on those days (_everyones_loads);
    only `columns` of it when given (the figures that count mentors need no names: leaving the text columns
    out makes the day's rows several times cheaper to take)."""
    days, roles = tuple(sorted({as_of, *counted_days})), tuple(roles)
    loads = db.shared(
        ("mentor_loads", days, filters, roles),
        lambda: of_view(
            db, "mentor_loads", _everyones_loads(db, days, roles), filters, unfiltered=not filters.as_dict()
        ),
    )
    return _on_day(loads, as_of, columns)


def _everyones_loads(db: Database, days: tuple[date, ...], roles: tuple[str, ...]) -> pa.Table:
    """mentor_loads.sql's rows: every mentor's load on each of `days` in `roles` (a mentor's load counts every
    mentee, whatever the filters)."""

    def params() -> dict:
        return {"dates": list(days), "roles": list(roles), "urim_list": db.settings()["urim_list"]}

    pairs = load_sql("active_mentor_pairs", mentee_filter="")  # every mentee: the filters select the mentors
    return everyone_at(db, "mentor_loads", (days, roles), params, active_mentor_pairs=pairs, urim=urim_sql("p"))


_LOAD_COUNTS = ["mentees", "record_key"]  # what the figures counting mentors read of each mentor's load


def _on_day(frame: pd.DataFrame, day: date, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """The rows of one day of a frame counted over several (its `day` column dropped), `columns` only when
    given."""
    kept = [frame.columns.get_loc(c) for c in (columns or frame.columns) if c != "day"]
    rows = np.flatnonzero(frame["day"].to_numpy() == day)
    return frame.take(rows).take(kept, axis=1).reset_index(drop=True)  # by position: a third of frame[kept]


def active_relationships(
    db: Database,
    as_of: date,
    filters: Filters,
    roles: Sequence[str] = DEFAULT_ROLES,
    audience: str = privacy.EXACT,
    counted_days: Sequence[date] = (),
) -> dict:
    """How many relationships of `roles` are active at as_of with a mentee of the filtered group.

    Counted in mentees for suppression: a handful of relationships would point at a handful of people.
    `counted_days`: as mentor_load's."""
    settings = db.settings()
    days = sorted({as_of, *counted_days})
    params = {"dates": days, "roles": list(roles), "urim_list": settings["urim_list"]}
    sql = _with_active_relationships("active_relationships", where_sql(filters, people_columns("p"), params))
    counts = db.shared(("active_relationships", tuple(days), filters, tuple(roles)), lambda: db.df(sql, params))
    record = next(row for row in records(counts) if row["day"] == as_of)
    del record["day"]
    record = privacy.publish_record(record, audience, ["relationships", "mentees"], settings["min_cell"])
    record = {"relationships": int(record["relationships"]), "mentees": int(record["mentees"])}
    return privacy.suppress_record(record, "mentees", ["relationships"], settings["min_cell"], audience=audience)


GROUP_DIMENSIONS = ("gender", "urim", "race_ethnicity", "division")
SOURCE_ORDER = (*SOURCES, NOT_RECORDED)  # how relationships began, in display order
_SOURCE_RANK = {source: i for i, source in enumerate(SOURCE_ORDER)}
_DIMENSION_ORDER = {dimension: i for i, dimension in enumerate(GROUP_DIMENSIONS)}
MATCH_YEARS_BACK = 3


def _params(db: Database, filters: Filters, alias: str = "p", **values) -> tuple[dict, str, dict]:
    settings = db.settings()
    params = {"urim_list": settings["urim_list"], "window": int(settings["engaged_window_days"]), **values}
    return params, where_sql(filters, people_columns(alias), params), settings


def coverage_by_role(
    db: Database, as_of: date, filters: Filters, roles: Sequence[str] = ROLES, audience: str = privacy.EXACT
) -> pd.DataFrame:
    """Coverage at as_of for each role on its own and for any of them ('any'), by career stage and for
    all stages ('all'), in one query. Within each role the stages are a breakdown of the 'all' row, so
    suppression is complementary there; every role has the same denominators, so the same cells hide.
    The 'mentor' rows equal coverage_by_stage and coverage_total."""
    settings = db.settings()
    counts = _role_stage_counts(db, as_of, filters, roles)
    role_order = {role: i for i, role in enumerate([*roles, ANY_ROLE])}
    role_rank = ranks(counts["role"], role_order)
    counts = counts.take(np.flatnonzero(role_rank < len(role_order)))
    columns = [
        "role",
        "career_stage",
        "n",
        "covered",
        "pct",
        "engaged",
        "engaged_pct",
        "ci_low",
        "ci_high",
        "suppressed",
    ]
    if counts["is_all"].all():  # nobody active in the filtered group
        return pd.DataFrame(columns=columns).astype({"role": "str", "suppressed": bool})
    # each role's stages, then its whole; the stages of a role are a breakdown of its whole (complementary
    # within it), the whole a cell of its own
    stage_rank = np.minimum(ranks(counts["career_stage"], _STAGE_ORDER), len(_STAGE_ORDER))  # 'all' last
    counts = sort_rows(counts, ranks(counts["role"], role_order), counts["is_all"].to_numpy(), stage_rank)
    cells = _coverage_cells(counts, settings["min_cell"], audience, complementary=True, within=["role", "is_all"])
    out = cells.take([cells.columns.get_loc(c) for c in columns], axis=1)
    shown = out["career_stage"].ne(ALL_STAGES) | out["n"].fillna(1).ne(0) | out["suppressed"]
    return out.take(np.flatnonzero(shown.to_numpy())).reset_index(drop=True)


# The columns of a coverage cell's counts and keys (sql/coverage_cell_counts.sql), as a query's part.
_CELL_COUNTS = {"coverage_cell_counts": load_sql("coverage_cell_counts")}


def _role_stage_counts(db: Database, as_of: date, filters: Filters, roles: Sequence[str]) -> pd.DataFrame:
    """coverage_people_at_of_view.sql's true counts at as_of, once per view (shared): the coverage page's
    headline, total and residents' benchmark all read them. A view counts its people among everyone's rows
    at as_of (_everyone_at), built once per data version and date."""
    params = {"roles": list(roles), "all_stages": ALL_STAGES}
    return db.shared(
        ("role_stage_counts", as_of, filters, tuple(roles)),
        lambda: of_view(db, "coverage_people_at", _everyone_at(db, as_of), filters, parts=_CELL_COUNTS, **params),
    )


def _everyone_at(db: Database, as_of: date) -> pa.Table:
    """coverage_people_at.sql's rows: everyone active at as_of, with the roles they are covered and engaged in
    (a person's own relationships count, whatever the filters)."""

    def params() -> dict:
        settings = db.settings()
        return {"as_of": as_of, "urim_list": settings["urim_list"], "window": int(settings["engaged_window_days"])}

    return everyone_at(db, "coverage_people_at", (as_of,), params, urim=urim_sql("p"))


def _counts_at(db: Database, as_of: date, filters: Filters, roles: Sequence[str]) -> pd.DataFrame:
    """The counts of coverage_counts(db, [as_of], filters, roles), without its day column, taken from the
    headline's counts of every role (_role_stage_counts): one role's rows are that role's counts, the
    'any' rows those of every role together; the same people, the same keys. A set of roles that is
    neither is counted on its own."""
    if len(roles) == 1 and roles[0] in ROLES:
        role = roles[0]
    elif sorted(roles) == sorted(ROLES):
        role = ANY_ROLE
    else:
        return coverage_counts(db, [as_of], filters, roles).drop(columns="day")
    counts = _role_stage_counts(db, as_of, filters, ROLES)
    rows = np.flatnonzero(counts["role"].eq(role).to_numpy() & ~counts["is_all"].to_numpy(dtype=bool))
    return counts.take(rows).take([counts.columns.get_loc(c) for c in _STAGE_COUNT_COLUMNS], axis=1)


# The columns of a coverage_counts row, but its day.
_STAGE_COUNT_COLUMNS = ["career_stage", *COVERAGE_COUNTS, *(c + privacy.KEY_SUFFIX for c in COVERAGE_COUNTS)]


def month_ends(db: Database, as_of: date) -> list[date]:
    """The last day of every month from the month of the first relationship to as_of, and as_of last
    (when it is not itself a month end): all the years in the data."""
    first = first_relationship_start(db, as_of)
    return [as_of] if first is None else [*_month_ends_between(first, as_of), as_of]


@functools.lru_cache(maxsize=64)  # a page asks for the same months several times (a copy each: see month_ends)
def _month_ends_between(first: date, as_of: date) -> tuple[date, ...]:
    return tuple(month_ends_between(first, as_of))


def month_ends_between(first: date, as_of: date) -> list[date]:
    """The last day of each month from first's month on, before as_of (a loop over months: pandas' date_range
    took 3-4 ms for the two hundred months of the consortium's data)."""
    ends = []
    year, month = first.year, first.month
    while (end := date(year, month, calendar.monthrange(year, month)[1])) < as_of:
        ends.append(end)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return ends


def coverage_monthly(
    db: Database, as_of: date, filters: Filters, roles: Sequence[str] = DEFAULT_ROLES, audience: str = privacy.EXACT
) -> pd.DataFrame:
    """Coverage by career stage at every month end over all the years in the data (one query over all
    the dates); each (month, stage) cell is judged on its own."""
    return coverage_over_time(db, month_ends(db, as_of), filters, roles, audience=audience)


def coverage_by_group(
    db: Database, as_of: date, filters: Filters, roles: Sequence[str] = DEFAULT_ROLES, audience: str = privacy.EXACT
) -> pd.DataFrame:
    """Coverage at as_of by gender, URiM, race/ethnicity and division, with 95% Wilson intervals.

    One row per (dimension, group); blank values form their own group ('not_recorded', URiM 'unknown').
    Where a dimension (other than URiM) has two or more groups smaller than min_cell, they are pooled
    into one group, 'smaller_groups' (each person counted once), so that several tiny groups show as one.
    Each dimension is a breakdown of the total shown on the page: for exact figures suppression is
    complementary within it (viewers' protected counts need no complement, so women stay visible)."""
    params, people_filter, settings = _params(db, filters, as_of=as_of, roles=list(roles))
    params["floor"] = privacy.effective_min_cell(settings["min_cell"])
    counts = db.df(
        load_sql(
            "coverage_by_group",
            people_filter=people_filter,
            urim_expr=people_columns("p")["urim"],
            **_CELL_COUNTS,
        ),
        params,
    )
    counts = sort_rows(
        counts, ranks(counts["dimension"], _DIMENSION_ORDER), -counts["n"].to_numpy(), ranks(counts["group"])
    )
    return _coverage_cells(counts, settings["min_cell"], audience, complementary=True, within=["dimension"])


def mentor_load_distribution(
    db: Database, as_of: date, filters: Filters, roles: Sequence[str] = DEFAULT_ROLES, audience: str = privacy.EXACT
) -> pd.DataFrame:
    """How many mentors carry each load (distinct active mentees) at as_of: load, mentors, over_capacity.

    The same mentors as mentor_load (the filters select the mentors); one cell counted in mentors, so
    every bar hides when fewer than min_cell mentors are counted in all (and, for viewers, a bar of 1 to
    min_cell - 1 mentors hides on its own)."""
    settings = db.settings()
    min_cell = settings["min_cell"]
    loads = _mentor_loads(db, as_of, filters, roles, settings, columns=_LOAD_COUNTS)
    capacity = int(settings["capacity"])
    columns = ["load", "mentors", "over_capacity", "total_mentors"]
    if loads.empty:
        return privacy.suppress(pd.DataFrame(columns=columns), "total_mentors", ["mentors"], min_cell)
    frame = privacy.key_sums(loads, ["mentees"], {"mentors": None}).rename(columns={"mentees": "load"})
    total = privacy.publish_record(privacy.total_of(frame, ["mentors"]), audience, ["mentors"], min_cell)
    frame = privacy.publish_counts(frame, audience, ["mentors"], min_cell).sort_values("load").reset_index(drop=True)
    frame["load"] = frame["load"].astype(int)
    frame["over_capacity"] = frame["load"] > capacity
    frame["total_mentors"] = int(total["mentors"])
    return privacy.suppress(
        frame[columns], "total_mentors", ["mentors"], min_cell, audience=audience, numerators={"mentors": []}
    )


# The counts of one minority-tax row, and the sums of mentees (load) drawn from each count's cell key.
_TAX_COUNTS = ["faculty_in_group", "faculty_known", "faculty", "mentees"]
_TAX_LOADS = {
    "load_in_group": "faculty_in_group",
    "load_known": "faculty_known",
    "load_faculty": "faculty",
    "load_all": "mentees",
}


def load_by_group(
    db: Database, as_of: date, filters: Filters, roles: Sequence[str] = DEFAULT_ROLES, audience: str = privacy.EXACT
) -> pd.DataFrame:
    """The minority tax: the share of the mentoring of the filtered group that women and URiM faculty
    carry, against their share of the department's active faculty (both among those whose value is known).

    Faculty are all active junior and senior faculty (the filters select the mentees); mentees per
    faculty member counts everyone, those who mentor no one too. A row is suppressed when the group,
    the rest of the known faculty or the mentees number fewer than min_cell."""
    params, people_filter, settings = _params(db, filters, as_of=as_of, dates=[as_of], roles=list(roles))
    sql = _with_active_pairs("mentor_load_by_group", people_filter, urim_expr=people_columns("f")["urim"])
    raw = privacy.publish_counts(
        db.df(sql, params),
        audience,
        _TAX_COUNTS,
        settings["min_cell"],
        magnitudes=_TAX_LOADS,
        at_most={"faculty_in_group": "faculty_known", "faculty_known": "faculty"},
    )
    rows = []
    for row in records(raw):
        in_group, known = int(row["faculty_in_group"]), int(row["faculty_known"])
        load_in, load_known = round(float(row["load_in_group"])), round(float(row["load_known"]))
        rest, rest_load = known - in_group, load_known - load_in
        rows.append(
            {
                "group": row["group"],
                "faculty": int(row["faculty"]),
                "faculty_known": known,
                "faculty_unknown": max(int(row["faculty"]) - known, 0),
                "faculty_in_group": in_group,
                "faculty_share_pct": pct(in_group, known),
                "load_known": load_known,
                "load_in_group": load_in,
                "load_share_pct": pct(load_in, load_known),
                "mentees_per_faculty": round(load_in / in_group, 2) if in_group else None,
                "mentees_per_other_faculty": round(rest_load / rest, 2) if rest > 0 else None,
                "load_outside_faculty": max(round(float(row["load_all"])) - round(float(row["load_faculty"])), 0),
                "mentees": int(row["mentees"]),
                # the smallest group any number of the row describes
                "smallest": min(in_group, rest, int(row["mentees"])) if known else 0,
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            "group",
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
            "smallest",
        ],
    )
    values = [c for c in frame.columns if c not in ("group", "smallest")]
    out = privacy.suppress(frame, "smallest", values, settings["min_cell"], audience=audience)
    # A zero group (no women faculty at all, no mentees) is "no data": nothing to compare.
    empty = frame["smallest"] <= 0
    for col in values:
        out[col] = privacy.blanked(out[col], empty)
    return out.drop(columns="smallest")


def relationship_sources(
    db: Database, as_of: date, filters: Filters, roles: Sequence[str] = DEFAULT_ROLES, audience: str = privacy.EXACT
) -> pd.DataFrame:
    """How the relationships active at as_of began, by the mentee's career stage: one row per
    (stage, source) with relationships, share of the stage's relationships, and formal ones among them.

    A stage is one cell judged on its distinct mentees, complementary across stages (their total is
    the page's); a stage's rows hide together."""
    columns = ["career_stage", "source", "relationships", "formal", "pct", "stage_relationships", "stage_mentees"]
    raw = _source_counts(db, as_of, filters, roles)
    if raw.empty:
        return pd.DataFrame(columns=[*columns, "suppressed"])
    min_cell = db.settings()["min_cell"]
    grouped = privacy.publish_counts(
        raw,
        audience,
        ["relationships", "formal", "stage_relationships", "stage_mentees"],
        min_cell,
        at_most={"relationships": "stage_relationships", "formal": "relationships"},
    )
    grouped["pct"] = [pct(r, t) for r, t in zip(grouped["relationships"], grouped["stage_relationships"])]
    grouped = grouped[columns]
    # each stage once (its first row: the stage's figures are on all of them), in the stages' sorted order
    stage_of_row, stage_names, first = _stage_rows(grouped["career_stage"], sort=True)
    stages = pd.DataFrame({"career_stage": stage_names, "stage_mentees": grouped["stage_mentees"].to_numpy()[first]})
    stages = privacy.suppress(stages, "stage_mentees", [], min_cell, complementary=True, audience=audience)
    hidden = stages["suppressed"].to_numpy()[stage_of_row]
    grouped = with_columns(
        grouped,
        {
            **{
                col: privacy.blanked(grouped[col], hidden)
                for col in ("relationships", "formal", "pct", "stage_relationships", "stage_mentees")
            },
            "suppressed": hidden,
        },
    )
    grouped = privacy.suppress(
        grouped,
        "stage_mentees",
        [],
        min_cell,
        flag="stage_small",
        audience=audience,
        numerators={"relationships": ["pct"], "formal": []},
    ).drop(columns="stage_small")
    return sort_rows(grouped, ranks(grouped["career_stage"], _STAGE_ORDER), ranks(grouped["source"], _SOURCE_RANK))


def formal_by_stage(
    db: Database, as_of: date, filters: Filters, roles: Sequence[str] = DEFAULT_ROLES, audience: str = privacy.EXACT
) -> pd.DataFrame:
    """Formal against informal relationships active at as_of by the mentee's career stage, with the
    formal share's Wilson interval (counted in relationships); suppression as relationship_sources."""
    columns = ["career_stage", "relationships", "formal", "informal", "formal_pct", "ci_low", "ci_high", "suppressed"]
    raw = _source_counts(db, as_of, filters, roles)
    if raw.empty:
        return pd.DataFrame(columns=columns, dtype="object")
    min_cell = db.settings()["min_cell"]
    stages = privacy.publish_counts(_formal_counts(raw), audience, ["relationships", "formal", "mentees"], min_cell)
    stages["formal"] = np.minimum(stages["formal"].to_numpy(), stages["relationships"].to_numpy())
    stages["informal"] = stages["relationships"] - stages["formal"]
    stages["formal_pct"], stages["ci_low"], stages["ci_high"] = shares_pct(stages["formal"], stages["relationships"])
    stages = stages.take(np.argsort(stages["career_stage"].map(_STAGE_ORDER).to_numpy(), kind="stable"))
    stages = stages.reset_index(drop=True)
    out = privacy.suppress(
        stages,
        "mentees",
        ["relationships", "formal", "informal", "formal_pct", "ci_low", "ci_high"],
        min_cell,
        complementary=True,
        audience=audience,
        numerators={"formal": ["formal_pct", "ci_low", "ci_high"], "informal": ["formal_pct", "ci_low", "ci_high"]},
    )
    return out[columns].astype("object")


def _stage_rows(stage: pd.Series, sort: bool) -> tuple[np.ndarray, pd.Index, np.ndarray]:
    """Each row's stage as a number, the stages (sorted, or in order of first appearance) and each stage's
    first row: the per-stage figures of _source_counts' rows are on every row of their stage."""
    stage_of_row, stages = pd.factorize(stage, sort=sort)
    return stage_of_row, stages, np.unique(stage_of_row, return_index=True)[1]


def _formal_counts(raw: pd.DataFrame) -> pd.DataFrame:
    """Per career stage (in order of first appearance) of _source_counts' rows: its relationships and distinct
    mentees (the same on every row of the stage) and its formal relationships (summed over its sources),
    each with its cell key; by position in numpy (a group-by's named aggregations cost more than the rest of
    the figure)."""
    stage_of_row, stages, first = _stage_rows(raw["career_stage"], sort=False)

    def summed(column: str) -> np.ndarray:
        total = np.zeros(len(stages), dtype="int64")
        np.add.at(total, stage_of_row, raw[column].to_numpy(dtype="int64"))
        return total

    def first_of(column: str) -> np.ndarray:
        return raw[column].to_numpy(dtype="int64")[first]

    return pd.DataFrame(
        {
            "career_stage": raw["career_stage"].take(first).reset_index(drop=True),
            "relationships": first_of("stage_relationships"),
            "relationships_key": first_of("stage_relationships_key"),
            "formal": summed("formal"),
            "formal_key": summed("formal_key") % privacy.KEY_MODULUS,
            "mentees": first_of("stage_mentees"),
            "mentees_key": first_of("stage_mentees_key"),
        }
    )


_MATCH_COLUMNS = [
    "career_stage",
    "n",
    "matched",
    "pct",
    "ci_low",
    "ci_high",
    "median_days",
    "q1_days",
    "q3_days",
    "n90",
    "within_90",
    "within_90_pct",
]


def time_to_match(
    db: Database,
    as_of: date,
    filters: Filters,
    roles: Sequence[str] = DEFAULT_ROLES,
    years_back: int = MATCH_YEARS_BACK,
    audience: str = privacy.EXACT,
) -> pd.DataFrame:
    """Time to match for people who started in the `years_back` years ending at as_of, by career stage:
    n, matched (by as_of), pct matched with its Wilson interval, the median and quartiles of days to the
    first relationship among the matched, and matched within 90 days among those who started at least
    90 days before as_of (its own cell, n90). Each stage is judged on its own. Viewers get the days with
    a keyed relative perturbation (they are order statistics: one person's own wait)."""
    params, people_filter, settings = _params(
        db, filters, as_of=as_of, roles=list(roles), since=years_before(as_of, years_back)
    )
    min_cell = settings["min_cell"]
    raw = db.df(load_sql("coverage_time_to_match", people_filter=people_filter), params)
    raw = sort_rows(raw, ranks(raw["career_stage"], _STAGE_ORDER))
    raw = privacy.publish_counts(
        raw,
        audience,
        ["n", "matched", "n90", "within_90"],
        min_cell,
        magnitudes={"median_days": "matched", "q1_days": "matched", "q3_days": "matched"},
    )
    rows = []
    for row in records(raw):
        n, matched, n90, within = (int(row[k]) for k in ("n", "matched", "n90", "within_90"))
        matched, within = min(matched, n), min(within, n90)
        low, high = wilson_pct(matched, n)
        rows.append(
            {
                "career_stage": row["career_stage"],
                "n": n,
                "matched": matched,
                "pct": pct(matched, n),
                "ci_low": low,
                "ci_high": high,
                **{
                    k: None if pd.isna(row[k]) else round(float(row[k]), 1)
                    for k in ("median_days", "q1_days", "q3_days")
                },
                "n90": n90,
                "within_90": within,
                "within_90_pct": pct(within, n90),
            }
        )
    frame = pd.DataFrame(rows, columns=_MATCH_COLUMNS)
    # Quartiles describe the matched people only: they hide when fewer than min_cell are matched.
    frame = privacy.suppress(
        frame, "matched", ["median_days", "q1_days", "q3_days"], min_cell, flag="days_suppressed", audience=audience
    )
    frame = privacy.suppress(
        frame,
        "n90",
        ["within_90", "within_90_pct"],
        min_cell,
        flag="within_90_suppressed",
        audience=audience,
        numerators={"within_90": ["within_90_pct"]},
    )
    frame = privacy.suppress(
        frame,
        "n",
        _MATCH_COLUMNS[2:],  # everything but the stage and its size
        min_cell,
        audience=audience,
        numerators={"matched": ["pct", "ci_low", "ci_high"]},
    )
    frame["days_suppressed"] = frame["days_suppressed"] | frame["suppressed"]
    frame["within_90_suppressed"] = frame["within_90_suppressed"] | frame["suppressed"]
    return frame


def _require_coordinator(user) -> None:
    if user is None or not getattr(user, "is_coordinator", False):
        raise PermissionError("row-level roster lists are for program coordinators only (docs/privacy.md)")


def unmatched_list(
    db: Database, as_of: date, filters: Filters, roles: Sequence[str] = DEFAULT_ROLES, *, user
) -> pd.DataFrame:
    """The unmatched people at as_of (person_id, career_stage, division, days_since_start), longest
    waiting first. Row-level: refuses anyone but a coordinator, whatever the caller."""
    _require_coordinator(user)
    params, people_filter, _ = _params(db, filters, as_of=as_of, roles=list(roles))
    return db.df(load_sql("coverage_unmatched", people_filter=people_filter), params)


def over_capacity_list(
    db: Database, as_of: date, filters: Filters, roles: Sequence[str] = DEFAULT_ROLES, *, user
) -> pd.DataFrame:
    """Mentors over capacity at as_of (mentor_id, career_stage, division, external, mentees), most mentees
    first: the mentors mentor_load counts over capacity, from the same loads (once per view). Row-level:
    refuses anyone but a coordinator."""
    _require_coordinator(user)
    settings = db.settings()
    loads = _mentor_loads(db, as_of, filters, roles, settings)
    over = loads[loads["mentees"] > int(settings["capacity"])]
    over = over.sort_values(["mentees", "mentor_id"], ascending=[False, True], kind="stable")
    return over[["mentor_id", "career_stage", "division", "external", "mentees"]].reset_index(drop=True)


def benchmark(db: Database, key: str) -> dict | None:
    """A national reference figure from the settings' benchmark table (docs/metrics.md, National reference figures), or None."""
    for row in db.settings().get("benchmarks") or []:
        if row.get("key") == key:
            return dict(row)
    return None


def resident_benchmark(db: Database, as_of: date, filters: Filters, audience: str = privacy.EXACT) -> dict:
    """The department's residents with an active mentor (the summary's cell) beside the national figure
    (benchmark 'residents_with_mentor'). `department` is None when residents are outside the filters.
    From the headline's counts (as view_total)."""
    rows = (
        _stage_cells(_counts_at(db, as_of, filters, DEFAULT_ROLES), db.settings()["min_cell"], audience)
        if (not filters.career_stage or "resident" in filters.career_stage)
        else pd.DataFrame()
    )
    residents = records(rows[rows["career_stage"] == "resident"]) if len(rows) else []
    return {"department": residents[0] if residents else None, "benchmark": benchmark(db, "residents_with_mentor")}


def _coverage_cells(
    counts: pd.DataFrame, min_cell: int, audience: str, complementary: bool = False, within: list[str] | None = None
) -> pd.DataFrame:
    """Coverage counts (with their keys) as the audience may see them, with rates and suppression."""
    published = privacy.publish_counts(counts, audience, COVERAGE_COUNTS, min_cell, at_most=COVERAGE_PARTS)
    return privacy.suppress(
        _with_rates(published),
        "n",
        _RATE_COLUMNS,
        min_cell,
        complementary=complementary,
        within=within,
        audience=audience,
        numerators=COVERAGE_NUMERATORS,
    )


def coverage_cell(counts: pd.DataFrame, min_cell: int, audience: str, **labels) -> dict:
    """The whole of several coverage_counts rows (disjoint groups of people) as one published cell: the
    same people give the same figures as coverage_total of the filters that select them."""
    total = privacy.publish_record(
        privacy.total_of(counts, COVERAGE_COUNTS), audience, COVERAGE_COUNTS, min_cell, at_most=COVERAGE_PARTS
    )
    row = {**labels, **rates(*(int(total[key]) for key in COVERAGE_COUNTS))}
    return privacy.suppress_record(row, "n", _RATE_COLUMNS, min_cell, audience=audience, numerators=COVERAGE_NUMERATORS)


def _source_counts(db: Database, as_of: date, filters: Filters, roles: Sequence[str]) -> pd.DataFrame:
    """Relationships active at as_of by (stage, source), formal ones among them, and their stage's
    relationships and distinct mentees: true counts, each with its cell key (once per view)."""
    return db.shared(
        ("source_counts", as_of, filters, tuple(roles)), lambda: _query_source_counts(db, as_of, filters, roles)
    )


def _query_source_counts(db: Database, as_of: date, filters: Filters, roles: Sequence[str]) -> pd.DataFrame:
    params, people_filter, _ = _params(db, filters, dates=[as_of], roles=list(roles))
    return db.df(_with_active_relationships("coverage_sources", people_filter), params)
