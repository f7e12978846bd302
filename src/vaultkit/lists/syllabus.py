"""A question syllabus in Markdown → `Syllabus`.

The shapes are read by one walk over the heading tree:

- the seed's: numbered sections (`#`) that match reading sections by number, level headings
  (`##` Foundational / Deep understanding / Interview-style) and `*` bullet questions;
- numbered lists as in interview books: `41. [E] Question?` (the `[E]` tag kept as difficulty);
  a group line ("Learning rate.", or a task over questions: "Explain these:") is context of the
  questions nested under it; other nested items are the details of the question above. Items
  numbered on from an earlier list (`43. Group line.` then `    26. [E] Question`) are read as
  nested too, though CommonMark makes them a lazy continuation of the group line;
- question banks: `- Question?` / `* Question` bullets, `**Bold question**` and `Q:` lines
  (each line a question of its own, `A:` lines its details), `## Question 12` headings, tasks
  ("Implement PCA."); `###` headings under a numbered section are groups within that topic;
- difficulty tags (`[E]`, `(easy)`, `⭐⭐`) are kept in one vocabulary, `E`/`M`/`H`.

Text before the first heading, a table of contents, and unnumbered sections titled as a whole
"How to Use These Questions" or "Study strategy" ("Exploration strategies in RL" is a topic) with
nothing that reads as a question are guidance; tips and bare links are skipped with a warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from markdown_it.tree import SyntaxTreeNode

from vaultkit.lists._marks import TOPIC
from vaultkit.lists._questions import (
    QUESTION_HEADING,
    advice,
    answer_line,
    asks,
    at_margin,
    bold_paragraph,
    deeper_next,
    full_title,
    indent_of,
    is_guidance,
    joined,
    lazy_items,
    level_of,
    loose_question,
    only_links,
    q_line,
    q_paragraph,
    question_lines,
    reads_as_question,
    split_difficulty,
    tips_line,
    tips_title,
    unboxed,
)
from vaultkit.lists._sections import (
    Section,
    first_paragraph,
    inline_plain,
    inline_source,
    inline_tokens,
    is_boilerplate,
    is_list,
    line_of,
    list_items,
    node_source,
    parse_sections,
    plain_text,
    preamble,
    section_body,
    source_lines,
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
    tips: bool = False
    """Right under a `Tips:` line: what does not ask there is a tip."""


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
    above: _Place | None = None
    for section in root.children:
        if above is not None and QUESTION_HEADING.match(section.full_title):
            # `## Question 2` beside `## Evaluation`: one question of the topic above it.
            _question_block(section, above, walk)
        elif (slot := _visit(section, walk)) is not None:
            above = _Place(slot)
    return Syllabus(
        topics=tuple(walk.topics),
        questions=tuple(walk.questions),
        guidance=tuple(Guidance(title, body) for title, body in walk.guidance),
        warnings=tuple(sorted(walk.warnings, key=lambda w: w.line)),
    )


def _visit(section: Section, walk: _Walk) -> _Slot | None:
    """Read a section and its sub-sections; its slot, or None when it is guidance."""
    title = undecorated(section.title)
    if is_guidance(section):
        body = section_body(section, walk.lines)
        if body and not is_boilerplate(title):
            walk.guidance.append((full_title(section, title), body))
        return None
    slot = _Slot(section, title)
    at = len(walk.guidance)
    _collect(section, _Place(slot), walk)
    # A `## Question 3` block belongs to the section above it: a sibling heading over nothing
    # but question blocks ("## Probability") names their topic, not the document's title.
    above = _Place(slot)
    for child in section.children:
        level = level_of(child)
        if level is not None:
            above = _Place(slot, level)
            _collect_tree(child, above, walk)
        elif QUESTION_HEADING.match(child.full_title):
            _question_block(child, above, walk)
        elif (section.mark == TOPIC and child.mark != TOPIC) or (
            section.number is not None and child.number is None
            and not is_guidance(child)
        ):
            above = _Place(slot, group=undecorated(child.title))
            _collect_tree(child, above, walk)
        elif (child_slot := _visit(child, walk)) is not None:
            above = _Place(child_slot)
    if slot.topic is None and (prose := _prose(section, walk)):
        # A heading over topics (the document's title, a part) that says something.
        walk.guidance.insert(at, (full_title(section, title), prose))
    return slot




def _collect_tree(section: Section, place: _Place, walk: _Walk) -> None:
    """All questions of a level or group section, sub-headings included."""
    for sub in section.walk():
        if sub is not section and QUESTION_HEADING.match(sub.full_title):
            _question_block(sub, place, walk)
            continue
        level = level_of(sub) if sub is not section else None
        _collect(sub, _Place(place.slot, level or place.level, place.group), walk)


def _collect(section: Section, place: _Place, walk: _Walk) -> None:
    tips = False
    for block in section.blocks:
        if is_list(block):
            _items(block, replace(place, tips=tips), "", walk)
        elif loose_question(section, block):
            _ask(inline_source(block).strip(), place, line_of(block), walk)
        elif block.type == "paragraph":
            _paragraph(inline_source(block).strip(), line_of(block), place, walk)
        # "Tips:" on a line of its own heads the list right after it.
        tips = block.type == "paragraph" and tips_line(inline_plain(inline_source(block)))


def _paragraph(markdown: str, line: int, place: _Place, walk: _Walk) -> None:
    """Each `Q:` or bold question of a paragraph (the lines after it its details), or an `A:`
    line, the details of the question before it; other prose is the topic's intro."""
    for offset, part in question_lines(markdown):
        _paragraph_part(part, line + offset, place, walk)


def _paragraph_part(markdown: str, line: int, place: _Place, walk: _Walk) -> None:
    last = walk.questions[-1] if walk.questions else None
    topic = place.slot.topic
    if answer_line(markdown) and last and topic and last.topic_key == topic.key:
        details = "\n\n".join(part for part in (last.details, markdown) if part)
        walk.questions[-1] = replace(last, details=details)
        # The details are part of the id: a repeat of the question is checked against it.
        walk.seen[walk.questions[-1].id] = walk.seen.pop(last.id)
        return
    q = q_paragraph(markdown)
    found = q or bold_paragraph(markdown)
    if found and (q or asks(split_difficulty(found[0])[1])):
        _ask(found[0], place, line, walk, details=found[1])
    elif found:
        walk.warnings.append(ListWarning(line, "bold line is not a question"))


def _question_block(section: Section, place: _Place, walk: _Walk) -> None:
    """`## Question 12` and the question under it: its heading's text, else its first paragraph;
    what follows (an answer) is not imported."""
    match = QUESTION_HEADING.match(section.full_title)
    paragraphs = [b for b in section.blocks if b.type == "paragraph"]
    if match and match.group(1):
        _ask(match.group(1), place, section.line, walk)
    elif paragraphs:
        markdown = inline_source(paragraphs[0]).strip()
        found = bold_paragraph(markdown) or q_paragraph(markdown) or (markdown, "")
        _ask(found[0], place, line_of(paragraphs[0]), walk, details=found[1])
        paragraphs = paragraphs[1:]
    else:
        walk.warnings.append(ListWarning(section.line, "question heading with no question"))
    for paragraph in paragraphs:
        walk.warnings.append(ListWarning(
            line_of(paragraph), "text under a question (an answer?); not imported",
        ))
    # A list after the question block ("- What is a validation set?") is more questions of
    # the topic, not part of the answer: nothing that reads as a question may vanish.
    for block in section.blocks:
        if is_list(block):
            _items(block, place, "", walk)


def _items(node: SyntaxTreeNode, place: _Place, context: str, walk: _Walk) -> None:
    # Group lines over items indented too little to nest: (source indent, context under it).
    groups: list[tuple[int, str]] = []
    for item in list_items(node):
        paragraph = first_paragraph(item)
        markdown = inline_source(paragraph).strip() if paragraph else ""
        tokens = inline_tokens(paragraph) if paragraph else []
        nested = [child for child in item.children if is_list(child)]
        indent = indent_of(item, walk.lines)
        while groups and groups[-1][0] >= indent:
            groups.pop()
        inside = groups[-1][1] if groups else context
        if _run_on(item, markdown, place, inside, walk):
            continue
        markdown = unboxed(markdown)
        text = unboxed(plain_text(tokens))
        difficulty, bare = split_difficulty(text)
        # A task with items under it ("Define F1." over "Sub: derive it…") is a question whose
        # sub-items are its details; a bare phrase ("Learning rate.") is a group line, and so
        # is a task over questions ("Explain the following:" over "- What is momentum?").
        over_questions = not bare.endswith("?") and any(reads_as_question(c) for c in nested)
        is_group = difficulty is None and (not asks(bare) or over_questions)
        if is_group and nested:
            # A group line ("Learning rate.") is context for the questions under it.
            for child in nested:
                _items(child, place, joined(inside, text), walk)
            continue
        if is_group and not only_links(tokens) and deeper_next(node, item, indent, walk.lines):
            # "44. Group." then "   29. [M] Question?": indented too little to nest in
            # CommonMark, the items are siblings, but the author meant them under the group.
            groups.append((indent, joined(inside, text)))
            continue
        if why := only_links(tokens):
            walk.warnings.append(ListWarning(line_of(item), why))
        elif advice(q_line(markdown) or bare) and difficulty is None:
            walk.warnings.append(ListWarning(line_of(item), "study advice, not a question"))
        elif difficulty is None and not bare.endswith("?") and _a_tip(place, inside, bare):
            walk.warnings.append(ListWarning(line_of(item), "a tip under a tips heading"))
        else:
            details = "\n".join(node_source(walk.lines, n) for n in nested)
            _ask(
                q_line(markdown) or markdown, place, line_of(item), walk,
                context=inside, details=details,
            )


def _run_on(item: SyntaxTreeNode, markdown: str, place: _Place, context: str, walk: _Walk) -> bool:
    """Read an item whose paragraph runs on into more questions; False for any other item."""
    nested = [child for child in item.children if is_list(child)]
    lazy = lazy_items(markdown)
    parts = question_lines(markdown)
    if lazy:
        # "43. Group line." with "    26. [E] Question" under it: CommonMark reads the
        # numbered lines as the group's paragraph; the author meant nested questions.
        group_line, pieces = lazy
        context = joined(context, inline_plain(group_line))
        first = item.map[0] if item.map else 0
        for offset, piece, hint in pieces:
            details = source_lines(walk.lines, first + hint[0], first + hint[1]) if hint else ""
            _ask(piece, place, first + 1 + offset, walk, context=context, details=details)
    elif len(parts) > 1:
        # "- Explain Nesterov momentum." with "Q: Why normalise inputs?" right under it: a
        # lazy continuation in CommonMark, two questions to the author.
        for offset, part in parts:
            at = line_of(item) + offset
            outside = offset > 0 and at_margin(item, at, walk.lines)
            _ask(q_line(part) or part, place, at, walk, context="" if outside else context)
    else:
        return False
    for child in nested:
        _items(child, place, context, walk)
    return True


def _a_tip(place: _Place, context: str, bare: str) -> bool:
    """True under a "Tips for…" title, group or group line, or for what sets no task under a
    `Tips:` line ("Explain ROC curves." after the tips asks); a numbered "5. Tips" is a topic."""
    if place.tips and not asks(bare):
        return True
    topic = place.slot.title if place.slot.section.number is None else ""
    titles = (topic, place.group or "", *context.split(" — "))
    return any(tips_title(title) for title in titles)






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
            and not loose_question(section, block)
            and not tips_line(inline_plain(markdown := inline_source(block).strip()))
            and not q_line(markdown)
            and not bold_paragraph(markdown)
            and not answer_line(markdown)
        )
    )
    return "\n\n".join(part for part in parts if part)

