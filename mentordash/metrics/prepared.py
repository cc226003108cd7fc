"""The summaries built right after every write, so that the first view after new data reads them."""

from __future__ import annotations

from mentordash.db import Database
from mentordash.metrics import coverage, recruitment, wellbeing


def prepare_summaries(db: Database) -> None:
    """Build, and keep in the file, the per-version summaries a first view needs (the wellbeing figures and
    response rates of everyone; every person's coverage events, for everyone and by gender, URiM and
    division; the applicants counted per combination of groups): called right after a write (an import, an undo, the demo), so that the first view after
    it, in this process or a restarted server, sums them instead of scoring every response and merging
    every person's spans (about a second each at national scale)."""
    with db.snapshot():
        wellbeing.prepare_summaries(db)
        coverage.prepare_events(db)
        recruitment.prepare_counts(db)
