"""The overview: the rows `status` prints and the Progress dashboard shows, and the
`status --json` document, on a vault that has been studied."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import RunCli
from tests.helpers import notes_of_kind, set_status, split_note, status_json
from tests.test_commands import MEGATRON, TOPIC_5
from vaultkit.cli import main
from vaultkit.report.overview import SCHEMA, bar

# `  Sources read       ██░░░░░░░░ 16%   37/226`
STATUS_ROW = re.compile(r"^  (\S+(?: \S+)*) {2,}(\S+ \d+%|—) +(\d+)/(\d+)$")
# `| Sources read | 37 | 226 | ██░░░░░░░░ 16% |`
DASHBOARD_ROW = re.compile(r"^\| ([^|]+) \| (\d+) \| (\d+) \| ([^|]+) \|$")

DOCUMENT_KEYS = {
    "schema", "vault", "vault_absolute", "sources", "questions", "topics_covered",
    "topics_required", "topics", "problems",
}
TOPIC_KEYS = {
    "name", "title", "path", "tier", "optional", "sources", "read", "core", "practitioner",
    "summary", "questions", "covered",
}


def study(vault: Path) -> None:
    """Cover topic 5 (its sources read, its questions refined, a five-line summary), read two
    sources and draft three questions elsewhere, and give one source an unknown status."""
    topic = f"[[{TOPIC_5}]]"
    elsewhere_read = elsewhere_drafted = 0
    for source in notes_of_kind(vault, "source"):
        if split_note(source)[0].get("topic") == topic:
            set_status(source, "read")
        elif elsewhere_read < 2 and source != vault / MEGATRON:
            set_status(source, "read")
            elsewhere_read += 1
    for question in notes_of_kind(vault, "question"):
        if split_note(question)[0].get("topic") == topic:
            set_status(question, "refined")
        elif elsewhere_drafted < 3:
            set_status(question, "drafted")
            elsewhere_drafted += 1
    hub = vault / "Topics" / f"{TOPIC_5}.md"
    text = hub.read_text(encoding="utf-8")
    assert text.count("\n## Summary\n") == 1
    lines = "".join(f"Summary line {n}.\n" for n in range(1, 6))
    hub.write_text(text.replace("\n## Summary\n", f"\n## Summary\n{lines}"), encoding="utf-8")
    set_status(vault / "Sources" / "ZeRO paper.md", "finished")


@pytest.fixture(scope="module")
def studied(seed_vault: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the seed vault after `study` and a build."""
    vault = Path(shutil.copytree(seed_vault, tmp_path_factory.mktemp("overview") / "vault",
                                 symlinks=True))
    study(vault)
    result = CliRunner().invoke(main, ["build", str(vault)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return vault


def status_rows(run_cli: RunCli, vault: Path) -> list[tuple[str, int, int, str]]:
    """(label, done, total, bar) of each overall row `vaultkit status` prints."""
    result = run_cli("status", vault)
    assert result.exit_code == 0, result.output
    rows = []
    for line in result.stdout.splitlines()[1:]:
        if not line:
            break  # the totals end at the first blank line
        match = STATUS_ROW.match(line)
        assert match is not None, line
        label, shown_bar, done, total = match.groups()
        rows.append((label, int(done), int(total), shown_bar))
    return rows


def dashboard_rows(vault: Path) -> list[tuple[str, int, int, str]]:
    """(label, done, total, bar) of each row of the Progress dashboard's Overall table."""
    text = (vault / "Dashboards" / "Progress.md").read_text(encoding="utf-8")
    overall = text[text.index("## Overall\n"):text.index("\n\n", text.index("|---|"))]
    rows = []
    for line in overall.splitlines()[4:]:
        match = DASHBOARD_ROW.match(line)
        assert match is not None, line
        label, done, total, shown_bar = match.groups()
        rows.append((label, int(done), int(total), shown_bar))
    return rows


def test_status_prints_the_progress_dashboards_rows(run_cli: RunCli, studied: Path) -> None:
    """`status` prints the Progress dashboard's overall rows, label, figures and bar alike;
    the dashboard adds only the optional topics' row."""
    printed = status_rows(run_cli, studied)
    on_the_dashboard = dashboard_rows(studied)

    assert printed == on_the_dashboard[:4]
    assert [label for label, *_ in on_the_dashboard] == [
        "Sources read", "Questions drafted", "Questions refined", "Topics covered",
        "Optional topics covered",
    ]
    # Every figure is one the study changed: equal rows are not equal by being all zero.
    assert all(done > 0 for _, done, _, _ in printed), printed


def test_status_json_counts_agree_with_the_dashboard(run_cli: RunCli, studied: Path) -> None:
    """The document's totals are the Progress dashboard's rows, in numbers."""
    document = status_json(run_cli, studied)
    figures = {label: (done, total) for label, done, total, _ in dashboard_rows(studied)}

    sources, questions = document["sources"], document["questions"]
    assert figures["Sources read"] == (sources["read"], sources["total"])
    assert figures["Questions drafted"] == (questions["drafted"], questions["total"])
    assert figures["Questions refined"] == (questions["refined"], questions["total"])
    assert figures["Topics covered"] == (document["topics_covered"],
                                         document["topics_required"])
    required = [t for t in document["topics"] if not t["optional"]]
    assert document["topics_covered"] == sum(t["covered"] for t in required) == 1
    assert sum(sources["by_status"].values()) == sources["total"]


def test_status_json_document(
    run_cli: RunCli, studied: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The document: `schema` 1, the vault as given and absolute, exactly the documented keys
    at each level, and one entry per problem."""
    monkeypatch.chdir(studied.parent)
    given = Path("vault/../vault")  # relative, and not in its shortest form

    document = status_json(run_cli, given)

    assert document["schema"] == SCHEMA == 1
    assert document["vault"] == "vault/../vault"
    assert document["vault_absolute"] == str(studied.resolve())
    assert set(document) == DOCUMENT_KEYS
    assert set(document["sources"]) == {"total", "read", "by_status"}
    assert set(document["questions"]) == {"total", "drafted", "refined", "by_status"}
    topics = document["topics"]
    assert len(topics) == 23
    for topic in topics:
        assert set(topic) == TOPIC_KEYS
        assert set(topic["core"]) == set(topic["practitioner"]) == {"read", "total", "ok"}
        assert set(topic["summary"]) == {"lines", "ok"}
        assert set(topic["questions"]) == {"total", "drafted", "refined", "target", "ok"}
    (covered,) = [t for t in topics if t["covered"]]
    assert covered["name"] == TOPIC_5
    assert covered["summary"] == {"lines": 5, "ok": True}
    problems = document["problems"]
    assert {"path": "Sources/ZeRO paper.md", "line": 11,
            "message": "status 'finished' is not one of: unread, reading, read, summarized, "
                       "skipped"} in problems
    assert all(set(problem) == {"path", "line", "message"} for problem in problems)


@pytest.mark.parametrize(
    ("done", "total", "expected"),
    [
        (0, 0, "—"),
        (0, 63, "░░░░░░░░░░ 0%"),
        (37, 226, "██░░░░░░░░ 16%"),
        (3, 5, "██████░░░░ 60%"),
        (5, 5, "██████████ 100%"),
    ],
)
def test_bar(done: int, total: int, expected: str) -> None:
    """Ten cells filled in proportion, then the rounded percentage; a dash when there is
    nothing to count."""
    assert bar(done, total) == expected
