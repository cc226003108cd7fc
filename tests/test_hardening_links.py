"""Issue 13, items 5, 8 and 10: link values out of range are ignored with a warning; the built-in
dataframe export is off; untrusted text (link values, uploaded headers, values and file names) is shown
as plain text, never as Markdown."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest

from mentordash.ui.safe import file_name, plain
from tests.apptest import app_test, open_url_path, texts
from tests.builders import add_people, new_db, person

ROOT = Path(__file__).resolve().parent.parent
LINK = "[Sign in again](https://evil.example)"


@pytest.fixture
def db_path(tmp_path):
    db = new_db(tmp_path, f"links_{tmp_path.name}.duckdb")
    add_people(
        db,
        *[
            person(
                f"R{i}",
                "resident",
                date(2020, 7, 1),
                gender="woman" if i % 2 else "man",
                division="Spine" if i % 2 else "Hand",
            )
            for i in range(12)
        ],
    )
    db.close()
    return tmp_path / f"links_{tmp_path.name}.duckdb"


def every_markdown(at) -> str:
    """Every string the run handed to an element or label that Streamlit renders as Markdown."""
    labels = [
        w.label
        for kind in ("selectbox", "multiselect", "text_input", "radio", "date_input", "button")
        for w in getattr(at, kind)
    ]
    return texts(at) + "\n" + "\n".join(str(label) for label in labels)


# --- item 5: as_of outside the date widget's range ---------------------------------------------------
@pytest.mark.parametrize("as_of", ["1900-01-01", "9999-12-31", "1989-12-31", "2026-02-30", "not-a-date"])
def test_an_as_of_outside_the_range_is_ignored_with_a_warning(monkeypatch, db_path, as_of):
    at = app_test(monkeypatch, db_path)
    at.query_params["as_of"] = as_of
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(plain(f"as_of={as_of}") in w.value for w in at.warning), [w.value for w in at.warning]
    assert at.date_input(key="f_as_of").value == date.today()
    for page in ("coverage", "recruitment", "wellbeing", "outcomes", "overview"):  # the session goes on
        open_url_path(at, page).run()
        assert not at.exception, (page, [e.value for e in at.exception])


def test_an_as_of_inside_the_range_is_kept(monkeypatch, db_path):
    at = app_test(monkeypatch, db_path)
    at.query_params["as_of"] = "1990-01-01"
    at.run()
    assert not at.warning and at.date_input(key="f_as_of").value == date(1990, 1, 1)


# --- item 10: untrusted text never rendered as Markdown -------------------------------------------
def test_a_link_value_is_shown_as_plain_text(monkeypatch, db_path):
    at = app_test(monkeypatch, db_path)
    at.query_params["division"] = [LINK, "Spine"]
    at.run()
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert any(plain(f"division={LINK}") in w for w in warnings), warnings
    assert LINK not in every_markdown(at)
    assert at.multiselect(key="f_division").value == ["Spine"]  # the good value of the link is kept


def test_uploaded_headers_values_and_file_names_are_shown_as_plain_text(monkeypatch, db_path):
    header = "**Sign in**"
    text = (
        f'person_id,career_stage,start_date,{header},"![x](https://evil.example/pixel.png)"\nP1,{LINK},2024-07-01,a,b\n'
    )
    at = app_test(monkeypatch, db_path).run()
    open_url_path(at, "data").run()
    upload = f"{LINK}.csv"
    at.file_uploader(key="import_files").set_value((upload, text.encode(), "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    shown = every_markdown(at)
    for raw in (LINK, header, "![x](https://evil.example/pixel.png)"):
        assert raw not in shown, raw
    assert plain(upload) in [s.value for s in at.subheader]  # the file's name, as typed
    assert any(plain(LINK) == s.label for s in at.selectbox), "the unmapped value is offered under its own name"
    # the column list names the header, and one line under the problems names the columns nothing maps
    captions = [c.value for c in at.caption]
    assert plain(f"column {header}") in captions, captions
    assert any(c.startswith(plain("Not stored (")) and plain(f"'{header}'") in c for c in captions), captions


@pytest.mark.parametrize(
    "text, expected",
    [
        (LINK, "\\[Sign in again\\]\\(h\u2060ttps\\:\\/\\/evil\\.example\\)"),
        (
            "see www.evil.example or mail a@evil.example",
            "see w\u2060ww\\.evil\\.example or mail a\\@\u2060evil\\.example",
        ),
        ("a\n# heading\r\n  *b*", r"a \# heading \*b\*"),
        (":red[alarm] :material/lock:", r"\:red\[alarm\] \:material\/lock\:"),
        ("<img src=x onerror=alert(1)>", r"\<img src\=x onerror\=alert\(1\)\>"),
        ("$x^2$ `code` ~~s~~ | t |", r"\$x^2\$ \`code\` \~\~s\~\~ \| t \|".replace("^", r"\^")),
        ("plain words 123", "plain words 123"),
    ],
)
def test_plain_escapes_every_markdown_sign(text, expected):
    assert plain(text) == expected


def test_download_names_from_uploads_are_safe():
    assert file_name('problems_../../etc/passwd"\n.csv') == "problems_.._.._etc_passwd_.csv"
    assert file_name("") == "download"


# --- item 8: Streamlit's own dataframe export is off -----------------------------------------------
def test_the_built_in_dataframe_export_is_turned_off():
    from streamlit import config

    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert settings["client"]["disableDataExport"] is True
    assert "client.disableDataExport" in config._config_options, "an option this Streamlit knows"
    config._set_option("client.disableDataExport", True, str(ROOT / ".streamlit" / "config.toml"))
    assert config.get_option("client.disableDataExport") is True


def test_charts_show_an_uploaded_link_tag_as_text():
    """Plotly draws <a href> in tick labels and legends as a link: a division or wave named so is text."""
    import plotly.graph_objects as go

    from mentordash.charts.theme import disarm_links, themed

    tag = '<a href="https://evil.example">Sign in</a>'
    fig = themed(
        go.Figure(go.Bar(x=[tag, "Spine"], y=[3, 4], name=tag, customdata=[[1, tag], [2, "x"]])),
        "A finding",
        "fine print",
    )
    shown = fig.to_plotly_json()
    assert list(shown["data"][0]["x"]) == ['&lt;a href="https://evil.example">Sign in&lt;/a>', "Spine"]
    assert "<a " not in str(shown["data"]) and fig.layout.title.text == "A finding<br><sup>fine print</sup>"
    plain_fig = go.Figure(go.Bar(x=["Spine"], y=[1]))
    assert disarm_links(plain_fig) is plain_fig  # nothing to disarm: the same figure, not a copy
    assert list(themed(plain_fig, "t").data[0].x) == ["Spine"]
