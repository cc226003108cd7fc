"""Excel workbooks (.xlsx, .xlsm, .xls) to the records the CSV reader produces, one sheet at a time.

The workbook is read by python-calamine (Rust's calamine): cell values only, formulas by the value
Excel saved with them, macros never run. Every cell becomes the text a CSV export of it would hold,
written so that it cannot be misread:

- numbers as numbers (1.0 -> "1", 1.54 -> "1.54");
- date and time cells as ISO `YYYY-MM-DD` / `YYYY-MM-DD HH:MM:SS`: no day/month ambiguity (a serial
  number in a cell formatted as General stays a number, and a date column reads it as a date:
  values.convert_dates);
- booleans as TRUE / FALSE, empty cells as empty text (missing);
- cells merged over several rows as that value on each row (a merged cell means all of them); a cell
  merged across columns stays in its first column, as Excel's own CSV export leaves it.

Rows keep the number Excel shows beside them (ROW), so problems point at the right row. The header is
the first row unless the sheet has a title above it (a row with one cell, or only cells merged across
columns): such rows are skipped and said so; when the header cannot be told for sure, the message
names the row it seems to be on. `header_row` overrides the detection.

The result is a RawFile like read.load's, so format detection, mappings, value choices, validation,
dedupe and undo work unchanged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import python_calamine as calamine

from mentordash.ingest.problems import Problem, Rejected, file_problem
from mentordash.ingest.read import ROW, RawFile

KINDS = {".xlsx": "xlsx", ".xlsm": "xlsm", ".xls": "xls"}
SUFFIXES = tuple(KINDS)
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: .xls, or an encrypted .xlsx
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
CHUNK_ROWS = 100_000  # rows converted at a time (memory stays flat; progress moves)
PROGRESS_ROWS = 50_000  # sheets longer than this report progress while read
HEADER_SCAN_ROWS = 30  # how far down a title, a blank row or a second header row may push the header
CACHE_ENTRIES = 2  # the data page prepares one upload several times per rerun: read it once
Progress = Callable[[float, str], None]


@dataclass
class Sheet:
    name: str
    rows: int | None  # rows holding data (None: not counted, for a workbook with one sheet)
    hidden: bool = False


@dataclass
class WorkbookFile(RawFile):
    """One sheet of a workbook as records; `encoding` holds the kind (xlsx, xlsm, xls)."""

    sheet: str = ""
    header_row: int = 1  # the header's row as Excel numbers it
    sheets: tuple[str, ...] = ()  # every worksheet of the workbook
    notes: list[str] = field(default_factory=list)  # what the reader decided, shown as warnings


def is_workbook(name: str | Path | None) -> bool:
    """By the name the file came with: an export renamed .csv is refused by read.load as before."""
    return bool(name) and Path(str(name)).suffix.lower() in KINDS


# --- public entry points -------------------------------------------------------------------------
def sheets(source: bytes | str | Path, name: str | None = None) -> list[Sheet]:
    """The worksheets that hold data (all of them, uncounted, when there is only one)."""
    data, name = _bytes(source, name)
    key = (hashlib.sha256(data).hexdigest(), "sheets")
    cached = _cache_get(key)
    if cached is not None:
        return cached
    book = _open(data, name)
    try:
        found = _worksheets(book)
        if len(found) > 1:
            counted = []
            for meta in found:
                sheet = _get_sheet(book, meta.name, name, data)
                counted.append(Sheet(meta.name, sheet.height if sheet.start is not None else 0, _hidden(meta)))
            found = [s for s in counted if s.rows]
        else:
            found = [Sheet(m.name, None, _hidden(m)) for m in found]
    finally:
        book.close()
    _cache_put(key, found)
    return found


def load(
    source: bytes | str | Path,
    name: str | None = None,
    sheet: str | None = None,
    header_row: int | None = None,
    progress: Progress | None = None,
) -> WorkbookFile:
    """One sheet as records; raise Rejected with a message a coordinator can act on."""
    data, name = _bytes(source, name)
    digest = hashlib.sha256(data).hexdigest()
    key = (digest, sheet, header_row)
    cached = _cache_get(key)
    if cached is not None:
        return replace(cached, name=name, notes=list(cached.notes))
    book = _open(data, name)
    try:
        meta, chosen, notes = _choose_sheet(book, name, sheet, data)
        cells, first_row, merged = _read(chosen, meta.name, progress)
        errors, first_col = _error_cells(data, meta.name), chosen.start[1]
        kind = _kind(data, name)
        names = tuple(m.name for m in _worksheets(book))
    finally:
        book.close()
    if errors:
        cells = _put_errors(cells, errors, first_row, first_col, notes)
    if data.startswith(ZIP_MAGIC) and _has_macros(data):
        notes.append("This workbook holds macros: none was run, only the cell values were read.")
    table, header, more_notes = _records(cells, first_row, merged, meta.name, header_row, first_col)
    # A workbook is imported one sheet at a time: each sheet is its own file for "imported before".
    sha = hashlib.sha256(f"{digest}\x00{meta.name}".encode()).hexdigest()
    result = WorkbookFile(
        name, sha, kind, "", table, sheet=meta.name, header_row=header, sheets=names, notes=notes + more_notes
    )
    _cache_put(key, result)
    return replace(result, notes=list(result.notes))


# --- opening: every bad workbook gets its own message --------------------------------------------
def _bytes(source: bytes | str | Path, name: str | None) -> tuple[bytes, str]:
    if isinstance(source, (str, Path)):
        path = Path(source)
        return path.read_bytes(), name or path.name
    return bytes(source), name or "upload.xlsx"


def _kind(data: bytes, name: str) -> str:
    return KINDS.get(Path(name).suffix.lower(), "xls" if data.startswith(OLE_MAGIC) else "xlsx")


def _open(data: bytes, name: str) -> calamine.CalamineWorkbook:
    _refuse_not_a_workbook(data, name)
    try:
        return calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except calamine.PasswordError:
        raise _encrypted(name) from None
    except Exception as error:  # calamine's messages name no row or remedy: say what it means
        raise _damaged(name, error) from None


def _refuse_not_a_workbook(data: bytes, name: str) -> None:
    if not data.strip(b" \t\r\n\x00"):
        raise file_problem(f"{name} is empty: it holds no workbook at all.")
    if data.startswith(OLE_MAGIC):
        if ENCRYPTED_STREAM in data:
            raise _encrypted(name)
        return  # an .xls workbook (BIFF): calamine reads it
    if data.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                members = set(archive.namelist())
        except (zipfile.BadZipFile, EOFError, ValueError) as error:
            raise _damaged(name, error) from None
        if "xl/workbook.xml" not in members:
            what = (
                "a Word document"
                if "word/document.xml" in members
                else "a PowerPoint file"
                if "ppt/presentation.xml" in members
                else "a binary .xlsb workbook"
                if "xl/workbook.bin" in members
                else "a zip archive"
            )
            raise file_problem(
                f"{name} is {what}, not an Excel workbook (.xlsx): save it from Excel as "
                ".xlsx or as CSV UTF-8, then upload that file."
            )
        return
    head = data[:4096]
    if b"\x00" not in head:
        lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        if lowered.startswith((b"<!doctype html", b"<html", b"<?xml", b"<table")):
            raise file_problem(
                f"{name} is a web page or XML file named like a workbook, not an Excel "
                "workbook: download the export again as .xlsx or CSV."
            )
        raise file_problem(
            f"{name} is a text file (a CSV export?) named like an Excel workbook: rename "
            "it to .csv and upload it again."
        )
    raise file_problem(
        f"{name} is not an Excel workbook (.xlsx, .xlsm or .xls): it is damaged, or another kind of file."
    )


def _encrypted(name: str) -> Rejected:
    return file_problem(
        f"{name} is protected with a password (encrypted), so it cannot be read. Open it "
        "in Excel, remove the password (File > Info > Protect Workbook > Encrypt with "
        "Password, clear it), save, and upload that copy."
    )


def _damaged(name: str, error: Exception) -> Rejected:
    return file_problem(
        f"{name} is damaged and cannot be read as an Excel workbook ({error}): it was "
        "probably cut short while downloading. Download or save it again."
    )


def _worksheets(book: calamine.CalamineWorkbook) -> list:
    return [m for m in book.sheets_metadata if m.typ == calamine.SheetTypeEnum.WorkSheet]


def _hidden(meta) -> bool:
    return meta.visible != calamine.SheetVisibleEnum.Visible


def _get_sheet(book: calamine.CalamineWorkbook, sheet: str, name: str, data: bytes):
    _check_extent(data, sheet, name)
    try:
        return book.get_sheet_by_name(sheet)
    except calamine.PasswordError:
        raise _encrypted(name) from None
    except Exception as error:
        raise _damaged(name, error) from None


def _choose_sheet(book, name: str, wanted: str | None, data: bytes):
    """The sheet asked for, else the only one holding data; several: the coordinator chooses."""
    worksheets = _worksheets(book)
    listed = ", ".join(repr(m.name) for m in worksheets) or "none"
    if wanted is not None:
        matches = [m for m in worksheets if m.name == wanted] or [
            m for m in worksheets if m.name.strip().lower() == wanted.strip().lower()
        ]
        if not matches:
            raise file_problem(f"There is no sheet {wanted!r} in {name}: its sheets are {listed}.", value=wanted)
        chosen = _get_sheet(book, matches[0].name, name, data)
        if chosen.start is None:
            raise file_problem(f"Sheet {matches[0].name!r} of {name} is empty.", value=matches[0].name)
        return matches[0], chosen, []
    filled = []
    for meta in worksheets:
        sheet = _get_sheet(book, meta.name, name, data)
        if sheet.start is not None:
            filled.append((meta, sheet))
    if not filled:
        raise file_problem(f"{name} holds no data: every sheet ({listed}) is empty.")
    visible = [f for f in filled if not _hidden(f[0])]
    if len(filled) == 1 or len(visible) == 1:
        meta, sheet = filled[0] if len(filled) == 1 else visible[0]
        others = [m.name for m, _ in filled if m.name != meta.name]
        notes = (
            [
                f"Sheet {meta.name!r} read; the hidden sheet{'s' if len(others) > 1 else ''} "
                f"{', '.join(map(repr, others))} also hold{'' if len(others) > 1 else 's'} data and "
                f"{'were' if len(others) > 1 else 'was'} not read (choose with --sheet)."
            ]
            if others
            else []
        )
        return meta, sheet, notes
    described = ", ".join(f"{m.name!r} ({s.height:,} rows)" for m, s in filled)
    raise file_problem(
        f"{name} has {len(filled)} sheets with data: {described}. Choose one: --sheet NAME on "
        "the command line, or the Sheet box on the data page."
    )


# --- cells to text -------------------------------------------------------------------------------
def _read(sheet, sheet_name: str, progress: Progress | None):
    """Every row as text columns, streaming; the Excel number of the first row; merged ranges."""
    start, end = sheet.start, sheet.end
    width = end[1] - start[1] + 1
    total = end[0] + 1
    report = progress if progress and total > PROGRESS_ROWS else None
    columns: list[list[pa.Array]] = [[] for _ in range(width)]
    count, chunk = 0, []
    for row in sheet.iter_rows():
        chunk.append(row)
        if len(chunk) == CHUNK_ROWS:
            _convert_chunk(chunk, columns, width)
            count += len(chunk)
            chunk = []
            if report:
                report(min(count / total, 1.0), f"Reading sheet {sheet_name!r}: {count:,} of {total:,} rows")
    if chunk:
        _convert_chunk(chunk, columns, width)
        count += len(chunk)
    if report:
        report(1.0, f"Read sheet {sheet_name!r}: {count:,} rows")
    first_row = end[0] + 1 - count + 1  # calamine yields from row 1, or from the first used row
    merged = [
        ((r1, c1 - start[1]), (r2, c2 - start[1]))
        for (r1, c1), (r2, c2) in (sheet.merged_cell_ranges or [])
        if c2 >= start[1]
    ]
    cells = [pa.chunked_array(parts, pa.string()) if parts else pa.chunked_array([], pa.string()) for parts in columns]
    return cells, first_row, merged


def _convert_chunk(chunk: list[list], columns: list[list[pa.Array]], width: int) -> None:
    for index, values in enumerate(zip(*chunk)):
        if index >= width:
            break
        columns[index].append(column_text(values))


def column_text(values) -> pa.Array:
    """cell_text over a column, by Arrow where the column holds one kind of value besides blanks (the
    usual case: a million dates or numbers formatted at once), else cell by cell."""
    kinds = set(map(type, values))
    if kinds <= {str}:
        return pa.array(values, pa.string())
    others = kinds - {str}
    if others == {dt.date, dt.datetime}:  # calamine gives a date for a date-time at midnight
        values = [dt.datetime(v.year, v.month, v.day) if type(v) is dt.date else v for v in values]
        others = {dt.datetime}
    arrow = _ARROW_KINDS.get(next(iter(others))) if len(others) == 1 else None
    if arrow is not None and not (str in kinds and any(type(v) is str and v for v in values)):
        try:
            text = _arrow_text(pa.array([None if type(v) is str else v for v in values], arrow))
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
            text = None
        if text is not None:
            return pc.fill_null(text, "")
    return pa.array([v if type(v) is str else cell_text(v) for v in values], pa.string())


_ARROW_KINDS = {
    float: pa.float64(),
    int: pa.int64(),
    bool: pa.bool_(),
    dt.datetime: pa.timestamp("us"),
    dt.date: pa.date32(),
}


def _arrow_text(typed: pa.Array) -> pa.Array | None:
    kind = typed.type
    if pa.types.is_string(kind):
        return typed
    if pa.types.is_null(kind):
        return typed.cast(pa.string())
    if pa.types.is_boolean(kind):
        return pc.if_else(typed, "TRUE", "FALSE")
    if pa.types.is_integer(kind):
        return typed.cast(pa.string())
    if pa.types.is_floating(kind):
        whole = pc.and_(pc.equal(pc.floor(typed), typed), pc.less(pc.abs(typed), 1e15))
        return typed.cast(pa.int64()).cast(pa.string()) if pc.all(whole).as_py() in (True, None) else None
    if pa.types.is_timestamp(kind) and kind.tz is None:
        rounded = pc.round_temporal(typed, unit="millisecond")
        seconds = rounded.cast(pa.timestamp("s"), safe=False)
        if pc.all(pc.equal(seconds.cast(kind), rounded)).as_py() not in (True, None):
            return None  # fractions of a second: cell by cell
        return pc.strftime(seconds, "%Y-%m-%d %H:%M:%S")
    if pa.types.is_date32(kind):
        return typed.cast(pa.string())
    return None


def cell_text(value) -> str:
    """A cell as the text a CSV export would hold, unambiguous (module docstring)."""
    kind = type(value)
    if kind is str:
        return value
    if kind is bool:
        return "TRUE" if value else "FALSE"
    if kind is float:
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.15g}"  # Excel keeps 15 significant digits
    if kind is int:
        return str(value)
    if kind is dt.datetime:
        value = _round_ms(value)
        if value.microsecond:
            return value.strftime("%Y-%m-%d %H:%M:%S.%f")
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if kind is dt.date:
        return value.isoformat()
    if kind is dt.time:
        return value.strftime("%H:%M:%S")
    if kind is dt.timedelta:
        seconds = round(value.total_seconds())
        return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    return "" if value is None else str(value)


def _round_ms(value: dt.datetime) -> dt.datetime:
    """Excel stores times as fractions of a day: drop the float noise below a millisecond."""
    micro = value.microsecond
    rounded = round(micro / 1000) * 1000
    return value.replace(microsecond=0) + dt.timedelta(microseconds=rounded)


# --- the header ----------------------------------------------------------------------------------
def _records(
    cells: list[pa.ChunkedArray], first_row: int, merged, sheet: str, header_row: int | None, first_col: int = 0
) -> tuple[pa.Table, int, list[str]]:
    n = len(cells[0]) if cells else 0
    rows = np.arange(first_row, first_row + n, dtype=np.int64)
    notes: list[str] = []
    cells, merged_down = _fill_merged_down(cells, first_row, merged)
    filled = _filled(cells)  # per row: how many cells hold something
    if header_row is None:
        header_index = _detect_header(cells, filled, first_row, merged, sheet, notes)
    else:
        header_index = _given_header(header_row, filled, first_row, n, sheet)
    _note_merged_down(merged_down, header_index, first_row, first_col, notes)
    _note_merged_across(cells, header_index, first_row, first_col, merged, notes)
    table = pa.table({f"c{i}": c.slice(header_index) for i, c in enumerate(cells)} | {ROW: rows[header_index:]})
    return _drop_blank(table), first_row + header_index, notes


def _filled(cells: list[pa.ChunkedArray]) -> np.ndarray:
    if not cells:
        return np.zeros(0, np.int64)
    count = np.zeros(len(cells[0]), np.int64)
    for column in cells:
        count += pc.not_equal(pc.utf8_trim_whitespace(column), "").to_numpy(zero_copy_only=False).astype(np.int64)
    return count


def _fill_merged_down(cells, first_row: int, merged) -> tuple[list, list[tuple[int, int, int, str]]]:
    """A cell merged over several rows holds its value on each of them (a vertical merge)."""
    by_column: dict[int, list[tuple[int, int]]] = {}
    for (r1, c1), (r2, _c2) in merged:
        if r2 > r1 and 0 <= c1 < len(cells):
            by_column.setdefault(c1, []).append((r1 - (first_row - 1), r2 - (first_row - 1)))
    filled = []
    for column, spans in by_column.items():
        values = cells[column].to_pylist()
        for top, bottom in spans:
            if 0 <= top < len(values) and values[top].strip():
                for i in range(top + 1, min(bottom, len(values) - 1) + 1):
                    values[i] = values[top]
                filled.append((column, top, bottom, values[top]))
        cells[column] = pa.chunked_array([pa.array(values, pa.string())])
    return cells, filled


def _note_merged_down(filled, header: int, first_row: int, first_col: int, notes: list[str]) -> None:
    below = [
        f"{_ref(c + first_col, top + first_row)}:{_ref(c + first_col, bottom + first_row)} {value[:40]!r}"
        for c, top, bottom, value in sorted(filled, key=lambda f: (f[1], f[0]))
        if top > header
    ]
    if below:
        notes.append(
            f"Cells merged over several rows are read as their value on each row "
            f"({', '.join(below[:3])}{', ...' if len(below) > 3 else ''})."
        )


def _detect_header(cells, filled: np.ndarray, first_row: int, merged, sheet: str, notes: list[str]) -> int:
    """The first row that starts a known tool's header, or is not a title: a title row holds one
    cell, or only merged cells that group the columns below (at least one merged across columns).
    Any other header much narrower than a row of names below it is refused with the row the header
    seems to be on."""
    from mentordash.ingest.formats import detect  # formats imports read; imported here to stay light

    nonblank = [int(i) for i in np.flatnonzero(filled[:HEADER_SCAN_ROWS])] or [0]
    starts = {(r1 - (first_row - 1), c1): c2 > c1 for (r1, c1), (r2, c2) in merged if (r2, c2) != (r1, c1)}
    header = first = nonblank[0]
    known = False
    for index in nonblank:
        if detect(RawFile("", "", "", "", _head_table(cells, filled, index))) != "generic":
            header, known = index, True
            break
        in_row = [c for c in range(len(cells)) if cells[c][index].as_py().strip()]
        grouping = all((index, c) in starts for c in in_row) and any(starts[(index, c)] for c in in_row)
        later = max((int(filled[j]) for j in nonblank if j > index), default=0)
        if (len(in_row) <= 1 or grouping) and later >= 2:
            continue
        header = index
        break
    if header != first:
        _note_skipped(cells, first, header, first_row, sheet, notes)
    if not known:
        _check_header_width(cells, filled, nonblank, header, first_row, sheet)
    return header


def _head_table(cells, filled: np.ndarray, index: int) -> pa.Table:
    """The rows from `index` on (blank rows left out, as read.load leaves them), enough to detect a format."""
    picked = [int(i) for i in np.flatnonzero(filled[index : index + 10]) + index][:4]
    return pa.table(
        {f"c{i}": pa.array([c[j].as_py() for j in picked], pa.string()) for i, c in enumerate(cells)}
        | {ROW: pa.array(picked, pa.int64())}
    )


def _check_header_width(cells, filled, nonblank, header: int, first_row: int, sheet: str) -> None:
    """A row with a few cells above a much wider row of names is a title, not the header: say where
    the header seems to be rather than read data under the wrong names."""
    later = [j for j in nonblank if j > header]
    if not later:
        return
    widest = max(int(filled[j]) for j in later)
    if widest < 3 or filled[header] * 2 > widest:
        return
    for j in later:
        texts = [c[j].as_py() for c in cells]
        names = [t for t in texts if t.strip()]
        if len(names) * 2 > widest and all(_looks_like_a_name(t) for t in names):
            number = j + first_row
            raise Rejected(
                [
                    Problem(
                        header + first_row,
                        None,
                        None,
                        f"Sheet {sheet!r}: row {header + first_row} has {int(filled[header])} filled "
                        f"cells where row {number} has {len(names)}: the header seems to be on row "
                        f"{number}: use --header-row {number} (on the data page: Header row "
                        f"{number}).",
                    )
                ]
            )
    return


def _looks_like_a_name(text: str) -> bool:
    """Header cells are words; data rows hold numbers and dates (written as digits here)."""
    stripped = text.strip()
    return not stripped.replace(".", "", 1).replace("-", "").replace(":", "").replace(" ", "").isdigit()


def _given_header(header_row: int, filled: np.ndarray, first_row: int, n: int, sheet: str) -> int:
    last = first_row + n - 1
    if header_row < 1:
        raise file_problem(f"The header row must be 1 or more, not {header_row}.", value=str(header_row))
    if header_row > last:
        raise file_problem(
            f"Row {header_row} is past the end of sheet {sheet!r}: its last row is {last}.", value=str(header_row)
        )
    index = header_row - first_row
    if index < 0 or not filled[index]:
        raise Rejected(
            [
                Problem(
                    header_row,
                    None,
                    None,
                    f"Row {header_row} of sheet {sheet!r} is blank: it "
                    "cannot be the header. Choose the row that names the columns.",
                )
            ]
        )
    return index


def _note_skipped(cells, first: int, header: int, first_row: int, sheet: str, notes: list[str]) -> None:
    above = [c[first].as_py().strip() for c in cells if c[first].as_py().strip()]
    title = f" ({above[0][:60]!r})" if above else ""
    rows = f"row {first + first_row}" if header - first == 1 else f"rows {first + first_row}-{header + first_row - 1}"
    notes.append(
        f"Sheet {sheet!r}: the header is on row {header + first_row}; {rows} above it{title} "
        f"{'is a title' if rows.startswith('row ') else 'are a title or column groups'}, not data "
        "(--header-row, or Header row on the data page, chooses another row)."
    )


def _note_merged_across(cells, header: int, first_row: int, first_col: int, merged, notes: list[str]) -> None:
    """A header cell merged across columns names only its first column; say so once."""
    spans = [
        (c1, c2)
        for (r1, c1), (r2, c2) in merged
        if r1 <= header + first_row - 1 <= r2 and c2 > c1 and 0 <= c1 < len(cells)
    ]
    data_under = [
        (c1, c2)
        for c1, c2 in spans
        if any(
            pc.any(pc.not_equal(pc.utf8_trim_whitespace(cells[c].slice(header + 1)), "")).as_py()
            for c in range(c1 + 1, min(c2, len(cells) - 1) + 1)
        )
    ]
    if data_under:
        shown = ", ".join(
            f"{cells[c1][header].as_py()!r} ({_ref(c1 + first_col, header + first_row)}:"
            f"{_ref(c2 + first_col, header + first_row)})"
            for c1, c2 in data_under[:3]
        )
        notes.append(
            f"Header cells merged across columns name only their first column: {shown}. The "
            "columns after it are read as '(blank header)'; unmerge the header in Excel to name them."
        )


def _ref(column: int, row: int) -> str:
    letters, column = "", column + 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row}"


def _drop_blank(table: pa.Table) -> pa.Table:
    """Blank rows and columns carry nothing (read.load drops them too); rows keep their numbers."""
    names = [c for c in table.column_names if c != ROW]
    filled = [pc.not_equal(pc.utf8_trim_whitespace(table[c]), "") for c in names]
    keep = [c for c, f in zip(names, filled) if pc.any(f).as_py()]
    if not keep:
        return table.select([ROW]).slice(0, 0)
    any_filled = filled[names.index(keep[0])]
    for column in keep[1:]:
        any_filled = pc.or_(any_filled, filled[names.index(column)])
    renamed = table.select(keep + [ROW]).rename_columns([f"c{i}" for i in range(len(keep))] + [ROW])
    return renamed.filter(any_filled)


# --- the sheet's extent: calamine holds every cell of the rectangle from the first to the last -----
MAX_CELLS = 50_000_000  # a million rows of 50 columns; beyond, the reader's memory would run out
EXACT_SCAN_BYTES = 32 * 1024 * 1024  # sheets up to this size (unpacked) are scanned cell by cell
_DIMENSION = re.compile(rb'<dimension[^>]*\sref="([A-Z]{1,3})([0-9]+)(?::([A-Z]{1,3})([0-9]+))?"')
_ANY_REF = re.compile(rb' r="([A-Z]{1,3})([0-9]+)"')


def _check_extent(data: bytes, sheet: str, name: str) -> None:
    """Refuse a sheet whose rectangle of cells is too large to hold, before calamine allocates it: a
    stray value far below or right of the data (or a hostile file) would exhaust the memory.

    The sheet's own <dimension> is read; a sheet of up to EXACT_SCAN_BYTES is also scanned for the
    cells it really holds (a dimension can be wrong). .xls workbooks are not checked."""
    if not data.startswith(ZIP_MAGIC):
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            path = _sheet_part(archive, sheet)
            if path is None:
                return
            size = archive.getinfo(path).file_size
            with archive.open(path) as part:
                head = part.read(64 * 1024)
                found = _DIMENSION.search(head)
                refs = [(found[1], found[2]), (found[3], found[4])] if found and found[3] else []
                if size <= EXACT_SCAN_BYTES:
                    body = head + part.read(EXACT_SCAN_BYTES + 1)
                    refs += _ANY_REF.findall(body)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError):
        return  # calamine reports a damaged workbook itself
    if not refs:
        return
    rows = max(int(r) for _, r in refs)
    columns = max(_column_index(c.decode()) for c, _ in refs) + 1
    if rows * columns > MAX_CELLS:
        corner = _ref(columns - 1, rows)
        raise file_problem(
            f"Sheet {sheet!r} of {name} reaches cell {corner}: {rows:,} rows by {columns:,} columns "
            f"({rows * columns:,} cells), more than MentorDash reads at once ({MAX_CELLS:,}). A stray "
            "value far below or to the right of the data makes a sheet this large: in Excel, "
            "Ctrl+End shows the last cell; delete the empty rows and columns before it and save, or "
            "save the sheet as CSV.",
            value=sheet,
        )


# --- error cells: calamine reads #N/A, #DIV/0! as empty; a CSV save holds their text ---------------
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_CELL_REF = re.compile(r"^([A-Z]{1,3})([0-9]+)$")


def _error_cells(data: bytes, sheet: str) -> dict[tuple[int, int], str]:
    """(row, column) from 0 -> the error a formula left (#N/A, #DIV/0!...), for an .xlsx or .xlsm sheet.

    Excel writes them as <c r="D7" t="e"><v>#N/A</v></c>; the sheet is scanned for t="e" first and
    parsed only when one is there."""
    if not data.startswith(ZIP_MAGIC):
        return {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            path = _sheet_part(archive, sheet)
            if path is None or not _contains(archive, path, b't="e"'):
                return {}
            found = {}
            with archive.open(path) as part:
                for _, element in ElementTree.iterparse(part):
                    if element.tag == f"{_MAIN_NS}c":
                        if element.get("t") == "e":
                            match = _CELL_REF.match(element.get("r") or "")
                            value = element.find(f"{_MAIN_NS}v")
                            if match and value is not None and value.text:
                                found[(int(match[2]) - 1, _column_index(match[1]))] = value.text
                        element.clear()
            return found
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError):
        return {}  # calamine has read the values already: the error texts are extra


def _sheet_part(archive: zipfile.ZipFile, sheet: str) -> str | None:
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rel_id = next((s.get(f"{_REL_NS}id") for s in book.iter(f"{_MAIN_NS}sheet") if s.get("name") == sheet), None)
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    target = next((r.get("Target") for r in rels if r.get("Id") == rel_id), None)
    if target is None:
        return None
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def _contains(archive: zipfile.ZipFile, path: str, needle: bytes) -> bool:
    tail = b""
    with archive.open(path) as part:
        for block in iter(lambda: part.read(4 * 1024 * 1024), b""):
            if needle in tail + block:
                return True
            tail = block[-len(needle) :]
    return False


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _put_errors(cells, errors: dict[tuple[int, int], str], first_row: int, first_col: int, notes: list[str]):
    by_column: dict[int, list[tuple[int, str]]] = {}
    for (row, col), text in errors.items():
        index, column = row - (first_row - 1), col - first_col
        if 0 <= column < len(cells) and 0 <= index < len(cells[column]):
            by_column.setdefault(column, []).append((index, text))
    for column, found in by_column.items():
        values = cells[column].to_pylist()
        for index, text in found:
            values[index] = text
        cells[column] = pa.chunked_array([pa.array(values, pa.string())])
    shown = sorted((row, col, text) for (row, col), text in errors.items())[:3]
    notes.append(
        f"{len(errors)} cell{'s hold' if len(errors) > 1 else ' holds'} an Excel error where a formula "
        f"failed ({', '.join(f'{_ref(c, r + 1)} {t}' for r, c, t in shown)}"
        f"{', ...' if len(errors) > 3 else ''}): read as that text, as a CSV save would hold it."
    )
    return cells


def _has_macros(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return any(n.lower().endswith("vbaproject.bin") for n in archive.namelist())
    except zipfile.BadZipFile:
        return False


# --- a small cache: the data page prepares the same upload several times per rerun ----------------
_cache: OrderedDict = OrderedDict()  # read sheets: at most CACHE_ENTRIES (each may be a large table)
_listings: OrderedDict = OrderedDict()  # sheet lists: small
_lock = threading.Lock()


def _store(key) -> OrderedDict:
    return _listings if len(key) == 2 else _cache


def _cache_get(key):
    with _lock:
        store = _store(key)
        if key in store:
            store.move_to_end(key)
            return store[key]
    return None


def _cache_put(key, value) -> None:
    with _lock:
        store = _store(key)
        store[key] = value
        store.move_to_end(key)
        while len(store) > (CACHE_ENTRIES if store is _cache else 16):
            store.popitem(last=False)
