"""Browser tests: a real Streamlit server on the demo database, driven by Debian's headless Chromium.

They never skip: a machine without Chromium fails them with a message that says how to install it
(`make test` installs it with apt-get)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.server import CHROMIUM, CHROMIUM_ARGS, streamlit_server

ROOT = Path(__file__).resolve().parents[2]
E2E_PORTS = (8700, 8799)


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("e2e") / "demo.duckdb"
    subprocess.run([sys.executable, "-m", "mentordash", "demo", "--db", str(path)], check=True, cwd=ROOT)
    return path


@pytest.fixture(scope="session")
def server(demo_db) -> str:
    """The app on the demo database, served as `make run` serves it (tests/server.py, as the benchmark does)."""
    with streamlit_server(ROOT / "app.py", demo_db, E2E_PORTS) as (url, _pid):
        yield url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's browser, launched from Debian's Chromium (Playwright cannot download its own here)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install it with `apt-get install -y chromium` (make test does this)",
            pytrace=False,
        )
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}}


def wait_for_run(page, timeout: float = 30_000) -> None:
    """Wait until the script run has finished (Streamlit marks its root with the run state)."""
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=timeout)
