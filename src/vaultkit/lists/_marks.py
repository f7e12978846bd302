"""The escape hatch: `<!-- vaultkit: skip|guidance|topic -->` on the line before a heading or an
item tells the parsers what the heuristics could not guess, and the list stays plain Markdown.

- `skip` before a heading drops its whole section; before an item (or a paragraph, or any other
  block) drops that item only.
- `guidance` before a heading makes its section advice (shown on Home), sub-sections included.
- `topic` before a heading makes it a topic, whatever its title looks like; its sub-headings are
  groups within it.

Here the marks are read off markdown-it's block nodes; `parse_sections` puts a heading's mark on
its `Section`, and the parsers consult `Section.mark`.
"""

from __future__ import annotations

import re
from typing import Final

from markdown_it.tree import SyntaxTreeNode

from vaultkit.model import ListWarning

SKIP: Final = "skip"
GUIDANCE: Final = "guidance"
TOPIC: Final = "topic"

_DIRECTIVE = re.compile(r"^\s*<!--\s*vaultkit:\s*(skip|guidance|topic)\s*-->\s*$", re.IGNORECASE)
_ANY = re.compile(r"^\s*<!--\s*vaultkit\s*:(.*?)-->\s*$", re.IGNORECASE)
_LISTS = {"bullet_list", "ordered_list"}


def unknown_marks(text: str) -> list[ListWarning]:
    """A warning for each `<!-- vaultkit: … -->` line that is no mark vaultkit knows: a typo
    there would otherwise change nothing, silently."""
    return [
        ListWarning(n, f"unknown mark {match.group(1).strip()!r} ignored; "
                       "expected `<!-- vaultkit: skip|guidance|topic -->`")
        for n, line in enumerate(text.splitlines(), start=1)
        if (match := _ANY.match(line)) and not _DIRECTIVE.match(line)
    ]


def directive(node: SyntaxTreeNode) -> str | None:
    """`skip`, `guidance` or `topic` when the node is a vaultkit comment on its own, else None."""
    if node.type != "html_block":
        return None
    match = _DIRECTIVE.match(node.content)
    return match.group(1).lower() if match else None


def marked_blocks(
    nodes: list[SyntaxTreeNode],
) -> tuple[list[tuple[SyntaxTreeNode, str | None]], str | None]:
    """The blocks with the mark written just before each heading, the comments themselves and
    every block or item marked `skip` left out; and a mark left over at the end (which, at the
    end of a list item, applies to the next item)."""
    kept: list[tuple[SyntaxTreeNode, str | None]] = []
    pending: str | None = None
    for node in nodes:
        mark = directive(node)
        if mark is not None:
            pending = mark
            continue
        if pending == SKIP and node.type != "heading":
            pending = None
            if node.type not in _LISTS:
                continue
            # The comment sits before the list's first item: a comment line ends a list.
            node.children = node.children[1:]
            if not node.children:
                continue
        if node.type in _LISTS:
            _drop_marked_items(node)
        kept.append((node, pending if node.type == "heading" else None))
        pending = None
    return kept, pending


def _drop_marked_items(node: SyntaxTreeNode) -> None:
    """Items of the list marked `skip` by a comment indented at the end of the item before."""
    kept: list[SyntaxTreeNode] = []
    skip_next = False
    for item in node.children:
        if skip_next:
            skip_next = False
            continue
        blocks, trailing = marked_blocks(item.children)
        item.children = [block for block, _ in blocks]
        skip_next = trailing == SKIP
        kept.append(item)
    node.children = kept
