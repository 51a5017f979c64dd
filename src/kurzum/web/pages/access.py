"""Access pages (issue 14): "Sicherheit" for every user (change the password, log out
everywhere else) and the admin's page to revoke publisher keys and disable users.

The forms call the accounts and admin APIs' own functions, so the rules (current password,
throttle, hashing gate, no self-disable, audit) are the same as in the JSON API.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Query
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from kurzum.errors import InputError, PermissionDeniedError, ThrottledError
from kurzum.storage import articles as repo
from kurzum.web.api import accounts as accounts_api
from kurzum.web.api import admin as admin_api
from kurzum.web.deps import AdminLogin, RequiredLogin
from kurzum.web.limits import hash_gate
from kurzum.web.pages.base import PageDep, PageRoute, redirect
from kurzum.web.schemas import PasswordChangeIn

router = APIRouter(route_class=PageRoute, include_in_schema=False)
Password = Annotated[str, Form(max_length=1000)]


@router.get("/account/security", name="page_security")
def security(
    page: PageDep, login: RequiredLogin, done: Annotated[str, Query(max_length=20)] = ""
) -> Response:
    """The password form and the "log out everywhere else" button."""
    return page.render("account/security.html", {"error": None, "done": done})


@router.post("/account/password", name="page_password")
async def change_password(
    page: PageDep, login: RequiredLogin, current: Password = "", new: Password = ""
) -> Response:
    """Change the password through the accounts API; this browser stays logged in."""
    holder = Response()
    try:
        data = PasswordChangeIn(current_password=current, new_password=new)
        async with hash_gate(page.request).slot():
            await run_in_threadpool(
                accounts_api.change_password,
                data,
                page.request,
                holder,
                login,
                page.session,
                page.settings,
                None,
            )
    except (ValidationError, InputError) as exc:
        detail = str(exc) if isinstance(exc, InputError) else "password"
        error = page.gettext("error.bad_input", detail=detail)
        return page.render("account/security.html", {"error": error, "done": ""}, 422)
    except (PermissionDeniedError, ThrottledError):
        error = page.gettext("security.wrong_password")
        return page.render("account/security.html", {"error": error, "done": ""}, 403)
    response = redirect("/account/security?done=password")
    for name, value in holder.raw_headers:
        if name == b"set-cookie":
            response.raw_headers.append((name, value))
    return response


@router.post("/account/sessions/end-others", name="page_end_other_sessions")
def end_other_sessions(page: PageDep, login: RequiredLogin) -> Response:
    """Log out every other browser of this user."""
    accounts_api.end_other_sessions(login, page.session)
    return redirect("/account/security?done=sessions")


@router.get("/admin", name="page_admin")
def admin_page(
    page: PageDep, login: AdminLogin, email: Annotated[str, Query(max_length=320)] = ""
) -> Response:
    """Publications with their API keys, and users (filtered by ``email``)."""
    publications = [
        {"slug": pub.slug, "name": pub.name, "api_keys": repo.list_api_keys(page.session, pub)}
        for pub in repo.list_publications(page.session)
    ]
    users = admin_api.list_users(login, page.session, email or None, 50)
    context = {"publications": publications, "users": users, "email": email}
    return page.render("admin/index.html", context)


@router.post("/admin/api-keys/{slug}/{prefix}/revoke", name="page_admin_revoke_key")
def revoke_key(
    page: PageDep,
    login: AdminLogin,
    slug: Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")],
    prefix: Annotated[str, Path(pattern=r"^[0-9a-f]{1,32}$")],
) -> Response:
    """Revoke a publisher key at once."""
    admin_api.revoke_api_key(slug, prefix, login, page.session)
    return redirect("/admin")


@router.post("/admin/users/{user_id}/{action}", name="page_admin_user")
def user_action(
    page: PageDep,
    login: AdminLogin,
    user_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    action: Annotated[str, Path(pattern=r"^(disable|enable)$")],
) -> Response:
    """Disable (log out everywhere) or enable a user."""
    if action == "disable":
        admin_api.disable_user(user_id, login, page.session)
    else:
        admin_api.enable_user(user_id, login, page.session)
    return redirect("/admin")
