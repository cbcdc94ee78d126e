"""ARCHITECTURE.md: dependencies point one way and the domain stays pure (import-linter)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_layer_contracts_hold():
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint, "import-linter is a test dependency"
    done = subprocess.run([lint], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:]


def _import_cycles(graph) -> list[list[str]]:
    """Every group of modules that import one another round in a circle (Tarjan's SCC)."""
    modules = graph.modules
    edges = {m: [x for x in graph.find_modules_directly_imported_by(m) if x in modules]
             for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for module in sorted(modules):
        if module not in index:
            visit(module)
    return cycles


def test_no_import_circles_anywhere():
    """A newcomer can read the tree bottom-up: no two modules import each other, directly or
    round a circle, even lazily inside a function (issue 22)."""
    import grimp

    graph = grimp.build_graph("cintui", "screens")
    assert _import_cycles(graph) == []


def test_the_circle_check_finds_a_circle():
    """The check above is not vacuous: a graph with a circle is reported."""
    import grimp

    graph = grimp.ImportGraph()
    for name in ("pkg", "pkg.a", "pkg.b", "pkg.c"):
        graph.add_module(name)
    graph.add_import(importer="pkg.a", imported="pkg.b")
    graph.add_import(importer="pkg.b", imported="pkg.c")
    graph.add_import(importer="pkg.c", imported="pkg.a")
    assert _import_cycles(graph) == [["pkg.a", "pkg.b", "pkg.c"]]
