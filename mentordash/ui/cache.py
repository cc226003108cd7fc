"""Cached metrics calls, keyed by the function, the database file, its data version and the arguments.

An import or a settings change bumps the data version, so every cached result of older data expires;
filters live in each session's own state, so two sessions never share them (only identical keys hit).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from mentordash import privacy
from mentordash.metrics.filters import Filters
from mentordash.ui.context import audience, get_db, give_way


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
    give_way()  # work ahead of time stops here when a run has started (ui.ahead)
    kwargs = privacy.gate(func, audience(), kwargs)
    name = f"{func.__module__}.{func.__qualname__}"
    _REGISTRY.setdefault(name, func)
    db = get_db()
    frozen_kwargs = tuple(sorted((k, _freeze(v)) for k, v in kwargs.items()))
    key = (name, db.path, db.data_version(), tuple(_freeze(a) for a in args), frozen_kwargs)
    if getattr(_served_here, "active", False) and not _KNOWN.holds(key):
        raise _NotKnown
    result = _call(*key)
    _KNOWN.add(key)
    return result


class _KnownKeys:
    """The keys of the calls this process has computed or served lately (the newest `size`): a call among
    them is in the cache, unless the cache has dropped it since (then it is computed again, on whichever
    thread asks: the same result, only not side by side)."""

    def __init__(self, size: int):
        self.size, self._keys, self._lock = size, OrderedDict(), threading.Lock()

    def holds(self, key: tuple) -> bool:
        try:
            with self._lock:
                return key in self._keys
        except TypeError:  # an argument that cannot be hashed: never known, so computed as before
            return False

    def add(self, key: tuple) -> None:
        try:
            with self._lock:
                self._keys[key] = None
                self._keys.move_to_end(key)
                while len(self._keys) > self.size:
                    self._keys.popitem(last=False)
        except TypeError:
            pass


_KNOWN = _KnownKeys(size=4000)  # twice the cache's max_entries: one more lookup, never a wrong result
_served_here = threading.local()  # active while together() tries its parts on the calling thread


class _NotKnown(BaseException):
    """A call of a part that together() tried on the calling thread is not known to be cached. Not an
    Exception, so that no part's own error handling can swallow it."""


def together(cached: Callable, *parts: Callable[[], Any]) -> list:
    """Each part's result, in order, the parts (each a call of a page's data functions through `cached`)
    computed side by side in the run's snapshot (Database.together). `cached` is this module's, whose
    helper threads carry the session's Streamlit context (the audience and the cache are the session's),
    or the benchmark's plain calls, which bring their own `together`."""
    own = getattr(cached, "together", None)
    if own is not None:
        return own(parts)
    if getattr(_served_here, "active", False):  # a together() inside a part being tried here: here too
        return [part() for part in parts]
    served = _served_from_cache(parts)
    rest = parts[len(served) :]
    if not rest:
        return served
    context = get_script_run_ctx()

    def with_context(work: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            if context is not None:
                add_script_run_ctx(threading.current_thread(), context)
            work()

        return run

    return served + get_db().together(rest, wrap=with_context)


def _served_from_cache(parts: tuple[Callable[[], Any], ...]) -> list:
    """The results of the leading parts whose every call is known to be cached, computed on this thread.

    On a warm rerun (a filter the session chose before, the page's own calls after its prefetch) every call
    is a cache hit: lanes would only add a thread, a read transaction and the handing over of each hit to it
    (a fifth of a warm coverage run, measured with py-spy). The first part with a call not known stops the
    trial; it and the parts after it go to the lanes (hits among them are served there as before)."""
    results: list = []
    _served_here.active = True
    try:
        for part in parts:
            results.append(part())
    except _NotKnown:
        pass
    finally:
        _served_here.active = False
    return results


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
