"""What-if panels for the analyst notebooks: widgets bound to a package call, redrawn in place.

A :class:`WhatIfPanel` holds a few ipywidgets controls (sliders, dropdowns) and a
``compute(**values)`` callback that calls the package and returns what to show: matplotlib
figures, DataFrames, text or :class:`Headlines`. When a control changes, the callback runs
once and the panel swaps the content of its single ``Output`` widget in one message
(``Output.outputs = (...)``), so old figures never stack up and the page does not flicker.
While it runs, a status line says "recomputing..." and the old content is dimmed; an
impossible setting (a ``ValueError`` or ``TypeError`` from the package) is shown as one
line in that status, the last good charts staying in place.

Displayed in a notebook, the panel's MIME bundle carries both the live widget and a static
rendering of the default values (HTML with the figures as PNG, plain text with the
headlines). JupyterLab shows the widget; papermill, nbval, nbconvert and GitHub, which have
no widget frontend, keep and show the static rendering.

This module is user-interface glue only: no model formula lives here.
"""

from __future__ import annotations

import base64
import html
import io
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import ipywidgets as widgets
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from scaling_models import notebook_io

__all__ = [
    "HEADLINE_MIME",
    "PROBABILITY",
    "Headlines",
    "headlines",
    "read_headlines",
    "WhatIfPanel",
    "slider",
    "range_slider",
    "int_slider",
    "choice_slider",
    "dropdown",
    "new_figure",
    "LiveFigure",
    "hold_limits",
    "crossing_dates",
]

HEADLINE_MIME = "application/vnd.scaling-models.headlines+json"
"""MIME type under which :class:`Headlines` store their rounded values in a notebook."""

_PANEL_NOTE = (
    "What-if panel: static view for the default values (run the notebook in JupyterLab "
    "to move the sliders)."
)


# --- headline numbers ------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class Headlines:
    """Headline numbers of a notebook, printed rounded and recorded for read-back.

    Parameters
    ----------
    names : tuple of str
        Machine names (``p_db_critical``), the keys of :meth:`record`.
    labels : tuple of str
        What a reader sees in front of each number.
    texts : tuple of str
        The formatted numbers, as printed.
    values : tuple of float
        The numbers rounded to what ``texts`` shows (``"63.4%"`` -> ``0.634``), so the
        record and the printed text never disagree.
    """

    names: tuple[str, ...]
    labels: tuple[str, ...]
    texts: tuple[str, ...]
    values: tuple[float, ...]

    def record(self) -> dict[str, float]:
        """Return ``{name: rounded value}``."""
        return dict(zip(self.names, self.values, strict=True))

    def text(self) -> str:
        """Return one ``label: number`` line per headline."""
        width = max((len(label) for label in self.labels), default=0)
        return "\n".join(
            f"{label + ':':<{width + 1}} {text}"
            for label, text in zip(self.labels, self.texts, strict=True)
        )

    def __str__(self) -> str:
        return self.text()

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, Any]:
        return {"text/plain": self.text(), HEADLINE_MIME: self.record()}


PROBABILITY = "probability"
"""Format spec of :func:`headlines` for a share of simulated futures."""


def _probability(value: float) -> str:
    from scaling_models import report  # the board's wording, one source of truth

    return report.probability(value)


def _parse_formatted(text: str) -> float:
    """Read back a number formatted with a format spec (``"63.4%"``, ``"1,234"``)."""
    number = text.replace(",", "").replace("_", "").strip()
    if number.endswith("%"):
        # Decimal: 5.8 / 100 in floats is 0.057999999999999996, not the 0.058 printed
        return float(Decimal(number[:-1]) / 100)
    return float(number)


def headlines(*rows: tuple[str, float, str, str]) -> Headlines:
    """Build :class:`Headlines` from ``(name, value, label, format_spec)`` rows.

    ``format_spec`` is a Python format spec (``",.0f"`` for money, ``".2f"`` for a ratio,
    ``".1%"`` for a share that is not a probability) or ``"probability"``: a share of
    simulated futures (any probability: never a plain ``%`` spec), printed as
    the board report prints it (:func:`scaling_models.report.probability`: whole
    percentages, ``< 1 %`` and ``> 99 %`` instead of 0 % and 100 %) and recorded as that
    whole percentage (``"< 1 %"`` -> 0.0, ``"> 99 %"`` -> 1.0). The recorded value is the
    printed one, read back.

    Examples
    --------
    >>> print(headlines(("share", 0.06342, "Infrastructure share of revenue", ".1%"),
    ...                 ("cost", 12345.6, "Cost [EUR/month]", ",.0f")))
    Infrastructure share of revenue: 6.3%
    Cost [EUR/month]:                12,346
    >>> print(headlines(("p", 0.9996, "P(critical)", "probability")))
    P(critical): > 99 %
    """
    names, labels, texts, values = [], [], [], []
    for row in rows:
        if len(row) != 4:
            raise ValueError(
                f"each headline row must be (name, value, label, format_spec); got {row!r}"
            )
        name, value, label, spec = row
        try:
            number = float(value)
            text = _probability(number) if spec == PROBABILITY else format(number, spec)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"headline {name!r}: cannot format {value!r} with {spec!r} ({exc})"
            ) from None
        names.append(str(name))
        labels.append(str(label))
        texts.append(text)
        if spec == PROBABILITY:
            # the whole percentage printed; "< 1 %" and "> 99 %" are its clipped ends
            values.append(float("nan") if text == "n/a" else
                          0.0 if text.startswith("<") else 1.0 if text.startswith(">")
                          else _parse_formatted(text.replace(" ", "")))
        else:
            values.append(_parse_formatted(text) if text not in ("nan", "inf", "-inf")
                          else float(text))
    if len(set(names)) != len(names):
        raise ValueError(f"headline names must be unique; got {names}")
    return Headlines(names=tuple(names), labels=tuple(labels), texts=tuple(texts),
                     values=tuple(values))


def read_headlines(notebook: Any) -> dict[str, float]:
    """Collect the headline records of an executed notebook.

    Parameters
    ----------
    notebook : path or notebook node
        An ``.ipynb`` file or a notebook read with :mod:`nbformat`.

    Returns
    -------
    dict
        ``{name: rounded value}`` over every displayed :class:`Headlines`, in order.
    """
    found: dict[str, float] = {}
    for record in notebook_io.mime_outputs(notebook, HEADLINE_MIME):
        if record:
            found.update(record)
    return found


# --- turning callback results into notebook outputs ------------------------------------
def _figure_png(fig: Figure) -> str:
    """Render a figure to base64 PNG and release it (pyplot would show it again later)."""
    buffer = io.BytesIO()
    # no bbox_inches="tight": it draws the figure twice (0.1 s more per redraw); the
    # figure's own margins (subplots_adjust) are the layout
    fig.savefig(buffer, format="png")
    # a figure made with pyplot would otherwise be shown again by the inline backend at
    # the end of the next executed cell; closing an unmanaged Figure is a no-op
    import matplotlib.pyplot as plt

    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _bundle(item: Any) -> dict[str, Any]:
    """MIME bundle of one callback item (figure, table, text, headlines...)."""
    if isinstance(item, LiveFigure):
        width, height = item.figure.get_size_inches() * item.figure.dpi
        return {
            "image/png": base64.b64encode(item.png()).decode("ascii"),
            "text/plain": f"<Figure size {width:g}x{height:g} with "
                          f"{len(item.figure.axes)} Axes>",
        }
    if isinstance(item, Figure):
        width, height = item.get_size_inches() * item.dpi
        return {
            "image/png": _figure_png(item),
            "text/plain": f"<Figure size {width:g}x{height:g} with {len(item.axes)} Axes>",
        }
    if isinstance(item, Headlines):
        return item._repr_mimebundle_()
    if isinstance(item, str):
        return {"text/plain": item}
    if isinstance(item, (pd.DataFrame, pd.Series)):
        frame = item.to_frame() if isinstance(item, pd.Series) else item
        return {"text/html": frame.to_html(), "text/plain": frame.to_string()}
    if hasattr(item, "_repr_html_"):
        return {"text/html": item._repr_html_(), "text/plain": repr(item)}
    return {"text/plain": repr(item)}


def _as_items(result: Any) -> list[Any]:
    if result is None:
        return []
    if isinstance(result, (list, tuple)):
        return [item for item in result if item is not None]
    return [result]


def _static_html(bundles: Sequence[Mapping[str, Any]]) -> str:
    """One HTML fragment with every output of the panel, for frontends without widgets."""
    parts = [f"<p><em>{html.escape(_PANEL_NOTE)}</em></p>"]
    for bundle in bundles:
        if "image/png" in bundle:
            parts.append(f'<img src="data:image/png;base64,{bundle["image/png"]}"/>')
        elif "text/html" in bundle:
            parts.append(bundle["text/html"])
        else:
            parts.append(f"<pre>{html.escape(bundle.get('text/plain', ''))}</pre>")
    return "\n".join(parts)


# --- controls ----------------------------------------------------------------------------
_STYLE = {"description_width": "initial"}
_LAYOUT = {"width": "360px"}


def slider(value: float, low: float, high: float, step: float, label: str, *,
           percent: bool = False, readout: str | None = None) -> widgets.FloatSlider:
    """A float slider that reports only on release (one redraw per move, not per pixel).

    ``percent=True`` shows the readout as a percentage (the value stays a fraction);
    ``readout`` is any other d3 format for it, e.g. ``",.0f"`` for money (``11,000``
    rather than ``1.10e+4``).
    """
    if not low <= value <= high:
        raise ValueError(f"slider {label!r}: value must be in [{low}, {high}]; got {value!r}")
    return widgets.FloatSlider(
        value=value, min=low, max=high, step=step, description=label,
        readout_format=readout or (".1%" if percent else ".3g"), continuous_update=False,
        style=_STYLE, layout=_LAYOUT,
    )


def range_slider(value: tuple[float, float], low: float, high: float, step: float,
                 label: str, *, percent: bool = False) -> widgets.FloatRangeSlider:
    """A two-handle slider for an interval ``(low end, high end)``; reports on release.

    The handles cannot cross, so the interval is always ordered. ``percent=True`` shows
    the readout as percentages (the values stay fractions).
    """
    try:
        lower, upper = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"range slider {label!r}: value must be a pair (low end, high "
                         f"end); got {value!r}") from None
    if not low <= lower <= upper <= high:
        raise ValueError(f"range slider {label!r}: value must satisfy {low} <= low end <= "
                         f"high end <= {high}; got {value!r}")
    return widgets.FloatRangeSlider(
        value=(lower, upper), min=low, max=high, step=step, description=label,
        readout_format=".1%" if percent else ".3g", continuous_update=False,
        style=_STYLE, layout={"width": "520px"},  # room for "11.0% – 16.5%"
    )


def int_slider(value: int, low: int, high: int, label: str, *, step: int = 1
               ) -> widgets.IntSlider:
    """An integer slider that reports only on release."""
    if not low <= value <= high:
        raise ValueError(f"slider {label!r}: value must be in [{low}, {high}]; got {value!r}")
    return widgets.IntSlider(value=value, min=low, max=high, step=step, description=label,
                             continuous_update=False, style=_STYLE, layout=_LAYOUT)


def choice_slider(options: Sequence[Any] | Mapping[str, Any], value: Any, label: str
                  ) -> widgets.SelectionSlider:
    """A slider over a few given values (a grid computed ahead); reports on release.

    ``options`` may map the readout's labels to the values.
    """
    opts = list(options.items()) if isinstance(options, Mapping) else list(options)
    allowed = [o[1] if isinstance(o, tuple) else o for o in opts]
    if value not in allowed:
        raise ValueError(f"slider {label!r}: value must be one of {allowed}; got {value!r}")
    return widgets.SelectionSlider(options=opts, value=value, description=label,
                                   continuous_update=False, style=_STYLE, layout=_LAYOUT)


def dropdown(options: Sequence[Any] | Mapping[str, Any], value: Any, label: str
             ) -> widgets.Dropdown:
    """A dropdown; ``options`` may map display labels to values."""
    opts = list(options.items()) if isinstance(options, Mapping) else list(options)
    allowed = [o[1] if isinstance(o, tuple) else o for o in opts]
    if value not in allowed:
        raise ValueError(f"dropdown {label!r}: value must be one of {allowed}; got {value!r}")
    return widgets.Dropdown(options=opts, value=value, description=label, style=_STYLE,
                            layout=_LAYOUT)


# --- figure glue (display only) --------------------------------------------------------
def new_figure(nrows: int = 1, ncols: int = 1, *, width: float = 9.0, height: float = 3.2,
               **subplot_kw: Any) -> tuple[Figure, Any]:
    """A pyplot-free figure with fixed margins, quick to render for live redraws.

    Layout engines (``constrained``, ``tight``) triple the time of a redraw, so the
    margins are set once here instead.
    """
    fig = Figure(figsize=(width, height), dpi=80)
    axes = fig.subplots(nrows, ncols, squeeze=True, **subplot_kw)
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.14, top=0.88, wspace=0.25,
                        hspace=0.45)
    return fig, axes


class LiveFigure:
    """A figure redrawn in place: what does not move is rendered once and reused.

    The artists a redraw changes are marked with :meth:`changing` (matplotlib's
    ``animated`` flag): they are left out of a cached rendering of everything else (axes,
    ticks, labels, legends, reference lines) and drawn over it at each :meth:`png`, in
    z-order. Anything else that changes (limits, a title, a static line's data) sets
    matplotlib's own ``stale`` flag on the figure, and the next :meth:`png` renders the
    whole figure again, so a stale background is never shown. Callers therefore change
    the static parts only when they really change (:func:`hold_limits`).

    Changing artists are drawn above every static one; a legend that must stay over
    them is kept on top from its cached pixels (:meth:`on_top`).

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        A pyplot-free figure (:func:`new_figure`); it gets an Agg canvas.

    Attributes
    ----------
    full_renders, quick_renders : int
        How many :meth:`png` calls rendered everything, and how many only the changing
        artists over the cached rendering.
    """

    def __init__(self, figure: Figure) -> None:
        if not isinstance(figure, Figure):
            raise TypeError(f"figure must be a matplotlib Figure; got {type(figure).__name__}")
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        self.figure = figure
        self.canvas = FigureCanvasAgg(figure)
        self.full_renders = 0
        self.quick_renders = 0
        self._background = None
        self._png: bytes | None = None
        self._legends: list[Any] = []
        self._legend_pixels: list[Any] = []

    def changing(self, *artists: Any) -> Any:
        """Mark ``artists`` as redrawn at every :meth:`png`; return them (one: itself)."""
        for artist in artists:
            artist.set_animated(True)
        return artists[0] if len(artists) == 1 else artists

    def on_top(self, *legends: Any) -> None:
        """Keep static ``legends`` over the changing artists.

        Each legend's box is made opaque and square, so that pasting its cached pixels
        over the changing artists gives what drawing it last would (a legend is as slow
        to draw as the rest of a step).
        """
        from matplotlib.legend import Legend

        for legend in legends:
            if not isinstance(legend, Legend):
                raise TypeError(f"on_top takes legends; got {type(legend).__name__}")
            legend.get_frame().set_alpha(1.0)
            legend.get_frame().set_boxstyle("square", pad=0.0)
            self._legends.append(legend)

    def _changing_artists(self) -> list[Any]:
        found = [a for ax in self.figure.axes for a in ax.get_children() if a.get_animated()]
        found += [a for a in self.figure.get_children() if a.get_animated()]
        return sorted(found, key=lambda a: a.get_zorder())

    def png(self) -> bytes:
        """The figure as PNG bytes, re-rendering only what changed since the last call."""
        changing = self._changing_artists()
        if (self._png is not None and not self.figure.stale
                and not any(a.stale for a in changing)):
            return self._png  # nothing moved
        if self._background is None or self.figure.stale:
            self.canvas.draw()  # every artist but the changing ones
            self._background = self.canvas.copy_from_bbox(self.figure.bbox)
            renderer = self.canvas.get_renderer()
            # the box and its 1-pixel edge line
            self._legend_pixels = [
                self.canvas.copy_from_bbox(legend.get_window_extent(renderer).padded(1))
                for legend in self._legends if legend.get_visible()]
            self.full_renders += 1
        else:
            self.canvas.restore_region(self._background)
            self.quick_renders += 1
        renderer = self.canvas.get_renderer()
        for artist in changing:
            if artist.get_visible():
                artist.draw(renderer)
        for pixels in self._legend_pixels:
            self.canvas.restore_region(pixels)
        for artist in changing:
            artist.stale = False  # drawn as they are now
        # drawing a changing legend or annotation lays out its parts, which flags their
        # axes stale: that is not a change of the cached rendering
        self.figure.stale = False
        from matplotlib import image

        buffer = io.BytesIO()
        # fast zlib level: a redraw's PNG is shown once, its size does not matter locally
        image.imsave(buffer, np.asarray(self.canvas.buffer_rgba()), format="png",
                     pil_kwargs={"compress_level": 1})
        self._png = buffer.getvalue()
        return self._png

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, Any]:
        return _bundle(self)


def hold_limits(ax: Any, which: str, low: float, high: float, *, pad: float = 0.05,
                fill: float = 0.5, bottom: float | None = None) -> bool:
    """Make an axis show ``low``..``high``, changing its limits only when it must.

    The limits stay as they are while they hold the data and the data fills at least
    ``fill`` of them; otherwise they become the data's range padded by ``pad`` of it on
    each side (only at the top when ``bottom`` fixes the lower limit). A slider step
    then moves the bars or lines, not the axis, and a :class:`LiveFigure` keeps its
    cached rendering.

    Parameters
    ----------
    ax : matplotlib Axes
    which : {"x", "y"}
    low, high : float
        Range of the data to show, ``low <= high``.
    pad, fill : float
        Padding [fraction of the shown range] and least filled share of the axis [-].
    bottom : float, optional
        A fixed lower limit (0 for a cost or a share), at most ``low``.

    Returns
    -------
    bool
        True when the limits changed.
    """
    if which not in ("x", "y"):
        raise ValueError(f"which must be 'x' or 'y'; got {which!r}")
    if not (np.isfinite(low) and np.isfinite(high) and low <= high):
        raise ValueError(f"need finite low <= high; got low={low!r}, high={high!r}")
    if bottom is not None and not bottom <= low:
        raise ValueError(f"bottom must be <= low; got bottom={bottom!r}, low={low!r}")
    get, put = ((ax.get_xlim, ax.set_xlim) if which == "x" else (ax.get_ylim, ax.set_ylim))
    if bottom is not None:
        low = bottom
    lo, hi = get()
    if lo <= low and high <= hi and (high - low) >= fill * (hi - lo) and (
            bottom is None or lo == bottom):
        return False
    margin = pad * (high - low) if high > low else max(abs(high), 1.0) * pad
    put(low if bottom is not None else low - margin, high + margin)
    return True


# --- tables a reader reads (display only) ----------------------------------------------
def crossing_dates(result: Any, start: str | pd.Period, *,
                   quantiles: Sequence[int] = (10, 50, 90)) -> pd.DataFrame:
    """When each simulated metric crosses each line, in calendar months, for reading.

    Parameters
    ----------
    result : scaling_models.montecarlo.SimulationResult
        A run; its ``breach_summary`` gives the crossing month percentiles.
    start : str or pandas.Period
        Calendar month of the simulation's month 0 (``YYYY-MM``).
    quantiles : sequence of int
        Percentiles of the crossing month to show (among the futures that cross).

    Returns
    -------
    pandas.DataFrame
        One row per metric (its name from :func:`scaling_models.charts.metric_name`) and
        line, columns "Line" (with its value), "Crossed by <last month>" (a probability
        worded by :func:`scaling_models.report.probability`) and one column per
        percentile: a month as ``Jun 2024``, "now" for month 0, "later" when fewer than
        that share of the futures cross within the horizon.
    """
    from scaling_models import charts, report

    start = pd.Period(str(start), freq="M")
    end = start + int(result.months)
    summary = result.breach_summary
    rows = []
    for (metric, level), row in summary.iterrows():
        value = float(row["threshold"])
        line = (f"{value:g} s" if metric == "p95_response_time_s" else f"{value:.0%}")
        out = {"Metric": charts.metric_name(str(metric)),
               "Line": f"{level} ({line})",
               f"Crossed by {end.strftime('%b %Y')}": report.probability(row["probability"])}
        for q in quantiles:
            month = row[f"P{q}"]
            out[_QUANTILE_WORDS.get(q, f"P{q}")] = (
                "later" if pd.isna(month) else "now" if month <= 0
                else (start + int(month)).strftime("%b %Y"))
        rows.append(out)
    return pd.DataFrame(rows)


_QUANTILE_WORDS = {10: "Early (1 future in 10)", 50: "Median month",
                   90: "Late (9 futures in 10)"}


# --- the panel ---------------------------------------------------------------------------
_STALE = "sm-whatif-stale"
# dims the content a redraw is replacing (the style element itself is hidden)
_STALE_CSS = (f"<style>.{_STALE} {{opacity: 0.45; transition: opacity 0.15s;}} "
              ".sm-whatif-status {min-height: 1.4em; font-size: 0.95em;}</style>")


def _one_line(exc: BaseException) -> str:
    """An exception's message on one line (the first line: a message, not a dump)."""
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _status_html(message: str, redraws: int, *, busy: bool = False,
                 error: bool = False) -> str:
    colour = "#b00020" if error else "#555555"
    icon = "⚠ " if error else "⏳ " if busy else ""
    state = "error" if error else "busy" if busy else "idle"
    return (f'<div class="sm-whatif-status" data-redraws="{redraws}" data-state="{state}" '
            f'style="color: {colour}">{icon}{html.escape(message)}</div>')


class WhatIfPanel:
    """Controls bound to a package call whose figures and tables redraw in place.

    Parameters
    ----------
    compute : callable
        ``compute(**values)`` with one keyword per control; returns a figure (or a
        :class:`LiveFigure`), a DataFrame, a string, :class:`Headlines`, or a list/tuple
        of those (shown in order). An item returned as the very object of the last redraw
        (a table from a cache) is not rendered again: return a new object when its
        content changes.
    controls : mapping of str to ipywidgets value widget
        Keyword name -> widget (see :func:`slider`, :func:`int_slider`, :func:`dropdown`).
    title : str, optional
        Shown above the controls.

    Attributes
    ----------
    output : ipywidgets.Output
        The one output area; its ``outputs`` are replaced at each redraw.
    status : ipywidgets.HTML
        One line between the controls and the output: "recomputing..." while a redraw
        runs, the message of an impossible setting, else empty. It carries the number of
        completed redraws as ``data-redraws`` (what a browser test waits for).
    last_result : object
        What ``compute`` returned last (``None`` after an error).
    last_error : str or None
        The one-line message shown when ``compute`` raised.
    last_traceback : str or None
        The traceback of an unexpected exception (a bug), kept for the analyst who wants
        it; the panel itself shows one line.
    redraws : int
        Number of completed redraws.
    last_seconds : float
        Wall time of the last redraw (compute + rendering). [s]
    """

    def __init__(self, compute: Callable[..., Any], controls: Mapping[str, widgets.ValueWidget],
                 *, title: str = "") -> None:
        if not callable(compute):
            raise TypeError(f"compute must be callable; got {compute!r}")
        if not controls:
            raise ValueError("a what-if panel needs at least one control")
        self.compute = compute
        self.controls = dict(controls)
        self.output = widgets.Output()
        self.status = widgets.HTML(_status_html("", 0))
        self.last_result: Any = None
        self.last_error: str | None = None
        self.last_traceback: str | None = None
        self.redraws = 0
        self.last_seconds = float("nan")
        self._holding = False
        self._bundles: list[dict[str, Any]] = []
        self._shown: list[tuple[Any, dict[str, Any]]] = []
        header = [widgets.HTML(f"<b>{html.escape(title)}</b>")] if title else []
        box = widgets.HBox(list(self.controls.values()),
                           layout=widgets.Layout(flex_flow="row wrap"))
        style = widgets.HTML(_STALE_CSS, layout={"display": "none"})
        self.widget = widgets.VBox([*header, box, self.status, self.output, style])
        self.widget.add_class("sm-whatif")
        for control in self.controls.values():
            control.observe(self._on_change, names="value")

    # values ------------------------------------------------------------------------------
    @property
    def values(self) -> dict[str, Any]:
        """Current value of every control, by keyword."""
        return {name: control.value for name, control in self.controls.items()}

    def update(self, **values: Any) -> None:
        """Set several controls at once and redraw once (as a user would, but in code)."""
        unknown = set(values) - set(self.controls)
        if unknown:
            raise ValueError(
                f"unknown control(s) {sorted(unknown)}; this panel has {sorted(self.controls)}"
            )
        self._holding = True
        try:
            for name, value in values.items():
                self.controls[name].value = value
        finally:
            self._holding = False
        self.redraw()

    # drawing -----------------------------------------------------------------------------
    def _on_change(self, change: Mapping[str, Any]) -> None:
        if not self._holding:
            self.redraw()

    def redraw(self) -> list[dict[str, Any]]:
        """Run ``compute`` with the current values and swap the output area's content.

        Returns the MIME bundles now shown. While ``compute`` runs the status says
        "recomputing..." and the old content is dimmed. A ``ValueError``/``TypeError``
        from the package (an impossible combination of slider values) is shown as one
        line in the status and the last good content stays; any other exception (a bug)
        is shown as one line too, its traceback kept in :attr:`last_traceback`.
        """
        start = time.perf_counter()
        self.status.value = _status_html("recomputing…", self.redraws, busy=True)
        self.output.add_class(_STALE)
        try:
            result = self.compute(**self.values)
            items = _as_items(result)
            bundles = [self._bundle_of(item) for item in items]
        except (ValueError, TypeError) as exc:
            self._fail(f"Cannot compute this setting: {_one_line(exc)}", None)
        except Exception as exc:  # a bug: one line where the analyst looks, details kept
            self._fail(f"Unexpected error ({type(exc).__name__}: {_one_line(exc)}); "
                       "details in panel.last_traceback", traceback.format_exc())
        else:
            self.last_result, self.last_error, self.last_traceback = result, None, None
            self._bundles = bundles
            self._shown = list(zip(items, bundles, strict=True))
            # one trait assignment = one message to the frontend: the old content is
            # replaced, never appended to, and nothing blank is painted in between
            self.output.outputs = tuple(
                {"output_type": "display_data", "data": bundle, "metadata": {}}
                for bundle in bundles
            )
            self.redraws += 1
            self.status.value = _status_html("", self.redraws)
        self.output.remove_class(_STALE)
        self.last_seconds = time.perf_counter() - start
        return self._bundles

    def _bundle_of(self, item: Any) -> dict[str, Any]:
        """The item's MIME bundle; the one already shown when ``compute`` returned this
        very object last time (a cached table is not rendered to HTML again). Figures
        are always rendered: they change in place."""
        if not isinstance(item, (Figure, LiveFigure)):
            for shown, bundle in self._shown:
                if shown is item:
                    return bundle
        return _bundle(item)

    def _fail(self, message: str, details: str | None) -> None:
        """Show ``message`` in the status line; keep the last good content (if any)."""
        self.last_result, self.last_error, self.last_traceback = None, message, details
        if not self._bundles:  # nothing to keep: the message is the content
            self._bundles = [{"text/plain": message}]
            self.output.outputs = ({"output_type": "display_data",
                                    "data": self._bundles[0], "metadata": {}},)
        self.redraws += 1
        self.status.value = _status_html(message, self.redraws, error=True)

    def text(self) -> str:
        """The status message (if any), then the plain-text parts of the output."""
        parts = [b["text/plain"] for b in self._bundles
                 if "text/plain" in b and "image/png" not in b and "text/html" not in b]
        if self.last_error and self.last_error not in parts:
            parts.insert(0, self.last_error)
        return "\n".join(parts)

    def static_bundle(self) -> dict[str, Any]:
        """The static rendering of the current output: HTML, first figure, plain text."""
        if not self.redraws:
            self.redraw()
        bundle: dict[str, Any] = {
            "text/plain": "\n".join(filter(None, (_PANEL_NOTE, self.text()))),
            "text/html": _static_html(self._bundles),
        }
        pngs = [b["image/png"] for b in self._bundles if "image/png" in b]
        if pngs:
            bundle["image/png"] = pngs[0]
        return bundle

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, Any]:
        # the live widget for JupyterLab plus the default-value rendering for every
        # frontend without widgets (papermill, nbval, nbconvert, GitHub)
        bundle = self.static_bundle()
        live = self.widget._repr_mimebundle_(include=include, exclude=exclude) or {}
        live.pop("text/plain", None)
        bundle.update(live)
        return bundle

