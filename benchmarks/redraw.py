"""Time one what-if slider redraw per analyst notebook at its default sample size.

Usage (from the repository root)::

    python benchmarks/redraw.py [--repeats 7]

Each notebook's code cells run once in an in-process IPython shell (defaults, no
papermill), timed ("open": what running every cell costs, the panel's first drawing and
what it computes ahead included); the what-if panel its last cell returns is then redrawn
``repeats`` times, moving its first slider back and forth between two values (a range
slider: its high end; a slider over given values: the next one), and the median and
worst wall time of a redraw (package call + figure rendering to PNG, what the kernel does
between the slider event and the message to the browser) are printed. The panels cache
what does not depend on the slider, so the values alternate between two cached settings
after the first two redraws: ``--fresh`` clears the caches (``functools.lru_cache``)
before each redraw to time a setting never seen (notebook 06's plans computed ahead for
its sliders' grid are not cleared: they are the panel's precomputation, timed in "open").
Target: under 0.2 s in the kernel, which leaves the browser the rest of the 0.5 s.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import sys
import time
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
TARGET_S = 0.2


def load_panel(path: Path):
    """Run the notebook's code cells in a fresh namespace; return its what-if panel."""
    import nbformat
    from IPython.core.interactiveshell import InteractiveShell

    from scaling_models.whatif import WhatIfPanel

    shell = InteractiveShell.instance()
    shell.reset(new_session=True)
    nb = nbformat.read(str(path), as_version=4)
    cwd = os.getcwd()
    os.chdir(path.parent)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            for cell in nb.cells:
                if cell.cell_type != "code":
                    continue
                # a terminal shell has no inline backend; Agg renders the same PNGs
                source = "\n".join(line for line in cell.source.splitlines()
                                   if not line.startswith("%matplotlib"))
                result = shell.run_cell(source, silent=False, store_history=True)
                if not result.success:
                    raise RuntimeError(f"{path.name}: a cell failed: {result.error_in_exec!r}"
                                       f"{result.error_before_exec!r}")
    finally:
        os.chdir(cwd)
    panels = [v for v in shell.user_ns["Out"].values() if isinstance(v, WhatIfPanel)]
    if not panels:
        raise RuntimeError(f"{path.name}: no what-if panel displayed by a cell")
    return panels[-1], shell.user_ns


def _two_values(control):
    """The control's value and a neighbouring allowed value."""
    value = control.value
    if hasattr(control, "options") and control.options:
        values = [o[1] if isinstance(o, tuple) else o for o in control.options]
        other = values[(values.index(value) + 1) % len(values)]
        return value, other
    step = control.step
    if isinstance(value, tuple):  # a range slider: move its high end
        low, high = value
        high = high + step if high + step <= control.max else high - step
        return value, (low, max(low, high))
    other = value + step if value + step <= control.max else value - step
    return value, other


def _caches(namespace: dict) -> list:
    return [v for v in namespace.values() if hasattr(v, "cache_clear")]


def time_redraws(panel, repeats: int, fresh: bool = False, namespace: dict | None = None
                 ) -> list[float]:
    import ipywidgets

    name, control = next((n, c) for n, c in panel.controls.items()
                         if not isinstance(c, ipywidgets.Dropdown))
    values = _two_values(control)
    panel.redraw()  # warm-up: first-call imports and caches
    times = []
    for i in range(repeats):
        if fresh:
            for cached in _caches(namespace or {}):
                cached.cache_clear()
        start = time.perf_counter()
        panel.update(**{name: values[(i + 1) % 2]})
        times.append(time.perf_counter() - start)
        if panel.last_error:
            raise RuntimeError(f"redraw failed: {panel.last_error}")
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=7, help="redraws per notebook")
    parser.add_argument("--fresh", action="store_true",
                        help="clear the panels' caches before each redraw")
    args = parser.parse_args(argv)
    os.environ.setdefault("TQDM_DISABLE", "1")
    import matplotlib

    matplotlib.use("Agg")
    print(f"{'notebook':32} {'open [s]':>8} {'median [s]':>10} {'max [s]':>8}  "
          f"redraw target < {TARGET_S} s")
    slow = 0
    for path in sorted(NOTEBOOKS.glob("0*_*.ipynb")):
        start = time.perf_counter()
        panel, namespace = load_panel(path)
        opened = time.perf_counter() - start
        times = time_redraws(panel, args.repeats, args.fresh, namespace)
        median = statistics.median(times)
        slow += median >= TARGET_S
        flag = "" if median < TARGET_S else "  SLOW"
        print(f"{path.name:32} {opened:8.1f} {median:10.3f} {max(times):8.3f}{flag}",
              flush=True)
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
