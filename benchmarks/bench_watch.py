"""Time `vaultkit watch`: save a note → Progress.md shows it, plus idle CPU and memory.

Usage: .venv/bin/python benchmarks/bench_watch.py [--sizes 1000,10000] [--edits 40] [--idle 30]

For each size, a synthetic vault is made with make_vault.py and `vaultkit watch` is started on
it as a real process. Each edit sets one unread source to `status: read` (a whole-file write,
as most editors do) and the clock runs until Progress.md's "Sources read" count shows it: the
latency a user sees, debounce included. Then the watcher is left alone for --idle seconds and
its CPU time is read from /proc, and its memory (current and peak RSS). Figures, no asserts.
Goals: p95 ≤ 500 ms at 10,000 notes (stretch 250 ms), idle CPU ~0%, RSS ≤ 200 MB.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PYTHON = sys.executable
MAKE_VAULT = Path(__file__).with_name("make_vault.py")
P95_GOAL_MS = 500.0
RSS_GOAL_MB = 200.0
_READ = re.compile(r"^\| Sources read \| (\d+) \|", re.M)


def sources_read(vault: Path) -> int | None:
    try:
        text = (vault / "Dashboards" / "Progress.md").read_text(encoding="utf-8")
    except OSError:
        return None
    match = _READ.search(text)
    return int(match.group(1)) if match else None


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime


def rss_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory in MB."""
    status = Path(f"/proc/{pid}/status").read_text()
    current = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
    peak = int(re.search(r"VmHWM:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
    return current * 1024 / 1e6, peak * 1024 / 1e6


def unread_sources(vault: Path) -> list[Path]:
    return sorted(
        p for p in (vault / "Sources").glob("*.md")
        if "\nstatus: unread\n" in p.read_text(encoding="utf-8")
    )


def wait_for(predicate: object, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.002)
    return False


def measure(size: int, edits: int, idle: float, workdir: Path) -> dict[str, object]:
    vault = workdir / f"vault-{size}"
    subprocess.run([PYTHON, str(MAKE_VAULT), str(size), str(vault)], check=True,
                   capture_output=True, cwd=workdir)
    env = dict(os.environ)
    started = time.monotonic()
    watcher = subprocess.Popen(
        [PYTHON, "-m", "vaultkit", "watch", str(vault)],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env, cwd=workdir,
    )
    log: list[str] = []
    reader = threading.Thread(
        target=lambda: log.extend(iter(watcher.stderr.readline, "")),  # type: ignore[union-attr]
        daemon=True,
    )
    reader.start()
    try:
        if not wait_for(lambda: any("initial build" in line for line in log), 300):
            raise SystemExit(f"watcher did not start:\n{''.join(log)}")
        startup = time.monotonic() - started
        time.sleep(1.0)  # let the start-up settle before timing
        latencies: list[float] = []
        for path in unread_sources(vault)[:edits]:
            before = sources_read(vault)
            if before is None:
                raise SystemExit("Progress.md has no 'Sources read' row")
            text = path.read_text(encoding="utf-8").replace(
                "\nstatus: unread\n", "\nstatus: read\n", 1
            )
            t0 = time.perf_counter()
            path.write_text(text, encoding="utf-8")
            if not wait_for(lambda b=before: sources_read(vault) == b + 1, 30):
                raise SystemExit(f"edit of {path.name} never showed:\n{''.join(log[-5:])}")
            latencies.append((time.perf_counter() - t0) * 1000)
            time.sleep(0.3)  # separate edits, as a person's saves are
        cpu_before = cpu_seconds(watcher.pid)
        time.sleep(idle)
        idle_cpu = (cpu_seconds(watcher.pid) - cpu_before) / idle * 100
        current, peak = rss_mb(watcher.pid)
    finally:
        watcher.terminate()
        watcher.wait(timeout=30)
    latencies.sort()
    return {
        "size": size,
        "startup": startup,
        "p50": statistics.median(latencies),
        "p95": latencies[max(0, round(0.95 * len(latencies)) - 1)],
        "max": latencies[-1],
        "edits": len(latencies),
        "idle_cpu": idle_cpu,
        "rss": current,
        "peak_rss": peak,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="1000,10000", help="vault sizes (1000,10000)")
    parser.add_argument("--edits", type=int, default=40, help="timed saves per size (40)")
    parser.add_argument("--idle", type=float, default=30.0, help="idle seconds measured (30)")
    args = parser.parse_args()
    if not Path("/proc/self/stat").exists():
        raise SystemExit("this benchmark reads /proc: run it on Linux")
    print(f"vaultkit watch · save → Progress.md · {args.edits} saves per size · "
          f"Python {sys.version.split()[0]}")
    print(f"{'notes':>7} {'start s':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} "
          f"{'idle CPU':>9} {'RSS MB':>7} {'peak MB':>8}")
    results = []
    with tempfile.TemporaryDirectory(prefix="vaultkit-watch-bench-") as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            r = measure(size, args.edits, args.idle, Path(tmp))
            results.append(r)
            print(f"{r['size']:>7} {r['startup']:>8.1f} {r['p50']:>8.0f} {r['p95']:>8.0f} "
                  f"{r['max']:>8.0f} {r['idle_cpu']:>8.2f}% {r['rss']:>7.0f} "
                  f"{r['peak_rss']:>8.0f}")
    largest = max(results, key=lambda r: int(str(r["size"])))
    p95 = float(str(largest["p95"]))
    peak = float(str(largest["peak_rss"]))
    print()
    print(f"Goals at {largest['size']} notes: p95 {p95:.0f} ms, goal ≤ {P95_GOAL_MS:.0f} ms "
          f"({'met' if p95 <= P95_GOAL_MS else 'MISSED'}); peak RSS {peak:.0f} MB, goal ≤ "
          f"{RSS_GOAL_MB:.0f} MB ({'met' if peak <= RSS_GOAL_MB else 'MISSED'}); idle CPU "
          f"{float(str(largest['idle_cpu'])):.2f}%")


if __name__ == "__main__":
    main()
