"""How alike two list entries are, and which of many are the same ones reworded (pure).

`reworded` decides with these what keeps a note; the thresholds are calibrated on the shipped
lists (its docstring says how).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from typing import TypeVar

from vaultkit.model import fold

SIMILAR = 0.7
"""Least similarity (0–1) of two texts that may be one entry reworded. Distinct questions of
one topic in the shipped syllabus reach 0.59 at most; a reworded heading ("Design & Taste" →
"Design and Taste") scores 0.92."""
MARGIN = 0.1
"""How far the best match must lead every rival to be taken without asking."""

A = TypeVar("A")
B = TypeVar("B")


def similarity(a: str, b: str) -> float:
    """0–1: the better of difflib's ratio and the share of words in common, case folded."""
    a, b = sorted((fold(a), fold(b)))  # difflib's ratio depends on the order; this does not
    ratio = difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
    wa, wb = set(re.findall(r"\w+", a)), set(re.findall(r"\w+", b))
    overlap = len(wa & wb) / len(wa | wb) if wa | wb else 0.0
    return max(ratio, overlap)


def pair(
    new: Sequence[A], old: Sequence[B], score: Callable[[A, B], float]
) -> tuple[list[tuple[A, B]], list[tuple[list[A], list[B]]]]:
    """Mutual best matches above `SIMILAR` that lead every rival by `MARGIN`, best first; and
    the groups too close to call."""
    if not new or not old:
        return [], []
    scores = [[score(a, b) for b in old] for a in new]
    ranked = sorted(((s, i, j) for i, row in enumerate(scores) for j, s in enumerate(row)
                     if s >= SIMILAR), key=lambda r: (-r[0], r[1], r[2]))
    free_new, free_old = set(range(len(new))), set(range(len(old)))
    pairs: list[tuple[A, B]] = []
    ties: list[tuple[list[A], list[B]]] = []
    for s, i, j in ranked:
        if i not in free_new or j not in free_old:
            continue
        rivals_new = {k for k in free_new if k != i and scores[k][j] > s - MARGIN}
        rivals_old = {k for k in free_old if k != j and scores[i][k] > s - MARGIN}
        if rivals_new or rivals_old:
            group_new, group_old = sorted({i, *rivals_new}), sorted({j, *rivals_old})
            free_new -= set(group_new)
            free_old -= set(group_old)
            ties.append(([new[k] for k in group_new], [old[k] for k in group_old]))
        else:
            pairs.append((new[i], old[j]))
            free_new.discard(i)
            free_old.discard(j)
    return pairs, ties
