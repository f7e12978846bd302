"""A reading list in Markdown → `ReadingList`.

Two shapes are read by the same walk over the heading tree:

- the seed's: tiers (`#`), numbered sections (`##`), role groups (`###`) and numbered entries
  `1. **Title**` + a link line + a `Why: …` line;
- the "awesome list": `- [Title](https://…) - note` items under headings, where nested bullets
  (authors, code links) belong to their item.

A topic is the deepest heading above an entry that is not a role group; role groups are
headings such as "Primary sources" or "Practical summaries", or any unnumbered heading directly
under a numbered section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

from vaultkit.lists._sections import (
    Section,
    first_paragraph,
    inline_source,
    inline_tokens,
    is_list,
    line_of,
    list_items,
    node_source,
    parse_sections,
    plain_text,
    preamble,
    section_body,
    section_prose,
)
from vaultkit.model import (
    Guidance,
    Heading,
    ListWarning,
    Placement,
    ReadingList,
    Role,
    Source,
    Topic,
    UniqueKeys,
    normalise_url,
    slug,
)

_CORE_WORDS = re.compile(r"\b(primary|core|must[- ]?reads?|essential|required)\b", re.IGNORECASE)
_PRACTITIONER_WORDS = re.compile(r"\b(practi\w*|supporting)\b", re.IGNORECASE)
_TIER = re.compile(r"\btier\s*(\d+)", re.IGNORECASE)
_OPTIONAL = re.compile(r"\boptional\b", re.IGNORECASE)
_WHY = re.compile(r"^\s*(?:\*\*|__)?why(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*", re.IGNORECASE)
_NOTE_SEPARATOR = re.compile(r"^[\s\-–—:|]+")
# Sections that advise rather than list, kept out of the home note when they hold no prose.
_BOILERPLATE = re.compile(r"^(table of )?contents$|^licen[cs]e$|^contribut", re.IGNORECASE)


@dataclass(slots=True)
class _Entry:
    title: str
    url: str
    why: str
    details: str
    line: int


@dataclass(slots=True)
class _Walk:
    """What one parse accumulates while it walks the sections."""

    lines: list[str]
    entries: dict[int, list[_Entry]] = field(default_factory=dict)
    """Section (by `id`) → the entries in its own lists."""
    topics: list[Topic] = field(default_factory=list)
    sources: dict[str, tuple[_Entry, list[Placement]]] = field(default_factory=dict)
    """Normalised URL → its first entry and every placement of it."""
    listed: set[tuple[str, str]] = field(default_factory=set)
    """(Normalised URL, topic key) of every placement kept."""
    warnings: list[ListWarning] = field(default_factory=list)
    keys: UniqueKeys = field(default_factory=UniqueKeys)
    """The topics' keys, handed out so far."""
    headings: dict[int, Heading] = field(default_factory=dict)
    """Section (by `id`) → its heading as a topic's context, made once for all its topics."""


def parse(text: str) -> ReadingList:
    """Parse a reading list; entries that cannot be used become warnings, not errors."""
    text = text.removeprefix("\ufeff")
    walk = _Walk(lines=text.splitlines())
    root = parse_sections(text)
    for section in root.walk():
        walk.entries[id(section)] = [
            entry for block in section.blocks if is_list(block)
            for entry in _entries(block, walk)
        ]
    _assign(root, (), walk)
    return ReadingList(
        topics=tuple(walk.topics),
        sources=tuple(
            Source(title=e.title, url=e.url, placements=tuple(ls), details=e.details)
            for e, ls in walk.sources.values()
        ),
        guidance=tuple(_guidance(root, walk)),
        warnings=tuple(sorted(walk.warnings, key=lambda w: w.line)),
    )


def _assign(section: Section, context: tuple[Section, ...], walk: _Walk) -> None:
    """Make `section` a topic if entries sit under it outside sub-topics, then recurse."""
    own = _role_subtree_entries(section, walk)
    if own:
        topic = _topic(section, context, walk)
        walk.topics.append(topic)
        for role, entry in own:
            _add_listing(entry, Placement(topic.key, role, entry.why, entry.line), walk)
    inner = (*context, section) if section.level > 0 else context
    for child in section.children:
        if not _is_role(child, section):
            _assign(child, inner, walk)


def _role_subtree_entries(section: Section, walk: _Walk) -> list[tuple[str | None, _Entry]]:
    """Entries directly under the section or under its role-group sub-headings."""
    grouped: list[tuple[str | None, _Entry]] = [(None, e) for e in walk.entries[id(section)]]

    def visit(group: Section, role: str) -> None:
        grouped.extend((role, e) for e in walk.entries[id(group)])
        for child in group.children:
            visit(child, role)

    for child in section.children:
        if _is_role(child, section):
            visit(child, _role_name(child.title))
    return grouped


def _is_role(section: Section, parent: Section) -> bool:
    if section.number is not None:
        return False
    if parent.number is not None:
        return True
    return section.level >= 3 and bool(
        _CORE_WORDS.search(section.title) or _PRACTITIONER_WORDS.search(section.title)
    )


def _role_name(title: str) -> str:
    if _CORE_WORDS.search(title):
        return Role.CORE.value
    if _PRACTITIONER_WORDS.search(title):
        return Role.PRACTITIONER.value
    return _without_paren_tail(title).rstrip(":").strip().lower() or title.lower()


def _without_paren_tail(title: str) -> str:
    r"""The title without a last `(…)` group at its end: "Reading (pick two)" → "Reading".

    What `re.sub(r"\s*\([^)]*\)\s*$", "", title)` gives, without rescanning the rest of the
    title from every `(` in it.
    """
    head, close, tail = title.rstrip().rpartition(")")
    opening = head.find("(", head.rfind(")") + 1)
    if not close or tail or opening == -1:
        return title
    return head[:opening].rstrip()


def _topic(section: Section, context: tuple[Section, ...], walk: _Walk) -> Topic:
    path = [*context, section]
    heading_texts = [s.full_title for s in path]
    tiers = [int(m.group(1)) for t in heading_texts if (m := _TIER.search(t))]
    title = section.title or "Reading list"
    base_key = slug(title)  # not the number: renumbering a section must not make it another
    return Topic(
        key=walk.keys.claim(base_key),
        title=title,
        number=section.number,
        tier=tiers[-1] if tiers else None,
        optional=any(_OPTIONAL.search(t) for t in heading_texts),
        context=tuple(_heading(s, walk) for s in context),
        intro=section_prose(section, walk.lines),
        line=section.line,
    )


def _heading(section: Section, walk: _Walk) -> Heading:
    """A section over topics as their context; its prose is read once, not once per topic."""
    heading = walk.headings.get(id(section))
    if heading is None:
        heading = Heading(section.full_title, section_prose(section, walk.lines))
        walk.headings[id(section)] = heading
    return heading


def _add_listing(entry: _Entry, placement: Placement, walk: _Walk) -> None:
    key = normalise_url(entry.url)
    if (key, placement.topic_key) in walk.listed:
        first = walk.sources[key][0]
        walk.warnings.append(ListWarning(
            entry.line,
            f"{entry.url} is listed again under the same topic (line {first.line}); "
            "kept once",
        ))
        return
    walk.listed.add((key, placement.topic_key))
    if key in walk.sources:
        walk.sources[key][1].append(placement)
    else:
        walk.sources[key] = (entry, [placement])


def _entries(node: SyntaxTreeNode, walk: _Walk) -> list[_Entry]:
    """The entries of one list, recursing into items that only group other items."""
    entries: list[_Entry] = []
    skipped: list[ListWarning] = []
    for item in list_items(node):
        paragraph = first_paragraph(item)
        why_not: list[ListWarning] = []
        entry = _entry(item, paragraph, walk.lines, why_not) if paragraph else None
        if entry is not None:
            entries.append(entry)
            continue
        nested = [e for child in item.children if is_list(child) for e in _entries(child, walk)]
        entries.extend(nested)
        if not nested:  # an item that groups entries under it is not a broken entry
            skipped.extend(why_not)
    # An item without a link among real entries is a broken entry; in a list of plain
    # bullets (a "what to skip" list, a table of contents) it is just prose.
    if entries:
        walk.warnings.extend(skipped)
    return entries


def _entry(
    item: SyntaxTreeNode,
    paragraph: SyntaxTreeNode,
    lines: list[str],
    skipped: list[ListWarning],
) -> _Entry | None:
    tokens = inline_tokens(paragraph)
    bold = _bold_text(tokens)
    links = _links(tokens)
    line = line_of(item)
    web = [(href, text, i) for href, text, i in links if _is_web(href)]
    if not web:
        label = bold or plain_text(tokens)
        others = [href for href, _, _ in links if not href.startswith("#")]
        if others:
            skipped.append(ListWarning(
                line, f"entry {label!r}: link {others[0]!r} is not an http(s) URL; skipped"
            ))
        elif label:
            skipped.append(ListWarning(line, f"entry {label!r} has no http(s) link; skipped"))
        return None
    url, link_text, close_at = web[0]
    title = bold or link_text or url
    why = _why(inline_source(paragraph), item) or _note_after(tokens, close_at)
    details = "\n".join(
        node_source(lines, child) for child in item.children if is_list(child)
    )
    return _Entry(title=title, url=url, why=why, details=details, line=line)


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


def _is_web(href: str) -> bool:
    try:
        parts = urlsplit(href)
        _ = parts.port  # raises on a malformed port
    except ValueError:
        return False
    return parts.scheme in {"http", "https"} and bool(parts.hostname)


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


def _guidance(root: Section, walk: _Walk) -> list[Guidance]:
    """Sections without entries anywhere below them: advice for the home note."""
    guidance: list[Guidance] = []

    def has_entries(section: Section) -> bool:
        return any(walk.entries[id(s)] for s in section.walk())

    def visit(section: Section) -> None:
        if section.level > 0 and not has_entries(section):
            body = section_body(section, walk.lines)
            if body and not _BOILERPLATE.match(section.title):
                guidance.append(Guidance(section.full_title, body))
            return
        intro = preamble(section, walk.lines) if section.level == 0 else ""
        if intro and not walk.entries[id(section)]:
            guidance.append(Guidance("", intro))
        for child in section.children:
            visit(child)

    visit(root)
    return guidance
