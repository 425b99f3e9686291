"""One company, one set of numbers: the analyst notebooks agree with the board report.

The committed notebooks store their headline numbers (``whatif.read_headlines``; nbval
checks that a re-run reproduces them). Each figure that the board report also shows is
recomputed here the way the board report computes it, with the board notebook's own
default parameters (seed, simulated futures, horizon, hiring target, read from
``notebooks/board_report.ipynb``): the same ``company.calibrate`` call, the same
simulation, ``report.hiring_table`` and ``report.scenario_table``. A notebook that went
back to typed-in defaults (the 8,000 a month, 30 points a sprint of the article) fails.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from scaling_models import company, loaders, montecarlo, report, whatif

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def _board_defaults() -> dict:
    papermill = pytest.importorskip("papermill")
    declared = papermill.inspect_notebook(str(NOTEBOOKS / "board_report.ipynb"))
    return {name: ast.literal_eval(info["default"]) for name, info in declared.items()}


def _stored(name: str) -> dict[str, float]:
    return whatif.read_headlines(NOTEBOOKS / name)


def _as_printed(value: float, spec: str) -> float:
    """A value rounded as a notebook headline prints and records it."""
    return whatif.headlines(("x", value, "x", spec)).record()["x"]


@pytest.fixture(scope="module")
def board():
    """What the board report computes for the bundled company, with its defaults."""
    params = _board_defaults()
    data = loaders.load_data_dir()
    calibrated = company.calibrate(data, rng=params["seed"])
    result = montecarlo.simulate(calibrated.inputs, n_paths=params["n_paths"],
                                 months=params["horizon_months"], rng=params["seed"])
    hiring = report.hiring_table(data.history, target_velocity=params["target_velocity"],
                                 target_month=params["hiring_target_months"],
                                 funnel=data.funnel)
    scenarios = report.scenario_table(
        data.history, data.scenarios, developer_annual_cost=params["developer_annual_cost"],
        rng=params["seed"])
    last = data.history.iloc[-1]
    return {"params": params, "calibrated": calibrated, "result": result,
            "hiring": hiring, "scenarios": scenarios, "last": last,
            "breaches": report.breach_table(result, calibrated.month)}


def test_capacity_notebook_shows_the_reports_forecast(board):
    stored = _stored("01_capacity_forecast.ipynb")
    result, params = board["result"], board["params"]
    pct = result.percentiles.set_index(["output", "month"])
    horizon = params["horizon_months"]
    assert stored["mau_median_k"] == _as_printed(pct.loc[("mau", horizon), "P50"] / 1e3,
                                                 ",.0f")
    summary = result.breach_summary
    for key, resource in (("p_db_critical", "db_utilisation"),
                          ("p_bandwidth_critical", "bandwidth")):
        expected = summary.loc[(resource, "critical"), "probability"]
        assert stored[key] == _as_printed(expected, whatif.PROBABILITY)
        # the report's quarter table ends at the same month: the same probability
        assert board["breaches"].loc[(resource, "critical")].iloc[-1] == expected
    assert stored["cpu_critical_month_p50"] == summary.loc[("cpu", "critical"), "P50"]


def test_unit_economics_notebook_starts_from_the_reports_costs(board):
    stored = _stored("02_unit_economics.ipynb")
    last = board["last"]
    # the report's infrastructure cost and share of revenue (summary: infra_cost,
    # infra_cost_share), not the article's 8,000 a month
    assert stored["infra_cost_today"] == _as_printed(last["infra_cost"], ",.0f")
    assert stored["infra_share_today"] == _as_printed(last["infra_cost"] / last["revenue"],
                                                      ".1%")
    assert board["calibrated"].inputs.base_monthly_cost == last["infra_cost"]


def test_team_notebook_plans_the_reports_hires(board):
    stored = _stored("03_team_scaling.ipynb")
    last, hiring = board["last"], board["hiring"]
    assert stored["team_size"] == last["team_size"]
    assert stored["current_velocity"] == _as_printed(last["velocity"], ".1f")
    assert stored["hires_needed"] == hiring.attrs["hires"]
    assert stored["applications_needed"] == hiring.attrs["applications_needed"]


def test_scenario_notebook_gives_the_reports_probabilities(board):
    stored = _stored("05_growth_scenarios.ipynb")
    probabilities = board["scenarios"]["probability"]
    shown = {k[2:]: v for k, v in stored.items() if k.startswith("p_")}
    assert shown  # the multi-year family by default
    for key, value in shown.items():
        assert value == _as_printed(probabilities[key], whatif.PROBABILITY), key
