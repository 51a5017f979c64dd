"""The faithfulness check under hostile summaries and articles: a coherent report, always."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kurzum.errors import KurzumError
from kurzum.faithfulness import check
from kurzum.models import LANGUAGES, Article, Bullet, FaithfulnessReport, Summary
from tests.properties.props_support import (
    HUGE_RSS_MB,
    PROPS,
    SENTENCES,
    any_text,
    known_sentence,
    mixed_text,
    run_in_child,
)

paragraph = st.one_of(mixed_text(), any_text, known_sentence)


def _check(summary: Summary, article: Article) -> FaithfulnessReport | None:
    try:
        report = check(summary, article)
    except KurzumError:
        return None
    assert isinstance(report, FaithfulnessReport)
    for issue in report.issues:
        assert 0 <= issue.bullet < len(summary.bullets), issue
        bullet = summary.bullets[issue.bullet].text
        assert 0 <= issue.start <= issue.end <= len(bullet), issue
        assert issue.text == bullet[issue.start : issue.end], issue
        assert issue.kind in ("number", "date", "name"), issue
    return report


@PROPS
@given(
    st.lists(paragraph, max_size=5),
    st.lists(paragraph, max_size=8),
    st.sampled_from(LANGUAGES),
)
def test_any_summary_against_any_article(
    bullets: list[str], paragraphs: list[str], lang: str
) -> None:
    article = Article(title=None, lead=None, paragraphs=tuple(paragraphs), language=lang)  # type: ignore[arg-type]
    summary = Summary(tuple(Bullet(b) for b in bullets), lang)  # type: ignore[arg-type]
    _check(summary, article)


@PROPS
@given(st.lists(paragraph, min_size=1, max_size=8), st.data())
def test_verbatim_paragraphs_are_supported(paragraphs: list[str], data: st.DataObject) -> None:
    """A bullet copied whole from the article cannot contain an unsupported number or name."""
    article = Article(title=None, lead=None, paragraphs=tuple(paragraphs), language="de")
    chosen = data.draw(st.lists(st.sampled_from(paragraphs), min_size=1, max_size=3))
    report = _check(Summary(tuple(Bullet(p) for p in chosen), "de"), article)
    assert report is None or report.ok, report


@PROPS
@given(st.sampled_from(LANGUAGES), st.integers(1_000_000, 10**12))
def test_an_invented_number_is_flagged(lang: str, number: int) -> None:
    sentences = SENTENCES[lang]
    article = Article(title=None, lead=None, paragraphs=tuple(sentences), language=lang)  # type: ignore[arg-type]
    bullet = f"{sentences[0][:-1]} und {number} mehr."
    report = _check(Summary((Bullet(bullet),), lang), article)  # type: ignore[arg-type]
    assert report is not None
    assert any(i.kind in ("number", "date") for i in report.issues), report


HUGE_CHECKS = {
    "huge-article": (
        "paragraphs=('Anna Meier (56) zahlte 11\\'000 Franken in Bern. ' * 200,) * 1_000",
        "('Anna Meier zahlte 12\\'000 Franken.',) * 3",
    ),
    "huge-bullets": (
        "paragraphs=('Anna Meier zahlte 11\\'000 Franken.',)",
        "('Peter Muster 123 ' * 200_000,) * 3",
    ),
    "digits-only": ("paragraphs=('1' * 10_000_000,)", "('1' * 5_000,)"),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(HUGE_CHECKS))
def test_ten_megabyte_checks_are_bounded(case: str) -> None:
    article_args, bullets = HUGE_CHECKS[case]
    result = run_in_child(
        f"""
        from kurzum.faithfulness import check
        from kurzum.models import Article, Bullet, Summary
        article = Article(title=None, lead=None, language='de', {article_args})
        summary = Summary(tuple(Bullet(b) for b in {bullets}), 'de')
        assert len(article.text) + sum(len(b.text) for b in summary.bullets) >= 9_000_000
        check(summary, article)
        """
    )
    assert result.rss_mb < HUGE_RSS_MB, result
