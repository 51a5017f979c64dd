"""Account pages: login, logout, registration and "Mein Abo".

The forms call the same use cases as the accounts API (:mod:`kurzum.usecases.accounts`:
throttling, timing-equalized answers, no user enumeration) and set the same session and CSRF
cookies, so the HTML and the JSON login behave the same.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Form, Query
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from kurzum.errors import AuthError, InputError, ThrottledError, WeakPasswordError
from kurzum.storage import accounts
from kurzum.storage.passwords import MIN_PASSWORD
from kurzum.usecases import accounts as usecase
from kurzum.web import limits
from kurzum.web.api.accounts import register_account, subscription_out
from kurzum.web.auth import SESSION_COOKIE, clear_session_cookies, set_session_cookies
from kurzum.web.client import client_address
from kurzum.web.deps import RequiredLogin
from kurzum.web.limits import hash_gate
from kurzum.web.pages.base import PageDep, PageRoute, redirect, safe_next
from kurzum.web.pages.templating import format_date, page_language
from kurzum.web.schemas import CredentialsIn, RegisterIn

router = APIRouter(prefix="/account", route_class=PageRoute, include_in_schema=False)

Email = Annotated[str, Form(max_length=320)]
Password = Annotated[str, Form(max_length=1000)]


@router.get("/login", name="page_login")
def login_form(page: PageDep, next: Annotated[str, Query(max_length=2000)] = "/") -> Response:
    """The login form (a logged-in user goes straight on)."""
    if page.login is not None:
        return redirect(safe_next(next))
    return page.render("account/login.html", {"next": safe_next(next), "email": "", "error": None})


@router.post("/login", name="page_login_submit")
async def login_submit(
    page: PageDep,
    email: Email = "",
    password: Password = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Log in as the accounts API does; one message for every failure (no enumeration).

    Async only to read the form for the CSRF check; the login (argon2, database) runs in the
    thread pool."""
    await page.check_anonymous_form()
    target = safe_next(next)
    _ = page.gettext
    try:
        data = CredentialsIn(email=email, password=password)
        async with hash_gate(page.request).slot():  # argon2 off the event loop, bounded
            done = await run_in_threadpool(
                partial(
                    usecase.login,
                    page.session,
                    page.settings,
                    data.email,
                    data.password,
                    client_address(page.request),
                    now=limits.now(page.request),
                    known_device=limits.known_device(
                        page.request, page.settings, data.email.strip().lower()
                    ),
                )
            )
    except ThrottledError:
        error = _("login.throttled")
    except (AuthError, ValidationError, InputError):
        error = _("login.failed")
    else:
        response = redirect(target)
        set_session_cookies(response, page.settings, done.token)
        limits.set_device_cookie(response, page.settings, data.email.strip().lower())
        return response
    context = {"next": target, "email": email, "error": error}
    status = 429 if error == _("login.throttled") else 401
    return page.render("account/login.html", context, status_code=status)


@router.get("/logout", name="page_logout_form")
def logout_form(page: PageDep) -> Response:
    """Asks for confirmation: logging out changes state, so it is a POST with CSRF."""
    return page.render("account/logout.html", {})


@router.post("/logout", name="page_logout")
def logout(page: PageDep) -> Response:
    """End the session (as the accounts API does) and go to the logged-out page."""
    if page.login is not None:
        usecase.logout(page.session, page.request.cookies.get(SESSION_COOKIE))
    response = redirect("/account/logout")
    clear_session_cookies(response, page.settings)
    return response


@router.get("/register", name="page_register")
def register_form(page: PageDep) -> Response:
    """The registration form."""
    return page.render("account/register.html", _register_context("", None, done=False))


def _register_context(email: str, error: str | None, *, done: bool) -> dict[str, object]:
    return {"email": email, "error": error, "done": done, "password_min": MIN_PASSWORD}


@router.post("/register", name="page_register_submit")
async def register_submit(page: PageDep, email: Email = "", password: Password = "") -> Response:
    """Register as the accounts API does (the same code): the same answer whether or not the
    email was taken; the attempt counts before any hashing, which runs in the thread pool."""
    await page.check_anonymous_form()
    try:
        data = RegisterIn(email=email, password=password)
        # counted before a hashing slot is taken; argon2 off the event loop, bounded
        await register_account(page.request, page.session, page.settings, data)
    except ValidationError:
        message = page.gettext("error.bad_input", detail="email")
        return page.render(
            "account/register.html", _register_context(email, message, done=False), 422
        )
    except WeakPasswordError:
        key = (
            "register.password_hint" if len(password) < MIN_PASSWORD else "register.password_policy"
        )
        message = page.gettext(key, min=MIN_PASSWORD)
        return page.render(
            "account/register.html", _register_context(email, message, done=False), 422
        )
    except InputError as exc:
        message = page.gettext("error.bad_input", detail=str(exc))
        return page.render(
            "account/register.html", _register_context(email, message, done=False), 422
        )
    return page.render("account/register.html", _register_context("", None, done=True))


@router.get("/subscription", name="page_subscription")
def subscription(page: PageDep, login: RequiredLogin) -> Response:
    """The logged-in reader's subscriptions and whether they are active now."""
    language = page_language(page.request)
    rows = []
    for sub in accounts.subscriptions(page.session, login.user.id):
        out = subscription_out(sub)
        rows.append(
            {
                "publication": sub.publication.name,
                "plan": sub.plan,
                "valid_from": sub.valid_from,
                "valid_from_text": format_date(sub.valid_from, language),
                "valid_until": sub.valid_until,
                "valid_until_text": format_date(sub.valid_until, language),
                "active": out.active,
            }
        )
    context = {"subscriptions": rows, "has_active": any(r["active"] for r in rows)}
    return page.render("account/subscription.html", context)
