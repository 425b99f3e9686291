"""Wall time of the whole board report on the bundled data (target: under 60 s).

Run: ``python benchmarks/report.py [--n-paths N] [--no-pdf]``. Builds the 2024-Q2 report
with the notebook's default parameters into a temporary folder (validation, papermill
execution, HTML export, PDF when Chromium is installed) and prints the wall time of each
run and the best of them. Not a timed test: machines differ.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from scaling_models import batch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2, help="runs (default 2)")
    parser.add_argument("--n-paths", type=int, help="override the notebook's n_paths")
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF")
    args = parser.parse_args()
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        params = []
        if args.n_paths is not None:
            path = Path(tmp) / "params.yaml"
            path.write_text(f"n_paths: {args.n_paths}\n")
            params = [path]
        for run in range(args.repeat):
            start = time.perf_counter()
            batch.build_report("2024-Q2", params_files=params, out_dir=Path(tmp) / f"r{run}",
                               pdf=not args.no_pdf, progress=False)
            times.append(time.perf_counter() - start)
            print(f"run {run + 1}: {times[-1]:.1f} s")
    pdf = "with PDF" if not args.no_pdf and batch.find_chromium() else "without PDF"
    print(f"board report 2024-Q2, bundled data, {pdf}: best {min(times):.1f} s "
          f"(target < 60 s)")


if __name__ == "__main__":
    main()
