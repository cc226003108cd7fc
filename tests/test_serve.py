"""mentordash.serve: the app's server loads the app before its first visitor."""

from __future__ import annotations

from pathlib import Path

import pytest

from mentordash import serve
from tests.server import ROOT, streamlit_server


def test_the_modules_are_read_from_the_entry_point_and_the_pages(tmp_path):
    app = tmp_path / "app.py"
    app.write_text("import streamlit as st\nfrom mentordash.ui import context\nfrom mentordash.ui.frame import View\n")
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "one.py").write_text(
        "import pandas as pd\nimport mentordash.charts.theme\nfrom mentordash.metrics import coverage, wellbeing\n"
        "def later():\n    from mentordash.report import build\n"
    )
    assert serve.app_modules(app, tmp_path / "pages") == [
        "mentordash.ui",
        "mentordash.ui.context",
        "mentordash.ui.frame",  # View is a class of it, not a module
        "mentordash.charts.theme",
        "mentordash.metrics",
        "mentordash.metrics.coverage",
        "mentordash.metrics.wellbeing",
        "mentordash.report",  # an import inside a function is loaded too: the page would import it
        "mentordash.report.build",
    ]


def test_every_page_module_of_the_checkout_is_preloaded():
    modules = serve.app_modules()
    for page in ("overview", "coverage", "recruitment", "wellbeing", "outcomes"):
        assert f"mentordash.ui.{page}_view" in modules
        assert f"mentordash.charts.{page}" in modules
    assert "mentordash.ui.context" in modules


def _mapped(pid: int, library: str) -> bool:
    return library in Path(f"/proc/{pid}/maps").read_text()


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="reads /proc (Linux)")
def test_the_server_has_loaded_duckdb_before_anyone_visits(tmp_path):
    """Streamlit alone never loads DuckDB; `mentordash serve` has it (and the rest of the app) in memory
    as soon as it answers its health check, before any page has run."""
    database = tmp_path / "never-opened.duckdb"
    with streamlit_server(ROOT / "app.py", database, (8950, 8979)) as (_, pid):
        assert _mapped(pid, "_duckdb")
        assert not database.exists()  # no page ran: the database is opened by the first


def test_preloading_logs_no_misleading_cache_warning():
    """The app's cached functions are declared before Streamlit's runtime exists, which made Streamlit log
    "No runtime found, using MemoryCacheStorageManager" at every start of `make run`: their caches are made
    inside the runtime, so there is nothing for an operator to chase. The same warning logged after the
    preload still shows."""
    import subprocess
    import sys

    logged_after = (
        "import logging; logging.getLogger('streamlit.runtime.caching.cache_data_api')"
        ".warning('No runtime found: logged after the preload')"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"from mentordash.serve import preload; preload(); {logged_after}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stderr.count("No runtime found") == 1, result.stderr
    assert "logged after the preload" in result.stderr
