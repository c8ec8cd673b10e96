"""No import cycle among the modules of webapp/.

A cycle is how a centre that reaches out to every domain shows itself (the workflow's
effects once imported assessments, consent and transfers, which imported the workflow
back), and a deferred import inside a function only hides it. So the graph read here
counts every import statement, at module level or inside a function, and a failure names
the modules of each cycle and one path round it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "webapp"


def module_files(package: Path = PACKAGE) -> dict[str, Path]:
    """Every module of the package by its dotted name (a package by its own name)."""
    modules = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        if "migrations" in parts:  # Alembic loads these by path; they are not imported
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def imported_names(module: str, path: Path, known: set[str]) -> Iterator[str]:
    """The modules of `known` that `module` imports, anywhere in its text. `from x import y`
    imports the module x.y when there is one, else x; relative imports are resolved."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield from _known_prefix(alias.name, known)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(module, is_package, node.level, node.module)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                yield submodule if submodule in known else from_base(base, known)


def from_base(base: str, known: set[str]) -> str:
    return base if base in known else next(iter(_known_prefix(base, known)), "")


def _known_prefix(name: str, known: set[str]) -> Iterator[str]:
    """`import a.b.c` runs a, a.b and a.b.c; the deepest one we know stands for it."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in known:
            yield candidate
            return


def _absolute(module: str, is_package: bool, level: int, name: str | None) -> str:
    if not level:
        return name or ""
    package = module.split(".") if is_package else module.split(".")[:-1]
    base = package[: len(package) - level + 1]
    return ".".join([*base, name] if name else base)


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    modules = module_files(package)
    known = set(modules)
    graph = {}
    for module, path in modules.items():
        # A module's own package runs before it whatever it imports: not an edge back.
        parents = {".".join(module.split(".")[:end]) for end in range(1, module.count(".") + 1)}
        graph[module] = set(imported_names(module, path, known)) - {module, "", *parents}
    return graph


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative: the components of more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(graph[successor]))))
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        components.append(sorted(component))
    return components


def a_cycle_through(component: list[str], graph: dict[str, set[str]]) -> list[str]:
    """One path from the component's first module back to itself, inside the component."""
    members = set(component)
    start = component[0]
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for successor in sorted(graph[node] & members):
                if successor == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [*reversed(path), start]
                if successor not in came_from:
                    came_from[successor] = node
                    following.append(successor)
        frontier = following
    return component


def describe(components: list[list[str]], graph: dict[str, set[str]]) -> str:
    return "\n".join(
        f"{len(component)} modules import each other: {', '.join(component)}\n"
        f"  for example {' -> '.join(a_cycle_through(component, graph))}"
        for component in components
    )


def test_no_module_of_webapp_imports_itself_back_through_others():
    graph = import_graph()
    cycles = strongly_connected(graph)

    assert not cycles, "import cycles in webapp/:\n" + describe(cycles, graph)


# --- the reader of the graph, on small packages written for the purpose ------------------


def write_package(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root / "app"


def test_an_import_inside_a_function_is_an_edge_and_closes_a_cycle(tmp_path):
    package = write_package(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/hub.py": "def run():\n    from app.domain import services\n",
            "app/domain/__init__.py": "",
            "app/domain/services.py": "from app import hub\n",
        },
    )
    graph = import_graph(package)

    assert graph["app.hub"] == {"app.domain.services"}
    assert graph["app.domain.services"] == {"app.hub"}
    assert strongly_connected(graph) == [["app.domain.services", "app.hub"]]


def test_relative_imports_and_imported_submodules_are_resolved(tmp_path):
    package = write_package(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/domain/__init__.py": "from . import models\n",
            "app/domain/models.py": "from ..core import db\n",
            "app/domain/views.py": "from .models import Thing\nfrom . import services\n",
            "app/domain/services.py": "import app.core.db\n",
            "app/core/__init__.py": "",
            "app/core/db.py": "from app.domain import views\n",
        },
    )
    graph = import_graph(package)

    assert graph["app.domain"] == {"app.domain.models"}
    assert graph["app.domain.models"] == {"app.core.db"}
    assert graph["app.domain.views"] == {"app.domain.models", "app.domain.services"}
    assert graph["app.domain.services"] == {"app.core.db"}
    assert strongly_connected(graph) == [
        ["app.core.db", "app.domain.models", "app.domain.services", "app.domain.views"]
    ]


def test_a_package_importing_its_own_modules_is_no_cycle(tmp_path):
    package = write_package(
        tmp_path,
        {
            "app/__init__.py": "from app import helpers\n",
            "app/helpers.py": "from app import settings\n",
            "app/settings.py": "X = 1\n",
        },
    )

    assert strongly_connected(import_graph(package)) == []


def test_the_failure_names_a_path_round_the_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}

    components = strongly_connected(graph)

    assert components == [["a", "b", "c"]]
    assert "a -> b -> c -> a" in describe(components, graph)
