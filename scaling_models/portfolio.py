"""The board report for a portfolio of companies, and the portfolio's one-page summary.

A portfolio folder holds one sub-folder per company, each with the company's five data
files (:data:`scaling_models.batch.DATA_FILES`) and optionally a ``params.yaml`` of
report parameters. :func:`build_portfolio` checks every company's inputs before any
notebook runs, then writes each company's quarter with
:func:`scaling_models.batch.build_report` into ``<out>/<company>/<quarter>/`` (atomic,
with backups under ``force``, exactly as for one company), on local worker processes or
as Dask tasks on a cluster (one task per company), and writes ``portfolio.csv`` and
``portfolio.html`` into ``<out>``: each company's status, the next month a capacity
metric's trend turns critical, the latest month to start a remedy, and the plan cost
when the company's ``summary.json`` has one.

Company folder names and texts are data: the HTML escapes them.
"""

from __future__ import annotations

import html
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from scaling_models import batch

__all__ = [
    "PARAMS_FILE",
    "COLUMNS",
    "PortfolioResult",
    "companies",
    "build_portfolio",
    "summary_row",
    "write_summary",
]

#: A company's optional parameters file, in its folder.
PARAMS_FILE = "params.yaml"
#: Columns of ``portfolio.csv``, in order.
COLUMNS: tuple[str, ...] = (
    "company", "status", "report", "metrics_critical", "next_critical_month",
    "next_critical_metric", "remedy_start_by", "remedy_resource", "plan_cost", "error",
)


@dataclass(frozen=True, kw_only=True)
class PortfolioResult:
    """What :func:`build_portfolio` wrote: the summary table (``COLUMNS``), its files,
    and the companies whose report failed."""

    table: pd.DataFrame
    csv: Path
    html: Path
    failed: tuple[str, ...]


def companies(portfolio_dir: str | os.PathLike[str]) -> list[tuple[str, Path, Path | None]]:
    """The portfolio's companies: ``(name, data folder, params file or None)``, by name.

    Every visible sub-folder is a company; hidden ones (``.name``) are skipped.

    Raises
    ------
    batch.ReportInputError
        No such folder, or no company in it.
    """
    folder = Path(portfolio_dir)
    if not folder.is_dir():
        raise batch.ReportInputError(f"--portfolio {folder}: no such folder")
    found = []
    for sub in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
        params = sub / PARAMS_FILE
        found.append((sub.name, sub.resolve(), params if params.is_file() else None))
    if not found:
        raise batch.ReportInputError(
            f"--portfolio {folder}: no company sub-folder (each holds one company's "
            f"{', '.join(batch.DATA_FILES)} and optionally {PARAMS_FILE})")
    return found


def _company_report(name: str, quarter: str, options: dict) -> dict:
    """One company's report with :func:`batch.build_report` (a process or Dask task);
    returns a plain, picklable outcome: the status, the summary or the error."""
    try:
        result = batch.build_report(quarter, **options)
    except batch.NotebookFailedError as exc:
        return {"company": name, "status": "failed", "error": str(exc), "summary": None,
                "report": str(exc.failed_dir)}
    except (batch.ReportInputError, batch.ReportWriteError) as exc:
        # changed since it was checked (exists, locked by another run, data), or the
        # output folder failed (full, read-only)
        return {"company": name, "status": "failed", "error": str(exc), "summary": None,
                "report": ""}
    summary = next(iter(result.summaries.values()), None) if len(result.summaries) == 1 \
        else None
    return {"company": name, "status": "written", "error": "", "summary": summary,
            "report": str(result.report_dir)}


def _failed(item: tuple, error: str) -> dict:
    """The outcome of a company whose report process raised or died (``item`` its
    :func:`_company_report` arguments)."""
    return {"company": item[0], "status": "failed", "error": error, "summary": None,
            "report": ""}


def build_portfolio(
    quarter: str,
    portfolio_dir: str | os.PathLike[str],
    *,
    out_dir: str | os.PathLike[str] = "reports",
    seed: int | None = None,
    force: bool = False,
    jobs: int | None = None,
    notebook: str | os.PathLike[str] = batch.DEFAULT_NOTEBOOK,
    progress: bool | None = None,
    pdf: bool = True,
    scheduler: Any = None,
) -> PortfolioResult:
    """Write every company's report for ``quarter`` and the portfolio summary.

    Parameters
    ----------
    quarter : str
        Reporting quarter, ``YYYY-Qn``.
    portfolio_dir : path
        One sub-folder per company (its data files and optional ``params.yaml``).
    out_dir : path
        Reports go to ``<out_dir>/<company>/<quarter>/``; ``portfolio.csv`` and
        ``portfolio.html`` to ``<out_dir>``.
    seed, force, notebook, pdf
        As for :func:`batch.build_report`, for every company.
    jobs : int, optional
        Companies run at once on local processes (default: the CPU count).
    progress : bool, optional
        A bar counting companies (default: when stderr is a terminal).
    scheduler : None, str or dask.distributed.Client
        None: local processes. Otherwise one Dask task per company (an address
        ``"tcp://host:8786"``, a Client or ``"processes"``); the workers need
        scaling_models and the same paths (see :func:`batch.build_report`).

    Raises
    ------
    batch.ReportInputError
        A bad company folder or parameters file (named), before anything runs; an
        unreachable scheduler or workers without scaling_models.
    batch.ReportExistsError
        A company's quarter exists and ``force`` is false (all are named).
    """
    out_dir = Path(out_dir)
    found = companies(portfolio_dir)
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
        raise batch.ReportInputError(f"--jobs must be an integer >= 1; got {jobs!r}")
    items = []
    for name, data_dir, params in found:
        options = {"params_files": [str(params)] if params else [], "data_dir": str(data_dir),
                   "out_dir": str((out_dir / name).resolve()), "seed": seed, "force": force,
                   "jobs": 1, "notebook": str(Path(notebook).resolve()), "progress": False,
                   "pdf": pdf}
        try:  # every company is checked before any notebook runs
            batch.plan_jobs(quarter, **{k: options[k] for k in (
                "params_files", "data_dir", "out_dir", "seed", "notebook")})
        except batch.ReportInputError as exc:
            raise batch.ReportInputError(f"company {name!r}: {exc}") from None
        items.append((name, quarter, options))
    existing = [name for name, _, _ in found if (out_dir / name / quarter).exists()]
    if existing and not force:
        raise batch.ReportExistsError(
            f"{quarter} already exists for {', '.join(existing)} in {out_dir}; pass --force "
            f"to replace (the old ones are kept as timestamped backups)")
    if progress is None:
        progress = sys.stderr.isatty()
    outcomes = _run(items, jobs, progress, scheduler)
    table = pd.DataFrame([summary_row(o, out_dir) for o in outcomes], columns=list(COLUMNS))
    csv, page = write_summary(table, out_dir, quarter)
    failed = tuple(table.loc[table["status"] != "written", "company"])
    return PortfolioResult(table=table, csv=csv, html=page, failed=failed)


def _run(items: list[tuple], jobs: int | None, progress: bool, scheduler: Any) -> list[dict]:
    """Each company's :func:`_company_report`, on the Dask cluster or in local processes
    (one process per company, so one that dies fails its company only)."""
    if scheduler is None:
        workers = min(jobs or os.cpu_count() or 1, len(items))
        return batch.run_in_processes(_company_report, items, workers, failed=_failed,
                                      desc="companies", progress=progress)
    from scaling_models import cluster

    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(items), desc="companies", unit="company")
    try:
        cluster.check_scheduler(scheduler)
        return cluster.run_tasks(
            _company_report, items, scheduler=scheduler, name="portfolio-company",
            on_done=None if bar is None else lambda _: bar.update())
    except (ValueError, TypeError, cluster.SchedulerUnreachableError,
            cluster.WorkerEnvironmentError) as exc:
        raise batch.ReportInputError(f"--scheduler {scheduler}: {exc}") from None
    finally:
        if bar is not None:
            bar.close()


def _earliest(mapping: Any) -> tuple[str, str]:
    """``(month, key)`` of the earliest month of ``{key: "YYYY-MM" | "now" | ""}``
    ('now' first, '' = not within the horizon); ``("", "")`` when none."""
    if not isinstance(mapping, dict):
        return "", ""
    dated = [(("0000-00" if v == "now" else v), k) for k, v in mapping.items()
             if isinstance(v, str) and v]
    if not dated:
        return "", ""
    month, key = min(dated)
    return ("now" if month == "0000-00" else month), key


def summary_row(outcome: dict, out_dir: str | os.PathLike[str]) -> dict:
    """One company's row of ``portfolio.csv`` from its report outcome and summary.json.

    ``next_critical_month`` is the earliest month a capacity metric's trend crosses its
    critical line (``trend_critical_month``: 'now' when already crossed), with that
    metric; ``remedy_start_by`` the earliest latest-start month of a resource's remedy
    (``remedy_start_by``); ``plan_cost`` the summary's ``plan_total_cost`` when it has one.
    """
    summary = outcome.get("summary") or {}
    month, metric = _earliest(summary.get("trend_critical_month"))
    start, resource = _earliest(summary.get("remedy_start_by"))
    report = outcome.get("report") or ""
    if report:
        report = os.path.relpath(report, Path(out_dir).resolve())
    return {
        "company": outcome["company"], "status": outcome["status"], "report": report,
        "metrics_critical": summary.get("metrics_critical"),
        "next_critical_month": month, "next_critical_metric": metric,
        "remedy_start_by": start, "remedy_resource": resource,
        "plan_cost": summary.get("plan_total_cost"), "error": outcome.get("error") or "",
    }


def _write_atomic(path: Path, text: str) -> None:
    # written beside, then renamed: a reader never sees half a file
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float):
        return f"{value:,.0f}"
    return html.escape(str(value))


def write_summary(table: pd.DataFrame, out_dir: str | os.PathLike[str],
                  quarter: str) -> tuple[Path, Path]:
    """Write ``portfolio.csv`` and ``portfolio.html`` into ``out_dir`` (atomically).

    The HTML is one escaped table (company names and error texts are data, never
    markup), a report link per company, failures first.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    csv, page = out / "portfolio.csv", out / "portfolio.html"
    _write_atomic(csv, table.to_csv(index=False))
    order = table.assign(_failed=table["status"] != "written").sort_values(
        ["_failed", "company"], ascending=[False, True], kind="stable")
    heads = ["company", "status", "critical metrics", "next critical", "start remedy by",
             "plan cost", "error"]
    rows = []
    for _, r in order.iterrows():
        link = _cell(r["company"])
        if r["status"] == "written" and r["report"]:
            target = html.escape(Path(r["report"], "report.html").as_posix(), quote=True)
            link = f'<a href="{target}">{link}</a>'
        critical = " ".join(x for x in (_cell(r["next_critical_month"]),
                                        _cell(r["next_critical_metric"])) if x)
        remedy = " ".join(x for x in (_cell(r["remedy_start_by"]),
                                      _cell(r["remedy_resource"])) if x)
        cells = [link, _cell(r["status"]), _cell(r["metrics_critical"]), critical, remedy,
                 _cell(r["plan_cost"]), _cell(r["error"])]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    title = f"Portfolio, {html.escape(quarter)}"
    body = (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{title}</title><style>body{{font-family:sans-serif;margin:2em}}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;"
        "text-align:left}</style></head><body>\n"
        f"<h1>{title}</h1>\n<p>{len(table)} companies, "
        f"{int((table['status'] == 'written').sum())} reports written.</p>\n<table>"
        "<thead><tr>" + "".join(f"<th>{h}</th>" for h in heads) + "</tr></thead><tbody>\n"
        + "\n".join(rows) + "\n</tbody></table></body></html>\n")
    _write_atomic(page, body)
    return csv, page
