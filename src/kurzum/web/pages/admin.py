"""Admin pages: publications (texts, review policy, webhook, JWT keys), API keys and users.

Admins only. Forms post with the session's CSRF token and redirect after success (PRG); a
secret (new API key, new webhook secret) is shown once, in the answer to its POST, never stored
in a URL. Every change goes through the same storage functions and validation models as the
admin API, and a webhook URL through the same address check.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query
from fastapi.responses import Response
from pydantic import ValidationError

from kurzum.errors import ConflictError, InputError, NotFoundError
from kurzum.models import LANGUAGES
from kurzum.storage import accounts, outbox
from kurzum.storage import articles as repo
from kurzum.storage.tables import REVIEW_POLICIES, ROLES, ApiKey, Publication, Subscription, User
from kurzum.web.api.accounts import subscription_out
from kurzum.web.api.webhooks import ResolverDep, check_webhook_url
from kurzum.web.deps import AdminLogin, DispatcherDep
from kurzum.web.pages.base import Page, PageDep, PageRoute, redirect
from kurzum.web.pages.templating import format_date, page_language
from kurzum.web.schemas import PublicationIn, PublicationPatch, Slug
from kurzum.webhooks.signing import new_secret

router = APIRouter(prefix="/admin", route_class=PageRoute, include_in_schema=False)

SlugPath = Annotated[Slug, Path()]
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
Done = Annotated[str, Query(max_length=32)]
ShortText = Annotated[str, Form(max_length=2000)]
LongText = Annotated[str, Form(max_length=60_000)]
PEM = re.compile(r"-----BEGIN PUBLIC KEY-----.+?-----END PUBLIC KEY-----", re.DOTALL)
DONE_MESSAGES = {
    "saved": "admin.done.saved",
    "created": "admin.done.created",
    "test": "admin.done.test",
    "revoked": "admin.done.revoked",
    "role": "admin.done.saved",
    "disabled": "admin.done.disabled",
    "enabled": "admin.done.enabled",
    "granted": "admin.done.granted",
    "ended": "admin.done.ended",
}


def _render(
    page: Page,
    template: str,
    context: dict[str, Any],
    *,
    problem: Exception | None = None,
    done: str = "",
) -> Response:
    """An admin page with the outcome of the step before: the flash of ``done`` (after a
    redirect) or the form error ``problem`` (one readable line, and its status)."""
    context["error"] = _problem(page, problem) if problem is not None else None
    key = DONE_MESSAGES.get(done)
    if key:
        context |= {"flash": page.gettext(key), "flash_kind": "ok"}
    return page.render(template, context, _status(problem) if problem is not None else 200)


def _status(exc: Exception) -> int:
    """The HTTP status of a form error: 409 for a conflict, 404 for a missing thing, else 422."""
    if isinstance(exc, ConflictError):
        return 409
    if isinstance(exc, NotFoundError):
        return 404
    return 422


def _problem(page: Page, exc: Exception) -> str:
    """A validation or domain error as one readable line."""
    if isinstance(exc, ValidationError):
        fields = ", ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '?'}: {e['msg']}" for e in exc.errors()
        )
        return page.gettext("error.bad_input", detail=fields)
    if isinstance(exc, ConflictError):
        return page.gettext("error.conflict", detail=str(exc))
    return page.gettext("error.bad_input", detail=str(exc))


@router.get("", name="page_admin")
def index(page: PageDep, login: AdminLogin) -> Response:
    """The admin's start page: publications and users."""
    return redirect("/admin/publications")


# -- publications ---------------------------------------------------------------------------


def _pub_row(pub: Publication) -> dict[str, Any]:
    return {
        "slug": pub.slug,
        "name": pub.name,
        "language": pub.language,
        "review_policy": pub.review_policy,
        "webhook": outbox.enabled(pub),
        "url": f"/admin/publications/{pub.slug}",
    }


def _list(
    page: Page,
    problem: Exception | None = None,
    form: dict[str, str] | None = None,
    done: str = "",
) -> Response:
    context: dict[str, Any] = {
        "rows": [_pub_row(p) for p in repo.list_publications(page.session)],
        "form": form or {"slug": "", "name": "", "language": "de"},
    }
    return _render(page, "admin/publications.html", context, problem=problem, done=done)


@router.get("/publications", name="page_admin_publications")
def publications(page: PageDep, login: AdminLogin, done: Done = "") -> Response:
    """Every publication, and a form to add one."""
    return _list(page, done=done)


@router.post("/publications", name="page_admin_publication_create")
def create_publication(
    page: PageDep,
    login: AdminLogin,
    slug: Annotated[str, Form(max_length=64)] = "",
    name: Annotated[str, Form(max_length=200)] = "",
    language: Annotated[str, Form(max_length=2)] = "de",
) -> Response:
    """Add a publication (the rest is set on its page)."""
    form = {"slug": slug, "name": name, "language": language}
    try:
        data = PublicationIn.model_validate(form)
        repo.create_publication(page.session, **data.model_dump())
    except (ValidationError, InputError, ConflictError) as exc:
        page.session.rollback()
        return _list(page, exc, form)
    page.session.commit()
    return redirect(f"/admin/publications/{data.slug}?done=created")


def _deliveries(page: Page, pub: Publication) -> list[dict[str, Any]]:
    language = page_language(page.request)
    rows = []
    for entry in outbox.delivery_log(page.session, pub, limit=20):
        d = entry.delivery
        rows.append(
            {
                "id": d.id,
                "event": d.event,
                "status": d.status,
                "attempts": d.attempts,
                "created": d.created_at,
                "created_text": _when(d.created_at, language),
                "next": d.next_attempt_at if d.status == "pending" else None,
                "next_text": _when(d.next_attempt_at, language),
                "last_error": d.last_error,
                "tries": [
                    {
                        "at": a.at,
                        "at_text": _when(a.at, language),
                        "status_code": a.status_code,
                        "error": a.error,
                        "duration_ms": a.duration_ms,
                    }
                    for a in entry.attempts
                ],
            }
        )
    return rows


def _when(value: datetime | None, language: Any) -> str:
    """Date and UTC time, as the log needs it."""
    if value is None:
        return ""
    return f"{format_date(value, language)} {value.astimezone(UTC):%H:%M:%S} UTC"


def _pub_form(pub: Publication) -> dict[str, Any]:
    return {
        "name": pub.name,
        "language": pub.language,
        "premium_label": pub.premium_label,
        "notices": {code: str(pub.notices.get(code, "")) for code in LANGUAGES},
        "review_policy": pub.review_policy,
        "webhook_url": pub.webhook_url or "",
        "has_secret": bool(pub.webhook_secret),
        "jwt_public_keys": "\n".join(str(k).strip() for k in pub.jwt_public_keys),
        "jwt_audience": pub.jwt_audience or "",
    }


def _extras(pub: Publication) -> list[tuple[str, str]]:
    """Embedding settings other modules add to publications, shown read-only when present."""
    shown = []
    for field in ("allowed_origins", "frame_ancestors", "login_url", "subscribe_offers"):
        if hasattr(pub, field):
            value = getattr(pub, field)
            if isinstance(value, dict):
                text = "; ".join(f"{k}: {v}" for k, v in value.items())
            elif isinstance(value, list):
                text = ", ".join(str(v) for v in value)
            else:
                text = str(value or "")
            shown.append((field, text))
    return shown


def _publication_page(
    page: Page,
    pub: Publication,
    *,
    form: dict[str, Any] | None = None,
    secret: str | None = None,
    problem: Exception | None = None,
    done: str = "",
) -> Response:
    context: dict[str, Any] = {
        "pub": {"slug": pub.slug, "name": pub.name, "webhook": outbox.enabled(pub)},
        "form": form or _pub_form(pub),
        "secret": secret,
        "policies": REVIEW_POLICIES,
        "deliveries": _deliveries(page, pub),
        "extras": _extras(pub),
        "keys_url": f"/admin/publications/{pub.slug}/keys",
    }
    return _render(page, "admin/publication.html", context, problem=problem, done=done)


@router.get("/publications/{slug}", name="page_admin_publication")
def publication(slug: SlugPath, page: PageDep, login: AdminLogin, done: Done = "") -> Response:
    """A publication's settings, its webhook and the webhook's delivery log."""
    pub = repo.get_publication(page.session, slug)
    return _publication_page(page, pub, done=done)


@router.post("/publications/{slug}", name="page_admin_publication_save")
def save_publication(
    slug: SlugPath,
    page: PageDep,
    login: AdminLogin,
    resolve: ResolverDep,
    name: Annotated[str, Form(max_length=200)] = "",
    language: Annotated[str, Form(max_length=2)] = "de",
    premium_label: Annotated[str, Form(max_length=100)] = "",
    notice_de: ShortText = "",
    notice_fr: ShortText = "",
    notice_en: ShortText = "",
    review_policy: Annotated[str, Form(max_length=32)] = "publish-then-review",
    webhook_url: ShortText = "",
    webhook_secret: Annotated[str, Form(max_length=200)] = "",
    jwt_public_keys: LongText = "",
    jwt_audience: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Save the settings; a webhook URL must resolve to public addresses and have a secret
    (an empty secret field keeps the current one)."""
    pub = repo.get_publication(page.session, slug)
    notices = {"de": notice_de, "fr": notice_fr, "en": notice_en}
    keys = PEM.findall(jwt_public_keys)
    form = {
        "name": name,
        "language": language,
        "premium_label": premium_label,
        "notices": notices,
        "review_policy": review_policy,
        "webhook_url": webhook_url,
        "has_secret": bool(pub.webhook_secret),
        "jwt_public_keys": jwt_public_keys,
        "jwt_audience": jwt_audience,
    }
    try:
        if jwt_public_keys.strip() and not keys:
            raise InputError("jwt_public_keys: no PEM public key found")
        changes: dict[str, Any] = {
            "name": name,
            "premium_label": premium_label,
            "notices": {code: text.strip() for code, text in notices.items() if text.strip()},
            "review_policy": review_policy,
            "webhook_url": webhook_url.strip() or None,
            "jwt_public_keys": keys,
            "jwt_audience": jwt_audience.strip() or None,
        }
        if webhook_secret.strip():
            changes["webhook_secret"] = webhook_secret.strip()
        data = PublicationPatch.model_validate(changes)
        if language not in LANGUAGES:
            raise InputError("language must be de, fr or en")
        check_webhook_url(data.webhook_url, page.settings, resolve)
        repo.update_publication(
            page.session, pub, language=language, **data.model_dump(exclude_unset=True)
        )
    except (ValidationError, InputError, ConflictError) as exc:
        page.session.rollback()
        pub = repo.get_publication(page.session, slug)
        return _publication_page(page, pub, form=form, problem=exc)
    page.session.commit()
    return redirect(f"/admin/publications/{slug}?done=saved")


@router.post("/publications/{slug}/webhook-secret", name="page_admin_webhook_secret")
def webhook_secret(slug: SlugPath, page: PageDep, login: AdminLogin) -> Response:
    """A new signing secret, shown in this answer only (the old one stops at once)."""
    pub = repo.get_publication(page.session, slug)
    secret = new_secret()
    repo.update_publication(page.session, pub, webhook_secret=secret)
    page.session.commit()
    return _publication_page(page, pub, secret=secret)


@router.post("/publications/{slug}/webhook-test", name="page_admin_webhook_test")
def webhook_test(
    slug: SlugPath, page: PageDep, login: AdminLogin, dispatcher: DispatcherDep
) -> Response:
    """Queue a signed ``webhook.test`` event; the log below shows how it went."""
    pub = repo.get_publication(page.session, slug)
    try:
        delivery = outbox.ping(page.session, pub)
    except InputError as exc:
        page.session.rollback()
        return _publication_page(page, pub, problem=exc)
    page.session.commit()
    dispatcher.webhook(delivery.id)
    return redirect(f"/admin/publications/{slug}?done=test")


# -- API keys -------------------------------------------------------------------------------


def _key_row(key: ApiKey, language: Any) -> dict[str, Any]:
    return {
        "prefix": key.prefix,
        "name": key.name,
        "scopes": [str(s) for s in key.scopes],
        "created_text": _when(key.created_at, language),
        "last_used_text": _when(key.last_used_at, language),
        "revoked": key.revoked_at is not None,
        "revoked_text": _when(key.revoked_at, language),
    }


def _keys_page(
    page: Page,
    pub: Publication,
    *,
    plain: str | None = None,
    problem: Exception | None = None,
    done: str = "",
) -> Response:
    language = page_language(page.request)
    context: dict[str, Any] = {
        "pub": {"slug": pub.slug, "name": pub.name},
        "keys": [_key_row(k, language) for k in repo.list_api_keys(page.session, pub)],
        "scopes": repo.API_KEY_SCOPES,
        "plain": plain,
    }
    return _render(page, "admin/keys.html", context, problem=problem, done=done)


@router.get("/publications/{slug}/keys", name="page_admin_keys")
def keys_page(slug: SlugPath, page: PageDep, login: AdminLogin, done: Done = "") -> Response:
    """A publication's API keys with their last use; create and revoke."""
    pub = repo.get_publication(page.session, slug)
    return _keys_page(page, pub, done=done)


@router.post("/publications/{slug}/keys", name="page_admin_key_create")
def create_key(
    slug: SlugPath,
    page: PageDep,
    login: AdminLogin,
    name: Annotated[str, Form(max_length=200)] = "",
    scope: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """A new key, shown in this answer only; kurzum keeps its hash."""
    pub = repo.get_publication(page.session, slug)
    try:
        if not scope:
            raise InputError("choose at least one scope")
        _, plain = repo.create_api_key(page.session, pub, name=name.strip(), scopes=tuple(scope))
    except InputError as exc:
        page.session.rollback()
        return _keys_page(page, pub, problem=exc)
    page.session.commit()
    return _keys_page(page, pub, plain=plain)


@router.post("/publications/{slug}/keys/{prefix}/revoke", name="page_admin_key_revoke")
def revoke_key(
    slug: SlugPath,
    prefix: Annotated[str, Path(pattern=r"^[0-9a-f]{1,32}$")],
    page: PageDep,
    login: AdminLogin,
) -> Response:
    """Revoke a key at once."""
    pub = repo.get_publication(page.session, slug)
    key = next((k for k in repo.list_api_keys(page.session, pub) if k.prefix == prefix), None)
    if key is None:
        raise NotFoundError(f"no API key {prefix}")
    if key.revoked_at is None:
        repo.revoke_api_key(page.session, key)
        page.session.commit()
    return redirect(f"/admin/publications/{slug}/keys?done=revoked")


# -- users ----------------------------------------------------------------------------------


@router.get("/users", name="page_admin_users")
def users(
    page: PageDep,
    login: AdminLogin,
    email: Annotated[str, Query(max_length=320)] = "",
) -> Response:
    """Accounts (filtered by email), with role and status."""
    rows = [
        {
            "id": u.id,
            "email": u.email,
            "role": u.role,
            "disabled": u.disabled,
            "url": f"/admin/users/{u.id}",
        }
        for u in accounts.list_users(page.session, email=email or None, limit=200)
    ]
    return page.render("admin/users.html", {"rows": rows, "email": email})


def _user_page(
    page: Page,
    user: User,
    *,
    problem: Exception | None = None,
    done: str = "",
) -> Response:
    language = page_language(page.request)
    subs = []
    for sub in accounts.subscriptions(page.session, user.id):
        out = subscription_out(sub)
        subs.append(
            {
                "id": sub.id,
                "publication": sub.publication.name,
                "plan": sub.plan,
                "valid_from_text": format_date(sub.valid_from, language),
                "valid_until_text": format_date(sub.valid_until, language),
                "active": out.active,
            }
        )
    context: dict[str, Any] = {
        "person": {
            "id": user.id,
            "email": user.email,
            "role": user.role,
            "disabled": user.disabled,
            "created_text": format_date(user.created_at, language),
        },
        "roles": ROLES,
        "subscriptions": subs,
        "publications": [(p.slug, p.name) for p in repo.list_publications(page.session)],
        "is_self": page.login is not None and page.login.user.id == user.id,
    }
    return _render(page, "admin/user.html", context, problem=problem, done=done)


@router.get("/users/{user_id}", name="page_admin_user")
def user_page(user_id: Id, page: PageDep, login: AdminLogin, done: Done = "") -> Response:
    """One account: role, disable, subscriptions."""
    return _user_page(page, accounts.get_user(page.session, user_id), done=done)


def _not_self(login: AdminLogin, user: User, what: str) -> None:
    if login.user.id == user.id:
        raise ConflictError(f"admins cannot {what} themselves")


@router.post("/users/{user_id}/role", name="page_admin_user_role")
def user_role(
    user_id: Id,
    page: PageDep,
    login: AdminLogin,
    role: Annotated[str, Form(max_length=16)] = "reader",
) -> Response:
    """Change the role (not one's own: an admin cannot lock themselves out)."""
    user = accounts.get_user(page.session, user_id)
    try:
        _not_self(login, user, "change the role of")
        accounts.set_role(page.session, user, role)
    except (InputError, ConflictError) as exc:
        page.session.rollback()
        return _user_page(page, user, problem=exc)
    page.session.commit()
    return redirect(f"/admin/users/{user_id}?done=role")


@router.post("/users/{user_id}/disable", name="page_admin_user_disable")
def user_disable(
    user_id: Id,
    page: PageDep,
    login: AdminLogin,
    disabled: Annotated[bool, Form()] = True,
) -> Response:
    """Disable (sessions end at once) or enable an account."""
    user = accounts.get_user(page.session, user_id)
    try:
        _not_self(login, user, "disable")
    except ConflictError as exc:
        return _user_page(page, user, problem=exc)
    accounts.set_disabled(page.session, user, disabled=disabled)
    page.session.commit()
    return redirect(f"/admin/users/{user_id}?done={'disabled' if disabled else 'enabled'}")


@router.post("/users/{user_id}/subscriptions", name="page_admin_user_subscribe")
def user_subscribe(
    user_id: Id,
    page: PageDep,
    login: AdminLogin,
    publication: Annotated[str, Form(max_length=64)] = "",
    plan: Annotated[str, Form(max_length=100)] = "standard",
    valid_until: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Grant a subscription from now until the given day (empty: open-ended)."""
    user = accounts.get_user(page.session, user_id)
    try:
        pub = repo.get_publication(page.session, publication)
        until = None
        if valid_until:
            try:
                day = datetime.strptime(valid_until, "%Y-%m-%d").date()
            except ValueError as exc:
                raise InputError("valid_until must be a date (YYYY-MM-DD)") from exc
            until = datetime.combine(day, time(23, 59, 59), tzinfo=UTC)
        accounts.add_subscription(
            page.session, user, pub, plan=plan.strip() or "standard", valid_until=until
        )
    except (InputError, NotFoundError) as exc:
        page.session.rollback()
        return _user_page(page, user, problem=exc)
    page.session.commit()
    return redirect(f"/admin/users/{user_id}?done=granted")


@router.post("/users/{user_id}/subscriptions/{subscription_id}/end", name="page_admin_sub_end")
def user_subscription_end(
    user_id: Id, subscription_id: Id, page: PageDep, login: AdminLogin
) -> Response:
    """End a subscription now."""
    sub = page.session.get(Subscription, subscription_id)
    if sub is None or sub.user_id != user_id:
        raise NotFoundError(f"no subscription {subscription_id}")
    accounts.end_subscription(page.session, sub)
    page.session.commit()
    return redirect(f"/admin/users/{user_id}?done=ended")
