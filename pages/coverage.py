"""Coverage: who has a mentor, who does not, and who carries the load (issue 4, docs/metrics.md Coverage)."""

import streamlit as st

from mentordash.charts import coverage as charts
from mentordash.metrics import coverage
from mentordash.ui import context
from mentordash.ui.cache import cached
from mentordash.ui.coverage_view import (
    everyone,
    group_table,
    match_table,
    role_rows,
    roles_for,
    stage_choices,
    stage_table,
    tiles,
    within_filters,
    within_label,
)
from mentordash.ui.downloads import download_csv
from mentordash.ui.frame import current_view
from mentordash.ui.report_button import plotly_chart
from mentordash.ui.views import stop_if_too_small
from mentordash.vocabulary import ROLE_LABELS, ROLE_NOUNS, ROLES

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

total = cached(coverage.coverage_total, view.as_of, view.filters)
stop_if_too_small(total, min_cell)

role = st.radio(
    "Relationships counted",
    [*ROLES, coverage.ANY_ROLE],
    format_func=ROLE_LABELS.get,
    horizontal=True,
    key="cov_role",
    help="Mentor is the headline figure (and the summary's); the other roles count on their own.",
)
roles = roles_for(role)
noun = ROLE_NOUNS[role]

by_role = cached(coverage.coverage_by_role, view.as_of, view.filters)
chosen = role_rows(by_role, role)
load = cached(coverage.mentor_load, view.as_of, view.filters, roles)

# --- 1. Coverage at as-of ------------------------------------------------------------------------
st.header("Who has a mentor")
for column, tile in zip(st.columns(4), tiles(everyone(chosen), load, noun, settings["engaged_window_days"], min_cell)):
    column.metric(**tile, border=True)

left, right = st.columns([3, 2])
plotly_chart(left, charts.coverage_by_stage(chosen, role, min_cell), width="stretch", key="cov_by_stage")
bench = cached(coverage.resident_benchmark, view.as_of, view.filters)
plotly_chart(
    right,
    charts.resident_benchmark(bench["department"], bench["benchmark"], min_cell),
    width="stretch",
    key="cov_benchmark",
)
right.caption(
    "The national figure is a survey of residents who said they had a mentor; here, residents with an "
    "active mentor relationship on the as-of date. Edit benchmarks in Settings."
)
plotly_chart(st, charts.role_grid(by_role, min_cell), width="stretch", key="cov_role_grid")
with st.expander(f"Numbers: coverage by career stage ({ROLE_LABELS[role].lower()})"):
    st.dataframe(stage_table(chosen, min_cell), hide_index=True, width="stretch", key="cov_table_stage")

# --- 2. Over time --------------------------------------------------------------------------------
st.header("Coverage month by month")
monthly = cached(coverage.coverage_monthly, view.as_of, view.filters, roles)
plotly_chart(st, charts.coverage_monthly(monthly, role, min_cell), width="stretch", key="cov_monthly")

# --- 3. Groups -----------------------------------------------------------------------------------
st.header("Are all groups mentored alike?")
within = st.selectbox(
    "Compare within",
    stage_choices(view.filters),
    key="cov_within",
    format_func=within_label,
    help="Groups differ in career stage; compare within one stage for a like-with-like view.",
)
group_filters = within_filters(view.filters, within)
group_total = cached(coverage.coverage_total, view.as_of, group_filters, roles)
if group_total["suppressed"] or not group_total["n"]:
    st.info(f"Fewer than {min_cell} people in this stage: no group can be shown.")
else:
    groups = cached(coverage.coverage_by_group, view.as_of, group_filters, roles)
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
                width="stretch",
                key=f"cov_group_{dimension}",
            )
    with st.expander("Numbers: coverage by group"):
        st.dataframe(group_table(groups, min_cell), hide_index=True, width="stretch", key="cov_table_groups")

# --- 4. Mentor load ------------------------------------------------------------------------------
st.header("Who carries the load")
left, right = st.columns(2)
distribution = cached(coverage.mentor_load_distribution, view.as_of, view.filters, roles)
plotly_chart(left, charts.load_distribution(distribution, load["capacity"], min_cell), width="stretch", key="cov_load")
left.caption(
    "Mentors the filters select (a Division filter shows that division's mentors); external mentors "
    "count only when no filter is set. Capacity is a setting."
)
tax = cached(coverage.load_by_group, view.as_of, view.filters, roles)
plotly_chart(right, charts.minority_tax(tax, min_cell), width="stretch", key="cov_tax")
right.caption(
    "Grey: each group's share of the department's active faculty; vermillion: its share of the mentoring "
    "of the people the filters select (both among faculty whose gender or URiM status is known). A larger "
    "share of the load than of the faculty is the 'minority tax'."
)

# --- 5. How relationships began ------------------------------------------------------------------
st.header("How relationships began")
sources = cached(coverage.relationship_sources, view.as_of, view.filters, roles)
plotly_chart(st, charts.relationship_sources(sources, min_cell), width="stretch", key="cov_sources")
formal = cached(coverage.formal_by_stage, view.as_of, view.filters, roles)
plotly_chart(st, charts.formal_informal(formal, min_cell), width="stretch", key="cov_formal")
st.caption(
    "By the mentee's career stage, relationships active on the as-of date. Societies: RJOS, JRGOS, "
    "Nth Dimensions, the Perry Initiative and others."
)

# --- 6. Time to match ----------------------------------------------------------------------------
st.header("How long newcomers wait")
match = cached(coverage.time_to_match, view.as_of, view.filters, roles)
plotly_chart(
    st, charts.time_to_match(match, min_cell, coverage.MATCH_YEARS_BACK, role), width="stretch", key="cov_match"
)
with st.expander("Numbers: time to match"):
    st.dataframe(match_table(match, min_cell), hide_index=True, width="stretch", key="cov_table_match")

# --- 7. Coordinator lists (row-level: coordinators only, checked here on the server) ------------
st.header("Who is waiting, who is stretched")
user = context.current_user()
if not user.is_coordinator:
    st.info(
        "The lists of unmatched people and of mentors over capacity are row-level roster data: only "
        "program coordinators see them (privacy rules). The aggregate figures above are for everyone."
    )
else:
    db = context.get_db()
    unmatched = coverage.unmatched_list(db, view.as_of, view.filters, roles, user=user)
    over = coverage.over_capacity_list(db, view.as_of, view.filters, roles, user=user)
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
