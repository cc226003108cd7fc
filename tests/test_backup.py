"""`backup --out FILE` and `restore FILE` (issue 19): a consistent copy, made safely while the app holds
the database (its process makes the copy), and a restore that checks the backup and keeps what it replaces."""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest

from mentordash import backup
from mentordash.db import SCHEMA_VERSION, connect
from tests.test_faults import build, survey_csv
from tests.test_ingest_support import checksums

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*argv: str, timeout: float = 300) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-m", "mentordash", *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=timeout,
    )
    return done.returncode, done.stdout + done.stderr


def digest(path: Path) -> dict:
    db = connect(path, read_only=True)
    try:
        return checksums(db)
    finally:
        db.close()


def test_a_backup_of_a_free_file_is_an_exact_copy_and_leaves_the_database_alone(tmp_path):
    db_path = build(tmp_path / "live.duckdb")
    before = db_path.read_bytes()
    out = tmp_path / "copies" / "nightly.duckdb"
    out.parent.mkdir()
    code, said = run_cli("backup", "--db", str(db_path), "--out", str(out))
    assert code == 0, said
    assert said.startswith(f"backed up {out}")
    assert digest(out) == digest(db_path)
    assert db_path.read_bytes() == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["nightly.duckdb"]  # no partial file left
    code, _ = run_cli("backup", "--db", str(db_path), "--out", str(out))  # the next night's replaces it whole
    assert code == 0 and digest(out) == digest(db_path)


@pytest.mark.parametrize(
    "where, message",
    [("itself", "is the database itself"), ("missing/x.duckdb", "does not exist"), ("folder", "is a folder")],
)
def test_a_backup_to_a_wrong_place_is_refused_clearly(tmp_path, where, message):
    db_path = build(tmp_path / "live.duckdb")
    (tmp_path / "folder").mkdir()
    out = db_path if where == "itself" else tmp_path / where
    code, said = run_cli("backup", "--db", str(db_path), "--out", str(out))
    assert code == 1 and message in said and "Traceback" not in said


APP_SCRIPT = """
import sys, time
from pathlib import Path
from mentordash import backup
from mentordash.db import connect
from mentordash.ingest.commit import commit
from mentordash.ingest.pipeline import Options, prepare
db = connect(sys.argv[1])           # what the app does when it opens the file (ui.context)
backup.serve_requests(db)
print("serving", flush=True)
wave = 0
while True:                         # and a coordinator importing wave after wave meanwhile
    wave += 1
    path = Path(sys.argv[2]) / f"wave{wave}.csv"
    path.write_text("response_id,survey,submitted_at,mini_z_burnout\\n"
                    + "".join(f"w{wave}-{i},W{wave},2026-03-01,{i % 5 + 1}\\n" for i in range(2000)))
    commit(db, prepare(path, options=Options(), db=db), "coordinator")
    time.sleep(0.05)
"""


@contextmanager
def running_app(db_path: Path, work: Path, script: str = APP_SCRIPT):
    process = subprocess.Popen(
        [sys.executable, "-c", script, str(db_path), str(work)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert process.stdout.readline().strip() in ("serving", "holding")
        yield process
    finally:
        process.kill()
        process.wait()


def test_a_backup_while_the_app_holds_the_file_and_imports_is_made_by_the_app_and_consistent(tmp_path):
    db_path = build(tmp_path / "live.duckdb")
    db = connect(db_path)
    base = db.data_version()
    db.close()
    out = tmp_path / "while-running.duckdb"
    with running_app(db_path, tmp_path) as app:
        code, said = run_cli("backup", "--db", str(db_path), "--out", str(out))
        assert code == 0, said
        assert "made by the running app" in said
        assert app.poll() is None  # the app goes on
    copy = duckdb.connect(str(out), read_only=True)
    imports = copy.execute("SELECT count(*), coalesce(sum(rows), 0) FROM imports").fetchall()[0]
    responses = copy.execute("SELECT count(*) FROM survey").fetchall()[0][0]
    version = copy.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchall()[0][0]
    copy.close()
    assert responses == imports[1] == 2000 * imports[0]  # whole imports only: one snapshot, never half of one
    assert version == base + imports[0]  # one version per import: the counts and the version of one snapshot
    assert not list(tmp_path.glob(".live.duckdb.backup-*"))  # request and answer cleaned up


HOLDER_SCRIPT = """
import sys, time
from mentordash.db import connect
db = connect(sys.argv[1])  # holds the file but answers no backup request (a command, an older app)
print("holding", flush=True)
time.sleep(600)
"""


def test_a_holder_that_does_not_answer_gets_a_clear_message(tmp_path):
    db_path = build(tmp_path / "live.duckdb")
    with running_app(db_path, tmp_path, HOLDER_SCRIPT):
        code, said = run_cli("backup", "--db", str(db_path), "--out", str(tmp_path / "b.duckdb"), "--wait", "2")
    assert code == 1
    assert "did not answer the backup request within 2 s" in said and "Traceback" not in said
    assert not (tmp_path / "b.duckdb").exists()
    assert not list(tmp_path.glob(".live.duckdb.backup-*"))


def test_restore_puts_the_backup_in_place_and_keeps_the_file_it_replaces(tmp_path):
    db_path = build(tmp_path / "live.duckdb")
    saved = tmp_path / "saved.duckdb"
    assert run_cli("backup", "--db", str(db_path), "--out", str(saved))[0] == 0
    db = connect(db_path)
    db.set_setting("capacity", 6, "coordinator")  # a change after the backup
    changed = checksums(db)
    db.close()

    code, said = run_cli("restore", str(saved), "--db", str(db_path))
    assert code == 0, said
    assert digest(db_path) == digest(saved)
    kept = list(tmp_path.glob("live.duckdb.before-restore-*"))
    assert len(kept) == 1 and f"kept as {kept[0]}" in said
    assert digest(kept[0]) == changed  # nothing is lost by a restore either


def test_restore_refuses_while_the_app_holds_the_file(tmp_path):
    db_path = build(tmp_path / "live.duckdb")
    saved = tmp_path / "saved.duckdb"
    assert run_cli("backup", "--db", str(db_path), "--out", str(saved))[0] == 0
    with running_app(db_path, tmp_path, HOLDER_SCRIPT):
        code, said = run_cli("restore", str(saved), "--db", str(db_path))
    assert code == 1 and "stop the app first" in said and "Traceback" not in said
    assert not list(tmp_path.glob("live.duckdb.before-restore-*"))


def test_restore_refuses_a_damaged_or_newer_backup_and_changes_nothing(tmp_path):
    db_path = build(tmp_path / "live.duckdb")
    before = db_path.read_bytes()
    damaged = tmp_path / "damaged.duckdb"
    assert run_cli("backup", "--db", str(db_path), "--out", str(damaged))[0] == 0
    with damaged.open("r+b") as handle:
        handle.truncate(damaged.stat().st_size // 3)
    code, said = run_cli("restore", str(damaged), "--db", str(db_path))
    assert code == 1 and "is not a usable backup" in said and "Traceback" not in said

    newer = tmp_path / "newer.duckdb"
    assert run_cli("backup", "--db", str(db_path), "--out", str(newer))[0] == 0
    con = duckdb.connect(str(newer))
    con.execute("INSERT INTO schema_version VALUES (?, now())", [SCHEMA_VERSION + 1])
    con.close()
    code, said = run_cli("restore", str(newer), "--db", str(db_path))
    assert code == 1 and "made by a newer MentorDash" in said
    assert db_path.read_bytes() == before
    assert not list(tmp_path.glob("live.duckdb.before-restore-*"))


def test_a_backup_of_an_older_mentordash_is_upgraded_when_restored(tmp_path):
    from mentordash.db import Database

    old = Database(tmp_path / "old.duckdb", schema_up_to=SCHEMA_VERSION - 1)
    old.close()
    db_path = build(tmp_path / "live.duckdb")
    result = backup.restore_file(tmp_path / "old.duckdb", db_path)
    assert result["backup_schema_version"] == SCHEMA_VERSION - 1 and result["schema_version"] == SCHEMA_VERSION


def test_a_damaged_database_can_be_restored_over(tmp_path):
    """The restore a damaged file's message asks for works on that file."""
    db_path = build(tmp_path / "live.duckdb")
    saved = tmp_path / "saved.duckdb"
    assert run_cli("backup", "--db", str(db_path), "--out", str(saved))[0] == 0
    db_path.write_text("overwritten by mistake")
    code, said = run_cli("restore", str(saved), "--db", str(db_path))
    assert code == 0, said
    assert digest(db_path) == digest(saved)


def test_answering_a_request_writes_the_copy_and_the_answer(tmp_path):
    db = connect(build(tmp_path / "live.duckdb"))
    (tmp_path / ".live.duckdb.backup-1.request.json").write_text('{"out": "%s"}' % (tmp_path / "c.duckdb"))
    assert backup.answer_requests(db) == 1
    assert (tmp_path / ".live.duckdb.backup-1.answer.json").read_text().startswith('{"status": "backed_up"')
    assert checksums(db) == digest(tmp_path / "c.duckdb")
    db.close()


def test_survey_sized_backup(tmp_path):
    """A backup of a database with a large table copies every row."""
    db = connect(build(tmp_path / "live.duckdb"))
    from mentordash.ingest.commit import commit
    from mentordash.ingest.pipeline import Options, prepare

    commit(db, prepare(survey_csv(tmp_path / "w.csv", 50_000), options=Options(), db=db), "coordinator")
    result = backup.make_backup(db, tmp_path / "big.duckdb")
    assert result["rows"]["survey"] == 50_000
    assert checksums(db) == digest(tmp_path / "big.duckdb")
    db.close()
