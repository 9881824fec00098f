"""Guard rails on the shape of `tui/`: no import cycle, small modules, no silenced attribute errors.

The import graph is read from the source (every `import`, including those inside functions and
under TYPE_CHECKING), and importing `a.b.c` also runs `a/__init__` and `a/b/__init__`, so a
module depends on its parent packages too. A package's `__init__` may gather its own modules
(those edges are left out, and no module may import names from its own package's `__init__`).
A cycle anywhere in that graph fails.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TUI = Path(__file__).resolve().parent.parent / "tui"
MAX_LINES = 400


def module_name(path: Path) -> str:
    parts = list(path.relative_to(TUI.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(TUI.rglob("*.py"))}


def imported(path: Path, name: str, known: set[str]) -> set[str]:
    """The `tui` modules a file imports (a `from package import name` of a module counts)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                # `from package import module` imports the module; any other name, the package.
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    return {target for target in found if target in known and target != name}


def parents(name: str) -> set[str]:
    parts = name.split(".")
    return {".".join(parts[:end]) for end in range(1, len(parts))}


def explicit_imports() -> dict[str, set[str]]:
    found = modules()
    return {name: imported(path, name, set(found)) for name, path in found.items()}


def import_graph() -> dict[str, set[str]]:
    """Each module's imports and parent packages, less a package's own modules."""
    return {name: {target for target in targets | parents(name)
                   if target != name and not target.startswith(name + ".")}
            for name, targets in explicit_imports().items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as a path that ends where it starts, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return [*stack[stack.index(target):], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_graph_is_read_from_the_source() -> None:
    graph = import_graph()
    assert "tui.core.session.events" in graph["tui.core.session.eventlog"]
    assert "tui.core" in graph["tui.core.session"]


def test_a_cycle_is_found_when_there_is_one() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle_in_tui() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_no_module_imports_its_own_package() -> None:
    offenders = [f"{name} imports {target}" for name, targets in explicit_imports().items()
                 for target in targets & parents(name) if target != "tui"]
    assert not offenders, "; ".join(offenders)


@pytest.mark.parametrize("name", sorted(modules()))
def test_module_is_at_most_400_lines(name: str) -> None:
    lines = len(modules()[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{name} has {lines} lines; split it by job"


def test_no_silenced_attribute_errors_in_the_app() -> None:
    offenders = [f"{path.relative_to(TUI.parent)}:{number}"
                 for path in sorted((TUI / "app").rglob("*.py"))
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if "type: ignore[attr-defined]" in line]
    assert not offenders, "silenced attribute errors: " + ", ".join(offenders)
