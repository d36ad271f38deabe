"""The folder layout shows the architecture, and this test keeps it so.

Layers, from the bottom up (an arrow is "may import"):

    survey/store/      the storage and domain core; imports nothing of Lustro above it, and no Flask
    survey/documents/  slips, their PDF and batches          -> store
    reports/           analysis and the gap report's PDF     -> store
    survey/demo.py     the demo round                        -> store
    the web layer      app, db, i18n, error_pages, extensions, pages, serving, prefork, and the
                       blueprint packages console/, respond/, workshop/
                                                             -> store, documents, reports
    survey/cli/        the `survey` command (and survey/__main__.py, `python -m survey`)
                                                             -> everything below
    survey/__init__    light: the version, and create_app   -> the web layer, when called

Every import counts, at module level or inside a function, and no two modules may reach each
other through any chain of them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WEB_FRAMEWORKS = ("flask", "flask_babel", "flask_login", "flask_limiter", "flask_wtf", "wtforms")

ALLOWED = {
    "store": {"store"},
    "documents": {"documents", "store"},
    "reports": {"reports", "store"},
    "demo": {"store"},
    "web": {"web", "store", "documents", "reports"},
    "cli": {"cli", "web", "store", "documents", "reports", "demo"},
    "package": {"web"},
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {
    module_name(path): path for top in ("survey", "reports") for path in (ROOT / top).rglob("*.py")
}


def layer(module: str) -> str:
    if module == "survey":
        return "package"
    if module == "reports" or module.startswith("reports."):
        return "reports"
    second = module.split(".")[1]
    if second in ("store", "documents", "demo", "cli"):
        return second
    if second == "__main__":
        return "cli"
    return "web"


def imports(
    module: str, source: str | None = None, modules: dict[str, Path] = MODULES
) -> tuple[set[str], set[str]]:
    """Lustro modules and third-party top-level packages that `module` imports anywhere."""
    path = modules[module]
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    if source is None:
        source = path.read_text(encoding="utf-8")
    ours: set[str] = set()
    theirs: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            # `from . import x` imports the module x when there is one, else a name of `.`
            names = [
                f"{origin}.{alias.name}" if f"{origin}.{alias.name}" in modules else origin
                for alias in node.names
            ]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in ("survey", "reports"):
                while name not in modules:
                    name = name.rpartition(".")[0]
                if name != module:
                    ours.add(name)
            else:
                theirs.add(top)
    return ours, theirs


GRAPH = {module: imports(module)[0] for module in MODULES}


def test_the_layout_has_the_packages_the_readme_describes():
    layers = {layer(module) for module in MODULES}
    assert layers == set(ALLOWED)
    for package in ("store", "documents", "cli", "console", "respond", "workshop"):
        assert f"survey.{package}" in MODULES, package
    assert {"survey.store.connection", "survey.store.migrations", "survey.app"} <= set(MODULES)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_each_module_imports_only_the_layers_below_it(module):
    wrong = {
        imported for imported in GRAPH[module] if layer(imported) not in ALLOWED[layer(module)]
    }
    assert not wrong, f"{module} ({layer(module)}) must not import {sorted(wrong)}"


@pytest.mark.parametrize(
    "module", sorted(m for m in MODULES if layer(m) in ("store", "reports", "demo", "documents"))
)
def test_the_core_and_the_reports_never_import_a_web_framework(module):
    frameworks = set(WEB_FRAMEWORKS) - ({"flask_babel"} if layer(module) == "documents" else set())
    assert not imports(module)[1] & frameworks


def find_circle(graph: dict[str, set[str]]) -> list[str] | None:
    """The first chain of imports that comes back to where it started, or None."""
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> list[str] | None:
        if module in path:
            return [*path[path.index(module) :], module]
        if module in done:
            return None
        for imported in sorted(graph[module]):
            circle = visit(imported, (*path, module))
            if circle:
                return circle
        done.add(module)
        return None

    for module in sorted(graph):
        circle = visit(module, ())
        if circle:
            return circle
    return None


def test_no_module_reaches_itself_through_its_imports():
    circle = find_circle(GRAPH)
    assert circle is None, "import circle: " + " -> ".join(circle or [])


def test_the_circle_check_sees_a_circle_hidden_in_a_function():
    """The check above is only worth something if it can fail: an import inside a function,
    back into the module that imported this one, is a circle too."""
    modules = {"survey.store.first": Path("first.py"), "survey.store.second": Path("second.py")}
    sources = {
        "survey.store.first": "from .second import thing\n",
        "survey.store.second": "def late():\n    from . import first\n",
    }
    graph = {name: imports(name, sources[name], modules)[0] for name in modules}
    assert find_circle(graph) == ["survey.store.first", "survey.store.second", "survey.store.first"]
