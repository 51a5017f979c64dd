"""The inputs of the README's example payloads: the test rebuilds each example with
kurzum.webhooks.events and compares it with the README, so the docs cannot drift."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from kurzum.webhooks import events

AT = datetime(2026, 11, 29, 22, 30, tzinfo=UTC)
ARTICLE = events.ArticleRef(
    "nordkorea-2024-10", "https://www.blick.ch/ausland/nordkorea-2024-10", "de", True
)
BULLETS = (
    "Sechs nordkoreanische Soldaten kamen im Donbass ums Leben.",
    "Der Kreml dementierte die Berichte am Donnerstag.",
    "Nordkorea liefert Russland seit 2022 Munition.",
)


def summary(state: str, reviewed: bool, version: int = 1, id_: int = 41) -> events.SummaryInfo:
    label = "KI-generiert, redaktionell geprüft" if reviewed else "KI-generiert"
    return events.SummaryInfo(
        id_, version, state, reviewed, label, "extractive", None, "de", BULLETS
    )


def examples() -> dict[str, dict[str, Any]]:
    """Event type -> the README's example payload."""
    common: dict[str, Any] = {"publication": "blick", "article": ARTICLE, "at": AT}
    return {
        "summary.published": events.summary_event(
            "summary.published", summary=summary("published", False), **common
        ),
        "summary.changed": events.summary_event(
            "summary.changed",
            summary=summary("published", True, version=2, id_=42),
            previous_summary_id=41,
            **common,
        ),
        "summary.retracted": events.summary_event(
            "summary.retracted",
            summary=summary("retracted", True, 2, 42),
            reason="retracted",
            **common,
        ),
        "summary.held": events.summary_event(
            "summary.held",
            summary=summary("draft", False, 3, 43),
            reason="policy",
            **common,
        ),
        "article.deleted": events.article_deleted(publication="blick", article=ARTICLE, at=AT),
        "webhook.test": events.ping(publication="blick", at=AT),
    }
