"""Coverage chart builders: pure frames in, figures out; suppressed points absent, titles state the finding."""

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from mentordash.charts import coverage as charts


def role_frame():
    rows = []
    for role in ("mentor", "sponsor", "advisor", "coach", "peer", "any"):
        rows += [
            dict(
                role=role,
                career_stage="resident",
                n=40,
                covered=33 if role in ("mentor", "any") else 2,
                pct=82.5 if role in ("mentor", "any") else 5.0,
                engaged=20,
                engaged_pct=50.0,
                ci_low=68.1,
                ci_high=91.3,
                suppressed=False,
            ),
            dict(
                role=role,
                career_stage="fellow",
                n=None,
                covered=None,
                pct=None,
                engaged=None,
                engaged_pct=None,
                ci_low=None,
                ci_high=None,
                suppressed=True,
            ),
            dict(
                role=role,
                career_stage="junior_faculty",
                n=10,
                covered=4,
                pct=40.0,
                engaged=2,
                engaged_pct=20.0,
                ci_low=16.8,
                ci_high=68.7,
                suppressed=False,
            ),
            dict(
                role=role,
                career_stage="all",
                n=53,
                covered=39,
                pct=73.6,
                engaged=23,
                engaged_pct=43.4,
                ci_low=60.4,
                ci_high=83.6,
                suppressed=False,
            ),
        ]
    return pd.DataFrame(rows)


def test_stage_chart_leaves_out_suppressed_and_states_the_finding():
    frame = role_frame()
    fig = charts.coverage_by_stage(frame[frame["role"] == "mentor"], "mentor", min_cell=5)
    assert [t.name for t in fig.data] == ["Has an active mentor", "Met their mentor in the window (engaged)"]
    assert list(fig.data[0].x) == ["Residents", "Junior faculty"]  # fellows hidden, 'all' not a bar
    assert list(fig.data[0].y) == [82.5, 40.0]
    assert [round(v, 1) for v in fig.data[0].error_y.array] == [8.8, 28.7]  # up to the 95% CI high
    assert [round(v, 1) for v in fig.data[0].error_y.arrayminus] == [14.4, 23.2]
    title = fig.layout.title.text
    assert title.startswith("82% of residents have an active mentor, against 40% of junior faculty")
    assert "1 point hidden: groups of fewer than 5" in title


def test_role_grid_marks_hidden_cells():
    fig = charts.role_grid(role_frame(), min_cell=5)
    heat = fig.data[0]
    assert list(heat.y) == ["Mentor", "Sponsor", "Advisor", "Coach", "Peer mentor", "Any role"]
    assert list(heat.x) == ["Residents", "Fellows", "Junior faculty", "All stages"]
    assert heat.text[0][1] == "hidden (<5)" and heat.z[0][1] is None
    assert heat.text[0][0] == "82%<br>33 of 40"
    assert fig.layout.title.text.startswith("74% have an active mentor; 74% have someone in any mentoring role")


def test_benchmark_beside_the_department():
    bench = {
        "key": "residents_with_mentor",
        "figure": "orthopaedic residents with a mentor",
        "value": 74.7,
        "year": "2015",
        "source": "AOA survey of residents",
    }
    dept = dict(career_stage="resident", n=40, covered=33, pct=82.5, ci_low=68.1, ci_high=91.3, suppressed=False)
    fig = charts.resident_benchmark(dept, bench, 5)
    assert [t.name for t in fig.data] == ["National benchmark", "This department"]
    assert fig.data[0].x[0] == 74.7 and fig.data[1].x[0] == 82.5
    assert "AOA survey of residents, 2015" in fig.layout.title.text
    assert "82% of residents here have an active mentor, against 75% nationally" in fig.layout.title.text.replace(
        "<br>", " "
    )
    hidden = charts.resident_benchmark({"suppressed": True, "pct": None}, bench, 5)
    assert [t.name for t in hidden.data] == ["National benchmark"]
    assert "1 point hidden" in hidden.layout.title.text


def test_monthly_trims_months_before_anything_can_be_shown():
    rows = []
    for day, n, pct in ((date(2019, 1, 31), None, None), (date(2019, 2, 28), 20, 50.0), (date(2019, 3, 31), 21, 52.4)):
        rows.append(
            dict(
                day=day,
                career_stage="resident",
                n=n,
                covered=None if n is None else 10,
                pct=pct,
                engaged=0,
                engaged_pct=0.0,
                ci_low=30.0,
                ci_high=70.0,
                suppressed=n is None,
            )
        )
    fig = charts.coverage_monthly(pd.DataFrame(rows), "mentor", 5)
    assert [str(x)[:10] for x in fig.data[0].x] == ["2019-02-28", "2019-03-31"]
    assert fig.layout.title.text.startswith("52% of residents have an active mentor")
    assert "hidden" not in fig.layout.title.text  # the leading hidden month is trimmed, not counted


def group_frame():
    def row(dimension, group, n, covered, pct, low, high, suppressed=False):
        return dict(
            dimension=dimension,
            group=group,
            n=n,
            covered=covered,
            pct=pct,
            engaged=0,
            engaged_pct=0.0,
            ci_low=low,
            ci_high=high,
            suppressed=suppressed,
        )

    return pd.DataFrame(
        [
            row("gender", "woman", 30, 27, 90.0, 74.4, 96.5),
            row("gender", "man", 60, 30, 50.0, 37.7, 62.3),
            row("gender", "nonbinary", None, None, None, None, None, True),
            row("urim", "urim", 12, 8, 66.7, 39.1, 86.2),
            row("urim", "not_urim", 70, 40, 57.1, 45.5, 68.0),
        ]
    )


def test_group_chart_says_when_a_gap_is_larger_than_chance():
    fig = charts.coverage_by_group(group_frame(), "gender", 5, overall=63.3)
    assert list(fig.data[0].y) == ["Men (n=60): 50%", "Women (n=30): 90%"]  # the hidden group is absent
    title = fig.layout.title.text.replace("<br>", " ")
    assert "Women: 90% have an active mentor, Men: 50%: a gap larger than chance" in title
    assert "1 point hidden" in title
    urim = charts.coverage_by_group(group_frame(), "urim", 5).layout.title.text.replace("<br>", " ")
    assert "the intervals overlap, no clear gap" in urim


def test_load_distribution_colours_over_capacity():
    frame = pd.DataFrame(
        {
            "load": [1, 2, 5],
            "mentors": [10, 6, 2],
            "over_capacity": [False, False, True],
            "total_mentors": [18] * 3,
            "suppressed": [False] * 3,
        }
    )
    fig = charts.load_distribution(frame, 4, 5)
    assert [t.name for t in fig.data] == ["Within capacity", "Over capacity"]
    assert list(fig.data[1].x) == [5] and list(fig.data[1].y) == [2]
    assert "2 of 18 mentors are over capacity" in fig.layout.title.text.replace("<br>", " ")
    hidden = frame.assign(mentors=None, total_mentors=None, suppressed=True)
    fig = charts.load_distribution(hidden, 4, 5)
    assert len(fig.data) == 0 and "hidden" in fig.layout.title.text


def test_minority_tax_title_and_suppression():
    frame = pd.DataFrame(
        [
            dict(
                group="women",
                faculty_in_group=10,
                faculty_known=40,
                faculty_share_pct=25.0,
                load_in_group=30,
                load_known=75,
                load_share_pct=40.0,
                mentees_per_faculty=3.0,
                mentees_per_other_faculty=1.5,
                suppressed=False,
            ),
            dict(
                group="urim",
                faculty_in_group=None,
                faculty_known=None,
                faculty_share_pct=None,
                load_in_group=None,
                load_known=None,
                load_share_pct=None,
                mentees_per_faculty=None,
                mentees_per_other_faculty=None,
                suppressed=True,
            ),
        ]
    )
    fig = charts.minority_tax(frame, 5)
    assert [t.name for t in fig.data] == ["Share of faculty", "Share of mentoring load"]
    assert list(fig.data[0].y) == ["Women faculty"]
    title = fig.layout.title.text.replace("<br>", " ")
    assert "Women faculty carry 40% of the mentoring load, more than their 25% share of faculty" in title
    assert "1 point hidden" in title


def test_sources_and_formal():
    frame = pd.DataFrame(
        [
            dict(
                career_stage="resident",
                source="formal_program",
                relationships=6,
                formal=6,
                pct=60.0,
                stage_relationships=10,
                stage_mentees=9,
                suppressed=False,
            ),
            dict(
                career_stage="resident",
                source="society",
                relationships=4,
                formal=0,
                pct=40.0,
                stage_relationships=10,
                stage_mentees=9,
                suppressed=False,
            ),
            dict(
                career_stage="fellow",
                source="research",
                relationships=None,
                formal=None,
                pct=None,
                stage_relationships=None,
                stage_mentees=None,
                suppressed=True,
            ),
        ]
    )
    fig = charts.relationship_sources(frame, 5)
    assert [t.name for t in fig.data] == ["Formal program", "Society (RJOS, JRGOS, Nth Dimensions, Perry...)"]
    assert all(list(t.y) == ["Residents"] for t in fig.data)
    assert fig.layout.title.text.startswith("60% of active relationships began through formal program")
    formal = pd.DataFrame(
        [
            dict(
                career_stage="resident",
                relationships=10,
                formal=6,
                informal=4,
                formal_pct=60.0,
                ci_low=31.3,
                ci_high=83.2,
                suppressed=False,
            ),
            dict(
                career_stage="fellow",
                relationships=None,
                formal=None,
                informal=None,
                formal_pct=None,
                ci_low=None,
                ci_high=None,
                suppressed=True,
            ),
        ]
    )
    fig = charts.formal_informal(formal, 5)
    assert list(fig.data[0].x) == [60.0] and list(fig.data[1].x) == [40.0]
    assert fig.layout.title.text.startswith("60% of active relationships were matched through a program (any source)")


def test_time_to_match():
    frame = pd.DataFrame(
        [
            dict(
                career_stage="resident",
                n=8,
                matched=7,
                pct=87.5,
                median_days=31.0,
                q1_days=7.0,
                q3_days=105.0,
                within_90_pct=62.5,
                days_suppressed=False,
                suppressed=False,
            ),
            dict(
                career_stage="student",
                n=40,
                matched=30,
                pct=75.0,
                median_days=59.0,
                q1_days=20.0,
                q3_days=80.0,
                within_90_pct=70.0,
                days_suppressed=False,
                suppressed=False,
            ),
            dict(
                career_stage="fellow",
                n=None,
                matched=None,
                pct=None,
                median_days=None,
                q1_days=None,
                q3_days=None,
                within_90_pct=None,
                days_suppressed=True,
                suppressed=True,
            ),
        ]
    )
    fig = charts.time_to_match(frame, 5)
    assert list(fig.data[0].y) == [31.0, 59.0]
    assert list(fig.data[0].x) == ["Residents<br>7 of 8 matched", "Students<br>30 of 40 matched"]
    title = fig.layout.title.text.replace("<br>", " ")
    assert "Newcomers wait a median of 31 days (residents) to 59 days (students) for a first mentor" in title
    assert "1 point hidden" in title


def test_long_titles_wrap_and_make_room_above_the_plot():
    from mentordash.charts.theme import finish, wrap

    assert wrap("aaa bbb ccc ddd", 7) == ["aaa bbb", "ccc ddd"]
    assert wrap("", 7) == [] and wrap("aaa bbb", None) == ["aaa bbb"]
    one = finish(go.Figure(), "aaa bbb", "note", height=300, title_chars=7)
    two = finish(go.Figure(), "aaa bbb ccc ddd", "note", height=300, title_chars=7)
    assert one.layout.title.text == "aaa bbb<br><sup>note</sup>"
    assert two.layout.title.text == "aaa bbb<br>ccc ddd<br><sup>note</sup>"
    assert (two.layout.height - one.layout.height) == (two.layout.margin.t - one.layout.margin.t) > 0


def test_long_monthly_history_opens_on_recent_years():
    from datetime import date

    import pandas as pd

    from mentordash.charts.coverage import coverage_over_time

    days = pd.date_range("1995-01-31", "2026-06-30", freq="ME").date
    frame = pd.DataFrame(
        {
            "day": days,
            "career_stage": "resident",
            "n": 30,
            "covered": 24,
            "pct": 80.0,
            "ci_low": 62.7,
            "ci_high": 90.5,
            "suppressed": False,
        }
    )
    fig = coverage_over_time(frame, 5)
    start, end = fig.layout.xaxis.range
    assert pd.Timestamp(start).year == 2020 and pd.Timestamp(end) > pd.Timestamp(date(2026, 6, 30))
    assert "double-click the chart for all since 1995" in fig.layout.title.text
    assert fig.data[0].mode == "lines"
    short = coverage_over_time(frame[frame["day"] > date(2024, 1, 1)], 5)
    assert short.layout.xaxis.range is None and short.data[0].mode == "lines+markers"


def test_the_group_charts_everyone_line_is_the_one_add_vline_draws():
    """coverage_by_group's draft writes out the dotted line at everyone's figure: the same shape and label as
    Plotly's add_vline with the same options."""
    import plotly.graph_objects as go

    from mentordash.charts.coverage import MUTED, _everyone_line

    drawn = go.Figure().add_vline(
        x=61.0,
        line_dash="dot",
        line_color=MUTED,
        annotation_text="everyone 61%",
        annotation_position="bottom right",
        annotation_font_color="#666",
    )
    written = go.Figure({"data": [], "layout": _everyone_line(61.0)})
    assert written.layout.shapes == drawn.layout.shapes
    assert written.layout.annotations == drawn.layout.annotations
