"""The overview's headline tiles: each figure now and a year earlier, from the metrics of each family."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from mentordash.config import TRAINEE_STAGES
from mentordash.db import Database
from mentordash.instruments import INSTRUMENTS
from mentordash.metrics import coverage, recruitment, wellbeing
from mentordash.metrics.filters import Filters
from mentordash.metrics.time import academic_year_ends, academic_year_label, years_before


@dataclass(frozen=True)
class Tile:
    key: str
    label: str
    value: float | None       # None: suppressed or no data
    unit: str                 # "%" or "" (a count)
    previous: float | None    # the same figure a year (or a wave, a cycle) earlier
    compared_with: str        # what `previous` is: "a year earlier", "Wellbeing 2025 Spring", "2025 cycle"
    n: int | None             # the denominator, for the tile's help text
    suppressed: bool
    note: str = ""
    section: str = "Mentorship"

    @property
    def delta(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return round(self.value - self.previous, 1)


def _stage_subset(filters: Filters, stages: tuple[str, ...]) -> Filters | None:
    """The filters narrowed to some career stages; None when the chosen stages exclude them all."""
    chosen = [s for s in stages if not filters.career_stage or s in filters.career_stage]
    return filters.narrowed(career_stage=tuple(chosen)) if chosen else None


def _year_earlier(as_of: date) -> str:
    return f"{years_before(as_of, 1):%b %Y}"


def _coverage_tile(db, key, label, as_of, filters, note, field="pct") -> Tile:
    if filters is None:
        return Tile(key, label, None, "%", None, "", 0, False, "Not in the chosen career stages.")
    now = coverage.coverage_total(db, as_of, filters)
    before = coverage.coverage_total(db, years_before(as_of, 1), filters)
    return Tile(key, label, now[field], "%", before[field], _year_earlier(as_of), now["n"], now["suppressed"], note)


def coverage_tiles(db: Database, as_of: date, filters: Filters) -> list[Tile]:
    settings = db.settings()
    relationships = coverage.active_relationships(db, as_of, filters)
    relationships_before = coverage.active_relationships(db, years_before(as_of, 1), filters)
    load = coverage.mentor_load(db, as_of, filters)
    load_before = coverage.mentor_load(db, years_before(as_of, 1), filters)
    return [
        _coverage_tile(db, "trainee_coverage", "Trainees mentored", as_of, _stage_subset(filters, TRAINEE_STAGES),
                       "Active students, residents and fellows who are mentee in an active mentor relationship."),
        _coverage_tile(db, "junior_faculty_coverage", "Junior faculty mentored", as_of,
                       _stage_subset(filters, ("junior_faculty",)),
                       "Active junior faculty who are mentee in an active mentor relationship."),
        _coverage_tile(db, "engaged_coverage", "Engaged with a mentor", as_of, filters,
                       f"Active people who met an active mentor in the {settings['engaged_window_days']} days "
                       "up to the as-of date.", field="engaged_pct"),
        Tile("active_relationships", "Active relationships", relationships["relationships"], "",
             relationships_before["relationships"], _year_earlier(as_of), relationships["mentees"],
             relationships["suppressed"], "Mentor relationships active on the as-of date (counted in mentees)."),
        Tile("over_capacity", "Mentors over capacity", load["over_capacity"], "", load_before["over_capacity"],
             _year_earlier(as_of), load["mentors"], load["suppressed"],
             f"Mentors with more than {load['capacity']} active mentees (out of all mentors)."),
    ]


def burnout_tile(db: Database, filters: Filters) -> Tile | None:
    """The latest wave's burnout, by its best-answered instrument, against that instrument's wave before."""
    prevalence = wellbeing.burnout_prevalence(db, filters)
    if prevalence.empty:
        return None
    latest_survey = prevalence.iloc[-1]["survey"]
    latest = prevalence[prevalence["survey"] == latest_survey]
    row = latest.assign(order=latest["n"].fillna(-1)).sort_values("order", ascending=False).iloc[0]
    earlier = prevalence[(prevalence["instrument"] == row["instrument"]) & (prevalence["survey"] != latest_survey)]
    previous = earlier.iloc[-1] if len(earlier) else None
    name = INSTRUMENTS[row["instrument"]].name
    return Tile(
        "burnout", f"Burnout ({name})", row["pct"], "%",
        None if previous is None else previous["pct"], "last wave",
        row["n"], bool(row["suppressed"]),
        note=f"{latest_survey}" + ("" if previous is None else f", against {previous['survey']}")
             + f". {row['rule']}.",
        section=f"Wellbeing: {latest_survey}",
    )


def recruitment_tiles(db: Database, filters: Filters, track: str = "residency") -> list[Tile]:
    """Women and URiM among the latest cycle's applicants and matches, against the cycle before."""
    frame = recruitment.funnel(db, filters)
    frame = frame[frame["track"] == track]
    if frame.empty:
        return []
    cycles = sorted(frame["cycle"].unique())
    tiles = []
    for stage, stage_label in (("applied", "applicants"), ("matched", "matched")):
        for share, share_label in (("women_pct", "Women"), ("urim_pct", "URiM")):
            tiles.append(_share_tile(frame, cycles, stage, share, f"{share_label} {stage_label}", track))
    return tiles


def _share_tile(frame: pd.DataFrame, cycles: list[int], stage: str, share: str, label: str, track: str) -> Tile:
    flag = "women_suppressed" if share == "women_pct" else "urim_suppressed"

    def cell(cycle):
        rows = frame[(frame["cycle"] == cycle) & (frame["stage"] == stage)]
        return rows.iloc[0] if len(rows) else None

    def value_of(row):
        return None if row is None or pd.isna(row[share]) else float(row[share])

    now, before = cell(cycles[-1]), (cell(cycles[-2]) if len(cycles) > 1 else None)
    known = "gender" if share == "women_pct" else "URiM status"
    return Tile(
        f"{share}_{stage}", label, value_of(now), "%", value_of(before),
        f"{cycles[-2]} cycle" if len(cycles) > 1 else "",
        None if now is None else now["n"], now is not None and bool(now["suppressed"] or now[flag]),
        f"{cycles[-1]} cycle; share of those whose {known} is known.",
        section=f"Recruitment: {track.replace('_', ' ')}, {cycles[-1]} cycle",
    )


def coverage_by_year(db: Database, as_of: date, filters: Filters) -> pd.DataFrame:
    """Coverage by career stage on 30 June of each academic year, and at as_of, with a `period` label."""
    frame = coverage.coverage_over_time(db, academic_year_ends(db, as_of), filters)
    frame["period"] = [f"as of {day:%d %b %Y}" if day == as_of else academic_year_label(day) for day in frame["day"]]
    return frame



def all_tiles(db: Database, as_of: date, filters: Filters) -> list[Tile]:
    """Every headline tile the overview shows, in reading order; families without data add none."""
    burnout = burnout_tile(db, filters)
    return [*coverage_tiles(db, as_of, filters), *([burnout] if burnout else []), *recruitment_tiles(db, filters)]
