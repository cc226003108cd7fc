"""Bytes to records: refuse what is not a CSV, detect the encoding and delimiter, parse every cell as text.

Parsing is pyarrow's multithreaded CSV reader over the whole file; only a file whose rows do not all
have the header's width is read a second time with Python's csv module, to name those rows exactly.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from mentordash.ingest.problems import Problem, Rejected, file_problem

MAX_RECORD_BYTES = 4 * 1024 * 1024  # no survey answer is this long; a longer line is a broken or hostile file
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

    @property
    def width(self) -> int:
        return self.records.num_columns - 1

    def row(self, index: int) -> list[str]:
        return [self.records.column(i)[index].as_py() for i in range(self.width)]


def load(source: bytes | str | Path, name: str | None = None, encoding: str | None = None,
         delimiter: str | None = None) -> RawFile:
    """Read an export as the tool wrote it; raise Rejected with a message a coordinator can act on."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        name = name or path.name
        with path.open("rb") as handle:
            _check_record_lengths(iter(lambda: handle.read(8 * 1024 * 1024), b""))
        data = path.read_bytes()
    else:
        data = bytes(source)
        _check_record_lengths(data[i:i + 8 * 1024 * 1024] for i in range(0, len(data), 8 * 1024 * 1024))
    _refuse_non_csv(data)
    encoding = encoding or detect_encoding(data)
    text = decode(data, encoding)
    if not text.strip(" \t\r\n,;\ufeff"):
        raise file_problem("The file holds no data: it is empty (or only separators).")
    utf8 = data[3:] if encoding == "utf-8-sig" else data if encoding == "utf-8" else text.encode("utf-8")
    delimiter = delimiter or sniff_delimiter(text[:SNIFF_CHARS])
    records = _parse(utf8, text, delimiter)
    return RawFile(name or "upload.csv", hashlib.sha256(data).hexdigest(), encoding, delimiter, records)


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
    return Rejected([Problem(line, None, None, f"This line is longer than {limit} MB: the file is not a "
                                               "survey or roster export, or it is damaged.")])


def _refuse_non_csv(data: bytes) -> None:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not data.strip(b" \t\r\n\xef\xbb\xbf\xff\xfe\x00"):
        raise file_problem("The file is empty.")
    if data.startswith(b"PK\x03\x04"):
        raise file_problem("This is an Excel workbook (.xlsx) renamed .csv. Open it in Excel and use "
                           "File > Save As > CSV UTF-8, then upload that file.")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise file_problem("This is an old Excel workbook (.xls). Save it as CSV UTF-8 and upload that file.")
    if head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<table", b"<head", b"<body")):
        raise file_problem("This is a web page (HTML) saved as .csv, not an export. Download the export "
                           "again with the tool's CSV export button.")
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")) and b"\x00" in data[:SNIFF_CHARS]:
        raise file_problem("This is not a text file (it holds binary data). Upload the CSV export.")


def detect_encoding(data: bytes) -> str:
    """BOMs first; then UTF-8 if every byte decodes; else Excel's Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
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
        bad = data[error.start:error.start + 4]
        line = data.count(b"\n", 0, error.start) + 1
        raise Rejected([Problem(line, None, bad.hex(" "), f"These bytes are not valid {encoding}: the file "
                                "uses another encoding (try Windows-1252 or UTF-16), or it is damaged.")])


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
    records = [r for r in csv.reader(io.StringIO(complete), delimiter=delimiter) if r]
    return records[:limit]


def _parse(utf8: bytes, text: str, delimiter: str) -> pa.Table:
    width = len(_first_records(text[:SNIFF_CHARS], delimiter, 1)[0])
    names = [f"c{i}" for i in range(width)]
    ragged: list[int] = []
    table = pacsv.read_csv(
        io.BytesIO(utf8),
        read_options=pacsv.ReadOptions(column_names=names, block_size=16 * 1024 * 1024),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                          invalid_row_handler=lambda row: ragged.append(1) or "skip"),
        convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                             strings_can_be_null=False, quoted_strings_can_be_null=False),
    )
    if ragged or _BLANK_LINE.search(utf8.rstrip()):
        # Arrow skips blank lines, which would shift the row numbers a spreadsheet shows after them.
        table = _parse_ragged(text, delimiter, width)
    table = table.append_column(ROW, pa.array(np.arange(1, table.num_rows + 1, dtype=np.int64)))
    return _drop_blank(table)


def _parse_ragged(text: str, delimiter: str, width: int) -> pa.Table:
    """Rows of another width: fine when the extra cells are empty (trailing commas), else name them all."""
    rows, problems = [], []
    for number, record in enumerate(_records(text, delimiter), start=1):
        if not record:
            record = [""] * width  # a blank line is a blank spreadsheet row: kept for numbering, dropped later
        if len(record) > width and not any(c.strip() for c in record[width:]):
            record = record[:width]
        if len(record) != width:
            shown = delimiter.join(record)[:80]
            problems.append(Problem(number, None, shown, f"This row has {len(record)} cells where the header "
                                    f"has {width}: a cell holds an unquoted {DELIMITERS[delimiter]}, or "
                                    "the row was cut."))
        rows.append(record)
    if problems:
        raise Rejected(problems)
    return pa.table({f"c{i}": pa.array([r[i] for r in rows], pa.string()) for i in range(width)})


def _records(text: str, delimiter: str) -> Iterator[list[str]]:
    return csv.reader(io.StringIO(text.rstrip("\r\n"), newline=""), delimiter=delimiter)


_BLANK_LINE = re.compile(rb"\n[ \t]*\r?\n")


def _drop_blank(table: pa.Table) -> pa.Table:
    """Blank trailing rows and columns that spreadsheets leave behind carry nothing."""
    cells = [c for c in table.column_names if c != ROW]
    filled = [pc.not_equal(pc.utf8_trim_whitespace(table[c]), "") for c in cells]
    keep_columns = [c for c, f in zip(cells, filled) if pc.any(f).as_py()]
    if not keep_columns:
        return table.select([ROW]).slice(0, 0)
    any_filled = filled[cells.index(keep_columns[0])]
    for column in keep_columns[1:]:
        any_filled = pc.or_(any_filled, filled[cells.index(column)])
    renamed = table.select(keep_columns + [ROW]).rename_columns([f"c{i}" for i in range(len(keep_columns))] + [ROW])
    return renamed.filter(any_filled)
