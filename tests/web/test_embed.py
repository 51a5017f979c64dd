"""Embedding (issue 12): CORS allow-list, framing, the HTML fragment, subscribe-not-login,
provenance paragraph numbers, the embed script and the offline API docs."""

from __future__ import annotations

import base64
import hashlib
import re
import time
from typing import Any

import jwt
import pytest

from kurzum.web.assets import IMMUTABLE, SHORT, fingerprint
from kurzum.web.embed import EMBED_DIR

from .api.test_reader import _claims, _rsa
from .conftest import SECRET, World

URL = "/api/v1/reader/publications/blick/articles/{}/summary"
HOST = "https://www.blick.example"
OFFERS = {
    "de": {"url": "https://abo.blick.example/de", "text": "Blick+ abonnieren"},
    "fr": {"url": "https://abo.blick.example/fr", "text": "S’abonner à Blick+"},
}


@pytest.fixture
def embed_world(world: World, db: Any) -> World:
    world.pub.allowed_origins = [HOST]
    world.pub.subscribe_offers = OFFERS
    world.pub.login_url = "https://login.blick.example/"
    db.commit()
    world.summarized("p1")
    return world


def test_preflight_is_answered_for_listed_origins_only(
    embed_world: World, make_client: Any
) -> None:
    client = make_client()
    request = {
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization",
    }
    ok = client.options(URL.format("p1"), headers={"Origin": HOST, **request})
    assert ok.status_code == 204
    assert ok.headers["access-control-allow-origin"] == HOST
    assert ok.headers["access-control-allow-credentials"] == "true"
    assert "authorization" in ok.headers["access-control-allow-headers"].lower()
    assert "Origin" in ok.headers["vary"]
    bad = client.options(URL.format("p1"), headers={"Origin": "https://evil.example", **request})
    assert bad.status_code == 403
    assert "access-control-allow-origin" not in bad.headers


def test_listed_origin_gets_cors_headers_others_get_no_data(
    embed_world: World, make_client: Any, login: Any
) -> None:
    reader = make_client()
    login(reader, "sub@example.org")
    listed = reader.get(URL.format("p1"), headers={"Origin": HOST})
    assert listed.json()["status"] == "available"
    assert listed.headers["access-control-allow-origin"] == HOST
    assert listed.headers["access-control-allow-credentials"] == "true"
    assert listed.headers["vary"] == "Cookie, Authorization, Origin"
    for origin in ("https://evil.example", "https://www.blick.example.evil.example", "null"):
        other = reader.get(URL.format("p1"), headers={"Origin": origin})
        assert other.status_code == 403
        assert "access-control-allow-origin" not in other.headers
        assert SECRET not in other.text
        assert "Origin" in other.headers["vary"]
    same = reader.get(URL.format("p1"), headers={"Origin": "http://testserver"})
    assert same.json()["status"] == "available"
    assert "access-control-allow-origin" not in same.headers
    # another publication's allow-list does not open this one
    assert (
        reader.get(URL.format("p1").replace("blick", "nzz"), headers={"Origin": HOST}).status_code
        == 403
    )


def test_listed_origin_replaces_the_csrf_token_for_reports(
    embed_world: World, make_client: Any, login: Any
) -> None:
    reader = make_client()
    login(reader, "sub@example.org")
    summary_id = reader.get(URL.format("p1")).json()["summary_id"]
    path = f"/api/v1/reader/summaries/{summary_id}/reports"
    assert reader.post(path, json={"bullet": 0}).status_code == 403  # same origin: CSRF needed
    evil = reader.post(path, json={"bullet": 0}, headers={"Origin": "https://evil.example"})
    assert evil.status_code == 403
    preflight = reader.options(
        path, headers={"Origin": HOST, "Access-Control-Request-Method": "POST"}
    )
    assert preflight.status_code == 204
    response = reader.post(path, json={"bullet": 1, "message": "Zahl"}, headers={"Origin": HOST})
    assert response.status_code == 201, response.text
    assert response.headers["access-control-allow-origin"] == HOST


def test_anonymous_gets_login_and_subscribe_known_reader_gets_subscribe_only(
    embed_world: World, make_client: Any, login: Any
) -> None:
    anon = make_client().get(URL.format("p1")).json()
    assert anon["locked_reason"] == "login"
    assert anon["login_url"] == "https://login.blick.example/"
    assert (anon["subscribe_url"], anon["subscribe_text"]) == (
        OFFERS["de"]["url"],
        OFFERS["de"]["text"],
    )
    reader = make_client()
    login(reader, "reader@example.org")
    known = reader.get(URL.format("p1"), headers={"Accept-Language": "fr"}).json()
    assert known["status"] == "locked"
    assert known["locked_reason"] == "subscribe"
    assert known["login_url"] is None
    assert known["subscribe_url"] == OFFERS["fr"]["url"]
    assert known["bullets"] is None


def test_jwt_without_subscription_gets_subscribe(
    embed_world: World, db: Any, make_client: Any
) -> None:
    key, pem = _rsa()
    embed_world.pub.jwt_public_keys = [pem]
    embed_world.pub.jwt_audience = "kurzum-blick"
    db.commit()
    token = jwt.encode(_claims(subscription={"publication": "other"}), key, algorithm="RS256")
    answer = make_client().get(URL.format("p1"), headers={"Authorization": f"Bearer {token}"})
    assert answer.json()["locked_reason"] == "subscribe"
    good = jwt.encode(_claims(exp=int(time.time()) + 60), key, algorithm="RS256")
    fragment = make_client().get(
        URL.format("p1") + ".html", headers={"Authorization": f"Bearer {good}"}
    )
    assert fragment.status_code == 200
    assert SECRET in fragment.text


def test_fragment_has_the_box_and_the_api_headers(
    embed_world: World, make_client: Any, login: Any
) -> None:
    anon = make_client().get(URL.format("p1") + ".html")
    assert anon.status_code == 200
    assert anon.headers["content-type"].startswith("text/html")
    assert anon.headers["cache-control"] == "private, no-store"
    assert anon.headers["vary"] == "Cookie, Authorization, Origin"
    assert SECRET not in anon.text
    assert 'data-kurzum-status="locked"' in anon.text
    assert "https://login.blick.example/" in anon.text and OFFERS["de"]["url"] in anon.text
    assert "<script" not in anon.text
    reader = make_client()
    login(reader, "sub@example.org")
    box = reader.get(URL.format("p1") + ".html")
    assert SECRET in box.text
    assert "KI-generiert" in box.text
    assert 'href="#kurzum-paragraph-1"' in box.text
    assert "<script" not in box.text
    embed_world.put("free", premium=False)
    assert make_client().get(URL.format("free") + ".html").status_code == 204  # not summarized yet
    assert make_client().get(URL.format("nope") + ".html").status_code == 404


def test_sources_carry_the_host_paragraph_number(
    embed_world: World, make_client: Any, login: Any
) -> None:
    reader = make_client()
    login(reader, "sub@example.org")
    answer = reader.get(URL.format("p1")).json()
    by_text = {b["text"]: b["sources"][0]["paragraph"] for b in answer["bullets"]}
    assert by_text[SECRET] == 1
    assert all(p in (1, 2, 3) for p in by_text.values())
    with_lead = embed_world.summarized("lead", lead="Ein Lead.")
    assert with_lead["status"] == "ready"
    answer = reader.get(URL.format("lead")).json()
    numbers = {b["text"]: b["sources"][0]["paragraph"] for b in answer["bullets"]}
    assert numbers.get(SECRET, 1) == 1  # the lead is 0, body paragraphs stay 1-based


def test_pages_are_not_frameable_unless_listed(
    embed_world: World, db: Any, make_client: Any
) -> None:
    client = make_client()
    page = client.get("/p/blick/p1")
    assert page.headers["x-frame-options"] == "DENY"
    # issue 14: the page CSP is a second header; framing is this module's own header
    assert "frame-ancestors 'none'" in page.headers.get_list("content-security-policy")
    embed_world.pub.frame_ancestors = [HOST]
    db.commit()
    page = client.get("/p/blick/p1")
    assert "x-frame-options" not in page.headers
    policies = page.headers.get_list("content-security-policy")
    assert f"frame-ancestors 'self' {HOST}" in policies
    assert not any("frame-ancestors 'none'" in p for p in policies)
    assert client.get("/").headers["x-frame-options"] == "DENY"


def test_own_pages_offer_subscribe_to_a_logged_in_reader(
    embed_world: World, make_client: Any, login: Any
) -> None:
    anon = make_client().get("/p/blick/p1").text
    assert 'data-reason="login"' in anon and OFFERS["de"]["url"] in anon
    reader = make_client()
    login(reader, "reader@example.org")
    page = reader.get("/p/blick/p1").text
    assert 'data-reason="subscribe"' in page
    assert OFFERS["de"]["url"] in page
    assert "account/login" not in page.split('id="kz-box"')[1].split("</details>")[0]
    assert SECRET not in page


def test_admin_sets_embedding_fields(world: World, make_client: Any, login: Any) -> None:
    admin = make_client()
    csrf = login(admin, "admin@example.org")
    headers = {"X-CSRF-Token": csrf}
    changes = {
        "allowed_origins": [HOST, "http://127.0.0.2:8080"],
        "frame_ancestors": [HOST],
        "login_url": "https://login.blick.example/",
        "subscribe_offers": OFFERS,
    }
    response = admin.patch("/api/v1/admin/publications/blick", json=changes, headers=headers)
    assert response.status_code == 200, response.text
    assert {k: response.json()[k] for k in changes} == changes
    for bad in (
        {"allowed_origins": ["https://x.example/path"]},
        {"allowed_origins": ["*"]},
        {"subscribe_offers": {"de": {"url": "javascript:alert(1)", "text": "x"}}},
    ):
        refused = admin.patch("/api/v1/admin/publications/blick", json=bad, headers=headers)
        assert refused.status_code == 422, bad


def test_embed_script_is_public_cached_and_small(client: Any) -> None:
    response = client.get("/embed/v1/kurzum-summary.js")
    assert response.status_code == 200
    assert "javascript" in response.headers["content-type"]
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["cache-control"] == "public, max-age=3600"
    assert 'customElements.define("kurzum-summary"' in response.text


def test_docs_load_their_assets_from_kurzum(client: Any) -> None:
    for page in ("/docs", "/redoc"):
        html = client.get(page).text
        assert "cdn.jsdelivr.net" not in html and "fonts.googleapis" not in html
        assert "/docs-assets/" in html
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js"):
        assert client.get(f"/docs-assets/{asset}").status_code == 200


def test_fingerprinted_assets_are_immutable_and_the_rest_revalidates(client: Any) -> None:
    """``?v=<content hash>`` URLs may be kept a year; the embed script's URL names no content
    (``v1`` is the API), so it gets an hour and an ETag, and a 304 on revalidation."""
    page = client.get("/account/login")
    urls = re.findall(r'(?:href|src)="(/static/[^"]+\?v=[0-9a-f]{10})"', page.text)
    docs = client.get("/docs").text + client.get("/redoc").text
    urls += re.findall(r'"(/docs-assets/[^"]+\?v=[0-9a-f]{10})"', docs)
    assert any(u.startswith("/static/kurzum.css") for u in urls)
    assert any(u.startswith("/docs-assets/swagger-ui-bundle.js") for u in urls)
    assert any(u.startswith("/docs-assets/redoc.standalone.js") for u in urls)
    for url in urls:
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert answer.headers["cache-control"] == IMMUTABLE, url
    plain = [
        "/embed/v1/kurzum-summary.js",
        "/static/kurzum.css",
        "/static/kurzum.css?v=0000000000",  # a stale fingerprint must not be kept a year
        "/docs-assets/redoc.standalone.js",
    ]
    for url in plain:
        answer = client.get(url)
        assert answer.headers["cache-control"] == SHORT, url
        etag = answer.headers["etag"]
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304, url
        assert again.headers["cache-control"] == SHORT and again.headers["etag"] == etag
    current = fingerprint(EMBED_DIR / "v1" / "kurzum-summary.js")
    versioned = client.get(f"/embed/v1/kurzum-summary.js?v={current}")
    assert versioned.headers["cache-control"] == IMMUTABLE
    assert versioned.headers["access-control-allow-origin"] == "*"


def _directives(policy: str) -> dict[str, list[str]]:
    parts = (d.strip().split() for d in policy.split(";") if d.strip())
    return {words[0]: words[1:] for words in parts}


def test_docs_pages_allow_exactly_their_inline_scripts_by_hash(client: Any) -> None:
    for path in ("/docs", "/redoc"):
        response = client.get(path)
        own, *others = response.headers.get_list("content-security-policy")
        assert others == ["frame-ancestors 'none'"]  # framing stays kurzum.web.cors's policy
        policy = _directives(own)
        inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", response.text, re.S)
        hashes = [
            "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
            for s in inline
        ]
        assert policy["script-src"] == ["'self'", *hashes], path
        assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'self'"]
        assert "'unsafe-eval'" not in own and "http" not in own  # nothing from elsewhere
    swagger = client.get("/docs").text
    assert len(re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", swagger)) == 1  # its start script
