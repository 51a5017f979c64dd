"""The <kurzum-summary> web component on a publisher's page served from another origin.

kurzum runs on 127.0.0.1:<port>; the host pages come from 127.0.0.2:<other port> (listed in the
publication's allowed origins) and from 127.0.0.1:<third port> (not listed). The screenshots of
the host page go to docs/screenshots/embed-desktop.png and embed-phone.png.
"""

from __future__ import annotations

import html
import http.server
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import jwt
import pytest

pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed: pip install -e '.[test]'"
)
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from playwright.sync_api import Browser, BrowserContext, Page, Response, expect

from kurzum.labels import label
from kurzum.pipeline import split_paragraphs
from kurzum.storage import articles as repo
from kurzum.storage import summaries
from kurzum.storage.tables import ErrorReport

from .conftest import ROOT, Live, free_port

pytestmark = pytest.mark.browser

ARTICLE = "nordkorea-2024-10"
AUDIENCE = "kurzum-blick"
HOST_CSS = """
body { font: 18px/1.6 Georgia, serif; color: rgb(20, 20, 20); margin: 0; background: #fff; }
header.site { background: rgb(225, 0, 15); color: #fff; padding: 12px 24px; font: 700 28px Arial; }
main { max-width: 720px; margin: 0 auto; padding: 16px; }
h1 { font: 800 34px/1.15 Arial, sans-serif; }
h2 { color: rgb(200, 0, 0); font: 700 20px/1.2 Arial, sans-serif; text-transform: uppercase; }
p { margin: 0 0 1em; }
.filler { color: rgb(90, 90, 90); }
kurzum-summary { --kurzum-accent: rgb(225, 0, 15); --kurzum-radius: 2px; }
"""


@dataclass
class HostSite:
    """A plain HTTP server for host pages (path -> HTML) on its own origin."""

    origin: str
    pages: dict[str, str] = field(default_factory=dict)


def _serve(address: str) -> Iterator[HostSite]:
    site = HostSite(f"http://{address}:0")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = site.pages.get(self.path.split("?")[0])
            data = (body or "not found").encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            return

    server = http.server.ThreadingHTTPServer((address, free_port()), Handler)
    site.origin = f"http://{address}:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def host() -> Iterator[HostSite]:
    """The publisher's site, listed in the publication's allowed origins."""
    yield from _serve("127.0.0.2")


@pytest.fixture
def stranger() -> Iterator[HostSite]:
    """A site that is not listed."""
    yield from _serve("127.0.0.1")


@pytest.fixture(scope="module")
def signing_key() -> Any:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class Embed:
    """The live kurzum set up for embedding, with what the tests compare against."""

    live: Live
    bullets: list[str]
    label: str
    paragraphs: list[str]  # the host's paragraphs: lead (0) then the body (1, 2, …)
    source_paragraph: int  # where the first bullet's first source is

    def token(self, key: Any, *, subscribed: bool = True) -> str:
        publication = "blick" if subscribed else "other"
        claims = {
            "sub": "reader-42",
            "aud": AUDIENCE,
            "exp": int(time.time()) + 600,
            # valid_until is required by default since issue 14
            "subscription": {
                "publication": publication,
                "plan": "plus",
                "valid_until": int(time.time()) + 3600,
            },
        }
        return jwt.encode(claims, key, algorithm="RS256")


@pytest.fixture
def embed(live: Live, host: HostSite, signing_key: Any) -> Embed:
    pem = signing_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with live.session_factory() as session:
        pub = repo.get_publication(session, "blick")
        pub.allowed_origins = [host.origin]
        pub.jwt_public_keys = [pem.decode()]
        pub.jwt_audience = AUDIENCE
        pub.subscribe_offers = {"de": {"url": f"{host.origin}/abo", "text": "Blick+ abonnieren"}}
        pub.login_url = f"{host.origin}/login"
        article = repo.get_article(session, pub, ARTICLE)
        served = summaries.served_summary(session, article)
        assert served is not None
        paragraphs = [article.lead or "", *split_paragraphs(article.body)]
        text = "\n\n".join(p for p in paragraphs if p)
        start = int(served.bullets[0]["sources"][0]["start"])
        number = text[:start].count("\n\n") + (0 if article.lead else 1)
        result = Embed(live, served.bullet_texts, label(served), paragraphs, number)
        session.commit()
    return result


def host_page(
    embed: Embed,
    *,
    token: str | None = None,
    marked: bool = True,
    paywalled: bool = False,
    filler: bool = True,
) -> str:
    """A publisher's article page with the component and the article's paragraphs (marked with
    data-kurzum-paragraph or not); a ``paywalled`` page, as the publisher shows it to a reader
    without a subscription, has no article text (extractive bullets are article sentences)."""
    attrs = f' token="{html.escape(token)}"' if token else ""
    more = "".join(
        f'<p class="filler">Weitere Meldung {i}: Verkehr, Wetter und Sport.</p>' for i in range(12)
    )
    body = "".join(
        f"<p{f' data-kurzum-paragraph={i}' if marked else ''}>{html.escape(p)}</p>"
        for i, p in enumerate(embed.paragraphs)
        if p and not paywalled
    )
    return f"""<!doctype html><html lang="de"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Blick – Nordkorea</title><style>{HOST_CSS}</style>
<script type="module" src="{embed.live.url}/embed/v1/kurzum-summary.js"></script></head>
<body><header class="site">BLICK</header><main>
<h2 id="host-h2">Ukraine-Krieg</h2><h1>Nordkorea schickt Soldaten nach Russland</h1>
<kurzum-summary publication="blick" article="{ARTICLE}" lang="de"{attrs}></kurzum-summary>
{more if filler else ""}{body}</main></body></html>"""


def open_host(context: BrowserContext, url: str) -> tuple[Page, list[Response]]:
    page = context.new_page()
    responses: list[Response] = []
    page.on("response", lambda response: responses.append(response))
    page.goto(url)
    page.wait_for_function(
        "() => { const e = document.querySelector('kurzum-summary');"
        " return e && e.summary !== undefined && (e.summary !== null || e.hidden); }"
    )
    return page, responses


def everything(page: Page, responses: list[Response]) -> str:
    """The page's DOM (light and shadow) and every response body it received."""
    shadow = page.evaluate(
        "() => [...document.querySelectorAll('kurzum-summary')]"
        ".map(e => e.shadowRoot ? e.shadowRoot.innerHTML : '').join('')"
    )
    bodies = []
    for response in responses:
        try:
            bodies.append(response.text())
        except Exception:
            bodies.append("")
    return page.content() + shadow + "".join(bodies)


def test_anonymous_reader_sees_the_notice_and_no_bullet_text(
    embed: Embed, host: HostSite, context: BrowserContext
) -> None:
    host.pages["/anon.html"] = host_page(embed, paywalled=True)
    page, responses = open_host(context, f"{host.origin}/anon.html")
    notice = page.locator("kurzum-summary [part=notice]").first
    expect(notice).to_contain_text("Abo")
    expect(page.locator("kurzum-summary [part=login-link]")).to_have_attribute(
        "href", f"{host.origin}/login"
    )
    expect(page.locator("kurzum-summary [part=subscribe-link]")).to_have_text("Blick+ abonnieren")
    assert page.locator("kurzum-summary [part=bullet]").count() == 0
    seen = everything(page, responses)
    for bullet in embed.bullets:
        assert bullet not in seen


def test_jwt_subscriber_sees_bullets_and_host_styles_are_untouched(
    embed: Embed, host: HostSite, context: BrowserContext, signing_key: Any
) -> None:
    host.pages["/abo.html"] = host_page(embed, token=embed.token(signing_key))
    page, _ = open_host(context, f"{host.origin}/abo.html")
    bullets = page.locator("kurzum-summary [part=bullet-text]")
    expect(bullets).to_have_text(embed.bullets)
    expect(page.locator("kurzum-summary [part=label]")).to_have_text(embed.label)
    # host CSS does not reach into the box, the box's CSS does not reach the host
    host_h2 = page.locator("#host-h2")
    assert host_h2.evaluate("e => getComputedStyle(e).color") == "rgb(200, 0, 0)"
    assert host_h2.evaluate("e => getComputedStyle(e).fontSize") == "20px"
    title = page.locator("kurzum-summary [part=title]")
    assert title.evaluate("e => getComputedStyle(e).color") != "rgb(200, 0, 0)"
    assert page.locator("p.filler").first.evaluate("e => getComputedStyle(e).fontFamily") == (
        "Georgia, serif"
    )
    box = page.locator("kurzum-summary [part=box]")
    assert box.evaluate("e => getComputedStyle(e).borderLeftColor") == "rgb(225, 0, 15)"
    assert box.evaluate("e => getComputedStyle(e).borderTopLeftRadius") == "2px"
    # a JWT without this publication's subscription gets the subscribe offer, no login
    host.pages["/known.html"] = host_page(
        embed, token=embed.token(signing_key, subscribed=False), paywalled=True
    )
    page, responses = open_host(context, f"{host.origin}/known.html")
    expect(page.locator("kurzum-summary [part=subscribe-link]")).to_be_visible()
    assert page.locator("kurzum-summary [part=login-link]").count() == 0
    assert embed.bullets[0] not in everything(page, responses)


def test_token_set_from_javascript(
    embed: Embed, host: HostSite, context: BrowserContext, signing_key: Any
) -> None:
    host.pages["/js.html"] = host_page(embed)
    page, _ = open_host(context, f"{host.origin}/js.html")
    expect(page.locator("kurzum-summary [part=notice]").first).to_be_visible()
    token = embed.token(signing_key)
    page.evaluate(
        "t => { document.querySelector('kurzum-summary').tokenProvider = () => t; }", token
    )
    expect(page.locator("kurzum-summary [part=bullet-text]")).to_have_text(embed.bullets)


def test_unlisted_origin_gets_no_data(
    embed: Embed, stranger: HostSite, context: BrowserContext, signing_key: Any
) -> None:
    stranger.pages["/steal.html"] = host_page(embed, token=embed.token(signing_key), paywalled=True)
    page, responses = open_host(context, f"{stranger.origin}/steal.html")
    expect(page.locator("kurzum-summary")).to_be_hidden()
    assert page.evaluate("() => document.querySelector('kurzum-summary').summary") is None
    assert all(r.status == 403 for r in responses if "/api/v1/reader/" in r.url)
    # the same call outside a browser, with the Origin the browser sent: refused, no data
    url = f"{embed.live.url}/api/v1/reader/publications/blick/articles/{ARTICLE}/summary"
    direct = page.request.get(
        url,
        headers={"Origin": stranger.origin, "Authorization": f"Bearer {embed.token(signing_key)}"},
    )
    assert direct.status == 403
    assert "access-control-allow-origin" not in direct.headers
    assert embed.bullets[0] not in direct.text()
    seen = everything(page, responses)
    for bullet in embed.bullets:
        assert bullet not in seen


def test_provenance_scrolls_to_the_host_paragraph_and_degrades(
    embed: Embed, host: HostSite, context: BrowserContext, signing_key: Any
) -> None:
    host.pages["/marked.html"] = host_page(embed, token=embed.token(signing_key))
    page, _ = open_host(context, f"{host.origin}/marked.html")
    target = page.locator(f"[data-kurzum-paragraph='{embed.source_paragraph}']")
    expect(target).not_to_be_in_viewport()
    page.locator("kurzum-summary [part=source-link]").first.click()
    expect(target).to_be_in_viewport()
    expect(target).to_be_focused()
    expect(target).to_have_attribute("data-kurzum-active", "")
    # without data attributes the bullet text is looked up; not found: a message, no error
    host.pages["/plain.html"] = host_page(embed, token=embed.token(signing_key), marked=False)
    page, _ = open_host(context, f"{host.origin}/plain.html")
    page.evaluate("() => document.querySelectorAll('main p:not(.filler)').forEach(p => p.remove())")
    page.locator("kurzum-summary [part=source-link]").first.click()
    expect(page.locator("kurzum-summary [part=status]")).to_have_text(
        "Die Quelle ist auf dieser Seite nicht zu finden."
    )


def test_keyboard_only_source_and_error_report(
    embed: Embed, host: HostSite, context: BrowserContext, signing_key: Any
) -> None:
    host.pages["/keys.html"] = host_page(embed, token=embed.token(signing_key))
    page, _ = open_host(context, f"{host.origin}/keys.html")
    expect(page.locator("kurzum-summary [part=bullet-text]").first).to_be_visible()
    page.keyboard.press("Tab")  # the first focusable element of the page is in the box
    source = page.locator("kurzum-summary [part=source-link]").first
    expect(source).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(f"[data-kurzum-paragraph='{embed.source_paragraph}']")).to_be_focused()
    report = page.locator("kurzum-summary [part=report-button]").first
    report.focus()
    expect(report).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(report).to_have_attribute("aria-expanded", "true")
    expect(page.locator("kurzum-summary [part=report-input]").first).to_be_focused()
    page.keyboard.type("Die Zahl stimmt nicht.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("kurzum-summary [part=status]").first).to_have_text(
        "Danke! Die Redaktion prüft deine Meldung."
    )
    with embed.live.session_factory() as session:
        messages = [r.message for r in session.query(ErrorReport).all()]
    assert messages == ["Die Zahl stimmt nicht."]


def test_screenshots_of_a_host_page(
    embed: Embed, host: HostSite, browser: Browser, signing_key: Any
) -> None:
    host.pages["/shot.html"] = host_page(embed, token=embed.token(signing_key), filler=False)
    target = ROOT / "docs" / "screenshots"
    target.mkdir(parents=True, exist_ok=True)
    for name, viewport in (("desktop", (1280, 900)), ("phone", (390, 844))):
        ctx = browser.new_context(
            viewport={"width": viewport[0], "height": viewport[1]}, locale="de-CH"
        )
        try:
            page, _ = open_host(ctx, f"{host.origin}/shot.html")
            expect(page.locator("kurzum-summary [part=bullet-text]").first).to_be_visible()
            page.screenshot(path=str(target / f"embed-{name}.png"))
        finally:
            ctx.close()


def test_readme_component_snippet_works_as_published(
    embed: Embed, host: HostSite, context: BrowserContext
) -> None:
    """The README's component example, pointed at this kurzum, on the publisher's origin."""
    from tests.test_readme_integration import readme_examples

    snippet = readme_examples()["component-html"].replace("https://kurzum.example", embed.live.url)
    host.pages["/readme.html"] = f'<!doctype html><html lang="de"><body>{snippet}</body></html>'
    page, _ = open_host(context, f"{host.origin}/readme.html")
    expect(page.locator("kurzum-summary [part=notice]").first).to_contain_text("Abo")
    expect(page.locator("kurzum-summary [part=login-link]")).to_have_attribute(
        "href", f"{host.origin}/login"
    )


@pytest.fixture
def neighbour() -> Iterator[HostSite]:
    """The publisher's site on the same site as kurzum (another port of 127.0.0.1): like
    www.blick.example next to kurzum.blick.example, the kurzum session cookie goes along."""
    yield from _serve("127.0.0.1")


def test_kurzum_session_cookie_from_a_sibling_site(
    embed: Embed, neighbour: HostSite, context: BrowserContext
) -> None:
    with embed.live.session_factory() as session:
        pub = repo.get_publication(session, "blick")
        pub.allowed_origins = [*pub.allowed_origins, neighbour.origin]
        session.commit()
    neighbour.pages["/cookie.html"] = host_page(embed)
    reader = embed.live.account("reader", subscribed=False)
    login = {"email": reader.email, "password": reader.password}
    assert context.request.post(f"{embed.live.url}/api/v1/auth/login", data=login).ok
    page, _ = open_host(context, f"{neighbour.origin}/cookie.html")
    expect(page.locator("kurzum-summary [part=subscribe-link]")).to_be_visible()
    assert page.locator("kurzum-summary [part=login-link]").count() == 0  # no second login
    subscriber = embed.live.account("reader", subscribed=True)
    login = {"email": subscriber.email, "password": subscriber.password}
    assert context.request.post(f"{embed.live.url}/api/v1/auth/login", data=login).ok
    page, _ = open_host(context, f"{neighbour.origin}/cookie.html")
    expect(page.locator("kurzum-summary [part=bullet-text]")).to_have_text(embed.bullets)
    page.locator("kurzum-summary [part=report-button]").nth(1).click()
    page.locator("kurzum-summary [part=report-input]").nth(1).fill("Falsche Zahl")
    page.locator("kurzum-summary [part=report-submit]").nth(1).click()
    expect(page.locator("kurzum-summary [part=status]")).to_have_text(
        "Danke! Die Redaktion prüft deine Meldung."
    )
    with embed.live.session_factory() as session:
        reports = [(r.bullet, r.message) for r in session.query(ErrorReport).all()]
    assert reports == [(1, "Falsche Zahl")]
