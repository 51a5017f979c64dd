"""The "Sicherheit" page for every user (issue 14): change the password, log out everywhere else.

The forms call the accounts API's own functions, so the rules (current password, throttle,
hashing gate) are the same as in the JSON API. Revoking keys and disabling users are on the
admin pages (``web/pages/admin.py``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from kurzum.errors import InputError, PermissionDeniedError, ThrottledError
from kurzum.web.api import accounts as accounts_api
from kurzum.web.deps import RequiredLogin
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
