"""The benchmark (benchmarks/, docs/benchmarks.md): its page table matches the pages, its pandas baseline
computes the same numbers as the metrics layer, and `bench --json` has the documented shape. No test here
looks at a time."""

from __future__ import annotations

import ast
import json
from collections import Counter
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from benchmarks import pages as bench
from benchmarks import pandas_baseline as bench_pandas
from benchmarks import run
from mentordash.db import connect
from mentordash.demo import build_demo
from mentordash.metrics import coverage, outcomes, overview, recruitment, wellbeing

ROOT = Path(__file__).resolve().parents[1]
AS_OF = date(2026, 6, 30)


# --- the page table against the pages ---------------------------------------------------------------


def _imports(tree: ast.Module) -> dict[str, str]:
    """Local name -> dotted origin, for `import x`, `from x import y [as z]`."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name] = alias.name
    return names


def _dotted(node: ast.expr, names: dict[str, str]) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id not in names:
        return None
    return ".".join([names[node.id], *reversed(parts)])


def calls_in(path: Path) -> tuple[list[str], list[str]]:
    """The functions a page passes to cached(...), and the metrics functions it calls directly with `db`,
    as dotted names (mentordash.metrics.coverage.coverage_total), in source order."""
    tree = ast.parse(path.read_text())
    names = _imports(tree)
    cached, direct = [], []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Name) and node.func.id == "cached" and node.args:
            cached.append((node.lineno, node.col_offset, _dotted(node.args[0], names)))
        elif (
            isinstance(node.func, ast.Attribute)
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id == "db"
        ):
            name = _dotted(node.func, names)
            if name and name.startswith("mentordash.metrics."):
                direct.append((node.lineno, node.col_offset, name))
    return [n for *_, n in sorted(cached)], [n for *_, n in sorted(direct)]


@pytest.mark.parametrize("page", bench.PAGES)
def test_page_table_names_exactly_the_functions_the_page_calls(page):
    cached, direct = calls_in(ROOT / "pages" / f"{page}.py")
    assert None not in cached, f"pages/{page}.py passes cached() something the test cannot name"
    table = bench.PAGE_CALLS[page]
    assert Counter(c.name for c in table if c.cached) == Counter(cached), (
        f"bench.PAGE_CALLS[{page!r}] no longer matches the cached() calls of pages/{page}.py: update the bench"
    )
    assert Counter(c.name for c in table if not c.cached) == Counter(direct), (
        f"bench.PAGE_CALLS[{page!r}] no longer matches the direct metrics calls of pages/{page}.py"
    )


def test_frame_table_matches_the_sidebar():
    cached, _ = calls_in(ROOT / "mentordash" / "ui" / "frame.py")
    assert Counter(c.name for c in bench.FRAME_CALLS if c.cached) == Counter(cached)


def test_every_page_the_app_lists_is_benched():
    tree = ast.parse((ROOT / "app.py").read_text())
    listed = {
        elt.elts[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "PAGES" for t in node.targets)
        for elt in node.value.elts
    }
    data_pages = {f"{p}.py" for p in bench.PAGES}
    assert data_pages <= listed
    # The others are the coordinators' tools (data, settings, audit), not figures a chair waits for.
    assert listed - data_pages == {"data.py", "settings.py", "audit.py"}


def test_calls_resolve_on_a_view(department):
    db = connect(department)
    try:
        for filters in bench.FILTERS.values():
            context = bench.view_context(db, AS_OF, filters)
            for page in bench.PAGES:
                results = bench.run_calls(db, bench.PAGE_CALLS[page], context)
                assert len(results) == len(bench.PAGE_CALLS[page])
    finally:
        db.close()


# --- the pandas baseline computes what the metrics layer computes ------------------------------------


@pytest.fixture(scope="module")
def department(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("bench") / "department.duckdb"
    db = connect(path)
    build_demo(db, scale="department", seed=42)
    db.close()
    return str(path)


@pytest.fixture(scope="module")
def loaded(department):
    tables = bench_pandas.load_tables(department)  # before the connection below opens the file
    db = connect(department)
    yield db, tables, db.settings()
    db.close()


def _shown(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[~frame["suppressed"].astype(bool)]


def _same(left: pd.DataFrame, right: pd.DataFrame, keys: list[str], values: list[str]) -> int:
    """Every row of `left` (the metrics layer's shown cells) has the same values in `right` (pandas)."""
    merged = left[keys + values].merge(right[keys + values], on=keys, how="left", suffixes=("", "_pd"), indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"]
    for column in values:
        a = pd.to_numeric(merged[column], errors="coerce").astype(float)
        b = pd.to_numeric(merged[f"{column}_pd"], errors="coerce").astype(float)
        assert ((a == b) | (a.isna() & b.isna())).all(), merged[[*keys, column, f"{column}_pd"]][a != b]
    return len(merged)


FILTER_CASES = list(bench.FILTERS.items())


@pytest.mark.parametrize("name, filters", FILTER_CASES)
def test_pandas_coverage_by_stage_equals_metrics(loaded, name, filters):
    db, tables, settings = loaded
    ours = _shown(coverage.coverage_by_stage(db, AS_OF, filters))
    theirs = bench_pandas.coverage_headline(tables, settings, AS_OF, filters)
    assert _same(ours, theirs, ["career_stage"], ["n", "covered", "pct", "engaged", "engaged_pct"]) >= 2


@pytest.mark.parametrize("name, filters", FILTER_CASES)
def test_pandas_overview_coverage_by_year_equals_metrics(loaded, name, filters):
    db, tables, settings = loaded
    ours = _shown(overview.coverage_by_year(db, AS_OF, filters))
    theirs = bench_pandas.overview_headline(tables, settings, AS_OF, filters)
    assert _same(ours, theirs, ["day", "career_stage"], ["n", "covered", "pct", "engaged", "engaged_pct"]) >= 15


@pytest.mark.parametrize("name, filters", FILTER_CASES)
def test_pandas_funnel_equals_metrics(loaded, name, filters):
    db, tables, settings = loaded
    ours = recruitment.funnel(db, filters)
    theirs = bench_pandas.recruitment_headline(tables, settings, AS_OF, filters)
    compared = 0
    for share in ("women", "urim"):
        shown = ours[~ours["suppressed"] & ~ours[f"{share}_suppressed"]]
        compared += _same(shown, theirs, ["cycle", "track", "stage"], ["n", share, f"{share}_pct"])
    assert compared >= 40


@pytest.mark.parametrize("name, filters", FILTER_CASES)
def test_pandas_mini_z_burnout_equals_metrics(loaded, name, filters):
    db, tables, settings = loaded
    ours = _shown(wellbeing.burnout_prevalence(db, filters))
    ours = ours[ours["instrument"] == "mini_z"]
    theirs = bench_pandas.wellbeing_headline(tables, settings, AS_OF, filters)
    assert _same(ours, theirs, ["survey"], ["n", "burned_out", "pct"]) >= 3
    assert list(ours["survey"]) == [s for s in theirs["survey"] if s in set(ours["survey"])]  # wave order


@pytest.mark.parametrize("name, filters", FILTER_CASES)
def test_pandas_publications_equal_metrics(loaded, name, filters):
    db, tables, settings = loaded
    ours = _shown(outcomes.publications(db, AS_OF, filters))
    theirs = bench_pandas.outcomes_headline(tables, settings, AS_OF, filters)
    assert _same(ours, theirs, ["career_stage", "mentored"], ["people", "person_years", "publications", "rate"]) >= 3


def test_floor_queries_agree_with_the_metrics_layer(loaded):
    db, tables, settings = loaded
    filters = bench.FILTERS["default"]
    context = bench.view_context(db, AS_OF, filters)
    residents = coverage.coverage_by_stage(db, AS_OF, filters).set_index("career_stage").loc["resident"]
    assert bench.floor_query(db, "coverage", AS_OF, filters, settings, context) == [
        (residents["n"], residents["covered"])
    ]
    total = coverage.coverage_total(db, AS_OF, filters)
    assert bench.floor_query(db, "overview", AS_OF, filters, settings, context) == [(total["n"], total["covered"])]
    mini_z = wellbeing.burnout_prevalence(db, filters)
    mini_z = mini_z[mini_z["instrument"] == "mini_z"]
    floor = {s: (n, b) for s, n, b in bench.floor_query(db, "wellbeing", AS_OF, filters, settings, context)}
    assert {s: (n, b) for s, n, b in zip(mini_z["survey"], mini_z["n"], mini_z["burned_out"])} == floor


# --- the JSON object ------------------------------------------------------------------------------------


def test_bench_json_has_the_issue_shape(department, tmp_path):
    db_dir = tmp_path / "bench"
    db_dir.mkdir()
    (db_dir / "department.duckdb").write_bytes(Path(department).read_bytes())
    report = run.run_bench(
        scales=("department",),
        db_dir=db_dir,
        repeat=1,
        as_of=AS_OF,
        import_rows=20_000,
        app_scale=None,
        browser=False,
        log=lambda message: None,
    )
    text = json.dumps(report, default=str)
    again = json.loads(text)
    assert set(again) >= {"results", "import", "targets"}
    assert len(again["results"]) == len(bench.PAGES) * len(bench.FILTERS)
    for row in again["results"]:
        assert {"scale", "page", "filter", "ms", "pandas_ms", "speedup", "floor_ms"} <= set(row)
        assert row["scale"] == "department" and row["page"] in bench.PAGES and row["filter"] in bench.FILTERS
        for key in ("ms", "pandas_ms", "speedup", "floor_ms", "p10_ms", "p90_ms", "warm_ms"):
            assert isinstance(row[key], (int, float)) and row[key] > 0, (key, row)
    imp = again["import"]
    assert {"rows", "seconds", "read_csv_seconds", "ratio", "peak_rss_mb"} <= set(imp)
    assert imp["rows"] == 20_000 and imp["rows_imported"] == 20_000
    assert imp["read_csv_rows"] == 20_000
    assert all(
        isinstance(imp[k], (int, float)) and imp[k] > 0
        for k in ("seconds", "read_csv_seconds", "ratio", "peak_rss_mb", "read_csv_peak_rss_mb")
    )
    assert "app_peak_rss_mb" not in again  # skipped in this test; the command line measures it
    for target in again["targets"]:
        assert set(target) >= {"target", "value", "limit", "met", "margin"}
    # The readable table shows every row.
    assert run.format_table(report).count("department ") >= len(again["results"])


def test_bench_is_a_command_of_its_own_and_of_the_app(monkeypatch, capsys):
    """`python -m benchmarks` parses its options; `python -m mentordash bench` hands them over, and the app's
    other commands never import the benchmark."""
    import sys

    from mentordash import cli

    seen = []
    monkeypatch.setattr(run, "run_bench", lambda **kwargs: seen.append(kwargs) or {"results": []})
    monkeypatch.setattr(run, "format_table", lambda report: "table")
    assert (
        run.main(
            [
                "--scale",
                "department",
                "--repeat",
                "2",
                "--db-dir",
                "x",
                "--no-app",
                "--no-browser",
                "--import-rows",
                "0",
            ]
        )
        == 0
    )
    assert cli.main(["bench", "--scale", "consortium", "--json", "--no-app"]) == 0
    first, second = seen
    assert first["scales"] == ("department",) and first["repeat"] == 2 and first["db_dir"] == Path("x")
    assert first["import_rows"] is None and first["app_scale"] is None and first["browser"] is False
    assert second["scales"] == ("consortium",) and second["app_scale"] is None and second["browser"] is True
    assert capsys.readouterr().out.splitlines() == ["table", '{"results": []}']
    for name in [m for m in sys.modules if m == "benchmarks" or m.startswith("benchmarks.")]:
        monkeypatch.delitem(sys.modules, name)
    cli.build_parser().parse_args(["summary"])
    assert not [m for m in sys.modules if m.startswith("benchmarks")]
