"""Issue 13 in a real browser: a hostile link renders no link and breaks no page; tables have no built-in
"Download as CSV" (client.disableDataExport)."""

import urllib.parse

import pytest

from tests.e2e.conftest import wait_for_run

pytestmark = pytest.mark.browser
LINK = "[Sign in again](https://evil.example)"


def test_a_hostile_link_is_plain_text_and_an_impossible_date_is_ignored(server, page):
    page.goto(f"{server}/?division={urllib.parse.quote(LINK)}&as_of=9999-12-31")
    wait_for_run(page, timeout=60_000)
    assert page.locator("[data-testid=stException]").count() == 0
    assert page.locator("a[href*='evil']").count() == 0, "the link value was rendered as a link"
    shown = page.inner_text("[data-testid=stMain]").replace("\u2060", "")
    assert f"Ignored a link parameter that is not a valid filter: division={LINK}" in shown
    assert "Ignored a link parameter that is not a valid filter: as_of=9999-12-31" in shown
    page.goto(f"{server}/coverage")  # the session goes on
    wait_for_run(page, timeout=60_000)
    assert page.locator("[data-testid=stException]").count() == 0


def test_tables_have_no_built_in_csv_download(server, page):
    page.goto(f"{server}/data")
    wait_for_run(page, timeout=60_000)
    page.get_by_role("tab", name="Import history").click()
    table = page.locator("[data-testid=stDataFrame]").first
    table.wait_for(timeout=30_000)
    table.hover()
    toolbar = page.locator("[data-testid=stElementToolbar] button")
    toolbar.first.wait_for(timeout=10_000)
    labels = [toolbar.nth(i).get_attribute("aria-label") or "" for i in range(toolbar.count())]
    assert labels and not any("download" in label.lower() for label in labels), labels


def test_an_upload_with_markdown_in_its_name_headers_and_values_renders_no_link(server, page):
    header = "[Sign in](https://evil.example/h)"
    content = (
        f'person_id,career_stage,start_date,"{header}",![x](https://evil.example/pixel.png)\nP1,{LINK},2024-07-01,a,b\n'
    )
    page.goto(f"{server}/data")
    wait_for_run(page, timeout=60_000)
    page.locator("[data-testid=stFileUploader] input[type=file]").first.set_input_files(
        {"name": "[file](https://evil.example/f).csv", "mimeType": "text/csv", "buffer": content.encode()}
    )
    page.get_by_text("nothing will be imported", exact=False).first.wait_for(timeout=60_000)
    wait_for_run(page, timeout=60_000)
    page.get_by_text("Other columns", exact=False).first.click()  # the columns nothing recognised (issue 14)
    wait_for_run(page, timeout=60_000)
    assert page.locator("[data-testid=stException]").count() == 0
    assert page.locator("a[href*='evil']:not([href^='#'])").count() == 0, "uploaded text was rendered as a link"
    assert page.locator("img[src*='evil']").count() == 0, "uploaded text was rendered as an image"
    shown = page.inner_text("[data-testid=stMain]").replace("\u2060", "")
    assert "[file](https://evil.example/f).csv" in shown and LINK in shown
