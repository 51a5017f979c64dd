"""Reader pages: the paywall rule in HTML, meta tags and JSON-LD; provenance; error reports."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from .conftest import FREE_BODY, PageWorld, csrf_of

NOTICE = (
    "Die Zusammenfassung von Blick+-Artikeln ist unseren Nutzern mit Abo vorbehalten. "
    "Melde dich bitte an, falls du ein Abo hast."
)
LEAD = "Nordkorea unterstützt Russland mit Soldaten und Munition."


def jsonld(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert found
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def secret_bullets(world: PageWorld) -> list[str]:
    """Premium bullets that are not public anyway (the lead is shown to everyone)."""
    bullets = [b for b in world.bullets("p1") if b not in LEAD]
    assert bullets
    return bullets


def assert_no_bullets(response: Any, bullets: list[str]) -> None:
    text = response.text + "".join(f"{k}:{v}" for k, v in response.headers.items())
    for bullet in bullets:
        assert bullet not in text
        assert bullet[:40] not in text


def summary_id_of(html: str) -> str:
    """The summary id that the page's report form carries."""
    found = re.search(r'name="summary_id" value="(\d+)"', html)
    assert found, "no report form on the page"
    return found.group(1)


def test_anonymous_premium_page_has_notice_and_no_bullet_text(
    page_world: PageWorld, make_client: Any
) -> None:
    secrets = secret_bullets(page_world)
    response = make_client().get("/p/blick/p1")
    assert response.status_code == 200
    html = response.text
    assert NOTICE in html
    assert 'data-testid="paywall"' in html
    assert 'data-testid="bullets"' not in html
    assert "/account/login?next=/p/blick/p1" in html
    assert_no_bullets(response, secrets)
    assert response.headers["cache-control"] == "private, no-store"
    assert "Cookie" in response.headers["vary"]


def test_premium_page_json_ld_and_meta_hold_no_bullet_text(
    page_world: PageWorld, make_client: Any, logged_in: Any
) -> None:
    secrets = secret_bullets(page_world)
    for client in (make_client(), logged_in("sub@example.org")):
        html = client.get("/p/blick/p1").text
        data = jsonld(html)
        assert data["@type"] == "NewsArticle"
        assert data["isAccessibleForFree"] is False
        assert data["hasPart"]["cssSelector"] == ".kz-paywalled"
        assert 'class="kz-paywall' in html or "kz-paywalled" in html
        metas = " ".join(re.findall(r"<meta[^>]*>", html))
        for bullet in secrets:
            assert bullet not in json.dumps(data, ensure_ascii=False)
            assert bullet not in metas


def test_subscriber_sees_bullets_label_and_source_marks(
    page_world: PageWorld, logged_in: Any
) -> None:
    client = logged_in("sub@example.org")
    response = client.get("/p/blick/p1")
    html = response.text
    assert 'data-testid="bullets"' in html
    for bullet in page_world.bullets("p1"):
        assert bullet.replace("'", "&#39;") in html
    assert "KI-generiert" in html
    assert NOTICE not in html
    assert 'href="#kz-src-1"' in html and 'id="kz-src-1"' in html
    assert response.headers["cache-control"] == "private, no-store"


@pytest.mark.parametrize("email", ["reader@example.org", "expired@example.org"])
def test_non_subscriber_and_expired_subscriber_see_the_notice(
    page_world: PageWorld, logged_in: Any, email: str
) -> None:
    secrets = secret_bullets(page_world)
    response = logged_in(email).get("/p/blick/p1")
    assert NOTICE in response.text
    assert_no_bullets(response, secrets)


def test_both_orders_never_share_a_page(
    page_world: PageWorld, make_client: Any, logged_in: Any
) -> None:
    secrets = secret_bullets(page_world)
    anon = make_client()
    first = anon.get("/p/blick/p1")
    assert 'data-testid="bullets"' in logged_in("sub@example.org").get("/p/blick/p1").text
    second = anon.get("/p/blick/p1")
    for response in (first, second):
        assert_no_bullets(response, secrets)


def test_spoofed_crawler_headers_grant_nothing(page_world: PageWorld, make_client: Any) -> None:
    secrets = secret_bullets(page_world)
    response = make_client().get(
        "/p/blick/p1",
        headers={
            "User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "X-Forwarded-For": "66.249.66.1",
            "Referer": "https://www.google.com/",
        },
    )
    assert NOTICE in response.text
    assert_no_bullets(response, secrets)


def test_free_article_shows_bullets_to_everyone(page_world: PageWorld, make_client: Any) -> None:
    html = make_client().get("/p/blick/f1").text
    assert 'data-testid="bullets"' in html
    assert jsonld(html)["isAccessibleForFree"] is True
    assert "hasPart" not in jsonld(html)


def test_index_lists_articles_with_premium_badge_and_no_bullets(
    page_world: PageWorld, make_client: Any
) -> None:
    secrets = secret_bullets(page_world)
    for path in ("/", "/p/blick"):
        response = make_client().get(path)
        assert response.status_code == 200
        assert 'href="/p/blick/p1"' in response.text and 'href="/p/blick/f1"' in response.text
        assert '<span class="kz-badge"' in response.text and "Blick+" in response.text
        assert_no_bullets(response, secrets)
        # newest first: p1 (24 Oct) before f1 (23 Oct)
        assert response.text.index("/p/blick/p1") < response.text.index("/p/blick/f1")


def test_ui_language_follows_lang_parameter_and_cookie(
    page_world: PageWorld, make_client: Any
) -> None:
    client = make_client()
    html = client.get("/p/blick/f1?lang=fr").text
    assert '<html lang="fr">' in html and "Accueil" in html  # site navigation: French
    # The box of a German article stays German (issue 13): only the site follows the reader.
    assert '<details lang="de"' in html and "Auf einen Blick" in html and "En bref" not in html
    assert "Accueil" in client.get("/p/blick/f1").text  # remembered in a cookie
    english = make_client().get("/p/blick/f1", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert "Home" in english.text and "Auf einen Blick" in english.text


def test_notice_in_the_articles_language(page_world: PageWorld, make_client: Any) -> None:
    html = make_client().get("/p/blick/p1?lang=fr").text
    assert "Le résumé est réservé aux abonnés." not in html
    assert (
        "Die Zusammenfassung von Blick+-Artikeln ist unseren Nutzern mit Abo vorbehalten." in html
    )


def test_unknown_article_is_an_html_404(page_world: PageWorld, make_client: Any) -> None:
    response = make_client().get("/p/blick/nope")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Diese Seite gibt es nicht." in response.text


def test_anonymous_reader_reports_an_error_on_a_free_article(
    page_world: PageWorld, make_client: Any, logged_in: Any
) -> None:
    client = make_client()
    page = client.get("/p/blick/f1")
    summary_id = summary_id_of(page.text)
    response = client.post(
        "/p/blick/f1/report",
        data={
            "csrf_token": csrf_of(page.text),
            "summary_id": summary_id,
            "bullet": "1",
            "message": "Die Zahl stimmt nicht",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    # Back to the reported bullet: the confirmation shows where the reader clicked.
    assert response.headers["location"] == "/p/blick/f1?reported=2#kz-bullet-2"
    html = client.get(response.headers["location"]).text
    bullet = html[html.index('id="kz-bullet-2"') : html.index('id="kz-bullet-3"')]
    assert 'data-testid="report-done"' in bullet and "Danke!" in bullet
    editor = logged_in("editor@example.org")
    queue = editor.get("/editor").text
    assert "1 Leser-Meldung<" in queue


def test_report_without_csrf_token_is_refused(page_world: PageWorld, make_client: Any) -> None:
    client = make_client()
    page = client.get("/p/blick/f1")
    summary_id = summary_id_of(page.text)
    response = client.post(
        "/p/blick/f1/report",
        data={"csrf_token": "forged", "summary_id": summary_id, "bullet": "0"},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert "Das Formular ist abgelaufen" in response.text


def test_anonymous_cannot_report_on_a_premium_summary(
    page_world: PageWorld, make_client: Any, logged_in: Any
) -> None:
    sub_page = logged_in("sub@example.org").get("/p/blick/p1").text
    summary_id = summary_id_of(sub_page)
    anon = make_client()
    page = anon.get("/p/blick/f1")
    response = anon.post(
        "/p/blick/p1/report",
        data={"csrf_token": csrf_of(page.text), "summary_id": summary_id, "bullet": "0"},
        follow_redirects=False,
    )
    assert response.status_code == 404


def test_bad_input_gets_an_html_4xx_never_a_500(page_world: PageWorld, make_client: Any) -> None:
    client = make_client()
    page = client.get("/p/blick/f1")
    csrf = csrf_of(page.text)
    summary_id = summary_id_of(page.text)
    cases = [
        client.get("/p/Not A Slug!/x"),
        client.get("/p/blick/bad%20id%20with%20spaces"),
        client.get("/p/nope/x"),
        client.get("/p/blick/f1?lang=xx"),
        client.post(
            "/p/blick/f1/report",
            data={"csrf_token": csrf, "summary_id": summary_id, "bullet": "99"},
        ),
        client.post("/p/blick/f1/report", data={"csrf_token": csrf, "bullet": "x"}),
        client.post(
            "/p/blick/f1/report",
            data={"csrf_token": csrf, "summary_id": "999999", "bullet": "0"},
        ),
    ]
    statuses = [r.status_code for r in cases]
    assert statuses == [422, 422, 404, 200, 422, 422, 404]
    for response in cases:
        assert response.headers["content-type"].startswith("text/html")


def test_drafts_under_review_before_publish_never_reach_the_page(
    page_world: PageWorld, logged_in: Any, make_client: Any
) -> None:
    from kurzum.storage import articles as repo

    session = page_world.build.session
    repo.update_publication(session, page_world.pub, review_policy="review-before-publish")
    session.commit()
    page_world.put("d1", premium=False, body=FREE_BODY.replace("Luzern", "Basel"))
    summary = page_world.status("d1")["summary"]
    assert summary["state"] == "draft"
    editor = logged_in("editor@example.org")
    review = editor.get(f"/editor/summaries/{summary['id']}").text
    saved = editor.post(
        f"/editor/summaries/{summary['id']}/save",
        data={"csrf_token": csrf_of(review), "bullet": ["Geheimer Entwurf der Redaktion."]},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    for client in (make_client(), logged_in("sub@example.org")):
        html = client.get("/p/blick/d1").text
        assert 'data-testid="bullets"' not in html
        assert "Geheimer Entwurf" not in html
        assert "Für diesen Artikel gibt es keine Zusammenfassung." in html


@pytest.mark.parametrize("path", ["/", "/p/blick", "/p/blick/p1", "/p/blick/f1", "/account/login"])
def test_pages_answer_head_like_get_without_a_body(
    page_world: PageWorld, make_client: Any, path: str
) -> None:
    """Monitors, link checkers and CDNs send HEAD: same status and headers as GET, no body."""
    client = make_client()
    get = client.get(path)
    head = client.head(path)
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    for name in ("content-type", "cache-control", "vary"):
        assert head.headers.get(name) == get.headers.get(name)


def test_head_of_a_premium_page_leaks_nothing(page_world: PageWorld, make_client: Any) -> None:
    response = make_client().head("/p/blick/p1")
    assert response.status_code == 200
    assert_no_bullets(response, secret_bullets(page_world))
    assert make_client().head("/p/blick/missing").status_code == 404
