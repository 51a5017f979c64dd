"""The readers' hot path: one SQL query for an article's reader view, as plain rows.

:func:`reader_view` answers with the publication, the live article, its served summary (same
rule as :func:`kurzum.storage.summaries.served_summary`) and, given a session cookie token, the
reader's login and subscription; no ORM objects are built and nothing is cached, so every
request sees the database as it is (retractions, edits, premium switches, ended subscriptions).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, bindparam, exists, literal, or_, select
from sqlalchemy.sql import Select

from kurzum.errors import NotFoundError
from kurzum.storage.accounts import sha256
from kurzum.storage.rules import is_editor, served
from kurzum.storage.tables import (
    Article,
    Publication,
    Subscription,
    SummaryVersion,
    User,
    UserSession,
    utcnow,
)

MAX_TOKEN = 200  # longer cookie tokens are never valid (as in accounts.resolve_session)


@dataclass(frozen=True, slots=True)
class ReaderPublication:
    """The publication fields a reader answer needs (also what publisher JWTs are checked by)."""

    id: int
    slug: str
    name: str
    language: str
    premium_label: str
    notices: dict[str, Any]
    jwt_public_keys: list[Any]
    jwt_audience: str | None
    login_url: str | None
    subscribe_offers: dict[str, Any]
    jwt_issuer: str | None
    jwt_require_valid_until: bool


@dataclass(frozen=True, slots=True)
class ReaderArticle:
    """The public facts of a live article."""

    id: int
    external_id: str
    language: str
    premium: bool
    status: str


@dataclass(frozen=True, slots=True)
class ServedSummary:
    """The summary version readers may see (what its label and bullets are made from)."""

    id: int
    language: str
    reviewed: bool
    method: str
    model: str | None
    bullets: list[Any]


@dataclass(frozen=True, slots=True)
class ReaderLogin:
    """The user of a live session cookie and whether they subscribe to the publication now."""

    user_id: int
    role: str
    subscribed: bool

    @property
    def is_editor(self) -> bool:
        """Editors and admins read every premium summary."""
        return is_editor(self.role)


@dataclass(frozen=True, slots=True)
class ReaderView:
    """Publication, live article, served summary (or None) and login (or None) of one request."""

    publication: ReaderPublication
    article: ReaderArticle
    summary: ServedSummary | None
    login: ReaderLogin | None


_PUB = (
    Publication.id,
    Publication.slug,
    Publication.name,
    Publication.language,
    Publication.premium_label,
    Publication.notices,
    Publication.jwt_public_keys,
    Publication.jwt_audience,
    Publication.login_url,
    Publication.subscribe_offers,
    Publication.jwt_issuer,
    Publication.jwt_require_valid_until,
)
_ARTICLE = (Article.id, Article.external_id, Article.language, Article.premium, Article.status)
_SUMMARY = (
    SummaryVersion.id,
    SummaryVersion.language,
    SummaryVersion.reviewed,
    SummaryVersion.method,
    SummaryVersion.model,
    SummaryVersion.bullets,
)
_LOGIN = (User.id, User.role)


def _statement(with_login: bool) -> Select[Any]:
    """The reader view query; ``with_login`` adds the session's user and subscription."""
    columns: list[Any] = [*_PUB, *_ARTICLE, *_SUMMARY]
    now = bindparam("now", type_=UserSession.expires_at.type)
    if with_login:
        subscribed = exists().where(
            Subscription.user_id == User.id,
            Subscription.publication_id == Publication.id,
            Subscription.valid_from <= now,
            or_(Subscription.valid_until.is_(None), Subscription.valid_until > now),
        )
        columns += [*_LOGIN, subscribed.label("subscribed")]
    else:
        columns += [literal(None).label("user_id"), literal(None).label("role")]
        columns += [literal(False).label("subscribed")]
    stmt = (
        select(*columns)
        .select_from(Publication)
        .join(Article, Article.publication_id == Publication.id)
        .outerjoin(SummaryVersion, served())
    )
    if with_login:
        live_session = and_(
            UserSession.token_hash == bindparam("token_hash"),
            UserSession.expires_at > now,
        )
        stmt = stmt.outerjoin(UserSession, live_session).outerjoin(
            User, and_(User.id == UserSession.user_id, User.disabled.is_(False))
        )
    return (
        stmt.where(
            Publication.slug == bindparam("slug"),
            Article.external_id == bindparam("external_id"),
            Article.deleted_at.is_(None),
        )
        .order_by(SummaryVersion.version.desc())
        .limit(1)
    )


_ANONYMOUS = _statement(with_login=False)
_WITH_LOGIN = _statement(with_login=True)
_N_PUB, _N_ARTICLE, _N_SUMMARY = len(_PUB), len(_ARTICLE), len(_SUMMARY)


def reader_view(
    connection: Connection,
    slug: str,
    external_id: str,
    session_token: str | None = None,
    *,
    now: datetime | None = None,
) -> ReaderView:
    """The reader view of an article in one query; NotFoundError when unknown or deleted.

    ``session_token`` is the session cookie; a missing, unknown, expired or too long token or a
    disabled user gives ``login=None``, like :func:`kurzum.storage.accounts.resolve_session`.
    """
    params: dict[str, Any] = {"slug": slug, "external_id": external_id}
    stmt = _ANONYMOUS
    if session_token and len(session_token) <= MAX_TOKEN:
        stmt = _WITH_LOGIN
        params |= {"token_hash": sha256(session_token), "now": now or utcnow()}
    row = connection.execute(stmt, params).first()
    if row is None:
        raise NotFoundError(f"no article {external_id!r} in {slug!r}")
    a, s, lg = _N_PUB, _N_PUB + _N_ARTICLE, _N_PUB + _N_ARTICLE + _N_SUMMARY
    pub = ReaderPublication(*row[:a])
    article = ReaderArticle(*row[a:s])
    summary = ServedSummary(*row[s:lg]) if row[s] is not None else None
    user_id, role, subscribed = row[lg:]
    login = ReaderLogin(user_id, role, bool(subscribed)) if user_id is not None else None
    return ReaderView(pub, article, summary, login)
