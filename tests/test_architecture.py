"""The package's shape: no import cycles, and no module reaching into another's privates.

Both checks read the source with :mod:`ast`; nothing is imported or run.
"""

from __future__ import annotations

import ast
from pathlib import Path

import neuronlab

PACKAGE_DIR = Path(neuronlab.__file__).parent
ROOT = "neuronlab"

# Known exceptions: (module, private name), each with its reason: none.
ALLOWED_PRIVATE_USES: set[tuple[str, str]] = set()

# Import cycles allowed, as sets of module names, each with its reason: none. (The Keras
# spellings model.save, save_weights, load_weights, to_json and export reach the modules
# that write files, saving, keras_files and onnx_export, which never import the model;
# only io and keras_reader, which build models from files, import it.)
ALLOWED_CYCLE_MODULES: set[frozenset[str]] = set()

# The longest a module may be: one that grows past it holds more than one idea and is
# split (by concern, as the lab's playground sessions are: config, session, wire,
# diagnosis, export).
MAX_LINES = 600
# Modules still longer, each with its line count as the ceiling it may not grow past.
LONG_MODULES: dict[str, int] = {}

# Names of the standard library that start with an underscore but are its public API.
STDLIB_PUBLIC = {("os", "_exit"), ("sys", "_getframe")}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE_DIR.rglob("*.py"))}


def is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def resolve(module: str, node: ast.ImportFrom) -> str:
    """The absolute name of what ``from <node.module> import ...`` refers to."""
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package(module) else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def under_type_checking(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", "")
            if name == "TYPE_CHECKING":
                return True
    return False


def parse(name: str, source: str | None = None) -> tuple[ast.Module, dict[ast.AST, ast.AST]]:
    tree = ast.parse(source if source is not None else MODULES[name].read_text("utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    return tree, parents


def imports_of(name: str) -> set[str]:
    """Package modules ``name`` imports at run time, at module level or inside functions."""
    tree, parents = parse(name)
    found: set[str] = set()
    for node in ast.walk(tree):
        if under_type_checking(node, parents):
            continue
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = resolve(name, node)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                targets.append(sub if sub in MODULES else base)
        found.update(t for t in targets if t in MODULES and t != name)
    return found


def import_graph() -> dict[str, set[str]]:
    return {name: imports_of(name) for name in MODULES}


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
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
                groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return groups


def is_private(attr: str) -> bool:
    return attr.startswith("_") and not (attr.startswith("__") and attr.endswith("__"))


def own_package(user: str, owner: str) -> bool:
    """A private module may be used inside its own package (``plots._common`` in ``plots/``)."""
    user_pkg = user if is_package(user) else user.rpartition(".")[0]
    owner_pkg = owner.rpartition(".")[0]
    return user_pkg == owner_pkg or user_pkg.startswith(owner_pkg + ".")


def private_uses(name: str, source: str | None = None) -> list[tuple[str, str, int]]:
    """``(private name, how, line)`` for each use of another module's private name."""
    tree, _ = parse(name, source)
    uses: list[tuple[str, str, int]] = []
    # classes and functions defined in this module: their privates are this module's own
    own_names = {node.name for node in tree.body
                 if isinstance(node, (ast.ClassDef, ast.FunctionDef))}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = resolve(name, node)
            for part in base.split(".")[1:]:
                if is_private(part) and not own_package(name, base):
                    uses.append((part, f"from {base} import ", node.lineno))
                    break
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                if is_private(alias.name) and not (sub in MODULES and own_package(name, sub)):
                    uses.append((alias.name, f"from {base} import ", node.lineno))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if any(is_private(p) for p in alias.name.split(".")) and not own_package(
                        name, alias.name):
                    uses.append((alias.name, "import ", node.lineno))
        elif isinstance(node, ast.Attribute) and is_private(node.attr):
            owner = node.value
            if isinstance(owner, ast.Name) and owner.id in ("self", "cls", *own_names):
                continue
            if isinstance(owner, ast.Name) and (owner.id, node.attr) in STDLIB_PUBLIC:
                continue
            dotted = ast.unparse(owner)
            module = f"{dotted if dotted.startswith(ROOT) else ROOT + '.' + dotted}.{node.attr}"
            if module in MODULES and own_package(name, module):
                continue
            uses.append((node.attr, f"{ast.unparse(owner)}.", node.lineno))
    return uses


def test_the_import_graph_sees_real_edges():
    graph = import_graph()
    assert "neuronlab.layers" in graph["neuronlab.model"]
    assert "neuronlab.errors" in graph["neuronlab.checks"]


def test_the_checks_see_real_violations():
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    source = """
from .layers import _hidden
from .plots import _common
from . import model
def f(layer, self):
    layer._rng = model._cache
    self._mine = layer.__class__
    return _common.DPI
"""
    found = sorted(p for p, _, _ in private_uses("neuronlab.gradcheck", source))
    assert found == ["_cache", "_common", "_hidden", "_rng"]
    assert private_uses("neuronlab.plots.curves", "from ._common import DPI") == []


def test_no_import_cycles():
    cycles = [c for c in find_cycles(import_graph())
              if frozenset(c) not in ALLOWED_CYCLE_MODULES]
    assert cycles == [], f"modules importing each other (directly or in a ring): {cycles}"


def test_no_module_uses_another_modules_private_names():
    found = []
    for name in MODULES:
        for private, how, line in private_uses(name):
            if (name, private) not in ALLOWED_PRIVATE_USES:
                found.append(f"{MODULES[name].relative_to(PACKAGE_DIR.parent)}:{line}: "
                             f"{how}{private}")
    assert found == [], "private names used outside their module:\n" + "\n".join(found)


def lines_of(name: str) -> int:
    return len(MODULES[name].read_text("utf-8").splitlines())


def test_no_module_is_longer_than_the_limit():
    long = {name: lines_of(name) for name in MODULES if lines_of(name) > MAX_LINES}
    over = [f"{MODULES[name].relative_to(PACKAGE_DIR.parent)}: {count} lines"
            for name, count in sorted(long.items()) if count > LONG_MODULES.get(name, MAX_LINES)]
    assert over == [], f"modules over {MAX_LINES} lines (split them by concern):\n" \
        + "\n".join(over)
    # A module split since is taken off the list, so that it cannot grow back.
    assert sorted(set(LONG_MODULES) - set(long)) == []


def test_the_lab_is_arranged_by_product():
    lab = PACKAGE_DIR / "lab"
    loose = sorted(p.name for p in lab.glob("*.py") if p.name != "__init__.py")
    assert loose == [], f"lab modules outside the product packages: {loose}"
    products = {p.name for p in lab.iterdir() if (p / "__init__.py").is_file()}
    assert products == {"course", "explore", "playground", "kernels", "server"}
