"""The mapping file of docs/datasets.md: which source column holds which canonical column, which source
values mean which canonical values; its TOML form; and the guesses built from headers, question text,
a REDCap data dictionary, synonyms, the standard instruments' wording and the answers in each column,
each with how sure it is (certain, likely, possible).
"""

from __future__ import annotations

import functools
import json
import re
import tomllib
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from mentordash.ingest import schema
from mentordash.ingest import values as values_module
from mentordash.ingest.formats import FORMAT_LABELS, FORMATS, Layout, SourceColumn
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
Choices = dict[str, list[tuple[str, str]]]  # source column -> its source_values ((value, label) pairs)


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


def suggestions_toml(
    layout: Layout,
    mapping: Mapping,
    guesses: list[Guess],
    dictionary: Dictionary | None = None,
) -> str:
    """A ready-to-edit mapping file of every guess: certain and likely ones as lines that apply, possible
    ones commented out, each with how sure it is and why. It loads as the mapping of the certain and
    likely guesses (with `mapping`'s constants and date order)."""
    active = [g for g in guesses if g.confidence != POSSIBLE]
    sure = mapping_from_guesses(layout, mapping.dataset, active, dictionary, CONFIDENCES)
    lines = [
        "# Suggested by MentorDash: check every line, then import with --mapping this-file.",
        "# certain and likely guesses apply as written; possible ones are commented out (remove the # to use one).",
        f"dataset = {_quote(mapping.dataset)}",
        f"format = {_quote(layout.format)}",
    ]
    if mapping.date_order:
        lines.append(f"date_order = {_quote(mapping.date_order)}")
    lines += [f"{key} = {_quote(value)}" for key, value in mapping.constants.items()]
    if "survey" not in mapping.constants and mapping.dataset == "survey":
        lines.append('# survey = "Wellbeing 2026 Spring"  # the wave\'s name, or give it with --survey')
    lines += ["", "[columns]"]
    unmapped: dict[str, list[tuple[str, str]]] = {}
    for g in guesses:
        line = f"{g.field} = {_quote(g.source)}  # {g.confidence}: {g.reason}"
        lines.append(line if g.confidence != POSSIBLE else f"# {line}")
        _, left = suggest_values(layout, mapping.dataset, g.field, g.source, dictionary)
        if left:
            unmapped[g.field] = left
    for column, table in sure.values.items():
        lines += ["", f"[values.{column}]"]
        lines += [f"{_quote(k)} = [{', '.join(_quote(v) for v in values)}]" for k, values in table.items()]
    for column, left in unmapped.items():
        choices = schema.column(mapping.dataset, column).choices
        lines += ["", f"# [values.{column}]: answers nothing maps yet; say what each means, e.g."]
        example = choices[0] if choices else "1"
        lines += [f"# {_quote(example)} = [{_quote(value)}]  # {label}" for value, label in left[:20]]
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
# How sure a guess is (docs/import-formats.md, "How columns are recognised"). Only certain guesses are
# applied without being asked for; the others are suggestions that a person accepts or edits.
CERTAIN, LIKELY, POSSIBLE = "certain", "likely", "possible"
CONFIDENCES = (CERTAIN, LIKELY, POSSIBLE)
_RANK = {CERTAIN: 3, LIKELY: 2, POSSIBLE: 1}
# Values that say nothing about which column they belong to ("Other", "Prefer not to say").
_UNSPECIFIC = {"another", "undisclosed"}
# The wording of the standard instruments' items (mentordash/instruments.py), as whole phrases of the
# question or header. The Mini-Z and the PFI are free to use; the MBI is copyrighted (docs/instruments.md):
# for it, only the names of its scales and a key word of each single item, never an item's text.
ITEM_WORDING: dict[str, tuple[str, ...]] = {
    "mini_z_burnout": ("definition of burnout", "definition of burn out", "mini z burnout", "burnout mini z"),
    "mini_z_satisfaction": ("satisfied with my current job", "mini z satisfaction", "satisfaction mini z"),
    "mini_z_stress": ("great deal of stress because of my job", "mini z stress", "stress mini z"),
    "mbi_ee_item": ("burned out from", "burnt out from", "mbi emotional exhaustion", "emotional exhaustion item"),
    "mbi_dp_item": ("callous", "mbi depersonalization", "depersonalization item"),
    "pfi_pf_1": ("happy at work",),
    "pfi_pf_2": ("worthwhile at work",),
    "pfi_pf_3": ("my work is satisfying",),
    "pfi_pf_4": ("in control when dealing with difficult problems",),
    "pfi_pf_5": ("my work is meaningful",),
    "pfi_pf_6": ("contributing professionally",),
    "pfi_we_1": ("sense of dread when i think about work",),
    "pfi_we_2": ("physically exhausted at work",),
    "pfi_we_3": ("lacking in enthusiasm at work",),
    "pfi_we_4": ("emotionally exhausted at work",),
    "pfi_id_1": ("less empathetic with my patients",),
    "pfi_id_2": ("less empathetic with my colleagues",),
    "pfi_id_3": ("less sensitive to others feelings", "less sensitive to others emotions"),
    "pfi_id_4": ("less interested in talking with my patients",),
    "pfi_id_5": ("less connected with my patients",),
    "pfi_id_6": ("less connected with my colleagues",),
}
# Headers that name a field only when the answers agree: everyday words with other meanings ("Rank" of a
# film, "Position" of a seat, "Status" of a task). Any other known phrase names its field outright.
AMBIGUOUS_NAMES = frozenset(
    {
        "stage",
        "position",
        "rank",
        "status",
        "source",
        "type",
        "kind",
        "program",
        "role",
        "relationship",
        "section",
        "outcome",
        "cycle",
        "track",
        "mentor",
        "mentee",
        "level",
        "burnout",
        "wave",
        "id",
    }
)
BURNOUT_WORDS = ("burnout", "burn out", "burned out", "burnt out", "burning out")
# MBI items named by their scale and number ("EE1", "MBI DP 3"), or by the MBI's own numbering 1-22
# (docs/instruments.md: EE 1, 2, 3, 6, 8, 13, 14, 16, 20; DP 5, 10, 11, 15, 22; the rest PA).
MBI_NAMED = re.compile(r"^(?:mbi )?(?:hss )?(ee|dp|pa) ?(\d{1,2})$")
MBI_NUMBERED = re.compile(r"^mbi(?: hss)? ?(?:item |q )?(\d{1,2})$")
MBI_ORDER = {
    "ee": (1, 2, 3, 6, 8, 13, 14, 16, 20),
    "dp": (5, 10, 11, 15, 22),
    "pa": (4, 7, 9, 12, 17, 18, 19, 21),
}
INSTRUMENT_OF = (("mini_z_", "mini_z"), ("mbi_ee_item", "mbi_single"), ("mbi_dp_item", "mbi_single"))


@functools.lru_cache(maxsize=256)
def instrument_of(field_name: str) -> str:
    """The key of the standard instrument (mentordash/instruments.py) a canonical column is an item of, or ''."""
    for prefix, key in INSTRUMENT_OF:
        if field_name.startswith(prefix):
            return key
    if re.match(r"^mbi_(ee|dp|pa)_\d+$", field_name):
        return "mbi_full"
    return "pfi" if field_name.startswith("pfi_") else ""


@dataclass(frozen=True)
class Guess:
    """What a source column probably holds, how sure that is, and why."""

    field: str  # canonical column
    source: str  # source column, as [columns] names it
    confidence: str  # certain | likely | possible
    reason: str  # in words, for the command line and the data page
    score: int = 0  # orders guesses of one confidence


def suggest(
    layout: Layout, dataset: str, dictionary: Dictionary | None = None, accept: tuple[str, ...] = (CERTAIN,)
) -> Mapping:
    """The mapping of the guesses whose confidence is in `accept` (by default only the certain ones), with
    the value tables their columns need."""
    choices: Choices = {}
    return mapping_from_guesses(
        layout, dataset, guess(layout, dataset, dictionary, choices), dictionary, accept, choices
    )


def mapping_from_guesses(
    layout: Layout,
    dataset: str,
    guesses: list[Guess],
    dictionary: Dictionary | None = None,
    accept: tuple[str, ...] = (CERTAIN,),
    choices: Choices | None = None,
) -> Mapping:
    """`choices`: the source columns' choices as guess() read them, not read again."""
    mapping = Mapping(dataset, layout.format)
    chosen = {g.field: g.source for g in guesses if g.confidence in accept}
    mapping.columns = {c.name: chosen[c.name] for c in schema.columns(dataset) if c.name in chosen}
    for canonical, source in mapping.columns.items():
        table, _ = suggest_values(layout, dataset, canonical, source, dictionary, choices)
        if table:
            mapping.values[canonical] = table
    return mapping


def guess(
    layout: Layout, dataset: str, dictionary: Dictionary | None = None, choices: Choices | None = None
) -> list[Guess]:
    """At most one guess per source column and per canonical column, best first, in the file's column order.

    Evidence, strongest first: the tool's own metadata columns, exact canonical names, instrument items
    recognised by wording and answer scale, a whole known phrase (header, question or dictionary label)
    with answers that fit, a known phrase of several words inside the question with answers that fit,
    and the answers alone. A single word inside a question is never evidence.

    `choices` receives the choices of each source column read for the guesses (source_values), for
    mapping_from_guesses to reuse: the distinct answers of a million-row column take a moment each."""
    dictionary = dictionary or {}
    members = {member for c in layout.columns for _, member, _ in c.members}
    evidence = _Evidence(layout, dataset, dictionary, choices)
    candidates = []
    for source in layout.columns:
        texts = _texts(source, dictionary)
        for col in _clued(source, texts, layout, dataset, evidence):
            if (col.kind == "list" and source.name in members) or (source.members and col.kind != "list"):
                continue  # one choice of a checkbox group is not the whole list; a group is never one value
            found = _candidate(col, source, texts, layout, evidence)
            if found:
                candidates.append(found)
    taken_fields: set[str] = set()
    taken_sources: set[str] = set()
    chosen = []
    for candidate in sorted(candidates, key=lambda g: (-_RANK[g.confidence], -g.score)):
        if candidate.field in taken_fields or candidate.source in taken_sources:
            continue
        taken_fields.add(candidate.field)
        taken_sources.add(candidate.source)
        chosen.append(candidate)
    order = {c.name: i for i, c in enumerate(layout.columns)}
    return sorted(chosen, key=lambda g: order[g.source])


def _clued(source: SourceColumn, texts: _Texts, layout: Layout, dataset: str, evidence: _Evidence):
    """The canonical columns a source column gives any clue of (so that wide files stay quick)."""
    index = _phrase_index(dataset)
    names = {f for f, s in layout.roles.items() if s == source.name}
    names |= set(index["canonical"].get(source.name.strip().lower(), ()))
    for text in texts:
        names |= set(index["exact"].get(text, ()))
    names |= {f for phrase, f in index["inside"] if f" {phrase} " in texts.padded}
    numbered = texts.mbi
    if numbered:
        names.add(numbered[0])
    if any(f" {w} " in texts.padded for w in BURNOUT_WORDS):
        names.add("mini_z_burnout")
    if len(evidence.values(source.name)) >= 2:
        names |= set(index["choices"])
    return [c for c in schema.columns(dataset) if c.name in names]


@functools.lru_cache(maxsize=16)
def _phrase_index(dataset: str) -> dict:
    canonical, exact, inside = {}, {}, []
    for col in schema.columns(dataset):
        canonical.setdefault(col.name, []).append(col.name)
        for phrase in _synonyms(col.name):
            exact.setdefault(phrase, []).append(col.name)
            if " " in phrase:
                inside.append((phrase, col.name))
        inside += [(phrase, col.name) for phrase in ITEM_WORDING.get(col.name, ())]
    choices = [c.name for c in schema.columns(dataset) if c.kind in ("enum", "list")]
    return {"canonical": canonical, "exact": exact, "inside": inside, "choices": choices}


def _texts(source: SourceColumn, dictionary: Dictionary) -> _Texts:
    """The header, question and label, whole and, for a question written 'stem - row', each side."""
    found: list[str] = []
    for text in (source.name, source.question, _label(dictionary, source.name)):
        if not text:
            continue
        parts = [p for p in re.split(r"\s+-\s+", text) if p.strip()]
        for variant in (text, parts[0], parts[-1]) if len(parts) > 1 else (text,):
            normal = schema.norm(variant)
            if normal and normal not in found:
                found.append(normal)
    return _Texts(found)


@functools.lru_cache(maxsize=256)
def _synonyms(name: str) -> tuple[str, ...]:
    """The column's own name in words first, then the synonyms of docs/datasets.md."""
    return tuple(dict.fromkeys(schema.norm(s) for s in (name, *schema.COLUMN_SYNONYMS.get(name, ()))))


class _Texts(list):
    """The normalised texts of a source column, and all of them padded, for whole-phrase search."""

    def __init__(self, texts: list[str]):
        super().__init__(texts)
        self.padded = "\n".join(f" {t} " for t in texts)
        self.mbi = _mbi_number(texts)


def _contains(texts: _Texts, phrase: str) -> bool:
    return f" {phrase} " in texts.padded


@dataclass
class _Fit:
    meant: list = field(default_factory=list)  # the canonical values the answers mean
    bad: list = field(default_factory=list)  # answers that mean nothing as this column
    labelled: list = field(default_factory=list)  # numbers read from scale labels, not digits
    good: int = 0  # answers that mean something

    @property
    def fits(self) -> bool:
        return self.good > 0 and not self.bad

    def why_not(self) -> str:
        if not self.good and not self.bad:
            return "it holds no answers to check"
        shown = ", ".join(repr(v) for v in self.bad[:3]) + (" …" if len(self.bad) > 3 else "")
        return f"{len(self.bad)} of {len(self.bad) + self.good} answers fit nothing ({shown})"


class _Evidence:
    """What the answers of a source column say about a canonical column, computed once per pair."""

    def __init__(self, layout: Layout, dataset: str, dictionary: Dictionary, choices: Choices | None = None):
        self.layout, self.dataset, self.dictionary = layout, dataset, dictionary
        self._columns = {c.name: c for c in layout.columns}  # layout.column() searches: too slow for wide files
        self._values: Choices = choices if choices is not None else {}
        self._fits: dict[tuple[str, str], _Fit] = {}
        self._meanings: dict[tuple[str, str], object] = {}  # (column, answer) -> meaning, across source columns

    def values(self, source: str) -> list[tuple[str, str]]:
        if source not in self._values:
            self._values[source] = _values_of(self._columns.get(source), self.layout, self.dictionary)
        return self._values[source]

    def _meaning(self, resolver: Resolver, text: str):
        key = (resolver.col.name, text)
        if key not in self._meanings:
            self._meanings[key] = resolver.try_resolve(text)
        return self._meanings[key]

    def fit(self, col: schema.Column, source: str) -> _Fit:
        """What the answers of `source` mean as `col`, each distinct answer resolved once."""
        key = (col.name, source)
        if key not in self._fits:
            resolver = Resolver(col, {}, separator=self.layout.multi_separator)
            found = _Fit()
            for value, label in self.values(source):
                meaning = self._meaning(resolver, value)
                if meaning is None and label != value:
                    meaning = self._meaning(resolver, label)
                if meaning is None or (col.kind == "list" and not meaning):
                    found.bad.append(value)
                    continue
                found.meant += meaning if isinstance(meaning, list) else [meaning]
                found.good += 1
                if col.kind == "int" and not values_module.INTEGER.match(value.strip()):
                    found.labelled.append(meaning)
            self._fits[key] = found
        return self._fits[key]

    def dates_fit(self, col: schema.Column, source: str) -> bool:
        column = self._columns.get(source)
        if column is None or column.members:
            return False
        cells = self.layout.data[source]
        try:
            converted = values_module.convert_dates(cells, col.kind, source, "mdy")
        except values_module.AmbiguousDates:
            return True
        return not converted.bad and converted.values.null_count < len(converted.values)


def _candidate(
    col: schema.Column, source: SourceColumn, texts: _Texts, layout: Layout, evidence: _Evidence
) -> Guess | None:
    name = source.name
    if layout.roles.get(col.name) == name:
        return Guess(col.name, name, CERTAIN, f"the {FORMAT_LABELS[layout.format]} export's own {name} column", 100)
    if col.name == name.strip().lower():  # "Career stage" is only a phrase: its answers must fit
        return Guess(col.name, name, CERTAIN, "its header is the column's name", 95)
    checkable = col.kind in ("enum", "list", "bool", "int")
    item = _instrument_guess(col, name, texts, evidence)
    if item:
        return item
    synonyms = _synonyms(col.name)
    exact = next((s for s in synonyms if s in texts), None)
    if exact is not None:
        rank = synonyms.index(exact)  # earlier synonyms are the likelier meaning ("race" before "ethnicity")
        if checkable:
            fit = evidence.fit(col, name)
            if fit.fits:
                return Guess(col.name, name, CERTAIN, f"it is called {exact!r} and {_every(col)}", 90 - min(rank, 9))
            if exact in AMBIGUOUS_NAMES:
                return Guess(col.name, name, POSSIBLE, f"it is called {exact!r}, but {fit.why_not()}", 45)
            # the column is what its name says; its answers are problems to map (or the column to leave out)
            why = f"it is called {exact!r}; {fit.why_not()}: map them"
            return Guess(col.name, name, CERTAIN, why, 70 - min(rank, 9))
        if col.kind in ("date", "datetime"):
            if evidence.dates_fit(col, name):
                return Guess(col.name, name, CERTAIN, f"it is called {exact!r} and holds dates", 90 - min(rank, 9))
            return Guess(col.name, name, POSSIBLE, f"it is called {exact!r}, but it does not hold dates", 40)
        if rank == 0:  # "Person ID": the column's own name, written as words
            return Guess(col.name, name, CERTAIN, "its header is the column's name", 94)
        return Guess(col.name, name, LIKELY, f"it is called {exact!r}", 80 - min(rank, 9))
    phrase = max((s for s in synonyms if " " in s and f" {s} " in texts.padded), key=len, default=None)
    if phrase is not None:
        if not checkable:
            return Guess(col.name, name, POSSIBLE, f"its question says {phrase!r}", 35 + len(phrase))
        if evidence.fit(col, name).fits:
            return Guess(col.name, name, LIKELY, f"its question says {phrase!r} and {_every(col)}", 70 + len(phrase))
    if col.kind in ("enum", "list") and len(evidence.values(name)) >= 2:
        fit = evidence.fit(col, name)
        specific = set(fit.meant) - _UNSPECIFIC
        if len(specific) >= 2 and fit.fits:
            return Guess(col.name, name, LIKELY, f"{_every(col)} ({_sample(specific)})", 60)
        if len(specific) >= 2 and len(fit.bad) <= fit.good:
            return Guess(col.name, name, POSSIBLE, f"most answers are a {col.name}, but {fit.why_not()}", 30)
    return None


def _instrument_guess(col: schema.Column, name: str, texts: _Texts, evidence: _Evidence) -> Guess | None:
    """An item of a standard instrument: recognised by its wording and its answer scale together."""
    key = instrument_of(col.name)
    if not key:
        return None
    what = f"{INSTRUMENT_NAMES[key]} item"
    scale = f"{col.low}-{col.high}"
    numbered = texts.mbi
    if numbered and numbered[0] == col.name:
        fit = evidence.fit(col, name)
        if fit.fits:
            confidence = CERTAIN if numbered[1] else LIKELY  # the 1-22 numbering: check against the manual
            how = "named by its scale and number" if numbered[1] else "numbered as in the MBI questionnaire"
            return Guess(col.name, name, confidence, f"{what}: {how}, and its answers are {scale}", 92)
        return Guess(col.name, name, POSSIBLE, f"{what} by its name, but {fit.why_not()}", 44)
    worded = any(_contains(texts, p) for p in ITEM_WORDING.get(col.name, ()))
    if col.name == "mini_z_burnout" and not worded and any(_contains(texts, w) for w in BURNOUT_WORDS):
        worded = len(set(evidence.fit(col, name).labelled)) >= 2  # the item's own answers, under a burnout question
    if not worded:
        return None
    fit = evidence.fit(col, name)
    if fit.fits:
        return Guess(col.name, name, CERTAIN, f"{what}: its wording, and its answers on the {scale} scale", 93)
    return Guess(col.name, name, POSSIBLE, f"{what} by its wording, but {fit.why_not()} (its scale is {scale})", 44)


def _mbi_number(texts: list[str]) -> tuple[str, bool] | None:
    """('mbi_ee_3', True) for a header like 'EE3'; ('mbi_dp_1', False) for 'MBI 5' (the MBI's numbering)."""
    for text in texts:
        named = MBI_NAMED.match(text)
        if named:
            return f"mbi_{named[1]}_{int(named[2])}", True
        numbered = MBI_NUMBERED.match(text)
        if numbered:
            number = int(numbered[1])
            for group, order in MBI_ORDER.items():
                if number in order:
                    return f"mbi_{group}_{order.index(number) + 1}", False
    return None


INSTRUMENT_NAMES = {"mini_z": "Mini-Z", "mbi_single": "single-item MBI", "mbi_full": "MBI-HSS", "pfi": "PFI"}


def _every(col: schema.Column) -> str:
    if col.kind == "int":
        return f"every answer is on its {col.low}-{col.high} scale"
    if col.kind == "bool":
        return "every answer is yes or no"
    return f"every answer is a {col.name}"


def _sample(values: set) -> str:
    shown = sorted(map(str, values))
    return ", ".join(shown[:4]) + (" …" if len(shown) > 4 else "")


def _label(dictionary: Dictionary, name: str) -> str:
    entry = dictionary.get(name)
    return entry.label if entry else ""


def source_values(layout: Layout, source: str, dictionary: Dictionary | None = None) -> list[tuple[str, str]]:
    """(value as the file holds it, its label) for every choice a source column can hold."""
    return _values_of(layout.column(source), layout, dictionary)


def _values_of(column: SourceColumn | None, layout: Layout, dictionary: Dictionary | None) -> list[tuple[str, str]]:
    if column is None:
        return []
    source = column.name
    entry = (dictionary or {}).get(source)
    if column.members:
        labels = entry.choices if entry else {}
        return [(code, labels.get(code, label)) for code, _, label in column.members]
    if entry and entry.choices:  # codes with their labels: where any other source of a code's label belongs
        return list(entry.choices.items())
    cells = layout.data[source]
    if len(_distinct_answers(cells.slice(0, PEEK_ROWS))) > MAX_SUGGESTED_VALUES:
        return []  # free text already in the first rows: the whole column need not be read
    values = _distinct_answers(cells)
    if len(values) > MAX_SUGGESTED_VALUES:
        return []
    return [(v, v) for v in sorted(values)]


PEEK_ROWS = 10 * MAX_SUGGESTED_VALUES


def _distinct_answers(cells: pa.ChunkedArray) -> set[str]:
    """The distinct non-blank answers, trimmed: the distinct cells are trimmed, not every cell (a column
    of a million rows holds a handful of distinct choices)."""
    return {v for v in pc.utf8_trim_whitespace(pc.unique(cells)).to_pylist() if v}


def suggest_values(
    layout: Layout,
    dataset: str,
    canonical: str,
    source: str,
    dictionary: Dictionary | None = None,
    choices: Choices | None = None,
) -> tuple[dict[str, list[str]], list[tuple[str, str]]]:
    """A [values.*] table for the choices that need one, and the (value, label) choices nothing maps
    (`choices`: source_values already read, by guess())."""
    col = schema.column(dataset, canonical)
    if col.kind in ("text", "date", "datetime"):
        return {}, []
    plain = Resolver(col, {}, separator=layout.multi_separator)
    table: dict[str, list[str]] = {}
    unmapped = []
    known = choices.get(source) if choices is not None else None
    for value, label in known if known is not None else source_values(layout, source, dictionary):
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
