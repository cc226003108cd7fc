"""The one data-access module: connection, versioned schema, and the query helpers that bind every value.

DuckDB 2.0 streams results and an unfinished result blocks its connection, so every helper here
fetches fully before returning, and every query runs on its own cursor of the shared connection.
"""

from __future__ import annotations

import json
import re
import threading
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Iterator, Sequence

import duckdb
import pandas as pd

from mentordash import settings as settings_rules
from mentordash.config import DEFAULT_SETTINGS
from mentordash.settings import SettingError  # noqa: F401  (re-exported for callers of set_setting)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SQL_DIR = Path(__file__).resolve().parent.parent / "sql"


def migrations() -> list[tuple[int, str]]:
    """(version, sql) for every file in migrations/, in order: 001_initial.sql is version 1."""
    found = []
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        found.append((int(path.name.split("_", 1)[0]), path.read_text()))
    return found


SCHEMA_VERSION = migrations()[-1][0]

_sql_cache: dict[str, str] = {}


_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def load_sql(name: str, **parts: str) -> str:
    """The text of mentordash/sql/<name>.sql with each `{part}` placeholder replaced by parts[part].

    Names and parts are SQL text written in code (filter fragments from where_sql, shared CTEs from
    other files), never input: values always travel as bound parameters. A placeholder left unfilled,
    or a part the file has no placeholder for, is a programming error and raises at once."""
    if name not in _sql_cache:
        _sql_cache[name] = (SQL_DIR / f"{name}.sql").read_text()
    text = _sql_cache[name]
    wanted = set(_PLACEHOLDER.findall(text))
    if wanted != set(parts):
        raise ValueError(f"{name}.sql needs parts {sorted(wanted)}, was given {sorted(parts)}")
    return _PLACEHOLDER.sub(lambda match: parts[match.group(1)], text)


class DatabaseBusy(RuntimeError):
    """Another process holds the file: DuckDB lets only one process open it for writing."""


class Database:
    """One DuckDB connection, shared by the process; each call takes its own cursor."""

    def __init__(self, path: str | Path, read_only: bool = False, schema_up_to: int | None = None):
        """Open (creating if needed) and upgrade the file to the current schema, or to `schema_up_to`
        (tests use that to make a file as an older release left it)."""
        self.path = str(path)
        self.read_only = read_only
        try:
            self._con = duckdb.connect(self.path, read_only=read_only)
        except duckdb.IOException as error:
            if "lock" not in str(error).lower():
                raise
            raise DatabaseBusy(
                f"{self.path} is open in another program (the app, or another MentorDash command): "
                "only one process can open a database file for writing. Stop it and try again."
            ) from error
        self._write_lock = threading.Lock()
        if not read_only:
            self.migrate(up_to=schema_up_to)

    def limit_memory(self, limit: str) -> None:
        """Cap DuckDB's working memory ("400MB"); queries past it spill to disk rather than fail."""
        self._con.execute("SET memory_limit = ?", [limit])

    def close(self) -> None:
        self._con.close()

    # --- schema ---------------------------------------------------------------------------
    def schema_version(self) -> int:
        cur = self._con.cursor()
        exists = cur.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
        ).fetchall()[0][0]
        if not exists:
            return 0
        rows = cur.execute("SELECT max(version) FROM schema_version").fetchall()
        return rows[0][0] or 0

    def migrate(self, up_to: int | None = None) -> int:
        """Bring an older file up to the current schema in place, one transaction per version."""
        current = self.schema_version()
        for version, sql in migrations():
            if version <= current or (up_to is not None and version > up_to):
                continue
            with self.transaction() as cur:
                cur.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER, applied_at TIMESTAMP)")
                for statement in _split_statements(sql):
                    cur.execute(statement)
                cur.execute("INSERT INTO schema_version VALUES (?, ?)", [version, datetime.now()])
            current = version
        return current

    # --- queries --------------------------------------------------------------------------
    def df(self, sql: str, params: Sequence[Any] | dict | None = None) -> pd.DataFrame:
        """Run a query with bound parameters and return a fully fetched DataFrame (via Arrow)."""
        cur = self._con.cursor()
        try:
            table = cur.sql(sql, params=_bind(sql, params)).to_arrow_table()
        finally:
            cur.close()
        return table.to_pandas()

    def rows(self, sql: str, params: Sequence[Any] | dict | None = None) -> list[tuple]:
        cur = self._con.cursor()
        try:
            return cur.execute(sql, _bind(sql, params) or []).fetchall()
        finally:
            cur.close()

    def scalar(self, sql: str, params: Sequence[Any] | dict | None = None) -> Any:
        result = self.rows(sql, params)
        return result[0][0] if result else None

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """An explicit BEGIN/COMMIT: all of the block's writes land, or none do."""
        with self._write_lock:
            cur = self._con.cursor()
            cur.execute("BEGIN TRANSACTION")
            try:
                yield cur
            except BaseException:
                cur.execute("ROLLBACK")
                cur.close()
                raise
            cur.execute("COMMIT")
            cur.close()

    # --- data version, for cache invalidation --------------------------------------------
    def data_version(self) -> int:
        return int(self.scalar("SELECT value FROM meta WHERE key = 'data_version'") or 0)

    @staticmethod
    def bump_data_version(cur: duckdb.DuckDBPyConnection) -> None:
        """Call inside every write transaction so that cached results keyed on the version expire."""
        cur.execute("UPDATE meta SET value = value + 1 WHERE key = 'data_version'")

    # --- settings -------------------------------------------------------------------------
    def settings(self) -> dict:
        stored = {key: json.loads(value) for key, value in self.rows("SELECT key, value FROM settings")}
        merged = json.loads(json.dumps(DEFAULT_SETTINGS))
        for key, value in stored.items():
            if isinstance(merged.get(key), dict) and isinstance(value, dict):
                merged[key].update(value)
            else:
                merged[key] = value
        return merged

    def set_setting(self, key: str, value: Any, user: str) -> None:
        """Store a checked value and log who changed it from what (privacy.md); SettingError if invalid."""
        value = settings_rules.check(key, value)
        old = self.settings().get(key)
        with self.transaction() as cur:
            cur.execute("DELETE FROM settings WHERE key = ?", [key])
            cur.execute("INSERT INTO settings VALUES (?, ?)", [key, json.dumps(value)])
            cur.execute(
                "INSERT INTO settings_log VALUES (?, ?, ?, ?, ?)",
                [datetime.now(), user, key, json.dumps(old), json.dumps(value)],
            )
            self.bump_data_version(cur)

    # --- what is there --------------------------------------------------------------------
    def latest_dates(self) -> pd.DataFrame:
        """The date of the latest record in each dataset, for 'data as of' notes."""
        return self.df(load_sql("latest_dates"))


_NAMED_PARAMETER = re.compile(r"\$([A-Za-z_]\w*)")


def _bind(sql: str, params: Sequence[Any] | dict | None) -> Sequence[Any] | dict | None:
    """Named parameters that the statement uses (DuckDB refuses extra names), positional ones as given.

    Lets one parameter dict serve a query whose optional filter fragments may or may not be present."""
    if not isinstance(params, dict):
        return params or None
    used = set(_NAMED_PARAMETER.findall(sql))
    return {name: value for name, value in params.items() if name in used} or None


def _split_statements(sql: str) -> list[str]:
    """Split a migration file on ';' at line ends (migrations hold no ';' inside strings)."""
    text = "\n".join(line for line in sql.splitlines() if not line.strip().startswith("--"))
    return [s.strip() for s in text.split(";") if s.strip()]


def connect(path: str | Path, read_only: bool = False) -> Database:
    return Database(path, read_only=read_only)
