"""Dates the metrics share: a year back, academic years (July to June)."""

from __future__ import annotations

from datetime import date

from mentordash.db import Database

MAX_YEARS_SHOWN = 10


def years_before(day: date, years: int) -> date:
    """The same calendar day `years` earlier; 29 February becomes 28 February (docs/metrics.md, Outcomes)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def academic_year_label(day: date) -> str:
    """'2025-26' for any day from 1 July 2025 to 30 June 2026."""
    start = day.year if day.month >= 7 else day.year - 1
    return f"{start}-{str(start + 1)[-2:]}"


def first_relationship_start(db: Database, as_of: date) -> date | None:
    """The day the first relationship began (up to as_of): where the series over time start. Once per view."""
    sql = "SELECT min(start_date) FROM mentorships WHERE start_date <= ?"
    return db.shared(("first_relationship_start", as_of), lambda: db.scalar(sql, [as_of]))


def academic_year_ends(db: Database, as_of: date) -> list[date]:
    """30 June of every academic year from the first relationship's to as_of, and as_of itself last."""
    first = first_relationship_start(db, as_of)
    if first is None:
        return [as_of]
    first_end = date(first.year if first.month < 7 else first.year + 1, 6, 30)
    ends = [date(year, 6, 30) for year in range(first_end.year, as_of.year + 1) if date(year, 6, 30) < as_of]
    return [*ends[-MAX_YEARS_SHOWN + 1 :], as_of]
