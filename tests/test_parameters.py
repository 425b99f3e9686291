"""Tests of the parameter registry shared by the notebooks and the batch driver."""

import ast
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scaling_models import parameters
from scaling_models.parameters import PARAMETERS, Parameter, ParameterError, check, validate


def test_every_default_passes_its_own_rules():
    assert validate(parameters.defaults()) == parameters.defaults()


def test_string_for_an_int_names_parameter_value_and_rule():
    # papermill injects `-p n_paths eight` as the string "eight"
    with pytest.raises(ParameterError, match=r"n_paths .*must be an integer in \[10, "
                                             r"2_000_000\]; got 'eight'"):
        validate({"n_paths": "eight"})


def test_bool_is_not_a_number():
    # papermill injects `-p growth_low True` happily; numpy would read it as 1.0
    with pytest.raises(ParameterError, match="growth_low .*got True"):
        validate({"growth_low": True})
    with pytest.raises(ParameterError, match="seed .*got False"):
        validate({"seed": False})


def test_percentage_for_a_fraction_gets_a_hint():
    with pytest.raises(ParameterError, match="a fraction: write 0.15 for 15 %"):
        validate({"growth_high": 15})


def test_out_of_range_and_fractional_int():
    with pytest.raises(ParameterError, match="horizon_months .*in \\[1, 60\\]; got 0"):
        validate({"horizon_months": 0})
    with pytest.raises(ParameterError, match="whole number"):
        validate({"horizon_months": 12.5})
    with pytest.raises(ParameterError, match="finite"):
        validate({"hourly_cost": math.nan})


def test_whole_float_is_accepted_for_an_int_and_int_widened_to_float():
    out = validate({"horizon_months": 12.0, "growth_low": 0})
    assert out == {"horizon_months": 12, "growth_low": 0.0}
    assert isinstance(out["horizon_months"], int) and isinstance(out["growth_low"], float)


def test_string_pattern_and_bool_kind():
    with pytest.raises(ParameterError, match="quarter .*like '2024-Q2'.*got '2024Q2'"):
        validate({"quarter": "2024Q2"})
    with pytest.raises(ParameterError, match="growth_from_history .*true or false; got 1"):
        validate({"growth_from_history": 1})
    assert validate({"growth_from_history": False}) == {"growth_from_history": False}


def test_unknown_name_suggests_closest():
    with pytest.raises(ParameterError, match="unknown parameter 'n_path'; did you mean n_paths"):
        validate({"n_path": 100})
    with pytest.raises(ParameterError, match="did you mean growth_low"):
        validate({"growth_lo": 0.1})


def test_unknown_name_without_close_match_lists_valid_names():
    with pytest.raises(ParameterError, match="valid names: .*n_paths"):
        validate({"zzzz": 1})


def test_allowed_restricts_names():
    with pytest.raises(ParameterError, match="unknown parameter 'hourly_cost'"):
        validate({"hourly_cost": 60.0}, allowed=["seed", "n_paths"])


def test_ordered_pair():
    with pytest.raises(ParameterError, match="growth_low must be < growth_high"):
        validate({"growth_low": 0.3, "growth_high": 0.2})


def test_not_a_mapping():
    with pytest.raises(ParameterError, match="mapping"):
        validate([("seed", 1)])


def test_check_returns_coerced_values_and_raises():
    assert check(seed=1, growth_low=0) == {"seed": 1, "growth_low": 0.0}
    with pytest.raises(ValueError, match="n_paths"):
        check(n_paths=-1)


def test_bad_declaration_is_rejected():
    with pytest.raises(ParameterError, match="x .*got 5"):
        Parameter(name="x", kind="int", default=5, low=10)
    with pytest.raises(ValueError, match="kind must be one of"):
        Parameter(name="x", kind="list", default=[])


def test_common_names_are_registered():
    for name in ("seed", "n_paths", "horizon_months", "data_dir", "quarter", "growth_low",
                 "growth_high"):
        assert name in PARAMETERS


@given(st.integers(10, 2_000_000))
def test_any_int_in_range_is_accepted_unchanged(n):
    assert validate({"n_paths": n}) == {"n_paths": n}


@given(st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: not -0.5 <= x <= 1))
def test_any_float_outside_range_is_rejected(x):
    with pytest.raises(ParameterError, match="growth_high"):
        validate({"growth_high": x})


NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"


def _declared_defaults(path: Path) -> dict:
    import papermill

    # papermill reports each default as its source text ("5_000", "'memory'")
    return {name: ast.literal_eval(info["default"])
            for name, info in papermill.inspect_notebook(str(path)).items()}


@pytest.mark.parametrize("path", sorted(NOTEBOOK_DIR.glob("*.ipynb")), ids=lambda p: p.stem)
def test_every_notebook_declares_registered_parameters_with_valid_defaults(path):
    declared = _declared_defaults(path)
    assert declared, f"{path.name} has no cell tagged 'parameters'"
    unknown = set(declared) - set(parameters.PARAMETERS)
    assert not unknown, f"{path.name} declares parameters missing from the registry: {unknown}"
    assert validate(declared) == declared


def test_board_report_defaults_are_the_registry_defaults():
    declared = _declared_defaults(NOTEBOOK_DIR / "board_report.ipynb")
    assert declared == parameters.defaults(declared)


@pytest.mark.parametrize("path", sorted(NOTEBOOK_DIR.glob("*.ipynb")), ids=lambda p: p.stem)
def test_every_check_cell_refuses_undeclared_names_and_checks_every_declared_one(path):
    """The cell after the parameters cell calls check_namespace(globals(), check(...)) with
    exactly the declared names: a misspelt -p name stops the run, a declared one passes."""
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    index = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", ()))
    check_cell = next(c for c in nb.cells[index + 1:] if c.cell_type == "code")
    tree = ast.parse(check_cell.source)
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)
             and isinstance(n.func, ast.Attribute) and n.func.attr == "check_namespace"]
    assert len(calls) == 1, f"{path.name}: the check cell must call check_namespace once"
    outer = calls[0]
    assert isinstance(outer.args[0], ast.Call) and outer.args[0].func.id == "globals"
    inner = outer.args[1]
    assert inner.func.attr == "check"
    assert {k.arg for k in inner.keywords} == set(_declared_defaults(path))


def test_check_namespace_ignores_kernel_names_modules_and_functions():
    import math as module

    namespace = {"seed": 1, "In": [], "Out": {}, "get_ipython": print, "_i1": "x",
                 "module": module, "helper": lambda: 0, "Kind": int}
    assert parameters.check_namespace(namespace, ["seed"]) == ["seed"]
    with pytest.raises(ParameterError, match=r"unknown parameters 'n_path' \(did you mean "
                                             r"n_paths\?\), 'zzz'; this notebook declares"):
        parameters.check_namespace({**namespace, "n_path": 3, "zzz": 1}, ["seed", "n_paths"])
