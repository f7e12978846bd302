"""Why a list gave nothing: a reason for each item and paragraph, for the error that says so.

The parsers stay quiet about prose (a bullet list of advice is not a broken reading list), so
when a whole list yields no entry this looks at every block again and says, line by line, why
it was not one.
"""

from __future__ import annotations

from collections.abc import Iterator

from markdown_it.tree import SyntaxTreeNode

from vaultkit.lists._sections import (
    first_paragraph,
    inline_tokens,
    is_list,
    is_web_link,
    line_of,
    list_items,
    parse_sections,
    plain_text,
)
from vaultkit.model import ListWarning

_SHOWN = 60
"""Characters of a line's text quoted in its reason."""


def reading_reasons(text: str, found: tuple[ListWarning, ...]) -> list[ListWarning]:
    """Each item or paragraph of a reading list that is not an entry, with why; the parser's
    own warnings (`found`) win for the lines they name."""
    reasons = {w.line: w for w in _reading_blocks(text)}
    reasons.update((w.line, w) for w in found)
    return [reasons[line] for line in sorted(reasons)]


def question_reasons(text: str, found: tuple[ListWarning, ...]) -> list[ListWarning]:
    """Each paragraph of a syllabus that is not a question, with why; `found` as above."""
    reasons = {
        line_of(block): ListWarning(
            line_of(block), f"{_quoted(block)} is prose, not a `-`, `*` or numbered item"
        )
        for block in _blocks(text)
        if block.type == "paragraph"
    }
    reasons.update((w.line, w) for w in found)
    return [reasons[line] for line in sorted(reasons)]


def _reading_blocks(text: str) -> Iterator[ListWarning]:
    for block in _blocks(text):
        paragraph = first_paragraph(block) if block.type == "list_item" else block
        if paragraph is None or paragraph.type != "paragraph":
            continue
        hrefs = [
            str(t.attrs.get("href", "")) for t in inline_tokens(paragraph) if t.type == "link_open"
        ]
        line = line_of(block)
        if any(is_web_link(href) for href in hrefs):
            continue  # an entry the parser kept, or one it reported itself
        if hrefs:
            yield ListWarning(line, f"{_quoted(paragraph)}: link {hrefs[0]!r} is not http(s)")
        else:
            yield ListWarning(line, f"{_quoted(paragraph)}: no http(s) link")


def _blocks(text: str) -> Iterator[SyntaxTreeNode]:
    """Every paragraph outside lists and every list item, nested ones too, in document order."""
    for section in parse_sections(text).walk():
        for block in section.blocks:
            yield from _within(block)


def _within(block: SyntaxTreeNode) -> Iterator[SyntaxTreeNode]:
    if block.type == "paragraph":
        yield block
    elif is_list(block):
        for item in list_items(block):
            nested = [child for child in item.children if is_list(child)]
            if not nested:
                yield item
            for child in nested:
                yield from _within(child)


def _quoted(node: SyntaxTreeNode) -> str:
    paragraph = first_paragraph(node) if node.type == "list_item" else node
    text = plain_text(inline_tokens(paragraph)) if paragraph is not None else ""
    return repr(text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…")


