"""What-if panel: redraw in place on a widget change, static fallback, headline read-back."""

import base64
import io

import matplotlib
import numpy as np
import pandas as pd
import pytest
import traitlets
from matplotlib.figure import Figure
from matplotlib.image import imread

from scaling_models import whatif

matplotlib.use("Agg")


def _compute(growth, months):
    # stands in for a package call: a figure, a table and a headline that depend on inputs
    users = 50_000 * (1 + growth) ** np.arange(months + 1)
    fig = Figure(figsize=(3, 2))
    fig.add_subplot().plot(users)
    table = pd.DataFrame({"users": users[-1:]})
    head = whatif.headlines(("users_end", users[-1], "Users at the horizon", ",.0f"))
    return [fig, table, head]


@pytest.fixture
def panel():
    return whatif.WhatIfPanel(
        _compute,
        {"growth": whatif.slider(0.15, 0.0, 0.5, 0.01, "growth", percent=True),
         "months": whatif.int_slider(12, 1, 36, "months")},
        title="test panel",
    )


def test_changing_a_widget_redraws_with_the_new_value(panel):
    panel.redraw()
    assert panel.redraws == 1
    assert "Users at the horizon: 267,513" in panel.text()  # 50_000 * 1.15**12 = 267 512.6
    panel.controls["growth"].value = 0.08  # as the frontend would set it
    assert panel.redraws == 2
    assert "Users at the horizon: 125,909" in panel.text()  # 50_000 * 1.08**12 = 125 908.5


def test_redraw_replaces_outputs_instead_of_stacking(panel):
    for value in (0.1, 0.2, 0.3):
        panel.controls["growth"].value = value
    # figure, table, headline: three outputs whatever the number of redraws
    assert len(panel.output.outputs) == 3
    kinds = [tuple(sorted(o["data"])) for o in panel.output.outputs]
    assert kinds[0] == ("image/png", "text/plain")
    assert "text/html" in kinds[1]
    png = base64.b64decode(panel.output.outputs[0]["data"]["image/png"])
    assert png.startswith(b"\x89PNG")


def test_update_sets_several_controls_and_redraws_once(panel):
    panel.redraw()
    panel.update(growth=0.0, months=3)
    assert panel.redraws == 2
    assert panel.values == {"growth": 0.0, "months": 3}
    assert panel.last_result[2].record() == {"users_end": 50_000.0}


def test_update_rejects_unknown_control(panel):
    with pytest.raises(ValueError, match=r"unknown control\(s\) \['grwth'\]"):
        panel.update(grwth=0.1)


def test_package_error_is_shown_as_message_not_raised():
    def compute(x):
        raise ValueError(f"x must be > 0; got {x}\nsecond line of detail")

    panel = whatif.WhatIfPanel(compute, {"x": whatif.slider(0.0, 0.0, 1.0, 0.1, "x")})
    panel.redraw()
    # one line, no exception type, no traceback
    assert panel.last_error == "Cannot compute this setting: x must be > 0; got 0.0"
    assert panel.text() == panel.last_error
    assert 'data-state="error"' in panel.status.value
    assert "second line" not in panel.status.value


def test_bad_setting_keeps_the_last_charts_and_says_why_in_one_line():
    def compute(x):
        if x > 0.5:
            raise ValueError("x must be at most 0.5")
        fig = Figure(figsize=(2, 2))
        fig.add_subplot().plot([0, x])
        return [fig, whatif.headlines(("x", x, "x", ".1f"))]

    panel = whatif.WhatIfPanel(compute, {"x": whatif.slider(0.2, 0.0, 1.0, 0.1, "x")})
    panel.redraw()
    good = panel.output.outputs
    panel.controls["x"].value = 0.9
    assert panel.output.outputs == good  # the panel does not collapse
    assert panel.last_error == "Cannot compute this setting: x must be at most 0.5"
    assert panel.text().splitlines() == [panel.last_error, "x: 0.2"]
    panel.controls["x"].value = 0.3  # a good value again: message gone, content redrawn
    assert panel.last_error is None and 'data-state="idle"' in panel.status.value
    assert panel.text() == "x: 0.3"


def test_a_bug_is_one_line_with_the_traceback_kept():
    def compute(x):
        return {}["missing"]

    panel = whatif.WhatIfPanel(compute, {"x": whatif.slider(0.0, 0.0, 1.0, 0.1, "x")})
    panel.redraw()
    assert panel.last_error.startswith("Unexpected error (KeyError: 'missing')")
    assert "\n" not in panel.last_error
    assert "Traceback" in panel.last_traceback


def test_status_says_recomputing_while_compute_runs_and_counts_redraws():
    seen = []

    def compute(x):
        seen.append((panel.status.value, panel.output._dom_classes))
        return whatif.headlines(("x", x, "x", ".1f"))

    panel = whatif.WhatIfPanel(compute, {"x": whatif.slider(0.0, 0.0, 1.0, 0.1, "x")})
    panel.redraw()
    status, classes = seen[0]
    assert "recomputing" in status and 'data-state="busy"' in status
    assert "sm-whatif-stale" in classes  # the old content is dimmed meanwhile
    assert "sm-whatif-stale" not in panel.output._dom_classes
    assert 'data-redraws="1"' in panel.status.value and "recomputing" not in panel.status.value


def test_range_slider_passes_an_ordered_pair():
    received = []

    def compute(growth):
        received.append(growth)
        low, high = growth
        return whatif.headlines(("mid", (low + high) / 2, "mid", ".3f"))

    control = whatif.range_slider((0.10, 0.225), 0.0, 0.5, 0.005, "growth", percent=True)
    panel = whatif.WhatIfPanel(compute, {"growth": control})
    panel.redraw()
    assert received[-1] == (0.10, 0.225)
    control.value = (0.1, 0.3)
    assert received[-1] == (0.1, 0.3)
    # the handles cannot cross: an inverted interval never reaches compute
    with pytest.raises(traitlets.TraitError):
        control.value = (0.3, 0.1)
    assert received[-1] == (0.1, 0.3) and panel.last_error is None
    assert control.readout_format == ".1%"


@pytest.mark.parametrize(
    ("value", "printed", "recorded"),
    [(0.0, "< 1 %", 0.0), (0.004, "< 1 %", 0.0), (0.005, "1 %", 0.01), (0.574, "57 %", 0.57),
     (0.995, "> 99 %", 1.0), (1.0, "> 99 %", 1.0)],
)
def test_probability_headlines_print_like_the_board(value, printed, recorded):
    from scaling_models import report

    h = whatif.headlines(("p", value, "P(critical)", whatif.PROBABILITY))
    assert h.texts == (printed,) and printed == report.probability(value)
    assert h.record() == {"p": recorded}


def test_static_bundle_for_headless_frontends(panel):
    bundle = panel._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle  # live widget
    assert bundle["image/png"] == panel.output.outputs[0]["data"]["image/png"]
    assert bundle["text/html"].count("<img") == 1
    assert "<table" in bundle["text/html"]
    assert "Users at the horizon: 267,513" in bundle["text/plain"]


def test_pyplot_figures_are_closed_after_rendering():
    import matplotlib.pyplot as plt

    def compute(x):
        fig, ax = plt.subplots()
        ax.plot([0, x])
        return fig

    before = len(plt.get_fignums())
    panel = whatif.WhatIfPanel(compute, {"x": whatif.slider(1.0, 0.0, 2.0, 0.5, "x")})
    panel.redraw()
    assert len(plt.get_fignums()) == before


def test_headlines_record_what_is_printed():
    h = whatif.headlines(("p", 0.63449, "Share", ".1%"), ("c", 1234.56, "Cost", ",.0f"),
                         ("r", 2.0 / 3.0, "Ratio", ".2f"))
    assert h.record() == {"p": 0.634, "c": 1235.0, "r": 0.67}
    assert h.text() == "Share: 63.4%\nCost:  1,235\nRatio: 0.67"
    bundle = h._repr_mimebundle_()
    assert bundle[whatif.HEADLINE_MIME] == h.record()


def test_read_headlines_from_notebook_json():
    h1 = whatif.headlines(("a", 1.0, "A", ".1f"))
    h2 = whatif.headlines(("b", 0.5, "B", ".0%"))
    nb = {"cells": [
        {"cell_type": "markdown", "source": "x"},
        {"cell_type": "code", "outputs": [{"output_type": "display_data",
                                           "data": h1._repr_mimebundle_()}]},
        {"cell_type": "code", "outputs": [{"output_type": "stream", "text": "hi"},
                                          {"output_type": "display_data",
                                           "data": h2._repr_mimebundle_()}]},
    ]}
    assert whatif.read_headlines(nb) == {"a": 1.0, "b": 0.5}


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: whatif.headlines(("a", 1.0, "A")), "must be \\(name, value, label"),
        (lambda: whatif.headlines(("a", "x", "A", ".1f")), "headline 'a': cannot format"),
        (lambda: whatif.headlines(("a", 1, "A", ".1f"), ("a", 2, "B", ".1f")), "unique"),
        (lambda: whatif.slider(2.0, 0.0, 1.0, 0.1, "g"), r"slider 'g': value must be in"),
        (lambda: whatif.int_slider(0, 1, 5, "n"), r"slider 'n': value must be in"),
        (lambda: whatif.range_slider((0.3, 0.1), 0.0, 1.0, 0.1, "g"), r"low end <= high"),
        (lambda: whatif.range_slider(0.3, 0.0, 1.0, 0.1, "g"), r"must be a pair"),
        (lambda: whatif.dropdown(["a", "b"], "c", "s"), r"dropdown 's': value must be one"),
        (lambda: whatif.WhatIfPanel(_compute, {}), "at least one control"),
    ],
)
def test_bad_input_messages(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_compute_must_be_callable():
    with pytest.raises(TypeError, match="compute must be callable"):
        whatif.WhatIfPanel(42, {"x": whatif.slider(0.5, 0.0, 1.0, 0.1, "x")})


def test_dropdown_accepts_label_value_mapping():
    d = whatif.dropdown({"Realistic": "realistic", "Optimistic": "optimistic"}, "realistic",
                        "scenario")
    assert d.value == "realistic"


def test_crossing_dates_in_calendar_months_with_board_wording():
    from scaling_models import montecarlo

    # a company growing 15 %/month with CPU at 70 % and elasticity 1 reaches the 90 %
    # critical line after log(0.9/0.7)/log(1.15) = 1.8 months: the median future crosses
    # in month 2 (Aug 2024 from Jun 2024); the database at 0.85 is over 0.80 already
    inputs = montecarlo.Inputs(growth_rate=(0.149, 0.151), growth_volatility=0.0,
                               elasticity=1.0,
                               utilisation_avg={"cpu": 0.7, "memory": 0.6,
                                                "db_utilisation": 0.85, "bandwidth": 0.4})
    run = montecarlo.simulate(inputs, n_paths=200, months=6, rng=1)
    table = whatif.crossing_dates(run, "2024-06").set_index(["Metric", "Line"])
    assert table.loc[("CPU", "critical (90%)"), "Median month"] == "Aug 2024"
    assert table.loc[("Database", "critical (80%)"), "Median month"] == "now"
    assert table.loc[("CPU", "critical (90%)"), "Crossed by Dec 2024"] == "> 99 %"
    assert not table.isna().any().any()
    assert "p95_response_time_s" not in " ".join(table.index.get_level_values(0))


# --- LiveFigure: cached rendering of what does not move ---------------------------------
def _pixels(png: bytes) -> np.ndarray:
    return np.round(imread(io.BytesIO(png), format="png") * 255).astype(int)


def _saved(fig: Figure) -> np.ndarray:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")  # everything drawn, in z-order
    return _pixels(buffer.getvalue())


def _live_line_figure():
    fig, ax = whatif.new_figure(width=4, height=3)
    ax.plot([0, 1], [0, 1], color="tab:grey")  # static
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    live = whatif.LiveFigure(fig)
    # on top of everything static, so that drawing it last is its place in z-order
    (line,) = ax.plot([0, 1], [0.9, 0.1], color="tab:red", zorder=10)
    live.changing(line)
    return fig, ax, live, line


def test_live_figure_draws_only_what_changed_and_looks_like_a_full_render():
    fig, ax, live, line = _live_line_figure()
    live.png()
    assert (live.full_renders, live.quick_renders) == (1, 0)
    line.set_ydata([0.2, 0.7])
    png = live.png()
    # the static part came from the cache, and the image is the one savefig draws
    assert (live.full_renders, live.quick_renders) == (1, 1)
    assert np.array_equal(_pixels(png), _saved(fig))


def test_live_figure_renders_everything_when_a_static_part_changes():
    fig, ax, live, line = _live_line_figure()
    live.png()
    ax.set_ylim(-1, 2)  # ticks and the static line move: the cache is stale
    png = live.png()
    assert live.full_renders == 2
    assert np.array_equal(_pixels(png), _saved(fig))
    ax.set_title("same")
    live.png()
    ax.title.set_text("same")  # unchanged text: nothing to render again
    line.set_ydata([0.5, 0.5])
    live.png()
    assert (live.full_renders, live.quick_renders) == (3, 1)


def test_live_figure_returns_the_same_png_when_nothing_moved():
    fig, ax, live, line = _live_line_figure()
    first = live.png()
    assert live.png() is first
    line.set_ydata([0.3, 0.3])
    assert live.png() != first


def test_live_figure_keeps_a_legend_over_the_changing_artists():
    fig, ax, live, line = _live_line_figure()
    line.set_zorder(1)  # under the legend, as any data
    ax.set_xlim(-0.2, 1.2)  # the line clear of the axes' frame
    legend = ax.legend(["static", "moving"], loc="center")
    live.on_top(legend)
    live.png()
    line.set_ydata([0.5, 0.5])  # straight through the legend
    got = _pixels(live.png())
    assert live.quick_renders == 1
    want = _saved(fig)
    box = legend.get_window_extent(live.canvas.get_renderer())
    height = got.shape[0]
    # inside the box (away from its 1-pixel edge) the legend hides the line, as savefig
    rows = slice(int(height - box.y1) + 2, int(height - box.y0) - 2)
    cols = slice(int(box.x0) + 2, int(box.x1) - 2)
    assert np.array_equal(got[rows, cols], want[rows, cols])
    # and the line shows outside it
    assert np.array_equal(got[:, : int(box.x0) - 2], want[:, : int(box.x0) - 2])
    with pytest.raises(TypeError, match="on_top takes legends"):
        live.on_top(line)


def test_panel_shows_a_live_figure_as_png():
    fig, ax, live, line = _live_line_figure()

    def compute(x):
        line.set_ydata([x, 1 - x])
        return [live, whatif.headlines(("x", x, "x", ".1f"))]

    panel = whatif.WhatIfPanel(compute, {"x": whatif.slider(0.2, 0.0, 1.0, 0.1, "x")})
    panel.redraw()
    first = panel.output.outputs[0]["data"]["image/png"]
    panel.controls["x"].value = 0.6
    second = panel.output.outputs[0]["data"]["image/png"]
    assert base64.b64decode(second).startswith(b"\x89PNG") and second != first
    assert live.quick_renders == 1
    with pytest.raises(TypeError, match="must be a matplotlib Figure"):
        whatif.LiveFigure("figure")


def test_hold_limits_moves_the_axis_only_when_the_data_leaves_or_shrinks():
    fig, ax = whatif.new_figure()
    assert whatif.hold_limits(ax, "y", 0.0, 10.0, pad=0.1)
    assert ax.get_ylim() == (-1.0, 11.0)
    # 2..9 fits in -1..11 and fills 7/12 > half of it: held
    assert not whatif.hold_limits(ax, "y", 2.0, 9.0, pad=0.1)
    assert ax.get_ylim() == (-1.0, 11.0)
    # beyond the top: padded to the data's range
    assert whatif.hold_limits(ax, "y", 0.0, 20.0, pad=0.1)
    assert ax.get_ylim() == (-2.0, 22.0)
    # 3..6 fills 3/24 of the axis: shrunk
    assert whatif.hold_limits(ax, "y", 3.0, 6.0, pad=0.0)
    assert ax.get_ylim() == (3.0, 6.0)
    assert whatif.hold_limits(ax, "x", 5.0, 5.0)  # a single value gets some room
    assert ax.get_xlim()[0] < 5.0 < ax.get_xlim()[1]
    # a share from 0: only the top moves, padded by a fifth of the range
    assert whatif.hold_limits(ax, "y", 0.07, 0.10, pad=0.2, bottom=0.0)
    assert ax.get_ylim() == pytest.approx((0.0, 0.12))
    assert not whatif.hold_limits(ax, "y", 0.06, 0.11, pad=0.2, bottom=0.0)
    with pytest.raises(ValueError, match="bottom must be <= low"):
        whatif.hold_limits(ax, "y", 0.07, 0.10, bottom=0.08)
    with pytest.raises(ValueError, match="which must be 'x' or 'y'"):
        whatif.hold_limits(ax, "z", 0.0, 1.0)
    with pytest.raises(ValueError, match="need finite low <= high"):
        whatif.hold_limits(ax, "y", 2.0, 1.0)


def test_slider_readout_formats():
    # d3 formats: a fraction as a percentage, money with thousands separators
    assert whatif.slider(0.1, 0.0, 1.0, 0.01, "share", percent=True).readout_format == ".1%"
    assert whatif.slider(11_000.0, 1_000.0, 50_000.0, 500.0, "cost",
                         readout=",.0f").readout_format == ",.0f"
    assert whatif.slider(2.0, 0.0, 5.0, 0.1, "x").readout_format == ".3g"
