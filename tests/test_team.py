"""Tests for scaling_models.team: docs/domain.md figures, hand computations, errors."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from scaling_models import team

C = 0.5 / 40  # default coordination share per colleague: 0.5 h of a 40 h week

# --- communication --------------------------------------------------------------------


def test_communication_channels_brooks():
    # n(n-1)/2: 10 people -> 45 channels, 50 -> 1225 (Brooks 1975, ch. 2).
    assert_allclose(team.communication_channels([0, 1, 2, 10, 50]), [0, 0, 1, 45, 1225])


def test_overhead_crosses_domain_thresholds_at_17_and_33():
    # docs/domain.md section 3: attention > 20 %, critical > 40 %. (n - 1) * 0.5 / 40.
    assert_allclose(team.communication_overhead([1, 17, 18, 33, 34]), [0, 0.2, 0.2125, 0.4, 0.4125])
    assert team.communication_overhead(16) < 0.20


def test_overhead_reproduces_published_worked_example():
    # "Brooks's Law and Intercommunication: You Talkin' to Me?" (blog post, 29 May 2007,
    # found in the nvidia/Nemotron-CC-Math-v1 corpus via the search tool): 1 h per pair per
    # week, 40 h weeks; 6 people keep 210 of 240 person-hours, 8 people 264 of 320.
    for n, productive_hours in [(6, 210), (8, 264)]:
        overhead = team.communication_overhead(n, hours_per_channel_per_week=1.0)
        assert n * 40 * (1 - overhead) == pytest.approx(productive_hours)


def test_overhead_is_capped_at_one():
    assert team.communication_overhead(200) == 1.0


@given(n=st.floats(0, 500), more=st.floats(0, 500), hours=st.floats(0, 5))
def test_overhead_is_monotone_in_team_size(n, more, hours):
    low = team.communication_overhead(n, hours_per_channel_per_week=hours)
    high = team.communication_overhead(n + more, hours_per_channel_per_week=hours)
    assert 0 <= low <= high <= 1


def test_overhead_rejects_bad_input():
    with pytest.raises(ValueError, match="developers must be >= 0; got -1"):
        team.communication_overhead(-1)
    with pytest.raises(ValueError, match="developers must not be NaN"):
        team.communication_overhead(float("nan"))
    with pytest.raises(ValueError, match="hours_per_channel_per_week must be >= 0"):
        team.communication_overhead(5, hours_per_channel_per_week=-0.5)
    with pytest.raises(ValueError, match="hours_per_week must be > 0"):
        team.communication_overhead(5, hours_per_week=0)
    with pytest.raises(ValueError, match="developers must be >= 0"):
        team.communication_channels([3, -2])


# --- onboarding -----------------------------------------------------------------------


def test_onboarding_ramp_linear_to_six_weeks():
    # docs/domain.md section 6: full productivity < 6 weeks.
    assert_allclose(team.onboarding_ramp([0, 1.5, 3, 6, 52]), [0, 0.25, 0.5, 1, 1])
    assert_allclose(team.onboarding_ramp(2, ramp_weeks=4), 0.5)


def test_mentoring_load_and_onboarding_cost():
    assert_allclose(team.mentoring_load([0, 5.99, 6, 10]), [0.2, 0.2, 0, 0])
    # Lost output of a linear 6-week ramp (3 developer-weeks) + 20 % of a senior for 6 weeks.
    assert team.onboarding_cost_weeks() == pytest.approx(3 + 1.2)
    assert team.onboarding_cost_weeks(4, 0.0) == pytest.approx(2)


def test_onboarding_rejects_bad_input():
    with pytest.raises(ValueError, match="ramp_weeks must be > 0; got 0"):
        team.onboarding_ramp(1, ramp_weeks=0)
    with pytest.raises(ValueError, match="ramp_weeks must be > 0"):
        team.onboarding_ramp(1, ramp_weeks=-6)
    with pytest.raises(ValueError, match="weeks_since_hire must be >= 0"):
        team.onboarding_ramp(-1)
    with pytest.raises(ValueError, match="mentor_share must be between 0 and 1"):
        team.mentoring_load(1, mentor_share=20)
    with pytest.raises(ValueError, match="ramp_weeks must be > 0"):
        team.onboarding_cost_weeks(0)


# --- velocity -------------------------------------------------------------------------


def test_effective_velocity_hand_values():
    # 10 developers, 3 points each, overhead 9 * 0.0125 = 0.1125: 30 * 0.8875.
    assert team.effective_velocity(10, 3.0) == pytest.approx(26.625)
    # 2 of them ramping at 50 %, mentored at 20 %: P = 8 + 1 - 0.4 = 8.6.
    assert team.effective_velocity(10, 3.0, ramping=2) == pytest.approx(8.6 * 3 * 0.8875)
    # Everyone ramping: nobody left to mentor, so no mentoring is subtracted.
    assert team.effective_velocity(4, 1.0, ramping=4, ramp_progress=0.25) == pytest.approx(
        1.0 * (1 - 3 * C)
    )


def test_effective_velocity_vectorised():
    n = np.array([[5.0], [10.0]])  # draws on axis 0
    v = np.array([2.0, 3.0, 4.0])
    out = team.effective_velocity(n, v)
    assert out.shape == (2, 3)
    assert_allclose(out[1, 1], 26.625)


def test_velocity_per_developer_from_domain_velocity():
    # docs/domain.md section 1: 30 points / sprint; with 10 developers v = 30 / (10 * 0.8875).
    v = team.velocity_per_developer(team.CURRENT_VELOCITY, 10)
    assert v == pytest.approx(30 / 8.875)
    assert team.effective_velocity(10, v) == pytest.approx(30)


@given(velocity=st.floats(0.1, 500), n=st.floats(1, 80))
def test_velocity_per_developer_inverts_effective_velocity(velocity, n):
    v = team.velocity_per_developer(velocity, n)
    assert team.effective_velocity(n, v) == pytest.approx(velocity, rel=1e-9)


@given(
    n=st.integers(1, 60),
    v=st.floats(0.1, 20),
    progress=st.floats(0, 1),
    mentor=st.floats(0, 1),
)
def test_ramping_hire_is_between_no_hire_and_full_hire(n, v, progress, mentor):
    # A team of n + 1 where the newest ramps: between that hire producing nothing (and
    # mentoring still paid) and the same hire fully productive.
    kwargs = {"mentor_share": mentor}
    zero = team.effective_velocity(n + 1, v, ramping=1, ramp_progress=0.0, **kwargs)
    ramping = team.effective_velocity(n + 1, v, ramping=1, ramp_progress=progress, **kwargs)
    full = team.effective_velocity(n + 1, v)
    assert zero - 1e-9 <= ramping <= full + 1e-9
    # The hire's own contribution lies between 0 and a full developer's.
    without = team.effective_velocity(n + 1, v, ramping=1, ramp_progress=0.0, mentor_share=0.0)
    with_hire = team.effective_velocity(n + 1, v, ramping=1, ramp_progress=progress, mentor_share=0)
    assert 0 <= with_hire - without <= full - without + 1e-9


def test_peak_team_size_and_maximum():
    # V(n) = n (1 - (n - 1) c) v peaks at (1/c + 1) / 2 = 40.5; 40 and 41 tie at 20.5 v.
    assert team.peak_team_size() == 40
    sizes = np.arange(1, 200)
    brute = sizes[np.argmax(team.effective_velocity(sizes, 1.0))]
    assert brute == 40
    assert team.effective_velocity(40, 1.0) == pytest.approx(20.5)
    assert team.peak_team_size(hours_per_channel_per_week=50) == 1


def test_developers_for_velocity_hand_value():
    # 11 developers give 11 * (1 - 10 * 0.0125) * 3 = 28.875 < 30; 12 give 31.05.
    assert team.developers_for_velocity(30, 3.0) == 12
    assert team.developers_for_velocity(0, 3.0) == 0
    assert team.developers_for_velocity(30, 3.0, hours_per_channel_per_week=0) == 10
    assert_allclose(team.developers_for_velocity([30, 31.05], 3.0), [12, 12])


@given(target=st.floats(0, 61.4), v=st.sampled_from([3.0]))
def test_developers_for_velocity_is_smallest_team(target, v):
    n = team.developers_for_velocity(target, v)
    assert team.effective_velocity(n, v) >= target * (1 - 1e-9)
    if n > 0:
        assert team.effective_velocity(n - 1, v) < target


def test_unreachable_velocity_names_maximum_and_size():
    with pytest.raises(ValueError, match=r"caps the velocity at 61\.5 .* with 40 developers"):
        team.developers_for_velocity(62, 3.0)
    with pytest.raises(ValueError, match="target_velocity=70.0 is out of reach"):
        team.developers_for_velocity([30, 70], 3.0)


def test_velocity_rejects_bad_input():
    with pytest.raises(ValueError, match="developers must be >= 0; got -3"):
        team.effective_velocity(-3, 2.0)
    with pytest.raises(ValueError, match="developers must not be NaN"):
        team.effective_velocity(float("nan"), 2.0)
    with pytest.raises(ValueError, match="ramping must be <= developers"):
        team.effective_velocity(3, 2.0, ramping=4)
    with pytest.raises(ValueError, match="ramp_progress must be between 0 and 1"):
        team.effective_velocity(3, 2.0, ramping=1, ramp_progress=50)
    with pytest.raises(ValueError, match="developers must be > 0; got 0"):
        team.velocity_per_developer(30, 0)
    with pytest.raises(ValueError, match="spend all their time communicating"):
        team.velocity_per_developer(30, 100)
    with pytest.raises(ValueError, match="velocity_per_developer must be > 0"):
        team.developers_for_velocity(30, 0)
    with pytest.raises(ValueError, match="target_velocity must be >= 0"):
        team.developers_for_velocity(-1, 3.0)
    with pytest.raises(ValueError, match="hours_per_channel_per_week must be > 0"):
        team.peak_team_size(0)


# --- attrition, lead time -------------------------------------------------------------


def test_monthly_attrition_compounds_to_annual_retention():
    # docs/domain.md section 6: 12-month retention > 90 %.
    a = team.monthly_attrition(0.90)
    assert (1 - a) ** 12 == pytest.approx(0.90)
    assert a == pytest.approx(0.0087416, rel=1e-4)
    assert team.DEFAULT_MONTHLY_ATTRITION == pytest.approx(a)
    assert team.monthly_attrition(1.0) == 0.0


def test_monthly_attrition_rejects_percent():
    with pytest.raises(ValueError, match="annual_retention must be between 0 and 1"):
        team.monthly_attrition(90)


def test_weeks_to_hire():
    assert team.weeks_to_hire() == 10
    # The article's 6-week process plus a French 3-month notice and 2 weeks of sourcing.
    assert team.weeks_to_hire(process_weeks=6, notice_weeks=13) == 21
    with pytest.raises(ValueError, match="notice_weeks must be >= 0"):
        team.weeks_to_hire(notice_weeks=-1)


# --- simulation -----------------------------------------------------------------------


def test_simulate_team_steady_state_matches_domain_velocity():
    # No hires, no attrition, default v calibrated on the initial team: 30 points forever.
    df = team.simulate_team(10, 0, 6)
    assert list(df.columns) == [
        "hires",
        "departures",
        "headcount",
        "ramping",
        "productive_headcount",
        "mentoring_fte",
        "communication_overhead",
        "effective_velocity",
    ]
    assert df.index.name == "month"
    assert_allclose(df["effective_velocity"], 30.0)
    assert_allclose(df["headcount"], 10.0)


def test_simulate_team_ramp_and_mentoring_hand_values():
    w = team.WEEKS_PER_MONTH  # 4.348 weeks
    df = team.simulate_team(10, [1, 0, 0, 0], 4, velocity_per_developer=3.0)
    # Month 0: the hire delivers the mean of t/6 over [0, w] = w / 12, and draws 20 % of a
    # senior all month; month 1: ramp ends at week 6, inside the month.
    first = w / 12
    second = (w * 2 - 3 - (w**2) / 12) / w  # (F(2w) - F(w)) / w with F(t) = t - 3 after 6
    assert df["productive_headcount"].iloc[0] == pytest.approx(10 + first - 0.2)
    mentoring_1 = 0.2 * (6 - w) / w
    assert df["mentoring_fte"].iloc[1] == pytest.approx(mentoring_1)
    assert df["productive_headcount"].iloc[1] == pytest.approx(10 + second - mentoring_1)
    assert df["productive_headcount"].iloc[2] == pytest.approx(11)
    assert_allclose(df["ramping"], [1, 1, 0, 0])
    assert df["effective_velocity"].iloc[3] == pytest.approx(team.effective_velocity(11, 3.0))


def test_simulate_team_attrition_closed_form():
    a = team.monthly_attrition(0.90)
    df = team.simulate_team(20, 0, 13, monthly_attrition=a, velocity_per_developer=2.0)
    assert_allclose(df["headcount"], 20 * (1 - a) ** np.arange(13))
    # 12-month retention of 90 %: 18 of 20 left at month 12.
    assert df["headcount"].iloc[12] == pytest.approx(18)
    assert_allclose(df["departures"].iloc[:-1].to_numpy(), -np.diff(df["headcount"]))


def test_simulate_team_scalar_and_array_hires_agree():
    a = team.simulate_team(5, 1, 6, velocity_per_developer=2.0)
    b = team.simulate_team(5, [1] * 6, 6, velocity_per_developer=2.0)
    pd.testing.assert_frame_equal(a, b)


def test_brooks_effect_a_big_wave_first_lowers_velocity():
    df = team.simulate_team(20, [0, 15, 0, 0, 0], 5, velocity_per_developer=2.0)
    v = df["effective_velocity"].to_numpy()
    assert v[1] < v[0]


@settings(max_examples=50, deadline=None)
@given(
    n0=st.integers(1, 15),
    base=st.lists(st.integers(0, 3), min_size=4, max_size=4),
    extra=st.lists(st.integers(0, 2), min_size=4, max_size=4),
    target=st.floats(5, 60),
)
def test_more_hires_below_the_peak_never_reach_target_later(n0, base, extra, target):
    # Hires in months 0-3, then 4 more months: once every hire is productive and the team
    # is below the velocity peak (40), more hires mean more velocity, so the first month
    # (from month 6) at or above the target is never later. Brooks's law makes the
    # statement false during the ramp and beyond the peak, which
    # test_brooks_effect_a_big_wave_first_lowers_velocity shows.
    months = 10
    few = np.array(base + [0] * 6, dtype=float)
    many = few + np.array(extra + [0] * 6, dtype=float)
    v_few = team.simulate_team(n0, few, months, velocity_per_developer=3.0)
    v_many = team.simulate_team(n0, many, months, velocity_per_developer=3.0)
    settled = slice(6, None)

    def first_reach(df):
        hit = np.flatnonzero(df["effective_velocity"].to_numpy()[settled] >= target)
        return hit[0] if hit.size else math.inf

    assert first_reach(v_many) <= first_reach(v_few)


def test_simulate_team_rejects_bad_input():
    with pytest.raises(ValueError, match="initial_developers must be >= 0"):
        team.simulate_team(-1, 0, 3, velocity_per_developer=2.0)
    with pytest.raises(ValueError, match="initial_developers must not be NaN"):
        team.simulate_team(float("nan"), 0, 3, velocity_per_developer=2.0)
    with pytest.raises(ValueError, match=r"one value per month \(3\); got shape \(2,\)"):
        team.simulate_team(5, [1, 2], 3, velocity_per_developer=2.0)
    with pytest.raises(ValueError, match="hires_per_month must be >= 0"):
        team.simulate_team(5, [1, -1, 0], 3, velocity_per_developer=2.0)
    with pytest.raises(ValueError, match="ramp_weeks must be > 0"):
        team.simulate_team(5, 1, 3, ramp_weeks=0, velocity_per_developer=2.0)
    with pytest.raises(ValueError, match=r"monthly_attrition must be in \[0, 1\)"):
        team.simulate_team(5, 1, 3, monthly_attrition=1.0, velocity_per_developer=2.0)
    with pytest.raises(ValueError, match="months must be >= 1"):
        team.simulate_team(5, 1, 0, velocity_per_developer=2.0)
    with pytest.raises(TypeError, match="months must be an integer"):
        team.simulate_team(5, 1, "12", velocity_per_developer=2.0)
    with pytest.raises(ValueError, match="velocity_per_developer is needed"):
        team.simulate_team(0, 1, 3)
    with pytest.raises(ValueError, match="velocity_per_developer must be > 0"):
        team.simulate_team(5, 1, 3, velocity_per_developer=-1.0)


# --- hiring plan ----------------------------------------------------------------------


def test_hiring_plan_hand_example():
    # 10 -> 12 developers for 30 points at v = 3 (see developers_for_velocity). Ramp of
    # 6 weeks = 1.38 months: join by month floor(6 - 1.38) = 4; lead time of 10 weeks =
    # 2.30 months: open by floor(4 - 2.30) = 1.
    plan = team.hiring_plan(10, 30, 6, velocity_per_developer=3.0, monthly_attrition=0.0)
    assert len(plan) == 2
    assert plan.index.name == "hire"
    assert plan["open_month"].tolist() == [1, 1]
    assert plan["join_month"].tolist() == [4, 4]
    assert plan["productive_month"].tolist() == [6, 6]
    assert plan["on_time"].all()
    assert plan.attrs["developers_needed"] == 12
    assert plan.attrs["peak_team_size"] == 40
    assert plan.attrs["max_velocity"] == pytest.approx(61.5)


def test_hiring_plan_replaces_leavers():
    no_attrition = team.hiring_plan(10, 45, 12, velocity_per_developer=3.0, monthly_attrition=0)
    with_attrition = team.hiring_plan(10, 45, 12, velocity_per_developer=3.0)
    assert len(with_attrition) > len(no_attrition)


@settings(max_examples=40, deadline=None)
@given(
    n0=st.integers(0, 30),
    target=st.floats(3, 58),
    target_month=st.integers(3, 18),
    retention=st.floats(0.7, 1.0),
)
def test_hiring_plan_reaches_target_in_simulation(n0, target, target_month, retention):
    a = float(team.monthly_attrition(retention))
    plan = team.hiring_plan(
        n0, target, target_month, velocity_per_developer=3.0, monthly_attrition=a
    )
    hires = np.bincount(plan["join_month"].to_numpy(), minlength=target_month + 1)
    df = team.simulate_team(
        n0,
        hires[: target_month + 1].astype(float),
        target_month + 1,
        velocity_per_developer=3.0,
        monthly_attrition=a,
    )
    assert df["effective_velocity"].iloc[target_month] >= target * (1 - 1e-9)
    # Whole hires: one fewer would miss the target.
    if len(plan) > 0:
        fewer = hires.astype(float)
        fewer[plan["join_month"].iloc[-1]] -= 1
        df_fewer = team.simulate_team(
            n0,
            fewer[: target_month + 1],
            target_month + 1,
            velocity_per_developer=3.0,
            monthly_attrition=a,
        )
        assert df_fewer["effective_velocity"].iloc[target_month] < target


@given(low=st.floats(3, 55), more=st.floats(0, 5), lead=st.floats(0, 20), longer=st.floats(0, 10))
def test_hiring_plan_monotone(low, more, lead, longer):
    plan = team.hiring_plan(5, low, 12, velocity_per_developer=3.0, lead_time_weeks=lead)
    higher = team.hiring_plan(5, low + more, 12, velocity_per_developer=3.0, lead_time_weeks=lead)
    later_lead = team.hiring_plan(
        5, low, 12, velocity_per_developer=3.0, lead_time_weeks=lead + longer
    )
    assert len(higher) >= len(plan)
    if len(plan):
        assert later_lead["open_month"].max() <= plan["open_month"].max()


def test_hiring_plan_capacity_spreads_hires_backwards():
    plan = team.hiring_plan(
        10, 45, 12, velocity_per_developer=3.0, monthly_attrition=0, max_hires_per_month=3
    )
    per_month = plan.groupby("join_month").size()
    assert per_month.max() <= 3
    assert per_month.index.max() == math.floor(12 - 6 / team.WEEKS_PER_MONTH)
    assert len(plan) == 20 - 10  # no attrition: exactly the gap


def test_hiring_plan_flags_late_positions():
    plan = team.hiring_plan(10, 30, 2, velocity_per_developer=3.0, monthly_attrition=0)
    assert not plan["on_time"].any()
    assert (plan["open_month"] < 0).all()


def test_hiring_plan_empty_when_target_already_met():
    plan = team.hiring_plan(12, 30, 6, velocity_per_developer=3.0, monthly_attrition=0)
    assert plan.empty
    assert list(plan.columns) == ["open_month", "join_month", "productive_month", "on_time"]


def test_hiring_plan_unreachable_target_raises():
    with pytest.raises(ValueError, match=r"caps the velocity at 61\.5 .* with 40 developers"):
        team.hiring_plan(10, 62, 12, velocity_per_developer=3.0)


def test_hiring_plan_past_the_peak_raises():
    # 70 developers deliver 70 * (1 - 69 * 0.0125) * 3 = 36.9 < 50: hiring only hurts.
    with pytest.raises(ValueError, match="past the velocity peak"):
        team.hiring_plan(70, 50, 6, velocity_per_developer=3.0, monthly_attrition=0)


def test_hiring_plan_rejects_bad_input():
    kw = {"velocity_per_developer": 3.0}
    with pytest.raises(ValueError, match="current_developers must be >= 0"):
        team.hiring_plan(-1, 30, 6, **kw)
    with pytest.raises(ValueError, match="target_velocity must be > 0"):
        team.hiring_plan(10, 0, 6, **kw)
    with pytest.raises(ValueError, match="target_month must be >= 0"):
        team.hiring_plan(10, 30, -1, **kw)
    with pytest.raises(ValueError, match="ramp_weeks must be > 0"):
        team.hiring_plan(10, 30, 6, ramp_weeks=0, **kw)
    with pytest.raises(ValueError, match="lead_time_weeks must be >= 0"):
        team.hiring_plan(10, 30, 6, lead_time_weeks=-2, **kw)
    with pytest.raises(ValueError, match="max_hires_per_month must be >= 1"):
        team.hiring_plan(10, 30, 6, max_hires_per_month=0, **kw)
    with pytest.raises(ValueError, match="cannot outpace attrition"):
        team.hiring_plan(
            1, 60, 12, velocity_per_developer=3.0, monthly_attrition=0.5, max_hires_per_month=1
        )
    with pytest.raises(TypeError, match="velocity_per_developer"):
        team.hiring_plan(10, 30, 6)


@pytest.mark.parametrize("target", [0.0, 1.0, 7.3, 30.0, 36.0])
def test_developers_needed_is_team_model_within_one_team(target):
    v = team.velocity_per_developer(30.0, 13)
    # one team of 17 delivers 17 v (1 - 16 x 0.5 / 40) = 36.9: every target here fits
    assert team.developers_needed(target, v) == team.developers_for_velocity(target, v)


@settings(max_examples=60, deadline=None)
@given(target=st.floats(0.0, 2_000.0), m=st.integers(1, 40), v=st.floats(0.5, 5.0))
def test_developers_needed_reaches_the_target_and_no_fewer_in_the_last_team(target, m, v):
    n = int(team.developers_needed(target, v, max_team_size=m))
    full, last = divmod(n, m)
    per_team = float(team.effective_velocity(m, v))
    delivered = full * per_team + float(team.effective_velocity(last, v))
    assert delivered >= target * (1 - 1e-9)
    if last:  # one developer fewer in the last team falls short
        assert full * per_team + float(team.effective_velocity(last - 1, v)) < target
    bigger = int(team.developers_needed(target * 1.1 + 1.0, v, max_team_size=m))
    assert bigger >= n


@settings(max_examples=60, deadline=None)
@given(n=st.integers(0, 500), m=st.integers(1, 40), v=st.floats(0.5, 5.0))
def test_organisation_velocity_is_inverted_by_developers_needed(n, m, v):
    delivered = float(team.organisation_velocity(n, v, max_team_size=m))
    # the staffing rule may need fewer developers for the same velocity, never more
    assert team.developers_needed(delivered, v, max_team_size=m) <= n


def test_organisation_velocity_within_one_team_is_effective_velocity():
    assert_allclose(team.organisation_velocity(np.arange(18), 2.0),
                    team.effective_velocity(np.arange(18), 2.0))
    # 40 developers = two teams of 17 and one of 6, no coordination between teams
    two_teams = 2 * team.effective_velocity(17, 2.0) + team.effective_velocity(6, 2.0)
    assert team.organisation_velocity(40, 2.0) == pytest.approx(two_teams)


def test_organisation_rejects_a_team_past_its_peak_and_bad_sizes():
    with pytest.raises(ValueError, match=r"max_team_size must be <= 40"):
        team.developers_needed(30.0, 2.0, max_team_size=45)
    with pytest.raises(ValueError, match="max_team_size must be >= 1"):
        team.organisation_velocity(10, 2.0, max_team_size=0)
    with pytest.raises(ValueError, match="target_velocity"):
        team.developers_needed(-1.0, 2.0)
    with pytest.raises(ValueError, match="developers"):
        team.organisation_velocity(-3, 2.0)
