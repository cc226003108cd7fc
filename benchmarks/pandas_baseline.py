"""The pandas baseline: each page's headline figure the way a typical Streamlit dashboard computes it.

The tables are loaded into pandas once (`SELECT *` into DataFrames, as an `st.cache_data` loader would),
then every rerun filters, joins and groups them in pandas. The rules are the metrics layer's (docs/metrics.md):
the same active-on-a-day tests, engaged window, effective URiM, respondent groups and half-of-days
mentored rule, so that tests/test_bench.py can check that both give the same numbers; suppression is
left out (a typical dashboard has none), which only makes the baseline cheaper.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from mentordash.ingest.schema import DATASETS
from mentordash.metrics.filters import Filters
from mentordash.metrics.intervals import pct
from mentordash.metrics.time import MAX_YEARS_SHOWN, years_before
from mentordash.vocabulary import APPLICANT_STAGES

TABLES = tuple(DATASETS)
STAGE_ORDER = {stage: i for i, stage in enumerate(APPLICANT_STAGES, start=1)}
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


def coverage_counts(
    tables: dict, settings: dict, days: list[date], filters: Filters, roles: tuple[str, ...] = ("mentor",)
) -> pd.DataFrame:
    """day, career_stage, n, covered, engaged: coverage_by_day_stage.sql in pandas, one day at a time."""
    people = apply_filters(tables["people"], filters, settings["urim_list"])
    relationships = tables["mentorships"][tables["mentorships"]["role"].isin(roles)]
    meetings = tables["meetings"]
    window = pd.Timedelta(days=int(settings["engaged_window_days"]))
    parts = []
    for day in days:
        ts = pd.Timestamp(day)
        active = people[(people["start_date"] <= ts) & (people["end_date"].isna() | (people["end_date"] > ts))]
        rel = relationships[
            (relationships["start_date"] <= ts)
            & (relationships["end_date"].isna() | (relationships["end_date"] >= ts))
            & relationships["mentee_id"].isin(active["person_id"])
        ]
        met = meetings[(meetings["date"] > ts - window) & (meetings["date"] <= ts)]
        engaged = rel.merge(met[["mentee_id", "mentor_id"]], on=["mentee_id", "mentor_id"])["mentee_id"]
        flags = active.assign(
            covered=active["person_id"].isin(rel["mentee_id"]), engaged=active["person_id"].isin(engaged)
        )
        counts = (
            flags.groupby("career_stage")
            .agg(n=("person_id", "size"), covered=("covered", "sum"), engaged=("engaged", "sum"))
            .reset_index()
        )
        parts.append(counts.assign(day=day))
    frame = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=["career_stage", "n", "covered", "engaged", "day"])
    )
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


# --- recruitment ------------------------------------------------------------------------------------


def recruitment_headline(tables, settings, as_of, filters, context=None) -> pd.DataFrame:
    """The funnel by cycle, track and stage with the shares of women and URiM among those known."""
    a = apply_filters(tables["applicants"], filters, settings["urim_list"], columns=("gender",))
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


def outcomes_headline(tables, settings, as_of, filters, context=None) -> pd.DataFrame:
    """Publications per person-year by career stage, mentored (half of one's window days) against not."""
    start = pd.Timestamp(years_before(as_of, int(settings["outcomes_window_years"])))
    end = pd.Timestamp(as_of)
    one = pd.Timedelta(days=1)
    people = apply_filters(tables["people"], filters, settings["urim_list"])
    w = people[["person_id", "career_stage"]].copy()
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


HEADLINES = {
    "overview": overview_headline,
    "coverage": coverage_headline,
    "recruitment": recruitment_headline,
    "wellbeing": wellbeing_headline,
    "outcomes": outcomes_headline,
}
