"""Tests for scaling_models.charts: each returns a Figure with the expected content."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from scaling_models import charts
from scaling_models import montecarlo as mc
from scaling_models import sensitivity as sens


@pytest.fixture(scope="module")
def result():
    return mc.simulate(n_paths=500, months=12, rng=0)


def test_fan_chart_has_bands_median_and_threshold_lines(result):
    fig = charts.fan_chart(result, "cpu_avg")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["P5-P95", "P25-P75", "median", "attention (70 %)", "critical (90 %)"]
    median = ax.get_lines()[0].get_ydata()
    np.testing.assert_allclose(median, result.percentile("cpu_avg", 50).to_numpy())
    # utilisation in percent, units on both axes
    assert ax.yaxis.get_major_formatter()(0.9, 0) == "90 %"
    # the resource registry's label
    assert ax.get_ylabel() == "CPU utilisation, monthly average [%]"
    assert ax.get_xlabel() == "month [months from today]"
    assert ax.get_title() == "CPU utilisation, monthly average: 500 simulated futures"


def test_fan_chart_copes_with_infinite_latency(result):
    fig = charts.fan_chart(result, "p95_latency_s")
    assert np.all(np.isfinite(fig.axes[0].get_lines()[0].get_ydata()))
    with pytest.raises(ValueError, match="was not computed"):
        charts.fan_chart(result, "nope")


def test_fan_chart_keeps_bands_nested_when_latency_saturates():
    # CPU at 95 % growing 20 %/month saturates one M/M/1 queue per instance within a few
    # months: P95 goes to infinity first, then P75, P50...; each infinite value is drawn
    # at one common cap, so the 25-75 band never rises above the 5-95 band
    inputs = mc.Inputs(growth_rate=(0.15, 0.25),
                       utilisation_avg={"cpu": 0.95, "memory": 0.6,
                                        "db_utilisation": 0.7, "bandwidth": 0.4})
    run = mc.simulate(inputs, n_paths=400, months=12, rng=3)
    assert np.isinf(run.percentile("p95_latency_s", 95).to_numpy()).any()
    ax = charts.fan_chart(run, "p95_latency_s").axes[0]
    outer, inner = (c.get_paths()[0].vertices for c in ax.collections[:2])
    for month in range(13):
        top_outer = outer[np.isclose(outer[:, 0], month), 1].max()
        top_inner = inner[np.isclose(inner[:, 0], month), 1].max()
        assert top_inner <= top_outer + 1e-9, month


def test_fan_chart_draws_latency_lines_and_todays_team(result):
    ax = charts.fan_chart(result, "p95_latency_s").axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[-2:] == ["attention (2)", "critical (5)"]
    assert ax.get_ylim()[1] <= 20.0  # infinite latency does not squash the lines
    ax = charts.fan_chart(result, "developers").axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()][-1] == "today (13)"


def test_breach_probability_chart_draws_each_resource(result):
    fig = charts.breach_probability_chart(result)
    lines = fig.axes[0].get_lines()
    # resources by the registry's labels, latency by the threshold table's
    assert [line.get_label() for line in lines] == [
        "CPU", "Memory", "Database", "Bandwidth", "Response time P95"]
    assert all(np.all(np.diff(line.get_ydata()) >= 0) for line in lines)


def test_tornado_chart_orders_bars():
    table = sens.tornado(sens.output_metric("cost_per_user", 6), n_paths=50, months=6, rng=1)
    fig = charts.tornado_chart(table)
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert ticks == list(table.index[::-1])


def test_scenario_chart_one_line_per_scenario():
    pct, _, _ = mc.compare_scenarios(["projection_conservative", "projection_realistic"],
                                     n_paths=200, rng=2)
    fig = charts.scenario_chart(pct, "mau")
    assert [ln.get_label() for ln in fig.axes[0].get_lines()] == [
        "projection_conservative", "projection_realistic"]
    with pytest.raises(ValueError, match="not in the scenario table"):
        charts.scenario_chart(pct, "nope")
    # named scenarios on calendar months
    ax = charts.scenario_chart(pct, "mau", start="2024-06",
                               labels={"projection_realistic": "Realistic"}).axes[0]
    assert [ln.get_label() for ln in ax.get_lines()] == ["projection_conservative",
                                                         "Realistic"]
    assert ax.get_xticklabels()[0].get_text() == "Jun 2024" and ax.get_xlabel() == "month"


def test_fan_chart_on_calendar_months_with_units(result):
    ax = charts.fan_chart(result, "infra_cost", start="2024-06", currency="USD").axes[0]
    assert ax.get_ylabel() == "infrastructure cost [USD/month]"
    assert ax.get_xlabel() == "month"
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == ["Jun 2024", "Sep 2024", "Dec 2024", "Mar 2025", "Jun 2025"]


def test_month_axis_picks_calendar_steps():
    fig, (ax,) = charts.board_figure(2.0)
    charts.month_axis(ax, "2024-06", 12, first=-11)
    # 23 months for at most 5 ticks: a 6-month step anchored on today (position 0)
    assert list(ax.xaxis.get_major_locator().tick_values(0, 1)) == [-6, 0, 6, 12]
    assert ax.get_xlim() == (-11.0, 12.0)
    assert ax.xaxis.get_major_formatter()(-6, 0) == "Dec 2023"


def test_clip_axis_limits_and_says_who_is_beyond():
    months = np.arange(7)
    median = np.array([0.6, 0.8, 1.0, 1.1, 1.25, 1.4, 1.6])
    upper = median + 0.2  # above 1.2 from month 3; the median from month 4
    fig, (ax,) = charts.board_figure(2.0)
    ax.yaxis.set_major_formatter(charts.PercentFormatter(1.0, symbol=" %"))
    text = charts.clip_axis(ax, months, upper, median, 1.2, start="2024-06")
    assert text == "half the futures above 120 % from Oct 2024"
    assert ax.get_ylim() == (0.0, 1.2)
    assert [t.get_text() for t in ax.texts] == ["▲ half the futures above 120 %\nfrom Oct 2024"]
    # only the band's top beyond: 1 in 20 futures (P95), from its first month
    fig, (ax,) = charts.board_figure(2.0)
    text = charts.clip_axis(ax, months, np.minimum(upper, 1.3), np.minimum(median, 1.0), 1.2)
    assert text == "1 in 20 futures above 1.2"
    # nothing beyond: the axis ends 5 % above the band, nothing is said
    fig, (ax,) = charts.board_figure(2.0)
    assert charts.clip_axis(ax, months, upper / 2, median / 2, 1.2) == ""
    assert ax.get_ylim()[1] == pytest.approx(0.9 * 1.05)


def test_board_figure_fits_a4_and_has_board_fonts():
    fig, axes = charts.board_figure(3.0, ncols=2)
    assert fig.get_size_inches()[0] == charts.BOARD_WIDTH_IN and len(axes) == 2
    assert axes[0].xaxis.get_ticklabels()[0].get_fontsize() >= charts.BOARD_FONT_PT
    with pytest.raises(ValueError, match="width_in"):
        charts.board_figure(3.0, width_in=8.5)


def test_described_figure_needs_a_description():
    fig, _ = charts.board_figure(2.0)
    with pytest.raises(ValueError, match="description"):
        charts.DescribedFigure(fig)  # a new figure has no label
    with pytest.raises(TypeError, match="matplotlib Figure"):
        charts.DescribedFigure("figure", "text")
    shown = charts.DescribedFigure(fig, "  Two\n lines ")
    data, metadata = shown._repr_mimebundle_()
    assert metadata["image/png"]["alt"] == "Two lines"
    assert data["image/png"]


def test_clip_note_words_match_clip_axis():
    months = np.arange(7)
    median = np.array([0.6, 0.8, 1.0, 1.1, 1.25, 1.4, 1.6])
    upper = median + 0.2
    # the median passes 1.2 in month 4 (1.25): "half the futures", Oct 2024 from Jun 2024
    assert charts.clip_note(months, upper, median, 1.2, shown="120 %", start="2024-06") == (
        4, "half the futures above 120 % from Oct 2024",
        "▲ half the futures above 120 %\nfrom Oct 2024")
    # the top of the band passes it in month 3 (1.1 + 0.2), the median never
    assert charts.clip_note(months, upper, np.minimum(median, 1.0), 1.2, shown="1.2")[:2] == (
        3, "1 in 20 futures above 1.2")
    assert charts.clip_note(months, upper / 2, median / 2, 1.2, shown="1.2") is None
    # an infinite top (a saturated queue) is beyond any line
    assert charts.clip_note(months, np.full(7, np.inf), median / 2, 1.2, shown="1.2")[0] == 0


def test_fan_values_breach_series_and_threshold_lines_are_what_the_charts_draw(result):
    months, values = charts.fan_values(result, "cpu_avg")
    assert np.array_equal(months, np.arange(13))
    assert np.allclose(values[50], result.percentile("cpu_avg", 50).to_numpy())
    ax = charts.fan_chart(result, "cpu_avg").axes[0]
    assert np.allclose(ax.lines[0].get_ydata(), values[50])  # the median line
    x, p = charts.breach_series(result, "cpu", "critical")
    table = result.breach_probability.query("resource == 'cpu' and level == 'critical'")
    assert np.array_equal(x, table["month"]) and np.array_equal(p, table["probability"])
    ax = charts.breach_probability_chart(result).axes[0]
    assert np.array_equal(ax.lines[0].get_ydata(), p)  # CPU, the first line
    # the default company's CPU lines (docs/domain.md section 5): 70 % and 85 %
    att, crit = result.inputs.thresholds()
    assert charts.threshold_lines(result.inputs, "cpu_avg") == [
        ("attention", att[0], f"attention ({att[0] * 100:g} %)"),
        ("critical", crit[0], f"critical ({crit[0] * 100:g} %)")]
    assert [row[0] for row in charts.threshold_lines(result.inputs, "p95_latency_s")] == [
        "attention", "critical"]
    assert charts.threshold_lines(result.inputs, "mau") == []
    with pytest.raises(ValueError, match="no breach data"):
        charts.breach_series(result, "disk")


def test_fan_artists_move_in_place(result):
    fig, (ax,) = charts.board_figure(2.0)
    fan = charts.FanArtists(ax, *charts.fan_values(result, "cpu_avg"))
    months, values = charts.fan_values(result, "memory_avg")
    fan.update(months, values)
    assert np.allclose(fan.median.get_ydata(), values[50])
    # the outer band's outline runs along P5 and back along P95
    outline = fan.outer.get_paths()[0].vertices[:, 1]
    assert np.isclose(outline.min(), values[5].min()) and np.isclose(
        outline.max(), values[95].max())
    assert len(ax.collections) == 2 and len(ax.lines) == 1  # moved, not drawn again
