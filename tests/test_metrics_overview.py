"""The overview's tiles on hand-built data: values, changes from a year earlier, suppression."""

from datetime import date, datetime

import pandas as pd
import pytest

from mentordash.metrics import overview
from mentordash.metrics.filters import Filters
from mentordash.metrics.overview import all_tiles, burnout_tile, coverage_by_year, recruitment_tiles
from mentordash.metrics.time import academic_year_ends
from tests.builders import add_applicants, add_mentorships, add_people, add_survey, new_db, person

AS_OF = date(2026, 6, 30)


def tiles_by_key(tiles):
    return {tile.key: tile for tile in tiles}


def test_coverage_tiles_and_year_on_year_change(tmp_path):
    db = new_db(tmp_path)
    add_people(
        db,
        *[person(f"R{i}", "resident", date(2024, 7, 1)) for i in range(10)],
        *[person(f"J{i}", "junior_faculty", date(2020, 7, 1)) for i in range(5)],
    )
    add_mentorships(
        db,
        *[dict(mentor_id=f"J{i % 5}", mentee_id=f"R{i}", start_date=date(2025, 3, 1)) for i in range(6)],
        *[dict(mentor_id="J0", mentee_id=f"R{i}", start_date=date(2026, 1, 1)) for i in range(6, 8)],
    )
    tiles = tiles_by_key(all_tiles(db, AS_OF, Filters()))
    trainees = tiles["trainee_coverage"]
    assert (trainees.value, trainees.previous, trainees.delta, trainees.n) == (80.0, 60.0, 20.0, 10)
    assert trainees.compared_with == "Jun 2025"
    assert tiles["junior_faculty_coverage"].value == 0.0
    assert tiles["active_relationships"].value == 8
    over = tiles["over_capacity"]  # five mentors (J0..J4), J0 with 3 mentees: none above 4
    assert (over.value, over.n, over.suppressed) == (0, 5, False)
    assert "burnout" not in tiles and "women_pct_applied" not in tiles


def test_stage_filter_outside_a_tile_gives_no_data(tmp_path):
    db = new_db(tmp_path)
    add_people(db, *[person(f"R{i}", "resident", date(2024, 7, 1)) for i in range(10)])
    tile = tiles_by_key(all_tiles(db, AS_OF, Filters.of(career_stage=["resident"])))["junior_faculty_coverage"]
    assert tile.value is None and not tile.suppressed and tile.n == 0


def survey_row(i, survey, day, burnout):
    return {
        "survey": survey,
        "response_id": f"{survey}-{i}",
        "submitted_at": datetime(day.year, day.month, day.day),
        "complete": True,
        "mini_z_burnout": burnout,
    }


def test_burnout_tile_compares_with_the_same_instrument_a_wave_earlier(tmp_path):
    db = new_db(tmp_path)
    add_survey(
        db,
        *[survey_row(i, "Spring 2025", date(2025, 4, 1), 3 if i < 4 else 1) for i in range(10)],
        *[survey_row(i, "Spring 2026", date(2026, 4, 1), 3 if i < 3 else 2) for i in range(10)],
    )
    tile = burnout_tile(db, Filters())
    assert (tile.value, tile.previous, tile.delta, tile.n) == (30.0, 40.0, -10.0, 10)
    assert tile.label == "Burnout (Mini-Z)" and tile.section == "Wellbeing: Spring 2026"
    assert "Spring 2025" in tile.note and "3 of 5" in tile.note


def test_recruitment_tiles_hide_small_shares(tmp_path):
    db = new_db(tmp_path)
    applicants = []
    for cycle in (2025, 2026):
        for i in range(20):
            applicants.append(
                dict(
                    applicant_id=f"A{cycle}-{i}",
                    cycle=cycle,
                    track="residency",
                    gender="woman" if i < (5 if cycle == 2026 else 6) else "man",
                    race_ethnicity=["white"],
                    stage_reached="matched" if i in (0, 10) else "applied",
                )
            )
    add_applicants(db, *applicants)
    tiles = tiles_by_key(recruitment_tiles(db, Filters()))
    women = tiles["women_pct_applied"]
    assert (women.value, women.previous, women.delta) == (25.0, 30.0, -5.0)
    assert women.section == "Recruitment: residency, 2026 cycle"
    assert tiles["women_pct_matched"].suppressed and tiles["women_pct_matched"].value is None  # 2 matched


def test_coverage_by_year_labels_academic_years(tmp_path):
    db = new_db(tmp_path)
    add_people(db, *[person(f"R{i}", "resident", date(2023, 7, 1)) for i in range(6)])
    add_mentorships(db, dict(mentor_id="X", mentee_id="R0", start_date=date(2024, 2, 1)))
    frame = coverage_by_year(db, date(2026, 3, 15), Filters())
    assert list(dict.fromkeys(frame["period"])) == ["2023-24", "2024-25", "as of 15 Mar 2026"]


@pytest.mark.parametrize("audience", ["exact", "protected"])
@pytest.mark.parametrize(
    "filters",
    [
        Filters(),
        Filters.of(career_stage=["resident", "junior_faculty"]),
        Filters.of(gender=["woman"]),
        Filters.of(career_stage=["senior_faculty"]),
    ],
)
def test_coverage_tiles_from_one_query_equal_coverage_total_per_tile(tmp_path, filters, audience):
    """The tiles share one coverage_counts query over both days; each must equal coverage_total of the filters
    narrowed to the tile's stages (the same people, so the same figures, protected ones too)."""
    from mentordash.demo import build_demo
    from mentordash.metrics import coverage

    db = new_db(tmp_path)
    build_demo(db)
    tiles = {t.key: t for t in overview.coverage_tiles(db, AS_OF, filters, audience=audience)}
    for key, stages, field in (
        ("trainee_coverage", ("student", "resident", "fellow"), "pct"),
        ("junior_faculty_coverage", ("junior_faculty",), "pct"),
        ("engaged_coverage", None, "engaged_pct"),
    ):
        chosen = stages and tuple(s for s in stages if not filters.career_stage or s in filters.career_stage)
        if stages and not chosen:
            assert tiles[key].value is None
            continue
        narrowed = filters if stages is None else filters.narrowed(career_stage=chosen)
        for day, value in ((AS_OF, tiles[key].value), (date(2025, 6, 30), tiles[key].previous)):
            assert coverage.coverage_total(db, day, narrowed, audience=audience)[field] == value


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    from mentordash.demo import build_demo

    db = new_db(tmp_path_factory.mktemp("overview-demo"))
    build_demo(db)
    return db


@pytest.mark.parametrize("audience", ["exact", "protected"])
@pytest.mark.parametrize("as_of", [AS_OF, date(2026, 3, 15)])
@pytest.mark.parametrize("filters", [Filters(), Filters.of(gender=["woman"]), Filters.of(career_stage=["resident"])])
def test_the_overview_counts_its_days_in_one_query_with_the_figures_of_each_alone(
    demo_db, monkeypatch, filters, as_of, audience
):
    """The page's total, tiles and academic years count coverage once per view (over view_days), and the total
    and the years are what counting their own days alone gives (the tiles: the test above)."""
    from mentordash.metrics import coverage

    counted = []
    shared = demo_db.shared

    def counting(key, compute):
        return shared(key, lambda: (counted.append(key), compute())[1])

    monkeypatch.setattr(demo_db, "shared", counting)
    with demo_db.snapshot():
        total = overview.view_total(demo_db, as_of, filters, audience=audience)
        overview.coverage_tiles(demo_db, as_of, filters, audience=audience)
        by_year = coverage_by_year(demo_db, as_of, filters, audience=audience)
    assert [key[1] for key in counted if key[0] == "coverage_counts"] == [tuple(overview.view_days(demo_db, as_of))]
    monkeypatch.undo()

    assert total == coverage.coverage_total(demo_db, as_of, filters, audience=audience)
    alone = coverage.coverage_over_time(demo_db, academic_year_ends(demo_db, as_of), filters, audience=audience)
    pd.testing.assert_frame_equal(by_year.drop(columns="period"), alone)
