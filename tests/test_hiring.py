"""Tests of scaling_models.hiring: recruitment funnel and interview grid (docs/domain.md sec. 6)."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from scaling_models import hiring, team

# --- recruitment funnel ---------------------------------------------------------------


def test_default_funnel_rates():
    # docs/domain.md section 6: 100 -> 30 -> 15 -> 8 -> 4 -> 2 -> 1.
    rates = hiring.funnel_conversion()
    assert list(rates.index) == [*hiring.FUNNEL_STAGES[1:], "overall"]
    assert_allclose(rates.to_numpy(), [0.3, 0.5, 8 / 15, 0.5, 0.5, 0.5, 0.01])
    assert hiring.applications_per_hire() == 100
    assert hiring.applications_needed(5) == 500
    assert_allclose(hiring.applications_needed([0, 1, 2.5]), [0, 100, 250])
    assert hiring.candidates_needed(2).tolist() == [200, 60, 30, 16, 8, 4, 2]


@pytest.mark.parametrize(
    "counts",
    [
        dict(hiring.DEFAULT_FUNNEL),
        pd.Series(dict(hiring.DEFAULT_FUNNEL)),
        [100, 30, 15, 8, 4, 2, 1],
        np.array([100, 30, 15, 8, 4, 2, 1]),
    ],
)
def test_funnel_accepts_mapping_series_and_sequence(counts):
    assert hiring.funnel_conversion(counts)["overall"] == pytest.approx(0.01)


def test_funnel_per_quarter_frame():
    frame = pd.DataFrame(
        {
            "quarter": ["2024-Q1", "2024-Q2"],
            "applications": [100, 200],
            "qualified": [30, 50],
            "motivated": [15, 25],
            "competent": [8, 10],
            "technically_validated": [4, 5],
            "finalists": [2, 2],
            "hired": [1, 0],
        }
    )
    rates = hiring.funnel_conversion(frame)
    assert list(rates.index) == ["2024-Q1", "2024-Q2"]
    assert rates.loc["2024-Q2", "qualified"] == pytest.approx(0.25)
    assert rates.loc["2024-Q2", "overall"] == 0
    per_hire = hiring.applications_per_hire(frame)
    assert per_hire["2024-Q1"] == 100 and per_hire["2024-Q2"] == math.inf
    # Pooled: 300 applications for 1 hire.
    assert hiring.applications_needed(2, frame) == 600


def test_funnel_rate_after_empty_stage_is_nan():
    rates = hiring.funnel_conversion([10, 0, 0, 0, 0, 0, 0])
    assert rates["qualified"] == 0
    assert np.isnan(rates["motivated"])


def test_funnel_rejects_increasing_counts():
    with pytest.raises(ValueError, match="must not increase down the funnel: motivated=40"):
        hiring.funnel_conversion([100, 30, 40, 8, 4, 2, 1])
    frame = pd.DataFrame([dict(hiring.DEFAULT_FUNNEL), {**hiring.DEFAULT_FUNNEL, "hired": 3}])
    with pytest.raises(ValueError, match="in row 1: hired=3 > finalists=2"):
        hiring.funnel_conversion(frame)


def test_funnel_rejects_bad_counts():
    with pytest.raises(ValueError, match=r"missing funnel stages \['hired'\]"):
        hiring.funnel_conversion({s: 1 for s in hiring.FUNNEL_STAGES[:-1]})
    with pytest.raises(ValueError, match=r"counts\['finalists'\] must be >= 0"):
        hiring.funnel_conversion([100, 30, 15, 8, 4, -2, -3])
    with pytest.raises(ValueError, match=r"counts\['qualified'\] must not be NaN"):
        hiring.funnel_conversion([100, float("nan"), 15, 8, 4, 2, 1])
    with pytest.raises(ValueError, match=r"counts\['applications'\] must be > 0"):
        hiring.funnel_conversion([0, 0, 0, 0, 0, 0, 0])
    with pytest.raises(ValueError, match="must hold 7 values"):
        hiring.funnel_conversion([100, 30, 15])
    with pytest.raises(TypeError, match="counts must be a mapping"):
        hiring.funnel_conversion("100,30")
    with pytest.raises(ValueError, match="no hire"):
        hiring.applications_needed(3, [100, 30, 15, 8, 4, 2, 0])
    with pytest.raises(ValueError, match="hires must be >= 0"):
        hiring.applications_needed(-1)


@given(
    counts=st.lists(st.integers(1, 1000), min_size=7, max_size=7).map(
        lambda xs: sorted(xs, reverse=True)
    ),
    hires=st.integers(0, 50),
)
def test_funnel_overall_rate_is_product_of_stage_rates(counts, hires):
    rates = hiring.funnel_conversion(counts)
    assert np.prod(rates.iloc[:-1].to_numpy()) == pytest.approx(rates["overall"])
    needed = hiring.applications_needed(hires, counts)
    # Enough applications, and one fewer would not yield the hires at the same rate.
    assert needed * rates["overall"] >= hires - 1e-9
    assert (needed - 1) * rates["overall"] < hires or hires == 0


# --- interview grid -------------------------------------------------------------------


def test_interview_grid_maxima_and_total():
    assert sum(hiring.INTERVIEW_MAXIMA.values()) == 100
    full = hiring.interview_score(
        architecture=20, code_quality=20, stack=20, soft_skills=30, culture_fit=10
    )
    assert full == 100
    score = hiring.interview_score(
        architecture=[15, 10], code_quality=18, stack=12, soft_skills=[25, 20], culture_fit=8
    )
    assert_allclose(score, [78, 68])


@pytest.mark.parametrize(
    ("score", "decision"),
    [
        (100, "strong hire"),
        (80, "strong hire"),
        (79.9, "weak hire"),
        (60, "weak hire"),
        (59.9, "no hire"),
        (0, "no hire"),
    ],
)
def test_interview_decision_boundaries(score, decision):
    # docs/domain.md section 6: >= 80 strong hire, 60-79 weak hire, < 60 no hire.
    assert hiring.interview_decision(score) == decision


def test_interview_decision_vectorised():
    out = hiring.interview_decision(np.array([85, 70, 40]))
    assert out.tolist() == ["strong hire", "weak hire", "no hire"]


def test_interview_rejects_out_of_range():
    ok = {"architecture": 10, "code_quality": 10, "stack": 10, "soft_skills": 10}
    with pytest.raises(ValueError, match=r"culture_fit must be in \[0, 10\]; got 11"):
        hiring.interview_score(**ok, culture_fit=11)
    with pytest.raises(ValueError, match=r"soft_skills must be in \[0, 30\]; got -1"):
        hiring.interview_score(architecture=1, code_quality=1, stack=1, soft_skills=-1,
                               culture_fit=1)
    with pytest.raises(ValueError, match=r"score must be in \[0, 100\]; got 101"):
        hiring.interview_decision(101)
    with pytest.raises(ValueError, match="score must not be NaN"):
        hiring.interview_decision(float("nan"))
    with pytest.raises(TypeError, match="missing 1 required keyword-only argument"):
        hiring.interview_score(**ok)


def test_team_re_exports_the_hiring_api():
    # issue 2 lists the funnel and the interview grid under team: users' notebooks call them there
    for name in hiring.__all__:
        assert getattr(team, name) is getattr(hiring, name)
        assert name in team.__all__
