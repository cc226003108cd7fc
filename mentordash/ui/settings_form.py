"""The settings form: every value checked by mentordash.settings, every change logged with its author."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from mentordash.access import User
from mentordash.db import Database
from mentordash.settings import SettingError
from mentordash.vocabulary import RACE_ETHNICITIES, RACE_LABELS

CUTOFF_LABELS = {
    "mini_z_burnout": ("Mini-Z: burned out when the burnout item is at least", 1),
    "mbi_single": ("Single-item MBI: burned out when either item is at least", 1),
    "mbi_ee_sum": ("MBI-HSS: emotional exhaustion sum at least", 1),
    "mbi_dp_sum": ("MBI-HSS: depersonalization sum at least", 1),
    "mbi_pa_sum": ("MBI-HSS: low accomplishment when the PA sum is at most", 1),
    "pfi_burnout_mean": ("PFI: burned out when the exhaustion and disengagement mean is at least", 0.01),
    "pfi_fulfilled_mean": ("PFI: fulfilled when the fulfillment mean is at least", 0.01),
    "satisfied": ("Satisfaction items: satisfied when at least", 1),
    "high_stress": ("Mini-Z stress: high stress when at least", 1),
}


def _number(label: str, value, step, key: str, help_text: str = ""):
    kind = float if isinstance(step, float) else int
    return st.number_input(label, value=kind(value), step=kind(step), key=key, help=help_text or None)


def render(db: Database, user: User) -> None:
    current = db.settings()
    with st.form("settings"):
        st.subheader("Privacy and mentoring")
        values = {
            "department_name": st.text_input(
                "Department name (the leadership report's header)",
                value=current["department_name"],
                key="s_department",
                max_chars=120,
                placeholder="Department of Orthopaedic Surgery",
            ),
            "min_cell": _number(
                "Smallest group shown (min_cell, never below 3)",
                current["min_cell"],
                1,
                "s_min_cell",
                "Any figure about fewer people than this is hidden everywhere.",
            ),
            "protect_viewer_figures": st.checkbox(
                "Protect viewers' figures against differencing",
                value=bool(current["protect_viewer_figures"]),
                key="s_protect",
                help="Viewers see every count changed by up to 2 (the cell key method), so "
                "that two views cannot be subtracted to reveal a small group. Turning this off shows viewers "
                "exact counts: any two filters can then be subtracted.",
            ),
            "capacity": _number("Mentor capacity (mentees per mentor)", current["capacity"], 1, "s_capacity"),
            "engaged_window_days": _number("Engaged window (days)", current["engaged_window_days"], 1, "s_window"),
            "outcomes_window_years": _number(
                "Outcomes window (years)", current["outcomes_window_years"], 1, "s_outcomes_window"
            ),
        }
        values["urim_list"] = st.multiselect(
            "Groups counted as URiM",
            [r for r in RACE_ETHNICITIES if r != "undisclosed"],
            default=current["urim_list"],
            format_func=RACE_LABELS.get,
            key="s_urim",
        )
        st.subheader("Burnout cut-offs")
        values["cutoffs"] = {
            name: _number(label, current["cutoffs"][name], step, f"s_cut_{name}")
            for name, (label, step) in CUTOFF_LABELS.items()
        }
        st.subheader("National benchmarks")
        edited = st.data_editor(
            pd.DataFrame(current["benchmarks"]),
            key="s_benchmarks",
            hide_index=True,
            width="stretch",
            disabled=["key"],
            num_rows="fixed",
        )
        values["benchmarks"] = _records(edited)
        submitted = st.form_submit_button("Save settings", type="primary")
    if submitted:
        save(db, user, current, values)


def _records(frame: pd.DataFrame) -> list[dict]:
    records = []
    for row in frame.to_dict("records"):
        records.append({k: v for k, v in row.items() if not (isinstance(v, float) and v != v) and v is not None})
    return records


def save(db: Database, user: User, current: dict, values: dict) -> None:
    """Save what changed; a refused value is named and nothing of it is stored."""
    if not user.is_coordinator:  # checked again here: an action, not only a page
        st.error("Not permitted: only coordinators change settings.")
        return
    changed = [key for key, value in values.items() if value != current[key]]
    errors = []
    for key in changed:
        try:
            db.set_setting(key, values[key], user.email)
        except SettingError as error:
            errors.append(str(error))
    for error in errors:
        st.error(f"Not saved: {error}")
    saved = len(changed) - len(errors)
    if saved:
        st.success(f"Saved {saved} setting{'s' if saved != 1 else ''}; every page now uses the new values.")
    elif not errors:
        st.info("Nothing changed.")
