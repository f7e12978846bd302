"""The files shipped in `vault_template/`: the default lists, note templates, Obsidian types.

Note bodies are Jinja templates so their wording can change without touching code; the
frontmatter is never templated (see `frontmatter.render_note`), because YAML built from strings
breaks on the first title with a colon in it.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib.resources import files
from pathlib import Path

import jinja2

from vaultkit.errors import TemplatesMissingError

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|$])")


@cache
def template_root() -> Path:
    """`vault_template/`, package data found through importlib.resources.

    The folder lives inside the package (the project root links to it), so a source checkout,
    an editable install and a wheel all find it the same way.
    """
    root = Path(str(files("vaultkit"))) / "vault_template"
    if not root.is_dir():
        raise TemplatesMissingError(root)
    return root


def template_bytes(relative: str) -> bytes:
    return (template_root() / relative).read_bytes()


def shipped_list(name: str) -> Path:
    """One of the default lists: `Reading list.md` or `Question syllabus.md`."""
    return template_root() / "lists" / name


def render_template(name: str, **context: object) -> str:
    return _environment().get_template(name).render(**context)


def escape_markdown(text: str) -> str:
    """Plain text (a title) made safe to show in Markdown: no accidental emphasis or links."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


@cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_root() / "templates"),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # noqa: S701 - the output is Markdown, not HTML; titles go through |md
    )
    environment.filters["md"] = escape_markdown
    environment.filters["toml"] = _toml_value
    return environment


def _toml_value(value: object) -> str:
    """A TOML string or array of strings: JSON's escapes are valid TOML basic-string escapes."""
    if isinstance(value, tuple):
        value = list(value)
    return json.dumps(value, ensure_ascii=False)
