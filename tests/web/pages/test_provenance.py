"""Cutting the article text into segments marked with the bullets they are the source of."""

from __future__ import annotations

from kurzum.models import Article
from kurzum.web.pages.provenance import SourceSpan, segment_blocks, source_anchor

ARTICLE = Article(
    title="T",
    lead="Lead sentence one.",
    paragraphs=("First body sentence. Second body sentence.", "Third paragraph here."),
)


def _span(bullet: int, needle: str) -> SourceSpan:
    start = ARTICLE.text.index(needle)
    return SourceSpan(bullet, start, start + len(needle))


def test_segments_rebuild_each_block_exactly() -> None:
    spans = [_span(0, "Second body sentence."), _span(1, "Lead sentence one.")]
    blocks = segment_blocks(ARTICLE.blocks, spans)
    assert ["".join(s.text for s in block) for block in blocks] == list(ARTICLE.blocks)


def test_marked_segments_carry_bullets_and_first_anchor() -> None:
    spans = [_span(0, "Second body sentence."), _span(1, "Third paragraph")]
    blocks = segment_blocks(ARTICLE.blocks, spans)
    marked = [(s.text, s.bullets, s.anchors) for block in blocks for s in block if s.bullets]
    assert marked == [
        ("Second body sentence.", (0,), (source_anchor(0),)),
        ("Third paragraph", (1,), (source_anchor(1),)),
    ]


def test_overlapping_spans_split_and_every_bullet_gets_an_anchor() -> None:
    first = _span(0, "First body sentence. Second")
    second = _span(1, "Second body sentence.")
    segments = segment_blocks(ARTICLE.blocks, [first, second])[1]
    assert [(s.text, s.bullets) for s in segments] == [
        ("First body sentence. ", (0,)),
        ("Second", (0, 1)),
        (" body sentence.", (1,)),
    ]
    anchors = [a for s in segments for a in s.anchors]
    assert anchors == [source_anchor(0), source_anchor(1)]


def test_span_across_blocks_and_out_of_range_spans() -> None:
    start = ARTICLE.text.index("Second body")
    end = ARTICLE.text.index("Third") + len("Third")
    blocks = segment_blocks(ARTICLE.blocks, [SourceSpan(2, start, end), SourceSpan(0, 999, 1200)])
    marked = [s.text for block in blocks for s in block if s.bullets]
    assert marked == ["Second body sentence.", "Third"]
    assert [a for block in blocks for s in block for a in s.anchors] == [source_anchor(2)]


def test_no_spans_gives_plain_blocks() -> None:
    blocks = segment_blocks(ARTICLE.blocks, [])
    assert all(len(block) == 1 and not block[0].bullets for block in blocks)
