"""The frontmatter module: the fast identity reader agrees with the parser, notes are written
byte for byte as before, and a sealed note tells whether it was edited."""

from __future__ import annotations

import random
import re
from pathlib import Path

import frontmatter as python_frontmatter
import pytest
import yaml

from vaultkit.vault import frontmatter as fm
from vaultkit.vault.frontmatter import identity_scan, reading, writing
from vaultkit.vault.notes import NoteRecord, read_identity, read_note

# --- the identity reader ------------------------------------------------------------------

KEYS = ["vaultkit", "id", "id", "vaultkit", "title", "status", "tags", "also_in", "yes", "Id",
        "id ", "my key", "ünï", "_x", "a-b"]
"""Keys that are simple (`id `: a blank before the colon is still `id` to YAML)."""
ODD_KEYS = ["'id'", '"vaultkit"', "? id", "  id", "id\t", "1", "<<", "-id", "[id]", "&a id"]
VALUES = [
    "source", "s-1", "q-2", "", " ", "'q'", "'it''s'", "''''", "'  padded  '", '"dq"',
    '"a\\tb"', '"a #b"', "a #b", "a#b", "x # c", "'x' # c", "'x'#c", '"x" x', "yes", "No", "ON",
    "~", "null", "Null", "12", "-3", "+4", "0123", "0x1F", "0b_", "0_", "1:30", "1.5", "1.", "._",
    ".inf", "1e3", "1.0e+3", "2024-01-01", "2024-1-5", "2024-13-45", "0000-01-01",
    "2024-01-01 10:00:00", "=", "<<", "&a x", "*a", "!!str x", "!x", "|", ">", "[a, b]", "{a: b}",
    "[[x]]", "'[[x]]'", "x]]", "a: b", "a:", "a:b", "-x", "- x", "?x", "? x", ":x", "%x", "@x",
    "`x`", ",x", "'unclosed", '"unclosed', "x\u2028y", "x\u2029y", "x\x85y", "x\ufeffy",
    "x\x00y", "x\x07y", "x\x7fy", "x\ty", "\tx", "x\ry", "\xa0nbsp\xa0", "ünï – ’", "😀",
    "x" * 300, "1" * 5000, "a\\b", "a 'b' c", "a \"b\" c", "#", "# c",
]
OTHER_LINES = [
    "", "  ", "# comment", "  # indented comment", "#", "- item", "  - item", "-", "- ", "-x",
    "  - a: b", "- - x", "  more text", "    deeper", "  id: nested", "...", "%YAML 1.1", "]",
    "}", "{", "[", "x", "title: >", "  folded", "title: |", "  literal", "k: 'multi", "  line'",
    'k: "multi', '  line"', "k:\t- x", "\tid: tab", "k: [a,", "  b]", "&anchor k: v",
]


def _random_front(rng: random.Random, traps: float = 0.1) -> str:
    """A frontmatter of a few lines, most of them `key: value`; each line a trap or not."""
    def value() -> str:
        return rng.choice(VALUES if rng.random() < traps * 3 else VALUES[:12])

    lines = []
    for _ in range(rng.randrange(1, 9)):
        shape = rng.random()
        if shape < 0.6:
            key = rng.choice(KEYS if rng.random() > traps else ODD_KEYS)
            sep = rng.choice([": ", ": ", ":", ":  ", " : ", ":\t"] if rng.random() < traps * 3
                             else [": "])
            lines.append(f"{key}{sep}{value()}")
        elif shape < 0.8:
            lines.append(rng.choice(["", "", "  ", "    "]) + f"- {value()}")
        else:
            lines.append(rng.choice(OTHER_LINES if rng.random() < traps * 3 else OTHER_LINES[:4]))
    return "\n".join(lines) + "\n"


def _parser_values(front: str) -> dict[str, str | None]:
    """Every key's value as the note reader reads text: `parse`, then `as_text`."""
    props = fm.parse(front)
    raw = fm.raw_values(front)
    return {key: fm.as_text(value, raw.get(key)) for key, value in props.items()}


def test_the_simple_reader_agrees_with_the_parser_whenever_it_answers() -> None:
    """On thousands of frontmatters built from YAML's traps (quotes, comments, CRLF, tabs,
    line separators, duplicate keys, typed and untypable values, lists, multi-line scalars),
    each time the line-by-line reader gives values, the parser reads the same frontmatter
    without fault and gives every key the same text."""
    rng = random.Random(8)  # noqa: S311 - test input, not a secret
    answered = deferred = 0
    for _ in range(8_000):
        front = _random_front(rng)
        if rng.random() < 0.2:
            front = front.replace("\n", "\r\n")
        try:
            reading.admit(front)
        except fm.FrontmatterError:
            continue
        simple = identity_scan._simple_values(front)
        if simple is None:
            deferred += 1
            continue
        answered += 1
        try:
            parsed = _parser_values(front)
        except fm.FrontmatterError as exc:
            pytest.fail(f"read as simple, but the parser says {exc.message}:\n{front}")
        for key, value in simple.items():
            if reading.implicit_tag(key) == "tag:yaml.org,2002:str":  # `yes:` is the key True
                assert parsed[key] == value, f"{key!r} in:\n{front}"
    assert answered > 1_000  # both paths ran often enough for the property to mean something
    assert deferred > 1_000


@pytest.mark.parametrize("line_end", ["\n", "\r\n"])
def test_read_identity_agrees_with_the_note_reader(tmp_path: Path, line_end: str) -> None:
    """For notes with traps in and around their frontmatter (fences, BOM, bytes that are not
    UTF-8, NUL), `read_identity` names a note only as `read_note` reads it, and names it
    exactly so whenever the note has top-level `vaultkit:` and `id:` lines; a note the reader
    refuses is named, if at all, only when it has those two lines."""
    rng = random.Random(len(line_end))  # noqa: S311 - test input, not a secret
    named = 0
    for n in range(2_000):
        lines = _random_front(rng, traps=0.05).splitlines(keepends=True)
        for line in ("vaultkit: source\n", "id: s-1\n"):
            if rng.random() < 0.8:
                lines.insert(rng.randrange(len(lines) + 1), line)
        opening = rng.choice(["---\n"] * 6 + ["--- \n", "----\n", "\n---\n", "-- -\n"])
        closing = rng.choice(["---\n"] * 6 + ["--- \n", "...\n", "", "---x\n"])
        data = opening + "".join(lines) + closing + "# Body\nid: body\n"
        raw = rng.choice([b"", b"", b"\xef\xbb\xbf"]) + data.replace("\n", line_end).encode()
        if rng.random() < 0.05:
            at = rng.randrange(len(raw))
            raw = raw[:at] + rng.choice([b"\xff", b"\xc3", b"\x00"]) + raw[at:]
        path = tmp_path / f"{n}.md"
        path.write_bytes(raw)
        record = read_note(path, path.name)
        full = (fm.Identity(record.kind, record.id)
                if isinstance(record, NoteRecord) and record.kind and record.id else None)
        fast = read_identity(path)
        if isinstance(record, NoteRecord):  # then its text splits, as `read_note` split it
            assert fast in (None, full), raw
            head = fm.split(raw.removeprefix(b"\xef\xbb\xbf").decode()).frontmatter or ""
            if re.search("^vaultkit:", head, re.M) and re.search("^id:", head, re.M):
                assert fast == full, raw
        elif fast is not None:  # a note the reader refuses is named only by its own lines
            text = raw.decode("utf-8", errors="replace")
            assert re.search("^vaultkit:", text, re.M), raw
            assert re.search("^id:", text, re.M), raw
        named += fast is not None
    assert named > 200  # enough notes named for the property to mean something


@pytest.mark.parametrize(
    ("front", "kind", "note_id"),
    [
        ("vaultkit: source\nid: 'it''s'\n", "source", "it's"),
        ('vaultkit: source\nid: "a #b"\n', "source", "a #b"),
        ("vaultkit: source\nid: x\t# a comment after a tab\n", "source", "x"),
        ("vaultkit: source\nid: '  padded  '\n", "source", "padded"),
        ("vaultkit: yes\nid: 0123\n", "yes", "0123"),
        ('title: "two\nvaultkit: source\nid: lines"\n', None, None),
        ("title: a\u2028vaultkit: source\nid: x\n", "source", "x"),
        ("title: a\rvaultkit: source\nid: x\n", "source", "x"),
        ("vaultkit: source\nid: x\n'id': y\n", "source", "y"),
        ("? vaultkit\n: source\nid: x\n", None, None),
        ("vaultkit: source\nid: ~\n", None, None),
        ("vaultkit: source\nid: s-1\ndate: 2024-13-45\n", "source", "s-1"),  # YAML refuses it
        ("vaultkit: source\nid: s-1\n- stray item\n", "source", "s-1"),  # YAML refuses it
        ("vaultkit: source\nid: s-1\nid: s-2\n", "source", "s-2"),
        ("vaultkit: source\nid: >\n  folded\n", "source", "folded"),
        ("vaultkit: source\nid: s-1\nquote: 'never closed\n", "source", "s-1"),  # YAML refuses it
    ],
)
def test_identity_reads_what_yaml_reads(front: str, kind: str | None, note_id: str | None) -> None:
    """Quoting, comments, types, multi-line scalars and broken YAML are read as YAML reads
    them: a line that looks like `id:` inside a string is not one. A frontmatter YAML refuses
    is still the user's note: its top-level lines are read as written."""
    expected = fm.Identity(kind, note_id) if kind and note_id else None
    assert fm.identity(f"---\n{front}---\n# Body\n") == expected


# --- writing ------------------------------------------------------------------------------

AWKWARD = ["yes", "no", "on", "12:30:00", "2024-01-01", "null", "~", "[[x]]", "a: b", "#tag",
           "'q'", '"dq"', "- item", "> fold", "| lit", "&anchor", "*alias", "%", "@", "`",
           "  padded  ", "ünïcödé – ’", "line\u2028sep", "", "1e3", "0x10", ".inf", "a\nb",
           "tab\there", "\x07bell", "word " * 100, "0123456789012345", "content", "handler"]


def _dumped_as_before(properties: dict[str, object], body: str) -> str:
    """What vaultkit wrote before python-frontmatter did it: PyYAML's safe dumper, directly."""
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    dumped = yaml.dump(properties, Dumper=dumper, sort_keys=False, allow_unicode=True,
                       default_flow_style=False, width=2**31 - 1)
    return f"---\n{dumped}---\n{body.lstrip(chr(10))}"


@pytest.mark.parametrize("value", AWKWARD)
def test_notes_are_written_byte_for_byte_as_before(value: str) -> None:
    """Through python-frontmatter's `Post` and `dumps`, a note's text is what PyYAML's dumper
    gave before, whatever its values or keys (`content` and `handler` included)."""
    properties: dict[str, object] = {
        "vaultkit": "source", "id": "s-1", "title": value, "aliases": [value, "x"],
        value or "empty": value, "tier": 2, "optional": True, "tags": [], "last": value,
    }
    for body in ("", "# Title\n", "\n\n# Title\n\nText\n", "no newline"):
        assert fm.render_note(properties, body) == _dumped_as_before(properties, body)


def test_python_frontmatters_own_layout_would_change_every_note() -> None:
    """Why `render_note` lays the note out itself: the library's layout adds a blank line after
    the fence and drops the body's last newline. (If this fails, python-frontmatter changed:
    README's dependency notes may be out of date.)"""
    post = python_frontmatter.Post("# Title\n", title="T")
    assert python_frontmatter.dumps(post) == "---\ntitle: T\n---\n\n# Title"
    assert fm.render_note({"title": "T"}, "# Title\n") == "---\ntitle: T\n---\n# Title\n"


@pytest.mark.parametrize(
    "digest", ["0123456789012345", "0123456701234567", "1234e56789012345", "0000000000000000",
               "1e10000000000000", "abcdef0123456789", "1230000000000000"]
)
def test_a_seal_is_written_bare_whatever_it_looks_like(digest: str) -> None:
    """A hash of digits (which YAML reads as a number) is written without quotes, as vaultkit
    always wrote it, so a dashboard's bytes do not depend on the library writing them."""
    text = fm.render_note({"id": "d", fm.SEAL: writing._Bare(digest), "tags": ["t"]}, "")
    assert text == f"---\nid: d\n{fm.SEAL}: {digest}\ntags:\n- t\n---\n"


def _spliced_as_before(properties: dict[str, object], body: str) -> str:
    """How dashboards.py sealed a note before: the hash line spliced in after `id:`."""
    text = _dumped_as_before(properties, body)
    marker = f"id: {properties['id']}\n"
    return text.replace(marker, f"{marker}content_hash: {fm.content_hash(text)}\n", 1)


def test_a_sealed_note_is_what_the_splice_gave_and_reads_as_unedited() -> None:
    """`render_sealed` gives the bytes the old splice gave; the file reads as unedited and its
    seal is found; any change to it, a property set or a line added, is an edit."""
    rng = random.Random(3)  # noqa: S311 - test input, not a secret
    for n in range(300):
        properties: dict[str, object] = {
            "vaultkit": "dashboard", "id": f"dashboard-{n}", "tags": ["vaultkit/dashboard"]
        }
        body = f"# Page {n}\n\n" + "".join(rng.choice(AWKWARD) + "\n" for _ in range(5))
        sealed = fm.render_sealed(properties, body)
        assert sealed == _spliced_as_before(properties, body)
        data = sealed.encode("utf-8")
        assert fm.unedited(data)
        assert fm.sealed_hash(data) == fm.content_hash(fm.render_note(properties, body))
        for edited in (data.replace(b"\n---\n", b"\ncssclasses: wide\n---\n", 1),
                       data + b"my line\n", data.replace(b"# Page", b"# page", 1)):
            assert not fm.unedited(edited)
            assert fm.sealed_hash(edited) is None


def test_a_crlf_copy_is_unedited_but_not_the_bytes_written() -> None:
    """Line endings do not make an edit (the copy is ours to replace), but a copy whose bytes
    differ has no seal to compare with the last build's, so the next build writes it again."""
    data = fm.render_sealed({"vaultkit": "dashboard", "id": "d"}, "# D\n").encode("utf-8")
    crlf = data.replace(b"\n", b"\r\n")
    assert fm.unedited(crlf)
    assert fm.sealed_hash(crlf) is None
    assert fm.sealed_hash(data) is not None


@pytest.mark.parametrize("space", ["\u3000", "\u00a0", "\u2003"])
def test_a_last_property_keeps_its_trailing_unicode_space(space: str) -> None:
    """The writer never trims the YAML it dumps: a title that ends in an ideographic or
    no-break space, written last, reads back whole."""
    text = fm.render_note({"id": "d", "title": f"x{space}"}, "")
    assert text == f"---\nid: d\ntitle: x{space}\n---\n"
    assert fm.parse(fm.split(text).frontmatter or "")["title"] == f"x{space}"


@pytest.mark.parametrize("value", ["🎯 Goals", "Math 𝔼[x]", "a 😀 b: c", "yes 🎯"])
def test_characters_beyond_the_bmp_are_written_as_themselves(value: str) -> None:
    """An emoji in a title is written as the character (libyaml would write `\\U0001F3AF`),
    and the note reads back with the same properties."""
    properties: dict[str, object] = {
        "vaultkit": "topic", "id": "t-1", "title": value, "aliases": [value], "tags": [],
    }
    text = fm.render_note(properties, "# Body\n")
    front = text.split("---\n")[1]
    assert value in front
    assert "\\U" not in front
    assert yaml.safe_load(front) == properties
