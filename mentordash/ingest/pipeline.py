"""One export from bytes to a checked plan: read -> detect format -> parse layout -> map -> validate.

The data page and the command line both call prepare() and then commit.commit(): one pipeline.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from mentordash.db import Database
from mentordash.ingest import excel, ids, read, schema
from mentordash.ingest.formats import FORMAT_LABELS, Layout, parse
from mentordash.ingest.mapping import (
    CERTAIN,
    Choices,
    Dictionary,
    Guess,
    Mapping,
    dictionary_from_rows,
    guess,
    mapping_from_guesses,
)
from mentordash.ingest.problems import Problem, Rejected
from mentordash.ingest.validate import Validated, validate

ROSTER_REFERENCES = {
    "survey": ("person_id",),
    "mentorships": ("mentee_id",),
    "meetings": ("mentee_id",),
    "outcomes": ("person_id",),
}


@dataclass
class Options:
    dataset: str | None = None
    format: str = "auto"
    mapping: Mapping | None = None  # None: the suggested mapping
    dictionary: Dictionary | None = None
    survey: str | None = None
    date_order: str | None = None
    encoding: str | None = None  # None: detected
    delimiter: str | None = None  # None: detected
    sheet: str | None = None  # a workbook's sheet; None: the only one holding data (excel.py)
    header_row: int | None = None  # a workbook's header row as Excel numbers it; None: detected
    progress: Callable[[float, str], None] | None = None  # told while a long workbook is read
    drop_unresolved: bool = False  # leave out optional choice columns whose values cannot be resolved
    accept: tuple[str, ...] = (CERTAIN,)  # without a mapping: the guesses applied (mapping.CONFIDENCES)


@dataclass
class Plan:
    name: str
    raw: read.RawFile | None = None
    layout: Layout | None = None
    mapping: Mapping | None = None
    validated: Validated | None = None
    problems: list[Problem] = field(default_factory=list)
    guesses: list[Guess] = field(default_factory=list)  # without a mapping: every guess, applied or not

    @property
    def ok(self) -> bool:
        return self.validated is not None and not self.problems

    @property
    def dataset(self) -> str | None:
        return self.mapping.dataset if self.mapping else None

    @property
    def warnings(self) -> list[str]:
        return self.validated.warnings if self.validated else []

    @property
    def skipped(self) -> list[dict]:
        return self.layout.skipped if self.layout else []

    def report(
        self, status: str, rows_imported: int = 0, also_skipped: list[dict] | None = None, import_id: str | None = None
    ) -> dict:
        """The object `import --json` prints (docs/command-line.md)."""
        skipped = self.skipped + (also_skipped or [])
        return {
            "status": status,
            "dataset": self.dataset,
            "format": self.layout.format if self.layout else None,
            "encoding": self.raw.encoding if self.raw else None,
            "rows_read": self.layout.rows_read if self.layout else 0,
            "rows_imported": rows_imported,
            "rows_skipped": len(skipped),
            "skipped": skipped,
            "errors": [p.as_dict() for p in self.problems],
            "warnings": self.warnings,
            "import_id": import_id,
        }


def prepare(
    source: bytes | str | Path, name: str | None = None, options: Options | None = None, db: Database | None = None
) -> Plan:
    """Everything short of writing: a plan that is ok, or that lists every problem found."""
    options = options or Options()
    plan = Plan(name or (Path(source).name if isinstance(source, (str, Path)) else "upload.csv"))
    with db.every_core() if db is not None else nullcontext():  # its checks read a whole export
        return _prepare(plan, source, options, db)


def _prepare(plan: Plan, source: bytes | str | Path, options: Options, db: Database | None) -> Plan:
    try:
        if excel.is_workbook(plan.name):
            plan.raw = excel.load(source, plan.name, options.sheet, options.header_row, options.progress)
        else:
            plan.raw = read.load(source, plan.name, options.encoding, options.delimiter)
        # the parser's scratch pages, kept by Arrow's allocator, back to the system before validating
        # builds its table beside the cells (about 50 MB for a 1M-row file)
        pa.default_memory_pool().release_unused()
        plan.layout = parse(
            plan.raw, options.mapping.format if options.mapping and options.format == "auto" else options.format
        )
        plan.mapping = effective_mapping(plan.layout, options, plan.guesses)
        key = ids.stored_key(db) if db is not None and _derives_ids(plan) else None  # never drawn here
        plan.validated = validate(plan.layout, plan.mapping, options.dictionary, options.drop_unresolved, key)
        plan.problems = plan.validated.problems
        # what the workbook reader decided, and what is off in the layout
        plan.validated.warnings[:0] = getattr(plan.raw, "notes", []) + plan.layout.notes
        if plan.layout.numeric and not plan.mapping.values and not any(NUMERIC in p.message for p in plan.problems):
            plan.validated.warnings.insert(0, numeric_note(plan.layout))
        if plan.ok and plan.validated.table.num_rows == 0:
            plan.validated.warnings.insert(0, nothing_to_import(plan))
        if db is not None and plan.ok:
            plan.validated.warnings += unknown_people_warnings(db, plan.validated)
    except Rejected as rejected:
        plan.problems = rejected.problems
    return plan


def release_cells(plan: Plan) -> None:
    """Let go of the file's cells once the plan is checked: the commit writes only the validated table,
    and a large file's text kept beside what the database builds while writing it would add to the peak
    memory. The row numbers stay, so the report still counts the rows read."""
    if plan.raw is not None:
        plan.raw.records = plan.raw.records.select([read.ROW])
    if plan.layout is not None:
        plan.layout.data = plan.layout.data.select([read.ROW])
    pa.default_memory_pool().release_unused()  # Arrow's allocator keeps the freed pages otherwise


def _derives_ids(plan: Plan) -> bool:
    return plan.layout.format == "google_forms" and "response_id" not in plan.mapping.columns


NUMERIC = "This is a numeric export"


def numeric_note(layout: Layout) -> str:
    return (
        f"{NUMERIC} ({FORMAT_LABELS[layout.format]}): its choice questions hold codes (1, 2, ...) where labels "
        "are expected. Map the codes of the columns you import (the value choices on the data page, or "
        "[values.*] in a mapping file), or re-export with choice text."
    )


NOT_RESPONSES = ("survey preview", "survey test", "spam")


def nothing_to_import(plan: Plan) -> str:
    """What a file with no row to import holds instead: tests and previews, or rows of other forms."""
    skipped = plan.skipped
    reasons = {s["reason"] for s in skipped}
    if skipped and reasons <= set(NOT_RESPONSES):
        kinds = "survey tests or previews" + (" or spam" if "spam" in reasons else "")
        return f"0 responses: all {len(skipped)} rows are {kinds} (skipped)."
    if skipped:
        counted = ", ".join(f"{sum(1 for s in skipped if s['reason'] == r)} {r}" for r in sorted(reasons))
        return f"0 rows to import: all {len(skipped)} rows are skipped ({counted})."
    return "0 rows to import."


def effective_mapping(layout: Layout, options: Options, guesses: list[Guess] | None = None) -> Mapping:
    """The mapping given, or the one of the guesses options.accept takes (`guesses` receives all of them)."""
    dataset = options.dataset or (options.mapping.dataset if options.mapping else None) or infer_dataset(layout)
    if dataset not in schema.DATASETS:
        raise Rejected([Problem(None, None, dataset, f"Unknown dataset: use one of {', '.join(schema.DATASETS)}.")])
    if options.mapping and options.mapping.dataset != dataset:
        raise Rejected(
            [
                Problem(
                    None,
                    None,
                    options.mapping.dataset,
                    f"The mapping is for {options.mapping.dataset}, but the import is for {dataset}.",
                )
            ]
        )
    mapping = options.mapping
    if mapping is None:
        choices: Choices = {}  # read once, for the guesses and the value tables
        found = guess(layout, dataset, options.dictionary, choices)
        if guesses is not None:
            guesses[:] = found
        mapping = mapping_from_guesses(layout, dataset, found, options.dictionary, options.accept, choices)
    mapping = replace(mapping, constants=dict(mapping.constants), columns=dict(mapping.columns))
    if options.survey:
        mapping.constants["survey"] = options.survey
        mapping.columns.pop("survey", None)  # the name given for the whole file wins
    if options.date_order:
        mapping.date_order = options.date_order
    return mapping


def infer_dataset(layout: Layout) -> str:
    """A survey tool's export is a survey; a generic file is the dataset whose columns it has."""
    if layout.format != "generic":
        return "survey"
    headers = {c.name for c in layout.columns}

    def fit(dataset: str) -> tuple[bool, int]:
        names = [c.name for c in schema.columns(dataset)]
        required = [c.name for c in schema.columns(dataset) if c.required and c.name != "survey"]
        return all(r in headers for r in required), len(headers & set(names))

    return max(schema.DATASETS, key=fit)


def unknown_people_warnings(db: Database, validated: Validated) -> list[str]:
    """Warn (never block) about ids the roster does not hold yet: the roster may come later."""
    warnings = []
    for column in ROSTER_REFERENCES.get(validated.dataset, ()):
        if column not in validated.table.column_names:
            continue
        roster = pa.array([r[0] for r in db.rows("SELECT person_id FROM people")], pa.string())
        ids = pc.drop_null(pc.unique(validated.table[column]))
        unknown = ids.filter(pc.invert(pc.is_in(ids, value_set=roster)))
        if len(unknown):
            sample = ", ".join(unknown.to_pylist()[:5])
            warnings.append(
                f"{len(unknown)} {column} values are not in the roster (e.g. {sample}): imported, "
                "and counted as unknown until the roster holds them."
            )
    return warnings


def read_dictionary(source: bytes | str | Path, name: str | None = None) -> Dictionary:
    """A REDCap data dictionary export, for its field labels and choices."""
    layout = parse(read.load(source, name), "generic")
    return dictionary_from_rows(layout.data.drop_columns([read.ROW]).to_pylist())
