"""A small world for API tests: Blick with an API key, readers, an editor, an admin, articles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kurzum.storage.tables import Publication, utcnow
from kurzum.workers.inprocess import InProcessWorker

BODY = (
    "Der Bundesrat hat am Montag ein neues Gesetz zur Energie beschlossen. "
    "Es kostet 120 Millionen Franken und tritt 2026 in Kraft.\n\n"
    "Die Kantone Zürich und Bern begrüssen den Entscheid. "
    "Kritik kommt von der SVP, die ein Referendum prüft.\n\n"
    "Energieministerin Anna Muster sprach von einem wichtigen Schritt. "
    "Die Versorgung im Winter sei damit gesichert."
)
# Bullet text that must never reach a non-entitled reader (first sentence of BODY).
SECRET = "Der Bundesrat hat am Montag ein neues Gesetz zur Energie beschlossen."


@dataclass
class World:
    """Everything most API tests need."""

    pub: Publication
    key: str
    client: TestClient
    worker: InProcessWorker

    def auth(self) -> dict[str, str]:
        """Headers of the publisher API key."""
        return {"Authorization": f"Bearer {self.key}"}

    def put(self, external_id: str, *, premium: bool = True, body: str = BODY, **kw: Any) -> Any:
        """PUT an article through the publisher API; returns the JSON answer."""
        payload = {"title": "Neues Energiegesetz", "body": body, "premium": premium} | kw
        response = self.client.put(
            f"/api/v1/publisher/articles/{external_id}", json=payload, headers=self.auth()
        )
        assert response.status_code in (200, 201), response.text
        return response.json()

    def summarized(self, external_id: str, **kw: Any) -> Any:
        """PUT an article and run the worker; returns the publisher's status answer."""
        self.put(external_id, **kw)
        self.worker.drain()
        response = self.client.get(f"/api/v1/publisher/articles/{external_id}", headers=self.auth())
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture
def world(build: Any, client: TestClient, worker: InProcessWorker) -> World:
    """Blick (publish-then-review), a key, and accounts: sub, reader, expired, editor, admin."""
    pub = build.publication()
    key = build.api_key(pub)
    sub = build.user("sub@example.org")
    build.subscribe(sub, pub)
    build.user("reader@example.org")
    expired = build.user("expired@example.org")
    build.subscribe(
        expired,
        pub,
        valid_from=utcnow() - timedelta(days=60),
        valid_until=utcnow() - timedelta(days=1),
    )
    build.user("editor@example.org", role="editor")
    build.user("admin@example.org", role="admin")
    return World(pub, key, client, worker)
