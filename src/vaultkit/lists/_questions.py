"""What a line of a question list is: a question (with its difficulty), a tip, or a link.

Pure text rules, shared by the syllabus walk; nothing here knows about sections.
"""

from __future__ import annotations

import re

from markdown_it.token import Token

DIFFICULTIES = ("E", "M", "H")
"""The one vocabulary difficulties are kept in: easy, medium, hard, as interview books tag them
(`[E]`); `(easy)`, `[Medium]`, `⭐⭐` and the like are read into it."""

_WORDS = {
    "e": "E", "easy": "E", "m": "M", "med": "M", "medium": "M", "h": "H", "hard": "H",
}
_BRACKET = r"[\[(]\s*(e|m|h|easy|med|medium|hard)\s*[\])]"
_STARS = r"(?:⭐|★){1,3}"
_LEADING = re.compile(rf"^\s*(?:{_BRACKET}|({_STARS}))\s*", re.IGNORECASE)
_TRAILING = re.compile(rf"\s*(?:{_BRACKET}|({_STARS}))\s*$", re.IGNORECASE)

# A question asks (`?`) or sets a task ("Implement PCA from scratch."); advice tells the reader
# how to study ("Focus on understanding, not memorization").
_TASK = re.compile(
    r"^(implement|design|explain|describe|derive|compare|contrast|write|prove|show|build|code"
    r"|sketch|estimate|outline|discuss|define|list|name|give|walk through|calculate|compute"
    r"|analy[sz]e|evaluate|propose|suggest|debug|optimi[sz]e|what|why|how|when|where|which|who"
    r"|is|are|can|could|does|did|should|would|will)\b",
    re.IGNORECASE,
)
_ADVICE = re.compile(
    r"^(tips?|note|focus|practi[cs]e|remember|don'?t|do not|try|make sure|review|study|spend"
    r"|start|avoid|keep|read|aim|take|revisit|say|good luck|do one|do a|repeat|schedule)\b",
    re.IGNORECASE,
)
_Q_PREFIX = re.compile(r"^\s*(?:\*\*)?Q\s*\d*\s*[:.)](?:\*\*)?\s*", re.IGNORECASE)
_A_LINE = re.compile(r"^\s*(?:\*\*)?(?:A|Answer)\s*\d*\s*[:.)]", re.IGNORECASE)
_BOLD = re.compile(r"^\*\*(?!\*)(.+?)\*\*$")


def split_difficulty(text: str) -> tuple[str | None, str]:
    """`("E", "What is…?")` for "[E] What is…?" (a tag first or last); `(None, text)`."""
    for pattern in (_LEADING, _TRAILING):
        match = pattern.search(text)
        if match:
            word, stars = match.group(1), match.group(2)
            level = DIFFICULTIES[len(stars) - 1] if stars else _WORDS[word.lower()]
            return level, (text[: match.start()] + text[match.end():]).strip()
    return None, text


def asks(text: str) -> bool:
    """True for a question or a task; a bare phrase ("Learning rate.") is neither."""
    return text.rstrip().endswith("?") or _TASK.match(text) is not None


def advice(text: str) -> bool:
    """True for study advice rather than a question ("Tip: draw the shapes first.")."""
    return not text.rstrip().endswith("?") and _ADVICE.match(text) is not None


def q_line(markdown: str) -> str | None:
    """The question of a `Q: …` paragraph (its `A: …` lines dropped), or None."""
    match = _Q_PREFIX.match(markdown)
    if match is None:
        return None
    kept: list[str] = []
    for line in markdown[match.end():].splitlines():
        if _A_LINE.match(line):
            break
        kept.append(line.strip())
    return " ".join(kept).strip() or None


def bold_line(markdown: str) -> str | None:
    """The text of a paragraph that is one bold phrase (a tag may follow it), or None."""
    difficulty, rest = split_difficulty(markdown.strip())
    match = _BOLD.match(rest)
    if match is None or "\n" in match.group(1):
        return None
    inner = match.group(1).strip()
    return f"[{difficulty}] {inner}" if difficulty else inner


def only_links(tokens: list[Token]) -> str | None:
    """Why an item is no question when all its words are link text: `a link` or, for `#anchor`
    links, `a table of contents entry`; None when it has words of its own."""
    depth, hrefs = 0, []
    for token in tokens:
        if token.type == "link_open":
            depth += 1
            hrefs.append(str(token.attrGet("href") or ""))
        elif token.type == "link_close":
            depth -= 1
        elif depth == 0 and _own_words(token):
            return None
    if not hrefs:
        return None
    if all(href.startswith("#") for href in hrefs):
        return "a table of contents entry, not a question"
    return "only a link, not a question"


def _own_words(token: Token) -> bool:
    """True for a token outside a link that the reader sees as words of the item's own."""
    if token.type in {"code_inline", "image"}:
        return True
    return token.type == "text" and bool(token.content.strip(" ,;-–—·|"))
