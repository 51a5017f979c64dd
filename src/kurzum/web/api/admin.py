"""Admin API (admin session + CSRF): publications, API keys, users and subscriptions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from sqlalchemy import select

from kurzum.errors import ConflictError, NotFoundError
from kurzum.storage import accounts, audit
from kurzum.storage import articles as repo
from kurzum.storage.tables import ApiKey, Publication, Subscription, User
from kurzum.web.api.accounts import subscription_out
from kurzum.web.api.webhooks import ResolverDep, check_webhook_url
from kurzum.web.deps import AdminLogin, SessionDep, SettingsDep, actor_of
from kurzum.web.errors import ERROR_RESPONSES
from kurzum.web.schemas import (
    ApiKeyIn,
    ApiKeyInfoOut,
    ApiKeyOut,
    PublicationIn,
    PublicationOut,
    PublicationPatch,
    Slug,
    SubscriptionIn,
    SubscriptionOut,
    UserIn,
    UserOut,
)

router = APIRouter(prefix="/api/v1/admin", tags=["admin"], responses=ERROR_RESPONSES)
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


def publication_out(pub: Publication) -> PublicationOut:
    """A publication without its secrets."""
    return PublicationOut(
        slug=pub.slug,
        name=pub.name,
        language=pub.language,
        premium_label=pub.premium_label,
        notices={str(k): str(v) for k, v in pub.notices.items()},
        review_policy=pub.review_policy,
        webhook_url=pub.webhook_url,
        jwt_audience=pub.jwt_audience,
        jwt_issuer=pub.jwt_issuer,
        jwt_require_valid_until=pub.jwt_require_valid_until,
        jwt_keys=len(pub.jwt_public_keys),
        allowed_origins=[str(o) for o in pub.allowed_origins],
        frame_ancestors=[str(o) for o in pub.frame_ancestors],
        login_url=pub.login_url,
        subscribe_offers=pub.subscribe_offers,
    )


@router.get("/publications", summary="All publications")
def list_publications(login: AdminLogin, session: SessionDep) -> list[PublicationOut]:
    """By slug."""
    return [publication_out(p) for p in repo.list_publications(session)]


@router.post("/publications", status_code=201, summary="Create a publication")
def create_publication(
    data: PublicationIn,
    login: AdminLogin,
    session: SessionDep,
    settings: SettingsDep,
    resolve: ResolverDep,
) -> PublicationOut:
    """409 when the slug is taken; 422 for a webhook URL on an internal address or without
    a secret."""
    check_webhook_url(data.webhook_url, settings, resolve)
    pub = repo.create_publication(session, **data.model_dump())
    session.commit()
    return publication_out(pub)


@router.patch("/publications/{slug}", summary="Change a publication")
def patch_publication(
    slug: Annotated[Slug, Path()],
    data: PublicationPatch,
    login: AdminLogin,
    session: SessionDep,
    settings: SettingsDep,
    resolve: ResolverDep,
) -> PublicationOut:
    """Only the fields given change (review policy, notices, webhook, JWT keys…); a webhook URL
    must resolve to public addresses and needs a secret."""
    check_webhook_url(data.webhook_url, settings, resolve)
    pub = repo.get_publication(session, slug)
    repo.update_publication(session, pub, **data.model_dump(exclude_unset=True))
    session.commit()
    return publication_out(pub)


@router.post("/publications/{slug}/api-keys", status_code=201, summary="Create an API key")
def create_api_key(
    slug: Annotated[Slug, Path()],
    data: ApiKeyIn,
    login: AdminLogin,
    session: SessionDep,
    response: Response,
) -> ApiKeyOut:
    """The key is in this answer only; kurzum stores its hash."""
    pub = repo.get_publication(session, slug)
    key, plain = repo.create_api_key(session, pub, name=data.name, scopes=tuple(data.scopes))
    session.commit()
    response.headers["Cache-Control"] = "no-store"
    return ApiKeyOut(prefix=key.prefix, key=plain, scopes=list(key.scopes))


@router.get("/publications/{slug}/api-keys", summary="A publication's API keys")
def list_api_keys(
    slug: Annotated[Slug, Path()], login: AdminLogin, session: SessionDep
) -> list[ApiKeyInfoOut]:
    """Prefix, name, scopes and whether revoked; never the key."""
    pub = repo.get_publication(session, slug)
    return [api_key_out(k) for k in repo.list_api_keys(session, pub)]


@router.delete("/publications/{slug}/api-keys/{prefix}", summary="Revoke an API key")
def revoke_api_key(
    slug: Annotated[Slug, Path()],
    prefix: Annotated[str, Path(pattern=r"^[0-9a-f]{1,32}$")],
    login: AdminLogin,
    session: SessionDep,
) -> ApiKeyInfoOut:
    """The key stops working at once (already revoked: unchanged)."""
    key = repo.get_api_key(session, repo.get_publication(session, slug), prefix)
    if key.revoked_at is None:
        repo.revoke_api_key(session, key)
        audit.record(session, actor_of(login), "api_key.revoked", prefix=key.prefix)
    session.commit()
    return api_key_out(key)


def api_key_out(key: ApiKey) -> ApiKeyInfoOut:
    """An API key without its secret."""
    return ApiKeyInfoOut(
        prefix=key.prefix,
        name=key.name,
        scopes=[str(s) for s in key.scopes],
        created_at=key.created_at,
        last_used_at=key.last_used_at,
        revoked_at=key.revoked_at,
    )


def _user_out(user: User) -> UserOut:
    return UserOut(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        role=user.role,
        disabled=user.disabled,
    )


@router.get("/users", summary="Find users")
def list_users(
    login: AdminLogin,
    session: SessionDep,
    email: Annotated[str | None, Query(max_length=320)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[UserOut]:
    """Users whose email contains ``email``."""
    stmt = select(User).order_by(User.id).limit(limit)
    if email:
        stmt = stmt.where(User.email.contains(email.strip().lower()))
    return [_user_out(u) for u in session.scalars(stmt)]


@router.post("/users", status_code=201, summary="Create a user")
def create_user(data: UserIn, login: AdminLogin, session: SessionDep) -> UserOut:
    """Readers, editors and admins; 409 when the email exists."""
    user = accounts.create_user(
        session, data.email, data.password, role=data.role, display_name=data.display_name
    )
    session.commit()
    return _user_out(user)


@router.post("/users/{user_id}/disable", summary="Disable a user (logs them out everywhere)")
def disable_user(user_id: Id, login: AdminLogin, session: SessionDep) -> UserOut:
    """The user can no longer log in; their sessions end at once. 409 for one's own account."""
    user = accounts.get_user(session, user_id)
    if user.id == login.user.id:
        raise ConflictError("you cannot disable your own account")
    accounts.set_disabled(session, user, disabled=True)
    audit.record(session, actor_of(login), "user.disabled", target_user=user.id)
    session.commit()
    return _user_out(user)


@router.post("/users/{user_id}/enable", summary="Enable a disabled user again")
def enable_user(user_id: Id, login: AdminLogin, session: SessionDep) -> UserOut:
    """The user can log in again."""
    user = accounts.get_user(session, user_id)
    accounts.set_disabled(session, user, disabled=False)
    audit.record(session, actor_of(login), "user.enabled", target_user=user.id)
    session.commit()
    return _user_out(user)


@router.get("/users/{user_id}/subscriptions", summary="A user's subscriptions")
def user_subscriptions(
    user_id: Id, login: AdminLogin, session: SessionDep
) -> list[SubscriptionOut]:
    """Newest first."""
    accounts.get_user(session, user_id)
    return [subscription_out(s) for s in accounts.subscriptions(session, user_id)]


@router.post("/users/{user_id}/subscriptions", status_code=201, summary="Grant a subscription")
def add_subscription(
    user_id: Id, data: SubscriptionIn, login: AdminLogin, session: SessionDep
) -> SubscriptionOut:
    """Valid from ``valid_from`` (default now) until ``valid_until`` (default open-ended)."""
    user = accounts.get_user(session, user_id)
    pub = repo.get_publication(session, data.publication)
    sub = accounts.add_subscription(
        session, user, pub, plan=data.plan, valid_from=data.valid_from, valid_until=data.valid_until
    )
    session.commit()
    return subscription_out(sub)


@router.delete("/subscriptions/{subscription_id}", summary="End a subscription now")
def end_subscription(
    subscription_id: Id, login: AdminLogin, session: SessionDep
) -> SubscriptionOut:
    """Entitlement ends at once."""
    sub = session.get(Subscription, subscription_id)
    if sub is None:
        raise NotFoundError(f"no subscription {subscription_id}")
    accounts.end_subscription(session, sub)
    session.commit()
    return subscription_out(sub)
