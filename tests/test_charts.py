"""Tests for scaling_models.charts: each returns a Figure with the expected content."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from scaling_models import charts
from scaling_models import montecarlo as mc
from scaling_models import sensitivity as sens


@pytest.fixture(scope="module")
def result():
    return mc.simulate(n_paths=500, months=12, seed=0)


def test_fan_chart_has_bands_median_and_threshold_lines(result):
    fig = charts.fan_chart(result, "cpu_avg")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["P5-P95", "P25-P75", "median", "attention (0.7)", "critical (0.9)"]
    median = ax.get_lines()[0].get_ydata()
    np.testing.assert_allclose(median, result.percentile("cpu_avg", 50).to_numpy())


def test_fan_chart_copes_with_infinite_latency(result):
    fig = charts.fan_chart(result, "p95_latency_s")
    assert np.all(np.isfinite(fig.axes[0].get_lines()[0].get_ydata()))
    with pytest.raises(ValueError, match="was not computed"):
        charts.fan_chart(result, "nope")


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
    assert [line.get_label() for line in lines] == [*mc.RESOURCES, "p95_response_time_s"]
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
