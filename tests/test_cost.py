"""Tests for scaling_models.cost: docs/domain.md figures, hand computations, errors."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from scaling_models import cost

# --- docs/domain.md reference values ----------------------------------------------------------


def test_default_arpu_is_revenue_over_mau():
    # docs/domain.md section 1: 100 K EUR / month for 50 K MAU.
    assert cost.DEFAULT_ARPU == 100_000 / 50_000
    assert cost.revenue(50_000) == pytest.approx(100_000)


@pytest.mark.parametrize(
    ("added", "expected"),
    # docs/domain.md sections 7 and 8: scenario tables price these head-counts.
    [(8, 480_000), (20, 1_200_000), (50, 3_000_000), (5, 300_000)],
)
def test_team_cost_matches_scenario_tables(added, expected):
    assert cost.team_cost(added) == pytest.approx(expected)


def test_team_cost_scales_with_years_and_salary():
    # 20 developers for the 18-month timeline at 60 K / year: 20 * 1.5 * 60 K.
    assert cost.team_cost(20, years=1.5) == pytest.approx(1_800_000)
    assert cost.team_cost(2, annual_cost_per_developer=75_000) == pytest.approx(150_000)


def test_team_monthly_cost():
    # 10 developers at 60 K / year = 600 K / year = 50 K / month.
    assert cost.team_monthly_cost(10) == pytest.approx(50_000)
    assert_allclose(cost.team_monthly_cost([0, 12.5]), [0, 62_500])


def test_infra_share_target_and_budget():
    assert cost.INFRA_SHARE_TARGET == 0.10
    assert cost.infra_budget(100_000) == pytest.approx(10_000)
    share = cost.infra_share_of_revenue(8_000, cost.revenue(50_000))
    assert share == pytest.approx(0.08)
    assert share < cost.INFRA_SHARE_TARGET


# --- hand-computed examples -----------------------------------------------------------


def test_infrastructure_cost_hand_value():
    # 10_000 * 2 ** 0.8 = 10_000 * 1.7411011266 (evaluated by hand with log: 0.8 ln 2).
    assert cost.infrastructure_cost(2.0, 10_000) == pytest.approx(
        10_000 * math.exp(0.8 * math.log(2))
    )
    assert cost.infrastructure_cost(1.0, 7_500) == pytest.approx(7_500)


def test_infrastructure_cost_linear_and_steep():
    assert cost.infrastructure_cost(3.0, 1_000, scale_exponent=1.0) == pytest.approx(3_000)
    # Exponent above 1 (vertical scaling): cost grows faster than load.
    assert cost.infrastructure_cost(3.0, 1_000, scale_exponent=1.5) > 3_000


@pytest.mark.parametrize("as_type", [float, list, np.array])
def test_infrastructure_cost_broadcasts(as_type):
    load = [1.0, 2.0, 4.0] if as_type is not float else 4.0
    out = cost.infrastructure_cost(as_type(load), 1_000, scale_exponent=0.5)
    assert_allclose(out, np.sqrt(load) * 1_000)


def test_infrastructure_cost_monte_carlo_shape():
    load = np.linspace(1, 5, 6)  # months on the last axis
    exponent = np.array([[0.6], [0.8], [1.0]])  # draws on axis 0
    assert cost.infrastructure_cost(load, 2_000, exponent).shape == (3, 6)


def test_step_cost_rounds_up_whole_instances():
    assert cost.step_cost(2.3, 500.0, fixed_monthly_cost=1_000.0) == pytest.approx(2_500)
    assert cost.step_cost(3.0, 500.0) == pytest.approx(1_500)
    # Floating-point noise on an exact need does not buy an extra instance.
    assert cost.step_cost(0.1 * 3 * 10, 100.0) == pytest.approx(300)
    assert cost.step_cost(3.0000000000004, 100.0) == pytest.approx(300)
    assert cost.step_cost(0, 100.0, fixed_monthly_cost=50.0) == pytest.approx(50)
    assert_allclose(cost.step_cost([0.5, 1.0, 1.01], 10.0), [10, 10, 20])


def test_unit_costs():
    assert cost.cost_per_user(8_000, 50_000) == pytest.approx(0.16)
    # 10 K transactions / day over an average month (365.25 / 12 days).
    per_month = 10_000 * 365.25 / 12
    assert cost.cost_per_transaction(6_087.5, per_month) == pytest.approx(0.02)


# --- invariants -----------------------------------------------------------------------


@given(
    users=st.floats(1, 1e7),
    growth=st.floats(1.001, 100),
    base=st.floats(1, 1e6),
    exponent=st.floats(0.05, 0.99),
)
def test_cost_per_user_falls_with_scale_below_unit_exponent(users, growth, base, exponent):
    small = cost.cost_per_user(cost.infrastructure_cost(1.0, base, exponent), users)
    big = cost.cost_per_user(cost.infrastructure_cost(growth, base, exponent), users * growth)
    assert big < small


@given(
    users=st.floats(1, 1e7),
    growth=st.floats(1.001, 100),
    base=st.floats(1, 1e6),
)
def test_cost_per_user_constant_at_unit_exponent(users, growth, base):
    small = cost.cost_per_user(cost.infrastructure_cost(1.0, base, 1.0), users)
    big = cost.cost_per_user(cost.infrastructure_cost(growth, base, 1.0), users * growth)
    assert big == pytest.approx(small, rel=1e-9)


@given(monthly=st.floats(0, 1e9), users=st.floats(1e-3, 1e9))
def test_per_user_times_users_is_total(monthly, users):
    assert cost.cost_per_user(monthly, users) * users == pytest.approx(monthly, rel=1e-12)
    tx = cost.cost_per_transaction(monthly, users)
    assert tx * users == pytest.approx(monthly, rel=1e-12)


@given(load=st.floats(0, 1e4), more=st.floats(0, 1e4), exponent=st.floats(0.05, 2.0))
def test_infrastructure_cost_never_falls_with_load(load, more, exponent):
    assert cost.infrastructure_cost(load + more, 1_000, exponent) >= cost.infrastructure_cost(
        load, 1_000, exponent
    ) * (1 - 1e-12)


@given(need=st.floats(0, 1e4), price=st.floats(0, 1e4))
def test_step_cost_bounds_smooth_cost(need, price):
    # Whole instances cost at least the fractional need, and less than one more; the need
    # is rounded to 9 decimals first (documented), so it may lose up to 5e-10 instance.
    total = cost.step_cost(need, price)
    assert (need - 5e-10) * price * (1 - 1e-9) - 1e-6 <= total <= (need + 1) * price + 1e-6


# --- bad input ------------------------------------------------------------------------


def test_infrastructure_cost_rejects_negative_load():
    with pytest.raises(ValueError, match="load_ratio must be >= 0; got -1"):
        cost.infrastructure_cost(-1, 1_000)


def test_infrastructure_cost_rejects_negative_base():
    with pytest.raises(ValueError, match="base_monthly_cost must be >= 0"):
        cost.infrastructure_cost(1, -1_000)


def test_infrastructure_cost_rejects_nonpositive_exponent():
    with pytest.raises(ValueError, match="scale_exponent must be > 0; got 0"):
        cost.infrastructure_cost(1, 1_000, scale_exponent=0)


def test_infrastructure_cost_rejects_nan_and_inf():
    with pytest.raises(ValueError, match="load_ratio must not be NaN"):
        cost.infrastructure_cost([1.0, float("nan")], 1_000)
    with pytest.raises(ValueError, match="base_monthly_cost must be finite"):
        cost.infrastructure_cost(1.0, float("inf"))


def test_infrastructure_cost_rejects_text():
    with pytest.raises(TypeError, match="load_ratio must be a number"):
        cost.infrastructure_cost("2", 1_000)


def test_step_cost_rejects_bad_input():
    with pytest.raises(ValueError, match="instances must be >= 0"):
        cost.step_cost(-1, 100)
    with pytest.raises(ValueError, match="cost_per_instance must be >= 0"):
        cost.step_cost(1, -100)
    with pytest.raises(ValueError, match="fixed_monthly_cost must be >= 0"):
        cost.step_cost(1, 100, fixed_monthly_cost=-5)
    with pytest.raises(ValueError, match="instances must be finite"):
        cost.step_cost(float("inf"), 100)


def test_unit_costs_reject_zero_denominators():
    with pytest.raises(ValueError, match="users must be > 0; got 0"):
        cost.cost_per_user(1_000, 0)
    with pytest.raises(ValueError, match="transactions_per_month must be > 0"):
        cost.cost_per_transaction(1_000, [10, 0])
    with pytest.raises(ValueError, match="monthly_cost must be >= 0"):
        cost.cost_per_user(-1, 10)


def test_revenue_rejects_negative_users_and_arpu():
    with pytest.raises(ValueError, match="users must be >= 0"):
        cost.revenue(-10)
    with pytest.raises(ValueError, match="arpu must be >= 0"):
        cost.revenue(10, arpu=-2)


def test_infra_share_rejects_zero_revenue():
    with pytest.raises(ValueError, match="revenue must be > 0; got 0"):
        cost.infra_share_of_revenue(1_000, 0)
    with pytest.raises(ValueError, match="infra_cost must be >= 0"):
        cost.infra_share_of_revenue(-1, 10)


def test_infra_budget_rejects_percent():
    with pytest.raises(ValueError, match="target_share must be between 0 and 1"):
        cost.infra_budget(100_000, target_share=10)


def test_team_costs_reject_negative_and_nan():
    with pytest.raises(ValueError, match="developers must be >= 0"):
        cost.team_monthly_cost(-1)
    with pytest.raises(ValueError, match="developers_added must not be NaN"):
        cost.team_cost(float("nan"))
    with pytest.raises(ValueError, match="years must be >= 0"):
        cost.team_cost(5, years=-1)
    with pytest.raises(ValueError, match="annual_cost_per_developer must be >= 0"):
        cost.team_cost(5, annual_cost_per_developer=-60_000)
