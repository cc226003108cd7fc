"""One consistent view per page run (issue 19): every query of a run reads one snapshot of the data, so
an import committed from another thread between two queries cannot change what that run shows."""

import json
import threading
import time
from datetime import date

import duckdb
import pyarrow as pa
import pytest

from mentordash.db import DERIVED_KEPT, connect, rolled_up_sql
from mentordash.ingest.commit import commit, undo
from mentordash.ingest.pipeline import Options, prepare
from mentordash.metrics import overview as overview_metrics
from tests.apptest import app_test
from tests.builders import add_mentorships, add_people, new_db, person

AS_OF = "2026-06-30"
MORE_MENTORS = "mentor_id,mentee_id,role,start_date\nS0,R6,mentor,2025-01-01\nS1,R7,mentor,2025-01-01\n"


@pytest.fixture
def db_path(tmp_path):
    """10 residents, 6 of them mentored (60%); the import mentors two more (80%)."""
    db = new_db(tmp_path, "snapshot.duckdb")
    add_people(
        db,
        *[person(f"R{i}", "resident", date(2023, 7, 1)) for i in range(10)],
        *[person(f"S{i}", "senior_faculty", date(2005, 7, 1)) for i in range(5)],
    )
    add_mentorships(
        db, *[dict(mentor_id=f"S{i % 5}", mentee_id=f"R{i}", start_date=date(2024, 1, 1)) for i in range(6)]
    )
    db.close()
    (tmp_path / "more_mentors.csv").write_text(MORE_MENTORS)
    return tmp_path / "snapshot.duckdb"


def import_in_another_thread(db, export) -> dict:
    """Commit an import from another thread (another session of the app) and wait until it has landed."""
    result = {}

    def run():
        result.update(commit(db, prepare(export, options=Options(), db=db), "other session"))

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert result["status"] == "imported", result
    return result


MENTORED = "SELECT count(DISTINCT mentee_id) FROM mentorships"


def test_a_commit_between_two_queries_of_a_snapshot_is_not_seen(db_path):
    db = connect(db_path)
    with db.snapshot():
        version = db.data_version()
        assert db.scalar(MENTORED) == 6
        import_in_another_thread(db, db_path.parent / "more_mentors.csv")
        assert db.scalar(MENTORED) == 6  # the run that began before the import still sees its state
        assert db.df("SELECT count(*) AS n FROM imports")["n"][0] == 0
        assert db.data_version() == version
    assert db.scalar(MENTORED) == 8  # the next run sees the import whole
    assert db.data_version() == version + 1
    db.close()


def test_an_undo_from_another_thread_is_not_seen_either(db_path):
    db = connect(db_path)
    landed = import_in_another_thread(db, db_path.parent / "more_mentors.csv")
    with db.snapshot():
        assert db.scalar(MENTORED) == 8
        thread = threading.Thread(target=undo, args=(db, landed["import_id"], "other session"))
        thread.start()
        thread.join()
        assert db.scalar(MENTORED) == 8
        assert db.scalar("SELECT status FROM imports") == "imported"
    assert db.scalar(MENTORED) == 6
    assert db.scalar("SELECT status FROM imports") == "undone"
    db.close()


def test_a_write_of_the_run_itself_is_seen_by_its_later_queries(db_path):
    """The data page imports inside its run and then lists the history: it must show its own import."""
    db = connect(db_path)
    with db.snapshot():
        before = db.data_version()
        report = commit(db, prepare(db_path.parent / "more_mentors.csv", options=Options(), db=db), "coordinator")
        assert report["status"] == "imported"
        assert db.scalar(MENTORED) == 8
        assert db.data_version() == before + 1
        assert db.scalar("SELECT import_id FROM imports") == report["import_id"]
    db.close()


def test_snapshots_of_two_threads_are_independent(db_path):
    """Two sessions running at once: each sees the state its own run began with."""
    db = connect(db_path)
    seen = {}
    started, imported = threading.Event(), threading.Event()

    def early_session():
        with db.snapshot():
            seen["early_before"] = db.scalar(MENTORED)
            started.set()
            imported.wait(30)
            seen["early_after"] = db.scalar(MENTORED)

    thread = threading.Thread(target=early_session)
    thread.start()
    started.wait(30)
    import_in_another_thread(db, db_path.parent / "more_mentors.csv")
    with db.snapshot():
        seen["late"] = db.scalar(MENTORED)
    imported.set()
    thread.join()
    assert seen == {"early_before": 6, "early_after": 6, "late": 8}
    db.close()


def trainees(at) -> str:
    return next(m.value for m in at.metric if m.label == "Trainees mentored")


def latest_resident_point(at) -> float:
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    residents = next(trace for trace in spec["data"] if trace["name"] == "Residents")
    return residents["y"][-1] if isinstance(residents["y"], list) else _decode(residents["y"])[-1]


def _decode(encoded: dict) -> list[float]:
    import base64

    import numpy as np

    return list(np.frombuffer(base64.b64decode(encoded["bdata"]), dtype=encoded["dtype"]))


def test_an_import_between_two_queries_of_a_page_run_cannot_change_what_the_run_shows(monkeypatch, db_path):
    """The overview computes its tiles, then its chart. An import commits from another thread in
    between: the chart of that run still shows the data its tiles were computed from, and the cache
    keys of the whole run carry the version that run began with."""
    real = overview_metrics.coverage_by_year
    versions = []

    def chart_after_an_import(db, as_of, filters):  # a distinct name: its own cache entry
        before = db.data_version()
        import_in_another_thread(db, db_path.parent / "more_mentors.csv")
        versions.append((before, db.data_version()))
        return real(db, as_of, filters)

    monkeypatch.setattr(overview_metrics, "coverage_by_year", chart_after_an_import)
    at = app_test(monkeypatch, db_path)
    at.query_params["as_of"] = AS_OF
    at.run()
    assert not at.exception
    assert trainees(at) == "60.0%"
    assert latest_resident_point(at) == pytest.approx(60.0)  # not 80: the import came after the run began
    assert versions[0][0] == versions[0][1]

    monkeypatch.setattr(overview_metrics, "coverage_by_year", real)
    at.run()  # the next run shows the import, in every figure
    assert trainees(at) == "80.0%"
    assert latest_resident_point(at) == pytest.approx(80.0)


def test_the_cli_summary_reads_one_snapshot(db_path, monkeypatch, capsys):
    """summary computes a dozen figures; an import from another thread midway changes none of them."""
    from mentordash import cli
    from mentordash.metrics import coverage

    real = coverage.mentor_load
    db_holder = {}

    def load_after_an_import(db, *args, **kwargs):
        if not db_holder:
            db_holder["db"] = db
            import_in_another_thread(db, db_path.parent / "more_mentors.csv")
        return real(db, *args, **kwargs)

    monkeypatch.setattr(coverage, "mentor_load", load_after_an_import)
    assert cli.main(["summary", "--db", str(db_path), "--as-of", AS_OF, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert db_holder, "summary no longer computes the mentor load: pick another midway function"
    assert result["coverage"]["by_stage"]["resident"]["pct"] == 60.0
    assert result["mentor_load"]["mentors"] == 5
    assert result["mentor_load"]["mean"] == 1.2  # 6 mentees of 5 mentors, as before the import (8/5 after)
    db = connect(db_path)
    assert db.scalar(MENTORED) == 8  # the import landed, after the summary's snapshot
    db.close()


# --- results derived once per data version (Database.derived) -------------------------------------------


def mentored_table(db, calls: list) -> pa.Table:
    calls.append(1)
    return pa.table({"n": [db.scalar(MENTORED)]})


def test_a_derived_result_is_computed_once_per_data_version_and_again_after_a_write(db_path):
    db = connect(db_path)
    calls: list = []
    first = db.derived(("mentored",), lambda: mentored_table(db, calls))
    with db.snapshot():  # another view of the same version: the same table, not computed again
        assert db.derived(("mentored",), lambda: mentored_table(db, calls)) is first
    assert len(calls) == 1 and first["n"][0].as_py() == 6
    import_in_another_thread(db, db_path.parent / "more_mentors.csv")  # a write: the version moves on
    second = db.derived(("mentored",), lambda: mentored_table(db, calls))
    assert len(calls) == 2 and second["n"][0].as_py() == 8
    db.set_setting("min_cell", 6, user="test")  # a settings change is a write too (cut-offs live there)
    db.derived(("mentored",), lambda: mentored_table(db, calls))
    assert len(calls) == 3
    db.close()


def test_a_snapshot_begun_before_an_import_derives_from_its_own_state(db_path):
    """A run that began before an import and first asks for a derived result after it gets its own
    version's result, never the import's (and a later run gets the import's)."""
    db = connect(db_path)
    calls: list = []
    with db.snapshot():
        db.data_version()
        import_in_another_thread(db, db_path.parent / "more_mentors.csv")
        assert db.derived(("mentored",), lambda: mentored_table(db, calls))["n"][0].as_py() == 6
    assert db.derived(("mentored",), lambda: mentored_table(db, calls))["n"][0].as_py() == 8
    db.close()


def test_only_a_few_derived_results_are_kept_per_version(db_path):
    db = connect(db_path)
    calls: list = []
    for key in range(DERIVED_KEPT + 1):
        db.derived(("mentored", key), lambda: mentored_table(db, calls))
    db.derived(("mentored", DERIVED_KEPT), lambda: mentored_table(db, calls))  # the newest is kept
    assert len(calls) == DERIVED_KEPT + 1
    db.derived(("mentored", 0), lambda: mentored_table(db, calls))  # the oldest went first
    assert len(calls) == DERIVED_KEPT + 2
    db.close()


def test_the_least_recently_used_derived_result_goes_first(db_path):
    db = connect(db_path)
    calls: list = []
    for key in range(DERIVED_KEPT):
        db.derived(("mentored", key), lambda: mentored_table(db, calls))
    db.derived(("mentored", 0), lambda: mentored_table(db, calls))  # used again: now the most recent
    db.derived(("mentored", "new"), lambda: mentored_table(db, calls))  # drops key 1, not key 0
    assert len(calls) == DERIVED_KEPT + 1
    db.derived(("mentored", 0), lambda: mentored_table(db, calls))
    assert len(calls) == DERIVED_KEPT + 1
    db.derived(("mentored", 1), lambda: mentored_table(db, calls))
    assert len(calls) == DERIVED_KEPT + 2
    db.close()


def test_a_derived_querys_settings_are_those_of_the_version_it_is_kept_under(db_path):
    """derived_query calls query() inside the build's snapshot: a settings change landing from another
    session while the query is assembled is not read into the table kept under the version before it, and
    the next view (the new version) builds with the new settings. Read before the snapshot, the old
    setting would be kept under the new version and served to every later view."""
    db = connect(db_path)
    landed: list = []

    def query() -> tuple[str, dict]:
        min_cell = db.settings()["min_cell"]
        if not landed:  # another session changes the setting right after this build has read it
            thread = threading.Thread(target=lambda: db.set_setting("min_cell", 7, user="other session"))
            thread.start()
            thread.join()
            landed.append(1)
        return "SELECT ?::INTEGER AS min_cell", [min_cell]

    first = db.derived_query(("min_cell",), query, kept=False)
    assert first["min_cell"][0].as_py() == 5  # the default: kept under the version it was read from
    assert db.derived_query(("min_cell",), query, kept=False)["min_cell"][0].as_py() == 7
    db.close()


# --- tables of counts summed from more detailed ones (rolled_up_sql, Database.derived_rollup) --------------


def test_a_rolled_up_table_is_the_detailed_one_counted_without_the_dropped_columns():
    """Counts and raw key sums add up, cell keys (sums of record keys modulo 2^32) add up modulo 2^32 again,
    NULL is a group of its own, and the other columns stay groups: the same rows as counting directly."""
    con = duckdb.connect()
    con.execute("CREATE MACRO cell_key(key_total) AS (coalesce(key_total, 0) % 4294967296)::BIGINT")
    con.execute(
        "CREATE TABLE records AS SELECT * FROM (VALUES "
        "('w1', 'a', TRUE, 4000000000::UBIGINT, DATE '2026-01-01', -1), "
        "('w1', 'b', NULL, 3000000000, DATE '2026-01-01', 2), "
        "('w1', NULL, FALSE, 7, DATE '2026-01-01', 5), "
        "('w1', 'a', TRUE, 4294967295, DATE '2026-01-01', 1), "
        "('w2', 'a', NULL, 1, DATE '2026-02-01', -3)) "
        "AS t(wave, grp, flag, record_key, last_day, delta)"
    )
    counted = (
        "SELECT wave{groups}, any_value(last_day) AS last_day, count(*)::INTEGER AS n, "
        "cell_key(sum(record_key))::UINTEGER AS k_n, sum(delta)::BIGINT AS deltas, "
        "sum(record_key * delta)::BIGINT AS raw_keys FROM records GROUP BY ALL"
    )
    detail = con.execute(counted.format(groups=", grp, flag")).to_arrow_table()
    direct = con.execute(counted.format(groups="")).to_arrow_table()
    con.register("detail", detail)
    rolled = con.execute(rolled_up_sql(detail.schema, ("grp", "flag"))).to_arrow_table()
    assert rolled.schema == direct.schema
    assert rolled.sort_by("wave").equals(direct.sort_by("wave"))
    assert rolled.sort_by("wave")["k_n"][0].as_py() == (4000000000 + 3000000000 + 7 + 4294967295) % 2**32
    half = con.execute(rolled_up_sql(detail.schema, ("flag",))).to_arrow_table()
    assert half.sort_by([("wave", "ascending"), ("grp", "ascending")]).equals(
        con.execute(counted.format(groups=", grp"))
        .to_arrow_table()
        .sort_by([("wave", "ascending"), ("grp", "ascending")])
    )
    with pytest.raises(ValueError, match="no rule to sum column 'share'"):
        rolled_up_sql(pa.schema([("wave", pa.string()), ("share", pa.float64())]), ())
    with pytest.raises(ValueError, match="no column"):
        rolled_up_sql(detail.schema, ("institution",))


def test_a_rolled_up_derived_table_is_built_from_the_detailed_one_and_the_next_process_reads_only_the_sum(db_path):
    db = connect(db_path)
    detail_sql = "SELECT end_date IS NULL AS ongoing, count(*)::INTEGER AS n FROM mentorships GROUP BY ALL"
    detail_key = ("mentorships", "ongoing")

    def total(db):
        return db.derived_rollup(("mentorships",), detail_key, lambda: (detail_sql, {}), dropped=("ongoing",))

    summed = total(db)
    assert summed.to_pylist() == [{"n": db.scalar("SELECT count(*) FROM mentorships")}]
    assert detail_key in db._derived[1]  # the detailed table was built (and kept) to sum it
    assert total(db) is summed
    db.close()
    assert len(kept_rows(db_path)) == 2  # the detailed table and the sum, each for the next process
    db = connect(db_path)  # a restart: the sum is read from the file, the detailed table left there
    assert total(db).equals(summed) and detail_key not in db._derived[1]
    db.close()


def test_a_derived_table_built_from_another_keeps_no_more_than_derived_kept(db_path):
    db = connect(db_path)
    calls: list = []
    for key in range(DERIVED_KEPT - 1):
        db.derived(("mentored", key), lambda: mentored_table(db, calls))
    db.derived_rollup(("summed",), ("detail",), lambda: ("SELECT 1::INTEGER AS n, TRUE AS flag", {}), ("flag",))
    assert len(db._derived[1]) == DERIVED_KEPT and ("summed",) in db._derived[1]
    db.close()


# --- derived results kept in the file for the next process (Database.derived with a recipe) ----------------

RECIPE = json.dumps({"sql": "mentored residents", "params": {}})


def outside(statement: str, db_path) -> None:
    """A change made to the file without MentorDash (DuckDB's own client): no data version is bumped."""
    con = duckdb.connect(str(db_path))
    try:
        con.execute(statement)
    finally:
        con.close()


def kept_rows(db_path) -> list:
    db = connect(db_path, read_only=True)
    try:
        return db.rows("SELECT data_version FROM derived_results")
    finally:
        db.close()


def test_a_derived_result_with_a_recipe_is_read_by_the_next_process_without_computing_it(db_path):
    db = connect(db_path)
    calls: list = []
    first = db.derived(("mentored",), lambda: mentored_table(db, calls), recipe=RECIPE)
    db.close()
    assert len(calls) == 1 and len(kept_rows(db_path)) == 1
    db = connect(db_path)  # a restart: nothing in memory
    again = db.derived(("mentored",), lambda: mentored_table(db, calls), recipe=RECIPE)
    assert len(calls) == 1 and again.equals(first)
    other = db.derived(("mentored", "other"), lambda: mentored_table(db, calls), recipe=RECIPE + " ")
    assert len(calls) == 2 and other.equals(first)  # another recipe is another result
    db.close()


def test_every_write_empties_the_kept_results_and_the_next_view_computes_the_new_data(db_path):
    db = connect(db_path)
    calls: list = []
    db.derived(("mentored",), lambda: mentored_table(db, calls), recipe=RECIPE)
    import_in_another_thread(db, db_path.parent / "more_mentors.csv")
    assert db.rows("SELECT count(*) FROM derived_results") == [(0,)]  # nothing kept describes the old data
    db.close()
    db = connect(db_path)
    assert db.derived(("mentored",), lambda: mentored_table(db, calls), recipe=RECIPE)["n"][0].as_py() == 8
    assert len(calls) == 2
    db.set_setting("min_cell", 6, user="test")
    assert db.rows("SELECT count(*) FROM derived_results") == [(0,)]
    db.close()


def test_data_changed_outside_mentordash_is_never_described_by_a_kept_result(db_path):
    """A row added without MentorDash (no version bump) changes a table's size: the fingerprint no longer
    matches, and the result is computed again."""
    db = connect(db_path)
    calls: list = []
    db.derived(("mentored",), lambda: mentored_table(db, calls), recipe=RECIPE)
    db.close()
    outside(
        "INSERT INTO mentorships (mentor_id, mentee_id, role, start_date) VALUES ('S0', 'R8', 'mentor', '2025-01-01')",
        db_path,
    )
    db = connect(db_path)
    assert db.derived(("mentored",), lambda: mentored_table(db, calls), recipe=RECIPE)["n"][0].as_py() == 7
    assert len(calls) == 2
    db.close()


def test_a_damaged_kept_result_is_computed_again_and_replaced(db_path):
    db = connect(db_path)
    calls: list = []
    db.derived(("mentored",), lambda: mentored_table(db, calls), recipe=RECIPE)
    db.close()
    outside("UPDATE derived_results SET payload = 'not arrow'::BLOB", db_path)
    db = connect(db_path)
    assert db.derived(("mentored",), lambda: mentored_table(db, calls), recipe=RECIPE)["n"][0].as_py() == 6
    assert len(calls) == 2
    db.close()
    db = connect(db_path)
    assert db.derived(("mentored",), lambda: mentored_table(db, calls), recipe=RECIPE)["n"][0].as_py() == 6
    assert len(calls) == 2  # the copy written in its place is read
    db.close()


def test_a_read_only_file_computes_and_keeps_nothing(db_path):
    db = connect(db_path, read_only=True)
    calls: list = []
    assert db.derived(("mentored",), lambda: mentored_table(db, calls), recipe=RECIPE)["n"][0].as_py() == 6
    db.close()
    assert kept_rows(db_path) == [] and len(calls) == 1


def test_a_result_of_a_version_no_longer_the_latest_is_not_kept(db_path):
    """A run that began before an import derives its own version's result: useful to it, kept for nobody."""
    db = connect(db_path)
    calls: list = []
    with db.snapshot():
        db.data_version()
        import_in_another_thread(db, db_path.parent / "more_mentors.csv")
        assert db.derived(("mentored",), lambda: mentored_table(db, calls), recipe=RECIPE)["n"][0].as_py() == 6
    assert db.rows("SELECT count(*) FROM derived_results") == [(0,)]
    db.close()


# --- Database.together: a run's figures computed side by side, in its one snapshot ----------------------


@pytest.fixture
def three_lanes(monkeypatch):
    """together() on three threads, whatever this machine's cores (the rule is the same on any)."""
    from mentordash.db import Database

    monkeypatch.setattr(Database, "lanes", staticmethod(lambda: 3))


def test_together_gives_each_result_in_order_from_several_threads(db_path, three_lanes):
    db = connect(db_path)
    threads, barrier = set(), threading.Barrier(3, timeout=10)

    def part(i):
        def run():
            barrier.wait()  # all three at once: each on a thread of its own
            threads.add(threading.get_ident())
            return i, db.scalar(MENTORED)

        return run

    with db.snapshot():
        assert db.together([part(i) for i in range(3)]) == [(0, 6), (1, 6), (2, 6)]
    assert len(threads) == 3
    db.close()


def test_together_inside_one_lane_runs_every_part_on_the_calling_thread(db_path, three_lanes):
    db = connect(db_path)
    threads = []

    def part():
        threads.append(threading.get_ident())
        return db.scalar(MENTORED)

    with db.snapshot(), db.one_lane():
        assert db.together([part] * 4) == [6] * 4
    assert set(threads) == {threading.get_ident()}
    with db.snapshot():  # the block has ended: side by side again
        db.together([lambda: time.sleep(0.05) or part()] * 3)
    assert len(set(threads[4:])) > 1
    db.close()


def test_together_reads_the_snapshot_it_was_called_in(db_path, three_lanes):
    """An import committed after the run's snapshot began is seen by none of the parts: the helper threads
    find the data changed and leave every part to the calling thread, in its snapshot."""
    db = connect(db_path)
    with db.snapshot():
        version = db.data_version()
        import_in_another_thread(db, db_path.parent / "more_mentors.csv")
        found = db.together([lambda: (db.scalar(MENTORED), db.data_version())] * 5)
    assert found == [(6, version)] * 5
    with db.snapshot():  # once nothing changed in between, the helpers take part, at the new version
        threads = set()

        def part():
            threads.add(threading.get_ident())
            time.sleep(0.05)
            return db.scalar(MENTORED), db.data_version()

        assert db.together([part] * 6) == [(8, version + 1)] * 6
    assert len(threads) > 1
    db.close()


def test_together_computes_a_shared_result_once(db_path, three_lanes):
    db = connect(db_path)
    computed = []

    def compute():
        computed.append(threading.get_ident())
        time.sleep(0.1)  # the other parts ask for it meanwhile
        return db.df(MENTORED)

    with db.snapshot():
        frames = db.together([lambda: db.shared(("mentored",), compute)] * 3)
    assert len(computed) == 1
    assert all(frame.equals(frames[0]) for frame in frames) and frames[0] is not frames[1]
    db.close()


def test_together_raises_a_part_s_error_after_the_others_finish(db_path, three_lanes):
    db = connect(db_path)
    finished = []

    def slow():
        time.sleep(0.1)
        finished.append("slow")
        return 1

    def failing():
        raise ValueError("part 2 failed")

    with db.snapshot():
        with pytest.raises(ValueError, match="part 2 failed"):
            db.together([slow, failing, slow])
        assert finished == ["slow", "slow"]
        assert db.scalar(MENTORED) == 6  # the snapshot goes on
    db.close()


def test_together_inside_a_part_shares_the_lanes(db_path, three_lanes):
    """A together() inside a part queues its parts on the same three lanes: the three inner parts meet at a
    barrier, which they pass only when three threads run them at once (the outer part's own thread and the
    two helpers, free again after the quick outer parts)."""
    db = connect(db_path)
    barrier, threads = threading.Barrier(3, timeout=10), []

    def inner(i):
        def run():
            barrier.wait()
            threads.append(threading.get_ident())
            return i

        return run

    with db.snapshot():
        outer = db.together([lambda: db.together([inner(i) for i in range(3)]), lambda: "quick", lambda: "quick"])
    assert outer == [[0, 1, 2], "quick", "quick"]
    assert len(set(threads)) == 3
    db.close()


def test_a_part_waiting_for_its_own_parts_runs_them_with_no_helper_free(db_path, three_lanes):
    """Every lane busy in a part that waits for parts of its own: each runs its own, nothing waits forever."""
    db = connect(db_path)

    def outer(i):
        return lambda: sum(db.together([lambda j=j: i * 10 + j for j in range(4)]))

    with db.snapshot():
        assert db.together([outer(i) for i in range(6)]) == [sum(i * 10 + j for j in range(4)) for i in range(6)]
    db.close()


def test_together_outside_a_snapshot_runs_in_turn(db_path, three_lanes):
    db = connect(db_path)
    assert set(db.together([threading.get_ident] * 4)) == {threading.get_ident()}
    db.close()


def test_together_raises_the_first_error_to_happen_not_what_followed_from_it(db_path, three_lanes):
    """A failed query aborts its thread's transaction, so that thread's next reads fail for that alone: the
    error raised is the cause."""
    db = connect(db_path)
    with db.snapshot():
        with pytest.raises(duckdb.Error, match="no_such_table"):
            db.together([lambda: db.scalar(MENTORED), lambda: db.scalar("SELECT * FROM no_such_table")] * 3)
    db.close()


def test_a_signal_that_is_not_an_error_is_raised_at_once_and_the_queue_dropped(db_path, three_lanes):
    """Streamlit's stop and rerun signals (BaseException, not Exception) end the run at once: raised before
    an earlier part's ordinary error, the parts still queued never run."""

    class Rerun(BaseException):
        pass

    db = connect(db_path)
    ran = []

    def signal():
        raise Rerun()

    def failing():
        raise ValueError("ordinary")

    with db.snapshot():
        with pytest.raises(Rerun):
            db.together([failing, signal, *[lambda i=i: ran.append(i) or time.sleep(0.05) for i in range(20)]])
        assert db.scalar(MENTORED) == 6
    assert len(ran) < 20
    db.close()


def test_helpers_stop_when_one_cannot_start(db_path, three_lanes, monkeypatch):
    """A helper thread that fails to start (the process out of threads) leaves no other waiting for work."""
    db = connect(db_path)
    started, original = [], threading.Thread.start

    def start(thread):
        if started:
            raise RuntimeError("can't start new thread")
        started.append(thread)
        original(thread)

    monkeypatch.setattr(threading.Thread, "start", start)
    with db.snapshot():
        with pytest.raises(RuntimeError, match="can't start new thread"):
            db.together([lambda: 1, lambda: 2, lambda: 3])
    monkeypatch.undo()
    started[0].join(timeout=10)
    assert not started[0].is_alive()
    db.close()


def test_a_snapshot_refused_after_a_reopen_stays_refused(db_path):
    """After a reopen, a snapshot whose data changed refuses to go on, and refuses again on every later read
    (a part that caught the first refusal must not read the new version into the old run)."""
    from mentordash.db import DatabaseUnavailable

    db = connect(db_path)
    with db.snapshot():
        db.data_version()  # as every page run reads it first (its cache keys), and every helper of together()
        assert db.scalar(MENTORED) == 6
        import_in_another_thread(db, db_path.parent / "more_mentors.csv")
        db._reopen(db._generation)  # as after a fatal error on the shared connection
        for _ in range(2):
            with pytest.raises(DatabaseUnavailable, match="reload the page"):
                db.scalar(MENTORED)
    with db.snapshot():
        assert db.scalar(MENTORED) == 8  # a new run goes on, at the new version
    db.close()
