"""Account pages: login (throttled, no enumeration), logout, registration, "Mein Abo"."""

from __future__ import annotations

from typing import Any

from kurzum.storage.tables import utcnow
from kurzum.web.auth import SESSION_COOKIE

from .conftest import PASSWORD, PageWorld, csrf_of, form_login


def test_header_links_point_at_the_pages(page_world: PageWorld, make_client: Any) -> None:
    html = make_client().get("/").text
    assert 'href="/account/login?next=/"' in html
    assert 'href="/account/register"' in html
    assert "/api/" not in html


def test_login_sets_the_session_and_goes_to_next(page_world: PageWorld, make_client: Any) -> None:
    client = make_client()
    response = form_login(client, page_world.account("sub@example.org"), next="/p/blick/p1")
    assert response.status_code == 303
    assert response.headers["location"] == "/p/blick/p1"
    assert client.cookies.get(SESSION_COOKIE)
    html = client.get("/").text
    assert "Angemeldet als sub@example.org" in html


def test_login_refuses_open_redirects(page_world: PageWorld, make_client: Any) -> None:
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil"):
        response = form_login(make_client(), page_world.account("sub@example.org"), next=target)
        assert response.headers["location"] == "/"


def test_wrong_password_and_unknown_email_get_the_same_answer(
    page_world: PageWorld, make_client: Any
) -> None:
    wrong = form_login(
        make_client(), page_world.account("sub@example.org"), password="nope nope nope"
    )
    unknown = form_login(make_client(), "nobody@example.org", password="nope nope nope")
    assert wrong.status_code == unknown.status_code == 401
    message = "E-Mail-Adresse oder Passwort ist falsch."
    assert message in wrong.text and message in unknown.text


def test_login_is_throttled(page_world: PageWorld, make_client: Any, app: Any) -> None:
    frozen = utcnow()
    app.state.clock = lambda: frozen  # issue 14: the delay is short; no wall time in the test
    client = make_client()
    page_world.account("reader@example.org")
    statuses = [
        form_login(client, "reader@example.org", password="wrong password!").status_code
        for _ in range(6)
    ]
    assert statuses[-1] == 429
    locked = form_login(client, "reader@example.org", password=PASSWORD)
    assert locked.status_code == 429
    assert "Zu viele Versuche" in locked.text


def test_login_without_csrf_token_is_refused(page_world: PageWorld, make_client: Any) -> None:
    client = make_client()
    client.get("/account/login")
    page_world.account("sub@example.org")
    response = client.post(
        "/account/login",
        data={"email": "sub@example.org", "password": PASSWORD, "csrf_token": "x"},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert not client.cookies.get(SESSION_COOKIE)


def test_logout_ends_the_session(page_world: PageWorld, logged_in: Any) -> None:
    client = logged_in("sub@example.org")
    token = client.get("/account/logout").text
    response = client.post(
        "/account/logout", data={"csrf_token": csrf_of(token)}, follow_redirects=False
    )
    assert response.status_code == 303
    done = client.get(response.headers["location"])
    assert "Du bist abgemeldet." in done.text
    assert "Angemeldet als" not in client.get("/").text


def test_logout_without_csrf_keeps_the_session(page_world: PageWorld, logged_in: Any) -> None:
    client = logged_in("sub@example.org")
    response = client.post("/account/logout", data={}, follow_redirects=False)
    assert response.status_code == 403
    assert "Angemeldet als sub@example.org" in client.get("/").text


def test_registration_answers_the_same_for_new_and_taken_emails(
    page_world: PageWorld, make_client: Any
) -> None:
    answers = []
    page_world.account("sub@example.org")
    for email in ("new@example.org", "sub@example.org"):
        client = make_client()
        form = client.get("/account/register")
        response = client.post(
            "/account/register",
            data={"email": email, "password": "a long password", "csrf_token": csrf_of(form.text)},
        )
        assert response.status_code == 200
        answers.append(response.text.replace(email, ""))
    assert answers[0] == answers[1]
    assert (
        form_login(make_client(), "new@example.org", password="a long password").status_code == 303
    )


def test_registration_with_a_short_password_says_why(
    page_world: PageWorld, make_client: Any
) -> None:
    client = make_client()
    form = client.get("/account/register")
    response = client.post(
        "/account/register",
        data={"email": "x@example.org", "password": "short", "csrf_token": csrf_of(form.text)},
    )
    assert response.status_code == 422
    assert 'role="alert">Mindestens 10 Zeichen.</p>' in response.text


def test_subscription_page(page_world: PageWorld, logged_in: Any, make_client: Any) -> None:
    sub = logged_in("sub@example.org").get("/account/subscription")
    assert sub.status_code == 200
    assert "aktiv" in sub.text and "Blick" in sub.text
    assert 'data-testid="no-subscription"' not in sub.text
    assert sub.headers["cache-control"] == "private, no-store"
    expired = logged_in("expired@example.org").get("/account/subscription").text
    assert "abgelaufen" in expired and 'data-testid="no-subscription"' in expired
    anon = make_client().get("/account/subscription", follow_redirects=False)
    assert anon.status_code == 303
    assert anon.headers["location"] == "/account/login?next=/account/subscription"
