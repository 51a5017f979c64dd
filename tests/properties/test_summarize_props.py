"""The summarizer under hostile articles: a well-formed, faithful Summary or a KurzumError."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kurzum.core import SummaryOptions, summarize
from kurzum.errors import KurzumError
from kurzum.faithfulness import check
from kurzum.models import LANGUAGES, Article, Summary
from tests.properties.props_support import (
    HUGE_RSS_MB,
    PROPS,
    any_text,
    known_sentence,
    mixed_text,
    run_in_child,
)

_WORD = re.compile(r"\w+")

paragraph = st.one_of(mixed_text(), any_text, known_sentence)


@st.composite
def articles(draw: st.DrawFn) -> Article:
    """Articles whose title, lead and paragraphs hold anything, in any declared language."""
    return Article(
        title=draw(st.one_of(st.none(), any_text, known_sentence)),
        lead=draw(st.one_of(st.none(), paragraph)),
        paragraphs=tuple(draw(st.lists(paragraph, max_size=12))),
        language=draw(st.one_of(st.none(), st.sampled_from(LANGUAGES))),
        premium=draw(st.booleans()),
    )


options = st.builds(
    SummaryOptions,
    bullets=st.integers(1, 10),
    max_chars=st.integers(40, 1000),
    language=st.one_of(st.none(), st.sampled_from(LANGUAGES)),
)


def _summarize(article: Article, opts: SummaryOptions) -> Summary | None:
    """Summarize; None stands for a KurzumError refusal (allowed)."""
    try:
        summary = summarize(article, opts)
    except KurzumError:
        return None
    return summary


def _assert_well_formed(summary: Summary, article: Article, opts: SummaryOptions) -> None:
    text = article.text
    assert isinstance(summary, Summary)
    assert summary.language in LANGUAGES
    assert len(summary.bullets) <= opts.bullets
    for bullet in summary.bullets:
        assert bullet.text.strip(), "empty bullet"
        assert len(bullet.text) <= opts.max_chars, (len(bullet.text), opts.max_chars)
        for source in bullet.sources:
            assert 0 <= source.start <= source.end <= len(text), source
            assert source.sentence >= 0
        # Extractive bullets use only the article's words (case aside): nothing is invented.
        if summary.method == "extractive":
            known = {w.casefold() for w in _WORD.findall(text)}
            invented = [w for w in _WORD.findall(bullet.text) if w.casefold() not in known]
            assert not invented, invented


@PROPS
@given(articles(), options)
def test_any_article_gives_a_well_formed_summary(article: Article, opts: SummaryOptions) -> None:
    summary = _summarize(article, opts)
    if summary is not None:
        _assert_well_formed(summary, article, opts)


@PROPS
@given(articles())
def test_core_summaries_pass_the_faithfulness_check(article: Article) -> None:
    """Issue 3: summaries from this core must always pass the check."""
    summary = _summarize(article, SummaryOptions())
    if summary is not None:
        report = check(summary, article)
        assert report.ok, report.issues


@PROPS
@given(st.lists(known_sentence, min_size=1, max_size=30), st.sampled_from(LANGUAGES))
def test_repeated_and_mixed_language_sentences(sentences: list[str], lang: str) -> None:
    """Duplicates and foreign sentences: still well-formed, never two identical bullets."""
    article = Article(title=None, lead=None, paragraphs=(" ".join(sentences),) * 3, language=lang)  # type: ignore[arg-type]
    summary = _summarize(article, SummaryOptions())
    if summary is not None:
        _assert_well_formed(summary, article, SummaryOptions())
        texts = summary.texts
        assert len(set(texts)) == len(texts), texts


def test_empty_article_is_refused_or_empty() -> None:
    article = Article(title=None, lead=None, paragraphs=(), language="de")
    summary = _summarize(article, SummaryOptions())
    assert summary is None or summary.bullets == ()


HUGE_ARTICLES = {
    "many-sentences": "paragraphs=(('Der Bundesrat hat am 3. Oktober 2024 neue Regeln "
    "beschlossen, sagte Anna Meier (56). ') * 100,) * 1_400",
    "one-giant-sentence": "paragraphs=('wort ' * 2_000_000,)",
    "no-spaces": "paragraphs=('x' * 10_000_000,)",
    "many-tiny-paragraphs": "paragraphs=('Ja.',) * 2_500_000",
    "mixed-scripts": "paragraphs=(('Правительство объявило. 东京的天气。 '"
    "'Le Conseil a adopté la loi. ' * 1000),) * 160",
}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(HUGE_ARTICLES))
def test_ten_megabyte_articles_are_bounded(case: str) -> None:
    """10 MB articles: summarize and check finish within time and memory bounds."""
    result = run_in_child(
        f"""
        from kurzum.core import SummaryOptions, summarize
        from kurzum.faithfulness import check
        from kurzum.models import Article
        article = Article(title='T', lead=None, language='de', {HUGE_ARTICLES[case]})
        assert len(article.text) >= 9_000_000, len(article.text)
        summary = summarize(article, SummaryOptions())
        assert len(summary.bullets) <= 3
        check(summary, article)
        """
    )
    assert result.rss_mb < HUGE_RSS_MB, result
