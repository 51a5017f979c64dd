"""``summarize(article, options) -> Summary``: segment, weigh concepts, shorten, select."""

from __future__ import annotations

from kurzum.core.features import analyse, content_stems
from kurzum.core.language import detect_language
from kurzum.core.options import SummaryOptions
from kurzum.core.rank import CALIBRATION, concept_weights
from kurzum.core.segment import split_article
from kurzum.core.select import candidates, select
from kurzum.errors import EmptyInputError
from kurzum.models import Article, Bullet, Language, Source, Summary

__all__ = ["resolve_language", "summarize"]

_DEFAULTS = SummaryOptions()


def summarize(article: Article, options: SummaryOptions = _DEFAULTS) -> Summary:
    """Pick ``options.bullets`` key sentences of the article, in article order, with provenance.

    Raises EmptyInputError when the article has no text at all. An article with fewer usable
    sentences than requested gets what it has, and a note says so.
    """
    if not any(block.strip() for block in article.blocks):
        raise EmptyInputError("the article has no text to summarize")
    language = resolve_language(article, options)
    sentences = split_article(article, language)
    infos = analyse(sentences, language)
    calibration = CALIBRATION[language]
    weights = concept_weights(
        infos,
        content_stems(article.title or "", language),
        content_stems(article.lead or "", language),
        calibration,
    )
    pool = candidates(infos, options.max_chars, language, calibration.soft_chars)
    choices = select(pool, weights, options.bullets, calibration)
    bullets = tuple(
        Bullet(
            choice.short.text,
            tuple(
                Source(
                    choice.info.sentence.index,
                    choice.info.sentence.start + a,
                    choice.info.sentence.start + b,
                )
                for a, b in choice.short.spans
            ),
        )
        for choice in choices
    )
    notes: tuple[str, ...] = ()
    if len(bullets) < options.bullets:
        notes = (
            f"only {len(bullets)} of {options.bullets} bullets: the article has too few "
            "sentences that can stand alone as a bullet",
        )
    return Summary(bullets=bullets, language=language, notes=notes)


def resolve_language(article: Article, options: SummaryOptions) -> Language:
    """The requested language, else the article's, else detected from the text.

    Raises UnsupportedLanguageError when the detected language is not de, fr or en.
    """
    if options.language is not None:
        return options.language
    if article.language is not None:
        return article.language
    return detect_language(article.text)  # the model loads on first use
