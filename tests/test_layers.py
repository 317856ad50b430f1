"""The house stands: every wwlib module imports only from its own package or a layer below it.

The rule is read from the code's own imports (module level and inside functions alike), so a
new module placed in the wrong package, or an import that points up, fails here first. The
layers are the ones `wwlib/__init__.py` and the README's "Layout" section describe.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "wwlib"

# lowest first; packages on one layer are siblings and do not import each other
LAYERS = (
    ("core",),
    ("transcripts", "qdpx", "analysis"),
    ("folder", "figures"),
    ("store",),
    ("cohorts",),
    ("present",),
    ("ui", "outputs"),
    ("exchange",),
    ("app",),
)
LAYER = {package: level for level, packages in enumerate(LAYERS) for package in packages}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every wwlib module a file imports, at any depth of its code."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("wwlib")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("wwlib"):
            found.add(node.module)
            # `from wwlib.present import look` imports the module wwlib.present.look
            found |= {f"{node.module}.{a.name}" for a in node.names if a.name.islower()}
    return {name for name in found if _is_module(name)}


def _is_module(name: str) -> bool:
    path = PACKAGE.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def package_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
GRAPH = {module: imports_of(path) for module, path in MODULES.items()}


def test_every_package_has_a_layer():
    packages = {package_of(m) for m in MODULES} - {""}
    assert packages <= set(LAYER), f"give these packages a layer: {packages - set(LAYER)}"
    flat = [m for m in MODULES if m.count(".") == 1 and not (PACKAGE / package_of(m)).is_dir()]
    assert flat == [], f"modules outside every package: {flat}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if package_of(m)))
def test_imports_point_down(module):
    own = package_of(module)
    wrong = []
    for target in sorted(GRAPH[module]):
        other = package_of(target)
        if not other or other == own:
            continue
        if LAYER[other] >= LAYER[own]:
            wrong.append(f"{target} (layer {LAYER[other]}, {module} is on {LAYER[own]})")
    assert wrong == [], f"{module} imports from its own layer or above: {wrong}"


def test_the_package_face_imports_nothing_eagerly():
    """`import wwlib` loads no submodule but the few lines that load the others on first use
    (which import nothing of wwlib): `ww check` and kernels pay only for what they use."""
    assert GRAPH["wwlib"] == {"wwlib.core.lazy"}
    assert GRAPH["wwlib.core.lazy"] == set()


def test_no_module_imports_itself_round_a_circle():
    """No cycle of imports, not even inside one package or hidden inside a function."""
    state: dict[str, int] = {}  # 1 visiting, 2 done
    circles = []

    def visit(module: str, trail: list[str]) -> None:
        state[module] = 1
        for target in sorted(GRAPH.get(module, ())):
            if target == module or GRAPH.get(target) is None:
                continue
            if state.get(target) == 1:
                circles.append(trail[trail.index(target) :] + [target])
            elif target not in state:
                visit(target, [*trail, target])
        state[module] = 2

    for module in sorted(GRAPH):
        if module not in state:
            visit(module, [module])
    assert circles == [], "import circles:\n" + "\n".join(" -> ".join(c) for c in circles)


def test_the_rule_catches_an_upward_import(tmp_path):
    """The reader sees imports inside functions and `from package import module` alike."""
    source = tmp_path / "probe.py"
    source.write_text("def f():\n    from wwlib.present import views\n    import wwlib.app.cli\n")
    assert imports_of(source) == {"wwlib.present", "wwlib.present.views", "wwlib.app.cli"}


def test_store_modules_share_no_private_names():
    """The store's modules share public helpers (`store.rows`) and `StoreCore`'s methods only.

    No module of wwlib/store imports a name starting with `_` from another, and a mixin calls
    `self._name` only when its own module or `StoreCore` (the mixins' interface) defines it.
    """
    store = PACKAGE / "store"
    trees = {path.stem: ast.parse(path.read_text(encoding="utf-8")) for path in store.glob("*.py")}

    def defined(tree: ast.AST, only: str = "") -> set[str]:
        classes = [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
        classes = [c for c in classes if c.name == only] if only else classes
        found = {n.name for c in classes for n in c.body if isinstance(n, ast.FunctionDef)}
        return found | {
            n.attr
            for c in classes
            for n in ast.walk(c)
            if isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Store)
        }

    interface = defined(trees["core"], only="StoreCore")
    wrong = []
    for name, tree in sorted(trees.items()):
        own = defined(tree) | (interface if name != "core" else set())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (
                node.level or (node.module or "").startswith("wwlib.store")
            ):
                wrong += [f"{name} imports {a.name}" for a in node.names if a.name.startswith("_")]
            elif (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "self"
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and node.attr not in own
            ):
                wrong.append(f"{name} calls self.{node.attr} of another mixin")
    assert wrong == [], "give these a public name or a place on StoreCore: " + ", ".join(wrong)
