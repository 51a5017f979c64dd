"""Embedding kurzum into a publisher's site: the web component's script, the HTML fragment,
and the API docs served without a CDN.

* ``/embed/v1/kurzum-summary.js``: the ``<kurzum-summary>`` web component (plain JS module,
  shadow DOM); it renders the reader API's answer.
* ``GET /api/v1/reader/publications/{slug}/articles/{id}/summary.html``: the same box as an
  HTML fragment for server-side includes, decided by the same code as the JSON answer
  (:func:`kurzum.web.api.reader.reader_summary`) with the same private cache headers.
* ``/docs`` and ``/redoc`` with Swagger UI and ReDoc from the ``fastapi-offline`` package.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import fastapi_offline
from fastapi import APIRouter, FastAPI, Request
from fastapi import Path as PathParam
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response

from kurzum.storage.db import engine_of
from kurzum.web.api.reader import PRIVATE_HEADERS, reader_summary
from kurzum.web.assets import AssetFiles, asset_url
from kurzum.web.deps import run_read
from kurzum.web.errors import ERROR_RESPONSES
from kurzum.web.headers import docs_csp
from kurzum.web.i18n import as_language, catalogue
from kurzum.web.pages.templating import environment
from kurzum.web.schemas import ExternalId, ReaderSummaryOut, Slug

EMBED_DIR = Path(__file__).with_name("static") / "embed"
DOCS_ASSETS = Path(fastapi_offline.__file__).with_name("static")
DOCS_STATIC = "/docs-assets"

router = APIRouter(prefix="/api/v1/reader", tags=["reader"], responses=ERROR_RESPONSES)


def render_fragment(summary: ReaderSummaryOut) -> str:
    """The box for ``summary`` as HTML in the summary's language (empty when there is none)."""
    messages = catalogue(as_language(summary.language) or "de")
    template = environment().get_template("embed/fragment.html")
    return template.render(summary=summary, _=messages.gettext).strip()


@router.get(
    "/publications/{publication}/articles/{external_id}/summary.html",
    summary="The summary box as an HTML fragment (SSR, ESI)",
    response_class=HTMLResponse,
)
async def get_fragment(
    publication: Annotated[Slug, PathParam()],
    external_id: Annotated[ExternalId, PathParam()],
    request: Request,
) -> Response:
    """The box the web component shows, as HTML without script: bullets with label, the locked
    notice with login and subscribe links, or an empty body (204) when nothing is served."""
    engine = engine_of(request.app.state.session_factory)
    summary = await run_read(engine, reader_summary, engine, publication, external_id, request)
    html = render_fragment(summary)
    if not html:
        return Response(status_code=204, headers=PRIVATE_HEADERS)
    return HTMLResponse(html, headers=PRIVATE_HEADERS)


def install(app: FastAPI) -> None:
    """Add the fragment route, the embed script and the offline API docs to ``app``.

    ``app`` must be created with ``docs_url=None, redoc_url=None``."""
    app.include_router(router)
    app.mount("/embed", AssetFiles(directory=EMBED_DIR), name="embed")
    app.mount(DOCS_STATIC, AssetFiles(directory=DOCS_ASSETS), name="docs-assets")
    title = app.title

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return _with_csp(
            get_swagger_ui_html(
                openapi_url=app.openapi_url or "/openapi.json",
                title=f"{title} – API",
                swagger_js_url=asset_url(DOCS_STATIC, DOCS_ASSETS, "swagger-ui-bundle.js"),
                swagger_css_url=asset_url(DOCS_STATIC, DOCS_ASSETS, "swagger-ui.css"),
                swagger_favicon_url=asset_url(DOCS_STATIC, DOCS_ASSETS, "favicon.png"),
            )
        )

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return _with_csp(
            get_redoc_html(
                openapi_url=app.openapi_url or "/openapi.json",
                title=f"{title} – API",
                redoc_js_url=asset_url(DOCS_STATIC, DOCS_ASSETS, "redoc.standalone.js"),
                redoc_favicon_url=asset_url(DOCS_STATIC, DOCS_ASSETS, "favicon.png"),
                with_google_fonts=False,
            )
        )


def _with_csp(page: HTMLResponse) -> HTMLResponse:
    """``page`` with its own Content-Security-Policy (its inline script allowed by hash)."""
    page.headers["Content-Security-Policy"] = docs_csp(bytes(page.body))
    return page
