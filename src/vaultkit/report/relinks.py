"""One note's text with its links repaired (renames, moves) or converted to a link style.

Pure text in, text out: `commands.relink` reads the notes, shows the change and writes it. Only
the characters of the links that change are replaced; code (fenced or inline) is never touched
(`linkspans` skips it). Markdown has no embed of a note that other editors render, so in
Markdown style an embed `![[x]]` becomes a plain link `[x](x.md)`, as `init --links markdown`
writes it; converted to wiki style, a Markdown link becomes a plain `[[link]]`, but for a link
to a page notes embed (a topic panel, the topic index: `Pages`), which becomes the embed `init`
writes in that style, and back. What the user sees is kept:
`[[Old]]` → `[[New|Old]]`, `[[Old|shown]]` → `[[New|shown]]`, `[shown](../Old.md)` →
`[shown](../New.md)`. Properties (`topic:`, `also_in:`) stay quoted wikilinks, as Obsidian
requires: they are repaired, never converted.
"""

from __future__ import annotations

import itertools
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

from vaultkit.config import LinkStyle
from vaultkit.report.renames import Broken, Links
from vaultkit.vault import frontmatter as fm
from vaultkit.vault.linkspans import LinkSpan, link_spans

Pages = Callable[[str, str | None], str | None]
"""(path, section) → the label `init` gives a Markdown link to that page when notes embed it
(`scaffold.pages.embed_label`); None for any other note."""

_PROPERTY_KEYS = ("topic", "also_in")
_KEY_LINE = re.compile(r"^([A-Za-z_][\w-]*+):[ \t]*+(.*)$")
_ITEM_LINE = re.compile(r"^[ \t]*+-[ \t]++(.*)$")
_NOT_IN_WIKILINK = re.compile(r"[\[\]|#^\n]")
# One quoted YAML scalar on one line: '…' (`''` inside) or "…" (backslash escapes inside).
_QUOTED = re.compile(r"'(?:[^'\n]|'')*+'|\"(?:[^\"\\\n]|\\.)*+\"")


@dataclass(slots=True)
class Relinked:
    """A note's text after relinking, and the links left as they were, with why."""

    text: str
    changed: int = 0
    """Links rewritten."""
    left: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Edit:
    """Characters `start:end` of the note become `new`; `target` names the link in reports."""

    start: int
    end: int
    new: str
    target: str


def relink_text(
    text: str, origin: str, links: Links, style: LinkStyle | None, pages: Pages | None = None
) -> Relinked:
    """`text` (a whole note, frontmatter included) with its links repaired, and converted to
    `style` when one is given. `origin` is the note's path in the vault; `pages` tells the
    pages notes embed, so that converting keeps them embeds (wiki) or labelled links."""
    parts = fm.split(text)
    body_at = len(text) - len(parts.body)
    result = Relinked(text)
    edits: list[_Edit] = []
    if parts.frontmatter is not None:
        front_at = text.index("\n") + 1
        edits += _property_edits(parts.frontmatter, front_at, origin, links, result)
    for span in link_spans(parts.body):
        new = _relinked(span, origin, links, style, result, pages=pages or _no_pages)
        if new is not None:
            start, end, replacement = new
            edits.append(_Edit(body_at + start, body_at + end, replacement, span.target))
    kept = _apart(edits, result)
    for edit in reversed(kept):
        result.text = result.text[:edit.start] + edit.new + result.text[edit.end:]
    result.changed = len(kept)
    return result


def _apart(edits: list[_Edit], result: Relinked) -> list[_Edit]:
    """The edits that overlap no other, in order; each one dropped is reported in `left`.

    Links nest only one way: a wikilink in a Markdown link's label (`[see [[A]]](B.md)`).
    Converting the outer link rewrites its whole text, label included, so applying both would
    splice the inner edit at offsets the outer one moved. The inner edit is kept: it changes
    only its own characters, where converting the outer one would flatten the inner link into
    plain text; the outer link, left as it is, is named for the user."""
    edits = sorted(edits, key=lambda e: (e.start, -e.end))
    kept: list[_Edit] = []
    reach = -1  # the furthest end of the edits before this one
    for i, edit in enumerate(edits):
        holds = i + 1 < len(edits) and edits[i + 1].start < edit.end  # the next starts inside
        crosses = edit.start < reach < edit.end  # starts inside an earlier one, ends past it
        reach = max(reach, edit.end)
        if holds or crosses:
            result.left.append(f"“{edit.target}”: holds or crosses another link that changes; "
                               f"edit it by hand")
        else:
            kept.append(edit)
    assert all(a.end <= b.start for a, b in itertools.pairwise(kept)), "overlapping edits"
    return kept


def _no_pages(path: str, section: str | None) -> str | None:
    return None


def _relinked(
    span: LinkSpan, origin: str, links: Links, style: LinkStyle | None, result: Relinked, *,
    pages: Pages,
) -> tuple[int, int, str] | None:
    """The replacement of one body link, or None to keep it."""
    path = _destination(span, origin, links, style, result)
    if path is None:
        return None
    form = span.form if style is None or (span.embed and span.form == "markdown") else style
    section = unquote(span.fragment[1:]) if span.fragment else None
    page_label = pages(path, section)
    if form == "wiki" and span.form == "markdown" and page_label is not None:
        # The line `init --links markdown` wrote for a panel: in wiki style it shows the page.
        heading = f"#{section}" if section else ""
        return span.start, span.end, f"![[{path.removesuffix('.md')}{heading}]]"
    if form == "markdown" and span.form == "markdown":
        start, end = span.href
        return start, end, _href(origin, path, span.fragment)
    if form == "markdown":  # a wikilink, or an embed: a plain link, its `!` dropped
        label = span.label if span.label is not None else span.target
        if span.embed:
            label = page_label or posixpath.basename(span.target)
        fragment = f"#{quote(unquote(span.fragment[1:]))}" if span.fragment else ""
        start = span.start - 1 if span.embed else span.start
        return start, span.end, f"[{_md_label(label)}]({_href(origin, path, fragment)})"
    name = _wiki_name(path, links)
    if name is None:
        result.left.append(f"“{span.target}”: {path} cannot be named in a [[wikilink]]")
        return None
    return span.start, span.end, _wikilink(span, name)


def _destination(
    span: LinkSpan, origin: str, links: Links, style: LinkStyle | None, result: Relinked
) -> str | None:
    """The note a link should lead to when it must be rewritten: the note it meant, if it is
    broken; the note it finds, if it is in the other style; else None."""
    markdown = span.form == "markdown" and span.target.lower().endswith(".md")
    broken = links.broken(origin, span.target, markdown=markdown)
    if broken is not None:
        if broken.note is None:
            result.left.append(_why_left(broken))
        return broken.note
    if style is None or style == span.form or (span.embed and span.form == "markdown"):
        return None
    found = links.path_of(origin, span.target, markdown=markdown)
    # An attachment, or a name two notes share: nothing to convert to.
    return found if found is not None and found.lower().endswith(".md") else None


def _wikilink(span: LinkSpan, name: str) -> str:
    """`[[name…]]` keeping the heading and what the reader saw."""
    if span.form == "wiki":
        fragment, label = span.fragment, span.label
        if label is None and not span.embed and span.target.casefold() != name.casefold():
            label = span.target  # the old name, as the reader saw it
    else:
        fragment = unquote(span.fragment)
        label = None if span.label is None else _wiki_label(_md_unescape(span.label))
        if label is not None and label.casefold() == name.casefold():
            label = None
    shown = f"|{label}" if label is not None else ""
    return f"[[{name}{fragment}{shown}]]"


def _wiki_name(path: str, links: Links) -> str | None:
    """How a wikilink names the note: its name, or its path when another file shares it."""
    stem = path.removesuffix(".md")
    name = posixpath.basename(stem)
    if len(links.by_name.get(name.casefold(), [])) > 1:
        name = stem
    return None if _NOT_IN_WIKILINK.search(name) else name


def _href(origin: str, path: str, fragment: str) -> str:
    """A Markdown link's target: `path` from the note's folder, encoded, `#fragment` kept."""
    relative = posixpath.relpath(path, posixpath.dirname(origin) or ".")
    return quote(relative) + fragment


def _md_label(text: str) -> str:
    return re.sub(r"([\\\[\]])", r"\\\1", " ".join(text.split()))


def _md_unescape(text: str) -> str:
    return re.sub(r"\\([\\\[\]])", r"\1", text)


def _wiki_label(text: str) -> str:
    return " ".join(text.replace("|", "-").replace("[", "(").replace("]", ")").split())


def _why_left(broken: Broken) -> str:
    if broken.cause == "ambiguous":
        return f"“{broken.target}”: could be {' or '.join(broken.candidates)}; link it by hand"
    return f"“{broken.target}”: finds no note, and no note was called that"


# -- properties --------------------------------------------------------------------------------


def _property_edits(
    front: str, front_at: int, origin: str, links: Links, result: Relinked
) -> list[_Edit]:
    """Repairs of the quoted wikilinks of `topic:` and `also_in:` (never converted)."""
    edits: list[_Edit] = []
    key = None
    at = front_at
    for line in front.splitlines(keepends=True):
        content = line.rstrip("\r\n")
        keyed = _KEY_LINE.match(content)
        if keyed:
            key = keyed.group(1)
            value_at = keyed.start(2)
        else:
            item = _ITEM_LINE.match(content)
            value_at = item.start(1) if item else -1
        if key in _PROPERTY_KEYS and value_at >= 0:
            edit = _value_edit(content[value_at:], at + value_at, origin=origin, links=links,
                               result=result)
            if edit is not None:
                edits.append(edit)
        at += len(line)
    return edits


def _value_edit(
    raw: str, at: int, *, origin: str, links: Links, result: Relinked
) -> _Edit | None:
    """The repair of one property value `raw` (at `at` in the note), or None.

    The links are repaired in the value as YAML reads it, then the whole scalar is quoted
    again, once: editing the quoted text would escape an escaped label twice (`Bob''s` in
    single quotes would become `Bob''''s`). The new scalar must read back as exactly the
    value intended, or the property is left for the user."""
    quoted = _QUOTED.match(raw)
    value = None if quoted is None else _scalar(quoted.group())
    if quoted is None or value is None:  # a bare or unreadable value: named, never edited
        for span in link_spans(raw):
            if _repair(span, origin, links, result) is not None:
                result.left.append(f"“{span.target}” in a property: edit it by hand")
        return None
    new_value = value
    for span in reversed(link_spans(value)):
        link = _repair(span, origin, links, result)
        if link is not None:
            new_value = new_value[:span.start] + link + new_value[span.end:]
    if new_value == value:
        return None
    if raw.startswith("'"):
        new = "'" + new_value.replace("'", "''") + "'"
    else:
        new = '"' + new_value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if _scalar(new) != new_value:
        result.left.append(f"a property holding “{value}”: edit it by hand")
        return None
    return _Edit(at, at + quoted.end(), new, value)


def _repair(span: LinkSpan, origin: str, links: Links, result: Relinked) -> str | None:
    """A property's broken wikilink repaired, or None (said in `left` when it is broken)."""
    if span.form != "wiki":
        return None
    broken = links.broken(origin, span.target, markdown=False)
    if broken is None:
        return None
    name = None if broken.note is None else _wiki_name(broken.note, links)
    if name is None:
        result.left.append(_why_left(broken) if broken.note is None else
                           f"“{span.target}” in a property: edit it by hand")
        return None
    shown = f"|{span.label}" if span.label is not None else ""
    return f"[[{name}{span.fragment}{shown}]]"


def _scalar(quoted: str) -> str | None:
    """The text YAML reads from one quoted scalar, or None if it reads as no text."""
    try:
        value = fm.parse(f"v: {quoted}\n").get("v")
    except fm.FrontmatterError:
        return None
    return value if isinstance(value, str) else None
