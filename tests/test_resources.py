"""Tests for scaling_models.resources: one declaration per resource, read by every consumer."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from scaling_models import calibration, loaders, parameters, report, resources, thresholds, trends
from scaling_models import montecarlo as mc


def test_the_registry_lists_the_four_resources_in_order():
    assert resources.keys() == ("cpu", "memory", "db_utilisation", "bandwidth")
    assert list(resources.RESOURCES) == list(resources.keys())
    db = resources.get("db_utilisation")
    assert (db.avg_column, db.peak_column, db.column("peak")) == ("db_avg", "db_peak", "db_peak")
    assert resources.labels() == {"cpu": "CPU", "memory": "Memory",
                                  "db_utilisation": "Database", "bandwidth": "Bandwidth"}


def test_unknown_resource_and_bad_declarations_are_rejected():
    with pytest.raises(ValueError, match=r"unknown resource 'storage'; known: \('cpu'"):
        resources.get("storage")
    with pytest.raises(TypeError):
        resources.RESOURCES["storage"] = resources.get("cpu")  # read-only mapping
    fields = {**resources.get("cpu").__dict__, "key": "x"}
    with pytest.raises(ValueError, match="lead_months must be >= 0"):
        resources.Resource(**{**fields, "lead_months": -1.0})
    with pytest.raises(ValueError, match="default_avg <= default_peak"):
        resources.Resource(**{**fields, "default_avg": 0.9, "default_peak": 0.8})
    with pytest.raises(ValueError, match="label must be a non-empty string"):
        resources.Resource(**{**fields, "label": ""})


def test_registry_matches_the_data_layer():
    table = thresholds.load_thresholds()
    history_columns = {c.name for c in loaders.SCHEMAS["company_history.csv"].columns}
    for r in resources.RESOURCES.values():
        assert r.metric in table.index
        assert {r.avg_column, r.peak_column} <= history_columns
        # the defaults are the docs/domain.md section 1 company: avg <= peak
        assert 0 < r.default_avg <= r.default_peak <= 1


def test_every_consumer_derives_its_list_from_the_registry():
    keys = resources.keys()
    reg = resources.RESOURCES
    assert mc.RESOURCES == keys
    assert mc.BREACH_METRICS[: len(keys)] == keys
    assert {f"{k}_{s}" for k in keys for s in ("avg", "peak")} <= set(mc.OUTPUTS)
    assert dict(report.RESOURCE_COLUMNS) == {r.metric: r.column_prefix for r in reg.values()}
    assert dict(report.RESOURCE_LABELS) == resources.labels()
    assert dict(report.REMEDIES) == {k: r.remedy for k, r in reg.items()}
    assert dict(calibration.ELASTICITY_COLUMNS) == {k: r.avg_column for k, r in reg.items()}
    assert {m: trends.CAPACITY_METRICS[m].format(stat="avg") for m in keys} == {
        k: r.avg_column for k, r in reg.items()}
    for r in reg.values():
        p = parameters.PARAMETERS[r.lead_parameter]
        assert p.default == r.lead_months
    defaults = mc.Inputs()
    assert dict(defaults.utilisation_avg) == {k: r.default_avg for k, r in reg.items()}
    assert dict(defaults.utilisation_peak) == {k: r.default_peak for k, r in reg.items()}


def test_adding_a_resource_is_a_local_change():
    # A storage resource declared in the registry only (before the other modules are
    # imported, as an edit of resources.py would): every consumer lists it, the engine
    # simulates it against the thresholds table's storage row (0.80 / 0.90).
    code = textwrap.dedent("""
        import json
        from scaling_models import resources as R
        R._REGISTRY["storage"] = R.Resource(
            key="storage", column_prefix="storage", metric="storage", label="Storage",
            unit="fraction", remedy="add storage", lead_months=2.0,
            lead_parameter="lead_storage_months", lead_help="lead time to add storage",
            default_avg=0.5, default_peak=0.6)
        from scaling_models import calibration, parameters, report, trends
        from scaling_models import montecarlo as mc
        res = mc.simulate(mc.Inputs(growth_volatility=0.0, growth_rate=0.15, elasticity=1.0),
                          n_paths=20, months=12, seed=1)
        print(json.dumps({
            "mc": list(mc.RESOURCES), "outputs": "storage_avg" in mc.OUTPUTS,
            "columns": report.RESOURCE_COLUMNS.get("storage"),
            "labels": report.RESOURCE_LABELS.get("storage"),
            "remedies": report.REMEDIES.get("storage"),
            "elasticity": calibration.ELASTICITY_COLUMNS.get("storage"),
            "trends": trends.CAPACITY_METRICS.get("storage"),
            "lead": parameters.PARAMETERS["lead_storage_months"].default,
            "threshold": res.breach_summary.loc[("storage", "attention"), "threshold"],
            "p50": res.breach_summary.loc[("storage", "attention"), "P50"],
        }))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).parent.parent)
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["mc"][-1] == "storage" and got["outputs"]
    assert got["columns"] == "storage" and got["labels"] == "Storage"
    assert got["remedies"] == "add storage" and got["elasticity"] == "storage_avg"
    assert got["trends"] == "storage_{stat}" and got["lead"] == 2.0
    assert got["threshold"] == 0.8
    # 0.5 * 1.15^t > 0.8 first at t = ceil(ln 1.6 / ln 1.15) = ceil(3.36) = 4
    assert got["p50"] == 4.0
