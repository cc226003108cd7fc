"""The `import`, `imports` and `undo` commands of docs/command-line.md, over the same pipeline as the data page."""

from __future__ import annotations

import argparse
import ctypes
import getpass
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa

from mentordash.config import database_path
from mentordash.db import connect
from mentordash.ingest import schema
from mentordash.ingest.commit import HISTORY_COLUMNS, UndoError, commit, history, undo
from mentordash.ingest.formats import FORMATS
from mentordash.ingest.mapping import CERTAIN, CONFIDENCES, MappingError, loads, suggestions_toml
from mentordash.ingest.pipeline import Options, prepare, read_dictionary, release_cells
from mentordash.ingest.problems import Rejected
from mentordash.metrics.prepared import prepare_summaries

IMPORTED, REJECTED, USAGE = 0, 1, 2


def register(subparsers) -> None:
    imp = subparsers.add_parser("import", help="import survey, roster or other exports")
    imp.add_argument("files", nargs="+", metavar="FILE")
    imp.add_argument("--dataset", choices=schema.DATASETS)
    imp.add_argument("--format", default="auto", choices=("auto", *FORMATS))
    imp.add_argument("--mapping", metavar="MAP.toml")
    imp.add_argument("--dictionary", metavar="DICT.csv", help="a REDCap data dictionary export")
    imp.add_argument("--survey", metavar="NAME", help="the survey wave's name, for the whole file")
    imp.add_argument("--date-order", choices=("mdy", "dmy"))
    imp.add_argument("--sheet", metavar="NAME", help="the sheet of an Excel workbook (default: the only one with data)")
    imp.add_argument(
        "--header-row",
        type=_row_number,
        metavar="N",
        help="the row of an Excel sheet that holds the header, as Excel numbers it (default: detected)",
    )
    imp.add_argument(
        "--drop-unresolved",
        action="store_true",
        help="import without the optional choice columns (gender, race, ...) whose values cannot be resolved",
    )
    imp.add_argument(
        "--accept-suggestions",
        action="store_true",
        help="without --mapping: apply every suggested column, not only the certain ones",
    )
    imp.add_argument(
        "--write-mapping",
        metavar="MAP.toml",
        help="with --dry-run: write the suggested mapping to MAP.toml to check and edit, instead of guessing",
    )
    imp.add_argument("--dry-run", action="store_true")
    imp.add_argument("--json", action="store_true")
    _db_option(imp)
    imp.set_defaults(func=run_import)

    hist = subparsers.add_parser("imports", help="the import history")
    hist.add_argument("--json", action="store_true")
    _db_option(hist)
    hist.set_defaults(func=run_imports)

    und = subparsers.add_parser("undo", help="undo an import")
    und.add_argument("import_id", metavar="IMPORT_ID")
    _db_option(und)
    und.set_defaults(func=run_undo)


def _db_option(parser) -> None:
    # SUPPRESS: a --db given before the command name (on the main parser) is not overwritten by None.
    parser.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS)


def _user() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no login name in some containers
        return "cli"


def run_import(args) -> int:
    try:
        options = _options(args)
    except (MappingError, OSError, Rejected) as error:
        print(f"error: {_message(error)}", file=sys.stderr)
        return USAGE
    missing = [f for f in args.files if not Path(f).is_file()]
    if missing:
        print(f"error: no such file: {', '.join(missing)}", file=sys.stderr)
        return USAGE
    refused = _write_mapping_refused(args)
    if refused:
        print(f"error: {refused}", file=sys.stderr)
        return USAGE
    with _memory_handed_back():
        db = connect(database_path(getattr(args, "db", None)))
        try:
            plans = [prepare(Path(f), options=options, db=db) for f in args.files]
            if args.write_mapping:
                return _write_mapping(plans[0], options, args)
            if not args.json:
                for plan in plans:
                    _print_columns(plan, options)
            if not all(p.ok for p in plans) or args.dry_run:
                # every file is checked before any is written: a batch imports whole or not at all
                reports = [p.report("dry_run" if p.ok else "rejected") for p in plans]
            else:
                for plan in plans:
                    release_cells(plan)  # only the validated tables are written from here on
                reports = [commit(db, p, _user()) for p in plans]
                if any(r["status"] == "imported" for r in reports):
                    prepare_summaries(db)  # the first view after the import reads the summaries
        finally:
            db.close()
    _print_reports(reports, args.json)
    return REJECTED if any(r["status"] == "rejected" for r in reports) else IMPORTED


@contextmanager
def _memory_handed_back() -> Iterator[None]:
    """Arrow's buffers from the C library's allocator while a command line import runs, each large one
    mapped on its own and unmapped when freed. mimalloc keeps freed pages for reuse, and so does glibc
    once its mmap threshold has risen to the size of the buffers freed (up to 32 MB): either way the
    scratch of each step adds to the peak. The 1M-row bench file's import: mimalloc 698-710 MB, glibc
    with its moving threshold 643-680 MB, with it fixed at 2 MB 614-622 MB."""
    previous = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    _fix_mmap_threshold()
    try:
        yield
    finally:
        pa.set_memory_pool(previous)


M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter
# Above the parser's per-block buffers, which the heap reuses (at glibc's own 128 KB each was mapped
# afresh: the import took about 1 s longer), below the columns of a large file.
MMAP_THRESHOLD_BYTES = 2 * 1024 * 1024


def _fix_mmap_threshold() -> None:
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)
    except (OSError, AttributeError):
        pass  # not glibc: its allocator's own policy stands


def _options(args) -> Options:
    mapping = loads(Path(args.mapping).read_text(encoding="utf-8")) if args.mapping else None
    dictionary = read_dictionary(Path(args.dictionary)) if args.dictionary else None
    return Options(
        dataset=args.dataset,
        format=args.format,
        mapping=mapping,
        dictionary=dictionary,
        survey=args.survey,
        date_order=args.date_order,
        sheet=args.sheet,
        header_row=args.header_row,
        progress=_progress,
        drop_unresolved=getattr(args, "drop_unresolved", False),
        accept=CONFIDENCES if getattr(args, "accept_suggestions", False) else (CERTAIN,),
    )


def _write_mapping_refused(args) -> str | None:
    if not getattr(args, "write_mapping", None):
        return None
    if not args.dry_run:
        return "--write-mapping writes a mapping instead of importing: add --dry-run"
    if args.mapping:
        return "--write-mapping writes the suggested mapping: leave out --mapping"
    if len(args.files) != 1:
        return "--write-mapping writes the mapping of one file: give exactly one"
    return None


def _write_mapping(plan, options: Options, args) -> int:
    """`import --dry-run --write-mapping MAP.toml`: the suggestions, to check and edit, instead of a guess."""
    if plan.layout is None or plan.mapping is None:
        _print_reports([plan.report("rejected")], args.json)
        return REJECTED
    text = suggestions_toml(plan.layout, plan.mapping, plan.guesses, options.dictionary)
    Path(args.write_mapping).write_text(text, encoding="utf-8")
    if not args.json:
        _print_columns(plan, options)
    print(
        json.dumps({"status": "mapping_written", "mapping": args.write_mapping, "columns": _columns_json(plan)})
        if args.json
        else f"wrote {args.write_mapping}: check it, then import with --mapping {args.write_mapping}"
    )
    return IMPORTED


def _columns_json(plan) -> list[dict]:
    applied = plan.mapping.columns if plan.mapping else {}
    return [
        {
            "column": g.source,
            "field": g.field,
            "confidence": g.confidence,
            "reason": g.reason,
            "applied": applied.get(g.field) == g.source,
        }
        for g in plan.guesses
    ]


def _print_columns(plan, options: Options) -> None:
    """Which column was matched to which field, how sure that is, and what was left to the coordinator."""
    if plan.mapping is None:
        return
    print(f"columns of {plan.name}:")
    if options.mapping is not None:
        for field, source in plan.mapping.columns.items():
            print(f"  {source!r} -> {field} (from the mapping file)")
        return
    left = 0
    for found in _columns_json(plan):
        applied = "" if found["applied"] else ", not applied"
        left += not found["applied"]
        print(f"  {found['column']!r} -> {found['field']} ({found['confidence']}{applied}: {found['reason']})")
    if not plan.guesses:
        print("  (no column recognised)")
    if left:
        print(
            f"  {left} suggestion{'s' if left != 1 else ''} not applied: take them all with --accept-suggestions, "
            "or write them to a mapping file to check and edit: --dry-run --write-mapping MAP.toml"
        )


def _row_number(text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"a row number (1 or more), not {text!r}")
    return int(text)


def _progress(fraction: float, text: str) -> None:
    """A long workbook's reading, on stderr (stdout carries the report, or its JSON)."""
    print(f"{text} ({fraction:.0%})", file=sys.stderr, flush=True)


def _message(error: Exception) -> str:
    if isinstance(error, Rejected):
        return "; ".join(str(p) for p in error.problems)
    return str(error)


def _print_reports(reports: list[dict], as_json: bool) -> None:
    if as_json:
        print(json.dumps(reports[0] if len(reports) == 1 else reports, default=str))
        return
    for report in reports:
        print(
            f"{report['status']}: {report['dataset']} ({report['format']}, {report['encoding']}), "
            f"{report['rows_read']} rows read, {report['rows_imported']} imported, "
            f"{report['rows_skipped']} skipped" + (f", import {report['import_id']}" if report["import_id"] else "")
        )
        for error in report["errors"]:
            where = f"row {error['row']}" if error["row"] is not None else "file"
            detail = "".join(f", {k} {error[k]!r}" for k in ("column", "value") if error[k] is not None)
            print(f"  error: {where}{detail}: {error['message']}")
        for warning in report["warnings"]:
            print(f"  warning: {warning}")


def run_imports(args) -> int:
    db = connect(database_path(getattr(args, "db", None)))
    try:
        table = history(db)[HISTORY_COLUMNS]
    finally:
        db.close()
    if args.json:
        print(
            json.dumps(
                [
                    {k: (str(v) if k == "imported_at" else v) for k, v in row.items()}
                    for row in table.to_dict("records")
                ],
                default=str,
            )
        )
    else:
        print(table.to_string(index=False) if len(table) else "No imports yet.")
    return IMPORTED


def run_undo(args) -> int:
    db = connect(database_path(getattr(args, "db", None)))
    try:
        result = undo(db, args.import_id, _user())
        prepare_summaries(db)
    except UndoError as error:
        print(f"error: {error}", file=sys.stderr)
        return USAGE if error.usage else REJECTED
    finally:
        db.close()
    print(
        f"undone {result['import_id']}: {result['rows_removed']} {result['dataset']} rows removed, "
        f"{result['rows_restored']} restored"
    )
    return IMPORTED
