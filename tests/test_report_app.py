"""The report from the app: a "Download report" button on every page that builds the same report as the
command line for the same filters, and a server-drawn PNG beside every chart."""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go
import pytest

from mentordash import cli
from mentordash.db import connect
from mentordash.demo import build_demo
from mentordash.report.png import figure_png, file_name
from tests.apptest import app_test
from tests.report_html import without_generated_date

AS_OF = date(2026, 6, 30)
PAGES = ["overview", "coverage", "recruitment", "wellbeing", "outcomes", "data", "settings", "audit"]
CHART_PAGES = ["overview", "coverage", "recruitment", "wellbeing", "outcomes"]  # pages that draw charts


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory):
    """One demo for the module: the app and the command line only read it."""
    path = tmp_path_factory.mktemp("report-app") / "demo.duckdb"
    db = connect(path)
    build_demo(db)
    db.close()
    return path


def _downloads(at) -> list:
    return list(at.get("download_button"))


def _labels(elements) -> list[str]:
    return [e.proto.label for e in elements]


def test_every_page_has_the_report_button(monkeypatch, demo_path):
    at = app_test(monkeypatch, demo_path)
    at.query_params["as_of"] = AS_OF.isoformat()
    at.run()
    for page in PAGES:
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, page
        assert at.button(key="report_build").label == "Download report", page


def test_button_builds_the_same_report_as_the_command_line(monkeypatch, demo_path, tmp_path, capsys):
    out = tmp_path / "cli.html"
    assert (
        cli.main(
            ["report", "--db", str(demo_path), "--as-of", AS_OF.isoformat(), "--gender", "woman", "--out", str(out)]
        )
        == 0
    )
    capsys.readouterr()
    at = app_test(monkeypatch, demo_path)
    at.query_params["as_of"] = AS_OF.isoformat()
    at.query_params["gender"] = "woman"
    at.run()
    at.button(key="report_build").click().run()
    assert not at.exception
    # The progress indicator: a status box in the sidebar, closed with the time taken once the files exist.
    statuses = list(at.sidebar.status)
    assert len(statuses) == 1
    assert statuses[0].label.startswith("Report ready in ") and statuses[0].state == "complete"
    files = at.session_state["report_files"]
    assert files["pdf"][:5] == b"%PDF-" and files["pdf_error"] is None
    assert without_generated_date(files["html"].decode("utf-8")) == without_generated_date(out.read_text("utf-8"))
    assert {"Report as HTML", "Report as PDF"} <= set(_labels(_downloads(at)))
    # A new filter makes the built files stale: they are dropped, not offered for the wrong view.
    at.query_params.clear()
    at.session_state["f_gender"] = ["man"]
    at.run()
    assert "Report as HTML" not in _labels(_downloads(at))


@pytest.mark.parametrize("page", CHART_PAGES)
def test_a_png_button_beside_every_chart(monkeypatch, demo_path, page):
    at = app_test(monkeypatch, demo_path)
    at.query_params["as_of"] = AS_OF.isoformat()
    at.run()
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception
    charts = at.get("plotly_chart")
    pngs = [e for e in _downloads(at) if e.proto.label == "PNG"]
    assert len(charts) >= 1  # the charts of the page's first view (its other tabs draw only when opened)
    assert len(pngs) == len(charts)


def test_figure_png_is_drawn_on_the_server():
    fig = go.Figure(go.Bar(x=["Residents", "Fellows"], y=[60, 40]))
    fig.update_layout(title={"text": "60% of residents have a mentor<br><sup>note</sup>"}, height=400)
    png = figure_png(fig)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(png[16:20], "big")
    height = int.from_bytes(png[20:24], "big")
    assert (width, height) == (2400, 800)  # 1200 x 400 at scale 2
    assert file_name(fig.layout.title.text) == "60-of-residents-have-a-mentor.png"
