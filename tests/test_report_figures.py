"""Tests of the board report's figures (report.fan_figure, team_figure, cost_figure,
history_figure): what a board member reads on them, legible when printed on A4."""

import matplotlib.text
import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from scaling_models import charts, montecarlo, report

END = "2024-06"


def texts(fig):
    """Every visible, non-empty text of a drawn figure."""
    FigureCanvasAgg(fig).draw()
    return [t for t in fig.findobj(matplotlib.text.Text)
            if t.get_visible() and t.get_text().strip()]


def assert_printable(fig):
    """At most 7 in wide (prints at its own size inside A4's 186 mm between margins), so
    a font's size in points is its printed size: every text at least 9 pt."""
    assert fig.get_size_inches()[0] <= charts.BOARD_WIDTH_IN <= 186 / 25.4
    small = [(t.get_text(), t.get_fontsize()) for t in texts(fig) if t.get_fontsize() < 9]
    assert not small


def tick_labels(ax):
    return [t.get_text() for t in ax.get_xticklabels() if t.get_text()]


def vertical_lines(ax):
    """x of each vertical line (axvline: both x data equal, y in axes fraction 0..1)."""
    out = []
    for line in ax.get_lines():
        x = np.asarray(line.get_xdata(), dtype=float)
        if x.size == 2 and x[0] == x[1] and list(line.get_ydata()) == [0, 1]:
            out.append((line.get_label(), float(x[0])))
    return out


@pytest.fixture(scope="module")
def fan(result, board, data):
    return report.fan_figure(result, END, board["remedies"], history=data.history)


def test_fan_figure_panels_in_percent_on_calendar_months(fan, result, board):
    axes = fan.axes
    assert len(axes) == len(montecarlo.RESOURCES)
    remedies = board["remedies"]
    for ax, resource in zip(axes, montecarlo.RESOURCES, strict=True):
        label = report.metric_label(resource)
        start = remedies.at[resource, "start_by"]
        title = ax.get_title(loc="left")
        assert title.startswith(f"{label}: ")
        if start == "now":
            assert title.endswith("start remedy now")
        elif start:
            assert title.endswith("start remedy by " + pd.Period(start).strftime("%b %Y"))
        # the median is the package's fan chart, in fractions drawn as percentages
        median = [ln for ln in ax.get_lines() if ln.get_label() == "median"][0]
        np.testing.assert_allclose(median.get_ydata(),
                                   result.percentile(f"{resource}_avg", 50).to_numpy())
        assert isinstance(ax.yaxis.get_major_formatter(), charts.PercentFormatter)
        assert ax.yaxis.get_major_formatter()(0.8, 0) == "80 %"
        # the axis stops at 120 %: the area beyond 100 % says nothing more
        assert ax.get_ylim()[1] <= 1.2 + 1e-12
    assert axes[0].get_ylabel() == "average utilisation [%]"
    assert tick_labels(axes[-1])[-1] == "Jun 2025" and "Jun 2024" in tick_labels(axes[-1])
    assert axes[-1].get_xlabel() == "month"


def test_fan_figure_marks_today_start_by_and_the_threshold_lines(fan, result, board):
    attention, critical = result.inputs.thresholds()
    for i, (ax, resource) in enumerate(zip(fan.axes, montecarlo.RESOURCES, strict=True)):
        lines = dict(vertical_lines(ax))
        assert lines["today"] == 0.0
        start = board["remedies"].at[resource, "start_by"]
        if start:
            expected = 0 if start == "now" else (pd.Period(start, freq="M")
                                                 - pd.Period(END, freq="M")).n
            assert lines["start remedy by"] == max(expected, 0)
        else:
            assert "start remedy by" not in lines
        words = {t.get_text() for t in ax.texts}
        assert f"attention {attention[i] * 100:g} %" in words
        assert f"critical {critical[i] * 100:g} %" in words
        assert "today" in words
        # the threshold lines are drawn at their values
        levels = {ln.get_label(): ln.get_ydata()[0] for ln in ax.get_lines()
                  if ln.get_label() in ("attention line", "critical line")}
        assert levels == {"attention line": attention[i], "critical line": critical[i]}


def test_fan_figure_says_when_futures_leave_the_axis(result):
    # a share of futures above 120 % must be said, not silently cut: the note's month is
    # the first month the median (else P95) exceeds 120 %, computed here from the table
    fig = report.fan_figure(result, END)
    for ax, resource in zip(fig.axes, montecarlo.RESOURCES, strict=True):
        p50 = result.percentile(f"{resource}_avg", 50).to_numpy()
        p95 = result.percentile(f"{resource}_avg", 95).to_numpy()
        notes = [" ".join(t.get_text().split()) for t in ax.texts
                 if t.get_text().startswith("▲")]
        if not (p95 > 1.2).any():
            assert not notes
            continue
        first = np.nonzero(p50 > 1.2)[0] if (p50 > 1.2).any() else np.nonzero(p95 > 1.2)[0]
        month = (pd.Period(END, freq="M") + int(first[0])).strftime("%b %Y")
        who = "half the futures" if (p50 > 1.2).any() else "1 in 20 futures"
        assert notes == [f"▲ {who} above 120 % from {month}"]
        assert notes[0][2:] in fig.get_label()


def test_fan_figure_is_printable_and_described(fan):
    assert_printable(fan)
    description = fan.get_label()
    for resource in montecarlo.RESOURCES:
        assert f"{report.metric_label(resource)}: " in description
    with pytest.raises(ValueError, match="limit"):
        report.fan_figure(None, END, limit=0.9)


def test_fan_figure_without_history_starts_today(result):
    fig = report.fan_figure(result, END)
    assert fig.axes[0].get_xlim() == (0.0, 12.0)
    assert [t.get_title(loc="left") for t in fig.axes] == [
        report.metric_label(r) for r in montecarlo.RESOURCES]


def test_team_figure_draws_need_today_and_the_plan(result, board):
    hiring = board["hiring"]
    fig = report.team_figure(result, END, hiring)
    ax = fig.axes[0]
    today = hiring.attrs["current_developers"]
    lines = {ln.get_label(): ln for ln in ax.get_lines()}
    assert lines[f"today's team ({today:.0f})"].get_ydata()[0] == today
    plan = lines[f"with the {len(hiring)} planned hires (as they join)"]
    # the planned team: today's, plus each hire from the month they join
    last_join = max((pd.Period(j, freq="M") - pd.Period(END, freq="M")).n
                    for j in hiring["joins"])
    y = np.asarray(plan.get_ydata())
    assert y[0] == today + int((hiring["joins"] == END).sum())
    assert y[last_join] == y[-1] == today + len(hiring)
    np.testing.assert_allclose(lines["median"].get_ydata(),
                               result.percentile("developers", 50).to_numpy())
    assert ax.get_ylabel() == "developers" and ax.get_xlabel() == "month"
    assert_printable(fig)
    assert f"adds {len(hiring)} developers" in fig.get_label()


def test_cost_figure_has_cost_and_share_with_the_threshold_lines(result, data):
    fig = report.cost_figure(result, END, data.thresholds, currency="EUR")
    cost, share = fig.axes
    assert cost.get_ylabel() == "infrastructure cost [K EUR/month]"
    assert share.get_ylabel() == "infrastructure cost / revenue [%]"
    assert cost.yaxis.get_major_formatter()(25_000, 0) == "25"
    levels = {ln.get_label(): ln.get_ydata()[0] for ln in share.get_lines()
              if ln.get_label().endswith(" line")}
    assert levels == {"attention line": data.thresholds.at["infra_cost_share", "attention"],
                      "critical line": data.thresholds.at["infra_cost_share", "critical"]}
    assert levels["attention line"] == 0.10  # the source article's 10 % (docs/domain.md 7)
    assert_printable(fig)
    assert report.money(result.percentile("infra_cost", 50).iloc[-1]) in fig.get_label()


def test_history_figure_units_and_quarter(data):
    fig = report.history_figure(data.history, "2024-Q2", currency="EUR")
    users, revenue = fig.axes
    assert users.get_ylabel() == "users [thousands]"
    assert revenue.get_ylabel() == "revenue [K EUR/month]"
    assert tick_labels(users)[-1] == "Jun 2024"
    # the plotted values are the history's, the last one the quarter's last month
    plotted = users.get_lines()[0].get_ydata()
    assert len(plotted) == 12
    assert plotted[-1] == data.history["mau"].loc[pd.Period("2024-06", freq="M")]
    assert_printable(fig)
    assert "2024-Q2 shaded" in fig.get_label()


def test_described_figure_is_a_png_with_alt_text(fan):
    import base64
    import io

    from PIL import Image

    shown = charts.DescribedFigure(fan)
    data, metadata = shown._repr_mimebundle_()
    assert metadata["image/png"]["alt"] == " ".join(fan.get_label().split())
    assert data["text/plain"] == metadata["image/png"]["alt"]
    # rendered at 160 dpi, shown at the figure's size in CSS pixels (96 per inch)
    width_in, height_in = fan.get_size_inches()
    image = Image.open(io.BytesIO(base64.b64decode(data["image/png"])))
    assert image.size == (round(width_in * 160), round(height_in * 160))
    assert metadata["image/png"]["width"] == round(width_in * 96)
