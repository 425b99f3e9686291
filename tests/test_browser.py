"""A real browser: JupyterLab on loopback, driven by headless Chromium through Playwright.

The test copies ``notebooks/`` to a temporary root (JupyterLab autosaves what it drives),
starts JupyterLab on 127.0.0.1 with a token, opens the capacity notebook, runs every cell,
moves the growth slider of its what-if panel with the keyboard, and waits until the
headline the panel prints equals what the package computes for the new slider value. It
saves a screenshot (its folder is printed), deletes the kernel session through the REST
API and stops the server by its PID.

Skipped with a reason when Chromium or Playwright is missing, except under ``CI=...``
where a missing browser is a failure.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
# the notebook the test drives and the panel headline it reads (see notebooks/01_*)
NOTEBOOK = "01_capacity_forecast.ipynb"

pytestmark = pytest.mark.browser


def _missing_browser() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright for Python is not installed (pip install playwright)"
    return None


@pytest.fixture(scope="module")
def browser_ready():
    reason = _missing_browser()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"browser test cannot run in CI: {reason}")
        pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _api(base: str, token: str, path: str, method: str = "GET") -> tuple[int, bytes]:
    request = urllib.request.Request(f"{base}{path}", method=method,
                                     headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.status, response.read()


class LabServer:
    """A JupyterLab process serving a folder; ``stop()`` kills it by PID."""

    def __init__(self, root: Path, workdir: Path) -> None:
        self.root = root
        self.port = _free_port()
        self.token = os.urandom(16).hex()
        self.base = f"http://127.0.0.1:{self.port}"
        settings = workdir / "user-settings" / "@jupyterlab" / "apputils-extension"
        settings.mkdir(parents=True)
        # no news/update toast over the notebook
        (settings / "notification.jupyterlab-settings").write_text(
            json.dumps({"fetchNews": "false", "checkForUpdates": False}))
        notebook = workdir / "user-settings" / "@jupyterlab" / "notebook-extension"
        notebook.mkdir(parents=True)
        # render every cell (with windowing, cells below the fold have no text to read) and
        # start the notebook's kernel without asking
        (notebook / "tracker.jupyterlab-settings").write_text(
            json.dumps({"windowingMode": "none", "autoStartDefaultKernel": True}))
        self.log = (workdir / "jupyterlab.log").open("w")
        env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(workdir / "runtime"),
                   MPLBACKEND="module://matplotlib_inline.backend_inline", TQDM_DISABLE="1")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root",
             "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
             "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
             f"--ServerApp.root_dir={root}",
             f"--LabApp.user_settings_dir={workdir / 'user-settings'}",
             f"--LabApp.workspaces_dir={workdir / 'workspaces'}",
             "--LabApp.news_url=", "--LabApp.check_for_updates_class="
             "jupyterlab.handlers.announcements.NeverCheckForUpdate"],
            stdout=self.log, stderr=subprocess.STDOUT, env=env, cwd=root,
        )
        self._wait_ready()

    def _wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited early; see {self.log.name}")
            try:
                if _api(self.base, self.token, "/api/status")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"JupyterLab not ready after {timeout} s; see {self.log.name}")

    def url(self, notebook: str) -> str:
        return f"{self.base}/lab/tree/{notebook}?token={self.token}"

    def delete_sessions(self) -> int:
        """Shut down every kernel session the browser left running; return how many."""
        _, body = _api(self.base, self.token, "/api/sessions")
        sessions = json.loads(body)
        for session in sessions:
            _api(self.base, self.token, f"/api/sessions/{session['id']}", method="DELETE")
        return len(sessions)

    def kernel_state(self) -> str | None:
        """Execution state of the only kernel session ("idle", "busy"...), else None."""
        _, body = _api(self.base, self.token, "/api/sessions")
        sessions = json.loads(body)
        return sessions[0]["kernel"]["execution_state"] if len(sessions) == 1 else None

    def stop(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        self.log.close()


@pytest.fixture
def lab(tmp_path, browser_ready):
    root = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    server = LabServer(root, tmp_path)
    try:
        yield server
    finally:
        try:
            server.delete_sessions()
        finally:
            server.stop()
    assert server.process.returncode is not None


def _panel_headline(page, label: str) -> str | None:
    """The number the what-if panel prints after ``label:`` (None while not shown)."""
    texts = page.locator(".widget-output .jp-RenderedText").all_inner_texts()
    for text in texts:
        match = re.search(rf"{re.escape(label)}:\s*(\S+)", text)
        if match:
            return match.group(1)
    return None


def _wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def _expected_median_mau_k(defaults: dict, growth_high: float) -> str:
    """What the package computes for the capacity panel at a new ``growth_high``."""
    from scaling_models import distributions, montecarlo

    inputs = montecarlo.Inputs(
        growth_rate=distributions.between(defaults["growth_low"], growth_high),
        instances=defaults["instances"], redundancy=defaults["redundancy"],
        service_time_s=defaults["service_time_s"])
    run = montecarlo.simulate(inputs, n_paths=defaults["n_paths"],
                              months=defaults["horizon_months"], rng=defaults["seed"])
    pct = run.percentiles.set_index(["output", "month"])
    return format(pct.loc[("mau", defaults["horizon_months"]), "P50"] / 1_000, ",.0f")


def _notebook_defaults(path: Path) -> dict:
    import papermill

    declared = papermill.inspect_notebook(str(path))
    # papermill reports defaults as source text ("0.225", "5_000")
    return {name: ast.literal_eval(info["default"]) for name, info in declared.items()}


def test_slider_moves_the_capacity_panel(lab, tmp_path):
    from playwright.sync_api import sync_playwright

    defaults = _notebook_defaults(NOTEBOOKS / NOTEBOOK)
    label = f"Median MAU at month {defaults['horizon_months']} [thousand]"
    step = 0.005  # the growth-high slider's step in the notebook
    before = _expected_median_mau_k(defaults, defaults["growth_high"])
    after = _expected_median_mau_k(defaults, round(defaults["growth_high"] + step, 6))
    assert before != after  # otherwise the test could not see the redraw

    shots = tmp_path / "screenshots"
    shots.mkdir()
    print(f"\nscreenshots in {shots}")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=str(CHROMIUM), headless=True,
            args=CHROMIUM_ARGS, viewport={"width": 1280, "height": 1000})
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.goto(lab.url(NOTEBOOK))
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']",
                                   timeout=60_000)
            # a "Select Kernel" dialog can still pop up on a slow start: accept python3
            dialog = page.locator(".jp-Dialog .jp-mod-accept")
            if dialog.count():
                dialog.first.click()
            try:
                # The page says idle before the kernel has answered; on a cold virtualenv
                # (first imports compile every .pyc) a "Run All" sent then was lost. Wait
                # for the server to see the kernel idle, check that the run made it busy
                # (or already finished), and ask once more if it did not.
                _wait_for(lambda: lab.kernel_state() == "idle", 120,
                          "the notebook's kernel to be idle")
                for attempt in range(2):
                    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
                    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
                    try:
                        _wait_for(lambda: lab.kernel_state() == "busy"
                                  or _panel_headline(page, label), 30, "the run to start")
                        break
                    except AssertionError:
                        if attempt:
                            raise
                shown = _wait_for(lambda: _panel_headline(page, label), 120,
                                  "the what-if panel's headline")
            except AssertionError:
                page.screenshot(path=str(shots / "timeout.png"), full_page=True)
                lab.log.flush()
                tail = Path(lab.log.name).read_text(errors="replace")[-3000:]
                print(f"kernel state: {lab.kernel_state()}\nJupyterLab log tail:\n{tail}")
                raise
            assert shown == before

            handle = page.locator(".widget-slider .noUi-handle").nth(1)  # growth high
            handle.scroll_into_view_if_needed()
            handle.focus()
            page.keyboard.press("ArrowRight")
            _wait_for(lambda: _panel_headline(page, label) == after, 30,
                      f"the panel to show {label}: {after}")
            readout = page.locator(".widget-readout").nth(1).inner_text()
            assert readout.strip() == f"{defaults['growth_high'] + step:.1%}"
            # redrawn in place: still one figure and one headline block in the panel
            panel = page.locator(".widget-output").last
            assert panel.locator("img").count() == 1
            assert panel.locator(".jp-RenderedText").count() == 1
            panel.scroll_into_view_if_needed()
            page.screenshot(path=str(shots / "capacity_panel.png"), full_page=False)
            panel.screenshot(path=str(shots / "capacity_panel_only.png"))
        finally:
            context.close()
    assert (shots / "capacity_panel_only.png").stat().st_size > 10_000
    assert lab.delete_sessions() == 1
