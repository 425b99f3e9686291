"""Scale-out: local threads/processes against a 2-worker Dask LocalCluster.

Run: ``python benchmarks/scale_out.py [--reports 8] [--paths 10000000] [--tasks 200]
[--repeat 1]``.
Prints the wall time of

* a simulation of ``--paths`` paths x 36 months (chunks of 32 768 paths): local threads
  (the embedded default), Dask's "processes" scheduler, and the LocalCluster;
* ``--reports`` board-report jobs (papermill, n_paths 2 000, no PDF): local worker
  processes (one per core) and the LocalCluster;
* ``--tasks`` trivial tasks on each scheduler: the overhead per task (submit, schedule,
  run, return) that a task must outweigh for scale-out to pay.

The LocalCluster runs on this machine (2 workers x 1 thread, processes, loopback), so it
shows the cost of going through Dask, not the gain of more machines: on a real cluster,
the gain is the workers' cores over this machine's, less these overheads. Not a timed
test: machines differ. The cluster starts under ``if __name__ == "__main__"`` (worker
processes re-import this file).
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

from scaling_models import batch, cluster
from scaling_models import montecarlo as mc


def _timed(label: str, fn) -> float:
    start = time.perf_counter()
    fn()
    elapsed = time.perf_counter() - start
    print(f"  {label:<34} {elapsed:8.2f} s", flush=True)
    return elapsed


def _overhead(scheduler, n: int) -> float:
    # trivial tasks: abs(k) takes nanoseconds, so the wall time is Dask's own
    start = time.perf_counter()
    cluster.run_tasks(abs, [(k,) for k in range(n)], scheduler=scheduler, name="noop")
    return (time.perf_counter() - start) / n


def _reports(n: int, tmp: Path, **options) -> None:
    files = []
    for k in range(n):
        path = tmp / f"job{k:02d}.yaml"
        path.write_text(f"n_paths: 2000\ngrowth_from_history: false\n"
                        f"growth_low: {0.05 + 0.01 * k:.2f}\ngrowth_high: {0.10 + 0.01 * k:.2f}\n")
        files.append(path)
    out = tmp / f"out-{time.monotonic_ns()}"
    batch.build_report("2024-Q2", params_files=files, out_dir=out, seed=1, pdf=False,
                       progress=False, **options)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=8, help="report jobs (default 8)")
    parser.add_argument("--paths", type=int, default=10_000_000, help="simulated paths")
    parser.add_argument("--tasks", type=int, default=200, help="trivial tasks for overhead")
    parser.add_argument("--repeat", type=int, default=1, help="simulation rounds (best of)")
    args = parser.parse_args()
    from distributed import Client, LocalCluster

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}")
    start = time.perf_counter()
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                     dashboard_address=None) as local_cluster,
        Client(local_cluster, set_as_default=False) as client,
    ):
        print(f"LocalCluster (2 workers x 1 thread) started in "
              f"{time.perf_counter() - start:.1f} s")
        print("overhead per trivial task:")
        for label, scheduler in (("dask threads", "threads"), ("dask processes", "processes"),
                                 ("LocalCluster", client)):
            print(f"  {label:<34} {1e3 * _overhead(scheduler, args.tasks):8.2f} ms")

        n_chunks = -(-args.paths // 32_768)
        print(f"simulation, {args.paths:,} paths x 36 months ({n_chunks} chunks), best of "
              f"{args.repeat} (modes alternate, so a change of load hits each alike):")
        sim = {"n_paths": args.paths, "months": 36, "rng": 1}
        modes = {"local threads (embedded)": None, "dask processes": "processes",
                 "LocalCluster": client}
        times = {label: float("inf") for label in modes}
        for _ in range(args.repeat):
            for label, scheduler in modes.items():
                times[label] = min(times[label], _timed(
                    label, lambda s=scheduler: mc.simulate(scheduler=s, **sim)))
        base = times["local threads (embedded)"]
        for label, t in times.items():
            print(f"  {label:<34} {t:8.2f} s = {t / base:5.2f} x local")
        print(f"board report, {args.reports} jobs (n_paths 2000, no PDF):")
        with tempfile.TemporaryDirectory() as tmp:
            local = _timed("local processes (one per core)",
                           lambda: _reports(args.reports, Path(tmp)))
            remote = _timed("LocalCluster", lambda: _reports(args.reports, Path(tmp),
                                                             scheduler=client))
        print(f"  {'LocalCluster - local':<34} {remote - local:+8.2f} s "
              f"({(remote - local) / args.reports:+.2f} s per job)")
    print(f"summary: sim_local={base:.2f}s sim_cluster={times['LocalCluster']:.2f}s "
          f"reports_local={local:.1f}s reports_cluster={remote:.1f}s")


if __name__ == "__main__":
    main()
