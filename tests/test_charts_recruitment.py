"""Recruitment chart builders: pure functions of hand-made frames; hidden cells never drawn."""

import json

import pandas as pd

from mentordash.charts import recruitment as charts
from mentordash.ui import recruitment_view
from mentordash.vocabulary import APPLICANT_STAGES

BENCHMARKS = {
    "women_applicants": {
        "key": "women_applicants",
        "figure": "women among orthopaedic residency applicants",
        "value": 23.0,
        "year": "2022",
        "source": "PMC10226613",
    },
    "women_residents": {
        "key": "women_residents",
        "figure": "women among orthopaedic surgery residents",
        "value": 15.4,
        "year": "2018-19",
        "source": "AAMC data, via Weber",
    },
    "urim_residents": {
        "key": "urim_residents",
        "figure": "URiM among orthopaedic residents (AAMC census)",
        "value": 11.3,
        "year": "2018",
        "source": "Haruno LS, et al. JBJS Open Access 2023",
    },
}
STEPS = [("applied", "interviewed"), ("interviewed", "ranked"), ("ranked", "matched"), ("applied", "matched")]


def conversion_rows(dimension, group, label, counts, hidden=()):
    """counts: {step: (n_to, n_from)}; steps in `hidden` are suppressed."""
    rows = []
    for a, b in STEPS:
        n_to, n_from = counts.get((a, b), (None, None))
        hide = (a, b) in hidden or n_from is None
        rate = None if hide else round(100 * n_to / n_from, 1)
        rows.append(
            dict(
                dimension=dimension,
                group=group,
                label=label,
                from_stage=a,
                to_stage=b,
                n_from=None if hide else n_from,
                n_to=None if hide else n_to,
                rate=rate,
                ci_low=None if hide else max(rate - 5, 0),
                ci_high=None if hide else min(rate + 5, 100),
                suppressed=hide,
            )
        )
    return rows


def spec(fig):
    return json.loads(fig.to_json())


def all_x(fig):
    return [x for trace in fig.data for x in (trace.x or []) if x is not None]


def test_conversion_title_states_the_largest_gap_and_hidden_points_are_absent():
    frame = pd.DataFrame(
        conversion_rows(
            "urim",
            "urim",
            "URiM",
            {("applied", "interviewed"): (6, 100), ("applied", "matched"): (0, 100)},
            hidden=[("interviewed", "ranked"), ("ranked", "matched")],
        )
        + conversion_rows("urim", "not_urim", "Not URiM", {s: (11, 100) for s in STEPS})
    )
    fig = charts.conversion_figure(frame, "urim", 5)
    title = fig.layout.title.text
    # applied→matched: 0% vs 11% is the largest relative gap; interviewed is the next.
    assert title.startswith("URiM applicants match at 0% vs 11% for others")
    assert "2 points hidden: groups of fewer than 5" in title
    urim = next(t for t in fig.data if t.name == "URiM")
    assert list(urim.y) == ["Applied → interviewed", "Applied → matched"]  # hidden steps left out
    assert list(urim.x) == [6.0, 0.0]


def test_conversion_title_interview_gap():
    frame = pd.DataFrame(
        conversion_rows(
            "urim",
            "urim",
            "URiM",
            {("applied", "interviewed"): (6, 100)},
            hidden=[("interviewed", "ranked"), ("ranked", "matched"), ("applied", "matched")],
        )
        + conversion_rows("urim", "not_urim", "Not URiM", {s: (11, 100) for s in STEPS})
    )
    title = charts.conversion_figure(frame, "urim", 5).layout.title.text
    assert title.startswith("URiM applicants are interviewed at 6% vs 11% for others")


def test_conversion_title_when_nothing_can_be_compared():
    frame = pd.DataFrame(
        conversion_rows("gender", "woman", "Women", {}, hidden=STEPS)
        + conversion_rows("gender", "man", "Men", {s: (3, 10) for s in STEPS})
    )
    fig = charts.conversion_figure(frame, "gender", 5)
    assert fig.layout.title.text.startswith("Too few applicants in each gender group to compare conversion")
    assert [t.name for t in fig.data] == ["Men"]


def group_rows(dimension, group, label, counts):
    """counts: [applied, interviewed, ranked, matched], None for hidden."""
    rows = []
    for order, (stage, n) in enumerate(zip(APPLICANT_STAGES, counts), start=1):
        base = counts[0]
        pct = None if n is None or base is None else round(100 * n / base, 1)
        rows.append(
            dict(
                dimension=dimension,
                group=group,
                label=label,
                stage=stage,
                stage_order=order,
                n=n,
                pct_of_applied=pct,
                ci_low=None if pct is None else max(pct - 3, 0),
                ci_high=None if pct is None else min(pct + 3, 100),
                suppressed=n is None,
            )
        )
    return rows


def test_overall_funnel_title_and_bars():
    frame = pd.DataFrame(group_rows("all", "all", "All applicants", [41, 17, 12, 5]))
    fig = charts.funnel_figure(frame, "all", 5)
    assert fig.layout.title.text == "Of 41 applicants, 5 matched (12%)"
    assert list(fig.data[0].x) == [41, 17, 12, 5]


def test_overall_funnel_with_a_hidden_stage():
    frame = pd.DataFrame(group_rows("all", "all", "All applicants", [6, None, None, None]))
    fig = charts.funnel_figure(frame, "all", 5)
    assert fig.layout.title.text.startswith("6 applicants; later stages too small to show")
    assert list(fig.data[0].x) == [6]
    assert "3 points hidden" in fig.layout.title.text
    labels = fig.data[1]  # where the hidden stages are, without their numbers
    assert list(labels.y) == ["Interviewed", "Ranked", "Matched"] and set(labels.text) == {"hidden: fewer than 5"}


def test_split_funnel_leaves_hidden_cells_out():
    frame = pd.DataFrame(
        group_rows("gender", "woman", "Women", [12, 7, 5, None]) + group_rows("gender", "man", "Men", [26, 10, 7, None])
    )
    fig = charts.funnel_figure(frame, "gender", 5)
    women = next(t for t in fig.data if t.name.startswith("Women"))
    assert women.name == "Women (12 applied)"
    assert list(women.x) == ["Interviewed", "Ranked"]  # applied is 100% by definition; matched hidden
    assert fig.layout.title.text.startswith("42% of women applicants are ranked vs 27% of men")
    assert "2 points hidden" in fig.layout.title.text


def funnel_rows(track, cycle, stage, order, n, women_pct, urim_pct, unknown=0):
    return dict(
        cycle=cycle,
        track=track,
        stage=stage,
        stage_order=order,
        n=n,
        suppressed=n is None,
        women_pct=women_pct,
        women_ci_low=women_pct,
        women_ci_high=women_pct,
        women_suppressed=women_pct is None,
        urim_pct=urim_pct,
        urim_ci_low=urim_pct,
        urim_ci_high=urim_pct,
        urim_suppressed=urim_pct is None,
        gender_unknown=unknown,
        gender_unknown_pct=0.0 if n is None else round(100 * unknown / n, 1),
        gender_unknown_suppressed=False,
        urim_unknown=unknown,
        urim_unknown_pct=0.0 if n is None else round(100 * unknown / n, 1),
        urim_unknown_suppressed=False,
    )


def trend_frame(track="residency"):
    rows = []
    for cycle, women in ((2025, 22.0), (2026, 24.5)):
        rows += [
            funnel_rows(track, cycle, "applied", 1, 600, women, 12.0, unknown=12),
            funnel_rows(track, cycle, "interviewed", 2, 70, 20.0, 8.6),
            funnel_rows(track, cycle, "ranked", 3, 55, 18.2, None),
            funnel_rows(track, cycle, "matched", 4, 7, None, None),
        ]
    return pd.DataFrame(rows)


def test_share_trend_has_benchmarks_with_source_and_year_on_hover():
    fig = charts.share_trend_figure(trend_frame(), "residency", "women", BENCHMARKS, 5)
    title = fig.layout.title.text
    assert title.startswith(
        "Women were 24% of applicants and 18% of those ranked in 2026 (national: 23.0% of applicants)"
    )
    assert "2 points hidden" in title  # women among the matched, both cycles
    national = [t for t in fig.data if t.name.startswith("National")]
    assert len(national) == 2
    assert "PMC10226613" in national[0].hovertemplate and "2022" in national[0].hovertemplate
    assert all(t.name != "Matched" for t in fig.data)  # every matched point hidden: no trace
    unknown = next(t for t in fig.data if "unknown" in t.name)
    assert list(unknown.y) == [2.0, 2.0]


def test_share_trend_outside_residency_says_why_no_benchmark():
    fig = charts.share_trend_figure(trend_frame("fellowship"), "fellowship", "urim", BENCHMARKS, 5)
    assert not [t for t in fig.data if t.name.startswith("National")]
    assert "national figures describe residency only" in fig.layout.title.text
    ranked = [t for t in fig.data if t.name == "Ranked"]
    assert not ranked  # URiM among ranked hidden in both cycles


def test_pipeline_title_and_hidden_cells():
    frame = pd.DataFrame(
        [
            dict(
                group="any",
                label="Any pipeline program",
                stage="applied",
                stage_order=1,
                n_stage=41,
                n=5,
                pct=12.2,
                suppressed=False,
            ),
            dict(
                group="any",
                label="Any pipeline program",
                stage="interviewed",
                stage_order=2,
                n_stage=17,
                n=5,
                pct=29.4,
                suppressed=False,
            ),
            dict(
                group="any",
                label="Any pipeline program",
                stage="ranked",
                stage_order=3,
                n_stage=None,
                n=None,
                pct=None,
                suppressed=True,
            ),
        ]
    )
    fig = charts.pipeline_figure(frame, 5)
    assert fig.layout.title.text.startswith(
        "Pipeline-program alumni are 12% of applicants and 29% of those interviewed"
    )
    assert list(fig.data[0].x) == ["Applied", "Interviewed"]


def test_representation_benchmarks_and_hidden_cells():
    frame = pd.DataFrame(
        [
            dict(
                career_stage="resident",
                n=12,
                women_pct=45.5,
                women_ci_low=20.0,
                women_ci_high=70.0,
                women_suppressed=False,
                gender_unknown=1,
                urim_pct=None,
                urim_ci_low=None,
                urim_ci_high=None,
                urim_suppressed=True,
                urim_unknown=None,
                suppressed=False,
            ),
        ]
    )
    fig = charts.representation_figure(frame, BENCHMARKS, 5)
    assert fig.layout.title.text.startswith("Women are 46% of residents against 15.4% nationally (2018-19)")
    national = [t for t in fig.data if t.name == "National figure"]
    assert sorted(x for t in national for x in t.x) == [11.3, 15.4]
    assert "AAMC data" in national[0].hovertext[0]
    urim_bars = next(t for t in fig.data if t.name == "URiM")
    assert len(urim_bars.x) == 0  # hidden: not drawn
    assert any(
        "URiM: hidden (fewer than 5)" in (t.text or [""])[0] for t in fig.data if getattr(t, "mode", None) == "text"
    )


def test_tables_write_fewer_than_never_the_number():
    frame = pd.DataFrame(group_rows("urim", "urim", "URiM", [73, None, None, 0]))
    table = recruitment_view.funnel_table(frame, "urim", 5)
    assert table.iloc[0].to_dict() == {
        "Group": "URiM",
        "Applied": "73",
        "Interviewed": "fewer than 5",
        "Ranked": "fewer than 5",
        "Matched": "0 (0.0%)",
    }
    conv = pd.DataFrame(conversion_rows("urim", "urim", "URiM", {("applied", "matched"): (0, 73)}, hidden=STEPS[:3]))
    table = recruitment_view.conversion_table(conv, "urim", 5)
    assert table.iloc[0]["Counts"] == "fewer than 5" and table.iloc[0]["Conversion"] == "–"
    assert table.iloc[3]["Counts"] == "0 of 73" and table.iloc[3]["Conversion"] == "0.0%"


def test_conversion_title_when_the_rates_are_equal():
    frame = pd.DataFrame(
        conversion_rows("pipeline", "any", "Any pipeline program", {("applied", "matched"): (0, 20)}, hidden=STEPS[:3])
        + conversion_rows(
            "pipeline", "none", "No pipeline program", {("applied", "matched"): (0, 50)}, hidden=STEPS[:3]
        )
    )
    title = charts.conversion_figure(frame, "pipeline", 5).layout.title.text
    assert title.startswith("Pipeline-program applicants match at the same rate as those without one (0%)")


def test_representation_title_names_the_urim_share_when_only_that_is_shown():
    """Women hidden, URiM shown (a filter on one gender): the title states the figure the chart draws."""
    row = dict(
        career_stage="fellow",
        n=7,
        women_pct=None,
        women_ci_low=None,
        women_ci_high=None,
        women_suppressed=True,
        gender_unknown=0,
        urim_pct=0.0,
        urim_ci_low=0.0,
        urim_ci_high=35.4,
        urim_suppressed=False,
        urim_unknown=0,
        suppressed=False,
    )
    fig = charts.representation_figure(pd.DataFrame([row]), BENCHMARKS, 5)
    assert fig.layout.title.text.startswith("URiM people are 0% of fellows")
    hidden_everything = {**row, "urim_pct": None, "urim_ci_low": None, "urim_ci_high": None, "urim_suppressed": True}
    fig = charts.representation_figure(pd.DataFrame([hidden_everything]), BENCHMARKS, 5)
    assert fig.layout.title.text.startswith("Too few people in each career stage")
