"""What every HTML page shares: the viewer, CSRF for forms, and errors rendered as pages.

Logged-in forms carry the session's CSRF token (checked by the service's login dependency).
Anonymous forms (login, registration, "Fehler melden" on free articles) carry a token bound to
a random ``kurzum_anon`` cookie, checked by the same :func:`kurzum.web.auth.check_csrf`.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session

from kurzum.errors import AuthError, CsrfError, KurzumError, PermissionDeniedError
from kurzum.settings import Settings
from kurzum.web.auth import Login, check_csrf, csrf_token
from kurzum.web.deps import OptionalLogin, SessionDep, SettingsDep
from kurzum.web.errors import status_of
from kurzum.web.i18n import catalogue
from kurzum.web.pages.templating import NO_STORE, Viewer, page_language, render

__all__ = ["ANON_COOKIE", "Page", "PageDep", "PageRoute", "redirect", "safe_next"]

ANON_COOKIE = "kurzum_anon"


def _viewer(login: Login | None) -> Viewer | None:
    if login is None:
        return None
    return Viewer(login.user.id, login.user.email, login.user.role)


@dataclass
class Page:
    """One page request: database session, settings, login and the CSRF token for its forms."""

    request: Request
    session: Session
    settings: Settings
    login: Login | None
    anon: str
    new_anon: bool

    @property
    def viewer(self) -> Viewer | None:
        """The logged-in user as templates see it."""
        return _viewer(self.login)

    @property
    def csrf(self) -> str:
        """The CSRF token this page's forms must send back."""
        basis = self.login.token if self.login is not None else f"anon:{self.anon}"
        return csrf_token(self.settings, basis)

    @property
    def gettext(self) -> Callable[..., str]:
        """The UI catalogue's gettext for this request."""
        return catalogue(page_language(self.request)).gettext

    async def check_anonymous_form(self) -> None:
        """CSRF check of an anonymous form (a logged-in request was checked by its login)."""
        if self.login is None:
            if self.new_anon:
                raise CsrfError("CSRF token missing or wrong")
            await check_csrf(self.request, self.settings, f"anon:{self.anon}")

    def render(self, template: str, context: dict[str, Any], status_code: int = 200) -> Response:
        """Render a page (see :func:`templating.render`) and keep the anonymous CSRF cookie."""
        response = render(
            self.request,
            template,
            context,
            viewer=self.viewer,
            csrf_token=self.csrf,
            status_code=status_code,
        )
        self.keep_anon(response)
        return response

    def keep_anon(self, response: Response) -> None:
        """Set the anonymous CSRF cookie when this request created it."""
        if self.new_anon and self.login is None:
            response.set_cookie(
                ANON_COOKIE,
                self.anon,
                httponly=True,
                secure=self.settings.cookie_secure,
                samesite="lax",
                path="/",
            )


async def get_page(
    request: Request, session: SessionDep, settings: SettingsDep, login: OptionalLogin
) -> Page:
    """The shared page context (the login dependency has already checked CSRF if logged in).

    Async: it does no I/O, so it costs no thread hop."""
    anon = request.cookies.get(ANON_COOKIE, "")
    new = not (16 <= len(anon) <= 100 and anon.replace("-", "").replace("_", "").isalnum())
    if new:
        anon = secrets.token_urlsafe(24)
    return Page(request, session, settings, login, anon, new)


PageDep = Annotated[Page, Depends(get_page)]


def safe_next(value: str | None, default: str = "/") -> str:
    """A local redirect target only (no open redirects to other sites)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    return value


def redirect(url: str) -> RedirectResponse:
    """303 See Other after a form post (the browser then GETs ``url``)."""
    return RedirectResponse(url, status_code=303, headers=NO_STORE)


def _error_page(request: Request, exc: Exception) -> Response:
    """A domain or validation error as an HTML page; a missing login goes to the login page."""
    messages = catalogue(page_language(request)).gettext
    if isinstance(exc, AuthError):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.method in ("GET", "HEAD"):
            return redirect(f"/account/login?next={quote(target, safe='/')}")
        status, message = 401, messages("error.login_required")
    elif isinstance(exc, RequestValidationError):
        fields = ", ".join(".".join(str(p) for p in e.get("loc", ())[1:]) for e in exc.errors())
        status, message = 422, messages("error.bad_input", detail=fields or "?")
    else:
        assert isinstance(exc, KurzumError)
        status, _ = status_of(exc)
        if status >= 500:
            raise exc
        detail = str(exc)
        if isinstance(exc, CsrfError):
            message = messages("error.csrf")
        elif isinstance(exc, PermissionDeniedError):
            message = messages("error.forbidden")
        elif status == 404:
            message = messages("error.not_found")
        elif status == 409:
            message = messages("error.conflict", detail=detail)
        else:
            message = messages("error.bad_input", detail=detail)
    login_link = "/account/login" if status in (401, 403) else None
    return render(
        request,
        "error.html",
        {"message": message, "login_link": login_link},
        viewer=None,
        csrf_token="",
        status_code=status,
    )


class PageRoute(APIRoute):
    """A route whose errors (domain, validation, missing login) become HTML pages, not JSON.

    GET pages answer HEAD too, as Starlette's own routes do (monitors, link checkers, CDNs)."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, endpoint, **kwargs)
        if self.methods is not None and "GET" in self.methods:
            self.methods.add("HEAD")

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except (KurzumError, RequestValidationError) as exc:
                return _error_page(request, exc)

        return page_handler
