"""Business rules both storage paths share: the ORM workflow and the one-query/bulk fast paths.

Each rule is written once, here, as a plain function or an SQL expression:

- :func:`hold_reason` — whether (and why) a new machine summary waits for an editor or is
  published at once;
- :func:`served` — which summary version readers may see (join condition on article + version);
- :func:`is_editor` — which roles read every premium summary and use the newsroom.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_

from kurzum.storage.tables import Article, SummaryVersion

EDITOR_ROLES: frozenset[str] = frozenset({"editor", "admin"})
HOLD_POLICY = "review-before-publish"


def hold_reason(
    review_policy: str,
    *,
    faithful: bool,
    fell_back: bool,
    empty: bool = False,
    retracted: bool = False,
    over_approved: bool = False,
) -> str | None:
    """Why a new machine summary waits for an editor (a code), or None to publish it at once.

    Held: the publication reviews before publishing, the check found an unsupported span, the
    model's answer was rejected, there are no bullets ("needs a summary"), an editor retracted
    the article's summary (it stays down until an editor publishes again), or the version
    readers see was approved by an editor (a regeneration never replaces it unreviewed).
    Under publish-then-review an unreviewed served version is replaced, as before."""
    if empty:
        return "empty"
    if retracted:
        return "retracted"
    if over_approved:
        return "over_approved"
    if fell_back:
        return "fallback"
    if not faithful:
        return "warnings"
    if review_policy == HOLD_POLICY:
        return "policy"
    return None


def holds(review_policy: str, **facts: bool) -> bool:
    """Whether :func:`hold_reason` holds the summary (a draft) rather than publishing it."""
    return hold_reason(review_policy, **facts) is not None


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
