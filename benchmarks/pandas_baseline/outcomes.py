"""The outcomes page's figures in pandas."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from benchmarks.pandas_baseline.tables import apply_filters
from mentordash.metrics.intervals import pct
from mentordash.metrics.time import years_before

DAYS_PER_YEAR = 365.25


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


def outcomes_page(tables, settings, view) -> dict:
    people = window_people(tables, settings, view.as_of, view.filters)
    return {
        "window": outcomes_window(settings, view.as_of),
        "total": {"n": int(len(people)), "mentored": int(people["mentored"].sum())},
        "publications": outcomes_headline(tables, settings, view.as_of, view.filters),
        "departures": early_departure(people),
    }
