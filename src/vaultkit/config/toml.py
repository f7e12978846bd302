"""`vaultkit.toml`'s text → its TOML document, bombs refused before tomllib sees them.

A file of settings comes from anywhere (a synced folder, a shared vault): text that would make
tomllib recurse past Python's limit or run for minutes is refused, each with its line.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from vaultkit.errors import ConfigError

MAX_DEPTH = 16
"""Deepest nesting of arrays and inline tables we let tomllib see; valid settings need 2."""
MAX_DOTS = 32
"""Most `.` on one line outside strings: a key's parts (valid settings need 2), or numbers."""
_SPECIAL = re.compile(r"[\[\]{}#\"'.\n]")
# A string's content, matched from just after its opening quote(s) up to where it closes. Each
# always matches (no backtracking); where the string is not closed, tomllib says so.
_BODIES = {
    '"': re.compile(r'(?:[^"\\\n]+|\\.)*'),
    "'": re.compile(r"[^'\n]*"),
    '"""': re.compile(r'(?:[^"\\]+|\\.|"(?!""))*', re.S),
    "'''": re.compile(r"(?:[^']+|'(?!''))*"),
}


def parse(text: str, path: Path) -> dict[str, object]:
    """The TOML document, or a ConfigError naming `path`; bombs are refused before tomllib.

    tomllib recurses once per nested array or inline table (`x = [[[…]]]` 5,000 deep ends in
    a RecursionError) and takes time quadratic in a dotted key's parts (`a.a.a…` over 100 KB
    runs for minutes), so both are bounded first; RecursionError is caught as well.
    """
    _refuse_bombs(text, path)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, f"is not valid TOML: {exc}", getattr(exc, "lineno", None)) from None
    except RecursionError:
        raise ConfigError(path, "nests arrays or tables too deeply") from None
    except ValueError:  # tomllib's only other error: an integer past Python's 4,300 digits
        raise ConfigError(path, "holds a number with too many digits to read") from None


def _refuse_bombs(text: str, path: Path) -> None:
    """A ConfigError where `[`/`{` nest deeper than MAX_DEPTH or a line holds more than
    MAX_DOTS dots, strings and comments aside.

    One pass, each step jumping to the next character that matters: linear on any input.
    """
    if text.count("[") + text.count("{") <= MAX_DEPTH and text.count(".") <= MAX_DOTS:
        return
    depth = dots = 0
    pos = 0
    while (match := _SPECIAL.search(text, pos)) is not None:
        char, start = match.group(), match.start()
        if char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise ConfigError(path, f"nests arrays or tables more than {MAX_DEPTH} deep",
                                  text.count("\n", 0, start) + 1)
        elif char in "]}":
            depth = max(0, depth - 1)
        elif char == ".":
            dots += 1
            if dots > MAX_DOTS:
                raise ConfigError(path, f"has more than {MAX_DOTS} dots on a line outside "
                                  "quotes; dotted keys that long are refused",
                                  text.count("\n", 0, start) + 1)
        elif char == "\n":
            dots = 0
        elif char == "#":
            start = text.find("\n", start) - 1  # the newline itself is seen next
            if start < 0:
                return
        else:
            start = _string_end(text, start)
        pos = start + 1


def _string_end(text: str, start: int) -> int:
    """Where the TOML string opening at `start` ends: its last quote, or where it breaks off."""
    quote = text[start] * 3 if text.startswith(text[start] * 3, start) else text[start]
    body = _BODIES[quote].match(text, start + len(quote))
    end = body.end() if body is not None else len(text)
    if len(quote) == 1:  # closed by its quote, or broken off at a line's end (tomllib says so)
        return end if text.startswith(quote, end) else end - 1
    # `a""""` ends a multi-line string whose text ends with a quote: the last three close it.
    run = 0
    while run < 5 and text.startswith(quote[0], end + run):
        run += 1
    return end + run - 1 if run >= 3 else len(text)
