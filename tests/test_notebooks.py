"""The analyst notebooks: papermill with other parameters, bad parameters, nbval can fail.

* Every notebook runs under papermill with non-default parameters and its headline numbers
  (read back from the executed notebook, see ``whatif.read_headlines``) move the way the
  model says they must.
* A parameter out of range stops the notebook at the ``parameters.check`` cell, with the
  package's message.
* The committed notebooks carry outputs and ``# NBVAL_CHECK_OUTPUT`` headline cells; a copy
  whose stored headline was edited must fail ``pytest --nbval-lax`` (and the intact copy
  pass), so the CI nbval step is able to fail.

The notebooks run in parallel threads (each in its own kernel process) to keep the module
near 1 minute on 2 cores.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from scaling_models import whatif

papermill = pytest.importorskip("papermill")

pytestmark = pytest.mark.slow

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
NAMES = ["01_capacity_forecast.ipynb", "02_unit_economics.ipynb", "03_team_scaling.ipynb",
         "04_tech_debt_roi.ipynb", "05_growth_scenarios.ipynb", "06_remedy_plan.ipynb"]

# non-default parameters, and how each headline must compare with the default run
# ("<" lower, ">" higher, "==" unchanged, "!=" different)
CHANGES = {
    "01_capacity_forecast.ipynb": (
        {"growth_from_history": False, "growth_low": 0.15, "growth_high": 0.30,
         "n_paths": 2_000},
        # faster growth than measured (11-15 %/month): more users, more instances; the
        # trend forecasts and signals read the history only, not the growth interval
        {"mau_median_k": ">", "instances_p95": ">", "signals_detected": "==",
         "trend_db_critical_months": "==", "trend_cpu_critical_months": "=="}),
    "02_unit_economics.ipynb": (
        # a shorter horizon: less growth, so less economy of scale (cost ~ load^b, b < 1)
        {"horizon_months": 6, "n_paths": 2_000},
        {"infra_share_projection_realistic": ">", "cost_per_user_projection_realistic": ">",
         "infra_cost_today": "==", "infra_share_today": "=="}),
    "03_team_scaling.ipynb": (
        {"hires_per_month": 2.0, "target_velocity": 50.0},
        {"velocity_at_horizon": ">", "hires_needed": ">", "annual_cost_of_hires": ">",
         "team_size": "=="}),
    "04_tech_debt_roi.ipynb": (
        {"debt_share": 0.4, "effort_low": 1.5, "effort_high": 3.0, "n_paths": 2_000},
        {"budget_days": ">", "items_robust_now": "<"}),
    "05_growth_scenarios.ipynb": (
        {"horizon_months": 12, "n_paths": 2_000},
        {"mau_median_k_multi_year_hypergrowth": "<", "p_multi_year_hypergrowth": "=="}),
    # a looser risk target needs a cheaper plan; the sample database is critical today, so
    # without a plan some resource is critical in every future whatever the target
    "06_remedy_plan.ipynb": (
        {"plan_risk": 0.2, "n_paths": 2_000},
        {"plan_cost_k": "<", "p_any_without_plan": "==", "p_any_with_plan": ">"}),
}

# a value the check cell must reject, and a fragment of the package's message
BAD = {
    "01_capacity_forecast.ipynb": ({"growth_high": 15.0}, "write 0.15 for 15 %"),
    "02_unit_economics.ipynb": ({"scenario_family": "pessimistic"}, "one of 'projection_12m'"),
    "03_team_scaling.ipynb": ({"target_velocity": 0.5}, "parameter target_velocity"),
    "04_tech_debt_roi.ipynb": ({"effort_low": 3.0}, "effort_low must be < effort_high"),
    "05_growth_scenarios.ipynb": ({"n_paths": "many"}, "parameter n_paths"),
    "06_remedy_plan.ipynb": ({"plan_risk": 5.0}, "write 0.15 for 15 %"),
}


def _execute(name: str, out: Path, parameters: dict) -> Path:
    papermill.execute_notebook(str(NOTEBOOKS / name), str(out), parameters=parameters,
                               kernel_name="python3", cwd=str(NOTEBOOKS),
                               progress_bar=False)
    return out


def _execute_bad(name: str, out: Path, parameters: dict) -> Exception | None:
    try:
        _execute(name, out, parameters)
    except papermill.PapermillExecutionError as exc:
        return exc
    return None


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Execute every notebook with its changed and its bad parameters, two at a time."""
    os.environ.setdefault("TQDM_DISABLE", "1")
    folder = tmp_path_factory.mktemp("papermill")
    jobs = {}
    with ThreadPoolExecutor(max_workers=2) as pool:
        for name in NAMES:
            jobs[("changed", name)] = pool.submit(
                _execute, name, folder / f"changed_{name}", CHANGES[name][0])
            jobs[("bad", name)] = pool.submit(
                _execute_bad, name, folder / f"bad_{name}", BAD[name][0])
        # keep each job's exception so that one broken notebook fails only its own tests
        return {key: job.exception() or job.result() for key, job in jobs.items()}, folder


def test_every_notebook_is_covered():
    assert sorted(p.name for p in NOTEBOOKS.glob("0*_*.ipynb")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_committed_notebook_has_outputs_and_headlines(name):
    stored = whatif.read_headlines(NOTEBOOKS / name)
    assert stored, f"{name} has no stored headline output: run scripts/refresh_notebooks.py"
    nb = json.loads((NOTEBOOKS / name).read_text())
    first_code = next(c for c in nb["cells"] if c["cell_type"] == "code")
    assert first_code["metadata"].get("tags") == ["parameters"]
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    assert "widgets" not in nb["metadata"]  # widget state stripped
    checked = [c for c in nb["cells"] if c["cell_type"] == "code"
               and "".join(c["source"]).startswith("# NBVAL_CHECK_OUTPUT")]
    assert checked and all(c["outputs"] for c in checked)


@pytest.mark.parametrize("name", NAMES)
def test_other_parameters_move_the_headlines(runs, name):
    results, _ = runs
    default = whatif.read_headlines(NOTEBOOKS / name)
    executed = results[("changed", name)]
    if isinstance(executed, Exception):
        raise executed
    changed = whatif.read_headlines(executed)
    for key, relation in CHANGES[name][1].items():
        before, after = default[key], changed[key]
        ok = {">": after > before, "<": after < before, "==": after == before,
              "!=": after != before}[relation]
        assert ok, f"{name}: {key} should be {relation} {before} with {CHANGES[name][0]}; " \
                   f"got {after}"


@pytest.mark.parametrize("name", NAMES)
def test_bad_parameter_stops_at_check_cell(runs, name):
    results, folder = runs
    error = results[("bad", name)]
    assert error is not None, f"{name} ran to the end with {BAD[name][0]}"
    assert error.ename == "ParameterError"
    assert BAD[name][1] in error.evalue
    nb = json.loads((folder / f"bad_{name}").read_text())
    failed = [c for c in nb["cells"] if c["cell_type"] == "code"
              and any(o.get("output_type") == "error" for o in c.get("outputs", ()))]
    assert len(failed) == 1
    assert "parameters.check(" in "".join(failed[0]["source"])
    # nothing after the check cell ran
    index = nb["cells"].index(failed[0])
    assert all(c.get("execution_count") is None for c in nb["cells"][index + 1:]
               if c["cell_type"] == "code")


def test_nbval_passes_on_a_copy_and_fails_on_an_edited_headline(tmp_path):
    name = "03_team_scaling.ipynb"  # the quickest notebook; the mechanism is the same
    intact = tmp_path / "intact" / name
    edited = tmp_path / "edited" / name
    for target in (intact, edited):
        target.parent.mkdir()
        shutil.copy(NOTEBOOKS / name, target)
    nb = json.loads(edited.read_text())
    cell = next(c for c in nb["cells"] if c["cell_type"] == "code"
                and "".join(c["source"]).startswith("# NBVAL_CHECK_OUTPUT"))
    data = cell["outputs"][0]["data"]
    text = "".join(data["text/plain"])
    data["text/plain"] = text.replace("Hires to reach", "Hires to reach (tampered)", 1)
    assert data["text/plain"] != text
    edited.write_text(json.dumps(nb))
    env = dict(os.environ, TQDM_DISABLE="1")
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax",
         "--nbval-current-env", str(intact), str(edited)],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert run.returncode == 1, run.stdout[-3000:]
    assert "1 failed" in run.stdout, run.stdout[-3000:]
    assert "edited" in run.stdout and "tampered" in run.stdout
