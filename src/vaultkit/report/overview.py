"""The overview of a vault that `vaultkit status` prints and the Progress dashboard opens with.

One place for what both show: the overall rows (`Sources read 37 of 226`), each topic's checks,
and the `status --json` document, all computed from one `Progress`. The CLI only prints them
(with colours); the Progress dashboard renders the same rows as a table. Named "overview"
rather than "status" because a note's `status:` property is another thing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from vaultkit.files.display import shown
from vaultkit.report.progress import Progress, TopicProgress
from vaultkit.vault.notes import Problem

SCHEMA = 1
"""Version of the `status --json` document. Raised when a key changes meaning or goes away;
adding a key keeps it, so a script reads a document of a later vaultkit as before."""

_BAR_WIDTH = 10


@dataclass(frozen=True, slots=True)
class Tally:
    """One overall row: how many of something are done, out of how many."""

    label: str
    """As the row reads: `Sources read`."""
    done: int
    total: int

    @property
    def bar(self) -> str:
        """The row's progress bar: see `bar`."""
        return bar(self.done, self.total)


@dataclass(frozen=True, slots=True)
class Totals:
    """The vault's overall figures, each as the row that shows it."""

    sources_read: Tally
    questions_drafted: Tally
    questions_refined: Tally
    topics_covered: Tally
    """Of the required topics: the study plan."""
    optional_topics_covered: Tally | None
    """None when no topic is optional."""

    @property
    def plan(self) -> tuple[Tally, ...]:
        """The four rows of the plan, in the order `status` prints them."""
        return (self.sources_read, self.questions_drafted, self.questions_refined,
                self.topics_covered)

    @property
    def rows(self) -> tuple[Tally, ...]:
        """Every row, the optional topics' last when there are any: the dashboard's table."""
        optional = self.optional_topics_covered
        return self.plan if optional is None else (*self.plan, optional)


def totals(progress: Progress) -> Totals:
    """The overall rows of a measured vault."""
    sources, questions = len(progress.sources), len(progress.questions)
    optional = progress.optional
    return Totals(
        sources_read=Tally("Sources read", progress.sources_read, sources),
        questions_drafted=Tally("Questions drafted", progress.questions_drafted, questions),
        questions_refined=Tally("Questions refined", progress.questions_refined, questions),
        topics_covered=_covered("Topics covered", progress.required),
        optional_topics_covered=(
            _covered("Optional topics covered", optional) if optional else None
        ),
    )


def _covered(label: str, topics: tuple[TopicProgress, ...]) -> Tally:
    return Tally(label, sum(t.covered for t in topics), len(topics))


def bar(done: int, total: int) -> str:
    """`██████░░░░ 60%`: readable in any editor, on GitHub and on a phone."""
    if total <= 0:
        return "—"
    filled = round(_BAR_WIDTH * done / total)
    return f"{'█' * filled}{'░' * (_BAR_WIDTH - filled)} {round(100 * done / total)}%"


@dataclass(frozen=True, slots=True)
class Check:
    """One of the things a topic needs, as `status` lists it after the topic's name."""

    ok: bool | None
    """None when there is nothing to check (no practitioner source listed, say)."""
    text: str


def topic_checks(topic: TopicProgress) -> tuple[Check, ...]:
    """What covers a topic, each met or not: core, practitioner, summary, refined questions; a
    topic without sources says so in place of core (it cannot be covered)."""
    questions = (f"refined {topic.refined}/{topic.questions_target}" if topic.questions
                 else "no questions")
    return (
        Check(topic.core_ok, "core") if topic.has_sources else Check(None, "no sources listed"),
        Check(topic.practitioner_ok, "practitioner"),
        Check(topic.summary_ok, "summary"),
        Check(topic.questions_ok, questions),
    )


def status_document(
    vault: Path, progress: Progress, problems: Iterable[Problem]
) -> dict[str, object]:
    """The `status --json` document: `schema`, the vault (as given, and absolute with symlinks
    resolved), the totals, every topic and every problem. Every string is printable (see
    `display.shown`)."""
    figures = totals(progress)
    document = {
        "schema": SCHEMA,
        "vault": str(vault),
        # A script that runs elsewhere (or in another cwd) needs the folder without `.` or `..`.
        "vault_absolute": str(vault.resolve()),
        "sources": {
            "total": figures.sources_read.total,
            "read": figures.sources_read.done,
            "by_status": progress.source_status,
        },
        "questions": {
            "total": figures.questions_drafted.total,
            "drafted": figures.questions_drafted.done,
            "refined": figures.questions_refined.done,
            "by_status": progress.question_status,
        },
        "topics_covered": figures.topics_covered.done,
        "topics_required": figures.topics_covered.total,
        "topics": [_topic_document(topic) for topic in progress.topics],
        "problems": [
            {"path": problem.path, "line": problem.line, "message": problem.message}
            for problem in problems
        ],
    }
    return {key: _printable(value) for key, value in document.items()}


def _topic_document(topic: TopicProgress) -> dict[str, object]:
    return {
        "name": topic.hub.name,
        "title": topic.hub.title,
        "path": topic.hub.path,
        "tier": topic.hub.tier,
        "optional": topic.optional,
        "sources": len(topic.sources),
        "read": topic.read,
        "core": {"read": topic.core_read, "total": topic.core_total, "ok": topic.core_ok},
        "practitioner": {
            "read": topic.practitioner_read,
            "total": topic.practitioner_total,
            "ok": topic.practitioner_ok,
        },
        "summary": {"lines": topic.summary_lines, "ok": topic.summary_ok},
        "questions": {
            "total": len(topic.questions),
            "drafted": topic.drafted,
            "refined": topic.refined,
            "target": topic.questions_target,
            "ok": topic.questions_ok,
        },
        "covered": topic.covered,
    }


def _printable(value: object) -> object:
    """The value with every string in it (a path, a title, a key) printable as UTF-8."""
    if isinstance(value, str):
        return shown(value)
    if isinstance(value, dict):
        return {shown(str(key)): _printable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_printable(item) for item in value]
    return value
