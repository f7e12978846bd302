"""Shared fixtures: the CLI through click's runner, and small list files."""

from __future__ import annotations

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


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a text file under tmp_path and return its path."""

    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write
