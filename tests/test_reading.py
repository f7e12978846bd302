"""Reading notes back: every field of the notes `init` writes, YAML's traps, and a corpus of bad
files that each become a Problem with their path and line, never an exception or a crash."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import RunCli
from tests.helpers import notes, split_note
from vaultkit.config import Settings
from vaultkit.report.problems import judge_note
from vaultkit.vault.notes import NoteRecord, Problem, read_note

SOURCE_STATUSES = "unread, reading, read, summarized, skipped"
POST_TRAINING = "1 Post-Training LLMs (SFT, DPO, RLHF, preference optimization)"
GRPO = f"Questions/{POST_TRAINING}/When would you choose GRPO over DPO.md"
LONG_AGO = 1_000_000_000  # 2001: any write by the reader would move the mtime off it
SUBPROCESS_TIMEOUT = 30  # seconds; generous, so only a hang reaches it


def read(path: Path, relative: str | None = None) -> NoteRecord | Problem:
    """`read_note`, the file's name as its relative path, its problems judged as `check` does
    with the default settings (statuses included)."""
    result = read_note(path, relative or path.name)
    if isinstance(result, Problem):
        return result
    return dataclasses.replace(result, problems=tuple(judge_note(result, Settings())))


def read_record(path: Path, relative: str | None = None) -> NoteRecord:
    """A note that must read as a record."""
    result = read(path, relative)
    assert isinstance(result, NoteRecord), result
    return result


def write_note(folder: Path, name: str, content: bytes | str) -> Path:
    """A note file with exactly these bytes (text is written as UTF-8, `\\n` kept as is)."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def source(*front: str, body: str = "# Note\n") -> str:
    """A source note's text with these extra frontmatter lines."""
    lines = ["vaultkit: source", "id: s-test", *front]
    return "---\n" + "\n".join(lines) + "\n---\n" + body


# --- the notes vaultkit writes ------------------------------------------------------------


def test_source_note_reads_back_field_by_field(seed_vault: Path) -> None:
    """A source note from `init` reads as its kind, id, title, topic, role, tier, url and status."""
    relative = "Sources/RLHF Book (Nathan Lambert).md"
    path = seed_vault / relative
    assert read(path, relative) == NoteRecord(
        path=relative,
        kind="source",
        id=str(split_note(path)[0]["id"]),
        title="RLHF Book (Nathan Lambert)",
        aliases=("RLHF Book (Nathan Lambert)",),
        status="unread",
        status_line=11,
        topic=POST_TRAINING,
        also_in=(),
        role="core",
        level=None,
        tier=1,
        optional=False,
        url="https://rlhfbook.com/",
        summary_lines=0,
        before_lines=0,
        after_lines=0,
        links=(POST_TRAINING,),
        wikilinks=1,
        problems=(),
    )


def test_source_listed_under_two_topics_reads_its_also_in(seed_vault: Path) -> None:
    """A source listed again under a second topic has that topic in `also_in` and no role."""
    relative = "Sources/OpenAI GPT-4 System Card.md"
    record = read_record(seed_vault / relative, relative)
    second = "18 Safety–Capability Tradeoffs"
    assert (record.topic, record.also_in) == ("15 Real Failures", (second,))
    assert (record.role, record.tier, record.status, record.status_line) == (None, 4, "unread", 13)
    assert record.links == ("15 Real Failures", second)


def test_question_note_reads_back_field_by_field(seed_vault: Path) -> None:
    """A question note from `init` reads as its kind, id, title, topic, level and status."""
    path = seed_vault / GRPO
    record = read(path, GRPO)
    assert isinstance(record, NoteRecord)
    assert record == NoteRecord(
        path=GRPO,
        kind="question",
        id=str(split_note(path)[0]["id"]),
        title="When would you choose GRPO over DPO?",
        aliases=("When would you choose GRPO over DPO?",),
        status="unanswered",
        status_line=9,
        topic=POST_TRAINING,
        level="interview",
        links=record.links,  # checked below: the topic, then its panel's sources, embedded
        wikilinks=2,  # the topic's link and the panel's embed: the note's link style
        problems=(),
    )
    assert record.links == (
        POST_TRAINING, "Dashboards/Topics/post-training-llms-sft-dpo-rlhf-preference-optimization",
    )


def test_topic_hub_reads_back_field_by_field(seed_vault: Path) -> None:
    """A topic hub from `init` reads as kind `topic` with its id, title, tier and no status."""
    relative = f"Topics/{POST_TRAINING}.md"
    record = read_record(seed_vault / relative, relative)
    title = "Post-Training LLMs (SFT, DPO, RLHF, preference optimization)"
    assert (record.kind, record.title) == ("topic", title)
    assert record.id == "t-post-training-llms-sft-dpo-rlhf-preference-optimization"
    assert (record.aliases, record.tier, record.optional) == ((title,), 1, False)
    assert (record.status, record.status_line) == (None, None)
    assert (record.topic, record.role, record.level, record.url) == (None, None, None, None)
    assert (record.summary_lines, record.problems) == (0, ())
    # Its panel, embedded: the panel lists its sources and questions, with their status.
    assert record.links == (
        "Dashboards/Topics/post-training-llms-sft-dpo-rlhf-preference-optimization",)


def test_optional_topic_hub_reads_as_optional(seed_vault: Path) -> None:
    """The hub of an optional topic has `optional` true, no tier, and its title with a slash."""
    relative = "Topics/9 Frontier - Ongoing Discourse (Optional, high-ceiling).md"
    record = read_record(seed_vault / relative, relative)
    assert (record.kind, record.optional, record.tier) == ("topic", True, None)
    assert record.title == "Frontier / Ongoing Discourse (Optional, high-ceiling)"


def test_every_note_init_writes_reads_as_a_record_without_problems(seed_vault: Path) -> None:
    """All 63 sources, 84 questions and 23 hubs (and Home, the dashboards) read cleanly."""
    records = [read_record(p, p.relative_to(seed_vault).as_posix()) for p in notes(seed_vault)]
    assert [r for r in records if r.problems] == []
    kinds = [r.kind for r in records]
    assert (kinds.count("source"), kinds.count("question"), kinds.count("topic")) == (63, 84, 23)
    assert all(r.id for r in records if r.kind)


# --- the user's lines under the measured headings ------------------------------------------


def test_summary_counts_only_the_users_own_lines(seed_vault: Path, tmp_path: Path) -> None:
    """Sub-headings, `<!-- -->` and `%% %%` comments and blank lines are not lines of a summary."""
    text = (seed_vault / "Sources/RLHF Book (Nathan Lambert).md").read_text(encoding="utf-8")
    text = text.replace(
        "### What knob does this give me?\n",
        "### What knob does this give me?\nLine one.\n\n  Line two.\n%% a note to self %%\n",
    ).replace(
        "### When does it fail?\n",
        "### When does it fail?\n<!-- a comment\nover two lines -->\nLine three. <!-- aside -->\n",
    ) + "Line four.\n\n## My notes\nNot part of the summary.\n"
    assert read_record(write_note(tmp_path, "s.md", text)).summary_lines == 4


def test_answers_before_and_after_reading_are_counted_apart(
    seed_vault: Path, tmp_path: Path
) -> None:
    """Lines under each answer heading count for it alone; the sources list counts for neither."""
    text = (seed_vault / GRPO).read_text(encoding="utf-8")
    text = text.replace(
        "## Answer before reading\n", "## Answer before reading\nDraft one.\nDraft two.\n\n"
    ).replace(
        "## Answer after reading\n", "## Answer after reading\nRefined 1.\n- Refined 2.\n> 3.\n"
    )
    record = read_record(write_note(tmp_path, "q.md", text))
    assert (record.before_lines, record.after_lines, record.summary_lines) == (2, 3, 0)


@pytest.mark.parametrize("heading", ["## ſummary", "## Answer after readİng", "## SUMMARY ##"])
def test_only_ascii_case_makes_a_measured_heading(tmp_path: Path, heading: str) -> None:
    """`ſ` and `İ` match `s` and `i` case-blind, then failed the field lookup: one such heading
    crashed every build with a KeyError. They are other headings now, not measured."""
    note = tmp_path / "hub.md"
    note.write_text(f"---\nvaultkit: topic\nid: t-1\n---\n{heading}\nmy line\n", encoding="utf-8")
    record = read_record(note)
    expected = 1 if heading.isascii() else 0
    assert (record.summary_lines, record.before_lines, record.after_lines) == (expected, 0, 0)


def test_a_hash_line_in_a_fenced_code_block_is_not_a_heading(
    seed_vault: Path, tmp_path: Path
) -> None:
    """A `# comment` or `## Heading` inside ``` or ~~~ does not end the section it sits in."""
    text = (seed_vault / GRPO).read_text(encoding="utf-8")
    text = text.replace(
        "## Answer before reading\n",
        "## Answer before reading\nDraft.\n```bash\n# run it\nmake\n```\nMore draft.\nLast.\n",
    ).replace(
        "## Answer after reading\n",
        "## Answer after reading\nDone.\n~~~\n## Sources for this topic\n~~~\nStill done.\nEnd.\n",
    )
    record = read_record(write_note(tmp_path, "q.md", text))
    # The lines of the code itself are not counted: the sections hold 3 lines of prose each.
    assert (record.before_lines, record.after_lines) == (3, 3)


# --- properties -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "topic"),
    [
        ("'[[My Topic]]'", "My Topic"),
        ("'[[My Topic|the label]]'", "My Topic"),
        ("'[[My Topic#Summary]]'", "My Topic"),
        ("My Topic", "My Topic"),
        # A Markdown link keeps its path, decoded; the hub resolver uses its last part.
        ("'[the label](../Topics/My%20Topic.md)'", "../Topics/My Topic.md"),
    ],
)
def test_topic_is_the_note_its_link_names(tmp_path: Path, written: str, topic: str) -> None:
    """`topic:` is read from a wikilink, with or without a label or heading, or a Markdown link."""
    path = write_note(tmp_path, "s.md", source("status: unread", f"topic: {written}"))
    record = read_record(path)
    assert (record.topic, record.problems) == (topic, ())


def test_status_yes_stays_text_and_is_reported_with_the_allowed_list(tmp_path: Path) -> None:
    """`status: yes` is the text "yes" (not True) and a Problem on its line lists the statuses."""
    record = read_record(write_note(tmp_path, "s.md", source("title: T", "status: yes")))
    assert (record.status, record.status_line) == ("yes", 5)
    assert record.problems == (
        Problem("s.md", 5, f"status 'yes' is not one of: {SOURCE_STATUSES}"),
    )


@pytest.mark.parametrize(
    "typed",
    ["12:30:00", "2024-01-01", "2024-01-01 10:00:00", "yes", "off", "0x10", "010", "1_000",
     ".inf"],
)
def test_yaml_11_traps_in_text_properties_stay_as_typed(tmp_path: Path, typed: str) -> None:
    """A title YAML 1.1 would read as a time, date, bool or number is the text the user typed."""
    path = write_note(tmp_path, "s.md", source("status: unread", f"title: {typed}  # note"))
    record = read_record(path)
    assert (record.title, record.problems) == (typed, ())
    assert json.loads(json.dumps(dataclasses.asdict(record)))["title"] == typed


def test_yaml_11_traps_in_a_crlf_note_stay_as_typed(tmp_path: Path) -> None:
    """With CRLF line endings, `status: yes` and `title: 12:30:00` are "yes" and "12:30:00"."""
    text = source("status: yes", "title: 12:30:00").replace("\n", "\r\n")
    record = read_record(write_note(tmp_path, "s.md", text))
    assert (record.status, record.title) == ("yes", "12:30:00")


def test_yaml_11_traps_in_aliases_stay_as_typed(tmp_path: Path) -> None:
    """Aliases YAML 1.1 would read as a bool, a time or a date are the text the user typed."""
    path = write_note(tmp_path, "s.md", source("status: unread", "aliases: [yes, 12:30:00]"))
    assert read_record(path).aliases == ("yes", "12:30:00")


def test_duplicated_key_is_reported_with_both_lines(tmp_path: Path) -> None:
    """A key written twice is read as YAML reads it (the last) and reported on both lines."""
    path = write_note(tmp_path, "s.md", source("status: unread", "title: T", "status: read"))
    record = read_record(path)
    assert record.status == "read"
    assert record.problems == (
        Problem(
            "s.md", 6, "property `status` appears twice (first on line 4); the last one counts"
        ),
    )


def test_duplicated_status_reads_the_occurrence_that_counts(tmp_path: Path) -> None:
    """With `status: unread` then `status: yes`, the status is "yes", as the problem says."""
    path = write_note(tmp_path, "s.md", source("status: unread", "status: yes"))
    assert read_record(path).status == "yes"


def test_unknown_duplicated_status_is_reported_on_the_line_that_counts(tmp_path: Path) -> None:
    """An unknown status in the second of two `status:` lines is reported on that line."""
    path = write_note(tmp_path, "s.md", source("status: unread", "status: bogus"))
    record = read_record(path)
    assert record.status_line == 5
    assert Problem("s.md", 5, f"status 'bogus' is not one of: {SOURCE_STATUSES}") in (
        record.problems
    )


def test_missing_status_is_reported_with_the_status_it_counts_as(tmp_path: Path) -> None:
    """A question without `status:` has status None and a Problem naming the first status."""
    path = write_note(tmp_path, "q.md", "---\nvaultkit: question\nid: q-test\n---\n# Q\n")
    record = read_record(path)
    assert (record.status, record.status_line) == (None, None)
    assert record.problems == (Problem("q.md", None, "has no `status`; counted as 'unanswered'"),)


def test_links_are_collected_from_the_body_only(tmp_path: Path) -> None:
    """Wikilinks, embeds and relative Markdown links, once each; web links, anchors skipped."""
    body = (
        "See [[Attention Is All You Need]] and [[Scaling Laws|the Kaplan paper]], [[Hub#Part]],\n"
        "![[diagram.png]], [a note](../Topics/My%20Topic.md), [angled](<Other Note.md>),\n"
        "[web](https://example.com/x.md), [anchor](#summary), [mail](mailto:a@b.c),\n"
        "and [[Attention Is All You Need]] again.\n"
    )
    text = source("status: unread", "topic: '[[Not A Body Link]]'", body=body)
    assert read_record(write_note(tmp_path, "s.md", text)).links == (
        "Attention Is All You Need",
        "Scaling Laws",
        "Hub",
        "diagram.png",
        "../Topics/My Topic.md",
        "Other Note.md",
    )


def test_a_users_own_note_reads_without_kind_links_or_status_problem(tmp_path: Path) -> None:
    """A note vaultkit did not make has kind "", its title, no links and nothing to report."""
    path = write_note(tmp_path, "Mine.md", "---\ntitle: My own\n---\n# Hi [[Somewhere]]\n")
    record = read_record(path)
    assert (record.kind, record.id, record.title, record.links, record.problems) == (
        "", "", "My own", (), ()
    )


def test_dashes_after_the_first_line_are_not_frontmatter(tmp_path: Path) -> None:
    """`---` below the first line is a rule in the body: the note has no properties."""
    text = "# Title\n\n---\nvaultkit: source\nid: s-test\n---\n"
    record = read_record(write_note(tmp_path, "Ruled.md", text))
    assert (record.kind, record.id, record.title) == ("", "", "Ruled")


@pytest.mark.parametrize(
    ("bom", "newline"), [(b"\xef\xbb\xbf", b"\n"), (b"", b"\r\n"), (b"\xef\xbb\xbf", b"\r\n")]
)
def test_bom_and_crlf_read_like_the_plain_note(
    seed_vault: Path, tmp_path: Path, bom: bytes, newline: bytes
) -> None:
    """A UTF-8 BOM and CRLF line endings are no problem: the note reads like the plain one."""
    plain = (seed_vault / GRPO).read_bytes().replace(
        b"## Answer before reading\n", b"## Answer before reading\nA draft.\n"
    )
    expected = read_record(write_note(tmp_path / "plain", "q.md", plain))
    variant = write_note(tmp_path / "variant", "q.md", bom + plain.replace(b"\n", newline))
    assert read_record(variant) == expected
    assert expected.before_lines == 1


# --- the bad-input corpus -------------------------------------------------------------------


@dataclass(frozen=True)
class Bad:
    """A file that cannot be read as a note, and the Problem it must give."""

    name: str
    content: bytes | None
    """None: a folder named like a note."""
    line: int | None
    message: str
    exact: bool = True
    """False: the message starts with `message` (the rest is the YAML library's words)."""
    bomb: bool = False
    """Would crash or hang an unguarded parser: only ever read in a subprocess."""


def _billion_laughs() -> bytes:
    lines = ["vaultkit: source", "id: s-lol", 'a0: &a0 ["lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)]
    lines.append("aliases: *a9")  # 9**9 strings if anything walks it
    return ("---\n" + "\n".join(lines) + "\n---\n").encode()


NESTING = "frontmatter nests deeper than 32 levels; not read"
HEAD = b"---\nvaultkit: source\nid: s-bad\n"
CORPUS = [
    Bad("broken-yaml.md", HEAD + b"title: a: b\nstatus: unread\n---\n", 4, "broken YAML: ",
        exact=False),
    Bad("tab-indented.md", HEAD + b"aliases:\n\t- Alias\n---\n", 5, "broken YAML: ",
        exact=False),
    Bad("unclosed.md", HEAD + b"status: unread\n# Title\n",
        1, "frontmatter opened on line 1 is never closed with `---`"),
    Bad("list.md", b"---\n- vaultkit: source\n- id: s-l\n---\n# Title\n",
        2, "frontmatter is a list, not properties (`key: value` lines)"),
    Bad("nul-byte.md", HEAD + b"---\nfine\nbin\x00ary\n", 6, "holds binary data"),
    Bad("picture.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", 1, "is not UTF-8 text"),
    Bad("latin-1.md", HEAD + b"title: Caf\xe9\n---\n", 4, "is not UTF-8 text"),
    Bad("empty.md", b"", None, "is empty"),
    Bad("blank.md", b"\n  \r\n\t\n", None, "is empty"),
    Bad("folder.md", None, None, "is a folder named like a note"),
    Bad("huge-frontmatter.md", HEAD + b"title: " + b"x" * 200_000 + b"\n---\n",
        1, "frontmatter is larger than 64 KiB; not read"),
    Bad("billion-laughs.md", _billion_laughs(), None,
        "frontmatter uses YAML anchors or aliases (&name, *name); not read", bomb=True),
    Bad("deep-brackets.md", HEAD + b"title: " + b"[" * 50_000 + b"\n---\n",
        None, NESTING, bomb=True),
    Bad("deep-dashes.md", HEAD + b"title:\n" + b"- " * 30_000 + b"x\n---\n",
        None, NESTING, bomb=True),
]


def place(folder: Path, bad: Bad) -> Path:
    """Put the bad file (or folder) in place and return its path."""
    if bad.content is None:
        path = folder / bad.name
        path.mkdir(parents=True)
        return path
    return write_note(folder, bad.name, bad.content)


def assert_is(problem: object, bad: Bad, relative: str) -> None:
    """`problem` is the Problem `bad` must give, at `relative`."""
    assert isinstance(problem, Problem), problem
    assert (problem.path, problem.line) == (relative, bad.line)
    if bad.exact:
        assert problem.message == bad.message
    else:
        assert problem.message.startswith(bad.message)


def read_in_subprocess(path: Path) -> subprocess.CompletedProcess[str]:
    """`read_note` in a fresh interpreter, printing the result as JSON: a crash cannot hurt us."""
    script = (
        "import dataclasses, json, resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crash dumps no core\n"
        "from pathlib import Path\n"
        "from vaultkit.vault.notes import read_note\n"
        "path = Path(sys.argv[1])\n"
        "result = read_note(path, path.name)\n"
        "print(json.dumps([type(result).__name__, dataclasses.asdict(result)]))\n"
    )
    return subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT, check=False,
    )


def problem_from(process: subprocess.CompletedProcess[str]) -> Problem:
    """The Problem a `read_in_subprocess` printed, once it is sure the process lived."""
    assert process.returncode >= 0, f"killed by signal {-process.returncode}: {process.stderr}"
    assert process.returncode == 0, process.stderr
    kind, fields = json.loads(process.stdout)
    assert kind == "Problem", fields
    return Problem(**fields)


@pytest.mark.parametrize("bad", [b for b in CORPUS if not b.bomb], ids=lambda b: b.name)
def test_bad_file_is_a_problem_with_its_path_and_line(tmp_path: Path, bad: Bad) -> None:
    """Each unreadable file gives its Problem, with the line of the fault where there is one."""
    path = place(tmp_path / "Sources", bad)
    assert_is(read(path, f"Sources/{bad.name}"), bad, f"Sources/{bad.name}")


@pytest.mark.parametrize("bad", [b for b in CORPUS if b.bomb], ids=lambda b: b.name)
def test_yaml_bomb_is_refused_before_the_parser_sees_it(tmp_path: Path, bad: Bad) -> None:
    """Aliases and deep nesting are refused in a process that neither dies by a signal nor hangs."""
    path = place(tmp_path, bad)
    assert_is(problem_from(read_in_subprocess(path)), bad, bad.name)


@pytest.mark.parametrize(
    "front",
    [
        pytest.param(b"title: don't\ntier: " + b"[" * 50_000 + b"\nrole: won't\n", id="lines"),
        pytest.param(b"tier: [x'y, " + b"[" * 50_000 + b" x'y]\n", id="flow"),
    ],
)
def test_apostrophes_in_plain_values_do_not_hide_deep_nesting(tmp_path: Path, front: bytes) -> None:
    """50,000 `[` between two plain values with apostrophes are refused, not handed to libyaml."""
    path = write_note(tmp_path, "sneaky.md", b"---\n" + front + b"---\n")
    assert problem_from(read_in_subprocess(path)) == Problem("sneaky.md", None, NESTING)


@pytest.mark.parametrize(
    "front",
    [
        pytest.param("title: don't\na: &a [x, x]\naliases: *a\nrole: won't\n", id="lines"),
        pytest.param("a: [p'q, &x [lol, lol], p'q]\naliases: [p'q, *x, p'q]\n", id="flow"),
    ],
)
def test_apostrophes_in_plain_values_do_not_hide_aliases(tmp_path: Path, front: str) -> None:
    """Anchors and aliases between plain values with apostrophes are refused all the same."""
    path = write_note(tmp_path, "sneaky.md", f"---\n{front}---\n")
    assert read(path) == Problem(
        "sneaky.md", None, "frontmatter uses YAML anchors or aliases (&name, *name); not read"
    )


def test_not_utf8_after_a_bom_is_reported_on_the_line_of_the_bad_byte(tmp_path: Path) -> None:
    """A file that starts with a BOM and has a bad byte on line 2 is reported on line 2."""
    path = write_note(tmp_path, "bom.md", b"\xef\xbb\xbfa\nb\xff\n")
    assert read(path) == Problem("bom.md", 2, "is not UTF-8 text")


def test_reading_never_changes_a_file(seed_vault: Path, tmp_path: Path) -> None:
    """After `read_note`, every file, good or bad, has the same bytes and mtime as before."""
    paths = [place(tmp_path, bad) for bad in CORPUS if not bad.bomb and bad.content is not None]
    paths.append(write_note(tmp_path, "good.md", (seed_vault / GRPO).read_bytes()))
    paths.append(write_note(tmp_path, "crlf.md", (seed_vault / GRPO).read_bytes().replace(
        b"\n", b"\r\n")))
    for path in paths:
        os.utime(path, ns=(LONG_AGO * 10**9, LONG_AGO * 10**9))
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in paths}
    for path in paths:
        read(path)
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in paths} == before


# --- the corpus through the CLI -------------------------------------------------------------


def vaultkit(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """`vaultkit ARGS…` in its own process, as a shell would run it: a crash cannot hurt us."""
    return subprocess.run(
        [sys.executable, "-m", "vaultkit", *map(str, args)],
        capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT, check=False,
    )


def snapshot(vault: Path) -> dict[str, tuple[bytes, int]]:
    """Bytes and mtime of every file of the vault outside `.vaultkit/` (the index cache)."""
    return {
        p.relative_to(vault).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(vault.rglob("*"))
        if p.is_file() and ".vaultkit" not in p.relative_to(vault).parts
    }


@pytest.fixture
def corpus_vault(run_cli: RunCli, tmp_path: Path) -> Path:
    """A vault from `vaultkit init` with every bad file of the corpus among its sources."""
    vault = tmp_path / "v"
    assert run_cli("init", vault).exit_code == 0
    for bad in CORPUS:
        place(vault / "Sources", bad)
    return vault


def test_check_names_every_bad_file_and_exits_1(corpus_vault: Path) -> None:
    """`vaultkit check` lists each bad file with `:line` where there is one, and exits 1."""
    before = snapshot(corpus_vault)
    result = vaultkit("check", corpus_vault)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    for bad in CORPUS:
        where = f"Sources/{bad.name}" + (f":{bad.line}" if bad.line else "")
        said = [line for line in lines if line.startswith(f"{where}: ")]
        assert len(said) == 1, (where, lines)
        message = said[0].removeprefix(f"{where}: ")
        assert message.startswith(bad.message)
        assert message == bad.message or not bad.exact
    assert len(lines) == len(CORPUS)
    assert result.stderr.strip() == f"{len(CORPUS)} problems."
    assert snapshot(corpus_vault) == before


def test_status_still_counts_every_good_note(corpus_vault: Path) -> None:
    """`vaultkit status --json` counts all 63 sources and 84 questions despite the bad files."""
    result = vaultkit("status", "--json", corpus_vault)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert (figures["sources"]["total"], figures["questions"]["total"]) == (63, 84)
    assert figures["sources"]["by_status"] == {"unread": 63}
    assert [(p["path"], p["line"]) for p in figures["problems"]] == sorted(
        (f"Sources/{bad.name}", bad.line) for bad in CORPUS
    )


def test_build_names_every_bad_file_in_the_problems_dashboard(corpus_vault: Path) -> None:
    """`vaultkit build` writes a row for each bad file, with its line, to Problems.md."""
    result = vaultkit("build", corpus_vault)
    assert result.returncode == 0, result.stderr
    assert f"{len(CORPUS)} problems: see Problems.md" in result.stdout
    page = (corpus_vault / "Dashboards/Problems.md").read_text(encoding="utf-8")
    cells = [re.split(r"(?<!\\)\|", line) for line in page.splitlines() if line.startswith("| ")]
    rows = [row[1:3] for row in cells]
    for bad in CORPUS:
        # The note's cell may be a link or a code span; either way it names the note's path.
        named = re.compile(rf"Sources/{re.escape(bad.name.removesuffix('.md'))}(?:\.md)?(?![\w-])")
        lines = [line.strip() for note, line in rows if named.search(note)]
        assert lines == [str(bad.line or "")], (bad.name, lines)
