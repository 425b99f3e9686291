"""Shared test set-up: headless plotting, no progress bars, the board report's fixtures."""

import os

# before any import that may load matplotlib or tqdm
os.environ.setdefault("TQDM_DISABLE", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

import pytest

from scaling_models import loaders, montecarlo, report


def pytest_collection_modifyitems(items):
    """nbval's notebook cells run whole notebooks: slow (skipped by the fast command)."""
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.slow)

# --- the sample company, simulated and run through every report builder ---------------


@pytest.fixture(scope="module")
def data():
    return loaders.load_data_dir()


@pytest.fixture(scope="module")
def result(data):
    inputs = report.simulation_inputs(data.history, data.thresholds, growth_low=0.10,
                                      growth_high=0.16)
    return montecarlo.simulate(inputs, n_paths=400, months=12, rng=3)


@pytest.fixture(scope="module")
def board(data, result):
    """Every builder on the sample data, as the board notebook calls them."""
    from scaling_models import growth

    history = data.history
    scenarios = report.scenario_table(history, growth.scenarios(), rng=1)
    scenarios["infra_spend_model"] = report.scenario_infra_spend(
        result.inputs, growth.scenarios(), n_paths=200, rng=1)
    dashboard = report.status_dashboard(history, data.thresholds)
    debt = report.debt_table(data.backlog, hourly_cost=60.0)
    remedies = report.remedy_schedule(result, "2024-06", {"db_utilisation": 3.0})
    hiring = report.hiring_table(history, target_velocity=45.0, target_month=6,
                                 funnel=data.funnel)
    out = {
        "growth": report.growth_achieved(history, "2024-Q2"),
        "dashboard": dashboard, "debt": debt, "scenarios": scenarios,
        "breaches": report.breach_table(result, "2024-06"), "remedies": remedies,
        "hiring": hiring,
        "invest": report.investments(result, hires=hiring.attrs["hires"],
                                     developer_annual_cost=60_000.0, current_velocity=30.0,
                                     target_velocity=45.0, debt=debt),
        "ranked": report.actions(dashboard, debt=debt, remedies=remedies),
        "signals": report.signals_table(history, data.thresholds),
        "trend": report.trend_table(history, data.thresholds, result=result,
                                    end_month="2024-06"),
    }
    out["headline"] = report.summary(**out)
    return out


# --- a Dask cluster for the scale-out tests ------------------------------------------------


@pytest.fixture(scope="session")
def dask_client():
    """A client of a 2-worker Dask cluster on loopback (one process per worker), closed at
    the end of the session; skipped when Dask (the optional extra) is not installed."""
    distributed = pytest.importorskip("distributed", reason="the optional dask extra")
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                 host="127.0.0.1", dashboard_address=None) as cluster,
        distributed.Client(cluster, set_as_default=False) as client,
    ):
        yield client
