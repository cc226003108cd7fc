"""Outcomes (docs/metrics.md, Outcomes): what being mentored is associated with, mentored against not mentored.

The window is the `outcomes_window_years` setting's years ending at as_of (days d with
window_start < d <= as_of). A person's window days are those on which they are active; person-years
are window days / 365.25. Mentored (for outcomes) = mentee in an active `mentor` relationship on at least
half of one's window days. Day-level rules are computed in SQL by interval arithmetic (sql/outcomes_*.sql).

Intervals: publication rates carry the exact (Garwood) Poisson 95% interval of the count divided by the
person-years; it assumes publications arrive independently, so when a few prolific people carry a group
the real uncertainty is wider. Shares carry the 95% Wilson interval. Time to first promotion is a
Kaplan-Meier estimate (statsmodels' SurvfuncRight) with its median and the median's 95% interval
(Brookmeyer-Crowley, complementary log-log).

Every cell is judged on its own against min_cell (people, or responses for satisfaction), as the summary
contract says; the by-group early departure breakdown, whose totals are the by-stage cells shown beside
it, also suppresses complementarily within each (career stage, mentored) pair.

For viewers (audience PROTECTED, docs/privacy.md) every count of people or responses is published by the
cell key method (its cell key the sum of its contributors' record keys), and shares and intervals are
computed from the published counts; no published count is 1 .. min_cell-1, and what is computed from such
a count is hidden with it. Sums (person-years, publications) and the Kaplan-Meier median get a keyed
relative perturbation (privacy.perturb_magnitude); the Kaplan-Meier curves, made of individual promotion
times and at-risk counts that step down one person at a time, are withheld from viewers.
"""

from __future__ import annotations

import warnings
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa
from scipy.special import gammaincinv

from mentordash import privacy
from mentordash.db import Database, load_sql
from mentordash.frames import records
from mentordash.metrics.everyone import EVERYONE_COLUMNS, everyone_at, of_view
from mentordash.metrics.filters import Filters, urim_sql
from mentordash.metrics.intervals import Z_95, pct, wilson_pct
from mentordash.metrics.time import years_before
from mentordash.vocabulary import CAREER_STAGES, EARLY_DEPARTURE_REASONS, FACULTY_STAGES

# statsmodels' survival fit warns (RuntimeWarning) on a curve with no events or a zero variance, where the
# figures come out as NaN and are shown as unknown: silenced once for the process, since a catch_warnings()
# around the fit would race between the threads of Database.together (it saves and restores the filters).
warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"statsmodels\.duration")

DAYS_PER_YEAR = 365.25
GROUPINGS = ("urim", "gender")  # the "by group" choices of the early departure breakdown
_STAGE_ORDER = {stage: i for i, stage in enumerate(CAREER_STAGES)}

ASSOCIATION_NOTE = (
    "These comparisons show association, not cause: people who seek out a mentor (or are offered one) "
    "may differ from those who do not in ambition, support, health or circumstances, and those "
    "differences, not the mentoring, may explain a gap. Small groups give wide intervals."
)


# --- the window ------------------------------------------------------------------------------------


@privacy.figure_free
def window_years(db: Database) -> int:
    return int(db.settings()["outcomes_window_years"])


@privacy.figure_free
def window_start(db: Database, as_of: date) -> date:
    """as_of minus the window's calendar years (29 February becomes 28 February); the window excludes it."""
    return years_before(as_of, window_years(db))


@privacy.figure_free
def window(db: Database, as_of: date) -> dict:
    """The window as the page describes it: years, start (excluded), first_day and last_day (included)."""
    start = window_start(db, as_of)
    return {"years": window_years(db), "start": start, "first_day": start + timedelta(days=1), "last_day": as_of}


def _min_cell(db: Database) -> int:
    return privacy.effective_min_cell(db.settings()["min_cell"])


def people_in_window(db: Database, as_of: date, filters: Filters) -> pd.DataFrame:
    """One row per filtered person with window days: window_days, mentee_days, mentor_days, mentored,
    mentors, publications, departed_early, career_stage, gender, urim, record_key. Row-level: never leaves
    metrics (no audience: the app refuses it for viewers). Queried once per view: four figures share it."""
    return db.shared(("outcomes_people", as_of, filters), lambda: _query_people_in_window(db, as_of, filters))


def _query_people_in_window(db: Database, as_of: date, filters: Filters) -> pd.DataFrame:
    frame = of_view(db, "outcomes_people", _everyone_in_window(db, as_of), filters)
    for col in ("window_days", "mentee_days", "mentor_days", "publications"):
        frame[col] = frame[col].astype("int64")
    for col in ("mentored", "mentors", "departed_early"):
        frame[col] = frame[col].astype(bool)
    return frame


def _everyone_in_window(db: Database, as_of: date) -> pa.Table:
    """outcomes_people.sql's rows of everyone with window days at as_of, so that a new filter picks its people
    from them instead of merging every person's relationship spans again (the spans do not depend on the
    filters: a person's own relationships count, whoever the other side is)."""

    def params() -> dict:
        return {
            "as_of": as_of,
            "window_start": window_start(db, as_of),
            "urim_list": db.settings()["urim_list"],
            "early_reasons": list(EARLY_DEPARTURE_REASONS),
        }

    return everyone_at(db, "outcomes_people", (as_of,), params, urim=urim_sql("p"))


def people_total(db: Database, as_of: date, filters: Filters, audience: str = privacy.EXACT) -> dict:
    """The whole filtered group with window days, as one cell (for 'too few to show anything')."""
    people = people_in_window(db, as_of, filters)
    min_cell = _min_cell(db)
    record = privacy.total_of(_key_counts(people, {"n": None, "mentored": "mentored"}), ["n", "mentored"])
    record = privacy.publish_record(record, audience, ["n", "mentored"], min_cell)
    record = {"n": int(record["n"]), "mentored": int(record["mentored"])}
    return privacy.suppress_record(record, "n", ["mentored"], min_cell, audience=audience, numerators={"mentored": []})


def _key_counts(
    people: pd.DataFrame, flags: dict, by: list[str] | None = None, sums: dict | None = None
) -> pd.DataFrame:
    """Counts and their cell keys from one row per person (privacy.key_sums), by `by` or as one row."""
    return privacy.key_sums(people, by or [], flags, sums=sums)


# --- intervals -------------------------------------------------------------------------------------


def poisson_rate_interval(count: int, person_years: float) -> tuple[float | None, float | None]:
    """Exact (Garwood) 95% interval of a Poisson count, per person-year."""
    if not person_years:
        return (None, None)
    alpha = 1 - 0.95
    low = 0.0 if count == 0 else float(gammaincinv(count, alpha / 2))
    high = float(gammaincinv(count + 1, 1 - alpha / 2))
    return (low / person_years, high / person_years)


def _stage_sort(frame: pd.DataFrame, flag: str, extra: list[str] | None = None) -> pd.DataFrame:
    """The rows by career stage (in CAREER_STAGES' order, any other last), then `extra`, then `flag` true
    before false, keeping their order among equals: a stable sort by position, in numpy."""
    stage = frame["career_stage"].map(_STAGE_ORDER).to_numpy(dtype="float64", na_value=np.nan)
    keys = [
        stage,
        *(frame[c].to_numpy(dtype="float64", na_value=np.nan) for c in extra or []),
        ~frame[flag].astype(bool).to_numpy(),
    ]
    return frame.iloc[np.lexsort(keys[::-1])].reset_index(drop=True)


# --- publications ----------------------------------------------------------------------------------

RATE_VALUES = ["person_years", "publications", "rate", "ci_low", "ci_high"]


# For viewers, what is computed from the publications: hidden where a group's publications are 1 .. min_cell-1
# (a relative perturbation of a few tenths cannot hide so small a whole number, and two such groups
# differing in one person would give back that person's publications).
RATE_NUMERATORS = {"publications": ["rate", "ci_low", "ci_high"]}


def _rates(people: pd.DataFrame, flag: str, min_cell: int, audience: str = privacy.EXACT) -> pd.DataFrame:
    """Publications per person-year by (career stage, flag). For viewers the people count is published by
    its cell key, and the person-days and publications (sums over the people) get a keyed relative
    perturbation from the same key (independent draws); rate and interval come from those."""
    columns = ["career_stage", flag, "people", *RATE_VALUES]
    if people.empty:
        return pd.DataFrame(columns=columns)
    by = ["career_stage", flag]
    grouped = _key_counts(people, {"people": None}, by, sums={"days": "window_days", "publications": "publications"})
    grouped = privacy.publish_counts(
        grouped, audience, ["people"], min_cell, magnitudes={"days": "people", "publications": "people"}
    )
    if audience == privacy.PROTECTED:  # publications are whole numbers, also as published
        grouped["publications"] = grouped["publications"].round().clip(lower=0).astype("int64")
    rows = []
    for row in records(grouped):
        years = row["days"] / DAYS_PER_YEAR
        low, high = poisson_rate_interval(int(row["publications"]), years)
        rows.append(
            {
                "career_stage": row["career_stage"],
                flag: bool(row[flag]),
                "people": int(row["people"]),
                "person_years": round(years, 1),
                "publications": int(row["publications"]),
                "rate": round(row["publications"] / years, 2),
                "ci_low": round(low, 2),
                "ci_high": round(high, 2),
            }
        )
    return _stage_sort(pd.DataFrame(rows, columns=columns), flag)


def publications(db: Database, as_of: date, filters: Filters, audience: str = privacy.EXACT) -> pd.DataFrame:
    """Publications per person-year by career stage, mentored against not (one row per pair with people).

    Columns: career_stage, mentored, people, person_years (1 decimal), publications, rate (2 decimals),
    ci_low, ci_high (exact Poisson), suppressed. A cell of fewer than min_cell people is suppressed.
    Viewers: see _rates and RATE_NUMERATORS."""
    min_cell = _min_cell(db)
    frame = _rates(people_in_window(db, as_of, filters), "mentored", min_cell, audience)
    return privacy.suppress(frame, "people", RATE_VALUES, min_cell, audience=audience, numerators=RATE_NUMERATORS)


def mentor_publications(db: Database, as_of: date, filters: Filters, audience: str = privacy.EXACT) -> pd.DataFrame:
    """The mentors' side: publications per person-year of faculty who mentor (mentor in an active `mentor`
    relationship on at least half of their window days) against faculty who do not, by faculty stage.

    Columns as publications() with `mentors` in place of `mentored`."""
    people = people_in_window(db, as_of, filters)
    min_cell = _min_cell(db)
    frame = _rates(people[people["career_stage"].isin(FACULTY_STAGES)], "mentors", min_cell, audience)
    return privacy.suppress(frame, "people", RATE_VALUES, min_cell, audience=audience, numerators=RATE_NUMERATORS)


# --- early departure -------------------------------------------------------------------------------

SHARE_VALUES = ["departed", "pct", "ci_low", "ci_high"]


def _group_value(people: pd.DataFrame, by: str) -> pd.Series:
    if by == "urim":
        return people["urim"].map({True: "urim", False: "not_urim"}).fillna("unknown")
    if by == "gender":
        return (
            people["gender"]
            .where(people["gender"].isin(["woman", "man"]), "other_or_unknown")
            .fillna("other_or_unknown")
        )
    raise ValueError(f"no grouping {by!r}; choose one of {', '.join(GROUPINGS)}")


GROUP_ORDER = {"urim": ["urim", "not_urim", "unknown"], "gender": ["woman", "man", "other_or_unknown"]}


def early_departure(
    db: Database, as_of: date, filters: Filters, by: str | None = None, audience: str = privacy.EXACT
) -> pd.DataFrame:
    """Share of people with window days who left early or were dismissed with an end_date in the window,
    by career stage (and `by`: 'urim' or 'gender'), mentored against not.

    Columns: career_stage, [group], mentored, n, departed, pct, ci_low, ci_high (Wilson, %), suppressed.
    By stage alone each cell is judged on its own (as the summary does); by group, a lone suppressed cell
    within a (career_stage, mentored) pair takes the next smallest with it, since the pair's total is the
    by-stage cell. Viewers: n and departed published by their cell keys, the share from those, and no
    complementary suppression (published counts cannot be subtracted to a true one); departed of 1 ..
    min_cell-1 is hidden with its share."""
    min_cell = _min_cell(db)
    people = people_in_window(db, as_of, filters)
    keys = ["career_stage", *([by] if by else []), "mentored"]
    columns = [*keys, "n", *SHARE_VALUES]
    if by:
        people = people.assign(**{by: _group_value(people, by)})
    if people.empty:
        frame = pd.DataFrame(columns=columns)
    else:
        grouped = _key_counts(people, {"n": None, "departed": "departed_early"}, keys)
        grouped = privacy.publish_counts(grouped, audience, ["n", "departed"], min_cell)
        rows = []
        for row in records(grouped):
            # min: a viewer's published part may come out above its whole (exact counts: no change)
            share = min(int(row["departed"]), int(row["n"]))
            low, high = wilson_pct(share, int(row["n"]))
            rows.append(
                {
                    **{k: row[k] for k in keys},
                    "mentored": bool(row["mentored"]),
                    "n": int(row["n"]),
                    "departed": int(row["departed"]),
                    "pct": pct(share, int(row["n"])),
                    "ci_low": low,
                    "ci_high": high,
                }
            )
        frame = pd.DataFrame(rows, columns=columns)
        extra = None
        if by:
            frame["_group"] = frame[by].map({g: i for i, g in enumerate(GROUP_ORDER[by])})
            extra = ["_group"]
        frame = _stage_sort(frame, "mentored", extra)
        frame = frame.drop(columns=[c for c in ["_group"] if c in frame.columns])
    numerators = {"departed": ["pct", "ci_low", "ci_high"]}
    if by:
        return privacy.suppress(
            frame,
            "n",
            SHARE_VALUES,
            min_cell,
            complementary=True,
            within=["career_stage", "mentored"],
            audience=audience,
            numerators=numerators,
        )
    return privacy.suppress(frame, "n", SHARE_VALUES, min_cell, audience=audience, numerators=numerators)


# --- time to first promotion -----------------------------------------------------------------------

CURVE_COLUMNS = ["mentored", "years", "survival", "ci_low", "ci_high", "at_risk"]
PROMOTION_VALUES = ["promoted", "censored", "median_years", "median_low", "median_high"]


def promotion_followup(db: Database, as_of: date, filters: Filters) -> pd.DataFrame:
    """One row per person hired as junior faculty: days followed, promoted (event), mentored, record_key.
    Row-level (no audience: the app refuses it for viewers)."""
    columns = {**EVERYONE_COLUMNS, "career_stage": "'junior_faculty'"}  # the cohort's stage at hire
    frame = of_view(db, "outcomes_promotion", _everyone_followed(db, as_of), filters, columns)
    frame["days"] = frame["days"].astype("int64")
    frame["promoted"] = frame["promoted"].astype(bool)
    frame["mentored"] = frame["mentored"].astype(bool)
    return frame


def _everyone_followed(db: Database, as_of: date) -> pa.Table:
    """outcomes_promotion.sql's rows of everyone hired as junior faculty, at as_of (a person's own relationships
    count, whatever the filters)."""

    def params() -> dict:
        return {"as_of": as_of, "urim_list": db.settings()["urim_list"]}

    return everyone_at(db, "outcomes_promotion", (as_of,), params, urim=urim_sql("p"))


def _kaplan_meier(days: np.ndarray, events: np.ndarray, min_cell: int) -> tuple[pd.DataFrame, dict]:
    """The KM curve in years with pointwise 95% log-log intervals, cut where fewer than min_cell remain
    at risk, and the median with its 95% interval (None when the curve never falls to one half)."""
    from statsmodels.duration.survfunc import SurvfuncRight

    years = days / DAYS_PER_YEAR
    fit = SurvfuncRight(years, events.astype(float))
    with np.errstate(divide="ignore", invalid="ignore"):  # per thread, unlike warnings.catch_warnings
        median = fit.quantile(0.5)
        median_low, median_high = fit.quantile_ci(0.5)
        surv = np.asarray(fit.surv_prob, dtype=float)
        se = np.asarray(fit.surv_prob_se, dtype=float)
        log_s = np.log(surv)
        spread = Z_95 * (se / surv) / log_s  # Greenwood on the log(-log S) scale
        low = np.where(surv > 0, surv ** np.exp(-spread), 0.0)
        high = np.where(surv > 0, surv ** np.exp(spread), 0.0)
        low = np.where(surv >= 1, 1.0, low)
        high = np.where(surv >= 1, 1.0, high)
    times = np.asarray(fit.surv_times, dtype=float)
    at_risk = np.asarray(fit.n_risk, dtype=int)
    curve = pd.DataFrame(
        {
            "years": [0.0, *times],
            "survival": [1.0, *surv],
            "ci_low": [1.0, *np.nan_to_num(low, nan=0.0)],
            "ci_high": [1.0, *np.nan_to_num(high, nan=1.0)],
            "at_risk": [len(days), *at_risk],
        }
    )
    # Privacy: a step where fewer than min_cell are at risk points at a few people's promotion dates.
    curve = curve[curve["at_risk"] >= min_cell].reset_index(drop=True)

    def clean(value) -> float | None:
        value = float(value) if value is not None else float("nan")
        return None if not np.isfinite(value) else round(value, 1)

    return curve, {"median_years": clean(median), "median_low": clean(median_low), "median_high": clean(median_high)}


def time_to_promotion(db: Database, as_of: date, filters: Filters, audience: str = privacy.EXACT) -> dict:
    """Kaplan-Meier time from start to first promotion for people hired as junior faculty, mentored
    against not (mentored over their follow-up days, the half-of-days rule).

    Returns {"summary": DataFrame(mentored, people, promoted, censored, median_years, median_low,
    median_high, suppressed), "curves": DataFrame(mentored, years, survival, ci_low, ci_high, at_risk)}.
    A group of fewer than min_cell people is suppressed (no curve); each curve stops where fewer than
    min_cell people remain at risk. Survival is the share not yet promoted.

    Viewers: people, promoted and censored published by their cell keys; the median and its interval
    scaled by one keyed relative perturbation (the same factor for all three, so they stay in order), and
    hidden where the promoted are 1 .. min_cell-1 (the median is then one of a few people's promotion
    times). No curves: every step of a Kaplan-Meier curve is one person's promotion time, and its at-risk
    counts step down one person at a time."""
    min_cell = _min_cell(db)
    people = promotion_followup(db, as_of, filters).assign(censored=lambda f: ~f["promoted"])
    rows, curves = [], []
    for mentored in (True, False):
        group = people[people["mentored"] == mentored]
        if group.empty:
            continue
        counts = _key_counts(group, {"people": None, "promoted": "promoted", "censored": "censored"}).iloc[0]
        row = {
            "mentored": mentored,
            **{c: int(v) for c, v in counts.items()},
            "median_years": None,
            "median_low": None,
            "median_high": None,
        }
        if len(group) >= min_cell:
            curve, median = _kaplan_meier(group["days"].to_numpy(), group["promoted"].to_numpy(), min_cell)
            row.update(median)
            curves.append(curve.assign(mentored=mentored))
        rows.append(row)
    summary = pd.DataFrame(
        rows,
        columns=[
            "mentored",
            "people",
            "people_key",
            "promoted",
            "promoted_key",
            "censored",
            "censored_key",
            "median_years",
            "median_low",
            "median_high",
        ],
    )
    if audience == privacy.PROTECTED and len(summary):
        for column in ("median_years", "median_low", "median_high"):
            scaled = privacy.perturb_magnitude(summary[column], summary["people_key"])
            summary[column] = [None if v != v else round(float(v), 1) for v in scaled]
        curves = []  # withheld: individual promotion times (see above)
    summary = privacy.publish_counts(summary, audience, ["people", "promoted", "censored"], min_cell)
    summary = privacy.suppress(
        summary,
        "people",
        PROMOTION_VALUES,
        min_cell,
        audience=audience,
        numerators={"promoted": ["median_years", "median_low", "median_high"], "censored": []},
    )
    curve_frame = pd.concat(curves, ignore_index=True)[CURVE_COLUMNS] if curves else pd.DataFrame(columns=CURVE_COLUMNS)
    return {"summary": summary, "curves": curve_frame}


# --- career satisfaction ---------------------------------------------------------------------------


def _every_satisfaction_answer(db: Database, as_of: date) -> pa.Table:
    """outcomes_satisfaction.sql's rows: every answer submitted in the window, with its respondent's groups
    (whether an answer is satisfied and whether its respondent was mentored do not depend on the filters)."""

    def params() -> dict:
        settings = db.settings()
        return {
            "as_of": as_of,
            "window_start": window_start(db, as_of),
            "urim_list": settings["urim_list"],
            "satisfied": int(settings["cutoffs"]["satisfied"]),
        }

    respondents = load_sql("survey_respondents")
    return everyone_at(
        db, "outcomes_satisfaction", (as_of,), params, survey_respondents=respondents, urim=urim_sql("r")
    )


SATISFACTION_VALUES = ["satisfied", "pct", "ci_low", "ci_high"]


def satisfaction(db: Database, as_of: date, filters: Filters, audience: str = privacy.EXACT) -> pd.DataFrame:
    """Share of career_satisfaction answers at or above the 'satisfied' cut-off (4: answers of 4 or 5) per
    survey wave submitted in the window, mentored against not (mentored for a response, docs/metrics.md: the
    roster's relationships on the day of submission, else the self-reported has_mentor; unknown rows are
    kept with mentored = None).

    Columns: survey, mentored, n, satisfied, pct, ci_low, ci_high, suppressed; oldest wave first, each
    cell judged on its own in responses. Viewers: n and satisfied published by their cell keys (the sum
    of the responses' record keys), the share from those; satisfied of 1 .. min_cell-1 is hidden with it."""
    min_cell = _min_cell(db)
    answers = of_view(db, "outcomes_satisfaction", _every_satisfaction_answer(db, as_of), filters)
    counts = privacy.publish_counts(answers, audience, ["n", "satisfied"], min_cell)
    columns = ["survey", "mentored", "n", *SATISFACTION_VALUES]
    numerators = {"satisfied": ["pct", "ci_low", "ci_high"]}
    if counts.empty:
        return privacy.suppress(
            pd.DataFrame(columns=columns), "n", SATISFACTION_VALUES, min_cell, audience=audience, numerators=numerators
        )
    rows = []  # in the query's order: oldest wave first, then mentored, not mentored, unknown
    for row in records(counts):
        n, yes = int(row["n"]), int(row["satisfied"])
        low, high = wilson_pct(min(yes, n), n)  # min: a viewer's published part may exceed its whole
        mentored = row["mentored"]
        rows.append(
            {
                "survey": row["survey"],
                "mentored": None if pd.isna(mentored) else bool(mentored),
                "n": n,
                "satisfied": yes,
                "pct": pct(min(yes, n), n),
                "ci_low": low,
                "ci_high": high,
            }
        )
    frame = pd.DataFrame(rows, columns=columns)
    return privacy.suppress(frame, "n", SATISFACTION_VALUES, min_cell, audience=audience, numerators=numerators)
