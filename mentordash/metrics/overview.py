"""The overview's headline tiles: each figure now and a year earlier, from the metrics of each family."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from mentordash import privacy
from mentordash.db import Database
from mentordash.frames import records
from mentordash.instruments import INSTRUMENTS
from mentordash.metrics import coverage, recruitment, wellbeing
from mentordash.metrics.filters import Filters
from mentordash.metrics.time import academic_year_ends, academic_year_label, years_before
from mentordash.vocabulary import CAREER_STAGES, REPRESENTATION_SHARES, TRAINEE_STAGES


@dataclass(frozen=True)
class Tile:
    key: str
    label: str
    value: float | None  # None: suppressed or no data
    unit: str  # "%" or "" (a count)
    previous: float | None  # the same figure a year (or a wave, a cycle) earlier
    compared_with: str  # what `previous` is: "a year earlier", "Wellbeing 2025 Spring", "2025 cycle"
    n: int | None  # the denominator, for the tile's help text
    suppressed: bool
    note: str = ""
    section: str = "Mentorship"

    @property
    def delta(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return round(self.value - self.previous, 1)


def _stages(filters: Filters, stages: tuple[str, ...]) -> tuple[str, ...] | None:
    """The career stages of a tile that the filters keep; None when the chosen stages exclude them all."""
    chosen = tuple(s for s in stages if not filters.career_stage or s in filters.career_stage)
    return chosen or None


def _year_earlier(as_of: date) -> str:
    return f"{years_before(as_of, 1):%b %Y}"


def _coverage_tile(
    counts: pd.DataFrame,
    days: tuple[date, date],
    stages: tuple[str, ...] | None,
    key: str,
    label: str,
    note: str,
    min_cell: int,
    audience: str,
    field: str = "pct",
) -> Tile:
    """A coverage tile now and a year earlier, from one coverage_counts query over both days."""
    if stages is None:
        return Tile(key, label, None, "%", None, "", 0, False, "Not in the chosen career stages.")
    day_of_row, in_stages = counts["day"].to_numpy(), counts["career_stage"].isin(stages).to_numpy()
    now, before = (coverage.coverage_cell(counts[(day_of_row == day) & in_stages], min_cell, audience) for day in days)
    return Tile(key, label, now[field], "%", before[field], _year_earlier(days[0]), now["n"], now["suppressed"], note)


def view_days(db: Database, as_of: date) -> list[date]:
    """Every day the overview counts coverage on: each academic year's end and as_of (its chart), and a year
    before as_of (its tiles). Its total, tiles and chart each pass them as coverage's `counted_days`, so
    that one query per view counts them all."""
    return sorted({*academic_year_ends(db, as_of), years_before(as_of, 1)})


def view_total(db: Database, as_of: date, filters: Filters, audience: str = privacy.EXACT) -> dict:
    """coverage_total of the view (everyone in it, as one cell), from the overview's one count of its days."""
    return coverage.coverage_total(db, as_of, filters, audience=audience, counted_days=view_days(db, as_of))


def coverage_tiles(db: Database, as_of: date, filters: Filters, audience: str = privacy.EXACT) -> list[Tile]:
    settings = db.settings()
    min_cell = settings["min_cell"]
    earlier = years_before(as_of, 1)
    days = (as_of, earlier)
    # Now and a year earlier, each family in one query; the three queries side by side (Database.together).
    # The counts last: the page's total, computed beside the tiles, queries them too (Database.shared), so
    # the lane that comes to them last finds them ready rather than waiting.
    (relationships, relationships_before), (load, load_before), counts = db.together(
        [
            lambda: [
                coverage.active_relationships(db, day, filters, audience=audience, counted_days=days) for day in days
            ],
            lambda: [coverage.mentor_load(db, day, filters, audience=audience, counted_days=days) for day in days],
            lambda: coverage.coverage_counts(db, [as_of, earlier], filters, counted_days=view_days(db, as_of)),
        ]
    )
    return [
        _coverage_tile(
            counts,
            days,
            _stages(filters, TRAINEE_STAGES),
            "trainee_coverage",
            "Trainees mentored",
            "Active students, residents and fellows who are mentee in an active mentor relationship.",
            min_cell,
            audience,
        ),
        _coverage_tile(
            counts,
            days,
            _stages(filters, ("junior_faculty",)),
            "junior_faculty_coverage",
            "Junior faculty mentored",
            "Active junior faculty who are mentee in an active mentor relationship.",
            min_cell,
            audience,
        ),
        _coverage_tile(
            counts,
            days,
            _stages(filters, CAREER_STAGES),
            "engaged_coverage",
            "Engaged with a mentor",
            f"Active people who met an active mentor in the {settings['engaged_window_days']} days "
            "up to the as-of date.",
            min_cell,
            audience,
            field="engaged_pct",
        ),
        Tile(
            "active_relationships",
            "Active relationships",
            relationships["relationships"],
            "",
            relationships_before["relationships"],
            _year_earlier(as_of),
            relationships["mentees"],
            relationships["suppressed"],
            "Mentor relationships active on the as-of date (counted in mentees).",
        ),
        Tile(
            "over_capacity",
            "Mentors over capacity",
            load["over_capacity"],
            "",
            load_before["over_capacity"],
            _year_earlier(as_of),
            load["mentors"],
            load["suppressed"],
            f"Mentors with more than {load['capacity']} active mentees (out of all mentors).",
        ),
    ]


def burnout_tile(db: Database, filters: Filters, audience: str = privacy.EXACT) -> Tile | None:
    """The latest wave's burnout, by its best-answered instrument, against that instrument's wave before."""
    prevalence = wellbeing.burnout_prevalence(db, filters, audience=audience)
    if prevalence.empty:
        return None
    latest_survey = prevalence.iloc[-1]["survey"]
    latest = prevalence[prevalence["survey"] == latest_survey]
    # the best-answered instrument; between equals the first in the instruments' order (the rows' order)
    answered = pd.to_numeric(latest["n"], errors="coerce").fillna(-1).to_numpy()
    row = latest.iloc[int(np.argmax(answered))]
    earlier = prevalence[(prevalence["instrument"] == row["instrument"]) & (prevalence["survey"] != latest_survey)]
    previous = earlier.iloc[-1] if len(earlier) else None
    name = INSTRUMENTS[row["instrument"]].name
    return Tile(
        "burnout",
        f"Burnout ({name})",
        row["pct"],
        "%",
        None if previous is None else previous["pct"],
        "last wave",
        row["n"],
        bool(row["suppressed"]),
        note=f"{latest_survey}" + ("" if previous is None else f", against {previous['survey']}") + f". {row['rule']}.",
        section=f"Wellbeing: {latest_survey}",
    )


def recruitment_tiles(
    db: Database, filters: Filters, track: str = "residency", audience: str = privacy.EXACT
) -> list[Tile]:
    """Women and URiM among the latest cycle's applicants and matches, against the cycle before."""
    frame = recruitment.funnel(db, filters, audience=audience, track=track, last_cycles=2)
    if frame.empty:
        return []
    cycles = sorted(frame["cycle"].unique())
    # Each (cycle, stage) row looked up once: the four tiles read eight of them.
    rows = {(row["cycle"], row["stage"]): row for row in records(frame)}
    tiles = []
    for stage, stage_label in (("applied", "applicants"), ("matched", "matched")):
        for share, (share_label, _) in REPRESENTATION_SHARES.items():
            tiles.append(_share_tile(rows, cycles, stage, f"{share}_pct", f"{share_label} {stage_label}", track))
    return tiles


def _share_tile(rows: dict, cycles: list[int], stage: str, share: str, label: str, track: str) -> Tile:
    flag = "women_suppressed" if share == "women_pct" else "urim_suppressed"

    def value_of(row):
        return None if row is None or pd.isna(row[share]) else float(row[share])

    now = rows.get((cycles[-1], stage))
    before = rows.get((cycles[-2], stage)) if len(cycles) > 1 else None
    known = REPRESENTATION_SHARES[share.removesuffix("_pct")][1]
    return Tile(
        f"{share}_{stage}",
        label,
        value_of(now),
        "%",
        value_of(before),
        f"{cycles[-2]} cycle" if len(cycles) > 1 else "",
        None if now is None else now["n"],
        now is not None and bool(now["suppressed"] or now[flag]),
        f"{cycles[-1]} cycle; share of those whose {known} is known.",
        section=f"Recruitment: {track.replace('_', ' ')}, {cycles[-1]} cycle",
    )


def coverage_by_year(db: Database, as_of: date, filters: Filters, audience: str = privacy.EXACT) -> pd.DataFrame:
    """Coverage by career stage on 30 June of each academic year, and at as_of, with a `period` label."""
    days = academic_year_ends(db, as_of)
    frame = coverage.coverage_over_time(db, days, filters, audience=audience, counted_days=view_days(db, as_of))
    frame["period"] = [f"as of {day:%d %b %Y}" if day == as_of else academic_year_label(day) for day in frame["day"]]
    return frame


def data_freshness(db: Database, audience: str = privacy.EXACT) -> pd.DataFrame:
    """How recent each dataset is (its newest date). The row counts only for exact figures: whole-table
    counts are not protected and could be set against protected ones."""
    frame = db.latest_dates()
    return frame if audience == privacy.EXACT else frame.drop(columns="rows")


def all_tiles(db: Database, as_of: date, filters: Filters, audience: str = privacy.EXACT) -> list[Tile]:
    """Every headline tile the overview shows, in reading order; families without data add none. The three
    families' queries run side by side (Database.together)."""
    coverage_family, burnout, recruitment_family = db.together(
        [
            lambda: coverage_tiles(db, as_of, filters, audience=audience),
            lambda: burnout_tile(db, filters, audience=audience),
            lambda: recruitment_tiles(db, filters, audience=audience),
        ]
    )
    return [*coverage_family, *([burnout] if burnout else []), *recruitment_family]
