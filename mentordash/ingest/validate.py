"""Apply a mapping to a parsed export: every canonical column converted and checked, every problem
found at once, nothing written. The result is the typed Arrow table the commit inserts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from mentordash.ingest import schema
from mentordash.ingest.formats import Layout
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


def validate(layout: Layout, mapping: Mapping, dictionary: Dictionary | None = None) -> Validated:
    _check_mapping_fits(layout, mapping)
    layout = _skip_absent_redcap_forms(layout, mapping)
    n = layout.data.num_rows
    rows = layout.data[ROW].combine_chunks() if n else pa.array([], pa.int64())
    problems: list[Problem] = []
    columns: dict[str, pa.Array] = {}
    for col in schema.columns(mapping.dataset):
        cells = _cells(layout, mapping, col)
        if cells is None:
            continue
        converted = _convert(layout, mapping, col, cells, dictionary)
        problems += converted.problems or bad_rows(cells, rows, converted.bad, _source_name(mapping, col.name))
        columns[col.name] = _with_default(mapping.dataset, col, converted.values)
    warnings = _fill_derived(layout, mapping, columns, n)
    table = pa.table({**columns, ROW: rows})
    broken = _line_breaks(layout, mapping)  # said once, instead of "not a known value" or "not a date"
    cut = {(p.row, p.column) for p in broken}
    problems = broken + [p for p in problems if (p.row, p.column) not in cut]
    reported = {(p.row, p.column) for p in problems}  # a value that failed to convert is not also "blank"
    problems += [p for p in _blank_required(table, mapping) if (p.row, p.column) not in reported]
    problems += _end_before_start(table, mapping)
    problems += _duplicates(table, mapping.dataset)
    problems.sort(key=lambda p: p.row or 0)
    return Validated(
        mapping.dataset,
        table,
        problems[:MAX_PROBLEMS] + _overflow(problems),
        warnings + _unmapped_warnings(layout, mapping) + _notes(mapping),
        layout.skipped,
    )


def _check_mapping_fits(layout: Layout, mapping: Mapping) -> None:
    problems = [
        Problem(
            None, source, None, f"The mapping names column {source!r} for {canonical}, but the file has no such column."
        )
        for canonical, source in mapping.columns.items()
        if not layout.has(source)
    ]
    for col in schema.columns(mapping.dataset):
        if (
            col.required
            and col.name not in mapping.columns
            and col.name not in mapping.constants
            and not _derived_id(layout, mapping, col.name)
        ):
            problems.append(Problem(None, col.name, None, _missing_message(mapping.dataset, col.name)))
    if problems:
        raise Rejected(problems)


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
    """The source cells of a canonical column (a group for a checkbox field), a constant, or None."""
    n = layout.data.num_rows
    source = mapping.columns.get(col.name)
    if source is not None:
        column = layout.column(source)
        return column if column.members else pc.utf8_trim_whitespace(layout.data[source])
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
                _redcap_unfinished_blank(cells), col.kind, _source_name(mapping, col.name), mapping.date_order
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
        columns["response_id"] = _content_ids(layout, mapping)
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


def _content_ids(layout: Layout, mapping: Mapping) -> pa.Array:
    """A stable id from the timestamp and the mapped answers, so a later download adds only new rows."""
    sources = [mapping.columns[c] for c in sorted(mapping.columns)]
    con = duckdb.connect()
    try:
        con.register("answers", pa.table({f"a{i}": layout.data[s] for i, s in enumerate(sources)}))
        joined = " || chr(31) || ".join(f"a{i}" for i in range(len(sources)))  # names a0.. come from code
        ids = con.sql(f"SELECT 'gf_' || left(sha256({joined}), 20) AS id FROM answers").to_arrow_table()["id"]
    finally:
        con.close()
    return ids.combine_chunks()


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
    if dataset in schema.UPSERT | {"survey"} and len(keys) == len(schema.KEYS[dataset]) and table.num_rows:
        con = duckdb.connect()
        try:
            con.register("incoming", table.select(keys + [ROW]))
            key_list = ", ".join(keys)  # from schema.KEYS, never from input
            found = con.execute(
                f"SELECT {ROW}, first_row, concat_ws(' / ', {key_list}) FROM "
                f"(SELECT *, min({ROW}) OVER (PARTITION BY {key_list}) AS first_row FROM incoming) "
                f"WHERE {ROW} <> first_row AND NOT ({' OR '.join(f'{k} IS NULL' for k in keys)}) "
                f"ORDER BY {ROW} LIMIT ?",
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


def _line_breaks(layout: Layout, mapping: Mapping) -> list[Problem]:
    """No mapped column is free text: a cell of one that runs over several lines is a quote opened and
    not closed where it should be (rows of the file read into it), or several values in one cell."""
    problems = []
    for canonical, source in mapping.columns.items():
        column = layout.column(source)
        if column is None:
            continue
        for member in [m for _, m, _ in column.members] or [source]:
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
    """Every source column nothing stores; a checkbox group is named once, by its base name."""
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
