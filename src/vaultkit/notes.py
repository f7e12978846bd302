"""The note file format: YAML frontmatter between `---` lines, then Markdown.

This is the only module that writes or reads raw frontmatter. Writing goes through PyYAML's
safe dumper, so any title (`yes`, `: x`, `[[y]]`, `"`) comes out as a quoted string that
reads back as the same text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

FRONTMATTER_LIMIT = 64 * 1024
"""Bytes of a note we look at for its frontmatter; larger frontmatter is not ours."""

# libyaml's emitter is ~10x faster than PyYAML's own; both are the safe dumper.
_DUMPER: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_SCALAR = re.compile(r"^(vaultkit|id):[ \t]*(.*?)[ \t]*$")


def render_note(frontmatter: Mapping[str, object], body: str) -> str:
    """A note's text: frontmatter in the given key order, a blank-free `---` fence, the body."""
    dumped = yaml.dump(
        dict(frontmatter),
        Dumper=_DUMPER,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=2**31 - 1,  # never fold a long title over two lines
    )
    return f"---\n{dumped}---\n{body.lstrip(chr(10))}"


@dataclass(frozen=True, slots=True)
class Identity:
    """The two fields that make a note vaultkit's: its kind and its stable id."""

    kind: str
    id: str


def read_identity(path: Path) -> Identity | None:
    """`vaultkit:` and `id:` of a note, or None when it is not a vaultkit note.

    Reads at most `FRONTMATTER_LIMIT` bytes and only top-level scalar lines, without a YAML
    parser: it must be fast over a whole vault and cannot be upset by a hostile note.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(FRONTMATTER_LIMIT)
    except OSError:
        return None
    text = head.decode("utf-8-sig", errors="replace")
    lines = text.splitlines()
    if not lines or lines[0].rstrip() != "---":
        return None
    found: dict[str, str] = {}
    for line in lines[1:]:
        if line.rstrip() == "---":
            break
        match = _SCALAR.match(line)
        if match:
            found[match.group(1)] = _unquote(match.group(2))
    else:
        return None  # no closing fence within the limit: not frontmatter we can trust
    if found.get("vaultkit") and found.get("id"):
        return Identity(found["vaultkit"], found["id"])
    return None


def _unquote(value: str) -> str:
    value = value.split(" #", 1)[0].strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value
