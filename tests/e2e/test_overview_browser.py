"""The overview in a real browser: tiles and the chart render, and no exception reaches the page."""

import pytest

from tests.e2e.conftest import wait_for_run

pytestmark = pytest.mark.browser


def test_overview_renders_tiles_and_chart(server, page):
    page.goto(server)
    wait_for_run(page)
    page.wait_for_selector("[data-testid=stMetric]")
    assert page.locator("[data-testid=stException]").count() == 0
    tiles = page.locator("[data-testid=stMetric]")
    assert tiles.count() >= 6
    assert "Trainees mentored" in tiles.first.inner_text()
    page.wait_for_selector(".js-plotly-plot .scatterlayer .trace", timeout=20_000)
    title = page.locator(".js-plotly-plot .gtitle").first.text_content()
    assert "mentor" in title
    assert page.get_by_text("Local mode: no sign-in").count() == 1


def test_filter_in_url_is_applied_and_kept(server, page):
    page.goto(f"{server}/?stage=resident&urim=not_urim")
    wait_for_run(page)
    page.wait_for_selector("[data-testid=stMetric]")
    assert "stage=resident" in page.url and "urim=not_urim" in page.url
    assert page.locator("[data-testid=stException]").count() == 0
    # Faculty tiles have nothing to show once the view is residents only.
    junior = page.locator("[data-testid=stMetric]").filter(has_text="Junior faculty mentored")
    assert "No data" in junior.inner_text()
