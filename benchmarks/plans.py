"""Time plans.optimise on the sample company: 12 months, the default lever catalogue.

Run: ``python benchmarks/plans.py`` (prints the plan, its cost and risk, and the time).
The sample company is ``company.calibrate(loaders.load_data_dir())``: the growth model,
per-resource elasticities and latency fitted on its history, as the board report builds it.
"""

import os
import time

os.environ.setdefault("TQDM_DISABLE", "1")

from scaling_models import company, loaders, plans


def sample_inputs():
    return company.calibrate(loaders.load_data_dir(), rng=20240630).inputs


def main() -> None:
    inputs = sample_inputs()
    levers = plans.load_levers()
    plans.optimise(inputs, levers, months=12, rng=0, n_paths=2_000)  # warm-up (imports)
    start, cpu = time.perf_counter(), time.process_time()
    result = plans.optimise(inputs, levers, risk=0.05, months=12, rng=1)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(result.actions.drop(columns="label").to_string(index=False))
    print(result.p_critical.round(4).to_string())
    print(f"method {result.method}, gap {result.optimality_gap}, "
          f"{result.evaluations} plans evaluated, {result.n_paths} paths")
    print(f"total cost {result.total_cost:,.0f} over {result.months} months; "
          f"risk {result.achieved_risk:.4f} +/- {result.standard_error:.4f}, "
          f"{result.validated_risk:.4f} on independent paths; {result.message}")
    check = plans.evaluate(inputs, result.plan, n_paths=result.n_paths, months=12, rng=99)
    print(f"re-simulated with another seed: risk {check['risk']:.4f} "
          f"(+/- {check['standard_error']:.4f}; engine hook {check['engine_hook']})")
    print(f"optimise: {elapsed:.2f} s wall, {cpu:.2f} s CPU, on {os.cpu_count()} cores "
          f"(load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
