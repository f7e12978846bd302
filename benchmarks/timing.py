"""What the benchmark scripts share: timing one subprocess in a stable environment."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path


def bench_env(workdir: Path) -> dict[str, str]:
    """The caller's environment, with bytecode cached under workdir instead of beside sources.

    Installed packages come with compiled bytecode; without this, a PYTHONDONTWRITEBYTECODE
    environment would make every run compile vaultkit again.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(workdir / "pycache")
    return env


def run(args: Sequence[str], workdir: Path, timeout: float = 600) -> tuple[float, str]:
    """Wall-clock milliseconds and stdout+stderr of one subprocess; exits on failure."""
    start = time.perf_counter()
    result = subprocess.run(
        args, cwd=workdir, env=bench_env(workdir), capture_output=True, text=True, check=False,
        timeout=timeout,
    )
    elapsed = (time.perf_counter() - start) * 1000
    if result.returncode != 0:
        sys.exit(f"{' '.join(args)} exited {result.returncode}\n{result.stdout}{result.stderr}")
    return elapsed, result.stdout + result.stderr
