"""The shared stem cache stays correct when many threads use it and it overflows (issue 15)."""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from kurzum.core import features
from kurzum.core.features import content_stems

TEXTS = [
    f"Der Gemeinderat von Ort{i} beschliesst {i} neue Velowege und Parkplätze im Quartier{i}."
    for i in range(300)
]


def test_threads_read_while_the_cache_is_replaced(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = [content_stems(text, "de") for text in TEXTS]
    # A tiny cache is replaced again and again while other threads are reading it.
    monkeypatch.setattr(features, "_STEM_CACHE_SIZE", 40)
    monkeypatch.setitem(features._STEMS, "de", {})

    def work(offset: int) -> list[frozenset[str]]:
        order = TEXTS[offset:] + TEXTS[:offset]
        return [content_stems(text, "de") for text in order]

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads very often: the old in-place clear failed here
    try:
        for _ in range(3):
            with ThreadPoolExecutor(max_workers=8) as pool:
                results = list(pool.map(work, range(0, 300, 25)))
            for offset, result in zip(range(0, 300, 25), results, strict=True):
                assert result == expected[offset:] + expected[:offset]
    finally:
        sys.setswitchinterval(interval)
    assert len(features._STEMS["de"]) <= 40 + 20  # replaced when full, never unbounded
