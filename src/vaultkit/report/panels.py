"""The generated panels: one per topic, and the topic index, which user notes embed.

vaultkit never rewrites a hub, Home or a question note once it exists. What changes as you
study (a source read, a question refined, a topic `sync` added) lives here instead, in notes
vaultkit owns, which the user's notes embed once, at init: a hub embeds its topic's panel
(`![[…]]`), a question note the panel's `Sources` section (`![[…#Sources]]`), Home the topic
index. Obsidian renders them inline and current; other editors show a link.

`render` is pure and deterministic, as `dashboards.render` is (whose `Page` writes the links and
escapes what a note says); `publish` puts the pages in place, hand edits kept aside. A panel is
named from its topic's key (its hub's id without `t-`), never from the hub's file name, so an
embed keeps working when the user renames the hub. The headings below are stable: notes embed
them.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Hashable, Iterator

from vaultkit.config import Settings
from vaultkit.model import Kind, Level, ListedIds, role_order
from vaultkit.report.dashboards import Page, inline, mark, next_source
from vaultkit.report.progress import Progress, TopicProgress, hub_resolver, natural_key
from vaultkit.scaffold.pages import PANEL_SOURCES, index_embed, panel_embed
from vaultkit.vault.frontmatter import content_hash, render_sealed
from vaultkit.vault.index import VaultIndex
from vaultkit.vault.notes import NoteRecord

SOURCES = PANEL_SOURCES
"""The panel's heading a question note embeds (`![[panel#Sources]]`)."""
NEXT_STEP = "Next step"
QUESTIONS = "Questions"
COVERAGE = "Coverage"
PANEL_ID_PREFIX = "panel-"
TOPIC_INDEX_ID = "topic-index"
_OWN_HEADING = "\0"
"""Stands for a heading of a topic's own title: equal to no heading of a list."""
_NOT_LISTED = "Not in your lists"
_OPTIONAL = "Optional topics"

_last: dict[Hashable, tuple[str, object]] = {}
"""The panels `render` made last, by the notes each one shows (and the objects those facts are,
kept alive so that no other object takes their `id`): a watcher rebuilds after every save, and
its index hands the same records again for notes that did not change, so only the panels of
topics that did are rendered again."""


def _facts(
    path: str, topic: TopicProgress, here: tuple[bool, ...], settings: Settings
) -> Hashable:
    """What a panel's text follows from: its path, its topic's notes (as objects: records are
    immutable, and comparing them field by field would cost what rendering does), the roles
    that apply here, and the settings."""
    return (path, id(settings), id(topic.hub), tuple(map(id, topic.sources)),
            tuple(map(id, topic.questions)), here)


def topic_key(hub: NoteRecord) -> str | None:
    """The stable key of a hub's topic: its id without `t-`; None for a hub without an id."""
    return hub.id.removeprefix("t-") or None if hub.id else None


def owned_paths(index: VaultIndex, settings: Settings) -> set[str]:
    """Where vaultkit writes the topic index and panels: one per hub with an id, and every
    panel already in the panels folder (a hub deleted since leaves its panel, which stays
    vaultkit's, not a copy kept aside)."""
    owned = {settings.topic_index_path()}
    folder = f"{settings.panels_folder()}/"
    for path, record in index.records.items():  # one pass, unsorted: a watcher asks each time
        if record.kind == Kind.TOPIC:
            if (key := topic_key(record)) is not None:
                owned.add(settings.panel_path(key))
        elif (record.kind == Kind.DASHBOARD and record.id.startswith(PANEL_ID_PREFIX)
              and path.startswith(folder) and "/" not in path[len(folder):]
              and " (edited" not in path):
            owned.add(path)
    return owned


def render(
    progress: Progress, settings: Settings, listed: ListedIds | None = None
) -> dict[str, str]:
    """The topic index and every topic's panel, full text by relative path.

    `listed` (the ids the lists name, with the headings above each topic) orders and groups
    the index as Home's outline was; without it, hubs go in their number order.
    """
    global _last  # noqa: PLW0603 - a memo of this pure function, one generation kept
    pages: dict[str, str] = {}
    memo: dict[Hashable, tuple[str, object]] = {}
    resolve = hub_resolver(t.hub for t in progress.topics)
    for topic in progress.topics:
        key = topic_key(topic.hub)
        if key is None:
            continue  # without an id no embed can name its panel
        path = settings.panel_path(key)
        if path in pages:
            continue
        # A panel says only what its topic's notes say (and where each source is listed
        # first): a watcher's rebuild renders again only the panels whose topic changed.
        here = tuple(resolve(s.topic) is topic.hub for s in topic.sources)
        facts = _facts(path, topic, here, settings)
        known = _last.get(facts)
        if known is None:
            body = _Panel(Page(path, settings), topic, here).render()
            known = (_sealed(f"{PANEL_ID_PREFIX}{key}", body), (topic, settings))
        pages[path] = known[0]
        memo[facts] = known
    _last = memo
    where = settings.topic_index_path()
    pages[where] = _sealed(TOPIC_INDEX_ID, _index(Page(where, settings), progress, listed))
    return pages


def _sealed(note_id: str, body: str) -> str:
    if _PLAIN_ID.fullmatch(note_id) and _frame_holds():
        return _framed(note_id, body)
    return render_sealed(_properties(note_id), body)


def _properties(note_id: str) -> dict[str, object]:
    return {"vaultkit": Kind.DASHBOARD.value, "id": note_id, "tags": ["vaultkit/dashboard"]}


_PLAIN_ID = re.compile(r"[a-z]+(?:-[a-z0-9]+)+")
"""An id YAML writes as it is, unquoted (`panel-alpha-topic`, `topic-index`): the properties of
its page are then always the same lines, which `_framed` writes without YAML."""


def _framed(note_id: str, body: str) -> str:
    """`render_sealed(_properties(note_id), body)` for a `_PLAIN_ID`, without dumping YAML
    twice per page (a third of rendering 400 panels)."""
    text = body.lstrip("\n")
    head = f"---\nvaultkit: {Kind.DASHBOARD.value}\nid: {note_id}\n"
    tail = f"tags:\n- vaultkit/dashboard\n---\n{text}"
    return f"{head}content_hash: {content_hash(head + tail)}\n{tail}"


@functools.cache
def _frame_holds() -> bool:
    """Whether `_framed` writes what `render_sealed` does (checked once: should YAML's or our
    layout ever change, every page goes through `render_sealed` again)."""
    probe = "panel-probe-1"
    return _framed(probe, "\nx\n") == render_sealed(_properties(probe), "\nx\n")


# -- a topic's panel ---------------------------------------------------------------------------


class _Panel:
    def __init__(self, page: Page, topic: TopicProgress, here: tuple[bool, ...]) -> None:
        self.page = page
        self.topic = topic
        self.here = here
        """Beside each source, whether this topic is where it is listed first (its role)."""
        self.settings = page.settings

    def render(self) -> str:
        page, topic = self.page, self.topic
        page.out(f"*Live status of {page.link(topic.hub)}, written by vaultkit from your notes; "
                 "edits made here are kept aside, not merged.*", "")
        page.out(f"## {NEXT_STEP}", "", self._next_step(), "")
        page.out(f"## {SOURCES}", "")
        self._sources()
        page.out(f"## {QUESTIONS}", "")
        self._questions()
        page.out(f"## {COVERAGE}", "")
        self._coverage()
        return page.done()

    def _sources(self) -> None:
        page, topic = self.page, self.topic
        if not topic.sources:
            page.out("No sources listed for this topic yet.", "")
            return
        groups: dict[str | None, list[NoteRecord]] = {}
        for source, here in zip(topic.sources, self.here, strict=True):
            # A source listed here again (`also_in`) has its role where it is listed first.
            groups.setdefault(source.role if here else None, []).append(source)
        for role in sorted(groups, key=role_order):
            page.out(f"### {_role_label(role)}", "")
            page.out(*(f"- {self._source_line(s)}" for s in groups[role]))
            page.out("")

    def _source_line(self, source: NoteRecord) -> str:
        settings = self.settings
        status = source.status or settings.source_statuses[0]
        sign = _sign(status, done=settings.sources_read, going=settings.sources_reading,
                     new=settings.source_statuses[:1], known=settings.source_statuses)
        return f"{sign} {self.page.link(source, source.title)} · {inline(status)}"

    def _questions(self) -> None:
        page, topic = self.page, self.topic
        if not topic.questions:
            page.out("No questions for this topic yet.", "")
            return
        groups: dict[tuple[Level | None, str], list[NoteRecord]] = {}
        for question in topic.questions:  # in level order already
            groups.setdefault((Level.of(question.level), question.group or ""), []).append(
                question)
        for (level, group), questions in groups.items():
            labels = [level.label] if level is not None else [] if group else ["Other questions"]
            page.out(f"### {' · '.join([*labels, *([inline(group)] if group else [])])}", "")
            page.out(*(f"- {self._question_line(q)}" for q in questions))
            page.out("")

    def _question_line(self, question: NoteRecord) -> str:
        settings = self.settings
        status = question.status or settings.question_statuses[0]
        sign = _sign(status, done=settings.questions_refined, going=settings.questions_drafted,
                     new=settings.question_statuses, known=settings.question_statuses)
        return f"{sign} {self.page.link(question, question.title)} · {inline(status)}"

    def _coverage(self) -> None:
        t, targets = self.topic, self.settings.targets
        rows: list[tuple[bool, str]] = []
        if not t.has_sources:
            rows.append((False, "Read a core source: no sources listed yet"))
        elif t.has_roles:
            rows.append((t.core_ok, f"Read {targets.core_sources} core source: "
                         f"{t.core_read} of {t.core_total} read"))
        else:
            rows.append((t.core_ok, f"Read {targets.core_sources} of the sources: "
                         f"{t.core_read} of {t.core_total} read"))
        if t.practitioner_ok is not None:
            rows.append((t.practitioner_ok, f"Cross-check with {targets.practitioner_sources} "
                         f"practitioner source: {t.practitioner_read} of "
                         f"{t.practitioner_total} read"))
        rows.append((t.summary_ok, f"Summary in the hub: {t.summary_lines} of at least "
                     f"{targets.summary_min_lines} lines"))
        if t.questions_ok is not None:
            rows.append((t.questions_ok, f"Refine {t.questions_target} questions: "
                         f"{t.refined} refined, {t.drafted} drafted"))
        self.page.out(*(f"- {mark(ok)} {text}" for ok, text in rows))
        self.page.out("", f"**Covered:** {mark(t.covered)}")

    def _next_step(self) -> str:
        """The first thing the method still asks: draft answers, read, summarize, refine."""
        page, t, settings = self.page, self.topic, self.settings
        first = settings.question_statuses[0]
        unanswered = [q for q in t.questions
                      if (q.status or first) not in settings.questions_drafted]
        if t.questions_ok is False and t.drafted < t.questions_target and unanswered:
            return (f"Answer {page.link(unanswered[0], unanswered[0].title)} under "
                    "“Answer before reading”, before you read.")
        reading = self._reading_step()
        if reading is not None:
            return reading
        if not t.summary_ok:
            return (f"Write the Summary in {page.link(t.hub)}: at least "
                    f"{settings.targets.summary_min_lines} lines.")
        drafted = [q for q in t.questions if (q.status or first) in settings.questions_drafted
                   and (q.status or first) not in settings.questions_refined]
        if t.questions_ok is False and drafted:
            return (f"Refine your answer to {page.link(drafted[0], drafted[0].title)} under "
                    "“Answer after reading”.")
        if t.covered:
            return "Nothing: this topic is covered."
        return "Read another source of this topic: those left are skipped or not listed."

    def _reading_step(self) -> str | None:
        """The reading the method asks next, while the topic's reading is not done."""
        page, t, settings = self.page, self.topic, self.settings
        if not t.has_sources:
            return ("No sources listed: add some under this topic in your reading list, then "
                    "run `vaultkit sync`.")
        source = next_source(t, settings.source_statuses[0], settings.sources_reading)
        if source is not None:
            role = f" ({inline(source.role)})" if source.role else ""
            return f"Read {page.link(source, source.title)}{role}."
        reading = [s for s in t.sources if s.status in settings.sources_reading]
        if not (t.core_ok and t.practitioner_ok is not False) and reading:
            return f"Finish reading {page.link(reading[0], reading[0].title)}."
        return None


def _role_label(role: str | None) -> str:
    if role is None:
        return "Reading"
    return inline(role[:1].upper() + role[1:])


def _sign(status: str, *, done: tuple[str, ...], going: tuple[str, ...], new: tuple[str, ...],
          known: tuple[str, ...]) -> str:
    """A status at a glance: ✓ done, … under way, ○ not started, – another status the
    settings allow (a skipped source), ? one they do not."""
    if status in done:
        return "✓"
    if status in going:
        return "…"
    if status in new:
        return "○"
    return "–" if status in known else "?"


# -- the topic index ---------------------------------------------------------------------------


def _index(page: Page, progress: Progress, listed: ListedIds | None) -> str:
    """Every topic with its coverage, in the lists' outline; optional topics apart."""
    covered = sum(t.covered for t in progress.required)
    page.out("*Every topic with its coverage, written by vaultkit from your notes; edits made "
             "here are kept aside, not merged.*", "",
             f"{covered} of {len(progress.required)} topics covered.", "")
    by_id = {t.hub.id: t for t in progress.topics if t.hub.id}
    place = dict(zip(listed.topics, listed.outline, strict=False)) if listed else {}
    intros = dict(listed.intros) if listed else {}
    order = {topic_id: n for n, topic_id in enumerate(listed.topics)} if listed else {}
    ordered = sorted(progress.topics, key=lambda t: (
        order.get(t.hub.id, len(order)), natural_key(t.hub)))
    rows: list[tuple[tuple[str, ...], TopicProgress]] = []
    for topic in ordered:
        if topic.optional:
            path: tuple[str, ...] = (_OPTIONAL,)
        elif listed is not None and topic.hub.id not in order:
            path = (_NOT_LISTED,)
        else:
            path = place.get(topic.hub.id, ())
        rows.append((path, topic))
    # Optional topics and topics the lists no longer name come last, each group together.
    last: dict[tuple[str, ...], int] = {(_OPTIONAL,): 1, (_NOT_LISTED,): 2}
    rows.sort(key=lambda row: last.get(row[0], 0))
    if not by_id and not rows:
        page.out("No topic hubs found.")
        return page.done()
    shown: tuple[str, ...] = ()
    for path, topic in rows:
        if not path and shown:
            # An ungrouped topic after grouped ones would read as part of the last group: it
            # gets a heading of its own title, as each ungrouped topic after it does.
            _heading(page, 3, topic.hub.title)
            shown = (_OWN_HEADING,)
        elif path != shown:
            common = next((i for i, (a, b) in enumerate(zip(path, shown, strict=False)) if a != b),
                          min(len(path), len(shown)))
            for depth in range(common, len(path)):
                _heading(page, depth + 3, path[depth])
                if path[depth] in intros:  # the list's own prose, as Home showed it
                    page.out(intros[path[depth]], "")
            shown = path
        page.out(f"- {_index_row(page, topic)}")
    return page.done()


def _heading(page: Page, level: int, title: str) -> None:
    if page.lines[-1]:
        page.out("")
    page.out(f"{'#' * min(level, 6)} {inline(title)}", "")


def _index_row(page: Page, t: TopicProgress) -> str:
    lines = page.settings.targets.summary_min_lines
    parts = [f"{t.read} of {len(t.sources)} read" if t.has_sources else "no sources listed",
             f"summary {t.summary_lines}/{lines} lines"]
    if t.questions_ok is not None:
        parts.append(f"{t.refined} of {t.questions_target} "
                     f"question{'' if t.questions_target == 1 else 's'} refined")
    return f"{mark(t.covered)} {page.link(t.hub)}: " + " · ".join(parts)


def embeds(record: NoteRecord, settings: Settings, path: str) -> bool:
    """Whether the note links to (or embeds) the owned page at `path`, in either style."""
    target = path.removesuffix(".md").casefold()
    name = posixpath.basename(target)
    folder = posixpath.dirname(record.path)
    for link in record.links:
        wanted = link.removesuffix(".md").casefold()
        if wanted in {target, name}:
            return True
        joined = posixpath.normpath(posixpath.join(folder, link))
        if joined.removesuffix(".md").casefold() == target:
            return True
    return False


def missing_embeds(index: VaultIndex, settings: Settings) -> Iterator[tuple[NoteRecord, str]]:
    """(note, the line to paste) for each hub that embeds no panel of its topic and a Home
    that embeds no topic index: notes made before panels existed. Nothing is inserted."""
    for hub in index.notes(Kind.TOPIC):
        key = topic_key(hub)
        if key is None:
            continue
        panel = settings.panel_path(key)
        if not embeds(hub, settings, panel):
            yield hub, panel_embed(settings, key, hub.path)
    topic_index = settings.topic_index_path()
    for home in index.notes(Kind.HOME):
        if not embeds(home, settings, topic_index):
            yield home, index_embed(settings, home.path)
