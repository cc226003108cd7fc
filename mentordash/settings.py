"""What each setting may hold. Every change goes through `check`, from the settings page or anywhere else."""

from __future__ import annotations

from typing import Any

from mentordash.config import DEFAULT_SETTINGS, MIN_CELL_FLOOR
from mentordash.vocabulary import RACE_ETHNICITIES


class SettingError(ValueError):
    """A setting value that would break a rule: the message says which and why."""


def _whole(key: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SettingError(f"{key} must be a whole number, not {value!r}")
    if not low <= value <= high:
        raise SettingError(f"{key} must be between {low} and {high}, not {value}")
    return value


def _number(key: str, value: Any, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SettingError(f"{key} must be a number, not {value!r}")
    if not low <= value <= high:
        raise SettingError(f"{key} must be between {low} and {high}, not {value}")
    return value


# The range of each burnout cut-off: the range of the score it is compared with (docs/instruments.md).
CUTOFF_RANGES = {
    "mini_z_burnout": (1, 5),
    "mbi_single": (0, 6),
    "mbi_ee_sum": (0, 54),
    "mbi_dp_sum": (0, 30),
    "mbi_pa_sum": (0, 48),
    "pfi_burnout_mean": (0, 4),
    "pfi_fulfilled_mean": (0, 4),
    "satisfied": (1, 5),
    "high_stress": (1, 5),
}


def _cutoffs(value: Any) -> dict:
    if not isinstance(value, dict):
        raise SettingError("cutoffs must be a table of cut-off names and numbers")
    unknown = set(value) - set(CUTOFF_RANGES)
    if unknown:
        raise SettingError(f"unknown cut-off {sorted(unknown)[0]!r}")
    return {name: _number(f"cutoff {name}", v, *CUTOFF_RANGES[name]) for name, v in value.items()}


def _urim_list(value: Any) -> list:
    if not isinstance(value, list) or not value:
        raise SettingError("the URiM list must name at least one race/ethnicity")
    for item in value:
        if item not in RACE_ETHNICITIES or item == "undisclosed":
            raise SettingError(f"{item!r} is not a race/ethnicity that can define URiM")
    return sorted(set(value))


def _benchmarks(value: Any) -> list:
    if not isinstance(value, list):
        raise SettingError("benchmarks must be a list")
    for i, item in enumerate(value, start=1):
        if not isinstance(item, dict) or not {"key", "figure", "value", "year", "source"} <= set(item):
            raise SettingError(f"benchmark {i} needs key, figure, value, year and source")
        _number(f"benchmark {item['key']!r} value", item["value"], 0, 100)
        if not str(item["source"]).strip():
            raise SettingError(f"benchmark {item['key']!r} needs its source")
    return value


def check(key: str, value: Any) -> Any:
    """The value as it will be stored, or SettingError saying what is wrong."""
    if key not in DEFAULT_SETTINGS:
        raise SettingError(f"unknown setting {key!r}")
    if key == "min_cell":
        return _whole(key, value, MIN_CELL_FLOOR, 100)
    if key == "department_name":
        if not isinstance(value, str) or len(value.strip()) > 120:
            raise SettingError(f"the department name must be text of at most 120 characters, not {value!r}")
        return " ".join(value.split())
    if key == "protect_viewer_figures":
        if not isinstance(value, bool):
            raise SettingError(f"{key} must be true or false, not {value!r}")
        return value
    if key == "capacity":
        return _whole(key, value, 1, 50)
    if key == "engaged_window_days":
        return _whole(key, value, 7, 730)
    if key == "outcomes_window_years":
        return _whole(key, value, 1, 10)
    if key == "cutoffs":
        return _cutoffs(value)
    if key == "urim_list":
        return _urim_list(value)
    return _benchmarks(value)
