"""The direction of flow: the pure core imports nothing above it, and nothing below the commands
imports the commands, the engineers' tools or the development tooling."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "pipeline"

# folder -> the top-level parts of the package it may import (besides itself)
ALLOWED = {
    "core": {"codec", "errors"},
    "codec": {"errors"},
}
# parts only the command line (and each other, where named) may import
TOP = {"cli": set(), "dev": {"cli"}, "tools": {"cli", "dev"}}


def _imports(path: Path) -> set[str]:
    """The top-level parts of `pipeline` that `path` imports (`pipeline.core.x` -> `core`)."""
    parts = set()
    tree = ast.parse(path.read_text("utf-8"))
    typing_only = {  # `if TYPE_CHECKING:` blocks: annotations, not imports that run
        id(n) for block in ast.walk(tree) if _is_type_checking(block) for n in ast.walk(block)
    }
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            bits = name.split(".")
            if bits[0] == "pipeline" and len(bits) > 1:
                parts.add(bits[1].removesuffix(".py"))
    return parts


def _is_type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING"


def _part(path: Path) -> str:
    rel = path.relative_to(PACKAGE).parts
    return rel[0] if len(rel) > 1 else rel[0].removesuffix(".py")


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("folder", sorted(ALLOWED))
def test_the_lower_layers_import_only_what_is_below_them(folder: str) -> None:
    wrong = {
        str(path.relative_to(PACKAGE)): sorted(found)
        for path in MODULES
        if _part(path) == folder and (found := _imports(path) - ALLOWED[folder] - {folder})
    }
    assert wrong == {}, f"pipeline/{folder}/ may import only {sorted(ALLOWED[folder])}"


@pytest.mark.parametrize("top", sorted(TOP))
def test_commands_tools_and_dev_tooling_are_imported_only_from_above(top: str) -> None:
    importers = sorted(
        str(path.relative_to(PACKAGE))
        for path in MODULES
        if _part(path) not in TOP[top] | {top} and top in _imports(path)
    )
    assert importers == [], f"pipeline/{top}/ is imported from below it"


def test_the_scan_sees_imports() -> None:
    assert _imports(PACKAGE / "core" / "engine.py") >= {"core", "codec", "errors"}
    assert "tools" in _imports(PACKAGE / "cli" / "replay.py")
