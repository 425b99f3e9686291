"""Tests for scaling_models.thresholds: the article's tables as editable data."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scaling_models import thresholds
from scaling_models.loaders import DataError

HEADER = "metric,group,label,unit,direction,attention,critical,action\n"
CPU_ROW = "cpu,technical,CPU,fraction,higher_is_worse,0.7,0.9,scale up\n"
DEPLOY_ROW = "deploys_per_week,organisational,Deploys,deploys/week,lower_is_worse,1,0.23,CI/CD\n"


@pytest.fixture(scope="module")
def table():
    return thresholds.load_thresholds()


def write(tmp_path, text, name="thresholds.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


# --- the default table is the article's (docs/domain.md section 3) plus the project's rows -----


def test_default_table_has_the_shared_metric_keys(table):
    assert list(table.index) == [
        "p95_response_time_s", "error_rate", "cpu", "memory", "db_connections",
        "cycle_time_days", "deploys_per_week", "code_review_hours", "communication_overhead",
        "db_utilisation", "bandwidth", "storage", "availability", "infra_cost_share",
        "user_growth",
    ]


@pytest.mark.parametrize(
    ("metric", "attention", "critical", "direction"),
    [
        # docs/domain.md section 3, technical and organisational tables
        ("p95_response_time_s", 2, 5, "higher_is_worse"),
        ("error_rate", 0.01, 0.05, "higher_is_worse"),
        ("cpu", 0.70, 0.90, "higher_is_worse"),
        ("memory", 0.80, 0.95, "higher_is_worse"),
        ("db_connections", 0.70, 0.90, "higher_is_worse"),
        ("cycle_time_days", 14, 21, "higher_is_worse"),
        ("deploys_per_week", 1, 0.23, "lower_is_worse"),  # 1 / month = 12/52 per week
        ("code_review_hours", 24, 72, "higher_is_worse"),
        ("communication_overhead", 0.20, 0.40, "higher_is_worse"),
        # the article's other targets, critical lines being the project's choice
        ("availability", 0.999, 0.99, "lower_is_worse"),
        ("storage", 0.80, 0.90, "higher_is_worse"),
        ("infra_cost_share", 0.10, 0.15, "higher_is_worse"),
        ("user_growth", 0.20, 0.30, "higher_is_worse"),
        ("db_utilisation", 0.70, 0.80, "higher_is_worse"),
    ],
)
def test_default_rows(table, metric, attention, critical, direction):
    row = table.loc[metric]
    assert row["attention"] == pytest.approx(attention)
    assert row["critical"] == pytest.approx(critical)
    assert row["direction"] == direction


# --- docs/domain.md section 4: the April 2024 dashboard -------------------------------------------


@pytest.mark.parametrize(
    ("metric", "value", "expected"),
    [
        ("cpu", 0.75, "attention"),
        ("error_rate", 0.003, "ok"),
        ("p95_response_time_s", 1.8, "ok"),
        ("cycle_time_days", 10, "ok"),
        ("deploys_per_week", 3, "ok"),
        # DB 85 % is "critical" in the article; the table has no DB row, ours does (0.80)
        ("db_utilisation", 0.85, "critical"),
        # The article shows 8 h review as "attention", contradicting its own table
        # (attention from 24 h). We follow the table: the dashboard example is inconsistent.
        ("code_review_hours", 8, "ok"),
    ],
)
def test_article_dashboard(metric, value, expected):
    assert thresholds.classify(metric, value) == expected


def test_article_dashboard_as_a_table():
    snapshot = {"p95_response_time_s": 1.8, "error_rate": 0.003, "cpu": 0.75,
                "db_utilisation": 0.85, "cycle_time_days": 10, "deploys_per_week": 3,
                "code_review_hours": 8}
    board = thresholds.dashboard(snapshot)
    assert list(board.columns) == ["metric", "group", "label", "value", "unit", "attention",
                                   "critical", "status", "action"]
    assert list(board["metric"]) == list(snapshot)
    assert board.set_index("metric")["status"].to_dict() == {
        "p95_response_time_s": "ok", "error_rate": "ok", "cpu": "attention",
        "db_utilisation": "critical", "cycle_time_days": "ok", "deploys_per_week": "ok",
        "code_review_hours": "ok",
    }
    status = board["status"]
    assert isinstance(status.dtype, pd.CategoricalDtype) and status.cat.ordered
    assert list(status.cat.categories) == ["ok", "attention", "critical"]
    assert board.sort_values("status")["metric"].iloc[-1] == "db_utilisation"
    actions = board.set_index("metric")["action"]
    assert actions["cpu"] == "scale up"
    assert actions["error_rate"] == ""


def test_dashboard_accepts_a_series():
    board = thresholds.dashboard(pd.Series({"memory": 0.96, "availability": 0.9995}))
    assert list(board["status"]) == ["critical", "ok"]


def test_dashboard_rejects_unknown_metric_with_closest_names():
    with pytest.raises(ValueError, match="unknown metric 'cpu_usage'.*did you mean 'cpu'"):
        thresholds.dashboard({"cpu_usage": 0.5})


def test_dashboard_rejects_non_mapping():
    with pytest.raises(TypeError, match="snapshot must be a mapping"):
        thresholds.dashboard([("cpu", 0.5)])


# --- strict comparisons, both directions, boundaries --------------------------------------


@pytest.mark.parametrize(
    ("metric", "value", "expected"),
    [
        # "> 70 %": 0.70 itself is still ok, "> 90 %": 0.90 is still attention
        ("cpu", 0.70, "ok"),
        ("cpu", np.nextafter(0.70, 1), "attention"),
        ("cpu", 0.90, "attention"),
        ("cpu", np.nextafter(0.90, 1), "critical"),
        ("cpu", 0.0, "ok"),
        ("cpu", 1.0, "critical"),
        ("p95_response_time_s", 2.0, "ok"),
        ("p95_response_time_s", 5.0, "attention"),
        ("p95_response_time_s", 5.01, "critical"),
        # lower is worse: "< 1 / week" and "< 1 / month"
        ("deploys_per_week", 1.0, "ok"),
        ("deploys_per_week", 0.99, "attention"),
        ("deploys_per_week", 12 / 52, "attention"),  # exactly one a month is not "< 1/month"
        ("deploys_per_week", 0.2, "critical"),
        ("deploys_per_week", 0.0, "critical"),
        ("availability", 0.999, "ok"),
        ("availability", 0.995, "attention"),
        ("availability", 0.98, "critical"),
        ("user_growth", 0.25, "attention"),
        ("user_growth", -0.05, "ok"),
    ],
)
def test_boundaries_and_direction(table, metric, value, expected):
    assert thresholds.classify(metric, value, table) == expected


@pytest.mark.parametrize("kind", [list, np.array, pd.Series])
def test_classify_is_vectorised(table, kind):
    out = thresholds.classify("memory", kind([0.5, 0.81, 0.96]), table)
    assert isinstance(out, np.ndarray)
    assert out.tolist() == ["ok", "attention", "critical"]


def test_classify_keeps_shape_and_returns_str_for_scalars(table):
    grid = np.array([[0.1, 0.75], [0.95, 0.5]])
    assert thresholds.classify("cpu", grid, table).tolist() == [
        ["ok", "attention"], ["critical", "ok"]]
    assert type(thresholds.classify("cpu", 0.5, table)) is str
    assert type(thresholds.classify("cpu", np.float64(0.5), table)) is str


@given(st.lists(st.floats(0, 1), min_size=2, max_size=20))
def test_status_never_improves_as_a_higher_is_worse_metric_grows(values):
    table = thresholds.load_thresholds()
    rank = {"ok": 0, "attention": 1, "critical": 2}
    ordered = sorted(values)
    ranks = [rank[s] for s in thresholds.classify("db_connections", ordered, table)]
    assert ranks == sorted(ranks)


def test_classify_rejects_unknown_metric(table):
    with pytest.raises(ValueError, match="did you mean 'error_rate'"):
        thresholds.classify("error_rat", 0.1, table)


def test_classify_rejects_percentages_for_fractions(table):
    with pytest.raises(ValueError, match=r"cpu must be between 0 and 1 \(a fraction: write 0.7"):
        thresholds.classify("cpu", 75, table)


def test_classify_rejects_nan_and_negative(table):
    with pytest.raises(ValueError, match="error_rate must not be NaN"):
        thresholds.classify("error_rate", [0.01, np.nan], table)
    with pytest.raises(ValueError, match="cycle_time_days must be >= 0"):
        thresholds.classify("cycle_time_days", -3, table)
    with pytest.raises(TypeError, match="metric must be a string"):
        thresholds.classify(3, 0.5, table)


# --- a user-edited table -------------------------------------------------------------------


def test_user_edited_table(tmp_path):
    # stricter CPU line and a metric of their own (team satisfaction, docs/domain.md section 4)
    path = write(tmp_path, HEADER + CPU_ROW.replace("0.7,", "0.6,") + DEPLOY_ROW
                 + "team_satisfaction,organisational,Team satisfaction,score/10,"
                   "lower_is_worse,7.5,6,team retro\n")
    table = thresholds.load_thresholds(path)
    assert thresholds.classify("cpu", 0.65, table) == "attention"
    assert thresholds.classify("team_satisfaction", [7.8, 7.0, 5.5], table).tolist() == [
        "ok", "attention", "critical"]
    board = thresholds.dashboard({"team_satisfaction": 7.0}, table)
    assert board["action"].tolist() == ["team retro"]
    with pytest.raises(ValueError, match="unknown metric 'memory'"):
        thresholds.classify("memory", 0.5, table)


def test_edited_dataframe_is_revalidated(table):
    edited = table.copy()
    edited.loc["cpu", "attention"] = 0.95
    with pytest.raises(DataError, match="metric cpu.*attention < critical"):
        thresholds.classify("cpu", 0.5, edited)
    with pytest.raises(TypeError, match="table must be a DataFrame"):
        thresholds.classify("cpu", 0.5, {"cpu": 0.7})


# --- bad tables ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("", "thresholds.csv: the file is empty"),
        (HEADER.replace(",action", ""), "missing required column.*action"),
        (HEADER.replace("attention", "attn") + CPU_ROW,
         "column 'attn': unknown column; did you mean 'attention'"),
        (HEADER + CPU_ROW + CPU_ROW, "column 'metric', rows metric cpu, metric cpu: duplicate"),
        (HEADER + CPU_ROW.replace("higher_is_worse", "up"),
         "column 'direction', row metric cpu: must be one of higher_is_worse, lower_is_worse"),
        (HEADER + CPU_ROW.replace("technical", "infra"),
         "column 'group', row metric cpu: must be one of technical"),
        (HEADER + CPU_ROW.replace("0.9,", ","), "column 'critical', row metric cpu: empty cell"),
        (HEADER + CPU_ROW.replace("0.9,", "high,"), "column 'critical'.*text in a numeric"),
        (HEADER + CPU_ROW.replace("0.7,0.9", "0.9,0.7"),
         "row metric cpu: higher_is_worse needs attention < critical; "
         "got attention=0.9, critical=0.7"),
        (HEADER + CPU_ROW.replace("0.7,0.9", "0.7,0.7"), "attention < critical"),
        (HEADER + DEPLOY_ROW.replace("1,0.23", "0.23,1"),
         "row metric deploys_per_week: lower_is_worse needs attention > critical"),
        (HEADER + CPU_ROW.replace("0.7,0.9", "70,90"),
         "column 'attention', row metric cpu: unit is 'fraction'.*looks like a percentage"),
    ],
)
def test_bad_tables_are_rejected(tmp_path, text, match):
    path = write(tmp_path, text)
    with pytest.raises(DataError, match=match):
        thresholds.load_thresholds(path)


def test_bad_table_error_names_the_file(tmp_path):
    path = write(tmp_path, HEADER + CPU_ROW.replace("0.7,0.9", "0.9,0.7"), "mine.csv")
    with pytest.raises(ValueError, match=r"mine\.csv") as info:
        thresholds.load_thresholds(path)
    assert info.value.column == "attention"
    assert info.value.rows == ("metric cpu",)
