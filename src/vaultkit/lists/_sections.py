"""A Markdown document as a tree of heading sections over markdown-it-py's token tree.

Both list parsers walk this tree: a section is a heading, the blocks directly under it, and its
sub-sections. Nothing here knows about sources or questions.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

from vaultkit.lists._marks import GUIDANCE, SKIP, marked_blocks

_MD = MarkdownIt("commonmark")
# Link tables (`| Title | Link |`) are a reading-list shape; a parser that has no use for them
# keeps reading them as paragraphs, as CommonMark does.
_MD_TABLES = MarkdownIt("commonmark").enable("table")

# "1. Title", "5.1.1 Title", "2) Title": the list's own section numbers.
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_NUMBERED = re.compile(r"^(\d+(?:\.\d+)*)[.)]?\s+(\S.*)$")


@dataclass(slots=True)
class Section:
    """A heading and everything under it until the next heading of its level or above."""

    title: str
    """Plain heading text without the section number."""
    level: int
    """1–6 for `#`…`######`; 0 for the document's text before its first heading."""
    line: int
    """1-based line of the heading (1 for the preamble)."""
    number: str | None = None
    blocks: list[SyntaxTreeNode] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)
    mark: str | None = None
    """`guidance` or `topic` from a `<!-- vaultkit: … -->` line before the heading (see
    `_marks`); a section under a `guidance` one is guidance too."""

    @property
    def full_title(self) -> str:
        """The heading as written: number and title."""
        return f"{self.number}. {self.title}" if self.number else self.title

    def walk(self) -> Iterator[Section]:
        yield self
        for child in self.children:
            yield from child.walk()

    def end_line(self) -> int:
        """0-based line just past the last block of the section's whole subtree."""
        ends = [self.line] + [b.map[1] for b in self.blocks if b.map]
        ends += [c.end_line() for c in self.children]
        return max(ends)


def parse_sections(text: str, *, tables: bool = False) -> Section:
    """The document as a tree rooted at a level-0 section that holds the preamble (`tables`:
    GitHub tables become `table` blocks)."""
    root = Section(title="", level=0, line=1)
    stack = [root]
    nodes, _ = marked_blocks(SyntaxTreeNode((_MD_TABLES if tables else _MD).parse(text)).children)
    for node, mark in nodes:
        if node.type != "heading":
            stack[-1].blocks.append(node)
            continue
        level = int(node.tag[1])
        while stack[-1].level >= level:
            stack.pop()
        raw = plain_text(inline_tokens(node)).strip()
        number, title = split_number(raw)
        section = Section(title=title, level=level, line=line_of(node), number=number,
                          mark=mark or (GUIDANCE if stack[-1].mark == GUIDANCE else None))
        if mark != SKIP:  # a skipped section still takes its blocks and sub-sections, unseen
            stack[-1].children.append(section)
        stack.append(section)
    return root


def split_number(heading: str) -> tuple[str | None, str]:
    """`("1", "Post-Training")` for "1. Post-Training"; `(None, heading)` when unnumbered."""
    match = _NUMBERED.match(heading)
    if match is None:
        return None, heading
    return match.group(1), match.group(2).strip()


def inline_tokens(node: SyntaxTreeNode) -> list[Token]:
    """The inline tokens of a heading or paragraph node (empty for other nodes)."""
    for child in node.children:
        if child.type == "inline" and child.token is not None:
            return list(child.token.children or [])
    return []


def inline_source(node: SyntaxTreeNode) -> str:
    """The Markdown source of a paragraph's text, without list markers or indentation."""
    for child in node.children:
        if child.type == "inline" and child.token is not None:
            return child.token.content
    return ""


def plain_text(tokens: list[Token]) -> str:
    """What a reader sees of inline tokens: text, code and link text, no markup."""
    parts: list[str] = []
    for token in tokens:
        if token.type in {"text", "code_inline", "text_special", "html_inline"}:
            parts.append(token.content)
        elif token.type in {"softbreak", "hardbreak"}:
            parts.append(" ")
    return " ".join("".join(parts).split())


def list_items(node: SyntaxTreeNode) -> list[SyntaxTreeNode]:
    """The items of a bullet or ordered list node."""
    return [c for c in node.children if c.type == "list_item"]


def is_list(node: SyntaxTreeNode) -> bool:
    return node.type in {"bullet_list", "ordered_list"}


def first_paragraph(item: SyntaxTreeNode) -> SyntaxTreeNode | None:
    for child in item.children:
        if child.type == "paragraph":
            return child
    return None


def source_lines(lines: list[str], start: int, end: int) -> str:
    """Lines `start`…`end - 1` (0-based) of the document, dedented and trimmed."""
    chunk = lines[start:end]
    indents = [len(x) - len(x.lstrip()) for x in chunk if x.strip()]
    cut = min(indents, default=0)
    return "\n".join(x[cut:].rstrip() for x in chunk).strip("\n")


def node_source(lines: list[str], node: SyntaxTreeNode) -> str:
    if node.map is None:
        return ""
    return source_lines(lines, node.map[0], node.map[1])


def line_of(node: SyntaxTreeNode) -> int:
    """1-based first line of a block node."""
    return node.map[0] + 1 if node.map else 0


def section_prose(section: Section, lines: list[str]) -> str:
    """The paragraphs and quotes directly under a heading, as Markdown."""
    parts = (
        node_source(lines, block) for block in section.blocks
        if block.type in {"paragraph", "blockquote"}
    )
    return "\n\n".join(part for part in parts if part)


def section_body(section: Section, lines: list[str]) -> str:
    """Everything under the heading, sub-sections included, as Markdown."""
    return _without_trailing_rule(source_lines(lines, section.line, section.end_line()))


def preamble(root: Section, lines: list[str]) -> str:
    """The document's text before its first heading, as Markdown."""
    end = root.children[0].line - 1 if root.children else len(lines)
    return _without_trailing_rule(source_lines(lines, 0, end))


def _without_trailing_rule(markdown: str) -> str:
    """Drop a closing `---`: a separator before the next section, not part of this one."""
    kept = markdown.splitlines()
    while kept and (not kept[-1].strip() or _RULE.match(kept[-1])):
        kept.pop()
    return "\n".join(kept)


# Emoji, their variation selectors and joiners, symbols and spaces around a heading's words.
_DECORATION = frozenset({"So", "Sk", "Cf", "Mn", "Zs", "Me"})


def undecorated(title: str) -> str:
    """A heading's words without the emoji or symbols around them ("📋 Contents" → "Contents");
    bold is already gone from `plain_text`."""
    start, end = 0, len(title)
    while start < end and unicodedata.category(title[start]) in _DECORATION:
        start += 1
    while end > start and unicodedata.category(title[end - 1]) in _DECORATION:
        end -= 1
    return title[start:end] or title


def inline_plain(markdown: str) -> str:
    """What a reader sees of one line of inline Markdown (as `plain_text` of its tokens)."""
    tokens = _MD.parseInline(markdown)
    return plain_text(list(tokens[0].children or [])) if tokens else ""


def is_decoration(node: SyntaxTreeNode) -> bool:
    """A paragraph of nothing but images and badges (`[![CI](…)](…)`): no words for a note."""
    tokens = inline_tokens(node)
    return node.type == "paragraph" and bool(tokens) and all(
        t.type in {"image", "link_open", "link_close", "softbreak", "hardbreak"}
        or (t.type == "text" and not t.content.strip())
        for t in tokens
    )


def is_web_link(href: str) -> bool:
    """An http(s) URL with a host (and a port, if any, that is a number): what a source needs."""
    try:
        parts = urlsplit(href)
        _ = parts.port  # raises on a malformed port
    except ValueError:
        return False
    return parts.scheme in {"http", "https"} and bool(parts.hostname)


_BOILERPLATE = re.compile(r"^(table of )?contents$|^licen[cs]e$|^contribut", re.IGNORECASE)


def is_boilerplate(title: str) -> bool:
    """A section no study needs on Home: a table of contents (its `#anchor` links are dead
    there), a license, how to contribute. `title` without its decoration."""
    return bool(_BOILERPLATE.match(title))
