"""The quarterly board report computed in one call: data and parameters in, content out.

:func:`build` runs the whole pipeline of the board report (``notebooks/board_report.ipynb``)
on a company's data and the report's validated parameters: the calibration of
:func:`scaling_models.company.calibrate` (the one the analyst notebooks use), the Monte
Carlo forecast, the report's tables (:mod:`scaling_models.report`), the board's
formatted tables and sentences (:mod:`scaling_models.presentation`) and its figures. The
notebook only calls it and displays the :class:`BoardReport`. Units are those of the
tables it holds (fractions, months, the data's currency).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd

from scaling_models import (
    batch,
    company,
    loaders,
    montecarlo,
    parameters,
    plan_report,
    presentation,
    report,
)
from scaling_models import resources as _resources

__all__ = ["BoardReport", "build"]


@dataclasses.dataclass(frozen=True)
class BoardReport:
    """Everything the board report shows, computed by :func:`build`.

    Attributes
    ----------
    quarter : str
        Reporting quarter, ``YYYY-Qn``.
    end : pandas.Period
        Its last month (month 0 of the forecast).
    parameters : mapping
        The validated parameters of the run.
    history : pandas.DataFrame
        The company history up to ``end``.
    calibrated : scaling_models.company.Calibrated
        The simulation's inputs and where each assumption comes from.
    result : scaling_models.montecarlo.SimulationResult
        The forecast.
    tables : mapping of str to pandas.DataFrame or None
        The report's tables as computed (:mod:`scaling_models.report`): ``achieved``,
        ``dashboard``, ``status``, ``scenarios``, ``breaches``, ``remedies``, ``signals``,
        ``trend``, ``debt``, ``ranked``, ``hiring`` (None when no plan reaches the
        target), ``invest``.
    headline : dict
        The figures of ``summary.json`` (:func:`scaling_models.report.summary`).
    messages : list of str
        The key messages (Markdown sentences).
    texts : mapping of str to str
        Markdown sentences the sections print (see
        :func:`scaling_models.presentation.board_texts`).
    figures : mapping of str to matplotlib.figure.Figure
        ``history``, ``fan``, ``team``, ``cost``, ``plan`` (closed: display them with
        :class:`scaling_models.charts.DescribedFigure`).
    previous : dict or None
        Last quarter's ``summary.json``, when given and valid
        (:func:`scaling_models.batch.read_summary`; ``texts["previous_problem"]`` says why
        one given was not used).
    plan : scaling_models.plan_report.BoardPlan
        The remedy plan: the cheapest plan of the lever catalogue under ``plan_risk``, its
        schedule, risk and cost with and without it, and other risk appetites.
    """

    quarter: str
    end: pd.Period
    parameters: Mapping[str, Any]
    history: pd.DataFrame
    calibrated: company.Calibrated
    result: montecarlo.SimulationResult
    tables: Mapping[str, pd.DataFrame | None]
    headline: dict
    messages: list[str]
    texts: Mapping[str, str]
    figures: Mapping[str, Any]
    previous: dict | None
    plan: plan_report.BoardPlan

    def present(self, name: str) -> pd.DataFrame:
        """The board's formatted version of table ``name`` (``status``, ``actions``...)."""
        currency = self.parameters["currency"]
        t = self.tables
        makers = {
            "status": lambda: presentation.present_status(
                t["status"], self.end, self.result.months, currency),
            "actions": lambda: presentation.present_actions(t["ranked"], currency),
        }
        if name not in makers:
            raise ValueError(f"name must be one of {sorted(makers)}; got {name!r}")
        return makers[name]()


def _closed(figure):
    """Keep the figure for display without the inline backend showing it at build time."""
    plt.close(figure)
    return figure


def build(data: loaders.DataBundle, params: Mapping[str, Any]) -> BoardReport:
    """Compute the board report of one quarter.

    Parameters
    ----------
    data : scaling_models.loaders.DataBundle
        The company's data (:func:`scaling_models.loaders.load_data_dir`).
    params : mapping
        Report parameters (names of :data:`scaling_models.parameters.PARAMETERS`); those
        not given take their default. Validated here.

    Returns
    -------
    BoardReport

    Raises
    ------
    scaling_models.parameters.ParameterError
        For a bad parameter.
    TypeError
        If ``data`` is not a DataBundle.
    """
    if not isinstance(data, loaders.DataBundle):
        raise TypeError(f"data must be a loaders.DataBundle; got {type(data).__name__}")
    given = dict(params)
    # registry order (not a set's, which varies with the process's hash seed): the
    # parameters table of the report is then the same bytes from run to run
    names = [n for n in parameters.PARAMETERS if n in _NAMES or n in given]
    p = {**parameters.defaults(names), **parameters.check(**given)}
    quarter, seed, currency = p["quarter"], p["seed"], p["currency"]
    end = report.quarter_end_month(quarter)
    history = data.history.loc[:end]
    bundle = dataclasses.replace(data, history=history)
    leads = {r.key: p[r.lead_parameter] for r in _resources.RESOURCES.values()}

    calibrated = company.calibrate(
        bundle,
        growth="model" if p["growth_from_history"] else (p["growth_low"], p["growth_high"]),
        elasticity="measured" if p["elasticity_from_history"] else "default",
        developer_annual_cost=p["developer_annual_cost"], rng=seed)
    result = montecarlo.simulate(calibrated.inputs, n_paths=p["n_paths"],
                                 months=p["horizon_months"], rng=seed)

    achieved = report.growth_achieved(history, quarter)
    dashboard = report.status_dashboard(history, data.thresholds)
    scenarios = report.scenario_table(history, data.scenarios,
                                      developer_annual_cost=p["developer_annual_cost"],
                                      rng=seed)
    scenarios["infra_spend_model"] = report.scenario_infra_spend(
        calibrated.inputs, data.scenarios, n_paths=min(p["n_paths"], 2_000), rng=seed)
    breaches = report.breach_table(result, end)
    remedies = report.remedy_schedule(result, end, leads, risk=p["remedy_risk"])
    signals = report.signals_table(history, data.thresholds)
    trend = report.trend_table(history, data.thresholds, result=result, end_month=end)
    debt = report.debt_table(data.backlog, hourly_cost=p["hourly_cost"],
                             top=p["top_debt_items"])
    # the cheapest plan of the lever catalogue (the data folder's levers.yaml or the
    # default) that keeps the risk of a critical resource under plan_risk, on the same
    # inputs and seed as the forecast: the actions and the status table carry its costs
    plan = plan_report.board_plan(
        calibrated.inputs, data.levers, risk=p["plan_risk"], budget=p["plan_budget"],
        months=p["horizon_months"], n_paths=p["n_paths"], seed=seed, end_month=end)
    ranked = report.actions(dashboard, debt=debt, remedies=remedies, plan_costs=plan.costs,
                            plan_shares=plan.shares, trend=trend, end_month=end)
    try:
        hiring = report.hiring_table(history, target_velocity=p["target_velocity"],
                                     target_month=p["hiring_target_months"],
                                     funnel=data.funnel)
        hiring_problem = ""
    except ValueError as err:  # an unreachable target: the report says so instead
        hiring, hiring_problem = None, str(err)
    invest = report.investments(
        result, hires=0 if hiring is None else hiring.attrs["hires"],
        developer_annual_cost=p["developer_annual_cost"],
        current_velocity=float(history["velocity"].iloc[-1]),
        target_velocity=p["target_velocity"], debt=debt,
        plan_result=plan.comparison.with_plan, plan_cost=plan.result.total_cost,
        plan_actions=len(plan.schedule),
        plan_risk=tuple(plan.comparison.table.loc["p_any", ["without_plan", "with_plan"]]))
    team_row = next((i for i in invest.index if str(i).startswith("team")), None)
    status = report.status_table(
        result, dashboard, remedies, costs=plan.costs, shares=plan.shares, hiring=hiring,
        hiring_target_months=p["hiring_target_months"],
        team_cost=float(invest.at[team_row, "cost"]) if team_row is not None else float("nan"))
    headline = report.summary(
        growth=achieved, dashboard=dashboard, debt=debt, scenarios=scenarios,
        breaches=breaches, remedies=remedies, hiring=hiring, invest=invest, ranked=ranked,
        signals=signals, trend=trend, elasticity=calibrated.elasticity_table(),
        measured=report.model_vs_measured(result, history),
        hiring_target_months=p["hiring_target_months"])
    headline.update(plan.summary)
    previous, previous_problem = None, ""
    if p.get("previous_summary"):  # validated like any input; a bad one is named, not used
        try:
            previous = batch.read_summary(
                p["previous_summary"], quarter=batch.previous_quarter(quarter),
                name=f"{Path(p['previous_summary']).name} of last quarter")
        except ValueError as err:
            previous_problem = str(err)
    tables = {"achieved": achieved, "dashboard": dashboard, "status": status,
              "scenarios": scenarios, "breaches": breaches, "remedies": remedies,
              "signals": signals, "trend": trend, "debt": debt, "ranked": ranked,
              "hiring": hiring, "invest": invest}
    texts = presentation.board_texts(
        headline, calibrated=calibrated, tables=tables, hiring_problem=hiring_problem,
        previous_problem=previous_problem, confidence=report.history_note(history), params=p)
    figures = {
        "history": _closed(report.history_figure(history, quarter, currency=currency)),
        "fan": _closed(report.fan_figure(result, end, remedies, history=history)),
        "team": _closed(report.team_figure(result, end, hiring)),
        "cost": _closed(report.cost_figure(result, end, data.thresholds, currency=currency)),
        "plan": _closed(plan_report.risk_figure(plan.comparison.curves, end,
                                                risk=p["plan_risk"])),
    }
    messages = presentation.key_messages(headline, ranked=ranked, hiring=hiring,
                                         signals=signals, invest=invest, currency=currency)
    return BoardReport(
        quarter=quarter, end=end, parameters=p, history=history, calibrated=calibrated,
        result=result, tables=tables, headline=headline, messages=messages, texts=texts,
        figures=figures, previous=previous, plan=plan)


# the parameters the board report reads (their defaults fill what the caller leaves out)
_NAMES = frozenset({
    "quarter", "seed", "n_paths", "horizon_months", "growth_from_history", "growth_low",
    "growth_high", "elasticity_from_history", "remedy_risk", "target_velocity",
    "hiring_target_months", "developer_annual_cost", "hourly_cost", "top_debt_items",
    "currency", "previous_summary", "plan_risk", "plan_budget",
    *(r.lead_parameter for r in _resources.RESOURCES.values()),
})
