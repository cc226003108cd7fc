"""Which tool wrote the export, and its layout: header rows, source column names, question text,
checkbox groups, and the rows that are not responses (previews, tests, spam, repeated headers).

docs/import-formats.md describes every layout handled here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from mentordash.ingest.problems import Problem, Rejected, file_problem
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
    notes: list[str] = field(default_factory=list)  # what is off in the layout, said as warnings
    numeric: bool = False  # a numeric ("values") export: choice codes where labels are expected

    def column(self, name: str) -> SourceColumn | None:
        return next((c for c in self.columns if c.name == name), None)

    def has(self, name: str) -> bool:
        return self.column(name) is not None

    @property
    def rows_read(self) -> int:
        return self.data.num_rows + len(self.skipped)


# --- recognition by structure (issue 14): metadata columns and extra header rows, whatever their case --
BOM_TEXTS = ("\ufeff", "\u00ef\u00bb\u00bf")  # a BOM, and a UTF-8 BOM read as Windows-1252 by a re-save
QUALTRICS_META = {
    "startdate",
    "enddate",
    "status",
    "ipaddress",
    "progress",
    "duration (in seconds)",
    "finished",
    "recordeddate",
    "responseid",
    "recipientlastname",
    "recipientfirstname",
    "recipientemail",
    "externalreference",
    "externaldatareference",
    "locationlatitude",
    "locationlongitude",
    "distributionchannel",
    "userlanguage",
}
SURVEYMONKEY_META = {"respondentid", "collectorid", "startdate", "enddate", "ipaddress", "emailaddress", "firstname"}
MS_FORMS_META = {"id", "starttime", "completiontime", "email", "name", "lastmodifiedtime"}
# Google Sheets names the first column by the spreadsheet's language.
GOOGLE_TIMESTAMPS = {
    "timestamp",
    "marca temporal",
    "horodateur",
    "zeitstempel",
    "carimbo de data/hora",
    "informazioni cronologiche",
    "tijdstempel",
    "sygnatura czasowa",
}
IMPORT_ID = re.compile(r"""^\s*\{\s*["']?importid["']?\s*:""", re.IGNORECASE)
LOOKS_LIKE_DATE = re.compile(r"^\s*(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4})")
QUALTRICS_RESPONSE = re.compile(r"^R_[A-Za-z0-9]+$")


def clean(cell: str) -> str:
    """A header cell without the BOM or spaces an Excel re-save leaves around it."""
    text = cell.strip()
    for bom in BOM_TEXTS:
        if text.startswith(bom):
            text = text[len(bom) :].strip()
    return text


def _key(cell: str) -> str:
    """Case and spaces folded: 'Respondent ID', 'RespondentID' and 'respondent id' meet."""
    return re.sub(r"\s+", "", clean(cell).lower())


def _import_id_row(cells: list[str]) -> bool:
    """Qualtrics' third header row: {"ImportId":"QID1"} (or {'ImportId': 'QID1'}) over most columns."""
    filled = [c for c in cells if c.strip()]
    found = sum(1 for c in filled if IMPORT_ID.match(c))
    return found > 0 and found * 2 >= len(filled)


def detect(raw: RawFile) -> str:
    n = raw.records.num_rows
    header = [clean(h) for h in raw.row(0)] if n else []
    lower = [h.lower() for h in header]
    keys = [_key(h) for h in header]
    row1 = raw.row(1) if n > 1 else []
    row2 = raw.row(2) if n > 2 else []
    if _import_id_row(row2) or _import_id_row(row1):
        return "qualtrics"
    if header[:2] == ["V1", "V2"] and "ResponseID" in row1:
        return "qualtrics"
    if "respondentid" in keys and "collectorid" in keys:
        return "surveymonkey"
    if keys and keys[0] == "id" and "starttime" in keys and "completiontime" in keys:
        return "ms_forms"
    if lower and lower[0] in GOOGLE_TIMESTAMPS:
        return "google_forms"
    if len(set(lower) & QUALTRICS_META) >= 3 and ("responseid" in lower or "recordeddate" in lower):
        return "qualtrics"
    if any(h in REDCAP_META or h.endswith("_complete") or REDCAP_CHECKBOX.match(h) for h in header):
        return "redcap"
    if lower and lower[0] == "record_id" and any(h.endswith("_timestamp") for h in lower[1:]):
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
    names = _unique([clean(h) for h in raw.row(0)])
    return _layout(raw, "generic", "", 1, names, names)


def _redcap(raw: RawFile) -> Layout:
    header = [clean(h) for h in raw.row(0)]
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
    ids = [clean(h) for h in raw.row(0)]
    legacy = ids[:2] == ["V1", "V2"]
    if legacy:
        header_rows, questions, notes = 2, raw.row(1), []
    else:
        header_rows, questions, notes = _qualtrics_header_rows(raw, ids)
    layout = _layout(
        raw,
        "qualtrics",
        "legacy" if legacy else "current",
        header_rows,
        _unique(ids),
        questions,
        QUALTRICS_SPLIT,
        member_label=_after_dash,
    )
    layout.notes += notes
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
    layout.numeric = _qualtrics_numeric(layout)
    if "status" in layout.roles:
        _skip_where(layout, layout.roles["status"], QUALTRICS_NOT_RESPONSES)
    return layout


def _qualtrics_header_rows(raw: RawFile, ids: list[str]) -> tuple[int, list[str], list[str]]:
    """How many header rows this export really has, read from the rows themselves: row 2 the question
    text and row 3 the ImportIds when both are there; a row that holds a response starts the data."""
    n = raw.records.num_rows
    kinds = [_qualtrics_row_kind(raw.row(i), ids) for i in (1, 2) if i < n]
    missing_text = "its second header row (the question text)"
    missing_ids = 'its third header row (the ImportIds, {"ImportId":"QID1"})'
    if not kinds:
        return 3, ids, []
    if kinds[0] == "import_ids":
        return 2, ids, [_missing_rows_note("Qualtrics", [missing_text], 3)]
    if kinds[0] == "response":
        return 1, ids, [_missing_rows_note("Qualtrics", [missing_text, missing_ids], 2)]
    if len(kinds) == 1 or kinds[1] in ("import_ids", "text?"):
        return 3, raw.row(1), []  # three header rows (or too few rows: _layout says so)
    if kinds[1] == "response":
        return 2, raw.row(1), [_missing_rows_note("Qualtrics", [missing_ids], 3)]
    shown = next((c for c in raw.row(2) if c.strip()), "")
    raise Rejected(
        [
            Problem(
                3,
                None,
                shown[:80],
                "This looks like a Qualtrics export (its columns "
                f"{', '.join(i for i in ids if i.lower() in QUALTRICS_META)[:120]}), but row 3 is neither its "
                'ImportId row ({"ImportId":"QID1"} over each column) nor a response. Export the data again '
                'from Qualtrics ("Data & Analysis" > "Export & Import" > "Export data", CSV) and upload that '
                "file unchanged.",
            )
        ]
    )


def _qualtrics_row_kind(cells: list[str], ids: list[str]) -> str:
    """import_ids, response (dates and response ids where the header says so), text (question text),
    or text? when the file has none of the columns that tell a response from text."""
    if _import_id_row(cells):
        return "import_ids"
    told = None
    for name, cell in zip(ids, cells):
        name, cell = name.lower(), cell.strip()
        if name in ("startdate", "enddate", "recordeddate") and cell:
            told = told or bool(LOOKS_LIKE_DATE.match(cell))
        elif name == "responseid" and cell:
            told = told or bool(QUALTRICS_RESPONSE.match(cell))
    return "text?" if told is None else "response" if told else "text"


def _qualtrics_numeric(layout: Layout) -> bool:
    """A numeric ("values") export writes Status and Finished as codes (0, 1), a choice-text export
    as words (IP Address, True)."""
    for role in ("status", "finished"):
        name = layout.roles.get(role)
        if name:
            cells = [c.strip() for c in layout.data[name].to_pylist()[:1000] if c and c.strip()]
            if cells:
                return all(c.isdigit() for c in cells)
    return False


def _missing_rows_note(tool: str, missing: list[str], first_data_row: int) -> str:
    return (
        f"This {tool} export lacks {' and '.join(missing)}: the responses are read from row "
        f"{first_data_row} on, and columns are named by their header only."
    )


def _surveymonkey(raw: RawFile) -> Layout:
    top = [clean(h) for h in raw.row(0)]
    keys = [_key(h) for h in top]
    rid = keys.index("respondentid") if "respondentid" in keys else None
    second = raw.row(1) if raw.records.num_rows > 1 else None
    if second is not None and rid is not None and second[rid].strip():
        # Row 2 holds a respondent id: the row of options under each question is missing.
        carried, current = [], ""
        for name in top:
            current = name or current
            carried.append(current)
        layout = _layout(raw, "surveymonkey", "", 1, _unique(carried), carried)
        layout.notes.append(
            _missing_rows_note(
                "SurveyMonkey", ["its second header row ('Response', 'Open-Ended Response' or the options)"], 2
            )
            + " A question answered in several columns shows them as '<question> (2)', '(3)', ..."
        )
    else:
        sub = second or [""] * len(top)
        carried, current = [], ""
        for question, option in zip(top, sub):
            current = question.strip() if question.strip() or not option.strip() else current
            carried.append(current)
        spans = {q: carried.count(q) for q in carried}
        names = [q if spans[q] == 1 or not o.strip() else f"{q} | {o.strip()}" for q, o in zip(carried, sub)]
        layout = _layout(raw, "surveymonkey", "", 2, _unique(names), names)
        _add_surveymonkey_groups(layout, carried, sub, spans)
    layout.multi_separator = ","
    names = [c.name for c in layout.columns]
    layout.roles = {}
    if rid is not None:
        layout.roles["response_id"] = names[rid]
    if "enddate" in keys:
        layout.roles["submitted_at"] = names[keys.index("enddate")]
    return layout


def _add_surveymonkey_groups(layout: Layout, carried, sub, spans) -> None:
    """A multi-column question is a group whose member cells hold the option text when chosen."""
    for question in dict.fromkeys(q for q in carried if spans[q] > 1):
        members = tuple((o.strip(), f"{q} | {o.strip()}", o.strip()) for q, o in zip(carried, sub) if q == question)
        layout.columns.append(SourceColumn(question, question, members))


def _google_forms(raw: RawFile) -> Layout:
    names = _unique([clean(h) for h in raw.row(0)])
    layout = _layout(raw, "google_forms", "", 1, names, names)
    layout.multi_separator = ", "
    layout.roles = {"submitted_at": names[0]}  # Timestamp, in the sheet's language
    return layout


def _ms_forms(raw: RawFile) -> Layout:
    names = _unique([clean(h) for h in raw.row(0)])
    layout = _layout(raw, "ms_forms", "", 1, names, names)
    keys = [_key(n) for n in names]
    for role, key in (("response_id", "id"), ("submitted_at", "completiontime")):
        if key in keys:
            layout.roles[role] = names[keys.index(key)]
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
