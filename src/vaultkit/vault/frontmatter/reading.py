"""Reading frontmatter: found, bounded, checked for bombs, then parsed by YAML's safe loader.

libyaml segfaults on deeply nested input (~50,000 `[`, or as many compact `- - -`) and YAML
aliases can expand without bound when a value is traversed, so `parse` lets the loader (that of
python-frontmatter's YAML handler, libyaml's when present) see a frontmatter only after cheap
checks that never backtrack.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import yaml
from frontmatter.default_handlers import YAMLHandler

LIMIT_BYTES = 64 * 1024
"""Frontmatter larger than this is not parsed: no real note needs it, and it bounds the work."""
MAX_DEPTH = 32
"""Deepest nesting of flow collections or compact block sequences we let the parser see."""
MAX_INDENT = 256

# Quoted scalars and comments hold text, never structure: removed before looking for it.
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
# No pattern here can backtrack over a run it matched (possessive `*+`, or a run that only its
# own terminator ends), so each costs time linear in the frontmatter, whatever its lines hold.
_COMPACT = re.compile(rf"^[ \t]*+(?:[-?:][ \t]++){{{MAX_DEPTH + 1},}}", re.M)
_DEEP_INDENT = re.compile(rf"^ {{{MAX_INDENT + 1},}}+\S", re.M)
_MAYBE_ALIAS = re.compile(r"(?:^|[\s\[\]{},])[&*][^\s\[\]{},]")
# A top-level `key: value` line: the key runs to the line's first colon, which must be followed
# by a blank or the line's end. (A lazy key followed by `[ \t]*:` retried the blanks after every
# character of a long line without a colon: quadratic.)
_TOP_KEY = re.compile(r"^([^\s#'\"\-?:][^:\n]*+):(?:[ \t]|$)", re.M)
_CLOSING_FENCE = re.compile(r"^---[ \t]*+\r?$", re.M)


_LOADER = YAMLHandler()
"""python-frontmatter's YAML handler: its `load` is the safe loader (libyaml's when present)."""


class FrontmatterError(Exception):
    """Frontmatter that cannot be used; `line` is 1-based in the note file."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True, slots=True)
class Split:
    """A note cut at its frontmatter fences."""

    frontmatter: str | None
    """The YAML between the fences, or None when the note has no frontmatter."""
    body: str
    body_line: int
    """1-based line of the note where the body starts."""


def split(text: str) -> Split:
    """Obsidian's rule: frontmatter only when `---` is the very first line, up to the next `---`.

    Raises FrontmatterError for an opening fence that is never closed.
    """
    if not text.startswith("---"):
        return Split(None, text, 1)
    first_end = text.find("\n")
    if first_end == -1 or text[3:first_end].strip():
        return Split(None, text, 1)  # "---" then text on the same line: not a fence
    start = first_end + 1
    match = _CLOSING_FENCE.search(text, start)
    if match is None:
        raise FrontmatterError("frontmatter opened on line 1 is never closed with `---`", 1)
    end = match.start()
    after = text.find("\n", match.end())
    body = "" if after == -1 else text[after + 1:]
    front = text[start:end]
    return Split(front, body, 2 + front.count("\n") + 1)


def parse(front: str) -> dict[str, object]:
    """The frontmatter as a mapping, or FrontmatterError with the line of the fault."""
    admit(front)
    try:
        data: object = _LOADER.load(front)  # its safe loader, C or Python
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 2 if mark is not None else 1
        raise FrontmatterError(f"broken YAML: {exc.problem or exc.context}", line) from None
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
        raise FrontmatterError(f"broken YAML: {exc}", 1) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else "a single value"
        raise FrontmatterError(f"frontmatter is {kind}, not properties (`key: value` lines)", 2)
    return {str(key): value for key, value in data.items()}


def duplicate_keys(front: str) -> list[tuple[str, int, int]]:
    """Top-level keys written twice: (key, first line, repeated line). YAML keeps the last."""
    seen: dict[str, int] = {}
    repeats: list[tuple[str, int, int]] = []
    line, counted = 2, 0  # lines counted from the last key on, not from the top for each key
    for match in _TOP_KEY.finditer(front):
        key = match.group(1).strip()
        line += front.count("\n", counted, match.start())
        counted = match.start()
        if key in seen:
            repeats.append((key, seen[key], line))
        else:
            seen[key] = line
    return repeats


RawValue = str | list[str] | None


def raw_values(front: str) -> dict[str, RawValue]:
    """Top-level values as the user typed them, before YAML 1.1 typed them (`yes`, `12:30`).

    Uses PyYAML's pure-Python composer, which resolves no types; only called for the rare note
    whose text fields did not load as text, and only after `parse` accepted the frontmatter.
    When a key repeats, the last one wins, as in `parse`.
    """
    try:
        root = yaml.compose(front, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    found: dict[str, RawValue] = {}
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if isinstance(value, yaml.ScalarNode):
                found[str(key.value)] = str(value.value)
            elif isinstance(value, yaml.SequenceNode):
                found[str(key.value)] = [
                    str(item.value) for item in value.value if isinstance(item, yaml.ScalarNode)
                ]
            else:
                found[str(key.value)] = None
    return found


def key_line(front: str, key: str) -> int | None:
    """1-based line in the note of a top-level key; its last occurrence, the one that counts."""
    matches = list(re.finditer(rf"^{re.escape(key)}[ \t]*:", front, re.M))
    return None if not matches else front.count("\n", 0, matches[-1].start()) + 2


def as_text(value: object, typed: RawValue) -> str | None:
    """A scalar property as text, as the user typed it when YAML gave it another type.

    `typed` is the key's entry in `raw_values`. None for a missing, null or blank value, and
    for a list or a mapping, which are not text.
    """
    if value is None or isinstance(value, list | dict):
        return None
    if isinstance(value, str):
        return value.strip() or None
    return typed.strip() or None if isinstance(typed, str) else str(value)


def admit(front: str) -> None:
    """Refuse, with FrontmatterError, what the YAML loader must never see."""
    if len(front.encode("utf-8")) > LIMIT_BYTES:
        raise FrontmatterError(
            f"frontmatter is larger than {LIMIT_BYTES // 1024} KiB; not read", 1
        )
    _refuse_bombs(front)


def _refuse_bombs(front: str) -> None:
    # Counted over the raw text, quotes and all: telling quoted text from structure is the
    # parser's job, and a cheap imitation of it is exactly what a hostile note would fool.
    # A real title holds a few brackets, never 32 levels of them.
    depth = deepest = 0
    brackets = front.count("[") + front.count("{")
    for bracket in _NOT_BRACKET.sub("", front) if brackets > MAX_DEPTH else "":
        depth = depth + 1 if bracket in "[{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            raise FrontmatterError(f"frontmatter nests deeper than {MAX_DEPTH} levels; not read")
    compact = front.count("- ") + front.count("? ") + front.count(": ") > MAX_DEPTH
    if (compact and _COMPACT.search(front)) or (
        " " * MAX_INDENT in front and _DEEP_INDENT.search(front)
    ):
        raise FrontmatterError(f"frontmatter nests deeper than {MAX_DEPTH} levels; not read")
    if ("&" in front or "*" in front) and _MAYBE_ALIAS.search(front) and _has_alias(front):
        raise FrontmatterError(
            "frontmatter uses YAML anchors or aliases (&name, *name); not read"
        )


def _has_alias(front: str) -> bool:
    """Ask PyYAML's pure-Python scanner, which tokenises without building or recursing."""
    try:
        for token in yaml.scan(front, Loader=yaml.SafeLoader):
            if isinstance(token, (yaml.AliasToken, yaml.AnchorToken)):
                return True
    except yaml.YAMLError:
        return False  # the real parse reports the syntax error with its line
    return False


# --- YAML's implicit types, for readers that skip the parser ----------------------------


STR_TAG, NULL_TAG, _DATE = (f"tag:yaml.org,2002:{tag}" for tag in ("str", "null", "timestamp"))
_LOADS_SURELY = {  # typed values that always load: `0b_`, 5,000 digits or `2024-13-45` may not
    "tag:yaml.org,2002:bool": re.compile(r".+"),
    "tag:yaml.org,2002:int": re.compile(r"[-+]?(?:0|[1-9][0-9]{0,17})"),
    "tag:yaml.org,2002:float": re.compile(r"[-+]?[0-9]{1,18}\.[0-9]{0,18}"),
    _DATE: re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"),  # and a real day: see `_loads_surely`
}
_RESOLVER = yaml.resolver.Resolver()
# Plain text whose first character starts no implicit type (PyYAML files them by it) is text.
_TYPED_FIRST = frozenset(yaml.resolver.Resolver.yaml_implicit_resolvers)


def implicit_tag(text: str) -> str:
    """The tag YAML gives `text` written plain: `tag:yaml.org,2002:str`, `…:int`, `…:null`…"""
    if text[:1] not in _TYPED_FIRST and None not in _TYPED_FIRST:
        return STR_TAG
    return str(_RESOLVER.resolve(yaml.ScalarNode, text, (True, False)))  # type: ignore[no-untyped-call]


def loads_surely(tag: str, value: str) -> bool:
    pattern = _LOADS_SURELY.get(tag)
    if pattern is None or not pattern.fullmatch(value):
        return False
    try:
        return tag != _DATE or bool(datetime.date.fromisoformat(value))
    except ValueError:  # a day that does not exist, as for YAML's loader
        return False
