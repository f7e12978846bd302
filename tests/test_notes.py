"""The note format: frontmatter we write reads back exactly; identities are found safely."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from vaultkit.vault.frontmatter import Identity, render_note
from vaultkit.vault.notes import FRONTMATTER_LIMIT, read_identity

AWKWARD = ["yes", "no", "on", "12:30:00", "2024-01-01", "null", "~", "[[x]]", "a: b", "#tag",
           "'q'", '"dq"', "- item", "> fold", "| lit", "&anchor", "*alias", "%", "@", "`",
           "  padded  ", "ünïcödé – ’", "line\u2028sep", "", "1e3", "0x10", ".inf"]


@pytest.mark.parametrize("value", AWKWARD)
def test_rendered_frontmatter_reads_back_as_the_same_text(value: str) -> None:
    """Any title comes back from `yaml.safe_load` as the same string, never a bool or date."""
    text = render_note({"vaultkit": "source", "id": "s-1", "title": value, "aliases": [value]}, "")
    data = yaml.safe_load(text.split("---\n")[1])
    assert data["title"] == value
    assert data["aliases"] == [value]


def test_rendered_note_keeps_key_order_and_body() -> None:
    """Keys stay in the given order and the body follows the closing fence."""
    text = render_note({"vaultkit": "topic", "id": "t-1", "title": "T"}, "# T\n")
    assert text == "---\nvaultkit: topic\nid: t-1\ntitle: T\n---\n# T\n"


def test_long_values_are_never_folded() -> None:
    """A long title stays on one line, as Obsidian's property editor expects."""
    text = render_note({"title": "word " * 100}, "")
    assert len(text.splitlines()) == 3


def test_read_identity_finds_kind_and_id(tmp_path: Path) -> None:
    """`vaultkit:` and `id:` are read from the frontmatter, quoted or not, BOM or CRLF."""
    note = tmp_path / "n.md"
    note.write_bytes(b"\xef\xbb\xbf---\r\nvaultkit: source\r\nid: 's-abc'\r\n---\r\nbody\r\n")
    assert read_identity(note) == Identity("source", "s-abc")


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"no frontmatter\n",
        b"---\nvaultkit: source\n",  # never closed
        b"text\n---\nvaultkit: source\nid: x\n---\n",  # fence not on the first line
        b"---\ntitle: mine\n---\n",
        b"---\n  id: nested\n  vaultkit: x\n---\n",
        b"---\nvaultkit: source\nid: x\n" + b"pad: " + b"a" * FRONTMATTER_LIMIT + b"\n---\n",
        b"\xff\xfe\x00garbage",
    ],
)
def test_read_identity_ignores_what_is_not_a_vaultkit_note(tmp_path: Path, content: bytes) -> None:
    """Notes without both fields, or with broken or oversized frontmatter, are not ours."""
    note = tmp_path / "n.md"
    note.write_bytes(content)
    assert read_identity(note) is None


def test_read_identity_of_a_directory_is_none(tmp_path: Path) -> None:
    """A directory named like a note is not a note and raises nothing."""
    (tmp_path / "x.md").mkdir()
    assert read_identity(tmp_path / "x.md") is None


def test_reading_never_changes_the_file(tmp_path: Path) -> None:
    """Reading a note's identity leaves its bytes and mtime as they were."""
    note = tmp_path / "n.md"
    note.write_bytes(b"---\nvaultkit: question\nid: q-1\n---\n# Q\n")
    before = note.stat().st_mtime_ns
    read_identity(note)
    assert note.read_bytes() == b"---\nvaultkit: question\nid: q-1\n---\n# Q\n"
    assert note.stat().st_mtime_ns == before
