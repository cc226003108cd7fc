"""Suite-wide rules."""

import os

import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """With MENTORDASH_REQUIRE_BROWSER=1 (CI), a skipped browser test is a failed one."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and item.get_closest_marker("browser") and os.environ.get("MENTORDASH_REQUIRE_BROWSER"):
        report.outcome = "failed"
        report.longrepr = f"browser test skipped, and browser tests are required here: {report.longrepr}"


@pytest.fixture(autouse=True)
def no_work_ahead(request, monkeypatch):
    """The app's work ahead of time (ui.ahead: a background thread filling the cache after each run) is off
    in every test but tests/test_ui_ahead.py's, so that no test sees another's thread at work. The browser
    tests' servers have it on, as every deployment."""
    if request.module.__name__.rsplit(".", 1)[-1] != "test_ui_ahead":
        from mentordash.ui import ahead

        monkeypatch.setattr(ahead, "ENABLED", False)


def pytest_collection_modifyitems(items):
    """`make test` runs two pytest-xdist workers with `--dist loadgroup`: the browser tests go to one
    worker together (one demo server, one Chromium), the rest share out between both."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))


# --- the benchmark's department database, shared by its tests (tests/bench_support.py) -----------------


@pytest.fixture(scope="session")
def bench_department(tmp_path_factory) -> str:
    """The demo department, as the bench builds it (seed 42)."""
    from mentordash.db import connect
    from mentordash.demo import build_demo

    path = tmp_path_factory.mktemp("bench") / "department.duckdb"
    db = connect(path)
    build_demo(db, scale="department", seed=42)
    db.close()
    return str(path)


@pytest.fixture(scope="session")
def bench_loaded(bench_department):
    """(database, the pandas baseline's tables, settings) of bench_department."""
    from benchmarks.pandas_baseline import load_tables
    from mentordash.db import connect

    tables = load_tables(bench_department)  # before the connection below opens the file
    db = connect(bench_department)
    yield db, tables, db.settings()
    db.close()


@pytest.fixture(scope="session")
def bench_page_runs(bench_loaded) -> dict:
    """tests.bench_support.page_runs of bench_department."""
    from tests.bench_support import page_runs

    return page_runs(bench_loaded[0])
