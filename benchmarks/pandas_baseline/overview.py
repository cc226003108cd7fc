"""The overview's figures in pandas: its chart, total, data dates and headline tiles."""

from __future__ import annotations

from datetime import date

import pandas as pd

from benchmarks.pandas_baseline.coverage import (
    active_relationship_counts,
    coverage_counts,
    mentor_loads,
    total_of,
)
from benchmarks.pandas_baseline.recruitment import recruitment_headline
from benchmarks.pandas_baseline.wellbeing import burnout_by_wave
from mentordash.metrics.filters import Filters
from mentordash.metrics.intervals import pct
from mentordash.metrics.time import MAX_YEARS_SHOWN, years_before
from mentordash.vocabulary import (
    CAREER_STAGES,
    TRAINEE_STAGES,
)


def academic_year_ends(tables: dict, as_of: date) -> list[date]:
    m = tables["mentorships"]
    starts = m.loc[m["start_date"] <= pd.Timestamp(as_of), "start_date"]
    if starts.empty:
        return [as_of]
    first = starts.min()
    first_end = date(first.year if first.month < 7 else first.year + 1, 6, 30)
    ends = [date(y, 6, 30) for y in range(first_end.year, as_of.year + 1) if date(y, 6, 30) < as_of]
    return [*ends[-MAX_YEARS_SHOWN + 1 :], as_of]


def overview_headline(tables, settings, as_of, filters, context=None) -> pd.DataFrame:
    """Coverage by career stage on each academic year's last day and at as_of (the overview's chart)."""
    return coverage_counts(tables, settings, academic_year_ends(tables, as_of), filters)


def data_freshness(tables) -> pd.DataFrame:
    """The newest date in each dataset and its rows."""

    def newest(*values):
        found = [v for v in values if pd.notna(v)]
        return max(found).date() if found else None

    t = tables
    rows = [
        ("people", newest(t["people"]["start_date"].max(), t["people"]["end_date"].max()), len(t["people"])),
        (
            "mentorships",
            newest(t["mentorships"]["start_date"].max(), t["mentorships"]["end_date"].max()),
            len(t["mentorships"]),
        ),
        ("meetings", newest(t["meetings"]["date"].max()), len(t["meetings"])),
        ("survey", newest(t["survey"]["submitted_at"].max()), len(t["survey"])),
        (
            "applicants",
            date(int(t["applicants"]["cycle"].max()), 6, 30) if len(t["applicants"]) else None,
            len(t["applicants"]),
        ),
        ("outcomes", newest(t["outcomes"]["date"].max()), len(t["outcomes"])),
    ]
    return pd.DataFrame(rows, columns=["dataset", "latest", "rows"])


TILE_COLUMNS = ["key", "value", "previous", "n"]


def _share_of_stages(counts: pd.DataFrame, day: date, stages: tuple[str, ...], part: str) -> tuple:
    rows = counts[(counts["day"] == day) & counts["career_stage"].isin(stages)]
    n = int(rows["n"].sum())
    return pct(int(rows[part].sum()), n), n


def coverage_tiles(tables, settings, as_of: date, filters: Filters, counts: pd.DataFrame) -> list[dict]:
    """Trainees and junior faculty mentored, engaged with a mentor, active relationships and mentors over
    capacity: at as_of and a year earlier (`counts`: coverage_counts of both days, among others)."""
    earlier = years_before(as_of, 1)
    tiles = []
    for key, stages, part in (
        ("trainee_coverage", TRAINEE_STAGES, "covered"),
        ("junior_faculty_coverage", ("junior_faculty",), "covered"),
        ("engaged_coverage", CAREER_STAGES, "engaged"),
    ):
        stages = tuple(s for s in stages if not filters.career_stage or s in filters.career_stage)
        if not stages:  # the page keeps the tile, empty: "Not in the chosen career stages"
            tiles.append({"key": key, "value": None, "previous": None, "n": 0})
            continue
        (value, n), (previous, _) = (_share_of_stages(counts, day, stages, part) for day in (as_of, earlier))
        tiles.append({"key": key, "value": value, "previous": previous, "n": n})
    now, before = (active_relationship_counts(tables, settings, day, filters) for day in (as_of, earlier))
    tiles.append(
        {
            "key": "active_relationships",
            "value": now["relationships"],
            "previous": before["relationships"],
            "n": now["mentees"],
        }
    )
    now, before = (mentor_loads(tables, settings, day, filters) for day in (as_of, earlier))
    tiles.append(
        {
            "key": "over_capacity",
            "value": now["over_capacity"],
            "previous": before["over_capacity"],
            "n": now["mentors"],
        }
    )
    return tiles


def burnout_tile(tables, settings, filters) -> dict | None:
    """The latest wave's burnout by its best-answered instrument, against that instrument's wave before."""
    frame = burnout_by_wave(tables, settings, filters)
    if frame.empty:
        return None
    latest = frame[frame["survey"] == frame["survey"].iloc[-1]]
    row = latest.loc[latest["n"].idxmax()]
    earlier = frame[(frame["instrument"] == row["instrument"]) & (frame["survey"] != row["survey"])]
    previous = earlier["pct"].iloc[-1] if len(earlier) else None
    return {"key": "burnout", "value": row["pct"], "previous": previous, "n": int(row["n"])}


def recruitment_tiles(tables, settings, as_of, filters, track: str = "residency") -> list[dict]:
    """Women and URiM among the track's latest cycle's applicants and matches, against the cycle before."""
    applicants = tables["applicants"]
    funnel = recruitment_headline({"applicants": applicants[applicants["track"] == track]}, settings, as_of, filters)
    if funnel.empty:
        return []
    cycles = sorted(funnel["cycle"].unique())
    rows = {(row["cycle"], row["stage"]): row for row in funnel.to_dict("records")}
    tiles = []
    for stage in ("applied", "matched"):
        for share in ("women", "urim"):
            now = rows.get((cycles[-1], stage))
            before = rows.get((cycles[-2], stage)) if len(cycles) > 1 else None
            tiles.append(
                {
                    "key": f"{share}_pct_{stage}",
                    "value": None if now is None else now[f"{share}_pct"],
                    "previous": None if before is None else before[f"{share}_pct"],
                    "n": None if now is None else int(now["n"]),
                }
            )
    return tiles


def overview_days(tables, as_of: date) -> list[date]:
    """Every day the overview counts coverage on: its chart's (each academic year's end, and as_of) and a year
    before as_of (its tiles), counted in one coverage_counts call as the page counts them in one query."""
    return sorted({*academic_year_ends(tables, as_of), years_before(as_of, 1)})


def overview_tiles(tables, settings, as_of, filters, counts: pd.DataFrame | None = None) -> pd.DataFrame:
    """key, value, previous, n of each headline tile of the overview (`counts`: coverage_counts of its days,
    when the page has them already)."""
    if counts is None:
        counts = coverage_counts(tables, settings, overview_days(tables, as_of), filters)
    burnout = burnout_tile(tables, settings, filters)
    tiles = [
        *coverage_tiles(tables, settings, as_of, filters, counts),
        *([burnout] if burnout else []),
        *recruitment_tiles(tables, settings, as_of, filters),
    ]
    return pd.DataFrame(tiles, columns=TILE_COLUMNS)


def overview_page(tables, settings, view) -> dict:
    # coverage counted once over every day the page shows, as the page does, and each figure's days taken
    counts = coverage_counts(tables, settings, overview_days(tables, view.as_of), view.filters)
    chart_days = academic_year_ends(tables, view.as_of)
    return {
        "tiles": overview_tiles(tables, settings, view.as_of, view.filters, counts),
        "total": total_of(counts[counts["day"] == view.as_of]),
        "by_year": counts[counts["day"].isin(chart_days)].reset_index(drop=True),
        "freshness": data_freshness(tables),
    }
