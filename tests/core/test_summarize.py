"""summarize(): format contract, provenance, standing-alone bullets, notes, language."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kurzum.core import SummaryOptions, summarize
from kurzum.core.standalone import opens_with_reference
from kurzum.errors import EmptyInputError, UnsupportedLanguageError
from kurzum.models import Article, Summary

FIXTURES = Path(__file__).parents[1] / "fixtures" / "core" / "articles.json"
DEMO = Path(__file__).parents[2] / "demo" / "blick-plus-nordkorea-2024-10.txt"


def load_fixtures() -> list[Article]:
    """The hand-written fixture articles, plus the Blick demo article (body paragraphs)."""
    records = json.loads(FIXTURES.read_text(encoding="utf-8"))
    articles = [
        Article(
            title=r["title"],
            lead=r["lead"],
            paragraphs=tuple(r["paragraphs"]),
            language=r["language"],
            id=r["id"],
        )
        for r in records
    ]
    body = DEMO.read_text(encoding="utf-8").split("\n\n")[1:]  # line 1: header and notice
    articles.append(
        Article(title=None, lead=None, paragraphs=tuple(p.strip() for p in body), language="de")
    )
    return articles


ARTICLES = load_fixtures()


def _check_contract(summary: Summary, article: Article, options: SummaryOptions) -> None:
    assert len(summary.bullets) <= options.bullets
    # the last source is the bullet's own sentence (a name put for a reference comes first)
    indices = [b.sources[-1].sentence for b in summary.bullets]
    assert indices == sorted(indices), "bullets are in article order"
    for position, bullet in enumerate(summary.bullets):
        assert len(bullet.text) <= options.max_chars
        assert bullet.text.endswith((".", "!", ".»", ".“", '."', ".”"))
        kept = "".join(article.text[s.start : s.end] for s in bullet.sources)
        assert bullet.text.startswith(kept.rstrip(" ,;:–"))
        assert "ß" not in bullet.text or "ß" in article.text
        if opens_with_reference(bullet.text, summary.language):
            assert position > 0, f"opens with a back-reference: {bullet.text}"
            previous = summary.bullets[position - 1].sources[-1].sentence
            assert previous == bullet.sources[-1].sentence - 1


@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: a.id or "blick-demo")
def test_fixture_summaries_keep_the_contract(article: Article) -> None:
    options = SummaryOptions()
    summary = summarize(article, options)
    _check_contract(summary, article, options)
    assert summary.language == article.language


@pytest.mark.parametrize("bullets", [1, 2, 4])
@pytest.mark.parametrize("max_chars", [60, 100, 200])
def test_options_are_respected(bullets: int, max_chars: int) -> None:
    options = SummaryOptions(bullets=bullets, max_chars=max_chars)
    for article in ARTICLES:
        _check_contract(summarize(article, options), article, options)


def test_blick_demo_summary_reads_well() -> None:
    summary = summarize(ARTICLES[-1])
    assert len(summary.bullets) == 3
    assert summary.bullets[0].text == (
        "Nordkoreanische Soldaten sterben für den russischen Angriffskrieg auf die Ukraine."
    )
    for bullet in summary.bullets:
        assert "Blick+" not in bullet.text and "?" not in bullet.text


def test_short_article_gets_what_it_has_and_a_note() -> None:
    article = next(a for a in ARTICLES if a.id == "en-short")
    summary = summarize(article)
    assert summary.texts == [
        "The Natural History Museum reopened on Saturday after a two-year renovation."
    ]
    assert summary.notes and "1 of 3" in summary.notes[0]


def test_back_reference_is_not_a_bullet_without_its_antecedent() -> None:
    article = Article(
        title="Neue Regeln für Drohnen",
        lead=None,
        paragraphs=(
            "Der Bundesrat hat am Freitag neue Regeln für Drohnen beschlossen.",
            "Die Kantonspolizei Bern begrüsst die neuen Regeln für Drohnen ausdrücklich. "
            "Diese wurden lange erwartet und gelten ab Januar für alle Drohnen.",
            "Er sagte, die Regeln für Drohnen seien streng. Denn viele Piloten fliegen zu hoch.",
        ),
        language="de",
    )
    summary = summarize(article, SummaryOptions(bullets=3))
    _check_contract(summary, article, SummaryOptions())
    assert not any(t.startswith(("Er sagte", "Denn")) for t in summary.texts)


def test_opener_detection() -> None:
    assert opens_with_reference("Diese wurden im Winter eingesetzt.", "de")
    assert opens_with_reference("Das ist nicht das erste Mal.", "de")
    assert not opens_with_reference("Das Projekt kostet 48 Mio. Franken.", "de")
    assert opens_with_reference("Il a précisé que les trains seront neufs.", "fr")
    assert not opens_with_reference("Le contrat a été attribué à Stadler.", "fr")
    assert opens_with_reference("This is the third major repair.", "en")
    assert not opens_with_reference("The council voted on Tuesday.", "en")


def test_language_comes_from_options_article_or_detection() -> None:
    article = next(a for a in ARTICLES if a.id == "fr-train")
    unknown = Article(title=article.title, lead=None, paragraphs=article.paragraphs)
    assert summarize(unknown).language == "fr"
    assert summarize(article, SummaryOptions(language="fr")).language == "fr"


def test_unsupported_language_is_an_error() -> None:
    article = Article(
        title=None,
        lead=None,
        paragraphs=(
            "La città di Lugano ha presentato oggi il nuovo progetto per il lungolago. "
            "Il sindaco ha detto che i lavori inizieranno in primavera e dureranno due anni.",
        ),
    )
    with pytest.raises(UnsupportedLanguageError):
        summarize(article)


def test_empty_article_is_an_error() -> None:
    with pytest.raises(EmptyInputError):
        summarize(Article(title="Titel", lead=None, paragraphs=("  ",), language="de"))


def test_quote_fragments_and_scraping_noise_are_not_bullets() -> None:
    article = Article(
        title=None,
        lead=None,
        paragraphs=(
            "The basketball player says he is still surprised at the impact the news had. "
            "'At that time, people were really dying of Aids. I was just scared to death,' "
            "he said. Johnson now campaigns for more people to get tested for the disease.",
        ),
        language="en",
    )
    texts = summarize(article).texts
    assert texts
    assert not any(t.startswith("'") for t in texts)
