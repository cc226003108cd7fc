"""Apply a mapping to a parsed export: every canonical column converted and checked, every problem
found at once, nothing written. The result is the typed Arrow table the commit inserts.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from mentordash.ingest import ids, schema
from mentordash.ingest.formats import FORMAT_LABELS, Layout
from mentordash.ingest.mapping import Dictionary, Mapping
from mentordash.ingest.problems import Problem, Rejected
from mentordash.ingest.read import ROW
from mentordash.ingest.values import (
    AmbiguousDates,
    Converted,
    Resolver,
    ambiguous_problem,
    bad_rows,
    convert_choices,
    convert_dates,
    convert_text,
)

MAX_PROBLEMS = 10_000  # enough to fix a file; a million copies of one mistake help nobody
MAX_UNMAPPED_NAMED = 50  # more unmapped columns than this are one warning (naming the first 50), not one each
NOT_COMPLETED = "[not completed]"
INCOMPLETE_WORDS = ("0", "false", "incomplete", "no")


@dataclass
class Validated:
    dataset: str
    table: pa.Table  # canonical columns, typed; ROW carries each record's spreadsheet row
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    # Optional choice columns whose values could not all be resolved: canonical -> source column. The
    # import can leave them out (--drop-unresolved; Options.drop_unresolved) and keep the rest.
    unresolved: dict[str, str] = field(default_factory=dict)
    # Derived response ids (Google Forms): each row's digest, in memory only; commit keys the stored ids
    # with the database's secret (ids.py).
    row_digests: pa.Array | None = None
    legacy_ids: pa.Array | None = None  # the ids MentorDash derived before (mapped answers only), to match stored rows


# A cell of choice codes: 1, 12, or several joined (1,3 or 1;3;)
CODES = re.compile(r"^\d+(?:\s*[,;]\s*\d+)*\s*[,;]?$")
MAX_CODES_SHOWN = 8
CHOICE_KINDS = ("enum", "list", "bool")
REEXPORT = {
    "qualtrics": 'or export again with choice text (Qualtrics: Export data > "Use choice text")',
    "redcap": 'or upload the data dictionary with it (--dictionary), or export "CSV (labels)"',
    "surveymonkey": 'or export again with "Actual answer text" (SurveyMonkey) instead of numerical values',
}


def validate(
    layout: Layout,
    mapping: Mapping,
    dictionary: Dictionary | None = None,
    drop_unresolved: bool = False,
    id_key: bytes | None = None,
) -> Validated:
    _check_mapping_fits(layout, mapping)
    layout = _skip_absent_redcap_forms(layout, mapping)
    n = layout.data.num_rows
    rows = layout.data[ROW].combine_chunks() if n else pa.array([], pa.int64())
    problems: list[Problem] = []
    columns: dict[str, pa.Array] = {}
    unresolved: dict[str, str] = {}
    coded: dict[str, list[str]] = {}  # canonical -> the codes nothing maps (a numeric export)
    dropped: list[str] = []
    for col in schema.columns(mapping.dataset):
        cells = _cells(layout, mapping, col)
        if cells is None:
            continue
        converted = _convert(layout, mapping, col, cells, dictionary)
        found = converted.problems or bad_rows(cells, rows, converted.bad, _source_name(mapping, col.name))
        if found and _droppable(mapping, col):
            unresolved[col.name] = mapping.columns[col.name]
            if drop_unresolved:
                dropped.append(_dropped_warning(mapping, col.name, converted, found))
                continue
        if found and col.kind in CHOICE_KINDS and converted.bad and all(CODES.match(v.strip()) for v in converted.bad):
            coded[col.name] = sorted(
                {c for v in converted.bad for c in re.split(r"\s*[,;]\s*", v.strip()) if c}, key=_code_order
            )
            found = []  # said once for the whole file, below
        problems += found
        columns[col.name] = _with_default(mapping.dataset, col, converted.values)
    if coded:
        problems.insert(0, _numeric_problem(layout, mapping, coded, unresolved))
    warnings = dropped + _fill_derived(layout, mapping, columns, n)
    if DIGESTS in columns:
        columns["response_id"] = ids.keyed_ids(id_key or _EPHEMERAL_KEY, columns[DIGESTS])
    table = pa.table({**columns, ROW: rows})
    if DIGESTS in columns:
        table, problems = _skip_identical_rows(layout, table, problems, warnings)
    derived = {name: table[name].combine_chunks() for name in (DIGESTS, LEGACY_IDS) if name in columns}
    table = table.drop_columns(list(derived))
    warnings += [_optional_hint(mapping, c, s) for c, s in unresolved.items() if not drop_unresolved and c not in coded]
    broken = _line_breaks(layout, mapping)  # said once, instead of "not a known value" or "not a date"
    cut = {(p.row, p.column) for p in broken}
    problems = broken + [p for p in problems if (p.row, p.column) not in cut]
    reported = {(p.row, p.column) for p in problems}  # a value that failed to convert is not also "blank"
    said = {mapping.columns.get(c, c) for c in coded}  # codes already said once for the whole column
    problems += [
        p for p in _blank_required(table, mapping) if (p.row, p.column) not in reported and p.column not in said
    ]
    problems += _end_before_start(table, mapping)
    problems += _duplicates(table, mapping.dataset)
    problems.sort(key=lambda p: p.row or 0)
    return Validated(
        mapping.dataset,
        table,
        problems[:MAX_PROBLEMS] + _overflow(problems),
        warnings + _unmapped_warnings(layout, mapping) + _notes(mapping),
        layout.skipped,
        unresolved,
        derived.get(DIGESTS),
        derived.get(LEGACY_IDS),
    )


# --- columns whose values cannot be resolved: numeric exports, optional columns (issue 14) -------------
_EPHEMERAL_KEY = secrets.token_bytes(32)  # keys the ids shown before a database key is at hand (no db)
DIGESTS = "__row_digest"
LEGACY_IDS = "__legacy_id"


def _droppable(mapping: Mapping, col: schema.Column) -> bool:
    """An optional column of choices, mapped from the file: the rest of a row stands without it."""
    return not col.required and col.kind in CHOICE_KINDS and col.name in mapping.columns


def _code_order(value: str):
    return (0, int(value)) if value.strip().isdigit() else (1, value)


def _codes_shown(codes: list[str]) -> str:
    shown = ", ".join(codes[:MAX_CODES_SHOWN])
    return shown + (f" and {len(codes) - MAX_CODES_SHOWN} more" if len(codes) > MAX_CODES_SHOWN else "")


def _numeric_problem(layout: Layout, mapping: Mapping, coded: dict[str, list[str]], optional) -> Problem:
    """One message for a file whose choice columns hold codes, instead of one per row and column."""
    parts = [f"{mapping.columns.get(c, c)!r} ({c}: {_codes_shown(v)})" for c, v in coded.items()]
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    which = "this column holds" if len(parts) == 1 else "these columns hold"
    first, codes = next(iter(coded.items()))
    example = f'[values.{first}] with a line such as "{_example_value(mapping, first)}" = ["{codes[0]}"]'
    tool = FORMAT_LABELS.get(layout.format, layout.format)
    reexport = REEXPORT.get(layout.format, "or export again with the answers' text")
    leave = [c for c in coded if c in optional]
    without = (
        f" {'It is' if len(leave) == 1 else 'They are'} optional: --drop-unresolved (on the data page, "
        "'import without them') imports the answers without "
        f"{'it' if len(leave) == 1 else 'them'}."
        if leave and len(leave) == len(coded)
        else ""
    )
    return Problem(
        None,
        mapping.columns.get(first, first) if len(parts) == 1 else None,
        _codes_shown(codes) if len(parts) == 1 else None,
        f"This is a numeric export{' (' + tool + ')' if layout.format != 'generic' else ''}: {listed}: "
        f"{which} choice codes where labels are expected. Map the codes (the value choices on the data page, "
        f"or {example} in the mapping file), {reexport}.{without}",
    )


def _example_value(mapping: Mapping, canonical: str) -> str:
    col = schema.column(mapping.dataset, canonical)
    return "true" if col.kind == "bool" else col.choices[0]


def _dropped_warning(mapping: Mapping, canonical: str, converted: Converted, found: list[Problem]) -> str:
    values = sorted(converted.bad, key=_code_order) or sorted({p.value for p in found if p.value})
    rows = len({p.row for p in found})
    return (
        f"column {mapping.columns[canonical]!r} ({canonical}) not imported: nothing maps "
        f"{'its value' if len(values) == 1 else 'its values'} {_codes_shown([str(v) for v in values])} "
        f"({rows} row{'s' if rows != 1 else ''}), and --drop-unresolved leaves it out; the rest of each row is "
        "imported, and nothing of this column is stored."
    )


def _optional_hint(mapping: Mapping, canonical: str, source: str) -> str:
    return (
        f"column {source!r} ({canonical}) is optional: map the values listed as problems, or import "
        "without it (--drop-unresolved; on the data page, 'import without them')."
    )


def _skip_identical_rows(layout: Layout, table: pa.Table, problems, warnings):
    """Rows identical in every column are one response: the later ones are skipped, and said so."""
    pairs = ids.identical_rows(table[DIGESTS].combine_chunks(), table[ROW].combine_chunks())
    if not pairs:
        return table, problems
    later = {row for row, _ in pairs}
    keep = pc.invert(pc.is_in(table[ROW], value_set=pa.array(sorted(later), pa.int64())))
    layout.skipped += [
        {"row": row, "reason": f"identical to row {first} (identical rows: every column the same)"}
        for row, first in pairs
    ]
    shown = "; ".join(f"rows {first} and {row}" for row, first in pairs[:5])
    more = f" and {len(pairs) - 5} more pairs" if len(pairs) > 5 else ""
    warnings.append(
        f"{shown}{more} are identical rows (every column the same, to the second): each is one response, imported once."
    )
    problems = [p for p in problems if p.row not in later]
    return table.filter(keep), problems


def _check_mapping_fits(layout: Layout, mapping: Mapping) -> None:
    problems = [
        Problem(
            None, source, None, f"The mapping names column {source!r} for {canonical}, but the file has no such column."
        )
        for canonical, source in mapping.columns.items()
        if not layout.has(source)
    ]
    missing = [
        col.name
        for col in schema.columns(mapping.dataset)
        if col.required
        and col.name not in mapping.columns
        and col.name not in mapping.constants
        and not _derived_id(layout, mapping, col.name)
    ]
    if missing:
        problems.append(_missing_problem(layout, mapping, missing))
    if problems:
        raise Rejected(problems)


# What a tool's export calls the columns a survey needs, and what else in a file might stand for them.
EXPECTED = {
    ("qualtrics", "submitted_at"): "RecordedDate or EndDate",
    ("qualtrics", "response_id"): "ResponseId",
    ("surveymonkey", "submitted_at"): "End Date",
    ("surveymonkey", "response_id"): "Respondent ID",
    ("ms_forms", "submitted_at"): "Completion time",
    ("ms_forms", "response_id"): "ID",
    ("google_forms", "submitted_at"): "Timestamp",
    ("redcap", "submitted_at"): "<form>_timestamp",
}
STANDS_FOR = {
    "submitted_at": re.compile(r"(date|time|stamp|submitted|completed|recorded)", re.IGNORECASE),
    "response_id": re.compile(r"(^id$|[ _]id$|^id[ _]|response ?id|respondent|record|submission|participant)", re.I),
    "person_id": re.compile(r"(person|employee|staff|trainee|faculty|user)[ _]?id", re.IGNORECASE),
}
WHAT = {
    "submitted_at": "the submission date and time (submitted_at)",
    "response_id": "a response id (response_id)",
    "survey": "the survey's name",
}


def _missing_problem(layout: Layout, mapping: Mapping, missing: list[str]) -> Problem:
    """One message for everything required that is missing: what, and what in the file might stand for it."""
    if missing == ["survey"]:
        return Problem(None, "survey", None, _missing_message(mapping.dataset, "survey"))
    taken = set(mapping.columns.values())
    parts, example = [], None
    for name in missing:
        if name == "survey":
            parts.append(
                "the survey's name (give it once for the whole file: --survey, or the name box on the data page)"
            )
            continue
        expected = EXPECTED.get((layout.format, name))
        part = f"{WHAT.get(name, f'the required column {name!r}')} ({'no ' + expected if expected else 'no'} column"
        pattern = STANDS_FOR.get(name)
        maybe = [
            c.name
            for c in layout.columns
            if pattern
            and not c.members
            and c.name not in taken
            and (pattern.search(c.name) or pattern.search(c.question))
        ][:3]
        if maybe:
            part += f"; {' or '.join(repr(m) for m in maybe)} in the file might stand for it"
            example = example or (name, maybe[0])
        parts.append(part + ")")
    tool = FORMAT_LABELS.get(layout.format, layout.format)
    source = f"This {tool} export" if layout.format != "generic" else "This file"
    required = [m for m in missing if m != "survey"]
    how = f'[columns] {example[0]} = "{example[1]}"' if example else f'[columns] {required[0]} = "<the column>"'
    return Problem(
        None,
        ", ".join(missing),
        None,
        f"{source} lacks what {mapping.dataset} needs: the required column{'s' if len(required) > 1 else ''} "
        f"{', '.join(repr(m) for m in required)} of {mapping.dataset} {'are' if len(required) > 1 else 'is'} "
        f"missing, and no mapping names {'them' if len(required) > 1 else 'one'}. Missing: {'; '.join(parts)}. "
        f"Choose the column on the data page, or name it in a mapping file ({how}, --mapping), or export "
        "the file again with it.",
    )


def _missing_message(dataset: str, name: str) -> str:
    if name == "survey":
        return (
            "The survey's name is missing: give it once for the whole file (--survey, or the name box "
            "on the data page), or map a column holding it."
        )
    return (
        f"The required column {name!r} of {dataset} is missing: the file has no column of that name, "
        "and no mapping names one."
    )


def _derived_id(layout: Layout, mapping: Mapping, name: str) -> bool:
    """Google Forms has no response id: one is derived from the row's content."""
    return name == "response_id" and layout.format == "google_forms" and "submitted_at" in mapping.columns


def _source_name(mapping: Mapping, canonical: str) -> str:
    return mapping.columns.get(canonical, canonical)


def _cells(layout: Layout, mapping: Mapping, col: schema.Column):
    """The source cells of a canonical column (a group for a checkbox field), a constant, or None. The
    cells are as the file holds them: each conversion trims them (a choice column only its distinct values)."""
    n = layout.data.num_rows
    source = mapping.columns.get(col.name)
    if source is not None:
        column = layout.column(source)
        return column if column.members else layout.data[source]
    if col.name in mapping.constants:
        return pa.array([mapping.constants[col.name].strip()] * n, pa.string()) if n else pa.array([], pa.string())
    return None


def _convert(layout, mapping, col, cells, dictionary) -> Converted:
    if not isinstance(cells, (pa.Array, pa.ChunkedArray)):
        return _convert_group(layout, mapping, col, cells, dictionary)
    if col.kind == "text":
        return convert_text(cells)
    if col.kind in ("date", "datetime"):
        try:
            return convert_dates(
                _redcap_unfinished_blank(pc.utf8_trim_whitespace(cells)),
                col.kind,
                _source_name(mapping, col.name),
                mapping.date_order,
            )
        except AmbiguousDates as error:
            raise ambiguous_problem(error) from None
    entry = (dictionary or {}).get(mapping.columns.get(col.name, ""))
    resolver = Resolver(col, mapping.values.get(col.name), entry.choices if entry else None, layout.multi_separator)
    return convert_choices(cells, resolver)


def _redcap_unfinished_blank(cells):
    return pc.if_else(pc.equal(cells, NOT_COMPLETED), "", cells)


def _convert_group(layout: Layout, mapping: Mapping, col: schema.Column, group, dictionary) -> Converted:
    """A checkbox field, one column per choice: the list of the ticked choices' canonical values."""
    entry = (dictionary or {}).get(group.name)
    resolver = Resolver(
        schema.Column(col.name, "enum", choices=col.choices),
        mapping.values.get(col.name),
        entry.choices if entry else None,
    )
    ticked, meanings, problems = {}, [], []
    for i, (code, member, label) in enumerate(group.members):
        is_ticked = _ticked(layout, layout.data[member])
        meaning = resolver.try_resolve(code)
        meaning = meaning if meaning is not None else resolver.try_resolve(label)
        if meaning is None:
            chosen = layout.data.filter(is_ticked)
            problems += [
                Problem(r, member, cell, f"the choice {label!r} is not a known {col.name}: map it in the mapping")
                for r, cell in zip(chosen[ROW].to_pylist(), chosen[member].to_pylist())
            ]
            continue
        ticked[f"m{i}"] = is_ticked
        meanings.append(meaning)
    return Converted(_lists_from_ticks(ticked, meanings, layout.data.num_rows), {}, problems)


def _ticked(layout: Layout, cells) -> pa.Array:
    text = pc.utf8_lower(pc.utf8_trim_whitespace(cells))
    if layout.format in ("surveymonkey", "qualtrics"):
        return pc.and_(pc.not_equal(text, ""), pc.not_equal(text, "0"))  # the cell holds the choice or 1
    return pc.is_in(text, value_set=pa.array(list(layout.checked_words)))


def _lists_from_ticks(ticked: dict[str, pa.Array], meanings: list[str], n: int) -> pa.Array:
    if not ticked:
        return pa.nulls(n, pa.list_(pa.string()))
    cases = ", ".join(f"CASE WHEN {name} THEN ? END" for name in ticked)  # names m0.. come from code
    con = duckdb.connect()
    try:
        con.register("ticks", pa.table(ticked))
        lists = con.sql(
            f"SELECT CASE WHEN len(l) = 0 THEN NULL ELSE l END AS v FROM "
            f"(SELECT list_sort(list_distinct(list_filter([{cases}], lambda x: x IS NOT NULL))) AS l FROM ticks)",
            params=meanings,
        ).to_arrow_table()["v"]
    finally:
        con.close()
    return lists.combine_chunks().cast(pa.list_(pa.string()))


def _with_default(dataset: str, col: schema.Column, values) -> pa.Array:
    default = schema.DEFAULTS.get((dataset, col.name))
    if col.name == "gender":
        default = "undisclosed"  # docs/datasets.md: a blank gender is undisclosed
    values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    return pc.fill_null(values, default) if default is not None else values


# --- survey completeness, derived ids ------------------------------------------------------------
def _fill_derived(layout: Layout, mapping: Mapping, columns: dict, n: int) -> list[str]:
    if mapping.dataset != "survey":
        return []
    warnings = []
    complete = _complete(layout, mapping, n)
    stamp = mapping.columns.get("submitted_at")
    if stamp and "submitted_at" in columns:
        unfinished = pc.equal(pc.utf8_trim_whitespace(layout.data[stamp]), NOT_COMPLETED)
        if pc.any(unfinished).as_py():
            now = pa.scalar(datetime.now().replace(microsecond=0), pa.timestamp("us"))
            columns["submitted_at"] = pc.if_else(unfinished, now, columns["submitted_at"])
            complete = pc.and_(complete, pc.invert(unfinished))
            warnings.append(
                f"{pc.sum(unfinished).as_py()} responses are marked [not completed]: kept as "
                "incomplete, dated at the import, and left out of prevalence figures."
            )
    columns["complete"] = complete
    if _derived_id(layout, mapping, "response_id") and "response_id" not in columns:
        columns[DIGESTS] = _whole_row_digests(layout, mapping, columns)
        columns[LEGACY_IDS] = _legacy_content_ids(layout, mapping)
    elif layout.format == "redcap" and "response_id" in columns:
        columns["response_id"] = _redcap_instance_ids(layout, columns["response_id"])
    incomplete = n - pc.sum(complete).as_py() if n else 0
    if incomplete:
        warnings.append(
            f"{incomplete} responses are unfinished: kept, flagged incomplete, and left out of prevalence figures."
        )
    return warnings


def _complete(layout: Layout, mapping: Mapping, n: int) -> pa.Array:
    flag = layout.roles.get("finished") or _redcap_complete_column(layout, mapping)
    if not flag:
        return pa.array([True] * n, pa.bool_())
    text = pc.utf8_lower(pc.utf8_trim_whitespace(layout.data[flag]))
    return pc.invert(pc.is_in(text, value_set=pa.array(INCOMPLETE_WORDS))).combine_chunks()


def _redcap_complete_column(layout: Layout, mapping: Mapping) -> str | None:
    """The <form>_complete of the form whose <form>_timestamp is the submission time."""
    if layout.format != "redcap":
        return None
    stamp = mapping.columns.get("submitted_at", "")
    if layout.variant == "labels":
        return next((c.name for c in layout.columns if c.name.endswith("Complete?")), None)
    candidate = stamp[: -len("_timestamp")] + "_complete" if stamp.endswith("_timestamp") else ""
    return candidate if layout.has(candidate) else None


def _skip_absent_redcap_forms(layout: Layout, mapping: Mapping) -> Layout:
    """Longitudinal and repeating REDCap projects write one row per event or instance: a row where
    the mapped survey form was neither opened nor timestamped holds another form, not a response."""
    stamp = mapping.columns.get("submitted_at")
    complete = _redcap_complete_column(layout, mapping)
    if mapping.dataset != "survey" or not stamp or not complete or not layout.has(stamp):
        return layout
    blank = pc.and_(
        pc.equal(pc.utf8_trim_whitespace(layout.data[stamp]), ""),
        pc.equal(pc.utf8_trim_whitespace(layout.data[complete]), ""),
    )
    if pc.any(blank).as_py():
        layout.skipped += [
            {"row": r, "reason": "another REDCap event or form on this row"}
            for r in layout.data.filter(blank)[ROW].to_pylist()
        ]
        layout.data = layout.data.filter(pc.invert(blank))
    return layout


def _redcap_instance_ids(layout: Layout, ids: pa.Array) -> pa.Array:
    """A record answers once per event and repeat instance: those make the response id unique."""
    parts = [c for c in ("redcap_event_name", "redcap_repeat_instrument", "redcap_repeat_instance") if layout.has(c)]
    for name in parts:
        cell = pc.utf8_trim_whitespace(layout.data[name]).combine_chunks()
        ids = pc.if_else(pc.equal(cell, ""), ids, pc.binary_join_element_wise(ids, cell, "/"))
    return ids


def _legacy_content_ids(layout: Layout, mapping: Mapping) -> pa.Array:
    """The id MentorDash derived before issue 14 (the timestamp and the mapped answers, unkeyed): only
    compared with ids already stored, so that a later download does not add those responses again."""
    sources = [mapping.columns[c] for c in sorted(mapping.columns)]
    con = duckdb.connect()
    try:
        con.register("answers", pa.table({f"a{i}": layout.data[s] for i, s in enumerate(sources)}))
        joined = " || chr(31) || ".join(f"a{i}" for i in range(len(sources)))  # names a0.. come from code
        found = con.sql(f"SELECT 'gf_' || left(sha256({joined}), 20) AS id FROM answers").to_arrow_table()["id"]
    finally:
        con.close()
    return found.combine_chunks()


def _whole_row_digests(layout: Layout, mapping: Mapping, columns: dict) -> pa.Array:
    """Each row's digest over every column as exported, mapped or not (ids.py); the submission time in
    its parsed form, so that a form's CSV and its workbook give the same ids."""
    stamp = mapping.columns["submitted_at"]
    cells = {name: layout.data[name] for name in layout.data.column_names if name != ROW}
    submitted = columns.get("submitted_at")
    if submitted is not None:
        cells[stamp] = pc.fill_null(pc.strftime(submitted, format="%Y-%m-%dT%H:%M:%S"), "")
    return ids.row_digests(cells)


# --- whole-table checks --------------------------------------------------------------------------
def _blank_required(table: pa.Table, mapping: Mapping) -> list[Problem]:
    problems = []
    for col in schema.columns(mapping.dataset):
        if col.required and col.name in table.column_names:
            blank = pc.is_null(table[col.name])
            if pc.any(blank).as_py():
                source = _source_name(mapping, col.name)
                problems += [
                    Problem(r, source, "", f"{col.name} is required and this row leaves it blank")
                    for r in table.filter(blank)[ROW].to_pylist()[:MAX_PROBLEMS]
                ]
    return problems


def _duplicates(table: pa.Table, dataset: str) -> list[Problem]:
    """Rows of one file that claim the same identity (docs/datasets.md keys)."""
    keys = [k for k in schema.KEYS[dataset] if k in table.column_names]
    if (
        dataset in schema.UPSERT | {"survey"}
        and len(keys) == len(schema.KEYS[dataset])
        and table.num_rows
        and not _identities_all_different(table, keys)
    ):
        con = duckdb.connect()
        try:
            con.register("incoming", table.select(keys + [ROW]))
            # Only the identities held by several rows are joined back: a file rarely has any, and a
            # window over every row of a large file costs more than the grouping. Names from schema.KEYS.
            key_list, same = ", ".join(keys), " AND ".join(f"i.{k} = r.{k}" for k in keys)
            found = con.execute(
                f"WITH repeated AS (SELECT {key_list}, min({ROW}) AS first_row FROM incoming "
                f"WHERE NOT ({' OR '.join(f'{k} IS NULL' for k in keys)}) GROUP BY {key_list} HAVING count(*) > 1) "
                f"SELECT i.{ROW}, r.first_row, concat_ws(' / ', {', '.join(f'i.{k}' for k in keys)}) "
                f"FROM incoming i JOIN repeated r ON {same} WHERE i.{ROW} <> r.first_row ORDER BY i.{ROW} LIMIT ?",
                [MAX_PROBLEMS],
            ).fetchall()
        finally:
            con.close()
        column = keys[-1]
        return [
            Problem(row, column, str(value), f"duplicate {' + '.join(keys)}: row {first} has the same")
            for row, first, value in found
        ]
    return []


def _identities_all_different(table: pa.Table, keys: list[str]) -> bool:
    """Whether no two rows can claim the same identity: one key column whose values all differ settles
    it, in one hashing pass over that column; grouping every key of a large file would hold a hash of
    all of them beside the converted table (the import's peak memory), only to find none repeated."""
    keyed = table.select(keys)
    if any(keyed[k].null_count for k in keys):
        keyed = keyed.drop_null()  # a row missing part of its identity claims none (as in the grouping)
    return any(len(pc.unique(keyed[k])) == keyed.num_rows for k in reversed(keys))


def _line_breaks(layout: Layout, mapping: Mapping) -> list[Problem]:
    """No mapped column is free text: a cell of one that runs over several lines is a quote opened and
    not closed where it should be (rows of the file read into it), or several values in one cell."""
    problems = []
    for canonical, source in mapping.columns.items():
        column = layout.column(source)
        if column is None:
            continue
        for member in [m for _, m, _ in column.members] or [source]:
            if not _holds_line_break(layout.data[member]):
                continue  # the usual case, found without trimming every cell
            cells = pc.utf8_trim_whitespace(layout.data[member])  # a line break at either end is only space
            broken = pc.or_(pc.match_substring(cells, "\n"), pc.match_substring(cells, "\r"))
            if not pc.any(broken).as_py():
                continue
            found = layout.data.filter(broken)
            for row, cell in zip(found[ROW].to_pylist(), pc.utf8_trim_whitespace(found[member]).to_pylist()):
                span = layout.spans.get(row)
                where = f" (lines {span[0]} to {span[1]} of the file)" if span else ""
                problems.append(
                    Problem(
                        row,
                        member,
                        cell if len(cell) <= 80 else cell[:80] + "…",
                        f"this cell runs over several lines{where}, but {canonical} holds one value "
                        "on one line: a quote opened in this row is not closed where it should be, "
                        "or the cell holds a line break. Fix the cell and upload the file again.",
                    )
                )
                if len(problems) >= MAX_PROBLEMS:
                    return problems
    return problems


_LINE_BREAKS = (re.compile(b"\n"), re.compile(b"\r"))


def _holds_line_break(cells: pa.ChunkedArray) -> bool:
    """Whether a cell of the column may hold a line break, from its text bytes searched in place (ten
    times quicker than matching every cell; bytes no cell uses only ask for the exact check needlessly)."""
    if not pa.types.is_string(cells.type):
        return True
    return any(pattern.search(chunk.buffers()[2] or b"") for chunk in cells.chunks for pattern in _LINE_BREAKS)


# end_date before start_date: the canonical columns compared, per dataset
DATE_ORDER = {"people": ("start_date", "end_date"), "mentorships": ("start_date", "end_date")}


def _end_before_start(table: pa.Table, mapping: Mapping) -> list[Problem]:
    """A person who leaves before they join, a relationship that ends before it starts (issue 13)."""
    start, end = DATE_ORDER.get(mapping.dataset, (None, None))
    if start not in table.column_names or end not in table.column_names:
        return []
    wrong = pc.fill_null(pc.less(table[end], table[start]), False)
    if not pc.any(wrong).as_py():
        return []
    found = table.filter(wrong)
    what = (
        "the person leaves before joining" if mapping.dataset == "people" else "the relationship ends before it starts"
    )
    start_name, end_name = _source_name(mapping, start), _source_name(mapping, end)
    return [
        Problem(
            row,
            end_name,
            f"{e.isoformat()}",
            f"{end} {e.isoformat()} is before {start} {s.isoformat()} (column {start_name!r}): {what}. "
            "Correct one of the two dates.",
        )
        for row, s, e in zip(found[ROW].to_pylist()[:MAX_PROBLEMS], found[start].to_pylist(), found[end].to_pylist())
    ]


def _overflow(problems: list[Problem]) -> list[Problem]:
    extra = len(problems) - MAX_PROBLEMS
    return [Problem(None, None, None, f"... and {extra} more problems like these")] if extra > 0 else []


def _unmapped_warnings(layout: Layout, mapping: Mapping) -> list[str]:
    """Every source column nothing stores; a checkbox group is named once, by its base name (a column
    left out by --drop-unresolved has its own warning)."""
    mapped = set(mapping.columns.values())
    in_group = {member for c in layout.columns for _, member, _ in c.members}
    names = []
    for column in layout.columns:
        members = {member for _, member, _ in column.members}
        if column.name in mapped or (members & mapped) or (column.name in in_group and not column.members):
            continue
        names.append(column.name)
    if len(names) <= MAX_UNMAPPED_NAMED:
        return [f"column {name!r} not mapped: not stored" for name in names]
    shown = ", ".join(repr(name) for name in names[:MAX_UNMAPPED_NAMED])
    return [f"{len(names):,} columns not mapped: not stored ({shown} and {len(names) - MAX_UNMAPPED_NAMED:,} more)"]


def _notes(mapping: Mapping) -> list[str]:
    mapped = set(mapping.columns) | set(mapping.constants)
    return [schema.MBI_NOTE] if any(c.startswith(schema.MBI_PREFIX) for c in mapped) else []
