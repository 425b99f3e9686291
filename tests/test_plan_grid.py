"""Plans computed ahead for a what-if panel are exactly those of a direct call."""

import time

import numpy as np
import pandas as pd
import pytest

from scaling_models import montecarlo as mc
from scaling_models import plan_grid, plan_report, plans

# small enough to optimise in a fraction of a second; the default company (docs/domain.md
# section 1) with the default lever catalogue
INPUTS = mc.Inputs()
CALL = {"months": 6, "seed": 11, "n_paths": 300}
RISKS = (0.05, 0.1, 0.2)
BUDGETS = (None, 30_000.0)


def _direct(risk, budget):
    """What notebook 06 computes for its own setting, call by call."""
    found = plans.optimise(INPUTS, None, risk=risk, months=CALL["months"], rng=CALL["seed"],
                           budget=budget, n_paths=CALL["n_paths"])
    compared = plan_report.compare(INPUTS, found.plan, n_paths=CALL["n_paths"],
                                   months=CALL["months"], rng=CALL["seed"])
    return found, compared


def _assert_same(outcome, risk, budget):
    found, compared = _direct(risk, budget)
    got = outcome.result
    assert got.total_cost == found.total_cost
    assert got.achieved_risk == found.achieved_risk
    assert got.validated_risk == found.validated_risk
    assert got.feasible == found.feasible and got.message == found.message
    pd.testing.assert_frame_equal(got.actions, found.actions)
    pd.testing.assert_frame_equal(got.p_critical, found.p_critical)
    pd.testing.assert_frame_equal(outcome.curves, compared.curves)
    pd.testing.assert_frame_equal(outcome.table, compared.table)


def _grid():
    return plan_grid.PlanGrid(INPUTS, None, risks=RISKS, budgets=BUDGETS, **CALL)


def test_points_computed_here_are_the_direct_calls():
    grid = _grid()
    for risk, budget in ((0.05, None), (0.2, 30_000.0)):
        _assert_same(grid.get(risk, budget), risk, budget)
    assert grid.computed_here == 2 and grid.ready == 2
    assert grid.get(0.05, None) is grid.get(0.05, None)  # looked up, not computed again
    assert grid.computed_here == 2


def test_points_computed_by_the_background_worker_are_the_direct_calls():
    grid = _grid()
    grid.focus(0.1, None)
    grid.start_background()
    try:
        deadline = time.monotonic() + 240
        while grid.ready < len(grid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert grid.ready == len(grid) == 6
        assert grid.computed_in_background >= 5  # the worker filled the grid
    finally:
        grid.close()
    for risk, budget in ((0.1, None), (0.05, 30_000.0), (0.2, None)):
        _assert_same(grid.get(risk, budget), risk, budget)


def test_the_worker_goes_nearest_first_and_ahead_of_the_last_move():
    grid = plan_grid.PlanGrid(INPUTS, None, risks=(0.01, 0.02, 0.05, 0.1, 0.2),
                              budgets=(None, 1e5, 2e5), **CALL)
    grid.focus(0.05, None)
    assert grid._next() == (0.05, None)  # the setting shown first
    for point in ((0.05, None), (0.05, 1e5), (0.02, 1e5)):
        grid._done[point] = object()  # as if computed (only the order is tested here)
    assert grid._next() == (0.1, None)  # by default ahead up the risk targets
    grid.focus(0.05, 1e5)  # the budget slider moved up
    assert grid._next() == (0.05, 2e5)
    grid.focus(0.02, 1e5)  # the risk slider moved down
    assert grid._next() == (0.01, 1e5)
    assert grid.around(0.05, None, risk_steps=2, budget_steps=1) == [
        (0.1, None), (0.02, None), (0.05, 1e5), (0.2, None), (0.01, None)]
    assert grid.around(0.05, None, risk_steps=1, budget_steps=0) == [(0.1, None),
                                                                     (0.02, None)]


def test_remember_keeps_the_notebooks_own_outcome_and_checks_it():
    grid = _grid()
    outcome = plan_grid.plan_outcome(INPUTS, None, risk=0.1, budget=None, **CALL)
    grid.remember(0.1, None, outcome)
    assert grid.get(0.1, None) is outcome and grid.computed_here == 1
    with pytest.raises(ValueError, match="this outcome is for risk 0.1"):
        grid.remember(0.2, None, outcome)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [({"seed": np.random.default_rng(1)}, TypeError, "seed must be an int"),
     ({"risks": (0.0, 0.1)}, ValueError, r"risks must be probabilities in \(0, 1\)"),
     ({"budgets": (-1.0,)}, ValueError, "budgets must be >= 0"),
     ({"risks": ()}, ValueError, "at least one value")],
)
def test_bad_grids_are_refused(kwargs, error, message):
    args = {"risks": RISKS, "budgets": BUDGETS, **CALL, **kwargs}
    with pytest.raises(error, match=message):
        plan_grid.PlanGrid(INPUTS, None, **args)


def test_a_point_off_the_grid_is_refused():
    with pytest.raises(ValueError, match=r"\(0\.07, None\) is not on the grid"):
        _grid().get(0.07, None)
