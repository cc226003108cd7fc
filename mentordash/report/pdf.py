"""HTML to PDF through headless Chromium (Playwright's page.pdf), the browser the project already installs.

Chromium prints exactly what the HTML shows: the same Plotly charts (drawn by the embedded Plotly.js,
kept as vector graphics), the same CSS, with the header line and "Page N of M" in every page's margin.
The page is loaded with every network request refused, so the PDF cannot depend on anything outside
the file. Playwright runs in a thread of its own, so a caller that already runs an event loop (or a
Playwright session of its own, as the browser tests do) is not disturbed.
"""

from __future__ import annotations

import html as html_lib
import os
import tempfile
import threading
from pathlib import Path

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PRINT_SCALE = 0.8  # 900px charts in a 7.5 inch column
RENDER_TIMEOUT_MS = 60_000


class PdfError(RuntimeError):
    """The PDF could not be made: the message says why and what to do."""


def chromium_path() -> str:
    """$MENTORDASH_CHROMIUM, else Debian's /usr/bin/chromium (installed by `make setup-test` / apt)."""
    path = os.environ.get("MENTORDASH_CHROMIUM", "/usr/bin/chromium")
    if not Path(path).exists():
        raise PdfError(
            f"Chromium not found at {path}: install it with `apt-get install -y chromium` "
            "(or set MENTORDASH_CHROMIUM), or save the report as HTML instead."
        )
    return path


def _margin_template(text: str, right: str = "") -> str:
    return (
        '<div style="font-family: Helvetica, Arial, sans-serif; font-size: 8px; color: #5f6370; width: 100%; '
        'padding: 0 12mm; display: flex; justify-content: space-between;">'
        f"<span>{text}</span><span>{right}</span></div>"
    )


def _print(html: str, header: dict) -> bytes:
    from playwright.sync_api import sync_playwright

    top = html_lib.escape(f"{header['department']} · as of {header['as_of']} · filters: {header['filters']}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            with tempfile.TemporaryDirectory(prefix="mentordash-report-") as folder:
                # Loaded from a file (several times faster than set_content for 5 MB of HTML); only that
                # file may load: the report is self-contained, so nothing else may be fetched.
                path = Path(folder) / "report.html"
                path.write_text(html, encoding="utf-8")
                url = path.as_uri()
                page.route("**/*", lambda route: route.continue_() if route.request.url == url else route.abort())
                page.goto(url, wait_until="load", timeout=RENDER_TIMEOUT_MS)
            page.wait_for_function("window.reportReady === true", timeout=RENDER_TIMEOUT_MS)
            if errors:
                raise PdfError(f"the report's page raised an error while drawing its charts: {errors[0]}")
            page.emulate_media(media="print")
            return page.pdf(
                format="Letter",
                print_background=True,
                prefer_css_page_size=True,
                scale=PRINT_SCALE,
                display_header_footer=True,
                header_template=_margin_template(top),
                footer_template=_margin_template(
                    "MentorDash report", 'Page <span class="pageNumber"></span> of <span class="totalPages"></span>'
                ),
                margin={"top": "16mm", "bottom": "16mm", "left": "12mm", "right": "12mm"},
            )
        finally:
            browser.close()


def html_to_pdf(html: str, header: dict) -> bytes:
    """The report's HTML printed to PDF by headless Chromium, in a thread of its own."""
    result: dict = {}

    def run() -> None:
        try:
            result["pdf"] = _print(html, header)
        except BaseException as error:  # handed back to the caller's thread
            result["error"] = error

    worker = threading.Thread(target=run, name="report-pdf", daemon=True)
    worker.start()
    worker.join()
    if "error" in result:
        error = result["error"]
        if isinstance(error, PdfError):
            raise error
        raise PdfError(f"Chromium could not print the report: {error}") from error
    return result["pdf"]
