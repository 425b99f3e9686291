"""Command line: ``python -m scaling_models report --quarter 2024-Q2``.

``--scheduler tcp://host:8786`` runs the notebooks as Dask tasks on that cluster;
``--portfolio DIR`` writes one report per company sub-folder and a portfolio summary
(exit 1 when a company's report failed).

Exit status (every failure is one line on stderr naming the file or parameter):

- 0 report written;
- 1 a notebook failed or its worker process died (the failed run is kept for debugging)
  or the report could not be written (disk full, permissions); earlier reports are
  untouched;
- 2 bad input (parameter, parameters file, data folder, last quarter's summary named in a
  parameters file, quarter, ``--out``), reported before anything runs;
- 3 the quarter's report exists and ``--force`` was not given, or another run is writing
  the same quarter into the same folder;
- 130 / 143 interrupted by Ctrl-C / SIGTERM: nothing replaced, temporary files removed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

__all__ = ["main", "build_parser"]


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``python -m scaling_models``."""
    parser = argparse.ArgumentParser(
        prog="python -m scaling_models",
        description="Capacity planning for a startup in hyper-growth.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    report = commands.add_parser(
        "report",
        help="run the board report notebook(s) and write reports/<quarter>/",
        description=(
            "Validate every input, run the board report notebook with papermill (one run "
            "per --params file, in parallel), and write the executed notebook(s), "
            "report.html, report.pdf (when Chromium is installed) and summary.json into "
            "OUT/QUARTER/ atomically."
        ),
    )
    report.add_argument("--quarter", required=True, help="reporting quarter, e.g. 2024-Q2")
    report.add_argument(
        "--params", action="append", default=[], metavar="FILE.yaml",
        help="YAML parameter overrides; repeat for several companies/scenarios (each runs "
        "in parallel into its own sub-folder named after the file)",
    )
    report.add_argument(
        "--data", metavar="DIR", help="company data folder (default: bundled data/)"
    )
    report.add_argument(
        "--out", metavar="DIR", default="reports", help="output folder (default: reports)"
    )
    report.add_argument("--seed", type=_integer("--seed"), help="random seed for every run")
    report.add_argument(
        "--force", action="store_true",
        help="replace an existing quarter (the old one is kept as QUARTER.backup-TIMESTAMP)",
    )
    report.add_argument("--jobs", type=_integer("--jobs"), help="parallel worker processes")
    report.add_argument(
        "--notebook", metavar="PATH", help="notebook to run (default: notebooks/board_report.ipynb)"
    )
    report.add_argument("--no-pdf", action="store_true", help="do not print report.pdf")
    report.add_argument(
        "--scheduler", metavar="ADDRESS",
        help="run the notebooks as Dask tasks on this cluster, e.g. tcp://host:8786 (the "
        "workers need scaling_models installed and the same paths); needs the dask extra",
    )
    report.add_argument(
        "--portfolio", metavar="DIR",
        help="one report per company sub-folder of DIR (its data files and optional "
        "params.yaml) into OUT/COMPANY/QUARTER/, plus OUT/portfolio.csv and portfolio.html",
    )
    return parser


def _integer(flag: str):
    def parse(text: str) -> int:
        try:
            return int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{flag} must be an integer; got {text!r}") from None

    return parse


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    from scaling_models import batch

    options = {}
    if args.notebook:
        options["notebook"] = args.notebook
    if args.scheduler:
        options["scheduler"] = args.scheduler
    if args.portfolio:
        return _portfolio(args, options)
    try:
        result = batch.build_report(
            args.quarter, params_files=args.params, data_dir=args.data, out_dir=args.out,
            seed=args.seed, force=args.force, jobs=args.jobs, pdf=not args.no_pdf, **options,
        )
    except batch.ReportInterrupted as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 128 + exc.signum
    except batch.ReportExistsError as exc:  # and ReportLockedError
        print(f"error: {exc}", file=sys.stderr)
        return 3
    except batch.ReportInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (batch.NotebookFailedError, batch.ReportWriteError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if result.backup_dir is not None:
        print(f"previous report kept in {result.backup_dir}")
    print(f"report written to {result.report_dir}")
    return 0


def _portfolio(args: argparse.Namespace, options: dict) -> int:
    """``report --portfolio DIR``: the exit statuses of one report; 1 also when any
    company's report failed (each is named on stderr)."""
    from scaling_models import batch, portfolio

    if args.params or args.data:
        print("error: --portfolio takes each company's data and params.yaml from its "
              "sub-folder; drop --params and --data", file=sys.stderr)
        return 2
    try:
        result = portfolio.build_portfolio(
            args.quarter, args.portfolio, out_dir=args.out, seed=args.seed, force=args.force,
            jobs=args.jobs, pdf=not args.no_pdf, **options)
    except batch.ReportInterrupted as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 128 + exc.signum
    except batch.ReportExistsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    except batch.ReportInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except batch.ReportWriteError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for _, row in result.table[result.table["status"] != "written"].iterrows():
        print(f"error: {row['company']}: {row['error']}", file=sys.stderr)
    print(f"portfolio summary written to {result.csv} and {result.html}")
    return 1 if result.failed else 0


if __name__ == "__main__":
    sys.exit(main())
