"""Every page in a real browser, unfiltered and filtered: it finishes its run, draws its charts, and
shows no exception and no traceback."""

import pytest

from tests.e2e.conftest import wait_for_run

pytestmark = pytest.mark.browser
PAGES = ["", "coverage", "recruitment", "wellbeing", "outcomes", "data", "settings", "audit"]
CHARTED = {"", "coverage", "recruitment", "wellbeing", "outcomes"}


@pytest.mark.parametrize("query", ["", "?urim=urim&gender=woman"], ids=["unfiltered", "urim-women"])
@pytest.mark.parametrize("path", PAGES, ids=[p or "overview" for p in PAGES])
def test_page_renders_without_an_exception(server, page, path, query):
    page.goto(f"{server}/{path}{query}")
    wait_for_run(page, timeout=60_000)
    assert page.locator("[data-testid=stException]").count() == 0
    assert "Traceback" not in page.inner_text("body")
    if path in CHARTED and not query:
        page.wait_for_selector(".js-plotly-plot", timeout=30_000)
