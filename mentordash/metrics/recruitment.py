"""Recruitment (metrics.md, Recruitment): the funnel, its split by group, conversions, pipeline programs
and the department's own representation at as_of.

Suppression (privacy.md) on this family, so that no number on the recruitment page can give back a
hidden one:
- a count of applicants (or people) in a cell is hidden when it is 1 .. min_cell-1;
- a split of a stage by group (gender, URiM, race/ethnicity, pipeline) shows its total elsewhere on the
  page, so a lone hidden group takes the next smallest with it (complementary suppression);
- a rate or share is hidden when its denominator is hidden, or when its numerator (or, for a share of
  women or URiM, the known others) is a count that would be hidden: a share of 1 in 20 is the count 1.
Career stage and division do not describe applicants and are not applied to them (nor institution,
unless the applicants table holds it).
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from mentordash import privacy
from mentordash.config import APPLICANT_STAGES, CAREER_STAGES, TRACKS
from mentordash.db import Database, load_sql
from mentordash.metrics.filters import Filters, people_columns, urim_sql, where_sql
from mentordash.metrics.intervals import pct, wilson

# The filters that select applicants, as SQL on the applicants table (alias a); institution is the
# department applied to (migration 004), so a consortium's filter applies to recruitment too.
APPLICANT_COLUMNS = {"gender": "a.gender", "race_ethnicity": "a.race_ethnicity", "urim": urim_sql("a"),
                     "institution": "a.institution"}
# Filters that describe people but not applicants: the page says so when they are set.
NOT_APPLICANT_FILTERS = ("career_stage", "division")


def ignored_filters(db: Database, filters: Filters) -> list[str]:
    """The filters that are set but do not describe applicants (for the page's note)."""
    return [name for name in NOT_APPLICANT_FILTERS if getattr(filters, name)]


# Filters the department section (people by career stage) applies: it reports gender and URiM shares,
# so filtering on gender, race or URiM would make them meaningless.
REPRESENTATION_FILTERS = ("career_stage", "division", "institution")

STAGE_LABELS = {"applied": "Applied", "interviewed": "Interviewed", "ranked": "Ranked", "matched": "Matched"}
TRACK_LABELS = {"residency": "Residency", "fellowship": "Fellowship", "faculty": "Faculty",
                "student_rotation": "Student rotations"}
TRANSITIONS = (("applied", "interviewed"), ("interviewed", "ranked"), ("ranked", "matched"), ("applied", "matched"))
DIMENSIONS = ("gender", "urim", "race_ethnicity", "pipeline", "selection")
# Groups of each dimension in display order, with their labels.
GROUP_LABELS: dict[str, dict[str, str]] = {
    "all": {"all": "All applicants"},
    "gender": {"woman": "Women", "man": "Men", "another": "Nonbinary or another gender", "unknown": "Gender unknown"},
    "urim": {"urim": "URiM", "not_urim": "Not URiM", "unknown": "URiM status unknown"},
    "race_ethnicity": {
        "american_indian_alaska_native": "American Indian or Alaska Native", "asian": "Asian",
        "black": "Black or African American", "hispanic_latino": "Hispanic or Latino",
        "native_hawaiian_pacific_islander": "Native Hawaiian or Pacific Islander", "white": "White",
        "another": "Another race/ethnicity", "unknown": "Race/ethnicity unknown",
    },
    "pipeline": {"any": "Any pipeline program", "none": "No pipeline program",
                 "perry_initiative": "Perry Initiative", "nth_dimensions": "Nth Dimensions", "rjos": "RJOS",
                 "jrgos": "JRGOS", "other": "Other program"},
    "selection": {"selected": "Filtered applicants", "others": "All other applicants"},
}
# Breakdowns whose total (the overall funnel) is shown beside them: complementary suppression applies.
COMPLEMENTED = ("gender", "urim", "race_ethnicity", "pipeline")


def _min_cell(db: Database) -> int:
    return privacy.effective_min_cell(db.settings()["min_cell"])


def _small(value, floor: int) -> bool:
    """A count that would be hidden on its own: 1 .. floor-1 (zero is 'no data')."""
    return value is not None and not pd.isna(value) and 0 < int(value) < floor


def _ci(successes, n) -> tuple[float | None, float | None]:
    low, high = wilson(successes, n)
    return (None if low is None else round(100 * low, 1), None if high is None else round(100 * high, 1))


def _splits_hidden(splits: list[dict[str, int]], floor: int) -> list[dict[str, bool]]:
    """For each split of a stage into groups, which groups the page would hide: small ones (unknown
    exempt) and the complementary cell. The same rule, through the same function and in the same group
    order, as the split on the page, so that a share never gives back a count that the split hides."""
    if not splits:
        return []
    long = pd.DataFrame([{"row": i, "group": g, "n": int(v)} for i, split in enumerate(splits)
                         for g, v in split.items()])
    long["is_unknown"] = long["group"] == "unknown"
    # Only a split with exactly one small cell takes a complementary one: pass those through the
    # complementary rule (its per-split loop is slow over thousands of splits), the rest through the plain one.
    small = (long["n"] > 0) & (long["n"] < privacy.effective_min_cell(floor)) & ~long["is_unknown"]
    lone = long["row"].map(small.groupby(long["row"]).sum()) == 1
    out = pd.concat([
        privacy.suppress(long[lone], "n", [], floor, complementary=True, within=["row"], exempt="is_unknown"),
        privacy.suppress(long[~lone], "n", [], floor, exempt="is_unknown"),
    ])
    hidden: list[dict[str, bool]] = [{} for _ in splits]
    for row, group, flag in zip(out["row"], out["group"], out["suppressed"]):
        hidden[row][group] = bool(flag)
    return hidden


def _share_cells(frame: pd.DataFrame, floor: int) -> pd.DataFrame:
    """Add the share of women and of URiM among those whose value is known, each with its 95% Wilson
    interval, and the unknown count and its share of all.

    A share is hidden when its group's count is hidden in the split of the stage (small, or taken by
    complementary suppression), when the known others are a small count, or when the known are too few.
    Unknown counts are shown whatever their size (they describe missing data, not a characteristic of
    anyone) unless the split takes them as its complementary cell."""
    out = frame.copy()
    rows = out.to_dict("records")
    for name, part, known, unknown in (("women", "women", "gender_known", "gender_unknown"),
                                       ("urim", "urim", "urim_known", "urim_unknown")):
        if name == "women":
            splits = [{"woman": r["women"], "man": r["men"], "another": r["gender_another"],
                       "unknown": r["n"] - r["gender_known"]} for r in rows]
        else:
            splits = [{"urim": r["urim"], "not_urim": r["urim_known"] - r["urim"],
                       "unknown": r["n"] - r["urim_known"]} for r in rows]
        hidden_groups = _splits_hidden(splits, floor)
        cols: dict[str, list] = {c: [] for c in ("pct", "ci_low", "ci_high", "suppressed")}
        unknowns, unknown_pcts, unknown_hidden = [], [], []
        for r, split, hidden_in_split in zip(rows, splits, hidden_groups):
            n, k, x = int(r["n"]), int(r[known]), int(r[part])
            hidden = _small(k, floor) or _small(k - x, floor) or hidden_in_split[next(iter(split))]
            low, high = _ci(x, k)
            cols["pct"].append(None if hidden else pct(x, k))
            cols["ci_low"].append(None if hidden else low)
            cols["ci_high"].append(None if hidden else high)
            cols["suppressed"].append(bool(hidden))
            unknown_hidden.append(hidden_in_split["unknown"])
            unknowns.append(None if hidden_in_split["unknown"] else n - k)
            unknown_pcts.append(None if hidden_in_split["unknown"] else pct(n - k, n))
        for col, values in cols.items():
            out[f"{name}_{col}"] = pd.Series(values, index=out.index, dtype="object" if col != "suppressed" else bool)
        out[unknown] = pd.Series(unknowns, index=out.index, dtype="object")
        out[f"{unknown}_pct"] = pd.Series(unknown_pcts, index=out.index, dtype="object")
        out[f"{unknown}_suppressed"] = pd.Series(unknown_hidden, index=out.index, dtype=bool)
        out[part] = out[part].astype("object").where(~out[f"{name}_suppressed"], None)
        # With the unknown hidden, the known count would give it back.
        out[known] = out[known].astype("object").where(~out[f"{unknown}_suppressed"], None)
    # The other counts of the split stay inside the metrics layer: the shares are what the page shows.
    return out.drop(columns=["men", "gender_another"])


SHARE_COLUMNS = ["gender_known", "women", "women_pct", "women_ci_low", "women_ci_high",
                 "gender_unknown", "gender_unknown_pct", "urim_known", "urim", "urim_pct", "urim_ci_low",
                 "urim_ci_high", "urim_unknown", "urim_unknown_pct"]


def _with_shares(frame: pd.DataFrame, floor: int) -> pd.DataFrame:
    return privacy.suppress(_share_cells(frame, floor), "n", SHARE_COLUMNS, floor)


def funnel(db: Database, filters: Filters) -> pd.DataFrame:
    """One row per (cycle, track, stage) with at least one applicant, in cycle, track, stage order.

    n, and the share of women and of URiM among those whose value is known, with its 95% Wilson
    interval, and how many (and what share of all) have the value unknown. Career stage, division and
    institution do not describe applicants and are not applied."""
    settings = db.settings()
    params = {"urim_list": settings["urim_list"]}
    sql = load_sql("recruitment_funnel", urim_expr=urim_sql("a"),
                   applicant_filter=where_sql(filters, APPLICANT_COLUMNS, params))
    frame = db.df(sql, params)
    frame["track_order"] = frame["track"].map(TRACKS.index)
    frame = frame.sort_values(["cycle", "track_order", "stage_order"]).drop(columns="track_order").reset_index(drop=True)
    return _with_shares(frame, _min_cell(db))


def applicant_total(db: Database, filters: Filters) -> dict:
    """How many applications (all cycles and tracks) the filters select, as one cell: the page shows
    nothing else when it is hidden."""
    params = {"urim_list": db.settings()["urim_list"]}
    sql = "SELECT count(*) FROM applicants a WHERE TRUE " + where_sql(filters, APPLICANT_COLUMNS, params)
    return privacy.suppress_record({"n": int(db.scalar(sql, params) or 0)}, "n", [], _min_cell(db))


def cycles(db: Database, filters: Filters) -> pd.DataFrame:
    """The (cycle, track) pairs with at least one applicant that the filters select, newest cycle first."""
    params = {"urim_list": db.settings()["urim_list"]}
    sql = load_sql("recruitment_cycles", applicant_filter=where_sql(filters, APPLICANT_COLUMNS, params))
    frame = db.df(sql, params)
    frame["track_order"] = frame["track"].map(TRACKS.index)
    return frame.sort_values(["track_order", "cycle"], ascending=[True, False]).drop(columns="track_order") \
        .reset_index(drop=True)


def _group_counts(db: Database, filters: Filters, track: str, cycle: int) -> pd.DataFrame:
    """Counts by (dimension, group, stage), every stage present for every group, suppressed."""
    settings = db.settings()
    params = {"urim_list": settings["urim_list"], "track": track, "cycle": int(cycle)}
    sql = load_sql("recruitment_groups", urim_expr=urim_sql("a"),
                   applicant_filter=where_sql(filters, APPLICANT_COLUMNS, params))
    frame = db.df(sql, params)
    if not any(k in APPLICANT_COLUMNS for k in filters.as_dict()):
        frame = frame[frame["dimension"] != "selection"]  # no filter on applicants: nobody is "other"
    frame = frame[frame["dimension"].isin(GROUP_LABELS)]
    order = {(d, g): i for d, groups in GROUP_LABELS.items() for i, g in enumerate(groups)}
    frame = frame.assign(
        dim_order=frame["dimension"].map(list(GROUP_LABELS).index),
        group_order=[order.get((d, g), 99) for d, g in zip(frame["dimension"], frame["group"])],
        label=[GROUP_LABELS[d].get(g, g) for d, g in zip(frame["dimension"], frame["group"])],
        cycle=int(cycle), track=track,
    ).sort_values(["dim_order", "group_order", "stage_order"]).drop(columns=["dim_order", "group_order"])
    frame = frame.reset_index(drop=True)
    floor = _min_cell(db)
    if frame.empty:
        return frame.assign(suppressed=pd.Series(dtype=bool))
    parts = []
    for dimension, part in frame.groupby("dimension", sort=False):
        # Unknown is missing data, not a characteristic of anyone: never hidden for its size, so the
        # shares can be read honestly; it may still be taken as the complementary cell.
        part = part.assign(is_unknown=part["group"] == "unknown")
        parts.append(privacy.suppress(part, "n", [], floor, complementary=dimension in COMPLEMENTED,
                                      within=["stage"], exempt="is_unknown").drop(columns="is_unknown"))
    out = pd.concat(parts).sort_index()
    # A stage with too few applicants overall shows nothing at all, unknown included.
    hidden_stages = set(out[(out["dimension"] == "all") & out["suppressed"]]["stage"])
    tiny = out["stage"].isin(hidden_stages) & (out["dimension"] != "selection")
    out["suppressed"] = out["suppressed"] | tiny
    out["n"] = out["n"].astype("object").where(~out["suppressed"], None)
    return out.reset_index(drop=True)


def group_funnel(db: Database, filters: Filters, track: str, cycle: int) -> pd.DataFrame:
    """The funnel of one cycle and track, overall (dimension 'all') and by group.

    Columns: dimension, group, label, stage, stage_order, n, pct_of_applied (the share of the group's
    applicants who reached the stage) with ci_low, ci_high, suppressed."""
    frame = _group_counts(db, filters, track, cycle)
    applied = {(r["dimension"], r["group"]): r for r in frame[frame["stage"] == "applied"].to_dict("records")}
    pcts, lows, highs = [], [], []
    for row in frame.to_dict("records"):
        base = applied.get((row["dimension"], row["group"]))
        if row["suppressed"] or base is None or base["suppressed"]:
            pcts.append(None), lows.append(None), highs.append(None)
            continue
        low, high = _ci(row["n"], base["n"])
        pcts.append(pct(row["n"], base["n"])), lows.append(low), highs.append(high)
    frame = frame.assign(pct_of_applied=pcts, ci_low=lows, ci_high=highs)
    return _none_for_missing(frame, ["pct_of_applied", "ci_low", "ci_high"])


def conversions(db: Database, filters: Filters, track: str, cycle: int) -> pd.DataFrame:
    """Conversion from stage to stage (and applied to matched) for every group of one cycle and track.

    Columns: dimension, group, label, from_stage, to_stage, n_from, n_to, rate (%), ci_low, ci_high
    (95% Wilson, %), suppressed: hidden when either count is hidden, so a rate never gives one back."""
    frame = _group_counts(db, filters, track, cycle)
    cells = {(r["dimension"], r["group"], r["stage"]): r for r in frame.to_dict("records")}
    groups = frame[["dimension", "group", "label"]].drop_duplicates().to_dict("records")
    rows = []
    for g in groups:
        for a, b in TRANSITIONS:
            first, second = cells[(g["dimension"], g["group"], a)], cells[(g["dimension"], g["group"], b)]
            hidden = bool(first["suppressed"] or second["suppressed"])
            row = {**g, "cycle": int(cycle), "track": track, "from_stage": a, "to_stage": b,
                   "n_from": None, "n_to": None, "rate": None, "ci_low": None, "ci_high": None, "suppressed": hidden}
            if not hidden:
                low, high = _ci(second["n"], first["n"])
                row.update(n_from=int(first["n"]), n_to=int(second["n"]), rate=pct(second["n"], first["n"]),
                           ci_low=low, ci_high=high)
            rows.append(row)
    frame = pd.DataFrame(rows, columns=["dimension", "group", "label", "cycle", "track", "from_stage", "to_stage",
                                        "n_from", "n_to", "rate", "ci_low", "ci_high", "suppressed"])
    return _none_for_missing(frame, ["n_from", "n_to", "rate", "ci_low", "ci_high"])


def _none_for_missing(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Hidden cells hold None (as privacy.suppress leaves them), not NaN."""
    for col in columns:
        frame[col] = frame[col].astype("object").where(frame[col].notna(), None)
    return frame


def pipeline_share(db: Database, filters: Filters, track: str, cycle: int) -> pd.DataFrame:
    """For each pipeline program (and any program) and each stage: how many of the stage's applicants
    came through it, and their share. Columns: group, label, stage, stage_order, n_stage, n, pct, suppressed."""
    frame = _group_counts(db, filters, track, cycle)
    totals = {r["stage"]: r for r in frame[frame["dimension"] == "all"].to_dict("records")}
    programs = frame[(frame["dimension"] == "pipeline") & (frame["group"] != "none")]
    rows = []
    for row in programs.to_dict("records"):
        total = totals.get(row["stage"])
        hidden = bool(row["suppressed"] or total is None or total["suppressed"])
        rows.append({
            "group": row["group"], "label": row["label"], "stage": row["stage"], "stage_order": row["stage_order"],
            "n_stage": None if hidden else int(total["n"]), "n": None if hidden else int(row["n"]),
            "pct": None if hidden else pct(row["n"], total["n"]), "suppressed": hidden,
        })
    frame = pd.DataFrame(rows, columns=["group", "label", "stage", "stage_order", "n_stage", "n", "pct", "suppressed"])
    return _none_for_missing(frame, ["n_stage", "n", "pct"])


def representation(db: Database, as_of: date, filters: Filters) -> pd.DataFrame:
    """The department at as_of: for each career stage with active people, the share of women and of
    URiM among those with a known value, and the unknown. Only the career stage, division and
    institution filters apply (a share of women among women says nothing)."""
    settings = db.settings()
    people_filters = Filters.of(**{k: v for k, v in filters.as_dict().items() if k in REPRESENTATION_FILTERS})
    params = {"urim_list": settings["urim_list"], "as_of": as_of}
    sql = load_sql("recruitment_department", urim_expr=urim_sql("p"),
                   people_filter=where_sql(people_filters, people_columns("p"), params))
    frame = db.df(sql, params)
    frame = frame.assign(stage_order=frame["career_stage"].map(CAREER_STAGES.index)) \
        .sort_values("stage_order").drop(columns="stage_order").reset_index(drop=True)
    return _with_shares(frame, _min_cell(db))


def benchmarks(db: Database) -> dict[str, dict]:
    """The national reference figures of the settings, by key (value in %, year, source, figure)."""
    return {b["key"]: b for b in db.settings()["benchmarks"] if "key" in b}


__all__ = ["funnel", "applicant_total", "cycles", "group_funnel", "conversions", "pipeline_share", "representation", "benchmarks",
           "ignored_filters", "APPLICANT_STAGES"]
