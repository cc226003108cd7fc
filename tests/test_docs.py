"""The documentation lives in the repository and stays true to it: every relative link in README.md and
docs/ resolves (anchors too) without leaving the checkout, every doc the code cites exists, every
setting and environment variable is documented, and the README's layout names what is really there."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mentordash.config import DEFAULT_SETTINGS

ROOT = Path(__file__).resolve().parents[1]
DOCS = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md"), *(ROOT / "data").glob("*.md")])
FENCE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$", re.M)
# An environment variable as code reads it ("MENTORDASH_DB" in Python) or as a shell sets it (MENTORDASH_DB=...).
ENV = re.compile(r"""["'](MENTORDASH_[A-Z][A-Z_]*)["']|\b(MENTORDASH_[A-Z][A-Z_]*)=""")


def _prose(path: Path) -> str:
    """The text of a Markdown file without its fenced code blocks (a link in a code block is not a link)."""
    return FENCE.sub("", path.read_text(encoding="utf-8"))


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"[`*_]|\[([^\]]*)\]\([^)]*\)", lambda m: m.group(1) or "", heading).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    seen: dict[str, int] = {}
    anchors = set()
    for heading in HEADING.findall(_prose(path)):
        slug = _slug(heading)
        anchors.add(slug if slug not in seen else f"{slug}-{seen[slug]}")
        seen[slug] = seen.get(slug, 0) + 1
    return anchors


def _links() -> list[tuple[Path, str]]:
    return [(doc, target) for doc in DOCS for target in LINK.findall(_prose(doc))]


def _all_docs_text() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in DOCS)


def test_the_docs_exist():
    names = {p.name for p in (ROOT / "docs").glob("*.md")}
    assert {
        "CONTRIBUTING.md",
        "metrics.md",
        "instruments.md",
        "privacy.md",
        "datasets.md",
        "import-formats.md",
        "command-line.md",
        "benchmarks.md",
    } <= names
    assert len(_links()) > 20  # the parser finds the links it is meant to check


@pytest.mark.parametrize("doc, target", _links(), ids=lambda v: v.name if isinstance(v, Path) else v)
def test_every_relative_link_resolves_inside_the_repository(doc, target):
    where = f"{doc.relative_to(ROOT)} links to {target}"
    if re.match(r"^[a-z][a-z0-9+.-]*:", target):
        assert target.startswith(("https://", "http://", "mailto:")), where
        return
    path_part, _, anchor = target.partition("#")
    resolved = (doc.parent / path_part).resolve() if path_part else doc
    assert not path_part.startswith("/"), f"{where}: an absolute path does not exist in a clone"
    assert resolved.is_relative_to(ROOT), f"{where}: leaves the repository"
    assert ".venv" not in resolved.parts, f"{where}: into the virtual environment"
    assert resolved.exists(), f"{where}: no such file"
    if anchor:
        assert resolved.suffix == ".md", f"{where}: an anchor into a file that is not Markdown"
        assert anchor in _anchors(resolved), f"{where}: no heading gives #{anchor} (has {sorted(_anchors(resolved))})"


def test_no_doc_points_at_the_working_spec():
    for doc in DOCS:
        assert "shared/spec" not in doc.read_text(encoding="utf-8"), f"{doc.relative_to(ROOT)} cites shared/spec"


def _code_files() -> list[Path]:
    found = [ROOT / "app.py", ROOT / "Makefile", ROOT / ".streamlit" / "config.toml"]
    for folder in ("mentordash", "pages", "tests", "benchmarks"):
        for suffix in ("*.py", "*.sql"):
            found += sorted((ROOT / folder).rglob(suffix))
    return [p for p in found if p.exists() and "__pycache__" not in p.parts]


DOC_NAMES = sorted(p.name for p in (ROOT / "docs").glob("*.md") if p.name != "CONTRIBUTING.md")


def test_every_doc_the_code_cites_exists():
    cited = {}
    for path in _code_files():
        text = path.read_text(encoding="utf-8")
        assert path == Path(__file__).resolve() or "shared/spec" not in text, (
            f"{path.relative_to(ROOT)} cites shared/spec, which a clone does not have"
        )
        for name in re.findall(r"\bdocs/([\w.-]+\.md)\b", text):
            cited.setdefault(name, path.relative_to(ROOT))
        for name in DOC_NAMES:
            bare = re.search(rf"(?<![/\w.-]){re.escape(name)}", text)
            assert path == Path(__file__).resolve() or not bare, (
                f"{path.relative_to(ROOT)} cites {name} without its folder: write docs/{name}"
            )
    assert cited, "the code cites no doc: the pattern is wrong"
    missing = {name: str(where) for name, where in cited.items() if not (ROOT / "docs" / name).exists()}
    assert not missing, f"cited but absent from docs/: {missing}"


@pytest.mark.parametrize("key", sorted(DEFAULT_SETTINGS))
def test_every_setting_is_documented(key):
    assert f"`{key}`" in _all_docs_text(), f"setting {key!r} (mentordash/config.py) is in no doc"


@pytest.mark.parametrize("name", sorted(DEFAULT_SETTINGS["cutoffs"]))
def test_every_cutoff_is_documented(name):
    assert f"`{name}`" in (ROOT / "docs" / "instruments.md").read_text(encoding="utf-8"), (
        f"cut-off {name!r} is missing from docs/instruments.md"
    )


def _environment_variables() -> dict[str, Path]:
    found = {}
    for path in [*_code_files(), ROOT / ".ci" / "run"]:
        if path.exists() and path != Path(__file__).resolve():
            for quoted, assigned in ENV.findall(path.read_text(encoding="utf-8")):
                found.setdefault(quoted or assigned, path.relative_to(ROOT))
    return found


def test_every_environment_variable_is_documented():
    variables = _environment_variables()
    assert {"MENTORDASH_DB", "MENTORDASH_MEMORY_LIMIT"} <= set(variables)
    text = _all_docs_text()
    missing = {name: str(where) for name, where in variables.items() if name not in text}
    assert not missing, f"environment variables read by the code but in no doc: {missing}"


# --- the README's layout -------------------------------------------------------------------------


def _layout() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Layout", 1)[1]
    return FENCE.search(section).group(0)


def test_the_layout_names_every_top_level_folder():
    layout = _layout()
    ignored = {".git", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis"}  # tools' caches
    folders = [p.name for p in ROOT.iterdir() if p.is_dir() and p.name not in ignored]
    missing = [name for name in folders if not re.search(rf"(^|\s){re.escape(name)}/", layout, re.M)]
    assert not missing, f"top-level folders missing from the README's layout: {missing}"


def test_the_layout_names_every_module():
    layout = _layout()
    modules = [
        p
        for folder in ("mentordash", "benchmarks")
        for p in sorted((ROOT / folder).rglob("*.py"))
        if p.name != "__init__.py" and "__pycache__" not in p.parts
    ]
    missing = [str(p.relative_to(ROOT)) for p in modules if not re.search(rf"\b{re.escape(p.name)}\b", layout)]
    assert not missing, f"modules missing from the README's layout: {missing}"
