"""Write the five analyst notebooks from the cell sources below (reviewable as plain Python).

Usage (from the repository root)::

    python scripts/build_notebooks.py            # writes notebooks/0*_*.ipynb, no outputs
    python scripts/refresh_notebooks.py          # executes them and stores the outputs

Each notebook: a story in Markdown, a first code cell tagged ``parameters`` holding
annotated, commented primitives (what ``papermill --help-notebook`` prints), then a cell that
calls ``scaling_models.parameters.check`` so that a bad value stops there with the
package's message, then package calls, figures drawn outside any widget, a headline cell
marked ``# NBVAL_CHECK_OUTPUT`` (rounded numbers nbval compares) and a what-if panel.
Cell ids are derived from the notebook name and position so rebuilding gives no id churn.
"""

from __future__ import annotations

import sys
from pathlib import Path
from textwrap import dedent

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def md(text: str) -> tuple[str, str]:
    return ("markdown", dedent(text).strip())


def code(text: str) -> tuple[str, str]:
    return ("code", dedent(text).strip())


def params(text: str) -> tuple[str, str]:
    return ("parameters", dedent(text).strip())


HOW_TO = md("""
    **How to use this notebook.** Change the values in the first code cell (tagged
    `parameters`; papermill can inject others: `papermill NB.ipynb out.ipynb -p name value`)
    and run all cells. The cell after it checks every value and stops with a clear message
    if one is out of range. The figures are drawn for these parameters; the what-if panel at
    the end redraws its charts and numbers live when you move a slider (in JupyterLab; in
    a static copy it shows the default values).
    """)

# --------------------------------------------------------------------------------------
CAPACITY = [
    md("""
    # 1. Capacity forecast: when does each resource run out?

    The company serves about 50 K monthly active users growing about 15 % a month. CPU
    runs at 70 % on average (95 % at peak), memory at 60 %, the database at 80 % and
    bandwidth at 40 % (domain brief, section 1). This notebook asks *when* each resource
    crosses its attention and critical lines, and how sure we can be.

    **Model.** The Monte Carlo engine (`scaling_models.montecarlo`) draws, for each of
    `n_paths` possible futures, a monthly growth rate from a 90 % interval
    (`growth_low`-`growth_high`) plus month-to-month noise, and a load-to-capacity
    elasticity (capacity does not grow one-for-one with users: "+50 % users needs +30 %
    capacity"). Utilisation then scales as load^elasticity; each instance is treated as an
    M/M/1 queue for the P95 latency; the instances needed serve the CPU peak at the target
    utilisation plus `redundancy` spares (N+k). Assumptions: today's fleet is not scaled
    during the forecast (that is the point: it tells you when to scale), the thresholds are
    those of `data/thresholds.csv`.
    """),
    HOW_TO,
    params("""
    seed: int = 20240630  # random seed of the Monte Carlo run
    n_paths: int = 5_000  # Monte Carlo paths; small enough for live slider redraws [paths]
    horizon_months: int = 12  # forecast horizon [months]
    growth_low: float = 0.10  # monthly user growth, 90 % interval low end [fraction/month]
    growth_high: float = 0.225  # monthly user growth, 90 % interval high end [fraction/month]
    instances: int = 10  # application instances running today [instances]
    redundancy: int = 1  # spare instances kept for failover, the k of N+k [instances]
    service_time_s: float = 0.15  # mean service time of one request on one instance [s]
    """),
    code("""
    from scaling_models import parameters

    parameters.check(seed=seed, n_paths=n_paths, horizon_months=horizon_months,
                     growth_low=growth_low, growth_high=growth_high, instances=instances,
                     redundancy=redundancy, service_time_s=service_time_s);
    """),
    code("""
    %matplotlib inline
    import dataclasses

    import numpy as np

    from scaling_models import charts, distributions, montecarlo, queueing, whatif

    inputs = montecarlo.Inputs(growth_rate=distributions.between(growth_low, growth_high),
                               instances=instances, redundancy=redundancy,
                               service_time_s=service_time_s)
    result = montecarlo.simulate(inputs, n_paths=n_paths, months=horizon_months, rng=seed)
    pct = result.percentiles.set_index(["output", "month"])
    """),
    md("""
    ## Growth under uncertainty

    The fan shows the users month by month: the dark band holds half of the simulated
    futures, the light band 90 % of them, the line is the median. The fan widens because
    both the growth rate and its monthly noise are uncertain.
    """),
    code("""charts.fan_chart(result, "mau")"""),
    md("""
    ## Utilisation of each resource against its thresholds

    Average utilisation of today's capacity (1.0 = full). Dashed lines: attention (orange)
    and critical (red) levels. Where the median crosses the red line, half of the futures
    are already critical; where the light band crosses it, one future in twenty is.
    """),
    code("""
    fig, axes = whatif.new_figure(2, 2, height=6.5, sharex=True)
    for ax, resource in zip(axes.flat, montecarlo.RESOURCES):
        charts.fan_chart(result, f"{resource}_avg", ax=ax)
    fig
    """),
    md("""
    ## Probability of crossing each threshold, by month

    A step chart reads "by month *m*, this share of futures has crossed the line". The
    table gives the probability of crossing within the horizon and the distribution of the
    crossing month (month 0 = today; an empty cell means fewer than that share of
    futures crosses within the horizon).
    """),
    code("""charts.breach_probability_chart(result, level="critical")"""),
    code("""result.breach_summary.round(3)"""),
    md("""
    ## P95 latency as utilisation rises

    Queueing theory explains why latency explodes well before 100 %: in an M/M/1 queue the
    response time is proportional to 1 / (1 - utilisation). The table gives the mean and
    percentile response times of one instance for the service time above; the fan shows
    the P95 latency of today's fleet if it is not scaled (drawn at the top once saturated).
    """),
    code("""
    latency = queueing.response_time_percentiles(
        servers=1, utilisation=np.round(np.arange(0.1, 0.96, 0.05), 2),
        service_time=service_time_s)
    latency.round(3)
    """),
    code("""charts.fan_chart(result, "p95_latency_s")"""),
    md("""
    ## Instances needed, with redundancy

    Instances to run so that the CPU peak stays at the target utilisation, plus the
    `redundancy` spares. Budget for the upper band, not the median: the upper band is what
    keeps the service up when growth surprises on the upside.
    """),
    code("""charts.fan_chart(result, "instances")"""),
    md("""
    ## Headline numbers

    Rounded, so that a re-run with the same seed reproduces them exactly (CI compares this
    cell with nbval).
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    summary = result.breach_summary
    whatif.headlines(
        ("mau_median_k", pct.loc[("mau", horizon_months), "P50"] / 1_000,
         f"Median MAU at month {horizon_months} [thousand]", ",.0f"),
        ("p_bandwidth_critical", summary.loc[("bandwidth", "critical"), "probability"],
         f"P(bandwidth above critical by month {horizon_months})", ".0%"),
        ("cpu_critical_month_p50", summary.loc[("cpu", "critical"), "P50"],
         "Median month CPU crosses critical", ".0f"),
        ("instances_p95", pct.loc[("instances", horizon_months), "P95"],
         f"Instances needed at month {horizon_months}, P95 with N+{redundancy}", ".0f"),
    )
    """),
    md("""
    ## What if...?

    Move the growth interval or the redundancy, or pick another resource: the simulation
    re-runs with the same seed and sample size and the charts and numbers below the
    controls are replaced. If `growth low` is not below `growth high`, the panel says so.
    """),
    code("""
    def capacity_what_if(growth_low, growth_high, redundancy, resource):
        run = montecarlo.simulate(
            dataclasses.replace(inputs, redundancy=redundancy,
                                growth_rate=distributions.between(growth_low, growth_high)),
            n_paths=n_paths, months=horizon_months, rng=seed)
        fig, (left, right) = whatif.new_figure(1, 2, height=3.6)
        charts.fan_chart(run, f"{resource}_avg", ax=left)
        charts.breach_probability_chart(run, ax=right)
        at_horizon = run.percentiles.set_index(["output", "month"])
        return [fig, whatif.headlines(
            ("mau_median_k", at_horizon.loc[("mau", horizon_months), "P50"] / 1_000,
             f"Median MAU at month {horizon_months} [thousand]", ",.0f"),
            ("p_critical", run.breach_summary.loc[(resource, "critical"), "probability"],
             f"P({resource} above critical by month {horizon_months})", ".0%"),
        )]


    whatif.WhatIfPanel(capacity_what_if, {
        "growth_low": whatif.slider(growth_low, 0.0, 0.5, 0.005, "growth low", percent=True),
        "growth_high": whatif.slider(growth_high, 0.0, 0.5, 0.005, "growth high",
                                     percent=True),
        "redundancy": whatif.int_slider(redundancy, 0, 5, "redundancy (N+k)"),
        "resource": whatif.dropdown(montecarlo.RESOURCES, "db_utilisation", "resource"),
    }, title="Capacity what-if")
    """),
]

# --------------------------------------------------------------------------------------
ECONOMICS = [
    md("""
    # 2. Unit economics: what does growth cost per user?

    Infrastructure cost grows with load, but less than proportionally (economies of scale:
    cost = cost today x load^b with b below 1), so the cost per user should fall as the
    company grows. Revenue grows with users at a constant revenue per user (ARPU, 2 EUR a
    month today: 100 K EUR for 50 K MAU). The article's target: infrastructure below 10 %
    of revenue.

    **Model.** For each scenario of the chosen table of the domain brief (section 2, the
    12-month projections, or section 8, the multi-year scenarios) the Monte Carlo engine
    simulates users with the scenario's growth interval, then cost, cost per user, cost per
    transaction, revenue and the infrastructure share of revenue. Assumptions: constant
    ARPU, the cost exponent b uncertain between 0.6 and 1.0 (most likely 0.8), 0.2
    transactions per user and day.
    """),
    HOW_TO,
    params("""
    seed: int = 20240630  # random seed of the Monte Carlo run
    n_paths: int = 5_000  # Monte Carlo paths per scenario [paths]
    horizon_months: int = 12  # forecast horizon [months]
    arpu: float = 2.0  # average revenue per active user [currency/user/month]
    base_monthly_cost: float = 8_000.0  # infrastructure cost today [currency/month]
    scenario_family: str = "projection_12m"  # projection_12m (section 2) or multi_year (8)
    """),
    code("""
    from scaling_models import parameters

    parameters.check(seed=seed, n_paths=n_paths, horizon_months=horizon_months, arpu=arpu,
                     base_monthly_cost=base_monthly_cost, scenario_family=scenario_family);
    """),
    code("""
    %matplotlib inline
    import dataclasses

    from scaling_models import charts, cost, growth, montecarlo, whatif

    table = growth.scenarios()
    keys = list(table.index[table["family"] == scenario_family])
    base = montecarlo.Inputs(arpu=arpu, base_monthly_cost=base_monthly_cost)
    percentiles, breaches, results = montecarlo.compare_scenarios(
        keys, base=base, n_paths=n_paths, months=horizon_months, rng=seed)
    table.loc[keys, ["label", "growth_low", "growth_high", "infrastructure", "team"]]
    """),
    md("""
    ## Infrastructure cost by scenario

    Median (line) and 10-90 % band of the monthly infrastructure bill. Faster growth costs
    more in total...
    """),
    code("""charts.scenario_chart(percentiles, "infra_cost")"""),
    md("""
    ## Cost per user and per transaction

    ...but less per user: each scenario's cost per user falls as it grows, the faster the
    more it grows. Cost per transaction follows, since transactions are proportional to
    users.
    """),
    code("""charts.scenario_chart(percentiles, "cost_per_user")"""),
    code("""charts.scenario_chart(percentiles, "cost_per_transaction")"""),
    md("""
    ## Infrastructure share of revenue

    The share of revenue spent on infrastructure, against the 10 % target (dashed). Above
    the line, growth is eating the margin: renegotiate, optimise, or raise prices.
    """),
    code("""
    fig = charts.scenario_chart(percentiles, "infra_share")
    fig.axes[0].axhline(cost.INFRA_SHARE_TARGET, color="tab:red", linestyle="--")
    fig
    """),
    md("""
    ## At the horizon

    Median of each quantity at the last month, per scenario.
    """),
    code("""
    at_horizon = (percentiles[percentiles["month"] == horizon_months]
                  .pivot(index="scenario", columns="output", values="P50")
                  .loc[keys, ["mau", "revenue", "infra_cost", "cost_per_user",
                              "cost_per_transaction", "infra_share"]])
    at_horizon.round(4)
    """),
    md("""
    ## Headline numbers
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    whatif.headlines(*[
        row for key in keys for row in (
            (f"infra_share_{key}", at_horizon.loc[key, "infra_share"],
             f"{key}: infra share of revenue at month {horizon_months}", ".1%"),
            (f"cost_per_user_{key}", at_horizon.loc[key, "cost_per_user"],
             f"{key}: cost per user at month {horizon_months} [currency]", ".3f"),
        )
    ])
    """),
    md("""
    ## What if...?

    Pick a scenario and move the ARPU or today's infrastructure cost.
    """),
    code("""
    def economics_what_if(scenario, arpu, base_monthly_cost):
        scenario_base = dataclasses.replace(base, arpu=arpu,
                                            base_monthly_cost=base_monthly_cost)
        run = montecarlo.simulate(montecarlo.scenario_inputs(scenario, base=scenario_base,
                                                             table=table),
                                  n_paths=n_paths, months=horizon_months, rng=seed)
        fig, (left, right) = whatif.new_figure(1, 2, height=3.6)
        charts.fan_chart(run, "cost_per_user", ax=left)
        charts.fan_chart(run, "infra_share", ax=right)
        right.axhline(cost.INFRA_SHARE_TARGET, color="tab:red", linestyle="--")
        last = run.percentiles.set_index(["output", "month"])
        return [fig, whatif.headlines(
            ("infra_share", last.loc[("infra_share", horizon_months), "P50"],
             f"Infra share of revenue at month {horizon_months}", ".1%"),
            ("cost_per_user", last.loc[("cost_per_user", horizon_months), "P50"],
             f"Cost per user at month {horizon_months} [currency]", ".3f"),
        )]


    whatif.WhatIfPanel(economics_what_if, {
        "scenario": whatif.dropdown(keys, keys[min(1, len(keys) - 1)], "scenario"),
        "arpu": whatif.slider(arpu, 0.5, 10.0, 0.1, "ARPU [currency/month]"),
        "base_monthly_cost": whatif.slider(base_monthly_cost, 1_000.0, 50_000.0, 500.0,
                                           "infra cost today [currency/month]"),
    }, title="Unit-economics what-if")
    """),
]

# --------------------------------------------------------------------------------------
TEAM = [
    md("""
    # 3. Team scaling: how many people, hired when?

    "Scale teams before architecture: people take longer to train than servers to deploy."
    Adding developers does not add velocity one-for-one:

    * **communication overhead**: n developers have n(n-1)/2 channels (Brooks); each costs
      `hours_per_channel_per_week`, so each developer loses a share of the week that grows
      with the team;
    * **onboarding ramp**: a new hire reaches full productivity after `ramp_weeks` (the
      article's target: under 6 weeks) and takes mentoring time from a senior;
    * **lead time**: a position opened today is filled weeks later (sourcing, a 4-week
      process, notice), after a funnel of about 100 applications per hire.

    **Model**: `scaling_models.team`. Velocity per developer is inferred from today's
    team velocity; attrition follows from the 12-month retention.
    """),
    HOW_TO,
    params("""
    horizon_months: int = 12  # months simulated [months]
    team_size: int = 13  # developers today [people]
    current_velocity: float = 30.0  # team velocity measured today [story points/sprint]
    target_velocity: float = 45.0  # velocity the hiring plan must reach [story points/sprint]
    target_month: int = 9  # month by which target_velocity must be reached [month]
    hires_per_month: float = 1.0  # developers hired each month in the what-if plan [people]
    ramp_weeks: float = 6.0  # weeks for a new hire to reach full productivity [weeks]
    hours_per_channel_per_week: float = 0.5  # coordination time per pair of developers [h]
    annual_retention: float = 0.9  # share of developers still there after 12 months
    developer_annual_cost: float = 60_000.0  # fully loaded cost of a developer [currency/year]
    """),
    code("""
    from scaling_models import parameters

    parameters.check(horizon_months=horizon_months, team_size=team_size,
                     current_velocity=current_velocity, target_velocity=target_velocity,
                     target_month=target_month, hires_per_month=hires_per_month,
                     ramp_weeks=ramp_weeks,
                     hours_per_channel_per_week=hours_per_channel_per_week,
                     annual_retention=annual_retention,
                     developer_annual_cost=developer_annual_cost);
    """),
    code("""
    %matplotlib inline
    import numpy as np
    import pandas as pd

    from scaling_models import cost, loaders, team, whatif

    overhead_options = {"hours_per_channel_per_week": hours_per_channel_per_week}
    per_developer = team.velocity_per_developer(current_velocity, team_size,
                                                **overhead_options)
    attrition = team.monthly_attrition(annual_retention)
    print(f"Velocity of one developer free of coordination: {per_developer:.2f} points/sprint")
    print(f"Monthly attrition for {annual_retention:.0%} retention: {attrition:.2%}")
    """),
    md("""
    ## Effective velocity as the team grows

    Velocity of a fully productive team of each size, and the share of time lost to
    coordination. Past the peak, each new developer *reduces* velocity: split into teams
    before that point.
    """),
    code("""
    sizes = np.arange(1, 61)
    curve = pd.DataFrame({
        "effective velocity": team.effective_velocity(sizes, per_developer,
                                                      **overhead_options),
        "communication overhead": team.communication_overhead(sizes, **overhead_options),
    }, index=pd.Index(sizes, name="developers"))
    peak = team.peak_team_size(**overhead_options)
    fig, (left, right) = whatif.new_figure(1, 2, height=3.4)
    curve["effective velocity"].plot(ax=left, title=f"Velocity (peak at {peak} developers)")
    left.axvline(team_size, color="grey", linestyle=":")
    curve["communication overhead"].plot(ax=right, title="Share of time coordinating")
    right.axhline(0.2, color="tab:orange", linestyle="--")
    right.axhline(0.4, color="tab:red", linestyle="--")
    fig
    """),
    md("""
    ## Onboarding ramp

    Productivity of a new hire, week by week (1.0 = a fully productive developer).
    """),
    code("""
    weeks = np.arange(0, 13)
    pd.Series(team.onboarding_ramp(weeks, ramp_weeks), index=pd.Index(weeks, name="week"),
              name="productivity").plot(title="Onboarding ramp", figsize=(6, 2.5));
    """),
    md("""
    ## Headcount and velocity when hiring a steady flow

    Month by month with `hires_per_month` hires, attrition, ramp-up and mentoring.
    """),
    code("""
    plan_options = dict(ramp_weeks=ramp_weeks, monthly_attrition=attrition,
                        velocity_per_developer=per_developer, **overhead_options)
    steady = team.simulate_team(team_size, hires_per_month, horizon_months, **plan_options)
    steady.round(2)
    """),
    code("""
    steady[["headcount", "productive_headcount", "effective_velocity"]].plot(
        title=f"Hiring {hires_per_month:g} a month", figsize=(7, 3));
    """),
    md("""
    ## The hiring funnel and its lead time

    Conversion between stages of the company's own funnel (`data/hiring_funnel.csv`) and
    the applications it takes to make one hire.
    """),
    code("""
    funnel = loaders.load_funnel()
    team.funnel_conversion(funnel).round(3)
    """),
    code("""
    funnel_total = funnel.sum()
    lead_weeks = team.weeks_to_hire()
    print(f"Applications per hire (all quarters): {team.applications_per_hire(funnel_total):.0f}")
    print(f"Lead time from opening a position to the first day: {lead_weeks:g} weeks")
    """),
    md("""
    ## The hiring plan to reach the target velocity

    Hires needed, the latest month to open each position (lead time, then ramp-up) and
    whether the target month can still be met.
    """),
    code("""
    plan = team.hiring_plan(team_size, target_velocity, target_month,
                            velocity_per_developer=per_developer, ramp_weeks=ramp_weeks,
                            monthly_attrition=attrition, **overhead_options)
    plan
    """),
    md("""
    ## Headline numbers
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    hires = len(plan)
    whatif.headlines(
        ("velocity_at_horizon", steady["effective_velocity"].iloc[-1],
         f"Velocity at month {horizon_months}, hiring {hires_per_month:g}/month", ".1f"),
        ("hires_needed", hires, f"Hires to reach {target_velocity:g} points by month "
         f"{target_month}", ".0f"),
        ("first_open_month", plan["open_month"].min() if hires else float("nan"),
         "Latest month to open the first position", ".0f"),
        ("applications_needed", team.applications_needed(hires, funnel_total),
         "Applications to attract", ",.0f"),
        ("annual_cost_of_hires", cost.team_cost(hires, 1, developer_annual_cost),
         "Annual cost of the hires [currency]", ",.0f"),
    )
    """),
    md("""
    ## What if...?

    Hire faster or slower, shorten the onboarding, or cut coordination time (smaller
    teams, better documentation).
    """),
    code("""
    def team_what_if(hires_per_month, ramp_weeks, hours_per_channel_per_week):
        run = team.simulate_team(team_size, hires_per_month, horizon_months,
                                 ramp_weeks=ramp_weeks, monthly_attrition=attrition,
                                 velocity_per_developer=per_developer,
                                 hours_per_channel_per_week=hours_per_channel_per_week)
        fig, (left, right) = whatif.new_figure(1, 2, height=3.4)
        run[["headcount", "productive_headcount"]].plot(ax=left, title="Developers")
        run["effective_velocity"].plot(ax=right, title="Velocity [points/sprint]")
        right.axhline(target_velocity, color="tab:green", linestyle="--")
        return [fig, whatif.headlines(
            ("velocity_at_horizon", run["effective_velocity"].iloc[-1],
             f"Velocity at month {horizon_months}", ".1f"),
            ("overhead_at_horizon", run["communication_overhead"].iloc[-1],
             f"Communication overhead at month {horizon_months}", ".0%"),
        )]


    whatif.WhatIfPanel(team_what_if, {
        "hires_per_month": whatif.slider(hires_per_month, 0.0, 5.0, 0.5, "hires per month"),
        "ramp_weeks": whatif.slider(ramp_weeks, 1.0, 26.0, 1.0, "ramp-up [weeks]"),
        "hours_per_channel_per_week": whatif.slider(hours_per_channel_per_week, 0.0, 3.0,
                                                    0.25, "hours per channel per week"),
    }, title="Team what-if")
    """),
]

# --------------------------------------------------------------------------------------
DEBT = [
    md("""
    # 4. Technical-debt ROI: what to fix first

    The article's framework (domain brief, section 5): for each debt item, estimate the
    effort to fix it (investigation + implementation + testing days), what it costs today
    (hours lost per sprint, incidents a month and their cost) and what fixing it saves.
    ROI = annual savings / resolution cost. Bands: above 300 % treat now, above 150 % plan
    within 3 months, 50-150 % backlog, below 50 % do not treat. The team spends
    `debt_share` (20 % in the article) of its time on debt.

    **Estimates are uncertain**: fixes usually take longer than estimated and save less
    than hoped. The second half of the notebook multiplies every item's effort and savings
    by factors drawn from 90 % intervals and shows how the ROI and the recommendation move.
    """),
    HOW_TO,
    params("""
    seed: int = 20240630  # random seed of the uncertainty draws
    n_paths: int = 5_000  # draws of the uncertain estimates [draws]
    hourly_cost: float = 60.0  # cost of one developer hour [currency/hour]
    team_size: int = 13  # developers sharing the debt budget [people]
    debt_share: float = 0.2  # share of development time spent on debt [fraction]
    effort_low: float = 0.8  # actual/estimated effort, 90 % interval low end [-]
    effort_high: float = 2.0  # actual/estimated effort, 90 % interval high end [-]
    savings_low: float = 0.5  # actual/estimated savings, 90 % interval low end [-]
    savings_high: float = 1.2  # actual/estimated savings, 90 % interval high end [-]
    """),
    code("""
    from scaling_models import parameters

    parameters.check(seed=seed, n_paths=n_paths, hourly_cost=hourly_cost,
                     team_size=team_size, debt_share=debt_share, effort_low=effort_low,
                     effort_high=effort_high, savings_low=savings_low,
                     savings_high=savings_high);
    """),
    code("""
    %matplotlib inline
    import pandas as pd

    from scaling_models import debt, distributions, loaders, whatif

    # debt.assess_backlog wants "item" as a column; loaders index the backlog by it
    backlog = loaders.load_backlog().reset_index()
    assessed = debt.assess_backlog(backlog, hourly_cost=hourly_cost)
    """),
    md("""
    ## The backlog assessed and ranked

    Sorted by ROI, best first. Payback is the number of months of savings that repay the
    fix.
    """),
    code("""
    columns = ["item", "priority", "effort_days", "monthly_cost", "monthly_savings",
               "resolution_cost", "roi", "payback_months", "recommendation"]
    assessed[columns].round(2)
    """),
    code("""
    fig, ax = whatif.new_figure(height=6)
    fig.subplots_adjust(left=0.35)
    ranked = assessed.set_index("item")["roi"].iloc[::-1]
    ranked.plot.barh(ax=ax, title="ROI of fixing each item (annual savings / cost)")
    for level, colour in ((0.5, "grey"), (1.5, "tab:orange"), (3.0, "tab:red")):
        ax.axvline(level, color=colour, linestyle="--")
    fig
    """),
    md("""
    ## Recommendation bands and the 20 % budget

    Items per band, then the items that fit in the debt budget over the next 3 months:
    greedy by ROI (the best item that still fits), as a team does sprint by sprint.
    """),
    code("""assessed["recommendation"].value_counts().sort_index(ascending=False)"""),
    code("""
    plan = debt.prioritise(assessed, developers=team_size, debt_share=debt_share)
    selected = plan[plan["selected"]]
    print(f"Budget: {plan.attrs['capacity_days']:.0f} days, used "
          f"{plan.attrs['selected_effort_days']:.1f} days by {len(selected)} items")
    selected[["item", "effort_days", "roi", "cumulative_effort_days"]].round(2)
    """),
    md("""
    ## How the ROI moves under uncertain estimates

    Each item's effort is multiplied by a factor from the `effort_low`-`effort_high`
    interval and its savings by one from `savings_low`-`savings_high` (one pair of factors
    per draw, shared by all items: estimates tend to be wrong in the same direction).
    The box plot shows the spread of each item's ROI; the last column of the table is the
    probability that the item really earns more than 300 %.
    """),
    code("""
    draws = distributions.sample_inputs(
        {"effort": distributions.between(effort_low, effort_high),
         "savings": distributions.between(savings_low, savings_high)}, n_paths, rng=seed)
    effort, savings = draws["effort"][:, None], draws["savings"][:, None]
    uncertain = debt.assess(
        hours_lost_per_sprint=assessed["hours_lost_per_sprint"].to_numpy(),
        incidents_per_month=assessed["incidents_per_month"].to_numpy(),
        cost_per_incident=assessed["cost_per_incident"].to_numpy(),
        hours_gained_per_sprint=assessed["hours_gained_per_sprint"].to_numpy() * savings,
        incidents_avoided_per_month=assessed["incidents_avoided_per_month"].to_numpy() * savings,
        effort_days=assessed["effort_days"].to_numpy() * effort, hourly_cost=hourly_cost)
    roi = pd.DataFrame(uncertain.roi, columns=assessed["item"])
    roi_summary = pd.DataFrame({"P10": roi.quantile(0.1), "median": roi.median(),
                                "P90": roi.quantile(0.9), "P(ROI > 300 %)": (roi > 3).mean()})
    roi_summary.round(2)
    """),
    code("""
    fig, ax = whatif.new_figure(height=6)
    fig.subplots_adjust(left=0.35)
    roi.iloc[:, ::-1].plot.box(vert=False, ax=ax, whis=(5, 95), showfliers=False,
                               title="ROI under uncertain estimates (5-95 % whiskers)")
    for level, colour in ((0.5, "grey"), (1.5, "tab:orange"), (3.0, "tab:red")):
        ax.axvline(level, color=colour, linestyle="--")
    fig
    """),
    md("""
    ## Headline numbers
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    whatif.headlines(
        ("items_treat_now", (assessed["recommendation"] == "now").sum(),
         "Items to treat now (ROI > 300 %)", ".0f"),
        ("budget_days", plan.attrs["capacity_days"], "Debt budget over 3 months [days]",
         ".0f"),
        ("selected_annual_savings", 12 * selected["monthly_savings"].sum(),
         "Annual savings of the items that fit [currency]", ",.0f"),
        ("items_robust_now", (roi_summary["P(ROI > 300 %)"] >= 0.9).sum(),
         "Items above 300 % in at least 90 % of draws", ".0f"),
    )
    """),
    md("""
    ## What if...?

    Change the hourly cost, the share of time on debt, the team size or how badly
    efforts overrun.
    """),
    code("""
    def debt_what_if(hourly_cost, debt_share, team_size, effort_high):
        ranked = debt.prioritise(debt.assess_backlog(backlog, hourly_cost=hourly_cost),
                                 developers=team_size, debt_share=debt_share)
        factors = distributions.sample_inputs(
            {"effort": distributions.between(effort_low, effort_high),
             "savings": distributions.between(savings_low, savings_high)}, n_paths, rng=seed)
        best = ranked.iloc[0]  # ranked by ROI: the item the team would start with
        risky = debt.assess(
            hours_lost_per_sprint=best["hours_lost_per_sprint"],
            incidents_per_month=best["incidents_per_month"],
            cost_per_incident=best["cost_per_incident"],
            hours_gained_per_sprint=best["hours_gained_per_sprint"] * factors["savings"],
            incidents_avoided_per_month=(best["incidents_avoided_per_month"]
                                         * factors["savings"]),
            effort_days=best["effort_days"] * factors["effort"], hourly_cost=hourly_cost)
        fig, ax = whatif.new_figure(height=5.5)
        fig.subplots_adjust(left=0.35)
        colours = ["tab:green" if s else "lightgrey" for s in ranked["selected"]][::-1]
        ranked.set_index("item")["roi"].iloc[::-1].plot.barh(
            ax=ax, color=colours, title="ROI (green: fits in the debt budget)")
        ax.axvline(3.0, color="tab:red", linestyle="--")
        chosen = ranked[ranked["selected"]]
        return [fig, whatif.headlines(
            ("budget_days", ranked.attrs["capacity_days"], "Debt budget [days]", ".0f"),
            ("selected_annual_savings", 12 * chosen["monthly_savings"].sum(),
             "Annual savings of the items that fit [currency]", ",.0f"),
            ("p_top_item_above_300", (risky.roi > 3).mean(),
             "P(best item's ROI > 300 %)", ".0%"),
        )]


    whatif.WhatIfPanel(debt_what_if, {
        "hourly_cost": whatif.slider(hourly_cost, 20.0, 200.0, 5.0, "hourly cost"),
        "debt_share": whatif.slider(debt_share, 0.0, 0.5, 0.05, "time on debt",
                                    percent=True),
        "team_size": whatif.int_slider(team_size, 1, 60, "developers"),
        "effort_high": whatif.slider(effort_high, 1.0, 4.0, 0.1, "effort overrun (high)"),
    }, title="Debt what-if")
    """),
]

# --------------------------------------------------------------------------------------
SCENARIOS = [
    md("""
    # 5. Growth scenarios: which future should we prepare for?

    The domain brief lists scenarios (section 2: conservative, realistic, optimistic over
    12 months; section 8: conservative, aggressive, hypergrowth over 12 to 24 months) and
    recommends "prepare scenario 1, monitor scenario 2, hold an emergency plan for
    scenario 3". We can do better than gut feeling:

    1. **probability of each scenario**, from the growth the company actually measured
       over the last 12 months (`calibration.growth_distribution`, a block bootstrap of
       the monthly MAU growth);
    2. **each scenario simulated** by the Monte Carlo engine with its own growth interval;
    3. **a tornado chart**: which assumption moves the outcome (the month `resource`
       crosses its critical line) most, swinging one input at a time from P10 to P90.
    """),
    HOW_TO,
    params("""
    seed: int = 20240630  # random seed of the bootstrap and the Monte Carlo runs
    n_paths: int = 5_000  # Monte Carlo paths per scenario [paths]
    horizon_months: int = 24  # forecast horizon [months]
    scenario_family: str = "multi_year"  # projection_12m (section 2) or multi_year (8)
    growth_low: float = 0.10  # tornado base: monthly growth, 90 % interval low [fraction]
    growth_high: float = 0.225  # tornado base: monthly growth, 90 % interval high [fraction]
    resource: str = "memory"  # resource whose critical-breach month the tornado explains
    """),
    code("""
    from scaling_models import parameters

    parameters.check(seed=seed, n_paths=n_paths, horizon_months=horizon_months,
                     scenario_family=scenario_family, growth_low=growth_low,
                     growth_high=growth_high, resource=resource);
    """),
    code("""
    %matplotlib inline
    from scaling_models import (calibration, charts, distributions, growth, loaders,
                                montecarlo, sensitivity, whatif)

    history = loaders.load_history()
    table = growth.scenarios()
    keys = list(table.index[table["family"] == scenario_family])
    """),
    md("""
    ## The scenario tables of the domain brief
    """),
    code("""
    table.loc[keys, ["label", "total_user_growth", "horizon_months", "monthly_rate",
                     "infrastructure", "team", "risk"]]
    """),
    md("""
    ## How likely is each scenario?

    The growth measured on the last 12 months of history, with the uncertainty of its mean,
    gives the probability of growing at least as much as each scenario over its horizon.
    """),
    code("""
    measured = calibration.growth_distribution(history["mau"], rng=seed)
    print(f"Measured monthly growth: {measured.mean_rate:.1%} "
          f"(90 % interval {measured.rate_low:.1%} to {measured.rate_high:.1%})")
    probabilities = calibration.scenario_probabilities(measured, table.loc[keys])
    probabilities[["required_monthly_rate", "median_total_growth", "probability"]].round(3)
    """),
    md("""
    ## Each scenario simulated

    Median and 10-90 % band of users and infrastructure cost, and the probability that
    each resource crosses its critical line within the horizon.
    """),
    code("""
    percentiles, breaches, results = montecarlo.compare_scenarios(
        keys, n_paths=n_paths, months=horizon_months, rng=seed)
    charts.scenario_chart(percentiles, "mau")
    """),
    code("""charts.scenario_chart(percentiles, "infra_cost")"""),
    code("""
    breaches.xs("critical", level="level")["probability"].unstack("resource").round(3)
    """),
    md("""
    ## What moves the outcome most?

    Swing each uncertain input from its P10 to its P90, the others at their medians, and
    read the median month `resource` crosses its critical line (1 000 paths per run, the
    same random numbers at both ends of a swing). The longest bar is the
    assumption worth measuring better (or hedging against) first.
    """),
    code("""
    tornado_paths = 1_000  # per swing end; 2 x 10 runs must stay quick for the panel
    base = montecarlo.Inputs(growth_rate=distributions.between(growth_low, growth_high))
    swing = sensitivity.tornado(sensitivity.breach_metric(resource, "critical"), base,
                                n_paths=tornado_paths, months=horizon_months, seed=seed)
    charts.tornado_chart(swing)
    """),
    code("""swing.round(3)"""),
    md("""
    ## Headline numbers
    """),
    code("""
    # NBVAL_CHECK_OUTPUT
    whatif.headlines(
        *[(f"p_{key}", probabilities.loc[key, "probability"], f"P({key})", ".0%")
          for key in keys],
        *[(f"mau_median_k_{key}",
           percentiles.query("scenario == @key and output == 'mau' and month == @horizon_months")
           ["P50"].iloc[0] / 1_000,
           f"Median MAU at month {horizon_months}, {key} [thousand]", ",.0f")
          for key in keys],
        ("tornado_top_swing", swing["swing"].iloc[0],
         f"Largest swing of the {resource} breach month [months] ({swing.index[0]})",
         ".1f"),
    )
    """),
    md("""
    ## What if...?

    Change the growth assumptions behind the tornado, or the resource it explains.
    """),
    code("""
    def scenario_what_if(growth_low, growth_high, resource):
        inputs = montecarlo.Inputs(growth_rate=distributions.between(growth_low, growth_high))
        metric = sensitivity.breach_metric(resource, "critical")
        table = sensitivity.tornado(metric, inputs, n_paths=tornado_paths,
                                    months=horizon_months, seed=seed)
        fig, ax = whatif.new_figure(height=3.2)
        fig.subplots_adjust(left=0.2)
        charts.tornado_chart(table, ax=ax)
        return [fig, whatif.headlines(
            ("tornado_top_swing", table["swing"].iloc[0],
             f"Largest swing of the {resource} breach month [months]", ".1f"),
        )]


    whatif.WhatIfPanel(scenario_what_if, {
        "growth_low": whatif.slider(growth_low, 0.0, 0.5, 0.005, "growth low", percent=True),
        "growth_high": whatif.slider(growth_high, 0.0, 0.5, 0.005, "growth high",
                                     percent=True),
        "resource": whatif.dropdown(montecarlo.RESOURCES, resource, "resource"),
    }, title="Scenario what-if")
    """),
]

NOTEBOOK_CELLS = {
    "01_capacity_forecast.ipynb": CAPACITY,
    "02_unit_economics.ipynb": ECONOMICS,
    "03_team_scaling.ipynb": TEAM,
    "04_tech_debt_roi.ipynb": DEBT,
    "05_growth_scenarios.ipynb": SCENARIOS,
}


def build(name: str, cells: list[tuple[str, str]]):
    """Return the notebook node for ``cells`` (no outputs)."""
    import nbformat
    from nbformat import v4

    nb = v4.new_notebook()
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    stem = name.split("_", 1)[0]
    for i, (kind, source) in enumerate(cells):
        if kind == "markdown":
            cell = v4.new_markdown_cell(source)
        else:
            cell = v4.new_code_cell(source)
            if kind == "parameters":
                cell.metadata["tags"] = ["parameters"]
        cell["id"] = f"nb{stem}-cell{i:02d}"
        nb.cells.append(cell)
    nbformat.validate(nb)
    return nb


def main(argv: list[str] | None = None) -> int:
    import nbformat

    names = argv if argv else list(NOTEBOOK_CELLS)
    for name in names:
        nbformat.write(build(name, NOTEBOOK_CELLS[name]), str(NOTEBOOKS / name))
        print(f"wrote notebooks/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
