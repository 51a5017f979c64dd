"""``summarize(article, options) -> Summary``: segment, weigh concepts, shorten, select."""

from __future__ import annotations

from dataclasses import dataclass, field

from kurzum.core.calibration import Calibration, default_calibration
from kurzum.core.features import SentenceInfo, analyse, content_stems
from kurzum.core.language import detect_language
from kurzum.core.options import SummaryOptions
from kurzum.core.rank import concept_weights
from kurzum.core.segment import split_article
from kurzum.core.select import Choice, candidates, select
from kurzum.errors import EmptyInputError
from kurzum.models import Article, Bullet, Language, Source, Summary
from kurzum.notes import too_few_bullets

__all__ = ["Prepared", "choose", "prepare", "resolve_language", "summarize"]

_DEFAULTS = SummaryOptions()


@dataclass(slots=True)
class Prepared:
    """What does not depend on the calibration: sentences, their features, title/lead stems.

    Candidate pools are cached per ``soft_chars`` so calibration fitting can try many
    constants on one article without segmenting and shortening it again.
    """

    language: Language
    infos: list[SentenceInfo]
    head: frozenset[str]
    lead_stems: frozenset[str]
    separate_lead: bool
    options: SummaryOptions
    pools: dict[int, list[Choice]] = field(default_factory=dict)

    def pool(self, soft_chars: int) -> list[Choice]:
        """The candidates shortened towards ``soft_chars`` (computed once per length)."""
        pool = self.pools.get(soft_chars)
        if pool is None:
            pool = candidates(
                self.infos,
                self.options.max_chars,
                self.language,
                soft_chars,
                exclude_paragraph=0 if self.separate_lead else None,
                lead_stems=self.lead_stems if self.separate_lead else frozenset(),
            )
            self.pools[soft_chars] = pool
        return pool


def prepare(article: Article, options: SummaryOptions = _DEFAULTS) -> Prepared:
    """Segment and analyse ``article`` once; raises EmptyInputError when it has no text."""
    if not any(block.strip() for block in article.blocks):
        raise EmptyInputError("the article has no text to summarize")
    language = resolve_language(article, options)
    infos = analyse(split_article(article, language), language)
    lead_stems = content_stems(article.lead or "", language)
    head = content_stems(article.title or "", language) | lead_stems
    separate_lead = bool(article.lead) and not options.repeat_lead
    return Prepared(language, infos, head, lead_stems, separate_lead, options)


def choose(prepared: Prepared, calibration: Calibration) -> list[Choice]:
    """The bullets' choices for ``prepared`` under ``calibration``: the lede first."""
    weights = concept_weights(prepared.infos, prepared.head, calibration)
    pool = prepared.pool(calibration.soft_chars)
    return select(pool, weights, prepared.options.bullets, calibration, prepared.head)


def summarize(article: Article, options: SummaryOptions = _DEFAULTS) -> Summary:
    """Pick ``options.bullets`` key sentences: the lede first, the rest in article order.

    Raises EmptyInputError when the article has no text at all. An article with fewer usable
    sentences than requested gets what it has, and a note says so.
    """
    prepared = prepare(article, options)
    choices = choose(prepared, options.calibration or default_calibration())
    bullets = tuple(
        Bullet(
            choice.short.text,
            ((choice.named,) if choice.named else ())  # a name put for a reference
            + tuple(
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
        notes = (too_few_bullets(len(bullets), options.bullets),)
    return Summary(bullets=bullets, language=prepared.language, notes=notes)


def resolve_language(article: Article, options: SummaryOptions) -> Language:
    """The requested language, else the article's, else detected from the text.

    Raises UnsupportedLanguageError when the detected language is not de, fr or en.
    """
    if options.language is not None:
        return options.language
    if article.language is not None:
        return article.language
    return detect_language(article.text)  # the model loads on first use
