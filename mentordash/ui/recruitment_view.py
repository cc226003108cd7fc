"""The recruitment page's pieces: the data each section shows, which filters apply to applicants, the
split choices, and the display tables (formatting: ui.tables; every cell already suppressed in
mentordash.metrics.recruitment).

The page (pages/recruitment.py) and the benchmark (benchmarks/pages.py) gather the data through the
same functions: `cached` is ui.cache.cached in the app, a plain call on a connection in the benchmark."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

from mentordash.charts.recruitment import REPRESENTATION_BENCHMARKS, TRANSITION_LABELS
from mentordash.frames import records
from mentordash.metrics import recruitment
from mentordash.ui.cache import cached, calls_together, merged_together
from mentordash.ui.sections import open_section
from mentordash.ui.tables import COUNT, MISSING, cell, fewer_than, interval, percent
from mentordash.vocabulary import (
    APPLICANT_STAGE_LABELS,
    CAREER_STAGE_LABELS,
    DIMENSION_LABELS,
    DIMENSION_NOUNS,
    REPRESENTATION_SHARES,
    TRACK_LABELS,
)

SPLITS = {d: DIMENSION_LABELS[d] for d in ("urim", "gender", "race_ethnicity")}

# The page's sections, one tab each: only the open one is computed and drawn (mentordash.ui.sections).
SECTION_KEY = "rec_section"
SECTIONS = ("The funnel", "Conversion by group", "Women and URiM", "Pipeline programs", "The department")
# The data each section draws (page_data computes each once, however many open sections draw it).
SECTION_NEEDS = {
    "The funnel": ("cycle",),
    "Conversion by group": ("cycle",),
    "Women and URiM": ("shares",),
    "Pipeline programs": ("cycle", "pipeline"),
    "The department": ("department",),
}


# --- the data of each section ------------------------------------------------------------------------


def header_data(view, cached: Callable = cached) -> dict:
    """What the page needs before its sections: the filters applicants ignore, how many applicants the
    view holds (the page stops when too few), and the tracks and cycles present."""
    return calls_together(
        cached,
        {
            "ignored": (recruitment.ignored_filters, view.filters),
            "total": (recruitment.applicant_total, view.filters),
            "pairs": (recruitment.cycles, view.filters),
        },
    )


def default_choice(pairs: pd.DataFrame) -> tuple[str, int]:
    """The track and cycle a first visit shows: the first track, its newest cycle."""
    track = track_choices(pairs)[0]
    return track, track_cycles(pairs, track)[0]


def cycle_data(view, track: str, cycle: int, cached: Callable = cached) -> dict:
    """The funnel by group and the conversions of one track's cycle (the funnel, conversion and pipeline
    sections); `too_few` when the cycle's applicants are too few to show."""
    groups = cached(recruitment.group_funnel, view.filters, track, cycle)
    return {
        "groups": groups,
        "conversions": cached(recruitment.conversions, view.filters, track, cycle),
        "too_few": tiny_track(groups),
    }


def shares_data(view, cached: Callable = cached) -> dict:
    """The funnel of every cycle, and the two share charts' funnels (each sets its own attribute's
    filter aside), with the national benchmarks: four calls, computed together (ui.cache.together)."""
    women_filters, urim_filters, note = share_filters(view.filters)
    shares = calls_together(
        cached,
        {
            "funnel": (recruitment.funnel, view.filters),
            "benchmarks": (recruitment.benchmarks,),
            "women": (recruitment.funnel, women_filters),
            "urim": (recruitment.funnel, urim_filters),
        },
    )
    return {**shares, "set_aside_note": note}


def pipeline_data(view, track: str, cycle: int, cached: Callable = cached) -> dict:
    return {"pipeline": cached(recruitment.pipeline_share, view.filters, track, cycle)}


def department_data(view, cached: Callable = cached) -> dict:
    return {
        "representation": cached(recruitment.representation, view.as_of, view.filters),
        "benchmarks": cached(recruitment.benchmarks),
    }


def page_data(
    view,
    track: str | None = None,
    cycle: int | None = None,
    sections: tuple[str, ...] = SECTIONS,
    cached: Callable = cached,
) -> dict:
    """The page's header and, for a track and cycle (default: the first visit's), the data of `sections`,
    computed together (ui.cache.together): with every section, the benchmark's measure of the page; with
    the open one, what prefetch() has the page compute first on every run."""
    head = header_data(view, cached)
    if head["total"]["suppressed"] or not head["total"]["n"]:
        return head  # the page stops here
    if track is None:
        track, cycle = default_choice(head["pairs"])
    data_parts = {
        "shares": lambda: shares_data(view, cached),
        "cycle": lambda: cycle_data(view, track, cycle, cached),
        "department": lambda: department_data(view, cached),
        "pipeline": lambda: pipeline_data(view, track, cycle, cached),
    }
    needed = {need for section in sections for need in SECTION_NEEDS[section]}
    return {**head, **merged_together(cached, *(compute for name, compute in data_parts.items() if name in needed))}


def prefetch(view, track: str, cycle: int, state: Mapping) -> None:
    """Fill the cache with the open section's data (by the session's `state`) before the page draws it."""
    page_data(view, track, cycle, open_section(state, SECTION_KEY, SECTIONS))


# --- filters and choices -----------------------------------------------------------------------------


def ignored_note(ignored: list[str]) -> str:
    names = ", ".join(DIMENSION_NOUNS.get(n, n) for n in ignored)
    return (
        f"The {names} filter does not describe applicants, so the funnel, conversion, trend and pipeline "
        "sections ignore it. It applies to the department section at the bottom."
    )


def applicant_filters(filters, ignored: list[str]) -> dict:
    """The filters that describe applicants (set ones only)."""
    return {k: v for k, v in filters.as_dict().items() if k not in ignored}


def track_choices(pairs: pd.DataFrame) -> list[str]:
    return [t for t in TRACK_LABELS if t in set(pairs["track"])]


def track_cycles(pairs: pd.DataFrame, track: str) -> list[int]:
    return [int(c) for c in pairs[pairs["track"] == track]["cycle"]]


def split_choices(has_applicant_filters: bool) -> dict:
    """The 'Split by' choices; 'Filtered vs everyone else' only when a filter describes applicants."""
    return {**SPLITS, "selection": "Filtered vs everyone else"} if has_applicant_filters else dict(SPLITS)


def default_split(has_applicant_filters: bool) -> str:
    return "selection" if has_applicant_filters else "urim"


def context_note(track: str, cycle: int) -> str:
    return f"{TRACK_LABELS[track]}, {cycle} cycle"


def tiny_track(groups: pd.DataFrame) -> bool:
    """Whether the track's applicants in the cycle are too few (or none) to show the funnel."""
    applied = groups[(groups["dimension"] == "all") & (groups["stage"] == "applied")]
    return applied.empty or bool(applied["suppressed"].iloc[0])


def share_filters(filters):
    """(women filters, URiM filters, set-aside note or ''): a share of women among women is 100% by
    construction, so each share chart sets its own attribute's filter aside."""
    women, urim = filters.for_share_charts()
    set_aside = [name for name, on in (("gender", bool(filters.gender)), ("URiM", filters.urim is not None)) if on]
    note = ""
    if set_aside:
        note = (
            f"The {' and '.join(set_aside)} filter is set aside in the chart of its own share (a share of URiM "
            "among URiM applicants is 100% by construction): each chart shows where that group stands among "
            "all applicants, against the nation. The table below keeps every filter."
        )
    return women, urim, note


# --- tables ----------------------------------------------------------------------------------------


def _hidden_share(min_cell: int) -> str:
    return f"hidden (a group of {fewer_than(min_cell)})"


def funnel_table(frame: pd.DataFrame, dimension: str, min_cell: int) -> pd.DataFrame:
    """Groups down, stages across: 'count (share of the group's applicants)' or 'fewer than N'."""
    rows = frame[frame["dimension"] == dimension]
    out = []
    for _group, part in rows.groupby("group", sort=False):
        record = {"Group": part["label"].iloc[0]}
        for row in records(part):
            text = cell(row["n"], bool(row["suppressed"]), min_cell, COUNT)
            if (
                not row["suppressed"]
                and row["stage"] != "applied"
                and row["pct_of_applied"] is not None
                and not pd.isna(row["pct_of_applied"])
            ):
                text += f" ({percent(row['pct_of_applied'])})"
            record[APPLICANT_STAGE_LABELS[row["stage"]]] = text
        out.append(record)
    return pd.DataFrame(out, columns=["Group", *APPLICANT_STAGE_LABELS.values()])


def conversion_table(frame: pd.DataFrame, dimension: str, min_cell: int) -> pd.DataFrame:
    rows = frame[frame["dimension"] == dimension]
    out = []
    for row in records(rows):
        hidden = bool(row["suppressed"])
        no_data = not hidden and not row["n_from"]
        out.append(
            {
                "Group": row["label"],
                "Step": TRANSITION_LABELS[(row["from_stage"], row["to_stage"])],
                "Counts": fewer_than(min_cell)
                if hidden
                else ("no applicants" if no_data else f"{COUNT.format(row['n_to'])} of {COUNT.format(row['n_from'])}"),
                "Conversion": MISSING if hidden or no_data else percent(row["rate"]),
                "95% CI": MISSING if hidden or no_data else interval(row["ci_low"], row["ci_high"]),
            }
        )
    return pd.DataFrame(out, columns=["Group", "Step", "Counts", "Conversion", "95% CI"])


def share_table(frame: pd.DataFrame, track: str, min_cell: int) -> pd.DataFrame:
    """Cycle and stage down: applicants, women and URiM shares (of known) and the unknown, as shown."""
    rows = frame[frame["track"] == track].sort_values(["cycle", "stage_order"], ascending=[False, True])
    out = []
    for row in records(rows):
        hidden = bool(row["suppressed"])

        def share(name, row=row, hidden=hidden):
            return _hidden_share(min_cell) if hidden or row[f"{name}_suppressed"] else percent(row[f"{name}_pct"])

        def unknown(col, row=row, hidden=hidden):
            if hidden or row[f"{col}_suppressed"]:
                return "hidden"
            return f"{COUNT.format(row[col])} ({percent(row[f'{col}_pct'])})"

        out.append(
            {
                "Cycle": int(row["cycle"]),
                "Stage": APPLICANT_STAGE_LABELS[row["stage"]],
                "Applicants": cell(row["n"], hidden, min_cell, COUNT),
                "Women (of known)": share("women"),
                "Gender unknown": unknown("gender_unknown"),
                "URiM (of known)": share("urim"),
                "URiM status unknown": unknown("urim_unknown"),
            }
        )
    return pd.DataFrame(
        out,
        columns=[
            "Cycle",
            "Stage",
            "Applicants",
            "Women (of known)",
            "Gender unknown",
            "URiM (of known)",
            "URiM status unknown",
        ],
    )


def representation_table(frame: pd.DataFrame, benchmarks: dict, min_cell: int) -> pd.DataFrame:
    out = []
    for row in records(frame):
        hidden = bool(row["suppressed"])
        record = {
            "Career stage": CAREER_STAGE_LABELS.get(row["career_stage"], row["career_stage"]),
            "Active people": cell(row["n"], hidden, min_cell, COUNT),
        }
        for share, unknown in (("women", "gender_unknown"), ("urim", "urim_unknown")):
            name = REPRESENTATION_SHARES[share][0]
            hidden_share = hidden or row[f"{share}_suppressed"]
            record[f"{name} (of known)"] = _hidden_share(min_cell) if hidden_share else percent(row[f"{share}_pct"])
            record[f"{name}: unknown"] = "hidden" if hidden or row[f"{unknown}_suppressed"] else f"{int(row[unknown])}"
            key = REPRESENTATION_BENCHMARKS[share].get(row["career_stage"])
            bench = benchmarks.get(key) if key else None
            record[f"{name}: national"] = (
                f"{bench['value']}% ({bench['year']}, {bench['source']})" if bench else MISSING
            )
        out.append(record)
    return pd.DataFrame(out)
