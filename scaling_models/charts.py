"""Matplotlib figures of Monte Carlo results; every function returns the Figure.

Nothing here calls ``plt.show()`` or prints: notebooks display the returned Figure, the
board report saves it, tests inspect it. Infinite values (a saturated queue's latency) are
drawn at the top of the axes, not dropped.

Units: utilisation and shares are fractions in the data and drawn as percentages, money in
the ``currency`` given, time in months counted from the run's month 0, or calendar months
(``Jun 2024``) when a ``start`` month is given.

The board helpers (:func:`board_figure`, :func:`month_axis`, :func:`mark_month`,
:func:`label_line`, :func:`clip_axis`, :class:`DescribedFigure`) make a figure legible when
printed at its own size on A4: at most :data:`BOARD_WIDTH_IN` wide, every text at least
:data:`BOARD_FONT_PT`, and a description for the image's alt text.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, PercentFormatter

from scaling_models import montecarlo as mc

__all__ = [
    "BOARD_FONT_PT",
    "BOARD_WIDTH_IN",
    "COLOURS",
    "fan_chart",
    "breach_probability_chart",
    "tornado_chart",
    "scenario_chart",
    "board_figure",
    "month_axis",
    "mark_month",
    "label_line",
    "clip_axis",
    "clip_note",
    "clip_artists",
    "fan_values",
    "FanArtists",
    "threshold_lines",
    "breach_series",
    "output_axis_label",
    "metric_name",
    "DescribedFigure",
]

#: Smallest font of a board figure [pt at the printed size].
BOARD_FONT_PT = 9.0
#: Widest board figure [inches]: A4's 210 mm less 2 x 12 mm margins is 186 mm = 7.3 in, so
#: a 7 in figure prints at its own size and its points stay points.
BOARD_WIDTH_IN = 7.0

#: Colours shared by every figure: bands and median, threshold levels, markers.
COLOURS = {"band": "#1f5a99", "attention": "#d9822b", "critical": "#c23030",
           "today": "#333333", "start": "#2e7d32", "plan": "#6a3d9a"}

_LEVEL_COLOURS = {"attention": COLOURS["attention"], "critical": COLOURS["critical"]}

# Outputs that are fractions, drawn in percent
_PERCENT_OUTPUTS = {f"{r}_{k}" for r in mc.RESOURCES for k in ("avg", "peak")} | {"infra_share"}

# Axis label of each engine output; "{cur}" is the currency
_OUTPUT_LABELS = {
    "mau": "monthly active users [users]",
    "transactions_per_day": "transactions [per day]",
    "p95_latency_s": "P95 response time [s]",
    "instances": "instances [count]",
    "infra_cost": "infrastructure cost [{cur}/month]",
    "cost_per_user": "infrastructure cost per user [{cur}/user/month]",
    "cost_per_transaction": "infrastructure cost per transaction [{cur}]",
    "revenue": "revenue [{cur}/month]",
    "infra_share": "infrastructure cost / revenue [%]",
    "velocity_needed": "velocity needed [story points/sprint]",
    "developers": "developers needed [developers]",
    "hires": "hires needed [developers]",
    "team_cost": "team cost [{cur}/month]",
}


def output_axis_label(output: str, currency: str = "EUR") -> str:
    """The y-axis label of an engine output, with its unit in brackets.

    ``cpu_avg`` -> "CPU average utilisation [%]"; ``infra_cost`` -> "infrastructure cost
    [EUR/month]". Unknown names are returned unchanged.
    """
    resource, _, kind = output.rpartition("_")
    if resource in mc.RESOURCES and kind in ("avg", "peak"):
        word = "average" if kind == "avg" else "peak"
        return f"{metric_name(resource)} utilisation, monthly {word} [%]"
    return _OUTPUT_LABELS.get(output, output).format(cur=currency)


def metric_name(metric: str) -> str:
    """A metric's name in words: a resource's board label from the resource registry
    (:mod:`scaling_models.resources`, ``db_utilisation`` -> "Database"), else the ``label``
    column of the threshold table (:func:`scaling_models.thresholds.load_thresholds`,
    ``p95_response_time_s`` -> "Response time P95"), else the key with spaces.
    """
    from scaling_models import resources, thresholds

    if metric in resources.RESOURCES:
        return resources.get(metric).label
    table = thresholds.load_thresholds()
    if "label" in table.columns and metric in table.index:
        return str(table.at[metric, "label"])
    return metric.replace("_", " ")


def _figure(ax=None, size=(8.0, 4.5)):
    if ax is not None:
        return ax.figure, ax
    fig = Figure(figsize=size, layout="constrained")
    return fig, fig.add_subplot()


def board_figure(height_in: float, *, ncols: int = 1, nrows: int = 1,
                 width_in: float = BOARD_WIDTH_IN, **subplots) -> tuple[Figure, np.ndarray]:
    """A figure sized to print at its own size on A4, and its axes (always an array).

    Parameters
    ----------
    height_in : float
        Height [inches].
    ncols, nrows : int
        Grid of axes.
    width_in : float
        Width [inches], at most :data:`BOARD_WIDTH_IN`.
    **subplots
        Passed to :meth:`matplotlib.figure.Figure.subplots` (``sharex``...).
    """
    if not 0 < width_in <= BOARD_WIDTH_IN:
        raise ValueError(f"width_in must be in (0, {BOARD_WIDTH_IN}] inches; got {width_in!r}")
    fig = Figure(figsize=(width_in, height_in), layout="constrained")
    axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False, **subplots)).ravel()
    for ax in axes:
        ax.tick_params(labelsize=BOARD_FONT_PT)
        ax.xaxis.label.set_fontsize(BOARD_FONT_PT)
        ax.yaxis.label.set_fontsize(BOARD_FONT_PT)
        ax.title.set_fontsize(BOARD_FONT_PT + 1.5)
        ax.grid(alpha=0.3)
    return fig, axes


def month_axis(ax, start: str | pd.Period, months: int, *, first: int = 0,
               n_ticks: int = 5) -> None:
    """Label a month axis (positions ``first``..``months``) with calendar months.

    Position 0 is the calendar month ``start`` (``YYYY-MM``); ticks fall on the multiples
    of a calendar-friendly step (1, 2, 3, 6 or 12 months...) giving at most ``n_ticks``
    ticks, written ``Jun 2024``; the axis is labelled "month".
    """
    start = pd.Period(str(start), freq="M")
    raw = (months - first) / max(n_ticks - 1, 1)
    step = next((s for s in (1, 2, 3, 6, 12) if s >= raw), 12 * int(np.ceil(raw / 12)))
    ticks = [t for t in range(first - first % step, months + 1, step) if t >= first]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(FuncFormatter(
        lambda x, _pos: (start + int(round(x))).strftime("%b %Y")))
    ax.set_xlim(first, months)
    ax.set_xlabel("month")


def mark_month(ax, month: float, text: str, *, colour: str, linestyle: str = "-",
               where: float = 0.97, label: str | None = None,
               side: str | None = None) -> None:
    """A vertical line at ``month`` with ``text`` written beside it near the top.

    ``where`` is the text's height [fraction of the axes]; ``label`` names the line in a
    legend. The text goes on ``side`` ("left" or "right") of the line; by default to the
    left in the right third of the axes, so it stays inside them, else to the right.
    """
    if side not in (None, "left", "right"):
        raise ValueError(f"side must be 'left', 'right' or None; got {side!r}")
    ax.axvline(month, color=colour, linestyle=linestyle, linewidth=1.4, label=label)
    left, right = ax.get_xlim()
    late = month > left + 2 * (right - left) / 3 if side is None else side == "left"
    note = ax.annotate(text, xy=(month, where), xycoords=("data", "axes fraction"),
                xytext=(-3 if late else 3, 0), textcoords="offset points",
                ha="right" if late else "left", va="top", color=colour,
                fontsize=BOARD_FONT_PT, bbox={"facecolor": "white", "edgecolor": "none",
                                             "alpha": 0.8, "pad": 1})
    note.set_in_layout(False)  # in data coordinates: layout would shrink the axes for it


def label_line(ax, value: float, text: str, *, colour: str, label: str | None = None,
               at: float = 0.01) -> None:
    """A dashed horizontal line at ``value``, named just above it.

    ``at`` is where the name sits along the line [fraction of the axes' width]: left
    aligned there below 0.5, right aligned above.
    """
    ax.axhline(value, color=colour, linestyle="--", linewidth=1.2, label=label)
    note = ax.annotate(text, xy=(at, value), xycoords=("axes fraction", "data"),
                xytext=(0, 2), textcoords="offset points", ha="left" if at < 0.5 else "right",
                va="bottom",
                color=colour, fontsize=BOARD_FONT_PT,
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.7, "pad": 0.5})
    note.set_in_layout(False)


def clip_note(months: np.ndarray, upper: np.ndarray, median: np.ndarray, limit: float, *,
              shown: str, start: str | pd.Period | None = None
              ) -> tuple[float, str, str] | None:
    """Whether, from when and for whom a band goes beyond the top of its axis.

    The words of :func:`clip_axis`: "half the futures" from the month the median crosses
    ``limit`` when it does, else "1 in 20 futures" from the month ``upper`` (the band's
    top, P95) does.

    Parameters
    ----------
    months, upper, median : ndarray
        Month positions and the band's top and median, in the axis's units.
    limit : float
        Top of the axis, in the axis's units.
    shown : str
        ``limit`` as written on the axis (``"150 %"``).
    start : str or Period, optional
        Calendar month of position 0, to write the month in words.

    Returns
    -------
    tuple or None
        ``(month, sentence, note)``: the month position where the band leaves the axis,
        the sentence for a figure's description and the two-line note drawn on it; None
        when nothing goes beyond ``limit``.
    """
    upper = np.asarray(upper, dtype=float)
    median = np.asarray(median, dtype=float)
    beyond = np.nonzero(~(upper <= limit))[0]  # NaN-safe: inf and NaN count as beyond
    if not beyond.size:
        return None
    # the median's crossing when it crosses (half the futures), else the band's top's
    half = np.nonzero(~(median <= limit))[0]
    first = int(half[0] if half.size else beyond[0])
    month = months[first]
    who = "half the futures" if half.size else "1 in 20 futures"
    when = "" if start is None else " from " + (
        pd.Period(str(start), freq="M") + int(month)).strftime("%b %Y")
    # two short lines: one would run past a half-width panel into the tick labels
    note = f"▲ {who} above {shown}" + (f"\n{when.strip()}" if when else "")
    return month, f"{who} above {shown}{when}", note


def clip_axis(ax, months: np.ndarray, upper: np.ndarray, median: np.ndarray, limit: float,
              *, start: str | pd.Period | None = None, floor: float = 0.0) -> str:
    """Limit the y axis to ``limit`` and say, with an arrow, when the futures go beyond it.

    The y axis spans ``floor`` to the smaller of ``limit`` and 5 % above the highest of
    ``upper``. When ``upper`` (the top of the band, P95) exceeds ``limit``, a marker at
    the top and a sentence say from which month "half the futures" (the median) are beyond
    it, or, when the median stays below, "1 in 20 futures" (``upper``); the sentence is
    returned ("" when nothing is clipped) for the figure's description
    (:func:`clip_note`).

    Parameters
    ----------
    months, upper, median : ndarray
        Month positions and the band's top and median, in the axis's units.
    limit : float
        Top of the axis, in the axis's units.
    start : str or Period, optional
        Calendar month of position 0, to write the month in words.
    floor : float
        Bottom of the axis.
    """
    upper = np.asarray(upper, dtype=float)
    finite = upper[np.isfinite(upper)]
    top = finite.max() * 1.05 if finite.size else limit
    ax.set_ylim(floor, min(limit, max(top, floor + 1e-9)))
    formatter = ax.yaxis.get_major_formatter()
    shown = f"{limit * 100:g} %" if isinstance(formatter, PercentFormatter) else f"{limit:g}"
    found = clip_note(months, upper, median, limit, shown=shown, start=start)
    if found is None:
        return ""
    month, text, note = found
    # a marker where the band leaves the axis, the sentence low on the right where the
    # futures have already left the lower part of the panel
    marker, words = clip_artists(ax)
    marker.set_data([month], [1.0])
    words.set_text(note)
    return text


def clip_artists(ax) -> tuple:
    """The marker and the note of :func:`clip_axis`, empty, for a panel to fill in place.

    Returns ``(marker, note)``: a Line2D whose data is ``([month], [1.0])`` (x in data
    coordinates, y in axes coordinates: the top of the axes) and an annotation low on the
    right whose text is :func:`clip_note`'s note.
    """
    (marker,) = ax.plot([], [], marker="^", markersize=8, color=COLOURS["band"],
                        clip_on=False, transform=ax.get_xaxis_transform(), linestyle="none")
    note = ax.annotate("", xy=(0.99, 0.03), xycoords="axes fraction", ha="right",
                       va="bottom", fontsize=BOARD_FONT_PT, color=COLOURS["band"],
                       bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8,
                             "pad": 1})
    note.set_in_layout(False)
    return marker, note


def fan_values(result: mc.SimulationResult, output: str
               ) -> tuple[np.ndarray, dict[int, np.ndarray]]:
    """The months and the P5, P25, P50, P75 and P95 a fan chart draws for ``output``.

    Infinite values (a saturated queue's latency; NaN where a percentile interpolates
    between infinities) are replaced by one cap for every percentile, 1.5 times the
    largest finite value, so that drawn at the top the bands stay nested (P5 <= P25 <=
    ... <= P95) and never have holes.

    Returns
    -------
    months : ndarray
        Month positions (0 = the run's month 0).
    values : dict of int to ndarray
        Percentile -> values by month, in the output's units.
    """
    series = result.percentiles[result.percentiles["output"] == output]
    if series.empty:
        raise ValueError(f"output {output!r} was not computed; have {result.outputs}")
    every = series[[f"P{p}" for p in _FAN_PERCENTILES]].to_numpy(dtype=float)
    finite = every[np.isfinite(every)]
    cap = finite.max() * 1.5 if finite.size else 1.0
    capped = np.where(np.isfinite(every), every, cap)
    return (series["month"].to_numpy(),
            {p: capped[:, k] for k, p in enumerate(_FAN_PERCENTILES)})


_FAN_PERCENTILES = (5, 25, 50, 75, 95)


class FanArtists:
    """The bands and the median of a fan chart on ``ax``, movable in place.

    :func:`fan_chart` draws with it; a what-if panel keeps it and calls :meth:`update`
    with the next run's :func:`fan_values` instead of drawing the chart again.

    Parameters
    ----------
    ax : matplotlib Axes
    months, values
        As returned by :func:`fan_values`.

    Attributes
    ----------
    outer, inner : matplotlib.collections.FillBetweenPolyCollection
        The P5-P95 and P25-P75 bands.
    median : matplotlib.lines.Line2D
    """

    def __init__(self, ax, months: np.ndarray, values: Mapping[int, np.ndarray]) -> None:
        self.outer = ax.fill_between(months, values[5], values[95], alpha=0.2,
                                     color=COLOURS["band"], label="P5-P95")
        self.inner = ax.fill_between(months, values[25], values[75], alpha=0.35,
                                     color=COLOURS["band"], label="P25-P75")
        (self.median,) = ax.plot(months, values[50], color=COLOURS["band"], label="median")

    @property
    def artists(self) -> tuple:
        """The two bands and the median line."""
        return self.outer, self.inner, self.median

    def update(self, months: np.ndarray, values: Mapping[int, np.ndarray]) -> None:
        """Move the bands and the median to new values (axis limits are not touched)."""
        self.outer.set_data(months, values[5], values[95])
        self.inner.set_data(months, values[25], values[75])
        self.median.set_data(months, values[50])


def breach_series(result: mc.SimulationResult, resource: str, level: str = "critical"
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Months and the share of futures past ``resource``'s ``level`` line by each month.

    What :func:`breach_probability_chart` draws for one metric; ``resource`` is one of
    :data:`montecarlo.BREACH_METRICS`. [month], [fraction]
    """
    table = result.breach_probability
    rows = table[(table["resource"] == resource) & (table["level"] == level)]
    if rows.empty:
        raise ValueError(f"no breach data for {resource!r}/{level!r}")
    return rows["month"].to_numpy(), rows["probability"].to_numpy(dtype=float)


def threshold_lines(inputs: mc.Inputs, output: str) -> list[tuple[str, float, str]]:
    """The attention and critical lines :func:`fan_chart` draws for ``output``.

    A resource's utilisation (``cpu_avg``...) gets the resource's lines, ``p95_latency_s``
    the latency lines; any other output none.

    Returns
    -------
    list of (level, value, legend label)
        ``value`` in the output's units (a fraction for utilisation); the label says it
        as the axis does (``"critical (85 %)"``).
    """
    resource = output.rsplit("_", 1)[0]
    if resource in mc.RESOURCES:
        att, crit = inputs.thresholds()
        i = mc.RESOURCES.index(resource)
        values = [("attention", float(att[i])), ("critical", float(crit[i]))]
    elif output == "p95_latency_s":
        values = [(level, float(v)) for level, v in
                  zip(mc.LEVELS, inputs.latency_lines(), strict=True)]
    else:
        return []
    in_percent = output in _PERCENT_OUTPUTS
    return [(level, value, f"{level} ({value * 100:g} %)" if in_percent
             else f"{level} ({value:g})") for level, value in values]


def fan_chart(result: mc.SimulationResult, output: str, *, ax=None,
              show_thresholds: bool = True, start: str | pd.Period | None = None,
              currency: str = "EUR") -> Figure:
    """P5-P95 and P25-P75 bands and the median of one output by month.

    Utilisation outputs (``cpu_avg``...) and ``infra_share`` are drawn in percent, with
    the resource's attention and critical lines; ``p95_latency_s`` gets the latency lines
    (2 s and 5 s by default), ``developers`` today's team size. Axes carry their units;
    ``start`` (the calendar month of month 0, ``YYYY-MM``) writes calendar months on the x
    axis instead of month numbers.
    """
    m, values = fan_values(result, output)
    fig, ax = _figure(ax)
    FanArtists(ax, m, values)
    in_percent = output in _PERCENT_OUTPUTS
    lines = threshold_lines(result.inputs, output) if show_thresholds else []
    if lines and output == "p95_latency_s":
        # a saturating queue sends latency to thousands of seconds: keep the lines visible
        ax.set_ylim(0.0, min(ax.get_ylim()[1], 4.0 * lines[-1][1]))
    for level, value, label in lines:
        ax.axhline(value, color=_LEVEL_COLOURS[level], linestyle="--", label=label)
    if show_thresholds and output == "developers":
        ax.axhline(result.inputs.team_size, color="black", linestyle=":",
                   label=f"today ({result.inputs.team_size})")
    if in_percent:
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0, symbol=" %"))
    if start is not None:
        month_axis(ax, start, int(m[-1]))
    else:
        ax.set_xlabel("month [months from today]")
    ax.set_ylabel(output_axis_label(output, currency))
    ax.set_title(f"{output_axis_label(output, currency).split(' [')[0]}: "
                 f"{result.n_paths:,} simulated futures")
    ax.legend(loc="upper left", fontsize="small")
    return fig


def breach_probability_chart(result: mc.SimulationResult, *, level: str = "critical",
                             resources: Sequence[str] | None = None, ax=None,
                             start: str | pd.Period | None = None) -> Figure:
    """Probability [%] that each resource has crossed its ``level`` line by each month.

    ``resources`` defaults to every breach metric (:data:`montecarlo.BREACH_METRICS`: the
    four resources and P95 latency); ``start`` writes calendar months on the x axis. The
    lines are labelled with the metrics' names (:func:`metric_name`).
    """
    resources = list(mc.BREACH_METRICS) if resources is None else list(resources)
    fig, ax = _figure(ax)
    table = result.breach_probability
    for resource in resources:
        ax.step(*breach_series(result, resource, level), where="post",
                label=metric_name(resource))
    ax.set_ylim(-0.02, 1.02)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0, symbol=" %"))
    if start is not None:
        month_axis(ax, start, int(table["month"].max()))
    else:
        ax.set_xlabel("month [months from today]")
    ax.set_ylabel(f"futures past the {level} line [%]")
    ax.set_title(f"Share of futures that have crossed the {level} line")
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
                   band: tuple[int, int] = (10, 90), currency: str = "EUR",
                   start: str | pd.Period | None = None,
                   labels: Mapping[str, str] | None = None) -> Figure:
    """Median and a percentile band of one output for each scenario.

    ``percentiles`` is the first table returned by :func:`montecarlo.compare_scenarios`;
    ``start`` (the calendar month of month 0, ``YYYY-MM``) writes calendar months on the x
    axis; ``labels`` names the scenarios in the legend (default: their keys).
    """
    rows = percentiles[percentiles["output"] == output]
    if rows.empty:
        raise ValueError(f"output {output!r} is not in the scenario table")
    labels = {} if labels is None else labels
    fig, ax = _figure(ax)
    for scenario, group in rows.groupby("scenario", sort=False):
        line = ax.plot(group["month"], group["P50"],
                       label=str(labels.get(scenario, scenario)))[0]
        ax.fill_between(group["month"], group[f"P{band[0]}"], group[f"P{band[1]}"],
                        alpha=0.15, color=line.get_color())
    if output in _PERCENT_OUTPUTS:
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0, symbol=" %"))
    if start is not None:
        month_axis(ax, start, int(rows["month"].max()))
    else:
        ax.set_xlabel("month [months from today]")
    ax.set_ylabel(output_axis_label(output, currency))
    ax.set_title(f"{output_axis_label(output, currency).split(' [')[0]} by scenario "
                 f"(median, P{band[0]}-P{band[1]})")
    ax.legend(loc="upper left", fontsize="small")
    return fig


class DescribedFigure:
    """A figure with its description, displayed as a PNG whose alt text is the description.

    Jupyter shows it like the figure itself; nbconvert's HTML export writes the
    description into the image's ``alt`` attribute (the output's ``image/png`` metadata)
    and the PNG is rendered at ``dpi`` but shown at the figure's size in CSS pixels
    (96 per inch), so it prints sharp at its own size.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
    description : str, optional
        What the figure shows, in words (one or a few sentences); default the figure's
        label (``figure.get_label()``), where the board's figure functions write it.
    dpi : float
        Rendering resolution [pixels per inch].
    """

    def __init__(self, figure: Figure, description: str | None = None, *,
                 dpi: float = 160.0):
        if not isinstance(figure, Figure):
            raise TypeError(f"figure must be a matplotlib Figure; got {type(figure).__name__}")
        if description is None:
            description = figure.get_label()
        if not isinstance(description, str) or not description.strip():
            raise ValueError(f"description must be a non-empty str (or the figure's label); "
                             f"got {description!r}")
        self.figure = figure
        self.description = " ".join(description.split())
        self.dpi = float(dpi)

    def png(self) -> bytes:
        """The figure as PNG bytes at :attr:`dpi`."""
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=self.dpi, facecolor="white")
        return buffer.getvalue()

    def _repr_mimebundle_(self, include=None, exclude=None):
        width, height = self.figure.get_size_inches()
        data = {"image/png": base64.b64encode(self.png()).decode("ascii"),
                "text/plain": self.description}
        metadata = {"image/png": {"alt": self.description,
                                  "width": int(round(width * 96)),
                                  "height": int(round(height * 96))}}
        return data, metadata
