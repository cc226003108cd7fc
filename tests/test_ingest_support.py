"""Helpers shared by the ingest tests: a fresh database, table checksums, the CLI handlers, exports."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
from pathlib import Path

from mentordash.db import Database, connect
from mentordash.ingest import commands
from mentordash.ingest.commit import commit
from mentordash.ingest.pipeline import Options, prepare

PUBLIC = Path(__file__).resolve().parent / "fixtures" / "public"  # copies of shared/fixtures/public (MIT; SOURCES.md)


def fresh_db(tmp_path: Path) -> Database:
    return connect(tmp_path / "test.duckdb")


def checksums(db: Database) -> dict[str, tuple]:
    """A digest of every row of every table: equal before and after means nothing changed."""
    tables = [
        r[0]
        for r in db.rows(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
            "AND table_type = 'BASE TABLE' ORDER BY 1"
        )
    ]
    return {
        t: tuple(
            db.rows(
                f"SELECT count(*), md5(coalesce(string_agg(CAST(x AS VARCHAR), '|' "
                f"ORDER BY CAST(x AS VARCHAR)), '')) FROM \"{t}\" x"
            )[0]
        )
        for t in tables
    }


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8", newline: str = "\n") -> Path:
    path = tmp_path / name
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


def import_file(db: Database, path, user: str = "tester", **options) -> dict:
    plan = prepare(path, options=Options(**options), db=db)
    return commit(db, plan, user)


def cli(db_path: Path, *argv: str) -> tuple[int, str, str]:
    """Run one of the ingest commands as cli.py will: parse, then call the handler."""
    parser = argparse.ArgumentParser(prog="mentordash")
    parser.add_argument("--db")
    commands.register(parser.add_subparsers(dest="command", required=True))
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        args = parser.parse_args(["--db", str(db_path), *argv])
        code = args.func(args)
    return code, out.getvalue(), err.getvalue()


def cli_json(db_path: Path, *argv: str) -> tuple[int, dict]:
    code, out, _ = cli(db_path, *argv, "--json")
    return code, json.loads(out)


def stored(db: Database, sql: str, params=None) -> list[tuple]:
    return db.rows(sql, params)


PEOPLE_CSV = """person_id,career_stage,pgy,division,gender,race_ethnicity,urim,first_generation,start_date,end_date,departure_reason,institution
p001,resident,2,Spine,Female,black;hispanic_latino,,yes,2024-07-01,,,
p002,Assistant Professor,,Hand,m,white,no,n,2019-08-15,,,
p003,fellow,6,Sports,nonbinary,asian,,,2025-08-01,,,
"""

SURVEY_CSV = """response_id,submitted_at,person_id,career_stage,gender,has_mentor,mini_z_burnout,mbi_ee_item,mbi_dp_item,career_satisfaction
r1,2026-03-02 10:00:00,p001,resident,woman,yes,3,4,2,4
r2,2026-03-03,p002,junior_faculty,man,no,1,1,0,5
r3,2026-03-04T08:30:00,,fellow,,true,2,2,1,3
"""
