"""Protection against differencing (docs/privacy.md): record keys, the perturbation table, protected
figures for viewers, exact figures for coordinators, and the gate every app call goes through."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from mentordash import privacy
from mentordash.db import Database, connect
from mentordash.metrics import coverage, wellbeing
from mentordash.metrics.filters import Filters
from tests.builders import add_meetings, add_mentorships, add_people, add_survey, new_db, person
from tests.test_ingest_support import PEOPLE_CSV, fresh_db, import_file, write

AS_OF = date(2026, 6, 30)
P, E = privacy.PROTECTED, privacy.EXACT


# --- the perturbation table ---------------------------------------------------------------------------------


@pytest.mark.parametrize("min_cell", [3, 5, 10])
def test_table_rows_are_distributions_within_the_bounds(min_cell):
    for row in privacy.perturbation_table(min_cell):
        assert abs(sum(row.probabilities) - 1) < 1e-9
        assert all(p >= 0 for p in row.probabilities)
        assert max(abs(v) for v in row.changes) <= privacy.MAX_CHANGE
        assert min(row.count + v for v in row.changes) >= min_cell  # never 0, never 1 .. min_cell - 1
        assert abs(row.mean) < 1e-6  # unbiased
        assert row.variance <= privacy.VARIANCE + 1e-6
        assert row.upper[-1] == 1.0


def test_large_counts_have_the_full_symmetric_spread():
    row = privacy.perturbation_table(5)[-1]
    assert row.changes == (-2, -1, 0, 1, 2)
    assert abs(row.variance - privacy.VARIANCE) < 1e-4
    assert row.probabilities[0] == pytest.approx(row.probabilities[-1], abs=1e-6)


def test_perturb_draws_each_change_as_often_as_the_table_says():
    keys = np.random.default_rng(7).integers(0, privacy.KEY_MODULUS, 40_000)
    changes = privacy.perturb(np.full(len(keys), 50), keys, 5) - 50
    row = privacy.perturbation_table(5)[-1]
    for change, p in zip(row.changes, row.probabilities):
        assert abs(np.mean(changes == change) - p) < 0.01


def test_perturb_keeps_zero_and_small_counts_and_is_deterministic():
    counts, keys = [0, 1, 4, 5, 6, 100], [11, 22, 33, 44, 55, 66]
    first = privacy.perturb(counts, keys, 5)
    assert list(first[:3]) == [0, 1, 4]  # small ones are left for suppress() to hide
    assert first[3] == 5  # 5 can only stay 5: unbiased and never below min_cell
    assert all(abs(a - b) <= 2 for a, b in zip(first, counts))
    assert list(privacy.perturb(counts, keys, 5)) == list(first)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 80), st.integers(0, privacy.KEY_MODULUS - 1)), max_size=40),
    st.sampled_from([1, 3, 5, 11]),
)
def test_perturb_draws_what_each_counts_table_row_gives_whatever_the_input_type(cells, min_cell):
    """Every count at once (perturb) is each count on its own: its row of the table (the last for every
    larger count) and the change whose cumulative range holds its key's fraction; integer arrays (the
    queries' columns) give what lists, floats and nullable columns of the same values give."""
    counts = np.array([c for c, _ in cells], dtype="int64")
    keys = np.array([k for _, k in cells], dtype="int64")
    table = privacy.perturbation_table(privacy.effective_min_cell(min_cell))
    expected = []
    for count, key in cells:
        if count < table[0].count:
            expected.append(count)
            continue
        row = table[min(count - table[0].count, len(table) - 1)]
        expected.append(count + row.changes[int(np.searchsorted(row.upper, key / privacy.KEY_MODULUS, side="right"))])
    published = privacy.perturb(counts, keys, min_cell)
    assert published.dtype == np.int64 and published.tolist() == expected
    for same_counts, same_keys in [
        (counts.tolist(), keys.tolist()),
        (pd.Series(counts, dtype="float64"), pd.Series(keys).astype("uint32")),
        (pd.Series(counts, dtype="Int64"), pd.Series(keys, dtype="object")),
    ]:
        assert privacy.perturb(same_counts, same_keys, min_cell).tolist() == expected


def test_a_published_record_is_the_published_row_of_its_one_row_frame():
    record = {"mentors": 40, "over_capacity": 3, "mean": 2.3, "max": None, "mentors_key": 12345, "over_capacity_key": 9}
    arguments = (["mentors", "over_capacity"], 5, {"mean": "mentors"}, {"over_capacity": "mentors"})
    for audience in (P, E):
        frame = privacy.publish_counts(pd.DataFrame([record]), audience, *arguments)
        published = privacy.publish_record(record, audience, *arguments)
        assert list(published) == ["mentors", "over_capacity", "mean", "max"]
        assert published == {k: (v.item() if hasattr(v, "item") else v) for k, v in frame.iloc[0].items()}
        assert all(type(published[k]) is t for k, t in [("mentors", int), ("mean", float), ("max", type(None))])


def test_magnitudes_move_at_most_the_relative_change_and_repeat():
    values = np.linspace(1, 1000, 500)
    keys = np.arange(500) * 7919
    out = privacy.perturb_magnitude(values, keys)
    assert np.all(np.abs(out / values - 1) <= privacy.RELATIVE_CHANGE + 1e-12)
    assert np.array_equal(out, privacy.perturb_magnitude(values, keys))
    assert np.std(out / values) > 0.02  # real noise, not a constant


def test_suppress_for_viewers_hides_small_numerators_and_skips_the_complement():
    frame = pd.DataFrame({"n": [20, 3, 9, 12], "covered": [10, 2, 4, 6], "pct": [50.0, 66.7, 44.4, 50.0]})
    exact = privacy.suppress(frame, "n", ["covered", "pct"], 5, complementary=True)
    assert exact["suppressed"].tolist() == [False, True, True, False]  # the complement takes the 9
    viewer = privacy.suppress(
        frame, "n", ["covered", "pct"], 5, complementary=True, audience=P, numerators={"covered": ["pct"]}
    )
    assert viewer["suppressed"].tolist() == [False, True, False, False]
    assert viewer.loc[2, "covered"] is None and viewer.loc[2, "pct"] is None  # 4 covered: too small to publish
    assert viewer.loc[2, "n"] == 9


def test_gate_adds_the_audience_and_refuses_figures_without_one():
    def figures(db, audience=E):
        return audience

    def untagged(db):
        return 1

    assert privacy.gate(figures, P, {}) == {"audience": P}
    with pytest.raises(PermissionError):
        privacy.gate(untagged, P, {})
    assert privacy.gate(untagged, E, {}) == {}
    assert privacy.gate(privacy.figure_free(untagged), P, {}) == {}


def test_audience_for_roles_and_the_setting():
    assert privacy.audience_for("viewer", {"protect_viewer_figures": True}) == P
    assert privacy.audience_for("coordinator", {"protect_viewer_figures": True}) == E
    assert privacy.audience_for("viewer", {"protect_viewer_figures": False}) == E


# --- record keys -----------------------------------------------------------------------------------------


def test_every_record_gets_a_key_and_an_older_file_gets_them_by_migration(tmp_path):
    old = Database(tmp_path / "old.duckdb", schema_up_to=4)  # as the release before record keys left it
    with old.transaction() as cur:
        cur.execute(
            "INSERT INTO people (person_id, career_stage, start_date) "
            "SELECT 'p' || range, 'resident', DATE '2020-01-01' FROM range(200)"
        )
    old.close()
    db = connect(tmp_path / "old.duckdb")
    keys = [k for (k,) in db.rows("SELECT record_key FROM people")]
    assert len(keys) == 200 and None not in keys and len(set(keys)) == 200
    assert 0.35 < np.mean(keys) / privacy.KEY_MODULUS < 0.65
    db.close()


def test_a_roster_update_keeps_keys_and_undo_restores_them(tmp_path):
    from mentordash.ingest.commit import undo

    db = fresh_db(tmp_path)
    import_file(db, write(tmp_path, "r1.csv", PEOPLE_CSV))
    before = dict(db.rows("SELECT person_id, record_key FROM people"))
    update = "person_id,career_stage,pgy,start_date\np001,resident,3,2024-07-01\np004,student,,2025-01-01\n"
    second = import_file(db, write(tmp_path, "r2.csv", update))
    after = dict(db.rows("SELECT person_id, record_key FROM people"))
    assert all(after[pid] == key for pid, key in before.items())  # p001 was updated, its key kept
    assert after["p004"] is not None and after["p004"] not in before.values()
    undo(db, second["import_id"], "t")
    assert dict(db.rows("SELECT person_id, record_key FROM people")) == before
    db.close()


def test_keys_are_never_exported_by_the_coordinator_lists(tmp_path):
    db = _department(tmp_path, seed=1)

    class Coordinator:
        is_coordinator = True

    for listing in (coverage.unmatched_list, coverage.over_capacity_list):
        frame = listing(db, AS_OF, Filters(), user=Coordinator())
        assert not any("key" in column for column in frame.columns)


# --- protected figures on departments built in code ----------------------------------------------------------

GENDER_POOL = ["woman", "man", "man", "woman", "man", "undisclosed", "nonbinary"]
STAGES = ["resident", "fellow", "junior_faculty", "senior_faculty"]


def _department(tmp_path, seed: int, size: int = 60, name: str = "dept.duckdb"):
    rng = np.random.default_rng(seed)
    db = new_db(tmp_path, name)
    people = [
        person(
            f"p{i:03d}",
            STAGES[rng.integers(len(STAGES))],
            date(2018 + int(rng.integers(0, 6)), 7, 1),
            gender=GENDER_POOL[rng.integers(len(GENDER_POOL))],
        )
        for i in range(size)
    ]
    add_people(db, *people)
    mentors = [p["person_id"] for p in people if p["career_stage"] == "senior_faculty"] or ["EXT1"]
    pairs = [
        {
            "mentor_id": mentors[int(rng.integers(len(mentors)))],
            "mentee_id": p["person_id"],
            "start_date": date(2024, 9, 1),
        }
        for p in people
        if rng.random() < 0.6
    ]
    add_mentorships(db, *pairs)
    add_meetings(
        db,
        *[
            {
                "mentor_id": r["mentor_id"],
                "mentee_id": r["mentee_id"],
                "date": date(2026, 5, 1),
                "minutes": 30,
                "kind": "in_person",
            }
            for r in pairs
            if rng.random() < 0.5
        ],
    )
    add_survey(
        db,
        *[
            {
                "survey": "W",
                "response_id": f"r{i}",
                "submitted_at": date(2026, 3, 1),
                "person_id": p["person_id"],
                "mini_z_burnout": int(rng.integers(1, 6)),
            }
            for i, p in enumerate(people)
        ],
    )
    return db


def _rekey(db, seed: int) -> None:
    """Draw new record keys for everyone, as a different department of the same shape would have."""
    with db.transaction() as cur:
        cur.execute("UPDATE people SET record_key = (hash(?, person_id) % 4294967296)::UINTEGER", [seed])
        cur.execute("UPDATE survey SET record_key = (hash(?, response_id) % 4294967296)::UINTEGER", [seed])
        Database.bump_data_version(cur)


def _counts_of(frame: pd.DataFrame, columns) -> list[int]:
    return [int(v) for c in columns if c in frame for v in frame[c].dropna()]


def test_differencing_two_views_gives_the_truth_no_more_often_than_the_table_says(tmp_path):
    """Everyone minus women and men is the three people of undisclosed gender: for viewers that difference
    equals the true one about as often as two independent draws from the table agree. The app's own path
    (SQL key sums, publish, suppress) is checked against the cell key rule on a few key draws; the rule is
    then drawn many times to measure how often subtraction gives the truth."""
    db = _department(tmp_path, seed=3, size=40)
    with db.transaction() as cur:  # exactly three people outside "women and men": a group too small to show
        cur.execute(
            "UPDATE people SET gender = CASE WHEN person_id IN ('p000', 'p001', 'p002') THEN 'undisclosed' "
            "WHEN gender NOT IN ('woman', 'man') THEN 'woman' ELSE gender END"
        )
        Database.bump_data_version(cur)
    everyone, known = Filters(), Filters.of(gender=["woman", "man"])
    true_a = coverage.coverage_total(db, AS_OF, everyone)["n"]
    true_b = coverage.coverage_total(db, AS_OF, known)["n"]
    assert true_a - true_b == 3
    for seed in range(8):
        _rekey(db, seed)
        keys = dict(
            db.rows(
                "SELECT gender, sum(record_key) % 4294967296 FROM people WHERE start_date <= ? GROUP BY ALL", [AS_OF]
            )
        )
        key_a, key_b = sum(keys.values()) % privacy.KEY_MODULUS, (keys["woman"] + keys["man"]) % privacy.KEY_MODULUS
        assert coverage.coverage_total(db, AS_OF, everyone, audience=P)["n"] == privacy.perturb([true_a], [key_a], 5)[0]
        assert coverage.coverage_total(db, AS_OF, known, audience=P)["n"] == privacy.perturb([true_b], [key_b], 5)[0]
    rng = np.random.default_rng(5)
    shared = rng.integers(0, privacy.KEY_MODULUS, (20_000, true_b)).sum(axis=1)
    hidden = rng.integers(0, privacy.KEY_MODULUS, (20_000, 3)).sum(axis=1)
    published_a = privacy.perturb(np.full(20_000, true_a), shared + hidden, 5)
    published_b = privacy.perturb(np.full(20_000, true_b), shared, 5)
    truth_rate = np.mean(published_a - published_b == 3)
    assert truth_rate <= privacy.same_chance(5) + 0.015
    assert truth_rate < 0.35  # a viewer cannot tell when subtraction happened to be right


def test_the_same_contributors_give_the_same_figures_by_any_route(tmp_path):
    db = _department(tmp_path, seed=4)
    by_stage = coverage.coverage_by_stage(db, AS_OF, Filters(), audience=P).set_index("career_stage")
    for stage in STAGES:
        alone = coverage.coverage_total(db, AS_OF, Filters.of(career_stage=[stage]), audience=P)
        # a stage with nobody in it adds nobody: the same people, so the same published figures
        with_empty = coverage.coverage_total(db, AS_OF, Filters.of(career_stage=[stage, "student"]), audience=P)
        assert alone == with_empty
        if stage in by_stage.index and not alone["suppressed"]:
            assert (alone["n"], alone["covered"]) == (by_stage.loc[stage, "n"], by_stage.loc[stage, "covered"])
    # a date on which nobody joined or left: the same people as the day before
    assert coverage.coverage_total(db, date(2026, 6, 29), Filters(), audience=P) == coverage.coverage_total(
        db, date(2026, 6, 28), Filters(), audience=P
    )


@pytest.fixture(scope="module")
def department(tmp_path_factory):
    db = _department(tmp_path_factory.mktemp("dept"), seed=11, size=50)
    yield db
    db.close()


@settings(
    max_examples=8,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    keys=st.integers(0, 10_000),
    genders=st.lists(
        st.sampled_from(["woman", "man", "undisclosed", "nonbinary"]), min_size=1, max_size=3, unique=True
    ),
    stages=st.lists(st.sampled_from(STAGES), max_size=2, unique=True),
)
def test_viewers_never_see_a_count_below_min_cell_and_coordinators_see_exact_ones(department, keys, genders, stages):
    db = department
    _rekey(db, keys)
    filters = Filters.of(gender=genders, career_stage=stages)
    for func in (coverage.coverage_by_stage, coverage.coverage_by_group, coverage.coverage_by_role):
        viewer, exact = func(db, AS_OF, filters, audience=P), func(db, AS_OF, filters)
        assert not [c for c in _counts_of(viewer, ["n", "covered", "engaged"]) if 0 < c < 5]
        shown = viewer.dropna(subset=["n", "covered"])
        assert (shown["covered"] <= shown["n"]).all()  # a part never exceeds its whole
        assert viewer.equals(func(db, AS_OF, filters, audience=P))  # asked again: identical
        assert exact.equals(func(db, AS_OF, filters, audience=E))
    for func in (wellbeing.measures_by_wave, wellbeing.measures_by_group):
        viewer = func(db, filters, audience=P)
        assert not [c for c in _counts_of(viewer, ["n", "positive"]) if 0 < c < 5]
    total_v = coverage.coverage_total(db, AS_OF, filters, audience=P)
    total_e = coverage.coverage_total(db, AS_OF, filters)
    truth = db.scalar(
        "SELECT count(*) FROM people WHERE start_date <= ? AND gender IN (SELECT unnest(?::VARCHAR[]))"
        + (" AND career_stage IN (SELECT unnest(?::VARCHAR[]))" if stages else ""),
        [AS_OF, list(genders), *([list(stages)] if stages else [])],
    )
    assert total_e["n"] == (truth if truth >= 5 or truth == 0 else None)  # coordinators: the exact count
    if total_e["n"]:
        assert abs(total_v["n"] - total_e["n"]) <= privacy.MAX_CHANGE and total_v["n"] >= 5


def test_women_stay_visible_to_viewers_where_complementary_suppression_hid_them(tmp_path):
    db = new_db(tmp_path)
    people = (
        [person(f"w{i}", "resident", date(2020, 7, 1), gender="woman") for i in range(6)]
        + [person(f"m{i}", "resident", date(2020, 7, 1), gender="man") for i in range(30)]
        + [person(f"u{i}", "resident", date(2020, 7, 1), gender="undisclosed") for i in range(2)]
    )
    add_people(db, *people)
    exact = coverage.coverage_by_group(db, AS_OF, Filters())
    viewer = coverage.coverage_by_group(db, AS_OF, Filters(), audience=P)

    def hidden(frame, group):
        rows = frame[(frame["dimension"] == "gender") & (frame["group"] == group)]
        return bool(rows["suppressed"].iloc[0])

    assert hidden(exact, "undisclosed") and hidden(exact, "woman")  # the complement took the women
    assert hidden(viewer, "undisclosed") and not hidden(viewer, "woman")


# --- what a viewer is shown: the command line and the app --------------------------------------------------


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory):
    from mentordash.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    db = connect(path)
    build_demo(db)
    db.close()
    return path


COUNT_KEYS = {"n", "covered", "engaged", "mentors", "over_capacity", "burned_out", "people", "departed"}


def _pairs(exact, viewer, key=None):
    """(key, exact value, viewer value) for every leaf of two summaries of the same shape."""
    if isinstance(exact, dict):
        flags = {k for k in {*exact, *viewer} if k.endswith("suppressed")}  # present only where a cell hides
        assert set(exact) - flags == set(viewer) - flags
        for k in set(exact) & set(viewer) - flags:
            yield from _pairs(exact[k], viewer[k], k)
    elif isinstance(exact, list):
        assert len(exact) == len(viewer)
        for a, b in zip(exact, viewer):
            yield from _pairs(a, b, key)
    else:
        yield key, exact, viewer


def cli_json(db_path, *argv) -> tuple[int, dict]:
    """python -m mentordash SUBCOMMAND ... --json, run in this process."""
    import contextlib
    import io
    import json

    from mentordash.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main([argv[0], "--db", str(db_path), *argv[1:]])
    return code, json.loads(out.getvalue())


def test_summary_role_viewer_prints_protected_figures_in_the_same_contract(demo_path):

    code, exact = cli_json(demo_path, "summary", "--as-of", "2026-06-30", "--json")
    assert code == 0
    code, viewer = cli_json(demo_path, "summary", "--as-of", "2026-06-30", "--json", "--role", "viewer")
    assert code == 0
    assert cli_json(demo_path, "summary", "--as-of", "2026-06-30", "--json", "--role", "viewer")[1] == viewer
    assert cli_json(demo_path, "summary", "--as-of", "2026-06-30", "--json", "--role", "coordinator")[1] == exact
    counts = [(k, a, b) for k, a, b in _pairs(exact, viewer) if k in COUNT_KEYS]
    assert counts
    assert not [b for _, _, b in counts if isinstance(b, int) and 0 < b < 5]
    assert all(abs(a - b) <= privacy.MAX_CHANGE for _, a, b in counts if isinstance(a, int) and isinstance(b, int))
    assert any(a != b for _, a, b in counts)  # protected: not the exact figures


def _viewer_app(monkeypatch, demo_path, tmp_path, email="chair@hospital.example.org"):
    import shutil

    from tests.apptest import signed_in

    copy = tmp_path / f"{email.split('@')[0]}.duckdb"
    shutil.copy(demo_path, copy)
    at = signed_in(monkeypatch, copy, email)
    at.query_params["as_of"] = "2026-06-30"
    return at, copy


def test_a_signed_in_viewer_sees_protected_tiles_and_the_note_on_every_page(monkeypatch, demo_path, tmp_path):
    from mentordash.metrics import overview
    from tests.apptest import texts

    at, copy = _viewer_app(monkeypatch, demo_path, tmp_path)
    at.run()
    assert not at.exception
    assert "Figures are protected" in texts(at)
    db = connect(copy)
    protected = {t.label: t for t in overview.all_tiles(db, AS_OF, Filters(), audience=P)}
    exact = {t.label: t for t in overview.all_tiles(db, AS_OF, Filters())}
    db.close()
    shown = {m.label: m.value for m in at.metric}
    counts = [label for label, tile in protected.items() if tile.unit == "" and tile.value is not None]
    for label in counts:
        assert shown[label] == f"{int(protected[label].value):,}"
    assert any(protected[label].value != exact[label].value for label in protected if protected[label].value)
    for page in ("coverage", "recruitment", "wellbeing", "outcomes"):
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, page
        assert "Figures are protected" in texts(at), page


def test_coordinators_see_exact_figures_and_no_note(monkeypatch, demo_path, tmp_path):
    from tests.apptest import texts

    at, _ = _viewer_app(monkeypatch, demo_path, tmp_path, email="pat.lee@hospital.example.org")
    at.run()
    assert not at.exception
    assert "Figures are protected" not in texts(at)


def test_every_function_the_app_caches_takes_the_audience_or_returns_no_figures():
    """The gate refuses a viewer any figure function without an audience: no page may depend on one."""
    import ast
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    sources = [*root.glob("pages/*.py"), *root.glob("mentordash/ui/*.py"), *root.glob("mentordash/report/*.py")]
    checked = set()
    for source in sources:
        text = source.read_text()
        imports = [node for node in ast.walk(ast.parse(text)) if isinstance(node, (ast.Import, ast.ImportFrom))]
        namespace: dict = {}
        exec(compile(ast.Module(body=imports, type_ignores=[]), str(source), "exec"), namespace)  # imports only
        # cached(func, ...), and {name: (func, ...)} handed to ui.cache.calls_together
        calls = re.findall(r"cached\(\s*([A-Za-z_][\w.]*)", text) + re.findall(
            r'"\w+":\s*\(\s*([A-Za-z_][\w.]*),?', text
        )
        for dotted in calls:
            if dotted == "func" or dotted.split(".")[0] not in namespace:
                continue  # a parameter of a helper that forwards to cached()
            func = eval(dotted, namespace)  # a name from the file's own imports
            checked.add(f"{func.__module__}.{func.__qualname__}")
            assert privacy.takes_audience(func) or getattr(func, "figure_free", False), (
                f"{source.name}: {dotted} returns figures without an audience"
            )
    assert len(checked) > 30
