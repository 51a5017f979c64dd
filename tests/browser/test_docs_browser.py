"""The API docs (/docs, /redoc) render under their Content-Security-Policy (issue 14).

Every "Content Security Policy" console message fails these tests but one: ReDoc's sidebar
fetches its "API docs by Redocly" logo from cdn.redoc.ly (no option turns that off). The policy
blocks it on purpose (no third-party request from a reader's browser; no network at run time)
and ReDoc hides the image when it does not load. So Swagger UI's inline start script must match
its hash, and nothing else the two bundles do at run time (styles, images, workers) is blocked.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from tests.browser.conftest import Live

REDOCLY_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


@pytest.fixture
def docs_page(browser: Browser) -> Iterator[tuple[Page, list[str]]]:
    """A page in a fresh profile, with the CSP messages and script errors it produced."""
    ctx: BrowserContext = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(15_000)
    problems: list[str] = []
    ctx.on(
        "console",
        lambda message: (
            problems.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page = ctx.new_page()
    page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))
    yield page, problems
    ctx.close()


def test_swagger_ui_renders_under_its_policy(live: Live, docs_page: tuple[Page, list[str]]) -> None:
    page, problems = docs_page
    response = page.goto(f"{live.url}/docs")
    assert response is not None and response.ok
    policy = response.headers["content-security-policy"]
    assert (
        "sha256-" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    )
    page.locator(".opblock").first.wait_for()  # operations drawn from /openapi.json
    assert page.locator(".opblock").count() > 10
    assert problems == []


def test_redoc_renders_under_its_policy(live: Live, docs_page: tuple[Page, list[str]]) -> None:
    page, problems = docs_page
    response = page.goto(f"{live.url}/redoc")
    assert response is not None and response.ok
    page.locator("[data-section-id^='operation/']").first.wait_for()
    assert page.get_by_text("Register a reader account").count() >= 1
    assert [p for p in problems if REDOCLY_LOGO not in p] == []
