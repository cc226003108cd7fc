"""The frame every page shares: sidebar filters kept across pages and mirrored in the URL.

Query parameters are untrusted input: each value is checked against its whitelist (or the values
present in the data) before it reaches session state; anything else is dropped with a warning.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from mentordash.metrics.filters import Filters, available_values
from mentordash.ui.cache import cached
from mentordash.ui.safe import plain
from mentordash.vocabulary import (
    ALL_STAGES_LABEL,
    CAREER_STAGE_LABELS,
    CAREER_STAGES,
    DIMENSION_LABELS,
    GENDER_CHOICE_LABELS,
    GENDERS,
    RACE_ETHNICITIES,
    RACE_LABELS,
    URIM_FILTER_LABELS,
)

LIST_FILTERS = {  # session key -> (URL key, label)
    "f_stage": ("stage", DIMENSION_LABELS["career_stage"]),
    "f_gender": ("gender", DIMENSION_LABELS["gender"]),
    "f_race": ("race", f"{DIMENSION_LABELS['race_ethnicity']} (any of)"),
    "f_division": ("division", DIMENSION_LABELS["division"]),
    "f_institution": ("institution", DIMENSION_LABELS["institution"]),
}
URIM_CHOICES = tuple(URIM_FILTER_LABELS)


EARLIEST_AS_OF = date(1990, 1, 1)
YEARS_AHEAD = 5  # the as-of widget reaches this many years past today


def latest_as_of() -> date:
    today = date.today()
    return today.replace(year=today.year + YEARS_AHEAD, day=28 if (today.month, today.day) == (2, 29) else today.day)


@dataclass(frozen=True)
class View:
    as_of: date
    filters: Filters


def _choices(options: dict) -> dict[str, tuple[str, ...]]:
    return {
        "f_stage": CAREER_STAGES,
        "f_gender": GENDERS,
        "f_race": tuple(RACE_ETHNICITIES),
        "f_division": tuple(options["division"]),
        "f_institution": tuple(options["institution"]),
    }


def _load_from_url(choices: dict) -> None:
    """Once per session: take the filters a shared link carries, keeping only allowed values."""
    if st.session_state.get("_filters_loaded"):
        return
    st.session_state["_filters_loaded"] = True
    rejected = []
    for key, (url_key, _) in LIST_FILTERS.items():
        values = st.query_params.get_all(url_key)
        good = [v for v in values if v in choices[key]]
        rejected += [f"{url_key}={v}" for v in values if v not in choices[key]]
        if good:
            st.session_state[key] = good
    urim = st.query_params.get("urim")
    if urim in URIM_CHOICES:
        st.session_state["f_urim"] = urim
    elif urim is not None:
        rejected.append(f"urim={urim}")
    as_of = st.query_params.get("as_of")
    if as_of:
        try:
            day = date.fromisoformat(as_of)
        except ValueError:
            day = None
        if day is not None and EARLIEST_AS_OF <= day <= latest_as_of():  # the date widget's range
            st.session_state["f_as_of"] = day
        else:
            rejected.append(f"as_of={as_of}")
    if rejected:
        st.session_state["_rejected_params"] = rejected


def _write_to_url() -> None:
    params = {"as_of": st.session_state["f_as_of"].isoformat()}
    for key, (url_key, _) in LIST_FILTERS.items():
        if st.session_state.get(key):
            params[url_key] = list(st.session_state[key])
    if st.session_state.get("f_urim", "all") != "all":
        params["urim"] = st.session_state["f_urim"]
    st.query_params.from_dict(params)


def sidebar_filters() -> View:
    """Draw the sidebar filters (in app.py, so they live across pages) and return the view they select."""
    options = cached(available_values)
    choices = _choices(options)
    _load_from_url(choices)
    st.session_state.setdefault("f_as_of", date.today())
    with st.sidebar:
        st.header("Filters")
        st.date_input(
            "As of",
            key="f_as_of",
            help="The date the figures describe.",
            min_value=EARLIEST_AS_OF,
            max_value=latest_as_of(),
        )
        label = {key: text for key, (_, text) in LIST_FILTERS.items()}
        st.multiselect(
            label["f_stage"],
            CAREER_STAGES,
            key="f_stage",
            format_func=CAREER_STAGE_LABELS.get,
            placeholder=ALL_STAGES_LABEL,
        )
        st.multiselect(
            label["f_gender"], GENDERS, key="f_gender", format_func=GENDER_CHOICE_LABELS.get, placeholder="All"
        )
        st.multiselect(label["f_race"], RACE_ETHNICITIES, key="f_race", format_func=RACE_LABELS.get, placeholder="All")
        st.radio(
            DIMENSION_LABELS["urim"], URIM_CHOICES, key="f_urim", format_func=URIM_FILTER_LABELS.get, horizontal=True
        )
        if options["division"]:
            st.multiselect(label["f_division"], choices["f_division"], key="f_division", placeholder="All divisions")
        if len(options["institution"]) > 1:
            st.multiselect(
                label["f_institution"], choices["f_institution"], key="f_institution", placeholder="All institutions"
            )
    for rejected in st.session_state.pop("_rejected_params", []):  # untrusted: shown as plain text
        st.warning(f"Ignored a link parameter that is not a valid filter: {plain(rejected)}")
    _write_to_url()
    return current_view()


def current_view() -> View:
    state = st.session_state
    urim = {"all": None, "urim": True, "not_urim": False}[state.get("f_urim", "all")]
    filters = Filters.of(
        career_stage=state.get("f_stage"),
        gender=state.get("f_gender"),
        race_ethnicity=state.get("f_race"),
        urim=urim,
        division=state.get("f_division"),
        institution=state.get("f_institution"),
    )
    return View(as_of=state.get("f_as_of", date.today()), filters=filters)
