"""One note file → a typed `NoteRecord`, or the `Problem` that keeps it from being read.

The only code that sees a note's raw properties (`frontmatter` finds and parses them): facts
only, typed and JSON-safe, whatever the settings; `problems` judges them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from vaultkit.files.reads import NotRegularError, TooLargeError, read_file
from vaultkit.vault import frontmatter as fm
from vaultkit.vault.body import link_facts, link_target, section_lines

FRONTMATTER_LIMIT = fm.LIMIT_BYTES
"""Bytes of frontmatter we read at most; larger frontmatter is not ours."""
NOTE_LIMIT = 8 << 20
"""Bytes of a note we read at most: a few times the largest notes people write (a pasted paper
is ~1 MiB); a larger file, or a link to `/dev/zero`, is a Problem, not memory spent."""


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong in the vault, said where it is."""

    path: str
    """Relative to the vault, with `/`."""
    line: int | None
    message: str


@dataclass(frozen=True, slots=True)
class NoteRecord:
    """What the dashboards need from one note, typed and JSON-safe."""

    path: str
    """Relative to the vault, with `/`."""
    kind: str
    """`source`, `question`, `topic`, `home`, `dashboard`; "" for a note vaultkit did not make."""
    id: str
    title: str
    aliases: tuple[str, ...] = ()
    status: str | None = None
    """As written; None when the note has none."""
    status_line: int | None = None
    topic: str | None = None
    """The name the `topic:` link points to (`[[Name]]` → `Name`)."""
    also_in: tuple[str, ...] = ()
    role: str | None = None
    level: str | None = None
    group: str | None = None
    """A question's `###` group within its topic, as its `group:` property says."""
    tier: int | None = None
    optional: bool = False
    url: str | None = None
    summary_lines: int = 0
    """Non-empty lines of your own under `## Summary` (headings and comments not counted)."""
    before_lines: int = 0
    """Non-empty lines under `## Answer before reading`."""
    after_lines: int = 0
    """Non-empty lines under `## Answer after reading`."""
    links: tuple[str, ...] = ()
    """Targets of the body's `[[links]]` and relative Markdown links outside code, as written."""
    markdown_links: tuple[str, ...] = ()
    """Those of `links` written as relative Markdown links to notes (`[x](../A/B.md)`): paths
    from the note's folder, decoded. They name one place, so a move breaks them."""
    wikilinks: int = 0
    """How many `[[links]]` and `![[embeds]]` of notes the body has: with the above, which link
    style the note uses."""
    problems: tuple[Problem, ...] = ()
    """What is odd about the note that does not stop it from counting."""

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1].removesuffix(".md")


_TEXT_FIELDS = ("vaultkit", "id", "title", "status", "role", "level", "group", "url", "topic")


def read_note(path: Path, relative: str) -> NoteRecord | Problem:
    """One Markdown file → its record, or the Problem that keeps it from being read.

    Facts only, whatever the settings: whether a status is allowed is judged in `problems`.
    Reading never writes: the file's bytes and times stay as they are.
    """
    text = _text_of(path, relative)
    if isinstance(text, Problem):
        return text
    try:
        parts = fm.split(text)
        props = fm.parse(parts.frontmatter) if parts.frontmatter is not None else {}
    except fm.FrontmatterError as exc:
        return Problem(relative, exc.line, exc.message)
    front = parts.frontmatter or ""
    notes: list[Problem] = [
        Problem(relative, again, f"property `{key}` appears twice (first on line {first}); "
                "the last one counts")
        for key, first, again in fm.duplicate_keys(front)
    ]
    raw = _raw_if_needed(props, front)
    text_of = {
        key: _text(props, raw, key, front=front, relative=relative, notes=notes)
        for key in _TEXT_FIELDS
    }
    kind = text_of["vaultkit"] or ""
    status = text_of["status"]
    status_line = fm.key_line(front, "status")
    stem = path.name.removesuffix(".md")
    targets, markdown_links, wikilinks = link_facts(parts.body) if kind else ((), (), 0)
    return NoteRecord(
        path=relative,
        kind=kind,
        id=text_of["id"] or "",
        title=text_of["title"] or stem,
        aliases=_texts(props, raw, "aliases"),
        status=status,
        status_line=status_line,
        topic=link_target(text_of["topic"]),
        also_in=tuple(t for t in (link_target(v) for v in _texts(props, raw, "also_in")) if t),
        role=text_of["role"],
        level=text_of["level"],
        group=text_of["group"],
        tier=_whole_number(props.get("tier")),
        optional=props.get("optional") is True,
        url=text_of["url"],
        links=targets,
        markdown_links=markdown_links,
        wikilinks=wikilinks,
        problems=tuple(notes),
        **section_lines(parts.body),
    )


def _text_of(path: Path, relative: str) -> str | Problem:
    """The note's text, or why it has none we can read."""
    try:
        data = read_file(path, NOTE_LIMIT)
    except OSError as exc:
        return Problem(relative, None, _unreadable(exc))
    if not data.strip():
        return Problem(relative, None, "is empty")
    data = data.removeprefix(b"\xef\xbb\xbf")  # a BOM is not part of the text
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return Problem(relative, line, "is not UTF-8 text")
    if "\0" in text:
        return Problem(relative, text[: text.index("\0")].count("\n") + 1, "holds binary data")
    return text


def _unreadable(exc: OSError) -> str:
    if isinstance(exc, IsADirectoryError):
        return "is a folder named like a note"
    if isinstance(exc, NotRegularError | TooLargeError):  # says what the file is, or its bound
        return str(exc.strerror)
    return f"cannot be read: {exc.strerror or exc}"


def read_identity(path: Path) -> fm.Identity | None:
    """`vaultkit:` and `id:` of a note file, as `read_note` reads them; None when the note is
    not a vaultkit note or is not a file. Fast over a whole vault (`frontmatter.identity`): it
    reads only the head, where the frontmatter is, and bytes that are not UTF-8 elsewhere in the
    note do not hide its identity.
    """
    try:
        head = read_file(path, FRONTMATTER_LIMIT + _FENCES, head=True)
    except OSError:  # a FIFO, a device, a folder, gone: not a note of ours
        return None
    return fm.identity(head.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace"))


_FENCES = 16
"""Bytes of the two `---` fence lines, beyond the frontmatter's own limit."""


def _raw_if_needed(props: Mapping[str, object], front: str) -> dict[str, fm.RawValue]:
    """The typed-as-written values, only when some text field did not load as text."""
    def plain(value: object) -> bool:
        if isinstance(value, list):
            return all(isinstance(item, str) for item in value)
        return value is None or isinstance(value, str)

    fields = (*_TEXT_FIELDS, "aliases", "also_in")
    return {} if all(plain(props.get(key)) for key in fields) else fm.raw_values(front)


def _text(
    props: Mapping[str, object],
    raw: Mapping[str, fm.RawValue],
    key: str,
    *,
    front: str,
    relative: str,
    notes: list[Problem],
) -> str | None:
    """A text property as the user typed it, whatever type YAML 1.1 gave it (`yes`, `12:30`)."""
    value = props.get(key)
    if isinstance(value, list | dict):
        notes.append(Problem(relative, fm.key_line(front, key),
                             f"property `{key}` should be text, not a list"))
    return fm.as_text(value, raw.get(key))


def _texts(
    props: Mapping[str, object], raw: Mapping[str, fm.RawValue], key: str
) -> tuple[str, ...]:
    """A list property's items as text, as typed: `- yes` stays "yes"."""
    value = props.get(key)
    if value is None:
        return ()
    typed = raw.get(key)
    if isinstance(typed, list) and isinstance(value, list) and len(typed) == len(value):
        return tuple(typed)
    items = value if isinstance(value, list) else [value]
    return tuple(str(item) for item in items if item is not None and not isinstance(item, dict))


def _whole_number(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None
