"""Tests for scaling_models.debt: docs/domain.md section 5, hand-computed examples, bad inputs."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from scaling_models import debt

# One debt item worked by hand (docs/domain.md section 5 formulas, 2-week sprints, 8 h days):
#   weeks per month    365.25 / 12 / 7 (the Julian year)  = 4.348214...
#   sprints per month  s = 4.348214 / 2                   = 2.174107...
#   monthly cost       = A h s + B C = 10*60*s + 2*500   = 1304.464 + 1000 = 2304.464 EUR/month
#   monthly savings    = D h s + E C = 8*60*s + 1.5*500  = 1043.571 +  750 = 1793.571 EUR/month
#   resolution cost    = (X+Y+Z) * 8 * h = (2+5+3)*8*60  = 4800 EUR
#   ROI                = 12 * 1793.571 / 4800            = 4.48393 (448 % > 300 % -> "now")
#   payback            = 4800 / 1793.571                 = 2.67623 months
S = 365.25 / 12 / 7 / 2
ITEM = dict(
    hours_lost_per_sprint=10,
    incidents_per_month=2,
    cost_per_incident=500,
    hours_gained_per_sprint=8,
    incidents_avoided_per_month=1.5,
    hourly_cost=60,
)
SPLIT = dict(investigation_days=2, implementation_days=5, testing_days=3)


def test_sprints_per_month():
    assert debt.sprints_per_month(2) == pytest.approx(2.174107, abs=1e-6)
    assert debt.sprints_per_month(1) == pytest.approx(4.348214, abs=1e-6)


def test_assess_hand_computed_example():
    result = debt.assess(**ITEM, **SPLIT)
    assert result.monthly_cost == pytest.approx(10 * 60 * S + 1000)
    assert result.monthly_cost == pytest.approx(2304.464, abs=1e-3)
    assert result.monthly_savings == pytest.approx(1793.571, abs=1e-3)
    assert result.resolution_cost == pytest.approx(4800)
    assert result.roi == pytest.approx(4.48393, abs=1e-5)
    assert result.payback_months == pytest.approx(4800 / (8 * 60 * S + 750))
    assert result.payback_months == pytest.approx(2.67623, abs=1e-5)
    assert result.recommendation == "now"


def test_assess_effort_days_equals_split():
    a = debt.assess(**ITEM, **SPLIT)
    b = debt.assess(**ITEM, effort_days=10)
    assert b.resolution_cost == a.resolution_cost and b.roi == a.roi


def test_assess_sprint_and_day_options():
    # 1-week sprints: s = 4.348214; monthly savings = 8*60*4.348214 + 750 = 2837.143
    # 7-hour days: resolution = 10*7*60 = 4200; ROI = 12*2837.143/4200 = 8.10612
    result = debt.assess(**ITEM, effort_days=10, sprint_weeks=1, hours_per_day=7)
    assert result.monthly_savings == pytest.approx(8 * 60 * 2 * S + 750)
    assert result.monthly_savings == pytest.approx(2837.143, abs=1e-3)
    assert result.resolution_cost == pytest.approx(4200)
    assert result.roi == pytest.approx(8.10612, abs=1e-5)


def test_assess_scalar_outputs_are_scalars():
    result = debt.assess(**ITEM, effort_days=10)
    for field in ("monthly_cost", "monthly_savings", "resolution_cost", "roi", "payback_months"):
        assert np.ndim(getattr(result, field)) == 0
    assert isinstance(result.recommendation, str)


@pytest.mark.parametrize("container", [list, np.array, pd.Series])
def test_assess_vectorised(container):
    # effort 10, 30, 100 days -> resolution 4800, 14400, 48000 EUR; savings 1793.571
    # EUR/month; ROI 4.4839 (now), 1.4946 (backlog), 0.44839 (skip)
    result = debt.assess(**ITEM, effort_days=container([10, 30, 100]))
    assert isinstance(result.roi, np.ndarray) and result.roi.shape == (3,)
    assert_allclose(result.roi, 12 * (8 * 60 * S + 750) / np.array([4800, 14400, 48000]))
    assert result.recommendation.tolist() == ["now", "backlog", "skip"]
    # fields broadcast to the common shape even when they do not depend on the array
    assert_allclose(result.monthly_cost, [10 * 60 * S + 1000] * 3)
    assert_allclose(result.monthly_savings, [8 * 60 * S + 750] * 3)


def test_assess_broadcasts_draws_against_items():
    # Monte Carlo style: 5 draws of the hourly cost (axis 0) x 3 items.
    hourly = np.linspace(40, 80, 5)[:, None]
    result = debt.assess(**{**ITEM, "hourly_cost": hourly}, effort_days=[10, 30, 100])
    assert result.roi.shape == (5, 3)
    assert result.recommendation.shape == (5, 3)
    assert result.roi[2, 0] == pytest.approx(4.48393, abs=1e-5)


def test_assess_zero_savings_gives_infinite_payback_and_skip():
    result = debt.assess(
        **{**ITEM, "hours_gained_per_sprint": 0, "incidents_avoided_per_month": 0},
        effort_days=[5, 10],
    )
    assert_allclose(result.roi, 0.0)
    assert np.all(np.isinf(result.payback_months))
    assert result.recommendation.tolist() == ["skip", "skip"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({**ITEM, **SPLIT, "effort_days": 10}, "not both"),
        (ITEM, "give the fix's effort"),
        ({**ITEM, "investigation_days": 2}, r"missing \['implementation_days', 'testing_days'\]"),
        ({**ITEM, "effort_days": 0}, "effort_days must be > 0"),
        ({**ITEM, "investigation_days": 0, "implementation_days": 0, "testing_days": 0},
         "must be > 0"),
        ({**ITEM, **SPLIT, "testing_days": -1}, "testing_days must be >= 0"),
        ({**ITEM, "effort_days": 10, "hours_lost_per_sprint": -1},
         "hours_lost_per_sprint must be >= 0"),
        ({**ITEM, "effort_days": 10, "incidents_per_month": [1, -2]},
         "incidents_per_month must be >= 0; got -2 at index 1"),
        ({**ITEM, "effort_days": 10, "cost_per_incident": np.nan}, "cost_per_incident must not"),
        ({**ITEM, "effort_days": 10, "hours_gained_per_sprint": -0.5},
         "hours_gained_per_sprint must be >= 0"),
        ({**ITEM, "effort_days": 10, "incidents_avoided_per_month": -1},
         "incidents_avoided_per_month must be >= 0"),
        ({**ITEM, "effort_days": 10, "hourly_cost": 0}, "hourly_cost must be > 0"),
        ({**ITEM, "effort_days": 10, "hours_per_day": 0}, "hours_per_day must be > 0"),
        ({**ITEM, "effort_days": 10, "sprint_weeks": 0}, "sprint_weeks must be > 0"),
        ({**ITEM, "effort_days": 10, "cost_per_incident": np.inf}, "cost_per_incident must be fin"),
    ],
)
def test_assess_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        debt.assess(**kwargs)


def test_assess_rejects_wrong_kind():
    with pytest.raises(TypeError, match="hourly_cost must be a number"):
        debt.assess(**{**ITEM, "hourly_cost": "60 EUR"}, effort_days=10)


# --------------------------------------------------------------------------- recommend


@pytest.mark.parametrize(
    ("roi", "band"),
    [
        (3.01, "now"),
        (3.0, "plan"),  # "> 300 %" is strict
        (1.51, "plan"),
        (1.5, "backlog"),  # "> 150 %" is strict
        (0.5, "backlog"),  # "50-150 %" includes 50 %
        (0.49, "skip"),
        (0.0, "skip"),
        (np.inf, "now"),
    ],
)
def test_recommend_band_edges(roi, band):
    assert debt.recommend(roi) == band


def test_recommend_array():
    assert debt.recommend(np.array([[4, 2], [1, 0.1]])).tolist() == [
        ["now", "plan"],
        ["backlog", "skip"],
    ]


def test_recommend_rejects_nan():
    with pytest.raises(ValueError, match="roi must not be NaN"):
        debt.recommend([1.0, np.nan])


RANK = {label: rank for rank, label in enumerate(reversed(debt.RECOMMENDATIONS))}


@given(a=st.floats(0, 1e3), b=st.floats(0, 1e3))
def test_recommend_monotone_in_roi(a, b):
    low, high = sorted((a, b))
    assert RANK[str(debt.recommend(low))] <= RANK[str(debt.recommend(high))]


positive = st.floats(0.01, 1e4, allow_nan=False, allow_infinity=False)
# Zero or a realistic magnitude: a savings of 1e-308 EUR makes the payback overflow to inf,
# a float limit, not a model property.
nonneg = st.one_of(st.just(0.0), st.floats(1e-6, 1e4, allow_nan=False, allow_infinity=False))


@given(
    d=nonneg, e=nonneg, c=nonneg, extra_d=nonneg, extra_e=nonneg, days=positive, hourly=positive
)
def test_more_savings_never_lowers_roi(d, e, c, extra_d, extra_e, days, hourly):
    # incidents avoided cannot exceed those that happen: B is the larger E of the two
    common = dict(
        hours_lost_per_sprint=0, incidents_per_month=e + extra_e, cost_per_incident=c,
        effort_days=days, hourly_cost=hourly,
    )  # fmt: skip
    base = debt.assess(**common, hours_gained_per_sprint=d, incidents_avoided_per_month=e)
    more = debt.assess(
        **common, hours_gained_per_sprint=d + extra_d, incidents_avoided_per_month=e + extra_e
    )
    assert more.roi >= base.roi * (1 - 1e-12)
    assert RANK[str(more.recommendation)] >= RANK[str(base.recommendation)]


@given(a=nonneg, b=nonneg, c=nonneg, d=nonneg, e=nonneg, days=positive, hourly=positive,
       sprint=st.floats(0.5, 6))
def test_roi_times_cost_is_annual_savings(a, b, c, d, e, days, hourly, sprint):
    # a fix avoids at most the incidents that happen: E = min(e, B)
    r = debt.assess(
        hours_lost_per_sprint=a, incidents_per_month=b, cost_per_incident=c,
        hours_gained_per_sprint=d, incidents_avoided_per_month=min(e, b), effort_days=days,
        hourly_cost=hourly, sprint_weeks=sprint,
    )  # fmt: skip
    assert r.roi * r.resolution_cost == pytest.approx(12 * r.monthly_savings, rel=1e-9, abs=1e-9)
    if r.monthly_savings > 0:
        assert r.payback_months * r.monthly_savings == pytest.approx(r.resolution_cost)


# --------------------------------------------------------------------------- backlog


def _backlog() -> pd.DataFrame:
    # hourly 60, 2-week sprints (s = 2.174107), 8 h days. Per item:
    #   cache:   savings 8*60*s + 1.5*500 = 1043.57 + 750 = 1793.57; cost 10 d -> 4800;
    #            ROI 4.48393 now
    #   tests:   savings 4*60*s + 0       = 521.786;  cost 6 d  -> 2880; ROI 2.17411 plan
    #   monolith savings 6*60*s + 1*1000  = 782.68 + 1000 = 1782.68; cost 60 d -> 28800;
    #            ROI 0.742783 backlog
    #   style:   savings 1*60*s           = 130.446;  cost 5 d  -> 2400; ROI 0.652232 backlog
    #   docs:    savings 0.5*60*s         = 65.223;   cost 4 d  -> 1920; ROI 0.407645 skip
    return pd.DataFrame(
        {
            "item": ["style", "monolith", "cache", "docs", "tests"],
            "category": ["code", "architecture", "infrastructure", "code", "test"],
            "priority": ["low", "high", "high", "low", "medium"],
            "investigation_days": [1, 10, 2, 1, 1],
            "implementation_days": [3, 40, 5, 2, 3],
            "testing_days": [1, 10, 3, 1, 2],
            "hours_lost_per_sprint": [2, 12, 10, 1, 6],
            "incidents_per_month": [0, 2, 2, 0, 0],
            "cost_per_incident": [0, 1000, 500, 0, 0],
            "hours_gained_per_sprint": [1, 6, 8, 0.5, 4],
            "incidents_avoided_per_month": [0, 1, 1.5, 0, 0],
        }
    )


def test_assess_backlog_ranks_and_labels():
    out = debt.assess_backlog(_backlog(), hourly_cost=60)
    assert list(out["item"]) == ["cache", "tests", "monolith", "style", "docs"]
    assert_allclose(out["roi"], [4.48393, 2.17411, 0.742783, 0.652232, 0.407645], atol=1e-5)
    assert_allclose(out["effort_days"], [10, 6, 60, 5, 4])
    assert list(out["recommendation"].astype(str)) == ["now", "plan", "backlog", "backlog", "skip"]
    assert isinstance(out["recommendation"].dtype, pd.CategoricalDtype)
    assert out["recommendation"].cat.ordered
    assert out["recommendation"].max() == "now" and out["recommendation"].min() == "skip"
    assert list(out.index) == [2, 4, 1, 0, 3]  # original index kept
    # descriptive columns pass through
    assert out.loc[2, "priority"] == "high"


def test_assess_backlog_does_not_modify_input():
    backlog = _backlog()
    before = backlog.copy()
    debt.assess_backlog(backlog, hourly_cost=60)
    pd.testing.assert_frame_equal(backlog, before)


def test_assess_backlog_matches_assess_row_by_row():
    out = debt.assess_backlog(_backlog(), hourly_cost=75, sprint_weeks=3)
    row = out.iloc[0]
    single = debt.assess(
        hours_lost_per_sprint=row["hours_lost_per_sprint"],
        incidents_per_month=row["incidents_per_month"],
        cost_per_incident=row["cost_per_incident"],
        hours_gained_per_sprint=row["hours_gained_per_sprint"],
        incidents_avoided_per_month=row["incidents_avoided_per_month"],
        investigation_days=row["investigation_days"],
        implementation_days=row["implementation_days"],
        testing_days=row["testing_days"],
        hourly_cost=75,
        sprint_weeks=3,
    )
    assert row["roi"] == pytest.approx(single.roi)
    assert row["monthly_cost"] == pytest.approx(single.monthly_cost)


def test_assess_backlog_shipped_file():
    path = Path(__file__).resolve().parent.parent / "data" / "debt_backlog.csv"
    if not path.exists():
        pytest.skip("data/debt_backlog.csv not present")
    out = debt.assess_backlog(pd.read_csv(path), hourly_cost=60)
    assert out["roi"].is_monotonic_decreasing
    assert set(out["recommendation"].astype(str)) <= set(debt.RECOMMENDATIONS)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("testing_days", -1, r"column 'testing_days', item 'cache': must be >= 0"),
        ("cost_per_incident", np.nan, r"column 'cost_per_incident', item 'cache': must not be"),
        ("hours_lost_per_sprint", "lots", r"'hours_lost_per_sprint', item 'cache': must be a num"),
        ("incidents_per_month", np.inf, r"'incidents_per_month', item 'cache': must be finite"),
    ],
)
def test_assess_backlog_bad_cell_names_column_and_item(column, value, message):
    backlog = _backlog().astype({column: object})
    backlog.loc[2, column] = value
    with pytest.raises(ValueError, match=message):
        debt.assess_backlog(backlog, hourly_cost=60)


def test_assess_backlog_other_errors():
    with pytest.raises(ValueError, match=r"missing column\(s\) \['testing_days'\]"):
        debt.assess_backlog(_backlog().drop(columns="testing_days"), hourly_cost=60)
    zero = _backlog()
    zero.loc[0, ["investigation_days", "implementation_days", "testing_days"]] = 0
    with pytest.raises(ValueError, match="item 'style': the total effort must be > 0"):
        debt.assess_backlog(zero, hourly_cost=60)
    unnamed = _backlog()
    unnamed.loc[1, "item"] = None
    with pytest.raises(ValueError, match=r"'item' is empty in row\(s\) with index \['1'\]"):
        debt.assess_backlog(unnamed, hourly_cost=60)
    with pytest.raises(ValueError, match="hourly_cost must be > 0"):
        debt.assess_backlog(_backlog(), hourly_cost=-5)
    with pytest.raises(TypeError, match="backlog must be a pandas DataFrame"):
        debt.assess_backlog(_backlog().to_dict(), hourly_cost=60)


# --------------------------------------------------------------------------- prioritise


def test_prioritise_twenty_percent_rule_greedy():
    assessed = debt.assess_backlog(_backlog(), hourly_cost=60)
    # 2 developers, 3 months, 20 %, 20 days/month: 0.2 * 2 * 20 * 3 = 24 developer-days.
    # By ROI: cache 10 d (take, 10), tests 6 d (take, 16), monolith 60 d (too big, pass),
    # style 5 d (take, 21), docs 4 d ("skip": never selected even though 21 + 4 > 24 anyway).
    out = debt.prioritise(assessed, developers=2)
    assert out.attrs["capacity_days"] == pytest.approx(24)
    assert out.attrs["selected_effort_days"] == pytest.approx(21)
    assert list(out["item"]) == ["cache", "tests", "monolith", "style", "docs"]
    assert list(out["selected"]) == [True, True, False, True, False]
    assert_allclose(out["cumulative_effort_days"], [10, 16, 16, 21, 21])


def test_prioritise_never_selects_skip_even_with_room():
    assessed = debt.assess_backlog(_backlog(), hourly_cost=60)
    out = debt.prioritise(assessed, developers=50, months=12)
    assert out.set_index("item")["selected"].to_dict() == {
        "cache": True, "tests": True, "monolith": True, "style": True, "docs": False,
    }  # fmt: skip
    assert out.attrs["selected_effort_days"] == pytest.approx(81)


def test_prioritise_exact_fit_and_zero_share():
    assessed = debt.assess_backlog(_backlog(), hourly_cost=60)
    # capacity exactly 16 days = cache + tests: 0.2 * 1 * 20 * 4 = 16
    out = debt.prioritise(assessed, developers=1, months=4)
    assert list(out["selected"]) == [True, True, False, False, False]
    none = debt.prioritise(assessed, developers=5, debt_share=0)
    assert not none["selected"].any() and none.attrs["capacity_days"] == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"developers": 0}, "developers must be > 0"),
        ({"developers": 3, "months": -1}, "months must be > 0"),
        ({"developers": 3, "debt_share": 20}, "debt_share must be between 0 and 1"),
        ({"developers": 3, "working_days_per_month": 0}, "working_days_per_month must be > 0"),
    ],
)
def test_prioritise_rejects_bad_parameters(kwargs, message):
    assessed = debt.assess_backlog(_backlog(), hourly_cost=60)
    with pytest.raises(ValueError, match=message):
        debt.prioritise(assessed, **kwargs)


def test_prioritise_needs_assessed_backlog():
    with pytest.raises(ValueError, match=r"missing column\(s\) \['effort_days', 'roi'"):
        debt.prioritise(_backlog(), developers=3)


def test_assess_backlog_accepts_the_loaders_item_index():
    # loaders.load_backlog() indexes the backlog by item: same numbers, item stays the index
    by_column = debt.assess_backlog(_backlog(), hourly_cost=60)
    by_index = debt.assess_backlog(_backlog().set_index("item"), hourly_cost=60)
    assert by_index.index.name == "item" and "item" not in by_index.columns
    assert list(by_index.index) == list(by_column["item"])
    assert_allclose(by_index["roi"], by_column["roi"])
    # errors still name the item when it is the index
    bad = _backlog().set_index("item").astype({"testing_days": object})
    bad.loc["cache", "testing_days"] = -1
    with pytest.raises(ValueError, match=r"column 'testing_days', item 'cache': must be >= 0"):
        debt.assess_backlog(bad, hourly_cost=60)
    # an unnamed index is not taken for the item names
    with pytest.raises(ValueError, match=r"missing column\(s\) \['item'\].*may be the index"):
        debt.assess_backlog(_backlog().drop(columns="item"), hourly_cost=60)
    # and the result goes straight into prioritise
    chosen = debt.prioritise(by_index, developers=2)
    assert list(chosen.index[chosen["selected"]]) == ["cache", "tests", "style"]


def test_assess_backlog_reads_the_loaded_sample_backlog():
    from scaling_models import loaders

    backlog = loaders.load_backlog()
    out = debt.assess_backlog(backlog, hourly_cost=60)
    assert out.index.name == "item" and set(out.index) == set(backlog.index)
    assert out["roi"].is_monotonic_decreasing


# --- uncertain estimates: simulate_roi / summarise_roi ------------------------------------

@pytest.fixture(scope="module")
def sample_backlog():
    from scaling_models import loaders

    return loaders.load_backlog()


def test_simulate_roi_with_exact_estimates_reproduces_assess_backlog(sample_backlog):
    point = debt.assess_backlog(sample_backlog, hourly_cost=60.0)["roi"]
    draws = debt.simulate_roi(sample_backlog, hourly_cost=60.0, effort_factor=1.0,
                              savings_factor=1.0, n_paths=3, rng=0)
    assert draws.shape == (3, len(sample_backlog))
    for _, row in draws.iterrows():
        np.testing.assert_allclose(row.to_numpy(), point.loc[draws.columns].to_numpy())


def test_simulate_roi_scales_each_draw_by_savings_over_effort(sample_backlog):
    # ROI is linear in savings and inversely proportional to effort, so each draw is the
    # point ROI times savings_factor / effort_factor, with the factors drawn from the seed.
    from scaling_models import distributions

    draws = debt.simulate_roi(sample_backlog, hourly_cost=60.0, n_paths=500, rng=7)
    factors = distributions.sample_inputs(
        {"effort_factor": (0.8, 2.0), "savings_factor": (0.5, 1.2)}, 500, rng=7)
    point = debt.assess_backlog(sample_backlog, hourly_cost=60.0)["roi"].loc[draws.columns]
    expected = np.outer(factors["savings_factor"] / factors["effort_factor"], point)
    np.testing.assert_allclose(draws.to_numpy(), expected, rtol=1e-12)


def test_simulate_roi_median_matches_lognormal_closed_form(sample_backlog):
    # A 90 % interval is lognormal with median sqrt(low * high); the ratio of two independent
    # lognormals is lognormal with median sqrt(0.5 * 1.2) / sqrt(0.8 * 2.0) = 0.6124.
    draws = debt.simulate_roi(sample_backlog, hourly_cost=60.0, n_paths=40_000, rng=3)
    point = debt.assess_backlog(sample_backlog, hourly_cost=60.0)["roi"].loc[draws.columns]
    ratio = (draws.median() / point).to_numpy()
    np.testing.assert_allclose(ratio, np.sqrt(0.6 / 1.6), rtol=0.02)


def test_simulate_roi_is_reproducible_and_seed_sensitive(sample_backlog):
    a = debt.simulate_roi(sample_backlog, hourly_cost=60.0, n_paths=200, rng=11)
    b = debt.simulate_roi(sample_backlog, hourly_cost=60.0, n_paths=200, rng=11)
    c = debt.simulate_roi(sample_backlog, hourly_cost=60.0, n_paths=200, rng=12)
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a.to_numpy(), c.to_numpy())


def test_summarise_roi_bands_agree_with_recommend(sample_backlog):
    draws = debt.simulate_roi(sample_backlog, hourly_cost=60.0, n_paths=2_000, rng=5)
    summary = debt.summarise_roi(draws)
    bands = ["p_now", "p_plan", "p_backlog", "p_skip"]
    np.testing.assert_allclose(summary[bands].sum(axis=1), 1.0)
    np.testing.assert_allclose(summary["p_now"], (draws > 3).mean())
    np.testing.assert_allclose(summary["low"], draws.quantile(0.1))
    assert (summary["low"] <= summary["median"]).all()
    assert (summary["median"] <= summary["high"]).all()


@pytest.mark.parametrize("kwargs, match", [
    ({"n_paths": 0}, "n_paths"),
    ({"effort_factor": (2.0, 0.8)}, "effort_factor"),
    ({"savings_factor": (0.5, 1.2, 0.1, 3.0)}, "savings_factor"),
    ({"hourly_cost": -1.0}, "hourly_cost"),
])
def test_simulate_roi_rejects_bad_input(sample_backlog, kwargs, match):
    args = {"hourly_cost": 60.0, "n_paths": 10, "rng": 0} | kwargs
    with pytest.raises(ValueError, match=match):
        debt.simulate_roi(sample_backlog, **args)


def test_summarise_roi_rejects_bad_interval(sample_backlog):
    draws = debt.simulate_roi(sample_backlog, hourly_cost=60.0, n_paths=10, rng=0)
    with pytest.raises(ValueError, match="interval"):
        debt.summarise_roi(draws, interval=1.5)


def test_simulate_roi_n_draws_is_a_deprecated_alias(sample_backlog):
    new = debt.simulate_roi(sample_backlog, hourly_cost=60.0, n_paths=50, rng=1)
    with pytest.warns(DeprecationWarning, match=r"simulate_roi\(n_draws=\.\.\.\)"):
        old = debt.simulate_roi(sample_backlog, hourly_cost=60.0, n_draws=50, rng=1)
    pd.testing.assert_frame_equal(old, new)
    with pytest.raises(TypeError, match="both n_draws= and n_paths="):
        debt.simulate_roi(sample_backlog, hourly_cost=60.0, n_paths=10, n_draws=50)
