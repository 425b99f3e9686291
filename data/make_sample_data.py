"""Rebuild the fictional sample data of scaling_models, bit for bit.

    python data/make_sample_data.py            # rewrites data/*.csv next to this script
    python data/make_sample_data.py --out DIR  # writes them elsewhere

The company is invented. Its 36 monthly rows (2021-07 .. 2024-06) end near the worked
example of the source article (docs/domain.md section 1: 50 K MAU growing ~15 %/month, 10 K
transactions/day, 100 K EUR revenue, CPU 70 %/95 %, RAM 60 %/85 %, DB 80 %/100 %,
bandwidth 40 %/70 %, velocity 30 points, cycle time 12 days) and carry the noise and
events real exports have: seasonal dips, an incident month (2023-02), a hiring freeze
(2022-11 .. 2023-02), infrastructure upgrades that step utilisation down, and in the
last months the warning signs the article lists (P95 and code review rising, deployments
falling). The backlog and the hiring funnel (last 6 quarters, hires matching the history)
use the article's frameworks (docs/domain.md sections 5 and 6).

Every random draw comes from one seeded ``numpy.random.Generator`` (a child per file, so
editing one table does not reshuffle the others); values are rounded before writing so
the CSV text is identical on every platform.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from scaling_models.loaders import SCHEMAS

__all__ = ["SEED", "history", "backlog", "funnel", "main"]

SEED = 20240630
MONTHS = pd.period_range("2021-07", "2024-06", freq="M")
HERE = Path(__file__).resolve().parent

# seasonal shift of log-growth: summer holidays, the December lull, January rebound
_SEASON = {7: -0.05, 8: -0.06, 9: 0.02, 12: -0.04, 1: 0.03}
_INCIDENT_MONTH = pd.Period("2023-02", freq="M")
_FREEZE = pd.period_range("2022-11", "2023-02", freq="M")
_DB_UPGRADES = ["2022-04", "2022-12", "2023-07", "2024-01"]


def _index(months: str | list[str]) -> np.ndarray:
    """Positions of months (YYYY-MM) in MONTHS."""
    wanted = pd.PeriodIndex(np.atleast_1d(months), freq="M")
    return np.searchsorted(MONTHS.asi8, wanted.asi8)


def _stepped_utilisation(load: np.ndarray, upgrades: list[str], final: float,
                         before_upgrade: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Utilisation = load / capacity, capacity constant between upgrades.

    Capacity is sized backwards: the last segment so that the last month sits at
    ``final``; each earlier one so that utilisation reaches ``before_upgrade[j]`` the
    month before the next upgrade (teams upgrade when peaks near saturation).
    """
    starts = np.concatenate([[0], _index(upgrades), [len(load)]])
    capacity = np.empty_like(load)
    for j in range(len(starts) - 1):
        lo, hi = starts[j], starts[j + 1]
        target = final if j == len(starts) - 2 else before_upgrade[j]
        capacity[lo:hi] = load[hi - 1] / target
    return load / capacity, capacity


def history(rng: np.random.Generator) -> pd.DataFrame:
    """Monthly history of the fictional company, columns as data/README.md documents."""
    n = len(MONTHS)
    t = np.arange(n)
    month_of_year = MONTHS.month.to_numpy()
    season = np.array([_SEASON.get(m, 0.0) for m in month_of_year])

    # log-growth ramps from ~5 % to 15 %/month (log 1.15) and stays there for 6 months
    trend = np.interp(t, [0, 29, 35], [0.05, np.log(1.15), np.log(1.15)])
    log_growth = trend + season + rng.normal(0.0, 0.025, n)
    log_growth[0] = 0.0
    level = np.cumsum(log_growth)
    mau = 50_000 * (1 + rng.normal(0.0, 0.01)) * np.exp(level - level[-1])
    mau = np.round(mau).astype(int)

    churn = np.clip(0.06 - 0.02 * t / (n - 1) + rng.normal(0.0, 0.005, n), 0.02, 0.10)
    december = month_of_year == 12
    per_user = (0.17 + 0.03 * t / (n - 1)) * rng.lognormal(0.0, 0.03, n) * (1 + 0.08 * december)
    transactions = mau * per_user
    arpu = (1.55 + 0.45 * t / (n - 1)) * rng.lognormal(0.0, 0.02, n) * (1 + 0.06 * december)
    revenue = mau * arpu

    def wiggle(size: float) -> np.ndarray:
        return rng.lognormal(0.0, size, n)

    cpu, cpu_cap = _stepped_utilisation(
        transactions, ["2022-03", "2022-10", "2023-04", "2023-09", "2024-02"], 0.70,
        rng.uniform(0.64, 0.72, 5))
    cpu_avg = np.clip(cpu * wiggle(0.015), 0.0, 1.0)
    cpu_peak = np.clip(cpu_avg * 0.95 / 0.70 * wiggle(0.03), cpu_avg, 1.0)
    memory_avg = np.clip(0.12 + cpu * 0.48 / 0.70 * wiggle(0.03), 0.0, 1.0)
    memory_peak = np.clip(memory_avg * 0.85 / 0.60 * wiggle(0.03), memory_avg, 1.0)
    db, db_cap = _stepped_utilisation(
        transactions, _DB_UPGRADES, 0.80, rng.uniform(0.78, 0.86, len(_DB_UPGRADES)))
    db_avg = np.clip(db * wiggle(0.015), 0.0, 1.0)
    # at 80 % average the database saturates at peak: the article's 100 %
    db_peak = np.clip(db_avg * 1.27 * wiggle(0.03), db_avg, 1.0)
    bw, bw_cap = _stepped_utilisation(
        transactions, ["2022-09", "2023-06", "2024-02"], 0.40, rng.uniform(0.48, 0.55, 3))
    bandwidth_avg = np.clip(bw * wiggle(0.03), 0.0, 1.0)
    bandwidth_peak = np.clip(bandwidth_avg * 0.70 / 0.40 * wiggle(0.03), bandwidth_avg, 1.0)

    # the connection pool is enlarged with each database upgrade
    pool = np.array([40, 60, 80, 100, 150])[np.searchsorted(_index(_DB_UPGRADES), t,
                                                            side="right")]
    in_use = np.minimum(np.round(pool * (0.15 + 0.75 * db_avg) * wiggle(0.03)), pool)

    # cloud bill: a fixed base, a usage-based part and reserved capacity per tier
    infra_cost = (600 + 3_500 * transactions / transactions[-1] + 3_000 * cpu_cap / cpu_cap[-1]
                  + 3_000 * db_cap / db_cap[-1] + 600 * bw_cap / bw_cap[-1]) * wiggle(0.03)

    load = np.maximum(cpu_avg, db_avg)
    p95 = (0.45 + 0.35 / (1 - 0.92 * load)) * wiggle(0.05)
    error_rate = (0.0015 + 0.006 * db_avg**3) * wiggle(0.15)
    incidents = rng.poisson(0.4 + 2.5 * db_avg**2)
    bad = _index(str(_INCIDENT_MONTH))[0]
    p95[bad] *= 2.3
    error_rate[bad] = 0.038
    incidents[bad] += 7
    availability = 1 - 0.00008 - incidents * rng.uniform(0.00004, 0.00025, n)
    availability[bad] = 0.9862

    hires = rng.poisson(np.interp(t, [0, n - 1], [0.2, 0.5]))
    hires[_index([str(m) for m in _FREEZE])] = 0
    departures = rng.binomial(1, 0.07, n)
    departures[0] = 0
    team_size = np.maximum(3 + np.cumsum(hires - departures), 2)
    # Brooks: coordination grows with the n(n-1)/2 communication paths
    paths = team_size * (team_size - 1) / 2
    share = paths / paths[-1]
    overhead = np.clip(0.05 + 0.18 * share + rng.normal(0.0, 0.008, n), 0.0, 0.6)
    # newcomers are half productive in their first month, three quarters in the second
    effective = team_size - 0.5 * hires - 0.25 * np.concatenate([[0], hires[:-1]])
    raw_velocity = effective**0.8 * (1 - overhead)
    velocity = 30 * raw_velocity / raw_velocity[-1] * wiggle(0.06)
    cycle_time = np.maximum(5.0 + 7.0 * share + rng.normal(0.0, 0.5, n), 1.0)
    deploys = np.interp(t, [0, 18, 27, n - 1], [3.0, 7.0, 6.5, 2.5]) * wiggle(0.08)
    review = np.interp(t, [0, 20, 27, n - 1], [5.0, 7.0, 8.0, 18.0]) * wiggle(0.1)

    frame = pd.DataFrame({
        "month": MONTHS.strftime("%Y-%m"),
        "mau": mau,
        "transactions_per_day": np.round(transactions).astype(int),
        "revenue": np.round(revenue).astype(int),
        "infra_cost": np.round(infra_cost).astype(int),
        "cpu_avg": np.round(cpu_avg, 3),
        "cpu_peak": np.round(cpu_peak, 3),
        "memory_avg": np.round(memory_avg, 3),
        "memory_peak": np.round(memory_peak, 3),
        "db_avg": np.round(db_avg, 3),
        "db_peak": np.round(db_peak, 3),
        "bandwidth_avg": np.round(bandwidth_avg, 3),
        "bandwidth_peak": np.round(bandwidth_peak, 3),
        "db_connections_in_use": in_use.astype(int),
        "db_pool_size": pool,
        "p95_response_time_s": np.round(p95, 2),
        "error_rate": np.round(error_rate, 4),
        "availability": np.round(availability, 5),
        "incidents": incidents,
        "churn": np.round(churn, 4),
        "team_size": team_size,
        "velocity": np.round(velocity, 1),
        "cycle_time_days": np.round(cycle_time, 1),
        "deploys_per_week": np.round(deploys, 1),
        "code_review_hours": np.round(review, 1),
        "communication_overhead": np.round(overhead, 3),
        "hires": hires,
        "departures": departures,
    })
    documented = SCHEMAS["company_history.csv"].names
    return frame[[c for c in documented if c in frame.columns]]


# name, category, priority: a plausible backlog for a monolith growing fast
_DEBT_ITEMS = [
    ("Monolithic user service", "architecture", "high"),
    ("Missing DB indexes on orders", "database", "high"),
    ("No structured logging", "observability", "high"),
    ("Sessions stored in app memory", "architecture", "high"),
    ("No alerting on DB connection pool", "observability", "high"),
    ("Unpinned dependencies with known CVEs", "security", "high"),
    ("N+1 queries in search API", "performance", "medium"),
    ("Manual deployment steps", "ci_cd", "medium"),
    ("Flaky end-to-end test suite", "testing", "medium"),
    ("No read replica for reporting queries", "database", "medium"),
    ("Synchronous email sending in requests", "architecture", "medium"),
    ("Hard-coded configuration per environment", "ci_cd", "medium"),
    ("Missing tests on payment module", "testing", "medium"),
    ("No cache for product catalogue", "performance", "medium"),
    ("Legacy jQuery admin pages", "frontend", "low"),
    ("Duplicated validation logic", "code_quality", "low"),
    ("Outdated API documentation", "documentation", "low"),
    ("Inconsistent error codes", "code_quality", "low"),
    ("Unused feature flags", "code_quality", "low"),
    ("Cron jobs without monitoring", "observability", "low"),
]

# the capacity resource an item's fix relieves (a key of scaling_models.resources): the
# database gets fewer, cheaper queries (indexes, no N+1, a catalogue cache) or offloads
# its reporting reads (a replica); sessions leave the application servers' memory
_RELIEVES = {
    "Missing DB indexes on orders": "db_utilisation",
    "Sessions stored in app memory": "memory",
    "N+1 queries in search API": "db_utilisation",
    "No read replica for reporting queries": "db_utilisation",
    "No cache for product catalogue": "db_utilisation",
}


def backlog(rng: np.random.Generator) -> pd.DataFrame:
    """Twenty technical-debt items with the inputs of the article's ROI framework."""
    n = len(_DEBT_ITEMS)
    weight = np.array([{"high": 1.6, "medium": 1.0, "low": 0.5}[p] for _, _, p in _DEBT_ITEMS])
    investigation = np.round(rng.uniform(0.5, 4.0, n) * np.sqrt(weight) * 2) / 2
    implementation = np.round(rng.lognormal(np.log(6.0), 0.6, n) * np.sqrt(weight) * 2) / 2
    testing = np.round(implementation * rng.uniform(0.25, 0.5, n) * 2) / 2
    hours_lost = np.round(rng.lognormal(np.log(6.0), 0.6, n) * weight, 1)
    incidents = np.round(rng.gamma(1.5, 0.5, n) * weight, 2)
    cost_per_incident = np.round(rng.lognormal(np.log(1_500), 0.7, n) / 50) * 50
    hours_gained = np.round(hours_lost * rng.uniform(0.5, 1.0, n), 1)
    avoided = np.round(incidents * rng.uniform(0.4, 1.0, n), 2)
    return pd.DataFrame({
        "item": [name for name, _, _ in _DEBT_ITEMS],
        "category": [cat for _, cat, _ in _DEBT_ITEMS],
        "relieves": [_RELIEVES.get(name, "") for name, _, _ in _DEBT_ITEMS],
        "priority": [prio for _, _, prio in _DEBT_ITEMS],
        "investigation_days": investigation,
        "implementation_days": implementation,
        "testing_days": testing,
        "hours_lost_per_sprint": hours_lost,
        "incidents_per_month": incidents,
        "cost_per_incident": cost_per_incident.astype(int),
        "hours_gained_per_sprint": hours_gained,
        "incidents_avoided_per_month": avoided,
    })


# stage-to-stage pass rates of the article's funnel 100 -> 30 -> 15 -> 8 -> 4 -> 2 -> 1
_PASS = {"qualified": 0.30, "motivated": 0.50, "competent": 8 / 15,
         "technically_validated": 0.50, "finalists": 0.50, "hired": 0.50}


def funnel(history: pd.DataFrame, rng: np.random.Generator, quarters: int = 6) -> pd.DataFrame:
    """Hiring funnel of the last ``quarters`` quarters; hires match ``history``."""
    months = pd.PeriodIndex(history["month"], freq="M")
    hired = history["hires"].groupby(months.asfreq("Q")).sum().iloc[-quarters:]
    stages = ["applications", *_PASS]
    counts = {"hired": hired.to_numpy()}
    # walk the funnel backwards: each stage is what the next one needed at the pass rate
    for later, earlier in zip(stages[:0:-1], stages[-2::-1], strict=True):
        need = (counts[later] + 0.5) / _PASS[later] * rng.lognormal(0.0, 0.12, quarters)
        counts[earlier] = np.maximum(np.round(need).astype(int), counts[later])
    frame = pd.DataFrame({"quarter": [f"{q.year}-Q{q.quarter}" for q in hired.index]})
    for stage in stages:
        frame[stage] = counts[stage]
    return frame


def main(out_dir: str | Path | None = None, seed: int = SEED) -> dict[str, Path]:
    """Write the three sample CSVs into ``out_dir`` (default: this folder); return paths."""
    out = HERE if out_dir is None else Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng_history, rng_backlog, rng_funnel = np.random.default_rng(seed).spawn(3)
    hist = history(rng_history)
    tables = {
        "company_history.csv": hist,
        "debt_backlog.csv": backlog(rng_backlog),
        "hiring_funnel.csv": funnel(hist, rng_funnel),
    }
    written = {}
    for name, table in tables.items():
        path = out / name
        table.to_csv(path, index=False, lineterminator="\n")
        written[name] = path
    return written


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: data/)")
    parser.add_argument("--seed", type=int, default=SEED, help="random seed")
    args = parser.parse_args()
    main(args.out, args.seed)
