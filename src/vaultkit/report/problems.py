"""What `check` and Problems.md report: notes that cannot be read, statuses that disagree with
what the note says, broken links, duplicate ids, notes whose entries left the lists.

Pure: the index (and optionally the ids the lists name) in, a sorted list of Problems out. A problem
in one note never stops the others from being counted; this only says where to look.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable

from vaultkit.config import Settings
from vaultkit.files.display import is_shown_as_is
from vaultkit.model import Kind, ListedIds
from vaultkit.vault.index import VaultIndex
from vaultkit.vault.notes import NoteRecord, Problem

_LINKING_KINDS = {Kind.SOURCE, Kind.QUESTION, Kind.TOPIC, Kind.HOME}


def find_problems(
    index: VaultIndex,
    settings: Settings,
    *,
    listed: ListedIds | None = None,
    dashboards: Iterable[str] = (),
    extra: Iterable[Problem] = (),
) -> list[Problem]:
    """Every problem in the vault, sorted by path and line.

    `dashboards` are the relative paths where vaultkit writes its dashboards: any other note
    with a dashboard's id is a copy kept aside from a hand edit.
    """
    problems: list[Problem] = [*index.failures.values(), *extra]
    for record in index.notes():
        problems.extend(judge_note(record, settings))
    dashboards = set(dashboards)
    problems.extend(_broken_links(index, dashboards))
    problems.extend(_kept_aside(index, dashboards))
    problems.extend(_duplicates(index))
    problems.extend(_badly_named(index))
    if listed is not None:
        problems.extend(_left_the_lists(index, listed, settings))
    unique = dict.fromkeys(problems)
    return sorted(unique, key=lambda p: (p.path, p.line or 0, p.message))


def judge_note(record: NoteRecord, settings: Settings) -> list[Problem]:
    """What is wrong in one note: what reading it found, then its status judged by settings."""
    return [*record.problems, *_status_problems(record, settings),
            *_disagreements(record, settings)]


def _status_problems(record: NoteRecord, settings: Settings) -> list[Problem]:
    """A status missing, or not one the settings allow for the note's kind."""
    allowed = settings.statuses_of(record.kind)
    if not allowed:
        return []
    if record.status is None:
        return [Problem(record.path, None, f"has no `status`; counted as {allowed[0]!r}")]
    if record.status not in allowed:
        return [Problem(record.path, record.status_line,
                        f"status {record.status!r} is not one of: {', '.join(allowed)}")]
    return []


def _disagreements(record: NoteRecord, settings: Settings) -> list[Problem]:
    """Where a note's status and its text tell different stories."""
    line = record.status_line
    if record.kind == Kind.QUESTION:
        status = record.status or settings.question_statuses[0]
        if status not in settings.questions_drafted and record.before_lines:
            return [Problem(record.path, line, f"status is {status!r} but “Answer before reading”"
                            " has text; set `status: drafted`?")]
        if status in settings.questions_refined and not record.after_lines:
            return [Problem(record.path, line, f"status is {status!r} but “Answer after reading”"
                            " is empty")]
    if record.kind == Kind.SOURCE:
        status = record.status or settings.source_statuses[0]
        if status in settings.sources_summarized and not record.summary_lines:
            return [Problem(record.path, line, f"status is {status!r} but the Summary section "
                            "is empty")]
    return []


def _broken_links(index: VaultIndex, dashboards: set[str]) -> list[Problem]:
    # Dashboards count as present even before the build that writes them.
    paths = {*index.records, *index.failures, *index.attachments, *dashboards}
    names = {posixpath.basename(p).casefold() for p in paths}
    names |= {n.removesuffix(".md") for n in names if n.endswith(".md")}

    def resolves(record: NoteRecord, target: str) -> bool:
        if target.casefold() in names:
            return True
        folder = posixpath.dirname(record.path)
        for candidate in (posixpath.normpath(posixpath.join(folder, target)), target):
            for form in (candidate, f"{candidate}.md"):
                if form in paths:
                    return True
        return posixpath.basename(target).casefold() in names

    broken: list[Problem] = []
    for record in index.notes():
        if record.kind not in _LINKING_KINDS:
            continue
        targets = [*record.links]
        targets += [t for t in (record.topic, *record.also_in) if t]
        broken.extend(
            Problem(record.path, None, f"link to “{target}” finds no note")
            for target in dict.fromkeys(targets)
            if not resolves(record, target)
        )
    return broken


def _kept_aside(index: VaultIndex, dashboards: set[str]) -> list[Problem]:
    """Copies of hand-edited dashboards (`Progress (edited).md`), and other dashboard copies."""
    prefixes = tuple(f"{p.removesuffix('.md')} (edited" for p in dashboards)
    return [
        Problem(path, None, "your edits to a generated dashboard, kept aside when vaultkit "
                "rewrote it; copy what you need, then delete this note")
        for path in sorted({*index.records, *index.failures})
        if path not in dashboards and (
            (prefixes and path.startswith(prefixes))
            or (dashboards and path in index.records and index.records[path].kind == Kind.DASHBOARD)
        )
    ]


def _badly_named(index: VaultIndex) -> list[Problem]:
    """Files whose names are not UTF-8: read and counted, but other apps and links stumble."""
    return [
        Problem(path, None, "its file name is not UTF-8 text (shown with \\xNN escapes); "
                "rename it so that links and other apps can find it")
        for path in sorted({*index.records, *index.failures, *index.attachments})
        if not is_shown_as_is(path)
    ]


def _duplicates(index: VaultIndex) -> list[Problem]:
    shared: list[Problem] = []
    for note_id, records in index.by_id().items():
        if len(records) > 1 and records[0].kind != Kind.DASHBOARD:
            for record in records:
                others = ", ".join(r.path for r in records if r is not record)
                shared.append(Problem(record.path, None,
                                      f"id {note_id!r} is also used by {others}"))
    return shared


def _left_the_lists(index: VaultIndex, lists: ListedIds, settings: Settings) -> list[Problem]:
    listed: dict[str, tuple[set[str], str]] = {
        Kind.SOURCE: (set(lists.sources), settings.reading_list),
        Kind.QUESTION: (set(lists.questions), settings.syllabus),
        # A topic comes from either list: its heading may have left one and not the other.
        Kind.TOPIC: (set(lists.topics), f"{settings.reading_list} or {settings.syllabus}"),
    }
    unlisted: list[Problem] = []
    for record in index.notes():
        ids, source = listed.get(record.kind, (None, ""))
        if ids is not None and record.id and record.id not in ids:
            unlisted.append(Problem(record.path, None, f"its entry is no longer in {source}; "
                                    "keep the note, or delete it if you are done with it"))
    return unlisted
