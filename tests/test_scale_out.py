"""The board report on a Dask cluster and the portfolio mode, end to end (slow).

Reference: the local run (worker processes here) with the same parameters and seed; the
cluster run must write the same ``summary.json`` bytes, with the same files, atomic
folders and exit statuses.
"""

import html
import json
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from scaling_models import batch, cluster, portfolio
from scaling_models.__main__ import main

pytest.importorskip("distributed", reason="the optional dask extra")
pytestmark = pytest.mark.slow

FAST = "n_paths: 200\n"
JOBS = {"steady": (0.05, 0.10), "hyper": (0.15, 0.20)}


def _params(folder: Path, name: str) -> Path:
    low, high = JOBS[name]
    path = folder / f"{name}.yaml"
    path.write_text(f"{FAST}growth_from_history: false\ngrowth_low: {low}\n"
                    f"growth_high: {high}\n")
    return path


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    """Two report jobs run locally (the reference of every comparison below)."""
    folder = tmp_path_factory.mktemp("local")
    files = [str(_params(folder, n)) for n in JOBS]
    out = folder / "out"
    batch.build_report("2024-Q2", params_files=files, out_dir=out, seed=3, jobs=2, pdf=False)
    return out / "2024-Q2"


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


def test_two_report_jobs_on_a_cluster_write_the_local_reports(dask_client, local, tmp_path):
    files = [str(_params(tmp_path, n)) for n in JOBS]
    out = tmp_path / "out"
    args = ["report", "--quarter", "2024-Q2", "--params", files[0], "--params", files[1],
            "--out", str(out), "--seed", "3", "--no-pdf",
            "--scheduler", dask_client.scheduler.address]
    assert main(args) == 0
    remote = out / "2024-Q2"
    assert _files(remote) == _files(local)
    for name in JOBS:
        assert (remote / name / "summary.json").read_bytes() == \
            (local / name / "summary.json").read_bytes()
    assert not list(out.glob(".*.tmp-*"))
    # the same refusal as a local run, before anything is sent to the cluster
    assert main(args) == 3


def test_a_notebook_failing_on_the_cluster_keeps_the_earlier_report(dask_client, tmp_path,
                                                                     capsys):
    nb = nbformat.read(batch.DEFAULT_NOTEBOOK, as_version=4)
    index = next(i for i, c in enumerate(nb.cells) if "board.build(" in c.source)
    nb.cells[index].source = "# the whole report\nraise RuntimeError('dashboard exploded')"
    broken = tmp_path / "board_report.ipynb"
    nbformat.write(nb, broken)
    out = tmp_path / "out"
    (out / "2024-Q2").mkdir(parents=True)
    (out / "2024-Q2" / "summary.json").write_text("{}\n")  # an earlier report
    params = tmp_path / "fast.yaml"
    params.write_text(FAST)
    code = main(["report", "--quarter", "2024-Q2", "--params", str(params), "--out", str(out),
                 "--force", "--notebook", str(broken), "--no-pdf",
                 "--scheduler", dask_client.scheduler.address])
    assert code == 1
    err = capsys.readouterr().err
    assert "raised RuntimeError: dashboard exploded" in err
    assert (out / "2024-Q2" / "summary.json").read_text() == "{}\n"
    failed = list(out.glob("2024-Q2.failed-*"))
    assert len(failed) == 1 and (failed[0] / "board_report.ipynb").is_file()
    assert not list(out.glob(".*.tmp-*")) and not list(out.glob("2024-Q2.backup-*"))


def test_an_unreachable_scheduler_exits_2_in_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", 1.0)
    params = tmp_path / "fast.yaml"
    params.write_text(FAST)
    out = tmp_path / "out"
    code = main(["report", "--quarter", "2024-Q2", "--params", str(params), "--out", str(out),
                 "--no-pdf", "--scheduler", "tcp://127.0.0.1:9"])
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: --scheduler tcp://127.0.0.1:9: no Dask scheduler answered")
    assert len(err.splitlines()) == 1
    assert not (out / "2024-Q2").exists() and not list(out.glob(".*"))


def _portfolio(root: Path, names: dict[str, str]) -> Path:
    """A portfolio folder: each company a copy of the bundled data and a params.yaml."""
    folder = root / "portfolio"
    for company, job in names.items():
        shutil.copytree(batch.DEFAULT_DATA_DIR, folder / company,
                        ignore=shutil.ignore_patterns("*.py", "*.md"))
        (folder / company / portfolio.PARAMS_FILE).write_text(_params(root, job).read_text())
    return folder


def test_a_portfolio_on_the_cluster_writes_each_company_and_the_summary(dask_client, local,
                                                                       tmp_path):
    # a company name with markup characters: data, escaped in the HTML
    names = {"<script>Acme & Co": "steady", "hyper": "hyper"}
    folder = _portfolio(tmp_path, names)
    out = tmp_path / "out"
    assert main(["report", "--quarter", "2024-Q2", "--portfolio", str(folder), "--out",
                 str(out), "--seed", "3", "--no-pdf",
                 "--scheduler", dask_client.scheduler.address]) == 0
    for company, job in names.items():
        # same data, parameters and seed as the local job: the same summary, byte for byte
        assert (out / company / "2024-Q2" / "summary.json").read_bytes() == \
            (local / job / "summary.json").read_bytes()
    table = pd.read_csv(out / "portfolio.csv", keep_default_na=False)
    assert list(table.columns) == list(portfolio.COLUMNS)
    assert sorted(table["company"]) == sorted(names)
    assert set(table["status"]) == {"written"}
    for _, row in table.iterrows():
        summary = json.loads((out / row["report"] / "summary.json").read_text())
        # the earliest trend crossing of the summary ('now' before any month)
        months = {k: v for k, v in summary["trend_critical_month"].items() if v}
        expected = min(months.values(), key=lambda v: "" if v == "now" else v) if months else ""
        assert row["next_critical_month"] == expected
        assert row["metrics_critical"] == summary["metrics_critical"]
    page = (out / "portfolio.html").read_text()
    assert "<script>" not in page and html.escape("<script>Acme & Co") in page


def test_a_portfolio_runs_locally_and_names_a_bad_company_before_running(local, tmp_path,
                                                                        capsys):
    folder = _portfolio(tmp_path, {"steady": "steady"})
    out = tmp_path / "out"
    result = portfolio.build_portfolio("2024-Q2", folder, out_dir=out, seed=3, pdf=False)
    assert result.failed == ()
    assert (out / "steady" / "2024-Q2" / "summary.json").read_bytes() == \
        (local / "steady" / "summary.json").read_bytes()
    assert (out / "portfolio.csv").is_file() and (out / "portfolio.html").is_file()
    # the same quarter again: refused (exit 3) naming the company; a broken company is
    # named (exit 2) before anything runs
    assert main(["report", "--quarter", "2024-Q2", "--portfolio", str(folder), "--out",
                 str(out), "--no-pdf"]) == 3
    assert "steady" in capsys.readouterr().err
    (folder / "broken").mkdir()
    (folder / "broken" / "params.yaml").write_text("n_paths: -5\n")
    shutil.copytree(folder / "steady", folder / "broken", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("params.yaml"))
    assert main(["report", "--quarter", "2024-Q2", "--portfolio", str(folder), "--out",
                 str(tmp_path / "other"), "--no-pdf"]) == 2
    err = capsys.readouterr().err
    assert "company 'broken'" in err and "n_paths" in err
    assert not (tmp_path / "other" / "steady").exists()
