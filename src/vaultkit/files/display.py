"""Text that can always be shown: file names that are not UTF-8, written so they can be printed.

On Linux a file name is bytes; Python gives a byte that is not UTF-8 as a lone surrogate
(`caf\\udce9` for `caf\\xe9`, see `os.fsdecode`), which no UTF-8 file, terminal or JSON can hold.
Paths keep their real value inside vaultkit (so the file can still be opened); every place that
shows one (dashboards, `check`, `status`, logs) passes it through `shown` first.
"""

from __future__ import annotations


def shown(text: str) -> str:
    """`text` with each byte that was not UTF-8 written `\\xe9`, and any other lone surrogate
    `\\udxxx`; text that is valid already comes back unchanged."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "".join(_char(c) for c in text)
    return text


def is_shown_as_is(text: str) -> bool:
    """True when `text` (a name, say) is valid UTF-8 and `shown` leaves it alone."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _char(c: str) -> str:
    code = ord(c)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that os.fsdecode could not decode
        return f"\\x{code - 0xDC00:02x}"
    if 0xD800 <= code <= 0xDFFF:
        return f"\\u{code:04x}"
    return c
