"""The faults a real server meets (issue 19), each reproduced: a kill in the middle of an import, a
read-only file, a full disk, a damaged file, a file of a newer MentorDash, and a second process.

A full disk and a read-only file are real: a small tmpfs mounted for the test (and unmounted after it),
so these tests need root, as `make test` has in CI."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

from mentordash.db import SCHEMA_VERSION, DatabaseBusy, DatabaseDamaged, DatabaseTooNew, DatabaseWriteError, connect
from mentordash.ingest.commit import commit
from mentordash.ingest.pipeline import Options, prepare
from tests.apptest import app_test, open_url_path, texts
from tests.builders import add_mentorships, add_people, person
from tests.load.client import one_run
from tests.server import run_async, streamlit_server
from tests.test_ingest_support import checksums

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2026-06-30"


def build(path: Path) -> Path:
    """12 people, 6 residents of 10 mentored: enough for every page to show its figures."""
    db = connect(path)
    add_people(
        db,
        *[person(f"R{i}", "resident", date(2023, 7, 1)) for i in range(10)],
        *[person(f"S{i}", "senior_faculty", date(2005, 7, 1)) for i in range(5)],
    )
    add_mentorships(
        db, *[dict(mentor_id=f"S{i % 5}", mentee_id=f"R{i}", start_date=date(2024, 1, 1)) for i in range(6)]
    )
    db.close()
    return path


def survey_csv(path: Path, rows: int, wave: str = "Big") -> Path:
    with path.open("w") as handle:
        handle.write("response_id,survey,submitted_at,mini_z_burnout,mbi_ee_item\n")
        handle.writelines(f"{wave}-{i},{wave},2026-03-01 10:00:00,{i % 5 + 1},{i % 7}\n" for i in range(rows))
    return path


def run_cli(*argv: str) -> tuple[int, str]:
    """The real command in its own process: exit status, and everything it printed."""
    done = subprocess.run(
        [sys.executable, "-m", "mentordash", *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=300,
    )
    return done.returncode, done.stdout + done.stderr


# --- killed in the middle of an import -----------------------------------------------------------
SERVER_SCRIPT = """
import sys, time
from mentordash.db import connect
from mentordash.ingest import commit as c
from mentordash.ingest.pipeline import Options, prepare
c.CHUNK_ROWS = 5_000  # many statements in the one transaction, so the kill lands inside it
db = connect(sys.argv[1])
plan = prepare(sys.argv[2], options=Options(), db=db)
kill_at = sys.argv[3]
def progress(fraction, text):
    if kill_at == "midway" and fraction >= 0.5:
        print("midway", flush=True)
        time.sleep(600)
report = c.commit(db, plan, "coordinator", progress=progress)
print("committed", report["import_id"], flush=True)
time.sleep(600)  # killed before it closes the file: nothing checkpointed, the log holds the import
"""


def kill_during_import(db_path: Path, export: Path, kill_at: str) -> None:
    """Run the import the way the app's process does, and SIGKILL that process at `kill_at`."""
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER_SCRIPT, str(db_path), str(export), kill_at],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        for line in process.stdout:
            if line.startswith(("midway", "committed")):
                break
        else:
            pytest.fail(f"the importing process ended before the kill ({process.wait()})")
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL


def test_killed_midway_through_an_import_the_restarted_database_has_none_of_it(tmp_path):
    db_path = build(tmp_path / "kill.duckdb")
    db = connect(db_path)
    before = checksums(db)
    db.close()
    export = survey_csv(tmp_path / "wave.csv", 40_000)
    kill_during_import(db_path, export, "midway")

    code, out = run_cli("imports", "--db", str(db_path))  # restarted: the history says nothing landed
    assert code == 0 and "No imports yet." in out
    db = connect(db_path)
    assert checksums(db) == before
    assert db.scalar("SELECT count(*) FROM survey") == 0
    report = commit(db, prepare(export, options=Options(), db=db), "coordinator")  # and it can be imported again
    assert report["status"] == "imported" and report["rows_imported"] == 40_000
    db.close()


def test_killed_just_after_an_import_committed_the_restarted_database_has_all_of_it(tmp_path):
    db_path = build(tmp_path / "kill.duckdb")
    export = survey_csv(tmp_path / "wave.csv", 40_000)
    kill_during_import(db_path, export, "committed")
    db = connect(db_path)
    assert db.scalar("SELECT count(*) FROM survey") == 40_000
    assert db.rows("SELECT import_id, rows, status FROM imports") == [("imp_0001", 40_000, "imported")]
    db.close()


# --- a small disk: full, or read-only ------------------------------------------------------------
@contextmanager
def small_disk(path: Path, size: str = "12m"):
    """A real filesystem of `size` at `path` (tmpfs), unmounted afterwards even if the test fails."""
    path.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "mentordash-test", str(path)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.fail(
            f"these fault tests mount a small tmpfs and need root (make test in CI runs as root): "
            f"{mounted.stderr.strip()}",
            pytrace=False,
        )
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def fill(disk: Path) -> Path:
    """Write zeros until the disk refuses: what is left is what DuckDB finds."""
    filler = disk / "filler"
    with filler.open("wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass
    return filler


def remount_read_only(disk: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True, capture_output=True)


def test_a_full_disk_during_an_import_loses_nothing_and_reads_go_on(tmp_path):
    with small_disk(tmp_path / "disk") as disk:
        db = connect(build(disk / "full.duckdb"))
        before = checksums(db)
        export = survey_csv(tmp_path / "wave.csv", 60_000)
        plan = prepare(export, options=Options(), db=db)
        filler = fill(disk)
        with pytest.raises(DatabaseWriteError) as refused:
            commit(db, plan, "coordinator")
        message = str(refused.value)
        assert message.startswith("Nothing was saved: the disk that holds")
        assert "is full" in message and "Free some space" in message
        assert checksums(db) == before  # nothing lost, nothing half-written; the connection still reads
        with pytest.raises(DatabaseWriteError):
            db.set_setting("capacity", 6, "coordinator")
        assert db.settings()["capacity"] == 4
        filler.unlink()  # space again: the same import lands whole, without a restart
        assert commit(db, plan, "coordinator")["rows_imported"] == 60_000
        db.close()
        reopened = connect(disk / "full.duckdb")
        assert reopened.scalar("SELECT count(*) FROM survey") == 60_000
        reopened.close()


def test_a_full_disk_in_the_app_says_so_and_the_app_keeps_serving(monkeypatch, tmp_path):
    with small_disk(tmp_path / "disk") as disk:
        db_path = build(disk / f"app-{uuid.uuid4().hex[:6]}.duckdb")
        at = app_test(monkeypatch, db_path)
        at.query_params["as_of"] = AS_OF
        # The disk is full before the first view: its summaries cannot be kept in the file either (a
        # best-effort write, Database.derived), and the view is drawn all the same.
        filler = fill(disk)
        at.run()
        assert not at.exception and next(m.value for m in at.metric if m.label == "Trainees mentored") == "60.0%"
        open_url_path(at, "settings").run()
        at.number_input(key="s_capacity").set_value(6)
        submit = next(b for b in at.button if b.label == "Save settings")
        submit.click().run()
        assert not at.exception
        assert "Nothing was saved: the disk that holds" in texts(at)
        open_url_path(at, "overview").run()  # every page keeps showing what is stored
        assert not at.exception and not at.error
        assert next(m.value for m in at.metric if m.label == "Trainees mentored") == "60.0%"
        filler.unlink()
        db = connect(db_path)
        assert db.settings()["capacity"] == 4 and db.scalar("SELECT count(*) FROM settings_log") == 0
        db.close()


def test_a_read_only_database_is_served_and_writes_are_refused_clearly(monkeypatch, tmp_path):
    with small_disk(tmp_path / "disk") as disk:
        db_path = build(disk / f"ro-{uuid.uuid4().hex[:6]}.duckdb")
        before = checksums(connect(db_path))
        remount_read_only(disk)

        code, out = run_cli("import", str(survey_csv(tmp_path / "wave.csv", 10)), "--db", str(db_path))
        assert code == 1
        assert "Nothing was saved: the database file" in out and "read-only" in out
        assert "Traceback" not in out

        at = app_test(monkeypatch, db_path)
        at.query_params["as_of"] = AS_OF
        at.run()
        assert not at.exception
        assert next(m.value for m in at.metric if m.label == "Trainees mentored") == "60.0%"
        assert any("cannot be written" in w.value for w in at.warning)  # every page says so
        open_url_path(at, "settings").run()
        at.number_input(key="s_capacity").set_value(6)
        next(b for b in at.button if b.label == "Save settings").click().run()
        assert not at.exception
        assert "Nothing was saved: the database file" in texts(at)
        db = connect(db_path, read_only=True)
        assert checksums(db) == before
        db.close()


# --- a damaged file, or one of a newer MentorDash ------------------------------------------------
def truncate(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size // 3)


def overwrite_start(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.write(os.urandom(8192))


def overwrite_blocks(path: Path) -> None:
    """Keep the headers, scramble every block after them (the catalog and the data)."""
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.seek(12288)
        handle.write(bytes((i * 7 + 3) % 256 for i in range(size - 12288)))


def not_a_database(path: Path) -> None:
    path.write_text("person_id,career_stage\nR1,resident\n")


DAMAGE = {
    "truncated": truncate,
    "overwritten header": overwrite_start,
    "scrambled blocks": overwrite_blocks,
    "a CSV saved over it": not_a_database,
}


def damaged_db(tmp_path: Path, how: str) -> Path:
    path = build(tmp_path / f"damaged-{uuid.uuid4().hex[:6]}.duckdb")
    db = connect(path)
    db.rows("CHECKPOINT")
    db.close()
    DAMAGE[how](path)
    return path


def open_and_read(path: Path) -> None:
    """Damage is found when the file opens, or when a query reads the damaged part."""
    db = connect(path)
    try:
        for table in ("people", "mentorships", "meta", "settings"):
            db.rows(f"SELECT * FROM {table}")
    finally:
        db.close()


@pytest.mark.parametrize("how", DAMAGE)
def test_a_damaged_file_gets_a_clear_message_in_the_cli(tmp_path, how):
    path = damaged_db(tmp_path, how)
    with pytest.raises(DatabaseDamaged):
        open_and_read(path)
    code, out = run_cli("summary", "--db", str(path), "--as-of", AS_OF)
    assert code == 1
    assert "is damaged or is not a MentorDash database" in out
    assert "python -m mentordash restore" in out  # says what to do
    assert "Traceback" not in out


@pytest.mark.parametrize("how", ["truncated", "scrambled blocks"])
def test_a_damaged_file_gets_a_clear_message_in_the_app(monkeypatch, tmp_path, how):
    at = app_test(monkeypatch, damaged_db(tmp_path, how))
    at.run()
    assert not at.exception
    assert any("is damaged or is not a MentorDash database" in e.value and "restore" in e.value for e in at.error)


def newer_db(tmp_path: Path) -> Path:
    path = build(tmp_path / f"newer-{uuid.uuid4().hex[:6]}.duckdb")
    db = connect(path)
    with db.transaction() as cur:
        cur.execute("INSERT INTO schema_version VALUES (?, now())", [SCHEMA_VERSION + 3])
    db.close()
    return path


def test_a_file_of_a_newer_mentordash_is_refused_untouched_with_what_to_do(monkeypatch, tmp_path):
    path = newer_db(tmp_path)
    before = path.read_bytes()
    with pytest.raises(DatabaseTooNew):
        connect(path)
    code, out = run_cli("summary", "--db", str(path), "--as-of", AS_OF)
    assert code == 1
    assert f"written by a newer MentorDash (database schema version {SCHEMA_VERSION + 3}" in out
    assert "Update MentorDash" in out and "Traceback" not in out
    at = app_test(monkeypatch, path)
    at.run()
    assert not at.exception
    assert any("newer MentorDash" in e.value for e in at.error)
    assert path.read_bytes() == before  # not migrated, not touched


# --- a second process on the same file -----------------------------------------------------------
def test_a_second_app_is_told_the_file_is_in_use_by_which_process_and_the_first_keeps_working(monkeypatch, tmp_path):
    path = build(tmp_path / "shared.duckdb")
    with streamlit_server(ROOT / "app.py", path, (8900, 8949)) as (url, pid):
        ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
        first = run_async(one_run(ws_url, "", f"as_of={AS_OF}"))  # the first app opens the file and serves
        assert first.errors == [] and "Trainees mentored: 60.0%" in first.texts

        with pytest.raises(DatabaseBusy) as busy:
            connect(path)
        assert f"(process {pid})" in str(busy.value)
        at = app_test(monkeypatch, path)  # a second app on the same file
        at.run()
        assert not at.exception
        assert any("is in use by another program" in e.value and f"(process {pid})" in e.value for e in at.error)
        code, out = run_cli("summary", "--db", str(path), "--as-of", AS_OF)
        assert code == 1 and "is in use by another program" in out and "Traceback" not in out

        again = run_async(one_run(ws_url, "coverage", f"as_of={AS_OF}"))  # and the first keeps working
        assert again.errors == [] and again.signature
