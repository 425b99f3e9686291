"""Fast tests of scaling_models.portfolio: the company listing, the summary rows and the
escaped HTML (the end-to-end runs are in test_scale_out.py)."""

import html
import os
import signal

import pandas as pd
import pytest

from scaling_models import batch, portfolio


def test_companies_are_the_visible_sub_folders_by_name(tmp_path):
    for name in ("zeta", "alpha", ".cache"):
        (tmp_path / name).mkdir()
    (tmp_path / "alpha" / "params.yaml").write_text("seed: 1\n")
    (tmp_path / "notes.txt").write_text("not a company")
    found = portfolio.companies(tmp_path)
    assert [name for name, _, _ in found] == ["alpha", "zeta"]
    assert found[0][2] == tmp_path / "alpha" / "params.yaml" and found[1][2] is None


@pytest.mark.parametrize("make, message", [(False, "no such folder"),
                                           (True, "no company sub-folder")])
def test_a_missing_or_empty_portfolio_is_bad_input(tmp_path, make, message):
    folder = tmp_path / "p"
    if make:
        folder.mkdir()
    with pytest.raises(batch.ReportInputError, match=message):
        portfolio.companies(folder)


def test_summary_row_reads_the_earliest_dates_and_the_plan_cost(tmp_path):
    summary = {
        "metrics_critical": 2,
        "trend_critical_month": {"cpu_avg": "2025-03", "db_utilisation_avg": "2024-11",
                                 "memory_avg": ""},
        "remedy_start_by": {"cpu": "now", "bandwidth": "2024-09", "memory": ""},
        "plan_total_cost": 125_000.0,
    }
    outcome = {"company": "acme", "status": "written", "error": "", "summary": summary,
               "report": str(tmp_path / "acme" / "2024-Q2")}
    row = portfolio.summary_row(outcome, tmp_path)
    # the earliest month of each mapping ('now' before any month, '' = not within horizon)
    assert (row["next_critical_month"], row["next_critical_metric"]) == ("2024-11",
                                                                        "db_utilisation_avg")
    assert (row["remedy_start_by"], row["remedy_resource"]) == ("now", "cpu")
    assert row["plan_cost"] == 125_000.0 and row["metrics_critical"] == 2
    assert row["report"] == "acme/2024-Q2"
    failed = portfolio.summary_row({"company": "b", "status": "failed", "error": "boom",
                                    "summary": None, "report": ""}, tmp_path)
    assert failed["next_critical_month"] == "" and failed["plan_cost"] is None


def test_the_summary_files_escape_company_text(tmp_path):
    rows = [portfolio.summary_row({"company": '<img src=x onerror="alert(1)">',
                                   "status": "failed", "error": "<script>x()</script> & co",
                                   "summary": None, "report": ""}, tmp_path),
            portfolio.summary_row({"company": "ok", "status": "written", "error": "",
                                   "summary": {"plan_total_cost": 10.0},
                                   "report": str(tmp_path / "ok" / "2024-Q2")}, tmp_path)]
    table = pd.DataFrame(rows, columns=list(portfolio.COLUMNS))
    csv, page = portfolio.write_summary(table, tmp_path, "2024-Q2")
    text = page.read_text()
    assert "<img" not in text and "<script>" not in text
    assert html.escape('<img src=x onerror="alert(1)">') in text
    assert html.escape("<script>x()</script> & co") in text
    assert '<a href="ok/2024-Q2/report.html">ok</a>' in text
    back = pd.read_csv(csv, keep_default_na=False)
    assert list(back["company"]) == ['<img src=x onerror="alert(1)">', "ok"]
    assert not list(tmp_path.glob(".portfolio.*"))  # no temporary file left


def _company_that_dies(name, quarter, options):
    """Stands in for one company's report (module level: spawned processes import it)."""
    if name == "beta":
        os.kill(os.getpid(), signal.SIGKILL)
    if name == "gamma":
        raise RuntimeError("disk\nfull")
    return {"company": name, "status": "written", "error": "", "summary": None,
            "report": ""}


def test_a_company_whose_process_dies_fails_alone_in_one_line(monkeypatch):
    monkeypatch.setattr(portfolio, "_company_report", _company_that_dies)
    items = [(name, "2024-Q2", {}) for name in ("alpha", "beta", "gamma", "delta")]
    outcomes = portfolio._run(items, jobs=2, progress=False, scheduler=None)
    assert [o["company"] for o in outcomes] == ["alpha", "beta", "gamma", "delta"]
    assert [o["status"] for o in outcomes] == ["written", "failed", "failed", "written"]
    assert outcomes[1]["error"] == ("its worker process died (killed by SIGKILL) before the "
                                    "report was written")
    assert outcomes[2]["error"] == "RuntimeError: disk full"
