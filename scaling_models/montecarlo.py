"""Monte Carlo engine: the growth-to-cost chain under uncertainty, month by month.

One *path* is one possible future. Per path the engine draws the uncertain inputs (monthly
growth rate, churn, load elasticity, cost exponent... see :class:`Inputs`), then per month:

1. users: log-growth :math:`\\ln(1 + r - c) + \\sigma \\varepsilon_t` with
   :math:`\\varepsilon_t \\sim N(0, 1)`, acquisition :math:`r` net of churn :math:`c` (the
   share of MAU lost each month: :math:`N_{t+1} = N_t (1 + r - c)` on average), optionally
   damped by a saturating market (a discrete logistic); or MAU paths drawn from a growth
   model (:attr:`Inputs.growth_model`, e.g. fitted on the history). MAU and transactions
   are proportional to the load ratio :math:`L_t = N_t / N_0`. With the default
   ``churn=0`` the growth rate is the *net* growth measured on MAU history;
2. utilisation of each resource of the registry (:mod:`scaling_models.resources`: cpu,
   memory, db_utilisation, bandwidth), average and peak: :math:`u_t = u_0 L_t^{e} / f_t`
   (the resource's elasticity :math:`e`, one for all or one per resource, as
   ``capacity.utilisation``; :math:`f_t` the capacity factor of a remedy plan, 1 without);
3. the first month each resource's **average** utilisation is strictly above its attention
   and critical thresholds (``thresholds.load_thresholds()`` by default), month 0 = today;
4. P95 response time at the CPU utilisation (average or peak, :attr:`Inputs.latency_load`)
   if the fleet is not scaled beyond the plan: each instance an M/M/1 queue,
   :math:`t_{95} = -\\ln(0.05)\\, S / (1 - \\rho)` [1]_, or the fleet one M/M/c queue
   (``queueing.mmc_response_time_percentile``); ``inf`` once :math:`\\rho \\ge 1`. The
   first month it is strictly above the attention (2 s) and critical (5 s) lines of the
   ``p95_response_time_s`` threshold row is exact: P95 increases with utilisation, so the
   utilisation at which it crosses each line is solved once and compared on the log-load
   scale;
5. instances needed to serve the CPU peak at the target utilisation plus redundancy;
6. infrastructure cost :math:`C_0 L_t^{b}` (``cost.infrastructure_cost``: the bill of the
   load with the capacity scaled to it) and a plan's spend (the capacity it runs replaces
   what the curve pays for: :math:`\\max(C_0 L_t^{b}, C_0 + R_t)` plus its one-offs), cost
   per user, per transaction, revenue (ARPU x MAU) and the infrastructure share of
   revenue;
7. the team: the velocity the product needs, :math:`V_t = V_0 L_t^{\\beta}` (more users,
   more features, fixes and operations; exponent :math:`\\beta`), or a velocity path given
   by the user; the developers needed for it (``team.developers_needed``: teams of at most
   ``max_team_size``, each with the communication overhead of ``team.effective_velocity``
   [4]_), the hires relative to today's team and the team's monthly cost
   (``cost.team_monthly_cost``).

Each output is computed by the model's unchecked vectorised core (``capacity._utilisation``,
``cost._infrastructure_cost``, ``queueing._mm1_percentile``...; the validated public
functions call the same cores), composed through a registry of named quantities, each
computed once per block.

Hooks for other components, called once per chunk with the chunk's Generator, in this
order after the uncertain inputs: a joint elasticity sampler
(``elasticity.sample(n, rng) -> {resource: (n,)}``), a growth model
(``growth_model.simulate(n_paths, months, rng) -> (n_paths, months + 1)`` MAU), and last a
remedy plan (``simulate(..., plan=...)``, ``plan.draw(n, months, rng) -> (capacity,
cost)``): the plan's draws come last so that every other draw is the same with or without
a plan (common random numbers). The contracts are in :class:`Inputs` and :func:`simulate`.

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

import os
import warnings
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from scaling_models import capacity, cost, periods, queueing, team
from scaling_models import resources as _resources
from scaling_models._checks import (
    as_float_array,
    renamed,
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
    "LATENCY_MODELS",
    "LATENCY_LOADS",
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

#: Resources of the chain (docs/domain.md section 1): the keys of the resource registry
#: (:mod:`scaling_models.resources`), in registry order.
RESOURCES: tuple[str, ...] = _resources.keys()
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
    "plan_cost",
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
#: Queueing models of P95 latency (:attr:`Inputs.latency_model`).
LATENCY_MODELS: tuple[str, ...] = ("mm1", "mmc")
#: Which CPU utilisation drives the queue (:attr:`Inputs.latency_load`).
LATENCY_LOADS: tuple[str, ...] = ("avg", "peak")
# The latency percentile: P95 [fraction].
_LATENCY_Q = 0.95
_DAYS_PER_MONTH = periods.DAYS_PER_MONTH


class _ByResource(Mapping):
    """A read-only ``{resource: value}`` mapping that pickles (for process or cluster
    workers), unlike ``types.MappingProxyType``."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = dict(data)

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self):
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return repr(self._data)


def _by_resource(name: str, value: Any, *, convert: bool = True) -> Mapping[str, Any]:
    """``value`` as a read-only mapping over every resource, in registry order.

    A mapping must name each resource exactly; a sequence of one value per resource (the
    old positional form) is mapped in registry order with a DeprecationWarning.
    """
    if isinstance(value, Mapping):
        unknown = [k for k in value if k not in RESOURCES]
        if unknown:
            raise ValueError(f"{name} names an unknown resource {unknown[0]!r}; the resources "
                             f"are {RESOURCES}")
        missing = [k for k in RESOURCES if k not in value]
        if missing:
            raise ValueError(f"{name} has no value for resource {missing[0]!r}; give one per "
                             f"resource {RESOURCES}")
        items = {k: value[k] for k in RESOURCES}
    elif isinstance(value, (Sequence, np.ndarray)) and not isinstance(value, str):
        if len(value) != len(RESOURCES):
            raise ValueError(
                f"{name} must give one value per resource {RESOURCES}; got {value!r}")
        items = dict(zip(RESOURCES, value, strict=True))
        warnings.warn(
            f"{name} as a sequence is deprecated; give a mapping by resource, e.g. "
            f"{name}={ {k: v for k, v in items.items()}!r}", DeprecationWarning, stacklevel=4)
    else:
        raise TypeError(f"{name} must be a mapping {{resource: value}} over {RESOURCES}; got "
                        f"{type(value).__name__}")
    if convert:
        items = {k: float(as_float_array(f"{name}[{k!r}]", v)) for k, v in items.items()}
    return _ByResource(items)


def _check_levels(attention: Mapping[str, float], critical: Mapping[str, float]) -> None:
    for key in RESOURCES:
        if float(attention[key]) > float(critical[key]):
            raise ValueError(
                f"attention[{key!r}] must not be beyond critical[{key!r}]; got attention="
                f"{attention[key]!r} and critical={critical[key]!r}")


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
    elasticity : distribution, mapping or joint sampler
        Utilisation grows as load ratio to this power. One of

        * one distribution (default PERT(0.5, 0.65, 1.0): the mode is
          ln(1.3)/ln(1.5) = 0.647, "+30 % capacity for +50 % users", docs/domain.md
          section 2): one draw per path, the same for every resource;
        * a mapping ``{resource: distribution}`` with every resource of the registry
          (:mod:`scaling_models.resources`): independent draws per resource (drawn as the
          uncertain inputs ``elasticity_<resource>``; ``rank_correlation`` cannot name
          ``elasticity`` then: use a joint sampler);
        * a joint sampler: any object with ``sample(n: int, rng: numpy.random.Generator)
          -> dict[str, numpy.ndarray]`` returning, for every resource, ``n`` positive
          elasticities (one per path; e.g. resampled jointly so that the resources'
          estimates keep their correlation). It is called once per chunk, after the
          other uncertain inputs are drawn, with the chunk's Generator.

        Each resource's elasticity drives its own utilisation and breaches; the CPU one
        also drives latency and instances. [-, > 0]
    utilisation_avg, utilisation_peak : mapping of resource -> float
        Today's utilisation of each resource of the registry, e.g. ``{"cpu": 0.70,
        "memory": 0.60, "db_utilisation": 0.80, "bandwidth": 0.40}`` (the default,
        docs/domain.md section 1). A missing or unknown resource is an error; a tuple in
        registry order still works, with a DeprecationWarning. [fraction, in [0, 1]]
    attention, critical : mapping of resource -> float, or None
        Thresholds on average utilisation per resource (attention <= critical); None reads
        ``thresholds.load_thresholds()``. Fractions: 0.7, not 70. [fraction]
    instances : int
        Today's application instances (the fleet the latency model keeps). [instances]
    service_time_s : distribution
        Mean service time per request. 0.15 s makes the M/M/1 P95 1.5 s at 70 % CPU and
        1.8 s at 75 % (the docs/domain.md section 4 dashboard). [s]
    latency_model : {"mm1", "mmc"}
        "mm1" (default): each instance an M/M/1 queue at the CPU utilisation; "mmc": the
        fleet of ``instances`` servers one M/M/c queue behind a load balancer, each server
        at the CPU utilisation (``queueing.mmc_response_time_percentile``).
    latency_load : {"avg", "peak"}
        Which CPU utilisation (``utilisation_avg`` or ``utilisation_peak``, grown with
        load) drives the queue; default "avg".
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
    growth_model : object or None
        None (default): the constant rate plus monthly noise above. Otherwise any object
        with ``simulate(n_paths: int, months: int, rng: numpy.random.Generator) ->
        numpy.ndarray`` of shape ``(n_paths, months + 1)``: MAU paths [users] whose
        column 0 is today's MAU, e.g. a model fitted on the history. The engine calls it
        once per chunk with the chunk's Generator (after the uncertain inputs are drawn)
        and uses :math:`\\ln(N_t / N_0)` as the log load ratio; ``growth_rate``,
        ``growth_volatility``, ``churn`` and ``market_size`` are then unused (still
        drawn, so other draws do not move). ``initial_users`` must equal column 0 (to
        1e-9 relative): set it to the model's last observed MAU.
    """

    initial_users: float = 50_000.0
    growth_rate: Any = field(default_factory=lambda: between(0.10, 0.225))
    growth_volatility: float = 0.03
    market_size: Any = None
    transactions_per_user_day: Any = 0.2
    elasticity: Any = field(default_factory=lambda: PERT(low=0.5, mode=0.65, high=1.0))
    utilisation_avg: Mapping[str, float] = field(default_factory=lambda: _ByResource(
        {k: r.default_avg for k, r in _resources.RESOURCES.items()}))
    utilisation_peak: Mapping[str, float] = field(default_factory=lambda: _ByResource(
        {k: r.default_peak for k, r in _resources.RESOURCES.items()}))
    attention: Mapping[str, float] | None = None
    critical: Mapping[str, float] | None = None
    instances: int = 10
    service_time_s: Any = 0.15
    latency_model: str = "mm1"
    latency_load: str = "avg"
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
    growth_model: Any = None

    def __post_init__(self) -> None:
        require_positive(initial_users=self.initial_users)
        require_nonnegative(growth_volatility=self.growth_volatility)
        for name in UNCERTAIN_INPUTS:
            value = getattr(self, name)
            if name == "elasticity":
                self._check_elasticity()
            elif value is not None or name != "market_size":
                as_distribution(value, name)
        self._check_resources()
        for name, values in (("latency_model", LATENCY_MODELS),
                             ("latency_load", LATENCY_LOADS)):
            if getattr(self, name) not in values:
                raise ValueError(f"{name} must be one of {values}; got {getattr(self, name)!r}")
        if self.growth_model is not None and not callable(
                getattr(self.growth_model, "simulate", None)):
            raise TypeError(
                "growth_model must be None or have a method simulate(n_paths, months, rng) "
                f"returning MAU paths; got {type(self.growth_model).__name__}"
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
        self._check_correlation()

    def _check_resources(self) -> None:
        for name in ("utilisation_avg", "utilisation_peak", "attention", "critical"):
            value = getattr(self, name)
            if value is None:
                continue
            value = _by_resource(name, value)
            object.__setattr__(self, name, value)  # frozen: normalise once, here
            for key, v in value.items():
                require_positive(**{f"{name}[{key!r}]": v})
                require_fraction(**{f"{name}[{key!r}]": v})
        for key in RESOURCES:
            if self.utilisation_avg[key] > self.utilisation_peak[key]:
                raise ValueError(
                    f"utilisation_avg must be <= utilisation_peak; got {key} "
                    f"{self.utilisation_avg[key]!r} and {self.utilisation_peak[key]!r}"
                )
        if self.attention is not None and self.critical is not None:
            _check_levels(self.attention, self.critical)
        elif self.attention is not None or self.critical is not None:
            self.thresholds()  # the other level from the table: checks their order

    def _check_correlation(self) -> None:
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
            if "elasticity" in pair and self.elasticity_kind() != "one":
                raise ValueError(
                    f"rank_correlation {pair} names elasticity, which is per resource here; "
                    "correlate per-resource elasticities with a joint sampler"
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

    def elasticity_kind(self) -> str:
        """How :attr:`elasticity` is given: "one", "per_resource" or "joint"."""
        if isinstance(self.elasticity, Mapping):
            return "per_resource"
        if not isinstance(self.elasticity, Distribution) and callable(
                getattr(self.elasticity, "sample", None)):
            return "joint"
        return "one"

    def _check_elasticity(self) -> None:
        kind = self.elasticity_kind()
        if kind == "per_resource":
            laws = dict(_by_resource("elasticity", self.elasticity, convert=False))
            for key, law in laws.items():
                as_distribution(law, f"elasticity[{key!r}]")
            object.__setattr__(self, "elasticity", _ByResource(laws))
        elif kind == "one":
            as_distribution(self.elasticity, "elasticity")

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
        """Attention and critical thresholds per resource, in registry order.

        None reads ``thresholds.load_thresholds()`` (the row of each resource's
        ``metric``). [fraction]
        """
        att, crit = self.attention, self.critical
        if att is None or crit is None:
            from scaling_models import thresholds

            table = thresholds.load_thresholds()
            metrics = [_resources.get(r).metric for r in RESOURCES]
            if att is None:
                att = dict(zip(RESOURCES, table.loc[metrics, "attention"], strict=True))
            if crit is None:
                crit = dict(zip(RESOURCES, table.loc[metrics, "critical"], strict=True))
            _check_levels(att, crit)
        return (np.asarray([att[r] for r in RESOURCES], dtype=float),
                np.asarray([crit[r] for r in RESOURCES], dtype=float))

    def distributions(self) -> dict[str, Distribution]:
        """The uncertain inputs as Distribution objects, in drawing order.

        ``market_size`` is omitted if None; a per-resource elasticity gives one entry
        ``elasticity_<resource>`` per resource, a joint sampler none.
        """
        out: dict[str, Distribution] = {}
        for name in UNCERTAIN_INPUTS:
            value = getattr(self, name)
            if name == "market_size" and value is None:
                continue
            if name == "elasticity" and self.elasticity_kind() == "per_resource":
                out |= {f"elasticity_{k}": as_distribution(v, f"elasticity[{k!r}]")
                        for k, v in value.items()}
            elif name != "elasticity" or self.elasticity_kind() == "one":
                out[name] = as_distribution(value, name)
        return out

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


# Rules every drawn input must obey on every path: (name, bound, strict, rule text). The
# elasticity rule covers the per-resource elasticities ``elasticity_<resource>`` too.
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
# The resource whose utilisation drives latency and instances.
_CPU = "cpu"


def _check_draws(params: Mapping[str, np.ndarray]) -> None:
    for name, bound, strict, rule in _DRAW_RULES:
        for key in params:
            if key != name and not (name == "elasticity" and key.startswith("elasticity_")):
                continue
            bad = params[key] <= bound if strict else params[key] < bound
            if np.any(bad) or (name == "elasticity" and not np.all(np.isfinite(params[key]))):
                bad = bad | ~np.isfinite(params[key])
                raise ValueError(f"{key} must be {rule} on every path; its distribution drew "
                                 f"{params[key][bad][0]!r}")
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


def _joint_elasticities(sampler: Any, n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Per-resource elasticities from a joint sampler, checked: ``elasticity_<resource>``."""
    drawn = sampler.sample(n, rng)
    if not isinstance(drawn, Mapping):
        raise TypeError(f"the elasticity sampler's sample(n, rng) must return a dict resource "
                        f"-> array; got {type(drawn).__name__}")
    unknown = [k for k in drawn if k not in RESOURCES]
    missing = [k for k in RESOURCES if k not in drawn]
    if unknown or missing:
        raise ValueError(f"the elasticity sampler must return exactly the resources {RESOURCES};"
                         f" unknown {unknown}, missing {missing}")
    out = {}
    for key in RESOURCES:
        arr = np.asarray(drawn[key], dtype=float)
        if arr.shape != (n,):
            raise ValueError(f"the elasticity sampler returned shape {arr.shape} for {key!r}; "
                             f"expected ({n},), one elasticity per path")
        out[f"elasticity_{key}"] = arr
    return out


def _draw_parameters(
    inputs: Inputs,
    n: int,
    rng: np.random.Generator,
    correlation: tuple[list[str], np.ndarray] | None = None,
) -> dict[str, np.ndarray]:
    """Per-path inputs, shape (n,) each; constants are not drawn (no uniforms spent).

    A joint elasticity sampler is called after the other inputs are drawn.
    """
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
    params = {k: params[k] for k in dists}
    if inputs.elasticity_kind() == "joint":
        params |= _joint_elasticities(inputs.elasticity, n, rng)
    _check_draws(params)
    return params


def _elasticity_key(params: Mapping[str, Any], resource: str) -> str:
    """Key of ``params`` holding the elasticity of ``resource``."""
    key = f"elasticity_{resource}"
    return key if key in params else "elasticity"


@dataclass(frozen=True)
class _PlanDraw:
    """One chunk's draw of a plan: time-major (months, n) capacity factors and spend, and
    of the spend the running capacity (0 when the plan does not say)."""

    capacity: dict[str, np.ndarray]
    cost: np.ndarray
    running: np.ndarray

    def rows(self, index: np.ndarray) -> _PlanDraw:
        return _PlanDraw({k: v[index] for k, v in self.capacity.items()}, self.cost[index],
                         self.running[index])


def _draw_plan(plan: Any, n: int, months: int, rng: np.random.Generator) -> _PlanDraw:
    """``plan.draw(n, months, rng)``, checked against the contract of :func:`simulate`."""
    drawn = plan.draw(n, months, rng)
    if not isinstance(drawn, tuple) or len(drawn) != 2 or not isinstance(drawn[0], Mapping):
        raise TypeError("plan.draw(n, months, rng) must return (capacity, cost): a dict "
                        "resource -> array and an array")
    capacity, spend = drawn
    shape = (months + 1, n)
    unknown = [k for k in capacity if k not in RESOURCES]
    if unknown:
        raise ValueError(f"plan capacity names an unknown resource {unknown[0]!r}; the "
                         f"resources are {RESOURCES}")
    factors = {}
    for key, value in capacity.items():
        arr = np.asarray(value, dtype=float)
        if arr.shape != shape:
            raise ValueError(f"plan capacity[{key!r}] must have shape (months + 1, n) = "
                             f"{shape}; got {arr.shape}")
        if not np.all(np.isfinite(arr) & (arr > 0)):
            raise ValueError(f"plan capacity[{key!r}] must be finite factors > 0; got "
                             f"{arr[~(np.isfinite(arr) & (arr > 0))][0]!r}")
        factors[key] = arr
    spend = np.asarray(spend, dtype=float)
    if spend.shape != shape or not np.all(np.isfinite(spend)):
        raise ValueError(f"plan cost must be finite with shape (months + 1, n) = {shape}; got "
                         f"shape {spend.shape}")
    running = np.zeros(shape)
    if callable(getattr(plan, "running_cost", None)):
        given = np.asarray(plan.running_cost(months), dtype=float)
        if given.shape != (months + 1,) or not np.all(np.isfinite(given) & (given >= 0)):
            raise ValueError(f"plan.running_cost(months) must be finite spend >= 0 with shape "
                             f"(months + 1,) = {(months + 1,)}; got shape {given.shape}")
        running = np.repeat(given[:, None], n, axis=1)
        if np.any(running > spend + 1e-9 * np.abs(spend)):
            raise ValueError("plan.running_cost(months) must be part of the plan's cost; it "
                             "exceeds it in some month")
    return _PlanDraw(factors, spend, running)


class _Chain:
    """The chain's quantities for one block of log load ratios, each computed once.

    ``self[name]`` computes a quantity by its entry of :data:`_QUANTITIES` (a function of
    the chain that reads the quantities it depends on as ``chain[other]``) and caches it.
    """

    def __init__(self, log_ratio, params, inputs, month_index=None, plan=None):
        self.log_ratio = log_ratio
        self.params = params
        self.inputs = inputs
        self.month_index = month_index
        self.plan = plan
        self._cache: dict[str, np.ndarray] = {}

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self._cache:
            self._cache[name] = _QUANTITIES[name](self)
        return self._cache[name]

    def load_factor(self, resource: str) -> np.ndarray:
        """:math:`L^{e}` with the elasticity of ``resource`` (shared when resources share it)."""
        return self[f"load_factor:{_elasticity_key(self.params, resource)}"]

    def capacity(self, resource: str) -> np.ndarray | None:
        """The plan's capacity factor of ``resource``, or None (today's capacity)."""
        return None if self.plan is None else self.plan.capacity.get(resource)

    def utilisation(self, resource: str, today: float) -> np.ndarray:
        """Utilisation from today's value: :math:`u_0 L^{e}` over the plan's capacity."""
        u = today * self.load_factor(resource)
        factor = self.capacity(resource)
        return u if factor is None else u / factor


def _velocity(q: _Chain) -> np.ndarray:
    inputs, lr = q.inputs, q.log_ratio
    if inputs.velocity_target is None:
        # V_t = V_0 L_t^beta: the velocity the product needs (module docstring, step 7)
        return inputs.current_velocity * np.exp(lr * q.params["velocity_exponent"])
    rows = (np.arange(lr.shape[0]) if q.month_index is None
            else np.asarray(q.month_index, dtype=int))
    target = np.asarray(inputs.velocity_target, dtype=float)[rows]
    return np.broadcast_to(target.reshape((-1,) + (1,) * (lr.ndim - 1)), lr.shape)


def _latency(q: _Chain) -> np.ndarray:
    """P95 response time of the fleet at the CPU utilisation (``latency_load``)."""
    inputs = q.inputs
    today = (inputs.utilisation_avg if inputs.latency_load == "avg"
             else inputs.utilisation_peak)[_CPU]
    rho = q.utilisation(_CPU, today)
    s = q.params["service_time_s"]
    if inputs.latency_model == "mm1":
        return queueing._mm1_percentile(rho, s, _LATENCY_Q)
    factor = q.capacity(_CPU)
    servers = inputs.instances
    if factor is not None:
        # the fleet grows with the CPU factor, in whole servers sharing today's demand
        fleet = inputs.instances * factor
        servers = np.maximum(np.rint(fleet), 1.0)
        rho = rho * fleet / servers
    return queueing._mmc_percentile(servers, rho, s, _LATENCY_Q)


def _instances(q: _Chain) -> np.ndarray:
    """Instances of today's size that serve the CPU peak at the target utilisation."""
    inputs = q.inputs
    peak_load = inputs.utilisation_peak[_CPU] * q.load_factor(_CPU) * inputs.instances
    return capacity._instances_needed(peak_load, 1.0, inputs.target_utilisation,
                                      inputs.redundancy)


def _infra_cost(q: _Chain) -> np.ndarray:
    """The cost curve :math:`C_0 L^b`, with a plan :math:`\\max(C_0 L^b, C_0 + R) + O`.

    The curve is the bill of the load with the capacity scaled to it, so the capacity a
    plan runs (:math:`R`, its running cost) replaces what the curve's growth pays for
    instead of adding to it; the rest of its spend (:math:`O`, one-off work) adds.
    """
    c0 = q.params["base_monthly_cost"]
    base = cost._infrastructure_cost(q.log_ratio, c0, q.params["scale_exponent"])
    if q.plan is None:
        return base
    running = q.plan.running
    return np.maximum(base, c0 + running) + (q.plan.cost - running)


def _developers(q: _Chain) -> np.ndarray:
    inputs = q.inputs
    return team.developers_needed(
        q["velocity_needed"], inputs.velocity_per_developer(),
        max_team_size=inputs.max_team_size,
        hours_per_channel_per_week=inputs.hours_per_channel_per_week,
    )


def _utilisation_output(resource: str, kind: str) -> Callable[[_Chain], np.ndarray]:
    def compute(q: _Chain) -> np.ndarray:
        today = q.inputs.utilisation_avg if kind == "avg" else q.inputs.utilisation_peak
        return q.utilisation(resource, today[resource])

    return compute


def _load_factor(source: str) -> Callable[[_Chain], np.ndarray]:
    def compute(q: _Chain) -> np.ndarray:
        return capacity._utilisation(1.0, q.log_ratio, q.params[source])

    return compute


# The registry of named quantities: name -> function of the chain. Every output of
# OUTPUTS is one; the others are shared intermediates. Each formula is the model's core
# (capacity._utilisation, cost._infrastructure_cost, queueing._mm1_percentile...).
_QUANTITIES: dict[str, Callable[[_Chain], np.ndarray]] = {
    "ratio": lambda q: np.exp(q.log_ratio),
    **{f"load_factor:{source}": _load_factor(source)
       for source in ("elasticity", *(f"elasticity_{r}" for r in RESOURCES))},
    "mau": lambda q: q.inputs.initial_users * q["ratio"],
    "transactions_per_day": lambda q: q["mau"] * q.params["transactions_per_user_day"],
    **{f"{r}_{k}": _utilisation_output(r, k) for r in RESOURCES for k in ("avg", "peak")},
    "p95_latency_s": _latency,
    "instances": _instances,
    "infra_cost": _infra_cost,
    "plan_cost": lambda q: (np.zeros(q.log_ratio.shape) if q.plan is None
                            else np.array(q.plan.cost, dtype=float)),
    "cost_per_user": lambda q: cost._cost_per_unit(q["infra_cost"], q["mau"]),
    "cost_per_transaction": lambda q: cost._cost_per_unit(
        q["infra_cost"], q["transactions_per_day"] * _DAYS_PER_MONTH),
    "revenue": lambda q: cost._revenue(q["mau"], q.params["arpu"]),
    "infra_share": lambda q: cost._cost_per_unit(q["infra_cost"], q["revenue"]),
    "velocity_needed": lambda q: np.array(_velocity(q), dtype=float),
    "developers": _developers,
    "hires": lambda q: np.maximum(q["developers"] - q.inputs.team_size, 0.0),
    "team_cost": lambda q: cost._team_monthly_cost(q["developers"],
                                                    q.inputs.developer_annual_cost),
}


def chain_outputs(
    log_ratio: np.ndarray,
    params: Mapping[str, np.ndarray],
    inputs: Inputs,
    names: Sequence[str] = OUTPUTS,
    *,
    month_index: Sequence[int] | None = None,
    plan: Any = None,
) -> dict[str, np.ndarray]:
    """Per-month outputs from log load ratios; the formulas of the module docstring.

    Parameters
    ----------
    log_ratio : ndarray, shape (..., n_paths)
        :math:`\\ln(N_t / N_0)`; per-path parameters broadcast on the last axis.
    params : mapping of name -> ndarray, shape (n_paths,)
        Drawn uncertain inputs (per-resource elasticities as ``elasticity_<resource>``).
    inputs : Inputs
        The constants.
    names : sequence of str
        Which of :data:`OUTPUTS` to compute.
    month_index : sequence of int, optional
        Month of each row (axis 0) of ``log_ratio``, needed only with
        ``inputs.velocity_target``; default 0, 1, 2...
    plan : object, optional
        A drawn plan (capacity factors and spend with the shape of ``log_ratio``), as
        :func:`simulate` passes it; None for today's capacity.

    Returns
    -------
    dict of name -> ndarray, shape of ``log_ratio``
    """
    unknown = [name for name in names if name not in OUTPUTS]
    if unknown:
        raise ValueError(f"unknown output {unknown[0]!r}; choose from {OUTPUTS}")
    chain = _Chain(log_ratio, params, inputs, month_index, plan)
    return {name: chain[name] for name in names}


def _log_paths(
    params: Mapping[str, np.ndarray], inputs: Inputs, months: int, rng: np.random.Generator
) -> np.ndarray:
    """Log load ratio, time-major (months + 1, n): row 0 is 0 (today)."""
    n = params["growth_rate"].shape[0]
    if inputs.growth_model is not None:
        return _model_log_paths(inputs, n, months, rng)
    lr = np.empty((months + 1, n))
    lr[0] = 0.0
    rng.standard_normal(out=lr[1:])
    drift = np.log1p(params["growth_rate"] - params["churn"])
    log_cap = (np.log(params["market_size"] / inputs.initial_users)
               if "market_size" in params else None)
    # Block by paths so that scaling, drift and the cumulative sum run on a block that stays
    # in cache (per-path arithmetic: the same numbers as on the whole chunk at once).
    for start in range(0, n, _BLOCK):
        cols = slice(start, min(start + _BLOCK, n))
        block, steps = lr[:, cols], lr[1:, cols]
        np.multiply(steps, inputs.growth_volatility, out=steps)
        np.add(steps, drift[cols], out=steps)
        if log_cap is None:
            # A row loop: numpy's cumsum along axis 0 of a C-ordered array is ~10x slower.
            for t in range(1, months + 1):
                np.add(block[t - 1], block[t], out=block[t])
        else:
            # Discrete logistic in log space: growth damped by the share of the market left.
            for t in range(1, months + 1):
                room = 1.0 - np.exp(block[t - 1] - log_cap[cols])
                block[t] = block[t - 1] + steps[t - 1] * room
    return lr


def _model_log_paths(inputs: Inputs, n: int, months: int, rng: np.random.Generator):
    """Log load ratio from ``inputs.growth_model``'s MAU paths, time-major, checked."""
    paths = np.asarray(inputs.growth_model.simulate(n, months, rng), dtype=float)
    if paths.shape != (n, months + 1):
        raise ValueError(f"growth_model.simulate(n_paths, months, rng) must return shape "
                         f"(n_paths, months + 1) = {(n, months + 1)}; got {paths.shape}")
    if not np.all(np.isfinite(paths) & (paths > 0)):
        raise ValueError("growth_model.simulate returned MAU that are not finite and > 0")
    if not np.allclose(paths[:, 0], inputs.initial_users, rtol=1e-9, atol=0.0):
        raise ValueError(
            f"growth_model's paths start at {paths[0, 0]!r} users but initial_users is "
            f"{inputs.initial_users!r}: set initial_users to the model's month-0 MAU")
    return np.ascontiguousarray(np.log(paths / paths[:, :1]).T)


def _order_statistics(values: np.ndarray) -> np.ndarray:
    """Percentiles along axis 1 by the inverted CDF (numpy's ``method="inverted_cdf"``).

    The k-th smallest value with k = ceil(q n), the first value whose empirical CDF
    reaches q, read from one sort instead of ``np.quantile``'s general machinery.
    """
    n = values.shape[1]
    q = np.asarray(PERCENTILES, dtype=float) / 100.0
    # round() first: 0.05 * 20_000 is 1000.0000000000001 in floating point
    k = np.maximum(np.ceil(np.round(q * n, 9)).astype(int) - 1, 0)
    # a full SIMD sort is about twice as fast as a 7-pivot partition at 32 K paths, and
    # the k-th smallest value does not depend on the algorithm
    return np.sort(values, axis=1)[:, k].T  # (n_percentiles, rows)


def _monotone_base(name: str, inputs: Inputs, constant: Collection[str],
                   plan: _PlanDraw | None) -> str | None:
    """The per-path variable ``name`` is a nondecreasing function of in this run, or None.

    "log_ratio" (:math:`\\ln L`) or "load:<resource>" (:math:`e \\ln L` with that
    resource's elasticity). A percentile of an increasing function of one variable is that
    function of the variable's percentile, so outputs sharing a base cost one partition.
    """
    def needs(*names: str) -> bool:
        return all(n in constant for n in names)

    if name == "mau" or (name == "plan_cost" and plan is None):
        return "log_ratio"  # plan_cost: 0 whatever the path
    if name in ("transactions_per_day", "revenue"):
        return "log_ratio" if needs({"transactions_per_day": "transactions_per_user_day"}
                                    .get(name, "arpu")) else None
    if name in TEAM_OUTPUTS:
        # nondecreasing in V = V0 exp(beta ln L) (unless V is a user path)
        ok = inputs.velocity_target is None and needs("velocity_exponent")
        return "log_ratio" if ok else None
    resource = name.rsplit("_", 1)[0]
    if resource in RESOURCES and name.endswith(("_avg", "_peak")):
        return None if plan is not None and resource in plan.capacity else f"load:{resource}"
    if name == "instances":
        return f"load:{_CPU}"
    if name == "p95_latency_s" and needs("service_time_s"):
        return None if plan is not None and _CPU in plan.capacity else f"load:{_CPU}"
    return None


def _chunk_quantiles(
    log_ratio: np.ndarray, params: Mapping[str, np.ndarray], inputs: Inputs,
    outputs: Sequence[str], report_months: np.ndarray | None = None,
    plan: _PlanDraw | None = None,
) -> dict[str, np.ndarray]:
    """Percentiles (n_percentiles, n_months) of each output for one chunk."""
    constant = {k: v[0] for k, v in params.items() if np.all(v == v[0])}
    bases = {o: _monotone_base(o, inputs, constant, plan) for o in outputs}
    direct = [o for o in outputs if bases[o] is None]
    values = chain_outputs(log_ratio, params, inputs, direct, month_index=report_months,
                           plan=plan)
    quantiles = {name: _order_statistics(values[name]) for name in direct}
    scalar = {k: np.float64(v) for k, v in constant.items()}
    for base in dict.fromkeys(b for b in bases.values() if b is not None):
        names = [o for o in outputs if bases[o] == base]
        if base == "log_ratio":
            q_x, fed = _order_statistics(log_ratio), {**params, **scalar}
        else:
            # utilisation depends on e * ln(ratio) only: feed its percentiles with e = 1
            key = _elasticity_key(params, base.split(":", 1)[1])
            q_x = _order_statistics(log_ratio * params[key])
            fed = {k: v for k, v in {**params, **scalar}.items()
                   if not k.startswith("elasticity")} | {"elasticity": 1.0}
        quantiles |= chain_outputs(q_x, fed, inputs, names)
    return {k: quantiles[k] for k in outputs}


@dataclass(frozen=True, kw_only=True)
class _ChunkResult:
    n: int
    quantiles: dict[str, np.ndarray]  # name -> (n_percentiles, n_report_months)
    breach_hist: np.ndarray  # (n_resources, n_levels, months + 2) counts; last = never
    paths: dict[str, np.ndarray] | None
    params: dict[str, np.ndarray] | None
    breach_months: np.ndarray | None  # (n, n_resources, n_levels), months + 1 = never


def _latency_utilisation_lines(inputs: Inputs, service_time_s: np.ndarray,
                               lines: tuple[float, float]) -> list[np.ndarray]:
    """CPU utilisation at which P95 latency reaches each line (per path when S varies).

    P95 increases with utilisation in both queueing models, so "P95 > line" is
    "utilisation > this": solved once per line (``queueing._mm1_utilisation_at``, or
    ``_mmc_utilisation_at`` by bisection for a fleet); 0 when the line is crossed at any
    load (a breach in month 0).
    """
    s = service_time_s
    s = s[0] if np.all(s == s[0]) else s
    if inputs.latency_model == "mm1":
        return [queueing._mm1_utilisation_at(line, s, _LATENCY_Q) for line in lines]
    return [queueing._mmc_utilisation_at(inputs.instances, line, s, _LATENCY_Q)
            for line in lines]


def _running_max(values: np.ndarray) -> np.ndarray:
    """Running maximum along axis 0 (months), in place."""
    # A row loop: numpy's maximum.accumulate along axis 0 of a C-ordered array is slower.
    for t in range(1, values.shape[0]):
        np.maximum(values[t - 1], values[t], out=values[t])
    return values


# Paths per block of the breach count: a block of months x paths float64 (1.2 MB at 37
# months) stays in a core's L2 cache while every line is compared with it, 3-6x faster
# than streaming the whole chunk from memory once per line.
_BLOCK = 4096


def _count_at_or_below(top: np.ndarray, limit: Any, flags: np.ndarray) -> np.ndarray:
    """Per path (column), how many months of ``top`` are <= ``limit``.

    ``top`` is nondecreasing along axis 0, so this is the first month above ``limit``
    (months + 1 = never). Counted as bytes: months + 1 < 256 in every use, and a uint8
    sum is several times faster than ``count_nonzero`` along an axis.
    """
    np.less_equal(top, limit, out=flags)
    return flags.view(np.uint8).sum(axis=0, dtype=np.uint8 if top.shape[0] < 256 else np.intp)


def _block(value: Any, columns: slice) -> Any:
    return value[columns] if np.ndim(value) else value


def _breach_months(lr, params, inputs, log_thresholds, latency_lines, plan) -> np.ndarray:
    """First month above each line: (n_breach_metrics, n_levels, n) [month]."""
    months_plus_one, n = lr.shape
    out = np.empty((len(BREACH_METRICS), len(LEVELS), n), dtype=np.int64)
    # Utilisation u0 L^e exceeds u_thr iff ln L > ln(u_thr / u0) / e (e > 0): the running
    # max of ln L is computed once for every line, exact and cheaper than comparing
    # u0 L^e itself. With a plan's capacity factor f the compared quantity is
    # e ln L - ln f, whose running maximum is taken per resource.
    limits = {}
    for i, resource in enumerate(RESOURCES):
        e = params[_elasticity_key(params, resource)]
        e = e[0] if np.all(e == e[0]) else e
        if plan is None or resource not in plan.capacity:
            limits[i] = [row / e for row in log_thresholds[i]]
    latency_direct = plan is not None and _CPU in plan.capacity
    if latency_direct:
        p95 = chain_outputs(lr, params, inputs, ["p95_latency_s"], plan=plan)["p95_latency_s"]
        above = np.stack([p95 > line for line in latency_lines])  # (levels, months, n)
        out[-1] = np.where(above.any(axis=1), above.argmax(axis=1), months_plus_one)
    else:
        today = (inputs.utilisation_avg if inputs.latency_load == "avg"
                 else inputs.utilisation_peak)[_CPU]
        e = params[_elasticity_key(params, _CPU)]
        e = e[0] if np.all(e == e[0]) else e
        rho = _latency_utilisation_lines(inputs, params["service_time_s"], latency_lines)
        with np.errstate(divide="ignore"):
            limits[len(RESOURCES)] = [np.log(r / today) / e for r in rho]
    flags = np.empty((months_plus_one, min(n, _BLOCK)), dtype=bool)
    buffer = np.empty((months_plus_one, min(n, _BLOCK)))
    for start in range(0, n, _BLOCK):
        cols = slice(start, min(start + _BLOCK, n))
        top = buffer[:, : cols.stop - start]
        top[0] = lr[0, cols]
        for t in range(1, months_plus_one):
            np.maximum(top[t - 1], lr[t, cols], out=top[t])
        mask = flags[:, : top.shape[1]]
        for i, rows in limits.items():
            for j, limit in enumerate(rows):
                out[i, j, cols] = _count_at_or_below(top, _block(limit, cols), mask)
        for i, resource in enumerate(RESOURCES):
            if i not in limits:
                e = _block(params[_elasticity_key(params, resource)], cols)
                z = _running_max(lr[:, cols] * e - np.log(plan.capacity[resource][:, cols]))
                for j, limit in enumerate(log_thresholds[i]):
                    out[i, j, cols] = _count_at_or_below(z, limit, mask)
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
    plan: Any = None,
) -> _ChunkResult:
    rng = np.random.Generator(np.random.SFC64(seed))
    params = _draw_parameters(inputs, n, rng, correlation)
    lr = _log_paths(params, inputs, months, rng)
    # the plan's random numbers come last: every other draw is the same with or without
    # a plan, so candidate plans are compared on common random numbers
    drawn = None if plan is None else _draw_plan(plan, n, months, rng)
    first = _breach_months(lr, params, inputs, log_thresholds, latency_lines, drawn)
    hist = np.zeros((*first.shape[:2], months + 2), dtype=np.int64)
    for i in range(first.shape[0]):
        for j in range(first.shape[1]):
            hist[i, j] = np.bincount(first[i, j], minlength=months + 2)
    quantiles = _chunk_quantiles(lr[report_months], params, inputs, outputs, report_months,
                                 None if drawn is None else drawn.rows(report_months))
    paths = None
    if keep_paths:
        paths = {k: v.T.copy() for k, v in
                 chain_outputs(lr, params, inputs, outputs, plan=drawn).items()}
    return _ChunkResult(
        n=n,
        quantiles=quantiles,
        breach_hist=hist,
        paths=paths,
        params=params if keep_paths else None,
        breach_months=first.transpose(2, 0, 1).astype(np.int16) if keep_paths else None,
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
    inputs, n_paths, months, seed, chunk_size, plan
        How it was run (``plan`` None without a plan).
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
    plan: Any = None

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


def simulate(
    inputs: Inputs | None = None,
    *,
    plan: Any = None,
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
    scheduler: Any = None,
) -> SimulationResult:
    """Simulate ``n_paths`` futures of the company for ``months`` months.

    Parameters
    ----------
    inputs : Inputs, optional
        Defaults to ``Inputs()``, the docs/domain.md section 1 company.
    plan : object, optional
        A remedy plan: any object with ``draw(n: int, months: int, rng:
        numpy.random.Generator) -> (capacity, cost)`` where ``capacity`` is a dict
        resource -> ndarray of shape ``(months + 1, n)`` of multiplicative capacity
        factors (1 = today's capacity, > 0; a resource left out keeps today's) and
        ``cost`` an ndarray ``(months + 1, n)`` of the plan's extra spend in each month
        [currency/month] (one-off costs in the month paid). It is called once per chunk
        with the chunk's Generator, after every other draw, so that all other random
        numbers are the same with and without a plan (common random numbers across
        candidate plans). With a plan, utilisation is today's utilisation x
        :math:`L^e` / capacity factor (breaches on that); the CPU factor grows the fleet
        in proportion (latency: each instance at the CPU utilisation, or an M/M/c fleet
        of round(instances x factor) servers sharing the demand); ``instances`` (the
        instances of today's size the CPU peak needs) is unchanged; ``plan_cost`` is the
        plan's cost. The plan may also have ``running_cost(months) -> ndarray (months +
        1,)``: the part of ``cost`` that runs capacity in each month, which the cost
        curve :math:`C_0 L^b` (the bill of the load with the capacity scaled to it)
        already pays for as load grows; ``infra_cost`` is then
        :math:`\\max(C_0 L^b, C_0 + \\text{running})` plus the rest of ``cost``, and
        without it the curve plus ``cost``. Without a plan, results are those of today's
        capacity.
    n_paths : int
        Number of paths (>= 1).
    months : int
        Horizon (>= 1); months 0 (today) to ``months`` are simulated. [month]
    rng : Generator, int or None
        Source of randomness. Results are bit-identical for the same seed and
        ``chunk_size``.
    seed : int or None
        Deprecated alias of an int ``rng`` (a DeprecationWarning; removed next release).
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
    scheduler : None, str or dask.distributed.Client
        None (default): the chunks run on ``workers`` threads here, without Dask. Otherwise
        each chunk is a Dask task (:func:`scaling_models.cluster.run_tasks`): ``"threads"``
        or ``"processes"`` (Dask's local schedulers), a ``dask.distributed.Client``, or a
        scheduler address ``"tcp://host:8786"`` (the workers need scaling_models
        installed). The result is bit-identical to the local run with the same seed and
        ``chunk_size``; ``inputs`` and ``plan`` must pickle. Give ``workers`` or
        ``scheduler``, not both.

    Returns
    -------
    SimulationResult

    Raises
    ------
    ValueError
        Zero paths, a horizon of 0 months, an unknown output, a report month outside the
        horizon, a ``velocity_target`` shorter than the horizon, an uncertain input drawing
        an impossible value; both ``workers`` and ``scheduler``.
    scaling_models.cluster.SchedulerUnreachableError, WorkerEnvironmentError, WorkerLostError
        With a ``scheduler``: the address did not answer, a worker lacks the package,
        workers kept dying on a chunk.
    """
    inputs = Inputs() if inputs is None else inputs
    if not isinstance(inputs, Inputs):
        raise TypeError(f"inputs must be a montecarlo.Inputs; got {type(inputs).__name__}")
    if plan is not None and not callable(getattr(plan, "draw", None)):
        raise TypeError("plan must be None or have a method draw(n, months, rng) returning "
                        f"(capacity, cost); got {type(plan).__name__}")
    n_paths = require_integer("n_paths", n_paths, minimum=1)
    months = require_integer("months", months, minimum=1)
    chunk_size = require_integer("chunk_size", chunk_size, minimum=1)
    source = renamed("simulate", "seed", seed, "rng", rng, None)
    rep = _check_run(inputs, months, outputs, report_months)
    attention, critical = inputs.thresholds()
    today = np.asarray([inputs.utilisation_avg[r] for r in RESOURCES], dtype=float)
    log_thresholds = np.log(np.stack([attention, critical], axis=1) / today[:, None])
    latency_lines = inputs.latency_lines()
    correlation = inputs.correlation()  # validated (and repaired, with a warning) once

    sizes = [chunk_size] * (n_paths // chunk_size)
    if n_paths % chunk_size:
        sizes.append(n_paths % chunk_size)
    seeds = _seed_sequence(source).spawn(len(sizes))
    if scheduler is not None and workers is not None:
        raise ValueError(f"give workers (local threads) or scheduler (Dask), not both; got "
                         f"workers={workers!r} and scheduler={scheduler!r}")
    items = [(inputs, size, months, rep, tuple(outputs), seeds[k], keep_paths, log_thresholds,
              latency_lines, correlation, plan) for k, size in enumerate(sizes)]
    bar = None
    if progress and not _tqdm_disabled():
        from tqdm.auto import tqdm

        # disable=False explicitly: tqdm reads TQDM_DISABLE only once, at import
        bar = tqdm(total=n_paths, unit="path", desc="simulate", disable=False)
    try:
        chunks = _run_chunks(items, workers, scheduler,
                             None if bar is None else lambda k: bar.update(sizes[k]))
    finally:
        if bar is not None:
            bar.close()
    result = _assemble(chunks, inputs, n_paths, months, rep, outputs, source, chunk_size,
                       attention, critical, latency_lines)
    return result if plan is None else replace(result, plan=plan)


def _run_chunks(items: list[tuple], workers: int | None, scheduler: Any,
                on_done: Callable[[int], None] | None) -> list[_ChunkResult]:
    """``_run_chunk(*args)`` for each chunk, in chunk order: on Dask tasks when a scheduler
    is given, else on local threads (default up to two, at most one per chunk)."""
    if scheduler is not None:
        from scaling_models import cluster

        return cluster.run_tasks(_run_chunk, items, scheduler=scheduler, name="simulate-chunk",
                                 on_done=on_done)
    n_workers = min(len(items), workers if workers is not None else min(2, os.cpu_count() or 1))
    chunks: list[_ChunkResult] = []
    with ThreadPoolExecutor(max_workers=max(n_workers, 1)) as pool:
        # map keeps chunk order, so the combination does not depend on scheduling; one
        # worker runs the chunks one after the other
        results = (map(lambda a: _run_chunk(*a), items) if n_workers <= 1
                   else pool.map(lambda a: _run_chunk(*a), items))
        for k, chunk in enumerate(results):
            chunks.append(chunk)
            if on_done is not None:
                on_done(k)
    return chunks


def _check_run(inputs: Inputs, months: int, outputs: Sequence[str],
               report_months: Sequence[int] | None) -> np.ndarray:
    """Check the outputs and horizon of a run; return the reported months."""
    unknown = [o for o in outputs if o not in OUTPUTS]
    if unknown:
        raise ValueError(f"outputs has unknown names {unknown}; choose from {OUTPUTS}")
    if inputs.velocity_target is not None and len(inputs.velocity_target) < months + 1:
        raise ValueError(
            f"velocity_target must give months 0 to {months} ({months + 1} values); got "
            f"{len(inputs.velocity_target)}"
        )
    if report_months is None:
        return np.arange(months + 1)
    rep = np.unique(np.asarray(report_months, dtype=int))
    if rep.size == 0 or rep.min() < 0 or rep.max() > months:
        raise ValueError(
            f"report_months must be within [0, months={months}]; got {report_months!r}"
        )
    return rep


def _tqdm_disabled() -> bool:
    return os.environ.get("TQDM_DISABLE", "").strip().lower() not in ("", "0", "false", "no")


def _assemble(chunks, inputs, n_paths, months, rep, outputs, source, chunk_size,
              attention, critical, latency_lines) -> SimulationResult:
    weights = np.asarray([c.n for c in chunks], dtype=float) / n_paths
    labels = [f"P{p}" for p in PERCENTILES]
    blocks = []
    for name in outputs:
        stacked = np.stack([c.quantiles[name] for c in chunks])  # (chunks, pct, months)
        with np.errstate(invalid="ignore"):
            combined = np.tensordot(weights, stacked, axes=1)
        # An infinite percentile in any chunk (saturated queue) stays infinite.
        blocks.append(np.where(np.isinf(stacked).any(axis=0), np.inf, combined).T)
    # one frame built from whole columns: pandas' per-frame overhead dominated a redraw
    values = np.concatenate(blocks) if blocks else np.empty((0, len(labels)))
    percentiles = pd.DataFrame({
        "output": np.repeat(np.asarray(list(outputs), dtype=object), len(rep)),
        "month": np.tile(rep, len(outputs)),
        **{label: values[:, i] for i, label in enumerate(labels)},
    })

    hist = np.sum([c.breach_hist for c in chunks], axis=0)  # (res, lev, months + 2)
    cdf = np.cumsum(hist[..., : months + 1], axis=-1) / n_paths
    summary = []
    lines = np.vstack([np.stack([attention, critical], axis=1), latency_lines])
    pairs = [(r, lv) for r in BREACH_METRICS for lv in LEVELS]
    breach_probability = pd.DataFrame({
        "resource": np.repeat(np.asarray([r for r, _ in pairs], dtype=object), months + 1),
        "level": np.repeat(np.asarray([lv for _, lv in pairs], dtype=object), months + 1),
        "month": np.tile(np.arange(months + 1), len(pairs)),
        "probability": cdf.reshape(-1),
    })
    for i, resource in enumerate(BREACH_METRICS):
        for j, level in enumerate(LEVELS):
            entry = {"resource": resource, "level": level, "threshold": float(lines[i, j]),
                     "probability": float(cdf[i, j, -1])}
            for p, label in zip(PERCENTILES, labels, strict=True):
                # Inverted CDF of a discrete law: first month whose cdf reaches p.
                hit = np.nonzero(cdf[i, j] >= p / 100.0 - 1e-12)[0]
                entry[label] = float(hit[0]) if hit.size else np.nan
            summary.append(entry)
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

    A growth model of ``base`` (:attr:`Inputs.growth_model`, e.g. fitted on the history) is
    dropped: it would override the scenario's interval, and every scenario would grow alike.

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
    return replace(base, growth_rate=between(float(row["growth_low"]), float(row["growth_high"])),
                   growth_model=None)


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

