"""One reading-list entry from one list item or table row: its title, link, note, extra links
and labels. Which topic an entry belongs to is `readlist`'s business."""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

from vaultkit.lists._sections import (
    first_paragraph,
    inline_source,
    inline_tokens,
    is_list,
    is_web_link,
    line_of,
    list_items,
    node_source,
    plain_text,
)
from vaultkit.model import ListWarning, normalise_url

_WHY = re.compile(r"^\s*(?:\*\*|__)?why(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*", re.IGNORECASE)
_NOTE_SEPARATOR = re.compile(r"^[\s\-–—:|]+")
# Text between the links and labels of an entry's head: "([Code](…)), `2019`".
_BARE = re.compile(r"^[\s()\[\],;|/·•+&\-–—]*$")
_ENDS_CLAUSE = re.compile(r"[.!?)\]\-–—|:;,]$")
# Link texts that say what a link is, not what it is called: "[Part 2](…)", "[pdf](…)".
_GENERIC_LINK = re.compile(
    r"^((part|pt\.?|chapter|episode|ep\.?|video|slides)\s*\d*|link|here|pdf|html|post|blog|"
    r"article|paper|code|notes|talk|read|source|arxiv|web|website|site|docs|repo|github)$",
    re.IGNORECASE,
)
_LEAD_SEPARATOR = re.compile(r"[\s:(\[\-–—|]+$")
_TITLE_COLUMN = re.compile(r"title|name|paper|resource|article|book|course|talk", re.IGNORECASE)
_NOTE_COLUMN = re.compile(r"note|description|why|summary|comment|about", re.IGNORECASE)


@dataclass(slots=True)
class Entry:
    """One list item or table row that names a source."""

    title: str
    url: str
    why: str
    details: str
    line: int
    links: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()


def list_entries(
    node: SyntaxTreeNode, lines: list[str], warnings: list[ListWarning]
) -> list[Entry]:
    """The entries of one list, recursing into items that only group other items."""
    entries: list[Entry] = []
    skipped: list[ListWarning] = []
    for item in list_items(node):
        paragraph = first_paragraph(item)
        why_not: list[ListWarning] = []
        entry = _entry(item, paragraph, lines, why_not) if paragraph else None
        if entry is not None:
            entries.append(entry)
            continue
        nested = [
            e for child in item.children if is_list(child)
            for e in list_entries(child, lines, warnings)
        ]
        entries.extend(nested)
        if not nested:  # an item that groups entries under it is not a broken entry
            skipped.extend(why_not)
    # An item without a link among real entries is a broken entry; in a list of plain
    # bullets (a "what to skip" list, a table of contents) it is just prose.
    if entries:
        warnings.extend(skipped)
    return entries


def _entry(
    item: SyntaxTreeNode,
    paragraph: SyntaxTreeNode,
    lines: list[str],
    skipped: list[ListWarning],
) -> Entry | None:
    tokens = inline_tokens(paragraph)
    bold = _bold_text(tokens)
    links = _links(tokens)
    line = line_of(item)
    web = [(href, text, i) for href, text, i in links if is_web_link(href) and text]
    if not web:
        label = bold or plain_text(tokens)
        others = [
            href for href, _, _ in links if not href.startswith("#") and not is_web_link(href)
        ]
        if others:
            skipped.append(ListWarning(
                line, f"entry {label!r}: link {others[0]!r} is not an http(s) URL; skipped"
            ))
        elif badges := [href for href, text, _ in links if is_web_link(href) and not text]:
            skipped.append(ListWarning(
                line, f"link {badges[0]!r} is around an image or badge, not text; skipped"
            ))
        elif label:
            skipped.append(ListWarning(line, f"entry {label!r} has no http(s) link; skipped"))
        return None
    url, link_text, close_at = web[0]
    lead = _lead(tokens, close_at, link_text)
    head_end, labels = _head(tokens, close_at)
    tail_at, tail_labels = _tail(tokens, head_end)
    title = bold or lead or link_text or url
    why = _why(inline_source(paragraph), item) or _note_after(tokens[:tail_at], head_end)
    details = "\n".join(
        node_source(lines, child) for child in item.children if is_list(child)
    )
    return Entry(
        title=title, url=url, why=why, details=details, line=line,
        links=_other_links(url, web[1:]), labels=(*labels, *tail_labels),
    )


def _lead(tokens: list[Token], close_at: int, link_text: str) -> str:
    """The text an item starts with before its first link, on the same line, when it names the
    entry: `How X works [Part 1](…)` → "How X works". A one-word lead or a `Label:` before a
    link with a real title ("Video: [Talk title](…)") leaves the title to the link."""
    opening = max(i for i in range(close_at) if tokens[i].type == "link_open")
    before = tokens[:opening]
    if any(t.type in {"link_open", "softbreak", "hardbreak"} for t in before):
        return ""
    raw = plain_text(before)
    text = _LEAD_SEPARATOR.sub("", raw)
    if not re.search(r"\w", text):
        return ""
    if _GENERIC_LINK.match(link_text):
        return text
    return "" if raw.rstrip().endswith(":") or len(text.split()) < 2 else text


def _head(tokens: list[Token], close_at: int) -> tuple[int, tuple[str, ...]]:
    """Where the entry's head ends (the first link, then links and code spans joined only by
    brackets and commas), and the head's code spans: "([Code](…)) `Company` `2019`"."""
    labels: list[str] = []
    i = close_at + 1
    while i < len(tokens):
        token = tokens[i]
        if token.type == "link_open":
            i = next((j for j in range(i, len(tokens)) if tokens[j].type == "link_close"), i)
        elif token.type == "code_inline":
            labels.append(token.content.strip())
        elif token.type != "text" or not _BARE.match(token.content):
            break
        i += 1
    return i - 1, tuple(label for label in labels if label)


def _tail(tokens: list[Token], head_end: int) -> tuple[int, tuple[str, ...]]:
    """Where the code spans closing the entry's first line start, and those code spans:
    "- note. `Company` `2019`". A code span closing a sentence ("tuned with `lr`") stays in the
    note: the text before a label run ends a sentence or separates, it does not lead into it."""
    end = next(
        (i for i in range(head_end + 1, len(tokens))
         if tokens[i].type in {"softbreak", "hardbreak"}),
        len(tokens),
    )
    start, labels = end, list[str]()
    for i in range(end - 1, head_end, -1):
        token = tokens[i]
        if token.type == "code_inline":
            start, labels = i, [token.content.strip(), *labels]
        elif token.type != "text" or not _BARE.match(token.content):
            break
    before = plain_text(tokens[head_end + 1:start])
    if not labels or (before and not _ENDS_CLAUSE.search(before)):
        return end, ()
    return start, tuple(label for label in labels if label)


def _other_links(url: str, rest: list[tuple[str, str, int]]) -> tuple[str, ...]:
    """The entry's web links after the first, each once."""
    seen = {normalise_url(url)}
    kept: list[str] = []
    for href, _, _ in rest:
        if normalise_url(href) not in seen:
            seen.add(normalise_url(href))
            kept.append(href)
    return tuple(kept)


def table_entries(table: SyntaxTreeNode, warnings: list[ListWarning]) -> list[Entry]:
    """One entry per body row with an http(s) link; its columns named by the header row."""
    rows = [row for part in table.children for row in part.children if row.type == "tr"]
    if not rows:
        return []
    header = [plain_text(inline_tokens(cell)) for cell in rows[0].children]
    title_at = next((n for n, h in enumerate(header) if _TITLE_COLUMN.search(h)), None)
    note_at = next((n for n, h in enumerate(header) if _NOTE_COLUMN.search(h)), None)
    entries: list[Entry] = []
    skipped: list[ListWarning] = []
    for row in rows[1:]:
        cells = [inline_tokens(cell) for cell in row.children]
        texts = [plain_text(tokens) for tokens in cells]
        web = [
            (href, text, i) for tokens in cells for href, text, i in _links(tokens)
            if is_web_link(href) and text
        ]
        line = line_of(row)
        if not web:
            label = next((text for text in texts if text), "")
            if label:
                skipped.append(ListWarning(
                    line, f"table row {label!r} has no http(s) link; skipped"
                ))
            continue
        url, link_text, _ = web[0]
        title = (texts[title_at] if title_at is not None and title_at < len(texts) else "")
        entries.append(Entry(
            title=title or link_text or url,
            url=url,
            why=texts[note_at] if note_at is not None and note_at < len(texts) else "",
            details="",
            line=line,
            links=_other_links(url, web[1:]),
            labels=tuple(label for tokens in cells for label in _cell_labels(tokens)),
        ))
    if entries:  # as for lists: a table without any link is prose, not broken entries
        warnings.extend(skipped)
    return entries


def _cell_labels(tokens: list[Token]) -> list[str]:
    """A cell's code spans when the cell is nothing else (a `2019` column), not a note's."""
    if any(t.type != "code_inline" and not (t.type == "text" and _BARE.match(t.content))
           for t in tokens):
        return []
    return [t.content.strip() for t in tokens if t.content.strip()]


def _bold_text(tokens: list[Token]) -> str:
    inside, parts = False, list[Token]()
    for token in tokens:
        if token.type == "strong_open" and not parts:
            inside = True
        elif token.type == "strong_close" and inside:
            break
        elif inside:
            parts.append(token)
    return plain_text(parts)


def _links(tokens: list[Token]) -> list[tuple[str, str, int]]:
    """(href, link text, index of link_close) for each link, in order."""
    links: list[tuple[str, str, int]] = []
    for i, token in enumerate(tokens):
        if token.type != "link_open":
            continue
        close = next(
            (j for j in range(i + 1, len(tokens)) if tokens[j].type == "link_close"),
            len(tokens),
        )
        href = str(token.attrs.get("href", ""))
        links.append((href, plain_text(tokens[i + 1:close]), close))
    return links


def _why(source: str, item: SyntaxTreeNode) -> str:
    """The text after `Why:` in the entry's own paragraphs, Markdown kept."""
    paragraphs = [source] + [
        inline_source(child) for child in item.children[1:] if child.type == "paragraph"
    ]
    for paragraph in paragraphs:
        text_lines = paragraph.splitlines()
        for n, text in enumerate(text_lines):
            if _WHY.match(text):
                rest = [_WHY.sub("", text, count=1), *text_lines[n + 1:]]
                return " ".join(part.strip() for part in rest if part.strip())
    return ""


def _note_after(tokens: list[Token], close_at: int) -> str:
    """The note that follows the link on its line: `- [Title](url) - note`."""
    rest: list[Token] = []
    for token in tokens[close_at + 1:]:
        if token.type in {"softbreak", "hardbreak"}:
            break
        rest.append(token)
    return _NOTE_SEPARATOR.sub("", plain_text(rest)).strip()
