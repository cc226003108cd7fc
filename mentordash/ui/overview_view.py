"""The overview page's data: the headline tiles, coverage over the academic years and, when its section
is opened, how recent each dataset is.

The page (pages/overview.py) and the benchmark (benchmarks/pages.py) gather the data through the same
functions: `cached` is ui.cache.cached in the app, a plain call on a connection in the benchmark."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from mentordash.metrics import overview
from mentordash.ui.cache import cached

FRESHNESS_KEY = "overview_freshness"  # the "Latest data in each dataset" expander, computed when opened


def view_total(view, cached: Callable = cached) -> dict:
    """Everyone in the view (the page stops here when it is too small to show), from the count the tiles and
    the chart share."""
    return cached(overview.view_total, view.as_of, view.filters)


def tiles_data(view, cached: Callable = cached) -> dict:
    return {"tiles": cached(overview.all_tiles, view.as_of, view.filters)}


def by_year_data(view, cached: Callable = cached) -> dict:
    return {"by_year": cached(overview.coverage_by_year, view.as_of, view.filters)}


def freshness_data(cached: Callable = cached) -> dict:
    return {"freshness": cached(overview.data_freshness)}


def prefetch(view, state: Mapping) -> None:
    """Fill the cache with what a run of the page computes before its datasets' section (which does not
    depend on the filters): what ui.ahead computes for the views one click away. The page itself computes
    them one by one, sending its chart before the tiles (pages/overview.py says why)."""
    view_total(view)
    by_year_data(view)
    tiles_data(view)


def page_data(view, cached: Callable = cached) -> dict:
    """Everything the page computes with its section opened (the benchmark's measure of the page), in the
    page's order: the total and the chart (one count of coverage, shared), which the page sends before it
    computes the tiles (their families side by side inside overview.all_tiles), then the datasets' dates.
    Not the whole page together: the page sends its chart first (pages/overview.py says why), and the
    benchmark times what the page does."""
    return {
        "total": view_total(view, cached),
        **by_year_data(view, cached),
        **tiles_data(view, cached),
        **freshness_data(cached),
    }
