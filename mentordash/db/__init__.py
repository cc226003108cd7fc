"""The one data-access module: connection, versioned schema, and the query helpers that bind every value.

DuckDB 2.0 streams results and an unfinished result blocks its connection, so every helper here
fetches fully before returning, and each thread reads on its own cursor of the shared connection (its
snapshot's, or one kept for the thread), on which the shared date macros of sql/macros.sql are defined.
"""

from __future__ import annotations

import collections
import copy
import functools
import hashlib
import itertools
import json
import pickle
import re
import threading
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from mentordash import settings as settings_rules
from mentordash.config import DEFAULT_SETTINGS
from mentordash.settings import SettingError  # noqa: F401  (re-exported for callers of set_setting)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
# Finished snapshots' cursors kept for the next ones (a page run reads on one per core: together()).
IDLE_CURSORS_KEPT = 16
# derived() results kept per data version: the fourteen a committee's loop over every page, everyone and one
# filter on gender, URiM or division in turn, reads (about 82 MB in all at national scale: the coverage page's
# people at the date, 6 MB, and the mentors' loads, 2 MB a set of days, came last), and one spare; with fewer,
# least-recently-used eviction drops each just before the loop needs it again, so every page's run reads them
# back from the file (about 6 ms each) or computes them again (the tables of everyone at a date).
# tests/test_bench.py checks the loop's second round computes none.
DERIVED_KEPT = 15
# derived() results kept in the file (table derived_results) up to this size as compressed Arrow IPC: the
# largest wellbeing combinations at national scale are about 35 MB in memory and a few MB compressed.
PERSISTED_MAX_BYTES = 32 * 2**20
# The tables a derived result may read: their row counts are part of its fingerprint, so that data changed
# outside MentorDash (which bumps no version) is never described by a summary kept before.
DATA_TABLES = ("people", "mentorships", "survey", "applicants", "outcomes")

# DuckDB shares a scan between threads by row group (this many rows). On a file whose every table fits in one
# (a department's: a few thousand rows each), a second thread has no scan to share and only schedules the
# small operators of a page's dozen queries: measured at department scale, most pages' data 3-33% faster on
# one thread; at consortium scale (survey answers past a row group) neither is consistently faster, and the
# national file's long queries need every core. Queries of different sessions still run side by side, each on
# its own calling thread.
ROW_GROUP_ROWS = 122_880

# DuckDB's note that a prepared statement's Arrow result is a copy (Database.df says why that is the faster
# way here), silenced once for the process: a catch_warnings() around each query would race between the
# threads of Database.together (it saves and restores the process's filters).
warnings.filterwarnings("ignore", "Arrow output on a DB-API result", UserWarning)


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


class DatabaseUnavailable(RuntimeError):
    """The database file cannot be used as it is; the message says why and what to do (no stack trace)."""


class DatabaseBusy(DatabaseUnavailable):
    """Another process holds the file: DuckDB lets only one process open it for writing."""


class DatabaseDamaged(DatabaseUnavailable):
    """The file is not a readable DuckDB database: truncated, overwritten, or failing its checksums."""


class DatabaseTooNew(DatabaseUnavailable):
    """The file was written by a newer MentorDash (its schema version is higher than this code knows)."""


class DatabaseWriteError(RuntimeError):
    """A write could not be saved (disk full, read-only file): nothing of it was stored, reads go on."""


def _refused_resume() -> DatabaseUnavailable:
    """The error of a snapshot that cannot go on: its connection was reopened and the data had changed."""
    return DatabaseUnavailable(
        "The data changed while this page was being drawn (the database was reopened after a failed write): "
        "reload the page."
    )


def _locked(error: Exception) -> bool:
    """DuckDB's refusal because another process holds the file (not a 'block' in a corruption message)."""
    return any(sign in str(error).lower() for sign in ("could not set lock", "conflicting lock"))


def _holder(message: str) -> str:
    """'(PID 123)' from DuckDB's lock message, to say which process holds the file."""
    found = re.search(r"PID (\d+)", message)
    return f" (process {found.group(1)})" if found else ""


_DAMAGE_SIGNS = (
    "not a valid duckdb database",
    "could not read enough bytes",
    "corrupt",
    "checksum",
    "serialization error",
    "failed to read",
    "database file is too small",
)


def _damaged(path: str, error: Exception) -> DatabaseDamaged | None:
    text = str(error)
    if not any(s in text.lower() for s in _DAMAGE_SIGNS):
        return None
    return DatabaseDamaged(
        f"{path} is damaged or is not a MentorDash database ({text.splitlines()[0]}). Nothing was changed. "
        "Restore the latest backup with `python -m mentordash restore BACKUP_FILE --db "
        f'{path}` (README, "Backing up"), or start with a new file.'
    )


def _invalidated(error: Exception) -> bool:
    """DuckDB stops a database after a fatal error (a checkpoint the disk refused): it must be reopened."""
    return isinstance(error, duckdb.FatalException) or "invalidated" in str(error).lower()


def _write_failure(path: str, error: Exception) -> DatabaseWriteError | None:
    """A clear message for a write that the disk refused; None for errors of another kind."""
    text = str(error)
    lowered = text.lower()
    if "no space left" in lowered or "file too large" in lowered or "disk full" in lowered:
        why = f"the disk that holds {path} is full"
        fix = "Free some space on it (or move the database to a larger disk) and try again."
    elif "read-only" in lowered or "permission denied" in lowered:
        why = f"the database file {path} cannot be written (read-only)"
        fix = (
            "Make the file and its folder writable for the account that runs MentorDash, then restart it; "
            "until then every page keeps showing the data as it is."
        )
    elif isinstance(error, duckdb.IOException) or "could not write" in lowered or "failed to commit" in lowered:
        why = f"writing to {path} failed"
        fix = "Check the disk and try again."
    else:
        return None
    return DatabaseWriteError(
        f"Nothing was saved: {why} ({text.splitlines()[0]}). Everything stored before is intact. {fix}"
    )


@functools.cache
def _default_threads() -> int:
    """DuckDB's own default thread count on this machine (a fresh in-memory database's): one per core. Read
    there, since a file's instance may be shared with another Database object that has set it already."""
    con = duckdb.connect(":memory:")
    try:
        return int(con.execute("SELECT current_setting('threads')").fetchall()[0][0])
    finally:
        con.close()


def threads_for(largest_table_rows: int, cores: int) -> int:
    """DuckDB's threads for a file whose largest table has this many rows (ROW_GROUP_ROWS explains)."""
    return 1 if largest_table_rows <= ROW_GROUP_ROWS else cores


class Database:
    """One DuckDB connection, shared by the process; each call takes its own cursor."""

    def __init__(self, path: str | Path, read_only: bool = False, schema_up_to: int | None = None):
        """Open (creating if needed) and upgrade the file to the current schema, or to `schema_up_to`
        (tests use that to make a file as an older release left it)."""
        self.path = str(path)
        self.read_only = read_only
        self.read_only_reason = ""  # why a file asked for read-write was opened read-only
        self._local = threading.local()  # this thread's read snapshot, when one is open
        self._write_lock = threading.Lock()
        self._reopen_lock = threading.Lock()
        self._generation = 0  # how many times the connection was reopened after a fatal error
        self._memory_limit: str | None = None
        self._settings: tuple | None = None  # ((data version, generation), pickled settings), see settings()
        self._derived: tuple | None = None  # ((data version, generation), {key: result}), see derived()
        self._derived_lock = threading.RLock()  # a derived table may be built from another (derived_rollup)
        self._cursors_lock = threading.Lock()
        self._idle_cursors: list[tuple[int, duckdb.DuckDBPyConnection]] = []  # (generation, cursor), see snapshot()
        self._threads: int | None = None  # DuckDB's threads as last set (_fit_threads)
        self.largest_table_rows = 0  # the rows of the file's largest table, as _fit_threads last read them
        self._every_core_blocks = 0  # every_core() blocks running
        self._threads_lock = threading.RLock()
        self._con = self._open(read_only)
        try:
            self._check_version(schema_up_to)
            self._fit_threads()
        except BaseException:
            self._con.close()
            raise

    def _open(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        try:
            return duckdb.connect(self.path, read_only=read_only)
        except duckdb.Error as error:
            text = str(error)
            if _locked(error):
                raise DatabaseBusy(
                    f"{self.path} is in use by another program{_holder(text)}: the app, or another MentorDash "
                    "command. Only one process can open a database file for writing. Use the running app "
                    "(or stop it first), then try again."
                ) from error
            damaged = _damaged(self.path, error)
            if damaged:
                raise damaged from error
            if not read_only and _write_failure(self.path, error) and Path(self.path).exists():
                # a read-only file or disk: serve what is there, refuse writes with a clear message
                self.read_only, self.read_only_reason = True, text.splitlines()[0]
                return self._open(True)
            raise DatabaseUnavailable(f"{self.path} cannot be opened ({text.splitlines()[0]}).") from error

    def _check_version(self, schema_up_to: int | None) -> None:
        """Refuse a file of a newer MentorDash; upgrade an older one (unless it cannot be written)."""
        try:
            version = self.schema_version()
        except duckdb.Error as error:
            raise (_damaged(self.path, error) or error) from error
        if version > SCHEMA_VERSION:
            raise DatabaseTooNew(
                f"{self.path} was written by a newer MentorDash (database schema version {version}; this "
                f"version knows up to {SCHEMA_VERSION}). Nothing was changed. Update MentorDash (git pull, then "
                'make setup) to use it, or restore a backup made by this version (README, "Backing up").'
            )
        if self.read_only:
            if version < SCHEMA_VERSION and self.read_only_reason:  # asked to write, cannot upgrade
                raise DatabaseUnavailable(
                    f"{self.path} needs upgrading to this MentorDash (schema version {version} to "
                    f"{SCHEMA_VERSION}) but cannot be written ({self.read_only_reason or 'opened read-only'}). "
                    "Make it writable for the account that runs MentorDash, then start it again."
                )
            return
        self.migrate(up_to=schema_up_to)

    def _fit_threads(self) -> None:
        """One thread while every table fits in one row group (ROW_GROUP_ROWS), else DuckDB's default (one
        per core): checked on opening and after every write, which may have grown a table past it; the
        default while any every_core() block runs."""
        cur = self._con.cursor()  # its own: other threads may be reading (the setting is the whole database's)
        try:
            with self._threads_lock:
                self.largest_table_rows = self._largest_table(cur)
                threads = (
                    _default_threads()
                    if self._every_core_blocks
                    else threads_for(self.largest_table_rows, _default_threads())
                )
                if threads != self._threads:
                    cur.execute(f"SET threads = {threads}")  # an int computed here: SET takes no parameters
                    self._threads = threads
        finally:
            cur.close()

    @staticmethod
    def _largest_table(cur: duckdb.DuckDBPyConnection) -> int:
        """The rows of the file's largest table, from DuckDB's catalog (no table is read)."""
        return int(
            cur.execute(
                "SELECT coalesce(max(estimated_size), 0) FROM duckdb_tables() WHERE database_name = current_database()"
            ).fetchall()[0][0]
        )

    @contextmanager
    def every_core(self) -> Iterator[None]:
        """DuckDB's default threads (one per core) for the block, however small the file: an import's checks
        and its write handle a whole export. The data's size decides again when the last such block ends."""
        with self._threads_lock:
            self._every_core_blocks += 1
        try:
            self._fit_threads()
            yield
        finally:
            with self._threads_lock:
                self._every_core_blocks -= 1
            try:
                self._fit_threads()
            except duckdb.Error:
                pass  # a stopped database: _reopen fits them

    def limit_memory(self, limit: str) -> None:
        """Cap DuckDB's working memory ("400MB"); queries past it spill to disk rather than fail."""
        self._memory_limit = limit
        self._con.execute("SET memory_limit = ?", [limit])

    def _reopen(self, generation: int) -> None:
        """After a fatal error (DuckDB then refuses every query until restarted) open the file afresh,
        once however many threads noticed. What was committed is on disk; the failed write is not."""
        with self._reopen_lock:
            if self._generation != generation:
                return  # another thread already did
            try:
                self._con.close()  # closes every cursor of the stopped instance, so it is really released
            except duckdb.Error:
                pass
            self._con = self._open(self.read_only)
            if self._memory_limit:
                self._con.execute("SET memory_limit = ?", [self._memory_limit])
            self._threads = None
            self._fit_threads()
            self._generation += 1

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

    # --- read snapshots -------------------------------------------------------------------
    @contextmanager
    def snapshot(self) -> Iterator[Database]:
        """Every read of this thread inside the block sees one state of the data (one read transaction).

        A page run (app.py) and a CLI command open one, so an import committed by another session
        between two of their queries changes none of what they show; the data version is read once,
        inside it, for the cache keys. A write by the same thread inside it is seen afterwards (the
        snapshot restarts after that write's commit). Nested calls share the outer snapshot."""
        if getattr(self._local, "cursor", None) is not None:
            yield self
            return
        self._begin_snapshot()
        try:
            yield self
        finally:
            self._leave_snapshot()

    def _begin_snapshot(self) -> None:
        self._local.generation = generation = self._generation
        cursor = self._idle_snapshot_cursor(generation)
        cursor.execute("BEGIN TRANSACTION")
        self._local.cursor, self._local.version, self._local.shared = cursor, None, Memo()

    def _leave_snapshot(self) -> None:
        cursor, generation = self._local.cursor, self._local.generation
        self._local.cursor = self._local.version = self._local.shared = None
        self._local.refused = False
        self._end_snapshot(cursor, generation)

    @contextmanager
    def one_lane(self) -> Iterator[None]:
        """Inside this block, together() on this thread runs its thunks one after another on it (work that must
        leave the other cores to others: the app's work ahead of time, mentordash/ui/ahead.py)."""
        outer = getattr(self._local, "one_lane", False)
        self._local.one_lane = True
        try:
            yield
        finally:
            self._local.one_lane = outer

    def together(self, thunks: Sequence[Callable[[], Any]], wrap: Callable[[Callable], Callable] | None = None) -> list:
        """Each thunk's result, in order, the thunks run side by side in this thread's snapshot: a page's
        figures are a dozen small queries, each mostly DuckDB binding and planning it (which releases the GIL),
        so two run in about the time of one (measured: the coverage page's eight queries 52 ms one after
        another, 28 ms on two threads, at department scale).

        This thread and a helper thread per further thunk, up to one per core (lanes()), take the thunks in
        order, each helper on a cursor of its own, in a read transaction of the same data version as this
        thread's snapshot, sharing its shared() results. A helper that finds the data changed since (an import
        committed in between) takes no thunk, and this thread runs them all: every figure of the run is of one
        version, as in snapshot(). A together() inside a thunk adds its thunks to the same lanes (a lane that
        is free takes them; the thunk's own thread runs those still waiting, then waits for the others), so
        the lanes end together however the work is nested. A thunk must not wait for a result that the code
        which called its together() is computing. Outside a snapshot the thunks run one after another. `wrap`
        wraps a helper thread's work (the app attaches its Streamlit context). Errors: see _Lanes (the one
        that happened first is raised once every thunk has finished; a stop or rerun signal at once)."""
        thunks = list(thunks)
        lanes = getattr(self._local, "lanes", None)
        if lanes is not None:  # inside a thunk of an outer together(): the same lanes
            return lanes.run(thunks)
        count = min(self.lanes(), len(thunks))
        if count < 2 or getattr(self._local, "cursor", None) is None or getattr(self._local, "one_lane", False):
            return [thunk() for thunk in thunks]
        version, memo, lanes = self.data_version(), self._local.shared, _Lanes()

        def helper() -> None:
            try:
                joined = self._join_snapshot(version, memo)
            except Exception:  # no lane of its own (the connection failing): this thread's parts go on without it
                return
            if not joined:
                return
            self._local.lanes = lanes
            try:
                (wrap(lanes.serve) if wrap else lanes.serve)()
            finally:
                self._local.lanes = None
                self._leave_snapshot()

        helpers: list[threading.Thread] = []
        self._local.lanes = lanes
        try:
            for _ in range(count - 1):
                thread = threading.Thread(target=helper, daemon=True)
                thread.start()
                helpers.append(thread)
            return lanes.run(thunks)
        finally:
            self._local.lanes = None
            lanes.close()
            for thread in helpers:
                thread.join()

    @staticmethod
    def lanes() -> int:
        """How many threads together() runs at once: one per core, as DuckDB's own default."""
        return _default_threads()

    def _join_snapshot(self, version: int, memo: Memo) -> bool:
        """Open a snapshot on this (helper) thread sharing `memo`, if its data is still `version`."""
        self._begin_snapshot()
        if self.data_version() != version:
            self._leave_snapshot()
            return False
        self._local.shared = memo
        return True

    def _idle_snapshot_cursor(self, generation: int) -> duckdb.DuckDBPyConnection:
        """A cursor for a snapshot: one a finished snapshot left (its macros already defined: defining them
        costs about 7 ms, on every page run), else a new one."""
        with self._cursors_lock:
            while self._idle_cursors:
                held_generation, cursor = self._idle_cursors.pop()
                if held_generation == generation:
                    return cursor
        cursor = self._con.cursor()
        _define_macros(cursor)
        return cursor

    def _end_snapshot(self, cursor: duckdb.DuckDBPyConnection, generation: int) -> None:
        try:
            cursor.execute("ROLLBACK")  # it only read
        except duckdb.Error:
            return  # its connection was reopened meanwhile
        with self._cursors_lock:
            if generation == self._generation and len(self._idle_cursors) < IDLE_CURSORS_KEPT:
                self._idle_cursors.append((generation, cursor))
                return
        cursor.close()

    def _restart_snapshot(self) -> None:
        """After this thread's own write: its snapshot moves on to the state that includes it."""
        cursor = getattr(self._local, "cursor", None)
        if cursor is None:
            return
        self._end_snapshot(cursor, self._local.generation)
        self._begin_snapshot()

    def _read(self, fetch: Callable[[duckdb.DuckDBPyConnection], Any]) -> Any:
        """fetch(cursor) on the snapshot's cursor when one is open on this thread, else on the thread's reading
        cursor. A connection reopened after a fatal error is retried once, within the same data version."""
        for attempt in (1, 2):
            generation = self._generation
            in_snapshot = getattr(self._local, "cursor", None) is not None
            if in_snapshot and getattr(self._local, "refused", False):
                raise _refused_resume()
            if in_snapshot and self._local.generation != generation:
                self._resume_snapshot()
            cur = self._local.cursor if in_snapshot else self._reader(generation)
            try:
                return fetch(cur)
            except duckdb.Error as error:
                damaged = _damaged(self.path, error)
                if damaged:
                    raise damaged from error
                stale = isinstance(error, duckdb.ConnectionException) and generation != self._generation
                if attempt == 2 or not (_invalidated(error) or stale):
                    raise
                if _invalidated(error):
                    self._reopen(generation)

    def _reader(self, generation: int) -> duckdb.DuckDBPyConnection:
        """This thread's cursor for reads outside a snapshot (each statement sees the latest commit), made
        once per thread and connection with the shared macros, so a query pays for neither again."""
        held = getattr(self._local, "reader", None)
        if held is None or held[0] != generation:
            cursor = self._con.cursor()
            _define_macros(cursor)
            held = (generation, cursor)
            self._local.reader = held
        return held[1]

    def _resume_snapshot(self) -> None:
        """The snapshot's connection was reopened: go on only if the data is still the version it read."""
        version = self._local.version
        self._begin_snapshot()
        if version is not None and self.data_version() != version:
            # Every later read of this snapshot fails too: a part of together() that catches this error must
            # not go on to read the new version into a run of the old one.
            self._local.refused = True
            raise _refused_resume()

    def shared(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """compute() once per snapshot (one page run, one view): an intermediate result several metrics
        need (the coverage counts of a day, the relationships active at as_of) is queried once and handed
        to each (a DataFrame as a copy of its own). Outside a snapshot it is simply computed: the figures
        are the same either way, and nothing is kept past the snapshot (a write inside it starts afresh).
        The threads of together() share it: one computes a result, any other wanting it meanwhile waits."""
        memo = getattr(self._local, "shared", None)
        if getattr(self._local, "cursor", None) is None or memo is None:
            return compute()
        value = memo.get(key, compute)
        return value.copy() if isinstance(value, pd.DataFrame) else copy.deepcopy(value)

    def derived(self, key: tuple, compute: Callable[[], pa.Table], recipe: str | None = None) -> pa.Table:
        """compute() once per data version for the whole process: a summary of the data that no filter
        changes (the wellbeing responses counted per combination of groups) is built on the first view that
        needs it and shared by every later view and session until the data or the settings change (every
        write bumps the version). Computed inside a snapshot, so it is the data of the version it is kept
        under; one computation at a time, so concurrent first views do not build it twice. An Arrow table:
        immutable, so it is handed out without a copy. At most DERIVED_KEPT results are kept per version,
        the least recently used dropped first (the response rates' table, used by every view, stays).

        With `recipe` (the query and parameters compute() runs) the result is also kept in the file (table
        derived_results, emptied by every write that bumps the version), so that the first view after a
        restart reads it instead of computing it again (_kept)."""
        with self.snapshot():
            version = (self.data_version(), self._generation)
            with self._derived_lock:
                held = self._derived if self._derived and self._derived[0] == version else (version, {})
                self._derived = held
                if key in held[1]:
                    held[1][key] = held[1].pop(key)  # the most recently used goes last
                    return held[1][key]
                self._make_room(held[1])
                table = self._kept(recipe, compute) if recipe is not None else compute()
                self._make_room(held[1])  # again: compute() may have derived a table it is built from
                held[1][key] = table
                return table

    @staticmethod
    def _make_room(tables: dict) -> None:
        while len(tables) >= DERIVED_KEPT:
            tables.pop(next(iter(tables)))  # the least recently used

    def derived_query(self, key: tuple, query: Callable[[], tuple[str, dict]], kept: bool = True) -> pa.Table:
        """derived() of one query: `query()` gives its SQL and parameters and is called inside the build's
        snapshot, so that the settings it reads are those of the data version the table is kept under (read
        before the snapshot, a settings write landing in between would keep an old-settings table under the
        new version). With `kept` the result is also kept in the file, under that query (its recipe)."""
        with self.snapshot():
            sql, params = query()
            return self.derived(key, lambda: self.arrow(sql, params), recipe=recipe(sql, params) if kept else None)

    def derived_rollup(
        self, key: tuple, detail_key: tuple, detail_query: Callable[[], tuple[str, dict]], dropped: Sequence[str]
    ) -> pa.Table:
        """derived() of a table of counts summed over the `dropped` columns of a more detailed one (itself
        derived_query(detail_key, detail_query)), as rolled_up_sql sums them: the same rows a query without
        those columns gives, from a few thousand rows instead of every record (a view of everyone's wellbeing
        figures after an import scored the survey once, not twice). Its recipe is what the sum depends on (the
        detailed query and the rules of rolled_up_sql), so that a copy kept in the file is read without
        loading the detailed table (a view of everyone needs only the sum)."""
        with self.snapshot():
            detail_sql, detail_params = detail_query()

            def compute() -> pa.Table:
                detail = self.derived_query(detail_key, lambda: (detail_sql, detail_params))
                return self.arrow(rolled_up_sql(detail.schema, dropped), tables={"detail": detail})

            rules = {"sql": ROLLED_UP_SQL, "sums": {str(t): sql for t, sql in _ROLLED_UP.items()}}
            made_of = {"detail": recipe(detail_sql, detail_params), "dropped": sorted(dropped)}
            return self.derived(key, compute, recipe=recipe(json.dumps(rules, sort_keys=True), made_of))

    def _kept(self, recipe: str, compute: Callable[[], pa.Table]) -> pa.Table:
        """derived()'s result read from the file when an earlier process kept it for this data version, else
        computed and kept (when the file is writable and the result small enough). `recipe` names what
        compute() computes (its query and parameters); a damaged or unreadable copy is computed again."""
        if not self._keeps_results():
            return compute()
        version = self.data_version()
        fingerprint = self._fingerprint(recipe, version)
        found = self.rows("SELECT payload FROM derived_results WHERE fingerprint = ?", [fingerprint])
        if found:
            try:
                return pa.ipc.open_stream(found[0][0]).read_all()
            except (pa.ArrowException, OSError):
                pass  # a copy Arrow cannot read: computed again, and replaced below
        table = compute()
        self._keep(fingerprint, version, table)
        return table

    def _keeps_results(self) -> bool:
        """Whether the file has the derived_results table (a file opened read-only at an older schema has not)."""
        held = getattr(self, "_has_derived_results", None)
        if held is None or held[0] != self._generation:
            exists = self.scalar(
                "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
                "AND schema_name = 'main' AND table_name = 'derived_results'"
            )
            held = self._has_derived_results = (self._generation, bool(exists))
        return held[1]

    def _fingerprint(self, recipe: str, version: int) -> str:
        counts = self.rows("SELECT " + ", ".join(f"(SELECT count(*) FROM {t})" for t in DATA_TABLES))[0]
        text = "\n".join([recipe, load_sql("macros"), str(version), repr(counts)])
        return hashlib.sha256(text.encode()).hexdigest()

    def _keep(self, fingerprint: str, version: int, table: pa.Table) -> None:
        """Store a derived result for the next process, best effort: never while another write runs, never
        for a version that is no longer the latest, never on a read-only file; a failure keeps nothing."""
        if self.read_only or not self._write_lock.acquire(blocking=False):
            return
        try:
            sink = pa.BufferOutputStream()
            with pa.ipc.new_stream(sink, table.schema, options=pa.ipc.IpcWriteOptions(compression="zstd")) as out:
                out.write_table(table)
            payload = sink.getvalue().to_pybytes()
            if len(payload) > PERSISTED_MAX_BYTES:
                return
            cur = self._con.cursor()  # its own transaction: the page run's snapshot goes on untouched
            try:
                cur.execute("BEGIN TRANSACTION")
                latest = cur.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchall()[0][0]
                if int(latest) == version:
                    cur.execute("DELETE FROM derived_results WHERE fingerprint = ?", [fingerprint])
                    cur.execute(
                        "INSERT INTO derived_results VALUES (?, ?, ?, ?)",
                        [fingerprint, version, datetime.now(), payload],
                    )
                cur.execute("COMMIT")
            except duckdb.Error:
                try:
                    cur.execute("ROLLBACK")
                except duckdb.Error:
                    pass  # the failed statement ended the transaction already
            finally:
                cur.close()
        finally:
            self._write_lock.release()

    # --- queries --------------------------------------------------------------------------
    def df(
        self, sql: str, params: Sequence[Any] | dict | None = None, tables: dict[str, pa.Table] | None = None
    ) -> pd.DataFrame:
        """Run a query with bound parameters and return a fully fetched DataFrame (via Arrow). `tables`:
        Arrow tables (results of derived()) the query reads by name, visible to this query only.

        A page's figures are frames of a few hundred rows at most, from queries of many expressions: run as a
        prepared statement (`execute`), which DuckDB plans once, where a relation (`sql`, as arrow() runs)
        binds the query once to describe it and again to run it (measured: the recruitment funnel 8-9 ms
        against 16-18 ms at consortium scale). Its Arrow result is a copy of DuckDB's, which costs nothing at
        this size; arrow() keeps the relation for the large tables derived() builds."""
        return self._fetch(sql, params, tables, prepared=True).to_pandas()

    def arrow(
        self, sql: str, params: Sequence[Any] | dict | None = None, tables: dict[str, pa.Table] | None = None
    ) -> pa.Table:
        """Run a query with bound parameters and return a fully fetched Arrow table."""
        return self._fetch(sql, params, tables, prepared=False)

    def _fetch(
        self, sql: str, params: Sequence[Any] | dict | None, tables: dict[str, pa.Table] | None, prepared: bool
    ) -> pa.Table:
        def fetch(cur: duckdb.DuckDBPyConnection) -> pa.Table:
            for name, table in (tables or {}).items():
                cur.register(name, table)
            try:
                if not prepared:
                    return cur.sql(sql, params=_bind(sql, params)).to_arrow_table()
                return cur.execute(sql, _bind(sql, params) or []).to_arrow_table()
            finally:
                for name in tables or {}:
                    try:
                        cur.unregister(name)
                    except duckdb.Error:
                        pass  # a failed query ended the transaction, and the view with it: its error is raised

        return self._read(fetch)

    def rows(self, sql: str, params: Sequence[Any] | dict | None = None) -> list[tuple]:
        return self._read(lambda cur: cur.execute(sql, _bind(sql, params) or []).fetchall())

    def scalar(self, sql: str, params: Sequence[Any] | dict | None = None) -> Any:
        result = self.rows(sql, params)
        return result[0][0] if result else None

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """An explicit BEGIN/COMMIT: all of the block's writes land, or none do.

        A write the disk refuses (full, read-only) raises DatabaseWriteError with a clear message;
        nothing of it is stored and the connection keeps serving reads."""
        if self.read_only:
            raise DatabaseWriteError(
                f"Nothing was saved: the database file {self.path} is open read-only"
                + (f" ({self.read_only_reason})" if self.read_only_reason else "")
                + ". Make it writable for the account that runs MentorDash and restart it; until then "
                "every page keeps showing the data as it is."
            )
        with self._write_lock, self.every_core():  # a write may load a large export
            generation = self._generation
            cur = self._con.cursor()
            try:
                cur.execute("BEGIN TRANSACTION")
                try:
                    yield cur
                except BaseException:
                    try:
                        cur.execute("ROLLBACK")
                    except duckdb.Error:
                        pass  # a failed statement may already have ended the transaction
                    raise
                cur.execute("COMMIT")
            except duckdb.Error as error:
                if _invalidated(error):  # DuckDB stopped the database: reopen it, reads go on
                    self._reopen(generation)
                failure = _write_failure(self.path, error)
                if failure:
                    raise failure from error
                raise
            finally:
                self._settings = self._derived = None  # whatever it wrote, settings and derived results are read afresh
                try:
                    cur.close()
                except duckdb.Error:
                    pass
        self._restart_snapshot()

    # --- data version, for cache invalidation --------------------------------------------
    def data_version(self) -> int:
        """The version of the data; inside a snapshot, the snapshot's (read once)."""
        if getattr(self._local, "cursor", None) is None:
            return int(self.scalar("SELECT value FROM meta WHERE key = 'data_version'") or 0)
        if self._local.version is None:
            self._local.version = int(self.scalar("SELECT value FROM meta WHERE key = 'data_version'") or 0)
        return self._local.version

    @staticmethod
    def bump_data_version(cur: duckdb.DuckDBPyConnection) -> None:
        """Call inside every write transaction so that cached results keyed on the version expire."""
        cur.execute("UPDATE meta SET value = value + 1 WHERE key = 'data_version'")
        kept = cur.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
            "AND schema_name = 'main' AND table_name = 'derived_results'"
        ).fetchall()[0][0]
        if kept:  # summaries of the data before this write describe data that is no longer there
            cur.execute("DELETE FROM derived_results")

    # --- settings -------------------------------------------------------------------------
    def settings(self) -> dict:
        """The stored settings over their defaults (a fresh copy the caller may change).

        Read once per data version: every settings change bumps the version (set_setting), and any write
        through this object forgets the copy, so a page run's many metrics calls read the table once."""
        version = self.data_version()
        held = self._settings
        if held is None or held[0] != (version, self._generation):
            stored = {key: json.loads(value) for key, value in self.rows("SELECT key, value FROM settings")}
            merged = json.loads(json.dumps(DEFAULT_SETTINGS))
            for key, value in stored.items():
                if isinstance(merged.get(key), dict) and isinstance(value, dict):
                    merged[key].update(value)
                else:
                    merged[key] = value
            held = ((version, self._generation), pickle.dumps(merged, pickle.HIGHEST_PROTOCOL))
            self._settings = held
        # a fresh deep copy of plain JSON values (pickled here, from our own values), 4x faster than deepcopy
        return pickle.loads(held[1])

    def set_setting(self, key: str, value: Any, user: str) -> None:
        """Store a checked value and log who changed it from what (docs/privacy.md); SettingError if invalid."""
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


class Memo:
    """Results computed once per key, by the first thread to ask; the others wait for it: a snapshot's shared()
    results, for the threads that share the snapshot (together()), and the benchmark's cold-cache calls. A failed computation is forgotten
    (its error raised to each thread waiting), so a later call tries again, as without a memo."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[tuple, _Entry] = {}

    def get(self, key: tuple, compute: Callable[[], Any]) -> Any:
        with self._lock:
            entry = self._entries.get(key)
            owner = entry is None
            if owner:
                entry = self._entries[key] = _Entry()
        if owner:
            try:
                entry.value = compute()
            except BaseException as error:
                entry.error = error
                with self._lock:
                    del self._entries[key]
                raise
            finally:
                entry.done.set()
        entry.done.wait()
        if entry.error is not None:
            raise entry.error
        return entry.value


class _Lanes:
    """The thunks of one together() and of every together() inside them, queued for the run's threads: helper
    threads take any (serve); a thread waiting for its own thunks runs those still queued, so every wait ends
    even with no helper at all.

    Errors: a helper whose part failed takes no more parts (a failed query aborts its cursor's transaction,
    so its next part would fail for that alone); a together() raises the error of its parts that happened
    first, the cause rather than what followed from it. A signal that is not an error (Streamlit's stop or
    rerun, KeyboardInterrupt) is raised at once, the parts still queued dropped."""

    def __init__(self) -> None:
        self._ready = threading.Condition()
        self._queue: collections.deque[_Part] = collections.deque()
        self._closed = False
        self._failures = itertools.count()

    def run(self, thunks: Sequence[Callable[[], Any]]) -> list:
        parts = [_Part(thunk) for thunk in thunks]
        with self._ready:
            self._queue.extend(parts)
            self._ready.notify_all()
        for part in parts:
            while not part.done:
                with self._ready:
                    mine = next((p for p in self._queue if p in parts), None)
                    if mine is None:
                        if not part.done:
                            self._ready.wait()
                        continue
                    self._queue.remove(mine)
                self._run(mine)
            if part.error is not None and not isinstance(part.error, Exception):
                self.close(drop_queued=True)
                raise part.error
        failed = [part for part in parts if part.error is not None]
        if failed:
            raise min(failed, key=lambda part: part.failed_at).error
        return [part.result for part in parts]

    def _run(self, part: _Part) -> None:
        try:
            part.result = part.thunk()
        except BaseException as error:
            part.error, part.failed_at = error, next(self._failures)
        with self._ready:
            part.done = True
            self._ready.notify_all()

    def serve(self) -> None:
        """A helper thread's work: any queued thunk, until the outermost together() closes the lanes or one of
        its parts fails."""
        while True:
            with self._ready:
                while not self._queue and not self._closed:
                    self._ready.wait()
                if not self._queue:
                    return
                part = self._queue.popleft()
            self._run(part)
            if part.error is not None:
                return

    def close(self, drop_queued: bool = False) -> None:
        """No more parts: helpers finish what is queued and stop (with `drop_queued`, what is queued is dropped,
        each part failing with _Dropped, so that no one waits for it)."""
        with self._ready:
            self._closed = True
            while drop_queued and self._queue:
                dropped = self._queue.popleft()
                dropped.error, dropped.failed_at, dropped.done = _Dropped(), next(self._failures), True
            self._ready.notify_all()


class _Dropped(Exception):
    """A part never run: the together() it belongs to was stopped (a stop or rerun signal elsewhere)."""


class _Part:
    def __init__(self, thunk: Callable[[], Any]) -> None:
        self.thunk, self.done, self.result = thunk, False, None
        self.error: BaseException | None = None
        self.failed_at = 0


class _Entry:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: Any = None
        self.error: BaseException | None = None


def _define_macros(cursor: duckdb.DuckDBPyConnection) -> None:
    """The shared date rules of sql/macros.sql on this cursor (temporary macros live on one cursor only)."""
    cursor.execute(load_sql("macros"))


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


# rolled_up_sql's statement; with _ROLLED_UP, part of a rolled-up table's recipe (derived_rollup).
ROLLED_UP_SQL = "SELECT {columns} FROM detail GROUP BY ALL"
# How rolled_up_sql sums each type of column of a derived table of counts: counts and raw key sums as they are,
# cell keys (docs/privacy.md) modulo 2^32 again; every other column is one of the rows' groups.
_ROLLED_UP = {
    pa.int32(): "sum({c})::INTEGER",
    pa.int64(): "sum({c})::BIGINT",
    pa.uint32(): "cell_key(sum({c}))::UINTEGER",
}


def rolled_up_sql(schema: pa.Schema, dropped: Sequence[str]) -> str:
    """A query of table `detail` (of `schema`) summing its counts over the `dropped` columns, grouped by the
    others (NULL a group of its own, as GROUP BY ALL groups it in the detailed query): exactly what the
    detailed query gives without those columns, since a count or a sum of record keys is the sum of its
    parts (a cell key, that sum modulo 2^32, too). A column of another number type has no such rule here:
    refused rather than guessed."""
    missing = set(dropped) - set(schema.names)
    if missing:
        raise ValueError(f"no column {sorted(missing)} to sum over")
    parts = []
    for field in schema:
        if field.name in dropped:
            continue
        quoted = '"' + field.name.replace('"', '""') + '"'
        if field.type in _ROLLED_UP:
            parts.append(_ROLLED_UP[field.type].format(c=quoted) + f" AS {quoted}")
        elif pa.types.is_integer(field.type) or pa.types.is_floating(field.type) or pa.types.is_decimal(field.type):
            raise ValueError(f"no rule to sum column {field.name!r} of type {field.type}")
        else:
            parts.append(quoted)
    return ROLLED_UP_SQL.format(columns=", ".join(parts))


def recipe(sql: str, params: dict) -> str:
    """What a derived table is computed from (its query and parameters), for Database.derived to know a copy
    it kept in the file."""
    return json.dumps({"sql": sql, "params": params}, sort_keys=True, default=str)


def connect(path: str | Path, read_only: bool = False) -> Database:
    return Database(path, read_only=read_only)
