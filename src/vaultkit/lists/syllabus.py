"""A question syllabus in Markdown → `Syllabus`.

Two shapes are read by the same walk over the heading tree:

- the seed's: numbered sections (`#`) that match reading sections by number, level headings
  (`##` Foundational / Deep understanding / Interview-style) and `*` bullet questions;
- numbered lists as in interview books: `41. [E] Question?`, where the `[E]` tag is kept as the
  question's difficulty, a group line that is not a question ("Learning rate.") gives context to
  the questions nested under it, and items nested under a question are part of its text.

Text before the first heading, and sections such as "How to Use These Questions", are guidance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it.tree import SyntaxTreeNode

from vaultkit.lists._sections import (
    Section,
    first_paragraph,
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
    section_prose,
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
    r"|contribut)",
    re.IGNORECASE,
)
_TAG = re.compile(r"^\s*\[([A-Za-z]{1,6})\]\s*")


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


def parse(text: str) -> Syllabus:
    """Parse a syllabus; items that cannot be used become warnings, not errors."""
    text = text.removeprefix("\ufeff")
    walk = _Walk(lines=text.splitlines())
    root = parse_sections(text)
    if root.children:
        if intro := preamble(root, walk.lines):
            walk.guidance.append(("", intro))
    else:
        _collect(root, _topic(root, walk, "Questions"), None, walk)
    for section in root.children:
        _visit(section, walk)
    return Syllabus(
        topics=tuple(walk.topics),
        questions=tuple(walk.questions),
        guidance=tuple(Guidance(title, body) for title, body in walk.guidance),
        warnings=tuple(walk.warnings),
    )


def _visit(section: Section, walk: _Walk) -> None:
    if _GUIDANCE.match(section.title):
        body = section_body(section, walk.lines)
        if body:
            walk.guidance.append((section.full_title, body))
        return
    topic: Topic | None = None
    if _has_lists(section) or any(_level_of(c) for c in section.children):
        topic = _topic(section, walk, section.title)
        _collect(section, topic, None, walk)
    elif prose := section_prose(section, walk.lines):
        # A heading over topics (the document's title, a part) that says something.
        walk.guidance.append((section.full_title, prose))
    for child in section.children:
        level = _level_of(child)
        if level is not None and topic is not None:
            _collect_tree(child, topic, level, walk)
        else:
            _visit(child, walk)


def _collect_tree(section: Section, topic: Topic, level: Level, walk: _Walk) -> None:
    """All questions of a level section, sub-headings included."""
    for sub in section.walk():
        _collect(sub, topic, _level_of(sub) or level, walk)


def _collect(section: Section, topic: Topic, level: Level | None, walk: _Walk) -> None:
    for block in section.blocks:
        if is_list(block):
            _items(block, topic, level, "", walk)


def _items(
    node: SyntaxTreeNode, topic: Topic, level: Level | None, context: str, walk: _Walk
) -> None:
    for item in list_items(node):
        paragraph = first_paragraph(item)
        markdown = inline_source(paragraph).strip() if paragraph else ""
        text = plain_text(inline_tokens(paragraph)) if paragraph else ""
        nested = [child for child in item.children if is_list(child)]
        tag = _TAG.match(text)
        if nested and not tag and not text.rstrip().endswith("?"):
            # A group line ("Learning rate.") is context for the questions under it.
            inner = " — ".join(part for part in (context, text) if part)
            for child in nested:
                _items(child, topic, level, inner, walk)
            continue
        question_text = _TAG.sub("", text, count=1).strip()
        if not question_text:
            walk.warnings.append(ListWarning(line_of(item), "empty question; skipped"))
            continue
        question = Question(
            text=question_text,
            markdown=_TAG.sub("", markdown, count=1).strip(),
            topic_key=topic.key,
            level=level,
            difficulty=tag.group(1) if tag else None,
            context=context,
            details="\n".join(node_source(walk.lines, n) for n in nested),
            line=line_of(item),
        )
        _add(question, walk)


def _add(question: Question, walk: _Walk) -> None:
    first = walk.seen.get(question.id)
    if first is not None:
        walk.warnings.append(ListWarning(
            question.line,
            f"question repeats line {first} of the same topic; kept once",
        ))
        return
    walk.seen[question.id] = question.line
    walk.questions.append(question)


def _topic(section: Section, walk: _Walk, title: str) -> Topic:
    topic = Topic(
        key=walk.keys.claim(slug(title)),
        title=title,
        number=section.number,
        intro=section_prose(section, walk.lines),
        line=section.line,
    )
    walk.topics.append(topic)
    return topic


def _level_of(section: Section) -> Level | None:
    """The level a heading names; numbered headings are topics, never levels."""
    if section.number is not None:
        return None
    for level, pattern in _LEVELS:
        if pattern.search(section.title):
            return level
    return None


def _has_lists(section: Section) -> bool:
    return any(is_list(b) for b in section.blocks)
