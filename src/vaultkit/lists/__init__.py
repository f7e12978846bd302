"""The user's lists, read from Markdown files into the model.

`parse_*` are pure functions of the text; `load_*` read a file and turn every way it can be
unusable into a `ListError` that names the file and, where there is one, the line.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from vaultkit.config import Settings
from vaultkit.errors import ListError
from vaultkit.files.reads import NotRegularError, TooLargeError, read_file
from vaultkit.lists._marks import unknown_marks
from vaultkit.lists._reasons import question_reasons, reading_reasons
from vaultkit.lists.joins import combine
from vaultkit.lists.readlist import parse as parse_reading_list
from vaultkit.lists.syllabus import parse as parse_syllabus
from vaultkit.model import Catalog, ListWarning, ReadingList, Syllabus

__all__ = [
    "load_catalog",
    "load_reading_list",
    "load_syllabus",
    "parse_reading_list",
    "parse_syllabus",
    "read_list_bytes",
    "read_list_text",
]

LIST_LIMIT = 16 << 20
"""Bytes of a list we read at most: ~35,000 entries, far beyond any real list (the shipped one
is 30 KiB). Parsing costs ~1 s and ~30 MB a MiB, so the bound also bounds time and memory."""

_READING_SHAPES = (
    "expected numbered entries like `1. **Title**` with a link and a `Why:` line, "
    "or bullets like `- [Title](https://…) - note`"
)
_SYLLABUS_SHAPES = (
    "expected `*` or numbered question items under section headings, "
    "like `* What does DPO optimise?` or `1. [E] What is a gradient?`"
)


def load_reading_list(path: Path, data: bytes | None = None) -> ReadingList:
    """Read and parse a reading list (`data`: its bytes, when the caller has read them already:
    what is parsed is then exactly what the caller keeps). No sources at all is an error."""
    text = read_list_text(path, data)
    reading = parse_reading_list(text)
    if not reading.sources:
        reasons = reading_reasons(text, reading.warnings)
        raise ListError(path, f"no sources found; {_READING_SHAPES}{_listed(reasons)}")
    return dataclasses.replace(reading, warnings=_with_unknown_marks(reading.warnings, text))


def load_syllabus(path: Path, data: bytes | None = None) -> Syllabus:
    """Read and parse a question syllabus (`data` as for `load_reading_list`); a syllabus with
    no questions is an error."""
    text = read_list_text(path, data)
    syllabus = parse_syllabus(text)
    if not syllabus.questions:
        reasons = question_reasons(text, syllabus.warnings)
        raise ListError(path, f"no questions found; {_SYLLABUS_SHAPES}{_listed(reasons)}")
    return dataclasses.replace(syllabus, warnings=_with_unknown_marks(syllabus.warnings, text))


def _with_unknown_marks(warnings: tuple[ListWarning, ...], text: str) -> tuple[ListWarning, ...]:
    return tuple(sorted((*warnings, *unknown_marks(text)), key=lambda w: w.line))


def _listed(reasons: list[ListWarning]) -> str:
    """Every line that was not an entry, one a line, under the error that names the list."""
    return "".join(f"\n  line {w.line}: {w.message}" for w in reasons)


def read_list_bytes(path: Path) -> bytes:
    """The file's bytes, at most `LIST_LIMIT`, or a `ListError` saying why not.

    Only a regular file is read (a FIFO would block, `/dev/zero` never ends).
    """
    try:
        return read_file(path, LIST_LIMIT)
    except IsADirectoryError:
        raise ListError(path, "is a directory, not a list file") from None
    except FileNotFoundError:
        raise ListError(path, "no such file") from None
    except (NotRegularError, TooLargeError) as exc:
        raise ListError(path, str(exc.strerror)) from None
    except OSError as exc:
        raise ListError(path, f"cannot be read: {exc.strerror or exc}") from None


def read_list_text(path: Path, data: bytes | None = None) -> str:
    """The file's text (UTF-8, with or without a BOM), or a `ListError` saying why not; from
    `data` when given, else read from the file."""
    data = read_list_bytes(path) if data is None else data
    if b"\0" in data:
        line = data[: data.index(b"\0")].count(b"\n") + 1
        raise ListError(path, "holds binary data (a NUL byte), not Markdown text", line)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ListError(
            path, f"is not UTF-8 text (byte 0x{data[exc.start]:02x}); save it as UTF-8", line
        ) from None
    if not text.strip():
        raise ListError(path, "is empty")
    return text


def load_catalog(root: Path, settings: Settings) -> Catalog | None:
    """What the lists inside the vault describe; None when the vault holds neither list.

    A list that is present but unusable raises `ListError`; a missing one counts as empty.
    """
    reading_path = root / settings.reading_list
    syllabus_path = root / settings.syllabus
    if not reading_path.exists() and not syllabus_path.exists():
        return None
    reading = load_reading_list(reading_path) if reading_path.exists() else ReadingList((), ())
    syllabus = load_syllabus(syllabus_path) if syllabus_path.exists() else Syllabus((), ())
    catalog = combine(reading, syllabus, settings.topics)
    warnings = (
        *((settings.reading_list, w) for w in reading.warnings),
        *((settings.syllabus, w) for w in syllabus.warnings),
        *catalog.warnings,  # `[topics]` lines that join nothing
    )
    return dataclasses.replace(catalog, warnings=warnings)
