"""What `check` and Problems.md report: notes that cannot be read, statuses that disagree with
what the note says, broken links, duplicate ids, notes whose entries left the lists.

Pure: the index (and optionally the ids the lists name) in, a sorted list of Problems out. A problem
in one note never stops the others from being counted; this only says where to look.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from vaultkit.config import CONFIG_NAME, Settings
from vaultkit.files.display import is_shown_as_is
from vaultkit.model import Kind, ListedIds
from vaultkit.report.panels import missing_embeds, owned_paths
from vaultkit.report.renames import Broken, Links
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
    in_doubt: Mapping[str, str] | None = None,
) -> list[Problem]:
    """Every problem in the vault, sorted by path and line.

    `dashboards` are the relative paths where vaultkit writes its dashboards: any other note
    with a dashboard's id is a copy kept aside from a hand edit. `in_doubt`: the id of a note
    whose entry a new one in the lists may reword (sync held that one back) → where the new
    ones are, e.g. `“…” (Lists/Question syllabus.md, line 12)`.
    """
    problems: list[Problem] = [*index.failures.values(), *extra]
    for record in index.notes():
        problems.extend(judge_note(record, settings))
    dashboards = set(dashboards)
    if dashboards:  # the topic index and panels are vaultkit's pages too, even before a build
        dashboards |= owned_paths(index, settings)
    problems.extend(_broken_links(index, dashboards))
    problems.extend(_other_style(index, settings))
    problems.extend(_kept_aside(index, dashboards))
    problems.extend(_duplicates(index))
    problems.extend(_badly_named(index))
    problems.extend(_without_panels(index, settings))
    if listed is not None:
        problems.extend(_left_the_lists(index, listed, settings, in_doubt or {}))
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
    """Links that find no note: once per renamed or moved note, else once per link."""
    found = Links(index, dashboards)
    broken: list[Broken] = []
    for record in index.notes():
        if record.kind not in _LINKING_KINDS:
            continue
        markdown = set(record.markdown_links)
        targets = [*record.links, *(t for t in (record.topic, *record.also_in) if t)]
        for target in dict.fromkeys(targets):
            link = found.broken(record.path, target, markdown=target in markdown)
            if link is not None:
                broken.append(link)
    return _grouped(broken)


def _grouped(broken: list[Broken]) -> list[Problem]:
    """One problem per note renamed or moved (naming how many notes link to its old name),
    one per note that moved away from its links, and one per link that finds nothing."""
    to_note: dict[str, list[Broken]] = defaultdict(list)
    from_note: dict[str, list[Broken]] = defaultdict(list)
    problems: list[Problem] = []
    for link in broken:
        if link.cause in ("renamed", "moved") and link.note is not None:
            to_note[link.note].append(link)
        elif link.cause == "origin moved":
            from_note[link.origin].append(link)
        elif link.cause == "ambiguous":
            could = " or ".join(link.candidates)
            problems.append(Problem(link.origin, None, f"link to “{link.target}” finds no note; "
                                    f"it could be {could}, so `vaultkit relink` leaves it: "
                                    "link the one you mean by hand"))
        else:
            problems.append(Problem(link.origin, None, f"link to “{link.target}” finds no note"))
    for note, links in to_note.items():
        first = min(links, key=lambda b: (b.old_name, b.origin))
        notes = len({b.origin for b in links})
        cause = "renamed" if all(b.cause == "renamed" for b in links) else "moved"
        old = first.old_name if cause == "renamed" else first.target
        problems.append(Problem(note, None, f"was {cause} (links to “{old}” in "
                                f"{_count(notes, 'note')}); `vaultkit relink` repairs them"))
    for origin, links in from_note.items():
        example = min(b.target for b in links)
        verb = "points" if len(links) == 1 else "point"
        problems.append(Problem(origin, None, f"was moved: {_count(len(links), 'relative link')} "
                                f"in it still {verb} from its old folder (“{example}”); "
                                "`vaultkit relink` repairs them"))
    return problems


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _other_style(index: VaultIndex, settings: Settings) -> list[Problem]:
    """One problem when notes vaultkit made link in the style `vaultkit.toml` does not ask for.

    One, not one per note: a switch of style leaves every note behind at once, one command
    converts them all, and 170 rows would bury every other problem; `relink --dry-run` lists
    each note it would change.
    """
    wiki = settings.links == "wiki"
    behind = sorted(
        record.path for record in index.notes()
        if record.kind in _LINKING_KINDS and (record.markdown_links if wiki else record.wikilinks)
    )
    if not behind:
        return []
    other = "Markdown links ([x](x.md))" if wiki else "wikilinks ([[x]])"
    examples = ", ".join(behind[:2]) + (f" and {len(behind) - 2} more" if len(behind) > 2 else "")
    return [Problem(CONFIG_NAME, None,
                    f"links = \"{settings.links}\", but {_count(len(behind), 'note')} vaultkit "
                    f"made still use {other}: {examples}; `vaultkit relink --links "
                    f"{settings.links}` converts them (add --dry-run to see each change first)")]


def _kept_aside(index: VaultIndex, dashboards: set[str]) -> list[Problem]:
    """Copies of hand-edited dashboards (`Progress (edited).md`), and other dashboard copies."""
    prefixes = tuple(f"{p.removesuffix('.md')} (edited" for p in dashboards)
    return [
        Problem(path, None, "your edits to a generated dashboard, kept aside when vaultkit "
                "rewrote it; copy what you need, then delete this note")
        for path in sorted({*index.records, *index.failures})
        if path not in dashboards and (
            # Each prefix ends in " (edited": tried first, 10,000 paths × 400 prefixes is not.
            (prefixes and " (edited" in path and path.startswith(prefixes))
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


def _left_the_lists(
    index: VaultIndex, lists: ListedIds, settings: Settings, in_doubt: Mapping[str, str]
) -> list[Problem]:
    listed: dict[str, tuple[set[str], str]] = {
        Kind.SOURCE: (set(lists.sources), settings.reading_list),
        Kind.QUESTION: (set(lists.questions), settings.syllabus),
        # A topic comes from either list: its heading may have left one and not the other.
        Kind.TOPIC: (set(lists.topics), f"{settings.reading_list} or {settings.syllabus}"),
    }
    unlisted: list[Problem] = []
    for record in index.notes():
        ids, source = listed.get(record.kind, (None, ""))
        if ids is None or not record.id or record.id in ids:
            continue
        if record.id in in_doubt:  # not gone: the list may have reworded it
            unlisted.append(Problem(record.path, None, "its entry is in doubt, not gone: "
                                    f"{in_doubt[record.id]} may reword it, so sync made no note "
                                    "for that yet (the problem on that line says how to settle "
                                    "it)"))
        else:
            unlisted.append(Problem(record.path, None, f"its entry is no longer in {source}; "
                                    "keep the note, or delete it if you are done with it"))
    return unlisted


def _without_panels(index: VaultIndex, settings: Settings) -> list[Problem]:
    """Hubs that embed no panel, and a Home that embeds no topic index: notes made before
    vaultkit had them, which it never edits. Each says the one line to paste."""
    problems: list[Problem] = []
    for record, line in missing_embeds(index, settings):
        if record.kind == Kind.HOME:
            what = ("shows no topic index, so topics added to your lists later are not listed "
                    "here; paste this line under its Topics heading")
        else:
            what = ("shows no panel of its topic, so its sources and questions show no status "
                    "and new ones are not listed; paste this line where you want them")
        problems.append(Problem(record.path, None, f"{what}: {line}"))
    return problems
