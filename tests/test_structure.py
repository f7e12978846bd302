"""The layout as a rule: each layer imports only the layers below it, each third-party library
stays in the one place that owns it, and no module grows past what one reader holds in mind.

The layers, lowest first, follow the data flow: the vocabulary and files, lists read into the
model, the vault read into records, notes created from the lists, the report over the records,
one orchestration per command, the watcher, and the CLI on top.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "vaultkit"
LAYERS = (
    ("errors", "model", "files", "config"),
    ("lists",),
    ("vault",),
    ("scaffold",),
    ("report",),
    ("commands",),
    ("watch",),
    ("cli", "__main__"),
)
OWNERS = {
    "click": ("cli",),
    "watchdog": ("watch",),
    "yaml": ("vault.frontmatter",),
    "frontmatter": ("vault.frontmatter",),
    "markdown_it": ("lists",),
    "jinja2": ("scaffold.templates",),
}
"""Third-party import → the modules (or packages) allowed to import it."""
MAX_LINES = 400
MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


def _name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE).with_suffix("").parts).removesuffix(".__init__")


def _imports(path: Path) -> set[str]:
    """Every module the file imports, absolute, from the top of the file or inside functions."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _layer(module: str) -> int:
    top = module.split(".", maxsplit=1)[0]
    return next(n for n, layer in enumerate(LAYERS) if top in layer)


def _within(module: str, owners: tuple[str, ...]) -> bool:
    return any(module == o or module.startswith(f"{o}.") for o in owners)


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_a_module_imports_only_its_own_layer_and_those_below(path: Path) -> None:
    """`vault` never imports `report`, `report` never imports `commands`, and so on."""
    module = _name(path)
    if module == "":
        return  # the package's __init__: the version only
    upward = sorted(
        name for name in _imports(path)
        if name.startswith("vaultkit.") and _is_module(name)
        and _layer(name.removeprefix("vaultkit.")) > _layer(module)
    )
    assert upward == [], f"{module} imports from a layer above it"


def _is_module(name: str) -> bool:
    parts = name.removeprefix("vaultkit.").split(".")
    return (PACKAGE.joinpath(*parts).with_suffix(".py").is_file()
            or PACKAGE.joinpath(*parts).is_dir())


@pytest.mark.parametrize("library", sorted(OWNERS))
def test_a_third_party_library_is_imported_only_where_it_belongs(library: str) -> None:
    """click only in the CLI, watchdog only in watch/, YAML only in the frontmatter module…"""
    importers = sorted(
        _name(path) for path in MODULES
        if any(name == library or name.startswith(f"{library}.") for name in _imports(path))
    )
    assert [m for m in importers if not _within(m, OWNERS[library])] == []


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_no_module_is_longer_than_one_reader_holds_in_mind(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{_name(path)} has {lines} lines; split it by job"
