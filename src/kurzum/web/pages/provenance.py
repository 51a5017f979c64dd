"""Article text cut into segments that know which bullets they are the source of.

A bullet's provenance is a list of character spans of ``Article.text`` (the lead and the
paragraphs joined by blank lines). The article page and the review page wrap those spans in
``<mark>`` elements so a reader can jump from a bullet to its source sentence.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from kurzum.models import PARAGRAPH_SEPARATOR

__all__ = ["Segment", "SourceSpan", "segment_blocks", "source_anchor"]


@dataclass(frozen=True, slots=True)
class SourceSpan:
    """Bullet ``bullet`` (0-based) was drawn from ``text[start:end]`` of the article."""

    bullet: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of a block's text; ``bullets`` lists the bullets it is a source of (may be empty).

    ``anchors`` holds the ids of the bullets whose first source starts here, so ``#anchor``
    links work without JavaScript.
    """

    text: str
    bullets: tuple[int, ...] = ()
    anchors: tuple[str, ...] = ()


def source_anchor(bullet: int) -> str:
    """The HTML id of a bullet's first source segment."""
    return f"kz-src-{bullet + 1}"


def segment_blocks(blocks: Sequence[str], spans: Sequence[SourceSpan]) -> list[list[Segment]]:
    """Cut each block into segments at the span edges; spans out of range are ignored."""
    result: list[list[Segment]] = []
    anchored: set[int] = set()
    offset = 0
    for block in blocks:
        block_end = offset + len(block)
        local = [
            SourceSpan(s.bullet, max(s.start, offset) - offset, min(s.end, block_end) - offset)
            for s in spans
            if s.start < block_end and s.end > offset and s.end > s.start
        ]
        cuts = sorted({0, len(block), *(s.start for s in local), *(s.end for s in local)})
        segments: list[Segment] = []
        for left, right in itertools.pairwise(cuts):
            bullets = tuple(sorted({s.bullet for s in local if s.start <= left and s.end >= right}))
            fresh = [b for b in bullets if b not in anchored]
            anchored.update(fresh)
            anchors = tuple(source_anchor(b) for b in fresh)
            segments.append(Segment(block[left:right], bullets, anchors))
        result.append(segments or [Segment("")])
        offset = block_end + len(PARAGRAPH_SEPARATOR)
    return result
