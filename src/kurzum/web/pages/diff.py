"""Word-level differences between two versions of a summary's bullets, for the history view."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import zip_longest
from typing import Literal

__all__ = ["BulletDiff", "DiffPart", "diff_bullets", "diff_words"]

PartKind = Literal["same", "added", "removed"]
_TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True, slots=True)
class DiffPart:
    """A run of text that is unchanged, added or removed."""

    kind: PartKind
    text: str


@dataclass(frozen=True, slots=True)
class BulletDiff:
    """The change of one bullet (0-based ``index``) between two versions."""

    index: int
    parts: tuple[DiffPart, ...]

    @property
    def changed(self) -> bool:
        """True when anything was added or removed."""
        return any(p.kind != "same" for p in self.parts)


def diff_words(old: str, new: str) -> tuple[DiffPart, ...]:
    """The word-level edit from ``old`` to ``new``, adjacent parts of one kind merged."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    parts: list[DiffPart] = []

    def add(kind: PartKind, tokens: Sequence[str]) -> None:
        text = "".join(tokens)
        if not text:
            return
        if parts and parts[-1].kind == kind:
            parts[-1] = DiffPart(kind, parts[-1].text + text)
        else:
            parts.append(DiffPart(kind, text))

    for tag, i1, i2, j1, j2 in SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            add("same", a[i1:i2])
        else:
            add("removed", a[i1:i2])
            add("added", b[j1:j2])
    return tuple(parts)


def diff_bullets(old: Sequence[str], new: Sequence[str]) -> list[BulletDiff]:
    """Per-bullet word diffs; a bullet present in one version only is all added or removed."""
    return [
        BulletDiff(index, diff_words(before or "", after or ""))
        for index, (before, after) in enumerate(zip_longest(old, new))
    ]
