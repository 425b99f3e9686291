"""Tests of scaling_models.signals: the source article's scaling signals on a history."""

import numpy as np
import pytest
from histories import THRESHOLDS, calm_history
from scipy import stats

from scaling_models import signals


def flagged(history, **kwargs):
    return signals.detect_signals(history, THRESHOLDS, **kwargs).set_index("signal")


def test_calm_history_has_no_signal():
    table = flagged(calm_history())
    assert set(table.index) == {"response_time_rising", "deployment_frequency_falling",
                                "code_review_time_rising", "incidents_more_frequent",
                                "user_growth_above_20pct"}
    assert not table["detected"].any()
    assert (table["severity"] == "ok").all()


def test_response_time_rising_month_after_month():
    history = calm_history()
    history.loc[history.index[-7:], "p95_response_time_s"] = [1.0, 1.1, 1.2, 1.15, 1.3, 1.4,
                                                               1.5]
    row = flagged(history).loc["response_time_rising"]
    assert row["detected"] and row["severity"] == "attention"
    assert "rose in 5 of the last 6 months" in row["evidence"]
    assert "from 1 s to 1.5 s" in row["evidence"]
    history.loc[history.index[-1], "p95_response_time_s"] = 5.5  # beyond the 5 s line
    assert flagged(history).loc["response_time_rising", "severity"] == "critical"


def test_a_significant_slope_alone_is_a_signal():
    # up in only 3 of 6 months, but a clear upward slope
    history = calm_history()
    history.loc[history.index[-7:], "code_review_hours"] = [10, 16, 14, 22, 20, 28, 26]
    row = flagged(history).loc["code_review_time_rising"]
    assert row["detected"] and "rose in 3 of the last 6" in row["evidence"]
    assert not flagged(history, alpha=1e-6).loc["code_review_time_rising", "detected"]


def test_deployment_frequency_falling():
    history = calm_history()
    history.loc[history.index[-7:], "deploys_per_week"] = [5, 4.5, 4, 3.5, 3, 2.5, 0.2]
    row = flagged(history).loc["deployment_frequency_falling"]
    assert row["detected"] and "fell in 6 of the last 6" in row["evidence"]
    assert row["severity"] == "critical"  # 0.2 / week is below 1 / month (0.23 / week)


def test_incidents_more_frequent_last_quarter():
    history = calm_history()
    history.loc[history.index[-6:], "incidents"] = [2, 2, 2, 3, 4, 5]
    row = flagged(history).loc["incidents_more_frequent"]
    assert row["detected"] and row["severity"] == "critical"  # 12 >= 2 x 6
    assert "12 incidents in the last 3 months against 6" in row["evidence"]
    # one-sided conditional test: P(X >= 12 | X ~ Bin(18, 1/2))
    p = stats.binom.sf(11, 18, 0.5)
    assert f"p = {p:.3f}" in row["evidence"]
    history.loc[history.index[-6:], "incidents"] = [2, 2, 2, 3, 2, 2]  # 7 vs 6: no
    assert not flagged(history).loc["incidents_more_frequent", "detected"]


def test_user_growth_above_twenty_percent():
    history = calm_history()
    history.loc[history.index[-1], "mau"] = history["mau"].iloc[-2] * 1.25
    row = flagged(history).loc["user_growth_above_20pct"]
    assert row["detected"] and row["severity"] == "attention"
    assert "MAU grew 25.0% in the latest month" in row["evidence"]
    history.loc[history.index[-1], "mau"] = history["mau"].iloc[-2] * 1.35
    assert flagged(history).loc["user_growth_above_20pct", "severity"] == "critical"
    assert not flagged(history, growth_threshold=0.4).loc["user_growth_above_20pct",
                                                          "detected"]


def test_detect_signals_validates_its_inputs():
    with pytest.raises(ValueError, match="at least 7 months"):
        signals.detect_signals(calm_history(5), THRESHOLDS)
    with pytest.raises(ValueError, match="lacks column 'incidents'"):
        signals.detect_signals(calm_history().drop(columns="incidents"), THRESHOLDS)
    history = calm_history()
    history.loc[history.index[3], "code_review_hours"] = np.nan
    with pytest.raises(ValueError, match="code_review_hours.*NaN"):
        signals.detect_signals(history, THRESHOLDS)
    with pytest.raises(ValueError, match="min_moves must be <= trend_months"):
        signals.detect_signals(calm_history(), THRESHOLDS, min_moves=7)
    with pytest.raises(ValueError, match="alpha"):
        signals.detect_signals(calm_history(), THRESHOLDS, alpha=5)


def test_history_with_a_month_column_is_accepted():
    history = calm_history().reset_index(names="month")
    history["month"] = history["month"].astype(str)
    assert len(signals.detect_signals(history, THRESHOLDS)) == 5
