"""Every page's figures stay identical while the query layer changes (issue 15: fewer, larger queries).

The digests in tests/fixtures/metrics_equality.json were taken from the query layer as it was before the
rewrite (one query per figure, settings read per call), on the department and consortium demo databases
(seed 42), for every metrics call the pages make, several filter combinations, two as-of dates, two role
sets and both audiences. The test recomputes each call with the code as it is now and compares: a figure
that changed names its call and view. A digest covers the whole result: columns, dtypes, index, every
value (frames as JSON in full precision; dicts and tiles as JSON).

Rewrite the fixture only when a number is meant to change (a new definition, written in docs/metrics.md):
`python -m tests.test_metrics_equality --write`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from mentordash.db import Database
from mentordash.demo import build_demo
from mentordash.metrics import coverage, outcomes, overview, recruitment, wellbeing
from mentordash.metrics.filters import Filters

FIXTURE = Path(__file__).parent / "fixtures" / "metrics_equality.json"
ROLES_ALL = ("mentor", "sponsor", "advisor", "coach", "peer")


class _Coordinator:
    is_coordinator = True
    email = "equality@localhost"
    role = "coordinator"


@dataclasses.dataclass(frozen=True)
class View:
    """One view of the pages: as-of date, filters, coverage roles, recruitment track and cycle, and the
    audiences it is checked for (both where the filters make small cells, to keep the test quick)."""

    name: str
    as_of: date
    filters: Filters
    roles: tuple[str, ...] = ("mentor",)
    track: str = "residency"
    cycle: int = 2026
    audiences: tuple[str, ...] = ("exact", "protected")


VIEWS = {
    "department": [
        View("default", date(2026, 6, 30), Filters()),
        View("women-2024", date(2024, 12, 31), Filters.of(gender=["woman"]), cycle=2024, audiences=("exact",)),
        View(
            "urim-faculty-all-roles",
            date(2025, 9, 15),
            Filters.of(urim=True, career_stage=["junior_faculty", "senior_faculty"]),
            ROLES_ALL,
            track="fellowship",
            cycle=2025,
        ),
        View(
            "not-urim-men-residents",
            date(2026, 3, 1),
            Filters.of(urim=False, gender=["man"], career_stage=["resident"]),
            audiences=("exact",),
        ),
        View(
            "black-hispanic-spine",
            date(2026, 6, 30),
            Filters.of(race_ethnicity=["black", "hispanic_latino"], division=["Spine", "Hand"]),
        ),
    ],
    "consortium": [
        View("default", date(2026, 6, 30), Filters()),
        View(
            "women-urim-2025",
            date(2025, 6, 30),
            Filters.of(gender=["woman"], urim=True),
            ROLES_ALL,
            cycle=2025,
            audiences=("protected",),
        ),
        View(
            "asian-two-institutions",
            date(2026, 6, 30),
            Filters.of(race_ethnicity=["asian"], institution=["Dept 02", "Dept 17"]),
            audiences=("exact",),
        ),
    ],
}

Call = Callable[[Database, View, str], object]

# Every metrics call of every page (pages/*.py), with the view's arguments.
CALLS: dict[str, Call] = {
    # overview
    "coverage.coverage_total": lambda db, v, a: coverage.coverage_total(db, v.as_of, v.filters, audience=a),
    "overview.all_tiles": lambda db, v, a: overview.all_tiles(db, v.as_of, v.filters, audience=a),
    "overview.coverage_by_year": lambda db, v, a: overview.coverage_by_year(db, v.as_of, v.filters, audience=a),
    "overview.data_freshness": lambda db, v, a: overview.data_freshness(db, audience=a),
    # coverage
    "coverage.coverage_total(roles)": lambda db, v, a: coverage.coverage_total(
        db, v.as_of, v.filters, v.roles, audience=a
    ),
    "coverage.coverage_by_stage": lambda db, v, a: coverage.coverage_by_stage(
        db, v.as_of, v.filters, v.roles, audience=a
    ),
    "coverage.view_total(roles)": lambda db, v, a: coverage.view_total(db, v.as_of, v.filters, v.roles, audience=a),
    "coverage.coverage_by_role": lambda db, v, a: coverage.coverage_by_role(db, v.as_of, v.filters, audience=a),
    "coverage.mentor_load": lambda db, v, a: coverage.mentor_load(db, v.as_of, v.filters, v.roles, audience=a),
    "coverage.active_relationships": lambda db, v, a: coverage.active_relationships(
        db, v.as_of, v.filters, v.roles, audience=a
    ),
    "coverage.resident_benchmark": lambda db, v, a: coverage.resident_benchmark(db, v.as_of, v.filters, audience=a),
    "coverage.coverage_monthly": lambda db, v, a: coverage.coverage_monthly(
        db, v.as_of, v.filters, v.roles, audience=a
    ),
    "coverage.coverage_by_group": lambda db, v, a: coverage.coverage_by_group(
        db, v.as_of, v.filters, v.roles, audience=a
    ),
    "coverage.mentor_load_distribution": lambda db, v, a: coverage.mentor_load_distribution(
        db, v.as_of, v.filters, v.roles, audience=a
    ),
    "coverage.load_by_group": lambda db, v, a: coverage.load_by_group(db, v.as_of, v.filters, v.roles, audience=a),
    "coverage.relationship_sources": lambda db, v, a: coverage.relationship_sources(
        db, v.as_of, v.filters, v.roles, audience=a
    ),
    "coverage.formal_by_stage": lambda db, v, a: coverage.formal_by_stage(db, v.as_of, v.filters, v.roles, audience=a),
    "coverage.time_to_match": lambda db, v, a: coverage.time_to_match(db, v.as_of, v.filters, v.roles, audience=a),
    "coverage.unmatched_list": lambda db, v, a: coverage.unmatched_list(
        db, v.as_of, v.filters, v.roles, user=_Coordinator()
    ),
    "coverage.over_capacity_list": lambda db, v, a: coverage.over_capacity_list(
        db, v.as_of, v.filters, v.roles, user=_Coordinator()
    ),
    # recruitment
    "recruitment.ignored_filters": lambda db, v, a: recruitment.ignored_filters(db, v.filters),
    "recruitment.applicant_total": lambda db, v, a: recruitment.applicant_total(db, v.filters, audience=a),
    "recruitment.cycles": lambda db, v, a: recruitment.cycles(db, v.filters),
    "recruitment.group_funnel": lambda db, v, a: recruitment.group_funnel(db, v.filters, v.track, v.cycle, audience=a),
    "recruitment.conversions": lambda db, v, a: recruitment.conversions(db, v.filters, v.track, v.cycle, audience=a),
    "recruitment.funnel": lambda db, v, a: recruitment.funnel(db, v.filters, audience=a),
    "recruitment.benchmarks": lambda db, v, a: recruitment.benchmarks(db),
    "recruitment.pipeline_share": lambda db, v, a: recruitment.pipeline_share(
        db, v.filters, v.track, v.cycle, audience=a
    ),
    "recruitment.representation": lambda db, v, a: recruitment.representation(db, v.as_of, v.filters, audience=a),
    # wellbeing
    "wellbeing.responses_total": lambda db, v, a: wellbeing.responses_total(db, v.filters, audience=a),
    "wellbeing.measures_by_wave": lambda db, v, a: wellbeing.measures_by_wave(db, v.filters, audience=a),
    "wellbeing.burnout_prevalence": lambda db, v, a: wellbeing.burnout_prevalence(db, v.filters, audience=a),
    "wellbeing.response_rates": lambda db, v, a: wellbeing.response_rates(db, v.filters, audience=a),
    "wellbeing.measures_by_group": lambda db, v, a: wellbeing.measures_by_group(db, v.filters, audience=a),
    "wellbeing.benchmarks": lambda db, v, a: wellbeing.benchmarks(db),
    # outcomes
    "outcomes.window": lambda db, v, a: outcomes.window(db, v.as_of),
    "outcomes.people_total": lambda db, v, a: outcomes.people_total(db, v.as_of, v.filters, audience=a),
    "outcomes.publications": lambda db, v, a: outcomes.publications(db, v.as_of, v.filters, audience=a),
    "outcomes.time_to_promotion": lambda db, v, a: outcomes.time_to_promotion(db, v.as_of, v.filters, audience=a),
    "outcomes.early_departure": lambda db, v, a: outcomes.early_departure(db, v.as_of, v.filters, audience=a),
    "outcomes.satisfaction": lambda db, v, a: outcomes.satisfaction(db, v.as_of, v.filters, audience=a),
    "outcomes.mentor_publications": lambda db, v, a: outcomes.mentor_publications(db, v.as_of, v.filters, audience=a),
}
# Row-level lists and figure-free calls do not depend on the audience: computed once per view.
AUDIENCE_FREE = {
    "overview.data_freshness": False,
    "coverage.unmatched_list": True,
    "coverage.over_capacity_list": True,
    "recruitment.ignored_filters": True,
    "recruitment.cycles": True,
    "recruitment.benchmarks": True,
    "wellbeing.benchmarks": True,
    "outcomes.window": True,
}


def canonical(value: object) -> str:
    """The whole result as text: a frame's columns, dtypes, index and values; dicts, lists, tiles as JSON."""
    if isinstance(value, pd.DataFrame):
        body = value.to_json(orient="split", date_format="iso", double_precision=15, default_handler=str)
        return json.dumps({"dtypes": [str(t) for t in value.dtypes], "frame": json.loads(body)}, sort_keys=True)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return canonical({"__type__": type(value).__name__, **dataclasses.asdict(value)})
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(canonical(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(str(k))}:{canonical(v)}" for k, v in sorted(value.items(), key=str)) + "}"
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and value != value:
        return "NaN"
    return json.dumps(value, default=str, sort_keys=True)


def digest(value: object) -> str:
    return hashlib.sha256(canonical(value).encode()).hexdigest()[:20]


def results(db: Database, scale: str) -> Iterator[tuple[str, object]]:
    """('view|audience|call', result) for every view of `scale`. Every other view runs inside one read
    snapshot, as a page run does (where calls share intermediate results: Database.shared), the rest
    outside any (as the command line and the tests call metrics)."""
    for index, view in enumerate(VIEWS[scale]):
        with db.snapshot() if index % 2 == 0 else contextlib.nullcontext():
            for audience in view.audiences:
                for name, call in CALLS.items():
                    if AUDIENCE_FREE.get(name) and audience != view.audiences[0]:
                        continue
                    yield f"{view.name}|{audience}|{name}", call(db, view, audience)


def compute(db: Database, scale: str) -> dict[str, str]:
    """{'view|audience|call': digest} for every view of `scale`."""
    return {key: digest(value) for key, value in results(db, scale)}


def build(scale: str, path: Path) -> Database:
    db = Database(path)
    build_demo(db, scale=scale, seed=42)
    return db


@pytest.fixture(scope="module", params=list(VIEWS))
def scale_db(request, tmp_path_factory):
    db = build(request.param, tmp_path_factory.mktemp(f"equality-{request.param}") / "demo.duckdb")
    yield request.param, db
    db.close()


def test_every_page_figure_is_identical_to_the_old_query_layer(scale_db):
    scale, db = scale_db
    expected = json.loads(FIXTURE.read_text())[scale]
    actual = compute(db, scale)
    assert set(actual) == set(expected), "the calls or views changed: rewrite the fixture only on purpose"
    changed = sorted(key for key in expected if actual[key] != expected[key])
    assert not changed, f"{len(changed)} figures differ from the old query layer, e.g. {changed[:5]}"


def test_the_digest_sees_every_value_and_type():
    frame = pd.DataFrame({"n": [5, 6], "pct": [50.0, 33.3]})
    assert digest(frame) == digest(frame.copy())
    assert digest(frame) != digest(frame.assign(pct=[50.0, 33.4]))
    assert digest(frame) != digest(frame.astype({"n": "object"}))
    assert digest(frame) != digest(frame.iloc[::-1])
    assert digest({"a": None}) != digest({"a": 0})


if __name__ == "__main__" and "--write" in sys.argv:
    import tempfile

    result = {}
    with tempfile.TemporaryDirectory() as folder:
        for scale_name in VIEWS:
            database = build(scale_name, Path(folder) / f"{scale_name}.duckdb")
            result[scale_name] = compute(database, scale_name)
            database.close()
    FIXTURE.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")
    print(f"wrote {sum(len(v) for v in result.values())} digests to {FIXTURE}")


# --- the query layer's sharing: settings read once, intermediates once per snapshot, one date rule ------


def test_settings_are_read_once_per_data_version_and_every_change_is_seen(tmp_path):
    db = Database(tmp_path / "settings.duckdb")
    first = db.settings()
    first["capacity"] = 99  # a caller's copy: changing it changes nothing stored
    assert db.settings()["capacity"] != 99
    db.set_setting("capacity", 7, "coordinator@example.org")
    assert db.settings()["capacity"] == 7
    with db.transaction() as cur:  # any write through the database forgets the copy
        cur.execute("DELETE FROM settings WHERE key = 'capacity'")
    assert db.settings()["capacity"] == Database(tmp_path / "fresh.duckdb").settings()["capacity"]
    db.close()


def test_a_shared_result_is_computed_once_per_snapshot_and_handed_out_as_copies(tmp_path):
    db = Database(tmp_path / "shared.duckdb")
    runs = []

    def compute():
        runs.append(1)
        return pd.DataFrame({"n": [1, 2]})

    with db.snapshot():
        first = db.shared(("k",), compute)
        first.loc[0, "n"] = 50
        assert db.shared(("k",), compute)["n"].tolist() == [1, 2]
        assert len(runs) == 1
    with db.snapshot():
        db.shared(("k",), compute)
    assert len(runs) == 2  # a new snapshot (a new page run) queries afresh
    db.shared(("k",), compute)
    db.shared(("k",), compute)
    assert len(runs) == 4  # outside a snapshot nothing is kept
    db.close()


def test_the_date_rules_are_one_set_of_macros_on_every_reading_cursor(tmp_path):
    db = Database(tmp_path / "macros.duckdb")
    rule = (
        "SELECT person_active_on(DATE '2020-01-01', DATE '2021-01-01', DATE '2020-12-31'), "
        "person_active_on(DATE '2020-01-01', DATE '2021-01-01', DATE '2021-01-01'), "
        "relationship_active_on(DATE '2020-01-01', DATE '2021-01-01', DATE '2021-01-01'), "
        "person_active_on(DATE '2020-01-01', NULL, DATE '2030-01-01'), "
        "relationship_active_until(DATE '2021-01-01') = DATE '2021-01-02'"
    )
    assert db.rows(rule) == [(True, False, True, True, True)]
    with db.snapshot():
        assert db.rows(rule) == [(True, False, True, True, True)]
    sql_dir = Path(__file__).resolve().parent.parent / "mentordash" / "sql"
    spelled_out = [
        path.name
        for path in sql_dir.glob("*.sql")
        if path.name != "macros.sql" and "end_date IS NULL OR" in path.read_text()
    ]
    assert not spelled_out, f"the active-on-date rule is written out again in {spelled_out}: call the macros"
    db.close()


def test_no_figure_leaves_sql_as_a_decimal(scale_db, monkeypatch):
    """DuckDB sums integers as HUGEINT, which reaches pandas as a column of Python Decimals (slow to make and
    to read: half the wellbeing breakdown's time at consortium scale, before its sums were cast to BIGINT):
    no query any page makes (the first two views of each scale, every call) returns a decimal column."""
    scale, db = scale_db
    decimals: dict[str, list[str]] = {}
    arrow = Database.arrow

    def checked(self, sql, params=None, tables=None):
        table = arrow(self, sql, params, tables)
        found = [f"{field.name}: {field.type}" for field in table.schema if pa.types.is_decimal(field.type)]
        if found:
            decimals.setdefault(sql.strip().splitlines()[0][:100], found)
        return table

    monkeypatch.setattr(Database, "arrow", checked)
    for view in VIEWS[scale][:2]:
        with db.snapshot():
            for call in CALLS.values():
                call(db, view, view.audiences[0])
    assert not decimals, decimals
