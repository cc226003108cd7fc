"""Turning source cells into canonical values, vectorised.

Choice-like columns (enumerations, lists, booleans, Likert items) hold few distinct values however
long the file, so each distinct value is resolved once in Python and spread back with Arrow's
index_in/take. Dates are parsed by DuckDB's strptime over the whole column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from mentordash.ingest import schema
from mentordash.ingest.problems import Problem, Rejected

INTEGER = re.compile(r"^[+-]?\d+(?:[.,]0*)?$")
EXCEL_DATE = re.compile(r"^\d{1,2}-[A-Za-z]{3}$|^[A-Za-z]{3}-\d{1,2}$")
ARROW_TYPES = {
    "text": pa.string(),
    "enum": pa.string(),
    "list": pa.list_(pa.string()),
    "bool": pa.bool_(),
    "int": pa.int32(),
    "date": pa.date32(),
    "datetime": pa.timestamp("us"),
}


class Resolver:
    """Resolves one source value of one canonical column: the mapping's table, then the synonyms."""

    def __init__(
        self,
        col: schema.Column,
        table: dict[str, list[str]] | None,
        labels: dict[str, str] | None = None,
        separator: str = ";",
    ):
        self.col = col
        self.index = {schema.norm(s): canonical for canonical, sources in (table or {}).items() for s in sources}
        self.labels = labels or {}
        self.separators = list(dict.fromkeys([separator, ";"]))

    def try_resolve(self, raw: str):
        try:
            return self.resolve(raw)
        except ValueError:
            return None

    def resolve(self, raw: str):
        kind = self.col.kind
        if kind == "list":
            return self._list(raw)
        one = {"enum": self._enum, "bool": self._bool, "int": self._int}.get(kind)
        return one(raw) if one else raw

    def _mapped(self, raw: str) -> str | None:
        found = self.index.get(schema.norm(raw))
        if found is None and raw in self.labels:
            return self.labels[raw]
        return found

    def _enum(self, raw: str) -> str:
        for candidate in (raw, self._mapped(raw)):
            if candidate is not None:
                value = schema.enum_value(self.col.name, candidate, self.col.choices)
                if value:
                    return value
        raise ValueError(
            f"not a known {self.col.name}: use one of {', '.join(self.col.choices)}, or map this value in the mapping"
        )

    def _bool(self, raw: str) -> bool:
        for candidate in (raw, self._mapped(raw)):
            if candidate is not None and schema.bool_value(candidate) is not None:
                return schema.bool_value(candidate)
        raise ValueError("not a yes/no value: use true/false, yes/no, y/n, 1/0 or checked/unchecked")

    def _int(self, raw: str) -> int:
        number = self._number(raw)
        if number is None:
            mapped = self._mapped(raw)
            number = self._number(mapped) if mapped is not None else None
        if number is None:
            if EXCEL_DATE.match(raw.strip()):
                raise ValueError(
                    "Excel turned this value into a date (e.g. 1-2 into 2-Jan): "
                    "export again, or format the column as text"
                )
            raise ValueError(
                "not a whole number" + (" or a known answer label" if schema.scale_of(self.col.name) else "")
            )
        if not self.col.low <= number <= self.col.high:
            raise ValueError(f"out of range: {self.col.name} goes from {self.col.low} to {self.col.high}")
        return number

    def _number(self, text: str) -> int | None:
        text = text.strip()
        if INTEGER.match(text):
            return int(re.split(r"[.,]", text)[0])
        return schema.scale_value(self.col.name, text)

    def _list(self, raw: str) -> list[str]:
        element = Resolver(schema.Column(self.col.name, "enum", choices=self.col.choices), None, self.labels)
        element.index = self.index
        whole = element.try_resolve(raw)
        if whole is not None:
            return [whole]
        for separator in self.separators:
            pieces = [p.strip() for p in raw.split(separator.strip() or separator)]
            found = _greedy_join([p for p in pieces if p], separator, element)
            if found is not None:
                return sorted(set(found))
        raise ValueError(
            f"holds a value that is not a known {self.col.name}: use "
            f"{', '.join(self.col.choices)}, or map it in the mapping"
        )


def _greedy_join(pieces: list[str], separator: str, element: Resolver) -> list[str] | None:
    """Split answers, rejoining neighbours where a label itself holds the separator
    ("Hispanic, Latino, or of Spanish origin" inside a Google Forms checkbox answer)."""
    found, start = [], 0
    while start < len(pieces):
        for end in range(len(pieces), start, -1):
            value = element.try_resolve(separator.join(pieces[start:end]))
            if value is not None:
                found.append(value)
                start = end
                break
        else:
            return None
    return found


@dataclass
class Converted:
    values: pa.Array
    bad: dict[str, str]  # source value -> why it is wrong
    problems: list[Problem] = field(default_factory=list)  # found by row already (checkbox groups)


def convert_choices(cells: pa.ChunkedArray | pa.Array, resolver: Resolver) -> Converted:
    """Resolve each distinct value once, trimmed; blanks become nulls. `bad` holds the trimmed values."""
    # One hashing pass gives the distinct values and each cell's place among them (one chunk: one dictionary);
    # only the distinct values are trimmed, not every cell ("Yes" and " Yes" then resolve alike).
    encoded = pc.dictionary_encode(cells.combine_chunks() if isinstance(cells, pa.ChunkedArray) else cells)
    resolved, bad = [], {}
    for value in pc.utf8_trim_whitespace(encoded.dictionary).to_pylist():
        if value is None or value == "":
            resolved.append(None)
            continue
        try:
            resolved.append(resolver.resolve(value))
        except ValueError as why:
            bad[value] = str(why)
            resolved.append(None)
    table = pa.array(resolved, arrow_type(resolver.col))
    return Converted(table.take(encoded.indices), bad)


def arrow_type(col: schema.Column) -> pa.DataType:
    """A SMALLINT column's answers (0-7) as 16-bit integers, as stored: a 1M-row survey's 25 items then
    hold 50 MB less until they are written."""
    if col.kind == "int" and col.sql_type == "SMALLINT":
        return pa.int16()
    return ARROW_TYPES[col.kind]


def convert_text(cells) -> Converted:
    trimmed = pc.utf8_trim_whitespace(cells)
    return Converted(pc.if_else(pc.equal(trimmed, ""), None, trimmed), {})


# --- dates ---------------------------------------------------------------------------------------
ISO_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%SZ",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S.%fZ",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
]
# After the slash formats: "7/2/26" must not read as the year 7.
YEAR_FIRST_SLASH = ["%Y/%m/%d %I:%M:%S %p", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d"]
# Two-digit years first: %Y would read "26" as the year 26.
_SLASH_TAILS = [
    "%y %H:%M:%S",
    "%y %H:%M",
    "%y %I:%M:%S %p",
    "%y %I:%M %p",
    "%y",
    "%Y %H:%M:%S",
    "%Y %H:%M",
    "%Y %I:%M:%S %p",
    "%Y %I:%M %p",
    "%Y",
]
SLASH_FORMATS = {"mdy": [f"%m/%d/{t}" for t in _SLASH_TAILS], "dmy": [f"%d/%m/{t}" for t in _SLASH_TAILS]}
# Google Forms appends the sheet's time zone ("8:24:52 PM GMT"); the wall-clock time is what we keep.
ZONE_SUFFIX = r"\s+(GMT|UTC)([+-]\d{1,2}(:?\d\d)?)?$|\s+[A-Z]{3,4}$"


# An Excel serial number (days since 1899-12-30; 10000-99999 is 1927-2173), as a workbook's General-formatted
# date cell or its CSV save holds it: unambiguous, read to the millisecond. Fixed SQL text, no input in it.
EXCEL_SERIAL = (
    "CASE WHEN regexp_full_match(v, '[1-9][0-9]{4}(\\.[0-9]+)?') THEN TIMESTAMP '1899-12-30' + "
    "to_microseconds(CAST(round(CAST(v AS DOUBLE) * 86400000) AS BIGINT) * 1000) END"
)


MAX_FAILED_SHOWN = 1000  # distinct unreadable dates named, each with its rows


class AmbiguousDates(Exception):
    def __init__(self, column: str, example: str):
        super().__init__(column)
        self.column, self.example = column, example


def convert_dates(cells, kind: str, column: str, date_order: str | None) -> Converted:
    """Parse every accepted form at once; ambiguous day/month order is asked for, never guessed."""
    trimmed = pc.utf8_trim_whitespace(cells)
    con = duckdb.connect()
    try:
        con.register("cells", pa.table({"v": trimmed}))
        order = date_order or _date_order(con, column)
        formats = ISO_FORMATS + SLASH_FORMATS[order] + YEAR_FIRST_SLASH
        parsed = con.sql(
            f"SELECT coalesce(try_strptime(regexp_replace(v, ?, ''), ?), {EXCEL_SERIAL}) AS t FROM cells",
            params=[ZONE_SUFFIX, formats],
        ).to_arrow_table()["t"]
    finally:
        con.close()
    # the cells that hold something and parse as nothing, found from the parse itself (not parsed again)
    unparsed = pc.and_(pc.not_equal(trimmed, ""), pc.is_null(parsed))
    failed = pc.unique(pc.filter(trimmed, unparsed)).slice(0, MAX_FAILED_SHOWN).to_pylist()
    parsed = parsed.cast(pa.timestamp("us"))
    if kind == "date":
        parsed = parsed.cast(pa.date32())
    what = "date (YYYY-MM-DD)" if kind == "date" else "date or date and time"
    return Converted(parsed, {v: f"not a {what} in a form the importer knows" for v in failed})


def _date_order(con: duckdb.DuckDBPyConnection, column: str) -> str:
    """Month-first or day-first, from values such as 3/16/2026; AmbiguousDates when nothing tells."""
    first, second, example = con.execute(
        "WITH p AS (SELECT v, regexp_extract(v, '^(\\d{1,2})/(\\d{1,2})/\\d{2,4}', ['a', 'b']) AS s "
        "FROM cells WHERE regexp_matches(v, '^\\d{1,2}/\\d{1,2}/\\d{2,4}')) "
        "SELECT bool_or(s.a::INT > 12), bool_or(s.b::INT > 12), "
        "min(v) FILTER (WHERE s.a::INT <> s.b::INT) FROM p"
    ).fetchall()[0]
    if second and not first:
        return "mdy"
    if first and not second:
        return "dmy"
    if example is not None and not (first and second):
        raise AmbiguousDates(column, example)
    return "mdy"


def bad_rows(cells, rows: pa.Array, bad: dict[str, str], column: str) -> list[Problem]:
    """A problem for every row holding one of the bad values, in file order, each value as trimmed."""
    if not bad:
        return []
    trimmed = pc.utf8_trim_whitespace(cells)
    mask = pc.is_in(trimmed, value_set=pa.array(list(bad), pa.string()))
    values = pc.filter(trimmed, mask).to_pylist()
    numbers = pc.filter(rows, mask).to_pylist()
    return [Problem(r, column, v, bad[v.strip()]) for r, v in zip(numbers, values)]


def ambiguous_problem(error: AmbiguousDates) -> Rejected:
    return Rejected(
        [
            Problem(
                None,
                error.column,
                error.example,
                "Dates like this could be day-first or month-first: choose the date order "
                "(--date-order dmy or mdy, or on the data page).",
            )
        ]
    )
