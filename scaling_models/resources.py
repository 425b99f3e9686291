"""The resource registry: each capacity resource of the chain declared once.

A *resource* is something the company's load consumes and that runs out: CPU, memory, the
database and network bandwidth (docs/domain.md sections 1-3). Its utilisation is a
fraction of today's capacity [fraction, 1 = full]. Each resource is declared here once with
everything the package needs to know about it: the history columns it is measured in, the
row of the threshold table that holds its attention and critical lines, how the board
reads it, what to do when it runs out and how long that takes. Every other module reads
this registry (``montecarlo.RESOURCES``, ``report.RESOURCE_COLUMNS``,
``report.RESOURCE_LABELS``, ``report.REMEDIES``, ``calibration.ELASTICITY_COLUMNS``,
``trends.CAPACITY_METRICS``, the ``lead_*_months`` parameters): adding a resource (storage,
say) is one more :class:`Resource` in ``_DECLARED`` below, plus its history columns and
threshold row in the data.

Order matters where values are positional: registry order is the order of the deprecated
4-tuples of ``montecarlo.Inputs``.

Examples
--------
>>> from scaling_models import resources
>>> resources.keys()
('cpu', 'memory', 'db_utilisation', 'bandwidth')
>>> resources.get("db_utilisation").label
'Database'
>>> resources.get("db_utilisation").avg_column
'db_avg'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = ["Resource", "RESOURCES", "get", "keys", "labels", "lead_months"]


@dataclass(frozen=True, kw_only=True)
class Resource:
    """One capacity resource.

    Attributes
    ----------
    key : str
        Identifier used everywhere in the package (engine outputs ``<key>_avg``, breach
        rows, summary.json keys).
    column_prefix : str
        Prefix of its history columns: ``<prefix>_avg`` and ``<prefix>_peak`` (the
        monthly average and peak utilisation of ``loaders``' history schema).
    metric : str
        Row of the threshold table (``thresholds.load_thresholds()``) with its attention
        and critical lines.
    label : str
        Plain name for the board ("Database").
    unit : str
        Unit of its utilisation values.
    remedy : str
        What to do when it approaches its critical line (the remedy schedule's action).
    lead_months : float
        Default time from deciding the remedy to having the capacity. [month]
    lead_parameter : str
        Name of the report parameter that overrides ``lead_months``.
    lead_help : str
        Help text of that parameter (without the unit).
    default_avg, default_peak : float
        Today's average and peak utilisation of the docs/domain.md section 1 company, the
        defaults of ``montecarlo.Inputs``. [fraction]
    """

    key: str
    column_prefix: str
    metric: str
    label: str
    unit: str
    remedy: str
    lead_months: float
    lead_parameter: str
    lead_help: str
    default_avg: float
    default_peak: float

    def __post_init__(self) -> None:
        for name in ("key", "column_prefix", "metric", "label", "unit", "remedy",
                     "lead_parameter", "lead_help"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value:
                raise ValueError(f"Resource.{name} must be a non-empty string; got {value!r}")
        if not 0 <= self.default_avg <= self.default_peak <= 1:
            raise ValueError(
                f"Resource {self.key!r}: need 0 <= default_avg <= default_peak <= 1; got "
                f"{self.default_avg!r} and {self.default_peak!r}"
            )
        if not self.lead_months >= 0:
            raise ValueError(
                f"Resource {self.key!r}: lead_months must be >= 0; got {self.lead_months!r}"
            )

    @property
    def avg_column(self) -> str:
        """History column of the monthly average utilisation."""
        return f"{self.column_prefix}_avg"

    @property
    def peak_column(self) -> str:
        """History column of the monthly peak utilisation."""
        return f"{self.column_prefix}_peak"

    def column(self, statistic: str) -> str:
        """History column of ``statistic`` ("avg" or "peak")."""
        if statistic not in ("avg", "peak"):
            raise ValueError(f"statistic must be 'avg' or 'peak'; got {statistic!r}")
        return f"{self.column_prefix}_{statistic}"


# Utilisation today: docs/domain.md section 1. Remedies restate docs/domain.md section 9's
# levers; lead times are the board report's defaults (project assumptions: a cloud
# scale-out in a month, a database step in three).
_DECLARED: tuple[Resource, ...] = (
    Resource(key="cpu", column_prefix="cpu", metric="cpu", label="CPU", unit="fraction",
             remedy="add application capacity (scale out CPU)", lead_months=1.0,
             lead_parameter="lead_cpu_months", lead_help="lead time to add CPU capacity",
             default_avg=0.70, default_peak=0.95),
    Resource(key="memory", column_prefix="memory", metric="memory", label="Memory",
             unit="fraction", remedy="add memory (bigger instances or more of them)",
             lead_months=1.0, lead_parameter="lead_memory_months",
             lead_help="lead time to add memory", default_avg=0.60, default_peak=0.85),
    Resource(key="db_utilisation", column_prefix="db", metric="db_utilisation",
             label="Database", unit="fraction",
             remedy="scale the database (replicas / sharding / migration)", lead_months=3.0,
             lead_parameter="lead_db_months",
             lead_help="lead time of a database migration / scaling step",
             default_avg=0.80, default_peak=1.00),
    Resource(key="bandwidth", column_prefix="bandwidth", metric="bandwidth",
             label="Bandwidth", unit="fraction", remedy="add bandwidth / CDN",
             lead_months=1.0, lead_parameter="lead_bandwidth_months",
             lead_help="lead time to add bandwidth / CDN", default_avg=0.40,
             default_peak=0.70),
)

_REGISTRY: dict[str, Resource] = {r.key: r for r in _DECLARED}

#: The registry: key -> :class:`Resource`, in declaration order (read-only).
RESOURCES: Mapping[str, Resource] = MappingProxyType(_REGISTRY)


def keys() -> tuple[str, ...]:
    """Resource keys in registry order."""
    return tuple(_REGISTRY)


def get(key: str) -> Resource:
    """The resource ``key``.

    Raises
    ------
    ValueError
        If ``key`` is not a registered resource (the message lists those that are).
    """
    try:
        return _REGISTRY[key]
    except (KeyError, TypeError):
        raise ValueError(f"unknown resource {key!r}; known: {keys()}") from None


def labels() -> dict[str, str]:
    """Key -> board label, in registry order."""
    return {k: r.label for k, r in _REGISTRY.items()}


def lead_months() -> dict[str, float]:
    """Key -> default remedy lead time [month], in registry order."""
    return {k: r.lead_months for k, r in _REGISTRY.items()}
