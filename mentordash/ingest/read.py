"""Bytes to records: refuse what is not a CSV, detect the encoding and delimiter, parse every cell as text.

Parsing is pyarrow's multithreaded CSV reader over the whole file; only a file whose rows do not all
have the header's width is read a second time with Python's csv module, to name those rows exactly.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from mentordash.ingest.problems import Problem, Rejected, file_problem

MAX_RECORD_BYTES = 4 * 1024 * 1024  # no survey answer is this long; a longer line is a broken or hostile file
ARROW_BLOCK_BYTES = 16 * 1024 * 1024  # the longest record Arrow reads: a block holds whole records
# Arrow's threads parse a file block by block: 4 MB blocks keep both cores busy (a 150 MB file reads in
# about 0.8 s, in 1.3-1.6 s with 16 MB blocks). A record longer than that is read with ARROW_BLOCK_BYTES.
FAST_BLOCK_BYTES = 4 * 1024 * 1024
MAX_RAGGED_PROBLEMS = 1000  # rows of the wrong width named; past that the file is not a table at all
SNIFF_CHARS = 64 * 1024
ROW = "__row"  # the spreadsheet row number of each record, carried beside the cells
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252", "latin-1")
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}


@dataclass
class RawFile:
    name: str
    sha256: str
    encoding: str
    delimiter: str
    records: pa.Table  # columns c0..cN (every cell as text, header rows included) and __row
    # __row -> (first, last) line of the file, for the records whose quoted cells run over several lines
    spans: dict[int, tuple[int, int]] = field(default_factory=dict)

    @property
    def width(self) -> int:
        return self.records.num_columns - 1

    def row(self, index: int) -> list[str]:
        return [self.records.column(i)[index].as_py() for i in range(self.width)]


def load(
    source: bytes | str | Path, name: str | None = None, encoding: str | None = None, delimiter: str | None = None
) -> RawFile:
    """Read an export as the tool wrote it; raise Rejected with a message a coordinator can act on."""
    path = Path(source) if isinstance(source, (str, Path)) else None
    if path is not None:
        name = name or path.name
        before = _stamp(path)
        with path.open("rb") as handle:
            _check_record_lengths(iter(lambda: handle.read(8 * 1024 * 1024), b""))
        data = path.read_bytes()
    else:
        data = bytes(source)
        _check_record_lengths(data[i : i + 8 * 1024 * 1024] for i in range(0, len(data), 8 * 1024 * 1024))
    _refuse_non_csv(data)
    encoding = encoding or detect_encoding(data)
    text = decode(data, encoding)
    if not _HOLDS_DATA.search(text):
        raise file_problem("The file holds no data: it is empty (or only separators).")
    utf8 = data[3:] if encoding == "utf-8-sig" else data if encoding == "utf-8" else text.encode("utf-8")
    sample, lines = _sample(text), _line_count(text)
    del text  # Arrow parses the bytes: the text beside them would double a large file in memory
    delimiter = delimiter or sniff_delimiter(sample)
    sha256, shape = hashlib.sha256(data).hexdigest(), Shape.of(utf8)
    if path is not None and encoding in UTF8:
        # Arrow reads the UTF-8 file itself, block by block: the bytes read so far are let go first (a
        # 150 MB file held beside the cells Arrow builds was the read's peak memory)
        del data, utf8
        body: bytes | Path = path
        full_text = functools.partial(_decoded_file, path, encoding)
    else:
        body, full_text = utf8, functools.partial(decode, data, encoding)  # decoded again only to name what breaks
    records = _parse(body, encoding, shape, sample, full_text, delimiter)
    if path is not None and _stamp(path) != before:
        raise file_problem(
            "The file changed while it was read (is it still being written?): try again once it is saved."
        )
    spans = _check_multiline(records, lines, delimiter)
    return RawFile(name or "upload.csv", sha256, encoding, delimiter, records, spans)


UTF8 = ("utf-8", "utf-8-sig")


@dataclass(frozen=True)
class Shape:
    """What the parse checks of a file's bytes, found while they are at hand."""

    quotes: int  # quote characters
    blank_line: bool  # a blank line before the content ends (Arrow skips them)

    @classmethod
    def of(cls, utf8: bytes) -> Shape:
        return cls(utf8.count(b'"'), bool(_BLANK_LINE.search(utf8, 0, _content_end(utf8))))


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


def _decoded_file(path: Path, encoding: str) -> str:
    return decode(path.read_bytes(), encoding)


def _check_record_lengths(chunks: Iterable[bytes]) -> None:
    """Refuse a line longer than MAX_RECORD_BYTES before reading the whole file into memory."""
    offset = line_start = lines_before = 0
    for chunk in chunks:
        newlines = np.flatnonzero(np.frombuffer(chunk, np.uint8) == 10) + offset
        if newlines.size:
            lengths = np.diff(newlines, prepend=line_start - 1) - 1
            too_long = np.flatnonzero(lengths > MAX_RECORD_BYTES)
            if too_long.size:
                raise _too_long(lines_before + int(too_long[0]) + 1)
            line_start = int(newlines[-1]) + 1
            lines_before += newlines.size
        offset += len(chunk)
        if offset - line_start > MAX_RECORD_BYTES:
            raise _too_long(lines_before + 1)


def _too_long(line: int) -> Rejected:
    limit = MAX_RECORD_BYTES // (1024 * 1024)
    return Rejected(
        [
            Problem(
                line,
                None,
                None,
                f"This line is longer than {limit} MB: the file is not a survey or roster export, or it is damaged.",
            )
        ]
    )


# A character other than blanks and separators (a byte other than blanks, BOMs and zeros): searched for,
# not found by stripping, which would copy the whole file.
_HOLDS_DATA = re.compile(r"[^ \t\r\n,;\ufeff]")
_HOLDS_TEXT = re.compile(rb"[^ \t\r\n\xef\xbb\xbf\xff\xfe\x00]")


def _refuse_non_csv(data: bytes) -> None:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not _HOLDS_TEXT.search(data):
        raise file_problem("The file is empty.")
    if data.startswith(b"PK\x03\x04"):
        raise file_problem(
            "This is an Excel workbook (.xlsx) renamed .csv. Open it in Excel and use "
            "File > Save As > CSV UTF-8, then upload that file."
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise file_problem("This is an old Excel workbook (.xls). Save it as CSV UTF-8 and upload that file.")
    if head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<table", b"<head", b"<body")):
        raise file_problem(
            "This is a web page (HTML) saved as .csv, not an export. Download the export "
            "again with the tool's CSV export button."
        )
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")) and b"\x00" in data[:SNIFF_CHARS]:
        raise file_problem("This is not a text file (it holds binary data). Upload the CSV export.")


def detect_encoding(data: bytes) -> str:
    """BOMs first; then UTF-8 if every byte decodes; else Excel's Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            data[3:].decode("utf-8")
            return "utf-8-sig"
        except UnicodeDecodeError:  # a UTF-8 export re-saved by Excel as Windows-1252, BOM bytes kept
            return "cp1252"  # the header's first cell then starts with "ï»¿": formats.clean drops it
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1252"


def decode(data: bytes, encoding: str) -> str:
    if encoding not in ENCODINGS:
        raise file_problem(f"Unknown encoding {encoding!r}: choose one of {', '.join(ENCODINGS)}.")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        bad = data[error.start : error.start + 4]
        line = data.count(b"\n", 0, error.start) + 1
        raise Rejected(
            [
                Problem(
                    line,
                    None,
                    bad.hex(" "),
                    f"These bytes are not valid {encoding}: the file "
                    "uses another encoding (try Windows-1252 or UTF-16), or it is damaged.",
                )
            ]
        ) from error


def sniff_delimiter(sample: str) -> str:
    """The delimiter that splits the first records into the same, largest number of cells."""
    best, best_score = ",", (False, 0)
    for delimiter in DELIMITERS:
        widths = [len(record) for record in _first_records(sample, delimiter)]
        if not widths:
            continue
        consistent = len(set(widths)) == 1 and widths[0] > 1
        score = (consistent, widths[0])
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _first_records(sample: str, delimiter: str, limit: int = 20) -> list[list[str]]:
    lines = sample.splitlines(keepends=True)
    complete = "".join(lines[:-1]) if len(lines) > 1 else sample  # the last line may be cut mid-record
    records = [r for r in _csv_reader(io.StringIO(complete), delimiter) if r]
    return records[:limit]


def _sample(text: str) -> str:
    """The first SNIFF_CHARS characters, extended to the end of the line they stop in: a header longer
    than the sample (thousands of columns, long question texts) is still read whole."""
    end = text.find("\n", SNIFF_CHARS)
    return text if end < 0 else text[: end + 1]


def _parse(
    body: bytes | Path, encoding: str, shape: Shape, sample: str, full_text: Callable[[], str], delimiter: str
) -> pa.Table:
    """Every cell as text, from the file's UTF-8 bytes or from the UTF-8 file itself."""
    width = len(_first_records(sample, delimiter, 1)[0])
    names = [f"c{i}" for i in range(width)]
    ragged: list[int] = []
    try:
        try:
            table = _read_arrow(body, encoding, names, delimiter, FAST_BLOCK_BYTES, ragged)
        except pa.ArrowInvalid:  # a record longer than the small block: read as before, in large blocks
            ragged.clear()
            table = _read_arrow(body, encoding, names, delimiter, ARROW_BLOCK_BYTES, ragged)
    except pa.ArrowInvalid as error:  # a record longer than a block: a huge quoted cell, or an open quote
        raise _unreadable(full_text(), delimiter, error) from None
    _check_open_quote(shape.quotes, full_text, delimiter, table)
    _check_cell_sizes(table)
    if ragged or shape.blank_line:
        # Arrow skips blank lines, which would shift the row numbers a spreadsheet shows after them.
        table = _parse_ragged(full_text(), delimiter, width)
    table = table.append_column(ROW, pa.array(np.arange(1, table.num_rows + 1, dtype=np.int64)))
    return _drop_blank(table)


def _read_arrow(
    body: bytes | Path, encoding: str, names: list[str], delimiter: str, block_size: int, ragged: list[int]
) -> pa.Table:
    """Every cell as text; `ragged` counts the rows of another width, which Arrow skips."""
    with _arrow_input(body, encoding) as handle:  # read by Arrow's threads without copies or the GIL
        return pacsv.read_csv(
            handle,
            read_options=pacsv.ReadOptions(column_names=names, block_size=block_size),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                newlines_in_values=True,
                invalid_row_handler=lambda row: ragged.append(1) or "skip",
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )


def _arrow_input(body: bytes | Path, encoding: str) -> pa.NativeFile:
    """The bytes in place, or the file from its first byte after a byte order mark."""
    if isinstance(body, bytes):
        return pa.BufferReader(body)
    handle = pa.OSFile(str(body))
    if encoding == "utf-8-sig":
        handle.seek(3)
    return handle


def _parse_ragged(text: str, delimiter: str, width: int) -> pa.Table:
    """Rows of another width: fine when the extra cells are empty (trailing commas), else name them all."""
    rows, problems = [], []
    reader = _records(text, delimiter)
    line = 0  # the last line of the file read so far
    for number, record in enumerate(reader, start=1):
        first, line = line + 1, reader.line_num
        if not record:
            record = [""] * width  # a blank line is a blank spreadsheet row: kept for numbering, dropped later
        if len(record) > width and not any(c.strip() for c in record[width:]):
            record = record[:width]
        if len(record) != width:
            shown = delimiter.join(record)[:80]
            over = (
                f" It runs over lines {first} to {line} of the file: a quote in it is not closed where it should be."
                if line > first
                else ""
            )
            problems.append(
                Problem(
                    number,
                    None,
                    shown,
                    f"This row has {len(record)} cells where the header "
                    f"has {width}: a cell holds an unquoted {DELIMITERS[delimiter]}, or "
                    f"the row was cut.{over}",
                )
            )
            if len(problems) >= MAX_RAGGED_PROBLEMS:
                problems.append(
                    Problem(
                        None,
                        None,
                        None,
                        "... and possibly more rows like these: the file is "
                        "not a table with one header width (is it the right file?).",
                    )
                )
                break
        rows.append(record)
    if problems:
        raise Rejected(problems)
    return pa.table({f"c{i}": pa.array([r[i] for r in rows], pa.string()) for i in range(width)})


def _csv_reader(lines, delimiter: str, strict: bool = False):
    """csv.reader with its cell size limit (128 KB by default, process-wide) raised to ours, MAX_RECORD_BYTES:
    every cell that Arrow read must be readable again here."""
    csv.field_size_limit(max(csv.field_size_limit(), MAX_RECORD_BYTES))
    return csv.reader(lines, delimiter=delimiter, strict=strict)


def _records(text: str, delimiter: str, strict: bool = False):
    return _csv_reader(io.StringIO(text.rstrip("\r\n"), newline=""), delimiter=delimiter, strict=strict)


# --- records that run over several lines (issue 13): quotes opened and not closed -----------------
def _unreadable(text: str, delimiter: str, error: Exception) -> Rejected:
    """Arrow could not fit one record in a block: name the cell (over MAX_RECORD_BYTES) if there is one."""
    limit = MAX_RECORD_BYTES // (1024 * 1024)
    reader = _records(text, delimiter)
    number = line = 0
    try:
        for number, _ in enumerate(reader, start=1):  # noqa: B007 (the count is read after the loop)
            line = reader.line_num
    except csv.Error:  # "field larger than field limit": the cell is over MAX_RECORD_BYTES
        return Rejected(
            [
                Problem(
                    number + 1,
                    None,
                    None,
                    f"A cell that starts on line {line + 1} of the file is longer than {limit} MB "
                    "(it runs over many lines): a quote opened there is not closed where it should "
                    "be, or the file is not a survey or roster export.",
                )
            ]
        )
    return Rejected(
        [
            Problem(
                None,
                None,
                None,
                f"A record of this file is longer than "
                f"{ARROW_BLOCK_BYTES // (1024 * 1024)} MB: the file is not a survey or roster "
                f"export, or it is damaged ({str(error).splitlines()[0]}).",
            )
        ]
    )


def _check_open_quote(quotes: int, full_text: Callable[[], str], delimiter: str, table: pa.Table) -> None:
    """A quote never closed swallows the rest of the file into one cell: name the row where it opened.

    Checked exactly (Python's csv in strict mode) only when a sign of it is there: an odd number of
    quote characters, or a last record whose cell holds a line break or ends the file."""
    if table.num_rows == 0 or not quotes:
        return
    odd = quotes % 2 == 1
    last = [table.column(i)[table.num_rows - 1].as_py() or "" for i in range(table.num_columns)]
    if not odd and not any("\n" in cell or "\r" in cell for cell in last):
        return
    text = full_text()
    reader = _records(text, delimiter, strict=True)
    number = line = 0
    try:
        for number, _ in enumerate(reader, start=1):  # noqa: B007 (the count is read after the loop)
            line = reader.line_num
    except csv.Error as error:
        if "unexpected end of data" not in str(error):
            return  # other quirks of quoting are Arrow's to read, as every tool's export is
        lines = _line_count(text)
        opened = text.split("\n", line + 1)[line] if line < lines else ""
        cells = next(_csv_reader([opened], delimiter), [])
        column = table.column(len(cells) - 1)[0].as_py() if 0 < len(cells) <= table.num_columns else None
        raise Rejected(
            [
                Problem(
                    number + 1,
                    column,
                    _shown(opened),
                    f'A quote (") opened in this row (line {line + 1} of the file) is never closed: '
                    f"everything after it, to the end of the file (line {lines}), would be read as "
                    "one cell. Close the quote, or remove it, and upload the file again.",
                )
            ]
        ) from None


def _check_cell_sizes(table: pa.Table) -> None:
    limit = MAX_RECORD_BYTES // (1024 * 1024)
    for name in table.column_names:
        lengths = pc.binary_length(table[name])
        longest = pc.max(lengths).as_py() or 0
        if longest > MAX_RECORD_BYTES:
            index = pc.index(lengths, longest).as_py()
            raise Rejected(
                [
                    Problem(
                        index + 1,
                        table[name][0].as_py() if index else None,
                        None,
                        f"This row holds a cell longer than {limit} MB: a quote opened in it is not "
                        "closed where it should be, or the file is not a survey or roster export.",
                    )
                ]
            )


def _check_multiline(records: pa.Table, total_lines: int, delimiter: str) -> dict[int, tuple[int, int]]:
    """The lines each multi-line record spans; refuse when a quoted cell swallowed whole rows.

    A quoted cell may hold line breaks (a free-text answer). But when its later lines are rows of the
    header's width, a quote was opened and closed only rows later: those rows were read as one cell,
    and the file has more lines than the records read. Say so, naming the row where the quote opened."""
    cells = [c for c in records.column_names if c != ROW]
    if not records.num_rows or not cells or records[ROW][-1].as_py() == total_lines:
        return {}  # as many records as lines: no cell runs over several
    breaks = None
    for name in cells:
        count = pc.count_substring(records[name], "\n")
        breaks = count if breaks is None else pc.add(breaks, count)
    extra = np.asarray(breaks.to_numpy(zero_copy_only=False), dtype=np.int64)
    if not extra.any():
        return {}
    rows = records[ROW].to_numpy()
    first = rows + np.concatenate([[0], np.cumsum(extra)[:-1]])  # lines before: rows before and their breaks
    spans = {int(rows[i]): (int(first[i]), int(first[i] + extra[i])) for i in np.flatnonzero(extra)}
    width = len(cells)
    header = [records[name][0].as_py() for name in cells]
    # What a row of this file starts with (P12, 2026-03-01 10:00:00, R_2YPO...): its first cells' shapes
    starts = {_shape(v) for v in records[cells[0]].slice(1, 1000).to_pylist() if v}
    for index in np.flatnonzero(extra):
        own = _shape(records[cells[0]][int(index)].as_py() or "")
        for position, name in enumerate(cells):
            cell = records[name][int(index)].as_py() or ""
            later = cell.split("\n")[1:]
            swallowed = [part for part in later if _looks_like_a_row(part, delimiter, width, starts | {own})]
            if not swallowed:
                continue
            row, (start, end) = int(rows[index]), spans[int(rows[index])]
            raise Rejected(
                [
                    Problem(
                        row,
                        header[position] if row > 1 else None,
                        _shown(cell),
                        f"A quote opened in this row (line {start} of the file) is closed only on line "
                        f"{end}: {_lines(start + 1, end)}, which hold rows of their own, were read as "
                        f"part of this one cell. The file has {total_lines} "
                        f"lines but only {records.num_rows} records could be read. Close the quote "
                        "where the cell ends (or remove it) and upload the file again.",
                    )
                ]
            )
    return spans


def _shape(cell: str) -> str:
    """A cell's look: runs of letters as 'a', of digits as '9' (P12 and P3 look alike, 'Long hours' does not)."""
    return re.sub(r"[0-9]+", "9", re.sub(r"[^\W\d_]+", "a", cell.strip()))


def _looks_like_a_row(line: str, delimiter: str, width: int, starts: set[str]) -> bool:
    """A line inside a quoted cell that is a row of the file: the header's width of cells, and a first
    cell that looks like the first cells of the file's rows (not a sentence with commas in it)."""
    cells = next(_csv_reader([line.rstrip("\r")], delimiter), [])
    return width > 1 and len(cells) >= width and _shape(cells[0]) in starts


def _line_count(text: str) -> int:
    """Lines of the file, blank lines at its end left out (counted without copying the text)."""
    end = len(text)
    while end and text[end - 1] in "\r\n":
        end -= 1
    return text.count("\n", 0, end) + 1


def _lines(first: int, last: int) -> str:
    return f"line {first}" if first == last else f"lines {first} to {last}"


def _shown(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


_BLANK_LINE = re.compile(rb"\n[ \t]*\r?\n")


def _content_end(data: bytes, step: int = 64 * 1024) -> int:
    """len(data.rstrip()), without copying the file: the whitespace at its end is read backwards."""
    end = len(data)
    while end:
        tail = data[max(0, end - step) : end]
        kept = len(tail.rstrip())
        if kept:
            return end - len(tail) + kept
        end -= len(tail)
    return 0


def _drop_blank(table: pa.Table) -> pa.Table:
    """Blank trailing rows and columns that spreadsheets leave behind carry nothing."""
    keep_columns = [c for c in table.column_names if c != ROW and _any_filled(table[c])]
    if not keep_columns:
        return table.select([ROW]).slice(0, 0)
    renamed = table.select(keep_columns + [ROW]).rename_columns([f"c{i}" for i in range(len(keep_columns))] + [ROW])
    any_filled = None
    for name in keep_columns:  # usually the first column fills every row, and the others need not be read
        filled = _filled(table[name])
        any_filled = filled if any_filled is None else pc.or_(any_filled, filled)
        if pc.all(any_filled).as_py():
            return renamed  # no blank row: a filtered copy of a large file would only double its memory
    return renamed.filter(any_filled)


def _filled(cells: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.not_equal(pc.utf8_trim_whitespace(cells), "")


def _any_filled(cells: pa.ChunkedArray, peek: int = 1000) -> bool:
    """The first rows usually tell, without trimming the whole column."""
    return bool(pc.any(_filled(cells.slice(0, peek))).as_py() or pc.any(_filled(cells)).as_py())
