"""Time `vaultkit build` on a large synthetic vault, cold and cached, against its goals.

    .venv/bin/python benchmarks/bench_build.py [--notes N] [--runs N] [--seed S]

A vault of N notes (default 10,000) is made by make_vault.py in a temporary directory. Each
figure is a whole process, as a user sees it, timed after one warm-up:

- the YAML-only floor: a small script, run with the same interpreter, that reads every `.md`
  file outside dot-folders and parses its frontmatter with libyaml (`yaml.CSafeLoader`): about
  the least any build must do;
- a cold `vaultkit build`: `.vaultkit/cache` is deleted before each run (not timed);
- a warm `vaultkit build`: nothing changed, the index cache in place;
- the peak RSS of one run of each (ru_maxrss of a fresh wrapper process's children).

Goals (DESIGN.md, "Speed we hold ourselves to"): cold ≤ 1.6 × the floor, warm ≤ 400 ms,
RSS ≤ 200 MB; judged on the median. Prints figures; asserts nothing, except that every command
exits 0. Bytecode is cached in the temporary directory, as in bench_init.py.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from timing import run

COLD_GOAL_RATIO = 1.6
"""A cold build may take this many times the YAML-only floor."""
WARM_GOAL_MS = 400.0
RSS_GOAL_MB = 200.0

PYTHON = sys.executable
BUILD = [PYTHON, "-m", "vaultkit", "build"]
MAKE_VAULT = Path(__file__).with_name("make_vault.py")

FLOOR_SCRIPT = '''\
"""Read every note of the vault and parse its frontmatter with libyaml; nothing else."""
import os
import sys

import yaml

parsed = 0
for folder, dirs, files in os.walk(sys.argv[1]):
    dirs[:] = [d for d in dirs if not d.startswith(".")]
    for name in files:
        if not name.endswith(".md"):
            continue
        with open(os.path.join(folder, name), "rb") as handle:
            text = handle.read().decode("utf-8")
        if text.startswith("---\\n"):
            end = text.find("\\n---", 3)
            if end != -1:
                yaml.load(text[4:end], Loader=yaml.CSafeLoader)
                parsed += 1
print(parsed)
'''

RSS_SCRIPT = '''\
"""Run the command given as arguments; print its peak RSS in KiB."""
import resource
import subprocess
import sys

subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(peak // 1024 if sys.platform == "darwin" else peak)
'''


def run_ms(args: Sequence[str], workdir: Path) -> float:
    return run(args, workdir)[0]


def sample(
    args: Sequence[str], runs: int, workdir: Path, before: Callable[[], None] | None = None
) -> list[float]:
    """One warm-up, then `runs` timings; `before` runs ahead of each, untimed."""
    timings: list[float] = []
    for n in range(runs + 1):
        if before is not None:
            before()
        elapsed = run_ms(args, workdir)
        if n:
            timings.append(elapsed)
    return timings


def peak_rss_mb(args: Sequence[str], workdir: Path) -> float:
    """Peak resident set size of one run of args, in MB (10^6 bytes)."""
    _, out = run([PYTHON, str(workdir / "rss.py"), *args], workdir)
    return int(out.split()[-1]) * 1024 / 1e6


def row(label: str, samples: list[float], note: str = "") -> str:
    figures = (min(samples), statistics.median(samples), max(samples))
    return f"{label:<34}" + "".join(f"{f:>8.1f}" for f in figures) + (f"   {note}" if note else "")


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def scanned(log: str) -> str:
    """`N notes (M from cache)` from a verbose build's log."""
    if "nothing changed since the last build" in log:
        return "nothing changed since the last build: no note read"
    match = re.search(r"scanned (\d+) notes \((\d+) from cache\)", log)
    return f"{match.group(1)} notes read, {match.group(2)} from the cache" if match else "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--notes", type=int, default=10_000, help="notes in the vault (10000)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure (default 5)")
    parser.add_argument("--seed", type=int, default=0, help="make_vault.py's seed (default 0)")
    args = parser.parse_args()
    runs: int = max(1, args.runs)

    with tempfile.TemporaryDirectory(prefix="vaultkit-bench-") as tmp:
        base = Path(tmp)
        vault = base / "vault"
        cache = vault / ".vaultkit" / "cache"
        (base / "floor.py").write_text(FLOOR_SCRIPT, encoding="utf-8")
        (base / "rss.py").write_text(RSS_SCRIPT, encoding="utf-8")
        _, made = run(
            [PYTHON, str(MAKE_VAULT), str(args.notes), str(vault), "--seed", str(args.seed)], base
        )
        floor_cmd = [PYTHON, str(base / "floor.py"), str(vault)]
        frontmatters = int(run(floor_cmd, base)[1].split()[-1])

        def drop_cache() -> None:
            shutil.rmtree(cache, ignore_errors=True)

        imports = sample([PYTHON, "-c", "import vaultkit.cli"], runs, base)
        floor = sample(floor_cmd, runs, base)
        cold = sample([*BUILD, str(vault)], runs, base, before=drop_cache)
        warm = sample([*BUILD, str(vault)], runs, base)
        edited = next(vault.joinpath("Sources").glob("*.md"))
        counter = iter(range(10**6))

        def edit_one_note() -> None:
            with edited.open("a", encoding="utf-8") as handle:
                handle.write(f"\nAnother line of notes ({next(counter)}).\n")

        one_edit = sample([*BUILD, str(vault)], runs, base, before=edit_one_note)
        edit_one_note()
        one_edit_log = run([PYTHON, "-m", "vaultkit", "-v", "build", str(vault)], base)[1]

        drop_cache()
        cold_rss = peak_rss_mb([*BUILD, str(vault)], base)
        warm_rss = peak_rss_mb([*BUILD, str(vault)], base)
        floor_rss = peak_rss_mb(floor_cmd, base)
        drop_cache()
        cold_log = run([PYTHON, "-m", "vaultkit", "-v", "build", str(vault)], base)[1]
        warm_log = run([PYTHON, "-m", "vaultkit", "-v", "build", str(vault)], base)[1]

    print(f"vaultkit build, whole process · {runs} runs after 1 warm-up each · "
          f"Python {sys.version.split()[0]}")
    print(f"vault: {made.strip()}")
    print()
    print(f"{'(milliseconds)':<34}{'min':>8}{'median':>8}{'max':>8}")
    print(row('python -c "import vaultkit.cli"', imports))
    print(row("YAML-only floor", floor, f"{frontmatters} frontmatters · {floor_rss:.0f} MB RSS"))
    print(row("vaultkit build, cold", cold, f"{scanned(cold_log)} · {cold_rss:.0f} MB RSS"))
    print(row("vaultkit build, warm", warm, f"{scanned(warm_log)} · {warm_rss:.0f} MB RSS"))
    print(row("vaultkit build, one note edited", one_edit, scanned(one_edit_log)))
    print()
    cold_ratio = statistics.median(cold) / statistics.median(floor)
    warm_ms = statistics.median(warm)
    print("Goals, on the median:")
    cold_met = cold_ratio <= COLD_GOAL_RATIO
    print(f"  cold build: {cold_ratio:.2f} × the floor, goal ≤ {COLD_GOAL_RATIO} × "
          f"= {cold_ratio / COLD_GOAL_RATIO:.0%} of the goal ({verdict(cold_met)})")
    print(f"  warm build: {warm_ms:.0f} ms, goal ≤ {WARM_GOAL_MS:.0f} ms "
          f"= {warm_ms / WARM_GOAL_MS:.0%} of the goal ({verdict(warm_ms <= WARM_GOAL_MS)})")
    print(f"  cold build peak RSS: {cold_rss:.0f} MB, goal ≤ {RSS_GOAL_MB:.0f} MB "
          f"= {cold_rss / RSS_GOAL_MB:.0%} of the goal ({verdict(cold_rss <= RSS_GOAL_MB)})")


if __name__ == "__main__":
    main()
