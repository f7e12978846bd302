"""File names, unique names, links and containment."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

import pytest

from vaultkit.config import Settings
from vaultkit.errors import UnsafePathError
from vaultkit.files.contain import inside
from vaultkit.lists import load_reading_list, load_syllabus
from vaultkit.lists.joins import combine
from vaultkit.scaffold.existing import scan_existing
from vaultkit.scaffold.names import NameBook, NoteRef, link, safe_name
from vaultkit.scaffold.plan import plan_files

FORBIDDEN = set('*"\\/<>:|?#^[]%')


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("DPO paper (Direct Preference)", "DPO paper (Direct Preference)"),
        ("Karpathy – Deep Neural Nets: 20 Years", "Karpathy – Deep Neural Nets - 20 Years"),
        ("Frontier / Ongoing Discourse", "Frontier - Ongoing Discourse"),
        ("What is gradient noise, intuitively?", "What is gradient noise, intuitively"),
        ("../../etc/passwd", "etc-passwd"),
        ("..", "Untitled"),
        ("   ", "Untitled"),
        (".hidden", "hidden"),
        ("CON", "CON_"),
        ("lpt1.txt", "lpt1.txt_"),
        ("tab\there\nnewline", "tab here newline"),
        ("[E] #tag ^block %% comment", "(E) tag block comment"),
    ],
)
def test_safe_name(title: str, name: str) -> None:
    """Titles become names without separators, link syntax, reserved names or hidden dots."""
    assert safe_name(title) == name


def test_safe_name_is_never_unsafe_for_any_character() -> None:
    """Every code point below U+0300 yields a name free of forbidden and control characters."""
    for code in range(0x300):
        name = safe_name(f"a{chr(code)}b")
        assert not set(name) & FORBIDDEN
        assert all(ord(c) >= 32 for c in name)


def test_long_titles_are_cut_at_a_word_within_limits() -> None:
    """A long title gives a name of at most 97 characters (100 with `.md`) ending in `…`."""
    name = safe_name("attention " * 30)
    assert len(name) + len(".md") <= 100
    assert name.endswith("…")
    assert not name[:-1].endswith(" ")


def test_long_multibyte_titles_fit_in_255_bytes() -> None:
    """Names stay under the 255-byte limit of Linux and macOS even in four-byte characters."""
    name = safe_name("𝔸" * 120)
    assert len((name + ".md").encode("utf-8")) <= 255


@pytest.mark.parametrize(
    "unit",
    ["👍🏽", "🇯🇵", "Z\u0351\u0352\u0353", "a\u0301\u0302\u0303\u0304\u0305"],
    ids=["skin tone", "flag", "marks", "many marks"],
)
def test_long_titles_are_cut_between_whole_characters(unit: str) -> None:
    """A cut never parts an emoji from its skin tone, a flag's halves, or a letter and its marks."""
    name = safe_name(unit * 200)
    unit = unicodedata.normalize("NFC", unit)  # as names are: marks composed and reordered
    assert name.endswith("…")
    assert name[:-1] == unit * (len(name[:-1]) // len(unit))
    assert len((name + " (12).md").encode("utf-8")) <= 255
    assert len(name) + len(".md") <= 100


def test_namebook_makes_names_unique_ignoring_case() -> None:
    """The same title twice, or in another case, gets ` (2)`, ` (3)`."""
    book = NameBook({"home"})
    assert book.claim("Home") == "Home (2)"
    assert book.claim("Notes") == "Notes"
    assert book.claim("NOTES") == "NOTES (2)"
    assert book.claim("notes") == "notes (3)"


def test_twin_titles_beside_your_file_each_get_a_name_and_the_folder_is_listed_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sixty sources titled alike beside your own `notes.md`: each gets a name of its own and
    says your file holds the name; Sources is listed once, not once per twin (quadratic)."""
    twins = 60
    entries = "".join(f"{n}. **Notes**  \n   [https://example.com/{n}](https://example.com/{n})"
                      "  \n   Why: A twin.\n" for n in range(1, twins + 1))
    reading = tmp_path / "reading.md"
    reading.write_text(f"## 1. Twins\n\n{entries}", encoding="utf-8")
    syllabus = tmp_path / "syllabus.md"
    syllabus.write_text("# 1. Twins\n\n## Foundational questions\n\n* Why twins?\n",
                        encoding="utf-8")
    vault = tmp_path / "vault"
    (vault / "Sources").mkdir(parents=True)
    (vault / "Sources" / "notes.md").write_bytes(b"mine\n")
    catalog = combine(load_reading_list(reading), load_syllabus(syllabus))
    existing = scan_existing(vault)
    listed: list[Path] = []
    iterdir = Path.iterdir

    def counted(self: Path) -> Iterator[Path]:
        listed.append(self)
        return iterdir(self)

    monkeypatch.setattr(Path, "iterdir", counted)
    plan = plan_files(catalog, Settings(), vault, existing)

    sources = [f for f in plan.files if f.kind == "source"]
    assert [f.path.name for f in sources] == [f"Notes ({n}).md" for n in range(2, twins + 2)]
    assert {f.yours for f in sources} == {PurePosixPath("Sources/notes.md")}
    assert listed.count(vault / "Sources") == 1


def test_wiki_links_show_a_label_only_when_it_differs() -> None:
    """`[[Name]]` when the label is the name, `[[Name|Label]]` otherwise, with `|` defused."""
    ref = NoteRef(PurePosixPath("Sources/A - B.md"), "A: B")
    origin = PurePosixPath("Topics/T.md")
    assert link(ref, origin, "wiki") == "[[A - B|A: B]]"
    assert link(ref, origin, "wiki", "A - B") == "[[A - B]]"
    assert link(ref, origin, "wiki", "x | [y]") == "[[A - B|x - (y)]]"


def test_markdown_links_are_relative_and_encoded() -> None:
    """Markdown links go up from the linking note's folder, with spaces as %20 and `.md` kept."""
    ref = NoteRef(PurePosixPath("Sources/DPO paper.md"), "DPO [paper]")
    assert link(ref, PurePosixPath("Questions/1 Topic/Q.md"), "markdown") == (
        "[DPO \\[paper\\]](../../Sources/DPO%20paper.md)"
    )
    assert link(ref, PurePosixPath("Home.md"), "markdown") == (
        "[DPO \\[paper\\]](Sources/DPO%20paper.md)"
    )


def test_inside_accepts_paths_in_the_vault(tmp_path: Path) -> None:
    """A plain relative path maps to the real path inside the vault."""
    assert inside(tmp_path, PurePosixPath("Sources/a.md")) == tmp_path.resolve() / "Sources/a.md"


@pytest.mark.parametrize("relative", ["../x.md", "/etc/x.md", "Sources/../../x.md"])
def test_inside_refuses_paths_that_leave(tmp_path: Path, relative: str) -> None:
    """`..` and absolute paths are refused before anything is written."""
    with pytest.raises(UnsafePathError, match="outside the vault"):
        inside(tmp_path, PurePosixPath(relative))


def test_inside_refuses_a_symlinked_folder_that_points_out(tmp_path: Path) -> None:
    """A folder in the vault that links elsewhere is caught by resolving it."""
    vault = tmp_path / "vault"
    vault.mkdir()
    (tmp_path / "elsewhere").mkdir()
    (vault / "Sources").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(UnsafePathError):
        inside(vault, PurePosixPath("Sources/a.md"))
