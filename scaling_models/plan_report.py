"""The remedy plan as a board and an analyst read it: schedule, risk with and without it,
and what another risk appetite would cost.

:func:`scaling_models.plans.optimise` finds the cheapest plan of architecture levers
keeping the probability that some resource is critical in some month of the horizon under
a target (docs/levers.md; docs/domain.md section 9 for the levers). This module turns its
result into the tables and the figure of the board report's section "The plan" and of
notebook ``06_remedy_plan``:

* :func:`plan_schedule`: each action with its start-by and in-effect months (calendar
  ``YYYY-MM``, month 0 = the report's last month), the resources it relieves and its cost
  (one-off, monthly, and in all over the horizon, :meth:`scaling_models.plans.Plan.action_costs`);
* :func:`compare`: the engine run with and without the plan on the same inputs and seed
  (common random numbers: :meth:`~scaling_models.plans.Plan.draw` comes last, so every
  other draw is the same), the month-by-month probability of each resource having been
  critical, and a table of risk and cost over the horizon;
* :func:`risk_appetite`: the cheapest plan and its risk for other risk targets;
* :func:`risk_figure`, :func:`summary_fields`, :func:`remedy_costs` (the cost of the
  plan's actions on each resource, for :func:`scaling_models.report.actions`) and
  :func:`remedy_shares` (where the cost of an action relieving several resources is
  counted);
* :func:`board_plan`: all of them at once, as the board report runs them;
* :func:`present_schedule`, :func:`present_comparison` and :func:`present_appetite`: the
  same three tables written for the board (strings in their units, headers in words), for
  :func:`scaling_models.presentation.view`.

An action is attributed to its *primary* resource, the first its lever relieves in the
catalogue (``cdn``: bandwidth; ``app_instance``: cpu), so that the costs per resource add
up to the plan's infrastructure spend without counting an action twice.

Units: probabilities as fractions in [0, 1]; money in the catalogue's currency [currency];
months as counts from month 0 or calendar months ``YYYY-MM``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from scaling_models import notebook_io, periods
from scaling_models.montecarlo import RESOURCES, Inputs, SimulationResult, simulate
from scaling_models.plans import Plan, PlanResult, optimise
from scaling_models.report import RESOURCE_LABELS, money, percent, probability

__all__ = [
    "RISK_APPETITES",
    "APPETITE_PATHS",
    "PlanComparison",
    "BoardPlan",
    "primary_resource",
    "plan_schedule",
    "remedy_costs",
    "remedy_shares",
    "compare",
    "risk_appetite",
    "risk_figure",
    "summary_fields",
    "board_plan",
    "present_schedule",
    "present_comparison",
    "present_appetite",
]

#: Risk targets of the risk-appetite table (:func:`risk_appetite`). [fraction]
RISK_APPETITES: tuple[float, ...] = (0.01, 0.05, 0.10, 0.20)
#: Paths of each extra optimisation of the risk-appetite table: each costs a few seconds
#: at the report's 10 000 paths, so the other targets run on at most this many (the
#: target of the report's own plan reuses that plan). [paths]
APPETITE_PATHS = 5_000


def primary_resource(plan: Plan, lever: str) -> str:
    """The resource an action of ``lever`` is attributed to: the first its lever relieves
    in the catalogue, or the lever's category (``"team"``) for a lever relieving none."""
    spec = plan.levers[lever]
    return next(iter(spec.effects), spec.category)


def plan_schedule(plan: Plan, end_month: str | pd.Period, months: int) -> pd.DataFrame:
    """One row per action of ``plan``, in start order.

    Parameters
    ----------
    plan : Plan
        E.g. ``optimise(...).plan``.
    end_month : str or Period
        The calendar month of month 0 (``YYYY-MM``: the report's last month).
    months : int
        Horizon over which ``cost`` is counted. [month]

    Returns
    -------
    pandas.DataFrame
        Columns ``lever``, ``label``, ``resource`` (primary resource,
        :func:`primary_resource`), ``relieves`` (board labels of every resource relieved,
        comma-separated; ``team`` for a hire), ``per_instance`` (True when the lever adds
        instances to the fleet: every effect ``per_instance``), ``count`` (units),
        ``start_month`` and
        ``effective_month`` [month from month 0], ``start_by`` and ``in_effect``
        (``YYYY-MM``), ``one_off_cost`` [currency], ``monthly_cost`` [currency/month]
        and ``cost``, what the action costs over months 0..``months`` [currency].
    """
    end = periods.to_month(end_month)
    table = plan.actions_table()
    table["resource"] = [primary_resource(plan, lever) for lever in table["lever"]]
    table["relieves"] = [", ".join(RESOURCE_LABELS.get(r, r) for r in plan.levers[lever].effects)
                         or plan.levers[lever].category for lever in table["lever"]]
    table["per_instance"] = [bool(plan.levers[lever].effects) and all(
        kind == "per_instance" for kind, _ in plan.levers[lever].effects.values())
        for lever in table["lever"]]
    table["start_by"] = [str(end + int(m)) for m in table["start_month"]]
    table["in_effect"] = [str(end + int(m)) for m in table["effective_month"]]
    table["cost"] = plan.action_costs(months) if len(table) else np.zeros(0)
    columns = ["lever", "label", "resource", "relieves", "per_instance", "count", "start_month",
               "effective_month", "start_by", "in_effect", "one_off_cost", "monthly_cost",
               "cost"]
    return table[columns]


def remedy_costs(plan: Plan, months: int) -> dict[str, float]:
    """Cost over months 0..``months`` of the plan's actions on each resource (by primary
    resource), for every resource of the engine: 0 for one the plan leaves alone.
    [resource -> currency]"""
    costs = dict.fromkeys(RESOURCES, 0.0)
    for action, cost in zip(plan.actions, plan.action_costs(months), strict=True):
        resource = primary_resource(plan, action.lever)
        if resource in costs:
            costs[resource] += float(cost)
    return costs


def remedy_shares(plan: Plan) -> dict[str, tuple[str, ...]]:
    """For every resource of the engine, the other resources under which the plan counts
    actions that also relieve it (their primary resources, :func:`primary_resource`), in
    the engine's order: ``()`` when every action relieving it is counted under it.

    With :func:`remedy_costs`, a resource whose own cost is 0 but which an action counted
    elsewhere relieves (memory, relieved by application instances counted under CPU)
    reads "with CPU", never as free.
    """
    shared: dict[str, set[str]] = {r: set() for r in RESOURCES}
    for action in plan.actions:
        primary = primary_resource(plan, action.lever)
        for resource in plan.levers[action.lever].effects:
            if resource in shared and resource != primary:
                shared[resource].add(primary)
    return {r: tuple(p for p in RESOURCES if p in others) for r, others in shared.items()}


@dataclass(frozen=True, kw_only=True)
class PlanComparison:
    """The engine run without and with a plan, on the same inputs and seed.

    Attributes
    ----------
    curves : pandas.DataFrame
        Columns ``resource`` (each of :data:`~scaling_models.montecarlo.RESOURCES`, then
        ``any``: some resource), ``month`` (0..months), ``without_plan`` and
        ``with_plan``: the share of futures in which the resource's average utilisation
        has been beyond its critical line in some month up to ``month``. [fraction]
    table : pandas.DataFrame
        Indexed by ``measure``, columns ``without_plan`` and ``with_plan``: ``p_any``
        and ``p_<resource>`` (probability of being critical within the horizon), and
        ``infra_spend`` (the infrastructure bill over months 0..months, median future,
        the plan's spend included) and ``plan_cost`` (the plan's own cost over the
        horizon, team levers included). [fraction or currency]
    without_plan, with_plan : SimulationResult
        The two runs (``keep_paths=True``, ``infra_cost`` only).
    """

    curves: pd.DataFrame
    table: pd.DataFrame
    without_plan: SimulationResult
    with_plan: SimulationResult


def _critical_by_month(result: SimulationResult) -> dict[str, np.ndarray]:
    """resource (and ``any``) -> share of paths critical by each month 0..months."""
    first = {r: result.breach_months[f"{r}/critical"].to_numpy(dtype=float)
             for r in RESOURCES}
    first["any"] = np.fmin.reduce(np.stack(list(first.values())), axis=0)
    month = np.arange(result.months + 1)
    # NaN (never within the horizon) compares False: the path is not counted
    return {r: (m[None, :] <= month[:, None]).mean(axis=1) for r, m in first.items()}


def compare(inputs: Inputs, plan: Plan, *, n_paths: int, months: int,
            rng: np.random.Generator | int | None) -> PlanComparison:
    """Simulate ``inputs`` without and with ``plan`` on the same seed.

    Parameters
    ----------
    inputs : Inputs
        As in the rest of the report (``report.simulation_inputs``).
    plan : Plan
        The plan (``optimise(...).plan``).
    n_paths, months : int
        Paths and horizon, as the report's own run. [paths, month]
    rng : Generator, int or None
        The report's seed: without a plan the run is the report's own, bit for bit, and
        with it every draw but the plan's is the same (common random numbers).

    Returns
    -------
    PlanComparison
    """
    if not isinstance(plan, Plan):
        raise TypeError(f"plan must be a plans.Plan; got {type(plan).__name__}")
    if isinstance(rng, np.random.Generator):
        rng = int(rng.integers(2**63))  # one seed for both runs
    runs = {}
    for name, chosen in (("without_plan", None), ("with_plan", plan)):
        runs[name] = simulate(inputs, plan=chosen, n_paths=n_paths, months=months, rng=rng,
                              keep_paths=True, outputs=["infra_cost"])
    by_month = {name: _critical_by_month(run) for name, run in runs.items()}
    rows = [{"resource": r, "month": m,
             **{name: float(curve[r][m]) for name, curve in by_month.items()}}
            for r in (*RESOURCES, "any") for m in range(months + 1)]
    curves = pd.DataFrame(rows)
    table = {
        name: {
            "p_any": float(by_month[name]["any"][-1]),
            **{f"p_{r}": float(by_month[name][r][-1]) for r in RESOURCES},
            "infra_spend": float(run.percentile("infra_cost", 50).sum()),
            "plan_cost": 0.0 if name == "without_plan" else plan.total_cost(months),
        }
        for name, run in runs.items()
    }
    frame = pd.DataFrame(table)
    frame.index.name = "measure"
    return PlanComparison(curves=curves, table=frame, **runs)


def risk_appetite(
    inputs: Inputs,
    levers=None,
    risks: Sequence[float] = RISK_APPETITES,
    *,
    months: int,
    rng: np.random.Generator | int | None,
    budget: float | None = None,
    n_paths: int = APPETITE_PATHS,
    reuse: PlanResult | None = None,
) -> pd.DataFrame:
    """The cheapest plan's cost and risk for each risk target.

    Parameters
    ----------
    inputs, levers, months, budget
        As :func:`scaling_models.plans.optimise`.
    risks : sequence of float
        Risk targets, each in (0, 1). [fraction]
    rng : Generator, int or None
        Seed of every optimisation (the same for each target: common random numbers, so
        that costs differ by the target, not by the draws).
    n_paths : int
        Paths of each optimisation. [paths]
    reuse : PlanResult, optional
        An optimisation already run for one of ``risks`` (same inputs, catalogue,
        horizon and budget): its row is taken from it instead of optimising again.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``risk_target``: ``total_cost`` [currency], ``achieved_risk`` (on the
        optimiser's paths) and ``validated_risk`` (on independent paths) [fraction],
        ``feasible`` (bool), ``actions`` [count] and ``n_paths`` [paths].
    """
    if isinstance(rng, np.random.Generator):
        rng = int(rng.integers(2**63))
    rows = []
    for risk in risks:
        if reuse is not None and abs(reuse.risk - risk) < 1e-12 and reuse.months == months:
            found = reuse
        else:
            found = optimise(inputs, levers, risk=risk, months=months, rng=rng,
                             budget=budget, n_paths=n_paths)
        rows.append({"risk_target": float(risk), "total_cost": found.total_cost,
                     "achieved_risk": found.achieved_risk,
                     "validated_risk": found.validated_risk, "feasible": found.feasible,
                     "actions": len(found.plan.actions), "n_paths": found.n_paths})
    return pd.DataFrame(rows).set_index("risk_target")


def risk_figure(curves: pd.DataFrame, end_month: str | pd.Period, *,
                risk: float | None = None):
    """Per resource, the probability of having been critical by each calendar month,
    without and with the plan (:attr:`PlanComparison.curves`): the board's figure.

    Parameters
    ----------
    curves : pandas.DataFrame
        :attr:`PlanComparison.curves`.
    end_month : str or Period
        Calendar month of month 0 (``YYYY-MM``), "today".
    risk : float, optional
        The plan's risk target, drawn as a dotted line (it bounds all resources together,
        so each resource's curve stays below it). [fraction]

    Returns
    -------
    matplotlib.figure.Figure
        A 2 x 2 grid, one panel per resource of :data:`~scaling_models.montecarlo.RESOURCES`,
        sized for the board (:func:`scaling_models.charts.board_figure`); its label
        (``get_label()``) describes it in words, for the image's alt text.
    """
    from matplotlib.ticker import PercentFormatter

    from scaling_models import charts

    end = periods.to_month(end_month)
    months = int(curves["month"].max())
    fig, axes = charts.board_figure(3.0, ncols=2, nrows=2, sharex=True, sharey=True)
    sentences = []
    for i, (ax, resource) in enumerate(zip(axes, RESOURCES, strict=True)):
        rows = curves[curves["resource"] == resource]
        ax.step(rows["month"], rows["without_plan"], where="post", color="0.45",
                linestyle="--", label="without the plan")
        ax.step(rows["month"], rows["with_plan"], where="post", color=charts.COLOURS["plan"],
                linewidth=2, label="with the plan")
        if risk is not None:
            ax.axhline(risk, color=charts.COLOURS["critical"], linestyle=":", linewidth=1,
                       label=f"risk target, all resources together ({probability(risk)})")
        label = RESOURCE_LABELS.get(resource, resource)
        ax.set_title(label, loc="left")
        ax.set_ylim(0, 1.02)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        charts.month_axis(ax, end, months)
        ax.set_ylabel("")
        if i < 2:
            ax.set_xlabel("")
        sentences.append(f"{label}: {probability(rows['without_plan'].iloc[-1])} of futures "
                         f"critical by the end without the plan, "
                         f"{probability(rows['with_plan'].iloc[-1])} with it.")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=len(labels),
               fontsize=charts.BOARD_FONT_PT, frameon=False)
    fig.suptitle("Probability that each resource has been critical, without and with the "
                 "plan", fontsize=charts.BOARD_FONT_PT + 2)
    # one label for both rows: a label per row does not fit beside a panel this short
    fig.supylabel("futures critical by then [%]", fontsize=charts.BOARD_FONT_PT)
    fig.set_label(f"Share of simulated futures in which each resource has been critical, "
                  f"month by month from {end.strftime('%b %Y')} to "
                  f"{(end + months).strftime('%b %Y')}, without and with the remedy plan. "
                  + " ".join(sentences))
    return fig


def summary_fields(plan: Plan, comparison: PlanComparison, end_month: str | pd.Period,
                   months: int) -> dict[str, Any]:
    """The plan's keys of ``summary.json`` (documented in
    :data:`scaling_models.report.SUMMARY_KEYS`): ``plan_actions`` (list of ``{lever,
    resource, start_month (YYYY-MM), cost}``, ``cost`` over the horizon), ``plan_total_cost``
    [currency] and ``p_critical_with_plan`` (resource -> probability of being critical
    within the horizon with the plan, on the report's seed) [fraction]."""
    schedule = plan_schedule(plan, end_month, months)
    out = {
        "plan_actions": [{"lever": str(row["lever"]), "resource": str(row["resource"]),
                          "start_month": str(row["start_by"]), "cost": float(row["cost"])}
                         for _, row in schedule.iterrows()],
        "plan_total_cost": plan.total_cost(months),
        "p_critical_with_plan": {r: float(comparison.table.at[f"p_{r}", "with_plan"])
                                 for r in RESOURCES},
    }
    return notebook_io.to_jsonable(out, significant=6)


@dataclass(frozen=True, kw_only=True)
class BoardPlan:
    """Everything the board report shows of the remedy plan (:func:`board_plan`).

    Attributes
    ----------
    result : PlanResult
        The optimisation.
    schedule : pandas.DataFrame
        :func:`plan_schedule` of its plan.
    comparison : PlanComparison
        :func:`compare` on the report's inputs and seed.
    appetite : pandas.DataFrame
        :func:`risk_appetite` for :data:`RISK_APPETITES` and the report's target.
    costs : dict
        :func:`remedy_costs`: resource -> cost of the plan's actions on it. [currency]
    summary : dict
        :func:`summary_fields`.
    shares : dict
        :func:`remedy_shares`: resource -> the resources its shared actions are counted
        under.
    """

    result: PlanResult
    schedule: pd.DataFrame
    comparison: PlanComparison
    appetite: pd.DataFrame
    costs: Mapping[str, float]
    summary: Mapping[str, Any]
    shares: Mapping[str, tuple[str, ...]]


def board_plan(inputs: Inputs, levers=None, *, risk: float, budget: float | None,
               months: int, n_paths: int, seed: int, end_month: str | pd.Period
               ) -> BoardPlan:
    """Optimise the plan, compare it with no plan, and price other risk appetites.

    The plan is optimised on ``n_paths`` paths from ``seed`` and compared with no plan on
    the report's own run (same inputs, paths and seed). The risk-appetite table reuses
    the plan for ``risk`` and optimises each other target of :data:`RISK_APPETITES` on
    ``min(n_paths, APPETITE_PATHS)`` paths with the same seed.

    Parameters
    ----------
    inputs : Inputs
        The report's simulation inputs.
    levers : DataFrame, path or None
        The catalogue (``DataBundle.levers``); None reads the default.
    risk : float
        Risk target, in (0, 1). [fraction]
    budget : float or None
        Most the plan may cost over the horizon; None or 0 for none. [currency]
    months, n_paths, seed
        The report's horizon, paths and seed. [month, paths, -]
    end_month : str or Period
        The report's last month (month 0). ``YYYY-MM``
    """
    budget = None if not budget else float(budget)
    result = optimise(inputs, levers, risk=risk, months=months, rng=seed, budget=budget,
                      n_paths=n_paths)
    comparison = compare(inputs, result.plan, n_paths=n_paths, months=months, rng=seed)
    risks = sorted({*RISK_APPETITES, float(risk)})
    appetite = risk_appetite(inputs, levers, risks, months=months, rng=seed, budget=budget,
                             n_paths=min(n_paths, APPETITE_PATHS), reuse=result)
    return BoardPlan(
        result=result, schedule=plan_schedule(result.plan, end_month, months),
        comparison=comparison, appetite=appetite,
        costs=remedy_costs(result.plan, months),
        summary=summary_fields(result.plan, comparison, end_month, months),
        shares=remedy_shares(result.plan),
    )


# --- for the board: strings in their units, headers in words -----------------------------


def _money(value: float, currency: str) -> str:
    """:func:`scaling_models.report.money`, but nothing reads "0 EUR" (not "0.00 EUR")."""
    return f"0 {currency}".rstrip() if value == 0 else money(value, currency)


def present_schedule(schedule: pd.DataFrame, currency: str = "EUR") -> pd.DataFrame:
    """:func:`plan_schedule` for the board, one row per action, except that the instances
    a per-instance lever adds month after month make one row (first to last start month,
    the instances in all, the monthly cost once they all run, the cost over the horizon
    summed); month 0 reads "now (YYYY-MM)"; several units of one action read "label (x3)"."""
    def when(month: int, text: str) -> str:
        return f"now ({text})" if month == 0 else text

    rows, order = [], []
    grouped = schedule[schedule["per_instance"]].groupby("lever", sort=False)
    for _, group in grouped:
        first, last = group.iloc[0], group.iloc[-1]
        start = when(int(first["start_month"]), str(first["start_by"]))
        if len(group) > 1:
            start += f"\nto {last['start_by']}"
        total = int(group["count"].sum())
        rows.append({
            "Start by": start, "In effect from": str(first["in_effect"]),
            "Action": f"{first['label']} (x{total}"
                      + (f", in {len(group)} steps)" if len(group) > 1 else ")"),
            "Relieves": str(first["relieves"]),
            "One-off": _money(group["one_off_cost"].sum(), currency),
            "Monthly": ("up to " if len(group) > 1 else "")
                       + _money(group["monthly_cost"].sum(), currency),
            "Cost over the horizon": _money(group["cost"].sum(), currency),
        })
        order.append(int(first["start_month"]))
    for _, row in schedule[~schedule["per_instance"]].iterrows():
        rows.append({
            "Start by": when(int(row["start_month"]), str(row["start_by"])),
            "In effect from": str(row["in_effect"]),
            "Action": str(row["label"]) + (f" (x{int(row['count'])})"
                                           if int(row["count"]) > 1 else ""),
            "Relieves": str(row["relieves"]),
            "One-off": _money(row["one_off_cost"], currency),
            "Monthly": _money(row["monthly_cost"], currency),
            "Cost over the horizon": _money(row["cost"], currency),
        })
        order.append(int(row["start_month"]))
    columns = ["Start by", "In effect from", "Action", "Relieves", "One-off", "Monthly",
               "Cost over the horizon"]
    ranked = sorted(range(len(rows)), key=lambda k: order[k])  # stable: by start month
    return pd.DataFrame([rows[k] for k in ranked], columns=columns)


def present_comparison(table: pd.DataFrame, currency: str = "EUR") -> pd.DataFrame:
    """:attr:`PlanComparison.table` for the board: one row per measure."""
    names = {"p_any": "Some resource critical within the horizon",
             **{f"p_{r}": f"{RESOURCE_LABELS.get(r, r)} critical within the horizon"
                for r in RESOURCES},
             "infra_spend": "Infrastructure bill over the horizon (median future, plan "
                            "included)",
             "plan_cost": "The plan's own spend (its infrastructure counted once in the bill "
                          "above)"}
    rows = []
    for measure, row in table.iterrows():
        show = probability if str(measure).startswith("p_") else (
            lambda v: _money(v, currency))
        rows.append({"Measure": names.get(str(measure), str(measure)),
                     "Without the plan": show(row["without_plan"]),
                     "With the plan": show(row["with_plan"])})
    return pd.DataFrame(rows, columns=["Measure", "Without the plan", "With the plan"])


def present_appetite(appetite: pd.DataFrame, currency: str = "EUR", *,
                     chosen: float | None = None) -> pd.DataFrame:
    """:func:`risk_appetite` for the board; the row of ``chosen`` (the report's target)
    is marked "(this plan)". The risk shown is the one on independent paths."""
    rows = []
    for risk, row in appetite.iterrows():
        mark = " (this plan)" if chosen is not None and abs(risk - chosen) < 1e-12 else ""
        rows.append({
            "Risk target": percent(risk, 0 if risk * 100 == round(risk * 100) else 1) + mark,
            "Plan cost over the horizon": _money(row["total_cost"], currency),
            "Risk of the plan": percent(row["validated_risk"], 1),
            "Meets the target": "yes" if row["feasible"] else "no",
            "Actions": str(int(row["actions"])),
            "Paths": f"{int(row['n_paths']):,}",
        })
    columns = ["Risk target", "Plan cost over the horizon", "Risk of the plan",
               "Meets the target", "Actions", "Paths"]
    return pd.DataFrame(rows, columns=columns)
