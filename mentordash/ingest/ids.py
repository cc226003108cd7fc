"""Response ids derived for exports that have none (Google Forms), from the whole row as exported.

A row's digest is SHA-256 over every non-blank cell with its column's name (the submission time in its
parsed, canonical form, so that the CSV and the workbook of one form meet), in column-name order: a
question added to the form later (blank in the older rows) or columns moved around leave the digest of
an older row as it was. The digest stays in memory; what is stored is HMAC-SHA256(key, digest), keyed
with a random secret of this database (migration 007), so that nothing unmapped in the row can be
recovered from the id, and re-importing the same rows gives the same ids.
"""

from __future__ import annotations

import hmac
import secrets

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from mentordash.db import Database

KEY_NAME = "response_id_key"
PREFIX = "gf_"
ID_HEX = 24  # 96 bits: no two rows of any plausible database meet by chance


def row_digests(cells: dict[str, pa.Array]) -> pa.Array:
    """SHA-256 (hex) of each row: every non-blank cell as `len(name):name=len(value):value`."""
    names = sorted(cells)
    if not names:
        return pa.array([], pa.string())
    con = duckdb.connect()
    try:
        con.register("row_cells", pa.table({f"c{i}": cells[name] for i, name in enumerate(names)}))
        parts = []
        params = []
        for i, name in enumerate(names):  # column names c0.. come from code; the header names are bound
            label = f"{len(name)}:{name}="
            parts.append(f"CASE WHEN coalesce(trim(c{i}), '') = '' THEN '' ELSE ? || length(c{i}) || ':' || c{i} END")
            params.append(label)
        digests = con.sql(f"SELECT sha256({' || '.join(parts)}) FROM row_cells", params=params).to_arrow_table()
    finally:
        con.close()
    return digests.column(0).combine_chunks()


def keyed_ids(key: bytes, digests: pa.Array) -> pa.Array:
    """The stored ids: HMAC-SHA256 of each digest under the database's key."""
    return pa.array(  # hmac.digest: the one-shot C path, several times faster than hmac.new per row
        [PREFIX + hmac.digest(key, d.encode("ascii"), "sha256").hex()[:ID_HEX] for d in digests.to_pylist()],
        pa.string(),
    )


def stored_key(db: Database) -> bytes | None:
    """This database's key, when an import has drawn it already (reading never writes)."""
    try:
        found = db.scalar("SELECT value FROM secrets WHERE key = ?", [KEY_NAME])
    except duckdb.CatalogException:  # a read-only file of an older schema: no key yet
        return None
    return bytes.fromhex(found) if found else None


def response_id_key(cur) -> bytes:
    """The key, drawn once, inside the transaction of the first import that stores derived ids."""
    cur.execute("INSERT INTO secrets VALUES (?, ?) ON CONFLICT (key) DO NOTHING", [KEY_NAME, secrets.token_hex(32)])
    return bytes.fromhex(cur.execute("SELECT value FROM secrets WHERE key = ?", [KEY_NAME]).fetchall()[0][0])


def identical_rows(digests: pa.Array, rows: pa.Array) -> list[tuple[int, int]]:
    """(row, the earlier row it repeats) for each row whose every cell equals an earlier row's."""
    seen: dict[str, int] = {}
    found = []
    for digest, row in zip(digests.to_pylist(), rows.to_pylist()):
        if digest in seen:
            found.append((row, seen[digest]))
        else:
            seen[digest] = row
    return found


def drop_rows(table: pa.Table, row_column: str, dropped: set[int]) -> pa.Table:
    if not dropped:
        return table
    keep = pc.invert(pc.is_in(table[row_column], value_set=pa.array(sorted(dropped), pa.int64())))
    return table.filter(keep)
