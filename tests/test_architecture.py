"""The shape of the code: no import cycle among sitegen's modules, no module or function too long.

Imports are read from the source with :mod:`ast`, those inside functions
included (a cycle hidden in a function-level import is a cycle all the same),
and those under ``if TYPE_CHECKING:`` left out (they never run).
"""

from __future__ import annotations

import ast
from pathlib import Path

GENERATOR = Path(__file__).resolve().parent.parent / "generator"
MAX_LINES = 400
# Modules still over MAX_LINES; each is to be split, and this list only shrinks.
STILL_LONG: set[str] = set()
# Cycles still there, each to be broken; this list only shrinks.
STILL_CYCLIC: list[list[str]] = []


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(GENERATOR.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(GENERATOR.rglob("*.py"))}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The sitegen modules that module ``name`` imports, anywhere but under TYPE_CHECKING."""
    tree = ast.parse(path.read_text("utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    skipped = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for statement in block.body
        for node in ast.walk(statement)
    }
    found = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return {_owner(module, known) for module in found if _owner(module, known)} - {name}


def _owner(module: str, known: set[str]) -> str:
    """The sitegen module that ``module`` names (``a.b.c`` may be a name inside ``a.b``)."""
    while module and module not in known:
        module = module.rpartition(".")[0]
    return module


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for child in sorted(graph.get(node, ())):
            if child not in index:
                visit(child)
                low[node] = min(low[node], low[child])
            elif child in on_stack:
                low[node] = min(low[node], index[child])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_cycle_through_a_function_level_import(tmp_path):
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]
    source = tmp_path / "m.py"
    source.write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from generator import y\n"
        "def f():\n    from generator.x import thing\n"
    )
    known = {"generator", "generator.x", "generator.y", "generator.m"}
    assert _imports("generator.m", source, known) == {"generator.x"}


def test_no_import_cycle():
    graph = _graph()
    # The package itself only names the version; importing a submodule is no cycle.
    for name in graph:
        graph[name].discard("generator")
    cycles = _cycles(graph)
    assert [c for c in cycles if c not in STILL_CYCLIC] == []
    gone = [c for c in STILL_CYCLIC if c not in cycles]
    assert not gone, f"no longer a cycle, take it off STILL_CYCLIC: {gone}"


def test_no_module_over_400_lines():
    over = {
        name
        for name, path in _modules().items()
        if len(path.read_text("utf-8").splitlines()) > MAX_LINES
    }
    assert over <= STILL_LONG, f"over {MAX_LINES} lines: {sorted(over - STILL_LONG)}"
    shorter = sorted(STILL_LONG - over)
    assert not shorter, f"now short enough, take them off STILL_LONG: {shorter}"


MAX_FUNCTION_LINES = 50


def _long_functions(name: str, path: Path) -> list[str]:
    """``module.function (N lines)`` for each function of ``path`` over MAX_FUNCTION_LINES."""
    tree = ast.parse(path.read_text("utf-8"))
    return [
        f"{name}.{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]


def test_the_long_function_finder_finds_one(tmp_path):
    body = "".join(f"    x{n} = {n}\n" for n in range(MAX_FUNCTION_LINES))
    (tmp_path / "long.py").write_text(f"def short():\n    pass\n\n\ndef long():\n{body}")
    assert [
        entry.split()[0].rpartition(".")[2]
        for entry in _long_functions("long", tmp_path / "long.py")
    ] == ["long"]


def test_no_function_over_50_lines():
    over = [entry for name, path in _modules().items() for entry in _long_functions(name, path)]
    assert over == [], f"functions over {MAX_FUNCTION_LINES} lines: {over}"
