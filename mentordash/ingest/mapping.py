"""The mapping file of docs/datasets.md: which source column holds which canonical column, which source
values mean which canonical values; its TOML form; and the suggestion built from headers, question
text, a REDCap data dictionary and synonyms.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field

import pyarrow.compute as pc

from mentordash.ingest import schema
from mentordash.ingest.formats import FORMATS, Layout, SourceColumn
from mentordash.ingest.values import Resolver

DICTIONARY_FIELD = "Variable / Field Name"
DICTIONARY_TYPE = "Field Type"
DICTIONARY_LABEL = "Field Label"
DICTIONARY_CHOICES = "Choices, Calculations, OR Slider Labels"
FIXED_CHOICES = {"yesno": {"1": "Yes", "0": "No"}, "truefalse": {"1": "True", "0": "False"}}
MAX_SUGGESTED_VALUES = 200  # more distinct values than this is free text, not a choice


class MappingError(ValueError):
    """A mapping file that cannot be used as written."""


@dataclass
class Mapping:
    dataset: str
    format: str = "auto"
    columns: dict[str, str] = field(default_factory=dict)  # canonical column -> source column
    constants: dict[str, str] = field(default_factory=dict)  # canonical column -> value for every row
    values: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # column -> canonical -> sources
    date_order: str | None = None  # mdy | dmy, when the file's dates are ambiguous


@dataclass
class DictionaryField:
    field_type: str
    label: str
    choices: dict[str, str]  # code -> label


Dictionary = dict[str, DictionaryField]


# --- TOML ----------------------------------------------------------------------------------------
def loads(text: str) -> Mapping:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise MappingError(f"The mapping file is not valid TOML: {error}") from None
    dataset = data.pop("dataset", None)
    if dataset not in schema.DATASETS:
        raise MappingError(f"The mapping's dataset must be one of {', '.join(schema.DATASETS)}, not {dataset!r}.")
    canonical = {c.name for c in schema.columns(dataset)}
    mapping = Mapping(dataset, str(data.pop("format", "auto")))
    if mapping.format not in ("auto", *FORMATS):
        raise MappingError(f"Unknown format {mapping.format!r} in the mapping.")
    mapping.date_order = data.pop("date_order", None)
    if mapping.date_order not in (None, "mdy", "dmy"):
        raise MappingError('date_order must be "mdy" or "dmy".')
    mapping.columns = _checked_strings(data.pop("columns", {}), canonical, "[columns]")
    mapping.values = _checked_values(data.pop("values", {}), canonical)
    mapping.constants = _checked_strings(data, canonical, "the top level")
    return mapping


def _checked_strings(table: dict, canonical: set[str], where: str) -> dict[str, str]:
    for key, value in table.items():
        if key not in canonical:
            raise MappingError(f"{key!r} in {where} is not a column of this dataset.")
        if not isinstance(value, (str, int, float, bool)):
            raise MappingError(f"{key!r} in {where} must be a single value.")
    return {key: str(value) for key, value in table.items()}


def _checked_values(tables: dict, canonical: set[str]) -> dict[str, dict[str, list[str]]]:
    checked = {}
    for column, table in tables.items():
        if column not in canonical or not isinstance(table, dict):
            raise MappingError(f"[values.{column}] does not name a column of this dataset.")
        checked[column] = {str(k): [str(x) for x in (v if isinstance(v, list) else [v])] for k, v in table.items()}
    return checked


def dumps(mapping: Mapping) -> str:
    lines = [f"dataset = {_quote(mapping.dataset)}", f"format = {_quote(mapping.format)}"]
    if mapping.date_order:
        lines.append(f"date_order = {_quote(mapping.date_order)}")
    lines += [f"{key} = {_quote(value)}" for key, value in mapping.constants.items()]
    lines += ["", "[columns]"] + [f"{key} = {_quote(source)}" for key, source in mapping.columns.items()]
    for column, table in mapping.values.items():
        if table:
            lines += ["", f"[values.{column}]"]
            lines += [f"{_quote(k)} = [{', '.join(_quote(s) for s in v)}]" for k, v in table.items()]
    return "\n".join(lines) + "\n"


def _quote(text: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's."""
    return json.dumps(str(text), ensure_ascii=False)


# --- REDCap data dictionary ----------------------------------------------------------------------
def dictionary_from_rows(rows: list[dict[str, str]]) -> Dictionary:
    found = {}
    for row in rows:
        name = (row.get(DICTIONARY_FIELD) or "").strip()
        if not name:
            continue
        field_type = (row.get(DICTIONARY_TYPE) or "").strip()
        choices = FIXED_CHOICES.get(field_type) or parse_choices(row.get(DICTIONARY_CHOICES) or "")
        found[name] = DictionaryField(field_type, _strip_tags(row.get(DICTIONARY_LABEL) or ""), choices)
    return found


def parse_choices(text: str) -> dict[str, str]:
    """`1, Female | 2, Male`: split on ' | ', then on the first ', ' only (labels may hold commas)."""
    choices = {}
    for part in text.split("|"):
        code, _, label = part.strip().partition(",")
        if code.strip() and label.strip():
            choices[code.strip()] = label.strip()
    return choices


def _strip_tags(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text).strip()


# --- suggestion ----------------------------------------------------------------------------------
def suggest(layout: Layout, dataset: str, dictionary: Dictionary | None = None) -> Mapping:
    """The mapping a coordinator would most likely pick, from names, questions, labels and synonyms."""
    mapping = Mapping(dataset, layout.format)
    members = {member for c in layout.columns for _, member, _ in c.members}
    taken: set[str] = set()
    candidates = []
    for col in schema.columns(dataset):
        for source in layout.columns:
            if col.kind == "list" and source.name in members:
                continue  # one choice of a checkbox group is not the whole list
            score = _score(col, source, layout, dictionary or {})
            if score:
                candidates.append((score, col.name, source.name))
    for _, canonical, source in sorted(candidates, key=lambda c: -c[0]):
        if canonical not in mapping.columns and source not in taken:
            mapping.columns[canonical] = source
            taken.add(source)
    mapping.columns = {c.name: mapping.columns[c.name] for c in schema.columns(dataset) if c.name in mapping.columns}
    for canonical, source in mapping.columns.items():
        table, _ = suggest_values(layout, dataset, canonical, source, dictionary)
        if table:
            mapping.values[canonical] = table
    return mapping


def _score(col: schema.Column, source: SourceColumn, layout: Layout, dictionary: Dictionary) -> int:
    if source.members and col.kind != "list":
        return 0  # a checkbox group holds a list, never a single value
    if layout.roles.get(col.name) == source.name:
        return 100
    texts = [schema.norm(t) for t in (source.name, source.question, _label(dictionary, source.name)) if t]
    if schema.norm(col.name) in texts or col.name == source.name:
        return 95
    synonyms = [schema.norm(s) for s in schema.COLUMN_SYNONYMS.get(col.name, ())]
    exact = [i for i, s in enumerate(synonyms) if s in texts]
    if exact:
        return 90 - min(exact[0], 9)  # earlier synonyms are the likelier meaning ("race" before "ethnicity")
    # norm() leaves words of [a-z0-9] between single spaces: a whole-word match is a padded substring
    padded = [f" {t} " for t in texts]
    contained = [len(s) for s in synonyms if len(s) >= 4 and any(f" {s} " in t for t in padded)]
    return 50 + min(max(contained), 30) if contained else 0


def _label(dictionary: Dictionary, name: str) -> str:
    entry = dictionary.get(name)
    return entry.label if entry else ""


def source_values(layout: Layout, source: str, dictionary: Dictionary | None = None) -> list[tuple[str, str]]:
    """(value as the file holds it, its label) for every choice a source column can hold."""
    column = layout.column(source)
    if column is None:
        return []
    entry = (dictionary or {}).get(source)
    if column.members:
        labels = entry.choices if entry else {}
        return [(code, labels.get(code, label)) for code, _, label in column.members]
    if entry and entry.choices:
        return list(entry.choices.items())
    distinct = pc.unique(pc.utf8_trim_whitespace(layout.data[source])).to_pylist()
    values = [v for v in distinct if v]
    if len(values) > MAX_SUGGESTED_VALUES:
        return []
    return [(v, v) for v in sorted(values)]


def suggest_values(
    layout: Layout, dataset: str, canonical: str, source: str, dictionary: Dictionary | None = None
) -> tuple[dict[str, list[str]], list[tuple[str, str]]]:
    """A [values.*] table for the choices that need one, and the (value, label) choices nothing maps."""
    col = schema.column(dataset, canonical)
    if col.kind in ("text", "date", "datetime"):
        return {}, []
    plain = Resolver(col, {}, separator=layout.multi_separator)
    table: dict[str, list[str]] = {}
    unmapped = []
    for value, label in source_values(layout, source, dictionary):
        if plain.try_resolve(value) is not None:
            continue  # already means itself
        meant = plain.try_resolve(label)
        if meant is None or isinstance(meant, list) and col.kind == "list" and len(meant) != 1:
            unmapped.append((value, label))
            continue
        key = _canonical_key(meant[0] if isinstance(meant, list) else meant)
        table.setdefault(key, []).append(value)
    return table, unmapped


def _canonical_key(value) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def fits(mapping: Mapping, layout: Layout) -> list[str]:
    """Why a saved mapping does not fit this file (empty when it applies without questions)."""
    problems = [
        f"column {source!r} (for {canonical}) is not in the file"
        for canonical, source in mapping.columns.items()
        if not layout.has(source)
    ]
    if mapping.format not in ("auto", layout.format):
        problems.insert(0, f"it is for {mapping.format} exports, this file is {layout.format}")
    return problems
