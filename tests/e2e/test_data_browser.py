"""The data page in a real browser: a real file upload, format detection, the problem, the import."""

import pytest

from tests.e2e.conftest import ROOT, wait_for_run

pytestmark = pytest.mark.browser
SAMPLE = ROOT / "tests" / "fixtures" / "public" / "qualtrics_sample_3header.csv"


def test_upload_a_qualtrics_export_fix_the_problem_and_import(server, page):
    page.goto(f"{server}/data")
    wait_for_run(page)
    uploader = page.get_by_test_id("stFileUploader").filter(has_text="Exports")
    uploader.locator("input[type=file]").set_input_files(str(SAMPLE))
    page.get_by_text("format Qualtrics (current)").wait_for(timeout=30_000)
    wait_for_run(page)
    assert page.get_by_text("1 problem: nothing will be imported until it is fixed").count() == 1
    assert page.get_by_role("button", name="Import", exact=True).is_disabled()
    page.get_by_label("Survey name (for the whole file)").fill("Browser sample")
    page.get_by_label("Survey name (for the whole file)").press("Enter")
    wait_for_run(page)
    page.get_by_role("button", name="Import", exact=True).click()
    page.get_by_text("Imported 1 rows").wait_for(timeout=30_000)
    assert page.get_by_test_id("stException").count() == 0
