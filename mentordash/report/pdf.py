"""HTML to PDF through headless Chromium (Playwright's page.pdf), the browser the project already installs.

Chromium prints exactly what the HTML shows: the same Plotly charts (drawn by the embedded Plotly.js,
kept as vector graphics), the same CSS, with the header line and "Page N of M" in every page's margin.
Every network request of the page is refused, so the PDF cannot depend on anything outside the file.

Speed (issue 17): starting Chromium, and running Plotly's 4.6 MB of JavaScript, cost more than printing
a report, so both are done ahead, off the clock:
- one browser is kept per process, driven by a thread of its own (Playwright's sync API belongs to the
  thread that starts it, and a caller's own event loop or Playwright session, as the browser tests have,
  is not disturbed). It starts on the first request, or earlier with `warm_up()` (the command line and
  the app's button call it before they gather the figures, so the two overlap), prints one report at a
  time, and is closed after IDLE_SECONDS without work or when the process exits; a browser that died is
  started again for the next report;
- the next report's page is opened ahead, while nobody waits: a "shell" in a browser context of its
  own that has loaded and run Plotly's JavaScript and nothing else. A report is printed there: its
  own head (styles) and body (text, tables, the charts' JSON) go into the shell's document, and its own
  drawing script runs, as it runs when the file is opened. The shell is used only when its Plotly.js is
  the report's, character for character; a report without the embedded Plotly.js is loaded as a file.
"""

from __future__ import annotations

import atexit
import html as html_lib
import os
import queue
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from functools import lru_cache
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
JOB_TIMEOUT_S = 300  # a report that has not printed by then (a wedged browser) fails with a message
IDLE_SECONDS = 600  # the kept browser is closed after this long without a report to print
PLOTLY_OPEN, SCRIPT_CLOSE = '<script id="report-plotly">', "</script>"  # as templates/report.html.j2 embeds it

# Into a shell that has run Plotly.js: the report's head and body, then the report's own scripts, in order.
_INJECT = """(html) => {
  const doc = new DOMParser().parseFromString(html, "text/html");
  const code = [...doc.querySelectorAll("script")].filter((s) => !s.type).map((s) => { s.remove(); return s.text; });
  document.documentElement.lang = doc.documentElement.lang;
  document.head.append(...[...doc.head.children].map((n) => document.importNode(n, true)));  // after Plotly's own styles
  document.body.replaceWith(document.importNode(doc.body, true));
  for (const text of code) { (0, eval)(text); }
}"""


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


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """Plotly's JavaScript (plotly.min.js of the installed plotly), which the report embeds once."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def split_plotly(html: str) -> tuple[str | None, str]:
    """(the report's embedded Plotly.js, the report without it), or (None, html) when it embeds none."""
    start = html.find(PLOTLY_OPEN)
    end = html.find(SCRIPT_CLOSE, start) if start >= 0 else -1
    if end < 0:
        return None, html
    return html[start + len(PLOTLY_OPEN) : end], html[:start] + html[end + len(SCRIPT_CLOSE) :]


def _margin_template(text: str, right: str = "") -> str:
    return (
        '<div style="font-family: Helvetica, Arial, sans-serif; font-size: 8px; color: #5f6370; width: 100%; '
        'padding: 0 12mm; display: flex; justify-content: space-between;">'
        f"<span>{text}</span><span>{right}</span></div>"
    )


def _offline_page(browser, path: Path):
    """A page in a browser context of its own (nothing shared with another report) that has loaded the
    file at `path`; every other request is refused."""
    url = path.as_uri()
    page = browser.new_context().new_page()
    page.route("**/*", lambda route: route.continue_() if route.request.url == url else route.abort())
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url, wait_until="load", timeout=RENDER_TIMEOUT_MS)
    return page, errors


@dataclass
class _Shell:
    page: object
    errors: list
    lib: str  # the Plotly.js it has run


def _open_shell(browser, lib: str, folder: Path) -> _Shell:
    path = folder / "shell.html"
    path.write_text(
        f'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><script>{lib}</script></body></html>',
        encoding="utf-8",
    )
    page, errors = _offline_page(browser, path)
    return _Shell(page, errors, lib)


def _print(page, errors: list, header: dict) -> bytes:
    """The drawn report in `page` as PDF; its browser context is closed afterwards."""
    top = html_lib.escape(f"{header['department']} · as of {header['as_of']} · filters: {header['filters']}")
    try:
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
        page.context.close()


@dataclass
class _Job:
    html: str = ""
    header: dict = field(default_factory=dict)
    warm_only: bool = False
    done: threading.Event = field(default_factory=threading.Event)
    pdf: bytes | None = None
    error: BaseException | None = None


_STOP = object()


class Printer:
    """One headless Chromium for the process, driven by a thread of its own; reports print one at a time."""

    def __init__(self) -> None:
        self._jobs: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.launches = 0  # how many times a browser was started (tests read these two)
        self.shells_used = 0  # reports printed in a shell opened ahead
        self.ahead = True  # after a report, open the next one's shell (a long-lived process: the app)

    def _ensure_thread(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="report-pdf", daemon=True)
                self._thread.start()

    def warm_up(self, more: bool = True) -> None:
        """Start the browser and open the next report's shell now, in the background. `more=False`: this
        process prints one report and ends (the command line), so no shell is opened after it."""
        self.ahead = more
        self._ensure_thread()
        self._jobs.put(_Job(warm_only=True))

    def print(self, html: str, header: dict) -> bytes:
        self._ensure_thread()
        job = _Job(html=html, header=header)
        self._jobs.put(job)
        if not job.done.wait(JOB_TIMEOUT_S):
            raise PdfError(
                f"Chromium did not print the report within {JOB_TIMEOUT_S} s: try again, or save it as HTML."
            )
        if job.error is not None:
            if isinstance(job.error, PdfError):
                raise job.error
            raise PdfError(f"Chromium could not print the report: {job.error}") from job.error
        return job.pdf

    def stop(self, wait: float = 10.0) -> None:
        """Close the browser and end the thread (at exit; a later print starts them again)."""
        thread = self._thread
        if thread is not None and thread.is_alive():
            self._jobs.put(_STOP)
            thread.join(wait)

    def _run(self) -> None:
        from playwright.sync_api import sync_playwright

        folder = Path(tempfile.mkdtemp(prefix="mentordash-report-"))
        playwright = browser = shell = None
        try:
            while True:
                try:
                    job = self._jobs.get(timeout=IDLE_SECONDS)
                except queue.Empty:  # idle: give the memory back, keep the thread
                    if browser is not None:
                        _close(browser)
                        browser = shell = None
                    continue
                if job is _STOP:
                    return
                try:
                    if playwright is None:
                        playwright = sync_playwright().start()
                    if browser is None or not browser.is_connected():
                        browser = playwright.chromium.launch(
                            executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
                        )
                        shell = None
                        self.launches += 1
                    if not job.warm_only:
                        job.pdf = self._print_job(browser, job, shell, folder)
                        shell = None  # used, or not the report's: its context is closed
                except BaseException as error:  # handed back to the caller's thread
                    job.error = error
                    shell = None
                    if browser is not None and not browser.is_connected():
                        browser = None
                finally:
                    job.done.set()
                if browser is not None and shell is None and (job.warm_only or self.ahead) and self._jobs.empty():
                    try:  # the next report's shell, opened while nobody waits
                        shell = _open_shell(browser, plotly_js(), folder)
                    except Exception:  # noqa: BLE001 - the next report opens one itself
                        shell = None
        finally:
            if browser is not None:
                _close(browser)
            if playwright is not None:
                try:
                    playwright.stop()
                except Exception:  # noqa: BLE001 - the driver is gone already
                    pass
            shutil.rmtree(folder, ignore_errors=True)

    def _print_job(self, browser, job: _Job, shell: _Shell | None, folder: Path) -> bytes:
        lib, rest = split_plotly(job.html)
        if shell is not None and (lib is None or shell.lib != lib):
            shell.page.context.close()
            shell = None
        if lib is not None:
            if shell is None:
                shell = _open_shell(browser, lib, folder)
            else:
                self.shells_used += 1
            try:
                shell.page.evaluate(_INJECT, rest)
            except BaseException:
                shell.page.context.close()
                raise
            return _print(shell.page, shell.errors, job.header)
        path = folder / "report.html"
        path.write_text(job.html, encoding="utf-8")
        page, errors = _offline_page(browser, path)
        return _print(page, errors, job.header)


def _close(browser) -> None:
    try:
        browser.close()
    except Exception:  # noqa: BLE001 - a browser that died needs no closing
        pass


PRINTER = Printer()
atexit.register(PRINTER.stop)


def warm_up(more: bool = True) -> None:
    """Start the kept Chromium, and open the next report's page, in the background (Printer.warm_up)."""
    PRINTER.warm_up(more)


def html_to_pdf(html: str, header: dict) -> bytes:
    """The report's HTML printed to PDF by the process's headless Chromium."""
    return PRINTER.print(html, header)
