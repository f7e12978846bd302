"""Where a note's links are, to the character: wikilinks, embeds and relative Markdown links
outside code, each with its target, heading, label and the span of text it occupies.

`body.links` reads the targets from here (what `check` resolves), and `relink` rewrites the
spans, so the two never disagree about what is a link. Code is never a link: fenced blocks,
indented code blocks and inline code spans are skipped, so `relink` never changes a byte of
code; nor is a comment (`<!-- … -->`, Obsidian's `%% … %%`), which no reader sees.

Linear in the text, whatever it holds (see `body`): every scan moves forward only, and the one
look back, for a Markdown link's `[label]`, stops at the link before it.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote

LinkForm = Literal["wiki", "markdown"]

# An embed `![[x]]` matches at its `[[`; the `!` before it is looked at afterwards.
_WIKILINK = re.compile(r"\[\[([^\[\]|#^\n]++)([#^][^\[\]|\n]*+)?(?:\|([^\[\]\n]*+))?\]\]")
# Where a relative Markdown link's target starts, `](target)`; `href_spans` finds its end.
_HREF_START = re.compile(r"\]\((?!https?:|mailto:|#)")
_HREF_END = re.compile(r"[)\s]")
_ANGLE_HREF_END = re.compile(r"[>\n]")
# A fence is a run of 3 or more of one character; only a run as long, or longer, closes it.
_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}+|~{3,}+)", re.M)
# A line indented 4 columns (a tab is 4) with text on it: maybe an indented code block.
_INDENTED = re.compile(r"^(?: {4}| {0,3}\t)[ \t]*+\S", re.M)
_LIST_ITEM = re.compile(r"[ \t]{0,3}(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)")
_COMMENT_OPEN = {"<!--": "-->", "%%": "%%"}
_TICKS = re.compile(r"`++")
_BLANK_LINE = re.compile(r"\n[ \t]*+\n")
LABEL_LIMIT = 1000
"""Characters before `](` searched for the `[` that opens a Markdown link's label."""


@dataclass(frozen=True, slots=True)
class LinkSpan:
    """One link in a text, and the characters it occupies."""

    form: LinkForm
    start: int
    """Where the link's text starts: its `[[` (after an embed's `!`), or its label's `[`
    (its `](` when no label was found)."""
    end: int
    """Just past its `]]` or its `)`."""
    target: str
    """The note it names as written: a wikilink's name, or a Markdown link's path (decoded)."""
    fragment: str = ""
    """`#Heading` or `^block` as written (a Markdown link's still encoded); "" for none."""
    label: str | None = None
    """A wikilink's text after `|`, or a Markdown link's text between `[` and `]`, as written."""
    embed: bool = False
    """`![[x]]` or `![x](y)`: shown inline, not followed."""
    href: tuple[int, int] = (0, 0)
    """A Markdown link's target, `<…>` included: the part `relink` rewrites after a move."""


def link_spans(text: str) -> list[LinkSpan]:
    """Every link in `text` outside code, in order."""
    if "[" not in text:
        return []
    code = code_ranges(text)
    spans = [s for s in (*_wikilinks(text), *_markdown_links(text)) if not _inside(s, code)]
    return sorted(spans, key=lambda s: s.start)


def href_spans(text: str) -> list[tuple[int, int]]:
    r"""Where the targets of the Markdown links `](target)` that are not web, mail or in-note
    links are, `<…>` included.

    What `finditer` of `\]\((?!https?:|mailto:|#)(<[^>\n]+>|[^)\s]+)\)` finds, in one pass:
    that pattern rescans the rest of a long run from every `](` inside it (`](](](…`). Here
    a `](` inside the run of the one before reuses where that run ends.
    """
    hrefs: list[tuple[int, int]] = []
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
            hrefs.append((start, end))
            found = _HREF_START.search(text, end + 1)
    return hrefs


def href_target(href: str) -> tuple[str, str]:
    """A Markdown link's target split into the path it names (decoded) and its `#fragment`."""
    path, hash_, fragment = href.strip("<>").partition("#")
    return unquote(path), hash_ + fragment


def code_ranges(text: str) -> list[tuple[int, int]]:
    """The character ranges where no link is: fenced and indented code blocks, inline code
    spans and comments, in order, none overlapping."""
    ranges: list[tuple[int, int]] = []
    if "`" in text or "~~~" in text:
        done = 0
        for start, end in _fences(text):
            ranges += _inline_code(text, done, start)
            ranges.append((start, end))
            done = end
        ranges += _inline_code(text, done, len(text))
    if _INDENTED.search(text):
        ranges = _merged(ranges + _indented_code(text))
    if "<!--" in text or "%%" in text:
        ranges = _merged(ranges + _comments(text, ranges))
    return ranges


def _wikilinks(text: str) -> list[LinkSpan]:
    spans: list[LinkSpan] = []
    for match in _WIKILINK.finditer(text):
        embed = match.start() > 0 and text[match.start() - 1] == "!"
        spans.append(LinkSpan(
            "wiki", match.start(), match.end(), match.group(1).strip(),
            fragment=match.group(2) or "", label=match.group(3), embed=embed,
        ))
    return spans


def _markdown_links(text: str) -> list[LinkSpan]:
    spans: list[LinkSpan] = []
    floor = 0  # a label never reaches back into the link before it: no text is scanned twice
    for start, end in href_spans(text):
        path, fragment = href_target(text[start:end])
        close = start - 2  # the label's `]`
        opener = _label_start(text, close, floor)
        floor = end + 1
        if not path:
            continue
        label = None if opener is None else text[opener + 1:close]
        begin = close if opener is None else opener
        embed = opener is not None and opener > 0 and text[opener - 1] == "!"
        spans.append(LinkSpan("markdown", begin, end + 1, path, fragment=fragment, label=label,
                              embed=embed, href=(start, end)))
    return spans


def _label_start(text: str, close: int, floor: int) -> int | None:
    """The `[` that opens the label ending at `close` (a `]`), on the same line, at or after
    `floor`; None if none within `LABEL_LIMIT` characters. Escaped brackets and balanced pairs
    inside are skipped."""
    depth = 0
    at = close - 1
    stop = max(floor - 1, close - LABEL_LIMIT)
    while at > stop:
        char = text[at]
        if char == "\n":
            return None
        escaped = at > 0 and text[at - 1] == "\\"
        if char == "]" and not escaped:
            depth += 1
        elif char == "[" and not escaped:
            if depth == 0:
                return at
            depth -= 1
        at -= 1
    return None


def _fences(text: str) -> list[tuple[int, int]]:
    """Fenced code blocks, from their opening line to the end of their closing one (or the
    end of the text, for a fence never closed, as CommonMark reads it)."""
    blocks: list[tuple[int, int]] = []
    found = _FENCE.search(text)
    while found:
        marker = found.group(1)
        line_end = text.find("\n", found.end())
        if line_end == -1:
            blocks.append((found.start(), len(text)))
            break
        closer = re.compile(rf"^[ \t]{{0,3}}{re.escape(marker[0])}{{{len(marker)},}}+[ \t]*+$",
                            re.M)
        closing = closer.search(text, line_end + 1)
        end = len(text) if closing is None else closing.end()
        blocks.append((found.start(), end))
        found = _FENCE.search(text, end + 1) if end < len(text) else None
    return blocks


def _inline_code(text: str, start: int, stop: int) -> list[tuple[int, int]]:
    """Inline code spans between `start` and `stop`: a run of backticks up to the next run of
    as many, within one paragraph (a blank line ends an unclosed one)."""
    spans: list[tuple[int, int]] = []
    if "`" not in text[start:stop]:
        return spans
    at = start
    while at < stop:
        blank = _BLANK_LINE.search(text, at, stop)
        end = stop if blank is None else blank.end()
        spans += _paragraph_code(text, at, end)
        at = end
    return spans


def _paragraph_code(text: str, start: int, stop: int) -> list[tuple[int, int]]:
    runs = [(m.start(), m.end()) for m in _TICKS.finditer(text, start, stop)]
    # The next run of each length, found from the end in one pass: no rescans.
    next_same: list[int | None] = [None] * len(runs)
    last: dict[int, int] = {}
    for i in range(len(runs) - 1, -1, -1):
        length = runs[i][1] - runs[i][0]
        next_same[i] = last.get(length)
        last[length] = i
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(runs):
        j = next_same[i]
        if j is None:
            i += 1
            continue
        spans.append((runs[i][0], runs[j][1]))
        i = j + 1
    return spans


def _indented_code(text: str) -> list[tuple[int, int]]:
    """Indented code blocks: from a line indented 4 columns after a blank line (or at the
    start) to the last indented line before one that is not. Simpler than CommonMark, on the
    safe side: a list item's indented lines are its content, never code, until a line that is
    neither blank, indented nor a list item ends the list."""
    blocks: list[tuple[int, int]] = []
    at = 0
    blank_before = True
    in_list = False
    block: tuple[int, int] | None = None
    for line in text.splitlines(keepends=True):
        blank = not line.strip()
        indented = not blank and _INDENTED.match(line) is not None
        if block is not None and not (blank or indented):
            blocks.append(block)
            block = None
        if indented and block is not None:
            block = (block[0], at + len(line.rstrip("\r\n")))
        elif indented and blank_before and not in_list:
            block = (at, at + len(line.rstrip("\r\n")))
        if not blank and not indented:
            in_list = _LIST_ITEM.match(line) is not None
        blank_before = blank
        at += len(line)
    if block is not None:
        blocks.append(block)
    return blocks


def _comments(text: str, code: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """`<!-- … -->` and `%% … %%` comments outside `code` (sorted), closed ones only, as
    `body` counts them; one pass: each opener is looked for once, each closer once."""
    comments: list[tuple[int, int]] = []
    next_at = {opener: text.find(opener) for opener in _COMMENT_OPEN}
    at = 0
    while live := [(i, opener) for opener, i in next_at.items() if i != -1]:
        start, opener = min(live)
        where = bisect.bisect_right(code, start, key=lambda r: r[0]) - 1
        if where >= 0 and code[where][0] <= start < code[where][1]:
            at = code[where][1]  # in code: not a comment
        else:
            closer = _COMMENT_OPEN[opener]
            close = text.find(closer, start + len(opener))
            if close == -1:
                next_at[opener] = -1  # no later one of this kind closes either
                continue
            at = close + len(closer)
            comments.append((start, at))
        for other, i in next_at.items():
            if i != -1 and i < at:  # passed: look again after
                next_at[other] = text.find(other, at)
    return comments


def _merged(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """`ranges` sorted, those that overlap made one."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _inside(span: LinkSpan, code: list[tuple[int, int]]) -> bool:
    """Whether the link starts in code; `code` is sorted and its ranges never overlap."""
    at = bisect.bisect_right(code, span.start, key=lambda r: r[0]) - 1
    return at >= 0 and code[at][0] <= span.start < code[at][1]


def _first(pattern: re.Pattern[str], text: str, start: int) -> int:
    """Where `pattern` first matches in `text` from `start`; the text's length if nowhere."""
    match = pattern.search(text, start)
    return len(text) if match is None else match.start()
