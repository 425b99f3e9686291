"""scaling_models: capacity planning for a startup in hyper-growth.

Models of user growth, infrastructure capacity, cost, team scaling and technical-debt
ROI, the threshold tables that turn metrics into statuses, calibration on the company's
own history, and a vectorised Monte Carlo engine that runs them under uncertainty.
Units: months, rates per month, latency in seconds, money in the major unit of one
currency, utilisation and shares as fractions in [0, 1].

Submodules are imported lazily (``sm.montecarlo`` loads on first use), so that a widget
callback or a command-line check does not pay for scipy or matplotlib it does not need.
"""

import importlib

__version__ = "0.1.0"

__all__ = [
    "batch",
    "calibration",
    "capacity",
    "charts",
    "cluster",
    "company",
    "cost",
    "debt",
    "distributions",
    "growth",
    "hiring",
    "loaders",
    "montecarlo",
    "notebook_io",
    "panels",
    "parameters",
    "periods",
    "plan_grid",
    "plan_report",
    "plans",
    "portfolio",
    "presentation",
    "queueing",
    "report",
    "resources",
    "sensitivity",
    "signals",
    "team",
    "thresholds",
    "trends",
    "usl",
    "whatif",
]


def __getattr__(name: str):
    if name in __all__:
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'scaling_models' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *__all__])
