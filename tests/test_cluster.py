"""Tests for scaling_models.cluster and the engine on Dask: same bytes as the local run,
clear failures (unreachable scheduler, a worker without the package, a dying worker).

The cluster tests use the session's 2-worker LocalCluster (``dask_client`` in conftest)
and are marked slow; the reference of every comparison is the embedded run
(``scheduler=None``), which never imports Dask.
"""

import os
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal

from scaling_models import cluster, sensitivity
from scaling_models import montecarlo as mc

pytest.importorskip("distributed", reason="the optional dask extra")


def _identical(a: mc.SimulationResult, b: mc.SimulationResult) -> None:
    pd.testing.assert_frame_equal(a.percentiles, b.percentiles, check_exact=True)
    pd.testing.assert_frame_equal(a.breach_probability, b.breach_probability, check_exact=True)
    pd.testing.assert_frame_equal(a.breach_summary, b.breach_summary, check_exact=True)
    assert (a.paths is None) == (b.paths is None)
    if a.paths is not None:
        assert a.paths.keys() == b.paths.keys()
        for key in a.paths:
            assert_array_equal(a.paths[key], b.paths[key])
        pd.testing.assert_frame_equal(a.inputs_drawn, b.inputs_drawn, check_exact=True)
        pd.testing.assert_frame_equal(a.breach_months, b.breach_months, check_exact=True)


CORRELATED = mc.Inputs(growth_rate=(0.10, 0.25), churn=(0.01, 0.04), arpu=(1.5, 2.5),
                       rank_correlation={("growth_rate", "churn"): 0.5,
                                         ("arpu", "growth_rate"): -0.3})


def test_the_embedded_default_never_imports_dask():
    # a fresh interpreter: simulate and a tornado without a scheduler load no Dask module
    code = ("import sys; from scaling_models import montecarlo as mc, sensitivity as s; "
            "mc.simulate(n_paths=300, months=6, rng=1, chunk_size=100); "
            "s.tornado(s.breach_metric('cpu'), n_paths=100, months=6, names=['scale_exponent']); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={**os.environ, "TQDM_DISABLE": "1"})
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("bad, error", [("gpu", ValueError), (3, TypeError)])
def test_a_bad_scheduler_is_named(bad, error):
    with pytest.raises(error, match="scheduler must be"):
        mc.simulate(n_paths=10, months=2, scheduler=bad)


def test_workers_and_scheduler_together_are_refused():
    with pytest.raises(ValueError, match="give workers .* or scheduler"):
        mc.simulate(n_paths=10, months=2, workers=2, scheduler="threads")


def test_dask_threads_give_the_local_bytes():
    kwargs = {"n_paths": 2_500, "months": 12, "chunk_size": 600, "keep_paths": True}
    _identical(mc.simulate(CORRELATED, rng=4, **kwargs),
               mc.simulate(CORRELATED, rng=4, scheduler="threads", **kwargs))


def test_local_dask_tasks_return_in_order_with_progress_and_errors():
    import math

    done = []
    out = cluster.run_tasks(math.sqrt, [(4.0,), (-1.0,), (9.0,)], scheduler="threads",
                            on_done=done.append, errors="return")
    assert out[0] == 2.0 and out[2] == 3.0 and isinstance(out[1], ValueError)
    assert sorted(done) == [0, 1, 2]
    with pytest.raises(ValueError, match="math domain error"):
        cluster.run_tasks(math.sqrt, [(4.0,), (-1.0,)], scheduler="threads")
    with pytest.raises(ValueError, match="errors must be"):
        cluster.run_tasks(math.sqrt, [(4.0,)], scheduler="threads", errors="ignore")


def test_an_unreachable_scheduler_fails_fast_in_one_line(monkeypatch):
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", 1.0)
    # port 9 (discard) on loopback: nothing listens there in the test environment
    with pytest.raises(cluster.SchedulerUnreachableError) as info:
        mc.simulate(n_paths=10, months=2, scheduler="tcp://127.0.0.1:9")
    message = str(info.value)
    assert "tcp://127.0.0.1:9" in message and "within 1 s" in message
    assert "\n" not in message


# --- on the session's LocalCluster -------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    "inputs, seed, chunk_size, keep_paths",
    [
        (mc.Inputs(), 0, 32_768, False),  # one chunk
        (mc.Inputs(), 11, 700, True),  # many chunks and a remainder
        (CORRELATED, 5, 1_000, True),  # rank correlation imposed within each chunk
        (mc.Inputs(latency_model="mmc", market_size=(1e6, 4e6)), 2**40, 333, False),
    ],
)
def test_the_engine_on_a_cluster_gives_the_local_bytes(dask_client, inputs, seed, chunk_size,
                                                        keep_paths):
    kwargs = {"n_paths": 4_000, "months": 24, "chunk_size": chunk_size, "keep_paths": keep_paths,
              "rng": seed}
    _identical(mc.simulate(inputs, **kwargs), mc.simulate(inputs, scheduler=dask_client,
                                                          **kwargs))


@pytest.mark.slow
def test_an_address_and_a_plan_give_the_local_bytes(dask_client):
    class Plan:  # local: pickled by value, the workers need not import this test module
        def draw(self, n, months, rng):
            t = np.arange(months + 1)[:, None]
            factor = np.where(t >= 4, 1.5 + 0.1 * rng.random(n), 1.0)  # spends numbers
            spend = np.broadcast_to(np.where(t >= 4, 900.0, 0.0), factor.shape)
            return {"cpu": factor, "db_utilisation": factor}, spend

    kwargs = {"n_paths": 3_000, "months": 18, "chunk_size": 800, "keep_paths": True, "rng": 8,
              "plan": Plan()}
    local = mc.simulate(**kwargs)
    _identical(local, mc.simulate(scheduler=dask_client.scheduler.address, **kwargs))


@pytest.mark.slow
def test_sensitivity_on_a_cluster_gives_the_local_tables(dask_client):
    metric = sensitivity.breach_metric("db_utilisation")
    kwargs = {"n_paths": 600, "months": 24, "rng": 3, "names": ["growth_rate", "elasticity",
                                                               "scale_exponent"]}
    local = sensitivity.tornado(metric, **kwargs)
    remote = sensitivity.tornado(metric, scheduler=dask_client, **kwargs)
    pd.testing.assert_frame_equal(local, remote, check_exact=True)
    assert local.attrs == remote.attrs
    kwargs = {"target": "cpu/critical", "n_paths": 1_500, "months": 24, "rng": 4}
    pd.testing.assert_frame_equal(sensitivity.rank_sensitivity(**kwargs),
                                  sensitivity.rank_sensitivity(scheduler=dask_client, **kwargs),
                                  check_exact=True)


@pytest.mark.slow
def test_progress_is_fed_by_the_cluster(dask_client):
    done = []
    out = cluster.run_tasks(pow, [(2, k) for k in range(6)], scheduler=dask_client,
                            on_done=done.append)
    assert out == [2**k for k in range(6)]  # input order, whatever the completion order
    assert sorted(done) == list(range(6))


def _fails_once(marker: str) -> str:
    # the first call leaves a marker and raises; a retry finds it and succeeds
    if not os.path.exists(marker):
        open(marker, "w").close()
        raise OSError(f"transient failure, marker {marker}")
    return "ok"


@pytest.mark.slow
def test_a_task_that_fails_once_is_retried(dask_client, tmp_path):
    import cloudpickle

    # the workers cannot import this test module: send the function by value
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    try:
        assert cluster.run_tasks(_fails_once, [(str(tmp_path / "a"),)], scheduler=dask_client,
                                 retries=1) == ["ok"]
        with pytest.raises(OSError, match="transient failure"):
            cluster.run_tasks(_fails_once, [(str(tmp_path / "b"),)], scheduler=dask_client,
                              retries=0)
        out = cluster.run_tasks(_fails_once, [(str(tmp_path / "c"),)], scheduler=dask_client,
                                retries=0, errors="return")
        assert isinstance(out[0], OSError)
    finally:
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])


@pytest.mark.slow
def test_a_worker_killed_mid_run_changes_nothing(dask_client):
    # 48 chunks of ~0.1-0.2 s on 2 workers: a worker is killed (SIGKILL, no goodbye) once
    # the first chunks are done; the scheduler re-runs its chunks on the other worker and
    # on the one its nanny restarts, and the result is still the local one
    kwargs = {"n_paths": 48 * 4_000, "months": 36, "chunk_size": 4_000, "rng": 21,
              "outputs": ("mau", "infra_cost")}
    local = mc.simulate(**kwargs)
    before = dask_client.run(os.getpid)
    box = {}
    started = threading.Event()

    def run():
        box["result"] = mc.simulate(scheduler=dask_client, progress=False, **kwargs)

    def first_done(dask_scheduler):
        return sum(ts.state == "memory" and ts.key.startswith("simulate-chunk")
                   for ts in dask_scheduler.tasks.values())

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not started.is_set():
        if dask_client.run_on_scheduler(first_done) >= 2:
            started.set()
        time.sleep(0.05)
    victim = sorted(before.values())[0]
    os.kill(victim, signal.SIGKILL)
    thread.join(timeout=300)
    assert started.is_set() and not thread.is_alive()
    _identical(local, box["result"])
    dask_client.wait_for_workers(2, timeout=120)
    assert victim not in dask_client.run(os.getpid).values()


@pytest.mark.slow
def test_a_worker_without_the_package_is_named(tmp_path):
    import distributed

    # a worker on which `import scaling_models` fails, as on a machine where it was never
    # installed: a preload script blocks the import before any task arrives
    preload = tmp_path / "no_scaling_models.py"
    preload.write_text(
        "import sys\n"
        "class _Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] == 'scaling_models':\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, _Block())\n"
        "for m in [m for m in sys.modules if m.split('.')[0] == 'scaling_models']:\n"
        "    del sys.modules[m]\n")
    with (
        distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                 host="127.0.0.1", dashboard_address=None,
                                 preload=[str(preload)]) as bare,
        distributed.Client(bare, set_as_default=False) as client,
    ):
        with pytest.raises(cluster.WorkerEnvironmentError,
                           match="install scaling_models on the workers") as info:
            mc.simulate(n_paths=100, months=3, scheduler=client)
    assert "cannot import scaling_models" in str(info.value)


@pytest.mark.slow
def test_the_plan_search_on_a_cluster_finds_the_local_plan(dask_client):
    from scaling_models import calibration, loaders, plans, report

    data = loaders.load_data_dir()
    fit = calibration.growth_distribution(data.history["mau"], rng=1)
    inputs = report.simulation_inputs(data.history, data.thresholds, growth_low=fit.rate_low,
                                      growth_high=fit.rate_high)
    kwargs = {"risk": 0.05, "months": 12, "rng": 7, "n_paths": 4_000}
    local = plans.optimise(inputs, **kwargs)
    remote = plans.optimise(inputs, scheduler=dask_client, **kwargs)
    pd.testing.assert_frame_equal(local.actions, remote.actions, check_exact=True)
    pd.testing.assert_frame_equal(local.p_critical, remote.p_critical, check_exact=True)
    assert (local.total_cost, local.validated_risk) == (remote.total_cost, remote.validated_risk)
    plan = local.plan
    a = plans.evaluate(inputs, plan, n_paths=3_000, rng=2)
    b = plans.evaluate(inputs, plan, n_paths=3_000, rng=2, scheduler=dask_client)
    pd.testing.assert_series_equal(a["p_critical"], b["p_critical"], check_exact=True)
