"""The pandas baseline: each page's figures the way a typical Streamlit dashboard computes them.

The tables are loaded into pandas once (`SELECT *` into DataFrames, as an `st.cache_data` loader would),
then every rerun filters, joins and groups them in pandas. PAGES[page](tables, settings, view) returns the
page's figures under the names the page's own data function uses (mentordash.ui.<page>_view.page_data);
a figure the baseline does not compute is listed by the benchmark as `pandas_missing`, which makes the
page-for-page speedup conservative (pandas does less than the page). The rules are the metrics layer's (docs/metrics.md):
the same active-on-a-day tests, engaged window, effective URiM, respondent groups and half-of-days
mentored rule, so that tests/test_bench.py can check that both give the same numbers; suppression is
left out (a typical dashboard has none), which only makes the baseline cheaper.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from mentordash.ingest.schema import DATASETS
from mentordash.instruments import INSTRUMENTS, MBI_DP, MBI_EE, PFI_ID, PFI_WE
from mentordash.metrics.filters import Filters
from mentordash.metrics.intervals import pct
from mentordash.metrics.time import MAX_YEARS_SHOWN, years_before
from mentordash.vocabulary import (
    ALL_STAGES,
    ANY_ROLE,
    APPLICANT_STAGES,
    CAREER_STAGES,
    NOT_RECORDED,
    ROLES,
    TRACK_LABELS,
    TRAINEE_STAGES,
)

TABLES = tuple(DATASETS)
STAGE_ORDER = {stage: i for i, stage in enumerate(APPLICANT_STAGES, start=1)}
TRACK_ORDER = {track: i for i, track in enumerate(TRACK_LABELS)}
DAYS_PER_YEAR = 365.25


def load_tables(db_path: str | Path) -> dict[str, pd.DataFrame]:
    """Every table the pages read, whole, as DataFrames, the way a typical dashboard's cached loader reads
    them: its own read-only DuckDB connection and DuckDB's pandas conversion. Call it while no other
    connection of this process holds the file (DuckDB opens a file in one mode per process)."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return {name: con.execute(f"SELECT * FROM {name}").df() for name in TABLES}
    finally:
        con.close()


def frames_mb(tables: dict[str, pd.DataFrame]) -> float:
    return sum(frame.memory_usage(deep=True).sum() for frame in tables.values()) / 2**20


# --- filters ----------------------------------------------------------------------------------------


def effective_urim(urim: pd.Series, races: pd.Series, urim_list: list[str]) -> pd.Series:
    """urim, else True if any listed race, False if only other known values, else missing."""
    listed = set(urim_list)

    def derive(values):
        if values is None or (not isinstance(values, (list, np.ndarray))) or len(values) == 0:
            return pd.NA
        if listed.intersection(values):
            return True
        return False if any(v != "undisclosed" for v in values) else pd.NA

    derived = pd.Series([derive(v) for v in races], index=races.index, dtype="boolean")
    return urim.astype("boolean").fillna(derived)


def apply_filters(
    frame: pd.DataFrame,
    filters: Filters,
    urim_list: list[str],
    columns: tuple[str, ...] = ("career_stage", "gender", "division", "institution"),
) -> pd.DataFrame:
    keep = pd.Series(True, index=frame.index)
    for name in columns:
        values = getattr(filters, name)
        if values:
            keep &= frame[name].isin(values)
    if filters.race_ethnicity:
        wanted = set(filters.race_ethnicity)
        keep &= (
            frame["race_ethnicity"]
            .map(lambda v: isinstance(v, (list, np.ndarray)) and bool(wanted.intersection(v)))
            .astype(bool)
        )
    if filters.urim is not None:
        keep &= effective_urim(frame["urim"], frame["race_ethnicity"], urim_list).eq(filters.urim).fillna(False)
    return frame[keep]


# --- coverage (overview and coverage pages) ---------------------------------------------------------


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


def academic_year_ends(tables: dict, as_of: date) -> list[date]:
    m = tables["mentorships"]
    starts = m.loc[m["start_date"] <= pd.Timestamp(as_of), "start_date"]
    if starts.empty:
        return [as_of]
    first = starts.min()
    first_end = date(first.year if first.month < 7 else first.year + 1, 6, 30)
    ends = [date(y, 6, 30) for y in range(first_end.year, as_of.year + 1) if date(y, 6, 30) < as_of]
    return [*ends[-MAX_YEARS_SHOWN + 1 :], as_of]


def overview_headline(tables, settings, as_of, filters, context=None) -> pd.DataFrame:
    """Coverage by career stage on each academic year's last day and at as_of (the overview's chart)."""
    return coverage_counts(tables, settings, academic_year_ends(tables, as_of), filters)


def coverage_headline(tables, settings, as_of, filters, context=None) -> pd.DataFrame:
    """Coverage and engaged coverage by career stage at as_of (the coverage page's main chart)."""
    return coverage_counts(tables, settings, [as_of], filters).drop(columns="day")


def coverage_total(tables, settings, as_of, filters, roles=("mentor",)) -> dict:
    """Coverage of the whole filtered group at as_of: n, covered, engaged, pct."""
    return _total_of(coverage_counts(tables, settings, [as_of], filters, roles))


def _total_of(counts: pd.DataFrame) -> dict:
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


def data_freshness(tables) -> pd.DataFrame:
    """The newest date in each dataset and its rows."""

    def newest(*values):
        found = [v for v in values if pd.notna(v)]
        return max(found).date() if found else None

    t = tables
    rows = [
        ("people", newest(t["people"]["start_date"].max(), t["people"]["end_date"].max()), len(t["people"])),
        (
            "mentorships",
            newest(t["mentorships"]["start_date"].max(), t["mentorships"]["end_date"].max()),
            len(t["mentorships"]),
        ),
        ("meetings", newest(t["meetings"]["date"].max()), len(t["meetings"])),
        ("survey", newest(t["survey"]["submitted_at"].max()), len(t["survey"])),
        (
            "applicants",
            date(int(t["applicants"]["cycle"].max()), 6, 30) if len(t["applicants"]) else None,
            len(t["applicants"]),
        ),
        ("outcomes", newest(t["outcomes"]["date"].max()), len(t["outcomes"])),
    ]
    return pd.DataFrame(rows, columns=["dataset", "latest", "rows"])


# --- recruitment ------------------------------------------------------------------------------------


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


# --- wellbeing --------------------------------------------------------------------------------------


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


# --- outcomes ---------------------------------------------------------------------------------------


def window_people(tables, settings, as_of, filters) -> pd.DataFrame:
    """Everyone with days in the outcomes window: person_id, career_stage, a, b (their first and last
    window day), window_days, mentored (mentee in a mentor relationship on half of those days or more),
    departed_early (end date in the window, reason left early or dismissed)."""
    start = pd.Timestamp(years_before(as_of, int(settings["outcomes_window_years"])))
    end = pd.Timestamp(as_of)
    one = pd.Timedelta(days=1)
    people = apply_filters(tables["people"], filters, settings["urim_list"])
    w = people[["person_id", "career_stage", "end_date", "departure_reason"]].copy()
    w["a"] = people["start_date"].where(people["start_date"] > start + one, start + one)
    b = (people["end_date"] - one).fillna(end)
    w["b"] = b.where(b < end, end)
    w = w[w["b"] >= w["a"]]
    w["window_days"] = (w["b"] - w["a"]).dt.days + 1

    m = tables["mentorships"]
    spans = m[m["role"] == "mentor"][["mentee_id", "start_date", "end_date"]].merge(
        w[["person_id", "a", "b"]], left_on="mentee_id", right_on="person_id"
    )
    spans["s"] = spans["start_date"].where(spans["start_date"] > spans["a"], spans["a"])
    e = spans["end_date"].fillna(spans["b"])
    spans["e"] = e.where(e < spans["b"], spans["b"])
    spans = spans[spans["s"] <= spans["e"]].sort_values(["person_id", "s", "e"])
    before = spans.groupby("person_id")["e"].transform(lambda x: x.cummax().shift())
    begin = (before + one).where(before.notna(), spans["s"])
    begin = begin.where(begin > spans["s"], spans["s"])
    spans["days"] = ((spans["e"] - begin).dt.days + 1).clip(lower=0)
    mentee_days = spans.groupby("person_id")["days"].sum()
    w["mentee_days"] = w["person_id"].map(mentee_days).fillna(0)
    w["mentored"] = 2 * w["mentee_days"] >= w["window_days"]
    w["departed_early"] = (
        w["end_date"].notna()
        & (w["end_date"] > start)
        & (w["end_date"] <= end)
        & w["departure_reason"].isin(["left_early", "dismissed"])
    )
    return w


def outcomes_headline(tables, settings, as_of, filters, context=None) -> pd.DataFrame:
    """Publications per person-year by career stage, mentored (half of one's window days) against not."""
    w = window_people(tables, settings, as_of, filters)
    o = tables["outcomes"]
    pubs = o[o["kind"] == "publication"].merge(w[["person_id", "a", "b"]], on="person_id")
    pubs = pubs[(pubs["date"] >= pubs["a"]) & (pubs["date"] <= pubs["b"])]
    w["publications"] = w["person_id"].map(pubs.groupby("person_id")["count"].sum()).fillna(0)

    grouped = (
        w.groupby(["career_stage", "mentored"])
        .agg(people=("person_id", "size"), days=("window_days", "sum"), publications=("publications", "sum"))
        .reset_index()
    )
    years = grouped["days"] / DAYS_PER_YEAR
    grouped["person_years"] = [round(y, 1) for y in years]
    grouped["rate"] = [round(p / y, 2) for p, y in zip(grouped["publications"], years)]
    grouped["publications"] = grouped["publications"].astype(int)
    return grouped.drop(columns="days")


def early_departure(w: pd.DataFrame) -> pd.DataFrame:
    """career_stage, mentored, n, departed, pct: who left early or was dismissed in the window."""
    grouped = (
        w.groupby(["career_stage", "mentored"])
        .agg(n=("person_id", "size"), departed=("departed_early", "sum"))
        .reset_index()
    )
    grouped["pct"] = [pct(d, n) for d, n in zip(grouped["departed"], grouped["n"])]
    return grouped


def outcomes_window(settings, as_of) -> dict:
    start = years_before(as_of, int(settings["outcomes_window_years"]))
    years = int(settings["outcomes_window_years"])
    return {"years": years, "start": start, "first_day": start + timedelta(days=1), "last_day": as_of}


# --- the overview's headline tiles ------------------------------------------------------------------

TILE_COLUMNS = ["key", "value", "previous", "n"]


def _share_of_stages(counts: pd.DataFrame, day: date, stages: tuple[str, ...], part: str) -> tuple:
    rows = counts[(counts["day"] == day) & counts["career_stage"].isin(stages)]
    n = int(rows["n"].sum())
    return pct(int(rows[part].sum()), n), n


def active_relationship_counts(tables, settings, day: date, filters: Filters, roles=("mentor",)) -> dict:
    """relationships of `roles` active on `day` (start <= day <= end) whose mentee is an active person of the
    filtered group that day, and their distinct mentees."""
    rel = _active_relationships(tables, day, _active_people(tables, settings, day, filters), roles)
    return {"relationships": int(len(rel)), "mentees": int(rel["mentee_id"].nunique())}


def coverage_tiles(tables, settings, as_of: date, filters: Filters, counts: pd.DataFrame) -> list[dict]:
    """Trainees and junior faculty mentored, engaged with a mentor, active relationships and mentors over
    capacity: at as_of and a year earlier (`counts`: coverage_counts of both days, among others)."""
    earlier = years_before(as_of, 1)
    tiles = []
    for key, stages, part in (
        ("trainee_coverage", TRAINEE_STAGES, "covered"),
        ("junior_faculty_coverage", ("junior_faculty",), "covered"),
        ("engaged_coverage", CAREER_STAGES, "engaged"),
    ):
        stages = tuple(s for s in stages if not filters.career_stage or s in filters.career_stage)
        if not stages:  # the page keeps the tile, empty: "Not in the chosen career stages"
            tiles.append({"key": key, "value": None, "previous": None, "n": 0})
            continue
        (value, n), (previous, _) = (_share_of_stages(counts, day, stages, part) for day in (as_of, earlier))
        tiles.append({"key": key, "value": value, "previous": previous, "n": n})
    now, before = (active_relationship_counts(tables, settings, day, filters) for day in (as_of, earlier))
    tiles.append(
        {
            "key": "active_relationships",
            "value": now["relationships"],
            "previous": before["relationships"],
            "n": now["mentees"],
        }
    )
    now, before = (mentor_loads(tables, settings, day, filters) for day in (as_of, earlier))
    tiles.append(
        {
            "key": "over_capacity",
            "value": now["over_capacity"],
            "previous": before["over_capacity"],
            "n": now["mentors"],
        }
    )
    return tiles


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


def burnout_tile(tables, settings, filters) -> dict | None:
    """The latest wave's burnout by its best-answered instrument, against that instrument's wave before."""
    frame = burnout_by_wave(tables, settings, filters)
    if frame.empty:
        return None
    latest = frame[frame["survey"] == frame["survey"].iloc[-1]]
    row = latest.loc[latest["n"].idxmax()]
    earlier = frame[(frame["instrument"] == row["instrument"]) & (frame["survey"] != row["survey"])]
    previous = earlier["pct"].iloc[-1] if len(earlier) else None
    return {"key": "burnout", "value": row["pct"], "previous": previous, "n": int(row["n"])}


def recruitment_tiles(tables, settings, as_of, filters, track: str = "residency") -> list[dict]:
    """Women and URiM among the track's latest cycle's applicants and matches, against the cycle before."""
    applicants = tables["applicants"]
    funnel = recruitment_headline({"applicants": applicants[applicants["track"] == track]}, settings, as_of, filters)
    if funnel.empty:
        return []
    cycles = sorted(funnel["cycle"].unique())
    rows = {(row["cycle"], row["stage"]): row for row in funnel.to_dict("records")}
    tiles = []
    for stage in ("applied", "matched"):
        for share in ("women", "urim"):
            now = rows.get((cycles[-1], stage))
            before = rows.get((cycles[-2], stage)) if len(cycles) > 1 else None
            tiles.append(
                {
                    "key": f"{share}_pct_{stage}",
                    "value": None if now is None else now[f"{share}_pct"],
                    "previous": None if before is None else before[f"{share}_pct"],
                    "n": None if now is None else int(now["n"]),
                }
            )
    return tiles


def overview_days(tables, as_of: date) -> list[date]:
    """Every day the overview counts coverage on: its chart's (each academic year's end, and as_of) and a year
    before as_of (its tiles), counted in one coverage_counts call as the page counts them in one query."""
    return sorted({*academic_year_ends(tables, as_of), years_before(as_of, 1)})


def overview_tiles(tables, settings, as_of, filters, counts: pd.DataFrame | None = None) -> pd.DataFrame:
    """key, value, previous, n of each headline tile of the overview (`counts`: coverage_counts of its days,
    when the page has them already)."""
    if counts is None:
        counts = coverage_counts(tables, settings, overview_days(tables, as_of), filters)
    burnout = burnout_tile(tables, settings, filters)
    tiles = [
        *coverage_tiles(tables, settings, as_of, filters, counts),
        *([burnout] if burnout else []),
        *recruitment_tiles(tables, settings, as_of, filters),
    ]
    return pd.DataFrame(tiles, columns=TILE_COLUMNS)


# --- whole pages ------------------------------------------------------------------------------------


def overview_page(tables, settings, view) -> dict:
    # coverage counted once over every day the page shows, as the page does, and each figure's days taken
    counts = coverage_counts(tables, settings, overview_days(tables, view.as_of), view.filters)
    chart_days = academic_year_ends(tables, view.as_of)
    return {
        "tiles": overview_tiles(tables, settings, view.as_of, view.filters, counts),
        "total": _total_of(counts[counts["day"] == view.as_of]),
        "by_year": counts[counts["day"].isin(chart_days)].reset_index(drop=True),
        "freshness": data_freshness(tables),
    }


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


def wellbeing_page(tables, settings, view) -> dict:
    respondents_frame = respondents(tables, settings, view.filters)
    return {
        "total": int(len(respondents_frame)),
        "by_wave": wellbeing_headline(tables, settings, view.as_of, view.filters),
    }


def outcomes_page(tables, settings, view) -> dict:
    people = window_people(tables, settings, view.as_of, view.filters)
    return {
        "window": outcomes_window(settings, view.as_of),
        "total": {"n": int(len(people)), "mentored": int(people["mentored"].sum())},
        "publications": outcomes_headline(tables, settings, view.as_of, view.filters),
        "departures": early_departure(people),
    }


PAGES = {
    "overview": overview_page,
    "coverage": coverage_page,
    "recruitment": recruitment_page,
    "wellbeing": wellbeing_page,
    "outcomes": outcomes_page,
}
