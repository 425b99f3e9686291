"""The package's import graph has no cycle.

Every ``import``/``from ... import`` of a ``scaling_models`` module inside
``scaling_models/*.py`` is an edge, at module level or inside a function (a function-level
import is still a dependency: it only hides a cycle until the function runs).
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "scaling_models"
NAME = PACKAGE.name


def _module_name(path: Path) -> str:
    return NAME if path.stem == "__init__" else f"{NAME}.{path.stem}"


def _targets(node: ast.AST, modules: set[str]) -> set[str]:
    """The package modules an import statement loads."""
    found: set[str] = set()
    if isinstance(node, ast.Import):
        found = {alias.name for alias in node.names}
    elif isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:  # relative: from . import x / from .x import y
            base = f"{NAME}.{base}" if base else NAME
        found = {base}
        # "from scaling_models import growth" imports the submodule growth
        found |= {f"{base}.{alias.name}" for alias in node.names}
    return {name for name in found if name in modules}


def import_graph() -> dict[str, set[str]]:
    """Module -> the package modules it imports (``__init__``'s lazy loader excluded)."""
    files = sorted(PACKAGE.glob("*.py"))
    modules = {_module_name(f) for f in files}
    graph = {}
    for file in files:
        name = _module_name(file)
        tree = ast.parse(file.read_text(encoding="utf-8"), filename=str(file))
        edges: set[str] = set()
        for node in ast.walk(tree):
            edges |= _targets(node, modules)
        # every submodule implies its package; importing the package itself is no cycle
        edges.discard(NAME)
        edges.discard(name)
        graph[name] = edges
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as a list of modules (first == last), or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            cycle = visit(start)
            if cycle:
                return cycle
    return None


def test_find_cycle_detects_a_cycle():
    # the checker itself: a -> b -> c -> a is found, a DAG is not
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_graph_sees_module_and_function_level_imports():
    graph = import_graph()
    # module level (growth reads its scenario table through the data layer)
    assert "scaling_models.loaders" in graph["scaling_models.growth"]
    # function level (batch imports notebook_io where it reads the executed notebook)
    assert "scaling_models.notebook_io" in graph["scaling_models.batch"]


def test_no_import_cycle():
    cycle = find_cycle(import_graph())
    if cycle:
        pytest.fail("import cycle: " + " -> ".join(cycle))
