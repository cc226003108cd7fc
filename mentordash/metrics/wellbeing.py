"""Burnout and wellbeing (docs/metrics.md, Burnout and wellbeing; docs/instruments.md).

Every function aggregates in SQL (one query per figure family, over the complete responses of the
filtered respondents) and returns cells that have passed through privacy.suppress: no response ever
leaves this module on its own. Measures (instruments.MEASURES) are never mixed: each row is one
(survey wave, measure) or one (survey wave, measure, group).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from mentordash import privacy
from mentordash.db import Database, load_sql
from mentordash.frames import ranks
from mentordash.instruments import (
    BURNOUT_MEASURES,
    INSTRUMENTS,
    MEASURE_ORDER,
    MEASURES,
    cutoff_params,
    measure_counts,
    measure_flags,
    measure_sums,
)
from mentordash.metrics.filters import Filters, settled_people_columns, urim_sql, where_sql
from mentordash.metrics.intervals import pct, shares_pct
from mentordash.vocabulary import CAREER_STAGES, GENDERS

# The filter columns of a survey_respondents.sql row (aliased r): shared with metrics.outcomes.
RESPONDENT_COLUMNS = {
    "career_stage": "r.eff_stage",
    "gender": "r.eff_gender",
    "division": "r.eff_division",
    "institution": "r.eff_institution",
    "race_ethnicity": "r.race_ethnicity",
    "urim": urim_sql("r"),
}


def respondents_sql(name: str, filters: Filters, params: dict) -> str:
    """load_sql(name) with its `{survey_respondents}` CTE (survey_respondents.sql: complete responses with
    their respondent's effective groups) spliced in and its `{respondent_filter}` fragment for the filters
    (values bound into params)."""
    return load_sql(
        name,
        survey_respondents=load_sql("survey_respondents"),
        respondent_filter=where_sql(filters, RESPONDENT_COLUMNS, params),
    )


DIMENSIONS = ("career_stage", "gender", "urim", "division", "mentored")  # labels: vocabulary.DIMENSION_LABELS
_FIXED_GROUP_ORDER = {
    "career_stage": CAREER_STAGES,
    "gender": GENDERS,
    "urim": ("urim", "not_urim"),
    "mentored": ("mentored", "not_mentored"),
}
CELL_VALUES = ["positive", "pct", "ci_low", "ci_high"]
MEASURE_COUNTS = ["n", "positive"]
MEASURE_NUMERATORS = {"positive": ["pct", "ci_low", "ci_high"]}


# The filter columns of a wellbeing_combinations.sql row (aliased c); each is there when the view filters on
# it (_columns_for).
COMBINATION_COLUMNS = {
    "career_stage": "c.eff_stage",
    "gender": "c.eff_gender",
    "division": "c.eff_division",
    "institution": "c.eff_institution",
    "race_ethnicity": "c.race_ethnicity",
    "urim": "c.urim_eff",
}
# The columns a combination may hold beside its survey wave, each a column of wellbeing_responses.sql (aliased
# f): the respondent's effective groups, in GROUPS together (a view filtered or broken down by any of them),
# race/ethnicity and institution (a view filtered on them) and mentored status (the breakdown by it).
GROUPS = ("eff_stage", "eff_gender", "urim_eff", "eff_division")
_COMBINATION_COLUMNS_SQL = {
    "eff_stage": "f.eff_stage",
    "eff_gender": "f.eff_gender",
    "urim_eff": None,  # urim_sql("f") AS urim_eff: the settings' list of groups is a bound parameter
    "eff_division": "f.eff_division",
    "eff_institution": "f.eff_institution",
    "race_ethnicity": "f.race_ethnicity",
    "mentored": None,  # MENTORED_SQL, over the join of MENTORED_JOIN_SQL
}
# A scored response's mentored status (docs/metrics.md): linked responses by the roster's mentee spans
# (wellbeing_responses.sql, mentored_days), the others by what they reported, else unknown.
MENTORED_SQL = "CASE WHEN g.linked THEN md.on_mentor ELSE g.has_mentor END"
MENTORED_JOIN_SQL = "LEFT JOIN mentored_days md ON md.person_id = g.person_id AND md.day = g.submitted_day"


def _combinations(db: Database, columns: tuple[str, ...] = ()) -> pa.Table:
    """Every complete response counted per survey wave and combination of `columns` (of
    _COMBINATION_COLUMNS_SQL), with each measure's scoreable and positive counts, the roster-linked
    responses, and their cell keys (wellbeing_combinations.sql): built once per data version
    (Database.derived) and filtered and summed by every wellbeing figure, so that a new filter never scores
    the responses again. Held in the process, never shown: only the figures made from it leave this
    module, each through privacy. A view of everyone's (no columns) is the one by the four groups summed
    over them (Database.derived_rollup): each response is in exactly one cell of that table, unknown groups
    as NULL, so the sums are those of counting per wave, and the responses are scored once, not twice."""
    columns = tuple(sorted(columns))
    unknown = set(columns) - set(_COMBINATION_COLUMNS_SQL)
    if unknown:
        raise ValueError(f"no combination column {sorted(unknown)}")
    if not columns:
        by_groups = tuple(sorted(GROUPS))  # the key and query every view by a group uses
        return db.derived_rollup(
            ("wellbeing_combinations", ()),
            ("wellbeing_combinations", by_groups),
            lambda: _combinations_query(db, by_groups),
            dropped=by_groups,
        )
    return db.derived_query(("wellbeing_combinations", columns), lambda: _combinations_query(db, columns))


def _combinations_query(db: Database, columns: tuple[str, ...]) -> tuple[str, dict]:
    """wellbeing_combinations.sql by `columns` and its parameters, from the settings as they are now."""
    settings = db.settings()
    params = {"urim_list": settings["urim_list"], **cutoff_params(settings["cutoffs"])}
    expressions = {**_COMBINATION_COLUMNS_SQL, "urim_eff": urim_sql("f")}
    mentored = "mentored" in columns
    sql = load_sql(
        "wellbeing_combinations",
        wellbeing_responses=respondents_sql("wellbeing_responses", Filters(), params),
        columns="".join(f", {expressions[c]} AS {c}" for c in columns if c != "mentored"),
        column_names="".join(f", gm.{c}" for c in columns),
        mentored_column=f",\n           {MENTORED_SQL} AS mentored" if mentored else "",
        mentored_join=f"\n    {MENTORED_JOIN_SQL}" if mentored else "",
        measure_flags=measure_flags("f"),
        measure_counts=measure_counts(),
    )
    return sql, params


# The filter columns of a wellbeing_eligible.sql row (aliased p): the roster's; each is there when the view
# filters on it.
ELIGIBLE_COLUMNS = settled_people_columns("p")
# The roster's column (wellbeing_eligible.sql) that stands for each combination column of _columns_for.
_ROSTER_COLUMN_OF = {
    "eff_stage": "career_stage",
    "eff_gender": "gender",
    "urim_eff": "urim",
    "eff_division": "division",
    "eff_institution": "institution",
    "race_ethnicity": "race_ethnicity",
}


def _eligible(db: Database, columns: tuple[str, ...]) -> pa.Table:
    """The people each wave could have reached and those who answered, counted per wave and combination of
    the roster's groups (of _ROSTER_COLUMN_OF, those of `columns`, as _columns_for gives them;
    wellbeing_eligible.sql): built once per data version and summed by each view's response rates, so that
    a new filter never matches the roster against the waves again."""
    names = tuple(sorted(_ROSTER_COLUMN_OF[c] for c in columns))

    sql = load_sql("wellbeing_eligible", urim=urim_sql("p"), columns="".join(f", {n}" for n in names))
    return db.derived_query(("wellbeing_eligible", names), lambda: (sql, {"urim_list": db.settings()["urim_list"]}))


def prepare_summaries(db: Database) -> None:
    """Build, and keep in the file, the summaries first views need: of everyone (the overview's burnout tile,
    the wellbeing page's figures and response rates) and by the four groups (a filter on any of them);
    metrics.prepared calls it after every write. The breakdown by mentored status (the by-group tab) is
    left to its first view: at national scale it would add 5 s to every import."""
    for columns in (GROUPS, ()):  # everyone's combinations are summed from the groups'
        _combinations(db, columns)
        _eligible(db, columns)


def _columns_for(filters: Filters, by_groups: bool = False) -> tuple[str, ...]:
    """The combination columns a view needs: the groups when it breaks down by them or filters on any of
    them (all four at once, so that changing which group a filter picks reuses one table), race/ethnicity
    and institution when filtered on. A view of everyone sums a table of one row per wave."""
    grouped = by_groups or any((filters.career_stage, filters.gender, filters.division, filters.urim is not None))
    return (
        *(GROUPS if grouped else ()),
        *(("race_ethnicity",) if filters.race_ethnicity else ()),
        *(("eff_institution",) if filters.institution else ()),
    )


def _over_combinations(
    db: Database, name: str, filters: Filters, mentored: bool = False, **parts: str
) -> tuple[pd.DataFrame, dict]:
    """load_sql(name, **parts) over the combinations the filters need (with mentored status if asked), its
    `{cell_filter}` from the filters (values bound): the frame and the settings."""
    table = _combinations(db, (*(("mentored",) if mentored else ()), *_columns_for(filters, by_groups=mentored)))
    params: dict = {}
    sql = load_sql(name, cell_filter=where_sql(filters, COMBINATION_COLUMNS, params), **parts)
    return db.df(sql, params, tables={"wellbeing_combinations": table}), db.settings()


_MEASURE_RANK = {key: rank for rank, key in enumerate(MEASURE_ORDER)}


def _long(wide: pd.DataFrame, id_cols: list[str], measures: tuple[str, ...] = MEASURE_ORDER) -> pd.DataFrame:
    """n__<measure> / pos__<measure> columns (and their cell keys kn__ / kpos__) to one row per measure
    (measure by measure, each in the rows' order), keeping cells with scoreable responses: the rows to keep
    are picked per measure first, so the identifying columns are copied once, for those rows only."""
    columns = [*id_cols, "measure", "n", "positive", "n_key", "positive_key"]
    if wide.empty:
        return pd.DataFrame(columns=columns)
    kept = {key: np.flatnonzero(wide[f"n__{key}"].to_numpy(dtype="int64") > 0) for key in measures}
    frame = wide[id_cols].iloc[np.concatenate(list(kept.values()))].reset_index(drop=True)
    frame["measure"] = pd.Series(np.repeat(measures, [len(rows) for rows in kept.values()]), dtype="str")
    for column, prefix in (("n", "n__"), ("positive", "pos__"), ("n_key", "kn__"), ("positive_key", "kpos__")):
        frame[column] = np.concatenate(
            [wide[f"{prefix}{key}"].to_numpy(dtype="int64")[rows] for key, rows in kept.items()]
        )
    return frame


def _add_shares(frame: pd.DataFrame, cutoffs: dict) -> pd.DataFrame:
    frame["pct"], frame["ci_low"], frame["ci_high"] = shares_pct(frame["positive"], frame["n"])
    # each measure's labels looked up once and spread to its rows by position
    codes, measures = pd.factorize(frame["measure"])
    for column, label in (
        ("kind", lambda m: m.kind),
        ("instrument", lambda m: m.instrument),
        ("rule", lambda m: m.describe(cutoffs)),
    ):
        frame[column] = np.array([label(MEASURES[k]) for k in measures], dtype=object)[codes].tolist()
    return frame


def measures_by_wave(db: Database, filters: Filters, audience: str = privacy.EXACT) -> pd.DataFrame:
    """One row per (survey, measure) with at least one scoreable response, oldest wave first.

    Columns: survey, last_submitted, measure, kind, instrument, n (scoreable responses), positive,
    pct, ci_low, ci_high (95% Wilson, %), rule, suppressed. Each cell is judged on its own."""
    return _measures_by_wave(db, filters, audience, MEASURE_ORDER)


def _measures_by_wave(db: Database, filters: Filters, audience: str, measures: tuple[str, ...]) -> pd.DataFrame:
    """measures_by_wave's rows of `measures` only, summed and judged alone: each cell is judged on its own,
    so they are the same rows, in the same order, as measures_by_wave gives for them."""
    wide, settings = _over_combinations(db, "wellbeing_by_wave", filters, measure_sums=measure_sums(measures))
    frame = _long(wide, ["survey", "last_submitted"], measures)
    frame["order"] = frame["measure"].map(_MEASURE_RANK)
    frame = frame.sort_values(["last_submitted", "survey", "order"]).drop(columns="order").reset_index(drop=True)
    return _measure_cells(frame, settings, audience)


def burnout_prevalence(db: Database, filters: Filters, audience: str = privacy.EXACT) -> pd.DataFrame:
    """One row per (survey, instrument) with at least one scoreable response, oldest wave first.

    Columns: survey, instrument, last_submitted, n, burned_out, pct, ci_low, ci_high, rule, suppressed.
    Each cell is judged on its own: instruments are never mixed and waves are never summed. This is
    the table the page shows and the `burnout` part of the summary. Only the burnout measures are summed
    (the overview's tile asks for nothing else; the wellbeing page derives them from measures_by_wave)."""
    return burnout_rows(_measures_by_wave(db, filters, audience, BURNOUT_MEASURES))


def response_rates(db: Database, filters: Filters, audience: str = privacy.EXACT) -> pd.DataFrame:
    """One row per survey with at least one complete response in the filtered group, oldest first.

    Columns: survey, last_day (the survey's last submission date), eligible (people active that day in
    the surveyed career stages), respondents (distinct roster-linked respondents among them), rate (%),
    responses, linked_responses, roster_allows (False when no response of the wave is roster-linked:
    the rate is then unknown), suppressed (fewer than min_cell eligible people)."""
    settings = db.settings()
    params: dict = {}
    sql = load_sql(
        "wellbeing_response_rate",
        people_filter=where_sql(filters, ELIGIBLE_COLUMNS, params),
        cell_filter=where_sql(filters, COMBINATION_COLUMNS, params),
    )
    columns = _columns_for(filters)
    tables = {"wellbeing_combinations": _combinations(db, columns), "wellbeing_eligible": _eligible(db, columns)}
    frame = db.df(sql, params, tables=tables)
    frame = frame[frame["responses"] > 0].sort_values(["last_day", "survey"]).reset_index(drop=True)
    frame = privacy.publish_counts(
        frame,
        audience,
        ["eligible", "respondents", "responses", "linked_responses"],
        settings["min_cell"],
        at_most={"respondents": "eligible", "linked_responses": "responses"},
    )
    frame["roster_allows"] = (frame["linked_responses"] > 0) & (frame["eligible"] > 0)
    frame["rate"] = [
        pct(r, e) if ok else None for r, e, ok in zip(frame["respondents"], frame["eligible"], frame["roster_allows"])
    ]
    frame["eligible"] = frame["eligible"].where(frame["roster_allows"], 0)
    frame = frame[
        ["survey", "last_day", "eligible", "respondents", "rate", "responses", "linked_responses", "roster_allows"]
    ]
    frame = privacy.suppress(
        frame,
        "responses",
        ["linked_responses"],
        settings["min_cell"],
        flag="responses_suppressed",
        audience=audience,
        numerators={"linked_responses": []},
    )
    return privacy.suppress(
        frame,
        "eligible",
        ["respondents", "rate"],
        settings["min_cell"],
        audience=audience,
        numerators={"respondents": ["rate"]},
    )


def _group_order(dimension: str, group: str) -> tuple:
    if group == "unknown":
        return (2, "")
    fixed = _FIXED_GROUP_ORDER.get(dimension)
    if fixed and group in fixed:
        return (0, f"{fixed.index(group):03d}")
    return (1, str(group))


def _by_wave_measure_group(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows in the page's order: by wave (last submission, then name), measure (MEASURE_ORDER), dimension
    (DIMENSIONS) and group (_group_order). Every value is ranked once per distinct value and the rows sorted
    by position in numpy (a consortium's ten thousand cells: a merge and a four-column sort took 14 ms)."""
    if frame.empty:
        return frame
    dimensions, dimension_names = pd.factorize(frame["dimension"])
    groups, group_names = pd.factorize(frame["group"])
    pairs, pair_codes = pd.factorize(dimensions * len(group_names) + groups)
    pair_names = [(dimension_names[c // len(group_names)], group_names[c % len(group_names)]) for c in pair_codes]
    pair_keys = [(DIMENSIONS.index(d), _group_order(d, g)) for d, g in pair_names]
    pair_rank = np.empty(len(pair_keys), dtype="int64")
    pair_rank[sorted(range(len(pair_keys)), key=pair_keys.__getitem__)] = np.arange(len(pair_keys))
    measures, measure_names = pd.factorize(frame["measure"])
    measure_rank = np.array([_MEASURE_RANK[m] for m in measure_names])[measures]
    order = np.lexsort((pair_rank[pairs], measure_rank, ranks(frame["survey"]), ranks(frame["last_submitted"])))
    return frame.take(order).reset_index(drop=True)


def measures_by_group(db: Database, filters: Filters, audience: str = privacy.EXACT) -> pd.DataFrame:
    """One row per (survey, measure, dimension, group) with at least one scoreable response.

    Dimensions: career_stage, gender, urim, division, mentored (docs/metrics.md: roster where the response
    is linked, else self-report, else unknown). Unknown values are a group of their own ('unknown'), so
    each breakdown adds up to the wave's total shown on the page; for exact figures complementary
    suppression applies within each (survey, measure, dimension). Columns: survey, last_submitted,
    dimension, group, measure, kind, instrument, n, positive, pct, ci_low, ci_high, rule, suppressed."""
    wide, settings = _over_combinations(db, "wellbeing_by_group", filters, mentored=True, measure_sums=measure_sums())
    wide = wide.rename(columns={"grp": "group"})
    frame = _by_wave_measure_group(_long(wide, ["survey", "last_submitted", "dimension", "group"]))
    return _measure_cells(frame, settings, audience, complementary=True, within=["survey", "measure", "dimension"])


def responses_total(db: Database, filters: Filters, audience: str = privacy.EXACT) -> dict:
    """Complete responses of the filtered respondents over all waves: the page's 'too small' check."""
    total, settings = _over_combinations(db, "wellbeing_total", filters)
    record = privacy.publish_record(total.iloc[0].to_dict(), audience, ["n"], settings["min_cell"])
    return privacy.suppress_record({"n": int(record["n"])}, "n", [], settings["min_cell"], audience=audience)


@privacy.figure_free
def benchmarks(db: Database) -> dict:
    """National benchmarks (settings) for burnout, split into those measured with one of our
    instruments (by instrument key) and those that name none (never drawn beside a figure)."""
    by_instrument: dict[str, list[dict]] = {}
    unmatched = []
    for bench in db.settings().get("benchmarks", []):
        instrument = bench.get("instrument")
        if instrument in MEASURES:
            by_instrument.setdefault(instrument, []).append(dict(bench))
        elif "burnout" in f"{bench.get('key', '')} {bench.get('figure', '')}".lower():
            unmatched.append(dict(bench))
    return {"by_instrument": by_instrument, "unmatched": unmatched}


def instrument_name(key: str) -> str:
    return INSTRUMENTS[key].name if key in INSTRUMENTS else MEASURES[key].source


def _measure_cells(frame: pd.DataFrame, settings: dict, audience: str, **suppression) -> pd.DataFrame:
    """Scoreable and positive responses as the audience may see them, with shares and suppression."""
    min_cell = settings["min_cell"]
    frame = privacy.publish_counts(frame, audience, MEASURE_COUNTS, min_cell, at_most={"positive": "n"})
    frame = _add_shares(frame, settings["cutoffs"])
    return privacy.suppress(
        frame, "n", CELL_VALUES, min_cell, audience=audience, numerators=MEASURE_NUMERATORS, **suppression
    )


def burnout_rows(by_wave: pd.DataFrame) -> pd.DataFrame:
    """The burnout measures of a measures_by_wave frame, as burnout_prevalence returns them (so that a page
    holding measures_by_wave derives them without a second query)."""
    frame = by_wave[by_wave["measure"].isin(BURNOUT_MEASURES)].rename(columns={"positive": "burned_out"})
    columns = [
        "survey",
        "instrument",
        "last_submitted",
        "n",
        "burned_out",
        "pct",
        "ci_low",
        "ci_high",
        "rule",
        "suppressed",
    ]
    return frame[columns].reset_index(drop=True)
