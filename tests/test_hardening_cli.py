"""Issue 13, items 3 and 4: `demo --force` never deletes a file in use or a file that is not a MentorDash
database unless named; the demo's data is undoable like any import, from the command line and the Data page."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mentordash.cli import main
from mentordash.db import connect
from mentordash.ingest.commit import UndoError, undo
from tests.apptest import app_test, open_url_path
from tests.test_ingest_support import PEOPLE_CSV, cli, import_file, write

ROOT = Path(__file__).resolve().parent.parent
HOLD = (
    "import sys, time, duckdb\n"
    "con = duckdb.connect(sys.argv[1])\n"
    "print('holding', flush=True)\n"
    "sys.stdin.read()\n"
)  # holds the file open until the test closes its stdin


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo_template") / "demo.duckdb"
    assert main(["demo", "--db", str(path)]) == 0
    return path


@pytest.fixture
def demo_path(tmp_path, demo_template) -> Path:
    path = tmp_path / f"demo_{tmp_path.name}.duckdb"
    shutil.copy(demo_template, path)
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Holder:
    """Another process with the database open, as the running app has it."""

    def __init__(self, path: Path):
        self.process = subprocess.Popen(
            [sys.executable, "-c", HOLD, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT
        )
        assert self.process.stdout.readline().strip() == "holding"

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)


# --- item 3: demo --force ------------------------------------------------------------------------
def test_demo_force_refuses_a_database_another_process_has_open(demo_path, capsys):
    before = digest(demo_path)
    holder = Holder(demo_path)
    try:
        assert main(["demo", "--db", str(demo_path), "--force"]) == 1
        demo_error = capsys.readouterr().err
        assert (
            main(
                [
                    "import",
                    str(ROOT / "tests" / "fixtures" / "hostile" / "roster_end_before_start.csv"),
                    "--db",
                    str(demo_path),
                ]
            )
            == 1
        )
        import_error = capsys.readouterr().err
    finally:
        holder.close()
    assert "is in use by another program" in demo_error and "Nothing was deleted" in demo_error
    assert "is in use by another program" in import_error  # the same words as every command
    assert demo_path.exists() and digest(demo_path) == before


def test_demo_force_replaces_a_mentordash_database(demo_path, capsys):
    db = connect(demo_path)
    assert (
        import_file(db, write(demo_path.parent, "roster.csv", PEOPLE_CSV.replace("p00", "new")))["status"] == "imported"
    )
    db.close()
    assert main(["demo", "--db", str(demo_path), "--force", "--seed", "7"]) == 0
    db = connect(demo_path)
    try:
        assert db.scalar("SELECT count(*) FROM people WHERE person_id LIKE 'new%'") == 0
        assert db.rows("SELECT import_id, file_name FROM imports") == [("demo", "demo:department:7")]
    finally:
        db.close()


@pytest.mark.parametrize("content", [b"person_id,career_stage\nP1,resident\n", b"", b"\x00" * 4096])
def test_demo_force_keeps_a_file_that_is_not_a_mentordash_database(tmp_path, capsys, content):
    path = tmp_path / "precious.csv"
    path.write_bytes(content)
    assert main(["demo", "--db", str(path), "--force"]) == 1
    error = capsys.readouterr().err
    assert "does not look like a MentorDash database" in error and f"--force {path}" in error
    assert path.read_bytes() == content


def test_demo_force_keeps_another_programs_duckdb_file(tmp_path, capsys):
    import duckdb

    path = tmp_path / "other.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE accounts (id INTEGER)")
    con.close()
    before = digest(path)
    assert main(["demo", "--db", str(path), "--force"]) == 1
    assert "does not look like a MentorDash database" in capsys.readouterr().err
    assert digest(path) == before


def test_demo_force_naming_the_file_replaces_it(tmp_path, capsys):
    path = tmp_path / "precious.csv"
    path.write_bytes(b"a,b\n1,2\n")
    assert main(["demo", "--db", str(path), "--force", str(tmp_path / "other.csv")]) == 1
    assert "--force names" in capsys.readouterr().err and path.read_bytes() == b"a,b\n1,2\n"
    assert main(["demo", "--db", str(path), "--force", str(path)]) == 0
    db = connect(path)
    try:
        assert db.scalar("SELECT count(*) FROM people") > 0
    finally:
        db.close()


def test_demo_without_force_refuses_an_existing_file(demo_path, capsys):
    before = digest(demo_path)
    assert main(["demo", "--db", str(demo_path)]) == 1
    assert "--force" in capsys.readouterr().err and digest(demo_path) == before


# --- item 4: the demo is undoable like any import --------------------------------------------------
def test_undo_the_demo_from_the_command_line(demo_path):
    code, out, err = cli(demo_path, "undo", "demo")
    assert code == 0, err
    assert "undone demo" in out
    db = connect(demo_path)
    try:
        for table in ("people", "mentorships", "meetings", "survey", "applicants", "outcomes"):
            assert db.scalar(f"SELECT count(*) FROM {table}") == 0, table
        assert db.rows("SELECT status FROM imports WHERE import_id = 'demo'") == [("undone",)]
    finally:
        db.close()


def test_the_demo_cannot_be_undone_under_an_import_that_replaced_its_rows(demo_path):
    db = connect(demo_path)
    try:
        person = db.scalar("SELECT person_id FROM people ORDER BY 1 LIMIT 1")
        roster = f"person_id,career_stage,start_date\n{person},senior_faculty,2001-07-01\n"
        assert import_file(db, write(demo_path.parent, "r.csv", roster))["status"] == "imported"
        with pytest.raises(UndoError, match="undo imp_0001 first"):
            undo(db, "demo", "tester")
        assert undo(db, "imp_0001", "tester")["rows_restored"] == 1
        assert undo(db, "demo", "tester")["status"] == "undone"
    finally:
        db.close()


def test_an_import_row_naming_an_unknown_dataset_is_refused_before_any_sql(tmp_path):
    db = connect(tmp_path / "odd.duckdb")
    try:
        with db.transaction() as cur:
            cur.execute(
                "INSERT INTO imports (import_id, imported_at, imported_by, file_name, sha256, dataset, format, "
                "rows) VALUES ('imp_0009', now(), 'x', 'f', 's', 'people; DROP TABLE people', 'generic', 1)"
            )
        with pytest.raises(UndoError, match="does not know"):
            undo(db, "imp_0009", "tester")
        assert db.scalar("SELECT status FROM imports WHERE import_id = 'imp_0009'") == "imported"
    finally:
        db.close()


def test_undo_the_demo_on_the_data_page(monkeypatch, demo_path):
    at = app_test(monkeypatch, demo_path).run()
    open_url_path(at, "data").run()
    assert at.selectbox(key="undo_choice").value == "demo"
    at.button(key="undo_button").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Undid demo" in s.value for s in at.success), [s.value for s in at.success]
    assert not at.error
