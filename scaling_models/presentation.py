"""Board presentation of the quarterly report: formatted strings, headers in words, styles.

:mod:`scaling_models.report` computes the report's tables and figures from data and
models; this module turns them into what a board reads. Each ``present_*`` function takes
one builder's table and returns a DataFrame of strings with human headers (every number
written in its unit), :func:`view` and :func:`styled` give a notebook its pandas Styler (no
index, status cells coloured with :data:`STATUS_COLOURS`), :func:`what_changed` and
:func:`key_messages` write the comparison with last quarter and the report's first
sentences from the headline figures of :func:`scaling_models.report.summary`, and
:func:`present_parameters` lists the parameters of the run. Nothing here feeds
``summary.json``.

Numbers are written with the formatters of :mod:`scaling_models.report`
(:func:`.report.percent`, :func:`.report.money`, :func:`.report.probability`,
:func:`.report.format_value`), which the builders' own sentences (the ``why`` of the
actions, the ``capacity`` of the investments) use too; the board labels
(:data:`.report.RESOURCE_LABELS`, :data:`.report.SIGNAL_LABELS`) come from there as well.
This module imports :mod:`~scaling_models.report`, never the other way round.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import math
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from scaling_models import periods
from scaling_models.report import (
    NO_DATA,
    NOT_ASSESSED,
    RESOURCE_LABELS,
    SIGNAL_LABELS,
    breach_side,
    format_value,
    is_number,
    metric_label,
    money,
    percent,
    probability,
)

__all__ = [
    "STATUS_COLOURS",
    "TIER_COLOURS",
    "markdown_text",
    "view",
    "styled",
    "present_status",
    "how_sure",
    "crossing_text",
    "present_growth",
    "present_dashboard",
    "present_breaches",
    "present_remedies",
    "present_debt",
    "present_actions",
    "cost_text",
    "present_hiring",
    "present_scenarios",
    "present_investments",
    "present_signals",
    "present_signal_tests",
    "present_trends",
    "what_changed",
    "unchanged_text",
    "key_messages",
    "board_texts",
    "elasticity_words",
    "present_parameters",
    "parameters_text",
    "trend_summary",
]


# --- styling: pandas Stylers of the presentation tables -----------------------------------


#: Background of a status cell (ok green, attention amber, critical red), colour-blind
#: safe enough with the words themselves in the cell.
STATUS_COLOURS: Mapping[str, str] = {
    "ok": "#d9f0d3",
    "attention": "#fde8b0",
    "critical": "#f4b6b0",
    NO_DATA: "#e6e6e6",
}

#: Background of a tier cell of the ranked actions (:func:`.report.action_tier`): act now
#: red, this quarter amber, plan blue, watch grey (the words are in the cell too).
TIER_COLOURS: Mapping[str, str] = {
    "act now": STATUS_COLOURS["critical"],
    "this quarter": STATUS_COLOURS["attention"],
    "plan": "#dbe9f6",
    "watch": STATUS_COLOURS[NO_DATA],
}


_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]|~$])")


def markdown_text(text: Any) -> str:
    r"""``text`` as literal text inside a Markdown sentence: no markup, no HTML.

    Text from data files (labels, actions, item names) is data, never markup: Markdown
    passes raw HTML through, so ``<script>`` in a threshold label would run in the
    report. ``<``, ``>`` and ``&`` become HTML entities, the characters that open
    Markdown inline markup (emphasis, code, links, tables, math) are backslash-escaped,
    and line breaks become spaces so that the text cannot start a block (a heading, a
    list) of its own.

    Examples
    --------
    >>> markdown_text("<b>*CPU*</b>")
    '&lt;b&gt;\\*CPU\\*&lt;/b&gt;'
    """
    flat = " ".join(str(text).split())
    return _MARKDOWN_SPECIALS.sub(r"\\\1", html.escape(flat, quote=False))


def _table_id(table: pd.DataFrame, *extra: Any) -> str:
    """A table id derived from its content: the same report gives the same bytes.

    pandas gives each Styler a random id by default, which would make two runs of the
    same report differ; a hash keeps the CSS of two tables apart unless they are equal
    in content and style, where sharing it is harmless.
    """
    digest = hashlib.sha256()
    digest.update(table.to_csv().encode())
    digest.update(repr(extra).encode())
    return "t" + digest.hexdigest()[:10]


def _safe_style(table: pd.DataFrame, *extra: Any):
    """``table.style`` with every cell and header escaped as HTML and a stable id."""
    style = table.style.format(escape="html").format_index(escape="html", axis=1)
    style = style.format_index(escape="html", axis=0)
    return style.set_uuid(_table_id(table, *extra))


def view(table: pd.DataFrame, *, left: tuple[str, ...] | None = None,
         status: str | None = None, colours: Mapping[str, str] = STATUS_COLOURS,
         widths: Mapping[str, str] | None = None):
    """A pandas Styler of a presentation table: no index, text columns left-aligned.

    ``left`` names the columns to align left (default: every column whose values are
    mostly longer than 12 characters; names the table lacks are ignored, so an optional
    column such as the ``Note`` of :func:`present_trends` can be named). ``status`` names
    a column of ok / attention / critical words to colour (:data:`STATUS_COLOURS`; the
    first word decides, any case; ``colours`` maps other words, e.g.
    :data:`TIER_COLOURS`). ``widths`` gives columns a CSS minimum width (``{"Item":
    "10em"}``), so that a text column does not wrap into a tall narrow cell while numbers
    take the page's width. Use on the ``present_*`` tables, whose cells are
    already formatted strings. Cells and headers are HTML-escaped and the table id is
    derived from the content, so the same table always gives the same HTML.
    """
    if left is None:
        left = tuple(
            c for c in table.columns
            if not pd.api.types.is_numeric_dtype(table[c].dtype)
            and table[c].astype(str).str.len().median() > 12
        )
    left = tuple(c for c in left if c in table.columns)
    # cells are text from data files, shown as text (escaped), under an id that depends
    # on the content only
    widths = {c: w for c, w in (widths or {}).items() if c in table.columns}
    style = _safe_style(table, left, status, sorted(colours.items()),
                        sorted(widths.items())).hide(axis="index")
    for column, width in widths.items():
        style = style.set_properties(subset=[column], **{"min-width": width})
    if left:
        style = style.set_properties(subset=list(left), **{"text-align": "left"})
    # short cells (numbers, dates) never break inside: "2024-07" or "70 %" on two lines
    # reads wrong
    short = [c for c in table.columns if c not in left]
    lines = [c for c in short if table[c].astype(str).str.contains("\n").any()]
    short = [c for c in short if c not in lines]
    if short and len(table):
        style = style.set_properties(subset=short, **{"white-space": "nowrap"})
    if lines:  # a cell written on two lines keeps them, and breaks nowhere else
        style = style.set_properties(subset=lines, **{"white-space": "pre"})
    if status is not None and len(table):
        def colour(text: Any) -> str:
            word = str(text).lower()
            key = next((k for k in colours if word.startswith(k)), None)
            return f"background-color: {colours[key]}" if key else ""

        style = style.map(colour, subset=[status])
    return style


def styled(
    table: pd.DataFrame,
    *,
    percents: tuple[str, ...] = (),
    money_columns: tuple[str, ...] = (),
    decimals: int = 2,
    currency: str = "EUR",
):
    """A pandas Styler for the report: percentages, money and rounded numbers, NaN as ''.

    Columns named in ``percents`` are fractions shown as ``12.3 %``; ``money_columns``
    are shown as ``365 K EUR``; other float columns with ``decimals`` decimals. Text
    cells and headers are HTML-escaped; the table id is derived from the content.
    """
    formats: dict[str, Any] = {}
    for column in table.columns:
        if column in percents:
            formats[column] = lambda v: "" if pd.isna(v) else percent(v, 1)
        elif column in money_columns:
            formats[column] = lambda v, c=currency: "" if pd.isna(v) else money(v, c)
        elif pd.api.types.is_float_dtype(table[column].dtype):
            formats[column] = lambda v, d=decimals: "" if pd.isna(v) else f"{v:,.{d}f}"
    style = _safe_style(table, percents, money_columns, decimals, currency)
    return style.format(formats, escape="html")


# --- the first screen: status per resource ------------------------------------------------


def _month(end: pd.Period, offset: float, *, short: bool = False) -> str:
    month = end + int(offset)
    return month.strftime("%b") if short else month.strftime("%b %Y")


def crossing_text(end: Any, p5: float, p50: float, p95: float, horizon: int) -> str:
    """A crossing month with its 90 % range, e.g. ``'Sep 2024 (Jul–Dec)'``.

    Parameters
    ----------
    end : str or pandas.Period
        Month 0 (``YYYY-MM``).
    p5, p50, p95 : float
        Months after ``end`` by which 5 %, half and 95 % of the futures have crossed
        (0: crossed today; NaN: that share does not cross within ``horizon``). [month]
    horizon : int
        Months simulated.

    Examples
    --------
    >>> crossing_text("2024-06", 1, 3, 6, 12)
    'Sep 2024 (Jul–Dec)'
    >>> crossing_text("2024-06", 5, 7, 9, 12)
    'Jan 2025 (Nov–Mar)'
    >>> crossing_text("2024-06", 4, 7, float("nan"), 12)
    'Jan 2025 (Oct 2024–after Jun 2025)'
    >>> crossing_text("2024-06", float("nan"), float("nan"), float("nan"), 12)
    'not by Jun 2025'
    """
    end = periods.to_month(end)
    last = _month(end, horizon)
    if pd.isna(p5):
        return f"not by {last}"
    if pd.isna(p50):
        return f"after {last} (earliest {_month(end, p5)})"
    if p50 == 0:
        return "now"
    median = _month(end, p50)
    if not pd.isna(p95) and p5 == p95:
        return median
    if pd.isna(p95):
        low = "now" if p5 == 0 else _month(end, p5)
        return f"{median} ({low}–after {last})"
    # the range brackets the median: within a year, month names alone are unambiguous
    short = p95 - p5 < 12
    low = "now" if p5 == 0 else _month(end, p5, short=short)
    return f"{median} ({low}–{_month(end, p95, short=short)})"


def how_sure(p: float, horizon: int) -> str:
    """A probability in words and in figures, e.g. ``'likely (80 %)'``.

    ``horizon`` is the months it refers to (said once above the table of
    :func:`present_status`, not repeated in every cell).
    """
    if pd.isna(p):
        return ""
    words = ("almost certain" if p >= 0.95 else "likely" if p >= 0.7 else
             "possible" if p >= 0.3 else "unlikely" if p >= 0.05 else "very unlikely")
    return f"{words} ({probability(p)})"


def _now_text(row: Mapping[str, Any], status: str, team: bool, currency: str) -> str:
    """Today's status then value, e.g. 'attention (71 %)': the status word first, so that
    :func:`view` colours the cell."""
    if pd.isna(row["value"]):
        return "not measured"
    value = (f"{row['value']:.0f} developers" if team
             else percent(row["value"]) if row["unit"] == "fraction"
             else format_value(row["value"], row["unit"], currency))
    return f"{status} ({value})"


def present_status(status: pd.DataFrame, end: Any, horizon: int,
                   currency: str = "EUR") -> pd.DataFrame:
    """:func:`.report.status_table` for the board's first screen.

    Columns: ``Area``, ``Now`` (status and value, e.g. "attention (71 %)"),
    ``Attention from``, ``Critical from`` (median
    month with the range of nine futures in ten), ``Start remedy by``, ``Cost``, ``How
    sure`` (the chance of being critical by the end of the horizon, in words).
    """
    end = periods.to_month(end)
    rows = []
    for metric, row in status.iterrows():
        current = row["status"]
        team = metric == "team"
        start = str(row["start_by"])
        start_text = ("now" if start == "now" else _month(periods.to_month(start), 0)
                      if start else f"not needed by {_month(end, horizon)}")
        if start and row.get("remedy_of", metric) != metric:
            start_text += f" (with {RESOURCE_LABELS.get(row['remedy_of'], row['remedy_of'])})"
        if team:
            feasible = row.get("feasible")
            sure = ("" if feasible is None or pd.isna(feasible)
                    else "feasible at last quarter's hiring pace" if feasible
                    else "not feasible at last quarter's hiring pace")
            critical = "no critical line"
        else:
            sure = ("measured today" if current == "critical"
                    else "not measured: the engine's defaults" if current == NO_DATA
                    else how_sure(row["p_critical"], horizon))
            critical = ("now" if current == "critical" else crossing_text(
                end, row["critical_P5"], row["critical_P50"], row["critical_P95"], horizon))
        attention = ("now" if current in ("attention", "critical") and not team
                     else crossing_text(end, row["attention_P5"], row["attention_P50"],
                                        row["attention_P95"], horizon))
        # a long range goes on a line of its own, so that the table fits an A4 page
        attention, critical = (_two_lines(t) for t in (attention, critical))
        rows.append({
            "Area": row["label"],
            "Now": _now_text(row, current, team, currency),
            "Attention from": attention,
            "Critical from": critical,
            "Start remedy by": start_text,
            "Cost": cost_text(row["cost"], row.get("cost_with", ""), currency),
            "How sure": sure,
        })
    return pd.DataFrame(rows)


def _two_lines(text: str, longest: int = 20) -> str:
    """A crossing text in lines of at most about ``longest`` characters: 'Jan 2025 (Oct
    2024–after Mar 2025)' -> 'Jan 2025', '(Oct 2024–', 'after Mar 2025)'."""
    if len(text) <= longest or " (" not in text:
        return text
    head, _, tail = text.partition(" (")
    tail = "(" + tail
    if len(tail) > longest - 4 and "–" in tail:
        first, _, rest = tail.partition("–")
        tail = f"{first}–\n{rest}"
    return f"{head}\n{tail}"


# --- presentation: tables a board reads (formatted strings, human headers) ----------------
# Each present_* takes a builder's table and returns a DataFrame of strings; show it with
# :func:`view`. The builders' numeric tables stay the source of summary.json and tests.

_RECOMMENDATION_TEXT = {
    "now": "treat now",
    "plan": "plan within 3 months",
    "backlog": "backlog",
    "skip": "do not treat",
}


def present_growth(achieved: pd.DataFrame, currency: str = "EUR") -> pd.DataFrame:
    """:func:`.report.growth_achieved` for the board: each row in its own unit, signed changes."""
    attrs = achieved.attrs
    before = f"End of {_quarter_of(attrs.get('previous_month'))}"
    now = f"End of {_quarter_of(attrs.get('current_month'))}"
    rows = []
    for _, row in achieved.iterrows():
        rows.append({
            "": row["label"],
            before: format_value(row["previous"], row["unit"], currency) or "n/a",
            now: format_value(row["current"], row["unit"], currency),
            "Change": format_value(row["change"], row["unit"], currency, signed=True) or "n/a",
            "Change %": percent(row["pct_change"], 1, signed=True),
        })
    return pd.DataFrame(rows)


def _quarter_of(month: Any) -> str:
    return "quarter" if month is None else periods.quarter_of(month)


def present_dashboard(dashboard: pd.DataFrame, currency: str = "EUR") -> pd.DataFrame:
    """:func:`.report.status_dashboard` for the board: values and lines in their units.

    The thresholds read "above" or "below" after the metric's direction (a deployment
    frequency is worse when lower).
    """
    rows = []
    for _, row in dashboard.iterrows():
        unit = row["unit"]
        word = breach_side(row)
        rows.append({
            "Metric": row["label"],
            "Status": str(row["status"]).upper() if row["status"] == "critical"
            else str(row["status"]),
            "This month": format_value(row["value"], unit, currency) or "not measured",
            "Peak": format_value(row["peak"], unit, currency),
            "Attention": f"{word} {format_value(row['attention'], unit, currency)}",
            "Critical": f"{word} {format_value(row['critical'], unit, currency)}",
            "Action if not ok": row["action"],
        })
    return pd.DataFrame(rows)


def present_breaches(breaches: pd.DataFrame) -> pd.DataFrame:
    """:func:`.report.breach_table` for the board: one row per resource and threshold."""
    rows = []
    for (resource, level), values in breaches.iterrows():
        entry = {"Resource": RESOURCE_LABELS.get(resource, resource), "Threshold": level}
        for quarter, p in values.items():
            entry[f"by end of {str(quarter).replace('Q', '-Q')}"] = probability(p)
        rows.append(entry)
    return pd.DataFrame(rows)


def present_remedies(remedies: pd.DataFrame) -> pd.DataFrame:
    """:func:`.report.remedy_schedule` for the board."""
    rows = []
    for resource, row in remedies.iterrows():
        rows.append({
            "Resource": RESOURCE_LABELS.get(resource, resource),
            "Remedy": row["action"],
            "Lead time": f"{row['lead_months']:g} month"
                         + ("" if row["lead_months"] == 1 else "s"),
            "Critical from": _start_text(row["critical_month"]) or "not within the horizon",
            "Chance critical within the horizon": probability(row["probability"]),
            "Start at the latest": _start_text(row["start_by"]) or "not needed yet",
        })
    return pd.DataFrame(rows)


def present_debt(debt: pd.DataFrame, currency: str = "EUR") -> pd.DataFrame:
    """:func:`.report.debt_table` for the board."""
    rows = []
    for item, row in debt.iterrows():
        rows.append({
            "Item": str(item),
            "Priority": str(row.get("priority", "")),
            "Cost of the fix": f"{money(row['resolution_cost'], currency)}\n"
                               f"({row['effort_days']:g} days)",
            "Costs a month": money(row["monthly_cost"], currency),
            "Saves a month once fixed": money(row["monthly_savings"], currency),
            "ROI (1 year)": percent(row["roi"]),
            "Pays back in": f"{row['payback_months']:.1f} months"
            if math.isfinite(row["payback_months"]) else "never",
            "Recommendation": _RECOMMENDATION_TEXT.get(str(row["recommendation"]),
                                                       str(row["recommendation"])),
        })
    return pd.DataFrame(rows)


def _start_text(start: Any) -> str:
    """'2024-07' -> 'Jul 2024'; other words ('now', 'within 3 months') as they are."""
    text = str(start)
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return pd.Period(text, freq="M").strftime("%b %Y")
    return text


def present_actions(ranked: pd.DataFrame, currency: str = "EUR") -> pd.DataFrame:
    """:func:`.report.actions` for the board.

    Columns ``#``, ``When`` (the tier, :func:`.report.action_tier`), ``Action``,
    ``Why``, ``Start by`` (a calendar month, "now", "not dated" for a watch item, "to
    schedule" for debt to plan) and ``Cost`` (:func:`cost_text`).
    """
    columns = ["#", "When", "Action", "Why", "Start by", "Cost"]
    if not len(ranked):
        return pd.DataFrame(columns=columns)
    with_ = ranked["cost_with"] if "cost_with" in ranked else pd.Series("", ranked.index)
    return pd.DataFrame({
        "#": ranked["rank"].astype(str),
        "When": ranked["tier"].astype(str),
        "Action": ranked["action"].astype(str),
        "Why": ranked["why"].astype(str),
        "Start by": [_start_text(s) or ("not dated" if t == "watch" else "to schedule")
                     for s, t in zip(ranked["start_by"], ranked["tier"], strict=True)],
        "Cost": [cost_text(c, w, currency) for c, w in zip(ranked["cost"], with_,
                                                             strict=True)],
    }, columns=columns)


def cost_text(cost: float, cost_with: str = "", currency: str = "EUR") -> str:
    """A cost cell that never reads as free when it is counted elsewhere.

    Parameters
    ----------
    cost : float
        The cost counted here [currency]; NaN when nothing prices it.
    cost_with : str
        Comma-separated resources under which the cost of an action shared with this
        one is counted (``cost_with`` of :func:`.report.status_table` and
        :func:`.report.actions`).
    currency : str
        Label of money.

    Returns
    -------
    str
        The money when ``cost`` is above 0; else "with CPU" (the resources' board labels)
        when shared; "none in the plan" for 0; "not costed" for NaN.

    Examples
    --------
    >>> cost_text(78_900.0, "bandwidth"), cost_text(0.0, "cpu"), cost_text(0.0)
    ('78.9 K EUR', 'with CPU', 'none in the plan')
    >>> cost_text(float("nan")), cost_text(float("nan"), "cpu")
    ('not costed', 'with CPU')
    """
    if is_number(cost) and cost > 0:
        return money(cost, currency)
    shared = [RESOURCE_LABELS.get(r.strip(), r.strip())
              for r in str(cost_with or "").split(",") if r.strip()]
    if shared:
        return "with " + _and(shared)
    return "none in the plan" if is_number(cost) else "not costed"


def present_hiring(hiring: pd.DataFrame) -> pd.DataFrame:
    """:func:`.report.hiring_table` for the board: hires with the same dates on one row."""
    if hiring.empty:
        return pd.DataFrame(columns=["Hires", "Open the positions by", "They join",
                                     "Fully productive from", "On time"])
    grouped = hiring.groupby(["open_by", "joins", "productive_from", "on_time"], sort=True)
    rows = [{"Hires": str(len(group)), "Open the positions by": key[0], "They join": key[1],
             "Fully productive from": key[2],
             "On time": "yes" if key[3] else "no: should already be open"}
            for key, group in grouped]
    return pd.DataFrame(rows)


def present_scenarios(table: pd.DataFrame, currency: str = "EUR") -> pd.DataFrame:
    """:func:`.report.scenario_table` for the board (with ``infra_spend_model`` when joined).

    The ``Users`` column (growth over the scenario's horizon) is left out when every
    scenario's label already says it.
    """
    rows = []
    for _, row in table.iterrows():
        entry = {
            "Scenario": row["label"],
            "Users": f"{percent(row['total_user_growth'], signed=True)} in "
                     f"{row['horizon_months']:g} months",
            "Growth needed": percent(row["required_monthly_rate"], 1) + "/month",
            "Probability": probability(row["probability"]),
            "Infrastructure (stated)": money(row["infra_cost"], currency)
            if pd.notna(row["infra_cost"]) else "not stated",
        }
        if "infra_spend_model" in table.columns:
            entry["Infrastructure run cost (model)"] = money(row["infra_spend_model"], currency)
        team = row["team_cost"]
        added = row["developers_added"]
        entry["Team"] = (f"+{added:g} developers\n{money(team, currency)}" if pd.notna(added)
                         else (money(team, currency) if pd.notna(team) else "not stated"))
        entry["Risk"] = row["risk"] or ""
        rows.append(entry)
    out = pd.DataFrame(rows)
    # labels such as "Conservative (+50 % in 12 months)" already say it: said once
    if len(out) and all(u in str(s) for s, u in zip(out["Scenario"], out["Users"], strict=True)):
        out = out.drop(columns="Users")
    return out


def present_investments(invest: pd.DataFrame, currency: str = "EUR") -> pd.DataFrame:
    """:func:`.report.investments` for the board."""
    return pd.DataFrame({
        "Investment": [str(i) for i in invest.index],
        "Cost": [money(c, currency) for c in invest["cost"]],
        "What it buys": list(invest["capacity"]),
    })


# --- what the history itself says: early-warning signals and trends -----------------------


# the statistics of a signal's evidence: its last parenthesis holding a p-value
_STATISTICS = re.compile(r"\s*\(([^()]*\bp = [^()]*)\)(?=[^()]*$)")


def _evidence_parts(evidence: Any) -> tuple[str, str]:
    """A signal's evidence in words, and its statistics ("" when it has none)."""
    text = str(evidence)
    found = _STATISTICS.search(text)
    if found is None:
        return _capital(text), ""
    return _capital(text[:found.start()] + text[found.end():]), found.group(1)


def present_signals(table: pd.DataFrame, *, statistics: bool = True) -> pd.DataFrame:
    """:func:`.report.signals_table` for the board: detected yes/no, severity, evidence.

    With ``statistics`` (the analyst's view), the evidence keeps its slope and p-value and
    a ``Rule`` column follows; without (the board's), the evidence is in words only and
    the rules and statistics are :func:`present_signal_tests`, for an appendix.
    """
    out = pd.DataFrame({
        "Signal": list(table["label"]),
        "Detected": ["yes" if d else "no" for d in table["detected"]],
        "Severity": [str(s).upper() if s == "critical" else str(s) for s in table["severity"]],
        "Evidence": [_capital(str(e)) if statistics else _evidence_parts(e)[0]
                     for e in table["evidence"]],
    })
    if statistics:
        out["Rule"] = [_capital(str(r)) for r in table["rule"]]
    return out


def present_signal_tests(table: pd.DataFrame) -> pd.DataFrame:
    """The technical side of :func:`present_signals`, for the appendix: each signal's rule
    and the statistics of its evidence (slope, one-sided p-value; "none" for a rule that
    reads a threshold)."""
    return pd.DataFrame({
        "Signal": list(table["label"]),
        "Rule": [_capital(str(r)) for r in table["rule"]],
        "Statistics": [_evidence_parts(e)[1] or "none" for e in table["evidence"]],
    })


def _trend_date(row: Mapping[str, Any], level: str, horizon: Any) -> str:
    status = row[f"{level}_status"]
    if status == NOT_ASSESSED:
        return NOT_ASSESSED
    if status == "already crossed":
        return "already crossed"
    if status == "poor fit":
        return "poor fit"  # the note says why there is no date
    if status != "forecast":
        return f"not within {horizon} months"
    month, low, high = (row[f"{level}{s}"] for s in ("_month", "_low", "_high"))
    # the interval on a line of its own: the cell never breaks inside a date
    return month if low == high == month else f"{month}\n({low} to {high})"


def present_trends(table: pd.DataFrame, currency: str = "EUR") -> pd.DataFrame:
    """:func:`.report.trend_table` for the board: trend dates beside the simulation's median month.

    Dates are calendar months, the trend's with its 90 % interval on a second line
    (``"2024-08\n(2024-07 to 2024-09)"``), or ``already crossed``, ``not within N months``,
    ``poor fit: no date``. The thresholds are those of the dashboard. A ``Note`` column
    carries the warning of each poor fit; it is left out when no fit is poor.
    """
    horizon = table.attrs.get("horizon_months", "")
    end, months = table.attrs.get("end_month"), table.attrs.get("simulated_months")
    rows = []
    for _, row in table.iterrows():
        unit = row["unit"]
        if not row["simulated"]:
            simulated = "not simulated"
        elif row["simulated_critical_month"] == "now":
            simulated = "already crossed"
        elif row["simulated_critical_month"]:
            simulated = row["simulated_critical_month"]
        else:
            last = pd.Period(end, freq="M") + int(months) if end and months else None
            simulated = (f"after {last}: {probability(row['simulated_probability'])} of "
                         "futures cross by then" if last is not None
                         else "not within the horizon")
        growth = float(row["monthly_growth"])
        growth = 0.0 if abs(growth) < 5e-4 else growth  # not "-0.0 %"
        fit = f"{percent(growth, 1, signed=True)}/month" if math.isfinite(growth) else "no trend"
        entry = {
            "Metric": row["label"],
            "Now": format_value(row["last_value"], unit, currency),
            "Trend": fit,
            "Attention (trend)": _trend_date(row, "attention", horizon),
            "Critical (trend)": _trend_date(row, "critical", horizon),
            "Critical (simulation)": simulated,
            "Agree?": row["agreement"] or "n/a",
        }
        if row["warning"]:
            # the row already names the metric ("cpu: poor fit..." -> "Poor fit...") and
            # its cells say "no date"
            # and its cells say "poor fit: no date": the note keeps the reasons only
            note = str(row["warning"]).removeprefix(f"{row.name}: ")
            note = re.sub(r"^poor log-linear fit over the last \d+ months?: ", "", note)
            entry["Note"] = _capital(note.removesuffix("; no crossing date is given"))
        rows.append(entry)
    out = pd.DataFrame(rows)
    return out.fillna("") if "Note" in out.columns else out


def trend_summary(table: pd.DataFrame) -> str:
    """One Markdown sentence for the board: where each capacity metric's own trend crosses
    its critical line (:func:`.report.trend_table`), which trends date nothing, and where
    the simulation disagrees.

    Examples
    --------
    >>> t = pd.DataFrame({"label": ["CPU", "Database", "Memory"],
    ...                   "critical_status": ["forecast", "already crossed", "poor fit"],
    ...                   "critical_month": ["2024-08", "now", ""],
    ...                   "agreement": ["yes (inside the trend's interval)",
    ...                                 "no: simulation 2 months later",
    ...                                 "cannot tell (no trend date)"]},
    ...                  index=["cpu", "db_utilisation", "memory"])
    >>> print(trend_summary(t))
    At the pace of the last months, the critical line is crossed in Aug 2024 (CPU) and \
already (Database); too irregular to date: Memory. The simulation disagrees for Database \
(simulation 2 months later).
    """
    dated, undated, off = [], {}, []
    for _, row in table.iterrows():
        status, label = str(row["critical_status"]), markdown_text(row["label"])
        if status == NOT_ASSESSED:
            continue
        if status == "forecast":
            dated.append(f"in {_start_text(row['critical_month'])} ({label})")
        elif status == "already crossed":
            dated.append(f"already ({label})")
        else:
            why = ("too irregular to date" if status == "poor fit"
                   else "not within the horizon")
            undated.setdefault(why, []).append(label)
        agreement = str(row["agreement"])
        if agreement.startswith("no"):
            off.append(f"{label} ({markdown_text(agreement.removeprefix('no: '))})")
    parts = [f"{why}: {_and(labels)}" for why, labels in undated.items()]
    if dated:
        parts.insert(0, "the critical line is crossed " + _and(dated))
    if not parts:
        return ""
    text = "At the pace of the last months, " + "; ".join(parts) + "."
    if off:
        text += f" The simulation disagrees for {_and(off)}."
    return text


# --- what changed since last quarter ------------------------------------------------------

_CHANGE_ROWS: tuple[tuple[str, str, str], ...] = (
    # summary key, label, unit for format_value
    ("mau", "Users (MAU)", "users"),
    ("revenue", "Monthly revenue", "currency"),
    ("transactions_per_day", "Transactions", "per day"),
    ("team_size", "Team", "developers"),
    ("infra_cost", "Monthly infrastructure cost", "currency"),
    ("cost_per_user", "Infrastructure cost per user and month", "currency"),
    ("infra_cost_share", "Infrastructure share of revenue", "fraction"),
    ("monthly_growth_rate", "Measured monthly growth (12 months)", "fraction/month"),
    ("metrics_critical", "Dashboard metrics critical", "count"),
    ("metrics_attention", "Dashboard metrics at attention", "count"),
    ("p_critical_next_quarter", "P(critical next quarter)", "probability"),
    ("remedy_start_by", "Start remedy by", "month"),
    ("debt_items_treat_now", "Debt items to treat now", "count"),
    ("hires_planned", "Hires planned", "count"),
    ("investment_total", "Investments required", "currency"),
    ("signals_detected", "Early-warning signals detected", "signals"),
    ("trend_critical_month", "Trend crosses critical", "trend month"),
)


def what_changed(
    current: Mapping[str, Any], previous: Mapping[str, Any], currency: str = "EUR", *,
    only_changed: bool = False,
) -> pd.DataFrame:
    """What changed since last quarter, and why, from two sets of headline figures.

    Parameters
    ----------
    current : mapping
        This quarter's :func:`.report.summary`.
    previous : mapping
        Last quarter's ``summary.json``.
    currency : str
        Label of money.
    only_changed : bool
        Keep only the figures whose value as shown changed, or whose members changed
        (the metrics at a status, the signals detected); the labels of those left out
        are in ``attrs["unchanged"]``.

    Returns
    -------
    pandas.DataFrame
        Columns ``Figure``, ``Last quarter``, ``This quarter``, ``Change`` and ``Why``
        (formatted strings). Per-resource figures (probabilities, remedy dates) get one
        row per resource. The ``Why`` column is derived from the two summaries: growth
        and unit economics behind money figures, the metrics that changed status, the
        utilisation and measured growth behind a probability or a remedy date. Figures
        missing from either summary are left out.
    """
    rows: list[dict[str, str]] = []
    changed: list[bool] = []
    for key, label, unit in _CHANGE_ROWS:
        now, before = current.get(key), previous.get(key)
        if isinstance(now, Mapping) and isinstance(before, Mapping):
            pairs = [(f"{label}: {metric_label(r)}", now[r], before[r], r)
                     for r in now if r in before]
        elif now is not None and before is not None:
            pairs = [(label, now, before, None)]
        else:
            pairs = []
        for name, a, b, resource in pairs:
            row = _change_row(key, name, unit, a, b, current, previous, currency, resource)
            rows.append(row)
            changed.append(row["Last quarter"] != row["This quarter"]
                           or _members_changed(key, current, previous))
    columns = ["Figure", "Last quarter", "This quarter", "Change", "Why"]
    table = pd.DataFrame(rows, columns=columns)
    if only_changed:
        keep = pd.Series(changed, index=table.index, dtype=bool)
        unchanged = list(table.loc[~keep, "Figure"])
        table = table[keep].reset_index(drop=True)
        table.attrs["unchanged"] = unchanged
    return table


def _members_changed(key: str, current: Mapping[str, Any], previous: Mapping[str, Any]) -> bool:
    """Whether a count's members changed while the count may not have: the metrics at a
    dashboard status, the signals detected."""
    if key in ("metrics_critical", "metrics_attention"):
        level = "critical" if key == "metrics_critical" else "attention"
        now, before = (current.get("dashboard_status") or {},
                       previous.get("dashboard_status") or {})
        return ({m for m, s in now.items() if s == level}
                != {m for m, s in before.items() if s == level})
    if key == "signals_detected":
        return set(current.get(key) or ()) != set(previous.get(key) or ())
    return False


def unchanged_text(table: pd.DataFrame) -> str:
    """The line under :func:`what_changed` (``only_changed=True``) naming the figures left
    out because they did not change, or "" when none was.

    Examples
    --------
    >>> t = what_changed({"mau": 10, "team_size": 3}, {"mau": 8, "team_size": 3},
    ...                  only_changed=True)
    >>> unchanged_text(t)
    '1 figure did not change and is left out: Team.'
    """
    left = table.attrs.get("unchanged") or []
    if not left:
        return ""
    n = len(left)
    return (f"{n} figure{' did' if n == 1 else 's did'} not change and "
            f"{'is' if n == 1 else 'are'} left out: "
            + "; ".join(markdown_text(x) for x in left) + ".")


def _change_text(unit: str, now: Any, before: Any, currency: str) -> tuple[str, str, str]:
    if unit == "month":
        order = {"now": "0000-00", "": "9999-99"}
        a, b = order.get(before, before), order.get(now, now)
        change = "unchanged" if a == b else ("earlier" if b < a else "later")
        return before or "not needed", now or "not needed", change
    if unit == "trend month":
        # '' is no date (beyond the horizon or a poor fit): neither earlier nor later
        if before == now:
            change = "unchanged"
        elif not before or not now:
            change = "now dated" if now else "no longer dated"
        else:
            order = {"now": "0000-00"}
            change = "earlier" if order.get(now, now) < order.get(before, before) else "later"
        return before or "no date", now or "no date", change
    if unit == "signals":
        return (f"{len(before)}", f"{len(now)}", f"{len(now) - len(before):+d}")
    if unit == "probability":
        return probability(before), probability(now), (
            f"{(float(now) - float(before)) * 100:+.0f} pts")
    if unit == "count":
        return f"{before:g}", f"{now:g}", f"{float(now) - float(before):+g}"
    if unit == "currency":
        return money(before, currency), money(now, currency), money(
            float(now) - float(before), currency, signed=True)
    if unit in ("fraction", "fraction/month"):
        points = (float(now) - float(before)) * 100
        return (format_value(before, unit, currency), format_value(now, unit, currency),
                f"{points:+.1f} pts")
    change = float(now) - float(before)
    pct = change / abs(float(before)) if float(before) else math.nan
    text = format_value(change, unit, currency, signed=True)
    if not math.isnan(pct):
        text += f" ({percent(pct, 1, signed=True)})"
    return format_value(before, unit, currency), format_value(now, unit, currency), text


def _ratio(summary: Mapping[str, Any], top: str, bottom: str) -> float:
    a, b = summary.get(top), summary.get(bottom)
    if not is_number(a) or not is_number(b) or float(b) == 0:
        return math.nan
    return float(a) / float(b)


def _growth(now: Mapping[str, Any], before: Mapping[str, Any], key: str) -> float:
    return _ratio({"a": now.get(key), "b": before.get(key)}, "a", "b") - 1


def _change_row(key, label, unit, now, before, current, previous, currency, resource):
    shown = _change_text(unit, now, before, currency)
    return {"Figure": label, "Last quarter": shown[0], "This quarter": shown[1],
            "Change": shown[2],
            "Why": _why(key, resource, now, before, current, previous, currency)}


def _why(key, resource, now, before, current, previous, currency) -> str:
    """One sentence on the drivers of a change, from the two summaries only."""
    explain = _WHY.get(key)
    if explain is None:
        return ""
    return explain(_Change(key, resource, now, before, current, previous, currency))


@dataclasses.dataclass(frozen=True)
class _Change:
    """One figure of :func:`what_changed`: its key (and resource), both values and both
    summaries, for the functions of :data:`_WHY` that explain it."""

    key: str
    resource: str | None
    now: Any
    before: Any
    current: Mapping[str, Any]
    previous: Mapping[str, Any]
    currency: str

    @property
    def users(self) -> float:
        """Growth of MAU between the two summaries [fraction]."""
        return _growth(self.current, self.previous, "mau")

    @property
    def quarter_rate(self) -> float | None:
        """MAU's average monthly growth between the two summaries [fraction/month]."""
        months = _months_between(self.previous.get("month"), self.current.get("month"))
        if not months or math.isnan(self.users):
            return None
        return (1 + self.users) ** (1 / months) - 1


def _why_users(c: _Change) -> str:
    rate = c.quarter_rate
    if rate is None:
        return ""
    months = _months_between(c.previous.get("month"), c.current.get("month"))
    return f"{percent(rate, 1)} a month on average over {months} months"


def _why_revenue(c: _Change) -> str:
    arpu = (_ratio(c.previous, "revenue", "mau"), _ratio(c.current, "revenue", "mau"))
    return (f"users {percent(c.users, 1, signed=True)}; revenue per user "
            f"{money(arpu[0], c.currency)} → {money(arpu[1], c.currency)}")


def _why_transactions(c: _Change) -> str:
    per = (_ratio(c.previous, "transactions_per_day", "mau"),
           _ratio(c.current, "transactions_per_day", "mau"))
    return (f"users {percent(c.users, 1, signed=True)}; transactions per user and day "
            f"{per[0]:.3f} → {per[1]:.3f}")


def _why_team(c: _Change) -> str:
    planned = c.previous.get("hires_planned")
    return f"last quarter's plan asked for {planned} hires" if is_number(planned) else ""


def _why_infra_cost(c: _Change) -> str:
    cost = _growth(c.current, c.previous, "infra_cost")
    trend = "economies of scale" if cost < c.users else "cost grew faster than users"
    return (f"infrastructure cost {percent(cost, 1, signed=True)} for users "
            f"{percent(c.users, 1, signed=True)}: {trend}")


def _why_infra_share(c: _Change) -> str:
    cost = _growth(c.current, c.previous, "infra_cost")
    revenue = _growth(c.current, c.previous, "revenue")
    return (f"infrastructure cost {percent(cost, 1, signed=True)}, revenue "
            f"{percent(revenue, 1, signed=True)}")


def _why_growth_rate(c: _Change) -> str:
    rate = c.quarter_rate
    if rate is None or not is_number(c.before):
        return ""
    side = "above" if rate > float(c.before) else "below"
    return (f"the quarter grew {percent(rate, 1)} a month, {side} last quarter's "
            f"12-month average; the window now includes it")


def _why_status_counts(c: _Change) -> str:
    level = "critical" if c.key == "metrics_critical" else "attention"
    return _status_moves(c.current.get("dashboard_status"),
                         c.previous.get("dashboard_status"), level)


def _why_resource(c: _Change) -> str:
    """Utilisation behind a probability or a remedy date (and, for a date, the probability
    behind it); the measured growth behind them all is the growth row's."""
    if c.resource is None:
        return ""
    parts = []
    u_now = (c.current.get("utilisation_avg") or {}).get(c.resource)
    u_before = (c.previous.get("utilisation_avg") or {}).get(c.resource)
    if is_number(u_now) and is_number(u_before):
        parts.append(f"utilisation {percent(u_before)} → {percent(u_now)}")
    if c.key == "remedy_start_by":
        p_now = (c.current.get("p_critical_next_quarter") or {}).get(c.resource)
        p_before = (c.previous.get("p_critical_next_quarter") or {}).get(c.resource)
        if is_number(p_now) and is_number(p_before):
            parts.append(f"P(critical next quarter) {probability(p_before)} → "
                         f"{probability(p_now)}")
    return "; ".join(parts)


def _why_signals(c: _Change) -> str:
    label = {k: v.lower() for k, v in SIGNAL_LABELS.items()}
    new = [label.get(x, x) for x in c.now if x not in c.before]
    gone = [label.get(x, x) for x in c.before if x not in c.now]
    parts = ([f"new: {', '.join(new)}"] if new else []) + (
        [f"no longer: {', '.join(gone)}"] if gone else [])
    return "; ".join(parts) or ("the same signals" if c.now else "")


def _why_debt(c: _Change) -> str:
    top = c.current.get("debt_top_item")
    return f"best return now: {top}" if top else ""


def _why_hires(c: _Change) -> str:
    team = (c.previous.get("team_size"), c.current.get("team_size"))
    return (f"team {team[0]:g} → {team[1]:g} developers"
            if is_number(team[0]) and is_number(team[1]) else "")


def _why_investments(c: _Change) -> str:
    parts = []
    plan = (c.previous.get("plan_total_cost"), c.current.get("plan_total_cost"))
    if is_number(plan[0]) and is_number(plan[1]):
        parts.append(f"remedy plan {money(plan[0], c.currency)} → {money(plan[1], c.currency)}")
    hires = (c.previous.get("hires_planned"), c.current.get("hires_planned"))
    if None not in hires:
        parts.append(f"hires planned {hires[0]} → {hires[1]}")
    return "; ".join(parts)


#: summary key -> the function explaining its change (keys without one get no "why")
_WHY = {
    "mau": _why_users,
    "revenue": _why_revenue,
    "transactions_per_day": _why_transactions,
    "team_size": _why_team,
    "infra_cost": _why_infra_cost,
    "cost_per_user": _why_infra_cost,
    "infra_cost_share": _why_infra_share,
    "monthly_growth_rate": _why_growth_rate,
    "metrics_critical": _why_status_counts,
    "metrics_attention": _why_status_counts,
    "p_critical_next_quarter": _why_resource,
    "remedy_start_by": _why_resource,
    "signals_detected": _why_signals,
    "debt_items_treat_now": _why_debt,
    "hires_planned": _why_hires,
    "investment_total": _why_investments,
}


def _months_between(first: Any, last: Any) -> int | None:
    try:
        return int((pd.Period(str(last), freq="M") - pd.Period(str(first), freq="M")).n)
    except (ValueError, TypeError):
        return None


def _status_moves(now: Any, before: Any, level: str) -> str:
    if not isinstance(now, Mapping) or not isinstance(before, Mapping):
        return ""
    entered = sorted(m for m, s in now.items() if s == level and before.get(m) != level)
    left = sorted(m for m, s in before.items() if s == level and now.get(m) != level)
    parts = []
    # board labels, not the data's keys
    if entered:
        parts.append(f"now {level}: {', '.join(metric_label(m) for m in entered)}")
    if left:
        parts.append(f"no longer {level}: {', '.join(metric_label(m) for m in left)}")
    return "; ".join(parts) or f"the same metrics are {level}"


# --- at a glance and assumptions ----------------------------------------------------------


def key_messages(
    headline: Mapping[str, Any],
    *,
    ranked: pd.DataFrame | None = None,
    hiring: pd.DataFrame | None = None,
    signals: pd.DataFrame | None = None,
    invest: pd.DataFrame | None = None,
    currency: str = "EUR",
) -> list[str]:
    """The report's first lines: a few Markdown sentences built from the headline figures.

    Parameters
    ----------
    headline : mapping
        This quarter's :func:`.report.summary`.
    ranked : pandas.DataFrame, optional
        From :func:`.report.actions`: the actions to act on now, and those of this
        quarter, are named with their start month.
    hiring : pandas.DataFrame, optional
        From :func:`.report.hiring_table`: the funnel effort behind the plan is quoted.
    signals : pandas.DataFrame, optional
        From :func:`.report.signals_table`: every signal detected at critical severity is quoted
        with its evidence.
    invest : pandas.DataFrame, optional
        From :func:`.report.investments`: the total's parts are named with their costs.
    currency : str
        Label of money.

    Returns
    -------
    list of str
        One Markdown sentence per message, in reading order; text from the data
        (metric names, labels, actions, evidence) is escaped with
        :func:`markdown_text`. Besides the figures of the
        headline, a trend message names the capacity metrics whose trend
        (``trend_critical_month``) crosses critical within the next quarter.
    """
    lines = []
    if is_number(headline.get("mau")):
        text = (f"**Growth.** {format_value(headline['mau'], 'users')} monthly active users "
                f"({percent(headline.get('mau_qoq_change'), 1, signed=True)} over the quarter)")
        if is_number(headline.get("monthly_growth_rate")):
            text += (f", growing {percent(headline['monthly_growth_rate'], 1)} a month on "
                     "average over the last 12 months")
        if is_number(headline.get("revenue")):
            text += (f"; revenue {money(headline['revenue'], currency)}/month "
                     f"({percent(headline.get('revenue_qoq_change'), 1, signed=True)}).")
        lines.append(text)
    statuses = headline.get("dashboard_status") or {}
    critical = [m for m, s in statuses.items() if s == "critical"]
    attention = [m for m, s in statuses.items() if s == "attention"]
    if statuses:
        def names(metrics: list[str]) -> str:
            return (f" ({_and([markdown_text(metric_label(m)) for m in metrics])})"
                    if metrics else "")

        lines.append(
            f"**Dashboard.** {len(critical)} {'metric' if len(critical) == 1 else 'metrics'} "
            f"critical{names(critical)}, {len(attention)} at attention{names(attention)}, "
            f"{sum(s == 'ok' for s in statuses.values())} ok.")
    p_next = headline.get("p_critical_next_quarter") or {}
    if p_next:
        worst = max(p_next, key=lambda r: p_next[r])
        lines.append(
            f"**Capacity.** The resource most at risk is "
            f"{markdown_text(RESOURCE_LABELS.get(worst, worst))}: "
            f"{probability(p_next[worst])} of the simulated futures cross its critical line "
            f"by the end of next quarter if nothing is done.")
    soon = _critical_next_quarter(headline)
    if soon:
        names = [f"{markdown_text(metric_label(m))} "
                 f"({pd.Period(month, freq='M').strftime('%b %Y')})"
                 for m, month in soon.items()]
        lines.append(
            f"**Trend.** At the pace of the last months, {_and(names)} "
            f"{'crosses its' if len(names) == 1 else 'cross their'} critical line within the "
            f"next quarter.")
    if signals is not None and len(signals):
        critical = signals[signals["detected"] & (signals["severity"] == "critical")]
        for _, row in critical.iterrows():
            lines.append(f"**Early warning (critical).** {markdown_text(row['label'])}: "
                         f"{markdown_text(row['evidence'])}")
    if ranked is not None and len(ranked):
        lines.extend(_tier_messages(ranked))
    if is_number(headline.get("investment_total")):
        lines.append(_investment_message(headline, invest, hiring, currency))
    return lines


def _tier_messages(ranked: pd.DataFrame) -> list[str]:
    """"Act now" and "this quarter": the actions of each tier with their start month."""
    lines = []
    for tier, title in (("act now", "Act now"), ("this quarter", "This quarter")):
        rows = ranked[ranked["tier"] == tier]
        names = [markdown_text(r["action"])
                 + (f" (start {_start_text(r['start_by'])})" if r["start_by"] else "")
                 for _, r in rows.iterrows()]
        if names:
            lines.append(f"**{title}.** " + _capital("; ".join(names)) + ".")
    return lines


def _investment_message(headline: Mapping[str, Any], invest: pd.DataFrame | None,
                        hiring: pd.DataFrame | None, currency: str) -> str:
    """The investments' total, what it is made of, and the hiring effort behind it."""
    text = (f"**Investments required:** {money(headline['investment_total'], currency)} "
            "over the forecast")
    if invest is not None:
        parts = [f"{markdown_text(name)} {money(cost, currency)}"
                 for name, cost in invest["cost"].items() if name != "total"]
        text += " (" + "; ".join(parts) + ")"
    if is_number(headline.get("hires_planned")):
        text += f". The {headline['hires_planned']} hires"
        if hiring is not None and "applications_needed" in hiring.attrs:
            text += (f" need about {hiring.attrs['applications_needed']:,} applications at "
                     f"the company's conversion rate (the funnel received "
                     f"{hiring.attrs['applications_last_quarter']:,} last quarter)")
            if headline.get("hiring_feasible") is False:
                text += ": **not feasible at last quarter's pace**"
            elif headline.get("hiring_feasible") is True:
                text += ": feasible at last quarter's pace"
        else:
            text += " are planned"
    return text + "."


def _critical_next_quarter(headline: Mapping[str, Any]) -> dict[str, str]:
    """Metrics whose trend crosses critical in the three months after ``headline['month']``."""
    months = headline.get("trend_critical_month") or {}
    try:
        end = pd.Period(str(headline["month"]), freq="M")
    except (KeyError, ValueError, TypeError):
        return {}
    soon = {}
    for metric, month in months.items():
        if not re.fullmatch(r"\d{4}-\d{2}", str(month)):  # 'now' or '': no future date
            continue
        if 1 <= (pd.Period(str(month), freq="M") - end).n <= 3:
            soon[metric] = str(month)
    return dict(sorted(soon.items(), key=lambda item: item[1]))


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def present_parameters(values: Mapping[str, Any]) -> pd.DataFrame:
    """The parameters of the run with their meaning (from the parameters registry).

    Paths (``data_dir``, ``previous_summary``) are left out: they do not change a figure.
    """
    from scaling_models import parameters

    rows = []
    for name, value in values.items():
        if name in ("data_dir", "previous_summary"):
            continue
        spec = parameters.PARAMETERS.get(name)
        shown = f"{value:g}" if isinstance(value, float) else str(value)
        rows.append({"Parameter": name, "Value": shown,
                     "Meaning": spec.help if spec is not None else ""})
    return pd.DataFrame(rows)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def parameters_text(values: Mapping[str, Any]) -> str:
    """The parameters of :func:`present_parameters` as one compact Markdown paragraph
    (``**name** value: meaning``, separated by middle dots), for the report's appendix.

    Examples
    --------
    >>> parameters_text({"seed": 7, "data_dir": "/x"})
    '**seed** 7: random seed of the Monte Carlo run.'
    """
    table = present_parameters(values)
    parts = [f"**{markdown_text(r['Parameter'])}** {markdown_text(r['Value'])}"
             + (f": {markdown_text(r['Meaning'])}" if r["Meaning"] else "")
             for _, r in table.iterrows()]
    return " · ".join(parts) + ("." if parts else "")


def board_texts(
    headline: Mapping[str, Any],
    *,
    calibrated: Any,
    tables: Mapping[str, Any],
    hiring_problem: str,
    params: Mapping[str, Any],
    previous_problem: str = "",
    confidence: str = "",
) -> dict[str, str]:
    """The sentences the board report's sections print, from its tables and parameters.

    Parameters
    ----------
    headline : mapping
        This quarter's :func:`.report.summary`.
    calibrated : scaling_models.company.Calibrated
        The simulation's inputs (its ``sources`` say where each assumption comes from).
    tables : mapping
        The report's tables (see :class:`scaling_models.board.BoardReport`).
    hiring_problem : str
        Why no hiring plan reaches the target, or "".
    params : mapping
        The report's validated parameters.
    previous_problem : str
        Why last quarter's summary could not be used, or "".
    confidence : str
        The low-confidence note of a short history (:func:`.report.history_note`), or "".

    Returns
    -------
    dict
        ``confidence``, ``status``, ``actions`` (the tiers of the ranked actions, with
        their months), ``forecast``, ``model_check`` (the latency fit and the
        simulation's first month against the last measured one, for the appendix),
        ``signals``, ``trend`` (:func:`trend_summary`), ``hiring``, ``debt``,
        ``parameters`` (:func:`parameters_text`), ``previous_problem`` (Markdown, "" when
        there is nothing to say; text from data and error messages escaped with
        :func:`markdown_text`).
    """
    currency = params["currency"]
    sources = calibrated.sources
    forecast = (
        f"{markdown_text(_capital(sources['growth']))}; {params['n_paths']:,} simulated "
        f"futures over {params['horizon_months']} months. How utilisation follows users (the "
        f"load elasticity: utilisation grows as users to that power, 1 meaning in "
        f"proportion): {markdown_text(sources['elasticity'].removeprefix('elasticity: '))}.")
    model_check = (
        f"{markdown_text(_capital(sources['latency'].removeprefix('latency: ')))}. "
        + _model_vs_measured(headline.get("model_vs_measured") or {}))
    signals = tables["signals"]
    detected = signals[signals["detected"]]
    signals_text = (f"**{len(detected)} of {len(signals)} signals detected**"
                    + (": " + ", ".join(markdown_text(t) for t in detected["label"].str.lower())
                       + "."
                       if len(detected) else "."))
    hiring = tables["hiring"]
    if hiring is None:
        hiring_text = f"**No hiring plan reaches the target:** {markdown_text(hiring_problem)}"
    else:
        a = hiring.attrs
        hiring_text = (
            f"From {a['current_developers']:.0f} developers at {a['current_velocity']:.0f} "
            f"story points per sprint to {params['target_velocity']:.0f} within "
            f"{params['hiring_target_months']} months: **{a['hires']} hires**.")
        if "applications_needed" in a:
            first, last = a["funnel_quarters"]
            hiring_text += (
                f" At the funnel's conversion rate ({first} to {last}: one hire for "
                f"{a['applications_per_hire']:.0f} applications) they need about "
                f"**{a['applications_needed']:,} applications**; the funnel received "
                f"{a['applications_last_quarter']:,} last quarter, so the plan is **"
                + ("feasible" if headline.get("hiring_feasible") else "not feasible")
                + " at last quarter's pace** of applications.")
    debt = tables["debt"]
    debt_text = (
        f"{debt.attrs['n_treat_now']} of the {debt.attrs['n_items']} items in the backlog pay "
        f"back more than three times their cost in a year (developer hour at "
        f"{money(params['hourly_cost'], currency)}). The top {len(debt)}:")
    end = periods.to_month(headline["month"])
    horizon = params["horizon_months"]
    status = (
        "*Attention / critical from*: the month half of the simulated futures cross the line "
        "if nothing is added (nine in ten within the brackets); *start remedy by*: lead time "
        f"before {percent(params['remedy_risk'])} of futures are critical; *cost*: the remedy "
        f"plan's spend on it over {horizon} months (\"with CPU\": counted under CPU; team: a "
        "year of hires); *how sure*: the share of futures critical by "
        f"{_month(end, horizon)}. *P95 response time*: 95 % of requests are answered within it.")
    actions = (
        f"**Act now**: critical today, or start by {_month(end, 1)}. **This quarter**: start "
        f"by {_month(end, 3)}, and debt paying back over 3 times its cost in a year. "
        f"**Plan**: start from {_month(end, 4)}, and debt worth planning. **Watch**: at "
        "attention, nothing dates it: no date or cost yet. A trend date has no lead time: "
        "the month the line is crossed.")
    forecast += " " + elasticity_words(headline.get("elasticity") or {})
    return {"confidence": f"**{markdown_text(confidence)}**\n\n" if confidence else "",
            "status": status, "actions": actions, "forecast": forecast,
            "model_check": model_check, "signals": signals_text,
            "trend": trend_summary(tables["trend"]),
            "hiring": hiring_text, "debt": debt_text,
            "parameters": parameters_text(params),
            "previous_problem": (
                "No comparison: last quarter's summary could not be used "
                f"({markdown_text(previous_problem)})." if previous_problem else "")}


def _model_vs_measured(pairs: Mapping[str, Mapping[str, float]]) -> str:
    """The simulation's first month against the history's last, in one sentence."""
    parts = []
    for metric, pair in pairs.items():
        unit = "s" if metric not in RESOURCE_LABELS else "fraction"
        shown = [format_value(pair[k], unit) if unit == "s" else percent(pair[k], 1)
                 for k in ("modelled", "measured")]
        parts.append(f"{metric_label(metric)} {shown[0]} against {shown[1]}")
    if not parts:
        return ""
    return ("The simulation's first month (median future) against the last measured month: "
            + markdown_text(", ".join(parts)) + ".")


def elasticity_words(elasticity: Mapping[str, float]) -> str:
    """Which resources grow faster than users, in proportion, or less than proportionally.

    Elasticity above 1.05: "faster than users"; below 0.95: "less than proportionally";
    between: "about in proportion" (the estimates' own intervals are wider than that).

    Examples
    --------
    >>> elasticity_words({"cpu": 1.09, "memory": 0.87})
    'CPU grows faster than users (elasticity above 1); Memory grows less than proportionally.'
    """
    groups: dict[str, list[str]] = {}
    for resource, value in elasticity.items():
        kind = ("grows faster than users (elasticity above 1)" if value > 1.05
                else "grows less than proportionally" if value < 0.95
                else "grows about in proportion to users")
        groups.setdefault(kind, []).append(RESOURCE_LABELS.get(resource, resource))
    parts = [(_and(names) + " " + (kind if len(names) == 1 else kind.replace("grows", "grow")))
             for kind, names in groups.items()]
    return "; ".join(parts) + "." if parts else ""
