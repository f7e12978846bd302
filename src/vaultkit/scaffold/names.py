"""Vault paths: safe file names, unique note names, and links between notes.

File names must work on Windows, macOS and Linux and inside `[[links]]`; a title is data and is
never allowed to become a path (`../../x` is a name, not a way out of the vault).
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import quote

from vaultkit.config import LinkStyle

MAX_NAME_CHARS = 100
"""Longest file name we create, `.md` included."""
_MAX_STEM_CHARS = MAX_NAME_CHARS - len(".md")
_MAX_STEM_BYTES = 240
"""Linux and macOS allow 255 bytes per name: room is left for `.md` and a ` (12)` suffix.
Temporary files have short names of their own (`writes.write_temp`), so they always fit."""

# Characters Windows forbids in names, and those that break Obsidian links.
_REPLACEMENTS = {
    "/": "-", "\\": "-", "|": "-", ":": " -",
    "[": "(", "]": ")", "<": "(", ">": ")",
    "*": "", '"': "'", "?": "", "#": "", "^": "", "%": "",
}
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d|conin\$|conout\$)$", re.IGNORECASE)


def safe_name(title: str) -> str:
    """A file name stem (no `.md`) for a title: portable, link-safe, short, never empty."""
    text = unicodedata.normalize("NFC", title)
    text = "".join(
        " " if c.isspace() else _REPLACEMENTS.get(c, c)
        for c in text
        if c.isspace() or unicodedata.category(c)[0] != "C"  # control and format characters
    )
    text = " ".join(text.split())
    text = text.strip(" .-")  # no hidden files, no trailing dot or space (Windows)
    text = _shorten(text)
    if not text:
        return "Untitled"
    if _WINDOWS_RESERVED.match(text.split(".")[0].strip()):
        text = f"{text}_"
    return text


def _shorten(text: str) -> str:
    if len(text) <= _MAX_STEM_CHARS and len(text.encode("utf-8")) <= _MAX_STEM_BYTES:
        return text
    end = _MAX_STEM_CHARS - 1
    while len(text[:end].encode("utf-8")) > _MAX_STEM_BYTES - len("…".encode()):
        end -= 1
    cut = text[: _character_end(text, end)]
    # Prefer ending at a word; a name cut mid-word reads badly in the file list.
    if " " in cut[len(cut) // 2:]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" .-") + "…"


def _character_end(text: str, end: int) -> int:
    """`end`, or a little before it, so that a cut there keeps each character whole: a letter
    with its accents, an emoji with its skin tone, a flag's two halves."""
    stop = end
    while 0 < stop < len(text) and _extends(text[stop]):
        stop -= 1
    if stop == 0:
        return end  # one character with endless marks: cutting inside it is all we can do
    flags = 0
    while flags < stop and "\U0001f1e6" <= text[stop - 1 - flags] <= "\U0001f1ff":
        flags += 1
    return stop - flags % 2


def _extends(char: str) -> bool:
    """True for a code point drawn as part of the one before it."""
    return unicodedata.category(char)[0] == "M" or "\U0001f3fb" <= char <= "\U0001f3ff"


class NameBook:
    """Hands out note names that are unique across the vault, ignoring case.

    Obsidian resolves `[[Name]]` by file name anywhere in the vault, and macOS and Windows
    file systems ignore case, so two notes may not share a name in any folder.
    """

    def __init__(self, taken: set[str] | None = None) -> None:
        self._taken = {name.casefold() for name in taken or set()}
        self._last_suffix: dict[str, int] = {}
        """Safe name → the suffix last handed out for it. Names are never given back, so every
        suffix up to it is taken: identical titles cost a step each, not one per earlier twin."""

    def claim(self, title: str) -> str:
        """A new name for the title: its safe name, or that name with ` (2)`, ` (3)`…"""
        base = safe_name(title)
        name, n = base, 1
        if base.casefold() in self._taken:
            n = self._last_suffix.get(base, 1)
        while name.casefold() in self._taken:
            n += 1
            suffix = f" ({n})"
            name = _shorten(base[: _MAX_STEM_CHARS - len(suffix)]) + suffix
        self._last_suffix[base] = n
        self.reserve(name)
        return name

    def reserve(self, name: str) -> None:
        """Take the name (a list's, a dashboard's) without handing it out: no note gets it."""
        self._taken.add(name.casefold())


@dataclass(frozen=True, slots=True)
class NoteRef:
    """Where a note is, relative to the vault root, and what to call it in a link."""

    path: PurePosixPath
    title: str

    @property
    def name(self) -> str:
        return self.path.stem


def link(target: NoteRef, origin: PurePosixPath, style: LinkStyle, label: str | None = None) -> str:
    """A link from the note at `origin` to `target`, in the vault's link style."""
    text = label if label is not None else target.title
    if style == "wiki":
        shown = _wiki_label(text)
        return f"[[{target.name}]]" if shown == target.name else f"[[{target.name}|{shown}]]"
    relative = posixpath.relpath(target.path.as_posix(), origin.parent.as_posix())
    return f"[{_markdown_label(text)}]({quote(relative)})"


def wikilink(target: NoteRef) -> str:
    """`[[Name]]`: the form Obsidian needs in properties, whatever the body's link style."""
    return f"[[{target.name}]]"


def _wiki_label(text: str) -> str:
    return " ".join(text.replace("|", "-").replace("[", "(").replace("]", ")").split())


def _markdown_label(text: str) -> str:
    return re.sub(r"([\\\[\]])", r"\\\1", " ".join(text.split()))
