"""`python -m mentordash serve`: the app's server, `streamlit run app.py`, with the app's modules imported
before it listens.

Streamlit runs app.py only when a visitor arrives, so the first visitor after every start waited for the
imports of pandas, DuckDB, Plotly and MentorDash (about a second on two cores, more with a browser drawing
on the same cores) before any figure was computed. Imported here, in the server's process, before
Streamlit starts, they are already loaded when the first page runs."""

from __future__ import annotations

import ast
import gc
import importlib
import logging
import sys
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
APP = CHECKOUT / "app.py"
PAGES = CHECKOUT / "pages"


def app_modules(app: Path = APP, pages: Path = PAGES) -> list[str]:
    """The mentordash modules the entry point and the pages import (read from their source, so the list
    follows the pages as they change), in order."""
    names: dict[str, None] = {}
    for path in [app, *sorted(pages.glob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
            elif isinstance(node, ast.Import):
                found = [alias.name for alias in node.names]
            else:
                continue
            for name in found:
                if name.split(".")[0] == "mentordash" and _is_module(name):
                    names[name] = None
    return list(names)


def _is_module(name: str) -> bool:
    """Whether a dotted name is a module or package of the checkout (not a function imported from one)."""
    path = CHECKOUT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def preload() -> list[str]:
    """Import every module app_modules names (and so pandas, DuckDB, Plotly and the chart theme)."""
    modules = app_modules()
    # Declaring a cached function before Streamlit's runtime exists logs "No runtime found" while checking
    # its parameters; its cache is made on the first call, inside the runtime, so the warning misleads. A
    # filter, not a level: Streamlit sets its loggers' levels again as it imports them.
    caching = logging.getLogger("streamlit.runtime.caching.cache_data_api")
    caching.addFilter(_no_runtime_yet)
    try:
        for name in modules:
            importlib.import_module(name)
    finally:
        caching.removeFilter(_no_runtime_yet)
    return modules


def _no_runtime_yet(record: logging.LogRecord) -> bool:
    return "No runtime found" not in record.getMessage()


def main(options: list[str]) -> int:
    """streamlit run app.py with `options` (Streamlit's own: --server.port, ...), after preload()."""
    preload()
    # What is loaded now lives as long as the server: frozen out of the collector's sight here, as the first
    # database connection does (ui.context), so that the first visitor does not wait for its full
    # collection either (about 0.1 s).
    gc.collect()
    gc.freeze()
    from streamlit.web import cli as streamlit_cli

    sys.argv = ["streamlit", "run", str(APP), *options]
    return streamlit_cli.main()
