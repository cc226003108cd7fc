"""metrics.prepared: the summaries built after every write are the ones the first views need."""

from __future__ import annotations

import shutil
from datetime import date

import pandas as pd
import pytest

from mentordash import privacy
from mentordash.db import connect
from mentordash.demo import build_demo
from mentordash.metrics import coverage, overview, recruitment, wellbeing
from mentordash.metrics.filters import Filters
from mentordash.metrics.prepared import prepare_summaries
from tests.test_metrics_wellbeing import derived_builds

AS_OF = date(2026, 6, 30)
# A view of everyone and a filter on each of the groups the prepared coverage events are counted by.
VIEWS = (Filters(), Filters(gender=("woman",)), Filters(urim=True), Filters(division=("surgery",)))


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The department demo, as built (nothing derived yet), and a directory for copies of it."""
    folder = tmp_path_factory.mktemp("prepared")
    db = connect(folder / "demo.duckdb")
    build_demo(db, scale="department", seed=42)
    db.close()
    return folder


def first_views(db) -> list:
    """The figures of a first view of each VIEWS filter: the overview's tiles and academic years, the coverage
    page's monthly series, the wellbeing page's trends and response rates, the recruitment funnel, exact and
    protected."""
    figures = []
    for filters in VIEWS:
        for audience in (privacy.EXACT, privacy.PROTECTED):
            figures.append(pd.DataFrame([vars(t) for t in overview.all_tiles(db, AS_OF, filters, audience=audience)]))
            figures.append(overview.coverage_by_year(db, AS_OF, filters, audience=audience))
            figures.append(coverage.coverage_monthly(db, AS_OF, filters, audience=audience))
            figures.append(wellbeing.measures_by_wave(db, filters, audience=audience))
            figures.append(wellbeing.response_rates(db, filters, audience=audience))
            figures.append(recruitment.funnel(db, filters, audience=audience))
    return figures


def copy_of(demo, name: str):
    shutil.copy(demo / "demo.duckdb", demo / name)
    return demo / name


def test_after_the_summaries_are_prepared_a_restarted_server_builds_none_and_shows_the_same(demo, monkeypatch):
    computed = connect(copy_of(demo, "computed.duckdb"))  # every first view builds what it needs
    expected = first_views(computed)
    computed.close()

    writer = connect(copy_of(demo, "prepared.duckdb"))
    prepare_summaries(writer)
    kept = writer.scalar("SELECT count(*) FROM derived_results")
    writer.close()
    restarted = connect(demo / "prepared.duckdb")
    builds = derived_builds(restarted, monkeypatch)
    after = first_views(restarted)
    restarted.close()

    # wellbeing's combinations and eligible people, coverage's events (each for everyone and by group), and the
    # applicants counted per combination of groups
    assert kept == 7
    # every first view read what was prepared; only the mentors' loads on the tiles' two dates are built: a
    # table of everyone at a date (metrics/everyone.py) is built by that date's first view, never prepared
    assert [key[0] for key in builds] == ["mentor_loads"]
    assert len(after) == len(expected) == 48
    for got, want in zip(after, expected):
        pd.testing.assert_frame_equal(got, want)


def test_the_prepared_event_tables_are_the_ones_a_filter_on_gender_urim_or_division_sums():
    for filters in VIEWS:
        assert coverage._event_columns(filters) in coverage.PREPARED_EVENT_COLUMNS
    assert coverage._event_columns(Filters(race_ethnicity=("asian",))) not in coverage.PREPARED_EVENT_COLUMNS
