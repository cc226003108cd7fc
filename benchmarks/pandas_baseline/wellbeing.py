"""The wellbeing page's figures in pandas."""

from __future__ import annotations

import numpy as np
import pandas as pd

from benchmarks.pandas_baseline.tables import apply_filters, effective_urim
from mentordash.instruments import INSTRUMENTS, MBI_DP, MBI_EE, MBI_PA, MEASURES, PFI_ID, PFI_PF, PFI_WE
from mentordash.metrics.filters import Filters
from mentordash.metrics.intervals import pct, shares_pct


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


def _item_at_least(item: str, cutoff: str):
    return lambda r, c: r[item] >= c[cutoff]


def _scoreable(items: tuple[str, ...], low: int, high: int):
    return lambda r: _items_in_range(r, items, low, high)


# Every measure (mentordash.instruments.MEASURES, in MEASURE_ORDER): (which responses are scoreable for it,
# which of them are positive), the burnout ones by their instrument's items and BURNOUT_RULES.
MEASURE_RULES = {
    **{key: (_scoreable(i.items, i.low, i.high), BURNOUT_RULES[key]) for key, i in INSTRUMENTS.items()},
    "pfi_fulfilled": (
        _scoreable(INSTRUMENTS["pfi"].items, 0, 4),
        lambda r, c: r[list(PFI_PF)].mean(axis=1) >= c["pfi_fulfilled_mean"],
    ),
    "mbi_low_pa": (
        _scoreable(MBI_EE + MBI_DP + MBI_PA, 0, 6),
        lambda r, c: r[list(MBI_PA)].sum(axis=1) <= c["mbi_pa_sum"],
    ),
    "mini_z_satisfied": (
        _scoreable(("mini_z_satisfaction",), 1, 5),
        _item_at_least("mini_z_satisfaction", "satisfied"),
    ),
    "mini_z_high_stress": (_scoreable(("mini_z_stress",), 1, 5), _item_at_least("mini_z_stress", "high_stress")),
    "career_satisfied": (
        _scoreable(("career_satisfaction",), 1, 5),
        _item_at_least("career_satisfaction", "satisfied"),
    ),
    "mentorship_satisfied": (
        _scoreable(("mentorship_satisfaction",), 1, 5),
        _item_at_least("mentorship_satisfaction", "satisfied"),
    ),
    "intent_to_leave": (lambda r: r["intent_to_leave"].notna().to_numpy(), lambda r, c: r["intent_to_leave"]),
}


def scored(r: pd.DataFrame, cutoffs: dict) -> pd.DataFrame:
    """Per response (r's index), n__<measure> (1 when scoreable) and pos__<measure> (1 when scoreable and
    positive) for every measure, each rule evaluated once over the whole column."""
    columns = {}
    for key, (scoreable, rule) in MEASURE_RULES.items():
        ok = np.asarray(scoreable(r), dtype=bool)
        positive = pd.Series(rule(r, cutoffs), index=r.index).fillna(False).to_numpy(dtype=bool)
        columns[f"n__{key}"] = ok.astype("int64")
        columns[f"pos__{key}"] = (ok & positive).astype("int64")
    return pd.DataFrame(columns, index=r.index)


def _long(wide: pd.DataFrame, ids: list[str], last: pd.Series) -> pd.DataFrame:
    """n__/pos__ columns to one row per measure with a scoreable response, with shares and 95% Wilson
    intervals, in the page's order (oldest wave first, then MEASURE_ORDER, then `ids`' order)."""
    parts = [
        wide[ids].assign(measure=key, order=rank, n=wide[f"n__{key}"], positive=wide[f"pos__{key}"])
        for rank, key in enumerate(MEASURE_RULES)
    ]
    frame = pd.concat(parts, ignore_index=True)
    frame = frame[frame["n"] > 0].join(last, on="survey")
    frame = frame.sort_values(["last_submitted", "survey", "order"], kind="stable").drop(columns="order")
    frame["pct"], frame["ci_low"], frame["ci_high"] = shares_pct(frame["positive"], frame["n"])
    return frame.reset_index(drop=True)


def measures_by_wave(flags: pd.DataFrame, r: pd.DataFrame, last: pd.Series) -> pd.DataFrame:
    """survey, measure, n (scoreable responses), positive, last_submitted, pct, ci_low, ci_high: every measure
    in every wave with a scoreable response (`flags`: scored(r))."""
    return _long(flags.groupby(r["survey"]).sum().reset_index(), ["survey"], last)


def mentored(tables: dict, r: pd.DataFrame) -> pd.Series:
    """Each response's mentored status (docs/metrics.md): a roster-linked respondent's, whether they were mentee
    in a relationship with role 'mentor' active on the day they answered (start <= day <= end, or open);
    otherwise the self-reported has_mentor; otherwise unknown (NA)."""
    linked = r["_merge"].eq("both")
    days = pd.DataFrame({"person_id": r["person_id"], "day": r["submitted_at"].dt.normalize()})[linked]
    pairs = days.drop_duplicates()
    m = tables["mentorships"]
    terms = m.loc[m["role"] == "mentor", ["mentee_id", "start_date", "end_date"]]
    hits = pairs.merge(terms, left_on="person_id", right_on="mentee_id")
    hits = hits[(hits["start_date"] <= hits["day"]) & (hits["end_date"].isna() | (hits["end_date"] >= hits["day"]))]
    on_mentor = pd.MultiIndex.from_frame(days).isin(pd.MultiIndex.from_frame(hits[["person_id", "day"]]))
    status = r["has_mentor"].astype("boolean")
    status[linked] = on_mentor
    return status


def measures_by_group(tables, settings, flags: pd.DataFrame, r: pd.DataFrame, last: pd.Series) -> pd.DataFrame:
    """survey, dimension, group, measure, n, positive, last_submitted, pct, ci_low, ci_high: every measure in
    every wave by career stage, gender, URiM, division and mentored status (the respondents' groups as in
    respondents(), unknown values a group 'unknown'), where the cell has a scoreable response."""

    def labels(flag: pd.Series, yes: str, no: str) -> pd.Series:
        return flag.map({True: yes, False: no}).astype(object).fillna("unknown")

    groups = {
        "career_stage": r["career_stage"].fillna("unknown"),
        "gender": r["gender"].fillna("unknown"),
        "urim": labels(effective_urim(r["urim"], r["race_ethnicity"], settings["urim_list"]), "urim", "not_urim"),
        "division": r["division"].fillna("unknown"),
        "mentored": labels(mentored(tables, r), "mentored", "not_mentored"),
    }
    wide = pd.concat(
        [
            flags.groupby([r["survey"], group.rename("group")], sort=False)
            .sum()
            .reset_index()
            .assign(dimension=dimension)
            for dimension, group in groups.items()
        ],
        ignore_index=True,
    )
    return _long(wide, ["survey", "dimension", "group"], last)


def response_rates(tables, settings, filters: Filters, r: pd.DataFrame, last: pd.Series) -> pd.DataFrame:
    """survey, last_day, eligible, respondents, rate, responses, linked_responses, roster_allows: per wave with
    a complete response among `r` (respondents(filters); `last`: each wave's last submission over all its
    responses), oldest first (wellbeing_eligible.sql,
    wellbeing_response_rate.sql). Eligible: the roster's people of the view's filters, active on the wave's
    last submission date, in a career stage its responses carry (the roster's where linked, else reported);
    respondents: those of them with a complete response in the wave."""
    survey, people = tables["survey"], tables["people"]
    last_day = last.dt.normalize().rename("last_day")
    reported = survey[["survey", "person_id", "career_stage"]].merge(
        people[["person_id", "career_stage"]], on="person_id", how="left", suffixes=("_reported", "")
    )
    wave_stages = (
        pd.DataFrame(
            {
                "survey": reported["survey"],
                "career_stage": reported["career_stage"].fillna(reported["career_stage_reported"]),
            }
        )
        .dropna()
        .drop_duplicates()
    )
    roster = apply_filters(people, filters, settings["urim_list"])[
        ["person_id", "career_stage", "start_date", "end_date"]
    ]
    pairs = wave_stages.join(last_day, on="survey").merge(roster, on="career_stage")
    day = pairs["last_day"]
    pairs = pairs.loc[
        (pairs["start_date"] <= day) & (pairs["end_date"].isna() | (pairs["end_date"] > day)), ["survey", "person_id"]
    ]
    answered = survey.loc[survey["complete"].astype(bool) & survey["person_id"].notna(), ["survey", "person_id"]]
    pairs["responded"] = pd.MultiIndex.from_frame(pairs).isin(pd.MultiIndex.from_frame(answered))
    eligible = pairs.groupby("survey").agg(eligible=("person_id", "size"), respondents=("responded", "sum"))
    frame = (
        r.assign(linked=r["_merge"].eq("both"))
        .groupby("survey")
        .agg(responses=("response_id", "size"), linked_responses=("linked", "sum"))
        .join(last_day)
        .join(eligible)
        .reset_index()
    )
    frame[["eligible", "respondents"]] = frame[["eligible", "respondents"]].fillna(0).astype("int64")
    frame = frame.sort_values(["last_day", "survey"]).reset_index(drop=True)
    frame["roster_allows"] = (frame["linked_responses"] > 0) & (frame["eligible"] > 0)
    frame["rate"] = [
        pct(n, e) if ok else None for n, e, ok in zip(frame["respondents"], frame["eligible"], frame["roster_allows"])
    ]
    frame["eligible"] = frame["eligible"].where(frame["roster_allows"], 0)
    return frame[
        ["survey", "last_day", "eligible", "respondents", "rate", "responses", "linked_responses", "roster_allows"]
    ]


def benchmarks(settings: dict) -> dict:
    """The settings' national burnout benchmarks: by the measure they were measured with, and those burnout
    figures that name none."""
    by_instrument: dict[str, list[dict]] = {}
    unmatched = []
    for bench in settings.get("benchmarks", []):
        if bench.get("instrument") in MEASURES:
            by_instrument.setdefault(bench["instrument"], []).append(dict(bench))
        elif "burnout" in f"{bench.get('key', '')} {bench.get('figure', '')}".lower():
            unmatched.append(dict(bench))
    return {"by_instrument": by_instrument, "unmatched": unmatched}


def wellbeing_page(tables, settings, view) -> dict:
    r = respondents(tables, settings, view.filters)
    flags = scored(r, settings["cutoffs"])
    last = tables["survey"].groupby("survey")["submitted_at"].max().rename("last_submitted")
    return {
        "total": int(len(r)),
        "by_wave": measures_by_wave(flags, r, last),
        "rates": response_rates(tables, settings, view.filters, r, last),
        "benchmarks": benchmarks(settings),
        "by_group": measures_by_group(tables, settings, flags, r, last),
    }
