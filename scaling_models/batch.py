"""The quarterly board report as one batch: validate, execute, export, swap into place.

:func:`build_report` checks every input before any notebook starts (quarter format,
parameters files against :mod:`scaling_models.parameters` and the notebook's declared
parameters, data files, the quarter present in the history), executes the board notebook
once per parameters file with papermill (in parallel across processes), exports each
executed notebook to ``report.html`` without code, prints ``report.pdf`` from it with
headless Chromium when installed, and writes ``summary.json`` from the values the notebook
recorded with :func:`scaling_models.notebook_io.record`.

Everything is written into a temporary folder beside the target and renamed into
``<out>/<quarter>/`` only when every notebook succeeded, so a failure never leaves a half
report and never touches an earlier one. An existing quarter is replaced only with
``force=True``, and then kept as ``<quarter>.backup-<timestamp>``. A failed run is kept as
``<quarter>.failed-<timestamp>`` with its executed notebook(s) for debugging; with several
notebooks in parallel, each runs in its own process, so one whose process dies outright
fails its own run, named, as a notebook error does.

One writer per quarter: a run holds an exclusive lock (``fcntl.flock``, released by the
kernel when the process dies, so a lock is never stale) on ``<out>/.<quarter>.lock``; a
second run of the same quarter raises :class:`ReportLockedError` without touching
anything. Ctrl-C or SIGTERM at any point raises :class:`ReportInterrupted` after removing
the temporary folder: the previous report stays in place, and the swap itself (backup,
rename) is completed or rolled back as a whole. Temporary folders left by a killed run
(``.<quarter>.tmp-*``) are removed by the next run that can lock their quarter.
"""

from __future__ import annotations

import datetime as _dt
import errno
import json
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

# loaders and periods (numpy, pandas) are imported where used: refusing an existing
# quarter or a locked one answers before any heavy import
from scaling_models import parameters as _parameters

__all__ = [
    "ReportInputError",
    "ReportExistsError",
    "ReportLockedError",
    "ReportInterrupted",
    "ReportWriteError",
    "NotebookFailedError",
    "ReportJob",
    "ReportResult",
    "generation_date",
    "DEFAULT_NOTEBOOK",
    "DEFAULT_DATA_DIR",  # noqa: F822 - loaders' constant, read lazily (module __getattr__)
    "DATA_FILES",  # noqa: F822 - likewise
    "RESERVED_PARAMETERS",
    "QUARTER_NAME",
    "parse_quarter",
    "previous_quarter",
    "quarter_months",
    "load_params_file",
    "read_summary",
    "check_data_dir",
    "check_inputs",
    "plan_jobs",
    "build_report",
    "run_in_processes",
    "export_html",
    "print_pdf",
    "find_chromium",
    "NO_CHROMIUM",
]

# shipped inside the package (scaling_models/_defaults, the same files as the repository's
# notebooks/ and data/), so that an installed wheel finds them
DEFAULT_NOTEBOOK = Path(str(resources.files("scaling_models") / "_defaults" / "board_report.ipynb"))
"""The board report notebook run by :func:`build_report`."""


def __getattr__(name: str) -> Any:
    # DEFAULT_DATA_DIR (the bundled sample company data) and DATA_FILES (the files of a
    # data folder, loaders.DATA_FILES; those of loaders.OPTIONAL_DATA_FILES may be absent)
    # are loaders' own, read on first use
    if name in ("DEFAULT_DATA_DIR", "DATA_FILES"):
        from scaling_models import loaders

        return loaders.DATA_DIR if name == "DEFAULT_DATA_DIR" else loaders.DATA_FILES
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: A quarter's folder name, as periods.QUARTER_PATTERN reads it (a test keeps the two
#: equal): the existing-quarter check needs it before numpy is imported.
QUARTER_NAME = re.compile(r"(\d{4})-Q([1-4])")

RESERVED_PARAMETERS = ("quarter",)
"""Parameters the driver sets itself (from ``--quarter``); a parameters file may not."""

_KERNEL = "python3"


class ReportInputError(ValueError):
    """Bad command-line input, parameters file or data folder (exit status 2)."""


class ReportExistsError(ReportInputError):
    """The quarter's report exists and ``force`` was not given (exit status 3)."""


class ReportLockedError(ReportExistsError):
    """Another run is writing the same quarter into the same folder (exit status 3)."""


class ReportWriteError(RuntimeError):
    """The report could not be written (disk full, permissions; exit status 1)."""


class ReportInterrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM stopped the run; nothing was replaced (exit status 130 or 143)."""

    def __init__(self, signum: int):
        super().__init__(f"interrupted by {signal.Signals(signum).name}; the previous report "
                         "(if any) is untouched")
        self.signum = signum


class NotebookFailedError(RuntimeError):
    """A notebook raised while executing (exit status 1); ``failed_dir`` keeps it."""

    def __init__(self, message: str, failed_dir: Path):
        super().__init__(message)
        self.failed_dir = failed_dir


@dataclass(frozen=True, kw_only=True)
class ReportJob:
    """One execution of the board notebook.

    Parameters
    ----------
    name : str
        Sub-folder of the quarter's report ("" writes directly into it).
    parameters : dict
        Validated parameters injected by papermill.
    source : str
        Where the parameters came from (a file path or "defaults"), for messages.
    effective : dict
        Every parameter the notebook will run with: its declared defaults overridden by
        ``parameters``. ``summary.json`` records these (paths left out), so the seed and
        every assumption behind the figures are there even when nobody set them.
    warnings : tuple of str
        Found while planning (a last-quarter summary that cannot be compared with).
    """

    name: str
    parameters: dict = field(default_factory=dict)
    source: str = "defaults"
    effective: dict = field(default_factory=dict)
    warnings: tuple = ()


@dataclass(frozen=True, kw_only=True)
class ReportResult:
    """What :func:`build_report` wrote."""

    report_dir: Path
    backup_dir: Path | None
    summaries: dict  # job name -> summary dict
    pdf_written: bool
    warnings: tuple = ()


# --- quarters ----------------------------------------------------------------------------


def parse_quarter(quarter: str) -> tuple[int, int]:
    """Return ``(year, q)`` of a ``YYYY-Qn`` string; raise ReportInputError otherwise.

    The whole string: the quarter names the report's folder, so a trailing newline or a
    path (``2024-Q2/../..``) is refused too.
    """
    from scaling_models import periods

    try:
        return periods.parse_quarter(quarter, "--quarter")
    except ValueError as exc:
        raise ReportInputError(str(exc)) from None


def previous_quarter(quarter: str) -> str:
    """Return the quarter before ``quarter`` (``2024-Q1`` -> ``2023-Q4``)."""
    year, q = parse_quarter(quarter)
    return f"{year - 1}-Q4" if q == 1 else f"{year}-Q{q - 1}"


def quarter_months(quarter: str) -> list[str]:
    """Return the three months (``YYYY-MM``) of a quarter."""
    year, q = parse_quarter(quarter)
    return [f"{year}-{m:02d}" for m in range(3 * q - 2, 3 * q + 1)]


# --- inputs ------------------------------------------------------------------------------


def load_params_file(path: str | os.PathLike[str], *, allowed: Iterable[str]) -> dict:
    """Read a YAML parameters file and validate it.

    Relative ``data_dir`` and ``previous_summary`` values are resolved against the file's
    folder, so a company's parameters file can sit next to its data.

    Raises
    ------
    ReportInputError
        Missing or unreadable file, not UTF-8 text, invalid YAML, a key written twice,
        not a mapping, a reserved or unknown name, or a bad value (the message starts
        with the file name).
    """
    path = Path(path)
    if not path.is_file():
        raise ReportInputError(f"--params {path}: no such file")
    text = _read_text(path, f"--params {path}")
    try:
        values = _parameters.load_yaml(text, f"--params {path}")
    except _parameters.ParameterError as exc:
        raise ReportInputError(str(exc)) from None
    if values is None:
        values = {}
    if not isinstance(values, dict):
        raise ReportInputError(
            f"--params {path}: must be a mapping of name: value; got {type(values).__name__}"
        )
    for name in RESERVED_PARAMETERS:
        if name in values:
            raise ReportInputError(
                f"--params {path}: parameter {name} is set by --{name}, not by a parameters "
                f"file; got {name}: {values[name]!r}"
            )
    try:
        checked = _parameters.validate(values, allowed=allowed)
    except _parameters.ParameterError as exc:
        raise ReportInputError(f"--params {path}: {exc}") from None
    for name in ("data_dir", "previous_summary"):
        if checked.get(name):
            checked[name] = str((path.parent / checked[name]).resolve())
    return checked


def _read_text(path: Path, name: str) -> str:
    """A text file's content as UTF-8, or ReportInputError naming it."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ReportInputError(
            f"{name}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at position "
            f"{exc.start}); save the file as UTF-8"
        ) from None
    except OSError as exc:
        raise ReportInputError(f"{name}: cannot read it: {exc.strerror or exc}") from None


def read_summary(path: str | os.PathLike[str], *, quarter: str | None = None,
                 name: str | None = None) -> dict:
    """Read a report's ``summary.json`` and check it is one (last quarter's, for a comparison).

    Parameters
    ----------
    path : path
        The ``summary.json`` of an earlier report.
    quarter : str, optional
        The quarter it must be the summary of (``YYYY-Qn``).
    name : str, optional
        How messages name the file (default: "last quarter's summary PATH"); a report
        names it without the machine's path, so that its bytes do not depend on it.

    Returns
    -------
    dict
        The summary.

    Raises
    ------
    ReportInputError
        Naming the file: unreadable, not UTF-8, not JSON (truncated), not an object, no
        or another ``quarter``, or a headline figure of the wrong type for
        :data:`scaling_models.report.SUMMARY_KEYS` (a number, a text, a list of texts, a
        list of records of numbers and texts, or a mapping of name to number or text).
    """
    from scaling_models.report import SUMMARY_KEYS

    path = Path(path)
    name = f"last quarter's summary {path}" if name is None else name
    if not path.is_file():
        raise ReportInputError(f"{name}: no such file")

    def refuse(constant: str) -> None:
        raise ValueError(f"{constant} is not a JSON number")

    try:
        summary = json.loads(_read_text(path, name), parse_constant=refuse)
    except ValueError as exc:
        if isinstance(exc, ReportInputError):
            raise
        raise ReportInputError(f"{name}: not valid JSON ({exc}); is the file truncated?"
                               ) from None
    if not isinstance(summary, dict):
        raise ReportInputError(f"{name}: must be a JSON object; got {type(summary).__name__}")
    got = summary.get("quarter")
    if not isinstance(got, str) or not QUARTER_NAME.fullmatch(got):
        raise ReportInputError(f"{name}: 'quarter' must be a quarter like 2024-Q1; got {got!r}")
    if quarter is not None and got != quarter:
        raise ReportInputError(f"{name}: it is the summary of {got}, not of {quarter}")
    for key, meaning in SUMMARY_KEYS.items():
        value = summary.get(key)
        if value is not None and not _summary_value_ok(value, meaning):
            raise ReportInputError(
                f"{name}: {key!r} must be {_summary_kind(meaning)} ({meaning}); got {value!r}"
            )
    return summary


def _summary_kind(meaning: str) -> str:
    """The JSON kind of a headline figure, from its description in SUMMARY_KEYS."""
    unit = meaning[meaning.rfind("[") + 1:] if "[" in meaning else ""
    if "->" in unit:
        target = unit.split("->", 1)[1].strip()
        if target.startswith("{"):  # e.g. {measured, modelled}: numbers by name
            return "a mapping of name to a mapping of name to number"
        numeric = target.startswith(("fraction", "-]", "number"))
        return f"a mapping of name to {'number' if numeric else 'text'}"
    if unit.startswith("bool"):
        return "true or false"
    if unit.startswith("list of str"):
        return "a list of texts"
    if unit.startswith("list of {"):  # e.g. plan_actions: [list of {lever, ..., cost}]
        return "a list of records of numbers and texts"
    if unit.startswith("str") or "YYYY-MM" in meaning and not unit:
        return "a text"
    return "a number"


def _summary_value_ok(value: Any, meaning: str) -> bool:
    def number(v: Any) -> bool:
        return isinstance(v, (int, float)) and not isinstance(v, bool)

    kind = _summary_kind(meaning)
    if kind == "a number":
        return number(value)
    if kind == "true or false":
        return isinstance(value, bool)
    if kind.endswith("mapping of name to number") and kind.count("mapping") == 2:
        return isinstance(value, dict) and all(
            isinstance(k, str) and isinstance(v, dict)
            and all(isinstance(a, str) and number(b) for a, b in v.items())
            for k, v in value.items())
    if kind == "a text":
        return isinstance(value, str)
    if kind == "a list of texts":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind.startswith("a list of records"):
        return isinstance(value, list) and all(
            isinstance(r, dict) and all(isinstance(k, str) and (number(v) or isinstance(v, str))
                                        for k, v in r.items()) for r in value)
    item = number if kind.endswith("number") else (lambda v: isinstance(v, str))
    return isinstance(value, dict) and all(isinstance(k, str) and (item(v) or v is None)
                                           for k, v in value.items())


def check_data_dir(data_dir: str | os.PathLike[str], quarter: str) -> None:
    """Check that ``data_dir`` holds valid data files covering ``quarter``.

    The files are parsed with :func:`scaling_models.loaders.load_data_dir` (which checks
    columns, units and ranges of every file, the optional lever catalogue included, and
    refuses a YAML key written twice); then :func:`check_inputs` checks the files
    against each other and the quarter.

    Raises
    ------
    ReportInputError
        Naming the folder or file, what is wrong and what is expected.
    """
    from scaling_models import loaders

    folder = Path(data_dir)
    if not folder.is_dir():
        raise ReportInputError(f"--data {folder}: no such folder")
    missing = [name for name in loaders.REQUIRED_DATA_FILES if not (folder / name).is_file()]
    if missing:
        raise ReportInputError(
            f"--data {folder}: missing {', '.join(missing)} (a data folder holds "
            f"{', '.join(loaders.REQUIRED_DATA_FILES)}, and optionally "
            f"{', '.join(loaders.OPTIONAL_DATA_FILES)})"
        )
    try:
        bundle = loaders.load_data_dir(folder)
    except (ValueError, TypeError, KeyError, OSError) as exc:
        detail = " ".join(str(exc).split())
        raise ReportInputError(f"--data {folder}: {detail}") from None
    check_inputs(bundle, quarter, folder)


def check_inputs(bundle: Any, quarter: str, folder: str | os.PathLike[str]) -> None:
    """Cross-file checks of a data folder for one quarter's board report.

    Each file is valid on its own (:func:`scaling_models.loaders.load_data_dir`); this
    checks what only the files together, and the quarter, decide: the history covers the
    quarter's three months and holds at least
    :data:`scaling_models.report.MIN_HISTORY_MONTHS` months up to its end (a history
    starting in the quarter is refused likewise), and the threshold table has a row for
    each resource the report forecasts (:data:`scaling_models.montecarlo.RESOURCES`).
    Units: the threshold table's fraction metrics are checked against the history's
    columns when the table is read (:data:`scaling_models.thresholds.FRACTION_METRICS`).

    Raises
    ------
    ReportInputError
        Naming the file, what is wrong and the fix.
    """
    from scaling_models.montecarlo import RESOURCES
    from scaling_models.report import FULL_HISTORY_MONTHS, MIN_HISTORY_MONTHS

    folder = Path(folder)
    history_file = folder / "company_history.csv"
    months = [str(m) for m in bundle.history.index]
    absent = [m for m in quarter_months(quarter) if m not in months]
    if absent:
        raise ReportInputError(
            f"--quarter {quarter}: {history_file} has no row for "
            f"{', '.join(absent)}; it covers {months[0]} to {months[-1]}"
        )
    upto = months.index(quarter_months(quarter)[-1]) + 1
    if upto < MIN_HISTORY_MONTHS:
        raise ReportInputError(
            f"--quarter {quarter}: {history_file} holds {upto} month(s) up to the end of "
            f"the quarter ({months[0]} to {months[upto - 1]}); the board report needs at "
            f"least {MIN_HISTORY_MONTHS} ({FULL_HISTORY_MONTHS} for full confidence)"
        )
    missing = [r for r in RESOURCES if r not in bundle.thresholds.index]
    if missing:
        raise ReportInputError(
            f"--data {folder}: {folder / 'thresholds.csv'} has no row for "
            f"{', '.join(missing)}; the board report forecasts {', '.join(RESOURCES)} "
            f"against their attention and critical lines: add the row(s) (see "
            f"data/README.md)"
        )


def plan_jobs(
    quarter: str,
    *,
    params_files: Sequence[str | os.PathLike[str]] = (),
    data_dir: str | os.PathLike[str] | None = None,
    out_dir: str | os.PathLike[str] = "reports",
    seed: int | None = None,
    notebook: str | os.PathLike[str] = DEFAULT_NOTEBOOK,
) -> list[ReportJob]:
    """Validate every input and return the notebook executions to run.

    With zero or one parameters file the report is written flat into ``<out>/<quarter>/``;
    with several, each file's stem names a sub-folder. ``seed`` (``--seed``) overrides the
    files' seeds. The last quarter's ``summary.json`` is passed as ``previous_summary``
    when it exists.

    Raises
    ------
    ReportInputError
        For the first bad input, before anything is executed.
    """
    parse_quarter(quarter)
    notebook = Path(notebook)
    if not notebook.is_file():
        raise ReportInputError(f"--notebook {notebook}: no such file")
    declared = _declared_parameters(notebook)
    allowed = [name for name in declared if name not in RESERVED_PARAMETERS]
    if seed is not None:
        try:
            seed = _parameters.validate({"seed": seed})["seed"]
        except _parameters.ParameterError as exc:
            raise ReportInputError(f"--seed: {exc}") from None

    names = [Path(p).stem for p in params_files] if len(params_files) > 1 else [""]
    for name, path in zip(names, params_files, strict=True) if len(names) > 1 else ():
        if name.startswith("."):  # ".", ".." or hidden: not a sub-folder of the quarter
            raise ReportInputError(
                f"--params {path}: its name {name!r} cannot name a report folder (each "
                f"file's name becomes its sub-folder of the quarter); rename the file")
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ReportInputError(
            f"--params: several files named {duplicates[0]!r}; each file's name becomes its "
            f"report folder, so stems must differ"
        )
    sources = [str(p) for p in params_files] or ["defaults"]
    jobs = []
    for name, source in zip(names, sources, strict=True):
        values = {} if source == "defaults" else load_params_file(source, allowed=allowed)
        if seed is not None:
            values["seed"] = seed
        folder = Path(values.get("data_dir") or data_dir or __getattr__("DEFAULT_DATA_DIR")
                      ).resolve()
        check_data_dir(folder, quarter)
        if "data_dir" in declared:
            values["data_dir"] = str(folder)
        values["quarter"] = quarter
        previous = Path(out_dir) / previous_quarter(quarter) / name / "summary.json"
        warnings = []
        if values.get("previous_summary"):
            # asked for by name: a bad one stops the run (exit 2)
            try:
                read_summary(values["previous_summary"], quarter=previous_quarter(quarter))
            except ReportInputError as exc:
                raise ReportInputError(f"--params {source}: previous_summary: {exc}") from None
        elif previous.is_file() and "previous_summary" in declared:
            # found in the output folder: a bad one is skipped with a warning, and the
            # report's comparison section says why there is no comparison
            values["previous_summary"] = str(previous.resolve())
            try:
                read_summary(previous, quarter=previous_quarter(quarter))
            except ReportInputError as exc:
                warnings.append(f"no comparison with last quarter: {exc}")
        # defaults the notebook declares are validated too: a broken notebook default
        # should not pass silently because nobody overrode it
        merged = {k: v for k, v in declared.items() if v is not None} | values
        try:
            effective = _parameters.validate(merged, allowed=declared)
        except _parameters.ParameterError as exc:
            raise ReportInputError(f"{source}: {exc}") from None
        jobs.append(ReportJob(name=name, parameters=values, source=source,
                              effective=effective, warnings=tuple(warnings)))
    return jobs


def _declared_parameters(notebook: Path) -> dict[str, Any]:
    """Names declared in the notebook's parameters cell -> default value (or None)."""
    import ast

    import papermill

    try:
        declared = papermill.inspect_notebook(str(notebook))
    except Exception as exc:  # papermill raises several types for unreadable notebooks
        raise ReportInputError(f"--notebook {notebook}: cannot read it: {exc}") from None
    out: dict[str, Any] = {}
    for name, info in declared.items():
        try:
            out[name] = ast.literal_eval(info.get("default", "None"))
        except (ValueError, SyntaxError):
            out[name] = None
    return out


# --- execution ---------------------------------------------------------------------------


def _timestamp() -> str:
    return _dt.datetime.now().strftime("%Y%m%dT%H%M%S")


def _free_path(base: Path) -> Path:
    candidate, n = base, 1
    while candidate.exists():
        candidate = base.with_name(f"{base.name}-{n}")
        n += 1
    return candidate


class _QuarterLock:
    """Exclusive lock of one quarter in one output folder: ``<out>/.<quarter>.lock``.

    ``fcntl.flock`` rather than a PID file: the kernel drops the lock when its process
    dies, however it dies, so a lock is never stale. The file holds the owner's PID for
    the message; it is removed on release, and an acquirer checks that the file it locked
    is still the one on disk (another run may have removed it in between).
    """

    def __init__(self, out_dir: Path, quarter: str):
        self.path = out_dir / f".{quarter}.lock"
        self.quarter = quarter
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        """Whether this object holds the lock."""
        return self._fd is not None

    def acquire(self) -> bool:
        """Take the lock; False when another live process holds it."""
        import fcntl

        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                return False
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(self.path))
            except FileNotFoundError:
                same = False
            if same:
                os.ftruncate(fd, 0)
                os.write(fd, f"{os.getpid()}\n".encode())
                self._fd = fd
                return True
            os.close(fd)  # the holder removed it after we opened it: take the new one

    def owner(self) -> str:
        try:
            return self.path.read_text(encoding="utf-8").strip() or "unknown"
        except OSError:
            return "unknown"

    def release(self) -> None:
        if self._fd is not None:
            try:
                self.path.unlink()
            except FileNotFoundError:
                pass
            os.close(self._fd)
            self._fd = None


class _Signals:
    """Turn SIGINT and SIGTERM into :class:`ReportInterrupted`, or hold them back.

    Inside ``deferred()`` (the swap of the finished report into place) a signal is only
    noted; :meth:`pending` then says whether to roll the swap back. Installed only in the
    main thread (Python delivers signals there); elsewhere it does nothing.
    """

    _SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self.received: int | None = None
        self._deferring = False
        self._previous: dict = {}

    def _handle(self, signum, frame) -> None:
        self.received = signum
        if not self._deferring:
            raise ReportInterrupted(signum)

    def __enter__(self) -> _Signals:
        import threading

        if threading.current_thread() is threading.main_thread():
            for signum in self._SIGNALS:
                self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)

    def defer(self, on: bool) -> None:
        self._deferring = on


def _check_out_dir(out_dir: Path) -> None:
    """``--out`` must be a folder we can write in, or one we can create; nothing is made."""
    if out_dir.exists() and not out_dir.is_dir():
        raise ReportInputError(f"--out {out_dir}: is a file, not a folder")
    existing = out_dir
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise ReportInputError(f"--out {out_dir}: {existing} is a file, not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        where = "the folder" if existing == out_dir else f"cannot create it: {existing}"
        raise ReportInputError(f"--out {out_dir}: {where} is not writable")


def _check_data_outside(planned: Sequence[ReportJob], target: Path) -> None:
    """A data folder inside the quarter's folder would move to its backup with --force."""
    if not target.exists():
        return
    replaced = target.resolve()
    for job in planned:
        folder = job.parameters.get("data_dir")
        if folder and Path(folder).resolve().is_relative_to(replaced):
            raise ReportInputError(
                f"data folder {folder} ({job.source}): it is inside {target}, the report "
                f"--force replaces, and would move into its backup; put the data elsewhere")


def _lock_or_refuse(lock: _QuarterLock, target: Path) -> None:
    if not lock.acquire():
        raise ReportLockedError(
            f"{target}: another run (process {lock.owner()}) is writing this quarter into "
            f"{target.parent}; wait for it to finish"
        )


def _clean_leftovers(out_dir: Path, quarter: str, lock: _QuarterLock) -> None:
    """Remove temporary folders of killed runs: those of quarters nobody is writing."""
    for leftover in sorted(out_dir.glob(".*.tmp-*")):
        name = leftover.name[1:].split(".tmp-", 1)[0]
        if not QUARTER_NAME.fullmatch(name) or not leftover.is_dir():
            continue
        if name == quarter:
            shutil.rmtree(leftover, ignore_errors=True)
            continue
        other = _QuarterLock(out_dir, name)
        if other.acquire():  # nobody is writing that quarter: the folder is a leftover
            try:
                shutil.rmtree(leftover, ignore_errors=True)
            finally:
                other.release()


def build_report(
    quarter: str,
    *,
    params_files: Sequence[str | os.PathLike[str]] = (),
    data_dir: str | os.PathLike[str] | None = None,
    out_dir: str | os.PathLike[str] = "reports",
    seed: int | None = None,
    force: bool = False,
    jobs: int | None = None,
    notebook: str | os.PathLike[str] = DEFAULT_NOTEBOOK,
    progress: bool | None = None,
    pdf: bool = True,
    scheduler: Any = None,
) -> ReportResult:
    """Run the board report for ``quarter`` and write ``<out_dir>/<quarter>/``.

    Parameters
    ----------
    quarter : str
        Reporting quarter, ``YYYY-Qn``; its three months must be in the history.
    params_files : sequence of path
        YAML parameter overrides; several files run in parallel, one sub-folder each.
    data_dir : path, optional
        Company data folder (default: the bundled ``data/``).
    out_dir : path
        Parent of the quarter folders (default ``reports``).
    seed : int, optional
        Overrides every job's seed.
    force : bool
        Replace an existing quarter, keeping it as ``<quarter>.backup-<timestamp>``.
    jobs : int, optional
        Worker processes (default: one per job, at most the CPU count).
    notebook : path
        The notebook to execute (default :data:`DEFAULT_NOTEBOOK`).
    progress : bool, optional
        Show progress bars (default: when stderr is a terminal).
    pdf : bool
        Print ``report.pdf`` when Chromium is found.
    scheduler : None, str or dask.distributed.Client
        None (default): local worker processes (``jobs``). Otherwise each notebook is a
        Dask task (:func:`scaling_models.cluster.run_tasks`): an address
        ``"tcp://host:8786"``, a Client, or ``"processes"``. The workers need
        scaling_models installed and the data, notebook and output folders at the same
        paths (a shared file system); they write into the temporary folder, which is
        renamed into place here as in a local run. Same outputs, same exit statuses.

    Raises
    ------
    ReportExistsError
        The quarter exists and ``force`` is false (the CLI exits 3); checked first,
        before any validation.
    ReportLockedError
        Another run is writing this quarter into ``out_dir`` (the CLI exits 3).
    ReportInputError
        Bad input, before anything runs (the CLI exits 2); also an unreachable scheduler
        or workers without scaling_models.
    NotebookFailedError
        A notebook failed; nothing was replaced (the CLI exits 1).
    ReportWriteError
        The report could not be written (disk full...); nothing was replaced (exit 1).
    ReportInterrupted
        Ctrl-C or SIGTERM; nothing was replaced (exit 130 or 143).
    """
    out_dir = Path(out_dir)
    target = out_dir / str(quarter)
    # first and cheap (no numpy yet): a second run of a finished quarter answers at once
    if isinstance(quarter, str) and QUARTER_NAME.fullmatch(quarter) and target.exists() \
            and not force:
        raise ReportExistsError(
            f"{target} already exists; pass --force to replace it (the old one is kept "
            f"as a timestamped backup)"
        )
    parse_quarter(quarter)
    generation_date()  # a bad SOURCE_DATE_EPOCH stops here, not after the notebooks ran
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
        raise ReportInputError(f"--jobs must be an integer >= 1; got {jobs!r}")
    _check_out_dir(out_dir)
    lock = _QuarterLock(out_dir, quarter)
    if out_dir.is_dir():  # a run in progress answers at once, before any validation
        _lock_or_refuse(lock, target)
    try:
        with _Signals() as signals:
            return _build_locked(
                quarter, target, signals, params_files=params_files, data_dir=data_dir,
                out_dir=out_dir, seed=seed, force=force, jobs=jobs, notebook=notebook,
                progress=progress, pdf=pdf, lock=lock, scheduler=scheduler,
            )
    finally:
        lock.release()


def _build_locked(quarter: str, target: Path, signals: _Signals, *, params_files, data_dir,
                  out_dir: Path, seed, force: bool, jobs, notebook, progress, pdf,
                  lock: _QuarterLock, scheduler: Any = None) -> ReportResult:
    planned = plan_jobs(
        quarter, params_files=params_files, data_dir=data_dir, out_dir=out_dir, seed=seed,
        notebook=notebook,
    )
    # bad input wrote nothing; from here on the output folder is ours for this quarter
    if not lock.held:
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ReportInputError(f"--out {out_dir}: cannot create it: "
                                   f"{exc.strerror or exc}") from None
        _lock_or_refuse(lock, target)
    if target.exists() and not force:  # written by a run that finished meanwhile
        raise ReportExistsError(f"{target} already exists; pass --force to replace it")
    _check_data_outside(planned, target)
    _clean_leftovers(out_dir, quarter, lock)
    if progress is None:
        progress = sys.stderr.isatty()
    try:
        work = Path(tempfile.mkdtemp(prefix=f".{quarter}.tmp-", dir=out_dir))
    except OSError as exc:
        raise ReportWriteError(f"--out {out_dir}: cannot write in it: "
                               f"{exc.strerror or exc}") from None
    try:
        # mkdtemp makes the folder private (0700); a report folder follows the umask
        umask = os.umask(0)
        os.umask(umask)
        work.chmod(0o777 & ~umask)
        chromium = find_chromium() if pdf else None
        outcomes = _run_all(planned, Path(notebook), work, jobs, progress, chromium, scheduler)
        unwritten = [o for o in outcomes if o.get("write_error")]
        if unwritten:
            raise ReportWriteError(unwritten[0]["write_error"])
        failures = [o for o in outcomes if o["error"]]
        if failures:
            failed_dir = _free_path(out_dir / f"{quarter}.failed-{_timestamp()}")
            os.replace(work, failed_dir)
            first = failures[0]
            source = next(j.source for j in planned if j.name == first["job"])
            where = f" ({first['job']}, --params {source})" if first["job"] else ""
            executed = failed_dir / first["job"] / Path(notebook).name
            kept = (f"executed notebook kept in {executed}" if executed.is_file()
                    else f"the run kept in {failed_dir}")
            raise NotebookFailedError(f"report notebook failed{where}: {first['error']}; "
                                      f"{kept}", failed_dir)
        backup = _swap(work, target, out_dir, quarter, force, signals)
    except OSError as exc:  # the output folder failed us (full, read-only...): one line
        shutil.rmtree(work, ignore_errors=True)
        raise ReportWriteError(f"cannot write {exc.filename or out_dir}: "
                               f"{exc.strerror or exc}") from None
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    warnings = [w for job in planned for w in job.warnings]
    warnings += [w for o in outcomes for w in o["warnings"]]
    if pdf and chromium is None:
        warnings.append(NO_CHROMIUM)
    return ReportResult(
        report_dir=target,
        backup_dir=backup,
        summaries={o["job"]: o["summary"] for o in outcomes},
        pdf_written=all(o["pdf"] for o in outcomes),
        warnings=tuple(warnings),
    )


def _swap(work: Path, target: Path, out_dir: Path, quarter: str, force: bool,
          signals: _Signals) -> Path | None:
    """Rename ``work`` to ``target`` (the old one to a backup), all or nothing.

    Signals are held back during the two renames; one received meanwhile rolls them back
    and raises :class:`ReportInterrupted`, so the previous report is what remains.
    """
    signals.defer(True)
    backup = None
    try:
        if target.exists():
            if not force:  # cannot happen under the lock, unless written by hand meanwhile
                raise ReportExistsError(f"{target} appeared during the run; nothing replaced")
            backup = _free_path(out_dir / f"{quarter}.backup-{_timestamp()}")
            os.replace(target, backup)
        try:
            os.replace(work, target)
        except OSError:
            if backup is not None:
                os.replace(backup, target)
            raise
        if signals.received is not None:
            os.replace(target, work)
            if backup is not None:
                os.replace(backup, target)
            raise ReportInterrupted(signals.received)
    finally:
        signals.defer(False)
    return backup


def _run_all(
    planned: list[ReportJob],
    notebook: Path,
    work: Path,
    jobs: int | None,
    progress: bool,
    chromium: str | None,
    scheduler: Any = None,
) -> list[dict]:
    args = [
        (job.name, job.parameters, job.effective or job.parameters, str(notebook),
         str(work / job.name), chromium, progress and len(planned) == 1)
        for job in planned
    ]
    if scheduler is not None:
        return _run_on_dask(args, scheduler, progress)
    workers = min(jobs or os.cpu_count() or 1, len(planned))
    if workers <= 1:
        return [_run_job(*a) for a in _progress(args, progress and len(planned) > 1)]
    return run_in_processes(_run_job, args, workers, failed=lambda a, error: _outcome(a[0], error),
                            progress=progress)


def run_in_processes(
    run: Callable[..., Any],
    args: Sequence[tuple],
    workers: int,
    *,
    failed: Callable[[tuple, str], Any],
    desc: str = "notebooks",
    progress: bool = False,
) -> list[Any]:
    """``run(*a)`` for each ``a`` of ``args`` in its own process, ``workers`` at a time.

    A process per item rather than a pool: when one dies outright (killed, out of memory,
    ``os._exit``) its item, and its item only, fails with an error that says how the
    process ended; a pool would break every item still running with no name or status.

    Parameters
    ----------
    run : callable
        A module-level function (spawned processes import it by name) returning a
        picklable outcome.
    args : sequence of tuple
        One tuple of arguments per item.
    workers : int
        Processes at a time (>= 1).
    failed : callable
        ``failed(a, error)``: the outcome of the item of arguments ``a`` whose ``run``
        raised or whose process died, ``error`` saying what happened in one line.
    desc : str
        What the progress bar counts.
    progress : bool
        Show a progress bar.

    Returns
    -------
    list
        The outcomes, in the order of ``args``.
    """
    from multiprocessing.connection import wait

    # spawn: the parent may hold threads (tqdm, zmq) that fork would copy half-locked
    context = multiprocessing.get_context("spawn")
    outcomes: list[Any] = [None] * len(args)
    waiting = list(range(len(args)))
    running: dict[int, tuple[Any, Any]] = {}
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(args), desc=desc, unit=desc.rstrip("s"))
    try:
        while waiting or running:
            while waiting and len(running) < workers:
                i = waiting.pop(0)
                receive, send = context.Pipe(duplex=False)
                process = context.Process(target=_item_process, args=(send, run, args[i]),
                                          name=f"{desc} {i}")
                process.start()
                send.close()  # the child holds the other end: EOF when it dies
                running[i] = (process, receive)
            wait([x for process, receive in running.values()
                  for x in (receive, process.sentinel)])
            for i, (process, receive) in list(running.items()):
                message = None
                if receive.poll():
                    try:
                        message = receive.recv()
                    except EOFError:  # it died before sending its outcome
                        pass
                elif process.is_alive():
                    continue
                process.join()
                if message is None:
                    outcomes[i] = failed(args[i], _how_it_died(process.exitcode))
                else:
                    ok, value = message
                    outcomes[i] = value if ok else failed(args[i], value)
                receive.close()
                del running[i]
                if bar is not None:
                    bar.update()
    finally:
        # interrupted: stop the other items now rather than waiting for them to finish
        # writing into a folder about to be removed
        for process, _ in running.values():
            process.terminate()
        for process, receive in running.values():
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
                process.join()
            receive.close()
        if bar is not None:
            bar.close()
    return outcomes


def _item_process(send: Any, run: Callable[..., Any], args: tuple) -> None:
    """A worker process: ``(True, run(*args))`` sent back through ``send``, or ``(False,
    error)`` when it raises."""
    # Ctrl-C at a terminal reaches the whole process group: the parent handles it and
    # stops the workers; SIGTERM (from the parent) unwinds, so papermill stops its kernel
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    try:
        message = (True, run(*args))
    except Exception as exc:  # an error outside the notebook: the item failed, in one line
        message = (False, f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}")
    send.send(message)
    send.close()


def _outcome(job: str, error: str) -> dict:
    """The outcome of a failed job."""
    return {"job": job, "error": error, "summary": None, "pdf": False, "warnings": [],
            "write_error": None}


def _how_it_died(exitcode: int | None) -> str:
    """One line on a worker process that ended without sending its outcome."""
    if exitcode is not None and exitcode < 0:
        try:
            how = f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            how = f"killed by signal {-exitcode}"
    else:
        how = f"exit status {exitcode}"
    return f"its worker process died ({how}) before the report was written"


def _run_on_dask(args: list[tuple], scheduler: Any, progress: bool) -> list[dict]:
    """:func:`_run_job` for each job as Dask tasks; outcomes in job order.

    Paths are made absolute (a worker's working folder is not ours) and the workers show
    no cell bar; the progress bar here advances as the cluster finishes jobs. A job the
    cluster could not run (its workers kept dying) is a failed job, as a notebook error.
    """
    from scaling_models import cluster

    try:
        cluster.check_scheduler(scheduler)
    except (ValueError, TypeError) as exc:
        raise ReportInputError(f"--scheduler: {exc}") from None
    items = [(name, params, effective, str(Path(notebook).resolve()),
              str(Path(job_dir).resolve()), chromium, False)
             for name, params, effective, notebook, job_dir, chromium, _ in args]
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(items), desc="notebooks", unit="notebook")
    try:
        results = cluster.run_tasks(
            _run_job, items, scheduler=scheduler, name="report-job", errors="return",
            on_done=None if bar is None else lambda _: bar.update())
    except (cluster.SchedulerUnreachableError, cluster.WorkerEnvironmentError) as exc:
        raise ReportInputError(f"--scheduler {scheduler}: {exc}") from None
    finally:
        if bar is not None:
            bar.close()
    return [
        _outcome(item[0], f"{type(r).__name__}: {' '.join(str(r).split())[:300]}")
        if isinstance(r, BaseException) else r
        for item, r in zip(items, results, strict=True)
    ]


def _progress(items: Iterable, show: bool, total: int | None = None) -> Iterable:
    if not show:
        return items
    from tqdm.auto import tqdm

    return tqdm(items, total=total, desc="notebooks", unit="notebook")


def _run_job(
    name: str,
    params: dict,
    effective: dict,
    notebook: str,
    job_dir: str,
    chromium: str | None,
    cell_bar: bool,
) -> dict:
    """Execute one notebook and export it; return a plain, picklable outcome."""
    folder = Path(job_dir)
    outcome: dict[str, Any] = {
        "job": name, "error": None, "summary": None, "pdf": False, "warnings": [],
        "write_error": None,
    }
    try:
        return _execute_and_export(name, params, effective, notebook, folder, chromium,
                                   cell_bar, outcome)
    except OSError as exc:  # disk full, permissions: a one-line message naming the file
        where = exc.filename or folder
        outcome["write_error"] = f"cannot write {where}: {exc.strerror or exc}"
        return outcome


def _tracked_kernel_manager(kernels: list[Any]) -> type:
    """nbclient's kernel manager class, each instance appended to ``kernels``.

    papermill shuts its kernel down once the notebook has started running, but a kernel
    interrupted while it starts (Ctrl-C, SIGTERM) is left running, in the job's folder
    that the interrupted batch is about to remove: :func:`_stop_kernels` stops it first.
    """
    from jupyter_client import AsyncKernelManager

    class TrackedKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            kernels.append(self)

    return TrackedKernelManager


def _stop_kernels(kernels: list[Any]) -> None:
    """Kill the kernels of ``kernels`` still running (none after a normal run)."""
    from jupyter_core.utils import run_sync

    for manager in kernels:
        if manager.has_kernel:
            try:
                run_sync(manager.shutdown_kernel)(now=True)
            except Exception:  # best effort: the batch is failing already
                pass


def _execute_and_export(name: str, params: dict, effective: dict, notebook: str,
                        folder: Path, chromium: str | None, cell_bar: bool,
                        outcome: dict[str, Any]) -> dict:
    import papermill
    from papermill.exceptions import PapermillExecutionError
    from traitlets.config import Config

    from scaling_models import notebook_io

    folder.mkdir(parents=True, exist_ok=True)
    executed = folder / Path(notebook).name
    kernels: list[Any] = []
    try:
        papermill.execute_notebook(
            notebook, str(executed), parameters=params, kernel_name=_KERNEL,
            progress_bar=cell_bar, log_output=False, cwd=str(folder),
            # the kernel runs on this machine: Unix sockets (IPC) rather than TCP on
            # localhost, so ipykernel has no unencrypted network socket to warn about
            config=Config({"KernelManager": {"transport": "ipc"}}),
            kernel_manager_class=_tracked_kernel_manager(kernels),
        )
    except PapermillExecutionError as exc:
        outcome["error"] = _describe_failure(executed, exc)
        return outcome
    except OSError as exc:
        if exc.errno in _WRITE_ERRNOS:
            raise  # the folder, not the notebook: a write error (exit 1, one line)
        outcome["error"] = f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}"
        return outcome
    except Exception as exc:  # kernel death, timeouts: report, never lose the folder
        outcome["error"] = f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}"
        return outcome
    finally:
        _stop_kernels(kernels)

    records = notebook_io.read_records(executed)
    # the parameters the notebook ran with, defaults included: the seed actually used
    summary = {
        "quarter": effective.get("quarter"),
        "seed": effective.get("seed"),
        "parameters": {k: v for k, v in sorted(effective.items())
                       if k not in _PATH_PARAMETERS},
        **records,
    }
    (folder / "summary.json").write_text(
        json.dumps(summary, indent=2, sort_keys=True, allow_nan=False) + "\n", encoding="utf-8"
    )
    outcome["summary"] = summary
    html = folder / "report.html"
    quarter = effective.get("quarter") or ""
    company = _company_name(effective.get("data_dir"))
    title = f"Quarterly scaling report {quarter}, {company}"
    export_html(executed, html, title=title,
                footer=f"{company} · Quarterly scaling report {quarter} · generated "
                       f"{generation_date().isoformat()}")
    if chromium:
        try:
            print_pdf(html, folder / "report.pdf", chromium=chromium)
            outcome["pdf"] = True
        except (OSError, subprocess.SubprocessError, RuntimeError) as exc:
            if isinstance(exc, OSError) and exc.errno in _WRITE_ERRNOS:
                raise
            outcome["warnings"].append(f"report.pdf not written: {exc}")
    return outcome


def generation_date() -> _dt.date:
    """The date a report says it was generated: today, or ``SOURCE_DATE_EPOCH`` when set.

    ``SOURCE_DATE_EPOCH`` (seconds since 1970-01-01 UTC) is the reproducible-builds
    convention: with it, two runs on different days give byte-identical HTML and PDF.
    A value that is not a whole number of seconds is refused with a message naming it.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return _dt.date.today()
    if not epoch.isdigit():
        raise ReportInputError(
            f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01; "
            f"got {epoch!r}")
    return _dt.datetime.fromtimestamp(int(epoch), tz=_dt.UTC).date()


def _company_name(data_dir: str | None) -> str:
    """The company a report is about, for its title and footer: the data folder's name,
    or "Sample company" for the bundled data (the data files hold no company name)."""
    if not data_dir or Path(data_dir).resolve() == __getattr__("DEFAULT_DATA_DIR").resolve():
        return "Sample company"
    return Path(data_dir).resolve().name

# errors of the output folder rather than of a notebook or of Chromium
_WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES,
                           errno.EPERM})

# machine-specific paths stay out of summary.json so that it is identical across machines
_PATH_PARAMETERS = ("data_dir", "previous_summary")


_PAPERMILL_TAGS = {"injected-parameters", "papermill-error-cell-tag"}


def _describe_failure(executed: Path, exc: Any) -> str:
    """Name the failing cell: its position in the source notebook (from 0), execution
    count, first line, and the error.

    The cell is found by its error output in the executed notebook; papermill's own
    ``cell_index`` counts the cells it inserted (parameters, error banners).
    """
    where = "a cell"
    try:
        import nbformat

        nb = nbformat.read(str(executed), as_version=4)
        # count cells as in the source notebook: papermill adds its own
        ours = [c for c in nb.cells
                if not set(c.metadata.get("tags", ())) & _PAPERMILL_TAGS]
        for index, cell in enumerate(ours):
            if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
                lines = cell.source.strip().splitlines()
                where = f"cell {index} of {executed.name}"
                if cell.get("execution_count") is not None:
                    where += f" (In [{cell.execution_count}])"
                if lines:
                    where += f" `{lines[0][:80]}`"
                break
    except Exception:  # the message must come out even if the notebook is unreadable
        pass
    evalue = " ".join(str(exc.evalue).split())
    return f"{where} raised {exc.ename}: {evalue}"


# --- exports -----------------------------------------------------------------------------

# lab template without the CDN scripts (require.js, MathJax, Mermaid, widgets): the report
# holds static figures only and must open offline on a board member's laptop. A Content
# Security Policy forbids every script, so nothing in an output can run when the report is
# opened or printed; images carry their description as alt text.
_TEMPLATE = r"""{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}
<meta http-equiv="Content-Security-Policy" content="script-src 'none'; object-src 'none'">
{%- endblock html_head_js -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{% block data_png scoped %}
{%- set alt = output | get_metadata('alt', 'image/png') -%}
{%- if alt is none -%}
{%- set alt = output.data.get('text/plain', '') -%}
{%- if alt.startswith('<') -%}{%- set alt = 'Figure' -%}{%- endif -%}
{%- endif -%}
{%- set width = output | get_metadata('width', 'image/png') -%}
<div class="jp-RenderedImage jp-OutputArea-output board-figure">
<img src="data:image/png;base64,{{ output.data['image/png'] | escape_html }}"
 alt="{{ alt | escape_html }}"
{%- if width is not none %} style="width: {{ width | int }}px"{% endif %}>
</div>
{%- endblock data_png %}
{% block notebook_css %}
{{ super() }}
<style>
  body { max-width: 1000px; margin: 0 auto; padding: 0 16px; }
  .jp-RenderedHTMLCommon { font-size: 15px; line-height: 1.45; }
  .jp-RenderedHTMLCommon table { font-size: 13px; table-layout: auto; margin: 0; }
  /* a wide table scrolls inside its box instead of widening the page */
  .jp-OutputArea-output { overflow-x: auto; max-width: 100%; }
  .board-figure img { max-width: 100%; height: auto; }
  /* on a wide screen figures use the column (they are drawn for it at 160 dpi); in
     print they keep the size they were drawn at, so their points are points */
  @media screen and (min-width: 800px) {
    .board-figure img { width: 100% !important; max-width: 900px; }
  }
  .board-footer { color: #555; font-size: 12px; margin: 2em 0 1em; }
  @media (max-width: 600px) {
    body { padding: 0 8px; }
    .jp-RenderedHTMLCommon { font-size: 16px; }
    .jp-RenderedHTMLCommon table { font-size: 13px; }
    .jp-Cell { padding: 2px 0; }
  }
  @page {
    size: A4;
    margin: 11mm 11mm 14mm 11mm;
    @bottom-left { content: {{ resources.board_footer }}; font-family: sans-serif;
                   font-size: 9pt; color: #555; }
    @bottom-right { content: counter(page) " / " counter(pages); font-family: sans-serif;
                    font-size: 9pt; color: #555; }
  }
  @media print {
    body { max-width: none; margin: 0; padding: 0; }
    .jp-Notebook, main, .jp-Cell, .jp-Cell-outputWrapper, .jp-OutputArea,
    .jp-Cell-inputWrapper { padding: 0 !important; margin: 0; }
    .jp-Cell { padding: 0; }
    .jp-RenderedHTMLCommon { font-size: 9.5pt; line-height: 1.3; padding: 0 !important;
                             width: auto !important; }
    .jp-RenderedHTMLCommon p, .jp-RenderedHTMLCommon ul { margin-bottom: 0.5em; }
    .jp-RenderedHTMLCommon h1 { font-size: 17pt; margin-top: 0; }
    .jp-RenderedHTMLCommon h2 { font-size: 13pt; margin-top: 0.9em; }
    .jp-RenderedHTMLCommon h3 { font-size: 11pt; margin-top: 0.7em; }
    .jp-RenderedHTMLCommon table { font-size: 9pt; }
    .jp-RenderedHTMLCommon td, .jp-RenderedHTMLCommon th { padding: 0.25em 0.4em; }
    .jp-OutputArea-output { overflow: visible; }
    /* the lab lays cells out as one-cell tables, which Chromium will not split between
       paragraphs: blocks let a long text flow across a page break */
    .jp-InputArea, .jp-OutputArea-child, .jp-RenderedMarkdown, .jp-OutputArea-output,
    .jp-InputPrompt, .jp-OutputPrompt { display: block; overflow: visible; }
    /* tables and figures never split; a heading stays with what follows it */
    table, tr, img, .board-figure { break-inside: avoid; }
    /* except a table too long for a page: it breaks between rows, its header repeated,
       rather than leaving a page empty before it */
    table:has(tbody > tr:nth-child(21)) { break-inside: auto; }
    /* the lab keeps every output whole; tables and figures keep themselves whole */
    .jp-OutputArea-child { break-inside: auto; }
    thead { display: table-header-group; }
    h1, h2, h3, h4 { break-after: avoid; }
    /* the last paragraph of a text introduces what follows: keep it on its page (the
       earlier paragraphs may stay behind, so a long introduction leaves no hole) */
    .jp-RenderedMarkdown > :last-child,
    .jp-OutputArea-child:has(.jp-RenderedMarkdown) { break-after: avoid; }
    /* but a section's introduction followed by a subsection may end a page */
    .jp-MarkdownCell:has(+ .jp-MarkdownCell) .jp-RenderedMarkdown > :last-child {
      break-after: auto; }
    .board-figure img { max-width: 100%; }
    .board-footer { display: none; }
  }
</style>
{% endblock notebook_css %}
{% block body_footer %}
<footer class="board-footer">{{ resources.board_footer_text | escape_html }}</footer>
{{ super() }}
{% endblock body_footer %}
"""


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal: anything but letters, digits and plain punctuation
    is written as a hex escape, so no text can close the string or the style sheet."""
    safe = set(" .,:;-_/()'")
    return '"' + "".join(c if c.isalnum() and c.isascii() or c in safe
                         else f"\\{ord(c):x} " for c in text) + '"'


def export_html(executed: str | os.PathLike[str], html: str | os.PathLike[str], *,
                title: str | None = None, footer: str | None = None) -> Path:
    """Export an executed notebook to a self-contained HTML file without code cells.

    Inputs and prompts are removed, images are embedded as data URIs with their alt text
    (the ``alt`` of the output's ``image/png`` metadata, as
    :class:`scaling_models.charts.DescribedFigure` writes it), and recorded values
    (:data:`scaling_models.notebook_io.MIME_TYPE`), stderr streams and code cells left
    without output are dropped. The page reads on a phone (tables scroll sideways inside
    their box, figures scale to the width) and prints on A4 with ``footer`` at the bottom
    left of every page and "page / pages" at the bottom right; tables and figures are
    never split across pages. No script can run in it (Content Security Policy).

    Parameters
    ----------
    executed : path
        The executed notebook.
    html : path
        Where to write the HTML.
    title : str, optional
        The document's title (browser tab, PDF metadata); default "Quarterly scaling
        report".
    footer : str, optional
        Text of the printed footer (company, quarter, date); default the title.
    """
    import jinja2
    import nbformat
    from nbconvert import HTMLExporter

    from scaling_models.notebook_io import MIME_TYPE

    title = title or "Quarterly scaling report"
    footer = footer or title
    for name, value in (("title", title), ("footer", footer)):
        if not isinstance(value, str):
            raise TypeError(f"{name} must be a str; got {type(value).__name__}")
    nb = nbformat.read(str(executed), as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            # recorded values are for summary.json; stderr (warnings) is for the analyst
            cell.outputs = [
                o for o in cell.outputs
                if MIME_TYPE not in o.get("data", {})
                and not (o.get("output_type") == "stream" and o.get("name") == "stderr")
            ]
    # code cells with no output left (imports, parameters) would print as blank boxes
    nb.cells = [c for c in nb.cells if c.cell_type != "code" or c.outputs]
    nb.metadata["title"] = title
    exporter = HTMLExporter(
        extra_loaders=[jinja2.DictLoader({"board.html.j2": _TEMPLATE})],
        template_file="board.html.j2",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    body, _ = exporter.from_notebook_node(
        nb, resources={"board_footer": _css_string(footer), "board_footer_text": footer})
    html = Path(html)
    html.write_text(body, encoding="utf-8")
    return html


def find_chromium() -> str | None:
    """Return the path of a Chromium/Chrome executable, or None."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def print_pdf(
    html: str | os.PathLike[str],
    pdf: str | os.PathLike[str],
    *,
    chromium: str | None = None,
    timeout: float = 120.0,
    run: Callable[..., subprocess.CompletedProcess] | None = None,
) -> Path:
    """Print ``html`` to an A4 ``pdf`` with headless Chromium, JavaScript disabled.

    With Playwright installed (and no event loop running in this thread, as in a
    notebook), Chromium is driven through it with JavaScript disabled in the page and the
    page size, margins and footer of the HTML's print style sheet
    (:func:`export_html`). Otherwise Chromium's ``--print-to-pdf`` is called (``run``
    replaces :func:`subprocess.run`, for tests); there the HTML's Content Security Policy
    is what keeps its scripts from running. The PDF's title is the HTML's ``<title>``.

    Raises
    ------
    RuntimeError
        If no Chromium is found or it did not write the file.
    """
    chromium = chromium or find_chromium()
    if chromium is None:
        raise RuntimeError(NO_CHROMIUM)
    html, pdf = Path(html).resolve(), Path(pdf).resolve()
    if run is None and _can_drive_playwright():
        _print_with_playwright(html, pdf, chromium, timeout)
    else:
        _print_with_cli(html, pdf, chromium, timeout, run or subprocess.run)
    if not pdf.is_file() or pdf.stat().st_size == 0:
        raise RuntimeError(f"chromium did not write {pdf}")
    return pdf


#: Why no PDF was printed, and how to get one (one line, for the command line).
NO_CHROMIUM = ("report.pdf not written: no Chromium found on PATH; install it (Debian/Ubuntu: "
               "apt-get install chromium) and run the report again")


def _can_drive_playwright() -> bool:
    import asyncio
    import importlib.util

    if importlib.util.find_spec("playwright") is None:
        return False
    try:  # the sync API refuses to run inside an event loop (a notebook's kernel)
        asyncio.get_running_loop()
    except RuntimeError:
        return True
    return False


def _print_with_playwright(html: Path, pdf: Path, chromium: str, timeout: float) -> None:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    ms = timeout * 1000
    try:
        with sync_playwright() as driver:
            browser = driver.chromium.launch(
                executable_path=chromium, timeout=ms,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                      "--disable-component-update"])
            try:
                page = browser.new_context(java_script_enabled=False).new_page()
                page.goto(html.as_uri(), wait_until="load", timeout=ms)
                page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
            finally:
                browser.close()
    except PlaywrightError as exc:
        detail = " ".join(str(exc).split())[:300]
        raise RuntimeError(f"chromium (through Playwright) could not print {pdf}: {detail}") \
            from None


def _print_with_cli(html: Path, pdf: Path, chromium: str, timeout: float,
                    run: Callable[..., subprocess.CompletedProcess]) -> None:
    # a private profile per call: parallel jobs would otherwise fight over the profile lock
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        result = run(
            [
                chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--no-pdf-header-footer", "--no-first-run",
                "--disable-background-networking", "--disable-component-update",
                f"--user-data-dir={profile}", f"--print-to-pdf={pdf}", html.as_uri(),
            ],
            capture_output=True, timeout=timeout, check=False,
        )
    if not pdf.is_file() or pdf.stat().st_size == 0:
        tail = (result.stderr or b"").decode(errors="replace").strip().splitlines()[-1:]
        raise RuntimeError(
            f"chromium exited with status {result.returncode} without writing {pdf}"
            + (f": {tail[0]}" if tail else "")
        )
