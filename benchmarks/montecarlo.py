"""Benchmark of the Monte Carlo engine against its random-number floor, a Python loop and
squigglepy, on the reference workload (issue 3).

Reference workload: the docs/domain.md section 1 company (50 K MAU, growth 15 %/month as a 90 %
interval 10 %-22.5 % plus monthly noise, elasticity and cost exponent as PERT three-point
estimates), the four resources, M/M/1 P95 latency and cost per user, 36 months; breach
months of every resource and of P95 latency (2 s and 5 s lines) at both levels over all
months, latency and cost-per-user percentiles at months 12, 24 and 36 (costs are computed
only for reported months, as PERFORMANCE.md advises). The team outputs (velocity needed,
developers, hires, team cost) are not in the timed workload; the redraw case computes
every output, them included.

Each case runs in a fresh Python process (``--case``) so that peak memory is its own:
peak growth = ru_maxrss after the timed runs minus ru_maxrss after imports and a warm-up.
Times are the best of several repeats and exclude imports. Run from the repository root:

    python benchmarks/montecarlo.py

The last line is ``summary: floor_ratio=F loop_speedup=L squigglepy_speedup=S
peak_mb_1m=M redraw_s=R agree=yes|no``; speedups compare time per path.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import resource
import statistics
import subprocess
import sys
import time

import numpy as np

from scaling_models import resources

MONTHS = 36
CHUNK = 32_768
REPORT_MONTHS = (12, 24, 36)
OUTPUTS = ("p95_latency_s", "cost_per_user")
SIZES = (10_000, 100_000, 1_000_000)
LOOP_PATHS = 20_000
SQUIGGLE_PATHS = 2_000
REDRAW_PATHS = 5_000  # the notebooks' default sample size
# Reference company (docs/domain.md section 1) as used by montecarlo.Inputs() defaults:
# the resources and today's utilisation from the resource registry.
U0 = 50_000.0
RESOURCES = resources.keys()
AVG = tuple(resources.get(r).default_avg for r in RESOURCES)
BREACHES = (*RESOURCES, "p95_response_time_s")
LATENCY_LINES = (2.0, 5.0)  # thresholds table, p95_response_time_s [s]
SIGMA = 0.03
SERVICE_S = 0.15
BASE_COST = 8_000.0


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def _best(fn, repeats: int) -> tuple[float, object]:
    best, out = math.inf, None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def _thresholds():
    from scaling_models import montecarlo as mc

    att, crit = mc.Inputs().thresholds()
    return list(att), list(crit)


def case_chain(n: int, workers: int | None) -> dict:
    from scaling_models import montecarlo as mc

    inputs = mc.Inputs()
    mc.simulate(inputs, n_paths=2_000, months=MONTHS, rng=0)  # warm-up (PERT tables, imports)
    base = _peak_mb()

    def run():
        return mc.simulate(inputs, n_paths=n, months=MONTHS, rng=1, chunk_size=CHUNK,
                           outputs=OUTPUTS, report_months=REPORT_MONTHS, workers=workers)

    seconds, res = _best(run, 3 if n <= 100_000 else 2)
    medians = {f"{r}/{lv}": res.breach_summary.loc[(r, lv), "P50"]
               for r in BREACHES for lv in ("attention", "critical")}
    return {"seconds": seconds, "peak_mb": _peak_mb() - base,
            "medians": {k: (None if math.isnan(v) else v) for k, v in medians.items()}}


def case_floor(n: int) -> dict:
    """The random numbers the chain consumes, drawn chunk by chunk into a reused buffer."""
    # growth rate, elasticity, cost exponent: one uniform each per path (the engine draws
    # none for inputs that are constants)
    n_inputs = 3

    def run():
        seeds = np.random.SeedSequence(1).spawn(math.ceil(n / CHUNK))
        buf = np.empty((MONTHS, CHUNK))
        ubuf = np.empty((CHUNK, n_inputs))
        for k, s in enumerate(seeds):
            m = min(CHUNK, n - k * CHUNK)
            g = np.random.Generator(np.random.SFC64(s))
            g.random(out=ubuf[:m])
            g.standard_normal(out=buf[:, :m]) if m == CHUNK else g.standard_normal((MONTHS, m))

    seconds, _ = _best(run, 5)
    return {"seconds": seconds}


def case_redraw() -> dict:
    from scaling_models import montecarlo as mc

    inputs = mc.Inputs()
    mc.simulate(inputs, n_paths=REDRAW_PATHS, months=MONTHS, rng=0)
    seconds, _ = _best(lambda: mc.simulate(inputs, n_paths=REDRAW_PATHS, months=MONTHS,
                                           rng=1), 7)
    return {"seconds": seconds}


def _median_breach(months_per_path: list[list[float]]) -> dict:
    arr = np.asarray(months_per_path, dtype=float)  # (n, lines), never = MONTHS + 1
    names = [f"{r}/{lv}" for r in BREACHES for lv in ("attention", "critical")]
    out = {}
    for j, name in enumerate(names):
        v = float(np.quantile(arr[:, j], 0.5, method="inverted_cdf"))
        out[name] = None if v > MONTHS else v
    return out


def case_loop(n: int) -> dict:
    """The same chain as a plain Python loop over paths and months."""
    att, crit = _thresholds()
    z90 = statistics.NormalDist().inv_cdf(0.95)
    mu = (math.log(0.10) + math.log(0.225)) / 2
    sd = (math.log(0.225) - math.log(0.10)) / (2 * z90)

    def pert(rng, a, m, b, lamb=4.0):
        alpha = 1 + lamb * (m - a) / (b - a)
        beta = 1 + lamb * (b - m) / (b - a)
        return a + (b - a) * rng.betavariate(alpha, beta)

    def run():
        rng = random.Random(1)
        breaches, latency_12, cost_12 = [], [], []
        for _ in range(n):
            rate = rng.lognormvariate(mu, sd)
            e = pert(rng, 0.5, 0.65, 1.0)
            b = pert(rng, 0.6, 0.8, 1.0)
            first = [MONTHS + 1] * (2 * len(BREACHES))
            lr = 0.0
            for month in range(MONTHS + 1):
                if month:
                    lr += math.log1p(rate) + rng.gauss(0.0, SIGMA)
                factor = math.exp(e * lr)
                for i in range(len(RESOURCES)):
                    u = AVG[i] * factor
                    for j, thr in enumerate((att[i], crit[i])):
                        if first[2 * i + j] > MONTHS and u > thr:
                            first[2 * i + j] = month
                rho = AVG[0] * factor
                latency = math.log(20) * SERVICE_S / (1 - rho) if rho < 1 else math.inf
                for j, line in enumerate(LATENCY_LINES):
                    if first[2 * len(RESOURCES) + j] > MONTHS and latency > line:
                        first[2 * len(RESOURCES) + j] = month
                cost_per_user = BASE_COST * math.exp(b * lr) / (U0 * math.exp(lr))
                if month == 12:
                    latency_12.append(latency)
                    cost_12.append(cost_per_user)
            breaches.append(first)
        return breaches

    seconds, breaches = _best(run, 1)
    return {"seconds": seconds, "medians": _median_breach(breaches)}


def case_squigglepy(n: int) -> dict:
    """The same chain in squigglepy: its distributions, ``~`` draws and ``sq.sample``."""
    import squigglepy as sq

    att, crit = _thresholds()
    growth = sq.lognorm(0.10, 0.225)  # a 90 % interval, as in our convention
    elasticity = sq.pert(0.5, 0.65, 1.0)
    scale = sq.pert(0.6, 0.8, 1.0)
    noise = sq.norm(mean=0, sd=SIGMA)

    def model():
        # A path's rate, elasticity and exponent are drawn once: squigglepy's arithmetic
        # would redraw them in every sub-expression (PERFORMANCE.md).
        rate, e, b = ~growth, ~elasticity, ~scale
        first = [MONTHS + 1] * (2 * len(BREACHES))
        lr = 0.0
        for month in range(MONTHS + 1):
            if month:
                lr += math.log1p(rate) + ~noise
            factor = math.exp(e * lr)
            for i in range(len(RESOURCES)):
                for j, thr in enumerate((att[i], crit[i])):
                    if first[2 * i + j] > MONTHS and AVG[i] * factor > thr:
                        first[2 * i + j] = month
            rho = AVG[0] * factor
            latency = math.log(20) * SERVICE_S / (1 - rho) if rho < 1 else math.inf
            for j, line in enumerate(LATENCY_LINES):
                if first[2 * len(RESOURCES) + j] > MONTHS and latency > line:
                    first[2 * len(RESOURCES) + j] = month
            _cost_per_user = BASE_COST * math.exp((b - 1) * lr) / U0
        return first

    sq.set_seed(1)
    seconds, breaches = _best(lambda: sq.sample(model, n=n), 1)
    return {"seconds": seconds, "medians": _median_breach(np.asarray(breaches).tolist())}


def _child(args: list[str]) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True,
                         check=True, cwd=os.path.dirname(os.path.abspath(__file__)))
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    print(f"Monte Carlo benchmark: reference company, {MONTHS} months, chunks of {CHUNK} "
          f"paths, {os.cpu_count()} CPUs")
    print("threads: chunks run on a pool of min(2, cores) threads, one Generator(SFC64) per "
          "chunk spawned from one SeedSequence (numpy releases the GIL); results do not "
          "depend on the number of threads")
    chain = {}
    for n in SIZES:
        chain[n] = _child(["--case", "chain", "--n", str(n)])
        print(f"chain  {n:>9,} paths: {chain[n]['seconds']:.3f} s, peak memory growth "
              f"{chain[n]['peak_mb']:.1f} MB")
    single = _child(["--case", "chain", "--n", str(SIZES[-1]), "--workers", "1"])
    print(f"chain  {SIZES[-1]:>9,} paths on 1 thread: {single['seconds']:.3f} s")
    floor = _child(["--case", "floor", "--n", str(SIZES[-1])])
    print(f"floor  {SIZES[-1]:>9,} paths: {floor['seconds']:.3f} s (numpy SFC64 drawing the "
          f"same {SIZES[-1] * MONTHS / 1e6:.0f} M normals + per-path uniforms, 1 thread)")
    loop = _child(["--case", "loop", "--n", str(LOOP_PATHS)])
    print(f"loop   {LOOP_PATHS:>9,} paths: {loop['seconds']:.3f} s "
          f"(plain Python over paths and months)")
    squig = _child(["--case", "squigglepy", "--n", str(SQUIGGLE_PATHS)])
    print(f"squigglepy {SQUIGGLE_PATHS:>5,} paths: {squig['seconds']:.3f} s "
          f"(model function, ~ draws, sq.sample)")
    redraw = _child(["--case", "redraw"])
    print(f"redraw {REDRAW_PATHS:>9,} paths x {MONTHS} months, all outputs every month: "
          f"{redraw['seconds']:.4f} s")

    per_path = chain[SIZES[-1]]["seconds"] / SIZES[-1]
    floor_ratio = chain[SIZES[-1]]["seconds"] / floor["seconds"]
    loop_speedup = (loop["seconds"] / LOOP_PATHS) / per_path
    squig_speedup = (squig["seconds"] / SQUIGGLE_PATHS) / per_path
    print("median breach month (engine 1 M / loop / squigglepy):")
    agree = True
    for key, ref in chain[SIZES[-1]]["medians"].items():
        others = (loop["medians"][key], squig["medians"][key])
        # Discrete medians of smaller samples can sit one month apart near a cut
        # (PERFORMANCE.md statistical note): agreement is within one month.
        ok = all((o is None and ref is None) or (o is not None and ref is not None
                                                 and abs(o - ref) <= 1) for o in others)
        agree &= ok
        print(f"  {key:<30} {ref} / {others[0]} / {others[1]}{'' if ok else '  DISAGREE'}")
    print(f"summary: floor_ratio={floor_ratio:.2f} loop_speedup={loop_speedup:.0f} "
          f"squigglepy_speedup={squig_speedup:.0f} peak_mb_1m={chain[SIZES[-1]]['peak_mb']:.0f} "
          f"redraw_s={redraw['seconds']:.3f} agree={'yes' if agree else 'no'}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=["chain", "floor", "loop", "squigglepy", "redraw"])
    parser.add_argument("--n", type=int, default=0)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    if args.case is None:
        main()
    else:
        result = {
            "chain": lambda: case_chain(args.n, args.workers),
            "floor": lambda: case_floor(args.n),
            "loop": lambda: case_loop(args.n),
            "squigglepy": lambda: case_squigglepy(args.n),
            "redraw": case_redraw,
        }[args.case]()
        print(json.dumps(result))
