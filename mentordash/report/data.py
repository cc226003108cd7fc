"""Every figure the report shows, gathered through the public metrics functions the pages call.

Nothing here computes a number: each figure comes from mentordash.metrics (the same functions, with the
same arguments, as pages/*.py and mentordash/ui/*_view.py), called with the reader's `audience`
(privacy.EXACT for coordinators, local mode and the command line; privacy.PROTECTED for viewers), so
the report holds exactly what the app would show that reader. Row-level lists (unmatched people,
mentors over capacity) are never gathered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from mentordash import privacy
from mentordash.db import Database
from mentordash.metrics import coverage, outcomes, overview, recruitment, wellbeing
from mentordash.metrics.filters import Filters
from mentordash.vocabulary import TRACK_LABELS

EXACT, PROTECTED, AUDIENCES = privacy.EXACT, privacy.PROTECTED, privacy.AUDIENCES
TRACK = "residency"  # the report's funnel: residency when the data has it, else the first track present


class ReportError(RuntimeError):
    """The report cannot be made as asked: the message says why."""


@dataclass
class Gatherer:
    """Calls metrics functions for one reader, passing `audience` through to each."""

    db: Database
    audience: str
    call: Callable | None = None  # call(func, *args, **kwargs) -> func(db, ...): the app passes its cache
    on_call: Callable | None = None  # on_call(done, expected, topic) after each distinct call (progress)
    called: list[str] = field(default_factory=list)
    _memo: dict = field(default_factory=dict)

    def __call__(self, func: Callable, *args: Any, **kwargs: Any) -> Any:
        """func(db, *args, audience=..., **kwargs), once per distinct call (the share charts ask for the
        funnel of the same filters when no gender or URiM filter is set)."""
        key = (func, args, tuple(sorted(kwargs.items())))
        if key not in self._memo:
            self._memo[key] = self._call(func, *args, **kwargs)
            if self.on_call is not None:
                topic = TOPICS.get(func.__module__.rsplit(".", 1)[-1], "the data")
                self.on_call(len(self._memo), len(REPORT_FUNCTIONS) + 1, topic)
        return self._memo[key]

    def _call(self, func: Callable, *args: Any, **kwargs: Any) -> Any:
        name = f"{func.__module__}.{func.__qualname__}"
        self.called.append(name)
        try:  # the one disclosure gate, as the app's cache uses it: figures carry the reader's audience
            kwargs = privacy.gate(func, self.audience, kwargs)
        except PermissionError as refused:
            raise ReportError(
                f"{name} cannot give protected figures yet, so a viewer's report cannot be made "
                f"({refused}). Ask a coordinator for the report."
            ) from refused
        if self.call is not None:
            return self.call(func, *args, **kwargs)
        return func(self.db, *args, **kwargs)


TOPICS = {
    "overview": "the summary",
    "coverage": "coverage and mentor load",
    "recruitment": "recruitment",
    "wellbeing": "wellbeing",
    "outcomes": "outcomes",
}


def _report_functions() -> list[Callable]:
    """The figure-returning metrics functions the report calls."""
    return [
        coverage.coverage_total,
        coverage.coverage_by_stage,
        coverage.coverage_by_role,
        coverage.mentor_load,
        coverage.resident_benchmark,
        coverage.coverage_by_group,
        coverage.mentor_load_distribution,
        coverage.load_by_group,
        coverage.time_to_match,
        overview.all_tiles,
        overview.coverage_by_year,
        recruitment.ignored_filters,
        recruitment.applicant_total,
        recruitment.cycles,
        recruitment.group_funnel,
        recruitment.conversions,
        recruitment.funnel,
        recruitment.benchmarks,
        recruitment.pipeline_share,
        recruitment.representation,
        wellbeing.responses_total,
        wellbeing.measures_by_wave,
        wellbeing.burnout_prevalence,
        wellbeing.response_rates,
        wellbeing.measures_by_group,
        wellbeing.benchmarks,
        outcomes.window,
        outcomes.people_total,
        outcomes.publications,
        outcomes.time_to_promotion,
        outcomes.early_departure,
        outcomes.satisfaction,
        outcomes.mentor_publications,
    ]


REPORT_FUNCTIONS = _report_functions()  # read when this module loads: its count sizes the progress bar


def missing_audience() -> list[str]:
    """The figure-returning metrics functions the report calls that do not take `audience` yet."""
    return [
        f"{f.__module__}.{f.__qualname__}"
        for f in _report_functions()
        if not privacy.takes_audience(f) and not getattr(f, "figure_free", False)
    ]


def gather(
    db: Database,
    as_of: date,
    filters: Filters,
    audience: str = EXACT,
    call: Callable | None = None,
    on_call: Callable | None = None,
) -> dict:
    """Everything the report shows, section by section. `call`, when given, makes each metrics call
    (the app passes its cache, ui.cache.cached); by default each function is called on `db`.
    `on_call(done, expected, topic)` hears of each call (the app's progress bar)."""
    if audience not in AUDIENCES:
        raise ReportError(f"unknown audience {audience!r}: expected one of {', '.join(AUDIENCES)}")
    get = Gatherer(db, audience, call, on_call)
    settings = db.settings()
    out: dict[str, Any] = {
        "as_of": as_of,
        "filters": filters,
        "audience": audience,
        "settings": settings,
        "min_cell": privacy.effective_min_cell(settings["min_cell"]),
        "latest_dates": get(overview.data_freshness),  # row counts only for exact figures
    }
    # Summary and coverage (the overview and coverage pages stop on the same total).
    total = get(coverage.coverage_total, as_of, filters)
    out["coverage_total"] = total
    if total.get("n") and not total.get("suppressed"):
        by_role = get(coverage.coverage_by_role, as_of, filters)
        out["summary"] = {
            "tiles": get(overview.all_tiles, as_of, filters),
            "by_year": get(overview.coverage_by_year, as_of, filters),
        }
        group_total = total
        out["coverage"] = {
            "by_stage": get(coverage.coverage_by_stage, as_of, filters),
            "by_role": by_role,
            "load": get(coverage.mentor_load, as_of, filters),
            "benchmark": get(coverage.resident_benchmark, as_of, filters),
            "groups": get(coverage.coverage_by_group, as_of, filters),
            "group_total": group_total,
            "distribution": get(coverage.mentor_load_distribution, as_of, filters),
            "tax": get(coverage.load_by_group, as_of, filters),
            "match": get(coverage.time_to_match, as_of, filters),
        }
    out["recruitment"] = _recruitment(get, as_of, filters)
    out["wellbeing"] = _wellbeing(get, filters)
    out["outcomes"] = _outcomes(get, as_of, filters)
    out["called"] = list(dict.fromkeys(get.called))
    return out


def _recruitment(get: Gatherer, as_of: date, filters: Filters) -> dict:
    section: dict[str, Any] = {
        "ignored": get(recruitment.ignored_filters, filters),
        "total": get(recruitment.applicant_total, filters),
        "people": get(recruitment.representation, as_of, filters),
        "benchmarks": get(recruitment.benchmarks),
    }
    if section["total"].get("suppressed") or not section["total"].get("n"):
        return section
    pairs = get(recruitment.cycles, filters)
    tracks = [t for t in TRACK_LABELS if t in set(pairs["track"])]
    track = TRACK if TRACK in tracks else tracks[0]
    cycle = int(pairs[pairs["track"] == track]["cycle"].max())
    women_filters, urim_filters = filters.for_share_charts()  # as the recruitment page
    section.update(
        track=track,
        cycle=cycle,
        groups=get(recruitment.group_funnel, filters, track, cycle),
        conversions=get(recruitment.conversions, filters, track, cycle),
        funnel=get(recruitment.funnel, filters),
        women_funnel=get(recruitment.funnel, women_filters),
        urim_funnel=get(recruitment.funnel, urim_filters),
        pipeline=get(recruitment.pipeline_share, filters, track, cycle),
    )
    return section


def _wellbeing(get: Gatherer, filters: Filters) -> dict:
    section: dict[str, Any] = {"total": get(wellbeing.responses_total, filters)}
    if section["total"].get("suppressed") or not section["total"].get("n"):
        return section
    section.update(
        by_wave=get(wellbeing.measures_by_wave, filters),
        prevalence=get(wellbeing.burnout_prevalence, filters),
        rates=get(wellbeing.response_rates, filters),
        by_group=get(wellbeing.measures_by_group, filters),
        benchmarks=get(wellbeing.benchmarks),
    )
    return section


def _outcomes(get: Gatherer, as_of: date, filters: Filters) -> dict:
    section: dict[str, Any] = {
        "window": get(outcomes.window, as_of),
        "total": get(outcomes.people_total, as_of, filters),
    }
    if section["total"].get("suppressed") or not section["total"].get("n"):
        return section
    section.update(
        publications=get(outcomes.publications, as_of, filters),
        promotion=get(outcomes.time_to_promotion, as_of, filters),
        departures=get(outcomes.early_departure, as_of, filters),
        satisfaction=get(outcomes.satisfaction, as_of, filters),
        mentors=get(outcomes.mentor_publications, as_of, filters),
    )
    return section
