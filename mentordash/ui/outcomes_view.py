"""The outcomes page's tables: which columns each shows, under which headers (formatting: ui.tables)."""

from __future__ import annotations

import pandas as pd

from mentordash.charts.outcomes import DEPARTURE_GROUP_LABELS, MENTOR_FLAG_LABELS, MENTORED_FLAG_LABELS
from mentordash.ui.tables import COUNT, PERCENT, as_is, display_table
from mentordash.vocabulary import CAREER_STAGE_LABELS

DEPARTURE_SPLITS = {"urim": "URiM", "gender": "Gender"}


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
