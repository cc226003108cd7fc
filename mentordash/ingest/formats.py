"""Which tool wrote the export, and its layout: header rows, source column names, question text,
checkbox groups, and the rows that are not responses (previews, tests, spam, repeated headers).

docs/import-formats.md describes every layout handled here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from mentordash.ingest.problems import file_problem
from mentordash.ingest.read import ROW, RawFile

FORMATS = ("generic", "redcap", "qualtrics", "surveymonkey", "google_forms", "ms_forms")
FORMAT_LABELS = {
    "generic": "Generic CSV (canonical columns)",
    "redcap": "REDCap",
    "qualtrics": "Qualtrics",
    "surveymonkey": "SurveyMonkey",
    "google_forms": "Google Forms",
    "ms_forms": "Microsoft Forms",
}
REDCAP_META = (
    "redcap_event_name",
    "redcap_repeat_instrument",
    "redcap_repeat_instance",
    "redcap_survey_identifier",
    "redcap_data_access_group",
)
REDCAP_LABEL_META = (
    "Event Name",
    "Repeat Instrument",
    "Repeat Instance",
    "Survey Identifier",
    "Survey Timestamp",
    "Data Access Group",
)
CHOICE_HEADER = re.compile(r"^(?P<base>.*\S)\s*\(choice=(?P<code>.*)\)$")
REDCAP_CHECKBOX = re.compile(r"^(?P<base>[a-z][a-z0-9_]*)___(?P<code>[A-Za-z0-9_.-]+)$")
QUALTRICS_SPLIT = re.compile(r"^(?P<base>Q\w*?\d+)_(?P<code>\d+)$")
# Qualtrics Status: numeric codes and their text; everything but a normal response is skipped.
QUALTRICS_NOT_RESPONSES = {
    "1": "survey preview",
    "2": "survey test",
    "8": "spam",
    "9": "spam",
    "12": "spam",
    "17": "survey preview",
    "survey preview": "survey preview",
    "survey test": "survey test",
    "spam": "spam",
    "preview spam": "spam",
    "imported spam": "spam",
    "offline survey preview": "survey preview",
}


@dataclass
class SourceColumn:
    name: str  # as [columns] names it (docs/import-formats.md / docs/datasets.md)
    question: str = ""  # the question text or label shown beside the name
    members: tuple[tuple[str, str, str], ...] = ()  # a group: (code, member column name, label)


@dataclass
class Layout:
    format: str
    variant: str
    header_rows: int
    columns: list[SourceColumn]
    data: pa.Table  # one text column per source column (by name), and __row
    skipped: list[dict] = field(default_factory=list)
    multi_separator: str = ";"  # how the tool joins several answers in one cell
    roles: dict[str, str] = field(default_factory=dict)  # response_id, submitted_at, finished -> source name
    checked_words: tuple[str, ...] = ("1",)  # what a checkbox member cell holds when ticked
    spans: dict[int, tuple[int, int]] = field(default_factory=dict)  # RawFile.spans: multi-line records

    def column(self, name: str) -> SourceColumn | None:
        return next((c for c in self.columns if c.name == name), None)

    def has(self, name: str) -> bool:
        return self.column(name) is not None

    @property
    def rows_read(self) -> int:
        return self.data.num_rows + len(self.skipped)


def detect(raw: RawFile) -> str:
    header = raw.row(0) if raw.records.num_rows else []
    row2 = raw.row(2) if raw.records.num_rows > 2 else []
    row1 = raw.row(1) if raw.records.num_rows > 1 else []
    if any(cell.startswith('{"ImportId"') for cell in row2):
        return "qualtrics"
    if header[:2] == ["V1", "V2"] and "ResponseID" in row1:
        return "qualtrics"
    if "Respondent ID" in header and "Collector ID" in header:
        return "surveymonkey"
    if header[:3] == ["ID", "Start time", "Completion time"]:
        return "ms_forms"
    if header and header[0] == "Timestamp":
        return "google_forms"
    if any(h in REDCAP_META or h.endswith("_complete") or REDCAP_CHECKBOX.match(h) for h in header):
        return "redcap"
    if any(CHOICE_HEADER.match(h) or h.endswith("Complete?") or h in REDCAP_LABEL_META for h in header):
        return "redcap"
    return "generic"


def parse(raw: RawFile, fmt: str = "auto") -> Layout:
    if raw.records.num_rows == 0:
        raise file_problem("The file holds no rows at all.")
    fmt = detect(raw) if fmt in (None, "", "auto") else fmt
    if fmt not in FORMATS:
        raise file_problem(f"Unknown format {fmt!r}: choose one of auto, {', '.join(FORMATS)}.")
    layout = PARSERS[fmt](raw)
    layout.spans = getattr(raw, "spans", {})
    layout = _skip_repeated_headers(raw, layout)
    if layout.data.num_rows == 0 and not layout.skipped:
        raise file_problem(
            f"The file has only its header row{'s' if layout.header_rows > 1 else ''}: "
            "there are no responses or records in it."
        )
    return layout


# --- per-tool layouts ----------------------------------------------------------------------------
def _generic(raw: RawFile) -> Layout:
    names = _unique([h.strip() for h in raw.row(0)])
    return _layout(raw, "generic", "", 1, names, names)


def _redcap(raw: RawFile) -> Layout:
    header = [h.strip() for h in raw.row(0)]
    if any(CHOICE_HEADER.match(h) or h.endswith("Complete?") or h in REDCAP_LABEL_META for h in header):
        layout = _layout(raw, "redcap", "labels", 1, _unique(header), header, CHOICE_HEADER)
        layout.checked_words = ("checked",)
        layout.roles = {"response_id": header[0]}
        stamp = next((h for h in header if h.lower().endswith("timestamp")), None)
        if stamp:
            layout.roles["submitted_at"] = stamp
        return layout
    layout = _layout(raw, "redcap", "raw", 1, _unique(header), header, REDCAP_CHECKBOX)
    layout.roles = {"response_id": header[0]}
    stamp = next((h for h in header if h.endswith("_timestamp")), None)
    if stamp:
        layout.roles["submitted_at"] = stamp
    return layout


def _qualtrics(raw: RawFile) -> Layout:
    ids, questions = [h.strip() for h in raw.row(0)], raw.row(1)
    legacy = ids[:2] == ["V1", "V2"]
    layout = _layout(
        raw,
        "qualtrics",
        "legacy" if legacy else "current",
        2 if legacy else 3,
        _unique(ids),
        questions,
        QUALTRICS_SPLIT,
        member_label=_after_dash,
    )
    layout.multi_separator = ","
    by_meaning = {q.strip().lower() if legacy else i.lower(): i for i, q in zip(ids, questions)}
    for role, keys in {
        "response_id": ("responseid",),
        "submitted_at": ("recordeddate", "enddate"),
        "finished": ("finished",),
        "status": ("status",),
    }.items():
        found = next((by_meaning[k] for k in keys if k in by_meaning), None)
        if found:
            layout.roles[role] = found
    if "status" in layout.roles:
        _skip_where(layout, layout.roles["status"], QUALTRICS_NOT_RESPONSES)
    return layout


def _surveymonkey(raw: RawFile) -> Layout:
    top, sub = raw.row(0), raw.row(1)
    carried, current = [], ""
    for question, option in zip(top, sub):
        current = question.strip() if question.strip() or not option.strip() else current
        carried.append(current)
    spans = {q: carried.count(q) for q in carried}
    names = [q if spans[q] == 1 or not o.strip() else f"{q} | {o.strip()}" for q, o in zip(carried, sub)]
    layout = _layout(raw, "surveymonkey", "", 2, _unique(names), names)
    _add_surveymonkey_groups(layout, carried, sub, spans)
    layout.multi_separator = ","
    layout.roles = {"response_id": "Respondent ID", "submitted_at": "End Date"}
    return layout


def _add_surveymonkey_groups(layout: Layout, carried, sub, spans) -> None:
    """A multi-column question is a group whose member cells hold the option text when chosen."""
    for question in dict.fromkeys(q for q in carried if spans[q] > 1):
        members = tuple((o.strip(), f"{q} | {o.strip()}", o.strip()) for q, o in zip(carried, sub) if q == question)
        layout.columns.append(SourceColumn(question, question, members))


def _google_forms(raw: RawFile) -> Layout:
    names = _unique([h.strip() for h in raw.row(0)])
    layout = _layout(raw, "google_forms", "", 1, names, names)
    layout.multi_separator = ", "
    layout.roles = {"submitted_at": "Timestamp"}
    return layout


def _ms_forms(raw: RawFile) -> Layout:
    names = _unique([h.strip() for h in raw.row(0)])
    layout = _layout(raw, "ms_forms", "", 1, names, names)
    layout.roles = {"response_id": "ID", "submitted_at": "Completion time"}
    return layout


PARSERS = {
    "generic": _generic,
    "redcap": _redcap,
    "qualtrics": _qualtrics,
    "surveymonkey": _surveymonkey,
    "google_forms": _google_forms,
    "ms_forms": _ms_forms,
}


# --- shared pieces -------------------------------------------------------------------------------
def _layout(
    raw: RawFile,
    fmt: str,
    variant: str,
    header_rows: int,
    names: list[str],
    questions: list[str],
    group_pattern: re.Pattern | None = None,
    member_label=None,
) -> Layout:
    if raw.records.num_rows < header_rows:
        raise file_problem(
            f"This looks like a {FORMAT_LABELS[fmt]} export, but it has fewer than its {header_rows} header rows."
        )
    data = raw.records.slice(header_rows)
    data = data.rename_columns(names + [ROW])
    columns = [SourceColumn(n, q.strip()) for n, q in zip(names, questions)]
    if group_pattern:
        columns += _groups(names, questions, group_pattern, member_label)
    return Layout(fmt, variant, header_rows, columns, data)


def _groups(names, questions, pattern, member_label) -> list[SourceColumn]:
    """Checkbox fields exported one column per choice, gathered under their base name."""
    found: dict[str, list[tuple[str, str, str]]] = {}
    first_question: dict[str, str] = {}
    for name, question in zip(names, questions):
        match = pattern.match(name)
        if match:
            base, code = match["base"].strip(), match["code"].strip()
            label = member_label(question) if member_label else code
            found.setdefault(base, []).append((code, name, label))
            first_question.setdefault(base, question)
    return [
        SourceColumn(base, _before_dash(first_question[base]), tuple(members))
        for base, members in found.items()
        if base not in names
    ]


def _after_dash(question: str) -> str:
    return question.rsplit(" - ", 1)[-1].strip()


def _before_dash(question: str) -> str:
    return question.rsplit(" - ", 1)[0].strip()


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        name = name or "(blank header)"
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return unique


def _skip_where(layout: Layout, column: str, reasons: dict[str, str]) -> None:
    """Drop the rows whose cell means 'not a response', counting each with its reason."""
    cells = pc.utf8_lower(pc.utf8_trim_whitespace(layout.data[column]))
    reason = pc.index_in(cells, value_set=pa.array(list(reasons)))
    drop = pc.is_valid(reason)
    if not pc.any(drop).as_py():
        return
    labels = list(reasons.values())
    dropped = layout.data.filter(drop)
    codes = reason.filter(drop)
    layout.skipped += [{"row": r, "reason": labels[c]} for r, c in zip(dropped[ROW].to_pylist(), codes.to_pylist())]
    layout.data = layout.data.filter(pc.invert(drop))


def _skip_repeated_headers(raw: RawFile, layout: Layout) -> Layout:
    """Concatenated exports repeat the header row in the middle: those rows are not data."""
    header = raw.row(0)
    cell_names = [n for n in layout.data.column_names if n != ROW]
    if not cell_names or layout.data.num_rows == 0:
        return layout
    same = pc.equal(layout.data[cell_names[0]], header[0])
    for name, value in zip(cell_names[1:], header[1:]):
        same = pc.and_(same, pc.equal(layout.data[name], value))
    if pc.any(same).as_py():
        layout.skipped += [{"row": r, "reason": "repeated header"} for r in layout.data.filter(same)[ROW].to_pylist()]
        layout.data = layout.data.filter(pc.invert(same))
    return layout
