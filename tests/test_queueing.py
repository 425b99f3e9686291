"""Tests for scaling_models.queueing: Erlang B/C, M/M/1, M/M/c, Little's law."""

import heapq
import math
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy.integrate import quad

from scaling_models import queueing


def erlang_b_sum(c, a):
    """Textbook Erlang B, (A^c/c!) / sum_k A^k/k!, in log space (independent of the code)."""
    logs = [k * math.log(a) - math.lgamma(k + 1) for k in range(c + 1)]
    top = max(logs)
    return math.exp(logs[-1] - top) / sum(math.exp(v - top) for v in logs)


def erlang_c_sum(c, a):
    """Textbook Erlang C sum formula, exact rationals via math.factorial."""
    tail = a**c / math.factorial(c) * c / (c - a)
    return tail / (sum(a**k / math.factorial(k) for k in range(c)) + tail)


# --- Erlang C: published worked examples ---------------------------------------------


def test_erlang_c_call_centre_helper_worked_example():
    # Call Centre Helper, "Erlang C Formula - Made Simple With an Easy Worked Example"
    # (callcentrehelper.com; found with the search tool, pages corpus): 100 calls per
    # 30 minutes with a 180 s handling time is A = 10 erlangs, first try N = A + 1 = 11
    # agents, for which the article gives Pw = 68.21 % (the stored excerpt stops before
    # that line; the value is also what the textbook sum gives). Its iteration reaches 14
    # agents with Pw = 0.174, service level (answered within 20 s) 0.888 and occupancy
    # 0.714: the figures asserted by pyworkforce's tests for the same inputs
    # (rodrigo-arenas/pyworkforce, pyworkforce/queuing/tests/test_erlang.py).
    assert round(float(queueing.erlang_c(11, 10.0)), 4) == 0.6821
    assert round(float(queueing.erlang_c(14, 10.0)), 3) == 0.174
    # Service level: P(W <= t) = 1 - C exp(-(c - A) t / AHT), Kleinrock 1975 section 3.5.
    c14 = float(queueing.erlang_c(14, 10.0))
    assert round(1 - c14 * math.exp(-(14 - 10) * 20 / 180), 3) == 0.888
    assert round(10 / 14, 3) == 0.714


def test_erlang_c_textbook_question_ten_servers():
    # Math Stack Exchange question reproduced in the Nemotron-CC-Math pages (search tool):
    # 120 customers/hour, 3 minutes each (A = 6 erlangs), 10 servers; "from the Erlang C
    # curve, it follows that the probability of waiting is about 0.10".
    assert round(float(queueing.erlang_c(10, 6.0)), 2) == 0.10


@pytest.mark.parametrize(
    ("servers", "load"),
    [(1, 0.3), (1, 0.95), (2, 1.0), (3, 2.0), (5, 4.5), (10, 6.0), (14, 10.0), (30, 29.5)],
)
def test_erlang_c_matches_textbook_sum_formula(servers, load):
    assert_allclose(queueing.erlang_c(servers, load), erlang_c_sum(servers, load), rtol=1e-12)


def test_erlang_c_single_server_is_utilisation():
    # M/M/1: an arrival waits exactly when the server is busy, probability rho.
    rho = np.linspace(0.0, 0.99, 12)
    assert_allclose(queueing.erlang_c(1, rho), rho, rtol=1e-14, atol=1e-15)


def test_erlang_c_zero_load_never_waits():
    assert queueing.erlang_c(3, 0.0) == 0.0


# --- Erlang B -------------------------------------------------------------------------


def test_erlang_b_exact_small_values():
    # B(1, 1) = 1/2 and B(2, 1) = (1/2) / (1 + 1 + 1/2) = 0.2, by hand.
    assert_allclose(queueing.erlang_b(1, 1.0), 0.5, rtol=1e-15)
    assert_allclose(queueing.erlang_b(2, 1.0), 0.2, rtol=1e-15)


@pytest.mark.parametrize(
    ("servers", "load"), [(1, 0.5), (5, 3.0), (17, 10.0), (40, 55.0), (500, 450.0), (2000, 1900.0)]
)
def test_erlang_b_matches_log_space_sum_even_for_large_pools(servers, load):
    # 2000! overflows a float: the recursion must not form it.
    assert_allclose(queueing.erlang_b(servers, load), erlang_b_sum(servers, load), rtol=1e-10)


def test_erlang_b_seventeen_trunks_for_two_percent_at_ten_erlangs():
    # Standard Erlang B table (grade of service 2 %): 10 erlangs needs 17 trunks; also
    # asserted by pyworkforce tests/test_erlang_b.py for A = 10, max_blocking = 0.02.
    assert queueing.erlang_b(17, 10.0) <= 0.02 < queueing.erlang_b(16, 10.0)


def test_erlang_b_vectorised_over_servers_and_load():
    servers = np.array([[1], [4], [9]])
    load = np.array([0.0, 0.5, 3.0, 8.0])
    got = queueing.erlang_b(servers, load)
    assert got.shape == (3, 4)
    expected = [[erlang_b_sum(int(c), a) if a > 0 else 0.0 for a in load] for c in servers[:, 0]]
    assert_allclose(got, expected, rtol=1e-12)


def test_erlang_c_vectorised_matches_scalar_calls():
    servers = np.array([2, 5, 12])
    load = np.array([1.5, 4.0, 11.0])
    expected = [erlang_c_sum(int(c), a) for c, a in zip(servers, load, strict=True)]
    assert_allclose(queueing.erlang_c(servers, load), expected, rtol=1e-12)


# --- Erlang bad inputs ----------------------------------------------------------------


def test_erlang_c_rejects_unstable_queue_naming_both_values():
    msg = "servers must be > offered_load for a stable queue; got servers=3, offered_load=3.5"
    with pytest.raises(ValueError, match=re.escape(msg)):
        queueing.erlang_c(3, 3.5)


def test_erlang_c_rejects_load_equal_to_servers():
    with pytest.raises(ValueError, match="servers must be > offered_load"):
        queueing.erlang_c(4, 4.0)


def test_erlang_c_unstable_element_of_an_array_is_located():
    with pytest.raises(ValueError, match=r"servers=2, offered_load=2\.5 at index 1"):
        queueing.erlang_c(2, [1.0, 2.5])


@pytest.mark.parametrize(
    ("servers", "match"),
    [(0, "servers must be >= 1; got 0"), (2.5, "servers must be a whole number; got 2.5")],
)
def test_erlang_rejects_bad_server_counts(servers, match):
    with pytest.raises(ValueError, match=re.escape(match)):
        queueing.erlang_b(servers, 1.0)


def test_erlang_rejects_bad_server_array():
    with pytest.raises(
        ValueError, match=r"servers must be whole numbers >= 1; got 1\.5 at index 1"
    ):
        queueing.erlang_b([2, 1.5], 1.0)


def test_erlang_rejects_server_count_given_as_text():
    with pytest.raises(TypeError, match="servers must be an integer"):
        queueing.erlang_c("3", 1.0)


@pytest.mark.parametrize(
    ("load", "match"),
    [(-1.0, "offered_load must be >= 0; got -1.0"), (np.nan, "offered_load must not be NaN")],
)
def test_erlang_rejects_bad_offered_load(load, match):
    with pytest.raises(ValueError, match=re.escape(match)):
        queueing.erlang_b(3, load)


# --- M/M/1 ----------------------------------------------------------------------------


def test_mm1_means_lecture_table():
    # Lecture notes on M/M/1 delay (Western Michigan CS 6030, "Lecture 12", found with the
    # search tool on coursehero.com/file/9082366): mu = 200 pps; lambda = 100, 150, 175 pps
    # give mean delays of 10, 20 and 40 ms.
    s = 1 / 200
    assert_allclose(queueing.mm1_response_time([0.5, 0.75, 0.875], s), [0.010, 0.020, 0.040])
    # waiting = response - service
    assert_allclose(queueing.mm1_waiting_time(0.5, s), 0.005)


def test_mm1_percentile_published_examples():
    # Same lecture: "90th percentile system delay = T ln 10", T = 10 ms -> 23.0 ms.
    assert round(float(queueing.mm1_response_time_percentile(0.5, 1 / 200, q=0.9)), 4) == 0.0230
    # R. Jain, The Art of Computer Systems Performance Analysis (Wiley, 1991), Box 31.9
    # (G/M/1, "for Poisson arrivals ... identical to those for M/M/1"), items 14-15:
    # "q-Percentile of the response time: E[r] ln[100/(100-q)]", "90-Percentile ...
    # 2.3 E[r]" (found with the search tool in course slides, kuliahonline.unikom.ac.id).
    for rho in (0.1, 0.5, 0.9):
        ratio = queueing.mm1_response_time_percentile(rho, 1.0, q=0.9) / (1 / (1 - rho))
        assert round(float(ratio), 1) == 2.3


def test_mm1_little_law_gives_mean_number_in_system():
    # L = lambda T = rho / (1 - rho) for M/M/1 (Kleinrock 1975, eq. for N-bar).
    rho, s = 0.8, 0.25
    in_system = queueing.littles_law(rho / s, queueing.mm1_response_time(rho, s))
    assert_allclose(in_system, rho / (1 - rho), rtol=1e-14)


# --- M/M/c means and percentiles --------------------------------------------------------


def test_mmc_waiting_time_single_server_equals_mm1():
    rho = np.linspace(0.0, 0.98, 8)
    assert_allclose(
        queueing.mmc_waiting_time(1, rho, 0.3), queueing.mm1_waiting_time(rho, 0.3), atol=1e-15
    )
    assert_allclose(
        queueing.mmc_response_time(1, rho, 0.3), queueing.mm1_response_time(rho, 0.3), rtol=1e-14
    )


def test_mmc_waiting_time_call_centre_little_law():
    # Wq = C S / (c - A): 14 agents, 10 erlangs, AHT 180 s (Call Centre Helper inputs).
    wq = queueing.mmc_waiting_time(14, 10 / 14, 180.0)
    assert_allclose(wq, erlang_c_sum(14, 10.0) * 180 / 4, rtol=1e-12)


@pytest.mark.parametrize("q", [1e-6, 0.01, 0.3, 0.5, 0.9, 0.95, 0.99, 0.999999])
@pytest.mark.parametrize("rho", [0.0, 0.05, 0.5, 0.9, 0.999])
def test_mmc_percentile_reduces_to_mm1_for_one_server(rho, q):
    assert_allclose(
        queueing.mmc_response_time_percentile(1, rho, 0.2, q=q),
        queueing.mm1_response_time_percentile(rho, 0.2, q=q),
        rtol=1e-9,
    )


def sojourn_cdf_by_quadrature(c, rho, s, t):
    """P(W + S <= t) by numerical convolution, independent of the closed form."""
    mu = 1 / s
    a = c * mu * (1 - rho)
    wait = erlang_c_sum(c, c * rho)

    def density_times_service_cdf(w):
        return a * math.exp(-a * w) * -math.expm1(-mu * (t - w))

    convolved, _ = quad(density_times_service_cdf, 0.0, t, epsabs=1e-14, epsrel=1e-13)
    return (1 - wait) * -math.expm1(-mu * t) + wait * convolved


@pytest.mark.parametrize(
    ("c", "rho"),
    # (2, 0.5) is the a == mu case: c mu - lambda = mu.
    [(2, 0.5), (2, 0.3), (3, 0.9), (8, 0.7), (16, 0.95), (4, 0.0)],
)
@pytest.mark.parametrize("q", [0.1, 0.5, 0.95, 0.99])
def test_mmc_percentile_inverts_independent_cdf(c, rho, q):
    t = float(queueing.mmc_response_time_percentile(c, rho, 0.4, q=q))
    assert sojourn_cdf_by_quadrature(c, rho, 0.4, t) == pytest.approx(q, rel=1e-9)


def test_mmc_percentile_continuous_across_equal_rates():
    # c = 2, rho = 0.5 makes the wait rate equal the service rate (the special case).
    rho = 0.5 + np.array([-1e-9, 0.0, 1e-9])
    got = queueing.mmc_response_time_percentile(2, rho, 1.0, q=0.95)
    assert_allclose(got, got[1], rtol=1e-8)


def test_mmc_percentile_zero_utilisation_is_service_time_quantile():
    assert_allclose(
        queueing.mmc_response_time_percentile(5, 0.0, 0.3, q=0.95), -math.log(0.05) * 0.3
    )


def test_mmc_percentile_broadcasts_like_scalar_calls():
    servers = np.array([[1], [3], [10]])
    rho = np.array([0.2, 0.6, 0.95])
    got = queueing.mmc_response_time_percentile(servers, rho, 0.05, q=0.99)
    assert got.shape == (3, 3)
    for i, c in enumerate(servers[:, 0]):
        for j, r in enumerate(rho):
            single = queueing.mmc_response_time_percentile(int(c), r, 0.05, q=0.99)
            assert got[i, j] == pytest.approx(float(single), rel=1e-12)


def simulate_mmc_response_times(c, rho, service_time, n, rng):
    """FCFS M/M/c by the Kiefer-Wolfowitz recursion: each arrival takes the earliest-free
    server, so start = max(arrival, earliest free time)."""
    arrival_rate = c * rho / service_time
    arrivals = np.cumsum(rng.exponential(1 / arrival_rate, n)).tolist()
    services = rng.exponential(service_time, n).tolist()
    free = [0.0] * c
    response = [0.0] * n
    for i in range(n):
        start = max(arrivals[i], free[0])
        done = start + services[i]
        heapq.heapreplace(free, done)
        response[i] = done - arrivals[i]
    return np.array(response)


def test_mmc_percentiles_agree_with_seeded_simulation():
    # Independent of the closed form: simulate 1 M customers (about 0.3 s) and check the
    # share answered within each analytic percentile. Accuracy is pinned by the quadrature
    # test above; this one catches a wrong model (missing wait, wrong wait rate).
    c, rho, s = 4, 0.75, 1.0
    rng = np.random.default_rng(20240601)
    response = simulate_mmc_response_times(c, rho, s, 1_000_000, rng)[5_000:]  # drop warm-up
    # Batch means: queue lengths are autocorrelated, so plain binomial errors are too small.
    batches = np.array_split(response, 40)
    for q in (0.5, 0.95, 0.99):
        t_q = float(queueing.mmc_response_time_percentile(c, rho, s, q=q))
        shares = np.array([np.mean(b <= t_q) for b in batches])
        se = shares.std(ddof=1) / math.sqrt(len(batches))
        assert abs(shares.mean() - q) < 4 * se, (q, shares.mean(), se)
        # A model without the queueing delay would put far fewer requests under t_q.
        assert abs(np.mean(response <= -math.log1p(-q) * s) - q) > 10 * se
    means = np.array([b.mean() for b in batches])
    se = means.std(ddof=1) / math.sqrt(len(batches))
    assert abs(means.mean() - float(queueing.mmc_response_time(c, rho, s))) < 4 * se


@settings(max_examples=60, deadline=None)
@given(
    c=st.integers(1, 40),
    rho=st.floats(0.0, 0.99),
    q1=st.floats(0.01, 0.98),
    dq=st.floats(0.001, 0.5),
)
def test_mmc_percentile_rises_with_q_and_exceeds_service_quantile(c, rho, q1, dq):
    q2 = min(q1 + dq, 0.999)
    t1 = float(queueing.mmc_response_time_percentile(c, rho, 1.0, q=q1))
    t2 = float(queueing.mmc_response_time_percentile(c, rho, 1.0, q=q2))
    assert t2 >= t1
    # Response time >= service time, so its quantile is at least the service quantile.
    assert t1 >= -math.log1p(-q1) * (1 - 1e-12)


@settings(max_examples=60, deadline=None)
@given(c=st.integers(1, 40), rho1=st.floats(0.0, 0.98), drho=st.floats(0.0, 0.5))
def test_mmc_percentile_rises_with_utilisation(c, rho1, drho):
    rho2 = min(rho1 + drho, 0.99)
    t1 = float(queueing.mmc_response_time_percentile(c, rho1, 1.0, q=0.95))
    t2 = float(queueing.mmc_response_time_percentile(c, rho2, 1.0, q=0.95))
    assert t2 >= t1 * (1 - 1e-12)


def test_response_time_percentiles_table():
    rho = [0.1, 0.5, 0.8, 0.95]
    table = queueing.response_time_percentiles(4, rho, 0.2)
    assert isinstance(table, pd.DataFrame)
    assert table.columns.tolist() == ["mean", "P50", "P95", "P99"]
    assert table.index.name == "utilisation"
    assert table.index.tolist() == rho
    assert_allclose(
        table["P95"].to_numpy(), queueing.mmc_response_time_percentile(4, rho, 0.2, q=0.95)
    )
    assert_allclose(table["mean"].to_numpy(), queueing.mmc_response_time(4, rho, 0.2))
    values = table[["P50", "P95", "P99"]].to_numpy()
    assert np.all(np.diff(values, axis=1) > 0)
    assert np.all(np.diff(values, axis=0) > 0)


def test_response_time_percentiles_custom_levels():
    table = queueing.response_time_percentiles(1, [0.5], 1.0, q=(0.9, 0.999))
    assert table.columns.tolist() == ["mean", "P90", "P99.9"]


def test_response_time_percentiles_rejects_2d_utilisation():
    with pytest.raises(ValueError, match="utilisation must be 1-D"):
        queueing.response_time_percentiles(2, [[0.1, 0.2]], 1.0)


# --- M/M/1 and M/M/c bad inputs --------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda u: queueing.mm1_waiting_time(u, 1.0),
        lambda u: queueing.mm1_response_time(u, 1.0),
        lambda u: queueing.mm1_response_time_percentile(u, 1.0),
        lambda u: queueing.mmc_waiting_time(2, u, 1.0),
        lambda u: queueing.mmc_response_time(2, u, 1.0),
        lambda u: queueing.mmc_response_time_percentile(2, u, 1.0),
    ],
)
@pytest.mark.parametrize(
    ("u", "match"),
    [
        (1.0, r"utilisation must be in [0, 1); got 1.0"),
        (1.2, r"utilisation must be in [0, 1); got 1.2"),
        (-0.1, r"utilisation must be in [0, 1); got -0.1"),
        (math.nan, "utilisation must not be NaN"),
    ],
)
def test_queue_functions_reject_bad_utilisation(call, u, match):
    with pytest.raises(ValueError, match=re.escape(match)):
        call(u)


@pytest.mark.parametrize("q", [0.0, 1.0, 95, -0.5])
def test_percentiles_reject_q_outside_open_unit_interval(q):
    msg = f"q must be in (0, 1); got {q!r}"
    with pytest.raises(ValueError, match=re.escape(msg)):
        queueing.mm1_response_time_percentile(0.5, 1.0, q=q)
    with pytest.raises(ValueError, match=re.escape(msg)):
        queueing.mmc_response_time_percentile(3, 0.5, 1.0, q=q)


@pytest.mark.parametrize("service_time", [0.0, -2.0])
def test_queue_functions_reject_nonpositive_service_time(service_time):
    with pytest.raises(
        ValueError, match=re.escape(f"service_time must be > 0; got {service_time}")
    ):
        queueing.mmc_response_time_percentile(3, 0.5, service_time)


def test_queue_functions_reject_infinite_service_time():
    with pytest.raises(ValueError, match="service_time must be finite"):
        queueing.mm1_response_time(0.5, math.inf)


# --- Little's law and unit conversions ---------------------------------------------------


def test_littles_law_reference_values():
    # 200 requests/s each in the system 0.25 s -> 50 in flight (L = lambda W, Little 1961).
    assert queueing.littles_law(200.0, 0.25) == 50.0
    assert_allclose(queueing.littles_law([0, 10, 20], 0.5), [0, 5, 10])


def test_db_connections_in_use():
    # 400 transactions/s holding a connection 50 ms each keep 20 connections busy.
    assert_allclose(queueing.db_connections_in_use(400.0, 0.05), 20.0)


def test_per_second_domain_transactions():
    # docs/domain.md section 1: 10 K transactions/day; 86 400 s in a day.
    assert_allclose(queueing.per_second(10_000), 10_000 / 86_400)
    assert_allclose(queueing.per_second(86_400, peak_factor=3.0), 3.0)
    assert_allclose(queueing.per_second([86_400, 172_800], [1.0, 2.0]), [1.0, 4.0])


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: queueing.littles_law(-1.0, 1.0), "arrival_rate must be >= 0; got -1.0"),
        (lambda: queueing.littles_law(1.0, math.nan), "time_in_system must not be NaN"),
        (lambda: queueing.db_connections_in_use(10.0, -0.1), "hold_time_s must be >= 0; got -0.1"),
        (lambda: queueing.per_second(-5), "per_day must be >= 0; got -5"),
        (
            lambda: queueing.per_second(100, peak_factor=0.5),
            "peak_factor must be >= 1 (peak rate / average rate); got 0.5",
        ),
    ],
)
def test_little_law_helpers_reject_bad_inputs(call, match):
    with pytest.raises(ValueError, match=re.escape(match)):
        call()
