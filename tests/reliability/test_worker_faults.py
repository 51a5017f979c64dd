"""Faults mid-run with real PostgreSQL, Redis and two Celery worker processes: nothing is lost,
nothing is summarized twice (issue 6)."""

from __future__ import annotations

import time

import pytest

from tests.reliability.svc_support import (
    Cluster,
    PrivateRedis,
    assert_exactly_one_current_summary,
    running_workers,
    summaries_made,
    wait_until,
)

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]

ARTICLES = 1000
DRAIN_SECONDS = 240


def test_sigkill_one_worker_mid_run(redis_cluster: Cluster) -> None:
    cluster = redis_cluster
    with running_workers(cluster.env, cluster.tmp, 2) as workers:
        assert cluster.import_articles(ARTICLES) == ARTICLES
        wait_until(
            lambda: summaries_made(cluster.session_factory) >= 150, 120, "the workers to get going"
        )
        workers.kill(0)
        killed_at = summaries_made(cluster.session_factory)
        assert killed_at < ARTICLES, "the run was over before the kill; nothing was tested"
        try:
            wait_until(
                lambda: summaries_made(cluster.session_factory) >= ARTICLES,
                DRAIN_SECONDS,
                "the surviving worker to finish every article",
            )
            time.sleep(2 * 2.0)  # a late duplicate delivery would show up now
        except AssertionError:
            pytest.fail(
                f"{summaries_made(cluster.session_factory)} of {ARTICLES} summarized; "
                f"worker logs:\n{workers.logs()}"
            )
        assert workers.procs[1].poll() is None, "the surviving worker died too"
    assert_exactly_one_current_summary(cluster.session_factory, ARTICLES)


def test_broker_restart_mid_run(redis_cluster: Cluster, private_redis: PrivateRedis) -> None:
    """Redis runs without persistence: a restart drops every queued message; the reconciler
    (the database is the source of truth) must send them again."""
    cluster = redis_cluster
    with running_workers(cluster.env, cluster.tmp, 2) as workers:
        assert cluster.import_articles(ARTICLES) == ARTICLES
        wait_until(
            lambda: summaries_made(cluster.session_factory) >= 150, 120, "the workers to get going"
        )
        private_redis.kill()
        lost_at = summaries_made(cluster.session_factory)
        time.sleep(2)
        private_redis.start()  # same port, empty
        assert lost_at < ARTICLES, "the run was over before the restart; nothing was tested"
        try:
            wait_until(
                lambda: summaries_made(cluster.session_factory) >= ARTICLES,
                DRAIN_SECONDS,
                "the workers to recover every article",
            )
            time.sleep(4)
        except AssertionError:
            pytest.fail(
                f"{summaries_made(cluster.session_factory)} of {ARTICLES} summarized; "
                f"worker logs:\n{workers.logs()}"
            )
        assert all(p.poll() is None for p in workers.procs), workers.logs()
    assert_exactly_one_current_summary(cluster.session_factory, ARTICLES)
