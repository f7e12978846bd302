"""A question syllabus in Markdown → `Syllabus`.

The shapes are read by one walk over the heading tree:

- the seed's: numbered sections (`#`) that match reading sections by number, level headings
  (`##` Foundational / Deep understanding / Interview-style) and `*` bullet questions;
- numbered lists as in interview books: `41. [E] Question?`, where the `[E]` tag is kept as the
  question's difficulty, a group line that is not a question ("Learning rate.") gives context to
  the questions nested under it, and items nested under a question are part of its text. Items
  numbered on from an earlier list (`43. Group line.` then `    26. [E] Question`) are read as
  nested too, though CommonMark makes them a lazy continuation of the group line;
- question banks: `- Question?` / `* Question` bullets, `**Bold question**` paragraphs, `Q:`
  lines, `## Question 12` headings over a question, imperative tasks ("Implement PCA.");
  `###` headings under a numbered section are groups within that topic;
- difficulty tags (`[E]`, `(easy)`, `⭐⭐`) are kept in one vocabulary, `E`/`M`/`H`.

Text before the first heading, a table of contents, and sections such as "How to Use These
Questions" or "Study strategy" are guidance; tips and bare links are skipped with a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it.tree import SyntaxTreeNode

from vaultkit.lists._marks import GUIDANCE, TOPIC
from vaultkit.lists._questions import (
    advice,
    asks,
    bold_line,
    only_links,
    q_line,
    split_difficulty,
)
from vaultkit.lists._sections import (
    Section,
    first_paragraph,
    inline_plain,
    inline_source,
    inline_tokens,
    is_list,
    line_of,
    list_items,
    node_source,
    parse_sections,
    plain_text,
    preamble,
    section_body,
    undecorated,
)
from vaultkit.model import (
    Guidance,
    Level,
    ListWarning,
    Question,
    Syllabus,
    Topic,
    UniqueKeys,
    slug,
)

_LEVELS = (
    (Level.FOUNDATIONAL, re.compile(r"\b(foundation\w*|fundamentals?|basics?|warm-?up)\b", re.I)),
    (Level.DEEP, re.compile(r"\b(deep (understanding|dive)|advanced|in[- ]depth)\b", re.I)),
    (Level.INTERVIEW, re.compile(r"\b(interview\w*|real[- ]world|scenarios?)\b", re.I)),
)
_GUIDANCE = re.compile(
    r"^(how to\b|about\b|introduction|preface|notes?\b|tips\b|(table of )?contents$|licen[cs]e$"
    r"|contribut)"
    # A closing "Study strategy" / "Final tips" section advises; it lists no questions.
    r"|\b(tips|strateg(y|ies)|advice|resources|further reading|references)\b",
    re.IGNORECASE,
)
# "## Question 12" (or "Q12: text"): a heading over one question, not a topic.
_QUESTION_HEADING = re.compile(r"^(?:question|q)\s*#?\s*\d+\s*[:.)]?\s*(.*)$", re.IGNORECASE)
# A line of a lazy continuation that starts a numbered item ("26. [E] Question").
_LAZY_ITEM = re.compile(r"^\s*\d+[.)]\s+(\S.*)$")


@dataclass(slots=True)
class _Slot:
    """A section that becomes a topic once a question lands in it: a heading over nothing but
    sub-topics, tips or links is context, never an empty topic."""

    section: Section
    title: str
    topic: Topic | None = None


@dataclass(slots=True)
class _Walk:
    lines: list[str]
    topics: list[Topic] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    guidance: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[ListWarning] = field(default_factory=list)
    seen: dict[str, int] = field(default_factory=dict)
    """Question id → line where it first appeared, to report repeats."""
    keys: UniqueKeys = field(default_factory=UniqueKeys)
    """The topics' keys, handed out so far."""


@dataclass(frozen=True, slots=True)
class _Place:
    """Where questions found now belong: their topic, level and `###` group."""

    slot: _Slot
    level: Level | None = None
    group: str | None = None


def parse(text: str) -> Syllabus:
    """Parse a syllabus; items that cannot be used become warnings, not errors."""
    text = text.removeprefix("\ufeff")
    walk = _Walk(lines=text.splitlines())
    root = parse_sections(text)
    if root.children:
        if intro := preamble(root, walk.lines):
            walk.guidance.append(("", intro))
    else:
        _collect(root, _Place(_Slot(root, "Questions")), walk)
    for section in root.children:
        _visit(section, walk)
    return Syllabus(
        topics=tuple(walk.topics),
        questions=tuple(walk.questions),
        guidance=tuple(Guidance(title, body) for title, body in walk.guidance),
        warnings=tuple(sorted(walk.warnings, key=lambda w: w.line)),
    )


def _visit(section: Section, walk: _Walk) -> None:
    title = undecorated(section.title)
    if section.mark == GUIDANCE or (section.mark != TOPIC and _GUIDANCE.search(title)):
        body = section_body(section, walk.lines)
        if body:
            walk.guidance.append((_full_title(section, title), body))
        return
    slot = _Slot(section, title)
    at = len(walk.guidance)
    _collect(section, _Place(slot), walk)
    for child in section.children:
        level = _level_of(child)
        if level is not None:
            _collect_tree(child, _Place(slot, level), walk)
        elif _QUESTION_HEADING.match(child.full_title):
            _question_block(child, _Place(slot), walk)
        elif (section.mark == TOPIC and child.mark != TOPIC) or (
            section.number is not None and child.number is None
            and not _GUIDANCE.search(undecorated(child.title))
        ):
            _collect_tree(child, _Place(slot, group=undecorated(child.title)), walk)
        else:
            _visit(child, walk)
    if slot.topic is None and (prose := _prose(section, walk)):
        # A heading over topics (the document's title, a part) that says something.
        walk.guidance.insert(at, (_full_title(section, title), prose))


def _collect_tree(section: Section, place: _Place, walk: _Walk) -> None:
    """All questions of a level or group section, sub-headings included."""
    for sub in section.walk():
        if sub is not section and _QUESTION_HEADING.match(sub.full_title):
            _question_block(sub, place, walk)
            continue
        level = _level_of(sub) if sub is not section else None
        _collect(sub, _Place(place.slot, level or place.level, place.group), walk)


def _collect(section: Section, place: _Place, walk: _Walk) -> None:
    for block in section.blocks:
        if is_list(block):
            _items(block, place, "", walk)
        elif block.type == "paragraph":
            markdown = inline_source(block).strip()
            found = q_line(markdown) or bold_line(markdown)
            if found and (q_line(markdown) or asks(split_difficulty(found)[1])):
                _ask(found, place, line_of(block), walk)
            elif found:
                walk.warnings.append(ListWarning(line_of(block), "bold line is not a question"))


def _question_block(section: Section, place: _Place, walk: _Walk) -> None:
    """`## Question 12` and the question under it: its heading's text, else its first paragraph;
    what follows (an answer) is not imported."""
    match = _QUESTION_HEADING.match(section.full_title)
    paragraphs = [b for b in section.blocks if b.type == "paragraph"]
    if match and match.group(1):
        _ask(match.group(1), place, section.line, walk)
    elif paragraphs:
        markdown = inline_source(paragraphs[0]).strip()
        line = line_of(paragraphs[0])
        _ask(bold_line(markdown) or q_line(markdown) or markdown, place, line, walk)
        paragraphs = paragraphs[1:]
    else:
        walk.warnings.append(ListWarning(section.line, "question heading with no question"))
    for paragraph in paragraphs:
        walk.warnings.append(ListWarning(
            line_of(paragraph), "text under a question (an answer?); not imported",
        ))


def _items(node: SyntaxTreeNode, place: _Place, context: str, walk: _Walk) -> None:
    for item in list_items(node):
        paragraph = first_paragraph(item)
        markdown = inline_source(paragraph).strip() if paragraph else ""
        tokens = inline_tokens(paragraph) if paragraph else []
        nested = [child for child in item.children if is_list(child)]
        lazy = _lazy_items(markdown)
        if lazy:
            # "43. Group line." with "    26. [E] Question" under it: CommonMark reads the
            # numbered lines as the group's paragraph; the author meant nested questions.
            group_line, pieces = lazy
            inner = _join(context, inline_plain(group_line))
            for offset, piece in pieces:
                _ask(piece, place, line_of(item) + offset, walk, context=inner)
            for child in nested:
                _items(child, place, inner, walk)
            continue
        text = plain_text(tokens)
        difficulty, bare = split_difficulty(text)
        if nested and difficulty is None and not bare.rstrip().endswith("?"):
            # A group line ("Learning rate.") is context for the questions under it.
            for child in nested:
                _items(child, place, _join(context, text), walk)
            continue
        if why := only_links(tokens):
            walk.warnings.append(ListWarning(line_of(item), why))
        elif advice(q_line(markdown) or bare) and difficulty is None:
            walk.warnings.append(ListWarning(line_of(item), "study advice, not a question"))
        else:
            details = "\n".join(node_source(walk.lines, n) for n in nested)
            _ask(
                q_line(markdown) or markdown, place, line_of(item), walk,
                context=context, details=details,
            )


def _lazy_items(markdown: str) -> tuple[str, list[tuple[int, str]]] | None:
    """The group line and each numbered line after it (line offset, text) when a paragraph
    runs on into numbered items; None for an ordinary paragraph."""
    lines = markdown.splitlines()
    starts = [n for n, line in enumerate(lines) if n and _LAZY_ITEM.match(line)]
    if not starts:
        return None
    pieces: list[tuple[int, str]] = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        match = _LAZY_ITEM.match(lines[start])
        assert match is not None  # found by the same pattern above
        rest = (line.strip() for line in lines[start + 1:end])
        pieces.append((start, " ".join((match.group(1), *rest))))
    return " ".join(line.strip() for line in lines[: starts[0]]), pieces


def _ask(
    markdown: str, place: _Place, line: int, walk: _Walk, *, context: str = "", details: str = ""
) -> None:
    """Add the question written as `markdown` (a difficulty tag first or last)."""
    difficulty, markdown = split_difficulty(markdown)
    text = inline_plain(markdown)
    if difficulty is None:
        difficulty, text = split_difficulty(text)
    if not text:
        walk.warnings.append(ListWarning(line, "empty question; skipped"))
        return
    question = Question(
        text=text,
        markdown=markdown,
        topic_key=_topic(place.slot, walk).key,
        level=place.level,
        difficulty=difficulty,
        context=context,
        group=place.group,
        details=details,
        line=line,
    )
    first = walk.seen.get(question.id)
    if first is not None:
        walk.warnings.append(ListWarning(
            question.line,
            f"question repeats line {first} of the same topic; kept once",
        ))
        return
    walk.seen[question.id] = question.line
    walk.questions.append(question)


def _topic(slot: _Slot, walk: _Walk) -> Topic:
    if slot.topic is None:
        slot.topic = Topic(
            key=walk.keys.claim(slug(slot.title)),
            title=slot.title,
            number=slot.section.number,
            intro=_prose(slot.section, walk),
            line=slot.section.line,
        )
        walk.topics.append(slot.topic)
    return slot.topic


def _prose(section: Section, walk: _Walk) -> str:
    """The paragraphs and quotes under a heading that are not questions, as Markdown."""
    parts = (
        node_source(walk.lines, block) for block in section.blocks
        if block.type == "blockquote" or (
            block.type == "paragraph"
            and not q_line(markdown := inline_source(block).strip())
            and not bold_line(markdown)
        )
    )
    return "\n\n".join(part for part in parts if part)


def _join(context: str, text: str) -> str:
    return " — ".join(part for part in (context, text) if part)


def _full_title(section: Section, title: str) -> str:
    return f"{section.number}. {title}" if section.number else title


def _level_of(section: Section) -> Level | None:
    """The level a heading names; numbered headings are topics, never levels."""
    if section.number is not None:
        return None
    for level, pattern in _LEVELS:
        if pattern.search(section.title):
            return level
    return None
