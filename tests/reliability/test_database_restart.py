"""PostgreSQL restarted mid-run: the service answers 503 while the database is down and
recovers without a restart; the workers lose and double nothing (issue 6)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select

from kurzum.storage.db import engine_of
from kurzum.storage.tables import Article
from kurzum.workers.celery_app import SUMMARIZE_BATCH_TASK, make_celery
from tests.reliability.svc_support import (
    Cluster,
    PrivatePostgres,
    Service,
    assert_exactly_one_current_summary,
    running_workers,
    summaries_made,
    unfinished_articles,
    wait_until,
)

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]

ARTICLES = 1000
FREE_ARTICLE = "a-00001"  # i % 3 != 0: free, so an anonymous reader gets its bullets
SUMMARY = f"/api/v1/reader/publications/blick/articles/{FREE_ARTICLE}/summary"


@pytest.fixture
def service(redis_cluster: Cluster) -> Iterator[Service]:
    svc = Service(redis_cluster.env, redis_cluster.tmp)
    svc.start()
    try:
        wait_until(
            lambda: httpx.get(f"{svc.base}/healthz", timeout=2).status_code == 200,
            30,
            "the service to start",
        )
        yield svc
    finally:
        svc.stop()


def test_what_a_task_stored_survives_a_database_crash_right_after_it(
    redis_cluster: Cluster, private_pg: PrivatePostgres
) -> None:
    """Worker commits skip the WAL flush; a crash loses the last of them. A task's summaries
    must be durable when it returns (its message is then acknowledged), or its articles stay
    claimed by a live worker with nothing left to redo them (the stall of issue 16)."""
    cluster = redis_cluster
    assert cluster.import_articles(25, prefix="d") == 25  # sent to Redis; no worker consumes
    with cluster.session_factory() as session:
        items = [[i, h] for i, h in session.execute(select(Article.id, Article.content_hash))]
    app = make_celery(cluster.settings)
    context = app.conf.kurzum_context
    try:
        outcomes = app.tasks[SUMMARIZE_BATCH_TASK].apply(args=(items,)).get(timeout=60)
        private_pg.crash_and_start()  # at once: what was not flushed is lost
        assert outcomes == {"created": 25}, outcomes
        assert summaries_made(cluster.session_factory) == 25, unfinished_articles(
            cluster.session_factory
        )
        assert_exactly_one_current_summary(cluster.session_factory, 25)
    finally:
        context.stop()
        engine_of(context.session_factory()).dispose()


def _status(client: httpx.Client, path: str) -> int:
    try:
        return client.get(path).status_code
    except httpx.HTTPError:
        return -1


# Above the sum of the test's own bounded waits (about 490 s at worst), so a stall fails with
# their message (counts, unfinished articles, worker logs), not with pytest-timeout's dump.
@pytest.mark.timeout(600)
def test_postgres_restart_mid_run(
    redis_cluster: Cluster, private_pg: PrivatePostgres, service: Service
) -> None:
    cluster = redis_cluster
    seen: Counter[int] = Counter()
    with (
        running_workers(cluster.env, cluster.tmp, 2) as workers,
        httpx.Client(base_url=service.base, timeout=5) as client,
    ):
        assert cluster.import_articles(ARTICLES) == ARTICLES
        wait_until(
            lambda: summaries_made(cluster.session_factory) >= 150, 120, "the workers to get going"
        )
        wait_until(lambda: client.get(SUMMARY).status_code == 200, 60, "the free summary")
        before = summaries_made(cluster.session_factory)
        private_pg.stop()
        try:
            deadline = time.monotonic() + 4
            while time.monotonic() < deadline:
                for path in (SUMMARY, "/readyz"):  # /healthz is liveness only
                    seen[_status(client, path)] += 1
                time.sleep(0.1)
            down = client.get(SUMMARY)
            assert down.status_code == 503, (down.status_code, down.text, service.logs())
            assert down.json()["error"]["code"], down.text
            assert "Retry-After" in down.headers
        finally:
            private_pg.start()
        assert before < ARTICLES, "the run was over before the restart; nothing was tested"
        assert set(seen) == {503}, f"answers while the database was down: {dict(seen)}"
        wait_until(
            lambda: client.get(SUMMARY).status_code == 200,
            30,
            "the service to answer again without a restart",
        )
        try:
            wait_until(
                lambda: summaries_made(cluster.session_factory) >= ARTICLES,
                120,
                "the workers to finish every article after the restart",
            )
            time.sleep(4)
        except AssertionError:
            pytest.fail(
                f"{summaries_made(cluster.session_factory)} of {ARTICLES} summarized; "
                f"{unfinished_articles(cluster.session_factory)}; "
                f"worker logs:\n{workers.logs()}"
            )
        assert all(p.poll() is None for p in workers.procs), workers.logs()
        assert service.proc is not None and service.proc.poll() is None
    assert_exactly_one_current_summary(cluster.session_factory, ARTICLES)
