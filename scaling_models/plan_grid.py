"""Remedy plans for a grid of risk targets and budgets, computed ahead for a what-if panel.

A remedy plan takes seconds to optimise (:func:`scaling_models.plans.optimise`), too long
for a slider step. A :class:`PlanGrid` holds the grid of values the panel's sliders can
take and, for each point, the outcome of the very calls notebook 06 makes for its own
setting (:func:`plan_outcome`: the optimisation, then the comparison without and with
the plan, :func:`scaling_models.plan_report.compare`, both with the notebook's seed and
number of paths), so a step that lands on a computed point only reads it. Points are
computed on demand, ahead of time in the kernel (:meth:`PlanGrid.precompute`), or by one
background worker process at low priority (:meth:`PlanGrid.start_background`), nearest
to the slider's current position first; a step that lands on a point the worker is
computing waits for it instead of starting again.

The outcome of a point does not depend on how or where it was computed: the seed is an
integer (each call draws its own generator from it), so the numbers are those of a direct
call (``tests/test_plan_grid.py`` checks points of both kinds).

Units: risk targets as fractions, budgets in the catalogue's currency (None: no budget),
months.
"""

from __future__ import annotations

import math
import os
import sys
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from scaling_models import plan_report, plans
from scaling_models.montecarlo import Inputs

__all__ = ["PlanOutcome", "plan_outcome", "PlanGrid"]


@dataclass(frozen=True, kw_only=True)
class PlanOutcome:
    """What a panel shows for one risk target and budget.

    Attributes
    ----------
    result : scaling_models.plans.PlanResult
        :func:`scaling_models.plans.optimise`'s answer.
    curves, table : pandas.DataFrame
        :attr:`scaling_models.plan_report.PlanComparison.curves` and ``.table`` of the
        plan (the comparison's two simulations are not kept: a grid holds many points).
    """

    result: plans.PlanResult
    curves: pd.DataFrame
    table: pd.DataFrame


def plan_outcome(inputs: Inputs, levers: Any, *, risk: float, budget: float | None,
                 months: int, seed: int, n_paths: int) -> PlanOutcome:
    """The cheapest plan for ``risk`` within ``budget``, and its comparison.

    ``plans.optimise(inputs, levers, risk=risk, months=months, rng=seed, budget=budget,
    n_paths=n_paths)``, then ``plan_report.compare(inputs, plan, n_paths=n_paths,
    months=months, rng=seed)``: the calls of notebook 06 and of the board report.

    Parameters
    ----------
    inputs : scaling_models.montecarlo.Inputs
    levers : DataFrame, path or None
        The lever catalogue (:func:`scaling_models.plans.load_levers`).
    risk : float
        Risk target, in (0, 1). [fraction]
    budget : float or None
        Most the plan may cost over the horizon; None for none. [currency]
    months, n_paths : int
        Horizon [month] and simulated paths.
    seed : int
        Seed of both calls.
    """
    found = plans.optimise(inputs, levers, risk=risk, months=months, rng=seed,
                           budget=budget, n_paths=n_paths)
    compared = plan_report.compare(inputs, found.plan, n_paths=n_paths, months=months,
                                   rng=seed)
    return PlanOutcome(result=found, curves=compared.curves, table=compared.table)


def _lower_priority() -> None:
    """Worker start-up: yield the CPU to the kernel and the browser."""
    os.environ.setdefault("TQDM_DISABLE", "1")
    try:
        os.nice(10)
    except OSError:  # not allowed here: run at the same priority
        pass


Key = tuple[float, float | None]


class PlanGrid:
    """:func:`plan_outcome` for every (risk target, budget) of a grid, cached.

    Parameters
    ----------
    inputs, levers, months, n_paths
        As :func:`plan_outcome`.
    risks : sequence of float
        The risk targets a slider offers, in (0, 1). [fraction]
    budgets : sequence of float or None
        The budgets a slider offers; None for no budget. [currency]
    seed : int
        Seed of every point (an integer: a Generator would give each call other numbers).

    Attributes
    ----------
    risks, budgets : tuple
        The grid, as given.
    computed_here, computed_in_background : int
        Points computed in this process and by the worker.
    """

    def __init__(self, inputs: Inputs, levers: Any, *, risks: Sequence[float],
                 budgets: Sequence[float | None], months: int, seed: int,
                 n_paths: int) -> None:
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise TypeError(f"seed must be an int (every point uses it whole); got "
                            f"{type(seed).__name__}")
        self.risks = tuple(float(r) for r in risks)
        self.budgets = tuple(None if b is None else float(b) for b in budgets)
        if not self.risks or not self.budgets:
            raise ValueError("risks and budgets must each hold at least one value")
        for r in self.risks:
            if not 0 < r < 1:
                raise ValueError(f"risks must be probabilities in (0, 1); got {r!r}")
        for b in self.budgets:
            if b is not None and not (math.isfinite(b) and b >= 0):
                raise ValueError(f"budgets must be >= 0 [currency] or None; got {b!r}")
        self._call = {"inputs": inputs, "levers": levers, "months": months, "seed": seed,
                      "n_paths": n_paths}
        self._done: dict[Key, PlanOutcome] = {}
        self._running: dict[Key, Future] = {}
        self._here: set[Key] = set()  # being computed by get(): not for the worker
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        self._no_worker = False
        self._focus: Key = (self.risks[0], self.budgets[0])
        self._heading = (1, 0)  # the way the sliders moved last: up the risk targets
        self.computed_here = 0
        self.computed_in_background = 0

    # points --------------------------------------------------------------------------
    def _key(self, risk: float, budget: float | None) -> Key:
        key = (float(risk), None if budget is None else float(budget))
        if key[0] not in self.risks or key[1] not in self.budgets:
            raise ValueError(f"({risk!r}, {budget!r}) is not on the grid: risks "
                             f"{list(self.risks)}, budgets {list(self.budgets)}")
        return key

    def __len__(self) -> int:
        return len(self.risks) * len(self.budgets)

    @property
    def ready(self) -> int:
        """Points computed so far."""
        with self._lock:
            return len(self._done)

    def has(self, risk: float, budget: float | None) -> bool:
        """Whether the point is computed (a :meth:`get` returns at once)."""
        with self._lock:
            return self._key(risk, budget) in self._done

    def get(self, risk: float, budget: float | None) -> PlanOutcome:
        """The point's outcome: computed, awaited from the worker, or computed here."""
        key = self._key(risk, budget)
        with self._lock:
            done = self._done.get(key)
            running = self._running.get(key)
        if done is not None:
            return done
        if running is not None and running.cancel():
            running = None  # queued, not started: quicker here than behind another point
        if running is not None:
            try:
                return self._store(key, running.result(), background=True)
            except Exception:  # a worker that died: compute here instead
                pass
        with self._lock:
            self._here.add(key)
        try:
            outcome = plan_outcome(**self._call, risk=key[0], budget=key[1])
        finally:
            with self._lock:
                self._here.discard(key)
        return self._store(key, outcome, background=False)

    def _store(self, key: Key, outcome: PlanOutcome, *, background: bool) -> PlanOutcome:
        with self._lock:
            if key not in self._done:
                self._done[key] = outcome
                if background:
                    self.computed_in_background += 1
                else:
                    self.computed_here += 1
            self._running.pop(key, None)
            return self._done[key]

    def remember(self, risk: float, budget: float | None, outcome: PlanOutcome) -> None:
        """Store an outcome already computed with :func:`plan_outcome` for this point
        (the notebook's own setting), checked against the grid's horizon and paths."""
        key = self._key(risk, budget)
        found = outcome.result
        if (found.risk != key[0] or found.months != self._call["months"]
                or found.n_paths != self._call["n_paths"]):
            raise ValueError(f"this outcome is for risk {found.risk}, {found.months} months, "
                             f"{found.n_paths} paths; the grid point is risk {key[0]}, "
                             f"{self._call['months']} months, {self._call['n_paths']} paths")
        self._store(key, outcome, background=False)

    def precompute(self, points: Iterable[tuple[float, float | None]]) -> None:
        """Compute ``points`` now, here (each ``(risk, budget)`` of the grid)."""
        for risk, budget in points:
            self.get(risk, budget)

    def around(self, risk: float, budget: float | None, *, risk_steps: int = 1,
               budget_steps: int = 1) -> list[tuple[float, float | None]]:
        """The grid points that up to ``risk_steps`` steps of the risk slider, or up to
        ``budget_steps`` of the budget slider, reach from ``(risk, budget)``, nearest
        first (the point itself left out)."""
        key = self._key(risk, budget)
        i, j = self.risks.index(key[0]), self.budgets.index(key[1])
        points = []
        for d in range(1, max(risk_steps, budget_steps) + 1):
            moves = ([(d, 0), (-d, 0)] if d <= risk_steps else []) + (
                [(0, d), (0, -d)] if d <= budget_steps else [])
            for di, dj in moves:
                if 0 <= i + di < len(self.risks) and 0 <= j + dj < len(self.budgets):
                    points.append((self.risks[i + di], self.budgets[j + dj]))
        return points

    # background ----------------------------------------------------------------------
    def start_background(self) -> None:
        """Start the worker process (once): it computes the missing points one at a time,
        nearest to the last :meth:`focus` first, until the grid is full."""
        with self._lock:
            if self._executor is not None or self._no_worker:
                return
            import multiprocessing

            # spawn reads __main__.__spec__, which an embedded IPython shell's __main__
            # lacks (a script's is None)
            main = sys.modules.get("__main__")
            if main is not None and not hasattr(main, "__spec__"):
                main.__spec__ = None
            # spawn: a fresh interpreter, not a fork of a kernel running threads
            self._executor = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                initializer=_lower_priority)
        self._submit_next()

    def focus(self, risk: float, budget: float | None) -> None:
        """Make the worker's next points those nearest to ``(risk, budget)``, ahead along
        the slider moved last (from the previous focus) first."""
        key = self._key(risk, budget)
        with self._lock:
            di = self.risks.index(key[0]) - self.risks.index(self._focus[0])
            dj = self.budgets.index(key[1]) - self.budgets.index(self._focus[1])
            if di or dj:
                self._heading = (int(np.sign(di)), int(np.sign(dj)))
            self._focus = key

    def _next(self) -> Key | None:
        fi, fj = self.risks.index(self._focus[0]), self.budgets.index(self._focus[1])
        hi, hj = self._heading

        def rank(i: int, j: int) -> tuple:
            # nearest first; at one distance, ahead on the slider moved last, then along
            # it behind, then across
            ahead = (i - fi) * hi + (j - fj) * hj > 0
            along = (hi and j == fj) or (hj and i == fi)
            return abs(i - fi) + abs(j - fj), not ahead, not along, abs(j - fj), i, j

        missing = [rank(i, j)
                   for i, r in enumerate(self.risks) for j, b in enumerate(self.budgets)
                   if (r, b) not in self._done and (r, b) not in self._running
                   and (r, b) not in self._here]
        if not missing:
            return None
        i, j = min(missing)[-2:]
        return self.risks[i], self.budgets[j]

    def _submit_next(self) -> None:
        with self._lock:
            if self._executor is None or self._running:
                return
            key = self._next()
            if key is None:
                return
            try:
                future = self._executor.submit(plan_outcome, **self._call, risk=key[0],
                                               budget=key[1])
            except RuntimeError:  # shutting down (the kernel is exiting)
                return
            except Exception:  # no process can start here: points are computed on demand
                self._executor.shutdown(wait=False, cancel_futures=True)
                self._executor, self._no_worker = None, True
                return
            self._running[key] = future
        future.add_done_callback(lambda done, key=key: self._finished(key, done))

    def _finished(self, key: Key, future: Future) -> None:
        if future.cancelled():
            with self._lock:
                self._running.pop(key, None)
        elif future.exception() is not None:  # stop: get() computes the point here
            with self._lock:
                self._running.pop(key, None)
            return
        else:
            self._store(key, future.result(), background=True)
        self._submit_next()

    def close(self) -> None:
        """Stop the worker (points already computed stay)."""
        with self._lock:
            executor, self._executor = self._executor, None
            running = list(self._running.values())
            self._running.clear()
        for future in running:
            future.cancel()
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
