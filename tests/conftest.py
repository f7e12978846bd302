"""Shared fixtures: the CLI through click's runner, and small list files."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from vaultkit.cli import main

RunCli = Callable[..., Result]


@pytest.fixture
def run_cli() -> RunCli:
    """Run `vaultkit ARGS…` in-process, the way a shell would, and return click's result."""
    runner = CliRunner()

    def run(*args: str | Path) -> Result:
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return run


@pytest.fixture(scope="session")
def seed_vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A vault made once from the shipped lists; tests only read it, or copy it first."""
    vault = tmp_path_factory.mktemp("seed") / "vault"
    result = CliRunner().invoke(main, ["init", str(vault)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return vault


@pytest.fixture(scope="session")
def markdown_seed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A vault made once from the shipped lists with Markdown links; tests copy it first."""
    vault = tmp_path_factory.mktemp("markdown") / "vault"
    made = CliRunner().invoke(main, ["init", str(vault), "--links", "markdown"])
    assert made.exit_code == 0, made.output
    return vault


@pytest.fixture
def wiki(seed_vault: Path, tmp_path: Path) -> Path:
    """A copy of `seed_vault` (wikilinks) to change."""
    return Path(shutil.copytree(seed_vault, tmp_path / "wiki", symlinks=True))


@pytest.fixture
def markdown(markdown_seed: Path, tmp_path: Path) -> Path:
    """A copy of `markdown_seed` (Markdown links) to change."""
    return Path(shutil.copytree(markdown_seed, tmp_path / "markdown", symlinks=True))


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a text file under tmp_path and return its path."""

    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write
