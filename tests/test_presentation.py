"""Tests of the board presentation (presentation.py): formatted tables, styles, messages."""

import re

import pandas as pd
from histories import THRESHOLDS, calm_history

from scaling_models import presentation, report


def raw_floats(cells):
    """Cells holding an unformatted float: 4+ decimals and 4+ significant digits.

    ``0.0193`` (three significant figures, as signals.py writes a slope) is formatted;
    ``0.7110`` or ``12.34567`` is not.
    """
    found = []
    for cell in cells:
        for number in re.findall(r"\d+\.\d+", str(cell)):
            decimals = len(number.split(".")[1])
            significant = len(number.replace(".", "").lstrip("0"))
            if decimals >= 4 and significant >= 4:
                found.append(cell)
    return found


# --- presentation -------------------------------------------------------------------------


def test_presentation_tables_hold_no_raw_floats(board):
    tables = [
        presentation.present_growth(board["growth"]),
        presentation.present_dashboard(board["dashboard"]),
        presentation.present_breaches(board["breaches"]),
        presentation.present_remedies(board["remedies"]),
        presentation.present_debt(board["debt"]),
        presentation.present_actions(board["ranked"]),
        presentation.present_hiring(board["hiring"]),
        presentation.present_scenarios(board["scenarios"]),
        presentation.present_investments(board["invest"]),
        presentation.present_signals(board["signals"]),
        presentation.present_trends(board["trend"]),
    ]
    for table in tables:
        assert len(table)
        assert not any(pd.api.types.is_numeric_dtype(t) for t in table.dtypes), table.dtypes
        cells = table.astype(str).to_numpy().ravel().tolist() + list(table.columns)
        assert not raw_floats(cells), table
        assert not [c for c in table.columns if "_" in c], "snake_case header"
        html = presentation.view(table).to_html()
        assert "<th" in html


def test_presented_values_match_the_numbers(board):
    growth = presentation.present_growth(board["growth"]).set_index("")
    assert growth.at["Users (MAU)", "End of 2024-Q2"] == (
        f"{board['growth'].at['mau', 'current']:,.0f}")
    debt = presentation.present_debt(board["debt"])
    top = board["debt"].iloc[0]
    assert debt.at[0, "ROI (1 year)"] == report.percent(top["roi"])
    assert debt.at[0, "Recommendation"] == "treat now" and top["recommendation"] == "now"
    scen = presentation.present_scenarios(board["scenarios"])
    assert list(scen["Probability"]) == [report.probability(p)
                                         for p in board["scenarios"]["probability"]]


def test_what_changed_explains_from_both_summaries():
    before = {"quarter": "2024-Q1", "month": "2024-03", "mau": 100.0, "revenue": 200.0,
              "infra_cost": 50.0, "team_size": 10, "hires_planned": 3,
              "monthly_growth_rate": 0.10, "metrics_critical": 0,
              "dashboard_status": {"cpu": "attention", "db_utilisation": "attention"},
              "utilisation_avg": {"cpu": 0.5}, "p_critical_next_quarter": {"cpu": 0.1},
              "remedy_start_by": {"cpu": "2024-09"}}
    now = {"quarter": "2024-Q2", "month": "2024-06", "mau": 133.1, "revenue": 299.5,
           "infra_cost": 55.0, "team_size": 12, "hires_planned": 2,
           "monthly_growth_rate": 0.11, "metrics_critical": 1,
           "dashboard_status": {"cpu": "ok", "db_utilisation": "critical"},
           "utilisation_avg": {"cpu": 0.6}, "p_critical_next_quarter": {"cpu": 0.4},
           "remedy_start_by": {"cpu": "2024-07"}}
    table = presentation.what_changed(now, before).set_index("Figure")
    # 1.331 = 1.1 ** 3: 10 % a month over the three months
    assert table.at["Users (MAU)", "Why"] == "10.0 % a month on average over 3 months"
    assert table.at["Users (MAU)", "Change"] == "+33 (+33.1 %)"
    # revenue per user 2.00 -> 2.25
    assert "revenue per user 2.00 EUR → 2.25 EUR" in table.at["Monthly revenue", "Why"]
    assert "economies of scale" in table.at["Monthly infrastructure cost", "Why"]
    assert table.at["Dashboard metrics critical", "Why"] == "now critical: Database"
    assert table.at["Team", "Why"] == "last quarter's plan asked for 3 hires"
    cpu = table.loc["P(critical next quarter): CPU"]
    assert (cpu["Last quarter"], cpu["This quarter"], cpu["Change"]) == ("10 %", "40 %",
                                                                          "+30 pts")
    assert "utilisation 50 % → 60 %" in cpu["Why"]
    assert table.at["Start remedy by: CPU", "Change"] == "earlier"
    # a figure one summary lacks is left out, not shown as n/a
    assert "Investments required" not in table.index
    assert presentation.what_changed({"mau": 1.0}, {}).empty


def test_key_messages_quote_the_headline(board):
    lines = presentation.key_messages(board["headline"], ranked=board["ranked"],
                                hiring=board["hiring"])
    text = "\n".join(lines)
    assert f"{board['headline']['mau']:,.0f} monthly active users" in text
    # registry labels (Markdown-escaped), no raw keys, no "metric(s)"
    assert "1 metric critical (Database)" in text
    # the first action, in the sentence of its tier (capitalised there)
    assert presentation.markdown_text(board["ranked"].iloc[0]["action"]).lower() in text.lower()
    assert f"{board['hiring'].attrs['applications_needed']:,} applications" in text


def test_present_parameters_names_each_one():
    table = presentation.present_parameters({"seed": 7, "n_paths": 200, "data_dir": "/x",
                                       "hourly_cost": 60.0})
    assert list(table["Parameter"]) == ["seed", "n_paths", "hourly_cost"]
    assert list(table["Value"]) == ["7", "200", "60"]
    assert table.set_index("Parameter").at["seed", "Meaning"].startswith("random seed")


def test_raw_floats_tells_formatted_from_raw():
    assert raw_floats(["slope +0.0193 s", "71.1 %", "p = 0.005"]) == []
    assert raw_floats(["0.7110", "x 12.34567 y"]) == ["0.7110", "x 12.34567 y"]


def test_present_signals_says_yes_or_no_with_the_evidence(board):
    table = board["signals"]
    shown = presentation.present_signals(table)
    assert list(shown.columns) == ["Signal", "Detected", "Severity", "Evidence", "Rule"]
    assert list(shown["Detected"]) == ["yes" if d else "no" for d in table["detected"]]
    assert list(shown["Severity"]) == list(table["severity"])  # no critical in the sample
    first = table["evidence"].iloc[0]
    assert shown.at[0, "Evidence"] == first[0].upper() + first[1:]


def test_board_signals_in_words_and_their_statistics_in_the_appendix(board):
    table = board["signals"]
    words = presentation.present_signals(table, statistics=False)
    tests = presentation.present_signal_tests(table)
    assert list(words.columns) == ["Signal", "Detected", "Severity", "Evidence"]
    assert list(tests.columns) == ["Signal", "Rule", "Statistics"]
    assert not words["Evidence"].str.contains("p = |slope").any()
    for evidence, plain, stats in zip(table["evidence"], words["Evidence"],
                                      tests["Statistics"], strict=True):
        if "p = " in evidence:
            # nothing lost: the words and the statistics make the evidence again
            assert "p = " in stats
            rebuilt = plain[:-1] + f" ({stats})" + plain[-1]
            assert rebuilt.lower() == evidence.lower()
        else:  # a threshold rule (user growth) has no statistics
            assert stats == "none" and plain.lower() == evidence.lower()


def test_what_changed_keeps_only_what_changed():
    before = {"mau": 100.0, "team_size": 10, "signals_detected": ["a_signal"],
              "metrics_attention": 1, "dashboard_status": {"cpu": "attention", "memory": "ok"},
              "p_critical_next_quarter": {"cpu": 0.2, "memory": 0.001},
              "remedy_start_by": {"cpu": "2024-09", "memory": ""}}
    now = {"mau": 120.0, "team_size": 10, "signals_detected": ["another_signal"],
           "metrics_attention": 1, "dashboard_status": {"cpu": "ok", "memory": "attention"},
           "p_critical_next_quarter": {"cpu": 0.5, "memory": 0.004},
           "remedy_start_by": {"cpu": "2024-09", "memory": ""}}
    full = presentation.what_changed(now, before)
    table = presentation.what_changed(now, before, only_changed=True)
    assert len(full) == 8 and "unchanged" not in full.attrs
    # kept: users (100 -> 120), the CPU probability; and the counts whose members changed
    # (one metric at attention, one signal, but not the same ones)
    assert list(table["Figure"]) == ["Users (MAU)", "Dashboard metrics at attention",
                                     "P(critical next quarter): CPU",
                                     "Early-warning signals detected"]
    # left out: the team, memory's probability (< 1 % both times, as shown), both dates
    assert table.attrs["unchanged"] == ["Team", "P(critical next quarter): Memory",
                                        "Start remedy by: CPU", "Start remedy by: Memory"]
    assert presentation.unchanged_text(table) == (
        "4 figures did not change and are left out: Team; P(critical next quarter): Memory; "
        "Start remedy by: CPU; Start remedy by: Memory.")
    assert presentation.unchanged_text(full) == ""


def test_cost_text_never_reads_free():
    assert presentation.cost_text(109_000.0) == "109 K EUR"
    assert presentation.cost_text(0.0, "cpu") == "with CPU"
    assert presentation.cost_text(float("nan"), "cpu, bandwidth") == "with CPU and Bandwidth"
    assert presentation.cost_text(0.0) == "none in the plan"
    assert presentation.cost_text(float("nan")) == "not costed"
    # a cost counted here is shown here, even when other actions also relieve it
    assert presentation.cost_text(78_900.0, "bandwidth", "USD") == "78.9 K USD"


def test_present_actions_says_when_and_what_it_costs(board):
    shown = presentation.present_actions(board["ranked"])
    assert list(shown.columns) == ["#", "When", "Action", "Why", "Start by", "Cost"]
    assert set(shown["When"]) <= set(report.ACTION_TIERS)
    assert "0.00 EUR" not in set(shown["Cost"]) and "" not in set(shown["Cost"])
    for _, row in shown.iterrows():
        if row["When"] == "watch":
            assert (row["Start by"], row["Cost"]) == ("not dated", "not costed")
        else:
            assert row["Start by"] != "not dated"


def test_trend_summary_names_dates_and_disagreements(board):
    table = board["trend"]
    text = presentation.trend_summary(table)
    assert text.startswith("At the pace of the last months, the critical line is crossed ")
    for _, row in table.iterrows():
        if row["critical_status"] == "forecast":
            month = pd.Period(row["critical_month"], freq="M").strftime("%b %Y")
            assert f"in {month} ({row['label']})" in text
        if str(row["agreement"]).startswith("no"):
            assert row["label"] in text.split("disagrees for")[1]


def test_present_trends_shows_interval_and_simulation(board):
    table = board["trend"]
    shown = presentation.present_trends(table).set_index("Metric")
    cpu = table.loc["cpu"]
    assert shown.at["CPU", "Critical (trend)"] == (
        f"{cpu['critical_month']}\n({cpu['critical_low']} to {cpu['critical_high']})")
    assert shown.at["CPU", "Attention (trend)"] == "already crossed"  # 71.1 % > 70 %
    assert shown.at["Database", "Critical (simulation)"] == "already crossed"
    assert shown.at["DB pool in use", "Critical (simulation)"] == "not simulated"
    assert shown.at["P95 response time", "Now"] == "1.9 s"  # seconds, not a percentage
    assert "Note" not in shown.columns  # every fit of the sample is good
    assert list(shown["Agree?"]) == [a or "n/a" for a in table["agreement"]]


def test_key_messages_quote_a_critical_signal():
    # incidents tripled from one quarter to the next: detected, and critical (doubled)
    history = calm_history()
    history["incidents"] = [2.0, 3.0, 2.0, 3.0, 2.0, 3.0, 2.0, 3.0, 3.0, 8.0, 8.0, 8.0]
    table = report.signals_table(history, THRESHOLDS)
    row = table.iloc[0]
    assert (row["signal"], bool(row["detected"]), row["severity"]) == (
        "incidents_more_frequent", True, "critical")
    lines = presentation.key_messages({}, signals=table)
    assert lines == [f"**Early warning (critical).** Incidents more frequent: "
                     f"{row['evidence']}"]
    assert presentation.present_signals(table).at[0, "Severity"] == "CRITICAL"


def test_key_messages_name_trends_critical_next_quarter(board):
    headline = {"month": "2024-06", "trend_critical_month": {
        "cpu": "2024-08", "memory": "2024-10", "db_utilisation": "now", "bandwidth": "",
        "p95_response_time_s": "2024-09"}}
    lines = presentation.key_messages(headline)
    # 2024-07 to 2024-09 is the next quarter; 2024-10 is not, 'now' is the dashboard's news
    assert lines == ["**Trend.** At the pace of the last months, CPU (Aug 2024) and P95 "
                     "response time (Sep 2024) cross their critical line within the next "
                     "quarter."]
    # the sample data: attention-level signals only, so no early-warning message
    text = "\n".join(presentation.key_messages(board["headline"], signals=board["signals"]))
    assert "Early warning" not in text
    assert "**Trend.** At the pace of the last months, CPU (Aug 2024)" in text


def test_what_changed_compares_signals_and_trend_dates():
    before = {"signals_detected": ["code_review_time_rising"],
              "trend_critical_month": {"cpu": "2024-09", "memory": "", "bandwidth": "2025-01"}}
    now = {"signals_detected": ["deployment_frequency_falling", "code_review_time_rising"],
           "trend_critical_month": {"cpu": "2024-08", "memory": "2024-12", "bandwidth": ""}}
    table = presentation.what_changed(now, before).set_index("Figure")
    signals_row = table.loc["Early-warning signals detected"]
    assert (signals_row["Last quarter"], signals_row["This quarter"],
            signals_row["Change"]) == ("1", "2", "+1")
    assert signals_row["Why"] == "new: deployment frequency falling"
    assert table.at["Trend crosses critical: CPU", "Change"] == "earlier"
    memory = table.loc["Trend crosses critical: Memory"]
    assert (memory["Last quarter"], memory["Change"]) == ("no date", "now dated")
    assert table.at["Trend crosses critical: Bandwidth", "Change"] == "no longer dated"



def test_crossing_text_months_and_ranges():
    # month 0 is 2024-06: 1 -> Jul 2024, 3 -> Sep 2024, 6 -> Dec 2024, 12 -> Jun 2025
    assert presentation.crossing_text("2024-06", 1, 3, 6, 12) == "Sep 2024 (Jul–Dec)"
    assert presentation.crossing_text("2024-06", 0, 0, 2, 12) == "now"
    # the range brackets the median, so month names alone say which year
    assert presentation.crossing_text("2024-06", 0, 2, 4, 12) == "Aug 2024 (now–Oct)"
    assert presentation.crossing_text("2024-06", 5, 7, 9, 12) == "Jan 2025 (Nov–Mar)"
    assert presentation.crossing_text("2024-06", 1, 7, 14, 24) == "Jan 2025 (Jul 2024–Aug 2025)"
    assert presentation.crossing_text("2024-06", 2, 2, 2, 12) == "Aug 2024"
    nan = float("nan")
    assert presentation.crossing_text("2024-06", 8, nan, nan, 12) == \
        "after Jun 2025 (earliest Feb 2025)"
    assert presentation.crossing_text("2024-06", nan, nan, nan, 12) == "not by Jun 2025"


def test_how_sure_words():
    assert presentation.how_sure(0.999, 12).startswith("almost certain (> 99 %")
    assert presentation.how_sure(0.5, 12).startswith("possible (50 %")
    assert presentation.how_sure(0.01, 12).startswith("very unlikely (1 %")


def test_elasticity_words_follow_the_side_of_one():
    text = presentation.elasticity_words({"cpu": 1.2, "memory": 0.8, "bandwidth": 1.0})
    assert text == ("CPU grows faster than users (elasticity above 1); Memory grows less "
                    "than proportionally; Bandwidth grows about in proportion to users.")
