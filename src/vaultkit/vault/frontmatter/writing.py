"""Writing frontmatter: the notes vaultkit writes, through python-frontmatter's `Post` and
`dumps`, and the seal (`content_hash`) through which a dashboard vouches for its own text."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping

import yaml
from frontmatter import Post, dumps
from frontmatter.default_handlers import SafeDumper, YAMLHandler

from vaultkit.vault.frontmatter.reading import implicit_tag

SEAL = "content_hash"
"""The property through which a note vouches for its own text (see `render_sealed`)."""
_SEAL_LINE = re.compile(rf"^{SEAL}:[ \t]*['\"]?([0-9a-f]+)['\"]?[ \t]*$", re.M)


class _ObsidianLayout(YAMLHandler):
    """python-frontmatter's YAML handler, with the body right after the closing fence: its own
    layout puts a blank line there and strips the body's last newline."""

    def format(self, post: Post, **kwargs: object) -> str:
        """The note's text: `---`, the properties as YAML, `---`, the body as given."""
        return f"---\n{self.export(post.metadata, **kwargs)}\n---\n{post.content}"

    def export(self, metadata: dict[str, object], **kwargs: object) -> str:
        """The properties as YAML, as the library's `export` writes them but for its `strip()`,
        which would also cut a last value's trailing Unicode space (U+3000, U+00A0)."""
        kwargs.setdefault("Dumper", SafeDumper)
        kwargs.setdefault("default_flow_style", False)
        kwargs.setdefault("allow_unicode", True)
        return str(yaml.dump(metadata, **kwargs)).removesuffix("\n")  # type: ignore[call-overload]


class _Bare(str):
    """Text written without quotes even where YAML reads a number: a seal, as vaultkit always
    wrote it (`content_hash: 0123…`, read back by `_SEAL_LINE`, never by YAML)."""

    __slots__ = ()


def _represent_bare(dumper: yaml.representer.SafeRepresenter, value: _Bare) -> yaml.Node:
    text = str(value)  # libyaml's emitter takes `str` itself, not a subclass
    return dumper.represent_scalar(implicit_tag(text), text)


# Subclasses, so that the representer is ours alone and the library's dumpers stay as they are.
_DUMPER: type[yaml.representer.SafeRepresenter] = type("_Dumper", (SafeDumper,), {})
_DUMPER.add_representer(_Bare, _represent_bare)
# libyaml's emitter escapes every character beyond U+FFFF (an emoji: "\U0001F3AF") even with
# `allow_unicode`; PyYAML's own emitter writes it as itself. It is slower, so it writes only the
# notes that hold such a character: every other note keeps libyaml's bytes.
_WIDE_DUMPER: type[yaml.representer.SafeRepresenter] = type(
    "_WideDumper", (yaml.SafeDumper,), {}
)
_WIDE_DUMPER.add_representer(_Bare, _represent_bare)
_BEYOND_BMP = re.compile("[\U00010000-\U0010FFFF]")
_CODEC = _ObsidianLayout()


def render_note(properties: Mapping[str, object], body: str) -> str:
    """A note's text: frontmatter in the given key order, a blank-free `---` fence, the body.

    Written with the safe dumper, so any title (`yes`, `: x`, `[[y]]`, `"`) comes out as a
    string that reads back as the same text; never folded, as Obsidian's editor expects.
    """
    post = Post(body.lstrip("\n"))
    post.metadata.update(properties)  # not as keywords: a property may be named `content`
    dumper = _WIDE_DUMPER if _holds_wide(properties) else _DUMPER
    return dumps(post, _CODEC, Dumper=dumper, sort_keys=False, width=2**31 - 1)


def _holds_wide(value: object) -> bool:
    """True when a key or value, at any depth, holds a character beyond U+FFFF."""
    if isinstance(value, str):
        return _BEYOND_BMP.search(value) is not None
    if isinstance(value, Mapping):
        return any(_holds_wide(k) or _holds_wide(v) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return any(_holds_wide(item) for item in value)
    return False


def render_sealed(properties: Mapping[str, object], body: str) -> str:
    """`render_note`, with a `content_hash` property after `id`: the hash of the note as it
    would be without that property. `unedited` then tells the note as written from one edited
    since (a line added, a property such as `cssclasses` set)."""
    items = list(properties.items())
    at = next((n + 1 for n, (key, _) in enumerate(items) if key == "id"), len(items))
    items.insert(at, (SEAL, _Bare(content_hash(render_note(properties, body)))))
    return render_note(dict(items), body)


def content_hash(text: str) -> str:
    """Hash of a note's text without its seal line; line endings do not count."""
    return hashlib.sha256(text.replace("\r\n", "\n").encode("utf-8")).hexdigest()[:16]


def unedited(data: bytes) -> bool:
    """True when the file is a note as `render_sealed` wrote it: its text matches its seal."""
    text = data.decode("utf-8", errors="replace").replace("\r\n", "\n")
    end = text.find("\n---\n", 3)
    match = _SEAL_LINE.search(text, 0, end) if text.startswith("---\n") and end > 0 else None
    if match is None:
        return False
    without = text[: match.start()] + text[match.end() + 1:]
    return match.group(1) == content_hash(without)


def sealed_hash(data: bytes) -> str | None:
    """The seal of a note as `render_sealed` wrote it, byte for byte; else None. (A copy with
    CRLF line ends is `unedited`, but not the bytes written: the next build writes it again.)"""
    if not unedited(data):
        return None
    match = _SEAL_LINE.search(data.decode("utf-8", errors="replace"))
    return match.group(1) if match else None
