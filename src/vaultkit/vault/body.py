"""What a note's body says: lines of the user's own under the headings vaultkit measures, and
the notes it links to.

Reading a note must take time linear in its size, whatever it holds: no pattern below can
backtrack over a run it matched (possessive `*+`, or a run only its own terminator ends), and
what a pattern cannot do so (`](…)` targets, comments) is a scan that never looks back.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from vaultkit.vault.linkspans import href_spans, link_spans

_SECTIONS = {  # heading → the `NoteRecord` field that counts its lines
    "summary": "summary_lines",
    "answer before reading": "before_lines",
    "answer after reading": "after_lines",
}
_HEADING = re.compile(r"^(#{1,6})[ \t][^\n]*+", re.M)
"""A heading line, to its end: 1–6 `#` then a blank (`#tag` and `#######` are not headings)."""
_FENCE = re.compile(r"^[ \t]{0,3}(```|~~~)", re.M)
_FILE = re.compile(r"\.(?!md$)[A-Za-z0-9]{1,5}$", re.I)
"""The extension of a file that is not a note (`diagram.png`, `paper.pdf`)."""
_COMMENTS = {"<!--": "-->", "%%": "%%"}
"""Comment openers and their closers: the text between is not the user's own lines."""
# An embed `![[x]]` matches at its `[[` too; a leading `!?` only made every `!` a candidate.
_WIKILINK = re.compile(r"\[\[([^\[\]|#^\n]++)(?:[#^][^\[\]|\n]*+)?(?:\|[^\[\]\n]*+)?\]\]")
_MEASURED = re.compile(
    r"(#{1,6})[ \t]++(summary|answer before reading|answer after reading)[ \t#\r]*+",
    re.I | re.A,  # ASCII case only: `ſummary` is not a heading we know
)
"""A heading whose lines vaultkit counts; `fullmatch`ed against one heading line."""


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


def section_lines(body: str) -> dict[str, int]:
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


def links(body: str) -> tuple[str, ...]:
    """Targets of the body's `[[links]]` and relative Markdown links outside code, as written,
    each once."""
    return tuple(dict.fromkeys(span.target for span in link_spans(body)))


def link_facts(body: str) -> tuple[tuple[str, ...], tuple[str, ...], int]:
    """The body's link targets (`links`), those of them written as relative Markdown links to
    notes (`.md`), and how many `[[links]]` and `![[embeds]]` of notes (not of images or other
    files) it has: what `check` needs to resolve links by path and to tell a note's link style."""
    spans = link_spans(body)
    targets = tuple(dict.fromkeys(span.target for span in spans))
    markdown = tuple(dict.fromkeys(
        s.target for s in spans if s.form == "markdown" and s.target.lower().endswith(".md")
    ))
    wiki = sum(1 for s in spans if s.form == "wiki" and not _FILE.search(s.target))
    return targets, markdown, wiki


def _md_hrefs(text: str) -> list[str]:
    """Targets of the Markdown links `](target)` that are not web, mail or in-note links."""
    return [text[start:end] for start, end in href_spans(text)]


def _md_target(href: str) -> str | None:
    href = unquote(href.strip("<>")).split("#", 1)[0]
    return href or None
