"""Commit, dedupe, upsert, undo, history, saved mappings, the CLI contract, and a kill mid-import."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from mentordash.db import connect
from mentordash.ingest.commit import UndoError, save_mapping, saved_mappings, undo
from mentordash.ingest.mapping import dumps, fits, loads
from mentordash.ingest.pipeline import Options, prepare
from tests.test_ingest_support import PEOPLE_CSV, SURVEY_CSV, checksums, cli, cli_json, fresh_db, import_file, write

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def db(tmp_path):
    database = fresh_db(tmp_path)
    yield database
    database.close()


def test_same_file_twice_adds_nothing(db, tmp_path):
    path = write(tmp_path, "s.csv", SURVEY_CSV)
    first = import_file(db, path, survey="W")
    before = checksums(db)
    again = import_file(db, path, survey="W")
    assert again["status"] == "already_imported" and again["import_id"] == first["import_id"]
    assert checksums(db) == before


def test_later_export_adds_only_new_responses(db, tmp_path):
    import_file(db, write(tmp_path, "s1.csv", SURVEY_CSV), survey="W")
    later = write(tmp_path, "s2.csv", SURVEY_CSV + "r4,2026-03-09,,resident,woman,no,4,5,5,2\n")
    report = import_file(db, later, survey="W")
    assert report["rows_imported"] == 1 and report["rows_skipped"] == 3
    assert {"row": 2, "reason": "already imported"} in report["skipped"]
    assert db.scalar("SELECT count(*) FROM survey") == 4


def test_roster_upserts_and_undo_restores(db, tmp_path):
    first = import_file(db, write(tmp_path, "r1.csv", PEOPLE_CSV))
    update = "person_id,career_stage,pgy,start_date\np001,resident,3,2024-07-01\np004,student,,2025-01-01\n"
    before_update = checksums(db)
    second = import_file(db, write(tmp_path, "r2.csv", update))
    assert second["rows_imported"] == 2
    assert db.rows("SELECT pgy, division, race_ethnicity FROM people WHERE person_id = 'p001'") == [
        (3, "Spine", ["black", "hispanic_latino"])
    ]  # unmapped columns keep their stored values
    assert db.scalar("SELECT count(*) FROM people") == 4  # nobody deleted
    with pytest.raises(UndoError, match="undo imp_0002 first"):
        undo(db, first["import_id"], "t")
    result = undo(db, second["import_id"], "t")
    assert (result["rows_removed"], result["rows_restored"]) == (2, 1)
    after = checksums(db)
    for table in ("people", "survey", "mentorships"):
        assert after[table] == before_update[table]
    assert db.rows("SELECT status, undone_by FROM imports WHERE import_id = ?", [second["import_id"]]) == [
        ("undone", "t")
    ]


def test_unchanged_roster_rows_are_left_alone(db, tmp_path):
    import_file(db, write(tmp_path, "r1.csv", PEOPLE_CSV))
    report = import_file(db, write(tmp_path, "r1b.csv", PEOPLE_CSV + "\n"))
    assert report["status"] == "already_imported" and report["rows_skipped"] == 3


def test_undo_removes_exactly_one_import(db, tmp_path):
    import_file(db, write(tmp_path, "s1.csv", SURVEY_CSV), survey="W1")
    before = checksums(db)
    second = import_file(db, write(tmp_path, "s2.csv", SURVEY_CSV + "\n"), survey="W2")
    undo(db, second["import_id"], "t")
    after = checksums(db)
    assert after["survey"] == before["survey"]
    with pytest.raises(UndoError, match="already undone"):
        undo(db, second["import_id"], "t")


def test_data_version_bumps_on_commit_and_undo(db, tmp_path):
    start = db.data_version()
    report = import_file(db, write(tmp_path, "s.csv", SURVEY_CSV), survey="W")
    assert db.data_version() == start + 1
    undo(db, report["import_id"], "t")
    assert db.data_version() == start + 2


def test_progress_is_reported(db, tmp_path):
    from mentordash.ingest.commit import commit

    seen = []
    plan = prepare(write(tmp_path, "s.csv", SURVEY_CSV), options=Options(survey="W"))
    commit(db, plan, "t", progress=lambda fraction, text: seen.append(fraction))
    assert seen and seen[-1] == 1.0


def test_item_answers_are_held_as_stored_and_stored_unchanged(db, tmp_path):
    """SMALLINT answers are 16-bit until written (half the memory of a large file's items); the
    numbers stored are the file's."""
    import pyarrow as pa

    plan = prepare(write(tmp_path, "s.csv", SURVEY_CSV), options=Options(survey="W"))
    items = ("mini_z_burnout", "mbi_ee_item", "mbi_dp_item", "career_satisfaction")
    assert {plan.validated.table[c].type for c in items} == {pa.int16()}
    import_file(db, tmp_path / "s.csv", survey="W")
    stored = db.rows(f"SELECT {', '.join(items)} FROM survey WHERE survey = 'W' ORDER BY response_id")
    assert stored == [(3, 4, 2, 4), (1, 1, 0, 5), (2, 2, 1, 3)]
    types = db.rows("SELECT DISTINCT data_type FROM information_schema.columns WHERE column_name = 'mbi_ee_item'")
    assert types == [("SMALLINT",)]


def test_rows_written_in_batches_are_the_rows_written_at_once(tmp_path, monkeypatch):
    from mentordash.ingest import commit as c

    stored = []
    for chunk in (c.CHUNK_ROWS, 1):
        monkeypatch.setattr(c, "CHUNK_ROWS", chunk)
        database = connect(tmp_path / f"chunk{chunk}.duckdb")
        import_file(database, write(tmp_path, "s.csv", SURVEY_CSV), survey="W")
        stored.append(database.rows("SELECT * EXCLUDE (record_key) FROM survey ORDER BY response_id"))
        database.close()
    assert len(stored[0]) == 3 and stored[0] == stored[1]


def test_a_batched_write_failing_midway_leaves_the_database_unchanged(db, tmp_path, monkeypatch):
    from mentordash.ingest import commit as c

    monkeypatch.setattr(c, "CHUNK_ROWS", 1)
    before = checksums(db)
    plan = prepare(write(tmp_path, "s.csv", SURVEY_CSV), options=Options(survey="W"))

    def fail_after_first_batch(fraction, text):
        raise RuntimeError("stopped after the first batch")

    with pytest.raises(RuntimeError):
        c.commit(db, plan, "t", progress=fail_after_first_batch)
    assert checksums(db) == before


def test_mapping_toml_round_trip_saved_and_fits(db, tmp_path):
    plan = prepare(write(tmp_path, "s.csv", SURVEY_CSV), options=Options(survey="W"))
    text = save_mapping(db, "Wellbeing", plan.mapping, "t")
    assert loads(text) == plan.mapping and dumps(loads(text)) == text
    assert saved_mappings(db)["name"].tolist() == ["Wellbeing"]
    assert fits(loads(text), plan.layout) == []
    other = prepare(write(tmp_path, "r.csv", PEOPLE_CSV))
    assert fits(loads(text), other.layout)


def test_cli_import_imports_undo(tmp_path):
    db_path = tmp_path / "cli.duckdb"
    path = write(tmp_path, "s.csv", SURVEY_CSV)
    code, report = cli_json(db_path, "import", str(path), "--survey", "W", "--dry-run")
    assert code == 0 and report["status"] == "dry_run" and report["rows_read"] == 3
    code, report = cli_json(db_path, "import", str(path), "--survey", "W")
    assert code == 0 and report["status"] == "imported" and report["import_id"] == "imp_0001"
    assert set(report) == {
        "status",
        "dataset",
        "format",
        "encoding",
        "rows_read",
        "rows_imported",
        "rows_skipped",
        "skipped",
        "errors",
        "warnings",
        "import_id",
    }
    assert cli_json(db_path, "import", str(path), "--survey", "W")[1]["status"] == "already_imported"
    code, history = cli_json(db_path, "imports")
    assert code == 0 and history[0]["import_id"] == "imp_0001" and history[0]["rows"] == 3
    assert set(history[0]) == {
        "import_id",
        "imported_at",
        "imported_by",
        "file_name",
        "sha256",
        "dataset",
        "format",
        "rows",
        "status",
    }
    assert cli(db_path, "undo", "imp_0001")[0] == 0
    assert cli(db_path, "undo", "imp_0001")[0] == 1
    assert cli(db_path, "undo", "imp_9999")[0] == 2
    assert cli(db_path, "import", str(tmp_path / "missing.csv"))[0] == 2
    bad_mapping = write(tmp_path, "m.toml", 'dataset = "nonsense"\n')
    assert cli(db_path, "import", str(path), "--mapping", str(bad_mapping))[0] == 2


def test_cli_import_reads_with_the_system_allocator_and_gives_arrows_back(tmp_path, monkeypatch):
    """The command line import allocates Arrow's buffers from the C library (memory handed back at
    once); the process's own allocator is restored after it, and the rows stored are the same."""
    import pyarrow as pa

    from mentordash.ingest import pipeline

    before = pa.default_memory_pool().backend_name
    pools = []
    real = pipeline.validate
    monkeypatch.setattr(
        pipeline, "validate", lambda *a, **k: pools.append(pa.default_memory_pool().backend_name) or real(*a, **k)
    )
    code, report = cli_json(
        tmp_path / "cli.duckdb", "import", str(write(tmp_path, "s.csv", SURVEY_CSV)), "--survey", "W"
    )
    assert code == 0 and report["rows_imported"] == 3
    assert pools == ["system"] and pa.default_memory_pool().backend_name == before
    database = connect(tmp_path / "cli.duckdb")
    stored = database.rows("SELECT response_id, mini_z_burnout, mbi_ee_item FROM survey ORDER BY 1")
    database.close()
    assert stored == [("r1", 3, 4), ("r2", 1, 1), ("r3", 2, 2)]


KILL_SCRIPT = """
import sys
from mentordash.db import connect
from mentordash.ingest import commit as c
from mentordash.ingest.pipeline import Options, prepare
c.CHUNK_ROWS = 20_000
db = connect(sys.argv[1])
plan = prepare(sys.argv[2], options=Options(survey="Big"))
def slow(fraction, text):
    print("progress", fraction, flush=True)
    import time; time.sleep(0.5)
c.commit(db, plan, "killer", progress=slow)
print("finished", flush=True)
"""


def test_sigkill_mid_import_leaves_nothing(tmp_path):
    db_path = tmp_path / "kill.duckdb"
    database = connect(db_path)
    write(tmp_path, "r.csv", PEOPLE_CSV)
    import_file(database, tmp_path / "r.csv")
    before = checksums(database)
    database.close()
    big = tmp_path / "big.csv"
    with big.open("w") as handle:
        handle.write("response_id,submitted_at,mini_z_burnout,mbi_ee_item\n")
        handle.writelines(f"r{i},2026-03-01 10:00:00,{i % 5 + 1},{i % 7}\n" for i in range(200_000))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, str(db_path), str(big)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    for line in proc.stdout:
        if line.startswith("progress"):  # rows of this import are written, the transaction still open
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    reopened = connect(db_path)
    assert checksums(reopened) == before
    assert reopened.scalar("SELECT count(*) FROM survey WHERE survey = 'Big'") == 0
    reopened.close()


def test_mentorships_without_a_formal_column_take_its_default_and_keep_stored_values(db, tmp_path):
    first = write(tmp_path, "m1.csv", "mentor_id,mentee_id,role,formal,start_date\nS0,R1,mentor,no,2025-01-01\n")
    assert import_file(db, first)["status"] == "imported"
    later = write(
        tmp_path,
        "m2.csv",
        "mentor_id,mentee_id,role,start_date,end_date\nS0,R1,mentor,2025-01-01,2026-01-31\nS1,R2,mentor,2025-02-01,\n",
    )
    assert import_file(db, later)["status"] == "imported"
    rows = db.rows("SELECT mentor_id, formal, end_date IS NOT NULL FROM mentorships ORDER BY mentor_id")
    assert rows == [("S0", False, True), ("S1", True, False)]  # stored 'no' kept; the new row is formal
