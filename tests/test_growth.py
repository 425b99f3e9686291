"""Tests for scaling_models.growth: docs/domain.md sections 2 and 8, closed forms, bad inputs."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from scaling_models import growth

# --------------------------------------------------------------------------- rates


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        # docs/domain.md section 2: (1.5)^(1/12)-1 = 3.44%, 3^(1/12)-1 = 9.59 %, 6^(1/12)-1 = 16.1%
        (0.5, 0.0344),
        (2.0, 0.0959),
        (5.0, 0.1610),
    ],
)
def test_monthly_rate_domain_section_2(total, expected):
    assert round(float(growth.monthly_rate(total, 12)), 4) == expected


def test_monthly_rate_realistic_to_five_decimals():
    assert growth.monthly_rate(2.0, 12) == pytest.approx(0.09587, abs=5e-6)


def test_monthly_rate_published_calculator_example():
    # rows.com "Revenue CMGR Calculator": $100k in January to $350k in June -> CMGR 23 %.
    # The page counts 6 months (January..June inclusive): 3.5^(1/6) - 1 = 0.2322.
    assert growth.monthly_rate(2.5, 6) == pytest.approx(0.2322, abs=1e-4)


def test_total_growth_domain_note_15_percent():
    # docs/domain.md section 2 note: 15 % MoM compounds to x5.35 (+435 %) in 12 months.
    assert growth.total_growth(0.15, 12) == pytest.approx(4.35, abs=0.005)
    assert 1.15**12 == pytest.approx(1 + float(growth.total_growth(0.15, 12)))


@pytest.mark.parametrize("container", [list, np.array, pd.Series])
def test_monthly_rate_arrays(container):
    out = growth.monthly_rate(container([0.5, 2.0, 5.0]), 12)
    assert isinstance(out, np.ndarray)
    assert_allclose(out, [1.5 ** (1 / 12) - 1, 3 ** (1 / 12) - 1, 6 ** (1 / 12) - 1])


def test_monthly_rate_scalar_returns_scalar():
    assert np.ndim(growth.monthly_rate(2.0, 12)) == 0
    assert isinstance(growth.monthly_rate(2.0, 12), float)


@given(
    g=st.floats(-0.99, 100, allow_nan=False),
    m=st.floats(0.5, 120, allow_nan=False),
)
def test_total_growth_inverts_monthly_rate(g, m):
    assert growth.total_growth(growth.monthly_rate(g, m), m) == pytest.approx(g, abs=1e-9 * (1 + g))


def test_rate_functions_reject_bad_input():
    with pytest.raises(ValueError, match="total_growth must be > -1"):
        growth.monthly_rate(-1.0, 12)
    with pytest.raises(ValueError, match="months must be > 0"):
        growth.monthly_rate(2.0, 0)
    with pytest.raises(ValueError, match="monthly_rate must be > -1"):
        growth.total_growth(-1.5, 12)
    with pytest.raises(ValueError, match="months must be >= 0"):
        growth.total_growth(0.1, -1)
    with pytest.raises(ValueError, match="total_growth must not be NaN"):
        growth.monthly_rate(np.nan, 12)
    with pytest.raises(TypeError, match="total_growth must be a number"):
        growth.monthly_rate("200 %", 12)


def test_doubling_time_values():
    # ln 2 / ln 1.15 = 0.693147 / 0.139762 = 4.9595 months
    assert growth.doubling_time(0.15) == pytest.approx(4.9595, abs=1e-4)
    # 100 %/month doubles in exactly one month
    assert growth.doubling_time(1.0) == pytest.approx(1.0)
    assert_allclose(growth.doubling_time([0.0, -0.1, 0.15]), [np.inf, np.inf, 4.959484], rtol=1e-6)


def test_doubling_time_consistent_with_project():
    t = growth.doubling_time(0.0959)
    assert growth.total_growth(0.0959, t) == pytest.approx(1.0)


def test_doubling_time_rejects_rate_below_minus_one():
    with pytest.raises(ValueError, match="monthly_rate must be > -1"):
        growth.doubling_time([0.1, -2.0])


# --------------------------------------------------------------------------- curves


def test_project_scalar_shape_and_values():
    users = growth.project(50_000, 0.15, 12)
    assert users.shape == (13,)
    assert users[0] == 50_000
    # docs/domain.md section 1 + note: 50 K MAU at 15 %/month -> 50 000 * 1.15^12 = 267 513 MAU
    assert users[-1] == pytest.approx(50_000 * 1.15**12)
    assert users[-1] == pytest.approx(267_513, abs=1)


def test_project_array_of_rates_broadcasts_on_axis_0():
    rates = np.array([0.0344, 0.0959, 0.161])
    users = growth.project(50_000, rates, 12)
    assert users.shape == (3, 13)
    assert_allclose(users[:, 0], 50_000)
    assert_allclose(users[:, 12], 50_000 * (1 + rates) ** 12)
    assert_allclose(users[1], growth.project(50_000, 0.0959, 12))


def test_project_zero_months():
    assert_allclose(growth.project([10.0, 20.0], 0.1, 0), [[10.0], [20.0]])


def test_project_rejects_bad_input():
    with pytest.raises(ValueError, match="start must be > 0"):
        growth.project(0, 0.1, 12)
    with pytest.raises(ValueError, match="monthly_rate must be > -1"):
        growth.project(100, -1.0, 12)
    with pytest.raises(ValueError, match="months must be >= 0"):
        growth.project(100, 0.1, -1)
    with pytest.raises(ValueError, match="months must be a whole number"):
        growth.project(100, 0.1, 12.5)
    with pytest.raises(TypeError, match="months must be an integer"):
        growth.project(100, 0.1, "12")


def test_project_path_constant_rates_equal_project():
    rates = np.full((4, 12), 0.0959)
    expected = growth.project(50_000, np.full(4, 0.0959), 12)
    assert_allclose(growth.project_path(50_000, rates), expected)


def test_project_path_hand_computed():
    # 100 -> 100*1.1 = 110 -> 110*0.9 = 99 -> 99*1.2 = 118.8
    assert_allclose(growth.project_path(100, [0.1, -0.1, 0.2]), [100, 110, 99, 118.8])


def test_project_path_broadcasts_start_per_path():
    rates = np.array([[0.1, 0.1], [0.0, 0.5]])
    out = growth.project_path([10.0, 20.0], rates)
    assert_allclose(out, [[10, 11, 12.1], [20, 20, 30]])
    # one rate path applied to several starts
    assert_allclose(growth.project_path([1.0, 2.0], [0.1, 0.2]), [[1, 1.1, 1.32], [2, 2.2, 2.64]])


def test_project_path_monte_carlo_mean_matches_closed_form():
    # E[prod(1 + r_j)] = (1 + mu)^m for independent monthly rates with mean mu.
    rng = np.random.default_rng(20240601)
    rates = rng.normal(0.10, 0.05, size=(20_000, 12))
    final = growth.project_path(1.0, rates)[:, -1]
    se = final.std(ddof=1) / np.sqrt(final.size)
    assert abs(final.mean() - 1.10**12) < 4 * se


def test_project_path_rejects_bad_input():
    with pytest.raises(ValueError, match="monthly_rates must have months on its last axis"):
        growth.project_path(100, 0.1)
    with pytest.raises(ValueError, match=r"monthly_rates must be > -1.*at index \(1, 0\)"):
        growth.project_path(100, [[0.1, 0.1], [-1.2, 0.1]])
    with pytest.raises(ValueError, match="start must be > 0"):
        growth.project_path(-5, [0.1])


def test_logistic_reference_value():
    # STYLE.md reference: 50_000 / (1 + 49 * exp(-0.3 * 12)) = 21377.914 with intrinsic
    # rate 0.3, i.e. a compound monthly rate of exp(0.3) - 1.
    out = growth.logistic(1_000, np.expm1(0.3), 50_000, 12)
    assert out.shape == (13,)
    assert out[-1] == pytest.approx(21377.91432355, rel=1e-9)
    assert out[0] == pytest.approx(1_000)


def test_logistic_matches_compound_far_from_ceiling():
    compound = growth.project(50_000, 0.15, 12)
    saturating = growth.logistic(50_000, 0.15, 1e13, 12)
    assert_allclose(saturating, compound, rtol=1e-6)


def test_logistic_approaches_market_size():
    out = growth.logistic(50_000, 0.15, 1_000_000, 240)
    assert out[-1] == pytest.approx(1_000_000, rel=1e-6)
    assert np.all(np.diff(out) > 0)


def test_logistic_shapes():
    out = growth.logistic(1_000, np.array([0.05, 0.1, 0.2]), 10_000, 24)
    assert out.shape == (3, 25)
    out = growth.logistic(1_000, np.array([[0.05], [0.1]]), np.array([5e3, 1e4, 2e4]), 6)
    assert out.shape == (2, 3, 7)


@given(
    n0=st.floats(1, 1e6),
    r=st.floats(0.001, 1.0),
    headroom=st.floats(0.01, 1e3),
    months=st.integers(0, 120),
)
def test_logistic_between_start_and_ceiling_and_below_compound(n0, r, headroom, months):
    k = n0 * (1 + headroom)
    out = growth.logistic(n0, r, k, months)
    assert np.all(out >= n0 * (1 - 1e-9))
    assert np.all(out <= k * (1 + 1e-9))
    assert np.all(out <= growth.project(n0, r, months) * (1 + 1e-9))


def test_logistic_rejects_bad_input():
    with pytest.raises(ValueError, match="market_size must be > start"):
        growth.logistic(1_000, 0.1, 1_000, 12)
    with pytest.raises(ValueError, match="market_size must be > 0"):
        growth.logistic(1_000, 0.1, -5, 12)
    with pytest.raises(ValueError, match="start must be > 0"):
        growth.logistic(0, 0.1, 5_000, 12)
    with pytest.raises(ValueError, match="monthly_rate must be > -1"):
        growth.logistic(1_000, -3, 5_000, 12)


# --------------------------------------------------------------------------- scenarios


def test_scenarios_default_file_domain_sections_2_and_8():
    table = growth.scenarios()
    assert table.index.name == "key"
    assert list(table.columns) == [
        "family", "label", "total_user_growth", "horizon_months", "monthly_rate",
        "growth_low", "growth_high", "capacity_added", "infra_cost", "developers_added",
        "team_cost", "infrastructure", "architecture", "team", "risk",
    ]  # fmt: skip
    section2 = table[table["family"] == "projection_12m"]
    section8 = table[table["family"] == "multi_year"]
    assert len(section2) == 3 and len(section8) == 3
    assert_allclose(section2["total_user_growth"], [0.5, 2.0, 5.0])
    assert (section2["horizon_months"] == 12).all()
    assert_allclose(section2["monthly_rate"].round(4), [0.0344, 0.0959, 0.1610])
    assert table.loc["projection_conservative", "capacity_added"] == pytest.approx(0.30)
    assert table.loc["projection_conservative", "developers_added"] == 2
    assert table.loc["projection_realistic", "developers_added"] == 5
    assert np.isnan(table.loc["projection_realistic", "capacity_added"])
    assert section2["team_cost"].isna().all()

    assert_allclose(section8["total_user_growth"], [1.0, 4.0, 10.0])
    assert list(section8["horizon_months"]) == [12, 18, 24]
    assert_allclose(section8["infra_cost"], [150_000, 500_000, 1_500_000])
    assert_allclose(section8["team_cost"], [480_000, 1_200_000, 3_000_000])
    assert_allclose(section8["developers_added"], [8, 20, 50])
    # docs/domain.md section 6: about 60 K EUR per developer per year
    assert_allclose(section8["team_cost"] / section8["developers_added"], 60_000)
    expected = [2 ** (1 / 12) - 1, 5 ** (1 / 18) - 1, 11 ** (1 / 24) - 1]
    assert_allclose(section8["monthly_rate"], expected)
    assert table.loc["multi_year_conservative", "risk"].startswith("low")


def test_scenarios_growth_interval_derivation():
    table = growth.scenarios()
    assert (table["growth_low"] < table["monthly_rate"]).all()
    assert (table["monthly_rate"] < table["growth_high"]).all()
    # default spread 0.5: +200 % -> +100 %..+300 % over 12 months
    row = table.loc["projection_realistic"]
    assert row["growth_low"] == pytest.approx(2 ** (1 / 12) - 1)
    assert row["growth_high"] == pytest.approx(4 ** (1 / 12) - 1)


def _write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """
scenarios:
  - key: mine
    family: custom
    label: My scenario
    total_user_growth: 3.0
    horizon_months: 9
    growth_low: 0.10
    growth_high: 0.25
    infra_cost: 1.5e5
"""


def test_scenarios_custom_file_with_explicit_interval(tmp_path):
    table = growth.scenarios(_write(tmp_path, GOOD))
    row = table.loc["mine"]
    assert row["monthly_rate"] == pytest.approx(4 ** (1 / 9) - 1)
    assert (row["growth_low"], row["growth_high"]) == (0.10, 0.25)
    assert row["infra_cost"] == 150_000
    assert np.isnan(row["team_cost"]) and row["risk"] == ""


def test_scenarios_default_plus_user_file(tmp_path):
    table = growth.scenarios([growth.DEFAULT_SCENARIOS_PATH, _write(tmp_path, GOOD)])
    assert len(table) == 7 and table.index[-1] == "mine"
    assert len(table.attrs["sources"]) == 2


def test_scenarios_per_scenario_spread(tmp_path):
    text = GOOD.replace("    growth_low: 0.10\n    growth_high: 0.25\n", "    growth_spread: 0\n")
    row = growth.scenarios(_write(tmp_path, text)).loc["mine"]
    assert row["growth_low"] == row["growth_high"] == pytest.approx(row["monthly_rate"])


def _entry(**changes) -> str:
    fields = {
        "key": "bad_one", "family": "custom", "label": "x", "total_user_growth": "1.0",
        "horizon_months": "12",
    }  # fmt: skip
    fields.update(changes)
    lines = [f"    {k}: {v}" for k, v in fields.items() if v is not None]
    lines[0] = "  - " + lines[0].strip()
    return "scenarios:\n" + "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"label": None}, r"scenario 'bad_one': missing field 'label'"),
        ({"horizon_months": None}, r"scenario 'bad_one': missing field 'horizon_months'"),
        ({"key": None}, r"scenario #1: missing field 'key'"),
        ({"total_user_growth": "-0.2"}, r"'bad_one': field 'total_user_growth' must be >= 0"),
        ({"total_user_growth": "lots"}, r"field 'total_user_growth' must be a number"),
        ({"family": "fantasy"}, r"field 'family' must be one of"),
        ({"growth_low": "0.2", "growth_high": "0.05"}, r"'growth_low' \(0.2\) is above"),
        ({"growth_low": "0.01"}, r"field 'growth_high' is missing"),
        ({"growth_low": "0.1", "growth_high": "0.2"}, r"must contain the scenario's monthly rate"),
        ({"growth_low": "0.01", "growth_high": "0.2", "growth_spread": "0.3"}, r"conflicts"),
        ({"growth_spread": "1.5"}, r"field 'growth_spread' must be in \[0, 1\)"),
        ({"horizon_months": "0"}, r"field 'horizon_months' must be >= 1"),
        ({"horizon_months": "12.5"}, r"field 'horizon_months' must be a whole number"),
        ({"capacity_added": "-0.1"}, r"field 'capacity_added' must be >= 0"),
        ({"team_cost": "true"}, r"field 'team_cost' must be a number"),
        ({"risk": "3"}, r"field 'risk' must be text"),
        ({"colour": "red"}, r"unknown field\(s\) \['colour'\]"),
    ],
)
def test_scenarios_validation_names_file_scenario_field(tmp_path, changes, message):
    path = _write(tmp_path, _entry(**changes))
    with pytest.raises(ValueError, match=message) as info:
        growth.scenarios(path)
    assert str(path) in str(info.value)


def test_scenarios_duplicate_key_across_files(tmp_path):
    a = _write(tmp_path, GOOD, "a.yaml")
    b = _write(tmp_path, GOOD, "b.yaml")
    with pytest.raises(ValueError, match=r"b.yaml: scenario 'mine': field 'key' is a duplicate"):
        growth.scenarios([a, b])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("scenarios: [\n", "not valid YAML"),
        ("- key: x\n", "expected a mapping with a 'scenarios' list"),
        ("scenarios: []\n", "'scenarios' must be a non-empty list"),
        ("defaults:\n  spread: 1\nscenarios: [{}]\n", "'defaults' may only hold growth_spread"),
        ("extra: 1\nscenarios: [{}]\n", r"unknown top-level key\(s\) \['extra'\]"),
        ("scenarios:\n  - just text\n", "scenario #1: must be a mapping"),
    ],
)
def test_scenarios_file_structure_errors(tmp_path, text, message):
    with pytest.raises(ValueError, match=message):
        growth.scenarios(_write(tmp_path, text))


def test_scenarios_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="scenario file not found"):
        growth.scenarios(tmp_path / "nope.yaml")


# --------------------------------------------------------------------------- fit_growth


def _history(values, start="2024-01"):
    index = pd.period_range(start, periods=len(values), freq="M").strftime("%Y-%m")
    return pd.Series(values, index=index, dtype=float)


def test_fit_growth_hand_computed():
    # 100 -> 110 -> 121 -> 133.1: three rates of exactly 10 %
    fit = growth.fit_growth(_history([100, 110, 121, 133.1]))
    assert fit.mean_rate == pytest.approx(0.10)
    assert fit.std_rate == pytest.approx(0.0, abs=1e-12)
    assert fit.log_mean == pytest.approx(np.log(1.1))
    assert fit.n_months == 3
    assert fit.start == pd.Period("2024-01", "M") and fit.end == pd.Period("2024-04", "M")
    assert list(fit.rates.index.astype(str)) == ["2024-02", "2024-03", "2024-04"]


def test_fit_growth_geometric_mean_and_std():
    # 100 -> 120 (+20 %) -> 108 (-10 %) -> 129.6 (+20 %)
    fit = growth.fit_growth(_history([100, 120, 108, 129.6]))
    # geometric mean: (129.6 / 100)^(1/3) - 1 = 0.090272
    assert fit.mean_rate == pytest.approx(1.296 ** (1 / 3) - 1)
    assert fit.mean_rate == pytest.approx(float(growth.monthly_rate(0.296, 3)))
    # std of (0.2, -0.1, 0.2), ddof=1: mean 0.1, deviations 0.1, -0.2, 0.1 -> sqrt(0.06/2)
    assert fit.std_rate == pytest.approx(np.sqrt(0.03))
    logs = np.log([1.2, 0.9, 1.2])
    assert fit.log_std == pytest.approx(logs.std(ddof=1))


def test_fit_growth_window_uses_last_months():
    values = [100, 200, 210, 220.5, 231.525]  # a doubling then 5 %/month
    fit = growth.fit_growth(_history(values), window=3)
    assert fit.mean_rate == pytest.approx(0.05)
    assert fit.n_months == 3
    assert fit.start == pd.Period("2024-02", "M")


@pytest.mark.parametrize(
    "index",
    [
        pd.date_range("2024-01-31", periods=4, freq="ME"),
        pd.period_range("2024-01", periods=4, freq="M"),
        pd.Index(["2024-01", "2024-02", "2024-03", "2024-04"]),
    ],
)
def test_fit_growth_index_kinds(index):
    fit = growth.fit_growth(pd.Series([100.0, 110, 121, 133.1], index=index))
    assert fit.mean_rate == pytest.approx(0.10)
    assert fit.end == pd.Period("2024-04", "M")


def test_fit_growth_recovers_simulated_rate():
    # Lognormal monthly factors with log-mean ln(1.15) and log-sd 0.05, 240 months:
    # the estimate should be within 4 standard errors (0.05 / sqrt(240) on the log scale).
    rng = np.random.default_rng(7)
    logs = rng.normal(np.log(1.15), 0.05, 240)
    values = 50_000 * np.exp(np.concatenate([[0.0], np.cumsum(logs)]))
    values = values / values[-1] * 1e6  # keep the numbers moderate
    fit = growth.fit_growth(_history(values, start="2004-01"))
    assert abs(fit.log_mean - np.log(1.15)) < 4 * 0.05 / np.sqrt(240)
    assert fit.log_std == pytest.approx(0.05, rel=0.2)


@pytest.mark.parametrize(
    ("series", "error", "message"),
    [
        (_history([100, 110]), ValueError, "at least 3 months"),
        (_history([100, np.nan, 120]), ValueError, r"NaN values in months \['2024-02'\]"),
        (_history([100, 0, 120]), ValueError, r"must be > 0; got \['2024-02=0.0'\]"),
        (
            pd.Series([1.0, 2, 3], index=["2024-01", "2024-03", "2024-02"]),
            ValueError,
            "must be sorted; 2024-02 comes after 2024-03",
        ),
        (
            pd.Series([1.0, 2, 3], index=["2024-01", "2024-02", "2024-02"]),
            ValueError,
            r"duplicate months: \['2024-02'\]",
        ),
        (
            pd.Series([1.0, 2, 3], index=["2024-01", "2024-02", "2024-05"]),
            ValueError,
            r"missing months \(gaps\): \['2024-03', '2024-04'\]",
        ),
        (pd.Series([1.0, 2, 3], index=["2024-01", "soon", "2024-03"]), ValueError, "'soon'"),
        (pd.Series([1.0, 2, 3]), TypeError, "must be indexed by month"),
        ([1.0, 2.0, 3.0], TypeError, "history must be a pandas Series"),
    ],
)
def test_fit_growth_rejects_bad_history(series, error, message):
    with pytest.raises(error, match=message):
        growth.fit_growth(series)


def test_fit_growth_rejects_bad_window():
    history = _history([100, 110, 121, 133.1])
    with pytest.raises(ValueError, match="window must be <= 3"):
        growth.fit_growth(history, window=4)
    with pytest.raises(ValueError, match="window must be >= 2"):
        growth.fit_growth(history, window=1)


def test_fit_growth_on_shipped_company_history():
    # COMMON brief: the sample history ends near docs/domain.md section 1, growing ~15 %/month.
    path = Path(__file__).resolve().parent.parent / "data" / "company_history.csv"
    if not path.exists():
        pytest.skip("data/company_history.csv not present")
    history = pd.read_csv(path).set_index("month")["mau"]
    fit = growth.fit_growth(history, window=12)
    assert fit.end == pd.Period("2024-06", "M")
    assert 0.10 < fit.mean_rate < 0.20
    assert fit.n_months == 12
