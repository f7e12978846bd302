"""What a line of a question list is: a question (with its difficulty), a tip, or a link; and
what a section title or a list says of its section (advice, or questions).

Text rules over lines, block nodes and headings (the level a heading names, how deep an item
is indented), shared by the syllabus walk; the walk itself, and where questions land, is in
`syllabus`.
"""

from __future__ import annotations

import re

from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

from vaultkit.lists._marks import GUIDANCE
from vaultkit.lists._sections import (
    Section,
    first_paragraph,
    inline_plain,
    inline_source,
    inline_tokens,
    is_list,
    list_items,
    plain_text,
    undecorated,
)
from vaultkit.model import Level

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
_VERBS = (
    r"implement|design|explain|describe|derive|compare|contrast|write|prove|show|build|code"
    r"|sketch|estimate|outline|discuss|define|list|name|give|walk through|calculate|compute"
    r"|analy[sz]e|evaluate|propose|suggest|debug|optimi[sz]e"
)
_TASK = re.compile(
    rf"^({_VERBS}|what|why|how|when|where|which|who"
    r"|is|are|can|could|does|did|should|would|will)\b",
    re.IGNORECASE,
)
# A sentence that sets a task: prose ("What follows is…") may open with a question word too.
_IMPERATIVE = re.compile(rf"^({_VERBS})\b.*[.!]$", re.IGNORECASE | re.DOTALL)
_ADVICE = re.compile(
    r"^(tips?|note|focus|practi[cs]e|remember|don'?t|do not|try|make sure|review|study|spend"
    r"|start|avoid|keep|read|aim|take|revisit|say|good luck|do one|do a|repeat|schedule)\b",
    re.IGNORECASE,
)
_Q_PREFIX = re.compile(r"^\s*(?:\*\*)?Q\s*\d*\s*[:.)](?:\*\*)?\s*", re.IGNORECASE)
_A_LINE = re.compile(r"^\s*(?:\*\*)?(?:A|Answer)\s*\d*\s*[:.)]", re.IGNORECASE)
# "## Question 12" (or "Q12: text"): a heading over one question, not a topic.
QUESTION_HEADING = re.compile(r"^(?:question|q)\s*#?\s*\d+\s*[:.)]?\s*(.*)$", re.IGNORECASE)
_BOLD = re.compile(r"^\*\*(?!\*)(.+?)\*\*$")
# A task-list box (`- [ ] What is…?`, `- [x] Explain…`): the reader's progress, not the title.
_BOX = re.compile(r"^\[[ xX]\]\s+")


def unboxed(text: str) -> str:
    """The item's text without a leading task-list box."""
    return _BOX.sub("", text, count=1)


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


def task_or_question(text: str) -> bool:
    """True for a sentence that ends in `?` or sets a task ("Explain L1 and L2."): stricter
    than `asks`, for prose paragraphs, where "What follows is…" is an intro."""
    text = text.strip()
    return text.endswith("?") or _IMPERATIVE.match(text) is not None


def advice(text: str) -> bool:
    """True for study advice rather than a question ("Tip: draw the shapes first.")."""
    return not text.rstrip().endswith("?") and _ADVICE.match(text) is not None


def q_line(markdown: str) -> str | None:
    """The question of a `Q: …` paragraph (its `A: …` lines left out), or None."""
    found = q_paragraph(markdown)
    return found[0] if found else None


def q_paragraph(markdown: str) -> tuple[str, str] | None:
    """(question, details) of a `Q: …` paragraph: the `A: …`/`Answer: …` lines after it are
    its details, kept rather than dropped; None for any other paragraph."""
    lines = markdown.splitlines()
    bold = bold_line(lines[0]) if lines else None
    head = _Q_PREFIX.match(bold) if bold else None
    if bold and head:
        # `**Q1. What is precision?**`: the bold wraps the prefix too.
        kept, rest = [bold[head.end():]], lines[1:]
    elif (match := _Q_PREFIX.match(markdown)) is not None:
        kept, rest = [], markdown[match.end():].splitlines()
    else:
        return None
    answer = next((n for n, line in enumerate(rest) if _A_LINE.match(line)), len(rest))
    kept += (line.strip() for line in rest[:answer])
    question = " ".join(kept).strip()
    return (question, "\n".join(rest[answer:]).strip()) if question else None


def answer_line(markdown: str) -> bool:
    """True for an `A: …` / `Answer: …` paragraph, the answer to the question before it."""
    return _A_LINE.match(markdown) is not None


def question_lines(markdown: str) -> list[tuple[int, str]]:
    """The paragraph split where a `Q:` line or a bold question starts, each part with its line
    offset: an item with a `Q:` line right under it, or two `Q:` or bold questions on adjacent
    lines, hold two questions (CommonMark glues them together); a question is no details."""
    lines = markdown.splitlines()
    starts = [0, *(n for n, line in enumerate(lines) if n and _starts_question(line))]
    ends = [*starts[1:], len(lines)]
    return [(a, "\n".join(lines[a:b])) for a, b in zip(starts, ends, strict=True)]


def _starts_question(line: str) -> bool:
    """True for a line that opens a question of its own: `Q: …` or a bold question."""
    if _Q_PREFIX.match(line):
        return True
    bold = bold_line(line)
    return bold is not None and asks(split_difficulty(bold)[1])


def bold_paragraph(markdown: str) -> tuple[str, str] | None:
    """(question, details) of a paragraph whose first line is one bold phrase: the lines after
    it are its details ("Think about false positives."); None for any other paragraph."""
    first, _, rest = markdown.partition("\n")
    found = bold_line(first)
    return (found, rest.strip()) if found else None


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


# A section that introduces the list: its title starts so ("How to Use These Questions").
_INTRO = re.compile(
    r"^(how to\b|about\b|introduction|preface|notes?\b|(table of )?contents$|licen[cs]e$"
    r"|contribut)",
    re.IGNORECASE,
)
# A closing "Study strategy" / "Final tips" section advises, but only when its whole title says
# so: "Exploration strategies in RL" or "References and citations" name a topic.
_ADVICE_TITLE = re.compile(
    r"^(?:(?:study|interview|final|general|practical|practice|prep|preparation|some|more|useful"
    r"|extra|additional|quick|top|my|our)\s+)*"
    r"(?:tips?|tricks|strateg(?:y|ies)|advice|resources|further reading|references)"
    r"(?:\s+(?:and|&)\s+(?:tips|tricks|advice|resources|strateg(?:y|ies)|references))?[\s:!.]*$",
    re.IGNORECASE,
)
# A line of a lazy continuation that starts a numbered item ("26. [E] Question").
_LAZY_ITEM = re.compile(r"^\s*\d+[.)]\s+(\S.*)$")
# A bullet line inside such a continuation ("* Hint: …").
_LAZY_BULLET = re.compile(r"^\s*[-*+]\s+\S")


# A title or group line that opens with tips ("Tips for the interview", "Tips:").
_TIPS = re.compile(
    r"^(?:(?:study|interview|final|general|practical|quick|some|more|a few)\s+)*"
    r"(?:tips?|tricks|advice)\b",
    re.IGNORECASE,
)


def advice_title(title: str) -> bool:
    """True for the title of an intro or advice section ("How to use this list", "Study tips",
    "Tips for the interview"); a title that merely holds such a word ("Exploration strategies
    in RL") names a topic."""
    return bool(_INTRO.search(title) or _ADVICE_TITLE.match(title) or tips_title(title))


def tips_title(title: str) -> bool:
    """True for a title or group line that opens with tips ("Tips for…", "Tips:"): the items
    under it that do not ask (`?`, a tag) are advice, not questions."""
    return _TIPS.match(title) is not None


def mostly_questions(nodes: list[SyntaxTreeNode]) -> bool:
    """True when more than half of the items and bold or `Q:` paragraphs among `nodes` read
    as questions: a how-to or tips section with one question among its advice is guidance."""
    asking, total = 0, 0
    for node in nodes:
        if node.type == "paragraph":
            markdown = inline_source(node).strip()
            if q_line(markdown) or bold_line(markdown.partition("\n")[0]):
                total += 1
                asking += reads_as_question(node)
        elif is_list(node):
            sub_asking, sub_total = _share([node])
            asking, total = asking + sub_asking, total + sub_total
    return asking * 2 > total


def _share(nodes: list[SyntaxTreeNode]) -> tuple[int, int]:
    """(items that ask, items) of nested lists, for `mostly_questions`."""
    asking, total = 0, 0
    for node in nodes:
        for item in list_items(node):
            paragraph = first_paragraph(item)
            if paragraph is not None and only_links(inline_tokens(paragraph)) is None:
                total += 1
                markdown = inline_source(paragraph).strip()
                text = unboxed(plain_text(inline_tokens(paragraph)))
                asking += bool(q_line(markdown) or _tagged_or_asks(text))
            sub_asking, sub_total = _share([c for c in item.children if is_list(c)])
            asking, total = asking + sub_asking, total + sub_total
    return asking, total


def reads_as_question(node: SyntaxTreeNode) -> bool:
    """True for a list holding an item that ends in `?` or carries a `Q:` or difficulty tag, or
    for such a `Q:` or bold paragraph; links (a table of contents) and prose never count."""
    if node.type == "paragraph":
        markdown = inline_source(node).strip()
        found = q_line(markdown) or bold_line(markdown.partition("\n")[0])
        return found is not None and _tagged_or_asks(found)
    if not is_list(node):
        return False
    for item in list_items(node):
        paragraph = first_paragraph(item)
        if paragraph is not None and only_links(inline_tokens(paragraph)) is None:
            markdown = inline_source(paragraph).strip()
            if q_line(markdown) or _tagged_or_asks(plain_text(inline_tokens(paragraph))):
                return True
        if any(reads_as_question(child) for child in item.children if is_list(child)):
            return True
    return False


def _tagged_or_asks(text: str) -> bool:
    difficulty, bare = split_difficulty(text)
    return difficulty is not None or bare.rstrip().endswith("?")


def lazy_items(markdown: str) -> tuple[str, list[tuple[int, str, tuple[int, int] | None]]] | None:
    """The group line and each numbered line after it when a paragraph runs on into numbered
    items: (line offset, text, offsets of the bullet lines under it, the question's details);
    None for an ordinary paragraph."""
    lines = markdown.splitlines()
    starts = [n for n, line in enumerate(lines) if n and _LAZY_ITEM.match(line)]
    if not starts:
        return None
    pieces: list[tuple[int, str, tuple[int, int] | None]] = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        match = _LAZY_ITEM.match(lines[start])
        assert match is not None  # found by the same pattern above
        # "        * Hint: …" under a lazy item runs on into its paragraph too: it is the
        # question's details, as a nested item's would be, not part of its title.
        bullet = next((k for k in range(start + 1, end) if _LAZY_BULLET.match(lines[k])), end)
        rest = (line.strip() for line in lines[start + 1:bullet])
        hint = (bullet, end) if bullet < end else None
        pieces.append((start, " ".join((match.group(1), *rest)), hint))
    return " ".join(line.strip() for line in lines[: starts[0]]), pieces


_LEVELS = (
    (Level.FOUNDATIONAL, re.compile(r"\b(foundation\w*|fundamentals?|basics?|warm-?up)\b", re.I)),
    (Level.DEEP, re.compile(r"\b(deep (understanding|dive)|advanced|in[- ]depth)\b", re.I)),
    (Level.INTERVIEW, re.compile(r"\b(interview\w*|real[- ]world|scenarios?)\b", re.I)),
)


def level_of(section: Section) -> Level | None:
    """The level a heading names; numbered headings are topics, never levels."""
    if section.number is not None:
        return None
    for level, pattern in _LEVELS:
        if pattern.search(section.title):
            return level
    return None


def indent_of(item: SyntaxTreeNode, lines: list[str]) -> int:
    """The item's marker column in the source."""
    if item.map is None or item.map[0] >= len(lines):
        return 0
    line = lines[item.map[0]]
    return len(line) - len(line.lstrip())


def at_margin(item: SyntaxTreeNode, line: int, lines: list[str]) -> bool:
    """True for a line of a nested item's paragraph written at the margin: CommonMark runs it on
    lazily into the item ("**Bold question?**" after a sub-list); the author put it outside."""
    return indent_of(item, lines) > 0 and not lines[line - 1][:1].isspace()


def deeper_next(node: SyntaxTreeNode, item: SyntaxTreeNode, indent: int, lines: list[str]) -> bool:
    """True when the numbered item after `item` in the list is indented further in the source."""
    if node.type != "ordered_list":
        return False
    items = list_items(node)
    at = items.index(item)
    return at + 1 < len(items) and indent_of(items[at + 1], lines) > indent


def is_guidance(section: Section) -> bool:
    """A section of advice for Home: marked so, or unnumbered with an intro or advice title
    ("How to use this list", "📈 Study strategy") and holding no item that reads as a question;
    a `topic` mark or a section number says it is a topic."""
    if section.mark is not None:
        return section.mark == GUIDANCE
    if section.number is not None:
        return False
    title = undecorated(section.title)
    if not advice_title(title):
        return False
    return not mostly_questions([node for sub in section.walk() for node in sub.blocks])


def loose_question(section: Section, block: SyntaxTreeNode) -> bool:
    """True for a paragraph after a list of questions that asks or sets a task ("Explain the
    difference between L1 and L2."): one more question of the section, not its intro."""
    if block.type != "paragraph":
        return False
    markdown = inline_source(block).strip()
    if q_line(markdown) or bold_paragraph(markdown) or answer_line(markdown):
        return False  # read by `_paragraph`, its `Q:`/`A:` marks and details apart
    if not task_or_question(inline_plain(markdown)):
        return False
    before = section.blocks[: section.blocks.index(block)]
    return any(is_list(node) and reads_as_question(node) for node in before)


def tips_line(text: str) -> bool:
    """True for a one-line paragraph that heads tips ("Tips:", "Some tips for the exam:")."""
    text = text.strip()
    return "\n" not in text and text.endswith(":") and tips_title(text)


def joined(context: str, text: str) -> str:
    """A group line's context under the context around it ("Outer — Inner")."""
    return " — ".join(part for part in (context, text) if part)


def full_title(section: Section, title: str) -> str:
    """The section's title with its number ("2. Evaluation"), as guidance shows it."""
    return f"{section.number}. {title}" if section.number else title
