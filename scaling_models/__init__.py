"""scaling_models: capacity planning for a startup in hyper-growth.

Models of user growth, infrastructure capacity, cost, team scaling and technical-debt
ROI, the threshold tables that turn metrics into statuses, and a vectorised Monte Carlo
engine that runs them under uncertainty. Units: months, rates per month, money in the
major unit of one currency, utilisation and shares as fractions in [0, 1].
"""

__version__ = "0.1.0"
