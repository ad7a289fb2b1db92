"""The package's import structure: no cycles, and no imports of our own code hidden inside functions.

An import inside a function is how a cycle gets dodged instead of removed; the layers in setup.cfg
(``[importlinter]``, run by ``make lint``) say which way imports may run. These tests read the source
with ``ast`` (nothing is imported), so they fail on the line that breaks the rule.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "digitale_balie_plugin"
NAME = PACKAGE.name

#: Function-level imports of our own code that are allowed, each with its reason: ``(module, function)``.
#: ``AppConfig.ready()``, migrations and management commands are allowed anyway.
JUSTIFIED: dict[tuple[str, str], str] = {}

#: Imports by name at run time (``import_module``) of our own code, each with its reason.
JUSTIFIED_DYNAMIC: dict[tuple[str, str], str] = {}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in PACKAGE.rglob("*.py") if "migrations" not in path.parts}


def imported_modules(module: str, node: ast.ImportFrom | ast.Import, known: dict[str, Path]) -> list[str]:
    """The package's own modules an import statement loads (``from .x import y``: ``x.y`` when it is a module)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names if alias.name.startswith(NAME)]
    base = module if known[module].name == "__init__.py" else module.rpartition(".")[0]
    for _ in range(max(node.level - 1, 0)):
        base = base.rpartition(".")[0]
    target = (f"{base}.{node.module}" if node.module else base) if node.level else (node.module or "")
    if not target.startswith(NAME):
        return []
    return [f"{target}.{alias.name}" if f"{target}.{alias.name}" in known else target for alias in node.names]


class ImportCollector(ast.NodeVisitor):
    def __init__(self, module: str, known: dict[str, Path]):
        self.module, self.known = module, known
        self.top_level: set[str] = set()
        self.in_functions: list[tuple[str, int, str]] = []
        self.dynamic: list[tuple[str, int]] = []
        self._functions: list[str] = []

    def visit_FunctionDef(self, node):
        self._functions.append(node.name)
        self.generic_visit(node)
        self._functions.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_If(self, node):
        if "TYPE_CHECKING" in ast.unparse(node.test):
            return  # annotations only: nothing is imported at run time
        self.generic_visit(node)

    def _import(self, node):
        targets = imported_modules(self.module, node, self.known)
        if self._functions:
            self.in_functions += [(self._functions[-1], node.lineno, target) for target in targets]
        else:
            self.top_level.update(target for target in targets if target in self.known and target != self.module)

    visit_Import = visit_ImportFrom = _import

    def visit_Call(self, node):
        name = ast.unparse(node.func)
        is_dynamic = name.endswith(("import_module", "__import__", "import_string"))
        first = node.args[0] if node.args else None
        if is_dynamic and isinstance(first, ast.Constant) and str(first.value).startswith(NAME):
            self.dynamic.append((self._functions[-1] if self._functions else "<module>", node.lineno))
        self.generic_visit(node)


def collect() -> dict[str, ImportCollector]:
    known = modules()
    found = {}
    for module, path in known.items():
        collector = ImportCollector(module, known)
        collector.visit(ast.parse(path.read_text(), filename=str(path)))
        found[module] = collector
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index, low, on_stack, stack, found, counter = {}, {}, set(), [], [], [0]
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(graph[root]))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph.get(child, ()))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
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
                    found.append(sorted(component))
    return found


@pytest.fixture(scope="module")
def collected():
    return collect()


def short(module: str) -> str:
    return module.removeprefix(f"{NAME}.")


def test_the_package_has_no_import_cycle(collected):
    graph = {module: collector.top_level for module, collector in collected.items()}
    assert [[short(module) for module in cycle] for cycle in cycles(graph)] == []


def test_the_cycle_finder_finds_a_cycle():
    """The check above must be able to fail."""
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def allowed(module: str, function: str) -> bool:
    return (function == "ready" and module.endswith("apps")) or ".management." in module


def test_no_imports_of_our_own_code_inside_functions(collected):
    hidden = [
        f"{short(module)}.{function} (line {line}) imports {short(target)}"
        for module, collector in collected.items()
        for function, line, target in collector.in_functions
        if not allowed(module, function) and (short(module), function) not in JUSTIFIED
    ]
    assert hidden == []


def test_no_dynamic_imports_of_our_own_code_without_a_reason(collected):
    dynamic = [
        f"{short(module)}.{function} (line {line})"
        for module, collector in collected.items()
        for function, line in collector.dynamic
        if (short(module), function) not in JUSTIFIED_DYNAMIC
    ]
    assert dynamic == []


def test_the_collector_sees_an_import_inside_a_function(tmp_path):
    """The checks above must be able to fail: an import in a function body is found, one at the top is not."""
    source = f"from {NAME} import conf\n\n\ndef f():\n    from {NAME} import signals\n"
    known = {f"{NAME}.x": tmp_path / "x.py", f"{NAME}.conf": tmp_path, f"{NAME}.signals": tmp_path}
    collector = ImportCollector(f"{NAME}.x", known)
    collector.visit(ast.parse(source))
    assert collector.top_level == {f"{NAME}.conf"}
    assert collector.in_functions == [("f", 5, f"{NAME}.signals")]


def test_the_justified_exceptions_are_few_and_still_needed(collected):
    assert len(JUSTIFIED) + len(JUSTIFIED_DYNAMIC) <= 10
    seen = {(short(module), function) for module, c in collected.items() for function, _line, _t in c.in_functions}
    seen |= {(short(module), function) for module, c in collected.items() for function, _line in c.dynamic}
    assert set(JUSTIFIED) | set(JUSTIFIED_DYNAMIC) <= seen, "remove exceptions that are no longer needed"
