"""The coverage page's pieces: the role choice, the headline tiles and the number tables (formatting:
ui.tables; every number already suppressed in mentordash.metrics.coverage)."""

from __future__ import annotations

import pandas as pd

from mentordash.charts import coverage as charts
from mentordash.metrics import coverage
from mentordash.ui.tables import count, fewer_than, hidden_note, numbers_table, percent
from mentordash.vocabulary import CAREER_STAGE_LABELS, DIMENSION_LABELS, ROLES

COVERAGE_COLUMNS = {
    "n": "People",
    "covered": "Covered",
    "pct": "Covered %",
    "ci_low": "95% CI low",
    "ci_high": "95% CI high",
    "engaged": "Engaged",
    "engaged_pct": "Engaged %",
}


def roles_for(role: str) -> tuple:
    """The relationship roles counted for the radio's choice (every role for 'any')."""
    return tuple(ROLES) if role == coverage.ANY_ROLE else (role,)


def role_rows(by_role: pd.DataFrame, role: str) -> pd.DataFrame:
    return by_role[by_role["role"] == role]


def everyone(rows: pd.DataFrame) -> dict:
    """The all-stages row of one role's coverage."""
    return rows[rows["career_stage"] == coverage.ALL_STAGES].iloc[0].to_dict()


def tiles(everyone: dict, load: dict, noun: str, window_days: int, min_cell: int) -> list[dict]:
    """The four headline tiles as st.metric arguments (label, value, help)."""
    hidden = hidden_note(min_cell)
    shown = not everyone["suppressed"]
    return [
        {
            "label": f"Have an active {noun}",
            "value": percent(everyone["pct"]) if shown else hidden,
            "help": f"{count(everyone['covered'])} of {count(everyone['n'])} active people." if shown else None,
        },
        {
            "label": f"Engaged with their {noun}",
            "value": percent(everyone["engaged_pct"]) if shown else hidden,
            "help": (
                f"{count(everyone['engaged'])} of {count(everyone['n'])} active people met their {noun} in the "
                f"last {window_days} days."
            )
            if shown
            else None,
        },
        {"label": "Active people in this view", "value": count(everyone["n"]) if shown else hidden, "help": None},
        {
            "label": "Mentors over capacity",
            "value": hidden
            if load["suppressed"]
            else (
                f"{fewer_than(min_cell) if load['over_capacity'] is None else count(load['over_capacity'])} of "
                f"{count(load['mentors'])}"
            ),
            "help": f"Mentors with more than {load['capacity']} active mentees (the capacity setting).",
        },
    ]


def stage_choices(filters) -> list[str]:
    """The 'compare within' choices: 'all', then the filtered career stages (every stage when none is set)."""
    return ["all", *(list(filters.career_stage) or list(CAREER_STAGE_LABELS))]


def within_label(stage: str) -> str:
    return "All stages in the filters" if stage == "all" else CAREER_STAGE_LABELS[stage]


def within_filters(filters, stage: str):
    return filters if stage == "all" else filters.narrowed(career_stage=(stage,))


def stage_table(rows: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    table = rows.assign(career_stage=rows["career_stage"].map(lambda s: CAREER_STAGE_LABELS.get(s, "All stages")))
    return numbers_table(table, {"career_stage": "Career stage", **COVERAGE_COLUMNS}, min_cell)


def group_table(groups: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    table = groups.assign(
        group=groups["group"].map(charts.group_label), dimension=groups["dimension"].map(DIMENSION_LABELS)
    )
    return numbers_table(table, {"dimension": "Dimension", "group": "Group", **COVERAGE_COLUMNS}, min_cell)


def match_table(match: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    return numbers_table(
        match.assign(career_stage=match["career_stage"].map(CAREER_STAGE_LABELS)),
        {
            "career_stage": "Career stage",
            "n": "Started",
            "matched": "Matched so far",
            "pct": "Matched %",
            "median_days": "Median days",
            "q1_days": "25th pct days",
            "q3_days": "75th pct days",
            "n90": "Started 90+ days ago",
            "within_90_pct": "Matched within 90 days %",
        },
        min_cell,
    )
