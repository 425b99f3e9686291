"""Monte Carlo engine: the growth-to-cost chain under uncertainty, month by month.

One *path* is one possible future. Per path the engine draws the uncertain inputs (monthly
growth rate, churn, load elasticity, cost exponent... see :class:`Inputs`), then per month:

1. users: log-growth :math:`\\ln(1 + r - c) + \\sigma \\varepsilon_t` with
   :math:`\\varepsilon_t \\sim N(0, 1)`, acquisition :math:`r` net of churn :math:`c` (the
   share of MAU lost each month: :math:`N_{t+1} = N_t (1 + r - c)` on average), optionally
   damped by a saturating market (a discrete logistic); MAU and transactions are
   proportional to the load ratio :math:`L_t = N_t / N_0`. With the default ``churn=0`` the
   growth rate is the *net* growth measured on MAU history;
2. utilisation of each resource (cpu, memory, db_utilisation, bandwidth), average and
   peak: :math:`u_t = u_0 L_t^{e}` (elasticity :math:`e`, as ``capacity.utilisation``);
3. the first month each resource's **average** utilisation is strictly above its attention
   and critical thresholds (``thresholds.load_thresholds()`` by default), month 0 = today;
4. P95 response time if today's fleet is not scaled, each instance an M/M/1 queue at the
   average CPU utilisation: :math:`t_{95} = -\\ln(0.05)\\, S / (1 - \\rho)` (``inf`` once
   :math:`\\rho \\ge 1`), and the first month it is strictly above the attention (2 s) and
   critical (5 s) lines of the ``p95_response_time_s`` threshold row [1]_;
5. instances needed to serve the CPU peak at the target utilisation plus redundancy;
6. infrastructure cost :math:`C_0 L_t^{b}` (``cost.infrastructure_cost``), cost per user,
   per transaction, revenue (ARPU x MAU) and the infrastructure share of revenue;
7. the team: the velocity the product needs, :math:`V_t = V_0 L_t^{\\beta}` (more users,
   more features, fixes and operations; exponent :math:`\\beta`), or a velocity path given
   by the user; the developers needed for it (``team.developers_needed``: teams of at most
   ``max_team_size``, each with the communication overhead of ``team.effective_velocity``
   [4]_), the hires relative to today's team and the team's monthly cost
   (``cost.team_monthly_cost``).

Arrays are time-major inside a chunk for speed; results come back as tidy pandas with
paths on axis 0 and months on the last axis for raw paths. Paths are simulated in chunks
of ``chunk_size``, each with its own ``Generator(SFC64)`` spawned from one
``SeedSequence``: the result for a given seed and chunk size is bit-identical whatever the
number of worker threads or the order chunks finish in (so chunks could run on a cluster).
Per-month percentiles are exact within a chunk and combined across chunks as the
size-weighted mean of chunk percentiles; breach statistics are exact (integer counts).
Correlated inputs (:attr:`Inputs.rank_correlation`) are imposed within each chunk by a
Gaussian copula or by Iman-Conover re-ordering (``distributions.correlated_uniforms``).

References
----------
.. [1] L. Kleinrock, *Queueing Systems, Vol. 1: Theory*, Wiley, 1975 (M/M/1 response time
   is exponential with rate :math:`\\mu (1 - \\rho)`).
.. [2] P. F. Verhulst, "Notice sur la loi que la population suit dans son accroissement,"
   Corresp. Math. Phys., vol. 10, pp. 113-121, 1838 (logistic saturation).
.. [3] P. L'Ecuyer, D. Munger, B. Oreshkin and R. Simard, "Random numbers for parallel
   computers: requirements and methods," Math. Comput. Simul., vol. 135, pp. 3-17, 2017
   (independent streams per worker). doi:10.1016/j.matcom.2016.05.005
.. [4] F. P. Brooks Jr., *The Mythical Man-Month*, Addison-Wesley, 1975, ch. 2
   (communication channels n(n - 1)/2).
.. [5] R. L. Iman and W. J. Conover, "A distribution-free approach to inducing rank
   correlation among input variables," Commun. Stat. Simul. Comput., vol. 11, no. 3,
   pp. 311-334, 1982. doi:10.1080/03610918208812265
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from scaling_models import capacity, cost, periods, team
from scaling_models._checks import (
    as_float_array,
    require_finite,
    require_fraction,
    require_integer,
    require_nonnegative,
    require_ordered,
    require_positive,
)
from scaling_models.distributions import (
    CORRELATION_METHODS,
    PERT,
    Constant,
    Distribution,
    as_distribution,
    between,
    correlated_uniforms,
    validate_correlation,
)

__all__ = [
    "RESOURCES",
    "LATENCY_METRIC",
    "BREACH_METRICS",
    "LEVELS",
    "PERCENTILES",
    "TEAM_OUTPUTS",
    "OUTPUTS",
    "UNCERTAIN_INPUTS",
    "CORRELATION_METHODS",
    "Inputs",
    "SimulationResult",
    "simulate",
    "chain_outputs",
    "scenario_inputs",
    "compare_scenarios",
]

#: Resources of the chain (docs/domain.md section 1), in the order of the ``utilisation_*`` tuples.
RESOURCES: tuple[str, ...] = ("cpu", "memory", "db_utilisation", "bandwidth")
#: Threshold metric of the P95 latency breach (row of ``thresholds.load_thresholds()``); its
#: per-month values are the output ``p95_latency_s``.
LATENCY_METRIC: str = "p95_response_time_s"
#: Everything with a breach month: the resources, then P95 latency (the ``resource`` column
#: of :attr:`SimulationResult.breach_probability`).
BREACH_METRICS: tuple[str, ...] = (*RESOURCES, LATENCY_METRIC)
#: Threshold levels, from ``thresholds.load_thresholds()`` columns.
LEVELS: tuple[str, ...] = ("attention", "critical")
#: Percentiles reported per month.
PERCENTILES: tuple[int, ...] = (5, 10, 25, 50, 75, 90, 95)
#: Team outputs: velocity needed [story points/sprint], developers needed and hires relative
#: to today's team [developers], the needed team's cost [currency/month].
TEAM_OUTPUTS: tuple[str, ...] = ("velocity_needed", "developers", "hires", "team_cost")
#: Per-month outputs the engine can report.
OUTPUTS: tuple[str, ...] = (
    "mau",
    "transactions_per_day",
    *(f"{r}_{k}" for r in RESOURCES for k in ("avg", "peak")),
    "p95_latency_s",
    "instances",
    "infra_cost",
    "cost_per_user",
    "cost_per_transaction",
    "revenue",
    "infra_share",
    *TEAM_OUTPUTS,
)
#: Fields of :class:`Inputs` that may be distributions (drawn once per path).
UNCERTAIN_INPUTS: tuple[str, ...] = (
    "growth_rate",
    "elasticity",
    "market_size",
    "transactions_per_user_day",
    "service_time_s",
    "base_monthly_cost",
    "scale_exponent",
    "arpu",
    "churn",
    "velocity_exponent",
)
# -ln(1 - 0.95): the M/M/1 response-time P95 in units of S / (1 - rho).
_LN20 = math.log(20.0)
_DAYS_PER_MONTH = periods.DAYS_PER_MONTH


@dataclass(frozen=True, kw_only=True)
class Inputs:
    """Inputs of one simulation; defaults are the docs/domain.md section 1 company.

    Any field listed in :data:`UNCERTAIN_INPUTS` accepts a number, a ``(low, high)`` 90 %
    interval, a ``(low, mode, high)`` PERT triple, a :class:`~scaling_models.distributions.
    Distribution` or a ``scipy.stats`` frozen law; it is drawn once per path.

    Parameters
    ----------
    initial_users : float
        MAU at month 0: 50 K (docs/domain.md section 1). [users]
    growth_rate : distribution
        Monthly growth rate of the path: new users as a share of MAU, before ``churn``.
        Default: 90 % interval 10 %-22.5 %, lognormal with median 15 % (docs/domain.md section 1,
        "15 % month over month", a net figure: hence the default churn 0). [month⁻¹]
    growth_volatility : float
        Standard deviation of the month-to-month noise on the log-growth
        :math:`\\ln(1 + r)`. 0 gives smooth paths. [month⁻¹, >= 0]
    market_size : distribution or None
        Saturation ceiling of the discrete logistic; None for unbounded growth. [users]
    transactions_per_user_day : distribution
        10 K transactions/day for 50 K MAU = 0.2 (docs/domain.md section 1). [1/user/day]
    elasticity : distribution
        Utilisation grows as load ratio to this power. Default PERT(0.5, 0.65, 1.0): the
        mode is ln(1.3)/ln(1.5) = 0.647, "+30 % capacity for +50 % users"
        (docs/domain.md section 2).
    utilisation_avg, utilisation_peak : tuple of 4 floats
        Today's utilisation of cpu, memory, db_utilisation, bandwidth (docs/domain.md section 1).
        [fraction]
    attention, critical : tuple of 4 floats or None
        Thresholds on average utilisation per resource; None reads
        ``thresholds.load_thresholds()``. [fraction]
    instances : int
        Today's application instances (the fleet the latency model keeps). [instances]
    service_time_s : distribution
        Mean service time per request. 0.15 s makes the M/M/1 P95 1.5 s at 70 % CPU and
        1.8 s at 75 % (the docs/domain.md section 4 dashboard). [s]
    target_utilisation : float
        Utilisation instances are sized for. [fraction]
    redundancy : int
        Spare instances on top of those needed (N + redundancy). [instances]
    base_monthly_cost : distribution
        Infrastructure cost today: 8 K EUR = 8 % of revenue (project assumption, below the
        article's 10 % ceiling). [currency/month]
    scale_exponent : distribution
        Cost grows as load ratio to this power (``cost.infrastructure_cost``); default
        PERT(0.6, 0.8, 1.0) around cost.py's 0.8. [-]
    arpu : distribution
        Revenue per MAU: 100 K EUR / 50 K = 2 (docs/domain.md section 1); revenue = MAU x ARPU.
        [currency/user/month]
    churn : distribution
        Share of MAU lost each month, subtracted from ``growth_rate``: net monthly growth
        ``growth_rate - churn``. Default 0, so that ``growth_rate`` is the net growth
        measured on MAU history; set both (e.g. gross 0.19 and churn 0.04, the sample
        history's level) to correlate or swing them separately. [fraction/month, in [0, 1)]
    team_size : int
        Developers today, all fully productive: 13 (the sample company,
        ``data/company_history.csv`` 2024-06; docs/domain.md section 1 gives only the velocity).
        [developers]
    current_velocity : float
        Team velocity today: 30 (docs/domain.md section 1, ``team.CURRENT_VELOCITY``). With
        ``team_size`` it fixes the velocity of one developer. [story points/sprint]
    velocity_exponent : distribution
        :math:`\\beta` in :math:`V_t = V_0 L_t^{\\beta}`, the velocity the product needs as
        MAU grows. Default 0.6 (project assumption): with 13 developers it gives 21, 36 and
        58 developers for x2, x5 and x11 users, near docs/domain.md section 8 (+8, +20 and +50
        developers: 21, 33 and 63), and 40 for x6 (section 2: "triple the headcount").
        [-, >= 0]
    velocity_target : sequence of float or None
        Velocity needed in months 0, 1, 2... given by the user instead of the exponent
        rule; at least ``months + 1`` values. [story points/sprint]
    max_team_size : int
        Developers per team before another team is opened (``team.developers_needed``);
        default 17, the largest team whose communication overhead stays within the 20 %
        attention line (docs/domain.md section 3). [developers]
    hours_per_channel_per_week : float
        Coordination per pair of teammates (``team.communication_overhead``). [h/week]
    developer_annual_cost : float
        60 K EUR (``cost.DEFAULT_DEVELOPER_ANNUAL_COST``, docs/domain.md section 6).
        [currency/developer/year]
    latency_thresholds : (float, float) or None
        Attention and critical lines on P95 latency; None reads the ``p95_response_time_s``
        row of ``thresholds.load_thresholds()`` (2 s and 5 s, docs/domain.md section 3). [s]
    rank_correlation : mapping
        ``{(input_a, input_b): rho_s}`` Spearman rank correlations between uncertain inputs
        (e.g. ``{("growth_rate", "churn"): 0.5, ("growth_rate", "arpu"): -0.3}``); pairs
        not given are independent, pairs with an input that is a constant are ignored. A
        set of pairs that is not a valid correlation matrix is repaired to the nearest one
        with a warning when simulating (``distributions.validate_correlation``).
    correlation_method : {"copula", "iman-conover"}
        How ``rank_correlation`` is imposed within each chunk
        (``distributions.correlated_uniforms``): Gaussian copula, or Iman-Conover [5]_.
    """

    initial_users: float = 50_000.0
    growth_rate: Any = field(default_factory=lambda: between(0.10, 0.225))
    growth_volatility: float = 0.03
    market_size: Any = None
    transactions_per_user_day: Any = 0.2
    elasticity: Any = field(default_factory=lambda: PERT(low=0.5, mode=0.65, high=1.0))
    utilisation_avg: tuple[float, ...] = (0.70, 0.60, 0.80, 0.40)
    utilisation_peak: tuple[float, ...] = (0.95, 0.85, 1.00, 0.70)
    attention: tuple[float, ...] | None = None
    critical: tuple[float, ...] | None = None
    instances: int = 10
    service_time_s: Any = 0.15
    target_utilisation: float = 0.7
    redundancy: int = 1
    base_monthly_cost: Any = 8_000.0
    scale_exponent: Any = field(default_factory=lambda: PERT(low=0.6, mode=0.8, high=1.0))
    arpu: Any = 2.0
    churn: Any = 0.0
    team_size: int = 13
    current_velocity: float = team.CURRENT_VELOCITY
    velocity_exponent: Any = 0.6
    velocity_target: tuple[float, ...] | None = None
    max_team_size: int = team.DEFAULT_MAX_TEAM_SIZE
    hours_per_channel_per_week: float = 0.5
    developer_annual_cost: float = cost.DEFAULT_DEVELOPER_ANNUAL_COST
    latency_thresholds: tuple[float, float] | None = None
    rank_correlation: Mapping[tuple[str, str], float] = field(default_factory=dict)
    correlation_method: str = "copula"

    def __post_init__(self) -> None:  # noqa: C901
        require_positive(initial_users=self.initial_users)
        require_nonnegative(growth_volatility=self.growth_volatility)
        for name in UNCERTAIN_INPUTS:
            value = getattr(self, name)
            if value is not None or name != "market_size":
                as_distribution(value, name)
        for name in ("utilisation_avg", "utilisation_peak", "attention", "critical"):
            value = getattr(self, name)
            if value is None:
                continue
            if len(value) != len(RESOURCES):
                raise ValueError(
                    f"{name} must give one value per resource {RESOURCES}; got {value!r}"
                )
            require_positive(**{name: value})
            if name.startswith("utilisation"):
                require_fraction(**{name: value})
        if np.any(np.asarray(self.utilisation_avg) > np.asarray(self.utilisation_peak)):
            raise ValueError(
                f"utilisation_avg must be <= utilisation_peak; got {self.utilisation_avg!r} "
                f"and {self.utilisation_peak!r}"
            )
        require_integer("instances", self.instances, minimum=1)
        require_integer("redundancy", self.redundancy, minimum=0)
        require_positive(target_utilisation=self.target_utilisation)
        require_fraction(target_utilisation=self.target_utilisation)
        self._check_team()
        if self.latency_thresholds is not None:
            if len(self.latency_thresholds) != 2:
                raise ValueError(
                    f"latency_thresholds must be (attention, critical); got "
                    f"{self.latency_thresholds!r}"
                )
            require_positive(latency_thresholds=self.latency_thresholds)
            require_ordered("latency attention", self.latency_thresholds[0],
                            "latency critical", self.latency_thresholds[1], strict=False)
        if self.correlation_method not in CORRELATION_METHODS:
            raise ValueError(
                f"correlation_method must be one of {CORRELATION_METHODS}; got "
                f"{self.correlation_method!r}"
            )
        seen: dict[frozenset, float] = {}
        for pair, rho in dict(self.rank_correlation).items():
            if (not isinstance(pair, tuple) or len(pair) != 2
                    or any(p not in UNCERTAIN_INPUTS for p in pair)):
                raise ValueError(
                    f"rank_correlation keys must be pairs of {UNCERTAIN_INPUTS}; got {pair!r}"
                )
            if pair[0] == pair[1]:
                raise ValueError(
                    f"rank_correlation pairs must name two different inputs; got {pair!r}"
                )
            require_finite(**{f"rank_correlation {pair}": rho})
            if not -1.0 <= float(rho) <= 1.0:
                raise ValueError(f"rank_correlation {pair} must be in [-1, 1]; got {rho!r}")
            key = frozenset(pair)
            if key in seen and seen[key] != float(rho):
                raise ValueError(
                    f"rank_correlation gives {pair} twice with different values: "
                    f"{seen[key]!r} and {rho!r}"
                )
            seen[key] = float(rho)

    def _check_team(self) -> None:
        require_integer("team_size", self.team_size, minimum=1)
        require_integer("max_team_size", self.max_team_size, minimum=1)
        require_positive(current_velocity=self.current_velocity)
        require_finite(current_velocity=self.current_velocity,
                       developer_annual_cost=self.developer_annual_cost)
        require_nonnegative(hours_per_channel_per_week=self.hours_per_channel_per_week,
                            developer_annual_cost=self.developer_annual_cost)
        if self.hours_per_channel_per_week > 0:
            peak = team.peak_team_size(self.hours_per_channel_per_week)
            if self.max_team_size > peak:
                raise ValueError(
                    f"max_team_size must be <= {peak}, the team size of peak velocity at "
                    f"hours_per_channel_per_week={self.hours_per_channel_per_week!r} (beyond "
                    f"it a hire lowers velocity); got {self.max_team_size!r}"
                )
        if self.velocity_target is not None:
            target = as_float_array("velocity_target", self.velocity_target)
            if target.ndim != 1 or target.size == 0:
                raise ValueError(
                    f"velocity_target must be a sequence of velocities for months 0, 1, 2...; "
                    f"got {self.velocity_target!r}"
                )
            require_nonnegative(velocity_target=target)
            require_finite(velocity_target=target)

    def velocity_per_developer(self) -> float:
        """Velocity of one developer free of coordination cost, from today's team.

        ``current_velocity`` divided by the velocity of ``team_size`` developers split as
        ``team.developers_needed`` staffs them (``team.velocity_per_developer`` when
        ``team_size <= max_team_size``). [story points/sprint/developer]
        """
        return float(self.current_velocity) / float(team.organisation_velocity(
            self.team_size, 1.0, max_team_size=self.max_team_size,
            hours_per_channel_per_week=self.hours_per_channel_per_week,
        ))

    def latency_lines(self) -> tuple[float, float]:
        """Attention and critical P95 latency (reading the thresholds table if None). [s]"""
        if self.latency_thresholds is not None:
            return float(self.latency_thresholds[0]), float(self.latency_thresholds[1])
        from scaling_models import thresholds

        row = thresholds.load_thresholds().loc[LATENCY_METRIC]
        return float(row["attention"]), float(row["critical"])

    def thresholds(self) -> tuple[np.ndarray, np.ndarray]:
        """Attention and critical thresholds per resource (reading the table if None)."""
        att, crit = self.attention, self.critical
        if att is None or crit is None:
            from scaling_models import thresholds

            table = thresholds.load_thresholds()
            att = att if att is not None else tuple(table.loc[list(RESOURCES), "attention"])
            crit = crit if crit is not None else tuple(table.loc[list(RESOURCES), "critical"])
        return np.asarray(att, dtype=float), np.asarray(crit, dtype=float)

    def distributions(self) -> dict[str, Distribution]:
        """The uncertain inputs as Distribution objects (market_size omitted if None)."""
        return {
            name: as_distribution(getattr(self, name), name)
            for name in UNCERTAIN_INPUTS
            if not (name == "market_size" and self.market_size is None)
        }

    def correlation(self) -> tuple[list[str], np.ndarray]:
        """The uncertain inputs that vary, in drawing order, and their rank correlation.

        Pairs of :attr:`rank_correlation` naming a constant input (or an absent
        ``market_size``) are left out: a constant has no rank. The matrix is validated by
        ``distributions.validate_correlation`` and, if not positive semi-definite, replaced
        by the nearest correlation matrix with a :class:`UserWarning`.
        """
        names = [k for k, v in self.distributions().items() if not isinstance(v, Constant)]
        c = np.eye(len(names))
        index = {k: i for i, k in enumerate(names)}
        for (a, b), rho in dict(self.rank_correlation).items():
            if a in index and b in index:
                c[index[a], index[b]] = c[index[b], index[a]] = float(rho)
        if len(names) > 1 and not np.array_equal(c, np.eye(len(names))):
            c = validate_correlation(c, name="rank_correlation")
        return names, c


# Rules every drawn input must obey on every path: (name, bound, strict, rule text).
_DRAW_RULES: tuple[tuple[str, float, bool, str], ...] = (
    ("growth_rate", -1.0, True, "> -1"),
    ("elasticity", 0.0, True, "> 0"),
    ("transactions_per_user_day", 0.0, True, "> 0"),
    ("service_time_s", 0.0, True, "> 0"),
    ("scale_exponent", 0.0, True, "> 0"),
    ("base_monthly_cost", 0.0, False, ">= 0"),
    ("arpu", 0.0, True, "> 0"),
    ("market_size", 0.0, True, "> 0"),
    ("churn", 0.0, False, ">= 0"),
    ("velocity_exponent", 0.0, False, ">= 0"),
)


def _draw_parameters(
    inputs: Inputs,
    n: int,
    rng: np.random.Generator,
    correlation: tuple[list[str], np.ndarray] | None = None,
) -> dict[str, np.ndarray]:
    """Per-path inputs, shape (n,) each; constants are not drawn (no uniforms spent)."""
    dists = inputs.distributions()
    names, c = inputs.correlation() if correlation is None else correlation
    params = {k: np.full(n, d.value) for k, d in dists.items() if isinstance(d, Constant)}
    if names:
        if np.array_equal(c, np.eye(len(names))):
            # (inputs, paths): each input's uniforms are contiguous for its ppf
            u = rng.random((len(names), n))
            np.maximum(u, 1e-12, out=u)
            np.minimum(u, 1.0 - 1e-12, out=u)
        else:
            u = correlated_uniforms(n, c, rng=rng, method=inputs.correlation_method).T
        params |= {k: np.asarray(dists[k].ppf(u[i]), dtype=float) for i, k in enumerate(names)}
    for name, bound, strict, rule in _DRAW_RULES:
        if name in params:
            bad = params[name] <= bound if strict else params[name] < bound
            if np.any(bad):
                raise ValueError(
                    f"{name} must be {rule} on every path; its distribution drew "
                    f"{params[name][bad][0]!r}"
                )
    if np.any(params["churn"] >= 1.0):
        bad = params["churn"][params["churn"] >= 1.0][0]
        raise ValueError(f"churn must be < 1 on every path; its distribution drew {bad!r}")
    net = params["growth_rate"] - params["churn"]
    if np.any(net <= -1.0):
        i = int(np.argmax(net <= -1.0))
        raise ValueError(
            f"growth_rate - churn must be > -1 on every path; drew growth_rate="
            f"{params['growth_rate'][i]!r} and churn={params['churn'][i]!r}"
        )
    return {k: params[k] for k in dists}


def chain_outputs(  # noqa: C901
    log_ratio: np.ndarray,
    params: Mapping[str, np.ndarray],
    inputs: Inputs,
    names: Sequence[str] = OUTPUTS,
    *,
    month_index: Sequence[int] | None = None,
) -> dict[str, np.ndarray]:
    """Per-month outputs from log load ratios; the formulas of the module docstring.

    Parameters
    ----------
    log_ratio : ndarray, shape (..., n_paths)
        :math:`\\ln(N_t / N_0)`; per-path parameters broadcast on the last axis.
    params : mapping of name -> ndarray, shape (n_paths,)
        Drawn uncertain inputs.
    inputs : Inputs
        The constants.
    names : sequence of str
        Which of :data:`OUTPUTS` to compute.
    month_index : sequence of int, optional
        Month of each row (axis 0) of ``log_ratio``, needed only with
        ``inputs.velocity_target``; default 0, 1, 2...

    Returns
    -------
    dict of name -> ndarray, shape of ``log_ratio``
    """
    out: dict[str, np.ndarray] = {}
    e = params["elasticity"]
    cache: dict[str, np.ndarray] = {}

    def ratio() -> np.ndarray:
        if "ratio" not in cache:
            cache["ratio"] = np.exp(log_ratio)
        return cache["ratio"]

    def scaled(exponent: np.ndarray) -> np.ndarray:
        return np.exp(log_ratio * exponent)

    def mau() -> np.ndarray:
        return inputs.initial_users * ratio()

    def util_factor() -> np.ndarray:
        if "util" not in cache:
            cache["util"] = scaled(e)
        return cache["util"]

    def velocity() -> np.ndarray:
        if "velocity" not in cache:
            if inputs.velocity_target is None:
                cache["velocity"] = inputs.current_velocity * scaled(params["velocity_exponent"])
            else:
                rows = (np.arange(log_ratio.shape[0]) if month_index is None
                        else np.asarray(month_index, dtype=int))
                target = np.asarray(inputs.velocity_target, dtype=float)[rows]
                shape = (-1,) + (1,) * (log_ratio.ndim - 1)
                cache["velocity"] = np.broadcast_to(target.reshape(shape), log_ratio.shape)
        return cache["velocity"]

    def developers() -> np.ndarray:
        if "developers" not in cache:
            cache["developers"] = team.developers_needed(
                velocity(), inputs.velocity_per_developer(),
                max_team_size=inputs.max_team_size,
                hours_per_channel_per_week=inputs.hours_per_channel_per_week,
            )
        return cache["developers"]

    def infra_cost() -> np.ndarray:
        if "cost" not in cache:
            cache["cost"] = params["base_monthly_cost"] * scaled(params["scale_exponent"])
        return cache["cost"]

    for name in names:
        if name == "mau":
            out[name] = mau()
        elif name == "transactions_per_day":
            out[name] = mau() * params["transactions_per_user_day"]
        elif name.endswith(("_avg", "_peak")):
            resource, kind = name.rsplit("_", 1)
            i = RESOURCES.index(resource)
            today = (inputs.utilisation_avg if kind == "avg" else inputs.utilisation_peak)[i]
            out[name] = today * util_factor()
        elif name == "p95_latency_s":
            rho = inputs.utilisation_avg[0] * util_factor()
            with np.errstate(divide="ignore"):
                t95 = _LN20 * params["service_time_s"] / (1.0 - rho)
            out[name] = np.where(rho < 1.0, t95, np.inf)
        elif name == "instances":
            peak_load = inputs.utilisation_peak[0] * util_factor() * inputs.instances
            out[name] = capacity.instances_needed(
                peak_load, 1.0, inputs.target_utilisation, inputs.redundancy
            ).astype(float)
        elif name == "infra_cost":
            out[name] = infra_cost()
        elif name == "cost_per_user":
            out[name] = infra_cost() / mau()
        elif name == "cost_per_transaction":
            out[name] = infra_cost() / (
                mau() * params["transactions_per_user_day"] * _DAYS_PER_MONTH
            )
        elif name == "revenue":
            out[name] = mau() * params["arpu"]
        elif name == "infra_share":
            out[name] = infra_cost() / (mau() * params["arpu"])
        elif name == "velocity_needed":
            out[name] = np.array(velocity(), dtype=float)
        elif name == "developers":
            out[name] = developers()
        elif name == "hires":
            out[name] = np.maximum(developers() - inputs.team_size, 0.0)
        elif name == "team_cost":
            out[name] = cost.team_monthly_cost(developers(), inputs.developer_annual_cost)
        else:
            raise ValueError(f"unknown output {name!r}; choose from {OUTPUTS}")
    return out


def _log_paths(
    params: Mapping[str, np.ndarray], inputs: Inputs, months: int, rng: np.random.Generator
) -> np.ndarray:
    """Log load ratio, time-major (months + 1, n): row 0 is 0 (today)."""
    n = params["growth_rate"].shape[0]
    lr = np.empty((months + 1, n))
    lr[0] = 0.0
    steps = lr[1:]
    rng.standard_normal(out=steps)
    steps *= inputs.growth_volatility
    steps += np.log1p(params["growth_rate"] - params["churn"])
    if "market_size" in params:
        # Discrete logistic in log space: growth damped by the share of the market left.
        log_cap = np.log(params["market_size"] / inputs.initial_users)
        for t in range(1, months + 1):
            room = 1.0 - np.exp(lr[t - 1] - log_cap)
            lr[t] = lr[t - 1] + steps[t - 1] * room
    else:
        # A row loop: numpy's cumsum along axis 0 of a C-ordered array is ~10x slower.
        for t in range(1, months + 1):
            np.add(lr[t - 1], lr[t], out=lr[t])
    return lr


def _order_statistics(values: np.ndarray) -> np.ndarray:
    """Percentiles along axis 1 by the inverted CDF (numpy's ``method="inverted_cdf"``).

    One multi-pivot partition instead of ``np.quantile``'s general machinery: the k-th
    smallest value with k = ceil(q n), the first value whose empirical CDF reaches q.
    """
    n = values.shape[1]
    q = np.asarray(PERCENTILES, dtype=float) / 100.0
    # round() first: 0.05 * 20_000 is 1000.0000000000001 in floating point
    k = np.maximum(np.ceil(np.round(q * n, 9)).astype(int) - 1, 0)
    part = np.partition(values, np.unique(k), axis=1)
    return part[:, k].T  # (n_percentiles, rows)


# Output -> (base variable, inputs that must be constant). A percentile of an increasing
# function of one per-path variable is that function of the variable's percentile, so
# outputs sharing a base cost one partition instead of one each.
_MONOTONE: dict[str, tuple[str, tuple[str, ...]]] = {
    "mau": ("log_ratio", ()),
    "transactions_per_day": ("log_ratio", ("transactions_per_user_day",)),
    "revenue": ("log_ratio", ("arpu",)),
    **{f"{r}_{k}": ("load", ()) for r in RESOURCES for k in ("avg", "peak")},
    "p95_latency_s": ("load", ("service_time_s",)),
    "instances": ("load", ()),
    "cost_per_transaction": ("cost_per_user", ("transactions_per_user_day",)),
    "infra_share": ("cost_per_user", ("arpu",)),
    # team outputs are nondecreasing in V = V0 exp(beta ln L) (unless V is a user path)
    **{name: ("log_ratio", ("velocity_exponent",)) for name in TEAM_OUTPUTS},
}


def _chunk_quantiles(
    log_ratio: np.ndarray, params: Mapping[str, np.ndarray], inputs: Inputs,
    outputs: Sequence[str], report_months: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Percentiles (n_percentiles, n_months) of each output for one chunk."""
    constant = {k: v[0] for k, v in params.items() if np.all(v == v[0])}
    quantiles: dict[str, np.ndarray] = {}
    monotone = _MONOTONE
    if inputs.velocity_target is not None:
        monotone = {k: v for k, v in _MONOTONE.items() if k not in TEAM_OUTPUTS}
    direct = [o for o in outputs if o not in monotone
              or not all(c in constant for c in monotone[o][1])]
    via = [o for o in outputs if o not in direct]
    needs = {monotone[o][0] for o in via}
    if "cost_per_user" in needs and "cost_per_user" not in direct:
        direct.append("cost_per_user")
    values = chain_outputs(log_ratio, params, inputs, direct, month_index=report_months)
    for name in direct:
        quantiles[name] = _order_statistics(values[name])
    scalar = {k: np.float64(v) for k, v in constant.items()}
    if "log_ratio" in needs:
        q_lr = _order_statistics(log_ratio)
        names = [o for o in via if _MONOTONE[o][0] == "log_ratio"]
        quantiles |= chain_outputs(q_lr, {**params, **scalar}, inputs, names)
    if "load" in needs:
        # utilisation depends on e * ln(ratio) only: feed its percentiles with e = 1
        q_load = _order_statistics(log_ratio * params["elasticity"])
        names = [o for o in via if _MONOTONE[o][0] == "load"]
        quantiles |= chain_outputs(q_load, {**params, **scalar, "elasticity": 1.0}, inputs,
                                   names)
    if "cost_per_user" in needs:
        q_cpu = quantiles["cost_per_user"]
        for name in (o for o in via if _MONOTONE[o][0] == "cost_per_user"):
            if name == "infra_share":
                quantiles[name] = q_cpu / scalar["arpu"]
            else:
                quantiles[name] = q_cpu / (scalar["transactions_per_user_day"] * _DAYS_PER_MONTH)
    return {k: quantiles[k] for k in outputs}


@dataclass(frozen=True, kw_only=True)
class _ChunkResult:
    n: int
    quantiles: dict[str, np.ndarray]  # name -> (n_percentiles, n_report_months)
    breach_hist: np.ndarray  # (n_resources, n_levels, months + 2) counts; last = never
    paths: dict[str, np.ndarray] | None
    params: dict[str, np.ndarray] | None
    breach_months: np.ndarray | None  # (n, n_resources, n_levels), months + 1 = never


def _latency_log_thresholds(
    service_time_s: np.ndarray, cpu_today: float, lines: tuple[float, float]
) -> list[np.ndarray | float]:
    """Thresholds on y = e ln L at which the M/M/1 P95 crosses each latency line.

    :math:`t_{95} = \\ln 20\\, S / (1 - \\rho) > \\ell` iff
    :math:`\\rho > \\rho^* = 1 - \\ln 20\\, S / \\ell`, and :math:`\\rho = u_0 e^{y}`, so
    iff :math:`y > \\ln(\\rho^* / u_0)`; :math:`\\rho^* \\le 0` (the line is crossed at any
    load) gives :math:`-\\infty`, a breach in month 0. Per path when ``S`` varies.
    """
    s = service_time_s
    s = s[0] if np.all(s == s[0]) else s
    out = []
    for line in lines:
        rho_star = np.maximum(1.0 - _LN20 * s / line, 0.0)
        with np.errstate(divide="ignore"):
            out.append(np.log(rho_star / cpu_today))
    return out


def _run_chunk(
    inputs: Inputs,
    n: int,
    months: int,
    report_months: np.ndarray,
    outputs: Sequence[str],
    seed: np.random.SeedSequence,
    keep_paths: bool,
    log_thresholds: np.ndarray,
    latency_lines: tuple[float, float],
    correlation: tuple[list[str], np.ndarray],
) -> _ChunkResult:
    rng = np.random.Generator(np.random.SFC64(seed))
    params = _draw_parameters(inputs, n, rng, correlation)
    lr = _log_paths(params, inputs, months, rng)
    # Utilisation u0 * exp(e * lr) exceeds u_thr iff e * lr > ln(u_thr / u0), and P95
    # latency grows with CPU utilisation: the running maximum of e * lr gives the first
    # crossings of every threshold at once.
    y = lr * params["elasticity"]
    for t in range(1, months + 1):
        np.maximum(y[t - 1], y[t], out=y[t])
    lines = [list(row) for row in log_thresholds]
    lines.append(_latency_log_thresholds(params["service_time_s"], inputs.utilisation_avg[0],
                                         latency_lines))
    n_lev = len(LEVELS)
    hist = np.zeros((len(lines), n_lev, months + 2), dtype=np.int64)
    first = np.empty((n, len(lines), n_lev), dtype=np.int16) if keep_paths else None
    for i, row in enumerate(lines):
        for j, threshold in enumerate(row):
            month = np.count_nonzero(y <= threshold, axis=0)
            hist[i, j] = np.bincount(month, minlength=months + 2)
            if first is not None:
                first[:, i, j] = month
    del y
    quantiles = _chunk_quantiles(lr[report_months], params, inputs, outputs, report_months)
    paths = None
    if keep_paths:
        paths = {k: v.T.copy() for k, v in chain_outputs(lr, params, inputs, outputs).items()}
    return _ChunkResult(
        n=n,
        quantiles=quantiles,
        breach_hist=hist,
        paths=paths,
        params=params if keep_paths else None,
        breach_months=first,
    )


@dataclass(frozen=True, kw_only=True)
class SimulationResult:
    """What :func:`simulate` returns.

    Attributes
    ----------
    percentiles : DataFrame
        Tidy: columns ``output``, ``month`` and ``P5`` ... ``P95``, one row per output and
        reported month.
    breach_probability : DataFrame
        Columns ``resource``, ``level``, ``month``, ``probability``: share of paths whose
        average utilisation (or, for ``resource == "p95_response_time_s"``, P95 latency)
        has crossed the threshold by that month (month 0 = today). ``resource`` runs over
        :data:`BREACH_METRICS`.
    breach_summary : DataFrame
        Indexed by (``resource``, ``level``): ``threshold`` (a fraction, or seconds for
        latency), ``probability`` of crossing within the horizon and the breach-month
        percentiles ``P5`` ... ``P95`` (NaN when that share of paths has not crossed within
        the horizon).
    paths : dict of name -> ndarray (n_paths, months + 1), or None
        Raw per-path outputs when ``keep_paths=True``.
    inputs_drawn : DataFrame or None
        Per-path uncertain inputs when ``keep_paths=True``.
    breach_months : DataFrame or None
        Per-path first crossing month (NaN = not within horizon), one column per
        ``resource/level``, when ``keep_paths=True``.
    inputs, n_paths, months, seed, chunk_size
        How it was run.
    """

    percentiles: pd.DataFrame
    breach_probability: pd.DataFrame
    breach_summary: pd.DataFrame
    paths: dict[str, np.ndarray] | None
    inputs_drawn: pd.DataFrame | None
    breach_months: pd.DataFrame | None
    inputs: Inputs
    n_paths: int
    months: int
    seed: int | None
    chunk_size: int

    def percentile(self, output: str, p: int = 50) -> pd.Series:
        """One percentile of one output, indexed by month."""
        rows = self.percentiles[self.percentiles["output"] == output]
        if rows.empty:
            raise ValueError(f"output {output!r} was not computed; have {self.outputs}")
        return pd.Series(rows[f"P{p}"].to_numpy(), index=rows["month"].to_numpy(), name=output)

    @property
    def outputs(self) -> list[str]:
        """Outputs with per-month percentiles."""
        return list(dict.fromkeys(self.percentiles["output"]))


def _seed_sequence(seed: np.random.Generator | np.random.SeedSequence | int | None):
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator):
        # Derive a reproducible seed from the caller's Generator (SPEC 7).
        return np.random.SeedSequence(int(seed.integers(2**63)))
    return np.random.SeedSequence(seed)


def simulate(  # noqa: C901
    inputs: Inputs | None = None,
    *,
    n_paths: int = 5_000,
    months: int = 36,
    rng: np.random.Generator | int | None = None,
    seed: int | None = None,
    chunk_size: int = 32_768,
    keep_paths: bool = False,
    progress: bool = False,
    outputs: Sequence[str] = OUTPUTS,
    report_months: Sequence[int] | None = None,
    workers: int | None = None,
) -> SimulationResult:
    """Simulate ``n_paths`` futures of the company for ``months`` months.

    Parameters
    ----------
    inputs : Inputs, optional
        Defaults to ``Inputs()``, the docs/domain.md section 1 company.
    n_paths : int
        Number of paths (>= 1).
    months : int
        Horizon (>= 1); months 0 (today) to ``months`` are simulated. [month]
    rng, seed : Generator, int or None
        Source of randomness (give one; ``seed`` is an alias of an int ``rng``). Results are
        bit-identical for the same seed and ``chunk_size``.
    chunk_size : int
        Paths per chunk: memory is bounded by ``chunk_size x months`` whatever ``n_paths``.
    keep_paths : bool
        Also return every path (memory grows with ``n_paths``).
    progress : bool
        Show a tqdm progress bar (``tqdm.auto``: a widget in Jupyter), counting paths and
        advancing chunk by chunk. Setting the environment variable ``TQDM_DISABLE`` (to
        anything but "", "0", "false" or "no") hides it, read at each call.
    outputs : sequence of str
        Which of :data:`OUTPUTS` get per-month percentiles (fewer is faster).
    report_months : sequence of int, optional
        Months with percentiles; default every month. Breach statistics cover every month.
    workers : int, optional
        Threads (each chunk has its own Generator; numpy releases the GIL). Default: up to
        two, at most one per chunk. Does not change the result.

    Returns
    -------
    SimulationResult

    Raises
    ------
    ValueError
        Zero paths, a horizon of 0 months, an unknown output, a report month outside the
        horizon, a ``velocity_target`` shorter than the horizon, an uncertain input drawing
        an impossible value.
    """
    inputs = Inputs() if inputs is None else inputs
    if not isinstance(inputs, Inputs):
        raise TypeError(f"inputs must be a montecarlo.Inputs; got {type(inputs).__name__}")
    n_paths = require_integer("n_paths", n_paths, minimum=1)
    months = require_integer("months", months, minimum=1)
    chunk_size = require_integer("chunk_size", chunk_size, minimum=1)
    if seed is not None and rng is not None:
        raise ValueError("give rng or seed, not both")
    source = rng if rng is not None else seed
    unknown = [o for o in outputs if o not in OUTPUTS]
    if unknown:
        raise ValueError(f"outputs has unknown names {unknown}; choose from {OUTPUTS}")
    if report_months is None:
        rep = np.arange(months + 1)
    else:
        rep = np.unique(np.asarray(report_months, dtype=int))
        if rep.size == 0 or rep.min() < 0 or rep.max() > months:
            raise ValueError(
                f"report_months must be within [0, months={months}]; got {report_months!r}"
            )
    if inputs.velocity_target is not None and len(inputs.velocity_target) < months + 1:
        raise ValueError(
            f"velocity_target must give months 0 to {months} ({months + 1} values); got "
            f"{len(inputs.velocity_target)}"
        )
    attention, critical = inputs.thresholds()
    today = np.asarray(inputs.utilisation_avg, dtype=float)
    log_thresholds = np.log(np.stack([attention, critical], axis=1) / today[:, None])
    latency_lines = inputs.latency_lines()
    correlation = inputs.correlation()  # validated (and repaired, with a warning) once

    sizes = [chunk_size] * (n_paths // chunk_size)
    if n_paths % chunk_size:
        sizes.append(n_paths % chunk_size)
    seeds = _seed_sequence(source).spawn(len(sizes))
    n_workers = min(len(sizes), workers if workers is not None else min(2, os.cpu_count() or 1))

    def run(k: int) -> _ChunkResult:
        return _run_chunk(
            inputs, sizes[k], months, rep, tuple(outputs), seeds[k], keep_paths, log_thresholds,
            latency_lines, correlation,
        )

    bar = None
    if progress and not _tqdm_disabled():
        from tqdm.auto import tqdm

        # disable=False explicitly: tqdm reads TQDM_DISABLE only once, at import
        bar = tqdm(total=n_paths, unit="path", desc="simulate", disable=False)
    chunks: list[_ChunkResult] = []
    if n_workers <= 1:
        for k in range(len(sizes)):
            chunks.append(run(k))
            if bar is not None:
                bar.update(sizes[k])
    else:
        with ThreadPoolExecutor(max_workers=n_workers) as pool:
            # map keeps chunk order, so the combination does not depend on scheduling.
            for k, chunk in enumerate(pool.map(run, range(len(sizes)))):
                chunks.append(chunk)
                if bar is not None:
                    bar.update(sizes[k])
    if bar is not None:
        bar.close()
    return _assemble(chunks, inputs, n_paths, months, rep, outputs, source, chunk_size,
                     attention, critical, latency_lines)


def _tqdm_disabled() -> bool:
    return os.environ.get("TQDM_DISABLE", "").strip().lower() not in ("", "0", "false", "no")


def _assemble(chunks, inputs, n_paths, months, rep, outputs, source, chunk_size,
              attention, critical, latency_lines) -> SimulationResult:
    weights = np.asarray([c.n for c in chunks], dtype=float) / n_paths
    labels = [f"P{p}" for p in PERCENTILES]
    frames = []
    for name in outputs:
        stacked = np.stack([c.quantiles[name] for c in chunks])  # (chunks, pct, months)
        with np.errstate(invalid="ignore"):
            combined = np.tensordot(weights, stacked, axes=1)
        # An infinite percentile in any chunk (saturated queue) stays infinite.
        combined = np.where(np.isinf(stacked).any(axis=0), np.inf, combined)
        frame = pd.DataFrame(combined.T, columns=labels)
        frame.insert(0, "month", rep)
        frame.insert(0, "output", name)
        frames.append(frame)
    percentiles = pd.concat(frames, ignore_index=True)

    hist = np.sum([c.breach_hist for c in chunks], axis=0)  # (res, lev, months + 2)
    cdf = np.cumsum(hist[..., : months + 1], axis=-1) / n_paths
    rows, summary = [], []
    month_axis = np.arange(months + 1)
    lines = np.vstack([np.stack([attention, critical], axis=1), latency_lines])
    for i, resource in enumerate(BREACH_METRICS):
        for j, level in enumerate(LEVELS):
            rows.append(
                pd.DataFrame(
                    {
                        "resource": resource,
                        "level": level,
                        "month": month_axis,
                        "probability": cdf[i, j],
                    }
                )
            )
            entry = {"resource": resource, "level": level, "threshold": float(lines[i, j]),
                     "probability": float(cdf[i, j, -1])}
            for p, label in zip(PERCENTILES, labels, strict=True):
                # Inverted CDF of a discrete law: first month whose cdf reaches p.
                hit = np.nonzero(cdf[i, j] >= p / 100.0 - 1e-12)[0]
                entry[label] = float(hit[0]) if hit.size else np.nan
            summary.append(entry)
    breach_probability = pd.concat(rows, ignore_index=True)
    breach_summary = pd.DataFrame(summary).set_index(["resource", "level"])

    paths = inputs_drawn = breach_months = None
    if chunks[0].paths is not None:
        paths = {k: np.concatenate([c.paths[k] for c in chunks]) for k in outputs}
        inputs_drawn = pd.DataFrame(
            {k: np.concatenate([c.params[k] for c in chunks]) for k in chunks[0].params}
        )
        first = np.concatenate([c.breach_months for c in chunks]).astype(float)
        first[first > months] = np.nan
        breach_months = pd.DataFrame(
            first.reshape(n_paths, -1),
            columns=[f"{r}/{lv}" for r in BREACH_METRICS for lv in LEVELS],
        )
    seed = source if isinstance(source, int) else None
    return SimulationResult(
        percentiles=percentiles,
        breach_probability=breach_probability,
        breach_summary=breach_summary,
        paths=paths,
        inputs_drawn=inputs_drawn,
        breach_months=breach_months,
        inputs=inputs,
        n_paths=n_paths,
        months=months,
        seed=seed,
        chunk_size=chunk_size,
    )


def scenario_inputs(
    key: str, *, base: Inputs | None = None, table: pd.DataFrame | None = None
) -> Inputs:
    """Inputs for a growth scenario: ``base`` with its own 90 % growth-rate interval.

    Parameters
    ----------
    key : str
        A row of ``growth.scenarios()`` (or of ``table``).
    base : Inputs, optional
        Everything else; default ``Inputs()``.
    table : DataFrame, optional
        A scenario table (e.g. ``growth.scenarios([DEFAULT_SCENARIOS_PATH, "mine.yaml"])``).
    """
    if table is None:
        from scaling_models import growth

        table = growth.scenarios()
    if key not in table.index:
        raise ValueError(f"unknown scenario {key!r}; known: {list(table.index)}")
    row = table.loc[key]
    base = Inputs() if base is None else base
    return replace(base, growth_rate=between(float(row["growth_low"]), float(row["growth_high"])))


def compare_scenarios(
    keys: Sequence[str] | None = None,
    *,
    base: Inputs | None = None,
    table: pd.DataFrame | None = None,
    n_paths: int = 5_000,
    months: int | None = None,
    rng: np.random.Generator | int | None = None,
    **options: Any,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, SimulationResult]]:
    """Simulate several scenarios side by side.

    Each scenario uses its own growth interval (:func:`scenario_inputs`) and, unless
    ``months`` is given, the longest scenario horizon so the curves share one axis. Each
    scenario gets an independent stream spawned from ``rng``.

    Returns
    -------
    percentiles : DataFrame
        ``percentiles`` of every scenario with a leading ``scenario`` column.
    breach_summary : DataFrame
        ``breach_summary`` of every scenario, indexed by (scenario, resource, level).
    results : dict of key -> SimulationResult
    """
    if table is None:
        from scaling_models import growth

        table = growth.scenarios()
    keys = list(table.index) if keys is None else list(keys)
    if not keys:
        raise ValueError("keys must name at least one scenario; got an empty list")
    if months is None:
        months = int(table.loc[keys, "horizon_months"].max())
    streams = _seed_sequence(rng).spawn(len(keys))
    results = {
        key: simulate(scenario_inputs(key, base=base, table=table), n_paths=n_paths,
                      months=months, rng=streams[i], **options)
        for i, key in enumerate(keys)
    }
    pct = pd.concat(
        [r.percentiles.assign(scenario=k) for k, r in results.items()], ignore_index=True
    )
    pct = pct[["scenario", *[c for c in pct.columns if c != "scenario"]]]
    summary = pd.concat({k: r.breach_summary for k, r in results.items()}, names=["scenario"])
    return pct, summary, results

