"""Nothing a note says can break the Markdown of a dashboard.

Two copies of the seed vault get the same edits: one with plain values, one with hostile values
(fences, pipes, `]]`, newlines, HTML, `%%`, `$`...) in every field a dashboard echoes: titles,
statuses, roles, levels, file names, link targets. Parsed with markdown-it-py, both must have the
same block structure (headings, lists, tables, fences), and the hostile one must keep its Mermaid
fences, table rows and links whole.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote_to_bytes

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt
from markdown_it.token import Token

from vaultkit.cli import main

HOSTILE = [
    "```", "~~~\n# Heading", "a | b | c", "]] [[Home", "[[Home]]", "line\nbreak\n\n# H1",
    "<!-- open", "%% comment", "<b>bold</b><script>x</script>", "$x$ and $$y$$",
    "`code` and ``x``", "back\\", "a\\|b", "*emph* _u_", "- item", "> quote", "#tag", "---",
    "===", "quote \" and '", "%%{init: x}%%", "a: b : 3", "&lt;", "sep\u2028sep", "<https://x>",
    "![img](x.png)", "[t](u)", "</td></tr>", "\\`", "~~~",
]
FENCE_BREAKERS = [
    "```", "a\n```\n# Out", "%% x", '"quoted" : 9', "x: 1", "`tick`", "back\\", "~~~\n~~~",
]
"""Statuses: they become labels of the Mermaid pie charts."""
HOSTILE_NAMES = [
    "a|b]]c", "x`y$z%%", "n#h^b", "new\nline", "<!--c", "[[w]]", "back\\slash", "$$m",
    "tick ` tick", "pipe \\| pipe", "%%{x}%%", "*star*",
]
MD = MarkdownIt("commonmark").enable("table")
DASHBOARDS = ("Progress", "Unanswered questions", "Reading queue", "Problems")

Value = Callable[[int], str]


def set_line(path: Path, key: str, value: str) -> None:
    """Set one frontmatter property to `value`, quoted so YAML reads it back exactly."""
    text = path.read_text(encoding="utf-8")
    line = f"{key}: {json.dumps(value, ensure_ascii=False)}"
    changed, n = re.subn(rf"^{key}:.*$", lambda _: line, text, count=1, flags=re.M)
    assert n == 1, f"{path} has no {key}"
    path.write_text(changed, encoding="utf-8")


def mutate(vault: Path, value: Value, name: Value) -> None:
    """Put `value(i)` in every echoed field of a few notes, and `name(i)` in some file names."""
    sources = sorted((vault / "Sources").glob("*.md"))
    questions = sorted((vault / "Questions").glob("*/*.md"))
    roleless = [s for s in sources if "\nrole: null\n" in s.read_text(encoding="utf-8")]
    n = 0

    def nxt() -> str:
        nonlocal n
        n += 1
        return value(n)

    for note in sources[:6]:  # being read: listed under "Reading now" with their titles
        set_line(note, "title", nxt())
        set_line(note, "status", "reading")
    for k, note in enumerate(sources[6:12]):  # unknown statuses: pie labels, Problems rows
        set_line(note, "status", value(100 + k))
    for note in roleless[:8]:  # a topic without roles: "Next up" shows the role
        if note not in sources[:12]:
            set_line(note, "role", nxt())
            set_line(note, "title", nxt())
    for note in questions[:10]:  # Unanswered: titles; unknown levels and statuses
        set_line(note, "title", nxt())
        set_line(note, "level", nxt())
        set_line(note, "status", nxt())
    for note in questions[10:14]:
        set_line(note, "title", nxt())
    with sources[12].open("a", encoding="utf-8") as handle:  # a broken link's target, echoed
        handle.write(f"\nSee [[{nxt().replace(chr(10), ' ').strip('[]|#^')} gone]].\n")
    for i, note in enumerate([*sources[:4], *questions[:4], *sources[6:10]], start=1):
        note.rename(note.with_name(f"{name(i)}.md"))


def hostile_value(i: int) -> str:
    if i >= 100:
        return FENCE_BREAKERS[(i - 100) % len(FENCE_BREAKERS)]
    return HOSTILE[i % len(HOSTILE)] + f" {i}"


def hostile_name(i: int) -> str:
    return HOSTILE_NAMES[(i - 1) % len(HOSTILE_NAMES)] + f" {i}"


def make(seed: Path, where: Path, value: Value, name: Value, links: str) -> dict[str, str]:
    vault = Path(shutil.copytree(seed, where, symlinks=True))
    config = vault / "vaultkit.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        'links = "wiki"', f'links = "{links}"'), encoding="utf-8")
    mutate(vault, value, name)
    return {name: (vault / "Dashboards" / f"{name}.md").as_posix() for name in DASHBOARDS}


def blocks(tokens: list[Token]) -> list[tuple[str, str]]:
    """The block structure: every token but inline text."""
    return [(t.type, t.tag) for t in tokens if t.type != "inline"]


def inline_types(tokens: list[Token]) -> list[str]:
    return [c.type for t in tokens if t.type == "inline" for c in t.children or []]


def cells(line: str) -> int:
    """Cells of a table row as GFM splits it: at each `|` not escaped by a backslash."""
    count, i, text = 0, 0, line.strip()
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        count += text[i] == "|"
        i += 1
    return count - 1


def outside_fences(text: str) -> str:
    return re.sub(r"^```mermaid\n.*?^```$", "", text, flags=re.M | re.S)


def unescaped(text: str, char: str) -> int:
    """How often `char` stands unescaped in `text` (outside link targets and fences)."""
    text = re.sub(r"\]\([^)\s]*\)", "]()", outside_fences(text))
    count, i = 0, 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        count += text.startswith(char, i)
        i += 1
    return count


@pytest.fixture(scope="module", params=["wiki", "markdown"])
def twins(request: pytest.FixtureRequest, seed_vault: Path,
          tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(plain, hostile): the seed vault with the same edits, plain and hostile, built."""
    made = []
    for label, value, name in (
        ("plain", lambda i: f"plain value {i}", lambda i: f"Plain name {i}"),
        ("hostile", hostile_value, hostile_name),
    ):
        vault = tmp_path_factory.mktemp(label) / "vault"
        make(seed_vault, vault, value, name, request.param)
        result = CliRunner().invoke(main, ["build", str(vault)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        made.append(vault)
    return made[0], made[1]


@pytest.mark.parametrize("dashboard", DASHBOARDS)
def test_hostile_values_leave_the_structure_as_plain_ones_do(
    twins: tuple[Path, Path], dashboard: str
) -> None:
    """Same headings, lists, tables and fences; no HTML; code spans only where vaultkit put them."""
    plain, hostile = (
        (v / "Dashboards" / f"{dashboard}.md").read_text(encoding="utf-8") for v in twins
    )
    plain_tokens, hostile_tokens = MD.parse(plain), MD.parse(hostile)

    assert blocks(hostile_tokens) == blocks(plain_tokens)
    kinds = inline_types(hostile_tokens)
    assert "html_inline" not in kinds
    assert "image" not in kinds
    assert kinds.count("code_inline") == inline_types(plain_tokens).count("code_inline")
    assert kinds.count("link_open") + outside_fences(hostile).count("[[") == (
        inline_types(plain_tokens).count("link_open") + outside_fences(plain).count("[[")
    )
    for char in ("%%", "$", "`", "<"):  # Obsidian comments and math, code spans, HTML
        assert unescaped(hostile, char) == unescaped(plain, char), char


@pytest.mark.parametrize("dashboard", DASHBOARDS)
def test_every_table_row_has_its_cells(twins: tuple[Path, Path], dashboard: str) -> None:
    """Each row splits into exactly as many cells as its table's header."""
    text = (twins[1] / "Dashboards" / f"{dashboard}.md").read_text(encoding="utf-8")
    lines = text.splitlines()
    tables = [t for t in MD.parse(text) if t.type == "table_open"]
    for table in tables:
        assert table.map is not None
        rows = lines[table.map[0]:table.map[1]]
        assert {cells(row) for row in rows} == {cells(rows[0])}, rows
    assert len(tables) == sum(line.startswith("|---") for line in lines)


def test_mermaid_fences_are_exactly_ours(twins: tuple[Path, Path]) -> None:
    """Two pie charts, one quoted label line per status, nothing escapes their fences."""
    plain, hostile = (
        MD.parse((v / "Dashboards" / "Progress.md").read_text(encoding="utf-8")) for v in twins
    )
    fences = [t for t in hostile if t.type == "fence"]
    assert [t.info for t in fences] == ["mermaid", "mermaid"]
    assert [len(t.content.splitlines()) for t in fences] == [
        len(t.content.splitlines()) for t in plain if t.type == "fence"
    ]
    for fence in fences:
        header, *slices = fence.content.splitlines()
        assert header.startswith("pie showData title ")
        for line in slices:
            assert re.fullmatch(r'    "[^"`\\%:]*(%[^"`\\%:]*)*" : \d+', line), line


def test_links_lead_to_the_notes(twins: tuple[Path, Path]) -> None:
    """Every link of every dashboard, wiki or Markdown, finds the file it names."""
    vault = twins[1]
    names = {p.stem for p in vault.rglob("*.md")}
    for dashboard in DASHBOARDS:
        text = (vault / "Dashboards" / f"{dashboard}.md").read_text(encoding="utf-8")
        for token in (c for t in MD.parse(text) if t.type == "inline" for c in t.children or []):
            if token.type == "link_open":
                href = str(token.attrs["href"])
                target = vault / "Dashboards" / os.fsdecode(unquote_to_bytes(href))
                assert target.is_file(), href
        for target in re.findall(r"\[\[([^\]|\\]+)", outside_fences(text)):
            assert target in names or (vault / f"{target}.md").is_file(), target
