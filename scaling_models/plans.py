"""Remedy plans: the architecture levers a CTO can pull, priced, and the cheapest plan that
keeps the risk of a critical resource under a target.

A **lever** (docs/domain.md section 9; catalogue ``data/levers.yaml``, read by
:func:`load_levers`, its figures in ``docs/levers.md``) relieves resources by an uncertain
capacity effect, after a lead time, for a one-off and a monthly cost. A **plan** is a list
of :class:`Action` (lever, start month, count); an action takes effect at its start month
plus the lever's lead time (rounded up to whole months). :meth:`Plan.draw` gives, per path
and month, the multiplicative capacity factor of each resource (1 = today's capacity) and
the plan's infrastructure spend [currency/month], the contract of the Monte Carlo engine's
``plan=`` hook: utilisation is divided by the factor, so resource :math:`r` is critical in
month :math:`t` of a path when :math:`u_{r,t} / F_{r,t} > c_r`.

How capacity factors compound, per resource and month, over the actions in effect:

.. math:: F = \\Big(1 + \\sum_{a \\in \\text{per-instance}} \\frac{k_a \\eta_a}{N}\\Big)
          \\prod_{a \\in \\text{factor}} f_a^{k_a}
          \\prod_{a \\in \\text{offload}} (1 - s_a)^{-k_a}

(:math:`k_a` the action's count: instances of efficiency :math:`\\eta_a` added to a fleet
of :math:`N`, so one more instance of full efficiency gives :math:`(N + 1)/N`; vertical
steps and shards multiply, as many times as the count; offloads each move a share
:math:`s_a` of what is left). Each uncertain effect is drawn once per action and path
from its 90 % interval (lognormal, as :func:`scaling_models.distributions.between`; an
offload through the share of load left, :math:`1 - s`, so that capacity stays > 0); a
lever relieving several resources uses the same uniform for all of them.

Costs: the one-off in the start month, the monthly cost from the effective month to the
end of the horizon; the k-th unit of a lever costs ``cost_step**(k - 1)`` times the first.
:meth:`Plan.total_cost`, the plan's own spend, is what :func:`optimise` minimises. The
engine's cost curve :math:`C_0 L^b` already pays for the capacity the load needs, so it
bills a plan's running capacity (:meth:`Plan.running_cost`) once,
:math:`\\max(C_0 L^b, C_0 + R)`, and adds the one-offs: the curve plus the whole spend
would count the fleet twice (docs/levers.md, "Costs", works the numbers). Team levers
(hiring) relieve no resource: their cost is counted in the plan's total and tables, not
passed to the engine's infrastructure cost.

:func:`optimise` finds the plan of lowest expected total cost whose probability that any
resource is critical in any month of the horizon is at most ``risk``, on common random
numbers (the same paths and the same lever draws for every candidate). A plan fitted to
its paths looks safer on them than it is, so the search aims about two Monte Carlo
standard errors below ``risk``, and the plan is checked on independent paths, the search
repeated with a level lowered by the excess while it is not one standard error below
``risk`` there [4]_ [5]_. Method (details and measured gaps in ``docs/levers.md``):
exhaustive enumeration of every schedule on the monthly grid when the catalogue is small
(exact on the simulated paths, gap 0); otherwise a just-in-time heuristic, whose gap is
not bounded: each resource gets a share of the level the search aims at and, month by
month, when its probability of having been critical would exceed its share, the next
lever of its priority order is started lead time earlier; each resource's order is chosen
alone on a subsample of paths, the shares on a grid from the union bound to the whole
level, and a local search then removes, shrinks, delays and trades actions while the
joint risk stays met.

Units: months, currency of the catalogue (EUR for the shipped one), capacity factors [-].

References
----------
.. [1] N. J. Gunther, *Guerrilla Capacity Planning*, Springer, 2007 (the Universal
   Scalability Law: an added instance is worth less than one).
.. [2] A. Shapiro, D. Dentcheva and A. Ruszczynski, *Lectures on Stochastic Programming*,
   SIAM, 2009, ch. 5 (sample average approximation of chance constraints).
.. [3] P. Glasserman, *Monte Carlo Methods in Financial Engineering*, Springer, 2003,
   sec. 4.2 (common random numbers).
.. [4] J. Luedtke and S. Ahmed, "A sample approximation approach for optimization with
   probabilistic constraints," SIAM J. Optim., vol. 19, no. 2, pp. 674-699, 2008.
   doi:10.1137/070702928
.. [5] B. K. Pagnoncelli, S. Ahmed and A. Shapiro, "Sample average approximation method
   for chance constrained programming: theory and applications," J. Optim. Theory Appl.,
   vol. 142, pp. 399-416, 2009. doi:10.1007/s10957-009-9523-6
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from scaling_models import loaders
from scaling_models._checks import require_integer
from scaling_models.distributions import Constant, Distribution, between
from scaling_models.montecarlo import LEVELS, PERCENTILES, RESOURCES, Inputs, simulate

__all__ = [
    "Action",
    "Plan",
    "PlanResult",
    "load_levers",
    "evaluate",
    "optimise",
]

# Plans with at most this many schedules are enumerated exhaustively by optimise().
_EXACT_LIMIT = 4_000
# Priority orders tried per resource before falling back to ranked orders.
_ORDER_LIMIT = 400
# Paths of the subsample on which each resource's priority order is chosen.
_ORDER_PATHS = 2_000
# Searches at most, each validated on independent paths (optimise).
_VALIDATIONS = 3


def load_levers(path: str | Path | Sequence[str | Path] | None = None) -> pd.DataFrame:
    """The lever catalogue: ``data/levers.yaml`` by default, or the user's own file(s).

    See :func:`scaling_models.loaders.load_levers` for the table returned and the
    errors raised (each naming the file, the lever and the field); the resources a lever
    may relieve are the engine's, :data:`scaling_models.montecarlo.RESOURCES`.
    """
    return loaders.load_levers(path, resources=RESOURCES)


@dataclass(frozen=True)
class Action:
    """Start ``count`` units of ``lever`` in ``start_month`` (month 0 = today).

    The units are one action: they share one draw of the lever's uncertain effect.
    """

    lever: str
    start_month: int
    count: int = 1


@dataclass(frozen=True)
class _Lever:
    key: str
    label: str
    category: str
    effects: dict[str, tuple[str, Distribution]]
    lead: int
    one_off: float
    monthly: float
    max_count: int
    step: float
    prerequisites: tuple[str, ...]

    def unit_costs(self, first: int, count: int) -> tuple[float, float]:
        """One-off and monthly cost of units ``first .. first + count - 1`` (0-based)."""
        scale = sum(self.step ** k for k in range(first, first + count))
        return self.one_off * scale, self.monthly * scale

    def log_effect(self, resource: str, u: np.ndarray) -> np.ndarray:
        """Per path: efficiency of one instance (per_instance) or log capacity factor."""
        kind, dist = self.effects[resource]
        if kind == "offload":
            # the law is that of the share left, 1 - s; u -> 1 - u keeps "high u = more
            # relief" for every resource of the lever
            return -np.log(dist.ppf(1.0 - u))
        if kind == "factor":
            return np.log(dist.ppf(u))
        return np.asarray(dist.ppf(u), dtype=float)


def _distribution(kind: str, low: float, high: float) -> Distribution:
    if kind == "offload":
        low, high = 1.0 - high, 1.0 - low
    return Constant(value=low) if low == high else between(low, high)


def _catalogue(levers) -> dict[str, _Lever]:
    if isinstance(levers, dict) and all(isinstance(v, _Lever) for v in levers.values()):
        return levers
    files = levers is None or isinstance(levers, (str, Path)) or (
        isinstance(levers, Sequence) and all(isinstance(p, (str, Path)) for p in levers))
    table = load_levers(levers) if files else levers
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"levers must be the table of load_levers(), a path or a list of "
                        f"paths; got {type(levers).__name__}")
    missing = [c for c in loaders.LEVER_COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(f"levers is missing column(s) {missing}; use load_levers()")
    out = {}
    for key, row in table.iterrows():
        out[str(key)] = _Lever(
            key=str(key), label=str(row["label"]), category=str(row["category"]),
            effects={r: (kind, _distribution(kind, low, high))
                     for r, (kind, low, high) in row["effects"].items()},
            lead=math.ceil(float(row["lead_time_months"])),
            one_off=float(row["one_off_cost"]), monthly=float(row["monthly_cost"]),
            max_count=int(row["max_count"]), step=float(row["cost_step"]),
            prerequisites=tuple(row["prerequisites"]),
        )
    return out


def _sorted_actions(actions: Sequence[Action]) -> list[Action]:
    return sorted(actions, key=lambda a: a.start_month)  # stable: ties keep the given order


def _checked(levers: Mapping[str, _Lever], actions: Sequence[Action]) -> tuple[Action, ...]:
    """The actions sorted by start month, or ValueError naming the first broken rule."""
    for a in actions:
        if not isinstance(a, Action):
            raise TypeError(f"actions must be Action objects; got {a!r}")
        if a.lever not in levers:
            raise ValueError(f"action {a!r}: unknown lever {a.lever!r}; levers are "
                             f"{', '.join(levers)}")
        require_integer(f"action {a.lever!r} start_month", a.start_month, minimum=0)
        require_integer(f"action {a.lever!r} count", a.count, minimum=1)
    ordered = tuple(_sorted_actions(actions))
    used: dict[str, int] = {}
    ready: dict[str, int] = {}
    for a in ordered:
        used[a.lever] = used.get(a.lever, 0) + a.count
        if used[a.lever] > levers[a.lever].max_count:
            raise ValueError(f"lever {a.lever!r} is used {used[a.lever]} times; its "
                             f"max_count is {levers[a.lever].max_count}")
        eff = a.start_month + levers[a.lever].lead
        ready[a.lever] = min(ready.get(a.lever, eff), eff)
    for a in ordered:
        for p in levers[a.lever].prerequisites:
            if ready.get(p, a.start_month + 1) > a.start_month:
                raise ValueError(
                    f"action {a.lever!r} at month {a.start_month} needs its prerequisite "
                    f"{p!r} in effect by then; "
                    + (f"{p!r} takes effect in month {ready[p]}" if p in ready
                       else f"the plan has no {p!r}"))
    return ordered


class Plan:
    """A list of actions on a lever catalogue, priced and drawn path by path.

    Parameters
    ----------
    actions : sequence of Action
        The actions, in any order; one lever's units are numbered by start month.
    levers : DataFrame, path, sequence of paths or None
        The catalogue (:func:`load_levers`, or the file(s) it reads); None reads the
        default.
    fleet_size : int, optional
        Application instances today, N of the per-instance effect; default
        ``Inputs().instances``. [instances]

    Raises
    ------
    ValueError
        An unknown lever, a negative start month, a count < 1, more units of a lever
        than its ``max_count``, an action started before its prerequisites are in effect.
    """

    def __init__(self, actions: Sequence[Action] = (), levers=None, *,
                 fleet_size: int | None = None) -> None:
        self.levers = _catalogue(levers)
        self.fleet_size = require_integer(
            "fleet_size", Inputs().instances if fleet_size is None else fleet_size, minimum=1)
        self.actions: tuple[Action, ...] = _checked(self.levers, actions)

    def __repr__(self) -> str:
        inner = ", ".join(f"{a.lever}@{a.start_month}" + (f"x{a.count}" if a.count > 1 else "")
                          for a in self.actions)
        return f"Plan([{inner}])"

    def effective_month(self, action: Action) -> int:
        """Start month plus the lever's lead time rounded up. [month]"""
        return action.start_month + self.levers[action.lever].lead

    def _numbered(self) -> list[tuple[Action, int, int]]:
        """(action, index among its lever's actions, index of its first unit)."""
        n_actions: dict[str, int] = {}
        n_units: dict[str, int] = {}
        out = []
        for a in self.actions:
            out.append((a, n_actions.get(a.lever, 0), n_units.get(a.lever, 0)))
            n_actions[a.lever] = n_actions.get(a.lever, 0) + 1
            n_units[a.lever] = n_units.get(a.lever, 0) + a.count
        return out

    def actions_table(self) -> pd.DataFrame:
        """One row per action: ``lever``, ``label``, ``resource`` (the resources relieved,
        comma-separated; "team" for a hire), ``start_month``, ``effective_month``,
        ``count``, ``one_off_cost`` [currency] and ``monthly_cost`` [currency/month]."""
        rows = []
        for a, _, first in self._numbered():
            lever = self.levers[a.lever]
            one_off, monthly = lever.unit_costs(first, a.count)
            rows.append({
                "lever": a.lever, "label": lever.label,
                "resource": ", ".join(lever.effects) or lever.category,
                "start_month": a.start_month, "effective_month": self.effective_month(a),
                "count": a.count, "one_off_cost": one_off, "monthly_cost": monthly,
            })
        columns = ["lever", "label", "resource", "start_month", "effective_month", "count",
                   "one_off_cost", "monthly_cost"]
        return pd.DataFrame(rows, columns=columns)

    def _action_spend(self, months: int, one_off: bool = True) -> np.ndarray:
        """(actions, months + 1) spend of each action, in :attr:`actions` order: its
        one-off in the start month (unless ``one_off`` is False), its monthly cost from
        the effective month."""
        months = require_integer("months", months, minimum=0)
        spend = np.zeros((len(self.actions), months + 1))
        for k, (a, _, first) in enumerate(self._numbered()):
            once, monthly = self.levers[a.lever].unit_costs(first, a.count)
            if one_off and a.start_month <= months:
                spend[k, a.start_month] += once
            spend[k, min(self.effective_month(a), months + 1):] += monthly
        return spend

    def _spend(self, months: int, category: str | None, one_off: bool) -> np.ndarray:
        spend = self._action_spend(months, one_off)
        keep = [category is None or self.levers[a.lever].category == category
                for a in self.actions]
        return spend[np.asarray(keep, dtype=bool)].sum(axis=0)

    def monthly_spend(self, months: int, category: str | None = None) -> np.ndarray:
        """Spend in months 0..``months``: one-offs in start months, monthly costs from the
        effective month; only levers of ``category`` when given. [currency/month]"""
        return self._spend(months, category, one_off=True)

    def running_cost(self, months: int) -> np.ndarray:
        """The infrastructure the plan runs in months 0..``months``: the monthly costs of
        its infrastructure levers in effect, without one-offs. [currency/month]

        The engine's optional ``plan.running_cost`` hook: this is capacity, which the
        engine's cost curve already pays for as load grows, so the engine bills
        :math:`\\max(C_0 L^b, C_0 + \\text{running})` plus the one-offs rather than the
        curve plus the whole spend (docs/levers.md, "Costs").
        """
        return self._spend(months, "infrastructure", one_off=False)

    def action_costs(self, months: int) -> np.ndarray:
        """What each action costs in months 0..``months`` (its one-off and its monthly
        cost while in effect), in :attr:`actions` order; they add up to
        :meth:`total_cost`. [currency]"""
        return self._action_spend(months).sum(axis=1)

    def total_cost(self, months: int) -> float:
        """Everything the plan costs in months 0..``months``, team levers included.
        Costs are known figures, so this is also the expected total. [currency]"""
        return float(self.monthly_spend(months).sum())

    def draw(self, n: int, months: int, rng: np.random.Generator | int | None
             ) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """The engine's contract: capacity factors and infrastructure spend per path.

        Parameters
        ----------
        n : int
            Paths.
        months : int
            Horizon; arrays have ``months + 1`` rows (month 0 = today). [month]
        rng : Generator, int or None
            One seed is drawn from it per lever of the catalogue (always all of them, so
            that the same lever's j-th action gets the same numbers in every plan on the
            same stream: common random numbers).

        Returns
        -------
        capacity : dict resource -> ndarray (months + 1, n)
            Multiplicative capacity factors (1 = today's capacity, > 0) of the resources
            the plan's actions relieve; the others are left out (today's capacity). [-]
        cost : ndarray (months + 1, n)
            Infrastructure spend of the plan in each month. [currency/month]
        """
        n = require_integer("n", n, minimum=1)
        months = require_integer("months", months, minimum=0)
        uniform = _lever_uniforms(self.levers, n, np.random.default_rng(rng))

        def effect(lever: str, j: int, r: str) -> np.ndarray:
            return self.levers[lever].log_effect(r, uniform(lever, j))

        logf = _log_capacity(self, months, n, effect)
        relieved = {r for a in self.actions for r in self.levers[a.lever].effects}
        capacity = {r: np.exp(logf[i]) for i, r in enumerate(RESOURCES) if r in relieved}
        cost = np.repeat(self.monthly_spend(months, "infrastructure")[:, None], n, axis=1)
        return capacity, cost


def _lever_uniforms(levers: Mapping[str, _Lever], n: int, rng: np.random.Generator):
    """Lazily drawn uniforms: lever -> j -> (n,), each lever on its own stream."""
    seeds = rng.integers(0, 2**63, size=len(levers))
    streams = {key: np.random.Generator(np.random.SFC64(int(s)))
               for key, s in zip(levers, seeds, strict=True)}
    drawn: dict[str, list[np.ndarray]] = {}

    def get(lever: str, j: int) -> np.ndarray:
        rows = drawn.setdefault(lever, [])
        while len(rows) <= j:
            u = streams[lever].random(n)
            # random() can return 0 exactly; the laws' quantile at 0 is -inf
            rows.append(np.clip(u, 1e-12, 1.0 - 1e-12, out=u))
        return rows[j]

    return get


def _log_capacity(plan: Plan, months: int, n: int, effect,
                  resources: Sequence[str] = RESOURCES) -> np.ndarray:
    """(len(resources), months + 1, n) log capacity factors; ``effect(lever, j, resource)``
    gives the j-th action of a lever its per-path effect (:meth:`_Lever.log_effect`)."""
    out = np.zeros((len(resources), months + 1, n))
    numbered = plan._numbered()
    for i, r in enumerate(resources):
        additive = None
        logf = out[i]
        for a, j, _ in numbered:
            lever = plan.levers[a.lever]
            eff = plan.effective_month(a)
            if eff > months or r not in lever.effects:
                continue
            # count units of one action: count instances added, or count factors
            # (offloads) compounded, all of one draw
            if lever.effects[r][0] == "per_instance":
                if additive is None:
                    additive = np.zeros((months + 1, n))
                additive[eff] += a.count / plan.fleet_size * effect(a.lever, j, r)
            else:
                logf[eff] += a.count * effect(a.lever, j, r)
        # effects were entered in their first month: running sums carry them on (a row
        # loop: cumsum along axis 0 of a C-ordered array is several times slower)
        for t in range(1, months + 1):
            logf[t] += logf[t - 1]
            if additive is not None:
                additive[t] += additive[t - 1]
        if additive is not None:
            logf += np.log1p(additive)
    return out


# ------------------------------------------------------------------------ evaluation


@dataclass
class _Paths:
    """Per resource, month and path, log(u / line) for the critical and attention lines:
    the resource is beyond the line when this exceeds its log capacity factor."""

    critical: np.ndarray  # (R, months + 1, n)
    attention: np.ndarray
    lines: np.ndarray  # (R, 2) attention, critical

    @property
    def n(self) -> int:
        return self.critical.shape[2]

    @property
    def months(self) -> int:
        return self.critical.shape[1] - 1


def _base_paths(inputs: Inputs, n_paths: int, months: int, seed: int,
                scheduler: Any = None) -> _Paths:
    result = simulate(inputs, n_paths=n_paths, months=months, rng=seed, keep_paths=True,
                      outputs=[f"{r}_avg" for r in RESOURCES], report_months=[0],
                      scheduler=scheduler)
    attention, critical = inputs.thresholds()
    logu = np.stack([np.log(result.paths[f"{r}_avg"]).T for r in RESOURCES])
    return _Paths(critical=logu - np.log(critical)[:, None, None],
                  attention=logu - np.log(attention)[:, None, None],
                  lines=np.stack([attention, critical], axis=1))


def _first_breach(excess: np.ndarray, logf: np.ndarray | float) -> np.ndarray:
    """First month beyond the line per resource and path, months + 1 if never (R, n)."""
    over = excess > logf
    months = excess.shape[1] - 1
    return np.where(over.any(axis=1), over.argmax(axis=1), months + 1)


def _summary(paths: _Paths, logf: np.ndarray | float) -> tuple[pd.DataFrame, np.ndarray]:
    """breach_summary in the engine's layout, and the critical breach flags (R, n)."""
    rows = []
    months = paths.months
    flags = None
    for j, level in enumerate(LEVELS):
        first = _first_breach(paths.attention if level == "attention" else paths.critical,
                              logf)
        if level == "critical":
            flags = first <= months
        for i, r in enumerate(RESOURCES):
            entry = {"resource": r, "level": level, "threshold": float(paths.lines[i, j]),
                     "probability": float(np.mean(first[i] <= months))}
            cdf = np.cumsum(np.bincount(first[i], minlength=months + 2)[: months + 1])
            cdf = cdf / paths.n
            for p in PERCENTILES:
                hit = np.nonzero(cdf >= p / 100.0 - 1e-12)[0]
                entry[f"P{p}"] = float(hit[0]) if hit.size else np.nan
            rows.append(entry)
    table = pd.DataFrame(rows).set_index(["resource", "level"])
    return table.loc[list(RESOURCES)], flags  # resource by resource, as the engine


def _log_factors(capacity: Mapping[str, np.ndarray], months: int, n: int) -> np.ndarray:
    """(R, months + 1, n) log capacity factors of a draw; a resource left out is at 1."""
    out = np.zeros((len(RESOURCES), months + 1, n))
    for i, r in enumerate(RESOURCES):
        if r in capacity:
            out[i] = np.log(capacity[r])
    return out


def evaluate(inputs: Inputs, plan: Plan | None, *, n_paths: int = 20_000, months: int = 12,
             rng: np.random.Generator | int | None = None,
             scheduler: Any = None) -> dict[str, Any]:
    """Simulate ``inputs`` with ``plan`` applied and measure its risk.

    The engine runs the plan (``montecarlo.simulate(inputs, plan=plan)``, its draws last).
    Breaches are on average utilisation beyond the critical line, as in the engine.
    ``scheduler`` runs the simulation's chunks on Dask (:func:`montecarlo.simulate`); the
    figures are the same.

    Returns
    -------
    dict
        ``p_critical`` (Series: resource -> probability of being critical in some month
        0..months, and ``any``), ``risk`` (the ``any`` figure), ``standard_error`` of it
        (binomial), ``breach_summary`` (the engine's layout, resources only),
        ``total_cost`` [currency], ``engine_hook`` (True: the engine ran the plan; kept
        for callers of the version that could not).
    """
    seed = int(np.random.default_rng(rng).integers(2**63))
    result = simulate(inputs, n_paths=n_paths, months=months, rng=seed, plan=plan,
                      keep_paths=True, outputs=["infra_cost"], report_months=[0],
                      scheduler=scheduler)
    flags = result.breach_months[[f"{r}/critical" for r in RESOURCES]].notna().to_numpy().T
    summary = result.breach_summary.loc[list(RESOURCES)]
    p = flags.mean(axis=1)
    risk = float(flags.any(axis=0).mean())
    return {
        "p_critical": pd.Series([*p, risk], index=[*RESOURCES, "any"], name="p_critical"),
        "risk": risk,
        "standard_error": math.sqrt(risk * (1.0 - risk) / n_paths),
        "breach_summary": summary,
        "total_cost": 0.0 if plan is None else plan.total_cost(months),
        "engine_hook": True,
    }


# ------------------------------------------------------------------------- optimiser


@dataclass(frozen=True, kw_only=True)
class PlanResult:
    """What :func:`optimise` returns.

    Attributes
    ----------
    plan : Plan
        The plan found (the lowest-risk one within the budget when none meets the risk).
    actions : DataFrame
        :meth:`Plan.actions_table` of it.
    total_cost : float
        Its expected total cost over months 0..months. [currency]
    breach_summary : DataFrame
        Breach summary of the resources with the plan applied, in the engine's layout,
        on the optimiser's paths (the engine's paths divided by the plan's capacity
        factors, as the engine's ``plan=`` hook does).
    p_critical : DataFrame
        Per resource and ``any``: ``without_plan``, ``with_plan`` probability of being
        critical in some month of the horizon.
    risk : float
        The target.
    achieved_risk, standard_error : float
        The plan's probability that any resource is critical, and its Monte Carlo
        standard error, on the optimiser's paths.
    validated_risk : float
        The same on independent paths and lever draws (as many paths): the search is
        repeated with a stricter level on its paths (at most three searches) while this
        is not one standard error below ``risk``, since a plan fitted to its paths looks
        safer on them than it is; of the plans that met their level, the one with the
        lowest ``validated_risk`` is returned.
    feasible : bool
        True when ``achieved_risk`` and ``validated_risk`` are <= ``risk``, within the
        budget.
    message : str
        The outcome in one sentence (and, when infeasible, how close the best plan gets).
    method : str
        ``"exact"`` (every schedule enumerated) or ``"heuristic"``.
    optimality_gap : float
        0 for the exact method (on these paths); NaN for the heuristic (not bounded; see
        docs/levers.md for the gaps measured against the exact method).
    evaluations : int
        Plans whose risk was evaluated.
    n_paths, months : int
        How it was run.
    seed : int
        Seed of the search paths (``montecarlo.simulate(rng=seed)``), drawn from ``rng``.
    """

    plan: Plan
    actions: pd.DataFrame
    total_cost: float
    breach_summary: pd.DataFrame
    p_critical: pd.DataFrame
    risk: float
    achieved_risk: float
    validated_risk: float
    standard_error: float
    feasible: bool
    message: str
    method: str
    optimality_gap: float
    evaluations: int
    n_paths: int
    months: int
    seed: int


def _allowed(risk: float, n: int) -> int:
    """Breaching paths a plan may have on ``n`` paths to meet ``risk``.

    One standard error to spare, :math:`n (p - \\sqrt{p (1 - p) / n})`: the plan chosen is
    the one that just fits on these paths, so its risk on fresh paths is biased upward; a
    sample approximation of a chance constraint at a stricter level gives a plan that
    meets the true one with high probability (Luedtke and Ahmed 2008, Pagnoncelli, Ahmed
    and Shapiro 2009).
    """
    return max(math.floor(n * (risk - math.sqrt(risk * (1.0 - risk) / n)) + 1e-9), 0)


def _validated_search(paths: _Paths, check: _Paths, catalogue: dict[str, _Lever], *,
                      risk: float, fleet: int, plan_seed: int, check_seed: int,
                      budget: float | None
                      ) -> tuple[Plan, np.ndarray, str, bool, int, float]:
    """The search on ``paths``, each plan checked on the independent ``check`` paths.

    The first search allows :func:`_allowed` of ``aim = risk - se`` breaching paths
    (``se`` the standard error of ``risk``): about two standard errors below ``risk``.
    While a plan's risk on ``check`` (its lever draws from ``check_seed``) is above
    ``aim``, the level on the search paths is lowered by that excess, from the risk the
    plan has there, and the search runs again on the same numbers (``plan_seed``: common
    random numbers between attempts), at most :data:`_VALIDATIONS` times. Of the plans
    that met their level, the one with the lowest risk on ``check`` is kept (a stricter
    search the catalogue cannot meet does not discard a plan that holds); when none met
    it, the first search's best effort.

    Returns the plan, its log capacity factors on ``paths``, the method, whether it met
    its level on ``paths`` within the budget, the plans evaluated and its risk on
    ``check``.
    """
    n, months = paths.n, paths.months
    aim = risk - math.sqrt(risk * (1.0 - risk) / n)
    allowed, memo, evaluations, attempts = _allowed(aim, n), {}, 0, []
    for _ in range(_VALIDATIONS):
        plan, logf, method, feasible, count = _solve(
            paths, catalogue, allowed=allowed, fleet=fleet,
            rng=np.random.default_rng(plan_seed), budget=budget, memo=memo)
        evaluations += count
        capacity, _ = plan.draw(check.n, months, np.random.default_rng(check_seed))
        validated = float(_summary(check, _log_factors(capacity, months, check.n)
                                   )[1].any(axis=0).mean())
        attempts.append((plan, logf, method, feasible, validated))
        if validated <= aim or not feasible:
            break
        # the excess on the check paths, taken off what the plan breaches on these
        in_sample = int(np.count_nonzero((paths.critical > logf).any(axis=(0, 1))))
        allowed = math.floor(in_sample - (validated - aim) * n + 1e-9)
        if allowed < 0:
            break
    met = [a for a in attempts if a[3]]
    plan, logf, method, feasible, validated = (
        min(met, key=lambda a: a[4]) if met else attempts[0])
    return plan, logf, method, feasible, evaluations, validated


class _Search:
    """Common random numbers and the risk of any list of actions on them; a plan meets
    the search's level when at most ``allowed`` of its paths breach."""

    def __init__(self, paths: _Paths, levers: dict[str, _Lever], fleet: int,
                 rng: np.random.Generator, budget: float | None, allowed: int) -> None:
        self.paths = paths
        self.levers = levers
        self.fleet = fleet
        self.uniform = _lever_uniforms(levers, paths.n, rng)
        self.budget = budget
        self.allowed = allowed
        self.evaluations = 0
        self._effects: dict[tuple[str, int, str], np.ndarray] = {}
        self._flags: dict[tuple, np.ndarray] = {}

    def head(self, m: int) -> _Search:
        """The same search on the first ``m`` paths (same numbers: a subsample)."""
        if m >= self.paths.n:
            return self
        sub = _Search.__new__(_Search)
        sub.__dict__ = dict(self.__dict__)
        p = self.paths
        sub.paths = _Paths(critical=p.critical[:, :, :m], attention=p.attention[:, :, :m],
                           lines=p.lines)
        sub.uniform = lambda lever, j: self.uniform(lever, j)[:m]
        sub._effects = {}
        sub._flags = {}
        sub.allowed = math.floor(self.allowed * m / self.paths.n)
        return sub

    def plan(self, actions: Sequence[Action]) -> Plan:
        plan = Plan.__new__(Plan)  # the search builds valid actions: skip re-checking
        plan.levers, plan.fleet_size = self.levers, self.fleet
        plan.actions = tuple(_sorted_actions(actions))
        return plan

    def effect(self, lever: str, j: int, r: str) -> np.ndarray:
        key = (lever, j, r)
        if key not in self._effects:
            self._effects[key] = self.levers[lever].log_effect(r, self.uniform(lever, j))
        return self._effects[key]

    def breaches(self, actions: Sequence[Action]) -> int:
        """Paths on which some resource is critical in some month."""
        self.evaluations += 1
        ordered = tuple(_sorted_actions(actions))
        if len(self._flags) > 4_096:
            self._flags.clear()
        rows = []
        for i, r in enumerate(RESOURCES):
            # a resource's breaches depend only on the actions relieving it
            mine = tuple(a for a in ordered if r in self.levers[a.lever].effects)
            if (r, mine) not in self._flags:
                logf = _log_capacity(self.plan(mine), self.paths.months, self.paths.n,
                                     self.effect, (r,))[0]
                self._flags[r, mine] = (self.paths.critical[i] > logf).any(axis=0)
            rows.append(self._flags[r, mine])
        return int(np.count_nonzero(np.any(rows, axis=0)))

    def cost(self, actions: Sequence[Action]) -> float:
        return self.plan(actions).total_cost(self.paths.months)

    def valid(self, actions: Sequence[Action]) -> bool:
        try:
            _checked(self.levers, actions)
        except ValueError:
            return False
        return True


# --- exact: every schedule on the monthly grid --------------------------------------------


def _lever_options(lever: _Lever, months: int) -> list[tuple[tuple[int, int], ...]]:
    """Every way to use a lever: tuples of (start, count), units in effect by ``months``."""
    starts = range(0, months - lever.lead + 1)
    options = []
    for size in range(0, lever.max_count + 1):
        for combo in itertools.combinations_with_replacement(starts, size):
            counts: dict[int, int] = {}
            for s in combo:
                counts[s] = counts.get(s, 0) + 1
            options.append(tuple(sorted(counts.items())))
    return options


def _exact_size(levers: dict[str, _Lever], months: int) -> int:
    size = 1
    for lv in levers.values():
        s = max(months - lv.lead + 1, 0)
        size *= math.comb(s + lv.max_count, lv.max_count)
        if size > _EXACT_LIMIT:
            return size
    return size


def _exact(search: _Search, levers: dict[str, _Lever]) -> tuple[list[Action], bool]:
    months = search.paths.months
    keys = list(levers)
    candidates = []
    for choice in itertools.product(*(_lever_options(levers[k], months) for k in keys)):
        actions = [Action(k, s, c) for k, opt in zip(keys, choice, strict=True)
                   for s, c in opt]
        if not search.valid(actions):
            continue
        cost = search.cost(actions)
        if search.budget is not None and cost > search.budget + 1e-9:
            continue
        candidates.append((cost, len(actions), actions))
    candidates.sort(key=lambda c: (c[0], c[1]))
    best, best_hits = [], None
    for _, _, actions in candidates:
        hits = search.breaches(actions)
        if hits <= search.allowed:
            return actions, True
        if best_hits is None or hits < best_hits:
            best, best_hits = actions, hits
    return best, False


# --- heuristic: just in time, priority orders, local search --------------------------------


def _orders(levers: dict[str, _Lever], resource: str, fleet: int) -> list[tuple[str, ...]]:
    """Priority orders of the levers relieving ``resource``: every ordered subset when
    few, else orders ranked by cost per unit of median log capacity and by lead time."""
    keys = [k for k, lv in levers.items() if resource in lv.effects]
    count = sum(math.perm(len(keys), m) for m in range(1, len(keys) + 1))
    if count <= _ORDER_LIMIT:
        return [p for m in range(1, len(keys) + 1) for p in itertools.permutations(keys, m)]

    def value(k: str) -> float:
        lv = levers[k]
        med = float(lv.log_effect(resource, np.array([0.5]))[0])
        if lv.effects[resource][0] == "per_instance":
            med = math.log1p(med / fleet)
        return (lv.one_off + 12 * lv.monthly) / max(med, 1e-9)

    by_value = tuple(sorted(keys, key=value))
    by_lead = tuple(sorted(keys, key=lambda k: (levers[k].lead, value(k))))
    return list(dict.fromkeys([by_value, by_lead, tuple(reversed(by_lead))]))


class _Sweep:
    """State of one just-in-time sweep: the actions placed and the capacity they give."""

    def __init__(self, search: _Search) -> None:
        self.search = search
        n, R = search.paths.n, len(RESOURCES)
        self.additive = np.zeros((R, n))
        self.logmult = np.zeros((R, n))
        self.logf = np.zeros((R, n))  # log1p(additive) + logmult, kept up to date
        self.actions: list[Action] = []
        self.used = dict.fromkeys(search.levers, 0)
        self.n_actions = dict.fromkeys(search.levers, 0)
        self.effective: dict[str, int] = {}

    def place(self, key: str, start: int, count: int) -> None:
        lv = self.search.levers[key]
        j = self.n_actions[key]
        self.actions.append(Action(key, start, count))
        self.n_actions[key] += 1
        self.used[key] += count
        self.effective.setdefault(key, start + lv.lead)
        for r, (kind, _) in lv.effects.items():
            i = RESOURCES.index(r)
            value = self.search.effect(key, j, r)
            if kind == "per_instance":
                self.additive[i] += count * value / self.search.fleet
            else:
                self.logmult[i] += count * value
            np.log1p(self.additive[i], out=self.logf[i])
            self.logf[i] += self.logmult[i]

    def prerequisites_by(self, key: str, start: int, chain: list[tuple[str, int]]) -> bool:
        """Schedule (in ``chain``) what ``key`` needs in effect by ``start``, each as late
        as allowed; False when it cannot be."""
        levers = self.search.levers
        for p in levers[key].prerequisites:
            planned = [s + levers[p].lead for q, s in chain if q == p]
            if p in self.effective or planned:
                if self.effective.get(p, min(planned or [start + 1])) > start:
                    return False
                continue
            s = start - levers[p].lead
            if (s < 0 or self.used[p] >= levers[p].max_count
                    or not self.prerequisites_by(p, s, chain)):
                return False
            chain.append((p, s))
        return True

    def choose(self, order: Sequence[str], t: int) -> tuple[str, int, list] | None:
        """The first lever of ``order`` that can be in effect in month ``t``."""
        for key in order:
            lv = self.search.levers[key]
            start = t - lv.lead
            if start < 0 or self.used[key] >= lv.max_count:
                continue
            chain: list[tuple[str, int]] = []
            if self.prerequisites_by(key, start, chain):
                return key, start, chain
        return None


def _jit(search: _Search, orders: Mapping[str, Sequence[str]], shares: np.ndarray
         ) -> tuple[list[Action], int]:
    """One just-in-time sweep over the resources in ``orders``; returns the actions and
    the breaching paths beyond the resources' shares (0: every share met)."""
    paths, levers = search.paths, search.levers
    sweep = _Sweep(search)
    breached = np.zeros((len(RESOURCES), paths.n), dtype=bool)
    allowed = np.floor(shares * paths.n + 1e-9)
    for t in range(paths.months + 1):
        for i, r in enumerate(RESOURCES):
            if r not in orders:
                continue
            need = paths.critical[i, t]
            while np.count_nonzero(breached[i] | (need > sweep.logf[i])) > allowed[i]:
                chosen = sweep.choose(orders[r], t)
                if chosen is None:
                    break
                key, start, chain = chosen
                for p, s in chain:
                    sweep.place(p, s, 1)
                count = 1
                if levers[key].effects[r][0] == "per_instance":
                    count = _instances_needed(search, key, r, i, need, breached[i],
                                              sweep.additive[i], sweep.logmult[i],
                                              allowed[i], sweep.n_actions[key])
                sweep.place(key, start, min(count, levers[key].max_count - sweep.used[key]))
        breached |= paths.critical[:, t] > sweep.logf
    excess = sum(max(int(np.count_nonzero(breached[i])) - int(allowed[i]), 0)
                 for i, r in enumerate(RESOURCES) if r in orders)
    return sweep.actions, excess


def _instances_needed(search: _Search, key: str, r: str, i: int, need: np.ndarray,
                      breached: np.ndarray, additive: np.ndarray, logmult: np.ndarray,
                      allowed: float, j: int) -> int:
    """Fewest instances in one action keeping resource ``r``'s breaches within allowed."""
    eta = search.effect(key, j, r)
    free = ~breached
    # (N (1 + A) + k eta) / N >= exp(need - M)  <=>  k >= (N exp(need - M) - N - N A) / eta
    with np.errstate(over="ignore"):
        k = np.ceil(search.fleet * (np.exp(need[free] - logmult[free]) - 1.0 - additive[free])
                    / eta[free] - 1e-9)
    k = np.maximum(k, 0.0)
    slack = int(allowed) - int(np.count_nonzero(breached))
    if slack >= k.size:
        return 1
    if slack < 0:
        return search.levers[key].max_count
    kth = np.partition(k, k.size - slack - 1)[k.size - slack - 1]
    return int(min(max(kth, 1.0), search.levers[key].max_count))


def _improve(search: _Search, actions: list[Action]) -> list[Action]:
    """Local search: drop, shrink or delay actions, or delay one while starting another
    a month earlier (trading risk between resources), while the joint risk stays met."""
    months = search.paths.months
    current = list(actions)
    cost = search.cost(current)

    def ok(candidate: list[Action]) -> bool:
        return search.valid(candidate) and search.breaches(candidate) <= search.allowed

    improved = True
    while improved:
        improved = False
        # one pass over the actions, most expensive first: the largest savings first
        for a in sorted(current, key=lambda x: -search.cost([x])):
            if a not in current:
                continue
            k = current.index(a)
            rest = current[:k] + current[k + 1:]
            tries = [rest]
            if a.count > 1:
                lo, hi = 1, a.count - 1  # largest cut still feasible, by bisection
                while lo <= hi:
                    mid = (lo + hi) // 2
                    if ok(rest + [Action(a.lever, a.start_month, a.count - mid)]):
                        lo = mid + 1
                    else:
                        hi = mid - 1
                if hi >= 1:
                    tries.append(rest + [Action(a.lever, a.start_month, a.count - hi)])
            if a.start_month + search.levers[a.lever].lead < months:
                tries.append(rest + [Action(a.lever, a.start_month + 1, a.count)])
            for candidate in tries:
                c = search.cost(candidate)
                if c < cost - 1e-9 and ok(candidate):
                    current, cost, improved = _sorted_actions(candidate), c, True
                    break
        if not improved:
            current, cost, improved = _trade(search, current, cost, ok)
    return current


def _trade(search: _Search, current: list[Action], cost: float, ok
           ) -> tuple[list[Action], float, bool]:
    """The first cheaper plan found by delaying one action a month and advancing an
    action of another lever a month; priced first, evaluated only when cheaper."""
    months = search.paths.months
    for i, b in enumerate(current):
        if b.start_month + search.levers[b.lever].lead >= months:
            continue
        for k, a in enumerate(current):
            if a.lever == b.lever or a.start_month == 0:
                continue
            candidate = [x for m, x in enumerate(current) if m not in (i, k)]
            candidate += [Action(b.lever, b.start_month + 1, b.count),
                          Action(a.lever, a.start_month - 1, a.count)]
            c = search.cost(candidate)
            if c < cost - 1e-9 and ok(candidate):
                return _sorted_actions(candidate), c, True
    return current, cost, False


def _heuristic(search: _Search, baseline: np.ndarray, memo: dict | None = None
               ) -> tuple[list[Action], bool]:
    """The just-in-time heuristic; ``memo`` keeps the priority orders between calls."""
    levers = search.levers
    memo = {} if memo is None else memo
    at_risk = [r for i, r in enumerate(RESOURCES) if baseline[i] > 0]
    if not at_risk:
        return [], True
    k = len(at_risk)
    # the level the joint risk must meet on these paths (the margin below the target
    # included): shared between the resources, the union bound guarantees it
    level = search.allowed / search.paths.n
    shares = np.full(len(RESOURCES), level / k)
    # each resource's priority order, alone, on a subsample of the paths
    head = search.head(_ORDER_PATHS)
    orders = memo.setdefault("orders", {})
    for r in at_risk:
        if r in orders:
            continue
        best = None
        for order in _orders(levers, r, search.fleet):
            actions, excess = _jit(head, {r: order}, shares)
            key = (excess, head.cost(actions))
            if best is None or key < best[0]:
                best = (key, order)
        orders[r] = best[1] if best is not None else ()
    # each resource's share of the level: from the union bound (the joint risk surely
    # meets it) up to the whole level each (the resources breach together, on the same
    # paths)
    def attempt(scale: float) -> tuple[bool, int, float, list[Action]]:
        actions, _ = _jit(search, orders, np.minimum(shares * scale, level))
        hits = search.breaches(actions)
        return hits <= search.allowed, hits, search.cost(actions), actions

    scales = list(np.geomspace(1.0, k, 7)) if k > 1 else [1.0]
    grid = [attempt(scale) for scale in scales]
    feasible = [i for i, g in enumerate(grid) if g[0]]
    if not feasible:
        return min(grid, key=lambda g: (g[1], g[2]))[3], False
    i = min(feasible, key=lambda i: grid[i][2])
    best = grid[i]
    if i + 1 < len(scales) and not grid[i + 1][0]:
        lo, hi = scales[i], scales[i + 1]  # refine toward the first infeasible scale
        for _ in range(3):
            mid = math.sqrt(lo * hi)
            trial = attempt(mid)
            if trial[0] and trial[2] <= best[2]:
                best, lo = trial, mid
            else:
                hi = mid
    return _improve(search, best[3]), True


def _within_budget(search: _Search, baseline: np.ndarray, memo: dict | None
                   ) -> list[Action]:
    """The lowest-risk heuristic plan whose cost fits the budget, by bisection on the
    search's level (a looser level gives a cheaper plan); the priority orders are kept."""
    n = search.paths.n
    lo, hi, best = search.allowed / n, 1.0, []
    for _ in range(8):
        mid = (lo + hi) / 2
        sub = _Search.__new__(_Search)
        sub.__dict__ = {**search.__dict__, "allowed": math.floor(mid * n + 1e-9)}
        actions, _ = _heuristic(sub, baseline, memo)
        search.evaluations = sub.evaluations
        if search.cost(actions) <= search.budget + 1e-9:
            best, hi = actions, mid
        else:
            lo = mid
    return best


def _solve(paths: _Paths, catalogue: dict[str, _Lever], *, allowed: int, fleet: int,
           rng: np.random.Generator, budget: float | None, memo: dict | None = None
           ) -> tuple[Plan, np.ndarray, str, bool, int]:
    """The search on given paths (the engine's, or synthetic ones in tests).

    Returns the cheapest plan found on which at most ``allowed`` paths breach, its log
    capacity factors (R, months + 1, n), the method, whether it meets ``allowed`` within
    the budget, and the number of plans evaluated. ``memo`` carries the heuristic's
    priority orders from one call to the next.
    """
    relief = {k: lv for k, lv in catalogue.items() if lv.effects}
    memo = {} if memo is None else memo
    search = _Search(paths, relief, fleet, rng, budget, allowed)
    baseline = (paths.critical > 0).any(axis=1).mean(axis=1)
    if _exact_size(relief, paths.months) <= _EXACT_LIMIT:
        method = "exact"
        actions, feasible = _exact(search, relief)
    else:
        method = "heuristic"
        actions, feasible = _heuristic(search, baseline, memo)
        if budget is not None and search.cost(actions) > budget + 1e-9:
            actions, feasible = _within_budget(search, baseline, memo), False
    plan = Plan(actions, catalogue, fleet_size=fleet)
    logf = _log_capacity(plan, paths.months, paths.n, search.effect)
    return plan, logf, method, feasible, search.evaluations


def optimise(
    inputs: Inputs,
    levers=None,
    risk: float = 0.05,
    months: int = 12,
    rng: np.random.Generator | int | None = None,
    budget: float | None = None,
    n_paths: int = 20_000,
    scheduler: Any = None,
) -> PlanResult:
    """The cheapest plan keeping P(any resource critical in any month) <= ``risk``.

    Parameters
    ----------
    inputs : Inputs
        The company (e.g. ``report.simulation_inputs``); ``inputs.instances`` is the
        fleet of the per-instance effects.
    levers : DataFrame, path, sequence of paths or None
        The catalogue (:func:`load_levers`, or the file(s) it reads); None reads
        ``data/levers.yaml``. Team levers relieve no resource and are never chosen.
    risk : float
        Target probability that some resource's average utilisation is beyond its
        critical line in some month 0..``months``, in (0, 1).
    months : int
        Horizon. [month]
    rng : Generator, int or None
        Seed of the paths and of the lever draws (common to every candidate).
    budget : float, optional
        Most the plan may cost over the horizon. [currency]
    n_paths : int
        Simulated paths; the risk's standard error is about
        ``sqrt(risk (1 - risk) / n_paths)``.
    scheduler : None, str or dask.distributed.Client
        Where the engine's chunks of the search and validation paths run
        (:func:`montecarlo.simulate`: None here on threads, or ``"processes"``, a Client,
        an address ``"tcp://host:8786"``); the search itself runs here on those paths. The
        plan found is the same.

    Returns
    -------
    PlanResult

    Raises
    ------
    ValueError
        A risk outside (0, 1), a negative budget, a bad catalogue (before anything runs).
    TypeError
        A budget that is not a number, inputs that are not :class:`Inputs`.
    """
    if isinstance(risk, bool) or not isinstance(risk, (int, float)) or not 0 < risk < 1:
        raise ValueError(f"risk must be a probability in (0, 1); got {risk!r}")
    if budget is not None and (isinstance(budget, bool)
                               or not isinstance(budget, (int, float, np.number))):
        raise TypeError(f"budget must be a number [currency] or None; got {budget!r}")
    if budget is not None and (not np.isfinite(budget) or budget < 0):
        raise ValueError(f"budget must be >= 0 [currency] or None; got {budget!r}")
    months = require_integer("months", months, minimum=1)
    n_paths = require_integer("n_paths", n_paths, minimum=100)
    if not isinstance(inputs, Inputs):
        raise TypeError(f"inputs must be a montecarlo.Inputs; got {type(inputs).__name__}")
    catalogue = _catalogue(levers)
    gen = np.random.default_rng(rng)
    seed, plan_seed, check_seed = (int(x) for x in gen.integers(2**63, size=3))
    paths = _base_paths(inputs, n_paths, months, seed, scheduler)
    check = _base_paths(inputs, n_paths, months, check_seed, scheduler)
    plan, logf, method, feasible, evaluations, validated = _validated_search(
        paths, check, catalogue, risk=risk, fleet=inputs.instances, plan_seed=plan_seed,
        check_seed=check_seed, budget=budget)
    feasible = feasible and validated <= risk
    gap = 0.0 if method == "exact" else float("nan")
    _, flags_without = _summary(paths, 0.0)
    baseline = flags_without.mean(axis=1)
    breach_summary, flags = _summary(paths, logf)
    achieved = float(flags.any(axis=0).mean())
    feasible = feasible and achieved <= risk + 1e-12
    total = plan.total_cost(months)
    p_critical = pd.DataFrame({
        "without_plan": [*baseline, float(flags_without.any(axis=0).mean())],
        "with_plan": [*flags.mean(axis=1), achieved],
    }, index=pd.Index([*RESOURCES, "any"], name="resource"))
    se = math.sqrt(achieved * (1.0 - achieved) / n_paths)
    if feasible:
        message = (f"{len(plan.actions)} action(s) costing {total:,.0f} over {months} months "
                   f"keep the risk at {achieved:.1%} ({validated:.1%} on independent paths; "
                   f"target {risk:.1%})")
    else:
        limit = "the budget" if budget is not None else "the catalogue"
        before = p_critical.at["any", "without_plan"]
        message = (f"no plan within {limit} reaches the target {risk:.1%}: the best found "
                   f"gets to {achieved:.1%} ({validated:.1%} on independent paths; without "
                   f"a plan {before:.1%}) for {total:,.0f}")
    return PlanResult(
        plan=plan, actions=plan.actions_table(), total_cost=total,
        breach_summary=breach_summary, p_critical=p_critical, risk=float(risk),
        achieved_risk=achieved, validated_risk=validated, standard_error=se,
        feasible=feasible, message=message,
        method=method, optimality_gap=gap, evaluations=evaluations,
        n_paths=n_paths, months=months, seed=seed,
    )
