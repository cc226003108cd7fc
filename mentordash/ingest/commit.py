"""Writing: one import is one transaction (all rows or none), deduplicated against what is stored;
undo removes exactly what an import added and restores what it replaced; the history; saved mappings.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from mentordash.db import Database
from mentordash.ingest import ids, schema
from mentordash.ingest.mapping import Mapping, dumps, loads
from mentordash.ingest.pipeline import Plan, nothing_to_import
from mentordash.ingest.read import ROW

# Rows inserted per statement, so a progress bar can move on very large files. Each statement costs:
# a 1M-row survey file wrote in 2.0-2.7 s as one statement, in 3.3-4.3 s as four of 250,000 (and held
# more memory meanwhile).
CHUNK_ROWS = 1_000_000
Progress = Callable[[float, str], None]


class UndoError(Exception):
    def __init__(self, message: str, usage: bool = False):
        super().__init__(message)
        self.usage = usage  # the command was used wrongly (no such import), not refused


def commit(db: Database, plan: Plan, user: str, progress: Progress | None = None) -> dict:
    """Import a checked plan; the report of docs/command-line.md. Nothing is written unless every row is."""
    if not plan.ok:
        return plan.report("rejected")
    earlier = db.scalar("SELECT import_id FROM imports WHERE sha256 = ? AND status = 'imported'", [plan.raw.sha256])
    if earlier:
        return plan.report("already_imported", import_id=earlier)
    dataset, table = plan.dataset, plan.validated.table
    if table.num_rows == 0:  # only tests and previews, say: nothing was imported before either
        report = plan.report("nothing_to_import")
        message = nothing_to_import(plan)
        if message not in report["warnings"]:
            report["warnings"].insert(0, message)
        return report
    with db.transaction() as cur:
        if plan.validated.row_digests is not None:  # derived ids, keyed with this database's secret
            keyed = ids.keyed_ids(ids.response_id_key(cur), plan.validated.row_digests)
            table = table.set_column(table.column_names.index("response_id"), "response_id", keyed)
        table, earlier_ids = _stored_with_legacy_ids(cur, table, plan.validated.legacy_ids)
        import_id = _next_import_id(cur)
        writer = _upsert if dataset in schema.UPSERT else _insert_new
        added, skipped = writer(cur, dataset, table, import_id, progress or (lambda f, t: None))
        skipped = sorted(earlier_ids + skipped, key=lambda s: s["row"])
        if added:
            cur.execute(
                "INSERT INTO imports (import_id, imported_at, imported_by, file_name, sha256, dataset, format, rows, "
                "status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'imported')",
                [import_id, datetime.now(), user, plan.name, plan.raw.sha256, dataset, plan.layout.format, added],
            )
            Database.bump_data_version(cur)
    if not added:
        return plan.report("already_imported", also_skipped=skipped)
    return plan.report("imported", added, skipped, import_id)


LEGACY_ID_LENGTH = len("gf_") + 20  # Google Forms ids as MentorDash derived them before issue 14


def _stored_with_legacy_ids(cur, table: pa.Table, legacy: pa.Array | None) -> tuple[pa.Table, list[dict]]:
    """Rows stored by an earlier version under the id it derived then: already imported, not added again."""
    if legacy is None:
        return table, []
    stored = cur.execute(
        "SELECT survey, response_id FROM survey WHERE starts_with(response_id, 'gf_') AND length(response_id) = ?",
        [LEGACY_ID_LENGTH],
    ).fetchall()
    if not stored:
        return table, []
    pairs = set(stored)
    found = [(s, i) in pairs for s, i in zip(table["survey"].to_pylist(), legacy.to_pylist())]
    if not any(found):
        return table, []
    mask = pa.array(found, pa.bool_())
    skipped = [{"row": r, "reason": "already imported"} for r in table.filter(mask)[ROW].to_pylist()]
    return table.filter(pc.invert(mask)), skipped


def _next_import_id(cur) -> str:
    number = cur.execute(
        "SELECT coalesce(max(TRY_CAST(substr(import_id, 5) AS INTEGER)), 0) + 1 FROM imports "
        "WHERE import_id LIKE 'imp_%'"
    ).fetchall()[0][0]
    return f"imp_{number:04d}"


def _match(dataset: str, columns: list[str], stored: str = "t", new: str = "i") -> str:
    """Identity of docs/datasets.md; a key column the file lacks is blank in it."""
    return " AND ".join(
        f"{stored}.{k} IS NOT DISTINCT FROM {new}.{k}" if k in columns else f"{stored}.{k} IS NULL"
        for k in schema.KEYS[dataset]
    )


def _insert_new(cur, dataset: str, table: pa.Table, import_id: str, progress: Progress) -> tuple[int, list[dict]]:
    """Survey responses, meetings, outcomes: rows already stored are skipped, the rest added."""
    columns = [c for c in table.column_names if c != ROW]
    exists = f"EXISTS (SELECT 1 FROM {dataset} t WHERE {_match(dataset, columns)})"  # dataset from schema
    added, skipped = 0, []
    for start in range(0, max(table.num_rows, 1), CHUNK_ROWS):
        cur.register("incoming", table.slice(start, CHUNK_ROWS))
        skipped += [
            {"row": r, "reason": "already imported"}
            for (r,) in cur.execute(f"SELECT {ROW} FROM incoming i WHERE {exists} ORDER BY {ROW}").fetchall()
        ]
        added += cur.execute(
            f"INSERT INTO {dataset} BY NAME SELECT i.* EXCLUDE ({ROW}), ? AS import_id "
            f"FROM incoming i WHERE NOT {exists}",
            [import_id],
        ).fetchall()[0][0]
        cur.unregister("incoming")
        progress(min(1.0, (start + CHUNK_ROWS) / max(table.num_rows, 1)), f"{added:,} rows written")
    return added, skipped


def _upsert(cur, dataset: str, table: pa.Table, import_id: str, progress: Progress) -> tuple[int, list[dict]]:
    """Rosters: a newer row replaces the stored one (kept in import_replaced for undo), columns the file
    does not map keep their stored values, identical rows are left alone, nobody is deleted."""
    columns = [c for c in table.column_names if c != ROW]
    cur.register("incoming", table)
    same = " AND ".join(f"t.{c} IS NOT DISTINCT FROM i.{c}" for c in columns)
    skipped = [
        {"row": r, "reason": "unchanged"}
        for (r,) in cur.execute(
            f"SELECT {ROW} FROM incoming i WHERE EXISTS (SELECT 1 FROM {dataset} t WHERE {same}) ORDER BY {ROW}"
        ).fetchall()
    ]
    cur.execute(
        f"CREATE TEMP TABLE changed AS SELECT i.* EXCLUDE ({ROW}) FROM incoming i "
        f"WHERE NOT EXISTS (SELECT 1 FROM {dataset} t WHERE {same})"
    )
    kept = [c.name for c in schema.columns(dataset) if c.name not in columns]
    # A new row takes the column's default (formal = true) where no stored row lends a value.
    defaulted = [c for c in kept if (dataset, c) in schema.DEFAULTS]
    keep_sql = "".join(f", coalesce(t.{c}, ?) AS {c}" if c in defaulted else f", t.{c}" for c in kept)
    if dataset in schema.RECORD_KEYED:  # a record keeps its key when updated; a new one draws its own
        keep_sql += f", coalesce(t.record_key, {schema.NEW_RECORD_KEY}) AS record_key"
    cur.execute(
        f"CREATE TEMP TABLE merged AS SELECT i.*{keep_sql} FROM changed i "
        f"LEFT JOIN {dataset} t ON {_match(dataset, columns)}",
        [schema.DEFAULTS[(dataset, c)] for c in defaulted],
    )
    exists = f"EXISTS (SELECT 1 FROM changed i WHERE {_match(dataset, columns)})"
    cur.execute(
        f"INSERT INTO import_replaced SELECT ?, ?, to_json(t) FROM {dataset} t WHERE {exists}", [import_id, dataset]
    )
    cur.execute(f"DELETE FROM {dataset} t WHERE {exists}")
    added = cur.execute(f"INSERT INTO {dataset} BY NAME SELECT *, ? AS import_id FROM merged", [import_id]).fetchall()[
        0
    ][0]
    for name in ("changed", "merged"):
        cur.execute(f"DROP TABLE {name}")
    cur.unregister("incoming")
    progress(1.0, f"{added:,} rows written")
    return added, skipped


# --- undo ----------------------------------------------------------------------------------------
def undo(db: Database, import_id: str, user: str) -> dict:
    found = db.rows("SELECT dataset, status FROM imports WHERE import_id = ?", [import_id])
    if not found:
        raise UndoError(f"There is no import {import_id!r}: see the import history for the ids.", usage=True)
    dataset, status = found[0]
    if status != "imported":
        raise UndoError(f"Import {import_id} was already undone.")
    later = [
        r[0]
        for r in db.rows(
            "SELECT DISTINCT r.import_id FROM import_replaced r JOIN imports i ON i.import_id = r.import_id "
            "WHERE i.status = 'imported' AND json_extract_string(r.row_json, '$.import_id') = ? ORDER BY 1",
            [import_id],
        )
    ]
    if later:
        raise UndoError(f"Import {', '.join(later)} replaced rows that {import_id} added: undo {later[-1]} first.")
    tables = undo_datasets(import_id, dataset)  # only names from schema.DATASETS reach the SQL below
    structures = {table: _json_structure(db, table) for table in tables}
    removed = restored = 0
    with db.transaction() as cur:
        for table in tables:
            removed += cur.execute(f"DELETE FROM {table} WHERE import_id = ?", [import_id]).fetchall()[0][0]
            restored += cur.execute(
                f"INSERT INTO {table} BY NAME SELECT unnest(json_transform(row_json, '{structures[table]}')) "
                "FROM import_replaced WHERE import_id = ? AND dataset = ?",
                [import_id, table],
            ).fetchall()[0][0]
        cur.execute(
            "UPDATE imports SET status = 'undone', undone_at = ?, undone_by = ? WHERE import_id = ?",
            [datetime.now(), user, import_id],
        )
        Database.bump_data_version(cur)
    return {
        "status": "undone",
        "import_id": import_id,
        "dataset": dataset,
        "rows_removed": removed,
        "rows_restored": restored,
    }


# The demo database (mentordash/demo.py) is one import that fills all six datasets: its row in imports
# names this instead of one dataset, and undoing it removes the demo from every dataset.
DEMO_DATASET = "demo"


def undo_datasets(import_id: str, dataset: str) -> list[str]:
    """The tables an import wrote, checked against the known datasets before any reaches SQL."""
    if dataset in schema.DATASETS:
        return [dataset]
    if dataset == DEMO_DATASET:
        return list(schema.DATASETS)
    raise UndoError(
        f"Import {import_id} names the dataset {dataset!r}, which MentorDash does not know "
        f"(one of {', '.join(schema.DATASETS)}): nothing was undone."
    )


def _json_structure(db: Database, dataset: str) -> str:
    """json_transform's structure for a table, from the schema itself (inlined: it must be a constant)."""
    types = db.rows(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
        [dataset],
    )
    structure = {name: [kind[:-2]] if kind.endswith("[]") else kind for name, kind in types}
    return json.dumps(structure).replace("'", "''")


# --- history and saved mappings ------------------------------------------------------------------
HISTORY_COLUMNS = [
    "import_id",
    "imported_at",
    "imported_by",
    "file_name",
    "sha256",
    "dataset",
    "format",
    "rows",
    "status",
]


def history(db: Database) -> pd.DataFrame:
    return db.df(
        f"SELECT {', '.join(HISTORY_COLUMNS)}, undone_at, undone_by FROM imports "
        "ORDER BY imported_at DESC, import_id DESC"
    )


def save_mapping(db: Database, name: str, mapping: Mapping, user: str) -> str:
    text = dumps(mapping)
    loads(text)  # what is saved must load again
    with db.transaction() as cur:
        cur.execute("DELETE FROM mappings WHERE name = ?", [name])
        cur.execute("INSERT INTO mappings VALUES (?, ?, ?, ?, ?)", [name, mapping.dataset, text, datetime.now(), user])
        Database.bump_data_version(cur)
    return text


def saved_mappings(db: Database) -> pd.DataFrame:
    return db.df("SELECT name, dataset, toml, saved_at, saved_by FROM mappings ORDER BY saved_at DESC")
