"""API request and response models (separate from the ORM tables); unknown fields are refused."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from kurzum.labels import label
from kurzum.storage.tables import SummaryVersion
from kurzum.text import check_storable, scrub
from kurzum.usecases.inputs import (
    ArticleIn,
    BulkArticleIn,
    ExternalId,
    LanguageCode,
    OptText,
    Text,
)

__all__ = [  # the article input schema lives in kurzum.usecases.inputs (shared with archive)
    "ArticleIn",
    "BulkArticleIn",
    "ExternalId",
    "LanguageCode",
    "OptText",
    "Strict",
    "Text",
]


class Strict(BaseModel):
    """Base of request models: unknown fields are an error, not silently dropped; text with
    lone UTF-16 surrogates and absurdly deep nesting are refused before any field is read."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _storable_text(cls, data: Any) -> Any:
        return check_storable(data)


def _public_key(value: str) -> str:
    """Refuse a JWT key that is not a PEM public key (RSA or EC)."""
    try:
        serialization.load_pem_public_key(value.encode())
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise ValueError("not a PEM public key (RSA or EC)") from exc
    return value


PublicKey = Annotated[str, Field(max_length=10_000), AfterValidator(_public_key)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
# A browser origin as sent in the Origin header: scheme, host, optional port, nothing else.
Origin = Annotated[str, Field(max_length=300, pattern=r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$")]
HttpUrl = Annotated[str, Field(max_length=2000, pattern=r"^https?://\S+$")]


class SubscribeOffer(BaseModel):
    """A publication's subscribe call to action in one language: where to and what it says."""

    model_config = ConfigDict(extra="forbid")
    url: HttpUrl
    text: Annotated[Text, Field(min_length=1, max_length=200)]


# Stored text on its way out: a lone surrogate stored before input was checked becomes U+FFFD
# instead of failing the whole answer (issue 14).
Shown = Annotated[str, AfterValidator(scrub)]


class SourceOut(BaseModel):
    """Where a bullet comes from: sentence index and character span in the article text."""

    sentence: int
    start: int
    end: int


class BulletOut(BaseModel):
    """One bullet with its provenance."""

    text: Shown
    sources: list[SourceOut]


class IssueOut(BaseModel):
    """An unsupported span found by the faithfulness check."""

    bullet: int
    kind: str
    text: Shown
    start: int
    end: int


class FaithfulnessOut(BaseModel):
    """The faithfulness report of a version."""

    ok: bool
    checked: int
    issues: list[IssueOut]


class UsageOut(BaseModel):
    """Tokens a language model spent (zero for extractive summaries)."""

    prompt_tokens: int
    completion_tokens: int


class SummaryOut(BaseModel):
    """A summary version as publishers and editors see it."""

    id: int
    version: int
    state: str
    reviewed: bool
    stale: bool
    label: Shown
    method: str
    model: str | None
    usage: UsageOut
    language: str
    article_hash: str
    bullets: list[BulletOut]
    faithfulness: FaithfulnessOut
    notes: list[Shown]
    override_reason: Shown | None
    created_at: datetime
    reviewed_at: datetime | None

    @classmethod
    def of(cls, version: SummaryVersion) -> SummaryOut:
        """Build from a stored version."""
        return cls(
            id=version.id,
            version=version.version,
            state=version.state,
            reviewed=version.reviewed,
            stale=version.stale,
            label=label(version),
            method=version.method,
            model=version.model,
            usage=UsageOut(
                prompt_tokens=version.prompt_tokens, completion_tokens=version.completion_tokens
            ),
            language=version.language,
            article_hash=version.article_hash,
            bullets=[BulletOut.model_validate(b) for b in version.bullets],
            faithfulness=FaithfulnessOut.model_validate(version.faithfulness),
            notes=[str(n) for n in version.notes],
            override_reason=version.override_reason,
            created_at=version.created_at,
            reviewed_at=version.reviewed_at,
        )


class ArticleStatusOut(BaseModel):
    """An article and its summarization status (publisher API)."""

    publication: str
    external_id: str
    url: str | None
    title: Shown | None
    language: str
    premium: bool
    status: str
    error: Shown | None
    attempts: int
    content_hash: str
    published_at: datetime | None
    updated_at: datetime | None
    created_at: datetime
    modified_at: datetime
    summary: SummaryOut | None
    served_summary_id: int | None


class PutArticleOut(ArticleStatusOut):
    """The answer to a PUT: the article plus what the call changed."""

    created: bool
    changed: bool


class BulkLineOut(BaseModel):
    """The outcome of one JSONL line."""

    line: int
    external_id: str | None
    result: Literal["created", "updated", "unchanged", "error"]
    error: str | None = None


class BulkOut(BaseModel):
    """The outcome of a bulk import, one entry per non-empty line."""

    accepted: int
    errors: int
    lines: list[BulkLineOut]


# -- reader ---------------------------------------------------------------------------------


class ReaderSourceOut(SourceOut):
    """A source as readers get it: also the paragraph (0 = lead, N = Nth body paragraph)."""

    paragraph: int | None = None


class ReaderBulletOut(BaseModel):
    """A bullet as readers get it, its sources with paragraph numbers for the host page."""

    text: Shown
    sources: list[ReaderSourceOut]


class ReaderSummaryOut(BaseModel):
    """The reader's answer: bullets and label when entitled, else the notice and no bullet text."""

    publication: str
    external_id: str
    premium: bool
    premium_label: Shown | None
    entitled: bool
    status: Literal["available", "locked", "unavailable"]
    summary_id: int | None = None
    label: str | None = None
    reviewed: bool | None = None
    bullets: list[ReaderBulletOut] | None = None
    notice: str | None = None
    language: str
    locked_reason: Literal["login", "subscribe"] | None = None
    login_url: str | None = None
    subscribe_url: str | None = None
    subscribe_text: str | None = None


class ReaderArticleOut(BaseModel):
    """An article in a reader listing (never bullet text)."""

    external_id: str
    title: Shown | None
    url: str | None
    premium: bool
    language: str
    published_at: datetime | None
    has_summary: bool


class ErrorReportIn(Strict):
    """A reader's "Fehler melden" on one bullet (0-based)."""

    bullet: Annotated[int, Field(ge=0, le=20)]
    message: Annotated[Text, Field(max_length=2000)] = ""


class CreatedOut(BaseModel):
    """Id of a created object."""

    id: int


# -- accounts -------------------------------------------------------------------------------


class CredentialsIn(Strict):
    """Email and password."""

    email: Annotated[str, Field(min_length=3, max_length=320)]
    password: Annotated[str, Field(min_length=1, max_length=1000)]


class RegisterIn(CredentialsIn):
    """A registration."""

    display_name: Annotated[Text, Field(max_length=200)] = ""


class PasswordChangeIn(Strict):
    """A logged-in user's new password; the current one proves it is really them."""

    current_password: Annotated[str, Field(min_length=1, max_length=1000)]
    new_password: Annotated[str, Field(min_length=1, max_length=1000)]


class SessionsEndedOut(BaseModel):
    """How many other login sessions were ended."""

    ended: int


class MessageOut(BaseModel):
    """A plain message."""

    message: str


class SubscriptionOut(BaseModel):
    """A subscription of a user."""

    id: int
    publication: str
    plan: str
    valid_from: datetime
    valid_until: datetime | None
    active: bool


class UserOut(BaseModel):
    """An account as its owner or an admin sees it."""

    id: int
    email: str
    display_name: Shown
    role: str
    disabled: bool = False


class MeOut(BaseModel):
    """The logged-in user, their subscriptions and the CSRF token for state-changing calls."""

    user: UserOut
    subscriptions: list[SubscriptionOut]
    csrf_token: str


# -- editor ---------------------------------------------------------------------------------


class BulletsIn(Strict):
    """An editor's bullets, replacing the version's (a new draft version is created)."""

    bullets: Annotated[
        list[Annotated[Text, Field(max_length=1000)]], Field(min_length=1, max_length=10)
    ]


class ApproveIn(Strict):
    """Approve; ``override`` with a ``reason`` publishes despite faithfulness warnings."""

    override: bool = False
    reason: Annotated[Text, Field(max_length=2000)] | None = None


class ReasonIn(Strict):
    """Why (reject, retract)."""

    reason: Annotated[Text, Field(max_length=2000)] = ""


class QueueItemOut(BaseModel):
    """One entry of the editors' queue."""

    summary: SummaryOut
    publication: str
    external_id: str
    article_id: int
    title: Shown | None
    premium: bool
    open_reports: int


class ReportOut(BaseModel):
    """A reader's error report."""

    id: int
    bullet: int
    message: Shown
    created_at: datetime


class EditorSummaryOut(BaseModel):
    """A version with its article context, reports and faithfulness warnings."""

    summary: SummaryOut
    publication: str
    external_id: str
    article_id: int
    title: Shown | None
    lead: Shown | None
    body: Shown
    premium: bool
    article_status: str
    article_error: str | None
    reports: list[ReportOut]


class AuditOut(BaseModel):
    """One audit event."""

    at: datetime
    actor: str
    action: str
    summary_id: int | None
    detail: dict[str, Any]


class FailedArticleOut(BaseModel):
    """An article whose summarization keeps failing."""

    article_id: int
    publication: str
    external_id: str
    title: Shown | None
    status: str
    attempts: int
    error: Shown | None
    failed_at: datetime | None = None


class RetryIn(BaseModel):
    """Which failed articles to send again: all of one publication."""

    model_config = ConfigDict(extra="forbid")

    publication: str = Field(min_length=1, max_length=64)


class RetryOut(BaseModel):
    """How many failed articles were sent again."""

    retried: int
    article_ids: list[int]


# -- admin ----------------------------------------------------------------------------------


class PublicationIn(Strict):
    """A new publication."""

    slug: Slug
    name: Annotated[Text, Field(min_length=1, max_length=200)]
    language: LanguageCode
    premium_label: Annotated[Text, Field(max_length=100)] = ""
    notices: dict[LanguageCode, Annotated[Text, Field(max_length=2000)]] = {}
    review_policy: Literal["publish-then-review", "review-before-publish"] = "publish-then-review"
    webhook_url: Annotated[str | None, Field(max_length=2000, pattern=r"^https?://\S+$")] = None
    webhook_secret: Annotated[str | None, Field(min_length=16, max_length=200)] = None
    jwt_public_keys: Annotated[list[PublicKey], Field(max_length=5)] = []
    jwt_audience: Annotated[str | None, Field(max_length=200)] = None
    allowed_origins: Annotated[list[Origin], Field(max_length=50)] = []
    frame_ancestors: Annotated[list[Origin], Field(max_length=20)] = []
    login_url: HttpUrl | None = None
    subscribe_offers: dict[LanguageCode, SubscribeOffer] = {}
    jwt_issuer: Annotated[str | None, Field(max_length=200)] = None
    jwt_require_valid_until: bool = True


class PublicationPatch(Strict):
    """Changes to a publication (fields left out stay as they are)."""

    name: Annotated[Text, Field(min_length=1, max_length=200)] | None = None
    premium_label: Annotated[Text, Field(max_length=100)] | None = None
    notices: dict[LanguageCode, Annotated[Text, Field(max_length=2000)]] | None = None
    review_policy: Literal["publish-then-review", "review-before-publish"] | None = None
    webhook_url: Annotated[str | None, Field(max_length=2000, pattern=r"^https?://\S+$")] = None
    webhook_secret: Annotated[str | None, Field(min_length=16, max_length=200)] = None
    jwt_public_keys: Annotated[list[PublicKey] | None, Field(max_length=5)] = None
    jwt_audience: Annotated[str | None, Field(max_length=200)] = None
    allowed_origins: Annotated[list[Origin] | None, Field(max_length=50)] = None
    frame_ancestors: Annotated[list[Origin] | None, Field(max_length=20)] = None
    login_url: HttpUrl | None = None
    subscribe_offers: dict[LanguageCode, SubscribeOffer] | None = None
    jwt_issuer: Annotated[str | None, Field(max_length=200)] = None
    jwt_require_valid_until: bool = True  # only sent values change (exclude_unset)


class PublicationOut(BaseModel):
    """A publication (secrets are never returned)."""

    slug: str
    name: Shown
    language: str
    premium_label: Shown
    notices: dict[str, Shown]
    review_policy: str
    webhook_url: str | None
    jwt_audience: str | None
    jwt_issuer: str | None
    jwt_require_valid_until: bool
    jwt_keys: int
    allowed_origins: list[str] = []
    frame_ancestors: list[str] = []
    login_url: str | None = None
    subscribe_offers: dict[str, SubscribeOffer] = {}


class ApiKeyIn(Strict):
    """A new publisher API key."""

    name: Annotated[Text, Field(max_length=200)] = ""
    scopes: list[Literal["articles:write", "articles:read"]] = ["articles:write", "articles:read"]


class ApiKeyInfoOut(BaseModel):
    """An existing API key (never the key itself)."""

    prefix: str
    name: Shown
    scopes: list[str]
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None


class ApiKeyOut(BaseModel):
    """A new API key: ``key`` is shown once and never again."""

    prefix: str
    key: str
    scopes: list[str]


class UserIn(Strict):
    """An account created by an admin."""

    email: Annotated[str, Field(min_length=3, max_length=320)]
    password: Annotated[str, Field(min_length=10, max_length=1000)]
    role: Literal["reader", "editor", "admin"] = "reader"
    display_name: Annotated[Text, Field(max_length=200)] = ""


class SubscriptionIn(Strict):
    """A subscription granted by an admin."""

    publication: Slug
    plan: Annotated[Text, Field(min_length=1, max_length=100)] = "standard"
    valid_from: datetime | None = None
    valid_until: datetime | None = None


# -- webhooks and API keys (admin) ----------------------------------------------------------


class WebhookAttemptOut(BaseModel):
    """One try of a delivery: HTTP status, or the error (refused address, timeout, …)."""

    at: datetime
    status_code: int | None
    error: str | None
    duration_ms: int


class WebhookDeliveryOut(BaseModel):
    """One event sent (or to be sent) to the publication's webhook, with its last tries."""

    id: int
    message_id: str | None
    event: str
    status: Literal["pending", "delivered", "failed"] | str
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    last_error: str | None
    tries: list[WebhookAttemptOut]


class WebhookSecretOut(BaseModel):
    """A new signing secret: shown once, kurzum keeps it to sign."""

    webhook_secret: str
