"""Tests for scaling_models.periods: the package's units of time and calendar labels."""

import numpy as np
import pandas as pd
import pytest

from scaling_models import debt, growth, montecarlo, periods, team


def test_one_month_definition():
    # the Julian year: 365.25 days over 12 months, 7 days a week
    assert periods.DAYS_PER_MONTH == pytest.approx(30.4375)
    assert periods.WEEKS_PER_MONTH == pytest.approx(4.348214, abs=1e-6)
    # every module uses the same constants
    assert team.WEEKS_PER_MONTH == periods.WEEKS_PER_MONTH
    assert montecarlo._DAYS_PER_MONTH == periods.DAYS_PER_MONTH
    assert debt.sprints_per_month(1) == pytest.approx(periods.WEEKS_PER_MONTH)


def test_growth_reexports_the_rate_conversions():
    assert growth.monthly_rate is periods.monthly_rate
    assert growth.total_growth is periods.total_growth
    # docs/domain.md section 2: +50 %, +200 %, +500 % in 12 months -> 3.44, 9.59, 16.1 %/month
    assert np.round(periods.monthly_rate([0.5, 2.0, 5.0], 12), 4).tolist() == [
        0.0344, 0.0959, 0.1610]
    assert periods.total_growth(periods.monthly_rate(2.0, 12), 12) == pytest.approx(2.0)


@pytest.mark.parametrize(
    "index",
    [
        pd.Index(["2024-01", "2024-02"]),
        pd.DatetimeIndex(["2024-01-31", "2024-02-29"]),
        pd.PeriodIndex(["2024-01", "2024-02"], freq="M"),
        pd.date_range("2024-01-01", periods=2, freq="D").to_period("D").asfreq("M")[:1].append(
            pd.PeriodIndex(["2024-02"], freq="M")),
    ],
)
def test_month_index_reads_every_kind_of_month(index):
    out = periods.month_index(index)
    assert out.freqstr == "M" and [str(p) for p in out] == ["2024-01", "2024-02"]


def test_month_index_rejects_row_numbers_and_text():
    with pytest.raises(TypeError, match="history must be indexed by month"):
        periods.month_index(pd.RangeIndex(3))
    with pytest.raises(ValueError, match="cannot read 'soon' as a month"):
        periods.month_index(pd.Index(["2024-01", "soon"]))


def test_monthly_frame_takes_a_month_column():
    frame = pd.DataFrame({"month": ["2024-01", "2024-02"], "mau": [1, 2]})
    out = periods.monthly_frame(frame)
    assert list(out.columns) == ["mau"] and out.index.name == "month"
    assert str(out.index[-1]) == "2024-02"
    with pytest.raises(TypeError, match="history must be a DataFrame"):
        periods.monthly_frame([1, 2])


@pytest.mark.parametrize(("quarter", "year", "n", "end"),
                         [("2024-Q1", 2024, 1, "2024-03"), ("2023-Q4", 2023, 4, "2023-12")])
def test_quarters(quarter, year, n, end):
    assert periods.parse_quarter(quarter) == (year, n)
    assert str(periods.quarter_end_month(quarter)) == end
    assert periods.quarter_of(end) == quarter
    assert periods.quarter_of(periods.to_month(end) - 2) == quarter


@pytest.mark.parametrize("bad", ["2024Q2", "Q2-2024", "2024-Q5", "2024-q2", "2024-Q2\n", 2024,
                                 None])
def test_parse_quarter_rejects_other_spellings(bad):
    with pytest.raises(ValueError, match=r"--quarter must look like 2024-Q2.*got"):
        periods.parse_quarter(bad, "--quarter")


def test_to_month():
    assert periods.to_month(pd.Timestamp("2024-06-30")) == pd.Period("2024-06", freq="M")
    with pytest.raises(ValueError, match="end_month must be a month"):
        periods.to_month("soon", "end_month")
