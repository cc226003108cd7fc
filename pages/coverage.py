"""Coverage: who has a mentor, who does not, and who carries the load (issue 4, docs/metrics.md Coverage)."""

import streamlit as st

from mentordash.charts import coverage as charts
from mentordash.metrics import coverage
from mentordash.ui import context
from mentordash.ui import coverage_view as data
from mentordash.ui.coverage_view import (
    ROLE_CHOICES,
    ROLE_KEY,
    SECTION_KEY,
    SECTIONS,
    WITHIN_KEY,
    everyone,
    group_table,
    match_table,
    role_rows,
    roles_for,
    stage_choices,
    stage_table,
    tiles,
    within_label,
)
from mentordash.ui.downloads import download_csv
from mentordash.ui.frame import current_view
from mentordash.ui.report_button import plotly_chart
from mentordash.ui.sections import section_tabs
from mentordash.ui.views import stop_if_too_small
from mentordash.vocabulary import ROLE_LABELS, ROLE_NOUNS

context.require_frame()
view = current_view()
min_cell = context.min_cell()
settings = context.get_db().settings()

st.title("Mentoring coverage")
st.caption(
    f"As of {view.as_of:%d %B %Y}. A person is covered when they are mentee in a relationship active on that "
    f"date; engaged when they met that mentor in the {settings['engaged_window_days']} days before it. "
    f"Every group of fewer than {min_cell} people is hidden."
)

# No work ahead on this page (mentordash/ui/ahead.py says why): its first section is computed in the run.
data.prefetch(view, st.session_state)
stop_if_too_small(data.view_total(view), min_cell)

role = st.radio(
    "Relationships counted",
    ROLE_CHOICES,
    format_func=ROLE_LABELS.get,
    horizontal=True,
    key=ROLE_KEY,
    help="Mentor is the headline figure (and the summary's); the other roles count on their own.",
)
roles = roles_for(role)
noun = ROLE_NOUNS[role]

headline = data.headline_data(view, roles)
by_role, load = headline["by_role"], headline["load"]
chosen = role_rows(by_role, role)

st.header("Who has a mentor")
for column, tile in zip(st.columns(4), tiles(everyone(chosen), load, noun, settings["engaged_window_days"], min_cell)):
    column.metric(**tile, border=True)


# Each section is a tab, computed and drawn only while it is open; the tabs run in a fragment, so that
# opening a tab or changing a choice inside one reruns only this part of the page.


def at_date() -> None:
    left, right = st.columns([3, 2])
    plotly_chart(left, charts.coverage_by_stage(chosen, role, min_cell), key="cov_by_stage")
    bench = data.at_date_data(view)["benchmark"]
    plotly_chart(
        right,
        charts.resident_benchmark(bench["department"], bench["benchmark"], min_cell),
        key="cov_benchmark",
    )
    right.caption(
        "The national figure is a survey of residents who said they had a mentor; here, residents with an "
        "active mentor relationship on the as-of date. Edit benchmarks in Settings."
    )
    with st.expander(f"Numbers: coverage by career stage ({ROLE_LABELS[role].lower()})"):
        st.dataframe(stage_table(chosen, min_cell), hide_index=True, width="stretch", key="cov_table_stage")


def role_grid() -> None:
    st.header("Coverage by relationship role")
    plotly_chart(st, charts.role_grid(by_role, min_cell), key="cov_role_grid")
    st.caption(
        "Each cell: the share of that career stage's active people who are mentee in an active relationship "
        "of that role; the last row counts a relationship of any role. One person can count under several roles."
    )


def month_by_month() -> None:
    st.header("Coverage month by month")
    monthly = data.monthly_data(view, roles)["monthly"]
    plotly_chart(st, charts.coverage_monthly(monthly, role, min_cell), key="cov_monthly")


def groups() -> None:
    st.header("Are all groups mentored alike?")
    within = st.selectbox(
        "Compare within",
        stage_choices(view.filters),
        key=WITHIN_KEY,
        format_func=within_label,
        help="Groups differ in career stage; compare within one stage for a like-with-like view.",
    )
    found = data.groups_data(view, roles, within)
    group_total, groups = found["group_total"], found["groups"]
    if groups is None:
        st.info(f"Fewer than {min_cell} people in this stage: no group can be shown.")
        return
    st.caption(
        "Dots: the share covered; whiskers: the 95% Wilson interval. Where the whiskers of two groups do "
        "not overlap, the gap is larger than chance alone would explain."
    )
    for row_start in (0, 2):
        columns = st.columns(2)
        for column, dimension in zip(columns, coverage.GROUP_DIMENSIONS[row_start : row_start + 2]):
            plotly_chart(
                column,
                charts.coverage_by_group(groups, dimension, min_cell, role, group_total["pct"]),
                key=f"cov_group_{dimension}",
            )
    with st.expander("Numbers: coverage by group"):
        st.dataframe(group_table(groups, min_cell), hide_index=True, width="stretch", key="cov_table_groups")


def mentor_load() -> None:
    st.header("Who carries the load")
    left, right = st.columns(2)
    found = data.load_data(view, roles)
    plotly_chart(
        left,
        charts.load_distribution(found["distribution"], load["capacity"], min_cell),
        key="cov_load",
    )
    left.caption(
        "Mentors the filters select (a Division filter shows that division's mentors); external mentors "
        "count only when no filter is set. Capacity is a setting."
    )
    plotly_chart(right, charts.minority_tax(found["tax"], min_cell), key="cov_tax")
    right.caption(
        "Grey: each group's share of the department's active faculty; vermillion: its share of the mentoring "
        "of the people the filters select (both among faculty whose gender or URiM status is known). A larger "
        "share of the load than of the faculty is the 'minority tax'."
    )


def sources() -> None:
    st.header("How relationships began")
    found = data.sources_data(view, roles)
    plotly_chart(st, charts.relationship_sources(found["sources"], min_cell), key="cov_sources")
    plotly_chart(st, charts.formal_informal(found["formal"], min_cell), key="cov_formal")
    st.caption(
        "By the mentee's career stage, relationships active on the as-of date. Societies: RJOS, JRGOS, "
        "Nth Dimensions, the Perry Initiative and others."
    )


def time_to_match() -> None:
    st.header("How long newcomers wait")
    match = data.match_data(view, roles)["match"]
    plotly_chart(st, charts.time_to_match(match, min_cell, coverage.MATCH_YEARS_BACK, role), key="cov_match")
    with st.expander("Numbers: time to match"):
        st.dataframe(match_table(match, min_cell), hide_index=True, width="stretch", key="cov_table_match")


def lists() -> None:
    """Row-level: coordinators only, checked here on the server."""
    st.header("Who is waiting, who is stretched")
    user = context.current_user()
    if not user.is_coordinator:
        st.info(
            "The lists of unmatched people and of mentors over capacity are row-level roster data: only "
            "program coordinators see them (privacy rules). The aggregate figures above are for everyone."
        )
        return
    found = data.lists_data(view, roles, user)
    unmatched, over = found["unmatched"], found["over"]
    left, right = st.columns(2)
    with left:
        st.subheader(f"{len(unmatched):,} people without an active {noun}")
        st.dataframe(unmatched, hide_index=True, width="stretch", key="cov_unmatched", height=300)
        download_csv(
            "Download unmatched (CSV)", unmatched, f"unmatched_{view.as_of.isoformat()}.csv", key="cov_dl_unmatched"
        )
    with right:
        st.subheader(f"{len(over):,} mentors over capacity (more than {load['capacity']})")
        st.dataframe(over, hide_index=True, width="stretch", key="cov_over", height=300)
        download_csv(
            "Download mentors over capacity (CSV)",
            over,
            f"over_capacity_{view.as_of.isoformat()}.csv",
            key="cov_dl_over",
        )
    st.caption("Coordinators only. Lists show person_id, career stage and division, nothing else.")


section_tabs(
    dict(zip(SECTIONS, (at_date, role_grid, month_by_month, groups, mentor_load, sources, time_to_match, lists))),
    key=SECTION_KEY,
)
