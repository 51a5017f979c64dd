"""Fixtures of the fault tests: private PostgreSQL and Redis, a migrated database, worker env."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reliability.svc_support import (
    REDIS_SERVER,
    Cluster,
    PrivatePostgres,
    PrivateRedis,
    make_cluster,
    postgres_unavailable,
)


@pytest.fixture(scope="session")
def private_pg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivatePostgres]:
    reason = postgres_unavailable()
    if reason:
        pytest.skip(reason)
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed (pip install 'kurzum[postgres]')")
    # Not under pytest's tmp dir: that one is private to root, and the cluster runs as postgres.
    root = Path(tempfile.mkdtemp(prefix="kurzum-pg-"))
    cluster = PrivatePostgres(root)
    cluster.init()
    try:
        yield cluster
    finally:
        if cluster.running():
            cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed")
    server = PrivateRedis(tmp_path / "redis")
    server.start()
    try:
        yield server
    finally:
        server.kill()


@pytest.fixture
def redis_cluster(
    private_pg: PrivatePostgres, private_redis: PrivateRedis, tmp_path: Path
) -> Iterator[Cluster]:
    """PostgreSQL + Redis, both private to the test session."""
    cluster = make_cluster(private_pg.create_database(), private_redis.url, tmp_path)
    yield cluster
    cluster.engine.dispose()
