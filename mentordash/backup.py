"""Backups: a consistent copy of the database, made safely while the app runs, and restoring one.

DuckDB lets one process open a file for writing and then no other process may open it at all, so a
backup command cannot read the file the app holds. Instead the copy is always made through the
process that holds the file, from one read snapshot (the same kind a page run reads):

- the app answers backup requests: `python -m mentordash backup --out FILE` finds the file in use,
  leaves a request file beside the database, and the app's process writes the copy and says so;
- when nothing holds the file, the command opens it itself, read-only.

Either way the copy is written to a temporary file next to FILE, checked (every table read back and
counted against the snapshot), and only then renamed to FILE: a failed or interrupted backup never
leaves a half-written FILE, and never touches the database. Imports committed while a backup runs
are simply not in it (the next backup has them).

Restore replaces the database with a checked backup. It needs the file free (stop the app first): the
app's open connection cannot be swapped under the people using it. The file it replaces is kept.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
import uuid
from datetime import datetime
from pathlib import Path

import duckdb

from mentordash.db import SCHEMA_VERSION, Database, DatabaseBusy, _damaged, _locked

POLL_SECONDS = 0.5
REQUEST_SUFFIX = ".request.json"
ANSWER_SUFFIX = ".answer.json"


class BackupError(RuntimeError):
    """A backup or restore that could not be made; the message says why and what to do."""


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _tables(cur, catalog: str) -> list[str]:
    return [
        name
        for (name,) in cur.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND NOT temporary ORDER BY 1", [catalog]
        ).fetchall()
    ]


def _check_out(db_path: Path, out: Path) -> None:
    if out.resolve() in {db_path.resolve(), Path(str(db_path) + ".wal").resolve()}:
        raise BackupError(f"--out {out} is the database itself: choose another file for the backup.")
    if out.is_dir():
        raise BackupError(
            f"--out {out} is a folder: give the backup's file name (e.g. {out / 'mentordash-backup.duckdb'})."
        )
    if not out.parent.is_dir():
        raise BackupError(f"The folder {out.parent} does not exist: create it, or choose another place for the backup.")


def make_backup(db: Database, out: str | Path) -> dict:
    """Copy every table of `db`, as one read snapshot sees it, to the DuckDB file `out` (replaced whole),
    through the connection of the process that holds the file (the app's)."""
    cur = db._con.cursor()
    try:
        catalog = cur.execute("SELECT current_database()").fetchall()[0][0]
        return _copy(cur, catalog, db.path, Path(out))
    finally:
        cur.close()


def _copy_free_file(db_path: Path, out: Path) -> dict:
    """The file is held by nobody: attach it read-only to a private in-memory DuckDB and copy it from there
    (never opened for writing, so never upgraded, changed or locked against the app starting meanwhile)."""
    con = duckdb.connect()
    try:
        try:
            con.execute(f"ATTACH {_quote(str(db_path))} AS mentordash_source (READ_ONLY)")
        except duckdb.Error as error:
            if _locked(error):
                raise DatabaseBusy(str(error)) from error
            raise BackupError(f"The backup could not be made: {_damaged(str(db_path), error) or error}") from error
        return _copy(con, "mentordash_source", str(db_path), out)
    finally:
        con.close()


def _copy(cur, catalog: str, db_path: str, out: Path) -> dict:
    out = out.absolute()
    _check_out(Path(db_path).absolute(), out)
    partial = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.partial")
    alias = f"mentordash_backup_{uuid.uuid4().hex[:8]}"
    attached = False
    try:
        cur.execute(f"ATTACH {_quote(str(partial))} AS {alias}")  # a path cannot be a bound parameter here
        attached = True
        cur.execute("BEGIN TRANSACTION")  # one snapshot: the copy and the counts it is checked against
        cur.execute(f"COPY FROM DATABASE {catalog} TO {alias}")
        counts = {}
        for table in _tables(cur, catalog):
            stored = cur.execute(f'SELECT count(*) FROM {catalog}.main."{table}"').fetchall()[0][0]
            copied = cur.execute(f'SELECT count(*) FROM {alias}.main."{table}"').fetchall()[0][0]
            if stored != copied:
                raise BackupError(
                    f"The copy of table {table} has {copied} rows, the database {stored}: "
                    "the backup was not written. Try again."
                )
            counts[table] = stored
        version = cur.execute(f"SELECT max(version) FROM {alias}.main.schema_version").fetchall()[0][0]
        cur.execute("COMMIT")
        cur.execute(f"CHECKPOINT {alias}")
        cur.execute(f"DETACH {alias}")
        attached = False
        _fsync(partial)
        os.replace(partial, out)
        _fsync(out.parent)
    except duckdb.Error as error:
        damaged = _damaged(db_path, error)
        if damaged:
            raise BackupError(f"The backup could not be made: {damaged}") from error
        raise BackupError(
            f"The backup could not be written to {out} ({str(error).splitlines()[0]}). The database was not changed."
        ) from error
    finally:
        if attached:
            for statement in ("ROLLBACK", f"DETACH {alias}"):
                try:
                    cur.execute(statement)
                except duckdb.Error:
                    pass
        for leftover in (partial, Path(str(partial) + ".wal")):
            leftover.unlink(missing_ok=True)
    return {
        "status": "backed_up",
        "out": str(out),
        "schema_version": version,
        "rows": counts,
        "bytes": out.stat().st_size,
    }


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- through the running app ---------------------------------------------------------------------
def _request_glob(db_path: Path) -> str:
    return f".{db_path.name}.backup-*{REQUEST_SUFFIX}"


def answer_requests(db: Database) -> int:
    """Make every backup asked for beside this database (by `backup` while this process holds the file)."""
    db_path = Path(db.path).absolute()
    answered = 0
    for request in sorted(db_path.parent.glob(_request_glob(db_path))):
        answer = Path(str(request)[: -len(REQUEST_SUFFIX)] + ANSWER_SUFFIX)
        try:
            owner = request.stat().st_uid
            wanted = json.loads(request.read_text())
            request.unlink()
        except (OSError, ValueError):
            continue  # taken by another reader, or half-written: it will be asked again
        if owner not in (os.getuid(), 0):  # only this account (or root) may ask this process to write files
            result = {"status": "refused", "error": "the request was made by another account"}
        else:
            try:
                result = make_backup(db, wanted["out"])
            except (BackupError, KeyError, OSError) as error:
                result = {"status": "failed", "error": str(error)}
        answer.write_text(json.dumps(result, default=str))
        answered += 1
    return answered


def serve_requests(db: Database) -> threading.Thread:
    """The app's process answers backup requests for its database, from a background thread (once)."""
    existing = getattr(db, "_backup_thread", None)
    if existing is not None and existing.is_alive():
        return existing

    def loop() -> None:
        while True:
            try:
                answer_requests(db)
            except Exception:  # never let a bad request stop the answering (or the app)
                pass
            time.sleep(POLL_SECONDS)

    thread = threading.Thread(target=loop, name="mentordash-backups", daemon=True)
    thread.start()
    db._backup_thread = thread
    return thread


def backup_file(db_path: str | Path, out: str | Path, wait_seconds: float = 120) -> dict:
    """The `backup` command: copy the database to `out`, whether or not the app has it open."""
    db_path, out = Path(db_path).absolute(), Path(out).absolute()
    if not db_path.exists():
        raise BackupError(f"There is no database at {db_path}: nothing to back up.")
    _check_out(db_path, out)
    try:
        return _copy_free_file(db_path, out)
    except DatabaseBusy:
        return _through_app(db_path, out, wait_seconds)


def _through_app(db_path: Path, out: Path, wait_seconds: float) -> dict:
    token = f"{datetime.now():%Y%m%d%H%M%S}-{uuid.uuid4().hex[:8]}"
    request = db_path.with_name(f".{db_path.name}.backup-{token}{REQUEST_SUFFIX}")
    answer = db_path.with_name(f".{db_path.name}.backup-{token}{ANSWER_SUFFIX}")
    written = request.with_name(request.name + ".tmp")
    written.write_text(json.dumps({"out": str(out)}))
    os.replace(written, request)  # the app never sees half a request
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        if answer.exists():
            result = json.loads(answer.read_text())
            answer.unlink(missing_ok=True)
            if result.get("status") != "backed_up":
                raise BackupError(f"The app could not make the backup: {result.get('error')}")
            return {**result, "made_by": "the running app"}
        if not request.exists() and not answer.exists():
            time.sleep(POLL_SECONDS / 5)  # taken: the app is writing the copy
            continue
        time.sleep(POLL_SECONDS / 2)
    if request.exists():
        request.unlink(missing_ok=True)
        raise BackupError(
            f"{db_path} is in use by another program that did not answer the backup request within "
            f"{wait_seconds:.0f} s: an import or undo from the command line (wait until it ends and try again), "
            "or an app of an older MentorDash (stop it, back up, start it again)."
        )
    raise BackupError(
        f"The app took the backup request but did not finish within {wait_seconds:.0f} s: "
        "try again with a longer --wait."
    )


# --- restore -------------------------------------------------------------------------------------
def check_backup(path: str | Path) -> dict:
    """Open a backup read-only and read every row of every table: its schema version and row counts."""
    path = Path(path).absolute()
    if not path.is_file():
        raise BackupError(f"There is no backup file at {path}.")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as error:
        raise BackupError(f"{path} is not a usable backup: {_damaged(str(path), error) or error}") from error
    try:
        catalog = con.execute("SELECT current_database()").fetchall()[0][0]
        tables = _tables(con, catalog)
        if "schema_version" not in tables:
            raise BackupError(f"{path} is a DuckDB file but not a MentorDash database (no schema_version table).")
        version = con.execute("SELECT max(version) FROM schema_version").fetchall()[0][0] or 0
        if version > SCHEMA_VERSION:
            raise BackupError(
                f"{path} was made by a newer MentorDash (schema version {version}; this one knows "
                f"up to {SCHEMA_VERSION}). Update MentorDash first, then restore it."
            )
        counts = {}
        for table in tables:  # hash(t) reads every column of every row: a damaged block fails here
            counts[table], _ = con.execute(f'SELECT count(*), sum(hash(t)) FROM "{table}" t').fetchall()[0]
    except duckdb.Error as error:
        raise BackupError(f"{path} is not a usable backup: {_damaged(str(path), error) or error}") from error
    finally:
        con.close()
    return {"schema_version": version, "rows": counts}


def restore_file(backup: str | Path, db_path: str | Path) -> dict:
    """Replace the database with a checked backup; the file it replaces is kept beside it."""
    backup, db_path = Path(backup).absolute(), Path(db_path).absolute()
    if backup == db_path:
        raise BackupError("The backup and the database are the same file.")
    checked = check_backup(backup)
    kept = None
    if db_path.exists():
        _fold_wal(db_path)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        kept = db_path.with_name(f"{db_path.name}.before-restore-{stamp}")
        os.replace(db_path, kept)
        wal = Path(str(db_path) + ".wal")
        if wal.exists():  # a damaged file's log: kept with it, never replayed onto the restored file
            os.replace(wal, Path(str(kept) + ".wal"))
    incoming = db_path.with_name(f".{db_path.name}.restoring")
    shutil.copyfile(backup, incoming)
    _fsync(incoming)
    os.replace(incoming, db_path)
    _fsync(db_path.parent)
    db = Database(db_path)  # upgrades a backup of an older MentorDash to this schema
    version = db.schema_version()
    db.close()
    return {
        "status": "restored",
        "db": str(db_path),
        "from": str(backup),
        "rows": checked["rows"],
        "backup_schema_version": checked["schema_version"],
        "schema_version": version,
        "previous_file_kept_as": str(kept) if kept else None,
    }


def _fold_wal(db_path: Path) -> None:
    """Refuse when the file is in use; otherwise fold its log into it, so the file kept aside is whole."""
    try:
        con = duckdb.connect(str(db_path))
    except duckdb.Error as error:
        if _locked(error):
            raise DatabaseBusy(
                f"{db_path} is in use by another program (the app, or a MentorDash command): restore replaces "
                "the file, so stop the app first, restore, then start it again."
            ) from error
        return  # damaged: it is moved aside as it is
    try:
        con.execute("CHECKPOINT")
    except duckdb.Error:
        pass
    finally:
        con.close()
