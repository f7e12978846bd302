"""Build a realistic synthetic vault of N notes, for the benchmarks.

    .venv/bin/python benchmarks/make_vault.py N DIR [--seed S]

The vault is made the way a user makes one: `vaultkit init DIR` (settings, lists, topics, home,
dashboards), then generated entries appended to the two lists inside the vault and
`vaultkit sync DIR`, so every generated note has the frontmatter, name, id and body vaultkit
writes and is listed, as in a real vault. About 40% of the generated notes are sources and 60%
questions, spread over the lists' topics; one new topic per 25 notes is added to both lists, so
that topics (and the source lists vaultkit writes into each question) stay study-sized. Each
source and question then gets a status drawn from the vault's allowed values and a body of
2–6 KB: the template's headings, answer or summary lines that agree with the status, a few
wikilinks to other notes and lorem-like paragraphs.

N counts every note (`.md` file outside dot-folders) of the vault, the ones `init` writes
included. The output is the same for the same seed and vaultkit version. Every file's mtime is
set a minute in the past, so that vaultkit's index cache may hold all of them, and the cache
itself is removed: the first build is cold. Prints the number of notes and bytes written.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator, Sequence
from pathlib import Path

PYTHON = sys.executable
SOURCE_SHARE = 0.4
"""Of the generated notes; the rest are questions."""
BODY_BYTES = (2000, 6000)
"""Size of a generated note, frontmatter included, drawn uniformly in this range."""
LINKS_PER_NOTE = (2, 6)
NOTES_PER_NEW_TOPIC = 25
"""One new topic (in both lists) per this many generated notes, so topics stay study-sized."""
FIRST_NEW_TOPIC = 101
"""Section number of the first new topic: clear of the shipped lists' numbers."""
TOPICS_SUMMARIZED = 0.3
"""Share of the new topics' hubs with a summary written."""
MTIME_AGE_SECONDS = 60

# Entry shapes of the lists `vaultkit init` ships (see Lists/ in a new vault).
_READING_ENTRY = re.compile(r"^\d+\.\s+\*\*")
_SYLLABUS_ENTRY = re.compile(r"^\*\s+\S")
_FRONT_STATUS = re.compile(r"^status:.*$", re.M)
_FRONT_KIND = re.compile(r"^vaultkit:\s*(\w+)\s*$", re.M)

_WORDS = (
    "gradient", "loss", "reward", "policy", "preference", "model", "data", "token", "batch",
    "scale", "drift", "signal", "noise", "objective", "sample", "label", "metric", "eval",
    "baseline", "ablation", "checkpoint", "optimizer", "schedule", "warmup", "variance", "bias",
    "overfit", "annotator", "prompt", "context", "attention", "layer", "head", "residual", "norm",
    "weight", "decay", "regularizer", "curriculum", "mixture", "filter", "dedup", "shard",
    "replica", "throughput", "latency", "memory", "precision", "quantized", "sparse", "dense",
    "kernel", "cache", "pipeline", "tensor", "expert", "router", "capacity", "lorem", "ipsum",
    "dolor", "sit", "amet", "consectetur", "adipiscing", "elit", "sed", "do", "eiusmod", "tempor",
    "incididunt", "ut", "labore", "et", "dolore", "magna", "aliqua", "enim", "minim", "veniam",
    "quis", "nostrud", "exercitation", "ullamco", "laboris", "nisi", "aliquip", "ex", "ea",
    "commodo", "consequat", "duis", "aute", "irure", "in", "reprehenderit", "voluptate", "velit",
    "esse", "cillum", "fugiat", "nulla", "pariatur", "excepteur", "sint", "occaecat", "cupidatat",
    "non", "proident",
)
_ADJECTIVES = (
    "Scalable", "Robust", "Efficient", "Sparse", "Adaptive", "Stable", "Implicit", "Contrastive",
    "Hierarchical", "Causal", "Federated", "Offline", "Online", "Multilingual", "Calibrated",
    "Compositional", "Emergent", "Latent", "Iterative", "Conservative", "Distributional",
    "Modular", "Recurrent", "Bayesian", "Frugal", "Noisy", "Safe", "Honest",
)
_NOUNS = (
    "Preference Learning", "Reward Modeling", "Gradient Clipping", "Learning Rate Schedules",
    "Data Mixing", "Curriculum Design", "Evaluation Harnesses", "Model Merging", "Distillation",
    "Tokenization", "Mixture of Experts", "Pipeline Parallelism", "Activation Checkpointing",
    "Mixed Precision", "Red Teaming", "Reward Hacking", "Catastrophic Forgetting",
    "Distribution Shift", "Data Deduplication", "Instruction Tuning", "Scaling Laws",
    "Loss Spikes", "Label Noise", "Calibration", "Interpretability", "Benchmark Contamination",
    "Synthetic Data", "Long Context", "Retrieval Augmentation", "Quantization",
)
_FORMS = (
    "a Survey", "in Practice", "Revisited", "at Scale", "Explained", "Lessons Learned",
    "a Field Guide", "Pitfalls and Fixes", "Benchmarks and Baselines", "a Case Study",
    "Under the Hood", "Notes",
)
_AUTHORS = (
    "Okafor", "Lindqvist", "Tanaka", "Moreau", "Haddad", "Kowalski", "Iyer", "Novak", "Brennan",
    "Santos", "Zhou", "Adeyemi", "Fischer", "Rossi", "Nakamura", "Petrov", "Ahmed", "Larsen",
    "Costa", "Keller", "Mwangi", "Dubois", "Park", "Silva",
)
_QUESTION_SHAPES = (
    "Why does {a} make {b} less stable?",
    "When would you choose {a} over {b}?",
    "How would you debug a run where {a} hurts {b}?",
    "What does {a} assume about {b}?",
    "How does {a} interact with {b} at scale?",
    "What metric would reveal that {a} broke {b}?",
    "Which knob of {a} matters most for {b}?",
    "How would you explain the tradeoff between {a} and {b} to a teammate?",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("notes", type=int, help="notes in the vault, init's included")
    parser.add_argument("dir", type=Path, help="the vault to create (missing or empty)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args()
    start = time.perf_counter()
    notes, generated, size = make_vault(args.notes, args.dir, args.seed)
    print(f"{notes} notes ({generated} generated) · {size:,} bytes of notes "
          f"({size / notes / 1024:.1f} KiB each on average) · written to {args.dir} in "
          f"{time.perf_counter() - start:.1f} s")


def make_vault(count: int, root: Path, seed: int = 0) -> tuple[int, int, int]:
    """Create the vault; (notes in it, notes generated, bytes of all its notes)."""
    if root.exists() and any(root.iterdir()):
        sys.exit(f"{root} is not empty")
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    _vaultkit("init", root)
    settings = tomllib.loads((root / "vaultkit.toml").read_text(encoding="utf-8"))
    before = set(_notes(root))
    wanted = count - len(before)
    if wanted < 0:
        sys.exit(f"`vaultkit init` alone writes {len(before)} notes; ask for at least that many")

    taken: set[str] = set()
    topics = [_unique(f"{rng.choice(_ADJECTIVES)} {rng.choice(_NOUNS)}", taken)
              for _ in range(wanted // NOTES_PER_NEW_TOPIC)]
    sources = round((wanted - len(topics)) * SOURCE_SHARE)
    questions = wanted - len(topics) - sources
    reading = ListFile(root / settings["lists"]["reading_list"], _READING_ENTRY)
    syllabus = ListFile(root / settings["lists"]["syllabus"], _SYLLABUS_ENTRY)
    for n, title in enumerate(topics, start=FIRST_NEW_TOPIC):
        reading.new_topic(
            [f"## {n}. {title}", ""], ["### Core reading", "### Practitioner insight"]
        )
        syllabus.new_topic([f"# {n}. {title}", ""], [
            "## Foundational questions", "## Deep understanding",
            "## Interview-style / real-world questions",
        ])
    reading.spread(_source_entries(sources, rng), rng, first_each=True)
    syllabus.spread(_question_entries(questions, rng), rng)
    reading.write("# Tier 6 — Generated topics")
    syllabus.write(None)
    _vaultkit("sync", root)

    everything = sorted(_notes(root))
    new = [p for p in everything if p not in before]
    if len(new) != wanted:
        sys.exit(f"`vaultkit sync` made {len(new)} notes, not the {wanted} asked for")
    stems = sorted(p.stem for p in everything if p.parent != root)
    statuses = settings["statuses"]
    for path in new:
        text = path.read_text(encoding="utf-8")
        match = _FRONT_KIND.search(text)
        kind = match.group(1) if match else ""
        if kind == "topic":
            if rng.random() < TOPICS_SUMMARIZED:
                text = _under(text, "## Summary", _lines(rng, rng.randint(5, 10)))
        elif kind in ("source", "question"):
            allowed: list[str] = statuses["sources" if kind == "source" else "questions"]
            # A new note's status (the first) is the most common; the others share the rest.
            status = rng.choices(allowed, weights=[len(allowed), *[1] * (len(allowed) - 1)])[0]
            links = rng.sample(stems, rng.randint(*LINKS_PER_NOTE))
            text = _fill(text, kind, status=status, statuses=statuses, links=links, rng=rng)
        else:
            sys.exit(f"{path} is a {kind or 'non-vaultkit'} note, not a source or question")
        path.write_text(text, encoding="utf-8", newline="")

    _vaultkit("build", root)  # dashboards as the user would see them after editing
    shutil.rmtree(root / ".vaultkit" / "cache", ignore_errors=True)
    past = time.time() - MTIME_AGE_SECONDS
    for folder, _, files in os.walk(root):
        for name in files:
            os.utime(Path(folder, name), (past, past))
    return len(everything), wanted, sum(p.stat().st_size for p in everything)


def _vaultkit(command: str, root: Path) -> None:
    result = subprocess.run(
        [PYTHON, "-m", "vaultkit", command, str(root)],
        capture_output=True, text=True, check=False, timeout=600,
    )
    if result.returncode != 0:
        sys.exit(f"vaultkit {command} exited {result.returncode}\n{result.stdout}{result.stderr}")


def _notes(root: Path) -> Iterator[Path]:
    """Every `.md` file below root, outside dot-folders, but the topic index and panels
    vaultkit writes beside its dashboards: one per topic, they are not notes of the study."""
    pages = root / "Dashboards"
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".") and Path(folder, d) != pages / "Topics"]
        yield from (Path(folder, name) for name in files if name.endswith(".md")
                    and Path(folder, name) != pages / "Topic index.md")


# -- the lists ---------------------------------------------------------------------------------


class ListFile:
    """One of the vault's lists, with entries added to its groups and new topics after them.

    A group is a run of entries under one heading: the list's own (found in its text) or one of
    a new topic's. New topics go right after the list's last group, before the advice that ends
    the shipped lists ("How to use this").
    """

    def __init__(self, path: Path, entry: re.Pattern[str]) -> None:
        self.path = path
        self.lines = path.read_text(encoding="utf-8").splitlines()
        ends = list(_group_ends(self.lines, entry))
        if not ends:
            sys.exit(f"{path} has no entries to add to")
        self.after_line: dict[int, list[str]] = {end: [] for end in ends}
        """Existing group (by the index of its last line) → the lines added to it."""
        self.groups: list[list[str]] = list(self.after_line.values())
        self.topics: list[tuple[list[str], list[tuple[str, list[str]]]]] = []
        """New topics: their heading lines, and (group heading, entry lines) per group."""
        self.first_groups: list[list[str]] = []

    def new_topic(self, heading: list[str], group_headings: Sequence[str]) -> None:
        groups: list[tuple[str, list[str]]] = [(title, []) for title in group_headings]
        self.topics.append((heading, groups))
        self.groups.extend(lines for _, lines in groups)
        self.first_groups.append(groups[0][1])

    def spread(
        self, entries: Iterator[list[str]], rng: random.Random, *, first_each: bool = False
    ) -> None:
        """Each entry to a group drawn at random; with `first_each`, every new topic gets one
        first (a topic without a single source would not be a topic)."""
        for n, item in enumerate(entries):
            if first_each and n < len(self.first_groups):
                self.first_groups[n].extend(item)
            else:
                rng.choice(self.groups).extend(item)

    def write(self, tier_heading: str | None) -> None:
        block: list[str] = [tier_heading, ""] if tier_heading and self.topics else []
        for heading, groups in self.topics:
            block += heading
            for title, lines in groups:
                if lines:
                    block += [title, "", *lines, ""]
            block += ["---", ""]
        last = max(self.after_line)
        out: list[str] = []
        for n, line in enumerate(self.lines):
            out.append(line)
            out.extend(self.after_line.get(n, ()))
            if n == last and block:
                out += ["", "---", "", *block[:-3]]
        self.path.write_text("\n".join(out) + "\n", encoding="utf-8")


def _source_entries(count: int, rng: random.Random) -> Iterator[list[str]]:
    """Reading list entries in the shipped list's shape: bold title, link line, `Why:` line."""
    titles: set[str] = set()
    for n in range(count):
        title = _unique(
            f"{rng.choice(_ADJECTIVES)} {rng.choice(_NOUNS)}: {rng.choice(_FORMS)} "
            f"({rng.choice(_AUTHORS)} et al., {rng.randint(2012, 2025)})",
            titles,
        )
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
        url = f"https://papers.example.org/{n:06d}/{slug}"
        yield [
            f"1. **{title}**  ",
            f"   [{url}]({url})  ",
            f"   Why: {_sentence(rng).rstrip('.')}; {_sentence(rng)}",
        ]


def _question_entries(count: int, rng: random.Random) -> Iterator[list[str]]:
    """Syllabus entries in the shipped syllabus's shape: one `*` bullet each."""
    texts: set[str] = set()
    for _ in range(count):
        a, b = rng.sample(_NOUNS, 2)
        shape = rng.choice(_QUESTION_SHAPES)
        yield [f"* {_unique(shape.format(a=a.lower(), b=b.lower()), texts)}"]


def _unique(text: str, taken: set[str]) -> str:
    """The text, or the text with a numbered variant before its final `?`, unused so far."""
    candidate, n = text, 1
    while candidate.casefold() in taken:
        n += 1
        stem, mark = (text[:-1], "?") if text.endswith("?") else (text, "")
        candidate = f"{stem} (variant {n}){mark}"
    taken.add(candidate.casefold())
    return candidate


def _group_ends(lines: list[str], entry: re.Pattern[str]) -> Iterator[int]:
    """Index of the last line of each run of entries in the list's numbered or tier sections.

    An entry's continuation lines are indented; a blank line, heading or rule ends the run.
    Runs under other top headings ("How to use these questions") are advice, not entries.
    """
    numbered = False
    last: int | None = None
    for n, line in enumerate(lines):
        if line.startswith("#") and not line.startswith("##"):
            title = line.lstrip("#").strip()
            numbered = bool(re.match(r"(\d+\.|tier\b|readlist\b|frontier\b)", title, re.I))
        continued = last is not None and line.startswith((" ", "\t")) and bool(line.strip())
        if (numbered and entry.match(line)) or continued:
            last = n
        elif last is not None:
            yield last
            last = None
    if last is not None:
        yield last


# -- note bodies -------------------------------------------------------------------------------


def _fill(
    text: str,
    kind: str,
    *,
    status: str,
    statuses: dict[str, list[str]],
    links: list[str],
    rng: random.Random,
) -> str:
    """The note vaultkit wrote, with a status and the text a user would have written for it."""
    text = _FRONT_STATUS.sub(f"status: {status}", text, count=1)
    if kind == "source":
        if status in statuses.get("sources_summarized", ["summarized"]):
            text = _under(text, "## Summary", _lines(rng, rng.randint(5, 10)))
        elif status in statuses.get("sources_read", ["read"]):
            text = _under(text, "### What knob does this give me?", _lines(rng, 2))
    else:
        if status in statuses.get("questions_drafted", ["drafted", "refined"]):
            text = _under(text, "## Answer before reading", _lines(rng, rng.randint(2, 6)))
        if status in statuses.get("questions_refined", ["refined"]):
            text = _under(text, "## Answer after reading", _lines(rng, rng.randint(3, 8)))
    see_also = " · ".join(f"[[{stem}]]" for stem in links)
    parts = [text.rstrip("\n"), "", "## Notes", "", f"See also: {see_also}", ""]
    target = rng.randint(*BODY_BYTES)
    size = sum(len(p.encode("utf-8")) + 1 for p in parts)
    while size < target:
        paragraph = " ".join(_sentence(rng) for _ in range(rng.randint(3, 7)))
        parts += [paragraph, ""]
        size += len(paragraph.encode("utf-8")) + 2
    return "\n".join(parts)


def _under(text: str, heading: str, lines: list[str]) -> str:
    """Text with lines added under a heading, after the template's `<!-- hint -->` if any."""
    at = text.find(f"\n{heading}\n")
    if at == -1:
        sys.exit(f"the template has no heading {heading!r}; update make_vault.py")
    end = at + len(heading) + 2
    if text.startswith("<!--", end):
        end = text.index("\n", end) + 1
    return text[:end] + "\n".join(lines) + "\n" + text[end:]


def _lines(rng: random.Random, count: int) -> list[str]:
    return [_sentence(rng) for _ in range(count)]


def _sentence(rng: random.Random) -> str:
    words = rng.choices(_WORDS, k=rng.randint(8, 18))
    return " ".join(words).capitalize() + "."


if __name__ == "__main__":
    main()
