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


def pytest_collection_modifyitems(items):
    """`make test` runs two pytest-xdist workers with `--dist loadgroup`: the browser tests go to one
    worker together (one demo server, one Chromium), the rest share out between both."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))
