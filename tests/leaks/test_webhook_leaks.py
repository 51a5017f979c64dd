"""Webhooks never leak premium bullets: every event type is sent for a premium article whose
approved bullets carry marker words; another publication's webhook must never see them, and the
article's own publication gets them only in ``summary.published`` and ``summary.changed``."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from standardwebhooks import Webhook

from kurzum.pipeline import text_from_plain
from kurzum.settings import Settings
from kurzum.storage import articles as repo
from kurzum.storage import outbox
from kurzum.storage.articles import ArticleInput
from kurzum.storage.audit import Actor
from kurzum.storage.db import SessionFactory, session_scope
from kurzum.storage.tables import SummaryVersion
from kurzum.usecases import articles, editorial
from kurzum.web.app import create_app
from kurzum.webhooks.events import EVENT_TYPES, WITH_BULLETS
from kurzum.webhooks.signing import new_secret
from tests.leaks.leak_support import BODY, LEAD, MARKER_BULLETS, MARKERS

EDITOR = Actor("editor@example.org")
Calls = list[tuple[str, dict[str, str], bytes]]


@pytest.fixture
def calls() -> Iterator[tuple[int, Calls]]:
    got: Calls = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            got.append((self.path, dict(self.headers.items()), body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield int(server.server_address[1]), got
    server.shutdown()
    server.server_close()


def _resolve(host: str, port: int) -> Sequence[str]:
    return ["127.0.0.1"]


def _latest(session: Any) -> SummaryVersion:
    version = session.scalars(select(SummaryVersion).order_by(SummaryVersion.id.desc())).first()
    assert version is not None
    return version


def test_no_premium_bullets_in_any_webhook_but_the_own_served_ones(
    session_factory: SessionFactory, calls: tuple[int, Calls], tmp_path: Any
) -> None:
    port, got = calls
    settings = Settings(
        environment="test",
        data_dir=tmp_path,
        worker="off",
        retry_base_seconds=0,
        webhooks_allow_private=True,
    )
    app: FastAPI = create_app(settings, session_factory=session_factory, resolver=_resolve)
    worker = app.state.worker
    secrets = {"blick": new_secret(), "zeitung": new_secret()}
    with session_scope(session_factory) as session:
        for slug in ("blick", "zeitung"):
            repo.create_publication(
                session,
                slug=slug,
                name=slug.title(),
                language="de",
                review_policy="review-before-publish",
                webhook_url=f"http://hooks-{slug}.example:{port}/{slug}",
                webhook_secret=secrets[slug],
            )
        for slug, premium in (("blick", True), ("zeitung", False)):
            pub = repo.get_publication(session, slug)
            data = ArticleInput(
                text=text_from_plain("Rat berät Vorlagen", LEAD, BODY),
                language="de",
                premium=premium,
            )
            repo.upsert_article(session, pub, "ratssitzung-1", data, Actor("cms"))
    worker.drain()  # both held (review before publish)
    with session_factory() as session:
        pub = repo.get_publication(session, "blick")
        article_id = repo.get_article(session, pub, "ratssitzung-1").id
        held = session.scalars(
            select(SummaryVersion).where(SummaryVersion.article_id == article_id)
        ).one()
        edited = editorial.edit(session, held.id, MARKER_BULLETS, EDITOR)
        editorial.approve(session, worker, edited.id, EDITOR, override=True, reason="leak")
        again = editorial.edit(session, edited.id, [*MARKER_BULLETS[:2]], EDITOR)
        editorial.approve(session, worker, again.id, EDITOR, override=True, reason="leak")
        editorial.retract(session, worker, again.id, EDITOR, "leak test")
        for slug in ("blick", "zeitung"):
            outbox.ping(session, repo.get_publication(session, slug))  # webhook.test
        session.commit()
        editorial.regenerate(session, worker, again.id, EDITOR)  # a new machine draft: held
    worker.drain()
    with session_factory() as session:
        articles.delete(
            session, worker, repo.get_publication(session, "blick"), "ratssitzung-1", Actor("cms")
        )
    worker.drain()

    blick = [(Webhook(secrets["blick"]).verify(b, h), b, h) for p, h, b in got if p == "/blick"]
    zeitung = [
        (Webhook(secrets["zeitung"]).verify(b, h), b, h) for p, h, b in got if p == "/zeitung"
    ]
    assert len(blick) + len(zeitung) == len(got)
    sent = {payload["type"] for payload, _, _ in blick}
    assert sent == set(EVENT_TYPES), f"not every event was exercised: {set(EVENT_TYPES) - sent}"
    for payload, body, headers in zeitung:
        text = body.decode().lower() + repr(headers).lower()
        assert not any(m in text for m in MARKERS), f"premium text leaked to zeitung: {payload}"
    carried = set()
    for payload, body, headers in blick:
        text = body.decode().lower() + repr(headers).lower()
        if any(m in text for m in MARKERS):
            carried.add(payload["type"])
            assert payload["type"] in WITH_BULLETS, payload
            assert payload["data"]["summary"]["state"] == "published"
    assert carried == set(WITH_BULLETS)
