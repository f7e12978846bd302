"""What vaultkit remembers about a vault between runs: the list entries it has made notes for.

Kept in `.vaultkit/state.json` inside the vault, so it travels with the vault (git, sync) and
`sync` can tell an entry that is new in the list from one whose note the user deleted on
purpose. Safe to delete: without it, every entry that has no note counts as new.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from pathlib import Path

from vaultkit.vault import store
from vaultkit.vault.store import STATE_DIR

log = logging.getLogger(__name__)

STATE_FILE = f"{STATE_DIR}/state.json"


def known_ids(root: Path) -> set[str] | None:
    """Ids of the entries vaultkit has made notes for; None when there is no usable record."""
    raw = store.read(root, STATE_FILE)
    if raw is None:
        return None
    try:
        ids = json.loads(raw)["known"]
    except (ValueError, KeyError, TypeError) as exc:
        log.warning("ignoring %s (%s); entries without notes count as new", STATE_FILE, exc)
        return None
    if not isinstance(ids, list):
        return None
    return {str(i) for i in ids}


def remember(root: Path, ids: Iterable[str]) -> None:
    """Add ids to the record (never forgets one: a deleted note stays deleted)."""
    known = (known_ids(root) or set()) | set(ids)
    data = (json.dumps({"format": 1, "known": sorted(known)}, indent=1) + "\n").encode("utf-8")
    if store.read(root, STATE_FILE) != data:
        store.write(root, STATE_FILE, data)
