"""Hostile and careless input: the board report is never hijacked, wrong or half-written.

End to end (papermill, nbconvert, Chromium when installed): data files whose every text
cell carries script, event-handler and Markdown payloads; reports byte-identical across
runs; concurrent and interrupted runs. Then the one-line failures of the command line, the
unit guards of the API and property-based tests of the loaders and the pre-check.
"""

import errno
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scaling_models import (
    batch,
    capacity,
    debt,
    growth,
    loaders,
    parameters,
    presentation,
    report,
    thresholds,
)
from scaling_models.__main__ import main

ROOT = Path(__file__).resolve().parent.parent
PAYLOADS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
            "**bold** [click](javascript:alert(1)) `tick` $x$ <b>b</b> &amp;")
HOSTILE = " ".join(PAYLOADS)
FAST = "n_paths: 200\n"


# --- helpers --------------------------------------------------------------------------


class _Live(HTMLParser):
    """Collects what a browser would run or load, and the text it would show."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.live: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "object", "embed", "base", "meta", "link"):
            if tag not in ("meta", "link") or any(n in ("http-equiv", "href") and
                                                  "javascript" in (v or "") for n, v in attrs):
                self.live.append(f"<{tag}>")
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.live.append(f"<{tag} {name}=...>")
            if name in ("href", "src") and (value or "").strip().lower().startswith(
                    "javascript:"):
                self.live.append(f"<{tag} {name}={value}>")
        if tag == "img":
            src = dict(attrs).get("src") or ""
            if not src.startswith("data:image/png;base64,"):
                self.live.append(f"<img src={src[:40]}>")

    def handle_data(self, data):
        self.text.append(data)


def parse_html(path: Path) -> _Live:
    parser = _Live()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def make_hostile(folder: Path, *, months: int = 9, drop_optional: bool = True) -> Path:
    """A copy of the sample data with the payloads in every text cell of every file."""
    shutil.copytree(batch.DEFAULT_DATA_DIR, folder)
    backlog = pd.read_csv(folder / "debt_backlog.csv", dtype=str, keep_default_na=False)
    backlog["item"] = [f"{HOSTILE} #{i}" for i in range(len(backlog))]
    backlog["category"] = HOSTILE
    backlog.to_csv(folder / "debt_backlog.csv", index=False)
    table = pd.read_csv(folder / "thresholds.csv", dtype=str, keep_default_na=False)
    table["label"] = [f"{HOSTILE} {m}" for m in table["metric"]]
    table["action"] = HOSTILE
    extra = table.iloc[[0]].assign(metric=HOSTILE, unit=HOSTILE)  # a metric nobody measures
    pd.concat([table, extra]).to_csv(folder / "thresholds.csv", index=False)
    doc = yaml.safe_load((folder / "scenarios.yaml").read_text(encoding="utf-8"))
    for i, scenario in enumerate(doc["scenarios"]):
        scenario["label"] = f"{HOSTILE} {i}"
        for name in ("infrastructure", "architecture", "team", "risk"):
            scenario[name] = HOSTILE
    (folder / "scenarios.yaml").write_text(yaml.safe_dump(doc, sort_keys=False),
                                           encoding="utf-8")
    history = pd.read_csv(folder / "company_history.csv", dtype=str, keep_default_na=False)
    history = history[history["month"] <= "2024-06"].tail(months)
    if drop_optional:
        history = history.drop(columns=["p95_response_time_s", "deploys_per_week"])
    history.to_csv(folder / "company_history.csv", index=False)
    return folder


def edit_history(folder: Path, edit) -> None:
    path = folder / "company_history.csv"
    edit(pd.read_csv(path, dtype=str, keep_default_na=False)).to_csv(path, index=False)


def sample_copy(tmp_path: Path, name: str = "data") -> Path:
    folder = tmp_path / name
    shutil.copytree(batch.DEFAULT_DATA_DIR, folder)
    return folder


def run_cli(*args: str) -> int:
    return main(["report", "--quarter", "2024-Q2", *args])


def one_line_error(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and len(err.splitlines()) == 1, err
    assert "Traceback" not in err
    return err


# --- end to end: hostile text, optional columns, short history, byte-identical --------


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """Two runs of the same hostile inputs into two folders (the first prints the PDF).

    Each output folder holds a truncated summary.json for 2024-Q1, which the run finds and
    must skip with a warning instead of failing.
    """
    root = tmp_path_factory.mktemp("hostile")
    # the folder's name becomes the company name of the title and footer
    data = make_hostile(root / PAYLOADS[1])
    params = root / "fast.yaml"
    params.write_text(FAST)
    runs = []
    for i, pdf in enumerate((True, False)):
        out = root / f"out{i}"
        (out / "2024-Q1").mkdir(parents=True)
        (out / "2024-Q1" / "summary.json").write_text('{"quarter": "2024-Q1", "mau": 12')
        args = ["--params", str(params), "--data", str(data), "--out", str(out)]
        proc = subprocess.run(
            [sys.executable, "-m", "scaling_models", "report", "--quarter", "2024-Q2", *args,
             *([] if pdf else ["--no-pdf"])],
            capture_output=True, text=True, cwd=root, timeout=600,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert proc.returncode == 0, proc.stderr
        runs.append((out / "2024-Q2", proc.stderr))
    return runs


@pytest.mark.slow
def test_text_from_data_files_is_shown_as_text_never_run(hostile):
    folder, _ = hostile[0]
    page = parse_html(folder / "report.html")
    assert page.live == []  # no script, handler, javascript: link or foreign image
    text = " ".join(" ".join(page.text).split())
    # each payload is visible as typed, in the tables and in the Markdown sentences
    for payload in PAYLOADS:
        assert payload in text
    assert text.count(HOSTILE) >= 20
    # a Markdown sentence built from a threshold label: the key message listing the actions
    # of the tier "this quarter" (the remedies of metrics at attention are named by label)
    assert HOSTILE in text[text.index("This quarter."):][:600]


@pytest.mark.slow
def test_pdf_shows_the_payloads_as_text(hostile):
    folder, _ = hostile[0]
    if not (folder / "report.pdf").exists() or shutil.which("pdftotext") is None:
        pytest.skip("needs Chromium and pdftotext")
    text = subprocess.run(["pdftotext", str(folder / "report.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    flat = "".join(text.split())
    assert "<script>alert(1)</script>" in flat and "<imgsrc=xonerror=alert(1)>" in flat
    assert "Quarterly scaling report" in text  # the report itself, not a script's output


@pytest.mark.slow
def test_report_html_is_byte_identical_across_runs(hostile):
    (first, _), (second, _) = hostile
    digests = {hashlib.sha256((f / "report.html").read_bytes()).hexdigest()
               for f in (first, second)}
    assert len(digests) == 1
    assert (first / "summary.json").read_bytes() == (second / "summary.json").read_bytes()


@pytest.mark.slow
def test_short_history_without_optional_columns_says_what_it_could_not_assess(hostile):
    folder, _ = hostile[0]
    text = " ".join(" ".join(parse_html(folder / "report.html").text).split())
    assert "Low confidence: the history holds 9 months only" in text
    assert "Not assessed: p95_response_time_s: the history has no such column." in text
    assert "Not assessed: deploys_per_week: the history has no such column." in text
    assert "Not assessed: p95_response_time_s: the history has no such column" in text
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["dashboard_status"]["p95_response_time_s"] == report.NO_DATA


@pytest.mark.slow
def test_bad_last_quarter_summary_is_skipped_with_a_warning(hostile):
    folder, stderr = hostile[0]
    assert "warning: no comparison with last quarter: last quarter's summary" in stderr
    assert "not valid JSON" in stderr
    text = " ".join(" ".join(parse_html(folder / "report.html").text).split())
    assert ("No comparison: last quarter's summary could not be used (summary.json of last "
            "quarter: not valid JSON") in text


# --- units checked against the data ------------------------------------------------------


def test_percent_thresholds_for_fraction_metrics_exit_2_naming_row_and_fix(tmp_path, capsys):
    data = sample_copy(tmp_path)
    table = pd.read_csv(data / "thresholds.csv", dtype=str, keep_default_na=False)
    for metric in ("cpu", "db_utilisation"):
        table.loc[table["metric"] == metric, ["unit", "attention", "critical"]] = ["%", "70",
                                                                                    "90"]
    table.to_csv(data / "thresholds.csv", index=False)
    assert run_cli("--data", str(data), "--out", str(tmp_path / "out")) == 2
    err = one_line_error(capsys)
    assert "thresholds.csv" in err and "row metric cpu" in err
    assert "write unit 'fraction' and the lines as fractions (attention 0.7, critical 0.9)" \
        in err
    assert not (tmp_path / "out").exists()


def test_classify_refuses_a_percent_table_and_percent_values():
    table = thresholds.load_thresholds()
    relabelled = table.copy()
    relabelled.loc["cpu", ["unit", "attention", "critical"]] = ["%", 70.0, 90.0]
    with pytest.raises(ValueError, match="holds cpu as a fraction"):
        thresholds.classify("cpu", 0.83, relabelled)
    with pytest.raises(ValueError, match="cpu"):
        thresholds.classify("cpu", 83, table)
    # attention beyond critical, in the metric's direction, is refused
    swapped = table.copy()
    swapped.loc["cpu", ["attention", "critical"]] = [0.9, 0.7]
    with pytest.raises(ValueError, match="attention < critical"):
        thresholds.classify("cpu", 0.5, swapped)
    swapped = table.copy()
    swapped.loc["availability", ["attention", "critical"]] = [0.99, 0.999]
    with pytest.raises(ValueError, match="attention > critical"):
        thresholds.classify("availability", 0.995, swapped)


@pytest.mark.parametrize("args", [(70, 0.15, 0.9), (0.7, 0.15, 90), ([0.5, 0.7], 0.1, 90)])
def test_months_to_threshold_refuses_a_fraction_mixed_with_a_percentage(args):
    with pytest.raises(ValueError, match="one fraction and one percentage; write both as "
                                         "fractions"):
        capacity.months_to_threshold(*args)


def test_months_to_threshold_still_takes_both_scales_alone():
    # docs/domain.md section 1: 70 % at 15 %/month reaches 90 % in ln(9/7)/ln(1.15) months
    expected = np.log(0.9 / 0.7) / np.log(1.15)
    assert capacity.months_to_threshold(0.7, 0.15, 0.9) == pytest.approx(expected)
    assert capacity.months_to_threshold(70, 0.15, 90) == pytest.approx(expected)


def test_debt_assess_refuses_more_incidents_avoided_than_exist():
    with pytest.raises(ValueError, match=r"incidents_avoided_per_month must be <= "
                                         r"incidents_per_month .* got 3 > 2"):
        debt.assess(hours_lost_per_sprint=1, incidents_per_month=2, cost_per_incident=5,
                    hours_gained_per_sprint=1, incidents_avoided_per_month=3, effort_days=1,
                    hourly_cost=10)


# --- short, flat and early histories ------------------------------------------------------


@pytest.mark.parametrize("months", [5, 3])
def test_history_shorter_than_six_months_is_refused_before_running(tmp_path, capsys, months):
    data = sample_copy(tmp_path)
    edit_history(data, lambda t: t[t["month"] <= "2024-06"].tail(months))
    assert run_cli("--data", str(data), "--out", str(tmp_path / "out")) == 2
    err = one_line_error(capsys)
    assert str(data / "company_history.csv") in err
    assert f"holds {months} month(s)" in err and "needs at least 6" in err


def test_history_starting_in_the_quarter_is_refused(tmp_path, capsys):
    data = sample_copy(tmp_path)
    edit_history(data, lambda t: t[t["month"] >= "2024-05"])
    assert run_cli("--data", str(data), "--out", str(tmp_path / "out")) == 2
    assert "has no row for 2024-04" in one_line_error(capsys)


def test_flat_growth_falls_back_to_the_parameters_and_says_why():
    history = loaders.load_history().assign(mau=5000)
    table = report.scenario_table(history, growth.scenarios(),
                                  rng=1)
    fit = table.attrs["calibration"]
    low, high, volatility, source = report.growth_interval(
        fit, from_history=True, growth_low=0.08, growth_high=0.2)
    assert (low, high, volatility) == (0.08, 0.2, 0.03)
    assert "does not vary (0.0 % every month" in source
    # the simulation accepts the interval (a zero-width one raised "low must be < high")
    report.simulation_inputs(history, thresholds.load_thresholds(), growth_low=low,
                             growth_high=high, growth_volatility=volatility)


def test_six_month_history_gives_every_table_with_a_low_confidence_note():
    history = loaders.load_history().iloc[-6:]
    assert report.history_note(history).startswith("Low confidence: the history holds 6")
    assert report.history_note(loaders.load_history()) == ""
    fit = report.scenario_table(history, growth.scenarios(),
                                rng=1).attrs["calibration"]
    assert fit.window == 5
    signals = report.signals_table(history, thresholds.load_thresholds())
    assert "last 5 months" in signals.loc[0, "rule"]
    with pytest.raises(ValueError, match="at least 6 months"):
        report.history_note(history.iloc[1:])


def test_empty_optional_cells_are_not_assessed_with_their_months():
    history = loaders.load_history()
    history.loc[history.index[-1], "p95_response_time_s"] = np.nan
    table = report.signals_table(history, thresholds.load_thresholds())
    row = table[table["metric"] == "p95_response_time_s"].iloc[0]
    assert (row["severity"], bool(row["detected"])) == (report.NOT_ASSESSED, False)
    assert row["evidence"] == "Not assessed: p95_response_time_s: empty cells in 2024-06."
    trend = report.trend_table(history, thresholds.load_thresholds())
    assert trend.loc["p95_response_time_s", "critical_status"] == report.NOT_ASSESSED
    shown = presentation.present_trends(trend)
    assert shown.loc[shown["Metric"] == report.metric_label("p95_response_time_s"),
                     "Critical (trend)"].item() == report.NOT_ASSESSED


# --- one writer per quarter, interruptions, leftovers ----------------------------------


def _hold_lock(out: Path) -> subprocess.Popen:
    code = ("import sys, time; from pathlib import Path; from scaling_models import batch; "
            "lock = batch._QuarterLock(Path(sys.argv[1]), '2024-Q2'); "
            "assert lock.acquire(); print('locked', flush=True); time.sleep(120)")
    proc = subprocess.Popen([sys.executable, "-c", code, str(out)], stdout=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_concurrent_run_of_the_same_quarter_exits_3_and_a_dead_lock_is_free(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    holder = _hold_lock(out)
    try:
        assert run_cli("--out", str(out)) == 3
        err = one_line_error(capsys)
        assert f"another run (process {holder.pid}) is writing this quarter" in err
        assert sorted(p.name for p in out.iterdir()) == [".2024-Q2.lock"]
    finally:
        holder.kill()
        holder.wait()
    # the kernel released the killed holder's lock: the next run goes on to validation
    bad = tmp_path / "bad.yaml"
    bad.write_text("n_path: 1\n")
    assert run_cli("--out", str(out), "--params", str(bad)) == 2
    assert "unknown parameter 'n_path'" in one_line_error(capsys)


def test_existing_quarter_is_refused_before_any_validation(tmp_path, capsys, monkeypatch):
    (tmp_path / "out" / "2024-Q2").mkdir(parents=True)

    def forbidden(*args, **kwargs):
        raise AssertionError("validated before refusing the existing quarter")

    monkeypatch.setattr(batch, "plan_jobs", forbidden)
    assert run_cli("--out", str(tmp_path / "out"), "--data", "/nonexistent") == 3
    assert "already exists; pass --force" in one_line_error(capsys)


@pytest.mark.parametrize("text", ["2024-Q2", "1999-Q4", "2024-Q5", "2024-Q0", "24-Q1",
                                  "2024-q1", "2024-Q1\n", " 2024-Q1", "2024-Q12", "../x"])
def test_quarter_name_reads_quarters_as_periods_does(text):
    from scaling_models import periods

    assert bool(batch.QUARTER_NAME.fullmatch(text)) == bool(
        periods.QUARTER_PATTERN.fullmatch(text))


def _previous_report(out: Path) -> dict:
    folder = out / "2024-Q2"
    folder.mkdir(parents=True)
    (folder / "report.html").write_text("previous report")
    return {p.name: p.read_bytes() for p in folder.iterdir()}


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signal_during_force_leaves_the_previous_report_and_no_leftovers(tmp_path, signum):
    out = tmp_path / "out"
    before = _previous_report(out)
    params = tmp_path / "fast.yaml"
    params.write_text(FAST)
    proc = subprocess.Popen(
        [sys.executable, "-m", "scaling_models", "report", "--quarter", "2024-Q2", "--out",
         str(out), "--params", str(params), "--force", "--no-pdf"],
        stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    for _ in range(600):  # the notebook is running once its temporary folder exists
        if list(out.glob(".2024-Q2.tmp-*/*")) or proc.poll() is not None:
            break
        time.sleep(0.1)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 128 + signum, err
    assert "interrupted by" in err and "Traceback" not in err
    assert {p.name: p.read_bytes() for p in (out / "2024-Q2").iterdir()} == before
    assert not list(out.glob(".2024-Q2.tmp-*")) and not list(out.glob("2024-Q2.backup-*"))


def _children(pid: int) -> list[int]:
    """Process ids of ``pid``'s children (Linux /proc)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_a_signal_while_the_kernel_starts_stops_the_kernel_too(tmp_path):
    # the signal lands as soon as the kernel process exists, before papermill manages
    # it: the kernel was left running in the removed job folder (its start-up then
    # failed with a traceback on the batch's stderr)
    params = tmp_path / "fast.yaml"
    params.write_text(FAST)
    proc = subprocess.Popen(
        [sys.executable, "-m", "scaling_models", "report", "--quarter", "2024-Q2", "--out",
         str(tmp_path / "out"), "--params", str(params), "--no-pdf"],
        stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    kernel = None
    for _ in range(3000):
        kernel = next(iter(_children(proc.pid)), None)
        if kernel is not None or proc.poll() is not None:
            break
        time.sleep(0.01)
    assert kernel is not None, "no kernel process started"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err, err
    for _ in range(50):  # killed, then reaped by init once its parent has exited
        if not Path(f"/proc/{kernel}").exists() or "zombie" in Path(
                f"/proc/{kernel}/status").read_text(errors="replace"):
            break
        time.sleep(0.1)
    else:
        pytest.fail(f"kernel process {kernel} still running after the batch exited")


def test_signal_during_the_swap_rolls_it_back(tmp_path, monkeypatch):
    out = tmp_path / "out"
    before = _previous_report(out)
    work = out / ".2024-Q2.tmp-x"
    work.mkdir()
    (work / "report.html").write_text("new report")
    real_replace = os.replace
    calls = []

    def replace_then_signal(src, dst):
        calls.append((Path(src).name, Path(dst).name))
        real_replace(src, dst)
        if len(calls) == 1:  # between the backup and the new report: Ctrl-C
            os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(batch.os, "replace", replace_then_signal)
    with batch._Signals() as signals, pytest.raises(batch.ReportInterrupted):
        batch._swap(work, out / "2024-Q2", out, "2024-Q2", True, signals)
    assert {p.name: p.read_bytes() for p in (out / "2024-Q2").iterdir()} == before
    assert (work / "report.html").read_text() == "new report"  # removed by the caller
    assert not list(out.glob("2024-Q2.backup-*"))


def test_leftovers_of_killed_runs_are_removed_by_the_next_run(tmp_path, capsys, monkeypatch):
    out = tmp_path / "out"
    for name in (".2024-Q2.tmp-abc", ".2023-Q4.tmp-def"):
        (out / name).mkdir(parents=True)
        (out / name / "board_report.ipynb").write_text("{}")
    busy = out / ".2024-Q1.tmp-ghi"  # a run of 2024-Q1 in progress keeps its folder
    busy.mkdir()
    holder = batch._QuarterLock(out, "2024-Q1")
    assert holder.acquire()

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(out / "x"))

    monkeypatch.setattr(batch, "_run_all", full_disk)
    try:
        assert run_cli("--out", str(out), "--no-pdf") == 1
    finally:
        holder.release()
    capsys.readouterr()
    assert sorted(p.name for p in out.iterdir() if p.name != ".2024-Q1.lock") == [
        ".2024-Q1.tmp-ghi"]


# --- every failure: one line naming the culprit, exit 1-3 --------------------------------


def test_latin1_byte_in_a_params_file_exits_2(tmp_path, capsys):
    bad = tmp_path / "params.yaml"
    bad.write_bytes(b"currency: EUR # d\xe9faut\n")
    assert run_cli("--params", str(bad), "--out", str(tmp_path / "out")) == 2
    err = one_line_error(capsys)
    assert f"--params {bad}: not UTF-8 text (byte 0xe9" in err


def test_duplicate_yaml_keys_are_refused_naming_the_key(tmp_path, capsys):
    bad = tmp_path / "params.yaml"
    bad.write_text("n_paths: 200\nseed: 1\nn_paths: 300\n")
    assert run_cli("--params", str(bad), "--out", str(tmp_path / "out")) == 2
    assert "key 'n_paths' is written twice (lines 1 and 3)" in one_line_error(capsys)
    data = sample_copy(tmp_path)
    path = data / "scenarios.yaml"
    path.write_text(path.read_text().replace("defaults:\n", "defaults:\n  growth_spread: 0.4\n",
                                             1))
    assert run_cli("--data", str(data), "--out", str(tmp_path / "out")) == 2
    err = one_line_error(capsys)
    assert "scenarios.yaml" in err and "key 'growth_spread' is written twice" in err


def test_out_pointing_at_a_file_or_a_read_only_folder_exits_2(tmp_path, capsys, monkeypatch):
    afile = tmp_path / "file"
    afile.write_text("x")
    assert run_cli("--out", str(afile)) == 2
    assert f"--out {afile}: is a file, not a folder" in one_line_error(capsys)
    assert run_cli("--out", str(afile / "sub")) == 2
    assert f"{afile} is a file, not a folder" in one_line_error(capsys)
    # read-only: root ignores permissions, so the check itself is made to answer no
    monkeypatch.setattr(batch.os, "access", lambda path, mode: False)
    assert run_cli("--out", str(tmp_path)) == 2
    assert f"--out {tmp_path}: the folder is not writable" in one_line_error(capsys)


def test_disk_full_while_writing_exits_1_and_keeps_the_previous_report(tmp_path, capsys,
                                                                      monkeypatch):
    out = tmp_path / "out"
    before = _previous_report(out)

    def export_on_full_disk(executed, html, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(html))

    def quick_notebook(notebook, executed, **kwargs):
        shutil.copy(notebook, executed)

    import papermill

    monkeypatch.setattr(papermill, "execute_notebook", quick_notebook)
    monkeypatch.setattr(batch, "export_html", export_on_full_disk)
    assert run_cli("--out", str(out), "--force", "--no-pdf") == 1
    err = one_line_error(capsys)
    assert "report.html: No space left on device" in err
    assert {p.name: p.read_bytes() for p in (out / "2024-Q2").iterdir()} == before
    assert sorted(p.name for p in out.iterdir()) == ["2024-Q2"]


def test_missing_threshold_row_exits_2_naming_it(tmp_path, capsys):
    data = sample_copy(tmp_path)
    table = pd.read_csv(data / "thresholds.csv", dtype=str, keep_default_na=False)
    table[table["metric"] != "cpu"].to_csv(data / "thresholds.csv", index=False)
    assert run_cli("--data", str(data), "--out", str(tmp_path / "out")) == 2
    err = one_line_error(capsys)
    assert f"{data / 'thresholds.csv'} has no row for cpu" in err


@pytest.mark.parametrize(("content", "message"), [
    ('{"quarter": "2024-Q1", "mau": 1', "not valid JSON"),
    ('["2024-Q1"]', "must be a JSON object; got list"),
    ('{"quarter": "2023-Q3", "mau": 1}', "it is the summary of 2023-Q3, not of 2024-Q1"),
    ('{"quarter": "2024-Q1", "mau": "many"}', "'mau' must be a number"),
    ('{"quarter": "2024-Q1", "mau": NaN}', "NaN is not a JSON number"),
    ('{"quarter": "2024-Q1", "remedy_start_by": {"cpu": 3}}',
     "'remedy_start_by' must be a mapping of name to text"),
    ('{"quarter": "2024-Q1", "signals_detected": "x"}', "must be a list of texts"),
])
def test_named_previous_summary_is_validated_exit_2(tmp_path, capsys, content, message):
    summary = tmp_path / "summary.json"
    summary.write_text(content)
    params = tmp_path / "params.yaml"
    params.write_text(f"previous_summary: {summary}\n")
    assert run_cli("--params", str(params), "--out", str(tmp_path / "out")) == 2
    err = one_line_error(capsys)
    assert f"previous_summary: last quarter's summary {summary}" in err and message in err


# --- notebooks refuse unknown parameters; Markdown and tables escape data -------------------


def test_check_namespace_refuses_undeclared_names_with_the_closest():
    namespace = {"growth_lo": 0.05, "growth_low": 0.1, "seed": 1, "np": np, "_x": 1,
                 "In": [], "parameters": parameters}
    with pytest.raises(parameters.ParameterError,
                       match=r"unknown parameter 'growth_lo' \(did you mean growth_low\?\)"):
        parameters.check_namespace(namespace, ["growth_low", "seed"])
    namespace.pop("growth_lo")
    parameters.check_namespace(namespace, ["growth_low", "seed"])


@pytest.mark.slow
def test_papermill_with_a_misspelt_parameter_stops_at_the_check_cell(tmp_path):
    import papermill
    from papermill.exceptions import PapermillExecutionError

    with pytest.raises(PapermillExecutionError, match="did you mean ramp_weeks"):
        papermill.execute_notebook(
            str(ROOT / "notebooks" / "03_team_scaling.ipynb"), str(tmp_path / "out.ipynb"),
            parameters={"ramp_week": 5}, kernel_name="python3", progress_bar=False)


def test_load_yaml_refuses_duplicates_keeps_merge_keys():
    with pytest.raises(parameters.ParameterError, match="key 'x' is written twice"):
        parameters.load_yaml("a: {x: 1, x: 2}", "f.yaml")
    assert parameters.load_yaml("base: &b {a: 1}\nc:\n  <<: *b\n  a: 2\n", "f.yaml") == {
        "base": {"a": 1}, "c": {"a": 2}}
    with pytest.raises(parameters.ParameterError, match="could not determine a constructor"):
        parameters.load_yaml("!!python/object:os.system {}", "f.yaml")


def test_markdown_text_is_literal():
    assert presentation.markdown_text("<b>a</b>") == "&lt;b&gt;a&lt;/b&gt;"
    assert presentation.markdown_text("**a** [l](u) `c` $m$ _e_ | ~") == (
        r"\*\*a\*\* \[l\](u) \`c\` \$m\$ \_e\_ \| \~")
    assert presentation.markdown_text("line\n# heading") == "line # heading"


def test_view_escapes_cells_and_headers_and_ids_depend_on_content():
    table = pd.DataFrame({PAYLOADS[0]: [PAYLOADS[1], "ok"], "b": ["x", "y"]})
    html = presentation.view(table, status=PAYLOADS[0]).to_html()
    page = _Live()
    page.feed(html)
    assert page.live == [] and PAYLOADS[1] in "".join(page.text)
    assert html == presentation.view(table, status=PAYLOADS[0]).to_html()
    other = presentation.view(table.assign(b=["x", "z"])).to_html()
    assert html.split('id="', 1)[1][:12] != other.split('id="', 1)[1][:12]


# --- property-based: malformed CSV and YAML give a documented error or a valid result ---

_SAMPLE = {name: (batch.DEFAULT_DATA_DIR / name).read_text(encoding="utf-8")
           for name in batch.DATA_FILES}
_NASTY = st.sampled_from(["", " ", ",", '"', "\n", "\x00", "NaN", "inf", "-1", "1e400", "1,5",
                          "70", "0.7", "2024-13", "2024-Q5", "\ufeff", "é", ";", "\t",
                          "99999999999999999999", "true", "- a", ": b", "{", "&x", "*y"])


@st.composite
def _mutated(draw, text: str) -> bytes:
    """The text with a few fields, lines or bytes replaced, removed or cut off."""
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 4))):
        action = draw(st.sampled_from(["field", "line", "cut", "bytes", "dup"]))
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        if action == "field":
            fields = lines[i].rstrip("\n").split(",")
            j = draw(st.integers(0, len(fields) - 1))
            fields[j] = draw(st.one_of(_NASTY, st.text(max_size=8)))
            lines[i] = ",".join(fields) + "\n"
        elif action == "line":
            del lines[i]
        elif action == "dup":
            lines.insert(i, lines[i])
        elif action == "cut":
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
            del lines[i + 1:]
    raw = "".join(lines).encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.binary(min_size=1, max_size=3)) + raw[at:]
    return raw


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_loaders_give_a_data_error_or_a_valid_table(tmp_path_factory, data):
    name = data.draw(st.sampled_from(sorted(loaders.SCHEMAS)))
    path = tmp_path_factory.mktemp("csv") / name
    path.write_bytes(data.draw(_mutated(_SAMPLE[name])))
    try:
        table = loaders.read_table(path, loaders.SCHEMAS[name])
    except loaders.DataError as exc:
        assert str(exc).startswith(str(path))
    else:
        assert len(table) > 0 and table.index.is_unique


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_precheck_gives_a_named_input_error_or_passes(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("data")
    for name, text in _SAMPLE.items():
        (folder / name).write_text(text, encoding="utf-8")
    name = data.draw(st.sampled_from(batch.DATA_FILES))
    (folder / name).write_bytes(data.draw(_mutated(_SAMPLE[name])))
    try:
        batch.check_data_dir(folder, "2024-Q2")
    except batch.ReportInputError as exc:
        message = str(exc)
        assert "\n" not in message.strip() and str(folder) in message


@settings(max_examples=80, deadline=None)
@given(raw=st.one_of(_mutated(FAST + "seed: 7\ncurrency: EUR\nremedy_risk: 0.1\n"),
                     st.binary(max_size=40)))
def test_params_file_gives_a_named_input_error_or_valid_values(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("params") / "p.yaml"
    path.write_bytes(raw)
    allowed = [p for p in parameters.PARAMETERS if p not in batch.RESERVED_PARAMETERS]
    try:
        values = batch.load_params_file(path, allowed=allowed)
    except batch.ReportInputError as exc:
        assert str(exc).startswith(f"--params {path}")
    else:
        assert parameters.validate(values) == values


@settings(max_examples=60, deadline=None)
@given(raw=st.one_of(st.binary(max_size=60), st.builds(
    lambda doc: json.dumps(doc).encode(), st.recursive(
        st.none() | st.booleans() | st.floats() | st.text(max_size=5),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
            st.sampled_from(["quarter", "mau", "remedy_start_by", "critical_metrics", "x"]),
            inner, max_size=4), max_leaves=8))))
def test_read_summary_gives_a_named_input_error_or_a_summary(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("summary") / "summary.json"
    path.write_bytes(raw)
    try:
        summary = batch.read_summary(path, quarter="2024-Q1")
    except batch.ReportInputError as exc:
        assert str(path) in str(exc)
    else:
        assert summary["quarter"] == "2024-Q1"


# --- the generation date: reproducible with SOURCE_DATE_EPOCH --------------------------


def test_generation_date_honours_source_date_epoch(monkeypatch):
    # 1719705600 s after the epoch is 2024-06-30 00:00 UTC (19904 days x 86400 s).
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1719705600")
    assert batch.generation_date().isoformat() == "2024-06-30"


def test_generation_date_is_today_without_source_date_epoch(monkeypatch):
    import datetime

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert batch.generation_date() == datetime.date.today()


def test_bad_source_date_epoch_is_refused_naming_it(monkeypatch, tmp_path):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(batch.ReportInputError, match="SOURCE_DATE_EPOCH .*'yesterday'"):
        batch.build_report("2024-Q2", out_dir=tmp_path)


# --- review: worker processes, report folder names, quarters ---------------------------


def _job_outcome(name: str, job_dir: str) -> dict:
    Path(job_dir).mkdir(parents=True, exist_ok=True)
    return {"job": name, "error": None, "summary": {"quarter": "2024-Q2"}, "pdf": False,
            "warnings": [], "write_error": None}


def _crashing_job(name, params, effective, notebook, job_dir, chromium, cell_bar):
    """A worker that dies outright on the job named "b" (spawned processes import this
    module by name: it must stay at module level)."""
    if name != "b":
        return _job_outcome(name, job_dir)
    if params.get("seed") == 9:
        os.kill(os.getpid(), signal.SIGKILL)
    os._exit(7)


@pytest.mark.parametrize(("seed", "how"), [(1, "exit status 7"), (9, "killed by SIGKILL")])
def test_a_worker_process_that_dies_fails_in_one_line_naming_its_params_file(
        tmp_path, capsys, monkeypatch, seed, how):
    out = tmp_path / "out"
    before = _previous_report(out)
    files = []
    for name in ("a", "b"):
        path = tmp_path / f"{name}.yaml"
        path.write_text(f"{FAST}seed: {seed}\n")
        files.append(str(path))
    monkeypatch.setattr(batch, "_run_job", _crashing_job)
    code = run_cli("--out", str(out), "--params", files[0], "--params", files[1], "--jobs",
                   "2", "--force", "--no-pdf")
    err = one_line_error(capsys)
    assert code == 1
    assert f"report notebook failed (b, --params {files[1]}): its worker process died " \
           f"({how})" in err
    # the previous report is intact, the run is kept for debugging, no temporary folder
    assert {p.name: p.read_bytes() for p in (out / "2024-Q2").iterdir()} == before
    assert len(list(out.glob("2024-Q2.failed-*"))) == 1
    assert not list(out.glob(".2024-Q2.tmp-*")) and not list(out.glob("2024-Q2.backup-*"))


def test_params_files_with_the_same_name_are_refused(tmp_path, capsys):
    files = []
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "acme.yaml").write_text(FAST)
        files += ["--params", str(tmp_path / folder / "acme.yaml")]
    assert run_cli("--out", str(tmp_path / "out"), *files) == 2
    assert "several files named 'acme'" in one_line_error(capsys)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name", ["...yaml", "..yaml", ".hidden.yaml"])
def test_a_params_file_whose_name_cannot_name_a_report_folder_is_refused(tmp_path, capsys,
                                                                        name):
    # "...yaml" is the stem "..": its report would be written beside the quarter's folder
    odd, plain = tmp_path / name, tmp_path / "plain.yaml"
    odd.write_text(FAST)
    plain.write_text(FAST)
    out = tmp_path / "reports" / "out"
    assert run_cli("--out", str(out), "--params", str(plain), "--params", str(odd)) == 2
    err = one_line_error(capsys)
    assert f"--params {odd}: " in err and "report folder" in err
    assert not (tmp_path / "reports").exists()


@pytest.mark.parametrize("quarter", ["2024-Q5", "../x", "2024-Q2\n", "2024-Q2/../..",
                                     " 2024-Q2"])
def test_a_quarter_that_is_not_one_exits_2_and_writes_nothing(tmp_path, capsys, quarter):
    out = tmp_path / "nest" / "out"
    assert main(["report", "--quarter", quarter, "--out", str(out)]) == 2
    assert "--quarter must look like 2024-Q2" in one_line_error(capsys)
    assert list(tmp_path.iterdir()) == []


def _quick_notebook(monkeypatch):
    """papermill replaced by a copy of the notebook: the driver's work without a kernel."""
    import papermill

    def copy(notebook, executed, **kwargs):
        shutil.copy(notebook, executed)

    monkeypatch.setattr(papermill, "execute_notebook", copy)


def test_out_inside_data_is_fine(tmp_path, capsys, monkeypatch):
    # the data folder holds named files only: reports written inside it disturb nothing,
    # and the next quarter's run finds last quarter's there
    _quick_notebook(monkeypatch)
    data = sample_copy(tmp_path)
    out = data / "reports"
    assert run_cli("--data", str(data), "--out", str(out), "--no-pdf") == 0
    assert (out / "2024-Q2" / "summary.json").is_file()
    capsys.readouterr()
    assert main(["report", "--quarter", "2024-Q3", "--data", str(data), "--out", str(out),
                 "--no-pdf"]) == 2  # the history ends in 2024-06
    assert "has no row for 2024-07" in one_line_error(capsys)


def test_data_inside_the_quarter_that_force_replaces_is_refused(tmp_path, capsys,
                                                                 monkeypatch):
    # --force moves the old quarter folder to a backup: data inside it would move with it
    _quick_notebook(monkeypatch)
    out = tmp_path / "out"
    data = sample_copy(out / "2024-Q2")
    before = sorted(p.name for p in data.iterdir())
    assert run_cli("--data", str(data), "--out", str(out), "--force", "--no-pdf") == 2
    err = one_line_error(capsys)
    assert f"data folder {data}" in err and f"inside {out / '2024-Q2'}" in err
    assert sorted(p.name for p in data.iterdir()) == before
    assert sorted(p.name for p in out.iterdir()) == ["2024-Q2"]


def _sleeping_job(name, params, effective, notebook, job_dir, chromium, cell_bar):
    """A worker that says it started (its PID in a file beside the job) and waits."""
    Path(job_dir).parent.joinpath(f"{name}.started").write_text(str(os.getpid()))
    time.sleep(120)


def test_sigterm_during_parallel_jobs_stops_the_workers_and_keeps_the_report(tmp_path,
                                                                              monkeypatch):
    out = tmp_path / "out"
    before = _previous_report(out)
    files = []
    for name in ("a", "b"):
        path = tmp_path / f"{name}.yaml"
        path.write_text(FAST)
        files.append(str(path))
    monkeypatch.setattr(batch, "_run_job", _sleeping_job)
    pids = []

    def terminate_once_both_run():
        for _ in range(1200):
            started = list(out.glob(".2024-Q2.tmp-*/*.started"))
            if len(started) == 2:
                pids.extend(int(p.read_text()) for p in started)
                break
            time.sleep(0.05)
        os.kill(os.getpid(), signal.SIGTERM)

    import threading

    killer = threading.Thread(target=terminate_once_both_run)
    killer.start()
    with pytest.raises(batch.ReportInterrupted):
        batch.build_report("2024-Q2", params_files=files, out_dir=out, jobs=2, force=True,
                           pdf=False)
    killer.join()
    assert len(pids) == 2
    for pid in pids:  # stopped and reaped
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert {p.name: p.read_bytes() for p in (out / "2024-Q2").iterdir()} == before
    assert sorted(p.name for p in out.iterdir()) == ["2024-Q2"]
