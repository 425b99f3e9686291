"""Tests of the board report builders (report.py) and of notebook_io."""

import json
import re
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
from histories import THRESHOLDS, calm_history
from nbformat.v4 import new_code_cell, new_notebook, new_output

from scaling_models import (
    debt,
    loaders,
    montecarlo,
    notebook_io,
    presentation,
    report,
    signals,
    thresholds,
    trends,
)


@pytest.fixture(scope="module")
def raw():
    # independent reading of the CSV, without the package's loader
    return pd.read_csv(loaders.DATA_DIR / "company_history.csv").set_index("month")


def test_growth_achieved_compares_quarter_ends(data, raw):
    table = report.growth_achieved(data.history, "2024-Q2")
    # 2024-Q2 ends in June, 2024-Q1 in March
    assert table.at["mau", "current"] == raw.at["2024-06", "mau"]
    assert table.at["mau", "previous"] == raw.at["2024-03", "mau"]
    expected = raw.at["2024-06", "revenue"] / raw.at["2024-03", "revenue"] - 1
    assert table.at["revenue", "pct_change"] == pytest.approx(expected)
    cpu = raw.at["2024-06", "infra_cost"] / raw.at["2024-06", "mau"]
    assert table.at["cost_per_user", "current"] == pytest.approx(cpu)
    assert table.attrs == {"previous_month": "2024-03", "current_month": "2024-06"}


def test_growth_achieved_rejects_quarter_outside_history(data):
    with pytest.raises(ValueError, match="quarter 2031-Q1 ends in 2031-03"):
        report.growth_achieved(data.history, "2031-Q1")
    with pytest.raises(ValueError, match="quarter must look like 2024-Q2"):
        report.quarter_end_month("Q2-2024")


def test_snapshot_derives_ratios(data, raw):
    snap = report.snapshot(data.history, "2024-06")
    row = raw.loc["2024-06"]
    assert snap["db_connections"] == pytest.approx(row["db_connections_in_use"]
                                                   / row["db_pool_size"])
    assert snap["infra_cost_share"] == pytest.approx(row["infra_cost"] / row["revenue"])
    assert snap["user_growth"] == pytest.approx(row["mau"] / raw.at["2024-05", "mau"] - 1)
    assert snap["cpu"] == row["cpu_avg"]
    assert report.snapshot(data.history, "2024-06", statistic="peak")["cpu"] == row["cpu_peak"]
    with pytest.raises(ValueError, match="statistic must be"):
        report.snapshot(data.history, statistic="max")


def test_dashboard_statuses_agree_with_thresholds_and_sort_critical_first(data):
    table = report.status_dashboard(data.history, data.thresholds)
    measured = table[table["status"] != report.NO_DATA]
    for _, row in measured.iterrows():
        assert row["status"] == thresholds.classify(row["metric"], row["value"], data.thresholds)
    ranks = table["status"].astype(str).map({"critical": 0, "attention": 1, "ok": 2,
                                             report.NO_DATA: 3})
    assert ranks.is_monotonic_increasing
    assert np.isnan(table.loc[table["metric"] == "error_rate", "peak"]).all()


def test_dashboard_lists_every_threshold_metric_even_unmeasured(data, raw):
    table = report.status_dashboard(data.history, data.thresholds)
    assert sorted(table["metric"]) == sorted(data.thresholds.index)
    # the sample history has no storage column: the board must see it is not monitored
    assert "storage" not in raw.columns
    storage = table.set_index("metric").loc["storage"]
    assert storage["status"] == report.NO_DATA and np.isnan(storage["value"])
    shown = presentation.present_dashboard(table).set_index("Metric")
    assert shown.at["Storage usage", "This month"] == "not measured"


def test_debt_table_ranks_by_roi(data):
    table = report.debt_table(data.backlog, hourly_cost=60.0, top=3)
    assert len(table) == 3
    assert table["roi"].is_monotonic_decreasing
    assert table.attrs["n_items"] == len(data.backlog)
    with pytest.raises(ValueError, match="top must be an integer >= 1"):
        report.debt_table(data.backlog, hourly_cost=60.0, top=0)


def test_debt_table_carries_what_each_item_relieves(data):
    table = report.debt_table(data.backlog, hourly_cost=60.0, top=3)
    assert "relieves" in table.columns
    # from the whole backlog, not only the 3 items shown: the file's own column, read
    # without the loader, gives the items of each resource
    raw = pd.read_csv(loaders.DATA_DIR / "debt_backlog.csv").dropna(subset=["relieves"])
    relieved_by = table.attrs["relieved_by"]
    assert {k: set(v) for k, v in relieved_by.items()} == {
        k: set(g["item"]) for k, g in raw.groupby("relieves")}
    assert len(relieved_by["db_utilisation"]) == 4
    # best ROI first
    roi = debt.assess_backlog(data.backlog, hourly_cost=60.0)["roi"]
    assert roi[list(relieved_by["db_utilisation"])].is_monotonic_decreasing
    # without the column: no link, and no error
    assert report.debt_table(data.backlog.drop(columns="relieves"),
                             hourly_cost=60.0).attrs["relieved_by"] == {}
    # a backlog built without the loader still gets its keys checked
    bad = data.backlog.assign(relieves=data.backlog["relieves"].replace("memory", "ram"))
    with pytest.raises(ValueError, match="column 'relieves', item 'Sessions stored in app "
                                         "memory': must be one of cpu, memory, "
                                         "db_utilisation, bandwidth or empty; got 'ram'"):
        report.debt_table(bad, hourly_cost=60.0)


def test_breach_table_columns_are_the_next_four_quarters(result):
    table = report.breach_table(result, "2024-06")
    assert list(table.columns) == ["2024Q3", "2024Q4", "2025Q1", "2025Q2"]
    # probabilities of having crossed by a date can only grow with the date
    assert (np.diff(table.to_numpy(), axis=1) >= 0).all()
    assert ((table >= 0) & (table <= 1)).all().all()
    expected = result.breach_probability.query(
        "resource == 'cpu' and level == 'critical' and month == 3")["probability"].item()
    assert table.loc[("cpu", "critical"), "2024Q3"] == expected


def test_remedy_starts_lead_time_before_critical(result):
    leads = {"cpu": 1.0, "memory": 2.0, "db_utilisation": 3.0, "bandwidth": 0.0}
    table = report.remedy_schedule(result, "2024-06", leads, risk=0.5)
    bp = result.breach_probability
    for resource, row in table.iterrows():
        p = bp[(bp["resource"] == resource) & (bp["level"] == "critical")]
        hits = p.loc[p["probability"] >= 0.5, "month"]
        if hits.empty:
            assert row["start_by"] == "" and row["critical_month"] == ""
            continue
        first = int(hits.min())
        assert row["critical_month"] == str(pd.Period("2024-06", freq="M") + first)
        start = first - int(leads[resource])
        assert row["start_by"] == ("now" if start <= 0
                                   else str(pd.Period("2024-06", freq="M") + start))
    with pytest.raises(ValueError, match="risk must be in"):
        report.remedy_schedule(result, "2024-06", leads, risk=0)


def test_actions_rank_by_tier_then_start(data, result):
    dashboard = report.status_dashboard(data.history, data.thresholds)
    debt = report.debt_table(data.backlog, hourly_cost=60.0)
    remedies = report.remedy_schedule(result, "2024-06", {})
    table = report.actions(dashboard, debt=debt, remedies=remedies)
    order = table["tier"].map({t: k for k, t in enumerate(report.ACTION_TIERS)})
    assert order.notna().all() and order.is_monotonic_increasing
    assert list(table["rank"]) == list(range(1, len(table) + 1))
    assert table["action"].is_unique
    # every row's tier is action_tier of its own start month (month 0 = 2024-06) and of
    # whether its metric is critical today
    end = pd.Period("2024-06", freq="M")
    critical = set(dashboard.loc[dashboard["status"] == "critical", "metric"])
    metric_of = {**{a: r for r, a in report.REMEDIES.items()},
                 **{f"{r['action']}: {r['label']}": r["metric"] for _, r in dashboard.iterrows()}}
    for _, row in table.iterrows():
        start = row["start_by"]
        if row["action"].startswith("fix the"):  # the debt items to treat now
            assert row["tier"] == "this quarter" and start == "2024-09"
            continue
        months = (0 if start == "now" else None if not start
                  else (pd.Period(start, freq="M") - end).n)
        expected = report.action_tier(months, critical_now=metric_of[row["action"]] in critical)
        assert row["tier"] == expected, row


# month 0 is the quarter's last month; the board reads the report in month 1
@pytest.mark.parametrize(("start", "expected"), [
    (0, "act now"),        # "now": overdue or no margin left
    (1, "act now"),        # the month the report is read in
    (2, "this quarter"),   # first month after it
    (3, "this quarter"),   # the end of the quarter the report is read in
    (4, "plan"),           # the first month of the next quarter
    (12, "plan"),          # the end of a 12-month horizon
    (None, "watch"),       # nothing dates it
])
def test_action_tier_boundaries(start, expected):
    assert report.action_tier(start) == expected
    # a metric critical today is acted on now, whatever its date
    assert report.action_tier(start, critical_now=True) == "act now"


def test_action_tier_of_debt_and_bad_input():
    # ROI above 300 % ("now"): within the quarter; above 150 % ("plan"): planned
    assert report.action_tier(None, debt="now") == "this quarter"
    assert report.action_tier(12, debt="now") == "this quarter"  # the date does not move it
    assert report.action_tier(0, debt="plan") == "plan"
    assert report.action_tier(None, debt="plan", critical_now=True) == "act now"
    for bad in (-1, 1.5, True):
        with pytest.raises(ValueError, match="start_month must be a whole number"):
            report.action_tier(bad)
    with pytest.raises(ValueError, match="debt must be one of"):
        report.action_tier(2, debt="later")


def test_actions_watch_what_nothing_dates_and_date_it_by_its_trend(data, result):
    dashboard = report.status_dashboard(data.history, data.thresholds)
    remedies = report.remedy_schedule(result, "2024-06", {})
    plain = report.actions(dashboard, remedies=remedies).set_index("action")
    # the infrastructure cost share and the communication overhead are at attention and
    # have no remedy the forecast dates: watch items, no date, no cost
    watch = plain[plain["tier"] == "watch"]
    assert len(watch) >= 2
    assert (watch["start_by"] == "").all() and watch["cost"].isna().all()
    assert all("nothing dates it yet" in why for why in watch["why"])
    # the DB pool's trend crosses critical in 2024-08: with the trend, that month dates it
    trend = report.trend_table(data.history, data.thresholds, result=result,
                               end_month="2024-06")
    assert trend.at["db_connections", "critical_month"] == "2024-08"
    dated = report.actions(dashboard, remedies=remedies, trend=trend).set_index("action")
    pool = next(a for a in dated.index if a.endswith("DB connections (share of pool)"))
    assert plain.at[pool, "tier"] == "watch"
    assert dated.at[pool, "start_by"] == "2024-08"
    assert dated.at[pool, "tier"] == "this quarter"  # month 2 after 2024-06
    assert dated.at[pool, "why"].endswith("its trend crosses the critical line in Aug 2024")
    undated = dashboard.copy()
    undated.attrs = {}  # no month 0: a dated remedy cannot be tiered
    with pytest.raises(ValueError, match="end_month is needed"):
        report.actions(undated, remedies=remedies)


def _db_why(table):
    rows = table[table["action"] == report.REMEDIES["db_utilisation"]]
    assert len(rows) == 1
    return rows["why"].iloc[0]


def test_actions_name_the_debt_items_that_relieve_a_resource(data, result):
    dashboard = report.status_dashboard(data.history, data.thresholds)
    assert dashboard.set_index("metric").at["db_utilisation", "status"] == "critical"
    remedies = report.remedy_schedule(result, "2024-06", {"db_utilisation": 3.0})
    debt_ = report.debt_table(data.backlog, hourly_cost=60.0)
    # the sample backlog: four items relieve the database; the two best by ROI are named
    best = debt_.attrs["relieved_by"]["db_utilisation"][:2]
    assert best == ("No read replica for reporting queries", "N+1 queries in search API")
    table = report.actions(dashboard, debt=debt_, remedies=remedies)
    assert _db_why(table).endswith(
        "; debt that relieves it: No read replica for reporting queries, "
        "N+1 queries in search API and 2 more")
    # memory is ok today: the item that relieves it is not named on its remedy
    assert all("Sessions stored in app memory" not in why for why in table["why"])
    # one item relieving the database: named alone
    one = data.backlog.assign(relieves=data.backlog["relieves"].where(
        data.backlog.index == "Missing DB indexes on orders"))
    single = report.actions(dashboard, debt=report.debt_table(one, hourly_cost=60.0),
                            remedies=remedies)
    assert _db_why(single).endswith(
        "; debt that relieves it: Missing DB indexes on orders")
    # without a dated remedy the dashboard's own row of the database carries the clause
    plain = report.actions(dashboard, debt=debt_, end_month="2024-06")
    db_row = plain[plain["action"].str.endswith(": DB utilisation")]
    assert db_row["why"].iloc[0].endswith("N+1 queries in search API and 2 more")
    # no item relieves it, or no column: no clause
    for backlog in (data.backlog.assign(relieves=None),
                    data.backlog.drop(columns="relieves")):
        table = report.actions(dashboard, debt=report.debt_table(backlog, hourly_cost=60.0),
                               remedies=remedies)
        assert all("relieve" not in why for why in table["why"])
        assert _db_why(table).endswith("lead time 3 months")


def test_hiring_table_and_investments(data, result):
    plan = report.hiring_table(data.history, target_velocity=45.0, target_month=6)
    assert plan.attrs["hires"] == len(plan) > 0
    invest = report.investments(result, hires=len(plan), developer_annual_cost=60_000.0,
                                current_velocity=30.0, target_velocity=45.0)
    # the article's convention: one year of each added developer (docs/domain.md section 6)
    assert invest.filter(like="team", axis=0)["cost"].item() == 60_000.0 * len(plan)
    assert invest.at["total", "cost"] == pytest.approx(invest["cost"].iloc[:-1].sum())
    assert not [i for i in invest.index if i.startswith("remedy plan")]
    # with the remedy plan: the bill of the run with the plan in place, against today's
    # bill, and no row of its own (the plan's capacity is in that bill once)
    with_plan = report.investments(result, hires=len(plan), developer_annual_cost=60_000.0,
                                   current_velocity=30.0, target_velocity=45.0,
                                   plan_result=result, plan_cost=12_345.0, plan_actions=3,
                                   plan_risk=(0.999, 0.04))
    row = "infrastructure bill growth, remedy plan included"
    assert list(with_plan.index) == [row, *invest.index[1:]]
    # the same run as the plan's: the same growth as without
    assert with_plan.at[row, "cost"] == invest.at["infrastructure bill growth", "cost"]
    assert with_plan.at[row, "capacity"] == (
        "the plan's 3 actions in place, 12.3 K of their own, part paid by the bill's growth: "
        "chance of a critical resource within 12 months > 99 % → 4 %")
    assert with_plan.at["total", "cost"] == pytest.approx(invest.at["total", "cost"])


def test_summary_keys_are_documented_and_json(data, result):
    growth = report.growth_achieved(data.history, "2024-Q2")
    dashboard = report.status_dashboard(data.history, data.thresholds)
    out = report.summary(growth=growth, dashboard=dashboard,
                         breaches=report.breach_table(result, "2024-06"))
    assert set(out) <= set(report.SUMMARY_KEYS)
    assert out["mau"] == growth.at["mau", "current"]
    assert out["metrics_critical"] == (dashboard["status"] == "critical").sum()
    json.dumps(out, allow_nan=False)


def test_qoq_deltas():
    table = report.qoq_deltas({"mau": 150.0, "month": "2024-06", "team_size": 10},
                              {"mau": 100.0, "month": "2024-03", "team_size": 0})
    assert list(table.index) == ["mau", "team_size"]
    assert table.at["mau", "change"] == 50.0 and table.at["mau", "pct_change"] == 0.5
    assert np.isnan(table.at["team_size", "pct_change"])
    assert report.qoq_deltas({"mau": 1.0}, {}).empty


def test_formatting():
    assert report.percent(0.153) == "15 %"
    assert report.percent(0.2, signed=True) == "+20 %"
    assert report.percent(float("nan")) == "n/a"
    assert report.money(365_000) == "365 K EUR"
    assert report.money(1_500_000, "USD") == "1.50 M USD"
    assert report.money(10_973) == "11.0 K EUR"
    assert report.money(0.2204) == "0.22 EUR"
    assert report.money(-1_350, signed=True) == "-1.4 K EUR"
    assert report.money(1_350, signed=True) == "+1.4 K EUR"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.0, "< 1 %"), (0.001, "< 1 %"), (0.0049, "< 1 %"), (0.005, "1 %"), (0.0149, "1 %"),
     (0.015, "2 %"), (0.5743, "57 %"), (0.994, "99 %"), (0.995, "> 99 %"),
     (0.9951, "> 99 %"), (0.9999, "> 99 %"), (1.0, "> 99 %"), (float("nan"), "n/a")],
)
def test_probability_never_rounds_to_certainty(value, expected):
    assert report.probability(value) == expected


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (0.823, "fraction", "82.3 %"),
        (0.70, "fraction", "70 %"),
        (0.99992, "fraction", "99.99 %"),  # availability must not read 100 %
        (0.999, "fraction", "99.90 %"),
        (0.14, "fraction/month", "14 %/month"),
        (49_780.0, "users", "49,780"),
        (101_590.0, "currency/month", "102 K EUR/month"),
        (0.2204, "currency/user/month", "0.22 EUR/month"),
        (1.94, "s", "1.9 s"),
        (17.9, "hours", "17.9 h"),
        (2.4, "deploys/week", "2.4 /week"),
        (float("nan"), "fraction", ""),
    ],
)
def test_format_value(value, unit, expected):
    assert report.format_value(value, unit) == expected


def test_format_value_signed():
    assert report.format_value(15_540.0, "users", signed=True) == "+15,540"
    assert report.format_value(-0.2, "story points/sprint", signed=True) == "-0.2 points/sprint"


def test_record_is_read_back(tmp_path):
    # a notebook holding what record() displays, built without a kernel
    out = new_output("display_data", data={notebook_io.MIME_TYPE: {"name": "x", "value": 1.5}})
    later = new_output("display_data", data={notebook_io.MIME_TYPE: {"name": "x", "value": 2}})
    nb = new_notebook(cells=[new_code_cell("", outputs=[out]), new_code_cell("", outputs=[later])])
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    assert notebook_io.read_records(path) == {"x": 2}


def test_to_jsonable():
    assert notebook_io.to_jsonable({"a": np.float32(0.5), "b": np.arange(2), "c": np.nan}) == {
        "a": 0.5, "b": [0, 1], "c": None}
    assert notebook_io.to_jsonable(np.bool_(True)) is True
    with pytest.raises(TypeError, match="recorded value must be"):
        notebook_io.to_jsonable(object())
    with pytest.raises(ValueError, match="record name"):
        notebook_io.record("", 1)


# --- figures, and every builder together --------------------------------------------------


def test_scenario_infra_spend_grows_with_growth(board):
    spend = board["scenarios"]["infra_spend_model"]
    assert (spend >= 0).all()
    # same 12-month horizon, faster growth: a larger bill
    assert (spend["projection_conservative"] < spend["projection_realistic"]
            < spend["projection_optimistic"])


def test_hiring_table_prices_the_funnel(data, board, tmp_path):
    hiring = board["hiring"]
    # independent: pooled applications / hires of the CSV up to 2024-Q2, times the hires
    funnel = pd.read_csv(loaders.DATA_DIR / "hiring_funnel.csv")
    per_hire = funnel["applications"].sum() / funnel["hired"].sum()
    assert hiring.attrs["applications_per_hire"] == pytest.approx(per_hire)
    assert hiring.attrs["applications_needed"] == int(np.ceil(hiring.attrs["hires"] * per_hire))
    assert hiring.attrs["applications_last_quarter"] == funnel["applications"].iloc[-1]
    # a report as of 2023-Q4 may not see the 2024 quarters of the funnel
    early = report.hiring_table(data.history.loc[:"2023-12"], target_velocity=30.0,
                                target_month=6, funnel=data.funnel)
    assert early.attrs["funnel_quarters"] == ("2023Q1", "2023Q4")
    assert presentation.present_hiring(board["hiring"])["Hires"].astype(int).sum() == len(hiring)


def test_summary_records_statuses_and_utilisation(board, raw):
    headline = board["headline"]
    assert set(headline) <= set(report.SUMMARY_KEYS)
    assert headline["dashboard_status"]["db_utilisation"] == "critical"
    assert headline["dashboard_status"]["storage"] == report.NO_DATA
    assert headline["utilisation_avg"]["cpu"] == raw.at["2024-06", "cpu_avg"]
    assert headline["applications_needed"] == board["hiring"].attrs["applications_needed"]
    json.dumps(headline, allow_nan=False)


def test_actions_say_why_a_critical_resource_is_first(board):
    first = board["ranked"].iloc[0]
    assert first["tier"] == "act now"
    assert first["why"].startswith("DB utilisation is critical now (82.3 %)")


# --- what the history itself says: signals and trends ------------------------------------


def test_signals_table_is_detect_signals_detected_first(data):
    table = report.signals_table(data.history, data.thresholds)
    expected = signals.detect_signals(data.history, data.thresholds)
    assert sorted(table["signal"]) == sorted(expected["signal"])
    # the same verdicts, row for row, only reordered
    merged = table.merge(expected, on="signal", suffixes=("", "_expected"))
    for column in ("detected", "evidence", "severity", "rule", "metric"):
        assert (merged[column] == merged[f"{column}_expected"]).all(), column
    # detected first, and among them critical before attention
    assert table["detected"].is_monotonic_decreasing
    detected = table[table["detected"]]
    assert detected["severity"].map({"critical": 0, "attention": 1}).is_monotonic_increasing
    # the sample history (data/company_history.csv, ending 2024-06): deployments fell from
    # 4.3 to 2.4 a week and code review rose 9.7 h -> 17.9 h over the last six months
    assert set(detected["signal"]) == {"deployment_frequency_falling",
                                       "code_review_time_rising"}
    assert list(table["label"])[:2] == [report.SIGNAL_LABELS[s] for s in detected["signal"]]


def test_trend_table_matches_capacity_forecasts_and_the_simulation(data, result):
    table = report.trend_table(data.history, data.thresholds, result=result,
                               end_month="2024-06")
    # same horizon as the simulation unless told otherwise
    assert table.attrs["horizon_months"] == result.months == 12
    forecasts = trends.capacity_forecasts(data.history, data.thresholds, horizon_months=12)
    assert list(table.index) == list(forecasts.index)
    last = pd.Period("2024-06", freq="M")
    for metric, fc in forecasts.iterrows():
        row = table.loc[metric]
        for level in ("attention", "critical"):
            status = fc[f"{level}_status"]
            assert row[f"{level}_status"] == status
            if status == "forecast":
                assert row[f"{level}_month"] == str(fc[f"{level}_month"])
                # trends' calendar rule: first whole month at or after the bound, >= 1
                for side in ("low", "high"):
                    ahead = max(1, int(np.ceil(fc[f"{level}_months_{side}"] - 1e-9)))
                    assert row[f"{level}_{side}"] == str(last + ahead)
                assert row[f"{level}_low"] <= row[f"{level}_month"] <= row[f"{level}_high"]
            else:
                assert row[f"{level}_month"] == ("now" if status == "already crossed" else "")
    # the sample: CPU from 71.1 % at +15 %/month crosses 90 % in 2024-08; the database
    # (82.3 %) is already past its 80 % line
    assert table.at["cpu", "critical_month"] == "2024-08"
    assert table.at["db_utilisation", "critical_month"] == "now"
    # the simulation's median month: first month with half the paths past critical, the
    # rule of remedy_schedule with risk=0.5
    bp = result.breach_probability
    median = report.remedy_schedule(result, "2024-06", {}, risk=0.5)["critical_month"]
    for metric in montecarlo.BREACH_METRICS:
        p = bp[(bp["resource"] == metric) & (bp["level"] == "critical")].sort_values("month")
        hits = p.loc[p["probability"] >= 0.5, "month"]
        expected = "" if hits.empty else ("now" if hits.min() == 0
                                          else str(last + int(hits.min())))
        assert table.at[metric, "simulated_critical_month"] == expected, metric
        assert table.at[metric, "simulated_probability"] == p["probability"].iloc[-1]
        if metric in median.index and expected != "now":
            assert median[metric] == expected
    assert not table.at["db_connections", "simulated"]  # not a resource of the chain
    assert table.at["db_connections", "agreement"] == ""
    assert table.at["db_utilisation", "agreement"] == "yes (both already crossed)"


@pytest.mark.parametrize(
    ("trend", "simulated", "expected"),
    [
        (("forecast", "2024-09", "2024-08", "2024-10"), 3, "yes (inside the trend's interval)"),
        (("forecast", "2024-09", "2024-08", "2024-10"), 6, "no: simulation 3 months later"),
        (("forecast", "2024-09", "2024-09", "2024-10"), 2, "no: simulation 1 month earlier"),
        (("forecast", "2024-09", "2024-08", "2024-10"), None, "no: only the trend crosses"),
        (("not within horizon", "", "", ""), None, "yes (neither within the horizon)"),
        (("not within horizon", "", "", ""), 5, "no: only the simulation crosses"),
        (("already crossed", "now", "", ""), 0, "yes (both already crossed)"),
        (("already crossed", "now", "", ""), 2, "no: simulation 2 months later"),
        (("poor fit", "", "", ""), 4, "cannot tell (no trend date)"),
    ],
)
def test_trend_agreement_rules(trend, simulated, expected):
    status, month, low, high = trend
    row = {"critical_status": status, "critical_month": month, "critical_low": low,
           "critical_high": high}
    assert report._agreement(row, simulated, pd.Period("2024-06", freq="M")) == expected


def test_trend_table_poor_fit_gives_no_date():
    # tests/histories.calm_history: utilisation wobbles around a flat line, no trend
    table = report.trend_table(calm_history(), THRESHOLDS)
    assert table["poor_fit"].all()
    assert (table["critical_status"] == "poor fit").all()
    assert (table["critical_month"] == "").all() and not table["simulated"].any()
    shown = presentation.present_trends(table)
    assert (shown["Critical (trend)"] == "poor fit").all()
    assert (shown["Critical (simulation)"] == "not simulated").all()
    # the reasons only: the cells already say "poor fit", and no date is given
    assert not shown["Note"].str.contains("log-linear|no crossing date").any()
    reasons = [w.split(": ", 2)[-1].removesuffix("; no crossing date is given")
               for w in table["warning"]]
    assert list(shown["Note"]) == [r[:1].upper() + r[1:] for r in reasons]
    assert "-0.0" not in " ".join(shown["Trend"])
    headline = report.summary(growth=report.growth_achieved(calm_history(), "2023-Q4"),
                              dashboard=report.status_dashboard(calm_history(),
                                                                thresholds.load_thresholds()),
                              trend=table)
    assert set(headline["trend_critical_month"].values()) == {""}
    # the board's table styler accepts the optional Note column by name, present or not
    assert "<th" in presentation.view(shown, left=("Metric", "Note")).to_html()
    assert "<th" in presentation.view(shown.drop(columns="Note"), left=("Note",)).to_html()


def test_trend_and_signals_reject_bad_input(data, result):
    with pytest.raises(ValueError, match="history lacks column 'memory_avg'"):
        report.trend_table(data.history.drop(columns="memory_avg"), data.thresholds)
    with pytest.raises(ValueError, match="history lacks column 'mau'"):
        report.signals_table(data.history.drop(columns="mau"), data.thresholds)
    with pytest.raises(ValueError, match="horizon_months must be >= 1; got 0"):
        report.trend_table(data.history, data.thresholds, horizon_months=0)
    with pytest.raises(TypeError, match="result must be a montecarlo.SimulationResult"):
        report.trend_table(data.history, data.thresholds, result="run")
    with pytest.raises(TypeError, match="history must be a DataFrame"):
        report.signals_table([1, 2, 3])


def test_summary_records_signals_and_trend(board):
    headline = board["headline"]
    table = board["signals"]
    assert headline["signals_detected"] == list(table.loc[table["detected"], "signal"])
    expected = signals.detect_signals(loaders.load_history())
    assert sorted(headline["signals_detected"]) == sorted(
        expected.loc[expected["detected"], "signal"])
    assert headline["trend_critical_month"] == board["trend"]["critical_month"].to_dict()
    assert headline["trend_critical_month"]["db_utilisation"] == "now"
    months = headline["trend_critical_month"].values()
    assert all(m in ("now", "") or re.fullmatch(r"\d{4}-\d{2}", m) for m in months)
    json.dumps(headline, allow_nan=False)


def test_readme_documents_every_summary_key():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    documented = set(re.findall(r"^\| `([a-z0-9_]+)` \|", readme, flags=re.MULTILINE))
    missing = (set(report.SUMMARY_KEYS) | {"quarter", "seed", "parameters"}) - documented
    assert not missing, f"summary.json keys missing from README.md: {sorted(missing)}"


def test_load_elasticity_is_measured_on_history_or_falls_back_with_a_reason(data):
    from scaling_models import calibration, distributions

    measured = calibration.elasticity_distribution(data.history)
    elasticity, source = report.load_elasticity(data.history)
    assert elasticity == (measured.low, measured.high)
    assert f"{measured.low:.2f} to {measured.high:.2f}" in source
    inputs = report.simulation_inputs(data.history, data.thresholds, growth_low=0.1,
                                      growth_high=0.2, elasticity=elasticity)
    ends = distributions.as_distribution(inputs.elasticity).ppf(np.array([0.05, 0.95]))
    np.testing.assert_allclose(ends, elasticity)  # the engine reads it as a 90 % interval
    assert report.load_elasticity(data.history, from_history=False)[0] is None
    elasticity, source = report.load_elasticity(data.history.iloc[-2:])
    assert elasticity is None and "cannot measure it" in source and "needs at least" in source
    default = report.simulation_inputs(data.history, data.thresholds, growth_low=0.1,
                                       growth_high=0.2)
    assert default.elasticity == montecarlo.Inputs().elasticity
