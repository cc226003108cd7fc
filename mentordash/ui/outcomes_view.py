"""The outcomes page's pieces: the data each section shows, and the tables (which columns each shows,
under which headers; formatting: ui.tables).

The page (pages/outcomes.py) and the benchmark (benchmarks/pages.py) gather the data through the same
functions: `cached` is ui.cache.cached in the app, a plain call on a connection in the benchmark."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

from mentordash.charts.outcomes import DEPARTURE_GROUP_LABELS, MENTOR_FLAG_LABELS, MENTORED_FLAG_LABELS
from mentordash.metrics import outcomes
from mentordash.metrics.outcomes import GROUPINGS
from mentordash.ui.cache import cached, merged_together
from mentordash.ui.sections import open_section
from mentordash.ui.tables import COUNT, PERCENT, as_is, display_table
from mentordash.vocabulary import CAREER_STAGE_LABELS, DIMENSION_LABELS

DEPARTURE_SPLITS = {d: DIMENSION_LABELS[d] for d in GROUPINGS}

# The page's sections, one tab each: only the open one is computed and drawn (mentordash.ui.sections).
SECTION_KEY = "outcomes_section"
SECTIONS = ("Publications", "Promotion", "Early departure", "Career satisfaction", "The mentors' side")
DEPARTURE_BY_KEY = "outcomes_departure_by"  # the early departure section's further split


# --- the data of each section ------------------------------------------------------------------------


def window_data(view, cached: Callable = cached) -> dict:
    """The window the page describes, and everyone in it (the page stops when too few)."""
    return {
        "window": cached(outcomes.window, view.as_of),
        "total": cached(outcomes.people_total, view.as_of, view.filters),
    }


def publications_data(view, cached: Callable = cached) -> dict:
    return {"publications": cached(outcomes.publications, view.as_of, view.filters)}


def promotion_data(view, cached: Callable = cached) -> dict:
    return {"promotion": cached(outcomes.time_to_promotion, view.as_of, view.filters)}


def departure_data(view, by: str | None = None, cached: Callable = cached) -> dict:
    return {"departures": cached(outcomes.early_departure, view.as_of, view.filters, by=by)}


def satisfaction_data(view, cached: Callable = cached) -> dict:
    return {"satisfaction": cached(outcomes.satisfaction, view.as_of, view.filters)}


def mentors_data(view, cached: Callable = cached) -> dict:
    return {"mentors": cached(outcomes.mentor_publications, view.as_of, view.filters)}


def page_data(view, by: str | None = None, sections: tuple[str, ...] = SECTIONS, cached: Callable = cached) -> dict:
    """The page's window and total and the data of `sections`, computed together (ui.cache.together): with
    every section, the benchmark's measure of the page; with the open one, what prefetch() has the page
    compute first on every run."""
    section_parts = {
        "Publications": lambda: publications_data(view, cached),
        "Promotion": lambda: promotion_data(view, cached),
        "Early departure": lambda: departure_data(view, by, cached),
        "Career satisfaction": lambda: satisfaction_data(view, cached),
        "The mentors' side": lambda: mentors_data(view, cached),
    }
    return merged_together(cached, lambda: window_data(view, cached), *(section_parts[section] for section in sections))


def prefetch(view, state: Mapping) -> None:
    """Fill the cache with the window, the total and the open section's data (by the session's `state`)
    before the page draws them one by one."""
    page_data(view, state.get(DEPARTURE_BY_KEY), open_section(state, SECTION_KEY, SECTIONS))


# --- tables ------------------------------------------------------------------------------------------


def stage_label(stage):
    return CAREER_STAGE_LABELS.get(stage, stage)


def mentored_label(value) -> str:
    return "Unknown" if value is None or value != value else MENTORED_FLAG_LABELS[bool(value)]


def mentors_label(value) -> str:
    return MENTOR_FLAG_LABELS[bool(value)]


def rates_table(frame: pd.DataFrame, min_cell: int, flag: str = "mentored") -> pd.DataFrame:
    """Publications per person-year, by career stage and `flag` ('mentored', or 'mentors' for the mentors' side)."""
    return display_table(
        frame,
        [
            ("career_stage", "Career stage", stage_label),
            (flag, "Group", mentors_label if flag == "mentors" else mentored_label),
            ("people", "People", COUNT),
            ("person_years", "Person-years", "{:.1f}"),
            ("publications", "Publications", COUNT),
            ("rate", "Per person-year", "{:.2f}"),
            ("ci_low", "95% low", "{:.2f}"),
            ("ci_high", "95% high", "{:.2f}"),
        ],
        min_cell,
    )


def promotion_table(summary: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    return display_table(
        summary,
        [
            ("mentored", "Group", mentored_label),
            ("people", "People", COUNT),
            ("promoted", "Promoted", COUNT),
            ("censored", "Not yet promoted (censored)", COUNT),
            ("median_years", "Median years", "{:.1f}"),
            ("median_low", "95% low", "{:.1f}"),
            ("median_high", "95% high", "{:.1f}"),
        ],
        min_cell,
    )


def departure_table(frame: pd.DataFrame, min_cell: int, by: str | None) -> pd.DataFrame:
    return display_table(
        frame,
        [
            ("career_stage", "Career stage", stage_label),
            *([(by, "Group", DEPARTURE_GROUP_LABELS)] if by else []),
            ("mentored", "Mentored", mentored_label),
            ("n", "People", COUNT),
            ("departed", "Left early or dismissed", COUNT),
            ("pct", "%", PERCENT),
            ("ci_low", "95% low", PERCENT),
            ("ci_high", "95% high", PERCENT),
        ],
        min_cell,
    )


def satisfaction_table(frame: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    return display_table(
        frame,
        [
            ("survey", "Survey", as_is),
            ("mentored", "Mentored", mentored_label),
            ("n", "Answers", COUNT),
            ("satisfied", "Satisfied (4 or 5)", COUNT),
            ("pct", "%", PERCENT),
            ("ci_low", "95% low", PERCENT),
            ("ci_high", "95% high", PERCENT),
        ],
        min_cell,
    )
