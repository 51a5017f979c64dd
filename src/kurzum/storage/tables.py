"""SQLAlchemy 2 typed ORM tables: the service's source of truth (SQLite or PostgreSQL).

Times are stored in UTC and always come back timezone-aware (SQLite drops the zone).
Queries live in the repository modules, not here and not in the routes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal

from sqlalchemy import (
    JSON,
    Boolean,
    ColumnElement,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    cast,
    false,
    true,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

SummaryState = Literal["draft", "published", "rejected", "retracted", "superseded"]
SUMMARY_STATES: tuple[SummaryState, ...] = (
    "draft",
    "published",
    "rejected",
    "retracted",
    "superseded",
)
ReviewPolicy = Literal["publish-then-review", "review-before-publish"]
REVIEW_POLICIES: tuple[ReviewPolicy, ...] = ("publish-then-review", "review-before-publish")
ArticleStatus = Literal["pending", "ready", "failed", "deleted"]
Role = Literal["reader", "editor", "admin"]
ROLES: tuple[Role, ...] = ("reader", "editor", "admin")

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


Clock = Callable[[], datetime]
"""Where storage code reads the time: :func:`utcnow` by default, a fixed or stepped function in
tests (so they never sleep to let time pass)."""


def utcnow() -> datetime:
    """The current time, timezone-aware UTC (the only clock the storage layer uses)."""
    return datetime.now(UTC)


def as_utc(value: datetime | None) -> datetime | None:
    """A time as stored: one without a zone is taken as UTC, so equal inputs compare equal."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as UTC and returned timezone-aware on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base with a naming convention so Alembic migrations are stable."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
    }


class Publication(Base):
    """A title of a media group, with its paywall texts, review policy and integrations."""

    __tablename__ = "publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(2))
    premium_label: Mapped[str] = mapped_column(String(100), default="")
    notices: Mapped[dict[str, Any]] = mapped_column(default=dict)
    review_policy: Mapped[str] = mapped_column(String(32), default="publish-then-review")
    time_zone: Mapped[str] = mapped_column(
        String(64), default="Europe/Zurich", server_default="Europe/Zurich"
    )
    webhook_url: Mapped[str | None] = mapped_column(String(2000))
    webhook_secret: Mapped[str | None] = mapped_column(String(200))
    jwt_public_keys: Mapped[list[Any]] = mapped_column(default=list)
    jwt_audience: Mapped[str | None] = mapped_column(String(200))
    # embedding (issue 12): browser origins allowed to call the reader API (CORS), origins that
    # may frame kurzum's pages, the publisher's own login page and its subscribe offer per
    # language ({"de": {"url": …, "text": …}})
    allowed_origins: Mapped[list[Any]] = mapped_column(default=list)
    frame_ancestors: Mapped[list[Any]] = mapped_column(default=list)
    login_url: Mapped[str | None] = mapped_column(String(2000))
    subscribe_offers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # issue 14: the token's ``iss`` must equal this when set; ``valid_until`` must be present
    # in the subscription claim unless the publication turns that off.
    jwt_issuer: Mapped[str | None] = mapped_column(String(200))
    jwt_require_valid_until: Mapped[bool] = mapped_column(
        Boolean, default=True, server_default=true()
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The ranker calibration fitted on the publication's archive (``kurzum calibrate``):
    # ``Calibration.to_json()``, when and on how many articles, and the cross-validated scores.
    # NULL (not JSON null): the packaged default calibration.
    calibration: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    calibration_fitted_at: Mapped[datetime | None]
    calibration_articles: Mapped[int | None]
    calibration_scores: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))


class ApiKey(Base):
    """A publisher API key: only its SHA-256 is stored; ``prefix`` identifies it in logs."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    publication_id: Mapped[int] = mapped_column(ForeignKey("publications.id", ondelete="CASCADE"))
    prefix: Mapped[str] = mapped_column(String(32), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200), default="")
    scopes: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]  # updated at most once a minute (see touch_api_key)

    publication: Mapped[Publication] = relationship()


class Article(Base):
    """An article as the publisher's CMS sent it, plus its summarization status."""

    __tablename__ = "articles"
    __table_args__ = (
        UniqueConstraint("publication_id", "external_id"),
        Index(None, "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    publication_id: Mapped[int] = mapped_column(ForeignKey("publications.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(2000))
    title: Mapped[str | None] = mapped_column(Text)
    lead: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(2))
    premium: Mapped[bool] = mapped_column(Boolean, default=False)
    published_at: Mapped[datetime | None]
    updated_at: Mapped[datetime | None]
    content_hash: Mapped[str] = mapped_column(String(64))
    generation: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    # Who holds the job: the worker process running it (None: sent to the broker, not taken
    # yet) since ``leased_at``; see kurzum.storage.jobs.
    leased_by: Mapped[str | None] = mapped_column(String(100))
    leased_at: Mapped[datetime | None]
    failed_config: Mapped[str | None] = mapped_column(String(64))  # worker config of the failure
    failed_at: Mapped[datetime | None]  # last failed attempt (the editors' failures list)
    deleted_at: Mapped[datetime | None]
    # Retracted by an editor: machine summaries stay drafts until an editor publishes again.
    held: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    modified_at: Mapped[datetime] = mapped_column(default=utcnow)

    publication: Mapped[Publication] = relationship()

    @hybrid_property
    def job_key(self) -> str:
        """Idempotency key of the machine summary this article version needs (also usable in
        queries: ``Article.job_key`` is the same key as an SQL expression)."""
        return make_job_key(self.content_hash, self.generation)

    @job_key.inplace.expression
    @classmethod
    def _job_key_sql(cls) -> ColumnElement[str]:
        return cls.content_hash + ":" + cast(cls.generation, String)


def make_job_key(content_hash: str, generation: int) -> str:
    """The job key of an article version: its content hash and regeneration counter."""
    return f"{content_hash}:{generation}"


class SummaryVersion(Base):
    """One version of an article's summary; readers only ever see a published, fresh one."""

    __tablename__ = "summaries"
    __table_args__ = (
        UniqueConstraint("article_id", "version"),
        UniqueConstraint("article_id", "job_key"),
        Index(None, "state", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    job_key: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(16))
    reviewed: Mapped[bool] = mapped_column(Boolean, default=False)
    stale: Mapped[bool] = mapped_column(Boolean, default=False)
    # A model-based backend fell back to the extractive summary: always held for an editor.
    fell_back: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    method: Mapped[str] = mapped_column(String(32))
    model: Mapped[str | None] = mapped_column(String(200))
    prompt_tokens: Mapped[int] = mapped_column(Integer, default=0)
    completion_tokens: Mapped[int] = mapped_column(Integer, default=0)
    article_hash: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(2))
    bullets: Mapped[list[Any]] = mapped_column()
    faithfulness: Mapped[dict[str, Any]] = mapped_column()
    notes: Mapped[list[Any]] = mapped_column(default=list)
    override_reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    article: Mapped[Article] = relationship()

    @property
    def bullet_texts(self) -> list[str]:
        """The bullet texts, in order."""
        return [str(b["text"]) for b in self.bullets]


class AuditEvent(Base):
    """Who changed what and when: every state change and edit is recorded here."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(64))
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    summary_id: Mapped[int | None] = mapped_column(ForeignKey("summaries.id", ondelete="CASCADE"))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ErrorReport(Base):
    """A reader's "Fehler melden" on one bullet; open reports show in the editors' queue."""

    __tablename__ = "error_reports"
    __table_args__ = (Index("ix_error_reports_client_key", "client_key", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    summary_id: Mapped[int] = mapped_column(
        ForeignKey("summaries.id", ondelete="CASCADE"), index=True
    )
    bullet: Mapped[int] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    client_key: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]


class User(Base):
    """A kurzum account: reader, editor or admin; the password is an argon2 hash."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(16), default="reader")
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class UserSession(Base):
    """A login session; only the SHA-256 of the cookie token is stored."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()

    user: Mapped[User] = relationship()


class Subscription(Base):
    """A plan of one user for one publication, valid from/until (until None: open-ended)."""

    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    publication_id: Mapped[int] = mapped_column(ForeignKey("publications.id", ondelete="CASCADE"))
    plan: Mapped[str] = mapped_column(String(100), default="standard")
    valid_from: Mapped[datetime] = mapped_column(default=utcnow)
    valid_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    publication: Mapped[Publication] = relationship()


class LoginFailure(Base):
    """One failed login, keyed by a hash of the account or client address (for throttling)."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebhookDelivery(Base):
    """An outbox row: one signed webhook event to a publication, retried with backoff.

    ``message_id`` is the Standard Webhooks ``webhook-id``: the same on every retry, so the
    receiver can drop duplicates."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index(None, "status", "next_attempt_at"),
        Index(None, "publication_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    publication_id: Mapped[int] = mapped_column(ForeignKey("publications.id", ondelete="CASCADE"))
    message_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    summary_id: Mapped[int | None] = mapped_column(ForeignKey("summaries.id", ondelete="SET NULL"))
    event: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WorkerHeartbeat(Base):
    """A live worker process: it rewrites ``beat_at`` every few seconds; articles leased by a
    process whose beat stopped are sent again by the reconciler."""

    __tablename__ = "worker_heartbeats"

    worker: Mapped[str] = mapped_column(String(100), primary_key=True)
    hostname: Mapped[str] = mapped_column(String(200))
    pid: Mapped[int] = mapped_column(Integer)
    config: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    beat_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class WebhookAttempt(Base):
    """One try to deliver a webhook: when, the HTTP status or the error (the delivery log)."""

    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
