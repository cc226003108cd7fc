"""What leaves the metrics layer, for each audience (docs/privacy.md): the one place that decides.

Two audiences:
- EXACT (coordinators, local mode, the command line without --role): true counts, with small-cell
  suppression: a cell whose group (its denominator) has fewer than min_cell members is suppressed, and in
  a breakdown whose total is shown a lone suppressed cell takes the next smallest cell with it.
- PROTECTED (viewers): every count is published with the cell key method of official statistics
  (Australian Bureau of Statistics TableBuilder; sdcTools' ptable/cellKey). Every person, survey response
  and applicant holds a permanent random record key; a cell's key is the sum of its contributors' keys
  modulo 1, and the published count is the true count plus a perturbation looked up in the perturbation
  table by (count, cell key). The same contributors always give the same published count, however the view
  was reached; a different set draws independent noise. No published count is ever 1 to min_cell - 1:
  those cells are suppressed. Complementary suppression is not needed against subtraction any more, so
  viewers do not lose the next smallest group (often women) to it.

Record keys are stored as 32-bit fractions (an integer k in [0, 2^32) standing for k / 2^32, uniform on
[0, 1)) so that key sums over millions of records are exact integer arithmetic in SQL: a query returns,
beside each count column `c`, a column `c_key` holding the sum of the contributors' keys modulo 2^32
(the SQL macro `cell_key(sum(record_key))`, migration 005). `publish_counts` turns those into what the audience may see, and
`suppress` hides what no audience may see. Metrics functions call nothing else to decide.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from mentordash.config import MIN_CELL_FLOOR
from mentordash.frames import with_columns

EXACT = "exact"
PROTECTED = "protected"
AUDIENCES = (EXACT, PROTECTED)

KEY_MODULUS = 2**32  # record keys are k / 2^32
KEY_SUFFIX = "_key"  # the key-sum column of count column c is c + KEY_SUFFIX
MAX_CHANGE = 2  # D: the largest change to a published count, either way
VARIANCE = 1.0  # V: the variance of the perturbation (where the table allows it)
RELATIVE_CHANGE = 0.10  # sums and means: at most this share up or down


def effective_min_cell(min_cell: int | None) -> int:
    """The setting as applied: never below the floor, whatever the database or a caller says."""
    try:
        value = int(min_cell)
    except (TypeError, ValueError):
        return MIN_CELL_FLOOR
    return max(value, MIN_CELL_FLOOR)


def audience_for(role: str | None, settings: Mapping) -> str:
    """Viewers get protected figures unless a coordinator turned protection off (an audited setting);
    coordinators (and local mode's user) get exact ones: they already hold the rows."""
    from mentordash.access import COORDINATOR

    if role == COORDINATOR or not settings.get("protect_viewer_figures", True):
        return EXACT
    return PROTECTED


def check_audience(audience: str) -> str:
    if audience not in AUDIENCES:
        raise ValueError(f"audience must be one of {AUDIENCES}, not {audience!r}")
    return audience


# --- the perturbation table ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PerturbationRow:
    """For one true count: the possible changes and the cell-key interval [lower, upper) of each."""

    count: int
    changes: tuple[int, ...]
    probabilities: tuple[float, ...]
    upper: tuple[float, ...]  # cumulative probabilities: change i is drawn when key < upper[i]

    @property
    def mean(self) -> float:
        return float(np.dot(self.changes, self.probabilities))

    @property
    def variance(self) -> float:
        return float(np.dot(np.square(self.changes), self.probabilities)) - self.mean**2


def _max_entropy(changes: np.ndarray, variance: float) -> np.ndarray:
    """The most spread-out distribution on `changes` with mean 0 and variance at most `variance`
    (the maximum-entropy design of sdcTools' ptable), found with SLSQP."""
    from scipy.optimize import minimize

    if changes.min() >= 0:  # no way down: an unbiased change must be none
        return (changes == 0).astype(float)
    start = np.full(len(changes), 1 / len(changes))
    constraints = [
        {"type": "eq", "fun": lambda p: p.sum() - 1},
        {"type": "eq", "fun": lambda p: p @ changes},
        {"type": "ineq", "fun": lambda p: variance - p @ changes**2},
    ]
    result = minimize(
        lambda p: float(np.sum(p * np.log(p))),
        start,
        method="SLSQP",
        bounds=[(1e-9, 1)] * len(changes),
        constraints=constraints,
        options={"ftol": 1e-12, "maxiter": 500},
    )
    p = np.clip(result.x, 0, None)
    p = np.round(p / p.sum(), 9)
    return p / p.sum()


@functools.lru_cache(maxsize=16)
def perturbation_table(min_cell: int, max_change: int = MAX_CHANGE, variance: float = VARIANCE) -> tuple:
    """Rows for true counts min_cell .. min_cell + max_change (every larger count uses the last row).

    A true count i may be published as any j in [i - D, i + D] with j >= min_cell: never 0 and never 1 to
    min_cell - 1. Counts 1 to min_cell - 1 have no row: they are suppressed, as for every audience."""
    floor = effective_min_cell(min_cell)
    rows = []
    for count in range(floor, floor + max_change + 1):
        changes = np.array([v for v in range(-max_change, max_change + 1) if count + v >= floor])
        probabilities = _max_entropy(changes, variance)
        upper = np.cumsum(probabilities)
        upper[-1] = 1.0
        rows.append(
            PerturbationRow(
                count,
                tuple(int(v) for v in changes),
                tuple(float(p) for p in probabilities),
                tuple(float(u) for u in upper),
            )
        )
    return tuple(rows)


@functools.lru_cache(maxsize=16)
def _drawing_table(min_cell: int) -> tuple[int, np.ndarray, np.ndarray]:
    """perturbation_table(min_cell) as arrays for drawing every count at once: its first count, and each
    row's cumulative upper bounds and changes side by side (padded with bounds no fraction reaches)."""
    table = perturbation_table(min_cell)
    width = max(len(row.changes) for row in table)
    upper = np.full((len(table), width), np.inf)
    changes = np.zeros((len(table), width), dtype="int64")
    for index, row in enumerate(table):
        upper[index, : len(row.upper)] = row.upper
        changes[index, : len(row.changes)] = row.changes
    return table[0].count, upper, changes


def perturb(counts, keys, min_cell: int) -> np.ndarray:
    """Published counts for true counts with their cell keys (integers modulo 2^32). Zero stays zero and
    counts below min_cell are returned unchanged (suppress() hides them).

    Each count reads the row of perturbation_table for it (the last row for every larger count) and takes
    the change whose cumulative probability range holds its key's fraction: the first upper bound above the
    fraction (a row's bounds ascend, so that is the number of bounds at or below it), all counts at once."""
    counts = _numbers(counts).astype("int64")
    fractions = np.mod(_numbers(keys), KEY_MODULUS) / KEY_MODULUS
    first, upper, changes = _drawing_table(effective_min_cell(min_cell))
    out = counts.copy()
    chosen = np.flatnonzero(counts >= first)
    rows = np.minimum(counts[chosen] - first, len(upper) - 1)
    drawn = (upper[rows] <= fractions[chosen, None]).sum(axis=1)
    out[chosen] = counts[chosen] + changes[rows, drawn]
    return out


def _mix(keys: np.ndarray, salt: int) -> np.ndarray:
    """splitmix64 of key + salt, as a fraction in [0, 1): a second, independent draw from the same cell
    key, so that a sum's perturbation is not tied to its count's."""
    with np.errstate(over="ignore"):
        z = keys.astype(np.uint64) + np.uint64(salt) * np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) / float(2**53)


def perturb_magnitude(values, keys, salt: int = 1) -> np.ndarray:
    """Sums and means for viewers: the value times (1 + u), u uniform in [-RELATIVE_CHANGE, RELATIVE_CHANGE]
    drawn from the cell key (so the same contributors always give the same value). Missing stays missing."""
    values = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype="float64")
    keys = np.mod(pd.to_numeric(pd.Series(keys), errors="coerce").fillna(0).to_numpy(dtype="float64"), KEY_MODULUS)
    u = (2 * _mix(keys, salt) - 1) * RELATIVE_CHANGE
    return values * (1 + u)


# --- what a query's counts become for an audience --------------------------------------------------------


def publish_counts(
    frame: pd.DataFrame,
    audience: str,
    counts: Iterable[str],
    min_cell: int,
    magnitudes: Mapping[str, str] | None = None,
    at_most: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The counts a query returned, as `audience` may see them, with every key column dropped.

    `counts` name count columns, each with its key column beside it (c + '_key'). For PROTECTED they are
    replaced by their published values; `magnitudes` maps a sum or mean column to the count whose cell key
    draws its relative perturbation; `at_most` maps a count that is part of another (covered of n) to that
    whole, so that a published part never exceeds its published whole. For EXACT nothing changes but the key
    columns going."""
    check_audience(audience)
    if audience == PROTECTED and len(frame):
        published = _published(frame, counts, min_cell, magnitudes, at_most)
        return with_columns(frame, published, drop=[c for c in frame.columns if c.endswith(KEY_SUFFIX)])
    # the columns but the keys, by position (a quarter of what drop() costs on a frame of a few rows)
    return frame.take([i for i, c in enumerate(frame.columns) if not c.endswith(KEY_SUFFIX)], axis=1)


def _published(
    columns: Mapping,
    counts: Iterable[str],
    min_cell: int,
    magnitudes: Mapping[str, str] | None,
    at_most: Mapping[str, str] | None,
) -> dict[str, np.ndarray]:
    """The published values of the counts and magnitudes of `columns` (a frame, or a dict of arrays), each an
    array of its rows: what publish_counts and publish_record put in place of the true ones."""
    published = {column: perturb(columns[column], columns[column + KEY_SUFFIX], min_cell) for column in counts}
    for salt, (column, count) in enumerate((magnitudes or {}).items(), start=1):
        published[column] = perturb_magnitude(columns[column], columns[count + KEY_SUFFIX], salt)
    for part, whole in (at_most or {}).items():
        part_values, whole_values = (published.get(c, np.asarray(columns[c])) for c in (part, whole))
        published[part] = np.minimum(part_values, whole_values)
    return published


def publish_record(
    record: dict,
    audience: str,
    counts: Iterable[str],
    min_cell: int,
    magnitudes: Mapping[str, str] | None = None,
    at_most: Mapping[str, str] | None = None,
) -> dict:
    """publish_counts for one cell held as a dict."""
    check_audience(audience)
    if audience == EXACT:  # nothing changes but the keys going: no one-row frame (about 1 ms a headline cell)
        return {k: _python_value(v) for k, v in record.items() if not k.endswith(KEY_SUFFIX)}
    # each value as a one-value array (no one-row frame: about 1 ms a cell), published as a frame's rows are
    published = _published({k: np.asarray([v]) for k, v in record.items()}, counts, min_cell, magnitudes, at_most)
    return {
        k: _python_value(published[k][0] if k in published else v)
        for k, v in record.items()
        if not k.endswith(KEY_SUFFIX)
    }


def _python_value(value):
    """A numpy scalar as the Python value it holds (what a one-row frame's records give); others as they are."""
    return value.item() if hasattr(value, "item") else value


def total_of(frame: pd.DataFrame, counts: Iterable[str]) -> dict:
    """One cell from several rows of disjoint contributors: each count and its key summed (keys mod 2^32)."""
    total = {}
    for column in counts:
        total[column] = _exact_sum(frame[column])
        total[column + KEY_SUFFIX] = _exact_sum(frame[column + KEY_SUFFIX]) % KEY_MODULUS
    return total


def _exact_sum(values: pd.Series) -> int:
    """The sum of a column of whole numbers as a Python int: in int64 when it is a numpy integer column
    (counts and keys of a few hundred rows, far from overflowing), else through pd.to_numeric (missing ones,
    as a nullable Int64 may hold, skipped)."""
    if isinstance(values.dtype, np.dtype) and values.dtype.kind in "iu":
        return int(values.to_numpy(dtype="int64").sum())
    return int(pd.to_numeric(values).sum())


def key_sums(
    rows: pd.DataFrame,
    by: list[str],
    flags: Mapping[str, str | None],
    key: str = "record_key",
    sums: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Counts and their key sums from one row per record (for figures computed in pandas): for each
    output count name, the records where its flag column is true (None: every record). One row per
    combination of `by` (rows with a missing one in none), in the order each first appears, as
    `groupby(by, as_index=False, sort=False).sum()` gives them; summed in numpy with exact integers.
    With no `by`, one row for all the records (zeros when there are none). `sums`: output name -> an
    integer column summed per group beside the counts (a sum of person-days, of publications), in the
    same pass, after them."""
    if by:
        groups = _group_ids(rows, by)
        member = groups >= 0
        numbers, first = np.unique(groups[member], return_index=True)
        out = rows[by].iloc[np.flatnonzero(member)[first]].reset_index(drop=True)
        # the group-by infers a type for Python objects (strings, integers, booleans): so does a new Series
        out = with_columns(out, {c: pd.Series(out[c].tolist(), dtype=None) for c in by if out[c].dtype == object})
        size = len(numbers)
    else:
        groups, member, size = np.zeros(len(rows), dtype="int64"), np.ones(len(rows), dtype=bool), 1
        out = pd.DataFrame(index=pd.RangeIndex(1))
    groups = groups[member]
    record_keys = rows[key].astype("int64").to_numpy()
    columns = {}
    for name, flag in flags.items():
        chosen = np.ones(len(rows), dtype=bool) if flag is None else rows[flag].fillna(False).astype(bool).to_numpy()
        columns[name] = _sums(groups, chosen[member].astype("int64"), size)
        keys = _sums(groups, np.where(chosen, record_keys, 0)[member], size)
        columns[name + KEY_SUFFIX] = keys % KEY_MODULUS
    for name, column in (sums or {}).items():
        columns[name] = _sums(groups, rows[column].astype("int64").to_numpy()[member], size)
    return with_columns(out, columns)


def _sums(groups: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """The int64 sum of `values` per group number 0 .. size-1, exactly. Counts and record keys (0 .. 2^32-1)
    are summed as two bincounts of their 16-bit halves, each exact in float64 up to 2^37 rows (a bincount
    of whole keys would round past 2^53); anything else by np.add.at, exact and slower."""
    if len(values) and (values.min() < 0 or values.max() >= KEY_MODULUS):
        total = np.zeros(size, dtype="int64")
        np.add.at(total, groups, values)
        return total
    low = np.bincount(groups, weights=values & 0xFFFF, minlength=size).astype("int64")
    high = np.bincount(groups, weights=values >> 16, minlength=size).astype("int64")
    return (high << 16) + low


# --- suppression: what no audience may see ----------------------------------------------------------------


def suppress(
    frame: pd.DataFrame,
    n_col: str,
    value_cols: Iterable[str],
    min_cell: int,
    complementary: bool = False,
    within: list[str] | None = None,
    flag: str = "suppressed",
    exempt: str | None = None,
    audience: str = EXACT,
    numerators: Mapping[str, Iterable[str]] | None = None,
) -> pd.DataFrame:
    """Return a copy of `frame` with a `suppressed` column and the cells of small groups blanked.

    n_col holds each cell's denominator; value_cols are blanked (n_col too) where suppressed.
    With complementary=True, each breakdown (all rows, or each group of `within`) that has exactly
    one suppressed cell also suppresses its next smallest non-empty cell (EXACT only: published counts
    cannot be subtracted to a true one). `flag` names the flag column, so a row can hold two cells.
    `exempt` names a boolean column of cells never hidden for their size (an "unknown" count: missing
    data, not a group of people) that may still be taken as the complementary cell.
    `numerators` (PROTECTED only) maps a count column to the columns computed from it: where that count
    is 1 to min_cell - 1 it is blanked with them, since no published count may be that small.
    """
    check_audience(audience)
    floor = effective_min_cell(min_cell)
    counts = _numbers(frame[n_col])
    hide = (counts > 0) & (counts < floor)
    if exempt is not None:
        hide &= ~frame[exempt].astype(bool).to_numpy()
    if complementary and audience == EXACT and len(frame):
        hide = _complements(hide, counts, _group_ids(frame, within))
    columns = {col: _blanked_values(frame[col], hide) for col in [n_col, *value_cols] if col in frame.columns}
    columns[flag] = hide
    if audience == PROTECTED:
        for numerator, dependents in (numerators or {}).items():
            small = _numbers(columns.get(numerator, frame[numerator]))
            small = (small > 0) & (small < floor)
            for col in [numerator, *dependents]:
                if col in frame.columns:
                    columns[col] = _blanked_values(columns.get(col, frame[col]), small)
    return with_columns(frame, columns)


def _numbers(values: pd.Series | np.ndarray) -> np.ndarray:
    """Counts as float64, anything that is not a number as 0: what `pd.to_numeric(values, errors="coerce")
    .fillna(0)` gives, without its per-call machinery for a column that is numeric already, and straight
    from an integer array or column (what the queries return: no value is missing)."""
    array = values.to_numpy() if isinstance(values, pd.Series) and isinstance(values.dtype, np.dtype) else values
    if isinstance(array, np.ndarray) and array.dtype.kind in "iu":
        return array.astype("float64")
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if not pd.api.types.is_numeric_dtype(series.dtype):
        series = pd.to_numeric(series, errors="coerce")
    numbers = series.to_numpy(dtype="float64", na_value=np.nan, copy=True)
    numbers[np.isnan(numbers)] = 0
    return numbers


def _group_ids(frame: pd.DataFrame, within: list[str] | None) -> np.ndarray:
    """Each row's breakdown: a number per distinct combination of the `within` columns (all rows one breakdown
    without them), -1 for a row with a missing value in any of them (in no breakdown), as
    `frame.groupby(within, sort=False, dropna=True).ngroup()` numbers them, at a fraction of its cost."""
    if not within:
        return np.zeros(len(frame), dtype="int64")
    combined = np.zeros(len(frame), dtype="int64")
    missing = np.zeros(len(frame), dtype=bool)
    for column in within:
        codes, uniques = pd.factorize(frame[column], use_na_sentinel=True)
        missing |= codes < 0
        combined = combined * (len(uniques) + 1) + codes
    ids = np.full(len(frame), -1, dtype="int64")
    ids[~missing] = pd.factorize(combined[~missing])[0]
    return ids


def blanked(column: pd.Series, hide: pd.Series | np.ndarray) -> pd.Series:
    """The column as Python objects with None where `hide` (a mask of the same rows, in order): what
    `column.astype("object").where(~hide, None)` gives, without pandas' alignment and per-call machinery,
    which cost about 0.3 ms a column on every figure of a page (tests/test_privacy.py checks them equal)."""
    return pd.Series(_blanked_values(column, hide), index=column.index, name=column.name, dtype=object)


def _blanked_values(values: pd.Series | np.ndarray, hide: pd.Series | np.ndarray) -> np.ndarray:
    """blanked()'s values, as an array of Python objects."""
    values = values.to_numpy(dtype=object, copy=True) if isinstance(values, pd.Series) else values.astype(object)
    values[np.asarray(hide, dtype=bool)] = None
    return values


def _complements(hidden: np.ndarray, value: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Complementary suppression, every breakdown at once and by position (the frame's labels play no part):
    in each breakdown (`group`, a number a breakdown, _group_ids; rows of -1 are in none) with exactly one
    hidden cell, the smallest non-empty visible cell is hidden too, the first in row order among equals."""
    member = group >= 0
    hidden_in = np.bincount(group[member], weights=hidden[member], minlength=int(group.max()) + 1)
    lone = np.zeros(len(group), dtype=bool)
    lone[member] = hidden_in[group[member]] == 1
    candidate = np.flatnonzero(lone & ~hidden & (value > 0))
    if not len(candidate):
        return hidden
    ordered = candidate[np.lexsort((candidate, value[candidate], group[candidate]))]
    first = ordered[np.r_[True, group[ordered][1:] != group[ordered][:-1]]]
    hidden = hidden.copy()
    hidden[first] = True
    return hidden


def suppress_record(
    record: dict,
    n_key: str,
    value_keys: Iterable[str],
    min_cell: int,
    audience: str = EXACT,
    numerators: Mapping[str, Iterable[str]] | None = None,
) -> dict:
    """The same rule for one cell held as a dict (a headline number)."""
    check_audience(audience)
    floor = effective_min_cell(min_cell)
    out = dict(record)
    n = out.get(n_key) or 0
    hidden = 0 < n < floor
    out["suppressed"] = bool(hidden)
    if hidden:
        for key in (n_key, *value_keys):
            out[key] = None
    if audience == PROTECTED:
        for numerator, dependents in (numerators or {}).items():
            value = out.get(numerator) or 0
            if 0 < value < floor:
                for key in (numerator, *dependents):
                    out[key] = None
    return out


# --- the gate the app goes through ------------------------------------------------------------------------


@functools.lru_cache(maxsize=256)  # asked on every cached() call of every page run
def takes_audience(func: Callable) -> bool:
    return "audience" in inspect.signature(func).parameters


def figure_free(func: Callable) -> Callable:
    """Mark a metrics function that returns no figure about people (a window, a list of cycles, the
    benchmark table): the app may call it for any audience without an `audience` argument."""
    func.figure_free = True
    return func


def gate(func: Callable, audience: str, kwargs: dict) -> dict:
    """The keyword arguments with which the app may call a metrics function for `audience`: figures carry
    the audience; a function that returns figures but takes no audience is refused for viewers."""
    check_audience(audience)
    if takes_audience(func):
        return {**kwargs, "audience": audience}
    if audience == PROTECTED and not getattr(func, "figure_free", False):
        raise PermissionError(f"{func.__module__}.{func.__qualname__} does not publish protected figures")
    return kwargs


def protection_note(max_change: int = MAX_CHANGE) -> str:
    return (
        f"Figures are protected: each count may differ from the exact count by up to {max_change}, so that "
        "no two views can be subtracted to reveal a small group. Shares and intervals are computed from "
        f"the protected counts; sums and means may differ by up to {round(100 * RELATIVE_CHANGE)}%. "
        "Totals are protected on their own, so they need not add up exactly to their parts."
    )


def same_chance(min_cell: int) -> float:
    """For two large cells that differ in a few contributors, the chance that their published difference
    equals the true one: the sum over changes v of p(v)^2 (their perturbations are independent draws)."""
    row = perturbation_table(effective_min_cell(min_cell))[-1]
    return float(sum(p * p for p in row.probabilities))
