"""Notebook and report parameters: one registry, validated before anything runs.

papermill injects whatever it is given (``-p n_paths eight`` arrives as the string
``"eight"``, ``-p growth_low True`` as a bool that numpy reads as 1.0) and only logs a
warning for an unknown name. Every notebook therefore calls :func:`check` in the cell right
after its ``parameters`` cell, and the batch driver calls :func:`validate` on every
parameters file before any notebook starts. Both raise :class:`ParameterError` whose
message names the parameter, the value received and what is allowed; an unknown name comes
with the closest valid names. papermill injects a misspelt name (``-p growth_lo 0.05``) as a
new variable and the run would go on with the default, so each notebook's check cell also
calls :func:`check_namespace`, which refuses any user-level name the notebook does not
declare. Parameters files are read with :func:`load_yaml`: YAML safe loading that refuses
a key written twice (plain YAML keeps the last one silently).

Names are shared across notebooks (``seed``, ``n_paths``, ``horizon_months``,
``data_dir``, ``quarter``, the growth assumptions...) so that one parameters file can drive
several notebooks. Units follow the package: months, rates per month as fractions, money
in the major unit of one currency, utilisation as a fraction.
"""

from __future__ import annotations

import math
import numbers
import re
import types
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from scaling_models import resources as _resources

__all__ = [
    "Parameter",
    "ParameterError",
    "PARAMETERS",
    "ORDERED_PAIRS",
    "validate",
    "check",
    "check_namespace",
    "defaults",
    "load_yaml",
]

_KINDS = {"int": int, "float": float, "str": str, "bool": bool}


class ParameterError(ValueError):
    """A parameter with a wrong type, an out-of-range value or an unknown name."""


@dataclass(frozen=True, kw_only=True)
class Parameter:
    """Declaration of one notebook/report parameter.

    Parameters
    ----------
    name : str
        Identifier used in notebooks, parameters files and ``summary.json``.
    kind : {"int", "float", "str", "bool"}
        Python type the value must have. An ``int`` is accepted for a ``float``; a
        ``bool`` is never accepted for a number.
    default : int, float, str or bool
        Value the board report uses when nothing is injected. An analyst notebook may
        declare its own default in its ``parameters`` cell (5 000 paths rather than
        10 000, for live redraws); it must pass the same rules (tested).
    low, high : float, optional
        Inclusive bounds for numbers.
    choices : tuple, optional
        Allowed values (any kind).
    pattern : str, optional
        Regular expression a ``str`` value must match in full.
    help : str
        One line with the unit in brackets, shown in error messages and the README.
    """

    name: str
    kind: str
    default: Any
    low: float | None = None
    high: float | None = None
    choices: tuple | None = None
    pattern: str | None = None
    help: str = ""

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(
                f"Parameter {self.name!r}: kind must be one of {sorted(_KINDS)}; "
                f"got {self.kind!r}"
            )
        # the registry's own defaults must pass the rules they declare
        _coerce(self, self.default)

    def allowed(self) -> str:
        """Describe the allowed values in words, for error messages."""
        if self.choices is not None:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        noun = {"int": "an integer", "float": "a number", "str": "a string",
                "bool": "true or false"}[self.kind]
        if self.pattern is not None:
            return f"{noun} like {self.default!r} (pattern {self.pattern})"
        if self.low is not None and self.high is not None:
            return f"{noun} in [{_fmt(self.low)}, {_fmt(self.high)}]"
        if self.low is not None:
            return f"{noun} >= {_fmt(self.low)}"
        if self.high is not None:
            return f"{noun} <= {_fmt(self.high)}"
        return noun


def _closest(name: str, names: Iterable[str]) -> list[str]:
    # imported here: _checks loads numpy, and the command line refuses an existing
    # quarter before any heavy import
    from scaling_models._checks import closest_names

    return closest_names(name, names)


def _fmt(bound: float) -> str:
    """Write a bound as people type it: 2_000_000 rather than 2e+06."""
    if float(bound).is_integer() and abs(bound) >= 10_000:
        return f"{int(bound):_}"
    return f"{bound:g}"


def _fail(param: Parameter, value: Any, extra: str = "") -> ParameterError:
    unit = f" ({param.help})" if param.help else ""
    return ParameterError(
        f"parameter {param.name}{unit} must be {param.allowed()}{extra}; got {value!r}"
    )


def _coerce(param: Parameter, value: Any) -> Any:
    """Return ``value`` in the parameter's kind, or raise ParameterError."""
    kind = param.kind
    if kind == "bool":
        if not isinstance(value, bool):
            raise _fail(param, value)
        out: Any = value
    elif kind == "str":
        if not isinstance(value, str):
            raise _fail(param, value)
        out = value
    else:
        # bool is an int subclass: papermill's True would silently become 1
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise _fail(param, value)
        if kind == "int":
            if isinstance(value, numbers.Integral):
                out = int(value)
            elif math.isfinite(value) and float(value).is_integer():
                out = int(value)
            else:
                raise _fail(param, value, " (a whole number)")
        else:
            out = float(value)
            if not math.isfinite(out):
                raise _fail(param, value, " (finite)")
        if (param.low is not None and out < param.low) or (
            param.high is not None and out > param.high
        ):
            hint = ""
            if param.high is not None and param.high <= 1 and out > 1:
                hint = " (a fraction: write 0.15 for 15 %)"
            raise _fail(param, value, hint)
    if param.choices is not None and out not in param.choices:
        raise _fail(param, value)
    if param.pattern is not None and not re.fullmatch(param.pattern, out):
        raise _fail(param, value)
    return out


# --- common parameters: identical names in every notebook ------------------------------
_COMMON = (
    Parameter(name="seed", kind="int", default=20240630, low=0, high=2**32 - 1,
              help="random seed of the Monte Carlo run"),
    Parameter(name="n_paths", kind="int", default=10_000, low=10, high=2_000_000,
              help="Monte Carlo paths [paths]"),
    Parameter(name="horizon_months", kind="int", default=12, low=1, high=60,
              help="forecast horizon [months]"),
    Parameter(name="data_dir", kind="str", default="",
              help="folder with the company data files; empty = bundled data/"),
    Parameter(name="quarter", kind="str", default="2024-Q2", pattern=r"\d{4}-Q[1-4]",
              help="reporting quarter, YYYY-Qn"),
    Parameter(name="growth_low", kind="float", default=0.08, low=-0.5, high=1.0,
              help="monthly user growth, 90 % interval low end [fraction/month]"),
    Parameter(name="growth_high", kind="float", default=0.20, low=-0.5, high=1.0,
              help="monthly user growth, 90 % interval high end [fraction/month]"),
    Parameter(name="currency", kind="str", default="EUR",
              pattern=r"[A-Z]{3}", help="currency label for money columns (ISO 4217)"),
)

# --- board report (notebooks/board_report.ipynb) ------------------------------------------
_REPORT = (
    Parameter(name="previous_summary", kind="str", default="",
              help="path of last quarter's summary.json; empty = no comparison"),
    # one lead time per resource of the registry (lead_cpu_months...)
    *(Parameter(name=r.lead_parameter, kind="float", default=r.lead_months, low=0, high=24,
                help=f"{r.lead_help} [months]") for r in _resources.RESOURCES.values()),
    Parameter(name="growth_from_history", kind="bool", default=True,
              help="true: growth interval measured on the last 12 months; false: use "
                   "growth_low/growth_high"),
    Parameter(name="elasticity_from_history", kind="bool", default=True,
              help="true: load elasticity measured since the last capacity changes; false: "
                   "the engine's default (0.5 to 1, most likely 0.65)"),
    Parameter(name="remedy_risk", kind="float", default=0.10, low=0.01, high=0.99,
              help="share of futures crossing 'critical' that dates a remedy [fraction]"),
    Parameter(name="hiring_target_months", kind="int", default=6, low=1, high=36,
              help="months in which to reach target_velocity [months]"),
    Parameter(name="target_velocity", kind="float", default=45.0, low=1, high=10_000,
              help="team velocity to reach with the hiring plan [story points/sprint]"),
    Parameter(name="developer_annual_cost", kind="float", default=60_000.0, low=0,
              high=1e7, help="fully loaded cost of one developer [currency/year]"),
    Parameter(name="hourly_cost", kind="float", default=60.0, low=0, high=10_000,
              help="cost of one developer hour, for debt ROI [currency/hour]"),
    Parameter(name="top_debt_items", kind="int", default=5, low=1, high=100,
              help="debt items shown in the report [items]"),
)

# --- analyst notebooks (notebooks/0*_*.ipynb): entries added by helper H below ------------
_ANALYST: tuple[Parameter, ...] = (
    # 01 capacity forecast
    Parameter(name="instances", kind="int", default=10, low=1, high=100_000,
              help="application instances running today [instances]"),
    Parameter(name="redundancy", kind="int", default=1, low=0, high=100,
              help="spare instances kept for failover, the k of N+k [instances]"),
    Parameter(name="service_time_s", kind="float", default=0.15, low=0.001, high=60,
              help="mean service time of one request on one instance [s]"),
    # 02 unit economics
    Parameter(name="arpu", kind="float", default=2.0, low=0.01, high=100_000,
              help="average revenue per active user [currency/user/month]"),
    Parameter(name="base_monthly_cost", kind="float", default=8_000.0, low=1, high=1e9,
              help="infrastructure cost today [currency/month]"),
    Parameter(name="scenario_family", kind="str", default="projection_12m",
              choices=("projection_12m", "multi_year"),
              help="which scenario table of the domain brief to simulate"),
    # 03 team scaling
    Parameter(name="team_size", kind="int", default=13, low=1, high=1_000,
              help="developers today [people]"),
    Parameter(name="current_velocity", kind="float", default=30.0, low=0.1, high=10_000,
              help="team velocity measured today [story points/sprint]"),
    Parameter(name="target_month", kind="int", default=9, low=1, high=60,
              help="month by which target_velocity must be reached [month]"),
    Parameter(name="hires_per_month", kind="float", default=1.0, low=0, high=50,
              help="developers hired each month in the what-if plan [people/month]"),
    Parameter(name="ramp_weeks", kind="float", default=6.0, low=0, high=52,
              help="weeks for a new hire to reach full productivity [weeks]"),
    Parameter(name="hours_per_channel_per_week", kind="float", default=0.5, low=0, high=40,
              help="coordination time per pair of developers [hours/week]"),
    Parameter(name="annual_retention", kind="float", default=0.9, low=0.01, high=1,
              help="share of developers still there after 12 months [fraction]"),
    # 04 technical-debt ROI (hourly_cost is shared with the board report)
    Parameter(name="debt_share", kind="float", default=0.2, low=0, high=1,
              help="share of development time spent on debt [fraction]"),
    Parameter(name="effort_low", kind="float", default=0.8, low=0.05, high=20,
              help="actual/estimated effort, 90 % interval low end [-]"),
    Parameter(name="effort_high", kind="float", default=2.0, low=0.05, high=20,
              help="actual/estimated effort, 90 % interval high end [-]"),
    Parameter(name="savings_low", kind="float", default=0.5, low=0.01, high=20,
              help="actual/estimated savings, 90 % interval low end [-]"),
    Parameter(name="savings_high", kind="float", default=1.2, low=0.01, high=20,
              help="actual/estimated savings, 90 % interval high end [-]"),
    # 05 growth scenarios
    Parameter(name="resource", kind="str", default="memory",
              choices=("cpu", "memory", "db_utilisation", "bandwidth"),
              help="resource whose critical-breach month the tornado chart explains"),
)
_ANALYST_PAIRS: tuple[tuple[str, str], ...] = (
    ("effort_low", "effort_high"),
    ("savings_low", "savings_high"),
)
# --- end of analyst notebooks section -----------------------------------------------------

PARAMETERS: dict[str, Parameter] = {p.name: p for p in (*_COMMON, *_REPORT, *_ANALYST)}
"""Every parameter a notebook may receive, by name."""

ORDERED_PAIRS: tuple[tuple[str, str], ...] = (("growth_low", "growth_high"), *_ANALYST_PAIRS)
"""Pairs ``(low, high)`` that must satisfy ``low < high`` when both are given."""


def validate(values: Mapping[str, Any], *, allowed: Iterable[str] | None = None) -> dict:
    """Check parameter values against the registry and return them coerced.

    Parameters
    ----------
    values : mapping
        Parameter name -> value, e.g. a parsed YAML parameters file.
    allowed : iterable of str, optional
        Names accepted here (e.g. those a notebook declares); defaults to the registry.
        A name in ``allowed`` but not in the registry is passed through unchecked.

    Returns
    -------
    dict
        The values, with ints widened to float where a float is declared.

    Raises
    ------
    ParameterError
        For an unknown name (with the closest valid names), a wrong type, a value out of
        range or not among the choices, or an ordered pair out of order.
    """
    if not isinstance(values, Mapping):
        raise ParameterError(
            f"parameters must be a mapping of name: value; got {type(values).__name__} "
            f"{values!r}"
        )
    names = set(PARAMETERS) if allowed is None else set(allowed)
    out: dict[str, Any] = {}
    for name, value in values.items():
        if not isinstance(name, str) or name not in names:
            close = _closest(str(name), names)
            hint = (
                f"did you mean {', '.join(close)}?"
                if close
                else f"valid names: {', '.join(sorted(names))}"
            )
            raise ParameterError(f"unknown parameter {name!r}; {hint}")
        param = PARAMETERS.get(name)
        out[name] = value if param is None else _coerce(param, value)
    for low_name, high_name in ORDERED_PAIRS:
        if low_name in out and high_name in out and not out[low_name] < out[high_name]:
            raise ParameterError(
                f"parameter {low_name} must be < {high_name}; "
                f"got {low_name}={out[low_name]!r}, {high_name}={out[high_name]!r}"
            )
    return out


def check(**values: Any) -> dict:
    """Validate the parameters of a notebook; call it right after the parameters cell.

    ``parameters.check(seed=seed, n_paths=n_paths, ...)`` raises :class:`ParameterError`
    for the first bad value so that the notebook stops at that cell with a clear message
    instead of failing deep inside a plot. Returns the coerced values.
    """
    return validate(values, allowed=PARAMETERS)


def defaults(names: Iterable[str] | None = None) -> dict:
    """Return the default value of each named parameter (all of them by default)."""
    chosen = PARAMETERS if names is None else names
    return {name: PARAMETERS[name].default for name in chosen}


# names IPython puts in a kernel's namespace; anything else user-level before the check
# cell came from the parameters cell or from papermill's injected cell
_KERNEL_NAMES = frozenset({"In", "Out", "get_ipython", "exit", "quit", "open"})


def check_namespace(namespace: Mapping[str, Any], declared: Iterable[str]) -> Any:
    """Refuse variables that a notebook does not declare as parameters.

    Call it in the check cell, right after the parameters cell and papermill's injected
    cell: ``params = parameters.check_namespace(globals(), parameters.check(seed=seed,
    ...))``.

    Parameters
    ----------
    namespace : mapping
        The notebook's ``globals()``.
    declared : iterable of str
        The parameters the notebook declares (the names given to :func:`check`).

    Returns
    -------
    object
        ``declared`` itself (the validated values when it is :func:`check`'s result), so
        that the cell keeps them.

    Raises
    ------
    ParameterError
        Naming every undeclared variable with the closest declared names: papermill
        injects ``-p growth_lo 0.05`` as a new variable and the run would silently use
        the default of ``growth_low``.

    Notes
    -----
    Names starting with an underscore, IPython's own names, modules, functions and
    classes are not parameters and are ignored.
    """
    given, declared = declared, set(declared)
    unknown = sorted(
        name for name, value in namespace.items()
        if not name.startswith("_") and name not in _KERNEL_NAMES and name not in declared
        and not isinstance(value, (types.ModuleType, types.FunctionType,
                                   types.BuiltinFunctionType, type))
    )
    if unknown:
        hints = []
        for name in unknown:
            close = _closest(name, declared)
            hints.append(f"{name!r} (did you mean {', '.join(close)}?)" if close
                         else repr(name))
        raise ParameterError(
            f"unknown parameter{'s' if len(unknown) > 1 else ''} {', '.join(hints)}; this "
            f"notebook declares: {', '.join(sorted(declared))}"
        )
    return given


def load_yaml(text: str, source: str) -> Any:
    """Parse YAML text with safe loading, refusing a mapping key written twice.

    Parameters
    ----------
    text : str
        The YAML document.
    source : str
        The file name, for messages.

    Returns
    -------
    object
        The parsed document (plain Python types only).

    Raises
    ------
    ParameterError
        For invalid YAML or a duplicate key (naming the key, its line and ``source``).
    """
    import yaml

    class _UniqueKeyLoader(yaml.SafeLoader):
        def construct_mapping(self, node, deep=False):
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue  # "<<: *base" then an explicit key overrides on purpose
                key = self.construct_object(key_node, deep=deep)
                line = key_node.start_mark.line + 1
                try:
                    first = seen.get(key)
                except TypeError:  # an unhashable key: SafeLoader refuses it below
                    continue
                if first is not None:
                    raise ParameterError(
                        f"{source}: key {key!r} is written twice (lines {first} and "
                        f"{line}); keep one"
                    )
                seen[key] = line
            return super().construct_mapping(node, deep=deep)

    try:
        # a SafeLoader subclass: plain Python types only, as yaml.safe_load
        return yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.YAMLError as exc:
        detail = " ".join(str(exc).split())
        raise ParameterError(f"{source}: not valid YAML: {detail}") from None
