"""A small world for page tests: Blick with a premium and a free article, readers and an editor.

Articles go in through the publisher API and are summarized by draining the worker, exactly as
in production; pages are fetched with the in-process client and forms are posted with the CSRF
token read from the page, as a browser would.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kurzum.storage.tables import Publication, utcnow
from kurzum.workers.inprocess import InProcessWorker

PASSWORD = "correct horse battery"
PREMIUM_BODY = (
    "Sechs nordkoreanische Soldaten kamen bei einem Raketenangriff im Donbass ums Leben. "
    "Das berichten die Regierungen in Kiew und Seoul.\n\n"
    "Kremlsprecher Dmitri Peskow (56) dementierte die Berichte am Donnerstag. "
    "Nordkorea liefert Russland seit 2022 Munition in grossen Mengen.\n\n"
    "Laut dem US-Aussenministerium verliessen 11'000 Container nordkoreanische Häfen. "
    "Im Juni 2024 unterzeichneten beide Staaten einen Militärpakt."
)
FREE_BODY = (
    "Die Stadt Luzern baut eine neue Brücke über die Reuss. "
    "Sie soll im Jahr 2028 eröffnet werden.\n\n"
    "Die Kosten liegen bei 40 Millionen Franken. "
    "Der Stadtrat spricht von einem Jahrhundertprojekt."
)
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = CSRF.search(html)
    assert found, "no csrf_token in the page"
    return found.group(1)


ROSTER: dict[str, tuple[str, str | None]] = {
    "sub@example.org": ("reader", "active"),
    "reader@example.org": ("reader", None),
    "expired@example.org": ("reader", "expired"),
    "editor@example.org": ("editor", None),
    "admin@example.org": ("admin", None),
}


@dataclass
class PageWorld:
    """Publication, API key, the app's client and worker; accounts are made on first use."""

    pub: Publication
    key: str
    client: TestClient
    worker: InProcessWorker
    build: Any
    users: set[str] = field(default_factory=set)

    def account(self, email: str) -> str:
        """Create the roster account ``email`` (argon2 is slow: only accounts a test uses)."""
        if email not in self.users:
            role, subscription = ROSTER[email]
            user = self.build.user(email, role=role)
            if subscription == "active":
                self.build.subscribe(user, self.pub)
            elif subscription == "expired":
                self.build.subscribe(
                    user,
                    self.pub,
                    valid_from=utcnow() - timedelta(days=60),
                    valid_until=utcnow() - timedelta(days=1),
                )
            self.users.add(email)
        return email

    def put(self, external_id: str, *, premium: bool, body: str, **kw: Any) -> None:
        """PUT an article through the publisher API and summarize it."""
        payload = {"title": f"Artikel {external_id}", "body": body, "premium": premium} | kw
        response = self.client.put(
            f"/api/v1/publisher/articles/{external_id}",
            json=payload,
            headers={"Authorization": f"Bearer {self.key}"},
        )
        assert response.status_code in (200, 201), response.text
        self.worker.drain()

    def status(self, external_id: str) -> Any:
        """The publisher's status answer (includes the current summary)."""
        response = self.client.get(
            f"/api/v1/publisher/articles/{external_id}",
            headers={"Authorization": f"Bearer {self.key}"},
        )
        assert response.status_code == 200, response.text
        return response.json()

    def bullets(self, external_id: str) -> list[str]:
        """Bullet texts of the article's current summary."""
        return [b["text"] for b in self.status(external_id)["summary"]["bullets"]]


@pytest.fixture
def page_world(build: Any, client: TestClient, worker: InProcessWorker) -> PageWorld:
    """Blick with a premium article p1 (with lead) and a free article f1."""
    pub = build.publication()
    key = build.api_key(pub)
    world = PageWorld(pub, key, client, worker, build)
    world.put(
        "p1",
        premium=True,
        body=PREMIUM_BODY,
        lead="Nordkorea unterstützt Russland mit Soldaten und Munition.",
        published_at="2024-10-24T08:00:00Z",
    )
    world.put("f1", premium=False, body=FREE_BODY, published_at="2024-10-23T08:00:00Z")
    return world


def form_login(client: TestClient, email: str, password: str = PASSWORD, next: str = "/") -> Any:
    """Log in through the HTML form (CSRF token read from the page)."""
    page = client.get("/account/login")
    assert page.status_code == 200, page.text
    return client.post(
        "/account/login",
        data={"email": email, "password": password, "next": next, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )


@pytest.fixture
def logged_in(page_world: PageWorld, make_client: Any) -> Any:
    """``logged_in(email) -> TestClient`` with its own cookie jar, logged in via the form."""

    def build(email: str) -> TestClient:
        c: TestClient = make_client()
        response = form_login(c, page_world.account(email))
        assert response.status_code == 303, response.text
        return c

    return build
