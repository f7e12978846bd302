"""The built wheel, installed without the checkout, creates a full vault from its shipped lists.

The editable install in the venv finds `vault_template/` at the checkout root, so the other
tests cannot notice data missing from the wheel; this one builds and installs a real wheel and
runs it from a directory outside the checkout.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
TEMPLATE_DIR = PROJECT_ROOT / "vault_template"
BUILD_TIMEOUT = 300  # seconds; a pip wheel build with no network takes a few seconds
RUN_TIMEOUT = 60


@dataclass(frozen=True, slots=True)
class InstalledWheel:
    wheel: Path
    site: Path
    """The `--target` directory the wheel was installed into; PYTHONPATH points here."""
    workdir: Path
    """A scratch directory outside the checkout, used as cwd for every run."""
    env: dict[str, str]


def _run(
    args: list[str], *, cwd: Path, env: dict[str, str], timeout: float = RUN_TIMEOUT
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False,
    )


def _check(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, (
        f"{result.args} exited {result.returncode}\n"
        f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> InstalledWheel:
    workdir = tmp_path_factory.mktemp("wheel")
    dist, site = workdir / "dist", workdir / "site"
    pip_env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    pip = [sys.executable, "-m", "pip"]
    _check(_run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "-w", str(dist), str(PROJECT_ROOT)],
        cwd=workdir, env=pip_env, timeout=BUILD_TIMEOUT,
    ))
    wheels = sorted(dist.glob("vaultkit-*.whl"))
    assert len(wheels) == 1, f"expected one vaultkit wheel in {dist}, found {wheels}"
    _check(_run(
        [*pip, "install", "--no-deps", "--no-index", "--target", str(site), str(wheels[0])],
        cwd=workdir, env=pip_env, timeout=BUILD_TIMEOUT,
    ))
    # PYTHONPATH comes before the venv's site-packages and the editable install's .pth entry
    # for src/, so the --target copy should win; test_installed_copy_is_imported checks it.
    env = {**os.environ, "PYTHONPATH": str(site), "PYTHONNOUSERSITE": "1"}
    return InstalledWheel(wheel=wheels[0], site=site, workdir=workdir, env=env)


def test_wheel_carries_shipped_lists_and_templates(installed: InstalledWheel) -> None:
    """The wheel holds both shipped lists and every note template under vaultkit/vault_template/."""
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = set(wheel.namelist())
    assert "vaultkit/vault_template/lists/Reading list.md" in names
    assert "vaultkit/vault_template/lists/Question syllabus.md" in names
    templates = sorted(p.name for p in (TEMPLATE_DIR / "templates").iterdir() if p.is_file())
    assert templates, "the checkout has no vault_template/templates/"
    missing = [t for t in templates if f"vaultkit/vault_template/templates/{t}" not in names]
    assert not missing, f"templates missing from the wheel: {missing}"


def test_installed_copy_is_imported(installed: InstalledWheel) -> None:
    """With PYTHONPATH set, `import vaultkit` loads the wheel's copy, not the checkout's src/."""
    result = _run(
        [sys.executable, "-c", "import vaultkit; print(vaultkit.__file__)"],
        cwd=installed.workdir, env=installed.env,
    )
    _check(result)
    imported = Path(result.stdout.strip()).resolve()
    assert imported.is_relative_to(installed.site.resolve()), imported


def test_init_from_wheel_outside_checkout(installed: InstalledWheel) -> None:
    """`python -m vaultkit init` run from the installed wheel builds the full shipped vault."""
    vault = installed.workdir / "vault"
    _check(_run(
        [sys.executable, "-m", "vaultkit", "init", str(vault)],
        cwd=installed.workdir, env=installed.env,
    ))
    assert (vault / "Home.md").is_file()
    assert len(list((vault / "Sources").glob("*.md"))) == 63
    assert len(list((vault / "Questions").rglob("*.md"))) == 84
    shipped = (TEMPLATE_DIR / "lists" / "Reading list.md").read_bytes()
    assert (vault / "Lists" / "Reading list.md").read_bytes() == shipped
