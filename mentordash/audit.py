"""The audit trail: imports, undos and settings changes, for coordinators."""

from __future__ import annotations

import pandas as pd

from mentordash.db import Database, load_sql
from mentordash.privacy import figure_free


@figure_free  # the audit page is for coordinators only; its rows are who changed what, not figures
def history(db: Database, limit: int = 1000) -> pd.DataFrame:
    """when, who, action (import, undo, setting), what, reference; newest first."""
    return db.df(load_sql("audit_history"), {"limit": int(limit)})
