"""A note's identity (`vaultkit:` and `id:`) read fast, line by line, for `init` and `sync`,
which look at every note; it agrees with `split`, `parse` and `as_text` wherever it answers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from vaultkit.vault.frontmatter.reading import (
    NULL_TAG,
    STR_TAG,
    FrontmatterError,
    admit,
    as_text,
    implicit_tag,
    loads_surely,
    parse,
    raw_values,
    split,
)


@dataclass(frozen=True, slots=True)
class Identity:
    """The two fields that make a note vaultkit's: its kind and its stable id."""

    kind: str
    id: str


def identity(text: str) -> Identity | None:
    """`vaultkit:` and `id:` of a note's text, as `split`, `parse` and `as_text` read them; None
    when it has no frontmatter, is not a vaultkit note, or has no top-level `vaultkit:` and
    `id:` lines (YAML's other spellings are not looked for). Fast: frontmatter of simple lines
    (`key: value`, list items under an empty key, comments) is read line by line, without the
    parser.

    A frontmatter the parser refuses (a tab, an anchor, an unclosed `[` on another line) is
    still the user's note with that id: its two lines are read as written, so that `init` and
    `sync` never make a second note for an entry whose note is merely broken.
    """
    try:
        front = split(text).frontmatter
    except FrontmatterError:
        return None  # never closed: where it ends is anyone's guess
    if front is None or {m[1] for m in _ID_LINE.finditer(front)} != {*_ID_KEYS}:
        return None
    try:
        admit(front)
        found = _simple_values(front)
        if found is None:
            props = parse(front)
            typed = all(isinstance(props.get(key), str | None) for key in _ID_KEYS)
            raw = {} if typed else raw_values(front)
            found = {key: as_text(props.get(key), raw.get(key)) for key in _ID_KEYS}
    except FrontmatterError:
        found = _as_written(front)
    kind, note_id = found.get("vaultkit"), found.get("id")
    return Identity(kind, note_id) if kind and note_id else None


def _as_written(front: str) -> dict[str, str | None]:
    """The top-level `vaultkit:` and `id:` lines, unquoted, without a YAML parser."""
    values: dict[str, str | None] = {}
    for match in _AS_WRITTEN.finditer(front):
        value = match.group(2).split(" #", 1)[0].strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[match.group(1)] = value or None
    return values


_AS_WRITTEN = re.compile(r"^(vaultkit|id):[ \t]*+([^\n]*)$", re.M)
_ID_KEYS = ("vaultkit", "id")
# A top-level line: YAML also breaks lines at a lone CR, NEL and the Unicode line separators.
_ID_LINE = re.compile(r"(?:^|[\r\x85\u2028\u2029])(vaultkit|id):", re.M)
# What YAML reads one line at a time, as written: printable characters but tabs, lone CRs, line
# separators and BOMs; a key that starts with a letter (not a number, a date or `<<`).
_ODD_CHAR = re.compile(
    "[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
_ENTRY = re.compile(r"([^\W\d][\w -]{0,200}+):((?: .*)?)")
_ITEM = re.compile(r"( *)-((?: .*)?)")
_COMMENT_TAIL = re.compile(r"(?: +#.*)?")
_PLAIN_FIRST_BAD = frozenset("-?:,[]{}#&*!|>'\"%@`")
class _NotSimpleError(Exception):
    """A line whose meaning depends on more than itself: the parser decides."""


def _simple_values(front: str) -> dict[str, str | None] | None:
    """The top-level values of a frontmatter made only of simple lines; None for any other."""
    front = front.replace("\r\n", "\n")  # a lone CR breaks a line too: an odd character
    if _ODD_CHAR.search(front):
        return None
    values: dict[str, str | None] = {}
    items_at: int | None = None  # indent of the list items allowed next; -1: any indent
    try:
        for line in front.split("\n"):
            if entry := _ENTRY.fullmatch(line):
                key, raw = entry.groups()
                values[key.rstrip(" ")] = _scalar(raw)
                rest = raw.lstrip(" ")
                items_at = -1 if not rest or rest[0] == "#" else None  # empty: a list may follow
            elif item := _ITEM.fullmatch(line):
                if items_at not in (-1, len(item.group(1))):
                    return None
                items_at = len(item.group(1))
                _scalar(item.group(2))
            elif line.lstrip(" ")[:1] not in ("", "#"):
                return None  # not a blank or a comment line either
    except _NotSimpleError:
        return None
    return values


def _scalar(raw: str) -> str | None:
    """A one-line value (after `key:` or `-`) as `as_text` reads it, if it is simple."""
    text = raw.strip(" ")
    if not text or text[0] == "#":
        return None
    if text[0] == "'":
        end = text.find("'", 1)
        while end != -1 and text.startswith("''", end):  # `''` is a quote inside the text
            end = text.find("'", end + 2)
        value = text[1:end].replace("''", "'")
    elif text[0] == '"':
        end = text.find('"', 1)
        value = text[1:end]
        if "\\" in value:  # an escape: the parser reads it
            raise _NotSimpleError
    else:
        end = text.find(" #")  # a comment, or -1 for none
        value = text[:end].rstrip(" ") if end != -1 else text
        if text[0] in _PLAIN_FIRST_BAD or ": " in value or value.endswith(":"):
            raise _NotSimpleError
        tag = implicit_tag(value)
        if tag not in (STR_TAG, NULL_TAG) and not loads_surely(tag, value):
            raise _NotSimpleError
        return None if tag == NULL_TAG else value.strip() or None
    if end == -1 or not _COMMENT_TAIL.fullmatch(text[end + 1:]):
        raise _NotSimpleError  # no closing quote on this line, or text after it
    return value.strip() or None
