"""The wellbeing page's pieces: the data each section shows, measure names, trend figures, the
benchmark note and the tables (formatting: ui.tables; every number already suppressed in
mentordash.metrics.wellbeing).

The page (pages/wellbeing.py) and the benchmark (benchmarks/pages.py) gather the data through the same
functions: `cached` is ui.cache.cached in the app, a plain call on a connection in the benchmark."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

from mentordash.charts import wellbeing as charts
from mentordash.instruments import BURNOUT_MEASURES, MEASURES
from mentordash.metrics import wellbeing
from mentordash.ui.cache import cached, merged_together
from mentordash.ui.sections import open_section
from mentordash.ui.tables import COUNT, PERCENT, as_is, cell, display_table

# The page's sections, one tab each: only the open one is computed and drawn (mentordash.ui.sections).
SECTION_KEY = "wb_section"
SECTIONS = ("Burnout by wave", "Who is most affected", "Mentored or not", "Fulfillment and satisfaction")
GROUP_TABS_KEY = "wb_group_dimension"
# Within a section, one tab per instrument (burnout) or measure (fulfillment), drawn only while open: a
# trend over a consortium's 169 fortnightly waves takes the browser a sixth of a second to draw.
BURNOUT_TABS_KEY = "wb_burnout_instrument"
MEASURE_TABS_KEY = "wb_other_measure"


# --- the data of each section ------------------------------------------------------------------------


def view_total(view, cached: Callable = cached) -> dict:
    """Complete responses in the view (the page stops here when there are none or too few)."""
    return cached(wellbeing.responses_total, view.filters)


def waves_data(view, cached: Callable = cached) -> dict:
    """Every measure by wave, the waves in order (with their response rates) and the benchmarks: what
    every section needs (the same cached results serve them all)."""
    by_wave = cached(wellbeing.measures_by_wave, view.filters)
    rates = cached(wellbeing.response_rates, view.filters)
    return {
        "by_wave": by_wave,
        "rates": rates,
        "benchmarks": cached(wellbeing.benchmarks),
        "waves": list(rates["survey"]),
        "rules": rules(by_wave),
    }


def groups_data(view, cached: Callable = cached) -> dict:
    """Every measure by wave and group (the 'who is most affected' and 'mentored or not' sections)."""
    return {"by_group": cached(wellbeing.measures_by_group, view.filters)}


# The sections that show measures by group (every section shows them by wave).
GROUP_SECTIONS = ("Who is most affected", "Mentored or not")


def page_data(view, sections: tuple[str, ...] = SECTIONS, cached: Callable = cached) -> dict:
    """The page's total, its measures by wave and, when one of `sections` shows them, by group, computed
    together (ui.cache.together): with every section, the benchmark's measure of the page; with the open
    one, what prefetch() has the page compute first on every run."""
    parts = [lambda: {"total": view_total(view, cached)}, lambda: waves_data(view, cached)]
    if any(section in GROUP_SECTIONS for section in sections):
        parts.append(lambda: groups_data(view, cached))
    return merged_together(cached, *parts)


def prefetch(view, state: Mapping) -> None:
    """Fill the cache with what the open section (by the session's `state`) draws, before the page draws it."""
    page_data(view, open_section(state, SECTION_KEY, SECTIONS))


# --- names, figures and tables -----------------------------------------------------------------------


def measure_name(key: str) -> str:
    m = MEASURES[key]
    return charts.measure_title(m.label, m.source)


def present(keys, values) -> list[str]:
    """The measure keys, in `keys`' order, that occur in `values`."""
    seen = set(values)
    return [k for k in keys if k in seen]


def rules(by_wave: pd.DataFrame) -> dict:
    return dict(zip(by_wave["measure"], by_wave["rule"]))


def trend(by_wave: pd.DataFrame, key: str, waves: list[str], benchmarks: dict, min_cell: int):
    """A measure's trend as wide as the page (each drawn in a tab of its own, and in the report)."""
    m = MEASURES[key]
    return charts.wave_trend(
        by_wave[by_wave["measure"] == key],
        waves,
        m.label,
        m.source,
        m.positive_word,
        rules(by_wave)[key],
        min_cell,
        benchmarks["by_instrument"].get(key, []),
        narrow=False,
    )


def group_dimensions(dimensions) -> list[str]:
    return [d for d in dimensions if d != "mentored"]


def group_rows(in_wave: pd.DataFrame, measure: str, dimension: str) -> pd.DataFrame:
    return in_wave[(in_wave["measure"] == measure) & (in_wave["dimension"] == dimension)]


def default_measure(keys: list[str]) -> str | None:
    """The first burnout measure among `keys`, else the first key (None when there is none)."""
    return next((k for k in keys if k in BURNOUT_MEASURES), keys[0] if keys else None)


def benchmark_note(present_keys: list[str], benchmarks: dict) -> str:
    """Which burnout figures have a national benchmark beside them, which have none, and which benchmarks
    could not be compared (they name no instrument)."""
    by_instrument = benchmarks["by_instrument"]
    matched = [measure_name(k) for k in present_keys if by_instrument.get(k)]
    unmatched = [MEASURES[k].source for k in present_keys if not by_instrument.get(k)]
    notes = []
    if matched:
        notes.append(
            "National benchmarks are drawn (dashed) only beside figures of the instrument they were "
            "measured with: " + ", ".join(matched) + "."
        )
    if unmatched:
        notes.append(
            "No national benchmark was measured with " + " or ".join(unmatched) + ", so none is drawn "
            "beside " + ("it" if len(unmatched) == 1 else "them") + "."
        )
    if benchmarks["unmatched"]:
        notes.append(
            "Not compared: "
            + "; ".join(f"{b['figure']} {b['value']:g}% ({b['year']}, {b['source']})" for b in benchmarks["unmatched"])
            + ", which names no instrument."
        )
    return " ".join(notes)


def instrument_name(key: str) -> str:
    return MEASURES[key].source


def prevalence_table(prevalence: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    return display_table(
        prevalence,
        [
            ("survey", "Survey", as_is),
            ("instrument", "Instrument", instrument_name),
            ("n", "Scoreable responses", COUNT),
            ("burned_out", "Burned out", COUNT),
            ("pct", "Burnout", PERCENT),
            (("ci_low", "ci_high"), "95% CI", "interval"),
            ("rule", "Rule", as_is),
        ],
        min_cell,
    )


def _day(value) -> str:
    return value.strftime("%d %b %Y") if hasattr(value, "strftime") else str(value)


def rate_table(rates: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    """Response rate by survey; a survey with no roster link has no count of people surveyed, nor a rate."""

    def known(column, fmt, otherwise):
        return [
            cell(v, s, min_cell, fmt) if ok else otherwise
            for v, s, ok in zip(rates[column], rates["suppressed"], rates["roster_allows"])
        ]

    return pd.DataFrame(
        {
            "Survey": rates["survey"],
            "Last submission": [_day(d) for d in rates["last_day"]],
            "People surveyed": known("eligible", COUNT, "not known"),
            "Known respondents": known("respondents", COUNT, "not known"),
            "Response rate": known("rate", PERCENT, "anonymous survey"),
        }
    )


def mentored_label(group) -> str:
    return charts.group_label("mentored", group)


def mentored_table(rows: pd.DataFrame, positive_word: str, min_cell: int) -> pd.DataFrame:
    return display_table(
        rows,
        [
            ("survey", "Survey", as_is),
            ("group", "Group", mentored_label),
            ("n", "Scoreable responses", COUNT),
            ("pct", positive_word.capitalize(), PERCENT),
            (("ci_low", "ci_high"), "95% CI", "interval"),
        ],
        min_cell,
    )
