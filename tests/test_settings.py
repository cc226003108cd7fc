import pytest

from mentordash.config import DEFAULT_SETTINGS
from mentordash.settings import SettingError, check


@pytest.mark.parametrize(
    "key,value",
    [
        ("min_cell", 2),
        ("min_cell", 3.5),
        ("min_cell", True),
        ("min_cell", "5"),
        ("capacity", 0),
        ("engaged_window_days", 0),
        ("outcomes_window_years", 11),
        ("cutoffs", {"mini_z_burnout": 6}),
        ("cutoffs", {"drop table": 1}),
        ("cutoffs", "3"),
        ("urim_list", []),
        ("urim_list", ["martian"]),
        ("urim_list", ["undisclosed"]),
        ("benchmarks", [{"key": "x"}]),
        ("benchmarks", [{"key": "x", "figure": "f", "value": 140, "year": "2020", "source": "s"}]),
        ("benchmarks", [{"key": "x", "figure": "f", "value": 14, "year": "2020", "source": " "}]),
        ("no_such_setting", 1),
    ],
)
def test_bad_values_are_refused_with_a_reason(key, value):
    with pytest.raises(SettingError) as error:
        check(key, value)
    assert str(error.value)


def test_good_values_pass():
    assert check("min_cell", 3) == 3
    assert check("urim_list", ["black", "black", "asian"]) == ["asian", "black"]
    assert check("cutoffs", {"pfi_burnout_mean": 1.5}) == {"pfi_burnout_mean": 1.5}
    assert check("benchmarks", DEFAULT_SETTINGS["benchmarks"]) == DEFAULT_SETTINGS["benchmarks"]


def test_every_default_is_valid():
    for key, value in DEFAULT_SETTINGS.items():
        check(key, value)
