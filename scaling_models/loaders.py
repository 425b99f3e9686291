"""Load and validate the company's own data: monthly history, debt backlog, hiring funnel.

Every CSV the package reads is described once, in :data:`SCHEMAS`: each column's type,
unit, allowed range and whether it is required. The same schema validates the files and
writes the column tables of ``data/README.md`` (a test keeps the two in step). A file that
breaks a rule raises :class:`DataError` naming the file, the column, the rows (by month,
quarter or item) and the rule; nothing is coerced or guessed silently. Units follow the
package: fractions in [0, 1] (not percentages), money in EUR per month, time in the unit
named by the column (``_days``, ``_hours``, ``_s``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from scaling_models._checks import closest_names

__all__ = [
    "DATA_DIR",
    "DataError",
    "Column",
    "FileSchema",
    "SCHEMAS",
    "DataBundle",
    "read_table",
    "load_history",
    "load_backlog",
    "load_funnel",
    "load_data_dir",
    "schema_markdown",
]

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

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
    lie in (1, 100] is reported as percentages.
    """

    name: str
    kind: str
    unit: str
    description: str
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    required: bool = True
    categories: tuple[str, ...] = ()

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
            return f"{whole}in {left}{self.low:g}, {self.high:g}]"
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

_STAGES = ("applications", "qualified", "motivated", "competent", "technically_validated",
           "finalists", "hired")
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
            for i, stage in enumerate(_STAGES)
        ),
    ),
    not_above=tuple(zip(_STAGES[1:], _STAGES[:-1], strict=True)),
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

#: Every documented file, by file name.
SCHEMAS: dict[str, FileSchema] = {
    s.file: s for s in (_HISTORY, _BACKLOG, _FUNNEL, _THRESHOLDS)
}


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
    """

    history: pd.DataFrame
    backlog: pd.DataFrame
    funnel: pd.DataFrame
    thresholds: pd.DataFrame


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
            raise DataError(path, f"must be one of {', '.join(col.categories)}",
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
        too_high = present & (values > col.high)
        if too_high.any():
            hint = " (a fraction: write 0.7 for 70 %)" if col.unit == "fraction" else ""
            raise DataError(path, f"must be {col.allowed}{hint}", column=col.name,
                            rows=_row_labels(frame, key, too_high))
    if col.kind == "int" and not missing.any():
        return pd.Series(values.astype(np.int64), index=frame.index, name=col.name)
    return pd.Series(values, index=frame.index, name=col.name)


_PERIOD_FORMATS = {
    "month": (re.compile(r"^\d{4}-(0[1-9]|1[0-2])$"), "M", "YYYY-MM, e.g. 2024-06"),
    "quarter": (re.compile(r"^\d{4}-Q[1-4]$"), "Q", "YYYY-Qn, e.g. 2024-Q2"),
}


def _period_index(path: Path, frame: pd.DataFrame, col: Column) -> pd.PeriodIndex:
    """Parse a month/quarter key and check it is unique, sorted and without gaps."""
    pattern, freq, example = _PERIOD_FORMATS[col.kind]
    text = frame[col.name].astype(object)
    bad = ~np.array([isinstance(v, str) and bool(pattern.match(v)) for v in text])
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


def load_data_dir(path: str | Path | None = None) -> DataBundle:
    """Load and validate every file of a data directory.

    Parameters
    ----------
    path : str or Path, optional
        A directory holding company_history.csv, debt_backlog.csv, hiring_funnel.csv and
        thresholds.csv. Default: the repository's ``data/``.

    Returns
    -------
    DataBundle
    """
    # imported here: thresholds builds on this module's reader
    from scaling_models.thresholds import load_thresholds

    folder = DATA_DIR if path is None else Path(path)
    if not folder.is_dir():
        raise FileNotFoundError(f"data directory {str(folder)!r} does not exist")
    return DataBundle(
        history=load_history(folder / _HISTORY.file),
        backlog=load_backlog(folder / _BACKLOG.file),
        funnel=load_funnel(folder / _FUNNEL.file),
        thresholds=load_thresholds(folder / _THRESHOLDS.file),
    )


def schema_markdown(file: str) -> str:
    """The column table of ``file`` in Markdown, as pasted into data/README.md."""
    schema = SCHEMAS[file]
    lines = [
        "| column | required | type | unit | allowed | meaning |",
        "|---|---|---|---|---|---|",
    ]
    for col in schema.columns:
        required = "yes" if col.required else "optional"
        unit = col.unit.replace("|", "\\|")
        lines.append(f"| `{col.name}` | {required} | {col.kind} | {unit} | {col.allowed} "
                     f"| {col.description} |")
    return "\n".join(lines)
