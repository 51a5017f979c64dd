"""Server-rendered reader, editor and admin pages (Jinja2) on the service's FastAPI app.

``install(app)`` adds the page routes and serves ``/static`` (CSS, a little plain JS; cache
headers by :mod:`kurzum.web.assets`).
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from kurzum.web.assets import AssetFiles
from kurzum.web.pages import access, account, admin, check, editor, reader
from kurzum.web.pages.templating import static_dir

__all__ = ["install", "router"]

router = APIRouter()
router.include_router(reader.router)
router.include_router(account.router)
router.include_router(access.router)
router.include_router(editor.router)
router.include_router(check.check_router)
router.include_router(admin.router)


def install(app: FastAPI) -> None:
    """Register the page routes and the static files on ``app``."""
    app.include_router(router)
    app.mount("/static", AssetFiles(directory=static_dir()), name="static")
