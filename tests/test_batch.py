"""End-to-end tests of `python -m scaling_models report` (papermill, nbconvert, chromium)."""

import json
import re
import shutil

import nbformat
import papermill
import pytest

from scaling_models import batch, report
from scaling_models.__main__ import main

pytestmark = pytest.mark.slow

FAST = "n_paths: 200\n"


@pytest.fixture(scope="module")
def params(tmp_path_factory):
    path = tmp_path_factory.mktemp("params") / "fast.yaml"
    path.write_text(FAST)
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory, params):
    """Reports for 2024-Q1 then 2024-Q2 in one folder (Q2 compares itself with Q1).

    One end-to-end run per quarter, shared by the tests below: Q1 without --seed (the
    notebook's default seed) and without PDF, Q2 with --seed 7 and the PDF.
    """
    out = tmp_path_factory.mktemp("reports")
    assert main(["report", "--quarter", "2024-Q1", "--params", str(params), "--out", str(out),
                 "--no-pdf"]) == 0
    assert main(["report", "--quarter", "2024-Q2", "--params", str(params), "--out", str(out),
                 "--seed", "7"]) == 0
    return out


SECTIONS = ("What breaks when, and what to do", "Actions required, ranked by when to act",
            "At a glance", "How to read this report", "The plan: what to do",
            "Growth achieved", "Scaling dashboard", "Capacity forecast",
            "What the history itself says", "Early-warning signals",
            "Trend of each capacity metric", "Hiring plan", "Technical debt",
            "Growth scenarios", "Investments required", "What changed since last quarter",
            "Appendix A. Technical details", "Trend cross-check",
            "The model against the measurements", "Appendix B. Assumptions of this run")


def test_report_files(built):
    folder = built / "2024-Q2"
    assert {p.name for p in folder.iterdir()} >= {"board_report.ipynb", "report.html",
                                                  "summary.json"}
    if batch.find_chromium():
        assert (folder / "report.pdf").read_bytes()[:5] == b"%PDF-"
    assert not (built / "2024-Q1" / "report.pdf").exists()  # --no-pdf
    assert not list(built.glob(".*.tmp-*"))  # temporary folders renamed away


def test_html_has_no_code_and_embeds_images(built):
    html = (built / "2024-Q2" / "report.html").read_text()
    for code in ("parameters.check(", "import json", "report.status_dashboard(",
                 "record(key, value)"):
        assert code not in html
    for section in SECTIONS:
        assert section in html, section
    assert "data:image/png;base64" in html
    assert "cdnjs" not in html and notebook_io_mime() not in html
    assert "Traceback" not in html and "Warning" not in html


def test_html_title_and_alt_text(built):
    html = (built / "2024-Q2" / "report.html").read_text()
    assert "<title>Quarterly scaling report 2024-Q2, Sample company</title>" in html
    alts = re.findall(r'<img [^>]*alt="([^"]+)"', html)
    # the growth, utilisation, team, remedy-plan and cost figures, each described in words
    assert len(alts) == len(re.findall(r"<img ", html)) == 5
    assert any(alt.startswith("Average utilisation of each resource") for alt in alts)
    assert any(alt.startswith("Share of simulated futures in which each resource has been "
                              "critical") for alt in alts)
    assert "No description has been provided" not in html


@pytest.mark.skipif(not batch.find_chromium(), reason="needs Chromium")
def test_pdf_is_a_board_document(built):
    from pypdf import PdfReader

    # read before test_refuses_to_overwrite... replaces the quarter without a PDF
    reader = PdfReader(built / "2024-Q2" / "report.pdf")
    n = len(reader.pages)
    # at most 10 A4 pages with last quarter's comparison, the longest case (measured at
    # 10 000 paths: 9 for 2024-Q1 alone, 10 for 2024-Q2 with the comparison)
    assert n <= 10
    assert reader.metadata.title == "Quarterly scaling report 2024-Q2, Sample company"
    for number, page in enumerate(reader.pages, start=1):
        text = " ".join(page.extract_text().split())
        assert re.search(rf"(?<!\d){number} / {n}(?!\d)", text)
        assert "Sample company · Quarterly scaling report 2024-Q2 · generated " in text
    # every text at least 9 pt on paper: the font size times the text and page matrices'
    # vertical scale (Chromium shrinks a page whose content is wider than A4 allows; that
    # would show here too)
    sizes = []
    for page in reader.pages:
        page.extract_text(visitor_text=lambda text, cm, tm, font, size: sizes.append(
            abs(size * tm[3] * cm[3])) if text.strip() else None)
    assert min(sizes) == pytest.approx(9.0, abs=0.01)


@pytest.mark.skipif(not batch.find_chromium() or not shutil.which("pdftotext"),
                    reason="needs Chromium and poppler-utils")
def test_pdf_tables_fit_the_page_width(built):
    # Chromium clips what is wider than the page: a table too wide for A4 loses its last
    # column. Every word must end inside the right margin (11 mm of 595 pt, 1.5 pt of
    # tolerance for the glyphs' side bearings).
    import subprocess

    pdf = built / "2024-Q2" / "report.pdf"
    layout = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                            text=True, check=True).stdout
    words = re.findall(r'<page width="([\d.]+)"|<word xMin="[\d.]+" yMin="[\d.]+" '
                       r'xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', layout)
    width, outside = 0.0, []
    for page_width, right, text in words:
        if page_width:
            width = float(page_width)
        elif float(right) > width - 11 / 25.4 * 72 + 1.5:
            outside.append((text, right))
    assert width and not outside, outside


def test_no_chromium_says_so_in_one_line_and_still_writes_the_report(params, tmp_path,
                                                                     capfd, monkeypatch):
    monkeypatch.setattr(batch, "find_chromium", lambda: None)
    assert main(["report", "--quarter", "2024-Q2", "--params", str(params), "--out",
                 str(tmp_path)]) == 0
    # capfd: the kernel's own output too (a TCP kernel warned of unencrypted sockets on
    # every run): our one warning is all a user sees
    warnings = capfd.readouterr().err.splitlines()
    assert warnings == [f"warning: {batch.NO_CHROMIUM}"]
    assert "apt-get install chromium" in warnings[0]
    folder = tmp_path / "2024-Q2"
    assert {p.name for p in folder.iterdir()} >= {"report.html", "summary.json"}
    assert not (folder / "report.pdf").exists()


def test_html_tables_are_formatted_for_people(built):
    html = (built / "2024-Q2" / "report.html").read_text()
    cells = re.findall(r"<t[dh][^>]*>([^<]*)</t[dh]>", html)
    assert len(cells) > 200
    # no raw floats: 4+ decimals and 4+ significant digits (a slope of 0.0193 s is formatted)
    assert not [c for c in cells for n in re.findall(r"\d+\.(\d{4,})", c)
                if len(n.lstrip("0")) >= 4]
    headers = re.findall(r"<th[^>]*>([^<]*)</th>", html)
    assert not [h for h in headers if re.search(r"[a-z]_[a-z]", h)]  # headers in words
    assert "Storage usage" in html and "not measured" in html  # every threshold metric
    # the history's own view: every signal with a verdict, every capacity metric's trend
    # beside the simulation's median month
    for label in report.SIGNAL_LABELS.values():
        assert label in html, label
    for label in ("CPU", "Memory", "Database", "Bandwidth", "DB pool in use",
                  "P95 response time"):
        assert f">{label}</td>" in html, label
    assert "Critical (simulation)" in html and "not simulated" in html


def test_deltas_section_compares_with_last_quarter(built):
    q2 = (built / "2024-Q2" / "report.html").read_text()
    assert "Compared with the 2024-Q1 report" in q2
    q1_summary = json.loads((built / "2024-Q1" / "summary.json").read_text())
    q2_summary = json.loads((built / "2024-Q2" / "summary.json").read_text())
    rate = (q2_summary["mau"] / q1_summary["mau"]) ** (1 / 3) - 1
    assert f"{report.percent(rate, 1)} a month on average over 3 months" in q2
    assert "now critical: Database" in q2  # what changed on the dashboard, and why
    q1 = (built / "2024-Q1" / "report.html").read_text()
    assert "nothing to compare with" in q1 and "Compared with" not in q1


def notebook_io_mime():
    from scaling_models.notebook_io import MIME_TYPE

    return MIME_TYPE


def test_summary_keys_and_values(built):
    summary = json.loads((built / "2024-Q2" / "summary.json").read_text())
    headline = set(summary) - {"quarter", "seed", "parameters"}
    assert headline <= set(report.SUMMARY_KEYS)
    assert {"mau", "revenue", "p_critical_next_quarter", "remedy_start_by",
            "scenario_probabilities", "investment_total", "dashboard_status",
            "signals_detected", "trend_critical_month"} <= headline
    assert summary["quarter"] == "2024-Q2" and summary["month"] == "2024-06"
    assert summary["seed"] == 7 and summary["parameters"]["n_paths"] == 200
    assert 40_000 < summary["mau"] < 60_000  # docs/domain.md section 1: ~50 K MAU
    for probability in summary["p_critical_next_quarter"].values():
        assert 0 <= probability <= 1
    q1 = json.loads((built / "2024-Q1" / "summary.json").read_text())
    assert q1["month"] == "2024-03" and q1["mau"] < summary["mau"]
    # the history as of 2024-06: CPU's trend crosses 90 % in 2024-08, the database is past
    # its line (trends.capacity_forecasts on the bundled data)
    assert summary["trend_critical_month"]["cpu"] == "2024-08"
    assert summary["trend_critical_month"]["db_utilisation"] == "now"
    assert set(summary["signals_detected"]) == {"deployment_frequency_falling",
                                                "code_review_time_rising"}


def test_summary_records_the_seed_actually_used(built):
    # no --seed and no seed in the parameters file: the notebook's own default ran
    declared = papermill.inspect_notebook(str(batch.DEFAULT_NOTEBOOK))
    default_seed = int(declared["seed"]["default"].replace("_", ""))
    q1 = json.loads((built / "2024-Q1" / "summary.json").read_text())
    assert q1["seed"] == default_seed == q1["parameters"]["seed"]
    # every parameter the notebook ran with is recorded, paths left out
    assert set(q1["parameters"]) == set(declared) - {"data_dir", "previous_summary"}
    assert q1["parameters"]["n_paths"] == 200  # from the parameters file


def test_refuses_to_overwrite_then_force_keeps_backup_and_reproduces(built, params, capsys):
    before = (built / "2024-Q2" / "summary.json").read_bytes()
    (built / "2024-Q2" / "marker.txt").write_text("the report of the first run")
    assert main(["report", "--quarter", "2024-Q2", "--params", str(params), "--out",
                 str(built), "--seed", "7"]) == 3
    assert "already exists; pass --force" in capsys.readouterr().err
    assert (built / "2024-Q2" / "marker.txt").is_file()  # untouched
    assert main(["report", "--quarter", "2024-Q2", "--params", str(params), "--out",
                 str(built), "--seed", "7", "--force", "--no-pdf"]) == 0
    backups = list(built.glob("2024-Q2.backup-*"))
    assert len(backups) == 1 and (backups[0] / "marker.txt").is_file()
    assert not (built / "2024-Q2" / "marker.txt").exists()  # a new report, not a patch
    assert f"previous report kept in {backups[0]}" in capsys.readouterr().out
    # same data, parameters and seed: the same summary.json, byte for byte
    assert (backups[0] / "summary.json").read_bytes() == before
    assert (built / "2024-Q2" / "summary.json").read_bytes() == before


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("n_paths: eight\n", "n_paths .*must be an integer .*got 'eight'"),
        ("growth_low: true\n", "growth_low .*got True"),
        ("n_path: 200\n", "unknown parameter 'n_path'; did you mean n_paths"),
        ("quarter: 2024-Q1\n", "quarter is set by --quarter"),
        ("seed: [1\n", "not valid YAML"),
        ("- 1\n", "must be a mapping"),
    ],
)
def test_bad_parameters_file_exits_2_before_running(tmp_path, capsys, text, message):
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    out = tmp_path / "out"
    assert main(["report", "--quarter", "2024-Q2", "--params", str(bad), "--out",
                 str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --params") and len(err.strip().splitlines()) == 1
    assert re.search(message, err), err
    assert not out.exists()  # nothing ran, nothing was written


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--quarter", "2024Q2"], "--quarter must look like 2024-Q2"),
        (["--quarter", "2031-Q1"], "no row for 2031-01, 2031-02, 2031-03"),
        (["--quarter", "2024-Q2", "--data", "/nonexistent"], "no such folder"),
        (["--quarter", "2024-Q2", "--params", "/nonexistent.yaml"], "no such file"),
        (["--quarter", "2024-Q2", "--seed", "-1"], "seed .*got -1"),
    ],
)
def test_bad_command_line_exits_2(tmp_path, capsys, args, message):
    assert main(["report", *args, "--out", str(tmp_path / "out")]) == 2
    assert re.search(message, capsys.readouterr().err)


def test_bad_data_file_exits_2(tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(batch.DEFAULT_DATA_DIR, data)
    history = data / "company_history.csv"
    history.write_text(history.read_text().replace(",0.711,", ",71.1,", 1))
    assert main(["report", "--quarter", "2024-Q2", "--data", str(data), "--out",
                 str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "company_history.csv" in err and "cpu_avg" in err


def test_bad_levers_file_exits_2_and_levers_are_optional(tmp_path, capsys):
    # a data folder's own levers.yaml is read with the other files: a bad one stops the
    # pre-check; without one the default catalogue is used and the pre-check passes
    data = tmp_path / "data"
    shutil.copytree(batch.DEFAULT_DATA_DIR, data)
    levers = data / "levers.yaml"
    levers.write_text(levers.read_text().replace("one_off_cost: 45000", "one_off_cost: -1"))
    assert main(["report", "--quarter", "2024-Q2", "--data", str(data), "--out",
                 str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "levers.yaml" in err and "'db_sharding'" in err and "'one_off_cost'" in err
    assert len(err.strip().splitlines()) == 1 and not (tmp_path / "out").exists()
    levers.unlink()
    batch.check_data_dir(data, "2024-Q2")  # no error: levers.yaml is optional
    (data / "thresholds.csv").unlink()
    with pytest.raises(batch.ReportInputError, match="missing thresholds.csv .*optionally "
                                                     "levers.yaml"):
        batch.check_data_dir(data, "2024-Q2")


def test_failing_notebook_keeps_earlier_report_and_failed_run(built, params, tmp_path,
                                                               capsys):
    nb = nbformat.read(batch.DEFAULT_NOTEBOOK, as_version=4)
    index = next(i for i, c in enumerate(nb.cells) if "present_dashboard(" in c.source)
    nb.cells[index].source = "# the dashboard\nraise RuntimeError('dashboard exploded')"
    broken = tmp_path / "board_report.ipynb"
    nbformat.write(nb, broken)
    before = {p.name: p.read_bytes() for p in (built / "2024-Q1").iterdir()}
    code = main(["report", "--quarter", "2024-Q1", "--params", str(params), "--out",
                 str(built), "--force", "--notebook", str(broken), "--no-pdf"])
    assert code == 1
    err = capsys.readouterr().err
    # the message names the cell: its index in the notebook, its prompt and first line
    assert f"cell {index} of board_report.ipynb (In [" in err
    assert "`# the dashboard` raised RuntimeError: dashboard exploded" in err
    assert len(err.strip().splitlines()) == 1
    # the earlier report is intact, and --force made no backup of it
    assert {p.name: p.read_bytes() for p in (built / "2024-Q1").iterdir()} == before
    assert not list(built.glob("2024-Q1.backup-*"))
    # the failed executed notebook is kept, with the error in the cell the message names
    failed = list(built.glob("2024-Q1.failed-*"))
    assert len(failed) == 1 and str(failed[0] / "board_report.ipynb") in err
    executed = nbformat.read(failed[0] / "board_report.ipynb", as_version=4)
    errors = [c for c in executed.cells
              if any(o.get("output_type") == "error" for o in c.get("outputs", []))]
    assert len(errors) == 1 and "dashboard exploded" in errors[0].source
    assert not (failed[0] / "summary.json").exists() and not list(built.glob(".*.tmp-*"))


def test_several_params_files_run_in_parallel_subfolders(tmp_path):
    files = []
    for name, rate in (("slow", "0.05"), ("fast", "0.15")):
        path = tmp_path / f"{name}.yaml"
        path.write_text(f"{FAST}growth_from_history: false\ngrowth_low: {rate}\n"
                        f"growth_high: {float(rate) + 0.05}\n")
        files.append(str(path))
    out = tmp_path / "out"
    result = batch.build_report("2024-Q2", params_files=files, out_dir=out, seed=1, jobs=2,
                                pdf=False)
    assert set(result.summaries) == {"slow", "fast"}
    slow, fast = (json.loads((out / "2024-Q2" / n / "summary.json").read_text())
                  for n in ("slow", "fast"))
    assert (slow["p_critical_4_quarters"]["bandwidth"]
            < fast["p_critical_4_quarters"]["bandwidth"])


def test_quarter_helpers():
    assert batch.previous_quarter("2024-Q1") == "2023-Q4"
    assert batch.quarter_months("2024-Q2") == ["2024-04", "2024-05", "2024-06"]


def test_print_pdf_reports_chromium_failure(tmp_path):
    html = tmp_path / "r.html"
    html.write_text("<p>x</p>")

    def fake_run(*args, **kwargs):
        import subprocess

        return subprocess.CompletedProcess(args, 1, b"", b"boom")

    with pytest.raises(RuntimeError, match="status 1 without writing .*boom"):
        batch.print_pdf(html, tmp_path / "r.pdf", chromium="/bin/false", run=fake_run)


def test_a_notebook_that_kills_its_worker_fails_in_one_line_naming_the_run(tmp_path,
                                                                             capsys):
    # With --jobs each notebook's kernel is a child of its worker process; the notebook of
    # b.yaml kills that worker outright (SIGKILL: no exception, no outcome sent back).
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("seed = 0\nn_paths = 1000\nquarter = None\ndata_dir = None",
                                  metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("import os, signal\nif seed == 13:\n"
                                  "    os.kill(os.getppid(), signal.SIGKILL)"),
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    notebook = tmp_path / "board_report.ipynb"
    nbformat.write(nb, notebook)
    files = []
    for name, seed in (("a", 1), ("b", 13)):
        path = tmp_path / f"{name}.yaml"
        path.write_text(f"{FAST}seed: {seed}\n")
        files += ["--params", str(path)]
    out = tmp_path / "out"
    (out / "2024-Q2").mkdir(parents=True)
    (out / "2024-Q2" / "report.html").write_text("previous report")
    code = main(["report", "--quarter", "2024-Q2", *files, "--out", str(out), "--jobs", "2",
                 "--notebook", str(notebook), "--force", "--no-pdf"])
    err = capsys.readouterr().err.strip()
    assert code == 1 and len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert (f"error: report notebook failed (b, --params {tmp_path / 'b.yaml'}): its worker "
            "process died (killed by SIGKILL)") in err
    assert [p.name for p in (out / "2024-Q2").iterdir()] == ["report.html"]
    assert (out / "2024-Q2" / "report.html").read_text() == "previous report"
    failed = list(out.glob("2024-Q2.failed-*"))
    assert len(failed) == 1 and (failed[0] / "a" / "summary.json").is_file()
