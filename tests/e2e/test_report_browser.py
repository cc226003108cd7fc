"""The report in a real browser: the HTML opens in headless Chromium with every request refused and no
console error, every chart drawn; and in the app, the sidebar's button builds it and the PDF downloads."""

from __future__ import annotations

from datetime import date

import pytest

from mentordash.db import connect
from mentordash.demo import build_demo
from mentordash.metrics.filters import Filters
from mentordash.report import make_report
from tests.e2e.conftest import wait_for_run

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def report_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report-html")
    db = connect(folder / "demo.duckdb")
    try:
        build_demo(db)
        html = make_report(db, date(2026, 6, 30), Filters.of(urim=False)).html
    finally:
        db.close()
    path = folder / "report.html"
    path.write_text(html, encoding="utf-8")
    return path


def test_report_opens_offline_without_console_errors(page, report_file):
    url = report_file.as_uri()
    refused, problems = [], []
    page.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url == url else (refused.append(route.request.url), route.abort())
        ),
    )
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(url)
    page.wait_for_function("window.reportReady === true", timeout=60_000)
    assert problems == [] and refused == []
    charts = page.locator("div.chart")
    assert charts.count() >= 15
    assert page.locator("div.chart .main-svg").count() >= charts.count()  # every chart drawn
    buttons = page.locator("div.chart").first.locator(".modebar-btn")
    titles = [buttons.nth(i).get_attribute("data-title") for i in range(buttons.count())]
    assert "Download plot as a PNG" in titles and "Share chart..." not in titles  # nothing leaves the file
    assert page.locator("#summary .tile").count() >= 8
    assert "Not URiM only" in page.locator("#report-filters").inner_text()


def test_sidebar_button_builds_the_report_and_the_pdf_downloads(server, page):
    page.goto(f"{server}/coverage?as_of=2026-06-30")
    wait_for_run(page, timeout=120_000)  # the first run of a shared, busy machine can be slow
    sidebar = page.locator("[data-testid=stSidebar]")
    sidebar.get_by_role("button", name="Download report").click()
    # While it builds, a status box names the step under way over a progress bar.
    sidebar.get_by_text("Building the report…").wait_for(timeout=60_000)
    pdf_button = sidebar.get_by_role("button", name="Report as PDF")
    pdf_button.wait_for(timeout=120_000)
    assert page.locator("[data-testid=stException]").count() == 0
    assert sidebar.get_by_text("Report ready in").count() == 1  # then closes with the time taken
    with page.expect_download(timeout=60_000) as download:
        pdf_button.click()
    path = download.value.path()
    assert download.value.suggested_filename == "mentordash-report-2026-06-30.pdf"
    with open(path, "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    with page.expect_download(timeout=60_000) as download:
        sidebar.get_by_role("button", name="Report as HTML").click()
    with open(download.value.path(), encoding="utf-8") as handle:
        assert "Coverage and mentor load" in handle.read()
