"""Operator endpoints and logs: /healthz, /readyz, /metrics, request ids, JSON lines, and the
editor's retry of failed articles (issue 16)."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.orm import Session

from kurzum.logs import configure_logging
from kurzum.settings import Settings
from kurzum.storage import jobs
from kurzum.storage.db import SessionFactory, make_engine, make_session_factory, upgrade
from kurzum.storage.tables import Article
from kurzum.web.app import create_app
from tests.web.conftest import World

TOKEN = "scrape-me-0123456789"


@pytest.fixture
def logs() -> Iterator[io.StringIO]:
    """JSON lines of every logger, in memory (the root logger is put back afterwards)."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level, logging.getLogger("kurzum").level)
    stream = io.StringIO()
    configure_logging("json", "INFO", stream=stream)
    yield stream
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in saved[0]:
        root.addHandler(handler)
    root.setLevel(saved[1])
    logging.getLogger("kurzum").setLevel(saved[2])


def test_healthz_is_alive_and_readyz_checks_database_and_migrations(
    client: TestClient, tmp_path: Path, settings: Settings
) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "checks": {"database": "ok", "migrations": "ok"}}
    old = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    upgrade(old, "0001")
    with TestClient(create_app(settings, session_factory=make_session_factory(old))) as stale:
        answer = stale.get("/readyz")
        assert answer.status_code == 503
        assert answer.json()["checks"]["migrations"].startswith("schema at 0001")
        assert stale.get("/healthz").status_code == 200
    old.dispose()


def test_readyz_reports_an_unreachable_broker(
    settings: Settings, session_factory: SessionFactory
) -> None:
    down = settings.model_copy(update={"worker": "celery", "broker_url": "redis://127.0.0.1:1/0"})
    app = create_app(down, session_factory=session_factory)
    with TestClient(app) as client:
        answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["checks"] == {
        "database": "ok",
        "migrations": "ok",
        "broker": "unavailable",
    }


def test_metrics_need_the_token_and_count_from_the_database(
    world: World, settings: Settings, session_factory: SessionFactory, db: Session
) -> None:
    world.summarized("m1", premium=False)
    article = db.scalar(select(Article).where(Article.external_id == "m1"))
    assert article is not None
    jobs.job_failed(db, article, "x", max_attempts=5, base_seconds=0)
    db.commit()
    world.client.get("/api/v1/reader/publications/blick/articles/m1/summary")
    # Without a token only loopback clients may scrape; the test client is not one.
    assert world.client.get("/metrics").status_code == 403
    guarded = settings.model_copy(update={"metrics_token": SecretStr(TOKEN)})
    with TestClient(create_app(guarded, session_factory=session_factory)) as client:
        client.get("/api/v1/reader/publications/blick/articles/m1/summary")
        assert client.get("/metrics").status_code == 401
        wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        answer = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    body = answer.text
    assert 'kurzum_summaries_total{method="extractive",state="published"} 1.0' in body
    assert "kurzum_summary_failures_total 1.0" in body
    assert 'kurzum_articles{status="pending"} 1.0' in body
    assert 'kurzum_llm_tokens_total{kind="prompt"} 0.0' in body
    assert "kurzum_llm_fallbacks_total 0.0" in body
    assert 'kurzum_webhook_deliveries{status="pending"}' in body
    assert "kurzum_workers_alive 0.0" in body
    route = "/api/v1/reader/publications/{publication}/articles/{external_id}/summary"
    assert f'route="{route}"' in body, body
    assert "articles/m1/summary" not in body  # templates, never raw paths


def test_every_request_has_an_id_on_its_log_lines(
    world: World, logs: io.StringIO, settings: Settings, session_factory: SessionFactory
) -> None:
    given = world.client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert given.headers["X-Request-ID"] == "abc-123"
    made = world.client.get("/healthz", headers={"X-Request-ID": "bad id\nwith newline"})
    assert made.headers["X-Request-ID"] != "bad id\nwith newline"
    assert len(made.headers["X-Request-ID"]) == 32
    logging.getLogger("kurzum.test").info("outside a request")
    world.put("logged", premium=False)
    world.client.app.state.worker.drain()  # type: ignore[attr-defined]
    lines = [json.loads(line) for line in logs.getvalue().splitlines()]
    assert lines, "nothing was logged"
    assert {"time", "level", "logger", "message", "request_id"} <= set(lines[0])
    assert any(x["message"] == "outside a request" and x["request_id"] == "-" for x in lines)


def test_a_request_id_reaches_lines_logged_inside_the_request(
    world: World, logs: io.StringIO, db: Session
) -> None:
    world.summarized("r1", premium=False)
    article = db.scalar(select(Article).where(Article.external_id == "r1"))
    assert article is not None
    jobs.job_failed(db, article, "x", max_attempts=1, base_seconds=0)
    db.commit()
    csrf = _editor(world)
    answer = world.client.post(
        f"/api/v1/editor/failures/{article.id}/retry",
        headers={"X-CSRF-Token": csrf, "X-Request-ID": "retry-42"},
    )
    assert answer.status_code == 200, answer.text
    lines = [json.loads(line) for line in logs.getvalue().splitlines()]
    assert any(x["request_id"] == "retry-42" for x in lines), lines


def _editor(world: World) -> str:
    login = world.client.post(
        "/api/v1/auth/login",
        json={"email": "editor@example.org", "password": "correct horse battery"},
    )
    assert login.status_code == 200, login.text
    token: str = login.json()["csrf_token"]
    return token


def test_editor_retries_one_and_all_of_a_publication(world: World, db: Session) -> None:
    for name in ("e1", "e2"):
        world.summarized(name, premium=False)
    ids = list(db.scalars(select(Article.id).order_by(Article.id)))
    for article in db.scalars(select(Article)):
        article.status, article.error, article.attempts = "failed", "LLM down", 5
        article.failed_at = article.modified_at
    db.commit()
    csrf = _editor(world)
    listed = world.client.get("/api/v1/editor/failures").json()
    assert {f["external_id"] for f in listed} == {"e1", "e2"} and listed[0]["failed_at"]
    one = world.client.post(
        f"/api/v1/editor/failures/{ids[0]}/retry", headers={"X-CSRF-Token": csrf}
    )
    assert one.json() == {"retried": 1, "article_ids": [ids[0]]}
    again = world.client.post(
        f"/api/v1/editor/failures/{ids[0]}/retry", headers={"X-CSRF-Token": csrf}
    )
    assert again.status_code == 404
    every = world.client.post(
        "/api/v1/editor/failures/retry",
        json={"publication": "blick"},
        headers={"X-CSRF-Token": csrf},
    )
    assert every.json() == {"retried": 1, "article_ids": [ids[1]]}
    unknown = world.client.post(
        "/api/v1/editor/failures/retry",
        json={"publication": "nope"},
        headers={"X-CSRF-Token": csrf},
    )
    assert unknown.status_code == 404
    no_csrf = world.client.post(f"/api/v1/editor/failures/{ids[0]}/retry")
    assert no_csrf.status_code == 403
    world.worker.drain()
    db.expire_all()
    assert set(db.scalars(select(Article.status))) == {"ready"}


def test_failures_page_has_retry_buttons(world: World, db: Session) -> None:
    world.summarized("p1", premium=False)
    article = db.scalar(select(Article))
    assert article is not None
    jobs.job_failed(db, article, "LLMTransportError: down", max_attempts=1, base_seconds=0)
    db.commit()
    _editor(world)
    page = world.client.get("/editor/failures")
    assert page.status_code == 200
    assert "LLMTransportError: down" in page.text
    assert f'action="/editor/failures/{article.id}/retry"' in page.text
    token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    done = world.client.post(
        f"/editor/failures/{article.id}/retry", data={"csrf_token": token}, follow_redirects=False
    )
    assert done.status_code == 303 and done.headers["location"] == "/editor/failures?done=1"
    db.refresh(article)
    assert article.status == "pending"
