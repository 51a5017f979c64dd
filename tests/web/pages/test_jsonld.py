"""NewsArticle JSON-LD with paywall markup."""

from __future__ import annotations

from datetime import UTC, datetime

from kurzum.web.pages.jsonld import PAYWALLED_CLASS, ArticleFacts, news_article


def _facts(premium: bool) -> ArticleFacts:
    return ArticleFacts(
        headline="Titel",
        description="Lead.",
        url="http://x/a",
        language="de",
        premium=premium,
        publisher="Blick",
        published=datetime(2024, 10, 3, tzinfo=UTC),
    )


def test_premium_article_is_marked_not_free_with_a_css_selector() -> None:
    data = news_article(_facts(premium=True))
    assert data["@type"] == "NewsArticle"
    assert data["isAccessibleForFree"] is False
    assert data["hasPart"] == {
        "@type": "WebPageElement",
        "isAccessibleForFree": False,
        "cssSelector": f".{PAYWALLED_CLASS}",
    }
    assert data["datePublished"] == "2024-10-03T00:00:00+00:00"


def test_free_article_has_no_paywall_part() -> None:
    data = news_article(_facts(premium=False))
    assert data["isAccessibleForFree"] is True
    assert "hasPart" not in data
