"""Antecedent substitution end to end: the named bullet stands alone, keeps its provenance
(name span + rest of the sentence), passes the faithfulness check and the editor lint.

The rule data's own examples (made-up sentences, positive and negative) are checked in
``test_rules.py``; the articles here are made up too.
"""

from __future__ import annotations

import pytest

from kurzum.core.calibration import default_calibration
from kurzum.core.features import analyse
from kurzum.core.options import SummaryOptions
from kurzum.core.segment import split_article
from kurzum.core.select import candidates
from kurzum.core.summarize import summarize
from kurzum.evaluation.lint import lint
from kurzum.faithfulness import check
from kurzum.models import Article, Language

CASES: list[tuple[Language, tuple[str, ...], str, str]] = [
    (
        "de",
        (
            "Anders Muster (35) ist am Montag vom Bezirksgericht Thun wegen Betrugs zu 18 Monaten "
            "verurteilt worden.",
            "Das Gericht sah es als erwiesen an, dass Kunden um 200'000 Franken betrogen wurden.",
            "Der 35-Jährige will das Urteil an das Obergericht des Kantons Bern weiterziehen.",
        ),
        "Anders Muster",
        "Anders Muster will das Urteil an das Obergericht des Kantons Bern weiterziehen.",
    ),
    (
        "fr",
        (
            "La Genevoise Anna Muster a remporté samedi le slalom géant de Zermatt devant 8000 "
            "spectateurs.",
            "La course a été interrompue une heure en raison du brouillard sur la piste.",
            "La Genevoise a devancé deux Autrichiennes de plus d'une seconde au total.",
        ),
        "Anna Muster",
        "Anna Muster a devancé deux Autrichiennes de plus d'une seconde au total.",
    ),
    (
        "en",
        (
            "Anders Muster, 35, was jailed for two years at Leeds Crown Court on Monday for fraud.",
            "The court heard that customers had lost more than 200,000 pounds in the scheme.",
            "The 35-year-old plans to appeal against the ruling at the Court of Appeal.",
        ),
        "Anders Muster",
        "Anders Muster plans to appeal against the ruling at the Court of Appeal.",
    ),
]


@pytest.mark.parametrize(("language", "paragraphs", "name", "expected"), CASES)
def test_a_named_bullet_keeps_its_provenance_and_passes_the_checks(
    language: Language, paragraphs: tuple[str, ...], name: str, expected: str
) -> None:
    article = Article(title=None, lead=None, paragraphs=paragraphs, language=language)
    summary = summarize(article, SummaryOptions(bullets=3))
    named = [b for b in summary.bullets if b.text == expected]
    assert named, summary.texts
    bullet = named[0]
    first, *rest = bullet.sources
    assert article.text[first.start : first.end] == name
    assert first.sentence == 0
    assert {s.sentence for s in rest} == {2}
    kept = "".join(article.text[s.start : s.end] for s in bullet.sources)
    assert bullet.text.startswith(kept.rstrip(" ,;:–"))
    assert check(summary, article).ok
    assert not [f for f in lint(summary.texts, article, language) if f.kind == "reference"]


def test_a_named_candidate_no_longer_leans() -> None:
    language, paragraphs, _, expected = CASES[0]
    article = Article(title=None, lead=None, paragraphs=paragraphs, language=language)
    infos = analyse(split_article(article, language), language)
    pool = candidates(infos, 200, language, default_calibration().soft_chars)
    (choice,) = [c for c in pool if c.named is not None]
    assert choice.short.text == expected
    assert not choice.leans and not choice.rejected


def test_without_a_safe_antecedent_the_sentence_is_left_as_it_is() -> None:
    paragraphs = (
        "Anders Muster ist am Montag vom Bezirksgericht Thun wegen Betrugs verurteilt worden.",
        "Der 35-Jährige will das Urteil an das Obergericht des Kantons Bern weiterziehen.",
    )
    article = Article(title=None, lead=None, paragraphs=paragraphs, language="de")
    infos = analyse(split_article(article, "de"), "de")
    pool = candidates(infos, 200, "de", default_calibration().soft_chars)
    assert all(c.named is None for c in pool)
    assert [c.leans for c in pool] == [False, True]
