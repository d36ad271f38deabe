"""The folder layout shows the architecture: the CLI is a package whose modules import
no circle (each area builds on base.py, never on the package that gathers them)."""

from __future__ import annotations

import ast
from pathlib import Path

CLI = Path(__file__).resolve().parents[1] / "survey" / "cli"


def sibling_imports(path: Path) -> set[str]:
    """The modules of survey/cli/ that `path` imports (relative `from .x import`)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(alias.name for alias in node.names)
    return found


def test_cli_modules_form_no_import_circle():
    modules = {p.stem: sibling_imports(p) for p in CLI.glob("*.py") if p.stem != "__init__"}
    assert {"base", "rounds", "documents", "server", "users", "setup"} <= set(modules)
    for name, imports in modules.items():
        assert "__init__" not in imports and "" not in imports, name
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        assert name not in path, f"import circle: {' -> '.join((*path, name))}"
        if name in done:
            return
        for imported in modules.get(name, ()):
            visit(imported, (*path, name))
        done.add(name)

    for name in modules:
        visit(name, ())
