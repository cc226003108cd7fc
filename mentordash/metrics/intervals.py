"""Confidence intervals for proportions."""

from __future__ import annotations

import math

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
    """pct and wilson_pct over two columns of counts (any iterables of ints): the (pct, ci_low, ci_high)
    lists, each pair of counts computed once by the scalar functions above, so a frame of thousands of
    cells costs as many distinct pairs (few) and gets the very same numbers."""
    pairs = list(zip(_ints(parts), _ints(wholes)))
    memo = {pair: (pct(*pair, digits=digits), *wilson_pct(*pair, digits=digits)) for pair in set(pairs)}
    values = [memo[pair] for pair in pairs]
    return [v[0] for v in values], [v[1] for v in values], [v[2] for v in values]


def _ints(values) -> list:
    """Python ints from a column of counts, None where a count is missing (None or NaN: a hidden count)."""
    items = values.tolist() if hasattr(values, "tolist") else list(values)
    return [None if v is None or v != v else int(v) for v in items]
