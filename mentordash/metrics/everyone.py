"""Tables of everyone at a date, and a view's rows of them.

A figure whose rows per person (or per response) do not depend on the filters (a person's own
relationships count, whoever the other side is) is computed once for everyone at as_of, with the columns a
view's filters test, and each view picks its rows from that small table instead of joining the records
again: sql/<name>.sql builds the table, sql/<name>_of_view.sql reads it (as table <name>, aliased o)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pyarrow as pa

from mentordash.db import Database, load_sql
from mentordash.metrics.filters import Filters, settled_people_columns, where_sql

# The filter columns of the rows of everyone (URiM settled by the settings' list when the table was built).
EVERYONE_COLUMNS = settled_people_columns("o")


def everyone_at(db: Database, name: str, at: tuple, params: Callable[[], dict], **parts: str) -> pa.Table:
    """sql/<name>.sql's rows of everyone at `at` (what the table is built for: as_of, or the days and roles
    it counts): built once per data version and `at` (Database.derived), held in the process and never
    shown. `params` is called inside the build's snapshot, so that the settings it reads are those of the
    version the table is kept under."""
    sql = load_sql(name, **parts)
    return db.derived_query((name, *at), lambda: (sql, params()), kept=False)


def of_view(
    db: Database,
    name: str,
    everyone: pa.Table,
    filters: Filters,
    columns: dict = EVERYONE_COLUMNS,
    parts: dict[str, str] | None = None,
    **params,
) -> pd.DataFrame:
    """sql/<name>_of_view.sql over `everyone` (everyone_at's table, named <name>), its other `parts` spliced in,
    with `params`: the view's rows."""
    params = dict(params)
    sql = load_sql(f"{name}_of_view", people_filter=where_sql(filters, columns, params), **(parts or {}))
    return db.df(sql, params, tables={name: everyone})
