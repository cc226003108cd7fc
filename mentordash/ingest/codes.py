"""Choice codes and their labels, for the value mapping of one column (issue 14).

A numeric ("values") export holds codes where labels are expected: Qualtrics' numeric export, a REDCap raw
export without its data dictionary, SurveyMonkey's numerical values. The mapping's [values.<column>]
tables say what each code means (docs/datasets.md); this module lists, for one column, every code the
file holds (a multiple-answer cell "1,3" split into its codes), its label where the file or a data
dictionary gives one, how many rows hold it, and what it means with the mapping as it stands, so that
the data page (or a script) can offer one choice per code. `with_meaning` records a choice.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

import pyarrow.compute as pc

from mentordash.ingest import schema
from mentordash.ingest.formats import Layout
from mentordash.ingest.mapping import Dictionary, Mapping
from mentordash.ingest.values import Resolver

MAX_CHOICES = 200  # more distinct values than this is free text, not a choice
CODE = re.compile(r"^\d+$")


@dataclass(frozen=True)
class CodeChoice:
    value: str  # as the file holds it (one code of a multiple-answer cell)
    label: str  # its label: the data dictionary's, a checkbox column's option text; else the value itself
    rows: int  # how many rows hold it
    meaning: str | None  # the canonical value it stands for with the mapping as it is; None: nothing maps it


def canonical_choices(dataset: str, canonical: str) -> list[str]:
    """What a value of this column may mean (the choices offered beside each code)."""
    col = schema.column(dataset, canonical)
    if col.kind == "bool":
        return ["true", "false"]
    if col.kind == "int":
        return [str(n) for n in range(col.low, col.high + 1)]
    return list(col.choices)


def code_choices(
    layout: Layout, mapping: Mapping, canonical: str, source: str | None = None, dictionary: Dictionary | None = None
) -> list[CodeChoice]:
    """Every value (code) `source` (default: the column the mapping names) holds, in code order, with its
    label, its row count and its meaning; [] for a column that is not one of choices or not in the file."""
    source = source or mapping.columns.get(canonical)
    column = layout.column(source) if source else None
    col = schema.column(mapping.dataset, canonical)
    if column is None or col.kind in ("text", "date", "datetime"):
        return []
    entry = (dictionary or {}).get(source)
    labels = dict(entry.choices) if entry else {}
    for code, _, label in column.members:
        labels.setdefault(code, label)
    element = col if col.kind != "list" else schema.Column(col.name, "enum", choices=col.choices)
    resolver = Resolver(element, mapping.values.get(canonical), labels, layout.multi_separator)
    counts: Counter[str] = Counter()
    if column.members:
        for code, member, _ in column.members:
            ticked = pc.utf8_trim_whitespace(layout.data[member])
            counts[code] = int(pc.sum(pc.and_(pc.not_equal(ticked, ""), pc.not_equal(ticked, "0"))).as_py() or 0)
    else:
        distinct = pc.value_counts(pc.utf8_trim_whitespace(layout.data[source]))
        for item in distinct.to_pylist():
            value, n = item["values"], item["counts"]
            if not value:
                continue
            for piece in _pieces(value, col.kind, layout.multi_separator):
                counts[piece] += n
    if len(counts) > MAX_CHOICES:
        return []
    ordered = sorted(counts, key=lambda v: (0, int(v), v) if CODE.match(v) else (1, 0, v.lower()))
    return [CodeChoice(v, labels.get(v, v), counts[v], _meaning(resolver, v)) for v in ordered]


def _pieces(value: str, kind: str, separator: str) -> list[str]:
    """A list column's cell of codes ("1,3", "1;3;") is several codes; anything else is one value."""
    if kind != "list":
        return [value]
    for sep in dict.fromkeys([separator.strip() or separator, ",", ";"]):
        parts = [p.strip() for p in value.split(sep)]
        if len(parts) > 1 and all(CODE.match(p) for p in parts if p):
            return [p for p in parts if p]
    return [value]


def _meaning(resolver: Resolver, value: str) -> str | None:
    found = resolver.try_resolve(value)
    if found is None:
        return None
    return str(found).lower() if isinstance(found, bool) else str(found)


def with_meaning(mapping: Mapping, canonical: str, value: str, meaning: str | None) -> Mapping:
    """The mapping with `value` of `canonical` meaning `meaning` (None: no longer mapped)."""
    if meaning is not None and meaning not in canonical_choices(mapping.dataset, canonical):
        raise ValueError(
            f"{meaning!r} is not a value of {canonical}: use one of {canonical_choices(mapping.dataset, canonical)}"
        )
    table = {k: [v for v in vs if v != value] for k, vs in mapping.values.get(canonical, {}).items()}
    if meaning is not None:
        table.setdefault(meaning, []).append(value)
    values = {**mapping.values, canonical: {k: vs for k, vs in table.items() if vs}}
    return replace(mapping, values=values)


def numeric_columns(layout: Layout, mapping: Mapping, dictionary: Dictionary | None = None) -> dict[str, list[str]]:
    """canonical -> the codes nothing maps yet, for each mapped column of choices that holds codes only."""
    found = {}
    for canonical in mapping.columns:
        col = schema.column(mapping.dataset, canonical)
        if col.kind not in ("enum", "list", "bool"):
            continue
        choices = code_choices(layout, mapping, canonical, dictionary=dictionary)
        if choices and all(CODE.match(c.value) for c in choices):
            open_codes = [c.value for c in choices if c.meaning is None]
            if open_codes:
                found[canonical] = open_codes
    return found
