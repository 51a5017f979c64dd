"""Reader API: the paywall rule, labels, notices, cache headers, JWT entitlement, error reports."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from kurzum.web.auth import SESSION_COOKIE

from ..conftest import World

NOTICE = (
    "Die Zusammenfassung von Blick+-Artikeln ist unseren Nutzern mit Abo vorbehalten. "
    "Melde dich bitte an, falls du ein Abo hast."
)
URL = "/api/v1/reader/publications/blick/articles/{}/summary"


def bullets_of(world: World, external_id: str) -> list[str]:
    status = world.client.get(
        f"/api/v1/publisher/articles/{external_id}", headers=world.auth()
    ).json()
    return [b["text"] for b in status["summary"]["bullets"]]


def assert_no_bullets(response: Any, bullets: list[str]) -> None:
    text = response.text + "".join(f"{k}:{v}" for k, v in response.headers.items())
    for bullet in bullets:
        assert bullet not in text


def test_anonymous_gets_the_notice_and_no_bullet_text(world: World, make_client: Any) -> None:
    world.summarized("p1")
    bullets = bullets_of(world, "p1")
    assert bullets
    anon = make_client()
    response = anon.get(URL.format("p1"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "locked"
    assert body["entitled"] is False
    assert body["notice"] == NOTICE
    assert body["bullets"] is None
    assert body["premium_label"] == "Blick+"
    assert_no_bullets(response, bullets)
    assert response.headers["cache-control"] == "private, no-store"


def test_subscriber_gets_bullets_label_and_private_cache_headers(
    world: World, make_client: Any, login: Any
) -> None:
    world.summarized("p1")
    reader = make_client()
    login(reader, "sub@example.org")
    response = reader.get(URL.format("p1"))
    body = response.json()
    assert body["status"] == "available"
    assert [b["text"] for b in body["bullets"]] == bullets_of(world, "p1")
    assert body["bullets"][0]["sources"]
    assert body["label"] == "KI-generiert"
    assert response.headers["cache-control"] == "private, no-store"
    vary = response.headers["vary"]
    assert "Cookie" in vary and "Authorization" in vary


@pytest.mark.parametrize("email", ["reader@example.org", "expired@example.org"])
def test_non_subscriber_and_expired_subscriber_get_the_notice(
    world: World, make_client: Any, login: Any, email: str
) -> None:
    world.summarized("p1")
    reader = make_client()
    login(reader, email)
    response = reader.get(URL.format("p1"))
    assert response.json()["status"] == "locked"
    assert_no_bullets(response, bullets_of(world, "p1"))


def test_both_orders_never_share_an_answer(world: World, make_client: Any, login: Any) -> None:
    world.summarized("p1")
    bullets = bullets_of(world, "p1")
    sub, anon = make_client(), make_client()
    login(sub, "sub@example.org")
    first = anon.get(URL.format("p1"))
    assert sub.get(URL.format("p1")).json()["status"] == "available"
    second = anon.get(URL.format("p1"))
    for response in (first, second):
        assert_no_bullets(response, bullets)


def test_tampered_cookie_is_refused(world: World, make_client: Any, login: Any) -> None:
    world.summarized("p1")
    reader = make_client()
    login(reader, "sub@example.org")
    token = reader.cookies.get(SESSION_COOKIE)
    assert token
    forged = make_client()
    forged.cookies.set(SESSION_COOKIE, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    response = forged.get(URL.format("p1"))
    assert response.json()["status"] == "locked"
    assert_no_bullets(response, bullets_of(world, "p1"))


def test_spoofed_crawler_headers_grant_nothing(world: World, make_client: Any) -> None:
    world.summarized("p1")
    anon = make_client()
    response = anon.get(
        URL.format("p1"),
        headers={
            "User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "X-Forwarded-For": "66.249.66.1",
            "Referer": "https://www.google.com/",
        },
    )
    assert response.json()["status"] == "locked"
    assert_no_bullets(response, bullets_of(world, "p1"))


def test_free_article_is_open_and_premium_switch_takes_effect_at_once(
    world: World, make_client: Any
) -> None:
    world.summarized("f1", premium=False)
    anon = make_client()
    assert anon.get(URL.format("f1")).json()["status"] == "available"
    world.put("f1", premium=True)  # same body: no new summary needed
    response = anon.get(URL.format("f1"))
    assert response.json()["status"] == "locked"
    assert_no_bullets(response, bullets_of(world, "f1"))
    world.put("f1", premium=False)
    assert anon.get(URL.format("f1")).json()["status"] == "available"


def test_notice_follows_accept_language_then_article_language(
    world: World, make_client: Any
) -> None:
    world.summarized("p1")
    anon = make_client()
    fr = anon.get(URL.format("p1"), headers={"Accept-Language": "fr-CH, fr;q=0.9, de;q=0.5"})
    assert fr.json()["notice"] == "Le résumé est réservé aux abonnés."
    assert fr.json()["language"] == "fr"
    other = anon.get(URL.format("p1"), headers={"Accept-Language": "it, es;q=0.8"})
    assert other.json()["notice"] == NOTICE


def test_changed_body_makes_summary_stale_until_the_new_one(world: World, make_client: Any) -> None:
    world.summarized("f1", premium=False)
    old = bullets_of(world, "f1")
    new_body = (
        "Die Stadt Luzern baut eine neue Brücke über die Reuss. "
        "Sie soll 2028 eröffnet werden.\n\nDie Kosten liegen bei 40 Millionen Franken."
    )
    world.put("f1", premium=False, body=new_body)
    anon = make_client()
    assert anon.get(URL.format("f1")).json()["status"] == "unavailable"
    world.worker.drain()
    served = anon.get(URL.format("f1")).json()
    assert served["status"] == "available"
    assert [b["text"] for b in served["bullets"]] != old


def test_deleted_article_is_gone_for_readers(world: World, make_client: Any) -> None:
    world.summarized("f1", premium=False)
    assert (
        world.client.delete("/api/v1/publisher/articles/f1", headers=world.auth()).status_code
        == 204
    )
    anon = make_client()
    response = anon.get(URL.format("f1"))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    listing = anon.get("/api/v1/reader/publications/blick/articles").json()
    assert all(a["external_id"] != "f1" for a in listing)


def test_listing_holds_no_bullet_text(world: World, make_client: Any) -> None:
    world.summarized("p1")
    anon = make_client()
    response = anon.get("/api/v1/reader/publications/blick/articles")
    assert response.status_code == 200
    assert response.json()[0]["has_summary"] is True
    assert_no_bullets(response, bullets_of(world, "p1"))


def test_unknown_publication_and_article_are_404(world: World, make_client: Any) -> None:
    anon = make_client()
    assert anon.get("/api/v1/reader/publications/nope/articles/x/summary").status_code == 404
    assert anon.get(URL.format("missing")).status_code == 404


# -- error reports ----------------------------------------------------------------------


def test_entitled_reader_reports_an_error_that_reaches_the_editors(
    world: World, make_client: Any, login: Any
) -> None:
    world.summarized("p1")
    reader = make_client()
    csrf = login(reader, "sub@example.org")
    summary_id = reader.get(URL.format("p1")).json()["summary_id"]
    path = f"/api/v1/reader/summaries/{summary_id}/reports"
    assert reader.post(path, json={"bullet": 0, "message": "falsch"}).status_code == 403  # no CSRF
    response = reader.post(
        path, json={"bullet": 0, "message": "Zahl falsch"}, headers={"X-CSRF-Token": csrf}
    )
    assert response.status_code == 201, response.text
    editor = make_client()
    login(editor, "editor@example.org")
    queue = editor.get("/api/v1/editor/queue", params={"reported": True}).json()
    assert [item["summary"]["id"] for item in queue] == [summary_id]
    assert queue[0]["open_reports"] == 1


def test_non_entitled_reader_cannot_report_or_probe_premium_summaries(
    world: World, make_client: Any
) -> None:
    status = world.summarized("p1")
    anon = make_client()
    path = f"/api/v1/reader/summaries/{status['served_summary_id']}/reports"
    response = anon.post(path, json={"bullet": 0, "message": "x"})
    assert response.status_code == 404
    assert (
        anon.post("/api/v1/reader/summaries/999999/reports", json={"bullet": 0}).status_code == 404
    )


# -- publisher JWT ----------------------------------------------------------------------


def _rsa() -> tuple[Any, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return key, pem.decode()


@pytest.fixture(scope="module")
def rsa_key() -> tuple[Any, str]:
    return _rsa()


@pytest.fixture(scope="module")
def ec_key() -> tuple[Any, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return key, pem.decode()


def _claims(**kw: Any) -> dict[str, Any]:
    return {
        "sub": "cms-user-1",
        "aud": "kurzum-blick",
        "exp": int(time.time()) + 600,
        # valid_until is required by default since issue 14
        "subscription": {"publication": "blick", "plan": "plus", "valid_until": "2099-01-01"},
    } | kw


@pytest.fixture
def jwt_world(world: World, db: Any, rsa_key: Any, ec_key: Any) -> World:
    world.pub.jwt_public_keys = [rsa_key[1], ec_key[1]]
    world.pub.jwt_audience = "kurzum-blick"
    db.commit()
    world.summarized("p1")
    return world


@pytest.mark.parametrize("algorithm", ["RS256", "ES256"])
def test_valid_publisher_jwt_entitles(
    jwt_world: World, make_client: Any, rsa_key: Any, ec_key: Any, algorithm: str
) -> None:
    key = rsa_key[0] if algorithm == "RS256" else ec_key[0]
    token = jwt.encode(_claims(), key, algorithm=algorithm)
    response = make_client().get(URL.format("p1"), headers={"Authorization": f"Bearer {token}"})
    assert response.json()["status"] == "available"
    assert response.headers["cache-control"] == "private, no-store"


@pytest.mark.parametrize(
    ("claims", "status"),
    [
        ({"exp": int(time.time()) - 3600}, 401),
        ({"aud": "someone-else"}, 401),
        ({"subscription": {"publication": "other"}}, 200),
        ({"subscription": {"publication": "blick", "valid_until": int(time.time()) - 60}}, 200),
    ],
)
def test_bad_or_non_entitling_jwt_gets_no_bullets(
    jwt_world: World, make_client: Any, rsa_key: Any, claims: dict[str, Any], status: int
) -> None:
    token = jwt.encode(_claims(**claims), rsa_key[0], algorithm="RS256")
    response = make_client().get(URL.format("p1"), headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == status
    if status == 200:
        assert response.json()["status"] == "locked"
    else:
        assert response.json()["error"]["code"] == "unauthorized"
    assert_no_bullets(response, bullets_of(jwt_world, "p1"))


def test_forged_jwt_signature_and_alg_none_are_refused(
    jwt_world: World, make_client: Any, rsa_key: Any
) -> None:
    other_key, _ = _rsa()
    forged = jwt.encode(_claims(), other_key, algorithm="RS256")
    unsigned = jwt.encode(_claims(), key=None, algorithm="none")
    good = jwt.encode(_claims(), rsa_key[0], algorithm="RS256")
    head, payload, sig = good.split(".")
    tampered = f"{head}.{payload[:-4]}AAAA.{sig}"
    for token in (forged, unsigned, tampered):
        response = make_client().get(URL.format("p1"), headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401
        assert_no_bullets(response, bullets_of(jwt_world, "p1"))
