"""One note's text with its links repaired (renames, moves) or converted to a link style.

Pure text in, text out: `commands.relink` reads the notes, shows the change and writes it. Only
the characters of the links that change are replaced; code (fenced or inline) is never touched
(`linkspans` skips it). Markdown has no embed of a note that other editors render, so in
Markdown style an embed `![[x]]` becomes a plain link `[x](x.md)`, as `init --links markdown`
writes it; converted to wiki style, a Markdown link becomes a plain `[[link]]`. What the user
sees is kept:
`[[Old]]` → `[[New|Old]]`, `[[Old|shown]]` → `[[New|shown]]`, `[shown](../Old.md)` →
`[shown](../New.md)`. Properties (`topic:`, `also_in:`) stay quoted wikilinks, as Obsidian
requires: they are repaired, never converted.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

from vaultkit.config import LinkStyle
from vaultkit.report.renames import Broken, Links
from vaultkit.vault import frontmatter as fm
from vaultkit.vault.linkspans import LinkSpan, link_spans

_PROPERTY_KEYS = ("topic", "also_in")
_KEY_LINE = re.compile(r"^([A-Za-z_][\w-]*+):[ \t]*+(.*)$")
_ITEM_LINE = re.compile(r"^[ \t]*+-[ \t]++(.*)$")
_NOT_IN_WIKILINK = re.compile(r"[\[\]|#^\n]")


@dataclass(slots=True)
class Relinked:
    """A note's text after relinking, and the links left as they were, with why."""

    text: str
    changed: int = 0
    """Links rewritten."""
    left: list[str] = field(default_factory=list)


def relink_text(text: str, origin: str, links: Links, style: LinkStyle | None) -> Relinked:
    """`text` (a whole note, frontmatter included) with its links repaired, and converted to
    `style` when one is given. `origin` is the note's path in the vault."""
    parts = fm.split(text)
    body_at = len(text) - len(parts.body)
    result = Relinked(text)
    edits: list[tuple[int, int, str]] = []
    if parts.frontmatter is not None:
        front_at = text.index("\n") + 1
        edits += _property_edits(parts.frontmatter, front_at, origin, links, result)
    for span in link_spans(parts.body):
        new = _relinked(span, origin, links, style, result)
        if new is not None:
            start, end, replacement = new
            edits.append((body_at + start, body_at + end, replacement))
    for start, end, replacement in sorted(edits, reverse=True):
        result.text = result.text[:start] + replacement + result.text[end:]
    result.changed = len(edits)
    return result


def _relinked(
    span: LinkSpan, origin: str, links: Links, style: LinkStyle | None, result: Relinked
) -> tuple[int, int, str] | None:
    """The replacement of one body link, or None to keep it."""
    path = _destination(span, origin, links, style, result)
    if path is None:
        return None
    form = span.form if style is None or (span.embed and span.form == "markdown") else style
    if form == "markdown" and span.form == "markdown":
        start, end = span.href
        return start, end, _href(origin, path, span.fragment)
    if form == "markdown":  # a wikilink, or an embed: a plain link, its `!` dropped
        label = span.label if span.label is not None else span.target
        if span.embed:
            label = posixpath.basename(span.target)
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
) -> list[tuple[int, int, str]]:
    """Repairs of the quoted wikilinks of `topic:` and `also_in:` (never converted)."""
    edits: list[tuple[int, int, str]] = []
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
            edits += _value_edits(content, value_at, at, origin=origin, links=links,
                                  result=result)
        at += len(line)
    return edits


def _value_edits(
    content: str, value_at: int, at: int, *, origin: str, links: Links, result: Relinked
) -> list[tuple[int, int, str]]:
    quote_char = content[value_at:value_at + 1]
    edits: list[tuple[int, int, str]] = []
    for span in link_spans(content[value_at:]):
        if span.form != "wiki":
            continue
        broken = links.broken(origin, span.target, markdown=False)
        if broken is None:
            continue
        name = None if broken.note is None else _wiki_name(broken.note, links)
        if name is None or quote_char not in ("'", '"'):
            result.left.append(_why_left(broken) if broken.note is None else
                               f"“{span.target}” in a property: edit it by hand")
            continue
        shown = f"|{span.label}" if span.label is not None else ""
        new = f"[[{name}{span.fragment}{shown}]]"
        if quote_char == "'":
            new = new.replace("'", "''")
        else:
            new = new.replace("\\", "\\\\").replace('"', '\\"')
        edits.append((at + value_at + span.start, at + value_at + span.end, new))
    return edits
