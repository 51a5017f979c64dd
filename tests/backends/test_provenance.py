"""Approximate provenance of model-written bullets: the sentences they restate."""

from __future__ import annotations

from kurzum.backends import LLMBackend
from kurzum.backends.provenance import link
from kurzum.core.segment import split_article
from kurzum.llm.testing import good
from tests.backends.backend_support import SWISS, Serve, config

SENTENCES = split_article(SWISS, "de")


def _index(fragment: str) -> int:
    return next(s.index for s in SENTENCES if fragment in s.text)


def test_a_rewrite_points_to_the_sentence_it_restates() -> None:
    bridge, cyclists = _index("180 Meter"), _index("11'000 Velos")
    sources = link(
        [
            "Die neue Brücke wird 180 Meter lang und kostet 12 Millionen Franken.",
            "Jeden Tag fahren 11'000 Velos über die Strecke.",
        ],
        SWISS,
        "de",
    )
    assert [[s.sentence for s in bullet] for bullet in sources] == [[bridge], [cyclists]]
    start, end = sources[0][0].start, sources[0][0].end
    assert SWISS.text[start:end] == SENTENCES[bridge].text


def test_a_bullet_merging_two_sentences_gets_both() -> None:
    merged = (
        "Velobrücke über die Limmat bis 2027: Bauarbeiten ab Frühling 2026 mit grossen Umleitungen."
    )
    (sources,) = link([merged], SWISS, "de")
    assert [s.sentence for s in sources] == sorted([_index("bis 2027"), _index("Frühling 2026")])


def test_nothing_in_common_gives_no_source() -> None:
    assert link(["Ganz andere Dinge geschehen anderswo heute."], SWISS, "de") == [()]


def test_llm_bullets_carry_provenance(serve: Serve) -> None:
    server = serve({"m": [good()]})
    with LLMBackend(config(server, "m")) as backend:
        summary = backend.summarize(SWISS)
    assert summary.method == "llm"
    assert all(bullet.sources for bullet in summary.bullets)
