"""The coverage page's pieces: the data each section shows, the role choice, the headline tiles and the
number tables (formatting: ui.tables; every number already suppressed in mentordash.metrics.coverage).

The page (pages/coverage.py) and the benchmark (benchmarks/pages.py) gather the data through the same
functions: each takes `cached`, which is ui.cache.cached in the app and a plain call on a connection in
the benchmark, so that what the benchmark times is what the page computes."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

from mentordash.charts import coverage as charts
from mentordash.metrics import coverage
from mentordash.ui.cache import cached, calls_together, merged_together
from mentordash.ui.context import get_db
from mentordash.ui.sections import open_section
from mentordash.ui.tables import HIDDEN_TILE_VALUE, count, fewer_than, numbers_table, percent
from mentordash.vocabulary import ALL_STAGES, ALL_STAGES_LABEL, CAREER_STAGE_LABELS, DIMENSION_LABELS, ROLES

# The page's sections, one tab each: only the open one is computed and drawn (docs/benchmarks.md).
SECTION_KEY = "cov_section"
SECTIONS = (
    "At the date",
    "By role",
    "Month by month",
    "Groups",
    "Mentor load",
    "How relationships began",
    "Time to match",
    "Who is waiting",
)
ROLE_CHOICES = (*ROLES, coverage.ANY_ROLE)  # the page's "Relationships counted" radio, in its order
DEFAULT_ROLE = ROLE_CHOICES[0]
ROLE_KEY, WITHIN_KEY = "cov_role", "cov_within"  # the page's choice of roles, and of a stage for the groups


# --- the data of each section ------------------------------------------------------------------------


def uncached(func: Callable, *args, **kwargs):
    """func(db, ...) on the app's connection, never cached: the row-level lists."""
    return func(get_db(), *args, **kwargs)


def view_total(view, cached: Callable = cached) -> dict:
    """Everyone in the view (the page stops here when it is too small to show), from the count the monthly
    series and the residents' benchmark share."""
    return cached(coverage.view_total, view.as_of, view.filters)


def headline_data(view, roles: tuple, cached: Callable = cached) -> dict:
    """The tiles above the sections: coverage by role and stage, and the mentors' load (together; the load
    first, so that a lane computes it while the page's total counts the stages that coverage_by_role reads)."""
    return calls_together(
        cached,
        {
            "load": (coverage.mentor_load, view.as_of, view.filters, roles),
            "by_role": (coverage.coverage_by_role, view.as_of, view.filters),
        },
    )


def at_date_data(view, cached: Callable = cached) -> dict:
    return {"benchmark": cached(coverage.resident_benchmark, view.as_of, view.filters)}


def monthly_data(view, roles: tuple, cached: Callable = cached) -> dict:
    return {"monthly": cached(coverage.coverage_monthly, view.as_of, view.filters, roles)}


def groups_data(view, roles: tuple, within: str, cached: Callable = cached) -> dict:
    """Coverage by group within the chosen stage; no groups when that stage is too small to show."""
    group_filters = within_filters(view.filters, within)
    total = cached(coverage.view_total, view.as_of, group_filters, roles)
    shown = not total["suppressed"] and bool(total["n"])
    groups = cached(coverage.coverage_by_group, view.as_of, group_filters, roles) if shown else None
    return {"group_total": total, "groups": groups}


def load_data(view, roles: tuple, cached: Callable = cached) -> dict:
    return calls_together(
        cached,
        {
            "distribution": (coverage.mentor_load_distribution, view.as_of, view.filters, roles),
            "tax": (coverage.load_by_group, view.as_of, view.filters, roles),
        },
    )


def sources_data(view, roles: tuple, cached: Callable = cached) -> dict:
    return {
        "sources": cached(coverage.relationship_sources, view.as_of, view.filters, roles),
        "formal": cached(coverage.formal_by_stage, view.as_of, view.filters, roles),
    }


def match_data(view, roles: tuple, cached: Callable = cached) -> dict:
    return {"match": cached(coverage.time_to_match, view.as_of, view.filters, roles)}


def lists_data(view, roles: tuple, user, call: Callable = uncached) -> dict:
    """The row-level lists, for coordinators only (never cached); nothing for anyone else."""
    if not user.is_coordinator:
        return {}
    return {
        "unmatched": call(coverage.unmatched_list, view.as_of, view.filters, roles, user=user),
        "over": call(coverage.over_capacity_list, view.as_of, view.filters, roles, user=user),
    }


def page_data(
    view,
    user,
    role: str = DEFAULT_ROLE,
    within: str = ALL_STAGES,
    sections: tuple[str, ...] = SECTIONS,
    cached: Callable = cached,
    call: Callable = uncached,
) -> dict:
    """The page's total and headline and the data of `sections`, computed together (ui.cache.together):
    with every section, the benchmark's measure of the page; with the open one, what prefetch() has the
    page compute first on every run."""
    roles = roles_for(role)
    section_parts = {
        "At the date": lambda: at_date_data(view, cached),
        "By role": None,  # the headline's figures
        "Month by month": lambda: monthly_data(view, roles, cached),
        "Groups": lambda: groups_data(view, roles, within, cached),
        "Mentor load": lambda: load_data(view, roles, cached),
        "How relationships began": lambda: sources_data(view, roles, cached),
        "Time to match": lambda: match_data(view, roles, cached),
        "Who is waiting": lambda: lists_data(view, roles, user, call),
    }
    parts = [
        lambda: {"total": view_total(view, cached)},
        lambda: headline_data(view, roles, cached),
        *(section_parts[section] for section in sections if section_parts[section]),
    ]
    return merged_together(cached, *parts)


def prefetch(view, state: Mapping) -> None:
    """Fill the cache with what this run of the page draws (its total, its headline and the open section,
    by the choices in the session's `state`), computed together before the page draws them one by one.
    The roster lists are never cached, so there is nothing to fill for them."""
    open_sections = tuple(s for s in open_section(state, SECTION_KEY, SECTIONS) if s != "Who is waiting")
    page_data(view, None, state.get(ROLE_KEY) or DEFAULT_ROLE, state.get(WITHIN_KEY) or ALL_STAGES, open_sections)


# --- choices, tiles and tables -----------------------------------------------------------------------

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
    return rows[rows["career_stage"] == ALL_STAGES].iloc[0].to_dict()


def tiles(everyone: dict, load: dict, noun: str, window_days: int, min_cell: int) -> list[dict]:
    """The four headline tiles as st.metric arguments (label, value, delta, help, and the delta's colour and
    arrow). A hidden figure reads "Hidden" with why beneath it, as the overview's tiles do: a tile's value
    has room for a few characters only."""
    shown = not everyone["suppressed"]
    mentors = count(load["mentors"]) if not load["suppressed"] else None
    return [
        _tile(
            f"Have an active {noun}",
            percent(everyone["pct"]) if shown else None,
            f"{count(everyone['covered'])} of {count(everyone['n'])} active people." if shown else None,
            min_cell,
        ),
        _tile(
            f"Engaged with their {noun}",
            percent(everyone["engaged_pct"]) if shown else None,
            f"{count(everyone['engaged'])} of {count(everyone['n'])} active people met their {noun} in the "
            f"last {window_days} days."
            if shown
            else None,
            min_cell,
        ),
        _tile("Active people in this view", count(everyone["n"]) if shown else None, None, min_cell),
        _tile(
            "Mentors over capacity",
            None if mentors is None or load["over_capacity"] is None else count(load["over_capacity"]),
            f"Mentors with more than {load['capacity']} active mentees (the capacity setting).",
            min_cell,
            note=None if mentors is None else f"of {mentors} mentors",
            hidden_note=f"{fewer_than(min_cell)} mentors"
            if mentors is None
            else f"{fewer_than(min_cell)} of {mentors}",
        ),
    ]


def _tile(
    label: str,
    value: str | None,
    help: str | None,
    min_cell: int,
    note: str | None = None,
    hidden_note: str | None = None,
) -> dict:
    """st.metric's arguments for one tile: `value`, or "Hidden" (None) with `hidden_note` beneath it (fewer than
    min_cell people by default), `note` beneath a shown value; the note in grey, without an arrow."""
    hidden = value is None
    beneath = (hidden_note or f"{fewer_than(min_cell)} people") if hidden else note
    return {
        "label": label,
        "value": HIDDEN_TILE_VALUE if hidden else value,
        "delta": beneath,
        "help": f"{help or ''} Hidden to protect privacy: fewer than {min_cell}.".strip() if hidden else help,
        "delta_color": "off",
        "delta_arrow": "off",
    }


def stage_choices(filters) -> list[str]:
    """The 'compare within' choices: 'all', then the filtered career stages (every stage when none is set)."""
    return [ALL_STAGES, *(list(filters.career_stage) or list(CAREER_STAGE_LABELS))]


def within_label(stage: str) -> str:
    return f"{ALL_STAGES_LABEL} in the filters" if stage == ALL_STAGES else CAREER_STAGE_LABELS[stage]


def within_filters(filters, stage: str):
    return filters if stage == ALL_STAGES else filters.narrowed(career_stage=(stage,))


def stage_table(rows: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    table = rows.assign(career_stage=rows["career_stage"].map(lambda s: CAREER_STAGE_LABELS.get(s, ALL_STAGES_LABEL)))
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
