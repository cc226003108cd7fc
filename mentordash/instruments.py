"""Scoring of the burnout and wellbeing instruments (docs/instruments.md), as SQL over the survey table.

Each instrument names its items (canonical survey columns), their range, and its rule. A response is
scoreable for an instrument only when it holds every item in range; cut-offs are bound parameters
taken from settings (`db.settings()["cutoffs"]`), so a coordinator's change applies everywhere at once.

A *measure* is one yes/no figure computed over the responses scoreable for it: burnout by each
instrument, and alongside it professional fulfillment (PFI), low personal accomplishment (MBI),
satisfaction, stress and intent to leave. Every measure carries the rule it applies in words, with
the cut-offs filled in, so that each figure can name its instrument and rule.

Notes on choices the spec leaves open:
- PFI: the instrument is its 16 items; a response missing any of them is not scoreable for the PFI,
  neither for burnout (10 WE + ID items) nor for professional fulfillment (6 PF items).
- MBI low accomplishment: the PA items are optional; the measure counts responses that hold the full
  MBI (EE and DP items) and all 8 PA items in range. It is never counted as burnout.
- Means are compared exactly: the sum is cast to DOUBLE and divided by the item count, so a mean
  equal to the cut-off (e.g. 14 / 10 = 1.4 against 1.4) meets it.
"""

from __future__ import annotations

from dataclasses import dataclass


def _items(prefix: str, count: int) -> tuple[str, ...]:
    return tuple(f"{prefix}_{i}" for i in range(1, count + 1))


def _in_range(items: tuple[str, ...], low: int, high: int) -> str:
    return "(" + " AND ".join(f"{{a}}.{item} BETWEEN {low} AND {high}" for item in items) + ")"


def _sum(items: tuple[str, ...]) -> str:
    return "(" + " + ".join(f"CAST({{a}}.{item} AS INTEGER)" for item in items) + ")"


def _mean(items: tuple[str, ...]) -> str:
    return f"(CAST({_sum(items)} AS DOUBLE) / {len(items)})"


@dataclass(frozen=True)
class Instrument:
    key: str
    name: str
    items: tuple[str, ...]
    low: int
    high: int
    burned_out: str  # SQL over the items ({a} is the table alias); cut-offs as $c_<name> parameters
    rule: str  # the rule in words, with {cut-off} placeholders

    def scoreable_sql(self, alias: str = "r") -> str:
        """True when every item is present and in range (NULL counts as missing)."""
        return _in_range(self.items, self.low, self.high).replace("{a}", alias)

    def describe(self, cutoffs: dict) -> str:
        """'Mini-Z, burnout = item 3 of 5 or worse': the instrument and its rule, as every figure names it."""
        return f"{self.name}, burnout = {self.rule.format(**cutoffs)}"


MBI_EE = _items("mbi_ee", 9)
MBI_DP = _items("mbi_dp", 5)
MBI_PA = _items("mbi_pa", 8)
PFI_PF = _items("pfi_pf", 6)
PFI_WE = _items("pfi_we", 4)
PFI_ID = _items("pfi_id", 6)

INSTRUMENTS: dict[str, Instrument] = {
    "mini_z": Instrument(
        "mini_z",
        "Mini-Z",
        ("mini_z_burnout",),
        1,
        5,
        "{a}.mini_z_burnout >= $c_mini_z_burnout",
        "burnout item {mini_z_burnout} of 5 or worse",
    ),
    "mbi_single": Instrument(
        "mbi_single",
        "Single-item MBI",
        ("mbi_ee_item", "mbi_dp_item"),
        0,
        6,
        "({a}.mbi_ee_item >= $c_mbi_single OR {a}.mbi_dp_item >= $c_mbi_single)",
        "exhaustion or depersonalization item {mbi_single} or more of 0-6 (weekly or more often)",
    ),
    "mbi_full": Instrument(
        "mbi_full",
        "MBI-HSS",
        MBI_EE + MBI_DP,
        0,
        6,
        f"({_sum(MBI_EE)} >= $c_mbi_ee_sum OR {_sum(MBI_DP)} >= $c_mbi_dp_sum)",
        "emotional exhaustion sum {mbi_ee_sum} or more, or depersonalization sum {mbi_dp_sum} or more",
    ),
    "pfi": Instrument(
        "pfi",
        "PFI",
        PFI_PF + PFI_WE + PFI_ID,
        0,
        4,
        f"({_mean(PFI_WE + PFI_ID)} >= CAST($c_pfi_burnout_mean AS DOUBLE))",
        "mean of the 10 work-exhaustion and disengagement items {pfi_burnout_mean} or more (of 0-4)",
    ),
}


@dataclass(frozen=True)
class Measure:
    """A yes/no figure over the responses scoreable for it (the share that are 'positive')."""

    key: str
    label: str  # what the share is of: "Burnout", "Career satisfaction"
    instrument: str  # instrument key (for benchmarks); "" for a stand-alone item
    source: str  # the instrument or item named beside the figure
    scoreable: str  # SQL ({a} alias)
    positive: str  # SQL ({a} alias); cut-offs as $c_<name>
    rule: str  # in words, with {cut-off} placeholders
    positive_word: str  # "burned out", "satisfied": the y axis says "% <positive_word>"
    kind: str  # "burnout" or "wellbeing"
    higher_is_better: bool

    def scoreable_sql(self, alias: str = "r") -> str:
        return self.scoreable.replace("{a}", alias)

    def positive_sql(self, alias: str = "r") -> str:
        return self.positive.replace("{a}", alias)

    def describe(self, cutoffs: dict) -> str:
        """'Mini-Z, burnout = burnout item 3 of 5 or worse', 'PFI, professionally fulfilled = ...'."""
        word = "burnout" if self.kind == "burnout" else self.positive_word
        return f"{self.source}, {word} = {self.rule.format(**cutoffs)}"


def _burnout_measure(inst: Instrument) -> Measure:
    return Measure(
        inst.key,
        "Burnout",
        inst.key,
        inst.name,
        _in_range(inst.items, inst.low, inst.high),
        inst.burned_out,
        inst.rule,
        "burned out",
        "burnout",
        higher_is_better=False,
    )


def _item_measure(key, label, item, low, high, cutoff, source, rule, word, better=True) -> Measure:
    return Measure(
        key,
        label,
        "",
        source,
        f"({{a}}.{item} BETWEEN {low} AND {high})",
        f"{{a}}.{item} >= $c_{cutoff}",
        rule,
        word,
        "wellbeing",
        better,
    )


MEASURES: dict[str, Measure] = {key: _burnout_measure(inst) for key, inst in INSTRUMENTS.items()}
MEASURES.update(
    {
        "pfi_fulfilled": Measure(
            "pfi_fulfilled",
            "Professional fulfillment",
            "pfi",
            "PFI",
            _in_range(INSTRUMENTS["pfi"].items, 0, 4),
            f"({_mean(PFI_PF)} >= CAST($c_pfi_fulfilled_mean AS DOUBLE))",
            "mean of the 6 fulfillment items {pfi_fulfilled_mean} or more (of 0-4)",
            "professionally fulfilled",
            "wellbeing",
            True,
        ),
        "mbi_low_pa": Measure(
            "mbi_low_pa",
            "Low personal accomplishment",
            "mbi_full",
            "MBI-HSS",
            "(" + _in_range(MBI_EE + MBI_DP, 0, 6) + " AND " + _in_range(MBI_PA, 0, 6) + ")",
            f"({_sum(MBI_PA)} <= $c_mbi_pa_sum)",
            "personal accomplishment sum {mbi_pa_sum} or less (reported apart, not counted as burnout)",
            "low accomplishment",
            "wellbeing",
            False,
        ),
        "mini_z_satisfied": _item_measure(
            "mini_z_satisfied",
            "Job satisfaction",
            "mini_z_satisfaction",
            1,
            5,
            "satisfied",
            "Mini-Z satisfaction item",
            "answer {satisfied} or more of 5 (agree)",
            "satisfied",
        ),
        "mini_z_high_stress": _item_measure(
            "mini_z_high_stress",
            "High stress",
            "mini_z_stress",
            1,
            5,
            "high_stress",
            "Mini-Z stress item",
            "answer {high_stress} or more of 5",
            "high stress",
            better=False,
        ),
        "career_satisfied": _item_measure(
            "career_satisfied",
            "Career satisfaction",
            "career_satisfaction",
            1,
            5,
            "satisfied",
            "Career satisfaction item",
            "answer {satisfied} or more of 5",
            "satisfied",
        ),
        "mentorship_satisfied": _item_measure(
            "mentorship_satisfied",
            "Mentorship satisfaction",
            "mentorship_satisfaction",
            1,
            5,
            "satisfied",
            "Mentorship satisfaction item",
            "answer {satisfied} or more of 5",
            "satisfied",
        ),
        "intent_to_leave": Measure(
            "intent_to_leave",
            "Intent to leave",
            "",
            "Intent-to-leave item",
            "({a}.intent_to_leave IS NOT NULL)",
            "{a}.intent_to_leave",
            "answered yes",
            "intending to leave",
            "wellbeing",
            False,
        ),
    }
)
MEASURE_ORDER = tuple(MEASURES)
BURNOUT_MEASURES = tuple(k for k in MEASURE_ORDER if MEASURES[k].kind == "burnout")
WELLBEING_MEASURES = tuple(k for k in MEASURE_ORDER if MEASURES[k].kind == "wellbeing")


def cutoff_params(cutoffs: dict) -> dict:
    """The $c_* parameters every expression may use (numbers only: a cut-off is never SQL text)."""
    return {f"c_{name}": float(value) for name, value in cutoffs.items()}


def measure_flags(alias: str = "f", keys: tuple[str, ...] = MEASURE_ORDER) -> str:
    """Per-response flags, each expression evaluated once: s__<key> (scoreable) and p__<key> (positive by the
    cut-off, meaningful only where scoreable: measure_counts counts `s__ AND p__`, so the long scoreable
    test of a many-item scale is not evaluated twice per response)."""
    parts = []
    for key in keys:
        m = MEASURES[key]
        parts.append(f"coalesce({m.scoreable_sql(alias)}, FALSE) AS s__{key}")
        parts.append(f"coalesce({m.positive_sql(alias)}, FALSE) AS p__{key}")
    return ",\n           ".join(parts)


def measure_counts(keys: tuple[str, ...] = MEASURE_ORDER) -> str:
    """Counts of the flags: n__<key> (scoreable responses) and pos__<key> (positive ones), each with its
    cell key (kn__<key>, kpos__<key>: the responses' record keys `rk` summed modulo 2^32, docs/privacy.md),
    stored in 32 bits (a count of responses, a key below 2^32): half the memory of a kept summary. Written
    as plain sums of the flags as 0/1 (never NULL: measure_flags coalesces them), which DuckDB aggregates a
    third faster than count_if and FILTER clauses over millions of responses."""
    return ",\n       ".join(
        f"sum(s__{key}::INTEGER)::INTEGER AS n__{key}, sum((s__{key} AND p__{key})::INTEGER)::INTEGER AS pos__{key}, "
        f"cell_key(sum(rk::BIGINT * s__{key}::BIGINT))::UINTEGER AS kn__{key}, "
        f"cell_key(sum(rk::BIGINT * (s__{key} AND p__{key})::BIGINT))::UINTEGER AS kpos__{key}"
        for key in keys
    )


def measure_sums(keys: tuple[str, ...] = MEASURE_ORDER) -> str:
    """sum() of the n__/pos__ columns of a first aggregation (rolling finer groups up into coarser ones), as
    BIGINT: DuckDB sums integers as HUGEINT, which reaches pandas as a column of Python Decimals (half the
    by-group breakdown's time at consortium scale went to making and reading them)."""
    return ",\n       ".join(
        f"sum(n__{key})::BIGINT AS n__{key}, sum(pos__{key})::BIGINT AS pos__{key}, "
        f"cell_key(sum(kn__{key})) AS kn__{key}, cell_key(sum(kpos__{key})) AS kpos__{key}"
        for key in keys
    )
