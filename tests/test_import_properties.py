"""Properties of any import: whatever shape a list takes, the vault `init` makes from it has an
http(s) URL on every source, no id on two notes, and no link that finds no note, and it holds
exactly what `init --dry-run --json` promised; or `init` refuses the list with one error and
writes nothing.

The lists are generated from a seed, mixing the shapes people write (numbered bold entries,
link bullets with extra links and code spans, link tables, tables of contents, badges, emoji
headings, question bullets, numbered questions, `Q:` lines, tips) with junk lines.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import RunCli
from tests.helpers import notes, split_note

SEEDS = range(24)
EMOJI = ["🎯", "📋", "🚀", "✨", ""]
WORDS = (
    "attention", "scaling", "sparse", "mixture", "experts", "gradient", "noise", "batch",
    "norm", "residual", "tokenizer", "decoding", "beam", "sampling", "reward", "model",
    "preference", "policy", "value",
)


def _title(rng: random.Random, words: int = 3) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize()


def _url(rng: random.Random) -> str:
    return f"https://example.org/{rng.choice(WORDS)}/{rng.randrange(10_000)}"


def _source_line(rng: random.Random, n: int) -> list[str]:
    """One reading-list entry in one of the shapes people write."""
    title, url = _title(rng), _url(rng)
    shape = rng.randrange(5)
    if shape == 0:
        return [f"{n}. **{title}**  ", f"   [{url}]({url})  ", f"   Why: {_title(rng, 6)}."]
    if shape == 1:
        return [f"- [{title}]({url}) ([Code]({_url(rng)})) `{rng.choice(WORDS)}` `2019`"]
    if shape == 2:
        return [f"* How {title.lower()} works [Part 1]({url}), [Part 2]({_url(rng)})"]
    if shape == 3:
        return [f"{n}. [{title}]({url}) - {_title(rng, 5)}"]
    return [f"- {title} (no link yet)"]  # a line some lists hold: never a source


def _reading_list(rng: random.Random) -> str:
    lines = [f"# {rng.choice(EMOJI)} Awesome {_title(rng, 2)}".replace("#  ", "# "), ""]
    if rng.random() < 0.5:
        lines += ["[![badge](https://img.shields.io/badge/x-y-blue)](https://example.org)", ""]
    if rng.random() < 0.5:
        lines += ["## Contents", "", "- [Part one](#part-one)", "- [Part two](#part-two)", ""]
    for section in range(rng.randrange(1, 5)):
        emoji = rng.choice(EMOJI)
        lines += [f"## {section + 1}. {emoji} {_title(rng, 2)}".replace("  ", " "), ""]
        if rng.random() < 0.3:
            lines += ["| Title | Link | Notes |", "|---|---|---|"]
            lines += [f"| {_title(rng)} | [link]({_url(rng)}) | {_title(rng, 2)} |"
                      for _ in range(rng.randrange(1, 4))]
            lines.append("")
        for n in range(1, rng.randrange(2, 6)):
            lines += _source_line(rng, n)
        lines.append("")
    return "\n".join(lines) + "\n"


def _syllabus(rng: random.Random) -> str:
    lines = [f"# {_title(rng, 2)} questions", ""]
    for section in range(rng.randrange(1, 4)):
        lines += [f"## {section + 1}. {rng.choice(EMOJI)} {_title(rng, 2)}".replace("  ", " "), ""]
        for n in range(1, rng.randrange(2, 6)):
            text = f"{_title(rng, 5)}?"
            lines.append(rng.choice([f"- {text}", f"* {text}", f"{n}. [E] {text}",
                                     f"Q: {text}", f"**{text}**"]))
            lines.append("")
    if rng.random() < 0.5:
        lines += ["## Tips", "", "- Focus on understanding, not memorization.", ""]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("seed", SEEDS)
def test_any_list_makes_a_sound_vault_or_nothing(
    run_cli: RunCli, tmp_path: Path, seed: int
) -> None:
    """Every source has an http(s) URL, no two notes share an id, every link resolves; or
    `init` says why not in one `Error:` and leaves no folder behind."""
    rng = random.Random(seed)  # noqa: S311 - test input, not a secret
    readlist, syllabus = tmp_path / "readlist.md", tmp_path / "questions.md"
    readlist.write_text(_reading_list(rng), encoding="utf-8")
    syllabus.write_text(_syllabus(rng), encoding="utf-8")
    vault = tmp_path / "vault"
    lists = ("--readlist", readlist, "--questions", syllabus)
    preview = run_cli("init", vault, *lists, "--dry-run", "--json")

    made = run_cli("init", vault, *lists)

    if made.exit_code != 0:
        assert made.exit_code == 2, made.output
        assert made.output.count("Error:") == 1, made.output
        assert not vault.exists()
        assert preview.exit_code == 2
        return
    promised = json.loads(preview.stdout)
    created = sorted(str(p.relative_to(vault)) for p in vault.rglob("*")
                     if p.is_file() and ".vaultkit" not in p.relative_to(vault).parts
                     and p.relative_to(vault).parts[0] != "Dashboards")
    assert sorted(promised["files"]["create"]) == created
    of_kind = Counter(p.get("vaultkit") for p in (split_note(f)[0] for f in notes(vault)
                      if f.read_text(encoding="utf-8").startswith("---\n")))
    totals = promised["totals"]
    assert (totals["sources"], totals["questions"], totals["topics"]) == (
        of_kind["source"], of_kind["question"], of_kind["topic"])
    properties = {
        path: split_note(path)[0] for path in notes(vault)
        if path.read_text(encoding="utf-8").startswith("---\n")  # the lists have none
    }
    urls = [p.get("url") for p in properties.values() if p.get("vaultkit") == "source"]
    assert urls, "a list init accepted made no source"
    assert all(isinstance(u, str) and u.startswith(("http://", "https://")) for u in urls)
    ids = Counter(p.get("id") for p in properties.values() if p.get("vaultkit"))
    assert [i for i, n in ids.items() if n > 1] == []
    checked = run_cli("check", vault)
    assert "finds no note" not in checked.output, checked.output
