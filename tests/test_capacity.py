"""Tests for scaling_models.capacity: elasticity, utilisation, time to threshold, instances."""

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from scaling_models import capacity, queueing, usl

# --- elasticity ------------------------------------------------------------------------


def test_elasticity_domain_conservative_scenario():
    # docs/domain.md section 2: "+50 % users needs +30 % capacity" -> ln(1.3) / ln(1.5) = 0.647.
    e = capacity.elasticity_from(0.5, 0.3)
    assert round(float(e), 3) == 0.647
    assert_allclose(e, math.log(1.3) / math.log(1.5), rtol=1e-15)


def test_elasticity_round_trips_through_utilisation():
    # The elasticity applied to +50 % load must give back +30 % capacity use.
    e = capacity.elasticity_from(0.5, 0.3)
    assert_allclose(capacity.utilisation(0.6, 1.5, e), 0.6 * 1.3, rtol=1e-14)


def test_elasticity_is_one_for_proportional_growth():
    assert_allclose(capacity.elasticity_from([0.5, 2.0, -0.2], [0.5, 2.0, -0.2]), 1.0)


@pytest.mark.parametrize(
    ("user_growth", "capacity_growth", "match"),
    [
        (0.0, 0.3, "user_growth must be non-zero"),
        (-1.0, 0.3, "user_growth must be > -1 (above -100 %) and finite; got -1.0"),
        (0.5, -1.5, "capacity_growth must be > -1 (above -100 %) and finite; got -1.5"),
        (math.nan, 0.3, "user_growth must not be NaN"),
    ],
)
def test_elasticity_rejects_bad_growth(user_growth, capacity_growth, match):
    with pytest.raises(ValueError, match=re.escape(match)):
        capacity.elasticity_from(user_growth, capacity_growth)


# --- utilisation -----------------------------------------------------------------------


@pytest.mark.parametrize("wrap", [float, list, np.array])
def test_utilisation_scalar_list_array(wrap):
    # docs/domain.md section 1/2: CPU peak 0.95 under the realistic scenario (x3 users in 12
    # months); proportional growth -> 2.85, i.e. 185 % more capacity than installed.
    current = wrap([0.95]) if wrap is not float else 0.95
    assert_allclose(capacity.utilisation(current, 3.0), 2.85)


def test_utilisation_with_domain_elasticity_can_exceed_one():
    # DB peak at 100 % today, +50 % users, elasticity from the same scenario: 1.30.
    e = capacity.elasticity_from(0.5, 0.3)
    assert_allclose(capacity.utilisation(1.0, 1.5, e), 1.3)


def test_utilisation_broadcasts_paths_by_months():
    ratios = 1.15 ** np.arange(4)  # months on the last axis
    current = np.array([[0.4], [0.7]])  # two resources on axis 0
    got = capacity.utilisation(current, ratios, 0.8)
    assert got.shape == (2, 4)
    assert_allclose(got, current * ratios**0.8)


def test_utilisation_zero_elasticity_is_flat():
    assert_allclose(capacity.utilisation(0.7, [1.0, 10.0], 0.0), [0.7, 0.7])


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((70, 1.5), "current must be between 0 and 1 (a fraction: write 0.7 for 70 %); got 70"),
        ((-0.1, 1.5), "current must be between 0 and 1; got -0.1"),
        ((0.7, 0.0), "load_ratio must be > 0; got 0.0"),
        ((0.7, -2.0), "load_ratio must be > 0; got -2.0"),
        ((0.7, 1.5, -0.5), "elasticity must be >= 0; got -0.5"),
        ((0.7, math.inf), "load_ratio must be finite"),
        ((math.nan, 1.5), "current must not be NaN"),
    ],
)
def test_utilisation_rejects_bad_inputs(args, match):
    with pytest.raises(ValueError, match=re.escape(match)):
        capacity.utilisation(*args)


# --- months to threshold -----------------------------------------------------------------


def test_months_to_threshold_domain_cpu():
    # docs/domain.md section 1/3: CPU average 70 %, 15 %/month, critical above 90 %:
    # ln(0.9/0.7) / ln(1.15) = 1.798 months, by hand.
    t = capacity.months_to_threshold(0.70, 0.15, 0.90)
    assert_allclose(t, math.log(0.9 / 0.7) / math.log(1.15), rtol=1e-14)
    assert round(float(t), 3) == 1.798


def test_months_to_threshold_hits_the_threshold():
    current, rate, threshold, e = 0.55, 0.0959, 0.9, 0.647
    t = capacity.months_to_threshold(current, rate, threshold, e)
    assert_allclose(capacity.utilisation(current, (1 + rate) ** t, e), threshold, rtol=1e-12)


def test_months_to_threshold_edge_cases():
    got = capacity.months_to_threshold(
        current=[0.95, 0.9, 0.7, 0.7, 0.7, 0.0],
        monthly_rate=[0.15, 0.15, 0.0, -0.1, 0.15, 0.15],
        threshold=0.9,
        elasticity=[1.0, 1.0, 1.0, 1.0, 0.0, 1.0],
    )
    # above, exactly at, flat load, shrinking load, zero elasticity, nothing to grow
    assert got.tolist() == [0.0, 0.0, math.inf, math.inf, math.inf, math.inf]


def test_months_to_threshold_vectorised_draws_by_thresholds():
    rates = np.array([[0.05], [0.15], [0.30]])  # draws on axis 0
    thresholds = np.array([0.7, 0.8, 0.9])
    got = capacity.months_to_threshold(0.6, rates, thresholds)
    assert got.shape == (3, 3)
    assert_allclose(got, np.log(thresholds / 0.6) / np.log1p(rates))


@settings(max_examples=200, deadline=None)
@given(
    current=st.floats(0.01, 1.0),
    threshold=st.floats(0.01, 2.0),
    r1=st.floats(-0.5, 1.0),
    dr=st.floats(0.0, 1.0),
    elasticity=st.floats(0.0, 2.0),
)
def test_more_growth_never_delays_the_crossing(current, threshold, r1, dr, elasticity):
    slow = capacity.months_to_threshold(current, r1, threshold, elasticity)
    fast = capacity.months_to_threshold(current, r1 + dr, threshold, elasticity)
    assert fast <= slow * (1 + 1e-12) or slow == math.inf
    assert fast >= 0


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((-0.1, 0.15, 0.9), "current must be >= 0; got -0.1"),
        ((0.7, -1.0, 0.9), "monthly_rate must be > -1 (above -100 %) and finite; got -1.0"),
        ((0.7, 0.15, 0.0), "threshold must be > 0; got 0.0"),
        ((0.7, 0.15, 0.9, -1.0), "elasticity must be >= 0; got -1.0"),
        ((0.7, math.nan, 0.9), "monthly_rate must not be NaN"),
    ],
)
def test_months_to_threshold_rejects_bad_inputs(args, match):
    with pytest.raises(ValueError, match=re.escape(match)):
        capacity.months_to_threshold(*args)


# --- instances needed ---------------------------------------------------------------------


def test_instances_needed_guards_the_float_ceiling():
    # 4.9 / 0.7 is 7.000000000000001 in binary floating point: a bare ceil buys 8.
    assert math.ceil(4.9 / (1.0 * 0.7)) == 8
    assert int(capacity.instances_needed(4.9, 1.0, 0.7, redundancy=0)) == 7
    assert int(capacity.instances_needed(7.0000000001, 1.0, 1.0, redundancy=0)) == 7
    # ...but a real excess above 9 significant digits still rounds up.
    assert int(capacity.instances_needed(7.001, 1.0, 1.0, redundancy=0)) == 8


def test_instances_needed_never_short_on_large_counts_or_tiny_loads():
    # Rounding the ratio to 9 significant digits would give 1234567890 here.
    assert int(capacity.instances_needed(1234567890.5, 1.0, 1.0, redundancy=0)) == 1234567891
    # 5e-324 / 2 underflows to 0, yet any positive load needs a serving instance.
    assert int(capacity.instances_needed(5e-324, 2.0, 1.0, redundancy=0)) == 1


def test_instances_needed_rejects_uncountable_ratio():
    with pytest.raises(ValueError, match="too large to count instances"):
        capacity.instances_needed(1e300, 1e-300)


def test_instances_needed_reference_values():
    # 1000 req/s at peak, 150 req/s per instance at 100 %, 70 % target:
    # 1000 / 105 = 9.52 -> 10, plus one spare (N+1) = 11.
    assert int(capacity.instances_needed(1000, 150, 0.7, redundancy=1)) == 11
    assert int(capacity.instances_needed(0, 150)) == 1  # no load: just the spare


def test_instances_needed_vectorised_integer_array():
    got = capacity.instances_needed([[100.0], [1e10]], [10.0, 30.0], 0.5, [0, 2])
    assert got.dtype == np.int64
    assert got.tolist() == [[20, 9], [2_000_000_000, 666_666_669]]


@settings(max_examples=300, deadline=None)
@given(
    load=st.floats(0.0, 1e7),
    per_instance=st.floats(0.1, 1e4),
    target=st.floats(0.05, 1.0),
    spares=st.integers(0, 3),
)
def test_instances_needed_is_enough_and_minimal(load, per_instance, target, spares):
    n = int(capacity.instances_needed(load, per_instance, target, spares))
    serving = n - spares
    assert serving * per_instance * target >= load * (1 - 1e-8)
    assert serving == 0 or (serving - 1) * per_instance * target < load * (1 + 1e-8)


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        ((-1.0, 10.0), {}, "peak_load must be >= 0; got -1.0"),
        ((10.0, 0.0), {}, "capacity_per_instance must be > 0; got 0.0"),
        ((10.0, 5.0), {"target_utilisation": 0.0}, "target_utilisation must be in (0, 1]"),
        ((10.0, 5.0), {"target_utilisation": 70}, "target_utilisation must be in (0, 1]; got 70"),
        ((10.0, 5.0), {"redundancy": -1}, "redundancy must be a whole number >= 0; got -1"),
        ((10.0, 5.0), {"redundancy": 1.5}, "redundancy must be a whole number >= 0; got 1.5"),
        ((math.nan, 5.0), {}, "peak_load must not be NaN"),
    ],
)
def test_instances_needed_rejects_bad_inputs(args, kwargs, match):
    with pytest.raises(ValueError, match=re.escape(match)):
        capacity.instances_needed(*args, **kwargs)


# --- re-exports ----------------------------------------------------------------------------


def test_queueing_and_usl_entry_points_are_reexported():
    assert capacity.erlang_c is queueing.erlang_c
    assert capacity.erlang_b is queueing.erlang_b
    assert capacity.mmc_response_time_percentile is queueing.mmc_response_time_percentile
    assert capacity.littles_law is queueing.littles_law
    assert capacity.fit_usl is usl.fit_usl
    assert capacity.USLFit is usl.USLFit
    for name in ("erlang_c", "fit_usl", "USLFit", "per_second", "response_time_percentiles"):
        assert name in capacity.__all__
    assert all(hasattr(capacity, name) for name in capacity.__all__)
