"""Issue 13: every hostile file of tests/fixtures/hostile/ (MANIFEST.toml) is refused with the message the
manifest names, by the command line, by the Data page's import functions and by the Data page itself, and
the database file is byte-for-byte unchanged after each refusal."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import shutil
import tomllib
from pathlib import Path

import pytest

from mentordash.cli import main
from mentordash.db import connect
from mentordash.ingest.commit import commit
from mentordash.ingest.formats import FORMATS
from mentordash.ingest.pipeline import Options, prepare
from mentordash.ingest.schema import DATASETS
from tests.apptest import app_test, open_url_path
from tests.test_ingest_support import PEOPLE_CSV, SURVEY_CSV, import_file, write

HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile"
MANIFEST = tomllib.loads((HOSTILE / "MANIFEST.toml").read_text(encoding="utf-8"))["files"]


def test_the_folder_covers_every_dataset_and_format():
    files = {p.name for p in HOSTILE.iterdir() if p.suffix in (".csv", ".xlsx")}
    assert files == set(MANIFEST), "every file has its entry in MANIFEST.toml, and every entry its file"
    assert len(files) >= 30
    assert {entry["dataset"] for entry in MANIFEST.values()} == set(DATASETS)
    assert set(FORMATS) <= {entry["format"] for entry in MANIFEST.values()}


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A database holding a roster and a survey wave, closed, opened and closed again (its settled bytes)."""
    folder = tmp_path_factory.mktemp("hostile_template")
    db = connect(folder / "template.duckdb")
    assert import_file(db, write(folder, "roster.csv", PEOPLE_CSV))["status"] == "imported"
    assert import_file(db, write(folder, "s.csv", SURVEY_CSV), survey="Before")["status"] == "imported"
    db.close()
    connect(folder / "template.duckdb").close()
    return folder / "template.duckdb"


@pytest.fixture
def db_path(tmp_path, template) -> Path:
    path = tmp_path / f"hostile_{tmp_path.name}.duckdb"
    shutil.copy(template, path)
    return path


def fingerprint(path: Path) -> tuple[str, str | None]:
    """The database file's bytes, and its write-ahead log's if there is one."""
    wal = path.with_name(path.name + ".wal")
    return (
        hashlib.sha256(path.read_bytes()).hexdigest(),
        hashlib.sha256(wal.read_bytes()).hexdigest() if wal.exists() else None,
    )


def cli_args(entry: dict) -> list[str]:
    options = entry.get("options", {})
    return [
        arg
        for key, flag in (("survey", "--survey"), ("dataset", "--dataset"), ("format", "--format"))
        if key in options
        for arg in (flag, options[key])
    ]


def check_first_error(errors: list[dict], entry: dict, name: str) -> None:
    assert errors, f"{name}: refused without an error"
    first = errors[0]
    assert entry["says"] in first["message"], (name, first)
    assert first["row"] == entry.get("row"), (name, first)
    assert first["column"] == entry.get("column"), (name, first)
    if "value" in entry:
        assert entry["value"] in (first["value"] or ""), (name, first)


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_the_command_line_refuses_and_changes_nothing(db_path, name):
    entry = MANIFEST[name]
    before = fingerprint(db_path)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["import", str(HOSTILE / name), "--db", str(db_path), "--json", *cli_args(entry)])
    assert code == 1, (name, out.getvalue(), err.getvalue())
    report = json.loads(out.getvalue())
    assert report["status"] == "rejected" and report["rows_imported"] == 0 and report["import_id"] is None
    check_first_error(report["errors"], entry, name)
    if "warnings_at_most" in entry:
        assert len(report["warnings"]) <= entry["warnings_at_most"], report["warnings"]
    assert fingerprint(db_path) == before, f"{name}: the database file changed"


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_the_data_page_functions_refuse_and_change_nothing(db_path, name):
    """What mentordash.ui.importer calls with an upload: prepare() on the bytes, then commit()."""
    entry = MANIFEST[name]
    options = entry.get("options", {})
    before = fingerprint(db_path)
    db = connect(db_path)
    try:
        plan = prepare((HOSTILE / name).read_bytes(), name, Options(**options), db)
        report = commit(db, plan, "coordinator@example.org")
    finally:
        db.close()
    assert report["status"] == "rejected" and not plan.ok, (name, report)
    check_first_error(report["errors"], entry, name)
    assert fingerprint(db_path) == before, f"{name}: the database file changed"


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_the_data_page_shows_the_refusal_and_changes_nothing(monkeypatch, db_path, name):
    """The Data page itself (AppTest): the problem listed, Import disabled, the file unchanged."""
    entry = MANIFEST[name]
    options = entry.get("options", {})
    before = fingerprint(db_path)
    at = app_test(monkeypatch, db_path).run()
    open_url_path(at, "data").run()
    kind = "text/csv" if name.endswith(".csv") else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    at.file_uploader(key="import_files").set_value((name, (HOSTILE / name).read_bytes(), kind)).run()
    keys = {widget.key for widget in at.text_input} | {widget.key for widget in at.selectbox}
    if "survey" in options and "f0_survey" in keys:
        at.text_input(key="f0_survey").input(options["survey"]).run()
    if "dataset" in options and "f0_dataset" in keys:
        at.selectbox(key="f0_dataset").set_value(options["dataset"]).run()
    assert not at.exception, [e.value for e in at.exception]
    problems = next(d.value for d in at.dataframe if "message" in d.value.columns)
    assert any(entry["says"] in message for message in problems["message"]), (name, problems["message"].tolist())
    assert any("nothing will be imported" in e.value for e in at.error)
    if "f0_commit" in {b.key for b in at.button}:
        assert at.button(key="f0_commit").disabled
    from mentordash.ui import context

    cached = getattr(context, "_database", None)  # the app's cached connection: closed, so the bytes are final
    if cached is not None:
        cached(str(db_path)).close()
        cached.clear()
    assert fingerprint(db_path) == before, f"{name}: the database file changed"
