"""The cache layer: one envelope and key for every cache file, and the lists' ids kept by their
content — read back without parsing while the lists hold the same bytes, never after."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import RunCli
from tests.helpers import LONG_AGO, add_to_reading_list, age, count_list_parses
from vaultkit import config, lists, model
from vaultkit.commands.build import build_once
from vaultkit.config import Settings
from vaultkit.lists import load_catalog, load_reading_list
from vaultkit.model import Catalog, ListedIds, ReadingList
from vaultkit.vault import cache, list_ids, parallel
from vaultkit.vault.cache import Caches
from vaultkit.vault.list_ids import listed_ids, listed_in_vault, parsed_ahead

READING_LIST = "Lists/Reading list.md"
ANCHOR = "   Why: Foundational intuition for preference-based learning and reward modeling.\n"
NEW_ENTRY = (
    "7. **A source added later**  \n"
    "   [https://example.com/later](https://example.com/later)  \n"
    "   Why: to see the lists' ids change.\n"
)


@pytest.fixture
def vault(seed_vault: Path, tmp_path: Path) -> Path:
    """A copy of the seed vault, every file's mtime long past (so its stamps are trusted)."""
    root = Path(shutil.copytree(seed_vault, tmp_path / "vault", symlinks=True))
    shutil.rmtree(root / ".vaultkit" / "cache", ignore_errors=True)
    age(root)
    return root


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The vaults whose lists were parsed in this process (never in a forked one: see below)."""
    return count_list_parses(monkeypatch)


def fresh(root: Path) -> ListedIds:
    """The ids a parse of the vault's lists finds now, with no cache involved."""
    catalog = load_catalog(root, config.load(root))
    assert catalog is not None
    return listed_ids(catalog)


def backdate(path: Path, seconds: int = LONG_AGO) -> None:
    os.utime(path, (seconds, seconds))


# --- one envelope, one key --------------------------------------------------------------------


def test_every_cache_file_is_one_envelope_of_the_current_format(vault: Path) -> None:
    """After a build, index.json, lists.json and build.json each hold {format, key, data}."""
    build_once(vault, config.load(vault))
    for relative in (cache.INDEX, cache.LISTS, cache.BUILD):
        envelope = json.loads((vault / relative).read_bytes())
        assert sorted(envelope) == ["data", "format", "key"], relative
        assert envelope["format"] == cache.FORMAT


@pytest.mark.parametrize("text", [
    "", "garbage", "[]", '{"format": F}', '{"key": "k", "data": 1}',
    '{"format": F-1, "key": "k", "data": 1}', '{"format": F, "key": "other", "data": 1}',
    '{"format": F, "key": "k"}',
])
def test_a_file_of_another_format_or_key_is_not_loaded(tmp_path: Path, text: str) -> None:
    """`load` hands back data only from an envelope of this format saved under the wanted key."""
    text = text.replace("F-1", str(cache.FORMAT - 1)).replace("F", str(cache.FORMAT))
    (tmp_path / ".vaultkit/cache").mkdir(parents=True)
    (tmp_path / cache.BUILD).write_text(text, encoding="utf-8")
    assert cache.load(tmp_path, cache.BUILD, "k", lambda data: data) is None
    cache.save(tmp_path, cache.BUILD, "k", {"problems": 2})
    assert cache.load(tmp_path, cache.BUILD, "k", lambda data: data) == {"problems": 2}


def test_data_of_another_shape_is_not_loaded(tmp_path: Path) -> None:
    """Data the decoder cannot take (a cache from elsewhere) is None, not an exception."""
    cache.save(tmp_path, cache.LISTS, "k", [1, 2])
    assert cache.load(tmp_path, cache.LISTS, "k", lambda data: data["listed"]) is None


def test_the_key_tells_every_part_apart() -> None:
    """Keys of different parts, or of the same parts in another order, differ."""
    keys = {cache.key("lists", 1, "a", None), cache.key("lists", 1, None, "a"),
            cache.key("lists", 2, "a", None), cache.key("build", 1, "a", None)}
    assert len(keys) == 4
    assert cache.key("lists", 1, "a", None) == cache.key("lists", 1, "a", None)


def test_a_stamp_is_trusted_only_once_its_file_has_been_left_alone(tmp_path: Path) -> None:
    """A file changed in the last two seconds is not `unchanged`, even at the same stamp."""
    path = tmp_path / "note.md"
    path.write_text("text", encoding="utf-8")
    now = cache.stamp(path)
    assert not cache.trusted(now)
    assert not cache.unchanged(now, now)
    backdate(path)
    then = cache.stamp(path)
    assert cache.unchanged(then, cache.stamp(path))
    assert not cache.unchanged(then, None)
    path.write_text("other", encoding="utf-8")
    backdate(path)
    assert not cache.unchanged(then, cache.stamp(path))  # size and ctime differ


# --- the lists' ids ---------------------------------------------------------------------------


def test_lists_json_is_read_back_without_parsing(vault: Path, parses: list[Path]) -> None:
    """A second process (new Caches) takes the ids from lists.json: equal to a fresh parse."""
    settings = config.load(vault)
    first = listed_in_vault(Caches(vault), settings)
    assert (parses, (vault / cache.LISTS).is_file()) == ([vault], True)
    parses.clear()

    again = listed_in_vault(Caches(vault), settings)

    assert parses == []
    assert again == first
    assert again[0] == fresh(vault)


def test_lists_json_of_another_parser_is_not_used(
    vault: Path, parses: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parser's own code is part of the lists' key: after an upgrade that changes it, the
    same list bytes are parsed again, never answered from what the old parser found."""
    settings = config.load(vault)
    listed_in_vault(Caches(vault), settings)
    parses.clear()
    monkeypatch.setattr(list_ids, "_parser_digest", lambda: "a parser changed since")

    listed_in_vault(Caches(vault), settings)

    assert parses == [vault]


def test_the_parser_digest_covers_the_parser_and_the_model() -> None:
    """Every module of `lists/` and the model feed the digest, so an edit to any changes it."""
    package = Path(lists.__file__).parent
    expected = {*package.glob("*.py"), Path(model.__file__)}
    assert set(list_ids.parser_sources()) == expected
    assert {p.name for p in expected} >= {"readlist.py", "syllabus.py", "joins.py", "model.py"}


def test_the_ids_are_kept_in_memory_by_the_caches_object(vault: Path, parses: list[Path]) -> None:
    """The same Caches asked again neither parses nor needs lists.json (a watcher's rebuild)."""
    settings = config.load(vault)
    caches = Caches(vault)
    first = listed_in_vault(caches, settings)
    (vault / cache.LISTS).unlink()
    parses.clear()

    assert listed_in_vault(caches, settings) == first
    assert parses == []
    assert listed_in_vault(Caches(vault), settings) == first  # a new one has to parse
    assert parses == [vault]


@pytest.mark.parametrize("holder", ["a new process", "the same watcher"])
def test_a_changed_list_is_parsed_again(vault: Path, parses: list[Path], holder: str) -> None:
    """After a list gains an entry (its mtime put back), its ids come from a new parse."""
    settings = config.load(vault)
    caches = Caches(vault)
    before = listed_in_vault(caches, settings)[0]
    add_to_reading_list(vault, ANCHOR, ANCHOR + NEW_ENTRY)
    backdate(vault / READING_LIST)
    parses.clear()

    after = listed_in_vault(caches if holder == "the same watcher" else Caches(vault), settings)

    assert parses == [vault]
    assert after[0] == fresh(vault) != before


def test_a_list_edited_at_the_same_size_and_mtime_is_parsed_again(
    vault: Path, parses: list[Path]
) -> None:
    """An edit that keeps the list's size and mtime (its ctime moves) is not missed."""
    settings = config.load(vault)
    caches = Caches(vault)
    listed_in_vault(caches, settings)
    path = vault / READING_LIST
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("DPO paper", "DPX paper", 1), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    parses.clear()

    after = listed_in_vault(caches, settings)

    assert parses == [vault]
    assert after[0] == fresh(vault)


def test_lists_that_change_while_parsed_are_not_kept(
    vault: Path, parses: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A parse that may have seen a list half-saved is used once, never kept for later."""
    settings = config.load(vault)

    def edited_during_the_parse(root: Path, settings: Settings) -> Catalog | None:
        catalog = load_catalog(root, settings)
        add_to_reading_list(vault, ANCHOR, ANCHOR + NEW_ENTRY)
        backdate(vault / READING_LIST)
        return catalog

    monkeypatch.setattr(list_ids, "load_catalog", edited_during_the_parse)
    caches = Caches(vault)
    listed_in_vault(caches, settings)
    assert not (vault / cache.LISTS).exists()
    monkeypatch.undo()

    assert listed_in_vault(caches, settings)[0] == fresh(vault)


def test_a_list_that_cannot_be_read_is_reported_at_every_build(vault: Path) -> None:
    """An unreadable list is never cached: its problem comes from a parse each time."""
    path = vault / READING_LIST
    path.unlink()
    path.mkdir()
    caches = Caches(vault)
    settings = config.load(vault)
    listed, problems = listed_in_vault(caches, settings)
    assert listed is None
    assert [p.path for p in problems] == [READING_LIST]
    assert not (vault / cache.LISTS).exists()
    assert listed_in_vault(caches, settings) == (listed, problems)


def test_parsed_ahead_parses_in_a_forked_child(
    vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no ids kept, a cold build's lists are parsed by a child while the notes are read:
    this process never parses them, and the ids it keeps equal a fresh parse."""
    calls: list[Path] = []

    def counting(root: Path, settings: Settings) -> Catalog | None:
        calls.append(root)  # in the child, this list is the child's copy
        return load_catalog(root, settings)

    monkeypatch.setattr(list_ids, "load_catalog", counting)
    # Left-over threads of earlier tests (observers winding down) must not turn this into an
    # in-process parse: the child only parses, and holds no lock the threads could.
    monkeypatch.setattr(parallel, "can_fork", lambda: True)
    settings = config.load(vault)
    caches = Caches(vault)

    with parsed_ahead(caches, settings):
        pass
    listed = listed_in_vault(caches, settings)

    assert calls == []
    assert listed[0] == fresh(vault)
    assert (vault / cache.LISTS).is_file()


# --- init's ids -------------------------------------------------------------------------------


def test_init_hands_its_parse_to_the_build(
    tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`init` parsed the lists: the build it ends with does not parse them again, and a later
    build takes the same ids from lists.json."""
    calls = count_list_parses(monkeypatch)
    vault = tmp_path / "vault"
    assert run_cli("init", vault).exit_code == 0
    assert calls == []

    listed = listed_in_vault(Caches(vault), config.load(vault))

    assert calls == []
    assert listed == (fresh(vault), [])


def test_init_keeps_the_entries_its_parser_skipped_as_problems(
    tmp_path: Path, run_cli: RunCli
) -> None:
    """A list entry skipped at `init` is in Problems.md at once, as a cold build shows it."""
    reading = tmp_path / "reading.md"
    reading.write_text(
        "# Reading\n\n## 1. Basics\n\n"
        "1. **Good paper** - [link](https://example.com/a)\n   Why: because.\n"
        "2. **No link here**\n   Why: because.\n",
        encoding="utf-8",
    )
    questions = tmp_path / "questions.md"
    questions.write_text("# Questions\n\n## 1. Basics\n\n* What is a thing?\n", encoding="utf-8")
    vault = tmp_path / "vault"
    init = run_cli("init", vault, "--readlist", reading, "--questions", questions)
    assert init.exit_code == 0, init.output
    problems = (vault / "Dashboards/Problems.md").read_bytes()
    assert b"entry 'No link here' has no http(s) link; skipped" in problems

    shutil.rmtree(vault / ".vaultkit" / "cache")
    build = run_cli("build", vault)

    assert "Dashboards unchanged." in build.stdout
    assert (vault / "Dashboards/Problems.md").read_bytes() == problems


def test_init_caches_the_ids_of_the_list_it_copied_in(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A list saved while `init` parses it: the ids `init` caches are those of the bytes it
    copied into the vault, so `check` says what a check without any cache says."""
    from tests.test_problems import READLIST, SYLLABUS  # noqa: PLC0415 - two small lists

    readlist, syllabus = tmp_path / "readlist.md", tmp_path / "questions.md"
    readlist.write_text(READLIST, encoding="utf-8")
    syllabus.write_text(SYLLABUS, encoding="utf-8")

    def saved_meanwhile(path: Path, data: bytes | None = None) -> ReadingList:
        parsed = load_reading_list(path, data)
        text = readlist.read_text(encoding="utf-8")
        readlist.write_text(text[: text.index("2. **Alpha Two**")], encoding="utf-8")
        return parsed

    monkeypatch.setattr("vaultkit.commands.init.load_reading_list", saved_meanwhile)
    vault = tmp_path / "vault"
    made = run_cli("init", vault, "--readlist", readlist, "--questions", syllabus)
    assert made.exit_code == 0, made.output
    age(vault)

    cached = run_cli("check", vault)
    shutil.rmtree(vault / ".vaultkit" / "cache")
    cold = run_cli("check", vault)
    assert (cached.exit_code, cached.output) == (cold.exit_code, cold.output)
