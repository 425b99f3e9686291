"""One company, one set of numbers: the analyst notebooks agree with the board report.

The committed notebooks store their headline numbers (``whatif.read_headlines``; nbval
checks that a re-run reproduces them). The board report is built here as the report
command builds it (``board.build`` with the board notebook's default parameters, read
from ``notebooks/board_report.ipynb``), and each figure both show is compared: its
``summary.json`` headline (today's infrastructure cost and share of revenue, team size,
hires and applications, the chance of each resource being critical by the end of the
horizon, the scenario probabilities) and, for the median users, the report's own
simulation. A notebook that went back to typed-in defaults (the article's 8,000 a month
or 30 points a sprint) or to another seed or sample size fails.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from scaling_models import loaders, whatif

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
    """The board report of the bundled company, with the board notebook's defaults."""
    from scaling_models import board as board_report

    params = _board_defaults()
    rep = board_report.build(loaders.load_data_dir(), params)
    return {"params": params, "headline": rep.headline, "result": rep.result,
            "calibrated": rep.calibrated}


def test_capacity_notebook_shows_the_reports_forecast(board):
    stored = _stored("01_capacity_forecast.ipynb")
    headline, params = board["headline"], board["params"]
    pct = board["result"].percentiles.set_index(["output", "month"])
    assert stored["mau_median_k"] == _as_printed(
        pct.loc[("mau", params["horizon_months"]), "P50"] / 1e3, ",.0f")
    # the report's "critical by the end of the fourth quarter" is the notebook's "by the
    # end of the horizon" (12 months)
    assert params["horizon_months"] == 12
    for key, resource in (("p_db_critical", "db_utilisation"),
                          ("p_bandwidth_critical", "bandwidth")):
        assert stored[key] == _as_printed(headline["p_critical_4_quarters"][resource],
                                          whatif.PROBABILITY), key
    summary = board["result"].breach_summary
    assert stored["cpu_critical_month_p50"] == summary.loc[("cpu", "critical"), "P50"]


def test_unit_economics_notebook_starts_from_the_reports_costs(board):
    stored = _stored("02_unit_economics.ipynb")
    headline = board["headline"]
    # not the article's 8,000 a month: the company's own bill and share of revenue
    assert stored["infra_cost_today"] == _as_printed(headline["infra_cost"], ",.0f")
    assert stored["infra_share_today"] == _as_printed(headline["infra_cost_share"], ".1%")


def test_team_notebook_plans_the_reports_hires(board):
    stored = _stored("03_team_scaling.ipynb")
    headline = board["headline"]
    assert stored["team_size"] == headline["team_size"]
    assert stored["current_velocity"] == _as_printed(
        board["calibrated"].inputs.current_velocity, ".1f")
    assert stored["hires_needed"] == headline["hires_planned"]
    assert stored["applications_needed"] == headline["applications_needed"]


def test_scenario_notebook_gives_the_reports_probabilities(board):
    stored = _stored("05_growth_scenarios.ipynb")
    probabilities = board["headline"]["scenario_probabilities"]
    shown = {k[2:]: v for k, v in stored.items() if k.startswith("p_")}
    assert shown  # the multi-year family by default
    for key, value in shown.items():
        assert value == _as_printed(probabilities[key], whatif.PROBABILITY), key
