"""Question lists of real-world shapes: what a user who imports one expects to find.

The golden files (`fixtures/lists/syllabus-<shape>.expected.json`) pin every field; these tests
name the promises: which lines are questions, topics and groups, and which are skipped and why.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.conftest import RunCli
from vaultkit.lists import parse_syllabus
from vaultkit.model import Syllabus

FIXTURES = Path(__file__).parent / "fixtures" / "lists"


def fixture(shape: str) -> Syllabus:
    return parse_syllabus((FIXTURES / f"syllabus-{shape}.md").read_text(encoding="utf-8"))


def texts(syllabus: Syllabus) -> list[str]:
    return [q.text for q in syllabus.questions]


def warned(syllabus: Syllabus) -> dict[int, str]:
    return {w.line: w.message for w in syllabus.warnings}


@pytest.mark.parametrize(
    ("shape", "questions", "topics", "groups"),
    [
        ("bullets", 8, ["Optimization", "Architectures"], []),
        ("bank", 9, ["Supervised Learning", "Unsupervised Learning"],
         ["Linear models", "Trees and ensembles", "Clustering", "Dimensionality reduction"]),
        ("chapter", 10, ["Basics", "Optimizers"], []),
        ("blocks", 4, ["Statistics", "Probability"], []),
    ],
)
def test_each_shape_finds_its_questions_topics_and_groups(
    shape: str, questions: int, topics: list[str], groups: list[str]
) -> None:
    """A document title, a table of contents and a tips section are no topics; `###` headings
    under a numbered section are groups within it."""
    syllabus = fixture(shape)
    assert len(syllabus.questions) == questions
    assert [t.title for t in syllabus.topics] == topics
    assert list(dict.fromkeys(q.group for q in syllabus.questions if q.group)) == groups


def test_emoji_and_bold_headings_give_plain_titles() -> None:
    """`## 🏗️ Architectures` and `## 1. **Supervised Learning**` name their topics plainly; a
    table of contents is not guidance either (its `#anchor` links would be dead on Home)."""
    assert [t.title for t in fixture("bullets").topics] == ["Optimization", "Architectures"]
    bank = fixture("bank")
    assert [(t.number, t.title) for t in bank.topics] == [
        ("1", "Supervised Learning"), ("2", "Unsupervised Learning"),
    ]
    assert [g.title for g in bank.guidance] == [
        "Machine Learning Question Bank", "Practical Tips",
    ]


def test_lazy_numbered_items_are_nested_questions_under_their_group_line() -> None:
    """`45. Momentum.` then `    46. [E] …`: the numbered lines are questions with the group
    line as context; the group line is never a question itself."""
    chapter = fixture("chapter")
    nested = [(q.context, q.difficulty, q.line) for q in chapter.questions if q.context]
    assert nested == [
        ("Batch size.", "E", 10), ("Batch size.", "M", 11),
        ("Momentum.", "E", 21), ("Momentum.", "M", 22),
        ("Adaptive methods.", "E", 25), ("Adaptive methods.", "H", 26),
    ]
    assert "Why can Nesterov momentum converge faster than classical momentum?" in texts(chapter)
    assert not {"Momentum.", "Adaptive methods.", "Batch size."} & set(texts(chapter))


def test_tasks_are_questions_and_advice_is_skipped_with_a_reason() -> None:
    """"Implement … from scratch." is a question; "Focus on understanding…" and "Tip: …" are
    advice, and a bare link is no question: each skipped line says why."""
    bullets = fixture("bullets")
    assert "Implement gradient descent with momentum from scratch." in texts(bullets)
    assert "Design a CNN for 28×28 digit images with under 100k parameters." in texts(bullets)
    assert warned(bullets) == {
        16: "study advice, not a question",
        18: "only a link, not a question",
        25: "study advice, not a question",
    }
    assert [g.title for g in bullets.guidance][-1] == "Study strategy"


def test_links_after_a_tip_box_are_not_questions() -> None:
    """A tip box whose link list falls out of the quote (no `>`) gives warnings, no questions."""
    chapter = fixture("chapter")
    assert warned(chapter) == {15: "only a link, not a question", 16: "only a link, not a question"}
    assert not [q for q in chapter.questions if "example.com" in q.markdown]


def test_bold_paragraphs_q_lines_and_question_headings_are_questions() -> None:
    """`**Bold question?**`, `Q: …` (its `A:` line kept as details) and `## Question 3` + text
    are read; a bold label that asks nothing is skipped with a warning."""
    bank = fixture("bank")
    assert [q.text for q in bank.questions if q.group == "Trees and ensembles"] == [
        "Why do random forests overfit less than a single deep tree?",
        "Explain gradient boosting to a product manager.",
        "What is the role of the learning rate in boosting?",
    ]
    assert warned(bank) == {30: "bold line is not a question"}
    blocks = fixture("blocks")
    assert [(q.topic_key, q.difficulty, q.line) for q in blocks.questions] == [
        ("statistics", None, 5), ("statistics", "M", 11),
        ("probability", "H", 17), ("probability", None, 21),
    ]
    assert warned(blocks) == {
        7: "text under a question (an answer?); not imported",
        23: "question heading with no question",
    }


@pytest.mark.parametrize(
    ("line", "difficulty"),
    [
        ("- [E] What is a gradient?", "E"),
        ("- [m] What is a gradient?", "M"),
        ("- [Hard] What is a gradient?", "H"),
        ("- What is a gradient? (easy)", "E"),
        ("- (Medium) What is a gradient?", "M"),
        ("- What is a gradient? ⭐⭐⭐", "H"),
        ("- ⭐ What is a gradient?", "E"),
        ("- What is a gradient?", None),
    ],
)
def test_difficulty_tags_are_kept_in_one_vocabulary(line: str, difficulty: str | None) -> None:
    """Every way of tagging difficulty is kept as `E`, `M` or `H`, and leaves the text clean."""
    syllabus = parse_syllabus(f"# Calculus\n\n{line}\n")
    assert [(q.text, q.difficulty) for q in syllabus.questions] == [
        ("What is a gradient?", difficulty),
    ]


def test_init_writes_group_difficulty_and_emoji_as_written(
    tmp_path: Path, run_cli: RunCli
) -> None:
    """Through `vaultkit init`, a question note carries its group and difficulty, the topic's
    panel (which the hub embeds) lists questions under their `###` groups, and an emoji is
    written as the character."""
    questions = tmp_path / "questions.md"
    questions.write_text(
        "# 1. Transformers\n\n### Tokens 🤗\n\n- [M] Why does 🤗 Tokenizers pad on the left?\n",
        encoding="utf-8",
    )
    vault = tmp_path / "vault"
    result = run_cli("init", vault, "--questions", questions)
    assert result.exit_code == 0, result.output
    [note] = (vault / "Questions").rglob("*.md")
    text = note.read_text(encoding="utf-8")
    assert "title: Why does 🤗 Tokenizers pad on the left?\n" in text
    properties = yaml.safe_load(text.split("---\n")[1])
    assert (properties["difficulty"], properties["group"]) == ("M", "Tokens")
    hub = (vault / "Topics" / "1 Transformers.md").read_text(encoding="utf-8")
    assert "\n![[Dashboards/Topics/transformers]]\n" in hub
    panel = (vault / "Dashboards" / "Topics" / "transformers.md").read_text(encoding="utf-8")
    assert "\n### Tokens\n\n- ○ [[" in panel


def test_advice_words_inside_a_title_name_a_topic(tmp_path: Path, run_cli: RunCli) -> None:
    """"Search strategies in planning", "3. Sampling strategies" and "References in the reward
    model" are topics; "Tips and tricks" holding a question is one too; only "Final tips", all
    advice, is guidance. Advice inside a question section is a skipped line the dry-run shows."""
    syllabus = fixture("advice-words")
    assert [(t.number, t.title) for t in syllabus.topics] == [
        (None, "Search strategies in planning"), ("3", "Sampling strategies"),
        (None, "References in the reward model"), (None, "Tips and tricks"),
    ]
    assert len(syllabus.questions) == 5
    assert [g.title for g in syllabus.guidance] == [
        "Reinforcement learning questions", "Final tips",
    ]
    assert warned(syllabus) == {17: "study advice, not a question"}
    source = FIXTURES / "syllabus-advice-words.md"
    result = run_cli("init", tmp_path / "vault", "--questions", source, "--dry-run", "--verbose")
    assert result.exit_code == 0, result.output
    assert "line 17: study advice, not a question" in result.output


@pytest.mark.parametrize(
    ("heading", "item", "found"),
    [
        ("## 5. Tips", "- Draw the graph first.", ("topic", "Tips")),
        ("## 📈 Study tips", "- Draw the graph first.", ("guidance", "Study tips")),
        ("## Interview strategy", "- Say it out loud.", ("guidance", "Interview strategy")),
        ("## Further reading", "- Read the survey.", ("guidance", "Further reading")),
        ("## Study tips", "- Why do residuals help?", ("topic", "Study tips")),
        ("## Tips", "- [M] Explain dropout.", ("topic", "Tips")),
        ("## Resources", "- Q: What is a KL divergence?", ("topic", "Resources")),
        ("## Exploration strategies in RL", "- Compare UCB and Thompson sampling.",
         ("topic", "Exploration strategies in RL")),
    ],
)
def test_guidance_is_an_unnumbered_advice_title_over_no_questions(
    heading: str, item: str, found: tuple[str, str]
) -> None:
    """A numbered heading is never guidance; an unnumbered one only when its whole title is
    advice and no item under it reads as a question (`?`, `Q:` or a difficulty tag)."""
    syllabus = parse_syllabus(f"## 1. Calculus\n\n- What is a gradient?\n\n{heading}\n\n{item}\n")
    topics = [t.title for t in syllabus.topics][1:]
    guidance = [g.title for g in syllabus.guidance]
    expected = ([found[1]], []) if found[0] == "topic" else ([], [found[1]])
    assert (topics, guidance) == expected


def test_a_hint_under_a_lazily_continued_question_is_its_details() -> None:
    """`    33. [M] Question?` then `        * Hint: …`, both run on into the group line's
    paragraph: the question's title stops at the hint, which is kept as its details."""
    lazy = fixture("lazy-groups")
    [question] = [q for q in lazy.questions if q.line == 6]
    assert question.text == "Why does inverted dropout rescale during training?"
    assert question.details == "* Hint: compare the expected activation at train and test time."
    assert (question.context, question.difficulty) == ("Dropout.", "M")


def test_a_group_line_over_shallowly_indented_items_is_context() -> None:
    """`35. Data augmentation.` then `   36. [M] …`: indented too little to nest in CommonMark,
    the items are still under the group line, which is context and never a question."""
    lazy = fixture("lazy-groups")
    assert [(q.line, q.context) for q in lazy.questions if q.line >= 10] == [
        (10, "Data augmentation."), (11, "Data augmentation."), (12, ""), (14, "Norm penalties"),
    ]
    assert not {"Data augmentation.", "Norm penalties", "Dropout."} & set(texts(lazy))
    assert len(lazy.questions) == 8


def test_question_blocks_belong_to_the_section_above_them() -> None:
    """`## Linear algebra` then `## Question 1` blocks at the same level: the questions are in
    Linear algebra, and the document's title becomes no topic."""
    blocks = fixture("sections-blocks")
    assert [t.title for t in blocks.topics] == ["Linear algebra", "Calibration", "Experiments"]
    assert [(q.topic_key, q.difficulty) for q in blocks.questions] == [
        ("linear-algebra", "E"), ("linear-algebra", "H"), ("calibration", None),
        ("experiments", "M"),
    ]


def test_heading_decoration_is_dropped_and_inner_emoji_kept() -> None:
    """A leading or trailing emoji and bold are decoration around a topic's name; an emoji
    between its words is part of it."""
    syllabus = parse_syllabus(
        "## Statistics 📊\n\n- What is a p-value?\n\n## 🧪 **Experiments**\n\n- Why A/B test?\n\n"
        "## 🤗 Tokenizers and 🤗 Hub\n\n- What is BPE?\n"
    )
    assert [t.title for t in syllabus.topics] == [
        "Statistics", "Experiments", "Tokenizers and 🤗 Hub",
    ]


def questions_of(text: str) -> list[tuple[str, str, str]]:
    """(text, context, details) of each question the list gives."""
    return [(q.text, q.context, q.details) for q in parse_syllabus(text).questions]


def test_a_bold_question_keeps_its_second_line_as_details() -> None:
    """`**What is precision?**` with a line right under it is a question, not prose."""
    found = questions_of(
        "## Evaluation\n\n**What is precision?**\nThink about false positives.\n\n"
        "**What is recall?** (easy)\n"
    )
    assert found == [
        ("What is precision?", "", "Think about false positives."),
        ("What is recall?", "", ""),
    ]


def test_nothing_after_a_question_block_vanishes() -> None:
    """A bullet under a `## Question 2` block is one more question of the topic above."""
    syllabus = parse_syllabus(
        "## Evaluation\n\n- What is precision?\n\n## Question 2\n\n**What is recall?**\n\n"
        "- What is a validation set?\n"
    )
    assert texts(syllabus) == [
        "What is precision?", "What is recall?", "What is a validation set?",
    ]
    assert [t.title for t in syllabus.topics] == ["Evaluation"]


def test_a_task_over_deeper_items_is_the_question_and_they_its_details() -> None:
    """`Define F1.` under a group line, with a sub-item and a hint under it: the task is the
    question, never the hint."""
    found = questions_of(
        "## Metrics\n\n1. Metrics\n   - Define F1.\n      - Sub: derive it from precision and"
        " recall.\n         - Hint: harmonic mean.\n"
    )
    assert found == [(
        "Define F1.", "Metrics",
        "- Sub: derive it from precision and recall.\n   - Hint: harmonic mean.",
    )]


def test_a_q_line_right_under_a_bullet_is_a_question_of_its_own() -> None:
    """CommonMark glues `Q: …` onto the bullet above it (a lazy continuation)."""
    found = questions_of(
        "## Optimization\n\n- Explain Nesterov momentum.\nQ: Why normalise inputs?\n"
    )
    assert [text for text, _, _ in found] == ["Explain Nesterov momentum.", "Why normalise inputs?"]


def test_tips_under_a_tips_title_or_group_line_are_no_questions() -> None:
    """Advice under "Tips for…" or a `Tips:` group line is skipped with a reason; the real
    questions there stay questions."""
    syllabus = parse_syllabus(
        "## Tips for the interview\n\n- What is a confusion matrix?\n- Why does F1 ignore true"
        " negatives?\n- Draw the matrix first.\n\n## Metrics\n\n- Tips:\n  - Draw the curve"
        " before you compute.\n  - What is AUC?\n"
    )
    assert texts(syllabus) == [
        "What is a confusion matrix?", "Why does F1 ignore true negatives?", "What is AUC?",
    ]
    assert warned(syllabus) == {5: "a tip under a tips heading", 10: "a tip under a tips heading"}


def test_a_how_to_section_of_mostly_advice_is_guidance_with_every_line() -> None:
    """One question among the advice does not make "How to use this list" a topic."""
    syllabus = parse_syllabus(
        "## Evaluation\n\n- What is recall?\n\n## How to use this list\n\n- Go through one topic"
        " a day.\n- Say the answer out loud.\n- Is it fine to skip a topic?\n"
    )
    assert texts(syllabus) == ["What is recall?"]
    [guidance] = syllabus.guidance
    assert guidance.title == "How to use this list"
    assert "- Say the answer out loud." in guidance.markdown
    assert "- Is it fine to skip a topic?" in guidance.markdown


def test_a_checkbox_is_no_part_of_the_title() -> None:
    """`- [ ] What is…?` / `- [x] Explain…`: the box is the reader's progress."""
    syllabus = parse_syllabus(
        "## Evaluation\n\n- [ ] What is precision?\n- [x] Explain ROC curves.\n"
    )
    assert texts(syllabus) == ["What is precision?", "Explain ROC curves."]
    assert [q.markdown for q in syllabus.questions] == texts(syllabus)


def test_a_bold_q_line_is_plain_and_its_answer_is_kept_as_details() -> None:
    """`**Q1. What is precision?**` has no stray `**`; `A:`/`Answer:` lines are details."""
    found = questions_of(
        "## Evaluation\n\n**Q1. What is precision?**\nA: TP over TP plus FP.\n\n"
        "Q: What is recall?\n\nAnswer: TP over TP plus FN.\n"
    )
    assert found == [
        ("What is precision?", "", "A: TP over TP plus FP."),
        ("What is recall?", "", "Answer: TP over TP plus FN."),
    ]


def test_consecutive_q_lines_are_one_question_each() -> None:
    """`Q:` lines with no blank line between them are two questions, not one garbled one."""
    found = questions_of(
        "## Optimisation\n\nQ: What is backprop?\nQ: What is vanishing gradient?\n"
    )
    assert found == [("What is backprop?", "", ""), ("What is vanishing gradient?", "", "")]


def test_a_q_and_a_transcript_keeps_each_answer_with_its_question() -> None:
    """A `Q:` line always starts a new question; the `A:` line under it is its details."""
    found = questions_of(
        "## Optimisation\n\nQ: Walk me through backprop.\nA: Chain rule applied layer by layer."
        "\nQ: What is vanishing gradient?\nA: Gradients shrink as they flow back.\n"
    )
    assert found == [
        ("Walk me through backprop.", "", "A: Chain rule applied layer by layer."),
        ("What is vanishing gradient?", "", "A: Gradients shrink as they flow back."),
    ]


def test_bold_questions_on_adjacent_lines_are_two_questions() -> None:
    """A line that is itself a question never becomes another's details."""
    found = questions_of(
        "## Optimisation\n\n**What is a saddle point?**\n**Why is the loss surface non-convex?**\n"
    )
    assert found == [
        ("What is a saddle point?", "", ""), ("Why is the loss surface non-convex?", "", ""),
    ]


def test_a_task_over_sub_questions_is_their_group_line() -> None:
    """"Explain the following concepts:" over questions gives them context; a task is one
    question with its sub-items as details only when they are no questions themselves."""
    found = questions_of(
        "## Optimisation\n\n- Explain the following concepts:\n  - What is momentum?\n"
        "  - What is Nesterov?\n- Define F1.\n  - derive it from precision and recall\n"
    )
    assert found == [
        ("What is momentum?", "Explain the following concepts:", ""),
        ("What is Nesterov?", "Explain the following concepts:", ""),
        ("Define F1.", "", "- derive it from precision and recall"),
    ]


def test_a_tips_line_over_a_list_makes_its_advice_no_questions() -> None:
    """`Tips:` over a list: what does not ask there is a tip, skipped with a reason."""
    syllabus = parse_syllabus(
        "## 2. Evaluation\n\nTips:\n- Use stratified splits.\n- Why is stratification important?\n"
    )
    assert texts(syllabus) == ["Why is stratification important?"]
    assert warned(syllabus) == {4: "a tip under a tips heading"}


def test_a_task_paragraph_after_a_question_list_is_a_question() -> None:
    """A paragraph that sets a task or asks, after the section's questions, is one more."""
    syllabus = parse_syllabus(
        "## Regularisation\n\nWhy these matter in practice.\n\n- What is dropout?\n"
        "- Why does weight decay help?\n\n"
        "Explain the difference between L1 and L2 regularisation.\n"
    )
    assert texts(syllabus) == [
        "What is dropout?", "Why does weight decay help?",
        "Explain the difference between L1 and L2 regularisation.",
    ]
    assert syllabus.questions[-1].line == 8
    assert [t.intro for t in syllabus.topics] == ["Why these matter in practice."]


def test_a_task_in_the_list_under_a_tips_line_is_still_a_question() -> None:
    """The `Tips:` line heads advice, not every task of the list that runs on after it."""
    syllabus = parse_syllabus(
        "## 2. Evaluation\n\nTips:\n- Use stratified splits.\n\n- [x] Explain ROC curves.\n"
    )
    assert texts(syllabus) == ["Explain ROC curves."]


def test_bold_questions_at_the_margin_after_a_nested_list_have_no_group_line() -> None:
    """CommonMark runs them on into the last nested item; the author put them outside it."""
    found = questions_of(
        "## Optimisation\n1. Explain the following concepts:\n   1. What is momentum?\n"
        "**What is a saddle point?**\n"
    )
    assert found == [
        ("What is momentum?", "Explain the following concepts:", ""),
        ("What is a saddle point?", "", ""),
    ]
