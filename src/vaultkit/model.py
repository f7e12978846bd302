"""The study material as typed, immutable values: what the lists say, before any file exists.

The model does no I/O. `lists` builds it from Markdown, `scaffold` turns it into notes.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from urllib.parse import parse_qsl, urlencode, urlsplit


class Level(StrEnum):
    """How deep a question goes, as the syllabus groups them; declared in study order."""

    FOUNDATIONAL = "foundational"
    DEEP = "deep"
    INTERVIEW = "interview"

    @property
    def label(self) -> str:
        """The heading a hub or a dashboard shows above the questions of this level."""
        return _LEVEL_LABELS[self]

    @property
    def order(self) -> int:
        return _LEVEL_ORDER[self]

    @classmethod
    def of(cls, value: object) -> Level | None:
        """The level a note's `level` property names, or None for any other value."""
        return cls(value) if isinstance(value, str) and value in _LEVEL_ORDER else None


_LEVEL_LABELS = {
    Level.FOUNDATIONAL: "Foundational",
    Level.DEEP: "Deep understanding",
    Level.INTERVIEW: "Interview-style",
}
_LEVEL_ORDER = {level: n for n, level in enumerate(Level)}


def level_order(level: object) -> tuple[int, str]:
    """Sort key: the three levels in study order, then anything else."""
    known = Level.of(level)
    return (known.order if known is not None else len(Level), "")


class Kind(StrEnum):
    """What a note is, as its `vaultkit:` property says."""

    HOME = "home"
    TOPIC = "topic"
    SOURCE = "source"
    QUESTION = "question"
    DASHBOARD = "dashboard"


LISTED_KINDS = (Kind.TOPIC, Kind.SOURCE, Kind.QUESTION)
"""The kinds made from list entries, one note per entry."""


class Role(StrEnum):
    """The two source roles the method measures; a list may name other groups too."""

    CORE = "core"
    """Read first for its topic."""
    PRACTITIONER = "practitioner"
    """Used to cross-check the core reading."""


def role_order(role: object) -> tuple[int, str]:
    """Sort key: core, practitioner, other named groups by name, then ungrouped."""
    if role == Role.CORE:
        return (0, "")
    if role == Role.PRACTITIONER:
        return (1, "")
    return (3, "") if role is None else (2, str(role))


class Dashboard(StrEnum):
    """The dashboards vaultkit owns, in the order Home lists them."""

    PROGRESS = "progress"
    UNANSWERED = "unanswered"
    QUEUE = "queue"
    PROBLEMS = "problems"

    @property
    def stem(self) -> str:
        """The note's name, without `.md`."""
        return _DASHBOARD_TEXT[self][0]

    @property
    def about(self) -> str:
        """One line on what it shows, for Home."""
        return _DASHBOARD_TEXT[self][1]


_DASHBOARD_TEXT = {
    Dashboard.PROGRESS: (
        "Progress", "coverage per topic: sources read, summaries, questions answered"),
    Dashboard.UNANSWERED: (
        "Unanswered questions", "every question still to answer, by topic and level"),
    Dashboard.QUEUE: (
        "Reading queue", "what you are reading now and what to read next, per topic"),
    Dashboard.PROBLEMS: (
        "Problems", "notes that cannot be read, unknown statuses, broken links"),
}


@dataclass(frozen=True, slots=True)
class ListWarning:
    """Something in a list that was skipped or guessed at; the parse still succeeded."""

    line: int
    """1-based line in the list file."""
    message: str


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading of a list that groups topics (a tier, a part), with the prose under it."""

    title: str
    intro: str = ""
    """Markdown paragraphs between the heading and its first sub-heading or list."""


@dataclass(frozen=True, slots=True)
class Topic:
    """One subject of study: a hub note, its sources and its questions."""

    key: str
    """Stable identity: a slug of the title (the old title's once reworded: `scaffold.reworded`)."""
    title: str
    """The heading text without its number."""
    number: str | None = None
    """The list's own number for the section ("1", "5.1.1"); questions match readings by it."""
    tier: int | None = None
    optional: bool = False
    """True under headings the list marks optional: counted apart from the core plan."""
    context: tuple[Heading, ...] = ()
    """The grouping headings above the topic, outermost first (tier, part)."""
    intro: str = ""
    """Markdown prose the list puts under the topic heading."""
    line: int = 0

    @property
    def id(self) -> str:
        return f"t-{self.key}"


@dataclass(frozen=True, slots=True)
class Placement:
    """One place a source is listed: a source listed twice (read again later) has two."""

    topic_key: str
    role: str | None
    """`core`, `practitioner`, another group name as the list wrote it, or None when ungrouped."""
    why: str
    """The list's reason to read it, as Markdown."""
    line: int


@dataclass(frozen=True, slots=True)
class Source:
    """A paper, book, post or page to read, once per distinct URL."""

    title: str
    url: str
    placements: tuple[Placement, ...]
    """Every place the list names this URL, in list order; never empty."""
    details: str = ""
    """Markdown of nested items that belong to the entry (authors, code links)."""
    links: tuple[str, ...] = ()
    """The entry's other links (code, part 2), after the first, which is `url`."""
    labels: tuple[str, ...] = ()
    """Short code spans the entry carries (`Company`, `2019`)."""
    id: str = field(init=False)
    """`s-` and a hash of the normalised URL: the same page always gets the same id."""

    def __post_init__(self) -> None:
        # Computed once: planning a vault asks for ids thousands of times.
        object.__setattr__(self, "id", "s-" + short_hash(normalise_url(self.url)))

    @property
    def first(self) -> Placement:
        return self.placements[0]


@dataclass(frozen=True, slots=True)
class Question:
    """One question of the syllabus."""

    text: str
    """Plain text: names the note."""
    markdown: str
    """The question as the syllabus wrote it (emphasis kept)."""
    topic_key: str
    level: Level | None = None
    difficulty: str | None = None
    """A tag such as `E`, `M` or `H` from `[E] What is…?`, as written."""
    context: str = ""
    """The group line the question was nested under ("Learning rate."), if any."""
    group: str | None = None
    """The sub-heading within its topic (`### Regularisation`), if any."""
    details: str = ""
    """Markdown of sub-items that are part of the question ("1. too high 2. too low")."""
    line: int = 0
    kept: str | None = None
    """The id of its note since the list reworded it (`scaffold.reworded`); None: computed."""
    id: str = field(init=False)
    """`kept`, else `q-` and a hash of the topic's key and the question's words."""

    def __post_init__(self) -> None:
        key = fold(" ".join((self.topic_key, self.context, self.text, self.details)))
        object.__setattr__(self, "id", self.kept or f"q-{short_hash(key)}")


@dataclass(frozen=True, slots=True)
class Guidance:
    """A section of a list that advises rather than lists (how to use it, what to skip)."""

    title: str
    markdown: str


@dataclass(frozen=True, slots=True)
class ReadingList:
    topics: tuple[Topic, ...]
    sources: tuple[Source, ...]
    guidance: tuple[Guidance, ...] = ()
    warnings: tuple[ListWarning, ...] = ()


@dataclass(frozen=True, slots=True)
class Syllabus:
    topics: tuple[Topic, ...]
    """The syllabus's own sections; `combine` matches them to reading topics."""
    questions: tuple[Question, ...]
    guidance: tuple[Guidance, ...] = ()
    warnings: tuple[ListWarning, ...] = ()


@dataclass(frozen=True, slots=True)
class TopicJoin:
    """How one syllabus section found its topic: `number`, `title`, `settings` ([topics] in
    vaultkit.toml), or `none` (a topic of its own)."""

    section: str
    """The syllabus section's title, as written."""
    topic_key: str
    how: str


@dataclass(frozen=True)  # not slots: the lookups below are cached on the instance
class Catalog:
    """Everything one vault is built from: both lists, with questions attached to topics."""

    topics: tuple[Topic, ...]
    sources: tuple[Source, ...]
    questions: tuple[Question, ...]
    reading_guidance: tuple[Guidance, ...] = ()
    question_guidance: tuple[Guidance, ...] = ()
    question_intros: Mapping[str, str] = field(default_factory=dict)
    """Topic key → the prose the syllabus puts under that topic's section."""
    warnings: tuple[tuple[str, ListWarning], ...] = ()
    """Each list's warnings (entries skipped), with the list they came from."""
    joins: tuple[TopicJoin, ...] = ()
    """How each syllabus section found its reading topic, in syllabus order."""

    def topic(self, key: str) -> Topic:
        return self._topics[key]

    def sources_of(self, key: str) -> tuple[tuple[Source, Placement], ...]:
        """Each source listed under the topic, with the placement that puts it there."""
        return tuple(self._sources_by_topic.get(key, ()))

    def questions_of(self, key: str) -> tuple[Question, ...]:
        return tuple(self._questions_by_topic.get(key, ()))

    # Built once: planning a 10,000-entry vault asks these for every note.
    @cached_property
    def _topics(self) -> dict[str, Topic]:
        return {t.key: t for t in self.topics}

    @cached_property
    def _sources_by_topic(self) -> dict[str, list[tuple[Source, Placement]]]:
        by_topic: dict[str, list[tuple[Source, Placement]]] = {}
        for source in self.sources:
            for placement in source.placements:
                by_topic.setdefault(placement.topic_key, []).append((source, placement))
        return by_topic

    @cached_property
    def _questions_by_topic(self) -> dict[str, list[Question]]:
        by_topic: dict[str, list[Question]] = {}
        for question in self.questions:
            by_topic.setdefault(question.topic_key, []).append(question)
        return by_topic


@dataclass(frozen=True, slots=True)
class ListedIds:
    """The ids the lists name, in list order: all a build needs of them."""

    topics: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()
    outline: tuple[tuple[str, ...], ...] = ()
    """Beside each topic, the headings above it in the lists (`list_ids.outline`)."""
    intros: tuple[tuple[str, str], ...] = ()
    """(heading, the prose the list puts under it) for each of those headings that has some."""

    @classmethod
    def of(cls, catalog: Catalog) -> ListedIds:
        return cls(
            topics=tuple(t.id for t in catalog.topics),
            sources=tuple(s.id for s in catalog.sources),
            questions=tuple(q.id for q in catalog.questions),
        )


def short_hash(text: str) -> str:
    """Ten hex digits: stable across runs and machines, short enough to read."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|ref|ref_src)$", re.IGNORECASE)


def normalise_url(url: str) -> str:
    """The form two URLs share when they name the same page.

    Scheme (http/https), `www.`, a trailing slash, the fragment, tracking parameters and the
    case of the host do not make a different source.
    """
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    if parts.port:
        host = f"{host}:{parts.port}"
    path = parts.path.rstrip("/")
    query = urlencode(
        sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
               if not _TRACKING.match(k))
    )
    return f"{host}{path}" + (f"?{query}" if query else "")


def slug(text: str) -> str:
    """Lowercase ASCII words joined by `-`: for keys and tags, never for file names."""
    chars = (
        c if c.isascii() and c.isalnum() else "-"
        for c in unicodedata.normalize("NFKD", text.lower())
        if not unicodedata.combining(c)
    )
    return re.sub(r"-+", "-", "".join(chars)).strip("-") or "untitled"


class UniqueKeys:
    """Hands out keys that no other holds: `key`, or `key-2`, `key-3`…, the first one free.

    Keys are never given back, so the suffix last handed out for a key is where the next search
    for it starts: a thousand identical titles cost a thousand steps, not half a million.
    """

    def __init__(self, taken: Iterable[str] = ()) -> None:
        self._taken = set(taken)
        self._last_suffix: dict[str, int] = {}

    def claim(self, key: str) -> str:
        """The first free key of `key`, `key-2`, `key-3`…, now taken."""
        candidate, n = key, 1
        if key in self._taken:
            n = self._last_suffix.get(key, 1)  # every suffix up to this one is taken
        while candidate in self._taken:
            n += 1
            candidate = f"{key}-{n}"
        self._last_suffix[key] = n
        self._taken.add(candidate)
        return candidate


def fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())
