"""The `summary` JSON contract (docs/metrics.md): the headline numbers, from the same functions the pages call."""

from __future__ import annotations

from datetime import date
from typing import Any

from mentordash import privacy
from mentordash.db import Database
from mentordash.frames import records
from mentordash.metrics import coverage, recruitment, wellbeing
from mentordash.metrics import outcomes as outcomes_metrics
from mentordash.metrics.filters import Filters

COVERAGE_KEYS = ("n", "covered", "pct", "engaged", "engaged_pct")


def _plain(value: Any) -> Any:
    """numpy and pandas scalars to JSON's own types; missing values to null."""
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


def _cell(record: dict, keys: tuple[str, ...]) -> dict:
    out = {key: _plain(record.get(key)) for key in keys}
    if record.get("suppressed"):
        out["suppressed"] = True
    return out


def coverage_part(db: Database, as_of: date, filters: Filters, audience: str = privacy.EXACT) -> dict:
    by_stage = coverage.coverage_by_stage(db, as_of, filters, audience=audience)
    return {
        "all": _cell(coverage.coverage_total(db, as_of, filters, audience=audience), COVERAGE_KEYS),
        "by_stage": {row["career_stage"]: _cell(row, COVERAGE_KEYS) for row in records(by_stage)},
    }


def mentor_load_part(db: Database, as_of: date, filters: Filters, audience: str = privacy.EXACT) -> dict:
    return _cell(
        coverage.mentor_load(db, as_of, filters, audience=audience),
        ("mentors", "mean", "max", "over_capacity", "capacity"),
    )


def burnout_part(db: Database, filters: Filters, audience: str = privacy.EXACT) -> list[dict]:
    rows = records(wellbeing.burnout_prevalence(db, filters, audience=audience))
    return [_cell(row, ("survey", "instrument", "n", "burned_out", "pct")) for row in rows]


def recruitment_part(db: Database, filters: Filters, audience: str = privacy.EXACT) -> list[dict]:
    """Every (cycle, track, stage) with an applicant, as the recruitment page shows it. A share hidden on
    its own (its group, or the others, fewer than min_cell) is null with `women_suppressed` or
    `urim_suppressed` set; a stage of fewer than min_cell applicants is `suppressed` as a whole."""
    out = []
    for row in records(recruitment.funnel(db, filters, audience=audience)):
        cell = _cell(row, ("cycle", "track", "stage", "n", "women_pct", "urim_pct"))
        if not row.get("suppressed"):
            for flag in ("women_suppressed", "urim_suppressed"):
                if row.get(flag):
                    cell[flag] = True
        out.append(cell)
    return out


def outcomes_part(db: Database, as_of: date, filters: Filters, audience: str = privacy.EXACT) -> dict:
    """The window, publications per person-year and early departure by career stage, mentored against not."""
    publications = records(outcomes_metrics.publications(db, as_of, filters, audience=audience))
    departures = records(outcomes_metrics.early_departure(db, as_of, filters, audience=audience))
    return {
        "window_start": outcomes_metrics.window_start(db, as_of).isoformat(),
        "publications": [
            _cell(row, ("career_stage", "mentored", "people", "person_years", "publications", "rate"))
            for row in publications
        ],
        "early_departure": [_cell(row, ("career_stage", "mentored", "n", "departed", "pct")) for row in departures],
    }


def build_summary(db: Database, as_of: date, filters: Filters, audience: str = privacy.EXACT) -> dict:
    """The summary contract for `audience`: exact figures (coordinators, the command line) or the protected
    figures a viewer is shown (`summary --role viewer`), in the same shape."""
    return {
        "as_of": as_of.isoformat(),
        "filters": filters.as_dict(),
        "min_cell": privacy.effective_min_cell(db.settings()["min_cell"]),
        "coverage": coverage_part(db, as_of, filters, audience),
        "mentor_load": mentor_load_part(db, as_of, filters, audience),
        "burnout": burnout_part(db, filters, audience),
        "recruitment": recruitment_part(db, filters, audience),
        "outcomes": outcomes_part(db, as_of, filters, audience),
    }
