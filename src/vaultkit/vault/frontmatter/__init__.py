"""A note's YAML frontmatter: found, parsed, written and sealed, safe from a hostile note.

The only code of ours that imports PyYAML or python-frontmatter. Reading (`reading`), writing
and sealing (`writing`), and the fast identity reader (`identity_scan`) each have a module; callers
use the names re-exported here.
"""

from vaultkit.vault.frontmatter.identity_scan import Identity, identity
from vaultkit.vault.frontmatter.reading import (
    LIMIT_BYTES,
    MAX_DEPTH,
    MAX_INDENT,
    FrontmatterError,
    RawValue,
    Split,
    as_text,
    duplicate_keys,
    key_line,
    parse,
    raw_values,
    split,
)
from vaultkit.vault.frontmatter.writing import (
    SEAL,
    content_hash,
    render_note,
    render_sealed,
    sealed_hash,
    unedited,
)

__all__ = [
    "LIMIT_BYTES",
    "MAX_DEPTH",
    "MAX_INDENT",
    "SEAL",
    "FrontmatterError",
    "Identity",
    "RawValue",
    "Split",
    "as_text",
    "content_hash",
    "duplicate_keys",
    "identity",
    "key_line",
    "parse",
    "raw_values",
    "render_note",
    "render_sealed",
    "sealed_hash",
    "split",
    "unedited",
]
