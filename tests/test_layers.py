"""The house has one-way stairs: imports go down the layers and never round in a circle.

leaves (errors, atomic, tables, context, progress, threads) <- core (pure numpy) <- render (the only
matplotlib importer) <- api <- gallery (batch rendering, handed the CLI) <- cli.
Every import counts, also those inside functions (they run too, only later).
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "actviz"

LAYERS = {
    "leaf": 0, "core": 1, "render": 2, "api": 3, "gallery": 4, "cli": 5,
}
LEAVES = {"actviz", "actviz.errors", "actviz.atomic", "actviz.tables", "actviz.context", "actviz.progress",
          "actviz.threads"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer(module: str) -> str:
    if module in LEAVES:
        return "leaf"
    if module in ("actviz.api", "actviz.activations"):
        return "api"
    if module == "actviz.__main__":
        return "cli"
    second = module.split(".")[1]
    assert second in LAYERS, f"{module} belongs to no layer: add it to tests/test_layers.py"
    return second


def sources() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports(path: Path, modules: set[str]) -> set[str]:
    """The actviz modules a file imports (``from actviz.x import y`` counts y when it is a module)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return {m for m in found if m in modules}


def graph() -> dict[str, set[str]]:
    src = sources()
    names = set(src)
    # importing a package's submodule runs the package first: an edge to the submodule is enough
    return {m: {d for d in imports(p, names) if d != m and not m.startswith(d + ".") and d != "actviz"}
            for m, p in src.items()}


def test_every_module_has_a_layer():
    for module in sources():
        layer(module)


@pytest.mark.parametrize("module", sorted(sources()))
def test_imports_go_down_the_layers(module):
    mine = LAYERS[layer(module)]
    upward = sorted(d for d in graph()[module] if LAYERS[layer(d)] > mine)
    assert not upward, f"{module} ({layer(module)}) imports from a higher layer: {upward}"


def test_no_import_cycles():
    edges = graph()
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for d in sorted(edges[m]):
            if state.get(d) == 1:
                cycles.append(stack[stack.index(d):] + [d])
            elif d not in state:
                visit(d)
        stack.pop()
        state[m] = 2

    for m in sorted(edges):
        if m not in state:
            visit(m)
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


def run_time_nodes(tree: ast.AST):
    """Every node except those under ``if TYPE_CHECKING:`` (annotations only, never run)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            continue
        yield node
        yield from run_time_nodes(node)


def test_only_the_render_layer_imports_matplotlib():
    for module, path in sources().items():
        nodes = list(run_time_nodes(ast.parse(path.read_text(encoding="utf-8"))))
        names = {a.name for n in nodes if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module for n in nodes if isinstance(n, ast.ImportFrom) and n.module}
        drawing = sorted(n for n in names if n.split(".")[0] == "matplotlib")
        if layer(module) != "render":
            assert not drawing, f"{module} imports {drawing}; only actviz.render may"
