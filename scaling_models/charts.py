"""Matplotlib figures of Monte Carlo results; every function returns the Figure.

Nothing here calls ``plt.show()`` or prints: notebooks display the returned Figure, the
board report saves it, tests inspect it. Infinite values (a saturated queue's latency) are
drawn at the top of the axes, not dropped.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from scaling_models import montecarlo as mc

__all__ = ["fan_chart", "breach_probability_chart", "tornado_chart", "scenario_chart"]

_LEVEL_COLOURS = {"attention": "tab:orange", "critical": "tab:red"}


def _figure(ax=None, size=(8.0, 4.5)):
    if ax is not None:
        return ax.figure, ax
    fig = Figure(figsize=size, layout="constrained")
    return fig, fig.add_subplot()


def fan_chart(result: mc.SimulationResult, output: str, *, ax=None,
              show_thresholds: bool = True) -> Figure:
    """P5-P95 and P25-P75 bands and the median of one output by month.

    Utilisation outputs (``cpu_avg``...) get the resource's attention and critical lines,
    ``p95_latency_s`` the latency lines (2 s and 5 s by default), ``developers`` today's
    team size.
    """
    series = result.percentiles[result.percentiles["output"] == output]
    if series.empty:
        raise ValueError(f"output {output!r} was not computed; have {result.outputs}")
    fig, ax = _figure(ax)
    m = series["month"].to_numpy()

    def col(p):
        values = series[f"P{p}"].to_numpy(dtype=float)
        finite = values[np.isfinite(values)]
        cap = finite.max() * 1.5 if finite.size else 1.0
        return np.where(np.isinf(values), cap, values)

    ax.fill_between(m, col(5), col(95), alpha=0.2, color="tab:blue", label="P5-P95")
    ax.fill_between(m, col(25), col(75), alpha=0.35, color="tab:blue", label="P25-P75")
    ax.plot(m, col(50), color="tab:blue", label="median")
    resource = output.rsplit("_", 1)[0]
    lines = []
    if show_thresholds and resource in mc.RESOURCES:
        att, crit = result.inputs.thresholds()
        i = mc.RESOURCES.index(resource)
        lines = [("attention", att[i]), ("critical", crit[i])]
    elif show_thresholds and output == "p95_latency_s":
        lines = list(zip(mc.LEVELS, result.inputs.latency_lines(), strict=True))
        # a saturating queue sends latency to thousands of seconds: keep the lines visible
        ax.set_ylim(0.0, min(ax.get_ylim()[1], 4.0 * lines[-1][1]))
    for level, value in lines:
        ax.axhline(value, color=_LEVEL_COLOURS[level], linestyle="--",
                   label=f"{level} ({value:g})")
    if show_thresholds and output == "developers":
        ax.axhline(result.inputs.team_size, color="black", linestyle=":",
                   label=f"today ({result.inputs.team_size})")
    ax.set_xlabel("month")
    ax.set_ylabel(output)
    ax.set_title(f"{output}: {result.n_paths:,} paths")
    ax.legend(loc="upper left", fontsize="small")
    return fig


def breach_probability_chart(result: mc.SimulationResult, *, level: str = "critical",
                             resources: Sequence[str] | None = None, ax=None) -> Figure:
    """Probability that each resource has crossed its ``level`` line by each month.

    ``resources`` defaults to every breach metric (:data:`montecarlo.BREACH_METRICS`: the
    four resources and P95 latency).
    """
    resources = list(mc.BREACH_METRICS) if resources is None else list(resources)
    fig, ax = _figure(ax)
    table = result.breach_probability
    for resource in resources:
        rows = table[(table["resource"] == resource) & (table["level"] == level)]
        if rows.empty:
            raise ValueError(f"no breach data for {resource!r}/{level!r}")
        ax.step(rows["month"], rows["probability"], where="post", label=resource)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("month")
    ax.set_ylabel(f"P(crossed {level} line)")
    ax.set_title(f"Probability of crossing the {level} threshold")
    ax.legend(loc="lower right", fontsize="small")
    return fig


def tornado_chart(table: pd.DataFrame, *, ax=None) -> Figure:
    """Horizontal bars from :func:`sensitivity.tornado`, largest swing on top."""
    fig, ax = _figure(ax)
    base = table.attrs.get("base", np.nan)
    rows = table.iloc[::-1]
    y = np.arange(len(rows))
    lo, hi = rows["metric_low"].to_numpy(), rows["metric_high"].to_numpy()
    ref = base if np.isfinite(base) else 0.0
    ax.barh(y, lo - ref, left=ref, color="tab:blue", label="input at P10")
    ax.barh(y, hi - ref, left=ref, color="tab:orange", label="input at P90")
    if np.isfinite(base):
        ax.axvline(base, color="black", linewidth=1)
    ax.set_yticks(y, rows.index)
    ax.set_xlabel(table.attrs.get("metric", "metric"))
    ax.set_title("Tornado: one input at a time, others at their median")
    ax.legend(loc="lower right", fontsize="small")
    return fig


def scenario_chart(percentiles: pd.DataFrame, output: str, *, ax=None,
                   band: tuple[int, int] = (10, 90)) -> Figure:
    """Median and a percentile band of one output for each scenario.

    ``percentiles`` is the first table returned by :func:`montecarlo.compare_scenarios`.
    """
    rows = percentiles[percentiles["output"] == output]
    if rows.empty:
        raise ValueError(f"output {output!r} is not in the scenario table")
    fig, ax = _figure(ax)
    for scenario, group in rows.groupby("scenario", sort=False):
        line = ax.plot(group["month"], group["P50"], label=str(scenario))[0]
        ax.fill_between(group["month"], group[f"P{band[0]}"], group[f"P{band[1]}"],
                        alpha=0.15, color=line.get_color())
    ax.set_xlabel("month")
    ax.set_ylabel(output)
    ax.set_title(f"{output} by scenario (median, P{band[0]}-P{band[1]})")
    ax.legend(loc="upper left", fontsize="small")
    return fig
