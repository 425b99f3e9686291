"""The figures of the analyst notebooks' what-if panels, drawn once and moved in place.

Each class draws its figure for a first result and keeps the artists that a slider
moves (bands, lines, bars, notes); its ``update(...)`` moves them to the next result and
returns the figure as a :class:`scaling_models.whatif.LiveFigure`, whose axes, ticks,
labels and reference lines stay rendered between slider steps. The axes hold their
limits while the data fits them (:func:`scaling_models.whatif.hold_limits`), so a step
shows the data moving, not the axes, and costs a few milliseconds of drawing instead of
a full rendering.

Units are those of the charts they mirror (:mod:`scaling_models.charts`): utilisation and
shares as fractions drawn in percent, months from the run's month 0 written as calendar
months, money in the currency given.

This module is display glue only: every number it draws comes from the package's
results (:mod:`scaling_models.montecarlo`, :mod:`scaling_models.debt`,
:mod:`scaling_models.sensitivity`, :mod:`scaling_models.plan_report`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.ticker import PercentFormatter

from scaling_models import charts, whatif
from scaling_models import montecarlo as mc

__all__ = ["CapacityFigure", "EconomicsFigure", "DebtFigure", "TornadoFigure", "PlanFigure",
           "plan_summary"]

def _percent_axis(axis) -> None:
    axis.set_major_formatter(PercentFormatter(1.0, decimals=0, symbol=" %"))


class CapacityFigure:
    """One resource's utilisation fan and every resource's chance of being critical.

    Left: the P5-P95 and P25-P75 bands and the median of the resource's monthly average
    utilisation [%], its attention and critical lines, and the note of
    :func:`scaling_models.charts.clip_axis` when futures go beyond ``limit``. Right: the
    share of futures past the critical line by each month, for every breach metric
    (:data:`scaling_models.montecarlo.BREACH_METRICS`), the chosen resource in bold.

    Parameters
    ----------
    result : scaling_models.montecarlo.SimulationResult
        The first run to draw (with the ``<resource>_avg`` outputs).
    resource : str
        One of :data:`scaling_models.montecarlo.RESOURCES`.
    start : str or pandas.Period
        Calendar month of the run's month 0 (``YYYY-MM``).
    limit, floor : float
        Highest and lowest utilisation the left axis may show [fraction].
    """

    def __init__(self, result: mc.SimulationResult, resource: str, start: str | pd.Period,
                 *, limit: float = 1.5, floor: float = 0.4) -> None:
        fig, (left, right) = whatif.new_figure(1, 2, height=3.6)
        fig.subplots_adjust(left=0.1, right=0.96, wspace=0.3, bottom=0.16)
        self.live = whatif.LiveFigure(fig)
        self.left, self.right = left, right
        self.limit, self.floor = float(limit), float(floor)
        self.start = pd.Period(str(start), freq="M")
        output = f"{resource}_avg"
        months, values = charts.fan_values(result, output)
        self.fan = charts.FanArtists(left, months, values)
        self.levels = {}
        for level, value, label in charts.threshold_lines(result.inputs, output):
            self.levels[level] = left.axhline(value, color=charts.COLOURS[level],
                                              linestyle="--", label=label)
        self.marker, self.note = charts.clip_artists(left)
        charts.month_axis(left, self.start, int(months[-1]))
        _percent_axis(left.yaxis)
        left.set_ylim(self.floor, self.limit)
        left.set_ylabel("utilisation [%]")
        self.left_legend = left.legend(loc="center right", fontsize="small")
        self.steps = {}
        for metric in mc.BREACH_METRICS:
            (self.steps[metric],) = right.step(*charts.breach_series(result, metric),
                                               where="post", label=charts.metric_name(metric))
        right.set_ylim(-0.02, 1.02)
        _percent_axis(right.yaxis)
        charts.month_axis(right, self.start, int(months[-1]))
        right.set_ylabel("futures past the critical line [%]")
        self.right_legend = right.legend(loc="lower right", fontsize="small")
        # everything a step moves is drawn over the cached rest, the legends over it
        self.live.changing(*self.fan.artists, *self.levels.values(), self.marker,
                           self.note, *self.steps.values())
        self.live.on_top(self.left_legend, self.right_legend)
        self.update(result, resource)

    def update(self, result: mc.SimulationResult, resource: str) -> whatif.LiveFigure:
        """Move the figure to ``result`` and ``resource``; return it to display."""
        if resource not in mc.RESOURCES:
            raise ValueError(f"resource must be one of {mc.RESOURCES}; got {resource!r}")
        output = f"{resource}_avg"
        label = charts.metric_name(resource)
        months, values = charts.fan_values(result, output)
        self.fan.update(months, values)
        texts = self.left_legend.get_texts()
        for k, (level, value, text) in enumerate(charts.threshold_lines(result.inputs,
                                                                       output)):
            self.levels[level].set_ydata([value, value])
            texts[3 + k].set_text(text)  # after the two bands and the median
        # the axis keeps its range while the futures fit it; beyond `limit` they are
        # marked, not drawn to 600 %
        critical = self.levels["critical"].get_ydata()[0]
        low = max(min(self.floor, float(np.min(values[5]))), 0.0)
        high = min(self.limit, 1.05 * max(float(np.max(values[95])), critical))
        whatif.hold_limits(self.left, "y", low, high, pad=0.0)
        top = self.left.get_ylim()[1]
        found = charts.clip_note(months, values[95], values[50], top,
                                 shown=f"{top * 100:.0f} %", start=self.start)
        self.marker.set_visible(found is not None)
        self.note.set_visible(found is not None)
        if found is not None:
            self.marker.set_data([found[0]], [1.0])
            self.note.set_text(found[2])
        self.left.title.set_text(label)  # set_text: stale only when it changes
        for metric, line in self.steps.items():
            line.set_data(*charts.breach_series(result, metric))
            chosen = metric == resource
            line.set_linewidth(3 if chosen else 1)
            line.set_alpha(1 if chosen else 0.35)
        self.right.title.set_text(f"Above critical ({label} in bold)")
        return self.live


def _fan_limits(ax, values, *extra: float) -> None:
    """Hold ``ax``'s y limits from 0 to a fan's P95 (and ``extra`` reference values),
    with room for a few slider steps above."""
    high = max([float(np.max(values[95])), *extra])
    whatif.hold_limits(ax, "y", 0.0, high, pad=0.2, bottom=0.0)


class EconomicsFigure:
    """Cost per user and infrastructure share of revenue, as fans, for one scenario.

    Left: the P5-P95 and P25-P75 bands and the median of ``cost_per_user``
    [currency/user/month]; right: those of ``infra_share`` [%] with the target share
    (:data:`scaling_models.cost.INFRA_SHARE_TARGET`).

    Parameters
    ----------
    result : scaling_models.montecarlo.SimulationResult
        The first run to draw (with the ``cost_per_user`` and ``infra_share`` outputs).
    scenario : str
        The scenario's name, for the left title.
    start : str or pandas.Period
        Calendar month of the run's month 0 (``YYYY-MM``).
    currency : str
        Currency label of the axis.
    """

    def __init__(self, result: mc.SimulationResult, scenario: str, start: str | pd.Period,
                 *, currency: str = "EUR") -> None:
        from scaling_models import cost

        fig, (left, right) = whatif.new_figure(1, 2, height=3.6)
        fig.subplots_adjust(left=0.1, right=0.96, wspace=0.3, bottom=0.16)
        self.live = whatif.LiveFigure(fig)
        self.left, self.right = left, right
        self.target = float(cost.INFRA_SHARE_TARGET)
        start = pd.Period(str(start), freq="M")
        self.fans = {}
        for ax, output in ((left, "cost_per_user"), (right, "infra_share")):
            months, values = charts.fan_values(result, output)
            self.fans[output] = charts.FanArtists(ax, months, values)
            charts.month_axis(ax, start, int(months[-1]))
            ax.set_ylabel(charts.output_axis_label(output, currency))
        charts.label_line(right, self.target, "target", colour=charts.COLOURS["critical"],
                          at=0.99)
        right.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=1, symbol=" %"))
        right.set_title("Infrastructure share of revenue")
        self.legend = left.legend(loc="lower left", fontsize="small")  # the axis starts at 0
        self.live.changing(*(a for fan in self.fans.values() for a in fan.artists))
        self.live.on_top(self.legend)
        self.update(result, scenario)

    def update(self, result: mc.SimulationResult, scenario: str) -> whatif.LiveFigure:
        """Move the fans to ``result`` (scenario ``scenario``); return the figure."""
        for output, fan in self.fans.items():
            months, values = charts.fan_values(result, output)
            fan.update(months, values)
            if output == "infra_share":
                _fan_limits(self.right, values, self.target)
            else:
                _fan_limits(self.left, values)
        self.left.title.set_text(f"Cost per user, {scenario}")
        return self.live


class DebtFigure:
    """Each debt item's ROI as a bar, its 5-95 % range under uncertain estimates, and the
    ROI bands' lines.

    The rows keep the order of the first ranking drawn, largest ROI on top: a step moves
    the bars only (near-equal items swap places as the hourly cost moves, and writing
    the names again would be a full rendering at each swap); a bar longer than the one
    above it shows that the ranking changed. Green when the item fits in the debt budget
    (``selected``), grey otherwise.

    Parameters
    ----------
    ranked : pandas.DataFrame
        :func:`scaling_models.debt.prioritise` of the assessed backlog: ``roi`` [-] and
        ``selected`` (bool) by item, ranked; its order is the rows'.
    draws : pandas.DataFrame
        :func:`scaling_models.debt.simulate_roi`: ROI draws [-], one column per item.
    band_names : mapping of str to str
        Words for the bands of :data:`scaling_models.debt.ROI_BANDS` (``"now"`` ->
        ``"treat now"``), in the legend.
    """

    def __init__(self, ranked: pd.DataFrame, draws: pd.DataFrame,
                 band_names: Mapping[str, str]) -> None:
        from matplotlib.collections import LineCollection

        from scaling_models import debt

        fig, ax = whatif.new_figure(height=5.5)
        fig.subplots_adjust(left=0.35, bottom=0.1, top=0.93)
        self.live = whatif.LiveFigure(fig)
        self.ax = ax
        n = len(ranked)
        self.rows = np.arange(n)[::-1]  # the first item on top
        self.bars = ax.barh(self.rows, np.ones(n), color="lightgrey").patches
        self.whiskers = LineCollection([], colors="black", linewidths=1,
                                       label="5-95 % under uncertainty")
        ax.add_collection(self.whiskers)
        (self.low_caps,) = ax.plot([], [], "|", color="black", markersize=4)
        (self.high_caps,) = ax.plot([], [], "|", color="black", markersize=4)
        ax.set_ylim(-0.6, n - 0.4)
        self.order = list(ranked.index)
        ax.set_yticks(self.rows, [str(item) for item in self.order])
        lines = []
        for band, colour in (("backlog", "grey"), ("plan", "tab:orange"),
                             ("now", "tab:red")):
            lines.append(ax.axvline(debt.ROI_BANDS[band], color=colour, linestyle="--",
                                    zorder=2.5, label=f"{band_names[band]} from "
                                    f"{debt.ROI_BANDS[band]:.0%}"))
        self.band_top = max(debt.ROI_BANDS.values())
        ax.xaxis.set_major_formatter(lambda x, _pos: f"{x:.0%}")
        ax.set(title="ROI (green: fits in the debt budget)",
               xlabel="ROI [annual savings / cost of the fix, %]")
        self.live.changing(*self.bars, self.whiskers, self.low_caps, self.high_caps,
                           *lines)
        self.live.on_top(ax.legend(loc="lower right", fontsize="small"))
        self.update(ranked, draws)

    def update(self, ranked: pd.DataFrame, draws: pd.DataFrame) -> whatif.LiveFigure:
        """Move the bars to a new assessment and new draws; return the figure."""
        if sorted(map(str, ranked.index)) != sorted(map(str, self.order)):
            raise ValueError(f"ranked must have the {len(self.order)} items drawn; got "
                             f"{len(ranked)}")
        ranked = ranked.loc[self.order]
        roi = ranked["roi"].to_numpy(dtype=float)
        low, high = draws[self.order].quantile([0.05, 0.95]).to_numpy()
        for bar, value, chosen in zip(self.bars, roi, ranked["selected"], strict=True):
            bar.set_width(value)
            bar.set_facecolor("tab:green" if chosen else "lightgrey")
        self.whiskers.set_segments([[(lo, y), (hi, y)] for lo, hi, y in
                                    zip(low, high, self.rows, strict=True)])
        self.low_caps.set_data(low, self.rows)
        self.high_caps.set_data(high, self.rows)
        right = max(float(np.max(high)), float(np.max(roi)), self.band_top)
        whatif.hold_limits(self.ax, "x", 0.0, right, pad=0.15, bottom=0.0)
        return self.live


class TornadoFigure:
    """A tornado (:func:`scaling_models.sensitivity.tornado`) whose bars move in place.

    One row per swung input, the largest swing on top: a bar from the base (every input
    at its median) to the metric with the input at its P10 and one to the metric at its
    P90, and under the input's name its P10 and P90 values. A step that keeps the order
    of the rows moves bars and values only; a new order writes the names again (a full
    rendering).

    Parameters
    ----------
    table : pandas.DataFrame
        The first tornado to draw (``value_low``, ``value_high``, ``metric_low``,
        ``metric_high`` by input, ``attrs["base"]``).
    title, xlabel : str
        The title (moved by :meth:`update`) and what the metric is, with its unit.
    names : mapping of str to str, optional
        Words for the inputs (``"growth_rate"`` -> ``"monthly growth"``).
    formats : mapping of str to str, optional
        Format spec of each input's values (default ``".2f"``; ``".1%"`` for a rate).
    """

    def __init__(self, table: pd.DataFrame, title: str, xlabel: str, *,
                 names: Mapping[str, str] | None = None,
                 formats: Mapping[str, str] | None = None) -> None:
        fig, ax = whatif.new_figure(height=3.4)
        fig.subplots_adjust(left=0.33, bottom=0.16)
        self.live = whatif.LiveFigure(fig)
        self.ax = ax
        self.names = dict(names or {})
        self.formats = dict(formats or {})
        n = len(table)
        self.rows = np.arange(n)[::-1]  # the largest swing on top
        self.low_bars = ax.barh(self.rows, np.zeros(n), color="tab:blue",
                                label="input at P10").patches
        self.high_bars = ax.barh(self.rows, np.zeros(n), color="tab:orange",
                                 label="input at P90").patches
        self.base = ax.axvline(0.0, color="black", linewidth=1)
        # each input's P10-P90 under its name (in axes x, data y): the names stay
        # rendered, the values move
        self.values = [ax.text(-0.02, y - 0.2, "", transform=ax.get_yaxis_transform(),
                               ha="right", va="center", fontsize="small", color="0.35")
                       for y in self.rows]
        ax.set_ylim(-0.6, n - 0.4)
        ax.tick_params(axis="y", length=0)
        ax.set_xlabel(xlabel)
        self.order: list = []
        self.live.changing(*self.low_bars, *self.high_bars, self.base, *self.values)
        self.live.on_top(ax.legend(loc="lower right", fontsize="small"))
        self.update(table, title)

    def update(self, table: pd.DataFrame, title: str) -> whatif.LiveFigure:
        """Move the bars to a new tornado; return the figure."""
        if len(table) != len(self.rows):
            raise ValueError(f"table must have the {len(self.rows)} inputs drawn; got "
                             f"{len(table)}")
        if list(table.index) != self.order:  # the names, only when the order moves
            self.order = list(table.index)
            self.ax.set_yticks(self.rows + 0.15,
                               [self.names.get(k, k) for k in self.order])
        base = float(table.attrs["base"])
        self.base.set_xdata([base, base])
        ends = [base]
        for k, name in enumerate(self.order):
            row = table.loc[name]
            for bar, end in ((self.low_bars[k], "low"), (self.high_bars[k], "high")):
                bar.set_x(base)
                bar.set_width(float(row[f"metric_{end}"]) - base)
                ends.append(float(row[f"metric_{end}"]))
            spec = self.formats.get(name, ".2f")
            self.values[k].set_text(f"{format(row['value_low'], spec)} to "
                                    f"{format(row['value_high'], spec)}")
        whatif.hold_limits(self.ax, "x", min(ends), max(ends), pad=0.15)
        self.ax.title.set_text(title)
        return self.live


class PlanFigure:
    """Per resource, the share of futures critical by each month without and with a
    remedy plan, and the plan's risk target.

    The figure of :func:`scaling_models.plan_report.risk_figure` (the board's), on fixed
    margins for a live panel: the curves without the plan (the same futures whatever the
    plan) stay rendered; the curves with the plan and the target line move.

    Parameters
    ----------
    curves : pandas.DataFrame
        :attr:`scaling_models.plan_report.PlanComparison.curves` of the first plan.
    end_month : str or pandas.Period
        Calendar month of month 0 (``YYYY-MM``), "today".
    risk : float
        The plan's risk target. [fraction]
    """

    def __init__(self, curves: pd.DataFrame, end_month: str | pd.Period, risk: float) -> None:
        fig, axes = whatif.new_figure(2, 2, height=5.0, sharex=True, sharey=True)
        # room between the columns for the month labels at their ends
        fig.subplots_adjust(left=0.09, right=0.96, top=0.9, bottom=0.17, hspace=0.3,
                            wspace=0.22)
        self.live = whatif.LiveFigure(fig)
        end = pd.Period(str(end_month), freq="M")
        months = int(curves["month"].max())
        self.with_plan, self.targets = {}, []
        for i, (ax, resource) in enumerate(zip(axes.flat, mc.RESOURCES, strict=True)):
            rows = curves[curves["resource"] == resource]
            ax.step(rows["month"], rows["without_plan"], where="post", color="0.45",
                    linestyle="--", label="without the plan")
            (self.with_plan[resource],) = ax.step(
                rows["month"], rows["with_plan"], where="post", color=charts.COLOURS["plan"],
                linewidth=2, label="with the plan")
            self.targets.append(ax.axhline(risk, color=charts.COLOURS["critical"],
                                           linestyle=":", linewidth=1,
                                           label="risk target, all resources together"))
            ax.set_title(charts.metric_name(resource), loc="left")
            ax.set_ylim(0, 1.02)
            _percent_axis(ax.yaxis)
            charts.month_axis(ax, end, months, n_ticks=4)
            ax.set_ylabel("critical by then [%]" if i % 2 == 0 else "")
            if i < 2:
                ax.set_xlabel("")
        handles, labels = axes.flat[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="lower center", ncols=len(labels), frameon=False,
                   fontsize="small")
        fig.suptitle("Share of futures in which each resource has been critical")
        self.live.changing(*self.with_plan.values(), *self.targets)
        self.update(curves, risk)

    def update(self, curves: pd.DataFrame, risk: float) -> whatif.LiveFigure:
        """Move the curves with the plan and the target line; return the figure."""
        for resource, line in self.with_plan.items():
            rows = curves[curves["resource"] == resource]
            line.set_data(rows["month"].to_numpy(), rows["with_plan"].to_numpy())
        for target in self.targets:
            target.set_ydata([risk, risk])
        return self.live


def plan_summary(result, *, budget: float | None, currency: str = "EUR") -> str:
    """One sentence on a plan of :func:`scaling_models.plans.optimise`, probabilities in
    the board's words (:func:`scaling_models.report.probability`).

    Feasible: how many actions, their cost over the horizon, the chance that some
    resource is critical with the plan on the optimiser's futures and on independent
    ones, against the target. Otherwise: that no plan within ``budget`` (or the
    catalogue, with no budget) reaches the target, how close the best one gets, the
    chance without a plan, and its cost. [currency]
    """
    from scaling_models.report import money, probability

    cost = money(result.total_cost, currency)
    achieved, validated = probability(result.achieved_risk), probability(result.validated_risk)
    target = probability(result.risk)
    if result.feasible:
        n = len(result.plan.actions)
        return (f"{n} action{'' if n == 1 else 's'} costing {cost} over {result.months} "
                f"months keep the chance that some resource is critical at {achieved} "
                f"({validated} on independent futures; target {target}).")
    limit = "the catalogue" if budget is None else f"a budget of {money(budget, currency)}"
    before = probability(result.p_critical.at["any", "without_plan"])
    return (f"No plan within {limit} reaches the {target} target: the best found gets to "
            f"{achieved} ({validated} on independent futures; {before} without a plan) "
            f"for {cost}.")
