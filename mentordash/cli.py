"""The command line (cli.md): python -m mentordash COMMAND. Calls the same functions as the app."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from mentordash import bench
from mentordash.config import CAREER_STAGES, GENDERS, RACE_ETHNICITIES, database_path
from mentordash.db import DatabaseBusy, connect
from mentordash.ingest import commands as ingest_commands
from mentordash.metrics.filters import Filters


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD form: {text!r}")


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


def filters_from_args(args: argparse.Namespace) -> Filters:
    return Filters.of(career_stage=args.stage, gender=args.gender, race_ethnicity=args.race, urim=args.urim,
                      division=args.division, institution=args.institution)


def cmd_demo(args: argparse.Namespace) -> int:
    from mentordash.demo import build_demo

    path = database_path(args.db)
    if path.exists() and not args.force:
        print(f"{path} exists; use --force to replace it", file=sys.stderr)
        return 1
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)
    db = connect(path)
    try:
        counts = build_demo(db, scale=args.scale, seed=args.seed)
    finally:
        db.close()
    print(f"built {args.scale} demo at {path}: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    from mentordash.metrics.summary import build_summary

    db = connect(database_path(args.db))
    try:
        result = build_summary(db, args.as_of, filters_from_args(args))
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
    lines.append(f"coverage: {show(total, 'pct')}% of {show(total, 'n')} active people have a mentor; "
                 f"engaged {show(total, 'engaged_pct')}%")
    for stage, cell in result["coverage"]["by_stage"].items():
        lines.append(f"  {stage:16} {show(cell, 'pct')}% of {show(cell, 'n')}")
    load = result["mentor_load"]
    lines.append(f"mentor load: {show(load, 'mentors')} mentors, mean {show(load, 'mean')}, "
                 f"max {show(load, 'max')}, over capacity ({load['capacity']}) {show(load, 'over_capacity')}")
    for row in result["burnout"]:
        lines.append(f"burnout {row['survey']} {row['instrument']}: {show(row, 'pct')}% of {show(row, 'n')}")
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    from mentordash.demo import DEMO_SCALES

    parser = argparse.ArgumentParser(prog="python -m mentordash", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser("demo", help="build the synthetic demo database",
                               description="Build a realistic synthetic department (cli.md, demo data).")
    add_db_option(demo)
    demo.add_argument("--scale", choices=DEMO_SCALES, default="department")
    demo.add_argument("--seed", type=int, default=42)
    demo.add_argument("--force", action="store_true", help="replace an existing database file")
    demo.set_defaults(func=cmd_demo)

    summary = commands.add_parser("summary", help="the headline numbers",
                                  description="Print the headline numbers (metrics.md, the summary contract).")
    add_db_option(summary)
    summary.add_argument("--as-of", type=_iso_date, default=date.today(), help="YYYY-MM-DD (default: today)")
    summary.add_argument("--json", action="store_true", help="print the JSON contract")
    add_filter_options(summary)
    summary.set_defaults(func=cmd_summary)

    ingest_commands.register(commands)
    bench.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except DatabaseBusy as busy:
        print(f"error: {busy}", file=sys.stderr)
        return 1
