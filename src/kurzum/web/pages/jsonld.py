"""schema.org ``NewsArticle`` JSON-LD for the article page, with paywall markup.

For a premium article Google asks for ``isAccessibleForFree: false`` and a ``hasPart`` naming
the gated part by CSS class. The JSON-LD carries only public fields (headline, lead, dates,
publisher): never bullet text, whoever asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

__all__ = ["PAYWALLED_CLASS", "ArticleFacts", "news_article"]

PAYWALLED_CLASS = "kz-paywalled"


@dataclass(frozen=True, slots=True)
class ArticleFacts:
    """The public facts of an article that may appear in structured data."""

    headline: str
    description: str | None
    url: str
    language: str
    premium: bool
    publisher: str
    published: datetime | None = None
    modified: datetime | None = None


def news_article(facts: ArticleFacts) -> dict[str, Any]:
    """The JSON-LD object (render it with Jinja's ``tojson``, which escapes ``</script>``)."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": facts.headline,
        "inLanguage": facts.language,
        "url": facts.url,
        "mainEntityOfPage": facts.url,
        "isAccessibleForFree": not facts.premium,
        "publisher": {"@type": "Organization", "name": facts.publisher},
    }
    if facts.description:
        data["description"] = facts.description
    if facts.published is not None:
        data["datePublished"] = facts.published.isoformat()
    if facts.modified is not None:
        data["dateModified"] = facts.modified.isoformat()
    if facts.premium:
        data["hasPart"] = {
            "@type": "WebPageElement",
            "isAccessibleForFree": False,
            "cssSelector": f".{PAYWALLED_CLASS}",
        }
    return data
