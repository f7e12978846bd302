"""The note file format: YAML frontmatter between `---` lines, then Markdown.

This is the only module that writes or reads raw frontmatter. Writing goes through PyYAML's
safe dumper, so any title (`yes`, `: x`, `[[y]]`, `"`) comes out as a quoted string that
reads back as the same text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import yaml

from vaultkit.files.reads import NotRegularError, TooLargeError, read_file
from vaultkit.vault import frontmatter as fm

FRONTMATTER_LIMIT = fm.LIMIT_BYTES
"""Bytes of a note we look at for its frontmatter; larger frontmatter is not ours."""
NOTE_LIMIT = 8 << 20
"""Bytes of a note we read at most: a few times the largest notes people write (a pasted paper
is ~1 MiB); a larger file, or a link to `/dev/zero`, is a Problem, not memory spent."""

# libyaml's emitter is ~10x faster than PyYAML's own; both are the safe dumper.
_DUMPER: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
# The value runs to the line's last non-blank: blanks then a non-blank, possessively, so a long
# run of blanks is passed once (`(.*?)[ \t]*$` retried it from each of its characters).
_SCALAR = re.compile(r"^(vaultkit|id):[ \t]*+((?:[ \t]*+[^ \t\n])*+)[ \t]*$")


def render_note(frontmatter: Mapping[str, object], body: str) -> str:
    """A note's text: frontmatter in the given key order, a blank-free `---` fence, the body."""
    dumped = yaml.dump(
        dict(frontmatter),
        Dumper=_DUMPER,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=2**31 - 1,  # never fold a long title over two lines
    )
    return f"---\n{dumped}---\n{body.lstrip(chr(10))}"


@dataclass(frozen=True, slots=True)
class Identity:
    """The two fields that make a note vaultkit's: its kind and its stable id."""

    kind: str
    id: str


def read_identity(path: Path) -> Identity | None:
    """`vaultkit:` and `id:` of a note, or None when it is not a vaultkit note.

    Reads at most `FRONTMATTER_LIMIT` bytes and only top-level scalar lines, without a YAML
    parser: it must be fast over a whole vault and cannot be upset by a hostile note.
    """
    try:
        head = read_file(path, FRONTMATTER_LIMIT, head=True)
    except OSError:  # a FIFO, a device, a folder, gone: not a note of ours
        return None
    text = head.decode("utf-8-sig", errors="replace")
    lines = text.splitlines()
    if not lines or lines[0].rstrip() != "---":
        return None
    found: dict[str, str] = {}
    for line in lines[1:]:
        if line.rstrip() == "---":
            break
        match = _SCALAR.match(line)
        if match:
            found[match.group(1)] = _unquote(match.group(2))
    else:
        return None  # no closing fence within the limit: not frontmatter we can trust
    if found.get("vaultkit") and found.get("id"):
        return Identity(found["vaultkit"], found["id"])
    return None


def _unquote(value: str) -> str:
    value = value.split(" #", 1)[0].strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


# --- reading ------------------------------------------------------------------------------


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
    """Targets of the body's `[[links]]` and relative Markdown links, as written."""
    problems: tuple[Problem, ...] = ()
    """What is odd about the note that does not stop it from counting."""

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1].removesuffix(".md")


_TEXT_FIELDS = ("vaultkit", "id", "title", "status", "role", "level", "url", "topic")
_SECTIONS = {
    "summary": "summary_lines",
    "answer before reading": "before_lines",
    "answer after reading": "after_lines",
}
# Reading a note must take time linear in its size, whatever it holds: no pattern below can
# backtrack over a run it matched (possessive `*+`, or a run only its own terminator ends), and
# what a pattern cannot do so (`](…)` targets, comments) is a scan that never looks back.
_HEADING = re.compile(r"^(#{1,6})[ \t][^\n]*+", re.M)
"""A heading line, to its end: 1–6 `#` then a blank (`#tag` and `#######` are not headings)."""
_FENCE = re.compile(r"^[ \t]{0,3}(```|~~~)", re.M)
_COMMENTS = {"<!--": "-->", "%%": "%%"}
"""Comment openers and their closers: the text between is not the user's own lines."""
# An embed `![[x]]` matches at its `[[` too; a leading `!?` only made every `!` a candidate.
_WIKILINK = re.compile(r"\[\[([^\[\]|#^\n]++)(?:[#^][^\[\]|\n]*+)?(?:\|[^\[\]\n]*+)?\]\]")
_MEASURED = re.compile(
    r"(#{1,6})[ \t]++(summary|answer before reading|answer after reading)[ \t#\r]*+",
    re.I | re.A,  # ASCII case only: `ſummary` is not a heading we know
)
"""A heading whose lines vaultkit counts; `fullmatch`ed against one heading line."""
# Where a relative Markdown link's target starts, `](target)`; `_md_hrefs` finds its end.
_HREF_START = re.compile(r"\]\((?!https?:|mailto:|#)")
_HREF_END = re.compile(r"[)\s]")
_ANGLE_HREF_END = re.compile(r"[>\n]")


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
        tier=_whole_number(props.get("tier")),
        optional=props.get("optional") is True,
        url=text_of["url"],
        links=_links(parts.body) if kind else (),
        problems=tuple(notes),
        **_section_lines(parts.body),
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


def link_target(value: str | None) -> str | None:
    """The note a property link names: `[[Name|x]]` → `Name`, `[x](A/Name.md)` → `Name`."""
    if not value:
        return None
    match = _WIKILINK.search(value)
    if match:
        return match.group(1).strip()
    hrefs = _md_hrefs(value)
    if hrefs:
        return _md_target(hrefs[0])
    return value.strip() or None


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
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, (list, dict)):
        notes.append(Problem(relative, fm.key_line(front, key),
                             f"property `{key}` should be text, not a list"))
        return None
    typed = raw.get(key)
    return typed.strip() or None if isinstance(typed, str) else str(value)


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


def _section_lines(body: str) -> dict[str, int]:
    """Lines of the user's own text under each heading vaultkit measures.

    A section runs to the next heading of its level or above. When a heading is written twice,
    the last one counts.
    """
    counts = dict.fromkeys(_SECTIONS.values(), 0)
    if "#" not in body:
        return counts
    if ("```" in body or "~~~" in body) and _FENCE.search(body):
        body = _without_fences(body)
    headings = [(h.start(), h.end(), len(h.group(1))) for h in _HEADING.finditer(body)]
    last: dict[str, int] = {}
    for i, (start, end, _) in enumerate(headings):
        measured = _MEASURED.fullmatch(body, start, end)
        if measured:
            last[_SECTIONS[measured.group(2).lower()]] = i
    # Only the last heading of each field is measured, so no section is scanned twice.
    for field, i in last.items():
        _, end, level = headings[i]
        stop = next((h[0] for h in headings[i + 1:] if h[2] <= level), len(body))
        counts[field] = _own_lines(body[end:stop])
    return counts


def _own_lines(content: str) -> int:
    """Non-empty lines that are neither headings nor inside comments."""
    if "<!--" in content or "%%" in content:
        content = _without_comments(content)
    return sum(1 for line in content.splitlines() if line.strip() and not _HEADING.match(line))


def _without_comments(text: str) -> str:
    """The text without its `<!-- … -->` and `%% … %%` comments, in one pass.

    What `re.sub(r"<!--.*?-->|%%.*?%%", "", text, flags=re.S)` gives, without its cost: that
    rescans the rest of the text from every opener that is never closed.
    """
    kept: list[str] = []
    done = 0
    next_at = {opener: text.find(opener) for opener in _COMMENTS}
    while live := [(at, opener) for opener, at in next_at.items() if at != -1]:
        at, opener = min(live)
        closer = _COMMENTS[opener]
        close = text.find(closer, at + len(opener))
        if close == -1:
            next_at[opener] = -1  # no later opener of this kind can be closed either
            continue
        kept.append(text[done:at])
        done = close + len(closer)
        for other, other_at in next_at.items():
            if other_at != -1 and other_at < done:  # inside the comment: look again after it
                next_at[other] = text.find(other, done)
    kept.append(text[done:])
    return "".join(kept)


def _without_fences(body: str) -> str:
    """The body with fenced code blocks blanked, so a `# comment` in code is not a heading."""
    kept: list[str] = []
    fence: str | None = None
    for line in body.splitlines():
        match = _FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)
            kept.append("")
        elif fence is not None:
            if line.strip().startswith(fence):
                fence = None
            kept.append("")
        else:
            kept.append(line)
    return "\n".join(kept)


def _links(body: str) -> tuple[str, ...]:
    targets = [m.group(1).strip() for m in _WIKILINK.finditer(body)]
    targets += [t for t in (_md_target(href) for href in _md_hrefs(body)) if t]
    return tuple(dict.fromkeys(targets))


def _md_hrefs(text: str) -> list[str]:
    r"""Targets of the Markdown links `](target)` that are not web, mail or in-note links.

    What `finditer` of `\]\((?!https?:|mailto:|#)(<[^>\n]+>|[^)\s]+)\)` finds, in one pass:
    that pattern rescans the rest of a long run from every `](` inside it (`](](](…`). Here
    a `](` inside the run of the one before reuses where that run ends.
    """
    hrefs: list[str] = []
    plain_end = angle_end = -1
    found = _HREF_START.search(text)
    while found:
        start = end = found.end()  # `end`: where the target ends, at its `)` or `>)`
        if text.startswith("<", start):
            if angle_end <= start:
                angle_end = _first(_ANGLE_HREF_END, text, start + 1)
            if angle_end > start + 1 and text.startswith(">)", angle_end):
                end = angle_end + 1
        if end == start:
            if plain_end < start:
                plain_end = _first(_HREF_END, text, start)
            if plain_end > start and text.startswith(")", plain_end):
                end = plain_end
        if end == start:
            found = _HREF_START.search(text, start - 1)
        else:
            hrefs.append(text[start:end])
            found = _HREF_START.search(text, end + 1)
    return hrefs


def _first(pattern: re.Pattern[str], text: str, start: int) -> int:
    """Where `pattern` first matches in `text` from `start`; the text's length if nowhere."""
    match = pattern.search(text, start)
    return len(text) if match is None else match.start()


def _md_target(href: str) -> str | None:
    href = unquote(href.strip("<>")).split("#", 1)[0]
    return href or None
