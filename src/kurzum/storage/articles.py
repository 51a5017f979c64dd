"""Publications, their API keys and their articles: create, update idempotently, delete."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from kurzum.errors import ConflictError, InputError, NotFoundError
from kurzum.models import ArticleText, content_hash
from kurzum.storage import audit, outbox
from kurzum.storage.audit import Actor
from kurzum.storage.db import SessionFactory, session_scope
from kurzum.storage.tables import (
    REVIEW_POLICIES,
    ApiKey,
    Article,
    Publication,
    SummaryVersion,
    as_utc,
    utcnow,
)
from kurzum.text import require_text
from kurzum.webhooks.signing import check_secret

API_KEY_SCOPES = ("articles:write", "articles:read")
# `last used` of an API key is as exact as this: one write per key and minute, not per request.
KEY_USE_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class ArticleInput:
    """A validated article from a publisher (HTML already converted to paragraphs)."""

    text: ArticleText
    language: str
    premium: bool = False
    url: str | None = None
    body_html: str | None = None
    published_at: datetime | None = None
    updated_at: datetime | None = None

    def __post_init__(self) -> None:
        require_text(
            "the article", self.text.title, self.text.lead, self.text.body, self.body_html, self.url
        )
        # Zone-less times are UTC, as stored: a repeated PUT must compare equal (idempotency).
        object.__setattr__(self, "published_at", as_utc(self.published_at))
        object.__setattr__(self, "updated_at", as_utc(self.updated_at))


@dataclass(frozen=True, slots=True)
class UpsertResult:
    """What a PUT did: ``needs_summary`` tells the caller to wake a worker after commit."""

    article: Article
    created: bool
    changed: bool
    needs_summary: bool


# -- publications ---------------------------------------------------------------------------


def create_publication(
    session: Session,
    *,
    slug: str,
    name: str,
    language: str,
    premium_label: str = "",
    notices: dict[str, str] | None = None,
    review_policy: str = "publish-then-review",
    webhook_url: str | None = None,
    webhook_secret: str | None = None,
    jwt_public_keys: list[str] | None = None,
    jwt_audience: str | None = None,
    allowed_origins: list[str] | None = None,
    frame_ancestors: list[str] | None = None,
    login_url: str | None = None,
    subscribe_offers: dict[str, Any] | None = None,
    jwt_issuer: str | None = None,
    jwt_require_valid_until: bool = True,
) -> Publication:
    """Add a publication; ConflictError when the slug is taken."""
    if review_policy not in REVIEW_POLICIES:
        raise InputError(f"review_policy must be one of {', '.join(REVIEW_POLICIES)}")
    if session.scalar(select(Publication.id).where(Publication.slug == slug)) is not None:
        raise ConflictError(f"publication {slug!r} exists")
    _check_webhook(webhook_url, webhook_secret)
    pub = Publication(
        slug=slug,
        name=name,
        language=language,
        premium_label=premium_label,
        notices=dict(notices or {}),
        review_policy=review_policy,
        webhook_url=webhook_url,
        webhook_secret=webhook_secret,
        jwt_public_keys=list(jwt_public_keys or []),
        jwt_audience=jwt_audience,
        allowed_origins=list(allowed_origins or []),
        frame_ancestors=list(frame_ancestors or []),
        login_url=login_url,
        subscribe_offers=dict(subscribe_offers or {}),
        jwt_issuer=jwt_issuer,
        jwt_require_valid_until=jwt_require_valid_until,
    )
    session.add(pub)
    session.flush()
    return pub


def update_publication(session: Session, pub: Publication, **changes: Any) -> Publication:
    """Change a publication's settings (only the fields given)."""
    if "review_policy" in changes and changes["review_policy"] not in REVIEW_POLICIES:
        raise InputError(f"review_policy must be one of {', '.join(REVIEW_POLICIES)}")
    _check_webhook(
        changes.get("webhook_url", pub.webhook_url),
        changes.get("webhook_secret", pub.webhook_secret),
    )
    for key, value in changes.items():
        setattr(pub, key, value)
    session.flush()
    return pub


def _check_webhook(url: str | None, secret: str | None) -> None:
    """A webhook needs a signing secret (unsigned calls could be forged by anyone)."""
    if url and not secret:
        raise InputError("a webhook URL needs a webhook secret (kurzum signs every call)")
    if secret:
        check_secret(secret)


def get_publication(session: Session, slug: str) -> Publication:
    """The publication with this slug, or NotFoundError."""
    pub = session.scalar(select(Publication).where(Publication.slug == slug))
    if pub is None:
        raise NotFoundError(f"no publication {slug!r}")
    return pub


def list_publications(session: Session) -> list[Publication]:
    """All publications by slug."""
    return list(session.scalars(select(Publication).order_by(Publication.slug)))


# -- API keys -------------------------------------------------------------------------------


def _hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_key(
    session: Session, pub: Publication, *, name: str = "", scopes: tuple[str, ...] = API_KEY_SCOPES
) -> tuple[ApiKey, str]:
    """A new key for ``pub``; the plain key is returned once and only its hash is stored."""
    unknown = set(scopes) - set(API_KEY_SCOPES)
    if unknown:
        raise InputError(f"unknown scopes: {', '.join(sorted(unknown))}")
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    plain = f"kz_{prefix}_{secret}"
    key = ApiKey(
        publication_id=pub.id,
        prefix=prefix,
        key_hash=_hash_key(plain),
        name=name,
        scopes=list(scopes),
    )
    session.add(key)
    session.flush()
    return key, plain


def find_api_key(session: Session, plain: str) -> ApiKey | None:
    """The active key matching ``plain`` (constant-time hash comparison), else None."""
    parts = plain.split("_", 2)
    if len(parts) != 3 or parts[0] != "kz":
        return None
    key = session.scalar(select(ApiKey).where(ApiKey.prefix == parts[1]))
    if key is None or key.revoked_at is not None:
        return None
    if not secrets.compare_digest(key.key_hash, _hash_key(plain)):
        return None
    return key


def record_key_use(factory: SessionFactory, key: ApiKey) -> None:
    """Remember that ``key`` was used now, at most once per ``KEY_USE_RESOLUTION``.

    Its own short transaction, so reads count too (their request session is rolled back).
    """
    now = utcnow()
    if key.last_used_at is not None and now - key.last_used_at < KEY_USE_RESOLUTION:
        return
    with session_scope(factory) as session:
        session.execute(
            update(ApiKey)
            .where(ApiKey.id == key.id)
            .where(
                or_(
                    ApiKey.last_used_at.is_(None),
                    ApiKey.last_used_at < now - KEY_USE_RESOLUTION,
                )
            )
            .values(last_used_at=now)
        )
    key.last_used_at = now


def get_api_key(session: Session, pub: Publication, prefix: str) -> ApiKey:
    """The key of ``pub`` with this prefix, or NotFoundError."""
    key = session.scalar(
        select(ApiKey).where(ApiKey.publication_id == pub.id, ApiKey.prefix == prefix)
    )
    if key is None:
        raise NotFoundError(f"no API key {prefix}")
    return key


def revoke_api_key(session: Session, key: ApiKey) -> None:
    """Revoke a key at once."""
    key.revoked_at = utcnow()


def list_api_keys(session: Session, pub: Publication | None = None) -> list[ApiKey]:
    """The API keys (revoked ones included) of ``pub``, or of all publications, oldest first."""
    stmt = select(ApiKey).order_by(ApiKey.id)
    if pub is not None:
        stmt = stmt.where(ApiKey.publication_id == pub.id)
    return list(session.scalars(stmt))


def find_api_key_by_prefix(session: Session, prefix_or_key: str) -> ApiKey | None:
    """The key (revoked or not) with this prefix; a whole ``kz_<prefix>_…`` key works too."""
    parts = prefix_or_key.strip().split("_", 2)
    prefix = parts[1] if len(parts) == 3 and parts[0] == "kz" else prefix_or_key.strip()
    return session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))


def revoke_api_keys_named(session: Session, pub: Publication, name: str) -> int:
    """Revoke every active key of ``pub`` called ``name``; returns how many."""
    keys = [k for k in list_api_keys(session, pub) if k.name == name and k.revoked_at is None]
    for key in keys:
        revoke_api_key(session, key)
    return len(keys)


# -- articles -------------------------------------------------------------------------------


def find_article(session: Session, pub: Publication, external_id: str) -> Article | None:
    """The article of ``pub`` with this CMS id (deleted ones included), else None."""
    stmt = select(Article).where(
        Article.publication_id == pub.id, Article.external_id == external_id
    )
    return session.scalar(stmt)


def get_article(session: Session, pub: Publication, external_id: str) -> Article:
    """The live article, or NotFoundError (deleted articles are not found)."""
    article = find_article(session, pub, external_id)
    if article is None or article.deleted_at is not None:
        raise NotFoundError(f"no article {external_id!r} in {pub.slug!r}")
    return article


def get_article_by_id(session: Session, article_id: int) -> Article:
    """The article with this internal id, or NotFoundError."""
    article = session.get(Article, article_id)
    if article is None:
        raise NotFoundError(f"no article {article_id}")
    return article


def list_articles(
    session: Session, pub: Publication, *, limit: int = 50, offset: int = 0
) -> list[Article]:
    """Live articles of a publication, newest first."""
    stmt = (
        select(Article)
        .where(Article.publication_id == pub.id, Article.deleted_at.is_(None))
        .order_by(Article.published_at.desc().nulls_last(), Article.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(stmt))


def failed_articles(
    session: Session,
    *,
    publication: str | None = None,
    language: str | None = None,
    max_age: timedelta | None = None,
    limit: int = 50,
) -> list[Article]:
    """Live articles whose summary could not be made, newest first (the editors' "failed")."""
    stmt = (
        select(Article)
        .join(Publication, Article.publication_id == Publication.id)
        .where(Article.deleted_at.is_(None), Article.status == "failed")
    )
    if publication:
        stmt = stmt.where(Publication.slug == publication)
    if language:
        stmt = stmt.where(Article.language == language)
    if max_age is not None:
        stmt = stmt.where(Article.modified_at >= utcnow() - max_age)
    return list(session.scalars(stmt.order_by(Article.modified_at.desc()).limit(limit)))


def mark_summaries_stale(session: Session, article: Article) -> None:
    """Mark every version of the article stale: none of them is served any more."""
    for version in session.scalars(
        select(SummaryVersion).where(
            SummaryVersion.article_id == article.id, SummaryVersion.stale.is_(False)
        )
    ):
        version.stale = True


def _fields(data: ArticleInput) -> dict[str, Any]:
    """The article columns a publisher's input sets."""
    return {
        "url": data.url,
        "title": data.text.title,
        "lead": data.text.lead,
        "body": data.text.body,
        "body_html": data.body_html,
        "language": data.language,
        "premium": data.premium,
        "published_at": data.published_at,
        "updated_at": data.updated_at,
    }


def upsert_article(
    session: Session,
    pub: Publication,
    external_id: str,
    data: ArticleInput,
    actor: Actor,
    *,
    digest: str | None = None,
) -> UpsertResult:
    """Create or update an article (idempotent: the same PUT twice changes nothing).

    ``digest`` is the content hash when the caller computed it already."""
    digest = digest or content_hash(data.text, data.language)
    article = find_article(session, pub, external_id)
    if article is None:
        now = utcnow()
        article = Article(
            publication_id=pub.id,
            external_id=external_id,
            content_hash=digest,
            status="pending",
            next_attempt_at=now,
            generation=0,
            attempts=0,
            **_fields(data),
        )
        session.add(article)
        session.flush()
        audit.record(session, actor, "article.created", article_id=article.id, premium=data.premium)
        return UpsertResult(article, created=True, changed=True, needs_summary=True)
    return update_article(session, article, data, actor, digest=digest)


def update_article(
    session: Session, article: Article, data: ArticleInput, actor: Actor, *, digest: str
) -> UpsertResult:
    """Apply a publisher's input to a stored article: the update half of :func:`upsert_article`
    (an unchanged article is not written)."""
    now = utcnow()
    fields = _fields(data)
    restored = article.deleted_at is not None
    body_changed = article.content_hash != digest
    premium_changed = article.premium != data.premium
    meta_changed = any(getattr(article, k) != v for k, v in fields.items())
    if not (restored or body_changed or meta_changed):
        return UpsertResult(article, created=False, changed=False, needs_summary=False)
    for key, value in fields.items():
        setattr(article, key, value)
    article.modified_at = now
    needs_summary = False
    if restored:
        article.deleted_at = None
        article.generation += 1  # the old versions were retracted: make a fresh one
        audit.record(session, actor, "article.restored", article_id=article.id)
    if body_changed or restored:
        mark_summaries_stale(session, article)
        article.content_hash = digest
        article.status = "pending"
        article.attempts = 0
        article.error = None
        article.next_attempt_at = now
        needs_summary = True
    if body_changed:
        audit.record(session, actor, "article.body_changed", article_id=article.id, hash=digest)
    if premium_changed:
        audit.record(
            session, actor, "article.premium_changed", article_id=article.id, premium=data.premium
        )
    if meta_changed and not (body_changed or premium_changed):
        audit.record(session, actor, "article.updated", article_id=article.id)
    session.flush()
    return UpsertResult(article, created=False, changed=True, needs_summary=needs_summary)


@dataclass(frozen=True, slots=True)
class NewArticle:
    """One article for :func:`insert_articles`: CMS id, input and its content hash."""

    external_id: str
    data: ArticleInput
    digest: str


def insert_articles(
    session: Session,
    pub: Publication,
    items: Sequence[NewArticle],
    actor: Actor,
    *,
    next_attempt_at: datetime | None = None,
) -> dict[str, int]:
    """Create many articles in two statements (rows, then their ``article.created`` audit
    events), as :func:`upsert_article` would one by one; ``next_attempt_at`` may lease them
    at once. An external id that exists already (a concurrent writer) is skipped: returns
    external id -> new article id for the rows inserted, the caller upserts the others."""
    if not items:
        return {}
    if len({item.external_id for item in items}) != len(items):
        raise ValueError("external ids must be distinct")
    session.flush()  # pending ORM rows first: ids stay in the order things happened
    now = utcnow()
    table = Article.__table__
    assert isinstance(table, Table)
    rows = [
        {
            "publication_id": pub.id,
            "external_id": item.external_id,
            "content_hash": item.digest,
            "status": "pending",
            "next_attempt_at": next_attempt_at or now,
            "generation": 0,
            "attempts": 0,
            "error": None,
            "deleted_at": None,
            "created_at": now,
            "modified_at": now,
            **_fields(item.data),
        }
        for item in items
    ]
    dialect = session.get_bind().dialect.name
    insert_fn = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = (
        insert_fn(table)
        .on_conflict_do_nothing(index_elements=["publication_id", "external_id"])
        .returning(table.c.id, table.c.external_id)
    )
    ids = {str(e): int(i) for i, e in session.connection().execute(stmt, rows)}
    audit.record_many(
        session,
        [
            audit.Event(
                actor,
                "article.created",
                article_id=ids[item.external_id],
                detail={"premium": item.data.premium},
            )
            for item in items
            if item.external_id in ids
        ],
    )
    return ids


def delete_article(session: Session, article: Article, actor: Actor) -> None:
    """Retract an article: it and every summary of it disappear from readers at once."""
    if article.deleted_at is not None:
        return
    article.deleted_at = utcnow()
    article.status = "deleted"
    for version in session.scalars(
        select(SummaryVersion).where(
            SummaryVersion.article_id == article.id,
            SummaryVersion.state.in_(("draft", "published")),
        )
    ):
        version.state = "retracted"
    audit.record(session, actor, "article.deleted", article_id=article.id)
    outbox.article_deleted(session, article)
    session.flush()
