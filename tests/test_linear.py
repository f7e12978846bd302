"""Every per-note and per-list step takes time linear in its input (issue 7, item 3).

Each case times one step on an input and on one ten times larger, in the same run, and fails
when the larger one takes 30 times longer or more: linear work gives about 10x, quadratic about
100x. Time is the thread's CPU time (a busy machine does not count) with the garbage collector
off, the best of a few runs. The cases run in one child process, started with this module so
the in-process tests below run beside it; each single run has a budget, so a quadratic step
fails its case instead of hanging the suite.
"""

from __future__ import annotations

import gc
import json
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import RunCli
from vaultkit.lists import parse_reading_list, parse_syllabus
from vaultkit.lists.readlist import _without_paren_tail
from vaultkit.model import UniqueKeys
from vaultkit.scaffold.names import NameBook
from vaultkit.vault import frontmatter as fm
from vaultkit.vault.body import _md_hrefs, _without_comments
from vaultkit.vault.notes import read_identity, read_note

ROOT = Path(__file__).resolve().parents[1]
MAX_RATIO = 30
RUN_BUDGET = 5.0
"""Seconds one run may take: linear code needs well under one, quadratic code hours."""
WORKER_TIMEOUT = 240
FRONT = "---\nvaultkit: source\nid: s-1\ntitle: T\nstatus: read\n---\n"

Work = Callable[[], object]


def _fill(unit: str, size: int) -> str:
    """`unit` repeated to about `size` characters."""
    return unit * max(1, size // len(unit))


# Bodies of ~100 KB and ~1 MB: the shapes that made `notes.py`'s expressions backtrack or rescan.
BODIES: dict[str, Callable[[int], str]] = {
    "unclosed comment under Summary": lambda n: "## Summary\n<!--\n" + _fill("a line\n", n),
    "many unclosed <!--": lambda n: "## Summary\n" + _fill("<!-- a\n", n),
    "many %%": lambda n: "## Summary\n" + _fill("%% a\n", n),
    "blanks in a heading line": lambda n: "## Summary\n# " + " " * n + "x\n",
    "tabs in a heading line": lambda n: "## Summary\n## " + "\t" * n + "x\n",
    "# run in a heading line": lambda n: "## Summary\n# " + "#" * n + "x\n",
    "blank-# run in a heading line": lambda n: "## Summary\n# " + _fill(" #", n) + "x\n",
    "blanks in a measured heading": lambda n: "## " + " " * n + "x\n## Summary" + " " * n + "x\n",
    "many ](": lambda n: _fill("](", n),
    "many ](<": lambda n: _fill("](<", n),
    "many [[": lambda n: _fill("[[", n),
    "[[a| run": lambda n: _fill("[[a|", n),
    "[[a then a # run": lambda n: "[[a" + "#" * n,
    "many headings": lambda n: _fill("## Summary\nline\n### x\n", n),
    "nested measured headings": lambda n: "# Summary\n" + _fill(
        "## Summary\n### Answer after reading\nl\n", n
    ),
    "many unclosed fences": lambda n: "## Summary\n" + _fill("```\n", n),
    "a long line without a newline": lambda n: "## Summary\n" + "a" * n,
}
# Frontmatter is bounded at 64 KiB, so these grow from ~6 KB to ~60 KB.
FRONTS: dict[str, Callable[[int], str]] = {
    "many keys": lambda n: "".join(f"k{i:05}: v\n" for i in range(n // 10)),
    "blanks in a key line": lambda n: f'vaultkit: source\nid: s\ntitle: "x\na{" " * n}b"\n',
    "many ]( in a property": lambda n: f"vaultkit: source\nid: s\ntopic: '{_fill('](', n)}'\n",
}


def _read_note_work(folder: Path, text: str) -> Work:
    path = folder / f"{len(text)}.md"
    path.write_text(text, encoding="utf-8")
    return lambda: read_note(path, path.name)


def _identity_work(folder: Path, blanks: int) -> Work:
    path = folder / f"id-{blanks}.md"
    path.write_text(f"---\nvaultkit: source\nid: a{' ' * blanks}b\n---\n", encoding="utf-8")
    return lambda: read_identity(path)


# Frontmatter the line-by-line identity reader reads (or gives up on) itself, ~6 KB to ~60 KB.
IDENTITY_FRONTS: dict[str, Callable[[int], str]] = {
    "many simple lines": lambda n: _fill("key: value # note\n", n),
    "many list items": lambda n: "tags:\n" + _fill("  - item\n", n),
    "a quote of many ''": lambda n: "title: '" + "''" * (n // 2) + "\n",
    "blanks in a key-like line": lambda n: "key" + " " * n + "\n",
    "blanks before a comment": lambda n: "key: x" + " " * n + "#\n",
}


def _identity_case(front: Callable[[int], str]) -> Callable[[int], Work]:
    return lambda k: _calling(
        fm.identity, f"---\nvaultkit: source\nid: s-1\n{front(6_000 * k)}---\nbody\n"
    )


def _calling(function: Callable[[str], object], text: str) -> Work:
    """Work that calls `function(text)`; the text is made before the work is timed."""
    return lambda: function(text)


def _claim_all(book: Callable[[], Callable[[str], str]], title: str, count: int) -> Work:
    def work() -> list[str]:
        claim = book()
        return [claim(title) for _ in range(count)]

    return work


def _body_case(folder: Path, body: Callable[[int], str]) -> Callable[[int], Work]:
    return lambda k: _read_note_work(folder, FRONT + body(100_000 * k))


def _front_case(folder: Path, front: Callable[[int], str]) -> Callable[[int], Work]:
    return lambda k: _read_note_work(folder, f"---\n{front(6_000 * k)}---\nbody\n")


def _cases(folder: Path) -> dict[str, Callable[[int], Work]]:
    """Case name → the work for scale 1 or 10, its input made before it is timed."""
    cases = {f"note: {name}": _body_case(folder, body) for name, body in BODIES.items()}
    cases |= {f"frontmatter: {name}": _front_case(folder, f) for name, f in FRONTS.items()}
    cases["frontmatter: duplicate keys of 1 MB"] = lambda k: _calling(
        fm.duplicate_keys, _fill("key: v\n", 100_000 * k)
    )
    cases["frontmatter: unclosed, 1 MB"] = lambda k: _read_note_work(
        folder, "---\n" + _fill("a: b\n", 100_000 * k)
    )
    cases["identity: blanks in the id line"] = lambda k: _identity_work(folder, 6_000 * k)
    cases |= {f"identity: {name}": _identity_case(f) for name, f in IDENTITY_FRONTS.items()}
    cases["list: ( run in a role heading"] = lambda k: _calling(
        parse_reading_list, "## 1. T\n\n### " + "(" * 100_000 * k + "\n\n- [t](https://e.com/x)\n"
    )
    cases["list: identical topics with one URL"] = lambda k: _calling(
        parse_reading_list, _fill("## Same\n\n- [t](https://e.com/x)\n\n", 3_000 * k)
    )
    cases["list: long prose over many topics"] = lambda k: _calling(
        parse_reading_list, "# Part\n\n" + _fill("prose\n", 2_000 * k) + "\n" + "".join(
            f"## T{i}\n\n- [t](https://e.com/{i})\n\n" for i in range(50 * k)
        )
    )
    cases["syllabus: identical sections"] = lambda k: _calling(
        parse_syllabus, _fill("# Same\n\n* Q?\n\n", 3_000 * k)
    )
    cases["names: identical titles"] = lambda k: _claim_all(
        lambda: NameBook().claim, "Same title", 2_000 * k
    )
    cases["keys: identical keys"] = lambda k: _claim_all(
        lambda: UniqueKeys().claim, "same", 2_000 * k
    )
    return cases


class _OverBudget(BaseException):
    """Raised by the timer inside a run that took too long; not an Exception, so no `except`
    in the code under test can swallow it."""


def _best_time(work: Work, runs: int) -> float:
    """The least CPU time of `runs` runs, each stopped by an alarm after `RUN_BUDGET`."""
    def stop(_signum: int, _frame: object) -> None:
        raise _OverBudget

    signal.signal(signal.SIGALRM, stop)
    best = float("inf")
    for _ in range(runs):
        gc.disable()
        signal.setitimer(signal.ITIMER_REAL, RUN_BUDGET)
        try:
            start = time.thread_time()
            work()
            best = min(best, time.thread_time() - start)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            gc.enable()
    return best


def measure() -> None:
    """The child process: one JSON line per case on stdout, as soon as it is measured."""
    with tempfile.TemporaryDirectory() as folder:
        for name, make in _cases(Path(folder)).items():
            try:
                small = _best_time(make(1), runs=3)
                large = _best_time(make(10), runs=2)
                result = {"case": name, "small": small, "large": large}
            except _OverBudget:
                result = {"case": name, "over_budget": RUN_BUDGET}
            sys.stdout.write(json.dumps(result) + "\n")
            sys.stdout.flush()


CASES = sorted(_cases(Path()))


# The expressions the one-pass scans replaced: same results, in quadratic time at worst.
REPLACED: list[tuple[Callable[[str], object], Callable[[str], object], list[str]]] = [
    (
        _without_comments,
        lambda text: re.sub(r"<!--.*?-->|%%.*?%%", "", text, flags=re.S),
        ["<!--", "-->", "<!-", "--", "%%", "%", "<", "!", "-", ">", "x", "\n"],
    ),
    (
        _md_hrefs,
        lambda text: re.findall(r"\]\((?!https?:|mailto:|#)(<[^>\n]+>|[^)\s]+)\)", text),
        ["](", "]", "(", ")", "<", ">", ">)", "x", " ", "\n", "\t", "#", "http:", "mailto:"],
    ),
    (
        _without_paren_tail,
        lambda text: re.sub(r"\s*\([^)]*\)\s*$", "", text),
        ["(", ")", " ", "a", "bc", "\t", "\n", "\xa0"],
    ),
]


@pytest.mark.parametrize(
    ("scan", "expression", "pieces"), REPLACED, ids=["comments", "md hrefs", "paren tail"]
)
def test_one_pass_scans_give_what_the_expressions_they_replace_gave(
    scan: Callable[[str], object], expression: Callable[[str], object], pieces: list[str]
) -> None:
    """On thousands of short texts made of the pieces that matter, both give the same."""
    rng = random.Random(7)  # noqa: S311 - test input, not a secret
    for _ in range(5_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(16)))
        assert scan(text) == expression(text), repr(text)


def _names(vault: Path) -> list[str]:
    return [p.stem for p in vault.rglob("*.md") if ".vaultkit" not in p.parts]


def test_identically_titled_entries_each_get_a_note_with_a_unique_name(
    tmp_path: Path, run_cli: RunCli
) -> None:
    """1,300 sources titled alike, and questions titled alike, in topics titled alike: init and
    then sync give each its own note, names unique ignoring case."""
    readlist, syllabus = tmp_path / "readlist.md", tmp_path / "syllabus.md"
    readlist.write_text("".join(
        f"## {t}. Same topic\n\n" + "".join(
            f"- [Same title](https://example.com/{t}/{i})\n" for i in range(50)
        ) + "\n"
        for t in range(20)
    ), encoding="utf-8")
    syllabus.write_text(
        "".join(f"# {t}. Same topic\n\n* Same question?\n\n" for t in range(20)), encoding="utf-8"
    )
    vault = tmp_path / "vault"
    result = run_cli("init", vault, "--readlist", readlist, "--questions", syllabus)
    assert result.exit_code == 0, result.output[-2000:]
    listed = vault / "Lists" / "Reading list.md"
    more = "".join(f"- [Same title](https://example.com/more/{i})\n" for i in range(300))
    listed.write_text(
        listed.read_text(encoding="utf-8").rstrip("\n") + "\n\n## Same topic\n\n" + more,
        encoding="utf-8",
    )
    result = run_cli("sync", vault)
    assert result.exit_code == 0, result.output[-2000:]

    names = _names(vault)
    assert len({n.casefold() for n in names}) == len(names)
    sources = list((vault / "Sources").glob("*.md"))
    urls = {
        m.group(1).strip("'\"") for p in sources
        if (m := re.search(r"^url: (.*)$", p.read_text(encoding="utf-8"), re.M))
    }
    assert len(sources) == len(urls) == 20 * 50 + 300
    assert sum(1 for n in names if n.startswith("Same question")) == 20


@pytest.fixture(scope="module", autouse=True)
def measured() -> Iterator[Callable[[], dict[str, dict[str, float]]]]:
    """Start the child at once; the cases wait for its results, the other tests do not."""
    child = subprocess.Popen(
        [sys.executable, "-c", "from tests.test_linear import measure; measure()"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    results: dict[str, dict[str, float]] = {}

    def wait() -> dict[str, dict[str, float]]:
        if not results:
            try:
                out, err = child.communicate(timeout=WORKER_TIMEOUT)
            except subprocess.TimeoutExpired:
                child.kill()
                out, err = child.communicate()
            for line in out.splitlines():
                record = json.loads(line)
                results[record.pop("case")] = record
            assert child.returncode == 0, err[-2000:]
        return results

    yield wait
    if child.poll() is None:  # the cases were not run: the child is not needed
        child.kill()
        child.communicate()


@pytest.mark.parametrize("case", CASES)
def test_ten_times_the_input_takes_about_ten_times_the_time(
    measured: Callable[[], dict[str, dict[str, float]]], case: str
) -> None:
    """The 10x input costs well under 30x: no step backtracks, rescans or de-duplicates in
    quadratic time."""
    result = measured().get(case)
    assert result is not None, f"{case}: not measured before the child's {WORKER_TIMEOUT} s"
    assert "over_budget" not in result, f"{case}: one run took over {RUN_BUDGET} s"
    ratio = result["large"] / max(result["small"], 1e-6)
    assert ratio < MAX_RATIO, (
        f"{case}: {result['small'] * 1000:.1f} ms, then {result['large'] * 1000:.1f} ms "
        f"for 10x the input ({ratio:.0f}x)"
    )
