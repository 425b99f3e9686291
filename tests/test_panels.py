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


def test_economics_figure_moves_its_fans_and_holds_its_axes(runs):
    slow, faster, _ = runs
    figure = panels.EconomicsFigure(slow, "Realistic", "2024-06", currency="USD")
    figure.update(slow, "Realistic").png()
    top = figure.right.get_ylim()
    live = figure.update(faster, "Realistic")
    live.png()
    assert live.full_renders == 1 and live.quick_renders == 1  # nothing static moved
    assert figure.right.get_ylim() == top
    assert np.allclose(figure.fans["infra_share"].median.get_ydata(),
                       faster.percentile("infra_share", 50))
    assert figure.left.get_ylim()[0] == 0.0  # a cost from 0
    assert "USD" in figure.left.get_ylabel()
    figure.update(faster, "Optimistic")
    assert figure.left.get_title() == "Cost per user, Optimistic"


def _backlog_draws(hourly):
    from scaling_models import debt, loaders

    backlog = loaders.load_data_dir().backlog
    ranked = debt.prioritise(debt.assess_backlog(backlog, hourly_cost=hourly), developers=12,
                             debt_share=0.2)
    draws = debt.simulate_roi(backlog, hourly_cost=hourly, effort_factor=(0.8, 2.0),
                              savings_factor=(0.5, 1.2), n_paths=500, rng=1)
    return ranked, draws


def test_debt_figure_draws_each_items_roi_and_range_in_rank_order():
    ranked, draws = _backlog_draws(60.0)
    names = {"now": "treat now", "plan": "plan", "backlog": "backlog", "skip": "skip"}
    figure = panels.DebtFigure(ranked, draws, names)
    figure.live.png()
    # the first bar is the top row: the best item (its name is checked at the end:
    # reading tick labels lays them out again, which would count as a change)
    assert figure.rows[0] == len(ranked) - 1
    assert figure.bars[0].get_width() == ranked["roi"].iloc[0]
    green = tuple(matplotlib.colors.to_rgba("tab:green"))
    assert [b.get_facecolor() == green for b in figure.bars] == list(ranked["selected"])
    low, high = draws[ranked.index[0]].quantile([0.05, 0.95])
    assert np.allclose(figure.whiskers.get_segments()[0][:, 0], [low, high])
    dearer, dearer_draws = _backlog_draws(65.0)  # reorders near-equal items
    live = figure.update(dearer, dearer_draws)
    live.png()
    assert list(dearer.index) != list(ranked.index)
    # the rows keep their items: only the bars moved
    assert live.full_renders == 1 and live.quick_renders == 1
    assert figure.ax.get_yticklabels()[0].get_text() == str(ranked.index[0])
    first = ranked.index[0]
    assert figure.bars[0].get_width() == dearer.loc[first, "roi"]
    with pytest.raises(ValueError, match="ranked must have the"):
        figure.update(dearer.iloc[:3], dearer_draws)


def test_tornado_figure_moves_bars_and_values_and_names_rows_once(runs):
    from scaling_models import sensitivity

    base = dataclasses.replace(mc.Inputs(), growth_rate=(0.08, 0.12))
    metric = sensitivity.crossing_metric("cpu", "critical")
    table = sensitivity.tornado(metric, base, n_paths=200, months=24, rng=1)
    figure = panels.TornadoFigure(table, "CPU", "months", names={"growth_rate": "growth"},
                                  formats={"growth_rate": ".1%"})
    figure.live.png()
    top = table.index[0]
    base_value = table.attrs["base"]
    assert figure.low_bars[0].get_x() == base_value
    assert figure.low_bars[0].get_width() == pytest.approx(table.loc[top, "metric_low"]
                                                           - base_value)
    growth = table.loc["growth_rate"]
    row = list(table.index).index("growth_rate")
    assert figure.values[row].get_text() == (f"{growth['value_low']:.1%} to "
                                              f"{growth['value_high']:.1%}")
    faster = sensitivity.tornado(metric, dataclasses.replace(base, growth_rate=(0.08, 0.14)),
                                 n_paths=200, months=24, rng=1)
    live = figure.update(faster, "CPU")
    live.png()
    if list(faster.index) == list(table.index):  # same order: nothing static redrawn
        assert live.full_renders == 1
    assert figure.base.get_xdata()[0] == faster.attrs["base"]
    # the top row is the largest swing, named in words when a name is given (read last:
    # reading tick labels lays them out again, which counts as a change)
    top = faster.index[0]
    assert figure.ax.get_yticklabels()[0].get_text() == {"growth_rate": "growth"}.get(top, top)


def test_plan_figure_and_summary_show_the_plans_numbers():
    from scaling_models import plan_grid

    outcome = plan_grid.plan_outcome(mc.Inputs(), None, risk=0.1, budget=None, months=6,
                                     seed=11, n_paths=300)
    figure = panels.PlanFigure(outcome.curves, "2024-06", 0.1)
    figure.live.png()
    rows = outcome.curves[outcome.curves["resource"] == "cpu"]
    assert np.array_equal(figure.with_plan["cpu"].get_ydata(), rows["with_plan"])
    assert all(t.get_ydata()[0] == 0.1 for t in figure.targets)
    live = figure.update(outcome.curves, 0.2)
    live.png()
    assert live.full_renders == 1 and figure.targets[0].get_ydata()[0] == 0.2
    from scaling_models.report import money, probability

    text = panels.plan_summary(outcome.result, budget=None)
    result = outcome.result
    assert result.feasible
    assert len(result.plan.actions) > 1
    assert text == (f"{len(result.plan.actions)} actions costing "
                    f"{money(result.total_cost)} over 6 months keep the chance that some "
                    f"resource is critical at {probability(result.achieved_risk)} "
                    f"({probability(result.validated_risk)} on independent futures; target "
                    f"10 %).")
    tight = plan_grid.plan_outcome(mc.Inputs(), None, risk=0.01, budget=1_000.0, months=6,
                                   seed=11, n_paths=300).result
    assert not tight.feasible
    assert panels.plan_summary(tight, budget=1_000.0).startswith(
        "No plan within a budget of 1.0 K EUR reaches the 1 % target")
