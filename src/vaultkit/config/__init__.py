"""`vaultkit.toml` ↔ `Settings`: the vault's folders, statuses, link style and study targets.

The file is written once by `init` (from a commented template) and belongs to the user after
that; reading it validates every value so later code can trust `Settings`. Its text is turned
into a TOML document by `toml.parse`, which refuses what would hang or crash tomllib.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from pathlib import Path, PurePosixPath
from typing import Literal, cast

from vaultkit.config.toml import parse as parse
from vaultkit.errors import ConfigError
from vaultkit.files.reads import NotRegularError, TooLargeError, read_file
from vaultkit.model import Dashboard, Kind, short_hash, slug

CONFIG_NAME = "vaultkit.toml"
LIMIT_BYTES = 1 << 20
"""Bytes of `vaultkit.toml` we read at most: the file init writes is ~2 KiB."""

LinkStyle = Literal["wiki", "markdown"]
LINK_STYLES: tuple[LinkStyle, ...] = ("wiki", "markdown")
# Status groups with meaning for the dashboards, and the status list each must come from.
_STATUS_GROUPS = {
    "sources_reading": "sources",
    "sources_read": "sources",
    "sources_summarized": "sources",
    "questions_drafted": "questions",
    "questions_refined": "questions",
}


@dataclass(frozen=True, slots=True)
class Folders:
    """Where each kind of note lives, relative to the vault root."""

    sources: str = "Sources"
    questions: str = "Questions"
    topics: str = "Topics"
    dashboards: str = "Dashboards"


@dataclass(frozen=True, slots=True)
class Targets:
    """The study method's numbers, per topic."""

    core_sources: int = 1
    """Core sources to read."""
    practitioner_sources: int = 1
    """Practitioner sources to cross-check with."""
    summary_min_lines: int = 5
    summary_max_lines: int = 10
    questions_min: int = 3
    """Questions to answer before reading and refine after."""
    questions_max: int = 5


@dataclass(frozen=True, slots=True)
class TopicMapping:
    """One line of `[topics]`: a question-list section joined to a reading-list topic by hand."""

    section: str
    """The section's title as the question list writes it (its number may lead)."""
    topic: str
    """The reading-list topic's title."""
    line: int
    """The line of `vaultkit.toml` that says so (that of `[topics]` when it cannot be told)."""


@dataclass(frozen=True, slots=True)
class Settings:
    folders: Folders = field(default_factory=Folders)
    links: LinkStyle = "wiki"
    """`wiki` writes `[[Note]]`; `markdown` writes relative `[Note](../Sources/Note.md)`."""
    source_statuses: tuple[str, ...] = ("unread", "reading", "read", "summarized", "skipped")
    """Allowed `status:` values of sources, in study order; the first is a new note's."""
    question_statuses: tuple[str, ...] = ("unanswered", "drafted", "refined")
    sources_reading: tuple[str, ...] = ("reading",)
    """Statuses of sources being read now: the reading queue's first section."""
    sources_read: tuple[str, ...] = ("read", "summarized")
    """Statuses that count a source as read."""
    sources_summarized: tuple[str, ...] = ("summarized",)
    """Statuses that promise a written summary in the note."""
    questions_drafted: tuple[str, ...] = ("drafted", "refined")
    """Statuses that count a question as answered before reading."""
    questions_refined: tuple[str, ...] = ("refined",)
    """Statuses that count a question's answer as refined after reading."""
    targets: Targets = field(default_factory=Targets)
    reading_list: str = "Lists/Reading list.md"
    """The reading list inside the vault that `sync` reads."""
    syllabus: str = "Lists/Question syllabus.md"
    topics: tuple[TopicMapping, ...] = ()
    """`[topics]`: question-list sections joined to reading-list topics by hand; these win
    over the joins `lists.joins.combine` guesses."""

    def statuses_of(self, kind: str) -> tuple[str, ...]:
        """The `status:` values allowed in notes of this kind; none for kinds without one."""
        if kind == Kind.SOURCE:
            return self.source_statuses
        if kind == Kind.QUESTION:
            return self.question_statuses
        return ()

    def dashboard_paths(self) -> dict[Dashboard, str]:
        """Each dashboard's path relative to the vault, in Home's order."""
        return {board: f"{self.folders.dashboards}/{board.stem}.md" for board in Dashboard}

    def topic_index_path(self) -> str:
        """The generated topic index (every topic with its coverage) that Home embeds."""
        return f"{self.folders.dashboards}/{TOPIC_INDEX_STEM}.md"

    def panels_folder(self) -> str:
        """The folder of the generated topic panels, one per topic."""
        return f"{self.folders.dashboards}/{PANELS_FOLDER}"

    def panel_path(self, topic_key: str) -> str:
        """The path of a topic's generated panel, which its hub and questions embed.

        Named from the topic's stable key (its hub's id without `t-`), never from the hub's
        file name, which the user may change: an embed written at init keeps working.
        """
        return f"{self.panels_folder()}/{panel_name(topic_key)}.md"


TOPIC_INDEX_STEM = "Topic index"
PANELS_FOLDER = "Topics"
_PANEL_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_PANEL_NAME_CHARS = 80
_RESERVED_NAME = re.compile(r"(con|prn|aux|nul|com\d|lpt\d)", re.IGNORECASE)


def panel_name(topic_key: str) -> str:
    """A panel's file name (no `.md`) from a topic key: the key itself when it is a short slug,
    as vaultkit makes them; else a slug of it and a hash, so a hand-written id (`../x`, `CON`)
    is never a path or a name Windows refuses, and two keys never share a name."""
    if (len(topic_key) <= _PANEL_NAME_CHARS and _PANEL_NAME.fullmatch(topic_key)
            and not _RESERVED_NAME.fullmatch(topic_key)):
        return topic_key
    return f"{slug(topic_key)[:_PANEL_NAME_CHARS - 11].rstrip('-')}-{short_hash(topic_key)}"


def load(vault: Path) -> Settings:
    """The vault's settings; the defaults when it has no `vaultkit.toml`."""
    path = vault / CONFIG_NAME
    try:
        text = read_file(path, LIMIT_BYTES).decode("utf-8-sig")
    except FileNotFoundError:
        return Settings()
    except (NotRegularError, TooLargeError) as exc:
        raise ConfigError(path, str(exc.strerror)) from None
    except OSError as exc:
        raise ConfigError(path, f"cannot be read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(path, f"is not UTF-8 text: {exc.reason}") from None
    return from_dict(parse(text, path), path, text)


def from_dict(data: dict[str, object], path: Path, text: str = "") -> Settings:
    """Validate parsed TOML; unknown keys are errors so a typo never passes silently. `text`,
    the file's text, tells the lines of `[topics]` entries."""
    _only(data, {"folders", "links", "statuses", "targets", "lists", "topics"}, path, "")
    folders = _table(data, "folders", path)
    _only(folders, {f.name for f in fields(Folders)}, path, "folders.")
    statuses = _table(data, "statuses", path)
    _only(statuses, set(_STATUS_GROUPS) | {"sources", "questions"}, path, "statuses.")
    targets = _table(data, "targets", path)
    _only(targets, {f.name for f in fields(Targets)}, path, "targets.")
    lists = _table(data, "lists", path)
    _only(lists, {"reading_list", "syllabus"}, path, "lists.")

    default = Settings()
    links = data.get("links", default.links)
    if links not in LINK_STYLES:
        raise ConfigError(path, f"links = {links!r}: expected one of {', '.join(LINK_STYLES)}")
    source_statuses = _statuses(statuses, "sources", default.source_statuses, path)
    question_statuses = _statuses(statuses, "questions", default.question_statuses, path)
    allowed = {"sources": source_statuses, "questions": question_statuses}
    groups = {
        key: _subset(statuses, key, getattr(default, key), allowed[of], path)
        for key, of in _STATUS_GROUPS.items()
    }
    return _apart(Settings(
        folders=Folders(**{
            f.name: _folder(folders.get(f.name, getattr(default.folders, f.name)), path,
                            f"folders.{f.name}")
            for f in fields(Folders)
        }),
        links=links,
        source_statuses=source_statuses,
        question_statuses=question_statuses,
        sources_reading=groups["sources_reading"],
        sources_read=groups["sources_read"],
        sources_summarized=groups["sources_summarized"],
        questions_drafted=groups["questions_drafted"],
        questions_refined=groups["questions_refined"],
        targets=Targets(**{
            f.name: _count(targets.get(f.name, getattr(default.targets, f.name)), path,
                           f"targets.{f.name}")
            for f in fields(Targets)
        }),
        reading_list=_folder(lists.get("reading_list", default.reading_list), path,
                             "lists.reading_list"),
        syllabus=_folder(lists.get("syllabus", default.syllabus), path, "lists.syllabus"),
        topics=_topics(_table(data, "topics", path), path, text),
    ), path, text)


def _apart(settings: Settings, path: Path, text: str) -> Settings:
    """The settings, once the dashboards folder is known to be apart from the user's folders.

    vaultkit writes its pages there, and owns every page in the panels folder inside it (hubs
    there were taken for hand-edited panels and copied aside as `(edited)`); `watch` does not
    look inside it. So it may not be, hold or lie in a folder of notes (a notes folder's
    subfolders hold notes too: questions are made in them), nor hold a list. The root holds
    every folder: notes and lists may be there, the dashboards may not.
    """
    dashboards = settings.folders.dashboards
    at = _line(text, "folders.dashboards")
    if dashboards == ".":
        raise ConfigError(path, 'folders.dashboards = "." would put vaultkit\'s pages among your '
                          'notes; give them a folder of their own, such as "Dashboards"', at)
    # (key, its value, the folder it names): a list names a file, which lies in its folder.
    theirs = [(f"folders.{n}", getattr(settings.folders, n), getattr(settings.folders, n))
              for n in _NOTE_FOLDERS]
    theirs += [(f"lists.{n}", getattr(settings, n),
                PurePosixPath(getattr(settings, n)).parent.as_posix()) for n in _LISTS]
    for key, value, folder in theirs:
        how = _overlap(dashboards, folder)
        if key.startswith("lists."):  # a file: beside the dashboards folder, or above, is apart
            how = None if how in (None, "lies in") else "holds"
        if how is not None:
            raise ConfigError(
                path, f'folders.dashboards = "{dashboards}" {how} {key} ("{value}"): vaultkit '
                f'writes its pages in the dashboards folder (its topic panels in "{dashboards}/'
                f'{PANELS_FOLDER}") and `vaultkit watch` does not look inside it; keep the two '
                f'apart, as the defaults do: folders.dashboards = "{Folders().dashboards}", '
                f'{key} = "{_default(key)}"',
                at or _line(text, key),
            )
    return settings


_NOTE_FOLDERS = ("sources", "questions", "topics")
_LISTS = ("reading_list", "syllabus")


def _overlap(ours: str, theirs: str) -> str | None:
    """How the folder `ours` stands to `theirs`: it "is the folder of" it, "holds" it, or
    "lies in" it; None when they are apart. Case is ignored (macOS, Windows and Obsidian's
    links ignore it). The root, ".", holds nothing here: no folder's path starts with "./"."""
    a, b = ours.casefold(), theirs.casefold()
    if a == b:
        return "is the folder of"
    if b.startswith(f"{a}/"):
        return "holds"
    if a.startswith(f"{b}/"):
        return "lies in"
    return None


def _default(key: str) -> str:
    table, name = key.split(".")
    return str(getattr(Folders() if table == "folders" else Settings(), name))


def _line(text: str, key: str) -> int | None:
    """The line of `table.name = …` under `[table]` in the file, if it can be told."""
    table, name = key.split(".")
    return _key_line(text, _header_line(text, table), name)


def _topics(table: dict[str, object], path: Path, text: str) -> tuple[TopicMapping, ...]:
    """`[topics]` lines, each a question-list section = a reading-list topic, both titles."""
    header = _header_line(text, "topics")
    mappings: list[TopicMapping] = []
    for section, topic in table.items():
        line = _key_line(text, header, section)
        if not section.strip():
            raise ConfigError(path, "[topics] has an empty section title on the left of `=`",
                              line)
        if not isinstance(topic, str) or not topic.strip():
            raise ConfigError(path, f"[topics] {section!r} must be set to a reading-list "
                              "topic's title, in quotes", line)
        mappings.append(TopicMapping(section, topic, line or header or 1))
    return tuple(mappings)


def _header_line(text: str, table: str) -> int | None:
    """The line of `[table]` in the file, if it is written as a header."""
    header = re.compile(rf"^\s*\[\s*{table}\s*\]\s*(#.*)?$")
    for number, line in enumerate(text.splitlines(), start=1):
        if header.match(line):
            return number
    return None


def _key_line(text: str, after: int | None, key: str) -> int | None:
    """The line of `key = …` at or after line `after`, or None when it cannot be told (a key
    written with escapes, or `[topics]` written inline)."""
    if after is None:
        return None
    starts = (f'"{key}"', f"'{key}'", key)
    for number, line in enumerate(text.splitlines()[after:], start=after + 1):
        stripped = line.lstrip()
        if stripped.startswith("["):
            return None
        for start in starts:
            if stripped.startswith(start) and stripped[len(start):].lstrip().startswith("="):
                return number
    return None


def _table(data: dict[str, object], key: str, path: Path) -> dict[str, object]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(path, f"[{key}] must be a table")
    return cast("dict[str, object]", value)


def _only(table: dict[str, object], allowed: set[str], path: Path, prefix: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ConfigError(
            path, f"unknown setting {prefix}{unknown[0]}; known: {', '.join(sorted(allowed))}"
        )


def _folder(value: object, path: Path, key: str) -> str:
    """A relative path inside the vault, written with `/`."""
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(path, f"{key} must be a non-empty string")
    pure = PurePosixPath(value.replace("\\", "/"))
    if pure.is_absolute() or ".." in pure.parts or any(":" in p for p in pure.parts):
        raise ConfigError(path, f"{key} = {value!r} must be a path inside the vault")
    return pure.as_posix()


def _statuses(
    table: dict[str, object], key: str, default: tuple[str, ...], path: Path
) -> tuple[str, ...]:
    value = table.get(key, list(default))
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(v, str) and v.strip() for v in value)
    ):
        raise ConfigError(path, f"statuses.{key} must be a non-empty list of strings")
    if len(set(value)) != len(value):
        raise ConfigError(path, f"statuses.{key} lists a status twice")
    return tuple(cast("list[str]", value))


def _subset(
    table: dict[str, object],
    key: str,
    default: tuple[str, ...],
    allowed: tuple[str, ...],
    path: Path,
) -> tuple[str, ...]:
    if key not in table:  # renamed statuses keep whichever defaults still exist
        return tuple(v for v in default if v in allowed)
    value = table[key]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(path, f"statuses.{key} must be a list of strings")
    unknown = [v for v in value if v not in allowed]
    if unknown:
        raise ConfigError(
            path, f"statuses.{key} names {unknown[0]!r}, which is not one of: {', '.join(allowed)}"
        )
    return tuple(cast("list[str]", value))


def _count(value: object, path: Path, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(path, f"{key} must be a whole number ≥ 0")
    return value
