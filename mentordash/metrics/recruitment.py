"""Recruitment (docs/metrics.md, Recruitment): the funnel, its split by group, conversions, pipeline programs
and the department's own representation at as_of.

Suppression (docs/privacy.md) on this family, so that no number on the recruitment page can give back a
hidden one:
- a count of applicants (or people) in a cell is hidden when it is 1 .. min_cell-1;
- a split of a stage by group (gender, URiM, race/ethnicity, pipeline) shows its total elsewhere on the
  page, so a lone hidden group takes the next smallest with it (complementary suppression);
- a rate or share is hidden when its denominator is hidden, or when its numerator (or, for a share of
  women or URiM, the known others) is a count that would be hidden: a share of 1 in 20 is the count 1.
For viewers (audience PROTECTED) every count is published by the cell key method: each count comes from
SQL with its own cell key (every side of a split, the unknowns, the totals, "everyone else" each on its
own), shares, rates and intervals are computed from the published counts, and the rules above that guard
against subtraction (complementary suppression, hiding a share for its known others) give way to one: no
published count is 1 .. min_cell-1 (unknown counts included), and nothing computed from it is shown.
Career stage and division do not describe applicants and are not applied to them (nor institution,
unless the applicants table holds it).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa

from mentordash import privacy
from mentordash.db import Database, load_sql
from mentordash.frames import ranks, records, sort_rows, with_columns
from mentordash.metrics.filters import Filters, people_columns, urim_sql, where_sql
from mentordash.metrics.intervals import pct, wilson_pct
from mentordash.vocabulary import (
    APPLICANT_STAGES,
    CAREER_STAGES,
    GENDER_LABELS,
    PIPELINE_LABELS,
    RACE_ETHNICITIES,
    RACE_LABELS,
    TRACKS,
    URIM_LABELS,
)

# The filters that select applicants, as SQL on the applicants counted per combination of groups (alias a,
# recruitment_applicant_counts.sql), whose URiM is settled when they are counted (the settings' list applied);
# institution is the department applied to (migration 004), so a consortium's filter applies to recruitment too.
APPLICANT_COLUMNS = {
    "gender": "a.gender",
    "race_ethnicity": "a.race_ethnicity",
    "urim": "a.urim",
    "institution": "a.institution",
}
# Filters that describe people but not applicants: the page says so when they are set.
NOT_APPLICANT_FILTERS = ("career_stage", "division")


@privacy.figure_free
def ignored_filters(db: Database, filters: Filters) -> list[str]:
    """The filters that are set but do not describe applicants (for the page's note)."""
    return [name for name in NOT_APPLICANT_FILTERS if getattr(filters, name)]


# Filters the department section (people by career stage) applies: it reports gender and URiM shares,
# so filtering on gender, race or URiM would make them meaningless.
REPRESENTATION_FILTERS = ("career_stage", "division", "institution")

TRANSITIONS = (("applied", "interviewed"), ("interviewed", "ranked"), ("ranked", "matched"), ("applied", "matched"))
# The applicant groups of each split (recruitment_groups.sql) in display order, with their labels: the
# vocabulary's, and the groups this split adds (unknown, gender and race "another" taking in the rest).
APPLICANT_GROUP_LABELS: dict[str, dict[str, str]] = {
    "all": {"all": "All applicants"},
    "gender": {
        "woman": GENDER_LABELS["woman"],
        "man": GENDER_LABELS["man"],
        "another": "Nonbinary or another gender",
        "unknown": "Gender unknown",
    },
    "urim": {**URIM_LABELS, "unknown": "URiM status unknown"},
    "race_ethnicity": {
        **{race: RACE_LABELS[race] for race in RACE_ETHNICITIES if race not in ("another", "undisclosed")},
        "another": "Another race/ethnicity",
        "unknown": "Race/ethnicity unknown",
    },
    "pipeline": {"any": "Any pipeline program", "none": "No pipeline program", **PIPELINE_LABELS},
    "selection": {"selected": "Filtered applicants", "others": "All other applicants"},
}
# Breakdowns whose total (the overall funnel) is shown beside them: complementary suppression applies.
COMPLEMENTED = ("gender", "urim", "race_ethnicity", "pipeline")


def _applicant_counts(db: Database, by_institution: bool) -> pa.Table:
    """The applicants counted per cycle, track, stage reached and combination of groups (and institution, for
    a view filtered on it), with their key sums (recruitment_applicant_counts.sql): built once per data version
    (Database.derived, kept in the file) and filtered and summed by every recruitment figure of the
    applicants, so that a new filter never reads every applicant again (7,000 rows for 200,000 applicants at
    consortium scale, 45,000 by institution). Held in the process, never shown: only the figures made from it
    leave this module, each through privacy."""
    sql = load_sql(
        "recruitment_applicant_counts",
        urim_expr=urim_sql("a"),
        institution_column=", a.institution" if by_institution else "",
    )
    key = ("recruitment_applicant_counts", by_institution)
    return db.derived_query(key, lambda: (sql, {"urim_list": db.settings()["urim_list"]}))


def prepare_counts(db: Database) -> None:
    """Build and keep the applicant counts every view not filtered on institution sums: metrics.prepared calls
    it after every write."""
    _applicant_counts(db, by_institution=False)


def _over_applicants(db: Database, filters: Filters, sql: str, params: dict) -> pd.DataFrame:
    """A query of the view `filters` over the applicant counts (as table applicant_counts)."""
    table = _applicant_counts(db, by_institution=bool(filters.institution))
    return db.df(sql, params, tables={"applicant_counts": table})


_TRACK_RANK = {track: i for i, track in enumerate(TRACKS)}


def _min_cell(db: Database) -> int:
    return privacy.effective_min_cell(db.settings()["min_cell"])


def _small(value, floor: int) -> bool:
    """A count that would be hidden on its own: 1 .. floor-1 (zero is 'no data')."""
    return value is not None and not pd.isna(value) and 0 < int(value) < floor


def _capped(part, whole):
    """A part never above its whole: published counts are perturbed each on its own, so a viewer's part
    may come out above its whole (for exact counts this changes nothing)."""
    return part if part is None or whole is None else min(part, whole)


def _pct(part, whole) -> float | None:
    return pct(_capped(part, whole), whole)


def _ci(successes, n) -> tuple[float | None, float | None]:
    return wilson_pct(_capped(successes, n), n)


def _splits_hidden(splits: list[dict[str, int]], floor: int) -> list[dict[str, bool]]:
    """For each split of a stage into groups (a split by gender, by URiM: each its own groups, in order),
    which groups the page would hide: small ones (unknown exempt) and the complementary cell. The same rule,
    through the same function and in the same group order, as the split on the page, so that a share never
    gives back a count that the split hides. All splits in one call (each split is a breakdown of its own)."""
    if not splits:
        return []
    groups = [group for split in splits for group in split]
    long = pd.DataFrame(
        {
            "row": np.repeat(np.arange(len(splits)), [len(split) for split in splits]),
            "n": np.array([int(count) for split in splits for count in split.values()], dtype="int64"),
            "is_unknown": np.array([group == "unknown" for group in groups], dtype=bool),
        }
    )
    out = privacy.suppress(long, "n", [], floor, complementary=True, within=["row"], exempt="is_unknown")
    flags = iter(out["suppressed"].to_numpy(dtype=bool).tolist())
    return [{group: next(flags) for group in split} for split in splits]


# The counts of a funnel or department row (each with its cell key from SQL), and for viewers the figures
# computed from each: hidden with it where it is 1 .. min_cell-1.
SHARE_COUNTS = [
    "n",
    "gender_known",
    "women",
    "men",
    "gender_another",
    "urim_known",
    "urim",
    "gender_unknown",
    "urim_unknown",
]
_SHARE_PARTS = (("women", "women", "gender_known", "gender_unknown"), ("urim", "urim", "urim_known", "urim_unknown"))


def _share_cells(frame: pd.DataFrame, floor: int, audience: str = privacy.EXACT) -> pd.DataFrame:
    """Add the share of women and of URiM among those whose value is known, each with its 95% Wilson
    interval, and the unknown count and its share of all.

    A share is hidden when its group's count is hidden in the split of the stage (small, or taken by
    complementary suppression), when the known others are a small count, or when the known are too few.
    Unknown counts are shown whatever their size (they describe missing data, not a characteristic of
    anyone) unless the split takes them as its complementary cell.

    For viewers (PROTECTED, counts already published) see _protected_share_cells."""
    if audience == privacy.PROTECTED:
        return _protected_share_cells(frame, floor)
    out = frame.drop(columns=["gender_unknown", "urim_unknown"], errors="ignore")
    rows = records(out)
    columns: dict[str, np.ndarray] = {}
    women_splits = [
        {"woman": r["women"], "man": r["men"], "another": r["gender_another"], "unknown": r["n"] - r["gender_known"]}
        for r in rows
    ]
    urim_splits = [
        {"urim": r["urim"], "not_urim": r["urim_known"] - r["urim"], "unknown": r["n"] - r["urim_known"]} for r in rows
    ]
    hidden_in_splits = _splits_hidden(women_splits + urim_splits, floor)  # both in one call
    for (name, part, known, unknown), splits, hidden_by_split in zip(
        _SHARE_PARTS,
        (women_splits, urim_splits),
        (hidden_in_splits[: len(rows)], hidden_in_splits[len(rows) :]),
    ):
        cells = []
        for r, split, hidden_in_split in zip(rows, splits, hidden_by_split):
            n, k, x = int(r["n"]), int(r[known]), int(r[part])
            hidden = _small(k, floor) or _small(k - x, floor) or hidden_in_split[next(iter(split))]
            unknown_hidden = hidden_in_split["unknown"]
            low, high = _ci(x, k)
            cells.append(
                (
                    *((None, None, None) if hidden else (pct(x, k), low, high)),
                    bool(hidden),
                    None if unknown_hidden else n - k,
                    None if unknown_hidden else pct(n - k, n),
                    unknown_hidden,
                    None if hidden else x,
                    # With the unknown hidden, the known count would give it back.
                    None if unknown_hidden else k,
                )
            )
        columns.update(_share_columns(cells, name, part, known, unknown))
    # The other counts of the split stay inside the metrics layer: the shares are what the page shows.
    return with_columns(out, columns, drop=["men", "gender_another"])


def _protected_share_cells(frame: pd.DataFrame, floor: int) -> pd.DataFrame:
    """_share_cells for viewers, from published counts (the unknowns published on their own, not the total
    minus the known): the same columns, computed the same way, hidden by one rule: a published count of
    1 .. min_cell-1 (a group's count, its known or its unknown) is hidden with what is computed from it.
    Complementary suppression and hiding a share for its known others would guard against subtraction,
    which published counts do not allow."""
    out = frame.drop(columns=["gender_unknown", "urim_unknown"])
    rows = records(frame)
    columns: dict[str, np.ndarray] = {}
    for name, part, known, unknown in _SHARE_PARTS:
        cells = []
        for r in rows:
            n, k, x, u = int(r["n"]), int(r[known]), int(r[part]), int(r[unknown])
            hidden = _small(k, floor) or _small(x, floor)
            unknown_hidden = _small(u, floor)
            low, high = _ci(x, k)
            cells.append(
                (
                    *((None, None, None) if hidden else (_pct(x, k), low, high)),
                    bool(hidden),
                    None if unknown_hidden else u,
                    None if unknown_hidden else _pct(u, n),
                    unknown_hidden,
                    None if hidden else x,
                    None if _small(k, floor) else k,
                )
            )
        columns.update(_share_columns(cells, name, part, known, unknown))
    return with_columns(out, columns, drop=["men", "gender_another"])


def _share_columns(cells: list[tuple], name: str, part: str, known: str, unknown: str) -> dict[str, np.ndarray]:
    """The columns of one share (women, URiM) from its cells, each a tuple (pct, ci_low, ci_high, suppressed,
    unknown, unknown_pct, unknown_suppressed, part, known) of one row, in the frame's column order: the flags as
    booleans, every other value as the Python object it is (None where hidden)."""
    names = [
        *(f"{name}_{c}" for c in ("pct", "ci_low", "ci_high", "suppressed")),
        *(unknown + suffix for suffix in ("", "_pct", "_suppressed")),
        part,
        known,
    ]
    values = list(zip(*cells)) if cells else [() for _ in names]
    return {
        name: np.array(column, dtype=bool if name.endswith("_suppressed") else object)
        for name, column in zip(names, values)
    }


SHARE_COLUMNS = [
    "gender_known",
    "women",
    "women_pct",
    "women_ci_low",
    "women_ci_high",
    "gender_unknown",
    "gender_unknown_pct",
    "urim_known",
    "urim",
    "urim_pct",
    "urim_ci_low",
    "urim_ci_high",
    "urim_unknown",
    "urim_unknown_pct",
]


def _with_shares(frame: pd.DataFrame, floor: int, audience: str = privacy.EXACT) -> pd.DataFrame:
    """Counts (with their cell keys) as `audience` may see them, with shares and suppression."""
    published = privacy.publish_counts(frame, audience, SHARE_COUNTS, floor)
    return privacy.suppress(_share_cells(published, floor, audience), "n", SHARE_COLUMNS, floor, audience=audience)


def funnel(
    db: Database,
    filters: Filters,
    audience: str = privacy.EXACT,
    track: str | None = None,
    last_cycles: int | None = None,
) -> pd.DataFrame:
    """One row per (cycle, track, stage) with at least one applicant, in cycle, track, stage order.

    n, and the share of women and of URiM among those whose value is known, with its 95% Wilson
    interval, and how many (and what share of all) have the value unknown. Career stage, division and
    institution do not describe applicants and are not applied. `track` and `last_cycles` keep only that
    track's latest cycles (the overview's tiles): every row is judged on its own, so they are the same
    rows as in the whole funnel, without the work of the others."""
    params: dict = {}
    applicant_filter = where_sql(filters, APPLICANT_COLUMNS, params)
    track_filter = ""
    if track is not None:
        params["track"], track_filter = track, "AND a.track = $track"
    cycles_filter = ""
    if last_cycles is not None:
        params["last_cycles"] = int(last_cycles)
        cycles_filter = load_sql(
            "recruitment_latest_cycles", applicant_filter=applicant_filter, track_filter=track_filter
        )
    sql = load_sql(
        "recruitment_funnel", applicant_filter=applicant_filter, track_filter=track_filter, cycles_filter=cycles_filter
    )
    frame = _over_applicants(db, filters, sql, params)
    frame = sort_rows(
        frame, frame["cycle"].to_numpy(), ranks(frame["track"], _TRACK_RANK), frame["stage_order"].to_numpy()
    )
    return _with_shares(frame, _min_cell(db), audience)


def applicant_total(db: Database, filters: Filters, audience: str = privacy.EXACT) -> dict:
    """How many applications (all cycles and tracks) the filters select, as one cell: the page shows
    nothing else when it is hidden."""
    params: dict = {}
    sql = (
        "SELECT coalesce(sum(a.applicants), 0)::BIGINT AS n, coalesce(cell_key(sum(a.k)), 0)::BIGINT AS n_key "
        "FROM applicant_counts a WHERE TRUE " + where_sql(filters, APPLICANT_COLUMNS, params)
    )
    n, key = _over_applicants(db, filters, sql, params).iloc[0]
    floor = _min_cell(db)
    record = privacy.publish_record({"n": int(n or 0), "n_key": int(key or 0)}, audience, ["n"], floor)
    return privacy.suppress_record({"n": int(record["n"])}, "n", [], floor, audience=audience)


@privacy.figure_free
def cycles(db: Database, filters: Filters) -> pd.DataFrame:
    """The (cycle, track) pairs with at least one applicant that the filters select, newest cycle first."""
    params: dict = {}
    sql = load_sql("recruitment_cycles", applicant_filter=where_sql(filters, APPLICANT_COLUMNS, params))
    frame = _over_applicants(db, filters, sql, params)
    return sort_rows(frame, ranks(frame["track"], _TRACK_RANK), -frame["cycle"].to_numpy())


def _group_counts(
    db: Database, filters: Filters, track: str, cycle: int, audience: str = privacy.EXACT
) -> pd.DataFrame:
    """Counts by (dimension, group, stage), every stage present for every group, published for `audience`
    (each group's count, each side of the selection split included, with its own cell key) and suppressed.
    Once per view: group_funnel, conversions and pipeline_share share it."""
    key = ("recruitment_group_counts", filters, track, int(cycle), audience)
    return db.shared(key, lambda: _query_group_counts(db, filters, track, cycle, audience))


_DIMENSION_RANK = {dimension: i for i, dimension in enumerate(APPLICANT_GROUP_LABELS)}
_GROUP_RANK = {(d, g): i for d, groups in APPLICANT_GROUP_LABELS.items() for i, g in enumerate(groups)}
_UNSELECTED = {d: groups for d, groups in APPLICANT_GROUP_LABELS.items() if d != "selection"}


def _query_group_counts(db: Database, filters: Filters, track: str, cycle: int, audience: str) -> pd.DataFrame:
    params = {"track": track, "cycle": int(cycle)}
    sql = load_sql("recruitment_groups", applicant_filter=where_sql(filters, APPLICANT_COLUMNS, params))
    frame = _over_applicants(db, filters, sql, params)
    # no filter on applicants: nobody is "other", so the selection split goes
    shown = APPLICANT_GROUP_LABELS if any(k in APPLICANT_COLUMNS for k in filters.as_dict()) else _UNSELECTED
    pairs = list(zip(frame["dimension"].tolist(), frame["group"].tolist()))
    kept = [i for i, (dimension, _) in enumerate(pairs) if dimension in shown]
    pairs = [pairs[i] for i in kept]
    # each dimension in its order, its groups in theirs (unlisted ones after), each group's stages in order
    frame = sort_rows(
        frame.take(kept),
        np.array([_DIMENSION_RANK[d] for d, _ in pairs], dtype="int64"),
        np.array([_GROUP_RANK.get(pair, 99) for pair in pairs], dtype="int64"),
        frame["stage_order"].to_numpy()[kept],
    )
    pairs = list(zip(frame["dimension"].tolist(), frame["group"].tolist()))
    frame = with_columns(
        frame,
        {
            "label": [APPLICANT_GROUP_LABELS[d].get(g, g) for d, g in pairs],
            "cycle": np.full(len(frame), int(cycle), dtype="int64"),
            "track": pd.array([track] * len(frame), dtype="str"),
        },
    )
    floor = _min_cell(db)
    frame = privacy.publish_counts(frame, audience, ["n"], floor)
    if frame.empty:
        return frame.assign(suppressed=pd.Series(dtype=bool))
    # Unknown is missing data, not a characteristic of anyone: never hidden for its size, so the shares can
    # be read honestly; it may still be taken as the complementary cell. For viewers no published count is
    # 1 .. min_cell-1, unknown included (complementary suppression is skipped).
    frame = frame.assign(is_unknown=(frame["group"] == "unknown") & (audience == privacy.EXACT))
    complemented = frame["dimension"].isin(COMPLEMENTED).to_numpy()
    parts = [
        # Each stage of each dimension is a breakdown of its own: one call for all the complemented ones, one for the rest.
        privacy.suppress(
            frame[rows],
            "n",
            [],
            floor,
            complementary=is_complemented,
            within=["dimension", "stage"],
            exempt="is_unknown",
            audience=audience,
        )
        for rows, is_complemented in ((complemented, True), (~complemented, False))
        if rows.any()
    ]
    out = pd.concat(parts).sort_index().drop(columns="is_unknown")
    # A stage with too few applicants overall shows nothing at all, unknown included.
    hidden_stages = set(out[(out["dimension"] == "all") & out["suppressed"]]["stage"])
    tiny = out["stage"].isin(hidden_stages) & (out["dimension"] != "selection")
    out["suppressed"] = out["suppressed"] | tiny
    out["n"] = privacy.blanked(out["n"], out["suppressed"])
    return out.reset_index(drop=True)


def group_funnel(db: Database, filters: Filters, track: str, cycle: int, audience: str = privacy.EXACT) -> pd.DataFrame:
    """The funnel of one cycle and track, overall (dimension 'all') and by group.

    Columns: dimension, group, label, stage, stage_order, n, pct_of_applied (the share of the group's
    applicants who reached the stage) with ci_low, ci_high, suppressed. For viewers every n is published
    on its own ('Filtered applicants' and 'All other applicants' each from their own applicants) and the
    shares come from published counts."""
    frame = _group_counts(db, filters, track, cycle, audience)
    applied = {(r["dimension"], r["group"]): r for r in records(frame[frame["stage"] == "applied"])}
    pcts, lows, highs = [], [], []
    for row in records(frame):
        base = applied.get((row["dimension"], row["group"]))
        if row["suppressed"] or base is None or base["suppressed"]:
            pcts.append(None), lows.append(None), highs.append(None)
            continue
        low, high = _ci(row["n"], base["n"])
        pcts.append(_pct(row["n"], base["n"])), lows.append(low), highs.append(high)
    frame = frame.assign(pct_of_applied=pcts, ci_low=lows, ci_high=highs)
    return _none_for_missing(frame, ["pct_of_applied", "ci_low", "ci_high"])


def conversions(db: Database, filters: Filters, track: str, cycle: int, audience: str = privacy.EXACT) -> pd.DataFrame:
    """Conversion from stage to stage (and applied to matched) for every group of one cycle and track.

    Columns: dimension, group, label, from_stage, to_stage, n_from, n_to, rate (%), ci_low, ci_high
    (95% Wilson, %), suppressed: hidden when either count is hidden, so a rate never gives one back.
    For viewers both counts are published ones and the rate is computed from them."""
    frame = _group_counts(db, filters, track, cycle, audience)
    cells = {(r["dimension"], r["group"], r["stage"]): r for r in records(frame)}
    groups = records(frame[["dimension", "group", "label"]].drop_duplicates())
    rows = []
    for g in groups:
        for a, b in TRANSITIONS:
            first, second = cells[(g["dimension"], g["group"], a)], cells[(g["dimension"], g["group"], b)]
            hidden = bool(first["suppressed"] or second["suppressed"])
            row = {
                **g,
                "cycle": int(cycle),
                "track": track,
                "from_stage": a,
                "to_stage": b,
                "n_from": None,
                "n_to": None,
                "rate": None,
                "ci_low": None,
                "ci_high": None,
                "suppressed": hidden,
            }
            if not hidden:
                low, high = _ci(second["n"], first["n"])
                row.update(
                    n_from=int(first["n"]),
                    n_to=int(second["n"]),
                    rate=_pct(second["n"], first["n"]),
                    ci_low=low,
                    ci_high=high,
                )
            rows.append(row)
    frame = pd.DataFrame(
        rows,
        columns=[
            "dimension",
            "group",
            "label",
            "cycle",
            "track",
            "from_stage",
            "to_stage",
            "n_from",
            "n_to",
            "rate",
            "ci_low",
            "ci_high",
            "suppressed",
        ],
    )
    return _none_for_missing(frame, ["n_from", "n_to", "rate", "ci_low", "ci_high"])


def _none_for_missing(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Hidden cells hold None (as privacy.suppress leaves them), not NaN."""
    for col in columns:
        frame[col] = privacy.blanked(frame[col], frame[col].isna())
    return frame


def pipeline_share(
    db: Database, filters: Filters, track: str, cycle: int, audience: str = privacy.EXACT
) -> pd.DataFrame:
    """For each pipeline program (and any program) and each stage: how many of the stage's applicants
    came through it, and their share. Columns: group, label, stage, stage_order, n_stage, n, pct, suppressed.
    For viewers both counts are published ones."""
    frame = _group_counts(db, filters, track, cycle, audience)
    # the columns read, before to_dict (a dict of every column for every row was most of this function)
    totals = {r["stage"]: r for r in records(frame.loc[frame["dimension"] == "all", ["stage", "n", "suppressed"]])}
    programs = frame.loc[
        (frame["dimension"] == "pipeline") & (frame["group"] != "none"),
        ["group", "label", "stage", "stage_order", "n", "suppressed"],
    ]
    rows = []
    for row in records(programs):
        total = totals.get(row["stage"])
        hidden = bool(row["suppressed"] or total is None or total["suppressed"])
        rows.append(
            {
                "group": row["group"],
                "label": row["label"],
                "stage": row["stage"],
                "stage_order": row["stage_order"],
                "n_stage": None if hidden else int(total["n"]),
                "n": None if hidden else int(row["n"]),
                "pct": None if hidden else _pct(row["n"], total["n"]),
                "suppressed": hidden,
            }
        )
    frame = pd.DataFrame(rows, columns=["group", "label", "stage", "stage_order", "n_stage", "n", "pct", "suppressed"])
    return _none_for_missing(frame, ["n_stage", "n", "pct"])


def representation(db: Database, as_of: date, filters: Filters, audience: str = privacy.EXACT) -> pd.DataFrame:
    """The department at as_of: for each career stage with active people, the share of women and of
    URiM among those with a known value, and the unknown. Only the career stage, division and
    institution filters apply (a share of women among women says nothing)."""
    settings = db.settings()
    people_filters = Filters.of(**{k: v for k, v in filters.as_dict().items() if k in REPRESENTATION_FILTERS})
    params = {"urim_list": settings["urim_list"], "as_of": as_of}
    sql = load_sql(
        "recruitment_department",
        urim_expr=urim_sql("p"),
        people_filter=where_sql(people_filters, people_columns("p"), params),
    )
    frame = db.df(sql, params)
    frame = (
        frame.assign(stage_order=frame["career_stage"].map(CAREER_STAGES.index))
        .sort_values("stage_order")
        .drop(columns="stage_order")
        .reset_index(drop=True)
    )
    return _with_shares(frame, _min_cell(db), audience)


@privacy.figure_free
def benchmarks(db: Database) -> dict[str, dict]:
    """The national reference figures of the settings, by key (value in %, year, source, figure)."""
    return {b["key"]: b for b in db.settings()["benchmarks"] if "key" in b}


__all__ = [
    "funnel",
    "applicant_total",
    "cycles",
    "group_funnel",
    "conversions",
    "pipeline_share",
    "representation",
    "benchmarks",
    "ignored_filters",
    "APPLICANT_STAGES",
]
