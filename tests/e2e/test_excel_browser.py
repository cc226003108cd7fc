"""The data page in a real browser with an Excel workbook: upload, choose the sheet, import."""

import datetime as dt

import pytest

from tests.e2e.conftest import wait_for_run
from tests.test_ingest_excel import build, ms_forms_rows

pytestmark = pytest.mark.browser


def test_upload_a_two_sheet_workbook_choose_the_sheet_and_import(server, page, tmp_path):
    rows = ms_forms_rows()
    for number, row in enumerate(rows[1:], start=1):  # ids of their own: the demo database holds others
        row[0] = f"xlsx-browser-{number}"
        row[2] = row[2] + dt.timedelta(days=1)
    path = build(
        tmp_path / "Mentoring survey.xlsx", {"Form1": rows, "Summary": [["Question", "Responses"], ["Gender", 3]]}
    )
    page.goto(f"{server}/data")
    wait_for_run(page)
    uploader = page.get_by_test_id("stFileUploader").filter(has_text="Exports")
    uploader.locator("input[type=file]").set_input_files(str(path))
    page.get_by_text("This workbook has 2 sheets with data: choose the sheet to import.").wait_for(timeout=30_000)
    wait_for_run(page)
    assert page.get_by_role("button", name="Import", exact=True).count() == 0  # nothing read before the choice
    page.get_by_test_id("stSelectbox").filter(has_text="Sheet").click()
    page.get_by_role("option", name="Form1 (4 rows)").click()
    page.get_by_text("format Microsoft Forms").wait_for(timeout=30_000)
    wait_for_run(page)
    assert page.get_by_text("sheet Form1").count() == 1
    page.get_by_label("Survey name (for the whole file)").fill("Browser Excel")
    page.get_by_label("Survey name (for the whole file)").press("Enter")
    wait_for_run(page)
    page.get_by_role("button", name="Import", exact=True).click()
    page.get_by_text("Imported 3 rows").wait_for(timeout=30_000)
    assert page.get_by_test_id("stException").count() == 0
    page.screenshot(path=str(tmp_path / "data_page_workbook.png"), full_page=True)
