"""A reading list in Markdown → `ReadingList`.

Three shapes are read by the same walk over the heading tree:

- the seed's: tiers (`#`), numbered sections (`##`), role groups (`###`) and numbered entries
  `1. **Title**` + a link line + a `Why: …` line;
- the "awesome list": `- [Title](https://…) - note` items under headings, where nested bullets
  (authors, code links) belong to their item; the first link is the source, the links and code
  spans right after it ("([Code](…)) `2019`") are its `links` and `labels`; an item that starts
  with text (`How X works [Part 1](…), [Part 2](…)`) takes its title from that text;
- link tables (`| Title | Link | Notes |`), one entry per row.

Links to `#anchors` (a table of contents) and links around images (badges) are never entries;
`_readentries` reads one item or row, this module places the entries under topics.

A topic is the deepest heading above an entry that is not a role group; role groups are
headings such as "Primary sources" or "Practical summaries", or any unnumbered heading directly
under a numbered section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from vaultkit.lists._marks import GUIDANCE, TOPIC
from vaultkit.lists._readentries import Entry, list_entries, table_entries
from vaultkit.lists._sections import (
    Section,
    is_boilerplate,
    is_decoration,
    is_list,
    node_source,
    parse_sections,
    preamble,
    section_body,
    undecorated,
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
# Emoji and marks before a heading's words: "📋 Contents".
_LEAD_DECORATION = re.compile(r"^[^\w(]+")
# Sections that advise rather than list, kept out of the home note when they hold no prose.


@dataclass(slots=True)
class _Walk:
    """What one parse accumulates while it walks the sections."""

    lines: list[str]
    entries: dict[int, list[Entry]] = field(default_factory=dict)
    """Section (by `id`) → the entries in its own lists."""
    topics: list[Topic] = field(default_factory=list)
    sources: dict[str, tuple[Entry, list[Placement]]] = field(default_factory=dict)
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
    root = parse_sections(text, tables=True)
    for section in root.walk():
        walk.entries[id(section)] = [] if section.mark == GUIDANCE else [
            entry for block in section.blocks
            for entry in (
                list_entries(block, walk.lines, walk.warnings) if is_list(block)
                else table_entries(block, walk.warnings) if block.type == "table" else []
            )
        ]
    _assign(root, (), walk)
    return ReadingList(
        topics=tuple(walk.topics),
        sources=tuple(
            Source(
                title=e.title, url=e.url, placements=tuple(ls), details=e.details,
                links=e.links, labels=e.labels,
            )
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


def _role_subtree_entries(section: Section, walk: _Walk) -> list[tuple[str | None, Entry]]:
    """Entries directly under the section or under its role-group sub-headings."""
    grouped: list[tuple[str | None, Entry]] = [(None, e) for e in walk.entries[id(section)]]

    def visit(group: Section, role: str) -> None:
        grouped.extend((role, e) for e in walk.entries[id(group)])
        for child in group.children:
            visit(child, role)

    for child in section.children:
        if _is_role(child, section):
            visit(child, _role_name(child.title))
    return grouped


def _is_role(section: Section, parent: Section) -> bool:
    if section.mark == TOPIC:
        return False
    if parent.mark == TOPIC:  # a heading the user made a topic holds its sub-headings
        return True
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
    title = undecorated(section.title) or "Reading list"  # as the question list's titles
    base_key = slug(title)  # not the number: renumbering a section must not make it another
    return Topic(
        key=walk.keys.claim(base_key),
        title=title,
        number=section.number,
        tier=tiers[-1] if tiers else None,
        optional=any(_OPTIONAL.search(t) for t in heading_texts),
        context=tuple(_heading(s, walk) for s in context),
        intro=_prose(section, walk.lines),
        line=section.line,
    )


def _heading(section: Section, walk: _Walk) -> Heading:
    """A section over topics as their context; its prose is read once, not once per topic."""
    heading = walk.headings.get(id(section))
    if heading is None:
        heading = Heading(section.full_title, _prose(section, walk.lines))
        walk.headings[id(section)] = heading
    return heading


def _prose(section: Section, lines: list[str]) -> str:
    """The paragraphs and quotes directly under a heading, as Markdown, without banners and
    badges: a topic's intro is read in a note, where a row of badges says nothing."""
    parts = (
        node_source(lines, block) for block in section.blocks
        if block.type in {"paragraph", "blockquote"} and not is_decoration(block)
    )
    return "\n\n".join(part for part in parts if part)


def _add_listing(entry: Entry, placement: Placement, walk: _Walk) -> None:
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


def _guidance(root: Section, walk: _Walk) -> list[Guidance]:
    """Sections without entries anywhere below them: advice for the home note."""
    guidance: list[Guidance] = []

    def has_entries(section: Section) -> bool:
        return any(walk.entries[id(s)] for s in section.walk())

    def visit(section: Section) -> None:
        if section.level > 0 and not has_entries(section):
            body = section_body(section, walk.lines)
            if body and not is_boilerplate(_LEAD_DECORATION.sub("", section.title)):
                guidance.append(Guidance(section.full_title, body))
            return
        intro = preamble(section, walk.lines) if section.level == 0 else ""
        if intro and not walk.entries[id(section)]:
            guidance.append(Guidance("", intro))
        for child in section.children:
            visit(child)

    visit(root)
    return guidance
