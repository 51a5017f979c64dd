"""Every lifecycle event reaches the publication's webhook, signed (verified with the
standardwebhooks library), with a stable id, to the checked address, never via a redirect."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from standardwebhooks import Webhook

from kurzum.pipeline import text_from_plain
from kurzum.settings import Settings
from kurzum.storage import articles as repo
from kurzum.storage import summaries
from kurzum.storage.articles import ArticleInput
from kurzum.storage.audit import Actor
from kurzum.storage.db import SessionFactory, session_scope
from kurzum.storage.tables import Publication, SummaryVersion, WebhookAttempt, WebhookDelivery
from kurzum.usecases import articles, editorial
from kurzum.webhooks.signing import new_secret
from kurzum.workers import tasks
from kurzum.workers.inprocess import InProcessWorker

from .conftest import Receiver

EDITOR = Actor("editor@example.org")
BODY = (
    "Der Gemeinderat von Thun hat am Dienstag ein neues Budget beschlossen. "
    "Es sieht Ausgaben von 310 Millionen Franken vor.\n\n"
    "Die Steuern bleiben unverändert. Die Opposition kritisierte den Entscheid scharf.\n\n"
    "Die Stimmberechtigten entscheiden im März über das Budget."
)


def hooked(
    build: Any, receiver: Receiver, slug: str = "blick", **kw: Any
) -> tuple[Publication, str]:
    """A publication whose webhook goes to the receiver via the name cms.example."""
    secret = new_secret()
    pub = build.publication(
        slug, webhook_url=receiver.url(f"/{slug}", host="cms.example"), webhook_secret=secret, **kw
    )
    return pub, secret


def put(
    session_factory: SessionFactory, slug: str, external_id: str = "a1", body: str = BODY
) -> None:
    with session_scope(session_factory) as session:
        pub = repo.get_publication(session, slug)
        data = ArticleInput(
            text=text_from_plain("Thun beschliesst Budget", None, body),
            language="de",
            premium=True,
            url=f"https://news.example/{external_id}",
        )
        repo.upsert_article(session, pub, external_id, data, Actor("cms"))


def verified(receiver: Receiver, secret: str, path: str) -> list[dict[str, Any]]:
    """Every payload the receiver got on ``path``, each verified with standardwebhooks."""
    return [Webhook(secret).verify(c.body, c.headers) for c in receiver.on(path)]


def latest(session: Session, article_external_id: str = "a1") -> SummaryVersion:
    session.expire_all()
    version = session.scalars(select(SummaryVersion).order_by(SummaryVersion.id.desc())).first()
    assert version is not None
    return version


def test_every_lifecycle_event_is_sent_in_order(
    build: Any, session_factory: SessionFactory, worker: InProcessWorker, receiver: Receiver
) -> None:
    _, secret = hooked(build, receiver)
    put(session_factory, "blick")
    worker.drain()  # machine summary published
    # Each use case commits, then wakes the worker for the events it queued: draining only the
    # wake-ups (no reconcile) proves none waits for the periodic sweep.
    with session_factory() as session:
        editorial.approve(session, worker, latest(session).id, EDITOR)  # relabelled: changed
    worker.drain(reconcile_first=False)
    with session_factory() as session:
        edited = editorial.edit(session, latest(session).id, ["Thun hat ein Budget."], EDITOR)
        editorial.approve(session, worker, edited.id, EDITOR, override=True, reason="test")
    worker.drain(reconcile_first=False)  # a new version: changed
    with session_factory() as session:
        editorial.retract(session, worker, latest(session).id, EDITOR, "falsch")
    worker.drain(reconcile_first=False)
    with session_factory() as session:
        pub = repo.get_publication(session, "blick")
        articles.delete(session, worker, pub, "a1", Actor("cms"))
    worker.drain(reconcile_first=False)
    payloads = verified(receiver, secret, "/blick")
    assert [p["type"] for p in payloads] == [
        "summary.published",
        "summary.changed",
        "summary.changed",
        "summary.retracted",
        "article.deleted",
    ]
    assert all(p["version"] == 1 and p["data"]["publication"] == "blick" for p in payloads)
    published, relabelled, new_version, retracted, deleted = (p["data"] for p in payloads)
    assert published["article"] == {
        "external_id": "a1",
        "url": "https://news.example/a1",
        "language": "de",
        "premium": True,
    }
    assert published["summary"]["label"] == "KI-generiert" and published["summary"]["bullets"]
    assert relabelled["summary"]["label"] == "KI-generiert, redaktionell geprüft"
    assert relabelled["summary"]["id"] == published["summary"]["id"]
    assert new_version["summary"]["bullets"] == [{"text": "Thun hat ein Budget."}]
    assert new_version["previous_summary_id"] == published["summary"]["id"]
    assert retracted["summary"]["state"] == "retracted" and "bullets" not in retracted["summary"]
    assert retracted["reason"] == "retracted"
    assert deleted["article"]["external_id"] == "a1" and "summary" not in deleted
    ids = [c.headers["webhook-id"] for c in receiver.on("/blick")]
    assert len(set(ids)) == 5


def test_held_summary_is_announced_without_bullets_then_published(
    build: Any, session_factory: SessionFactory, worker: InProcessWorker, receiver: Receiver
) -> None:
    _, secret = hooked(build, receiver, review_policy="review-before-publish")
    put(session_factory, "blick")
    worker.drain()
    with session_factory() as session:
        editorial.approve(session, worker, latest(session).id, EDITOR)
    worker.drain(reconcile_first=False)
    held, published = verified(receiver, secret, "/blick")
    assert held["type"] == "summary.held" and held["data"]["reason"] == "policy"
    assert held["data"]["summary"]["state"] == "draft" and "bullets" not in held["data"]["summary"]
    assert published["type"] == "summary.published" and published["data"]["summary"]["bullets"]


def test_rejecting_a_published_summary_retracts_it_and_a_draft_sends_nothing(
    build: Any, session_factory: SessionFactory, worker: InProcessWorker, receiver: Receiver
) -> None:
    _, secret = hooked(build, receiver)
    put(session_factory, "blick")
    worker.drain()
    with session_factory() as session:
        version = latest(session)
        draft = editorial.edit(session, version.id, ["Thun hat ein Budget."], EDITOR)
        editorial.reject(session, worker, draft.id, EDITOR, "nein")  # never visible: no event
        editorial.reject(session, worker, version.id, EDITOR, "falsch")
    worker.drain(reconcile_first=False)
    types = [(p["type"], p["data"].get("reason")) for p in verified(receiver, secret, "/blick")]
    assert types == [("summary.published", None), ("summary.retracted", "rejected")]


def test_a_rolled_back_change_sends_nothing(
    build: Any,
    session_factory: SessionFactory,
    worker: InProcessWorker,
    receiver: Receiver,
    db: Session,
) -> None:
    hooked(build, receiver)
    put(session_factory, "blick")
    worker.drain()
    with session_factory() as session:
        summaries.retract(session, latest(session), EDITOR, "oops")
        assert session.scalar(select(func.count(WebhookDelivery.id))) == 2
        session.rollback()
    worker.drain()
    assert [json.loads(c.body)["type"] for c in receiver.calls] == ["summary.published"]
    assert db.scalar(select(func.count(WebhookDelivery.id))) == 1


def test_retries_keep_the_id_and_go_to_the_checked_address_with_the_original_host(
    build: Any,
    session_factory: SessionFactory,
    worker: InProcessWorker,
    receiver: Receiver,
    db: Session,
) -> None:
    _, secret = hooked(build, receiver)
    receiver.statuses = [500]
    put(session_factory, "blick")
    worker.drain()  # first try: 500
    worker.drain()  # retry (backoff 0 in tests): 200
    first, second = receiver.on("/blick")
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert second.headers["host"] == f"cms.example:{receiver.port}"  # name kept, IP connected
    assert second.headers["user-agent"].startswith("kurzum-webhooks/")
    assert second.headers["content-type"] == "application/json"
    Webhook(secret).verify(second.body, second.headers)
    tries = db.scalars(select(WebhookAttempt).order_by(WebhookAttempt.id)).all()
    assert [(t.status_code, t.error) for t in tries] == [(500, "HTTP 500"), (200, None)]


def test_delivery_time_check_refuses_a_name_that_now_resolves_internally(
    build: Any,
    session_factory: SessionFactory,
    settings: Settings,
    receiver: Receiver,
    resolver: Any,
    dns: dict[str, list[str]],
    db: Session,
) -> None:
    """DNS rebinding: public when saved, 127.0.0.1 when sending; nothing reaches the receiver."""
    hooked(build, receiver)
    put(session_factory, "blick")
    strict = settings.model_copy(update={"webhooks_allow_private": False})
    InProcessWorker(session_factory, strict, resolve=resolver).drain()
    delivery = db.scalars(select(WebhookDelivery)).one()
    assert delivery.status == "pending" and delivery.attempts == 1
    assert delivery.last_error is not None and "refused" in delivery.last_error
    assert "127.0.0.1" in delivery.last_error and receiver.calls == []
    dns["cms.example"] = ["10.0.0.8"]
    assert not tasks.deliver_webhook(session_factory, delivery.id, strict, resolve=resolver)
    assert receiver.calls == []


def test_redirects_are_not_followed(
    build: Any,
    session_factory: SessionFactory,
    worker: InProcessWorker,
    receiver: Receiver,
    db: Session,
) -> None:
    hooked(build, receiver)
    receiver.statuses = [302]
    put(session_factory, "blick")
    worker.drain(reconcile_first=True, max_jobs=2)  # summarize, one delivery try
    assert [c.path for c in receiver.calls] == ["/blick"]
    delivery = db.scalars(select(WebhookDelivery)).one()
    assert delivery.last_error == "HTTP 302 (redirects are not followed)"
