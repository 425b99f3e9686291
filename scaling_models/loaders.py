"""The data layer: read and validate every input file of the package.

Five files make a data folder (:data:`REQUIRED_DATA_FILES`): the monthly history, the debt
backlog, the hiring funnel, the threshold table (CSV) and the growth scenarios (YAML); a
sixth, the architecture-lever catalogue ``levers.yaml``, is optional
(:data:`OPTIONAL_DATA_FILES`: the default catalogue otherwise). The five tables are
described once, in :data:`SCHEMAS`: each column's type, unit, allowed range and whether it
is required. The same schema validates the files and writes the column tables of
``data/README.md`` (a test keeps the two in step). A file that breaks a rule raises
:class:`DataError` naming the file, the column, the rows (by month, quarter, item, metric
or scenario) and the rule; nothing is coerced or guessed silently. Units follow the
package: fractions in [0, 1] (not percentages), money in EUR per month, time in the unit
named by the column (``_days``, ``_hours``, ``_s``, ``_months``).

:func:`load_data_dir` returns them all as one :class:`DataBundle`; models receive these
values, never paths. The default files ship inside the package (``scaling_models/_defaults``,
read with :mod:`importlib.resources`; the repository's ``data/`` holds the same files).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from scaling_models import periods
from scaling_models import resources as resource_registry
from scaling_models._checks import closest_names, require_integer
from scaling_models.parameters import ParameterError, load_yaml

__all__ = [
    "DATA_DIR",
    "DATA_FILES",
    "REQUIRED_DATA_FILES",
    "OPTIONAL_DATA_FILES",
    "DEFAULT_SCENARIOS_PATH",
    "DEFAULT_THRESHOLDS_PATH",
    "FRACTION_METRICS",
    "FUNNEL_STAGES",
    "SCENARIO_FAMILIES",
    "DataError",
    "Column",
    "FileSchema",
    "SCHEMAS",
    "DataBundle",
    "read_table",
    "load_history",
    "load_backlog",
    "load_funnel",
    "load_thresholds",
    "validate_thresholds",
    "load_scenarios",
    "load_data_dir",
    "schema_markdown",
    "DEFAULT_LEVERS_PATH",
    "LEVER_EFFECT_KINDS",
    "LEVER_CATEGORIES",
    "LEVER_COLUMNS",
    "load_levers",
]

#: The default data folder shipped inside the package (the files of the repository's
#: ``data/``). Read through importlib.resources so that it is found wherever the package
#: is installed; the wheel installs it as plain files.
DATA_DIR = Path(str(resources.files("scaling_models").joinpath("_defaults")))

_KINDS = ("month", "quarter", "text", "category", "int", "float")


class DataError(ValueError):
    """A data file breaks a documented rule.

    Attributes ``file``, ``column``, ``rows`` and ``rule`` repeat what the message says,
    for callers (notebooks, the batch driver) that want to show them separately.
    """

    def __init__(
        self,
        file: str | Path,
        rule: str,
        *,
        column: str | None = None,
        rows: Sequence[str] = (),
    ) -> None:
        self.file = str(file)
        self.column = column
        self.rows = tuple(rows)
        self.rule = rule
        where = [self.file]
        if column is not None:
            where.append(f"column {column!r}")
        if self.rows:
            where.append(_list_rows(self.rows))
        super().__init__(f"{', '.join(where)}: {rule}")


@dataclass(frozen=True, kw_only=True)
class Column:
    """One documented column of a data file.

    ``kind`` is one of ``month`` (``YYYY-MM``), ``quarter`` (``YYYY-Qn``), ``text``,
    ``category`` (one of ``categories``), ``int`` (whole numbers) or ``float``. A column
    whose ``unit`` is ``"fraction"`` must hold values in [0, 1]; a file whose values all
    lie in (1, 100] is reported as percentages. A ``derived`` column is computed by the
    loader from the others and is not a field of the file.
    """

    name: str
    kind: str
    unit: str
    description: str
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    required: bool = True
    categories: tuple[str, ...] = ()
    derived: bool = False

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(f"kind must be one of {_KINDS}; got {self.kind!r}")

    @property
    def allowed(self) -> str:
        """The allowed values, as written in data/README.md."""
        if self.kind == "month":
            return "YYYY-MM, consecutive, sorted"
        if self.kind == "quarter":
            return "YYYY-Qn, consecutive, sorted"
        if self.kind == "category":
            return " / ".join(self.categories)
        if self.kind == "text":
            return "text"
        whole = "whole number " if self.kind == "int" else ""
        if self.low is not None and self.high is not None:
            left = "(" if self.low_open else "["
            right = ")" if self.high_open else "]"
            return f"{whole}in {left}{self.low:g}, {self.high:g}{right}"
        if self.low is not None:
            return f"{whole}{'>' if self.low_open else '>='} {self.low:g}"
        return f"{whole}any".strip()


@dataclass(frozen=True, kw_only=True)
class FileSchema:
    """The documented layout of one CSV file.

    ``key`` names the column that identifies a row (and becomes the index);
    ``not_above`` lists column pairs ``(a, b)`` that must satisfy ``a <= b`` on every row.
    """

    file: str
    key: str
    description: str
    columns: tuple[Column, ...]
    not_above: tuple[tuple[str, str], ...] = ()

    def column(self, name: str) -> Column:
        """The column called ``name``."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        """Every documented column name, in file order."""
        return tuple(col.name for col in self.columns)


def _frac(name: str, description: str, *, required: bool = True) -> Column:
    return Column(name=name, kind="float", unit="fraction", description=description,
                  low=0.0, high=1.0, required=required)


def _count(name: str, unit: str, description: str, *, required: bool = True,
           kind: str = "int") -> Column:
    return Column(name=name, kind=kind, unit=unit, description=description, low=0.0,
                  required=required)


_HISTORY = FileSchema(
    file="company_history.csv",
    key="month",
    description="One row per calendar month, oldest first, no gaps.",
    columns=(
        Column(name="month", kind="month", unit="-", description="Calendar month."),
        Column(name="mau", kind="int", unit="users", low=0.0, low_open=True,
               description="Monthly active users."),
        _count("transactions_per_day", "transactions/day",
               "Average business transactions per day over the month.", kind="float"),
        _count("revenue", "EUR/month", "Revenue of the month.", kind="float"),
        _count("infra_cost", "EUR/month", "Infrastructure bill of the month.", kind="float"),
        _frac("cpu_avg", "Average CPU utilisation."),
        _frac("cpu_peak", "Peak CPU utilisation (>= cpu_avg)."),
        _frac("memory_avg", "Average memory utilisation."),
        _frac("memory_peak", "Peak memory utilisation (>= memory_avg)."),
        _frac("db_avg", "Average database utilisation."),
        _frac("db_peak", "Peak database utilisation (>= db_avg)."),
        _frac("bandwidth_avg", "Average network bandwidth utilisation."),
        _frac("bandwidth_peak", "Peak network bandwidth utilisation (>= bandwidth_avg)."),
        _count("db_connections_in_use", "connections",
               "Database connections in use at the busy hour (<= db_pool_size).",
               required=False),
        Column(name="db_pool_size", kind="int", unit="connections", low=0.0, low_open=True,
               required=False, description="Size of the database connection pool."),
        Column(name="p95_response_time_s", kind="float", unit="s", low=0.0, low_open=True,
               required=False, description="95th percentile response time."),
        _frac("error_rate", "Share of requests that failed.", required=False),
        _frac("availability", "Share of the month the service was up (0.999 = 99.9 %).",
              required=False),
        _frac("storage", "Storage utilisation (not in the sample data).", required=False),
        _count("incidents", "count/month", "Production incidents in the month.",
               required=False),
        _frac("churn", "Share of last month's MAU lost this month.", required=False),
        Column(name="team_size", kind="int", unit="developers", low=0.0, low_open=True,
               description="Developers at the end of the month."),
        _count("velocity", "story points/sprint", "Average team velocity.", kind="float"),
        Column(name="cycle_time_days", kind="float", unit="days", low=0.0, low_open=True,
               description="Average time from work started to production."),
        _count("deploys_per_week", "deploys/week", "Production deployments per week.",
               required=False, kind="float"),
        _count("code_review_hours", "hours", "Average time a change waits for review.",
               required=False, kind="float"),
        _frac("communication_overhead", "Share of developer time spent coordinating.",
              required=False),
        _count("hires", "people/month", "Developers who joined in the month.",
               required=False),
        _count("departures", "people/month", "Developers who left in the month.",
               required=False),
    ),
    not_above=(
        ("cpu_avg", "cpu_peak"),
        ("memory_avg", "memory_peak"),
        ("db_avg", "db_peak"),
        ("bandwidth_avg", "bandwidth_peak"),
        ("db_connections_in_use", "db_pool_size"),
    ),
)

_BACKLOG = FileSchema(
    file="debt_backlog.csv",
    key="item",
    description="One row per technical-debt item (docs/domain.md section 5 inputs).",
    columns=(
        Column(name="item", kind="text", unit="-", description="Short unique name."),
        Column(name="category", kind="text", unit="-", required=False,
               description="Free grouping, e.g. architecture, database, observability."),
        Column(name="relieves", kind="category", unit="-", required=False,
               categories=resource_registry.keys(),
               description="Capacity resource the fix relieves (a key of "
                           "scaling_models.resources), empty for none."),
        Column(name="priority", kind="category", unit="-", categories=("high", "medium", "low"),
               description="Article's priority: high blocks scaling or is a security risk."),
        _count("investigation_days", "days", "Estimated investigation effort (X).",
               kind="float"),
        _count("implementation_days", "days", "Estimated implementation effort (Y).",
               kind="float"),
        _count("testing_days", "days", "Estimated testing effort (Z).", kind="float"),
        _count("hours_lost_per_sprint", "hours/sprint", "Time the debt costs today (A).",
               kind="float"),
        _count("incidents_per_month", "incidents/month", "Incidents it causes today (B).",
               kind="float"),
        _count("cost_per_incident", "EUR/incident", "Cost of one such incident (C).",
               kind="float"),
        _count("hours_gained_per_sprint", "hours/sprint", "Time gained once fixed (D).",
               kind="float"),
        _count("incidents_avoided_per_month", "incidents/month",
               "Incidents avoided once fixed (E), <= incidents_per_month.", kind="float"),
    ),
    not_above=(("incidents_avoided_per_month", "incidents_per_month"),),
)

#: Stages of the recruitment funnel, widest first (docs/domain.md section 6): the columns of
#: ``hiring_funnel.csv`` after ``quarter``.
FUNNEL_STAGES: tuple[str, ...] = (
    "applications", "qualified", "motivated", "competent", "technically_validated",
    "finalists", "hired",
)
_FUNNEL = FileSchema(
    file="hiring_funnel.csv",
    key="quarter",
    description="One row per quarter; candidates reaching each stage (docs/domain.md section 6).",
    columns=(
        Column(name="quarter", kind="quarter", unit="-", description="Calendar quarter."),
        *(
            _count(stage, "candidates",
                   f"Candidates who reached the '{stage}' stage"
                   + (" (<= previous stage)." if i else "."))
            for i, stage in enumerate(FUNNEL_STAGES)
        ),
    ),
    not_above=tuple(zip(FUNNEL_STAGES[1:], FUNNEL_STAGES[:-1], strict=True)),
)

_THRESHOLDS = FileSchema(
    file="thresholds.csv",
    key="metric",
    description="One row per metric: when it needs attention, when it is critical.",
    columns=(
        Column(name="metric", kind="text", unit="-", description="Metric key."),
        Column(name="group", kind="category", unit="-",
               categories=("technical", "organisational", "business", "capacity"),
               description="Dashboard section."),
        Column(name="label", kind="text", unit="-", description="Human-readable name."),
        Column(name="unit", kind="text", unit="-",
               description="Unit of the values; 'fraction' means a share in [0, 1]."),
        Column(name="direction", kind="category", unit="-",
               categories=("higher_is_worse", "lower_is_worse"),
               description="Which way the metric gets worse."),
        Column(name="attention", kind="float", unit="(unit)",
               description="Beyond this (strictly), the status is 'attention'."),
        Column(name="critical", kind="float", unit="(unit)",
               description="Beyond this (strictly), the status is 'critical'."),
        Column(name="action", kind="text", unit="-",
               description="What to do when the metric is not ok."),
    ),
)

#: Allowed ``family`` values of a scenario: docs/domain.md section 2 (12-month
#: projections), section 8 (multi-year stages), user-added.
SCENARIO_FAMILIES = ("projection_12m", "multi_year", "custom")


def _scenario_number(name: str, unit: str, description: str, **rules: Any) -> Column:
    return Column(name=name, kind="float", unit=unit, description=description, **rules)


def _scenario_text(name: str, description: str) -> Column:
    return Column(name=name, kind="text", unit="-", required=False, description=description)


_SCENARIOS = FileSchema(
    file="scenarios.yaml",
    key="key",
    description=("A YAML mapping: optional 'defaults' (growth_spread only) and a "
                 "'scenarios' list, one mapping of these fields per scenario; read by "
                 "growth.scenarios(), one row per scenario in file order."),
    columns=(
        Column(name="key", kind="text", unit="-", description="Short unique name."),
        Column(name="family", kind="category", unit="-", categories=SCENARIO_FAMILIES,
               description="projection_12m (section 2), multi_year (section 8) or custom."),
        Column(name="label", kind="text", unit="-", description="Human-readable name."),
        _scenario_number("total_user_growth", "fraction of users", low=0.0,
                         description="User growth over the horizon (0.5 = +50 %)."),
        Column(name="horizon_months", kind="int", unit="month", low=1.0,
               description="Horizon of that growth (a count of months)."),
        _scenario_number("monthly_rate", "1/month", derived=True, required=False,
                         description="Constant monthly rate compounding to the total "
                                     "growth over the horizon (periods.monthly_rate)."),
        _scenario_number("growth_low", "1/month", low=-1.0, low_open=True, required=False,
                         description="Low end of the 90 % interval of the monthly rate for "
                                     "Monte Carlo; with growth_high, must contain "
                                     "monthly_rate; derived from growth_spread if absent."),
        _scenario_number("growth_high", "1/month", low=-1.0, low_open=True, required=False,
                         description="High end of that interval (>= growth_low)."),
        _scenario_number("growth_spread", "-", low=0.0, high=1.0, high_open=True,
                         required=False,
                         description="Not in the table: the interval is monthly_rate of "
                                     "total_user_growth x (1 -/+ spread); default 0.5 or "
                                     "the file's defaults (the project's choice, not the "
                                     "article's)."),
        _scenario_number("capacity_added", "-", low=0.0, required=False,
                         description="Extra infrastructure capacity as a fraction (0.30 "
                                     "for +30 %); NaN when the source states none."),
        _scenario_number("infra_cost", "EUR", low=0.0, required=False,
                         description="Infrastructure investment over the horizon."),
        _scenario_number("developers_added", "people", low=0.0, required=False,
                         description="Developers hired over the horizon."),
        _scenario_number("team_cost", "EUR", low=0.0, required=False,
                         description="Cost of those developers."),
        _scenario_text("infrastructure", "Infrastructure needed (\"\" when not stated)."),
        _scenario_text("architecture", "Architecture needed."),
        _scenario_text("team", "Team changes needed."),
        _scenario_text("risk", "Main risk."),
    ),
)

#: Every documented file, by file name.
SCHEMAS: dict[str, FileSchema] = {
    s.file: s for s in (_HISTORY, _BACKLOG, _FUNNEL, _THRESHOLDS, _SCENARIOS)
}

#: The files a data folder must hold (the tables of :data:`SCHEMAS`).
REQUIRED_DATA_FILES: tuple[str, ...] = tuple(SCHEMAS)
#: The files a data folder may hold; when one is absent the package's default is read
#: (``levers.yaml``: the default lever catalogue, :data:`DEFAULT_LEVERS_PATH`).
OPTIONAL_DATA_FILES: tuple[str, ...] = ("levers.yaml",)
#: Every file of a data folder, in :class:`DataBundle` order: the required, then the
#: optional ones.
DATA_FILES: tuple[str, ...] = REQUIRED_DATA_FILES + OPTIONAL_DATA_FILES

#: The default threshold table and scenario file (inside :data:`DATA_DIR`).
DEFAULT_THRESHOLDS_PATH = DATA_DIR / _THRESHOLDS.file
DEFAULT_SCENARIOS_PATH = DATA_DIR / _SCENARIOS.file


@dataclass(frozen=True, kw_only=True)
class DataBundle:
    """Everything in a data directory, validated.

    Attributes
    ----------
    history : pandas.DataFrame
        Monthly history, indexed by a monthly PeriodIndex named ``month``.
    backlog : pandas.DataFrame
        Technical-debt items, indexed by ``item``.
    funnel : pandas.DataFrame
        Hiring funnel, indexed by a quarterly PeriodIndex named ``quarter``.
    thresholds : pandas.DataFrame
        Threshold table, indexed by ``metric`` (see :mod:`scaling_models.thresholds`).
    scenarios : pandas.DataFrame
        Growth scenarios, indexed by ``key`` (see :func:`load_scenarios`).
    levers : pandas.DataFrame
        Architecture-lever catalogue, indexed by ``key`` (see :func:`load_levers`): the
        folder's ``levers.yaml``, or the default catalogue when the folder has none
        (``levers.attrs["sources"]`` names the file read).

    The fields follow :data:`DATA_FILES`, one per file.
    """

    history: pd.DataFrame
    backlog: pd.DataFrame
    funnel: pd.DataFrame
    thresholds: pd.DataFrame
    scenarios: pd.DataFrame
    levers: pd.DataFrame


# ----------------------------------------------------------------------------- reading


def _list_rows(rows: Sequence[str], limit: int = 5) -> str:
    shown = ", ".join(rows[:limit])
    more = f" (and {len(rows) - limit} more)" if len(rows) > limit else ""
    return f"row{'s' if len(rows) > 1 else ''} {shown}{more}"


def _read_text(path: Path) -> str:
    """The file's text, or DataError if it is empty, binary or JSON."""
    raw = path.read_bytes()
    if not raw.strip():
        raise DataError(path, "the file is empty; expected a CSV with a header row")
    if b"\x00" in raw[:4096]:
        raise DataError(path, "not a CSV text file (binary content); "
                              "export the table as comma-separated values")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataError(path, "not a UTF-8 CSV text file; re-export it as UTF-8 CSV") from None
    if text.lstrip()[:1] in ("{", "["):
        raise DataError(path, "looks like JSON, not CSV; export the table as "
                              "comma-separated values with a header row")
    return text


# spellings of "no value" that spreadsheets and databases export; anything else is data
_MISSING = frozenset({"", "NA", "N/A", "NaN", "nan", "null", "NULL", "None"})


def _parse(path: Path, text: str) -> pd.DataFrame:
    """Split CSV text into stripped strings (None when missing), indexed by file line.

    The csv module, not pandas, so that a row with a stray field (``1,820`` written with
    a thousands separator) is an error rather than silently shifting into the index.
    """
    reader = csv.reader(io.StringIO(text))
    header: list[str] | None = None
    rows, lines = [], []
    try:
        for fields in reader:
            if not any(f.strip() for f in fields):
                continue
            if header is None:
                header = [f.strip() for f in fields]
                continue
            if len(fields) != len(header):
                raise DataError(path, f"line {reader.line_num} has {len(fields)} fields but "
                                      f"the header has {len(header)}; check for thousands "
                                      "separators, decimal commas or unquoted commas in text")
            rows.append([None if f.strip() in _MISSING else f.strip() for f in fields])
            lines.append(reader.line_num)
    except csv.Error as exc:
        raise DataError(path, f"not a valid CSV file ({exc})") from None
    if header is None:
        raise DataError(path, "the file is empty; expected a CSV with a header row")
    return pd.DataFrame(rows, columns=header, index=pd.Index(lines, name="line"), dtype=object)


def _row_labels(frame: pd.DataFrame, key: str, mask: np.ndarray) -> list[str]:
    """Name rows by their key (month, item...) when present, else by file line."""
    idx = np.flatnonzero(mask)
    lines = frame.index.to_numpy()  # _parse indexes rows by their line in the file
    if key in frame.columns:
        keys = frame[key].to_numpy(dtype=object)
        return [
            f"{key} {keys[i]}" if isinstance(keys[i], str) and keys[i] else f"line {lines[i]}"
            for i in idx
        ]
    return [f"line {lines[i]}" for i in idx]


def _check_header(path: Path, frame: pd.DataFrame, schema: FileSchema,
                  extra_ok: bool) -> None:
    names = schema.names
    header = list(frame.columns)
    if len(header) == 1 and len(names) > 1 and re.search(r"[;\t|]", header[0]):
        raise DataError(path, f"only one column found ({header[0]!r}): the file seems to "
                              "use another delimiter; save it as comma-separated values")
    dupes = sorted({c for c in header if header.count(c) > 1})
    if dupes:
        raise DataError(path, f"duplicate column names {dupes}")
    if not extra_ok:
        for col in header:
            if col not in names:
                close = closest_names(col, names)
                hint = f"did you mean {' or '.join(map(repr, close))}? " if close else ""
                raise DataError(path, f"unknown column; {hint}documented columns are: "
                                      f"{', '.join(names)} (see data/README.md)", column=col)
    missing = [c.name for c in schema.columns if c.required and c.name not in header]
    if missing:
        raise DataError(path, f"missing required column(s) {', '.join(missing)}; "
                              "see data/README.md for the layout")


def _convert(path: Path, frame: pd.DataFrame, col: Column, key: str) -> pd.Series:
    """One column of strings -> typed Series, checked against the column's rules."""
    text = frame[col.name]
    missing = text.isna().to_numpy()
    if col.required and missing.any():
        raise DataError(path, "empty cell (NaN) in a required column",
                        column=col.name, rows=_row_labels(frame, key, missing))
    if col.kind in ("text", "month", "quarter"):
        return text.astype(object)
    if col.kind == "category":
        bad = ~missing & ~text.isin(col.categories).to_numpy()
        if bad.any():
            got = ", ".join(repr(v) for v in dict.fromkeys(text[bad]))
            raise DataError(path, f"must be one of {', '.join(col.categories)}; got {got}",
                            column=col.name, rows=_row_labels(frame, key, bad))
        return text.astype(object)

    values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)
    not_number = ~missing & np.isnan(values)
    if not_number.any():
        raise DataError(path, "text in a numeric column; expected plain numbers "
                              "(decimal point '.', no units, no thousands separators)",
                        column=col.name, rows=_row_labels(frame, key, not_number))
    present = ~np.isnan(values)
    infinite = present & ~np.isfinite(values)
    if infinite.any():
        raise DataError(path, "infinite value", column=col.name,
                        rows=_row_labels(frame, key, infinite))
    if col.kind == "int":
        fractional = present & (values != np.round(values))
        if fractional.any():
            raise DataError(path, "must be whole numbers", column=col.name,
                            rows=_row_labels(frame, key, fractional))
    _check_range(path, frame, col, key, values, present)
    if col.kind == "int" and not missing.any():
        return pd.Series(values.astype(np.int64), index=frame.index, name=col.name)
    return pd.Series(values, index=frame.index, name=col.name)


def _check_range(path: Path, frame: pd.DataFrame, col: Column, key: str,
                 values: np.ndarray, present: np.ndarray) -> None:
    """The column's allowed range, and fractions written as percentages."""
    if col.unit == "fraction":
        vals = values[present]
        if vals.size and np.all((vals > 1) & (vals <= 100)):
            raise DataError(path, "all values lie in (1, 100]: looks like percentages; "
                                  "divide by 100 (fractions: 0.7 means 70 %)", column=col.name)
    if col.low is not None:
        too_low = present & ((values <= col.low) if col.low_open else (values < col.low))
        if too_low.any():
            rule = "negative count" if col.low == 0 and not col.low_open else "too small"
            raise DataError(path, f"{rule}: must be {col.allowed}", column=col.name,
                            rows=_row_labels(frame, key, too_low))
    if col.high is not None:
        too_high = present & ((values >= col.high) if col.high_open else (values > col.high))
        if too_high.any():
            hint = " (a fraction: write 0.7 for 70 %)" if col.unit == "fraction" else ""
            raise DataError(path, f"must be {col.allowed}{hint}", column=col.name,
                            rows=_row_labels(frame, key, too_high))


_PERIOD_FORMATS = {
    "month": (periods.MONTH_PATTERN, "M", "YYYY-MM, e.g. 2024-06"),
    "quarter": (periods.QUARTER_PATTERN, "Q", "YYYY-Qn, e.g. 2024-Q2"),
}


def _period_index(path: Path, frame: pd.DataFrame, col: Column) -> pd.PeriodIndex:
    """Parse a month/quarter key and check it is unique, sorted and without gaps."""
    pattern, freq, example = _PERIOD_FORMATS[col.kind]
    text = frame[col.name].astype(object)
    bad = ~np.array([isinstance(v, str) and bool(pattern.fullmatch(v)) for v in text])
    if bad.any():
        lines = [f"line {frame.index[i]} ({text.iloc[i]!r})" for i in np.flatnonzero(bad)]
        raise DataError(path, f"must be written {example}", column=col.name, rows=lines)
    index = pd.PeriodIndex([pd.Period(v, freq=freq) for v in text], name=col.name)
    ordinals = index.asi8
    dupe = pd.Index(ordinals).duplicated(keep=False)
    if dupe.any():
        raise DataError(path, f"duplicate {col.name}s; one row per {col.name}",
                        column=col.name, rows=_row_labels(frame, col.name, dupe))
    steps = np.diff(ordinals)
    if np.any(steps < 0):
        i = int(np.flatnonzero(steps < 0)[0])
        raise DataError(path, f"{col.name}s not sorted: {text.iloc[i + 1]} comes after "
                              f"{text.iloc[i]}; sort the rows oldest first", column=col.name,
                        rows=[f"{col.name} {text.iloc[i + 1]}"])
    if np.any(steps > 1):
        gaps = [
            f"{index[i]} -> {index[i + 1]}" for i in np.flatnonzero(steps > 1)
        ]
        raise DataError(path, f"gap in the {col.name}s ({'; '.join(gaps)}); one row per "
                              f"{col.name} with no {col.name} missing", column=col.name)
    return index


def read_table(path: str | Path, schema: FileSchema, *, extra_columns: bool = False
               ) -> pd.DataFrame:
    """Read one CSV file and check it against ``schema``.

    Parameters
    ----------
    path : str or Path
        The CSV file (UTF-8, comma-separated, one header row).
    schema : FileSchema
        Its documented layout, one of :data:`SCHEMAS`.
    extra_columns : bool, default False
        Keep undocumented columns (as text) instead of rejecting them.

    Returns
    -------
    pandas.DataFrame
        Typed columns in file order, indexed by the schema's key (a PeriodIndex for
        months and quarters). Optional columns absent from the file stay absent.

    Raises
    ------
    DataError
        For any rule broken, naming the file, the column, the rows and the rule.
    FileNotFoundError
        If ``path`` does not exist.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{schema.file}: no such file {str(path)!r}")
    frame = _parse(path, _read_text(path))
    _check_header(path, frame, schema, extra_columns)
    if frame.empty:
        raise DataError(path, "the file has a header but no data rows")

    out = {}
    for col in schema.columns:
        if col.name in frame.columns:
            out[col.name] = _convert(path, frame, col, schema.key)
    for name in frame.columns:
        if name not in out:
            out[name] = frame[name].astype(object)
    table = pd.DataFrame(out, index=frame.index)

    for low, high in schema.not_above:
        if low in table and high in table:
            bad = (table[low] > table[high]).to_numpy()
            if bad.any():
                raise DataError(path, f"{low} must be <= {high}", column=low,
                                rows=_row_labels(frame, schema.key, bad))

    key = schema.column(schema.key)
    if key.kind in _PERIOD_FORMATS:
        index = _period_index(path, frame, key)
    else:
        dupe = frame[key.name].duplicated(keep=False).to_numpy()
        if dupe.any():
            raise DataError(path, f"duplicate {key.name}; each must be unique",
                            column=key.name, rows=_row_labels(frame, key.name, dupe))
        index = pd.Index(frame[key.name].to_numpy(dtype=object), name=key.name)
    return table.drop(columns=key.name).set_axis(index, axis=0)


def _resolve(path: str | Path | None, file: str) -> Path:
    return DATA_DIR / file if path is None else Path(path)


def load_history(path: str | Path | None = None) -> pd.DataFrame:
    """Monthly company history, validated.

    Parameters
    ----------
    path : str or Path, optional
        A CSV with the columns of ``SCHEMAS["company_history.csv"]`` (documented in
        data/README.md). Default: the sample ``data/company_history.csv``.

    Returns
    -------
    pandas.DataFrame
        Indexed by a monthly PeriodIndex named ``month``; fractions in [0, 1],
        money in EUR/month. [see data/README.md for every column's unit]
    """
    return read_table(_resolve(path, _HISTORY.file), _HISTORY)


def load_backlog(path: str | Path | None = None) -> pd.DataFrame:
    """Technical-debt backlog, validated, indexed by ``item``.

    ``priority`` is an ordered Categorical (low < medium < high). Default path: the
    sample ``data/debt_backlog.csv``.
    """
    table = read_table(_resolve(path, _BACKLOG.file), _BACKLOG)
    table["priority"] = pd.Categorical(table["priority"], categories=["low", "medium", "high"],
                                       ordered=True)
    return table


def load_funnel(path: str | Path | None = None) -> pd.DataFrame:
    """Hiring funnel, validated, indexed by a quarterly PeriodIndex named ``quarter``.

    Counts are non-increasing down the stages. Default path: ``data/hiring_funnel.csv``.
    """
    return read_table(_resolve(path, _FUNNEL.file), _FUNNEL)


# ----------------------------------------------------------------------------- thresholds


#: Metrics the company history holds as fractions (0.7 for 70 %): the history's columns
#: of unit "fraction" (utilisation averages feed cpu, memory, db_utilisation, bandwidth)
#: and the ratios the report derives from them. Their thresholds must be fractions too:
#: a row relabelled "%" with 70/90 would compare 0.83 with 70 and call a critical
#: resource ok. ``user_growth`` is a rate, unit "fraction/month".
FRACTION_METRICS: frozenset[str] = frozenset(
    {c.name for c in _HISTORY.columns
     if c.unit == "fraction" and not c.name.endswith(("_avg", "_peak"))}
    | {"cpu", "memory", "db_utilisation", "bandwidth", "db_connections", "infra_cost_share",
       "user_growth"}
)


def validate_thresholds(table: pd.DataFrame, source: str = "threshold table") -> pd.DataFrame:
    """Check a threshold table's rules that depend on each row's direction.

    Parameters
    ----------
    table : pandas.DataFrame
        Indexed by ``metric``, with the columns of ``SCHEMAS["thresholds.csv"]`` (as
        :func:`load_thresholds` returns it, or built in memory).
    source : str
        The file or object named in messages.

    Returns
    -------
    pandas.DataFrame
        ``table`` itself.

    Raises
    ------
    DataError
        Missing column, duplicate metric, unknown direction, a threshold that is not a
        number, a fraction outside [0, 1], attention beyond critical for the direction, a
        metric of :data:`FRACTION_METRICS` whose row is not in fractions.
    """
    for name in ("group", "label", "unit", "direction", "attention", "critical", "action"):
        if name not in table.columns:
            raise DataError(source, "missing column in the threshold table", column=name)
    if table.index.name != "metric":
        raise DataError(source, "the threshold table must be indexed by 'metric' "
                                "(use load_thresholds)")
    if table.index.duplicated().any():
        dupes = sorted(set(table.index[table.index.duplicated()]))
        raise DataError(source, "duplicate metric", column="metric",
                        rows=[f"metric {m}" for m in dupes])
    _check_fraction_units(table, source)
    for metric, row in table.iterrows():
        _check_threshold_row(source, metric, row)
    return table


def _check_fraction_units(table: pd.DataFrame, source: str) -> None:
    """Thresholds of fraction metrics must be fractions: the history decides, not the label."""
    for metric in table.index.intersection(sorted(FRACTION_METRICS)):
        row = table.loc[metric]
        expected = "fraction/month" if metric == "user_growth" else "fraction"
        values = [row["attention"], row["critical"]]
        numbers = all(isinstance(v, (int, float, np.number)) and np.isfinite(v)
                      for v in values)
        percent_like = numbers and any(1 < abs(v) <= 100 for v in values)
        shown = [f"{v:g}" if numbers else repr(v) for v in values]
        if row["unit"] != expected or (percent_like and expected == "fraction/month"):
            fix = (f"write unit {expected!r} and the lines as fractions"
                   + (f" (attention {values[0] / 100:g}, critical {values[1] / 100:g})"
                      if percent_like else ""))
            raise DataError(
                source, f"the company history holds {metric} as a fraction (0.7 = 70 %), "
                f"but this row says unit {row['unit']!r} with attention {shown[0]}, "
                f"critical {shown[1]}; {fix}", column="unit", rows=[f"metric {metric}"])


def _check_threshold_row(source: str, metric: Any, row: pd.Series) -> None:
    where = {"rows": [f"metric {metric}"]}
    direction = row["direction"]
    if direction not in ("higher_is_worse", "lower_is_worse"):
        raise DataError(source, f"unknown direction {direction!r}; use higher_is_worse or "
                                "lower_is_worse", column="direction", **where)
    for col in ("attention", "critical"):
        value = row[col]
        if not isinstance(value, (int, float, np.number)) or np.isnan(value):
            raise DataError(source, f"must be a number; got {value!r}", column=col, **where)
        if row["unit"] == "fraction" and not 0 <= value <= 1:
            hint = (" - looks like a percentage; write 0.7 for 70 %" if 1 < value <= 100
                    else "")
            raise DataError(source, f"unit is 'fraction', so the value must be in "
                                    f"[0, 1]; got {value!r}{hint}", column=col, **where)
    att, crit = row["attention"], row["critical"]
    worse = att < crit if direction == "higher_is_worse" else att > crit
    if not worse:
        sign = "<" if direction == "higher_is_worse" else ">"
        raise DataError(source, f"{direction} needs attention {sign} critical; got "
                                f"attention={att!r}, critical={crit!r}",
                        column="attention", **where)


def load_thresholds(path: str | Path | None = None) -> pd.DataFrame:
    """Read and validate a threshold table.

    Parameters
    ----------
    path : str or Path, optional
        CSV with columns metric, group, label, unit, direction, attention, critical,
        action (documented in data/README.md). Default: :data:`DEFAULT_THRESHOLDS_PATH`.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``metric``.

    Raises
    ------
    DataError
        (a ValueError) naming the file, the metric, the column and the rule: missing or
        unknown columns, duplicate metrics, unknown direction or group, empty cells,
        attention beyond critical for the metric's direction, fractions written as
        percentages.
    """
    path = _resolve(path, _THRESHOLDS.file)
    return validate_thresholds(read_table(path, _THRESHOLDS), str(path))


# ----------------------------------------------------------------------------- scenarios

# the table's columns: every documented field except the key and the input-only spread
_SCENARIO_TABLE = tuple(c.name for c in _SCENARIOS.columns
                        if c.name not in (_SCENARIOS.key, "growth_spread"))
_SCENARIO_FIELDS = frozenset(c.name for c in _SCENARIOS.columns if not c.derived)


class _ScenarioError(ValueError):
    pass


def _number(where: str, col: Column, value: Any) -> float:
    """One YAML number checked against ``col``; strings like '1.5e6' are accepted (YAML
    1.1 reads them as text)."""
    name = col.name
    if isinstance(value, bool) or value is None:
        raise _ScenarioError(f"{where}: field {name!r} must be a number; got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise _ScenarioError(f"{where}: field {name!r} must be a number; got {value!r}"
                             ) from None
    if not np.isfinite(number):
        raise _ScenarioError(f"{where}: field {name!r} must be finite; got {value!r}")
    low_ok = col.low is None or (number > col.low if col.low_open else number >= col.low)
    high_ok = col.high is None or (number < col.high if col.high_open else number <= col.high)
    if not (low_ok and high_ok):
        raise _ScenarioError(f"{where}: field {name!r} must be {col.allowed}; got {value!r}")
    return number


def _field(where: str, name: str, value: Any) -> Any:
    """The value of field ``name`` checked against the scenario schema."""
    col = _SCENARIOS.column(name)
    if col.kind == "text":
        if not isinstance(value, str):
            raise _ScenarioError(f"{where}: field {name!r} must be text; got {value!r}")
        return value
    if col.kind == "category":
        if value not in col.categories:
            raise _ScenarioError(f"{where}: field {name!r} must be one of "
                                 f"{list(col.categories)}; got {value!r}")
        return value
    if col.kind == "int":
        try:
            return require_integer(f"{name!r}", value, minimum=int(col.low or 0))
        except (TypeError, ValueError) as err:
            raise _ScenarioError(f"{where}: field {err}") from None
    return _number(where, col, value)


def _growth_interval(where: str, entry: dict, growth: float, horizon: int, rate: float,
                     default_spread: float) -> tuple[float, float]:
    """The scenario's 90 % interval of the monthly rate: given, or from the spread."""
    explicit = [f for f in ("growth_low", "growth_high") if entry.get(f) is not None]
    if len(explicit) == 1:
        missing = ({"growth_low", "growth_high"} - set(explicit)).pop()
        raise _ScenarioError(f"{where}: field {missing!r} is missing; give both growth_low "
                             "and growth_high or neither")
    if not explicit:
        spread = default_spread
        if entry.get("growth_spread") is not None:
            spread = _field(where, "growth_spread", entry["growth_spread"])
        return (float(periods.monthly_rate(growth * (1 - spread), horizon)),
                float(periods.monthly_rate(growth * (1 + spread), horizon)))
    if entry.get("growth_spread") is not None:
        raise _ScenarioError(f"{where}: field 'growth_spread' conflicts with "
                             "growth_low/growth_high; give one or the other")
    low = _field(where, "growth_low", entry["growth_low"])
    high = _field(where, "growth_high", entry["growth_high"])
    if low > high:
        raise _ScenarioError(f"{where}: field 'growth_low' ({low:g}) is above growth_high "
                             f"({high:g})")
    if not low <= rate <= high:
        raise _ScenarioError(
            f"{where}: fields 'growth_low'..'growth_high' ({low:g}..{high:g}) must contain "
            f"the scenario's monthly rate {rate:.4f} (monthly rates, not totals)"
        )
    return low, high


def _scenario_row(entry: Any, where: str, default_spread: float) -> tuple[str, dict]:
    if not isinstance(entry, dict):
        raise _ScenarioError(f"{where}: must be a mapping of fields; got {entry!r}")
    key = entry.get("key")
    if isinstance(key, str) and key.strip():
        where = f"{where.rsplit(' ', 1)[0]} {key!r}"
    unknown = sorted(set(entry) - _SCENARIO_FIELDS)
    if unknown:
        raise _ScenarioError(f"{where}: unknown field(s) {unknown}; allowed: "
                             f"{sorted(_SCENARIO_FIELDS)}")
    for col in _SCENARIOS.columns:
        if col.required and entry.get(col.name) is None:
            raise _ScenarioError(f"{where}: missing field {col.name!r}")
    if not isinstance(key, str) or not key.strip():
        raise _ScenarioError(f"{where}: field 'key' must be a non-empty string; got {key!r}")
    row: dict[str, Any] = {}
    for name in _SCENARIO_TABLE:
        col = _SCENARIOS.column(name)
        value = entry.get(name)
        if col.derived or name in ("growth_low", "growth_high"):
            continue
        if value is None:
            row[name] = "" if col.kind == "text" else np.nan
        else:
            row[name] = _field(where, name, value)
    growth, horizon = row["total_user_growth"], row["horizon_months"]
    row["monthly_rate"] = float(periods.monthly_rate(growth, horizon))
    row["growth_low"], row["growth_high"] = _growth_interval(
        where, entry, growth, horizon, row["monthly_rate"], default_spread)
    return key, row


def _file_list(path: str | Path | Sequence[str | Path] | None, default: Path,
               what: str) -> list[Path]:
    """The files a YAML reader reads: ``default`` for None, one path, or several."""
    if path is None:
        return [default]
    if isinstance(path, (str, Path)):
        return [Path(path)]
    paths = [Path(p) for p in path]
    if not paths:
        raise ValueError(f"path must name at least one {what} file; got an empty list")
    return paths


def _read_scenario_file(path: Path) -> list[tuple[str, dict]]:
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileNotFoundError(f"scenario file not found: {name}") from None
    # safe loading that also refuses a key written twice (plain YAML keeps the last one)
    document = load_yaml(text, name)
    if not isinstance(document, dict) or "scenarios" not in document:
        raise ValueError(f"{name}: expected a mapping with a 'scenarios' list at the top")
    unknown = sorted(set(document) - {"defaults", "scenarios"})
    if unknown:
        raise ValueError(f"{name}: unknown top-level key(s) {unknown}; allowed: defaults, "
                         "scenarios")
    defaults = document.get("defaults") or {}
    if not isinstance(defaults, dict) or set(defaults) - {"growth_spread"}:
        raise ValueError(f"{name}: 'defaults' may only hold growth_spread; got {defaults!r}")
    entries = document["scenarios"]
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"{name}: 'scenarios' must be a non-empty list; got {entries!r}")
    try:
        spread = _field(f"{name}: defaults", "growth_spread",
                        defaults.get("growth_spread", 0.5))
        return [
            _scenario_row(entry, f"{name}: scenario #{i + 1}", spread)
            for i, entry in enumerate(entries)
        ]
    except _ScenarioError as err:
        raise ValueError(str(err)) from None


def load_scenarios(path: str | Path | Sequence[str | Path] | None = None) -> pd.DataFrame:
    """Growth scenarios from one or several YAML files, validated, as one table.

    Parameters
    ----------
    path : path or sequence of paths, optional
        YAML file(s) in the layout of ``data/scenarios.yaml`` (fields:
        ``SCHEMAS["scenarios.yaml"]``, documented in data/README.md). ``None`` reads
        :data:`DEFAULT_SCENARIOS_PATH`. Keys must be unique across the files.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``key``, in file order, one column per documented field except
        ``growth_spread``: text columns ``""`` and numbers NaN when not stated.
        ``df.attrs["sources"]`` lists the files read.

    Raises
    ------
    ValueError
        Invalid YAML, missing or unknown fields, a value outside its documented range,
        ``growth_low`` above ``growth_high`` or not containing the monthly rate, unknown
        family, duplicate keys...; the message names the file, the scenario and the field.
    FileNotFoundError
        A file that does not exist.
    """
    paths = _file_list(path, DEFAULT_SCENARIOS_PATH, "scenario")
    keys: list[str] = []
    rows: list[dict] = []
    origin: dict[str, Path] = {}
    for file in paths:
        for key, row in _read_scenario_file(file):
            if key in origin:
                raise ValueError(f"{file}: scenario {key!r}: field 'key' is a duplicate "
                                 f"(already defined in {origin[key]})")
            origin[key] = file
            keys.append(key)
            rows.append(row)
    table = pd.DataFrame(rows, index=pd.Index(keys, name="key"), columns=list(_SCENARIO_TABLE))
    table["horizon_months"] = table["horizon_months"].astype("int64")
    table.attrs["sources"] = [str(p) for p in paths]
    return table


# ----------------------------------------------------------------------------- the folder


def load_data_dir(path: str | Path | None = None) -> DataBundle:
    """Load and validate every file of a data directory.

    Parameters
    ----------
    path : str or Path, optional
        A directory holding the :data:`REQUIRED_DATA_FILES`, and optionally the
        :data:`OPTIONAL_DATA_FILES` (``levers.yaml``; the default catalogue
        :data:`DEFAULT_LEVERS_PATH` when absent). Default: :data:`DATA_DIR`.

    Returns
    -------
    DataBundle
        One field per file.

    Raises
    ------
    FileNotFoundError
        The folder or one of its required files does not exist.
    DataError, ValueError
        A file breaks a documented rule (the message names file, column, rows and rule).
    """
    folder = DATA_DIR if path is None else Path(path)
    if not folder.is_dir():
        raise FileNotFoundError(f"data directory {str(folder)!r} does not exist")
    return DataBundle(
        history=load_history(folder / _HISTORY.file),
        backlog=load_backlog(folder / _BACKLOG.file),
        funnel=load_funnel(folder / _FUNNEL.file),
        thresholds=load_thresholds(folder / _THRESHOLDS.file),
        scenarios=load_scenarios(folder / _SCENARIOS.file),
        levers=load_levers(_optional(folder, "levers.yaml", DEFAULT_LEVERS_PATH)),
    )


def _optional(folder: Path, name: str, default: Path) -> Path:
    """The folder's own copy of an optional file, else the package's default."""
    own = folder / name
    return own if own.exists() else default


def schema_markdown(file: str) -> str:
    """The column table of ``file`` in Markdown, as pasted into data/README.md."""
    schema = SCHEMAS[file]
    lines = [
        "| column | required | type | unit | allowed | meaning |",
        "|---|---|---|---|---|---|",
    ]
    for col in schema.columns:
        required = "computed" if col.derived else "yes" if col.required else "optional"
        unit = col.unit.replace("|", "\\|")
        lines.append(f"| `{col.name}` | {required} | {col.kind} | {unit} | {col.allowed} "
                     f"| {col.description} |")
    return "\n".join(lines)


# ----------------------------------------------------------------------------- levers
# The architecture-lever catalogue (data/levers.yaml, documented in docs/levers.md): a YAML
# list, not a CSV table, because a lever relieves several resources, each by its own
# uncertain effect. Read and validated here; scaling_models.plans builds plans from it.

#: The catalogue shipped with the package.
DEFAULT_LEVERS_PATH = DATA_DIR / "levers.yaml"
#: How a lever's effect on one resource is stated (docs/levers.md): ``factor``, capacity
#: multiplied by the value; ``offload``, a share of the load moved away (capacity factor
#: 1 / (1 - share)); ``per_instance``, one more instance of a fleet of N worth this share
#: of an existing one (capacity factor (N + count x value) / N).
LEVER_EFFECT_KINDS: tuple[str, ...] = ("factor", "offload", "per_instance")
#: What a lever costs and relieves: infrastructure (its spend joins the infrastructure
#: cost) or team (a hire: paid as team cost, relieves no resource).
LEVER_CATEGORIES: tuple[str, ...] = ("infrastructure", "team")
_LEVER_REQUIRED = ("key", "label", "category", "relieves", "lead_time_months",
                   "one_off_cost", "monthly_cost", "max_count")
_LEVER_OPTIONAL = ("cost_step", "prerequisites", "source")
#: Columns of the table :func:`load_levers` returns, in order (``key`` is the index).
LEVER_COLUMNS: tuple[str, ...] = (
    "label", "category", "effects", "lead_time_months", "one_off_cost", "monthly_cost",
    "max_count", "cost_step", "prerequisites", "source",
)


class _LeverError(Exception):
    """A rule broken inside one lever; turned into DataError with the file name."""


def _lever_number(key: str, field: str, value, *, minimum: float | None = 0.0,
                  strict: bool = False, whole: bool = False) -> float:
    if isinstance(value, str):
        try:  # PyYAML reads 1e3 and 1_000 as text
            value = float(value.replace("_", ""))
        except ValueError:
            raise _LeverError(f"lever {key!r}, field {field!r}: must be a number; got "
                              f"{value!r}") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _LeverError(f"lever {key!r}, field {field!r}: must be a number; got {value!r}")
    value = float(value)
    if not np.isfinite(value):
        raise _LeverError(f"lever {key!r}, field {field!r}: must be finite; got {value!r}")
    if whole and value != round(value):
        raise _LeverError(f"lever {key!r}, field {field!r}: must be a whole number; got "
                          f"{value!r}")
    if minimum is not None and (value <= minimum if strict else value < minimum):
        rule = f"{'>' if strict else '>='} {minimum:g}"
        raise _LeverError(f"lever {key!r}, field {field!r}: must be {rule}; got {value!r}")
    return value


def _lever_effect(key: str, resource: str, spec) -> tuple[str, float, float]:
    """One resource's effect -> (kind, low, high), low == high for a known value."""
    field = f"relieves.{resource}"
    if not isinstance(spec, dict) or len(spec) != 1:
        raise _LeverError(f"lever {key!r}, field {field!r}: must be one of "
                          f"{', '.join(LEVER_EFFECT_KINDS)} with a value or a [low, high] "
                          f"90 % interval, e.g. {{factor: [1.6, 2.0]}}; got {spec!r}")
    ((kind, value),) = spec.items()
    if kind not in LEVER_EFFECT_KINDS:
        close = closest_names(str(kind), LEVER_EFFECT_KINDS)
        hint = f"did you mean {' or '.join(map(repr, close))}? " if close else ""
        raise _LeverError(f"lever {key!r}, field {field!r}: unknown effect kind {kind!r}; "
                          f"{hint}allowed: {', '.join(LEVER_EFFECT_KINDS)}")
    where = f"{field}.{kind}"
    if isinstance(value, (list, tuple)):
        if len(value) != 2:
            raise _LeverError(f"lever {key!r}, field {where!r}: a 90 % interval is "
                              f"[low, high]; got {value!r}")
        low = _lever_number(key, where, value[0], minimum=None)
        high = _lever_number(key, where, value[1], minimum=None)
        if low >= high:
            raise _LeverError(f"lever {key!r}, field {where!r}: not an interval, low "
                              f"({low:g}) must be < high ({high:g}); write one number for a "
                              f"known effect")
    else:
        low = high = _lever_number(key, where, value, minimum=None)
    if kind == "offload" and not 0.0 <= low <= high < 1.0:
        raise _LeverError(f"lever {key!r}, field {where!r}: a share of the load moved away "
                          f"must lie in [0, 1) (1 would leave no load, more would make "
                          f"capacity <= 0); got [{low:g}, {high:g}]")
    if kind != "offload" and low <= 0.0:
        raise _LeverError(f"lever {key!r}, field {where!r}: must be > 0 (a {kind} <= 0 "
                          f"would make capacity <= 0); got [{low:g}, {high:g}]")
    return kind, low, high


def _lever_effects(key: str, category: str, relieves, known: Sequence[str]) -> dict:
    """The ``relieves`` field -> resource -> (kind, low, high)."""
    if not isinstance(relieves, dict):
        raise _LeverError(f"lever {key!r}, field 'relieves': must map resources to effects; "
                          f"got {relieves!r}")
    effects = {}
    for resource, spec in relieves.items():
        if resource not in known:
            close = closest_names(str(resource), known)
            hint = f"did you mean {' or '.join(map(repr, close))}? " if close else ""
            raise _LeverError(f"lever {key!r}, field 'relieves': unknown resource "
                              f"{resource!r}; {hint}resources are: {', '.join(known)}")
        effects[resource] = _lever_effect(key, resource, spec)
    if category == "team" and effects:
        raise _LeverError(f"lever {key!r}, field 'relieves': a team lever relieves no "
                          f"infrastructure resource; leave it empty ({{}})")
    if category == "infrastructure" and not effects:
        raise _LeverError(f"lever {key!r}, field 'relieves': an infrastructure lever must "
                          f"relieve at least one of {', '.join(known)}")
    return effects


def _lever_row(entry, where: str, known: Sequence[str]) -> tuple[str, dict]:
    if not isinstance(entry, dict):
        raise _LeverError(f"{where}: must be a mapping of fields; got {entry!r}")
    key = entry.get("key")
    if not isinstance(key, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
        raise _LeverError(f"{where}: field 'key' must be an identifier (letters, digits, "
                          f"_); got {key!r}")
    allowed = _LEVER_REQUIRED + _LEVER_OPTIONAL
    for name in entry:
        if name not in allowed:
            close = closest_names(str(name), allowed)
            hint = f"did you mean {' or '.join(map(repr, close))}? " if close else ""
            raise _LeverError(f"lever {key!r}: unknown field {name!r}; {hint}fields are: "
                              f"{', '.join(allowed)}")
    missing = [f for f in _LEVER_REQUIRED if entry.get(f) is None and f != "relieves"]
    if missing or "relieves" not in entry:
        raise _LeverError(f"lever {key!r}: missing field(s) "
                          f"{', '.join(missing or ['relieves'])}")
    for name in ("label", "source"):
        if entry.get(name) is not None and not isinstance(entry[name], str):
            raise _LeverError(f"lever {key!r}, field {name!r}: must be text; got "
                              f"{entry[name]!r}")
    category = entry["category"]
    if category not in LEVER_CATEGORIES:
        raise _LeverError(f"lever {key!r}, field 'category': must be one of "
                          f"{', '.join(LEVER_CATEGORIES)}; got {category!r}")
    effects = _lever_effects(key, category, entry["relieves"] or {}, known)
    prerequisites = entry.get("prerequisites") or []
    if isinstance(prerequisites, str):
        prerequisites = [prerequisites]
    if not isinstance(prerequisites, list) or not all(isinstance(p, str)
                                                      for p in prerequisites):
        raise _LeverError(f"lever {key!r}, field 'prerequisites': must be a list of lever "
                          f"keys; got {prerequisites!r}")
    row = {
        "label": entry["label"],
        "category": category,
        "effects": effects,
        "lead_time_months": _lever_number(key, "lead_time_months", entry["lead_time_months"]),
        "one_off_cost": _lever_number(key, "one_off_cost", entry["one_off_cost"]),
        "monthly_cost": _lever_number(key, "monthly_cost", entry["monthly_cost"]),
        "max_count": int(_lever_number(key, "max_count", entry["max_count"], minimum=1,
                                       whole=True)),
        "cost_step": _lever_number(key, "cost_step", entry.get("cost_step", 1.0),
                                   minimum=0.0, strict=True),
        "prerequisites": tuple(prerequisites),
        "source": entry.get("source") or "",
    }
    return key, row


def _check_prerequisites(rows: dict[str, dict], origin: dict[str, Path]) -> None:
    for key, row in rows.items():
        for p in row["prerequisites"]:
            if p not in rows:
                close = closest_names(p, rows)
                hint = f"did you mean {' or '.join(map(repr, close))}? " if close else ""
                raise DataError(origin[key], f"lever {key!r}, field 'prerequisites': unknown "
                                             f"lever {p!r}; {hint}levers are: "
                                             f"{', '.join(rows)}")
            if p == key:
                raise DataError(origin[key], f"lever {key!r}, field 'prerequisites': a lever "
                                             f"cannot be its own prerequisite")
    # depth-first search for a cycle, reported as the path that closes it
    state: dict[str, int] = {}

    def visit(key: str, trail: list[str]) -> None:
        state[key] = 1
        for p in rows[key]["prerequisites"]:
            if state.get(p) == 1:
                cycle = " -> ".join([*trail[trail.index(p):], p])
                raise DataError(origin[key], f"lever {key!r}, field 'prerequisites': "
                                             f"prerequisite cycle {cycle}")
            if p not in state:
                visit(p, [*trail, p])
        state[key] = 2

    for key in rows:
        if key not in state:
            visit(key, [key])


def load_levers(path: str | Path | Sequence[str | Path] | None = None, *,
                resources: Sequence[str] | None = None) -> pd.DataFrame:
    """The architecture-lever catalogue, validated (format: docs/levers.md).

    Parameters
    ----------
    path : path or sequence of paths, optional
        YAML file(s), each a mapping with a ``levers`` list. ``None`` reads
        :data:`DEFAULT_LEVERS_PATH`; to add your levers to the shipped ones pass
        ``[loaders.DEFAULT_LEVERS_PATH, "mine.yaml"]`` (keys must stay unique).
    resources : sequence of str, optional
        The resources a lever may relieve; default the resource registry's
        (:func:`scaling_models.resources.keys`, the engine's ``montecarlo.RESOURCES``).

    Returns
    -------
    pandas.DataFrame
        Indexed by lever ``key`` in file order, columns :data:`LEVER_COLUMNS`: ``label``,
        ``category`` (:data:`LEVER_CATEGORIES`), ``effects`` (dict resource ->
        ``(kind, low, high)``, kind in :data:`LEVER_EFFECT_KINDS`, ``low == high`` for a
        known effect, else a 90 % interval), ``lead_time_months`` [month],
        ``one_off_cost`` [currency], ``monthly_cost`` [currency/month], ``max_count``
        [actions], ``cost_step`` [-] (the k-th use costs ``cost_step**(k - 1)`` times the
        first), ``prerequisites`` (tuple of keys), ``source`` (text).
        ``attrs["sources"]`` lists the files read.

    Raises
    ------
    DataError
        Naming the file, the lever and the field: invalid YAML or a key written twice
        (with its lines), unknown or missing fields, an unknown resource (with the
        closest names), a negative cost or lead time, an effect interval that is not one
        (low >= high, text) or that would make capacity <= 0, an unknown prerequisite, a
        prerequisite cycle, a lever defined twice.
    FileNotFoundError
        If a file does not exist.
    """
    if resources is None:
        resources = resource_registry.keys()
    if isinstance(resources, str) or not all(isinstance(r, str) for r in resources):
        raise TypeError(f"resources must be a sequence of resource names; got {resources!r}")
    resources = tuple(resources)
    paths = _file_list(path, DEFAULT_LEVERS_PATH, "lever")
    rows: dict[str, dict] = {}
    origin: dict[str, Path] = {}
    for file in paths:
        if not file.is_file():
            raise FileNotFoundError(f"levers: no such file {str(file)!r}")
        try:
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise DataError(file, f"not UTF-8 text ({exc}); save the file as UTF-8") from None
        try:
            # safe loading that also refuses a key written twice (plain YAML keeps the
            # last one: a lever renamed, a figure replaced, a list dropped, silently)
            document = load_yaml(text, str(file))
        except ParameterError as exc:
            raise DataError(file, str(exc).removeprefix(f"{file}: ")) from None
        if not isinstance(document, dict) or set(document) != {"levers"}:
            raise DataError(file, "expected a mapping with one key, 'levers', holding the "
                                  "list of levers (see docs/levers.md)")
        entries = document["levers"]
        if not isinstance(entries, list) or not entries:
            raise DataError(file, f"'levers' must be a non-empty list; got {entries!r}")
        for i, entry in enumerate(entries):
            try:
                key, row = _lever_row(entry, f"lever #{i + 1}", resources)
            except _LeverError as exc:
                raise DataError(file, str(exc)) from None
            if key in rows:
                raise DataError(file, f"lever {key!r}, field 'key': duplicate (already "
                                      f"defined in {origin[key]})")
            rows[key] = row
            origin[key] = file
    _check_prerequisites(rows, origin)
    table = pd.DataFrame.from_dict(rows, orient="index", columns=list(LEVER_COLUMNS))
    table.index.name = "key"
    table["max_count"] = table["max_count"].astype("int64")
    table.attrs["sources"] = [str(p) for p in paths]
    return table
