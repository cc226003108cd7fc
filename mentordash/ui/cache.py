"""Cached metrics calls, keyed by the function, the database file, its data version and the arguments.

An import or a settings change bumps the data version, so every cached result of older data expires;
filters live in each session's own state, so two sessions never share them (only identical keys hit).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from mentordash import privacy
from mentordash.metrics.filters import Filters
from mentordash.ui.context import audience, get_db


def _freeze(value: Any) -> Any:
    return ("__filters__", value.key()) if isinstance(value, Filters) else value


def _thaw(value: Any) -> Any:
    if isinstance(value, tuple) and len(value) == 2 and value[0] == "__filters__":
        return Filters.from_key(value[1])
    return value


_REGISTRY: dict[str, Callable] = {}


@st.cache_data(max_entries=2000, show_spinner=False)
def _call(name: str, db_path: str, data_version: int, args: tuple, kwargs: tuple) -> Any:
    func = _REGISTRY[name]
    return func(get_db(), *(_thaw(a) for a in args), **{k: _thaw(v) for k, v in kwargs})


def cached(func: Callable, *args: Any, **kwargs: Any) -> Any:
    """func(db, *args, **kwargs), served from the cache while the data has not changed.

    Every figure leaves here for the signed-in user's audience (docs/privacy.md): privacy.gate adds it to the
    call, and refuses a viewer any function that returns figures without taking one. The audience is part
    of the cache key, so a viewer is never served a coordinator's exact result.

    Inside a page run (app.py's data_snapshot) the data version in the key is the run's snapshot's, read
    once, and a miss computes on that same snapshot: every figure of one page is of one version of the
    data, even when an import commits halfway through the run (tests/test_db_snapshot.py)."""
    kwargs = privacy.gate(func, audience(), kwargs)
    name = f"{func.__module__}.{func.__qualname__}"
    _REGISTRY.setdefault(name, func)
    db = get_db()
    frozen_kwargs = tuple(sorted((k, _freeze(v)) for k, v in kwargs.items()))
    return _call(name, db.path, db.data_version(), tuple(_freeze(a) for a in args), frozen_kwargs)


def together(cached: Callable, *parts: Callable[[], Any]) -> list:
    """Each part's result, in order, the parts (each a call of a page's data functions through `cached`)
    computed side by side in the run's snapshot (Database.together). `cached` is this module's, whose
    helper threads carry the session's Streamlit context (the audience and the cache are the session's),
    or the benchmark's plain calls, which bring their own `together`."""
    own = getattr(cached, "together", None)
    if own is not None:
        return own(parts)
    context = get_script_run_ctx()

    def with_context(work: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            if context is not None:
                add_script_run_ctx(threading.current_thread(), context)
            work()

        return run

    return get_db().together(parts, wrap=with_context)


def calls_together(cached: Callable, calls: dict[str, tuple]) -> dict:
    """{name: cached(func, *args)} for each `name: (func, *args)` of `calls`, computed together."""
    results = together(cached, *(lambda call=call: cached(*call) for call in calls.values()))
    return dict(zip(calls, results))


def merged_together(cached: Callable, *parts: Callable[[], dict]) -> dict:
    """The parts' dicts (each a page's section data, through `cached`) computed together, merged in order:
    a page's data function."""
    data: dict = {}
    for part in together(cached, *parts):
        data.update(part)
    return data
