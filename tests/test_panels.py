"""The what-if panel figures: drawn once, moved in place, showing the package's numbers."""

import dataclasses

import matplotlib
import numpy as np
import pytest

from scaling_models import charts, panels
from scaling_models import montecarlo as mc

matplotlib.use("Agg")


def _run(growth, n_paths=400, months=12):
    inputs = dataclasses.replace(mc.Inputs(), growth_rate=growth)
    return mc.simulate(inputs, n_paths=n_paths, months=months, rng=3)


@pytest.fixture(scope="module")
def runs():
    return _run((0.08, 0.12)), _run((0.08, 0.13)), _run((0.01, 0.02))


def test_capacity_figure_moves_the_fan_and_the_curves_without_a_full_render(runs):
    slow, faster, _ = runs
    figure = panels.CapacityFigure(slow, "cpu", "2024-06")
    live = figure.update(slow, "cpu")
    live.png()
    renders = live.full_renders
    live = figure.update(faster, "cpu")
    live.png()
    assert live.full_renders == renders and live.quick_renders >= 1
    assert np.allclose(figure.fan.median.get_ydata(), faster.percentile("cpu_avg", 50))
    for metric, line in figure.steps.items():
        assert np.array_equal(line.get_ydata(), charts.breach_series(faster, metric)[1])
    assert figure.steps["cpu"].get_linewidth() == 3
    assert figure.steps["memory"].get_linewidth() == 1


def test_capacity_figure_shows_the_chosen_resources_lines(runs):
    slow, _, _ = runs
    figure = panels.CapacityFigure(slow, "cpu", "2024-06")
    figure.update(slow, "db_utilisation").png()
    att, crit = slow.inputs.thresholds()
    i = mc.RESOURCES.index("db_utilisation")
    assert figure.levels["critical"].get_ydata()[0] == crit[i]
    assert figure.levels["attention"].get_ydata()[0] == att[i]
    legend = [t.get_text() for t in figure.left_legend.get_texts()]
    assert legend[3:] == [f"attention ({att[i] * 100:g} %)", f"critical ({crit[i] * 100:g} %)"]
    assert figure.left.get_title() == "Database"
    with pytest.raises(ValueError, match="resource must be one of"):
        figure.update(slow, "disk")


def test_capacity_figure_marks_futures_beyond_its_axis(runs):
    slow, _, calm = runs
    figure = panels.CapacityFigure(slow, "db_utilisation", "2024-06", limit=1.0)
    figure.update(slow, "db_utilisation")
    # the database starts at 80 % and grows: its top band passes 100 % within the year
    assert figure.left.get_ylim()[1] == pytest.approx(1.0)
    assert figure.note.get_visible() and "above 100 %" in figure.note.get_text()
    # 1-2 %/month keeps the bandwidth (40 % today) well below 100 %: no note
    figure.update(calm, "bandwidth")
    assert not figure.note.get_visible() and not figure.marker.get_visible()
    top = figure.left.get_ylim()[1]
    assert calm.percentile("bandwidth_avg", 95).max() <= top < 1.0
