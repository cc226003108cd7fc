import pytest

from mentordash.config import DEFAULT_SETTINGS
from mentordash.db import SCHEMA_VERSION, Database, SettingError, connect, load_sql, migrations


def test_new_file_gets_current_schema(tmp_path):
    db = connect(tmp_path / "new.duckdb")
    assert db.schema_version() == SCHEMA_VERSION >= 2
    tables = {r[0] for r in db.rows("SELECT table_name FROM information_schema.tables")}
    assert {
        "people",
        "mentorships",
        "meetings",
        "survey",
        "applicants",
        "outcomes",
        "imports",
        "settings",
        "settings_log",
        "import_replaced",
        "meta",
    } <= tables


def test_older_file_is_upgraded_in_place_keeping_its_data(tmp_path):
    path = tmp_path / "old.duckdb"
    old = Database(path, schema_up_to=1)  # the file as the first release left it
    assert old.schema_version() == 1
    with old.transaction() as cur:
        cur.execute(
            "INSERT INTO people (person_id, career_stage, start_date) VALUES ('P1', 'resident', DATE '2024-07-01')"
        )
    old.close()

    db = connect(path)
    assert db.schema_version() == SCHEMA_VERSION
    assert db.rows("SELECT person_id, career_stage FROM people") == [("P1", "resident")]
    assert db.data_version() == 1
    versions = [r[0] for r in db.rows("SELECT version FROM schema_version ORDER BY version")]
    assert versions == [v for v, _ in migrations()]


def test_reopening_does_not_migrate_again(tmp_path):
    connect(tmp_path / "a.duckdb").close()
    db = connect(tmp_path / "a.duckdb")
    assert db.scalar("SELECT count(*) FROM schema_version") == len(migrations())


def test_transaction_rolls_back_on_error(tmp_path):
    db = connect(tmp_path / "t.duckdb")
    with pytest.raises(RuntimeError):
        with db.transaction() as cur:
            cur.execute("INSERT INTO outcomes (person_id, date, kind) VALUES ('P1', DATE '2025-01-01', 'award')")
            raise RuntimeError("crash in the middle")
    assert db.scalar("SELECT count(*) FROM outcomes") == 0


def test_values_are_bound_not_spliced(tmp_path):
    db = connect(tmp_path / "b.duckdb")
    hostile = "x'); DROP TABLE people; --"
    assert db.rows("SELECT ? AS v", [hostile]) == [(hostile,)]
    assert db.df(
        "SELECT $v AS v, $unused_is_ignored AS w", {"v": hostile, "unused_is_ignored": 1, "extra": 2}
    ).shape == (1, 2)
    assert db.scalar("SELECT count(*) FROM people") == 0


def test_settings_defaults_changes_and_log(tmp_path):
    db = connect(tmp_path / "s.duckdb")
    assert db.settings()["min_cell"] == DEFAULT_SETTINGS["min_cell"]
    version = db.data_version()
    db.set_setting("capacity", 6, user="pat@example.org")
    assert db.settings()["capacity"] == 6
    assert db.data_version() == version + 1
    log = db.rows("SELECT changed_by, key, old_value, new_value FROM settings_log")
    assert log == [("pat@example.org", "capacity", "4", "6")]


@pytest.mark.parametrize("bad", [2, 0, -1, "5", 2.5])
def test_min_cell_cannot_go_below_three(tmp_path, bad):
    db = connect(tmp_path / "m.duckdb")
    with pytest.raises(SettingError):
        db.set_setting("min_cell", bad, user="x")
    assert db.settings()["min_cell"] == 5


def test_unknown_setting_refused(tmp_path):
    db = connect(tmp_path / "u.duckdb")
    with pytest.raises(SettingError):
        db.set_setting("drop_table", 1, user="x")


def test_named_sql_fills_every_part_and_refuses_missing_or_unknown_ones():
    sql = load_sql("coverage_by_day_stage", cell_filter="AND c.division = $f_division")
    assert "AND c.division = $f_division" in sql and "{cell_filter}" not in sql
    with pytest.raises(ValueError, match="needs parts"):
        load_sql("coverage_by_day_stage")
    with pytest.raises(ValueError, match="needs parts"):
        load_sql("coverage_by_day_stage", cell_filter="", urim_expr="TRUE")


# --- DuckDB's threads follow the data's size (db.ROW_GROUP_ROWS) ------------------------------------------


def _threads(db: Database) -> int:
    return int(db.scalar("SELECT current_setting('threads')"))


def test_threads_are_one_while_every_table_fits_in_a_row_group():
    from mentordash.db import ROW_GROUP_ROWS, threads_for

    assert threads_for(0, 8) == threads_for(ROW_GROUP_ROWS, 8) == 1
    assert threads_for(ROW_GROUP_ROWS + 1, 8) == 8


def test_a_small_file_reads_on_one_thread_and_a_write_that_grows_it_gets_every_core(tmp_path, monkeypatch):
    """A department's file runs its queries on one thread; a write runs with every core (a large import
    into a small file), and when it grows a table past a row group the file keeps them."""
    import mentordash.db as db_module

    db = connect(tmp_path / "grows.duckdb")
    cores = db_module._default_threads()
    assert _threads(db) == 1
    with db.transaction() as cur:
        assert _threads(db) == cores
        cur.execute(
            "INSERT INTO people (person_id, career_stage, start_date) VALUES ('P1', 'resident', DATE '2024-07-01')"
        )
    assert _threads(db) == 1  # still one row group
    with db.every_core():  # an import's checks
        with db.every_core():
            assert _threads(db) == cores
        assert _threads(db) == cores  # until the last block ends
    assert _threads(db) == 1
    monkeypatch.setattr(db_module, "ROW_GROUP_ROWS", 2)
    with db.transaction() as cur:
        cur.execute(
            "INSERT INTO people (person_id, career_stage, start_date) "
            "SELECT 'P' || (i + 2), 'resident', DATE '2024-07-01' FROM range(5) t(i)"
        )
    assert _threads(db) == cores
    db.close()
    assert _threads(connect(tmp_path / "grows.duckdb")) == cores  # and so does the next process
