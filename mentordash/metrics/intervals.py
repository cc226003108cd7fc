"""Confidence intervals for proportions."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

Z_95 = 1.959963984540054


def wilson(successes: int | None, n: int | None, z: float = Z_95) -> tuple[float | None, float | None]:
    """The 95% Wilson score interval for successes/n, as proportions in [0, 1] (None when n is 0)."""
    if not n or successes is None:
        return (None, None)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


def wilson_pct(successes: int | None, n: int | None, digits: int = 1) -> tuple[float | None, float | None]:
    """The 95% Wilson interval for successes/n in percent, each bound rounded to `digits` as pct rounds
    (None, None when n is 0 or missing): the ci_low and ci_high of every share the metrics publish."""
    low, high = wilson(successes, n)
    if low is None or high is None:
        return (None, None)
    return (round(100 * low, digits), round(100 * high, digits))


def pct(part: int | None, whole: int | None, digits: int = 1) -> float | None:
    """A percentage rounded as the summary contract prints it (None when the whole is 0 or missing)."""
    if not whole or part is None:
        return None
    return round(100.0 * part / whole, digits)


def shares_pct(parts, wholes, digits: int = 1) -> tuple[list, list, list]:
    """pct and wilson_pct over two columns of counts (any iterables of ints, None or NaN where a count is
    hidden): the (pct, ci_low, ci_high) lists. The arithmetic runs on whole columns with the very steps of
    the scalar functions above (each an IEEE operation on the same values, the integer products exact), and
    every value is rounded as round() rounds it (_rounded), so a frame of ten thousand cells gets the very
    same numbers without a Python call per cell."""
    part, part_known = _counts(parts)
    whole, whole_known = _counts(wholes)
    ok = part_known & whole_known & (whole != 0)
    n = np.where(ok, whole, 1)
    s = np.where(ok, part, 0)
    p = s / n
    zz = Z_95 * Z_95
    denominator = 1 + zz / n
    centre = (p + zz / (2 * n)) / denominator
    half = Z_95 * np.sqrt(p * (1 - p) / n + zz / (4 * n * n)) / denominator
    low = 100 * np.maximum(0.0, centre - half)
    high = 100 * np.minimum(1.0, centre + half)
    share = 100.0 * s / n
    return tuple(np.where(ok, _rounded(values, digits), None).tolist() for values in (share, low, high))


def _rounded(values: np.ndarray, digits: int) -> np.ndarray:
    """round(v, digits) for each value, as Python rounds it (the double nearest the correctly rounded
    decimal). Away from a tie, rint of the scaled value picks the same last digit, and dividing back is the
    nearest double to it; the rare value within a hair of a tie is rounded by round() itself."""
    scaled = values * 10.0**digits
    rounded = np.rint(scaled) / 10.0**digits
    near_tie = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6
    for i in np.flatnonzero(near_tie):
        rounded[i] = round(float(values[i]), digits)
    return rounded


def _counts(values) -> tuple[np.ndarray, np.ndarray]:
    """A column of counts as int64 (0 where missing) and whether each is known (not None or NaN: a hidden
    count)."""
    if isinstance(values, (pd.Series, np.ndarray)) and isinstance(values.dtype, np.dtype) and values.dtype.kind in "iu":
        # nothing hidden: a numpy column of whole counts as it is (a nullable Int64 may hold missing ones)
        numbers = np.asarray(values, dtype="int64")
        return numbers, np.ones(len(numbers), dtype=bool)
    if isinstance(values, list) and all(type(v) is int for v in values):
        # nothing hidden: Python ints, as coverage's rates pass them (a Series and to_numeric cost ~0.3 ms)
        return np.array(values, dtype="int64"), np.ones(len(values), dtype=bool)
    numbers = pd.to_numeric(pd.Series(values, dtype=object), errors="raise")
    known = numbers.notna().to_numpy()
    return numbers.fillna(0).to_numpy(dtype="int64"), known
