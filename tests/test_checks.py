"""The shared input checks behind every 'did you mean' and range message."""

import numpy as np
import pytest

from scaling_models._checks import closest_names, require_integer


@pytest.mark.parametrize("typo, choices, first", [
    ("n_path", ["n_paths", "seed", "horizon_months"], "n_paths"),
    ("cpu_usage", ["cpu", "memory", "storage"], "cpu"),
    ("growth_lo", ["growth_from_history", "growth_high", "growth_low"], "growth_low"),
    ("memroy", ["cpu", "memory", "bandwidth"], "memory"),
])
def test_closest_names_puts_the_intended_name_first(typo, choices, first):
    assert closest_names(typo, choices)[0] == first


def test_closest_names_returns_nothing_for_an_unrelated_name():
    assert closest_names("zzz", ["cpu", "memory"]) == []


def test_closest_names_caps_the_list():
    assert len(closest_names("growth", [f"growth_{i}" for i in range(10)], n=3)) == 3


@pytest.mark.parametrize("value, error", [
    (True, TypeError), ("3", TypeError), (2.5, ValueError), (0, ValueError),
])
def test_require_integer_rejects(value, error):
    with pytest.raises(error, match="n_paths"):
        require_integer("n_paths", value, minimum=1)


def test_require_integer_accepts_whole_floats_and_numpy_ints():
    assert require_integer("n", 3.0) == 3
    assert require_integer("n", np.int64(4), minimum=1) == 4
