"""The outcomes page's figures in pandas."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd

from benchmarks.pandas_baseline.tables import apply_filters
from benchmarks.pandas_baseline.wellbeing import mentored as response_mentored
from benchmarks.pandas_baseline.wellbeing import respondents
from mentordash.metrics.intervals import Z_95, pct
from mentordash.metrics.time import years_before
from mentordash.vocabulary import FACULTY_STAGES

DAYS_PER_YEAR = 365.25
ONE_DAY = pd.Timedelta(days=1)


def relationship_days(tables, people: pd.DataFrame, side: str) -> pd.Series:
    """Per row of `people` (person_id, a, b: their first and last day), the days of [a, b] on which they are
    `side` ('mentee_id' or 'mentor_id') in at least one relationship with role 'mentor' active that day: the
    length of the union of the relationships' spans clipped to [a, b] (each span adds only the part past the
    furthest end before it)."""
    m = tables["mentorships"]
    spans = m[m["role"] == "mentor"][[side, "start_date", "end_date"]].merge(
        people[["person_id", "a", "b"]], left_on=side, right_on="person_id"
    )
    spans["s"] = spans["start_date"].where(spans["start_date"] > spans["a"], spans["a"])
    e = spans["end_date"].fillna(spans["b"])
    spans["e"] = e.where(e < spans["b"], spans["b"])
    spans = spans[spans["s"] <= spans["e"]].sort_values(["person_id", "s", "e"])
    before = spans.groupby("person_id")["e"].cummax().groupby(spans["person_id"]).shift()
    begin = (before + ONE_DAY).where(before.notna(), spans["s"])
    begin = begin.where(begin > spans["s"], spans["s"])
    spans["days"] = ((spans["e"] - begin).dt.days + 1).clip(lower=0)
    return people["person_id"].map(spans.groupby("person_id")["days"].sum()).fillna(0).astype("int64")


def window_people(tables, settings, as_of, filters) -> pd.DataFrame:
    """Everyone with days in the outcomes window: person_id, career_stage, a, b (their first and last
    window day), window_days, mentored (mentee in a mentor relationship on half of those days or more),
    departed_early (end date in the window, reason left early or dismissed)."""
    start = pd.Timestamp(years_before(as_of, int(settings["outcomes_window_years"])))
    end = pd.Timestamp(as_of)
    people = apply_filters(tables["people"], filters, settings["urim_list"])
    w = people[["person_id", "career_stage", "end_date", "departure_reason"]].copy()
    w["a"] = people["start_date"].where(people["start_date"] > start + ONE_DAY, start + ONE_DAY)
    b = (people["end_date"] - ONE_DAY).fillna(end)
    w["b"] = b.where(b < end, end)
    w = w[w["b"] >= w["a"]]
    w["window_days"] = (w["b"] - w["a"]).dt.days + 1
    w["mentee_days"] = relationship_days(tables, w, "mentee_id")
    w["mentored"] = 2 * w["mentee_days"] >= w["window_days"]
    w["departed_early"] = (
        w["end_date"].notna()
        & (w["end_date"] > start)
        & (w["end_date"] <= end)
        & w["departure_reason"].isin(["left_early", "dismissed"])
    )
    return w


def with_publications(tables, w: pd.DataFrame) -> pd.DataFrame:
    """`w` with publications: the sum of count of their publication rows dated on one of their window days."""
    o = tables["outcomes"]
    pubs = o[o["kind"] == "publication"].merge(w[["person_id", "a", "b"]], on="person_id")
    pubs = pubs[(pubs["date"] >= pubs["a"]) & (pubs["date"] <= pubs["b"])]
    return w.assign(publications=w["person_id"].map(pubs.groupby("person_id")["count"].sum()).fillna(0))


def publication_rates(w: pd.DataFrame, flag: str = "mentored") -> pd.DataFrame:
    """career_stage, `flag`, people, publications, person_years, rate: publications per person-year of
    `w` (with_publications) by career stage and `flag`."""
    grouped = (
        w.groupby(["career_stage", flag])
        .agg(people=("person_id", "size"), days=("window_days", "sum"), publications=("publications", "sum"))
        .reset_index()
    )
    years = grouped["days"] / DAYS_PER_YEAR
    grouped["person_years"] = [round(y, 1) for y in years]
    grouped["rate"] = [round(p / y, 2) for p, y in zip(grouped["publications"], years)]
    grouped["publications"] = grouped["publications"].astype(int)
    return grouped.drop(columns="days")


def outcomes_headline(tables, settings, as_of, filters, context=None) -> pd.DataFrame:
    """Publications per person-year by career stage, mentored (half of one's window days) against not."""
    return publication_rates(with_publications(tables, window_people(tables, settings, as_of, filters)))


def mentors(tables, w: pd.DataFrame) -> pd.Series:
    """Per row of `w` (window_people): mentor in a mentor relationship on half of their window days or more."""
    return 2 * relationship_days(tables, w, "mentor_id") >= w["window_days"]


def mentor_publications(tables, w: pd.DataFrame) -> pd.DataFrame:
    """The mentors' side: publications per person-year of faculty (of `w`, with_publications) who mentor
    (mentors()) against faculty who do not, by career stage."""
    faculty = w[w["career_stage"].isin(FACULTY_STAGES)]
    return publication_rates(faculty.assign(mentors=mentors(tables, faculty)), "mentors")


def early_departure(w: pd.DataFrame) -> pd.DataFrame:
    """career_stage, mentored, n, departed, pct: who left early or was dismissed in the window."""
    grouped = (
        w.groupby(["career_stage", "mentored"])
        .agg(n=("person_id", "size"), departed=("departed_early", "sum"))
        .reset_index()
    )
    grouped["pct"] = [pct(d, n) for d, n in zip(grouped["departed"], grouped["n"])]
    return grouped


def promotion_followup(tables, settings, as_of, filters) -> pd.DataFrame:
    """One row per person hired as junior faculty (junior faculty, and senior faculty promoted after their
    start): person_id, days (from start_date to the first promotion, else to end_date or as_of), promoted,
    mentored (mentee in a mentor relationship on half of those days or more). The career stage filter
    applies to the stage at hire, junior faculty."""
    end = pd.Timestamp(as_of)
    people = tables["people"]
    if filters.career_stage and "junior_faculty" not in filters.career_stage:
        people = people.iloc[:0]
    people = apply_filters(people, filters, settings["urim_list"], columns=("gender", "division", "institution"))
    cohort = people.loc[
        people["career_stage"].isin(FACULTY_STAGES) & (people["start_date"] < end),
        ["person_id", "career_stage", "start_date", "end_date"],
    ]
    last_day = cohort["end_date"].fillna(end)
    cohort = cohort.assign(last_day=last_day.where(last_day < end, end))
    o = tables["outcomes"]
    promotions = o[o["kind"] == "promotion"].merge(cohort[["person_id", "start_date", "last_day"]], on="person_id")
    promotions = promotions[
        (promotions["date"] > promotions["start_date"]) & (promotions["date"] <= promotions["last_day"])
    ]
    first = promotions.groupby("person_id", as_index=False)["date"].min().rename(columns={"date": "promoted_on"})
    cohort = cohort.merge(first, on="person_id", how="left")
    cohort = cohort.assign(
        promoted=cohort["promoted_on"].notna(), stop=cohort["promoted_on"].fillna(cohort["last_day"])
    )
    cohort = cohort[(cohort["career_stage"] == "junior_faculty") | cohort["promoted"]]
    cohort = cohort.assign(days=(cohort["stop"] - cohort["start_date"]).dt.days)
    cohort = cohort[cohort["days"] > 0]
    spans = pd.DataFrame({"person_id": cohort["person_id"], "a": cohort["start_date"], "b": cohort["stop"] - ONE_DAY})
    mentee_days = relationship_days(tables, spans, "mentee_id")
    return cohort.assign(mentored=2 * mentee_days >= cohort["days"])[["person_id", "days", "promoted", "mentored"]]


def _rounded(value) -> float | None:
    value = float(value) if value is not None else float("nan")
    return round(value, 1) if np.isfinite(value) else None


def time_to_promotion(tables, settings, as_of, filters) -> dict:
    """{"summary": mentored, people, promoted, censored, median_years, median_low, median_high; "curves":
    mentored, years, survival, ci_low, ci_high, at_risk}: Kaplan-Meier time to first promotion (statsmodels'
    SurvfuncRight, in years), mentored against not, with the median, its 95% interval and the curve's
    pointwise 95% log-log intervals."""
    from statsmodels.duration.survfunc import SurvfuncRight

    people = promotion_followup(tables, settings, as_of, filters)
    rows, curves = [], []
    for mentored in (True, False):
        group = people[people["mentored"] == mentored]
        if group.empty:
            continue
        fit = SurvfuncRight(group["days"].to_numpy() / DAYS_PER_YEAR, group["promoted"].to_numpy(dtype=float))
        with np.errstate(divide="ignore", invalid="ignore"):
            median = fit.quantile(0.5)
            median_low, median_high = fit.quantile_ci(0.5)
            surv = np.asarray(fit.surv_prob, dtype=float)
            spread = Z_95 * (np.asarray(fit.surv_prob_se, dtype=float) / surv) / np.log(surv)
            low = np.where(surv >= 1, 1.0, np.where(surv > 0, surv ** np.exp(-spread), 0.0))
            high = np.where(surv >= 1, 1.0, np.where(surv > 0, surv ** np.exp(spread), 0.0))
        promoted = int(group["promoted"].sum())
        rows.append(
            {
                "mentored": mentored,
                "people": len(group),
                "promoted": promoted,
                "censored": len(group) - promoted,
                "median_years": _rounded(median),
                "median_low": _rounded(median_low),
                "median_high": _rounded(median_high),
            }
        )
        curves.append(
            pd.DataFrame(
                {
                    "mentored": mentored,
                    "years": [0.0, *fit.surv_times],
                    "survival": [1.0, *surv],
                    "ci_low": [1.0, *np.nan_to_num(low, nan=0.0)],
                    "ci_high": [1.0, *np.nan_to_num(high, nan=1.0)],
                    "at_risk": [len(group), *np.asarray(fit.n_risk, dtype=int)],
                }
            )
        )
    summary = pd.DataFrame(
        rows, columns=["mentored", "people", "promoted", "censored", "median_years", "median_low", "median_high"]
    )
    columns = ["mentored", "years", "survival", "ci_low", "ci_high", "at_risk"]
    return {
        "summary": summary,
        "curves": pd.concat(curves, ignore_index=True) if curves else pd.DataFrame(columns=columns),
    }


def satisfaction(tables, settings, as_of, filters) -> pd.DataFrame:
    """survey, mentored, n, satisfied, pct: career_satisfaction answers of complete responses submitted in the
    window and those at or above the 'satisfied' cut-off, per wave and mentored status for the response
    (wellbeing.mentored: the roster's relationships on the day of submission, else has_mentor, else None),
    oldest wave first, mentored before not before unknown."""
    start = pd.Timestamp(years_before(as_of, int(settings["outcomes_window_years"])))
    survey = tables["survey"]
    day = survey["submitted_at"].dt.normalize()
    in_window = survey["career_satisfaction"].notna() & (day > start) & (day <= pd.Timestamp(as_of))
    r = respondents({**tables, "survey": survey[in_window]}, settings, filters)
    r = r.assign(
        mentored=response_mentored(tables, r), yes=r["career_satisfaction"] >= int(settings["cutoffs"]["satisfied"])
    )
    counts = (
        r.groupby(["survey", "mentored"], dropna=False)
        .agg(n=("response_id", "size"), satisfied=("yes", "sum"), last_submitted=("submitted_at", "max"))
        .reset_index()
    )
    counts["wave_last"] = counts.groupby("survey")["last_submitted"].transform("max")
    counts["flag"] = counts["mentored"].map({True: 0, False: 1}).fillna(2)
    counts = counts.sort_values(["wave_last", "survey", "flag"], kind="stable").reset_index(drop=True)
    counts["mentored"] = counts["mentored"].astype(object).where(counts["mentored"].notna(), None)
    counts["satisfied"] = counts["satisfied"].astype(int)
    counts["pct"] = [pct(s, n) for s, n in zip(counts["satisfied"], counts["n"])]
    return counts[["survey", "mentored", "n", "satisfied", "pct"]]


def outcomes_window(settings, as_of) -> dict:
    start = years_before(as_of, int(settings["outcomes_window_years"]))
    years = int(settings["outcomes_window_years"])
    return {"years": years, "start": start, "first_day": start + timedelta(days=1), "last_day": as_of}


def outcomes_page(tables, settings, view) -> dict:
    people = with_publications(tables, window_people(tables, settings, view.as_of, view.filters))
    return {
        "window": outcomes_window(settings, view.as_of),
        "total": {"n": int(len(people)), "mentored": int(people["mentored"].sum())},
        "publications": publication_rates(people),
        "promotion": time_to_promotion(tables, settings, view.as_of, view.filters),
        "departures": early_departure(people),
        "satisfaction": satisfaction(tables, settings, view.as_of, view.filters),
        "mentors": mentor_publications(tables, people),
    }
