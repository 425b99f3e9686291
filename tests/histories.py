"""Hand-made monthly histories shared by the calibration, trends and signals tests."""

import math

import numpy as np
import pandas as pd

MONTHS = pd.period_range("2023-01", periods=24, freq="M")
THRESHOLDS = pd.DataFrame(
    {
        "direction": ["higher_is_worse", "lower_is_worse", "higher_is_worse",
                      "higher_is_worse", "higher_is_worse", "higher_is_worse",
                      "higher_is_worse", "higher_is_worse"],
        "attention": [2.0, 1.0, 24.0, 0.70, 0.80, 0.70, 0.70, 0.20],
        "critical": [5.0, 0.23, 72.0, 0.90, 0.95, 0.80, 0.90, 0.30],
    },
    index=pd.Index(["p95_response_time_s", "deploys_per_week", "code_review_hours", "cpu",
                    "memory", "db_utilisation", "bandwidth", "user_growth"], name="metric"),
)
# db_connections shares the CPU levels (docs/domain.md section 3: 70 % / 90 % of the pool)
THRESHOLDS.loc["db_connections"] = ["higher_is_worse", 0.70, 0.90]


def exponential_mau(rate=0.15, months=24, noise=0.0, seed=0, end=50_000.0):
    rng = np.random.default_rng(seed)
    log_growth = math.log1p(rate) + noise * rng.standard_normal(months - 1)
    path = np.concatenate([[0.0], np.cumsum(log_growth)])
    index = pd.period_range("2023-01", periods=months, freq="M")
    return pd.Series(end * np.exp(path - path[-1]), index=index, name="mau")


def calm_history(months=12):
    """A history in which no signal of the article should fire."""
    index = MONTHS[:months]
    wobble = np.resize([1.0, 1.02, 0.99, 1.01], months)  # ups and downs, no trend
    return pd.DataFrame(
        {
            "mau": 40_000 * 1.05 ** np.arange(months),
            "p95_response_time_s": 1.2 * wobble,
            "incidents": np.resize([2.0, 3.0, 2.0], months),
            "deploys_per_week": 5.0 * wobble[::-1],
            "code_review_hours": 10.0 * wobble,
            "cpu_avg": 0.5 * wobble, "cpu_peak": 0.7 * wobble,
            "memory_avg": 0.5 * wobble, "memory_peak": 0.6 * wobble,
            "db_avg": 0.6 * wobble, "db_peak": 0.7 * wobble,
            "bandwidth_avg": 0.3 * wobble, "bandwidth_peak": 0.5 * wobble,
            "db_connections_in_use": 40.0 * wobble,
            "db_pool_size": np.full(months, 100.0),
        },
        index=index,
    )
