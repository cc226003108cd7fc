"""The command line (docs/command-line.md): python -m mentordash COMMAND. Calls the same functions as the app."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from mentordash.access import COORDINATOR, VIEWER
from mentordash.backup import BackupError
from mentordash.config import database_path
from mentordash.db import DatabaseUnavailable, DatabaseWriteError, connect
from mentordash.ingest import commands as ingest_commands
from mentordash.metrics.filters import Filters
from mentordash.vocabulary import CAREER_STAGES, GENDERS, RACE_ETHNICITIES


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD form: {text!r}") from None


def _bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("true", "yes", "1"):
        return True
    if lowered in ("false", "no", "0"):
        return False
    raise argparse.ArgumentTypeError(f"expected true or false, not {text!r}")


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="database file (default: $MENTORDASH_DB, else data/mentordash.duckdb)")


def add_filter_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("filters (repeat an option to choose several values)")
    group.add_argument("--stage", action="append", choices=CAREER_STAGES, help="career stage")
    group.add_argument("--gender", action="append", choices=GENDERS)
    group.add_argument("--race", action="append", choices=RACE_ETHNICITIES, help="race/ethnicity (any of)")
    group.add_argument("--urim", type=_bool, help="true or false")
    group.add_argument("--division", action="append")
    group.add_argument("--institution", action="append")


def add_role_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--role",
        choices=(VIEWER, COORDINATOR),
        help="print what this role is shown: viewers get protected figures (docs/privacy.md); "
        "default: exact figures, as a coordinator sees them",
    )


def audience_from_args(db, args: argparse.Namespace) -> str:
    """Exact figures unless --role names a role the app would show protected ones (the same rule as the app)."""
    from mentordash import privacy

    return privacy.audience_for(args.role or COORDINATOR, db.settings())


def filters_from_args(args: argparse.Namespace) -> Filters:
    return Filters.of(
        career_stage=args.stage,
        gender=args.gender,
        race_ethnicity=args.race,
        urim=args.urim,
        division=args.division,
        institution=args.institution,
    )


MENTORDASH_TABLES = {"schema_version", "meta", "imports", "people", "survey"}


def _looks_like_mentordash(path) -> bool | str:
    """True for a MentorDash database, False for anything else; DuckDB's message when another process holds it."""
    import duckdb

    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as error:
        return str(error) if "lock" in str(error).lower() else False
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    except duckdb.Error:
        return False
    finally:
        con.close()
    return MENTORDASH_TABLES <= tables


def _busy(path, lock_message: str = "") -> str:
    """The message every command gives for a file another process holds (mentordash.db.DatabaseBusy)."""
    import re

    holder = re.search(r"PID (\d+)", lock_message)
    return (
        f"{path} is in use by another program{f' (process {holder.group(1)})' if holder else ''}: the app, or "
        "another MentorDash command. Only one process can open a database file for writing. Use the running "
        "app (or stop it first), then try again. Nothing was deleted."
    )


def _remove_for_demo(path, force) -> str | None:
    """Delete the database file that `demo --force` replaces; the reason it may not, else None.

    `--force` replaces a MentorDash database; a file that does not look like one (another program's
    file, a CSV given as --db by mistake) only with `--force` naming that same file. Never a file
    that another process has open (the app would go on serving the deleted file and lose its next
    import): checked by DuckDB's own lock, then held with a lock of ours until the file is gone."""
    import fcntl
    from pathlib import Path

    wal = path.with_name(path.name + ".wal")
    if not path.exists():
        wal.unlink(missing_ok=True)  # a log left without its database cannot be replayed onto a new one
        return None
    if not force:
        return f"{path} exists; use --force to replace it"
    if not path.is_file():
        return f"{path} is not a file: nothing was deleted."
    named = force is not True and Path(force).resolve() == path.resolve()
    if force is not True and not named:
        return f"--force names {force}, but the database is {path}: nothing was deleted."
    kind = _looks_like_mentordash(path)
    if isinstance(kind, str):
        return _busy(path, kind)
    if not kind and not named:
        return (
            f"{path} does not look like a MentorDash database (it is not a DuckDB file, or it lacks "
            f"MentorDash's tables): nothing was deleted. To replace it anyway, name it: --force {path}"
        )
    with path.open("rb+") as handle:
        try:  # DuckDB locks the whole file with fcntl: while we hold this, no process can open it
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return _busy(path)
        path.unlink()
        wal.unlink(missing_ok=True)
    return None


def cmd_demo(args: argparse.Namespace) -> int:
    from mentordash.demo import build_demo
    from mentordash.metrics.prepared import prepare_summaries

    path = database_path(args.db)
    refused = _remove_for_demo(path, args.force)
    if refused:
        print(f"error: {refused}", file=sys.stderr)
        return 1
    path.parent.mkdir(parents=True, exist_ok=True)
    db = connect(path)
    try:
        counts = build_demo(db, scale=args.scale, seed=args.seed)
        prepare_summaries(db)  # as after an import: the first view reads the summaries
    finally:
        db.close()
    print(f"built {args.scale} demo at {path}: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    from mentordash.metrics.summary import build_summary

    db = connect(database_path(args.db))
    try:
        with db.snapshot():  # every figure from one state of the data, even while the app imports
            result = build_summary(db, args.as_of, filters_from_args(args), audience_from_args(db, args))
    finally:
        db.close()
    if args.json:
        print(json.dumps(result, indent=2, default=str))
    else:
        print(_summary_text(result))
    return 0


def _summary_text(result: dict) -> str:
    def show(cell: dict, key: str) -> str:
        return f"fewer than {result['min_cell']}" if cell.get("suppressed") else f"{cell.get(key)}"

    lines = [f"MentorDash summary as of {result['as_of']}  (filters: {result['filters'] or 'none'})"]
    total = result["coverage"]["all"]
    lines.append(
        f"coverage: {show(total, 'pct')}% of {show(total, 'n')} active people have a mentor; "
        f"engaged {show(total, 'engaged_pct')}%"
    )
    for stage, cell in result["coverage"]["by_stage"].items():
        lines.append(f"  {stage:16} {show(cell, 'pct')}% of {show(cell, 'n')}")
    load = result["mentor_load"]
    lines.append(
        f"mentor load: {show(load, 'mentors')} mentors, mean {show(load, 'mean')}, "
        f"max {show(load, 'max')}, over capacity ({load['capacity']}) {show(load, 'over_capacity')}"
    )
    for row in result["burnout"]:
        lines.append(f"burnout {row['survey']} {row['instrument']}: {show(row, 'pct')}% of {show(row, 'n')}")
    return "\n".join(lines)


def cmd_backup(args: argparse.Namespace) -> int:
    from mentordash.backup import backup_file

    result = backup_file(database_path(args.db), args.out, wait_seconds=args.wait)
    print(
        f"backed up {result['out']} ({sum(result['rows'].values()):,} rows in {len(result['rows'])} tables, "
        f"{result['bytes'] / 1e6:.1f} MB, schema version {result['schema_version']})"
        + (f", made by {result['made_by']}" if result.get("made_by") else "")
    )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from mentordash.backup import restore_file

    result = restore_file(args.backup, database_path(args.db))
    print(
        f"restored {result['db']} from {result['from']} ({sum(result['rows'].values()):,} rows)"
        + (
            f"; the file it replaced is kept as {result['previous_file_kept_as']}"
            if result["previous_file_kept_as"]
            else ""
        )
    )
    return 0


def cmd_bench(options: list[str]) -> int:
    """The benchmark lives outside the package (benchmarks/ in the checkout), imported only when asked for."""
    try:
        from benchmarks.run import main as bench_main
    except ModuleNotFoundError as missing:
        if missing.name != "benchmarks":
            raise
        print(
            "error: the benchmark is the checkout's benchmarks/ folder: run this from the repository root",
            file=sys.stderr,
        )
        return 2
    return bench_main(options, prog="python -m mentordash bench")


def _report_file(text: str) -> str:
    if not text.lower().endswith((".html", ".pdf")):
        raise argparse.ArgumentTypeError(f"the report file must end in .html or .pdf, not {text!r}")
    return text


def cmd_report(args: argparse.Namespace) -> int:
    from mentordash.report import ReportError, write_report
    from mentordash.report.pdf import PdfError

    db = connect(database_path(args.db))
    try:
        with db.snapshot():  # every figure from one state of the data
            out = write_report(db, args.as_of, filters_from_args(args), audience_from_args(db, args), args.out)
    except (ReportError, PdfError) as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    finally:
        db.close()
    print(f"wrote {out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from mentordash.demo import DEMO_SCALES

    parser = argparse.ArgumentParser(prog="python -m mentordash", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser(
        "demo",
        help="build the synthetic demo database",
        description="Build a realistic synthetic department (docs/command-line.md, demo data).",
    )
    add_db_option(demo)
    demo.add_argument("--scale", choices=DEMO_SCALES, default="department")
    demo.add_argument("--seed", type=int, default=42)
    demo.add_argument(
        "--force",
        nargs="?",
        const=True,
        default=False,
        metavar="FILE",
        help="replace an existing MentorDash database (never one that another program has open); "
        "a file that is not a MentorDash database only when --force names it",
    )
    demo.set_defaults(func=cmd_demo)

    summary = commands.add_parser(
        "summary",
        help="the headline numbers",
        description="Print the headline numbers (docs/metrics.md, the summary contract).",
    )
    add_db_option(summary)
    summary.add_argument("--as-of", type=_iso_date, default=date.today(), help="YYYY-MM-DD (default: today)")
    summary.add_argument("--json", action="store_true", help="print the JSON contract")
    add_filter_options(summary)
    add_role_option(summary)
    summary.set_defaults(func=cmd_summary)

    backup = commands.add_parser(
        "backup",
        help="a consistent copy of the database, safe while the app runs",
        description="Copy the database to FILE from one consistent snapshot. While the app runs, the app's "
        "process makes the copy (it answers within a second); otherwise this command does.",
    )
    add_db_option(backup)
    backup.add_argument("--out", required=True, metavar="FILE", help="the backup file (replaced whole if it exists)")
    backup.add_argument(
        "--wait",
        type=float,
        default=120,
        metavar="SECONDS",
        help="how long to wait for the running app to make the copy (default 120)",
    )
    backup.set_defaults(func=cmd_backup)

    restore = commands.add_parser(
        "restore",
        help="replace the database with a backup (stop the app first)",
        description="Check BACKUP (every row read) and put it in place of the database; the replaced file is "
        "kept beside it as NAME.before-restore-DATE. The app must be stopped.",
    )
    add_db_option(restore)
    restore.add_argument("backup", metavar="BACKUP")
    restore.set_defaults(func=cmd_restore)

    report = commands.add_parser(
        "report",
        help="the leadership report (self-contained HTML, or PDF)",
        description="Write the leadership report for an as-of date and filters: the same content as the app's "
        "Download report button. FILE.html opens with no network; FILE.pdf is printed by Chromium.",
    )
    add_db_option(report)
    report.add_argument("--as-of", type=_iso_date, default=date.today(), help="YYYY-MM-DD (default: today)")
    add_filter_options(report)
    add_role_option(report)
    report.add_argument(
        "--out",
        required=True,
        type=_report_file,
        metavar="FILE.html|FILE.pdf",
        help="where to write the report; the suffix chooses HTML or PDF",
    )
    report.set_defaults(func=cmd_report)

    ingest_commands.register(commands)
    # Listed here; main() hands everything after `bench` to the benchmark's own parser, after `serve` to Streamlit.
    commands.add_parser("bench", help="the performance benchmark (benchmarks/, docs/benchmarks.md)", add_help=False)
    commands.add_parser(
        "serve",
        help="the app's server: streamlit run app.py [Streamlit's options], the app loaded first",
        add_help=False,
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["bench"]:
        return cmd_bench(argv[1:])
    if argv[:1] == ["serve"]:
        from mentordash.serve import main as serve

        return serve(argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (DatabaseUnavailable, DatabaseWriteError, BackupError) as problem:  # in use, damaged, too new, disk full
        print(f"error: {problem}", file=sys.stderr)
        return 1
