"""Dependencies point one way: settings <- state <- mechanisms <- agents <- model <- API <- faces.

Imports are read from the source (module level and inside functions alike: an import
hidden in a function to break a circle is still a circle), so a new module that reaches
upward, or a cycle anywhere in the package, fails here.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "district_sim"

#: Layer of each part of the package; a module may import only its own layer or lower ones.
LAYERS = {
    "calendar": 0, "settings": 0, "shocks": 0, "paramdoc": 0, "threads": 1,
    "state": 1,
    "mechanisms": 2,
    "agents": 3,
    "metrics": 4, "record": 4, "school_record": 4,
    "model": 5, "scenarios": 1,
    "simulation": 6, "api": 6, "report": 6, "whatif": 7, "__init__": 7,
    "cli": 8, "ui": 8, "experiments": 8, "validation": 8, "ema": 8,
}
FACES = ("cli", "ui", "experiments", "validation", "ema")


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" and len(rel.parts) > 1 else rel.parts
    return ".".join(parts)


def imports(path: Path) -> set[str]:
    """Modules of the package that ``path`` imports, as dotted names below district_sim."""
    me = module_name(path).split(".")
    package = me if path.name == "__init__.py" else me[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
            elif node.module and node.module.startswith("district_sim"):
                base, node_module = [], node.module.removeprefix("district_sim").lstrip(".")
                found.add(node_module) if node_module else None
                continue
            else:
                continue
            target = base + (node.module.split(".") if node.module else [])
            if node.module:
                found.add(".".join(target))
            else:  # from . import a, b
                found.update(".".join(target + [a.name]) for a in node.names)
    return {f for f in found if f and f != "__init__"}


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    out = {}
    for name, path in modules.items():
        # resolve each import to a known module (a name may be an attribute of a package)
        deps = set()
        for dep in imports(path):
            while dep and dep not in modules:
                dep = dep.rpartition(".")[0]
            if dep and dep != name:
                deps.add(dep)
        out[name] = deps
    return out


def layer(module: str) -> int:
    return LAYERS[module.split(".")[0]]


def test_every_module_has_a_layer():
    missing = sorted(m for m in graph() if m.split(".")[0] not in LAYERS)
    assert not missing, f"give these a layer in LAYERS: {missing}"


@pytest.mark.parametrize("module", sorted(graph()))
def test_imports_point_down(module):
    up = sorted(d for d in graph()[module] if layer(d) > layer(module))
    assert not up, f"{module} (layer {layer(module)}) imports higher layers: {up}"


def test_core_never_imports_a_face():
    bad = sorted((m, d) for m, deps in graph().items() if m.split(".")[0] not in FACES + ("cli",)
                 for d in deps if d.split(".")[0] in FACES)
    assert not bad, bad


def find_cycle(g: dict[str, set[str]]) -> list[str]:
    """One import cycle of ``g`` (empty if there is none), by depth-first search."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(m: str) -> list[str]:
        state[m] = 1
        path.append(m)
        for d in sorted(g[m]):
            if state.get(d) == 1:
                return path[path.index(d):] + [d]
            if d not in state and (cycle := visit(d)):
                return cycle
        path.pop()
        state[m] = 2
        return []

    for m in sorted(g):
        if m not in state and (cycle := visit(m)):
            return cycle
    return []


def test_no_import_cycles():
    cycle = find_cycle(graph())
    assert not cycle, "import cycle: " + " -> ".join(cycle)


def test_the_checker_sees_a_cycle():
    """The cycle check itself can fail: a circle through three modules is reported."""
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) == []
