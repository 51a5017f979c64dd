"""Business rules both storage paths share: the ORM workflow and the one-query/bulk fast paths.

Each rule is written once, here, as a plain function or an SQL expression:

- :func:`holds` — whether a new machine summary waits for an editor or is published at once;
- :func:`served` — which summary version readers may see (join condition on article + version);
- :func:`is_editor` — which roles read every premium summary and use the newsroom.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_

from kurzum.storage.tables import Article, SummaryVersion

EDITOR_ROLES: frozenset[str] = frozenset({"editor", "admin"})
HOLD_POLICY = "review-before-publish"
FALLBACK_HOLD_REASON = "language model answer rejected; extractive fallback needs review"


def holds(review_policy: str, *, faithful: bool, fell_back: bool) -> bool:
    """A new machine summary is held as a draft when the publication reviews before publishing,
    the faithfulness check found an unsupported name/number, or the model's answer was rejected
    (extractive fallback); otherwise it is published at once (publish-then-review)."""
    return review_policy == HOLD_POLICY or not faithful or fell_back


def served(version: Any = SummaryVersion, article: Any = Article) -> ColumnElement[bool]:
    """The versions readers may see of an article: published, not stale, made from the
    article's current content. The newest such version (highest ``version``) is served, and
    only while the article is live (``Article.deleted_at IS NULL``, checked by the callers)."""
    return and_(
        version.article_id == article.id,
        version.state == "published",
        version.stale.is_(False),
        version.article_hash == article.content_hash,
    )


def is_editor(role: str | None) -> bool:
    """Editors and admins use the newsroom and read every premium summary."""
    return role in EDITOR_ROLES
