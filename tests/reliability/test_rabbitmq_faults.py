"""The same SIGKILL test on RabbitMQ, the other supported broker: AMQP requeues the killed
worker's unacknowledged message as soon as its connection drops."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reliability.svc_support import (
    Cluster,
    PrivatePostgres,
    assert_exactly_one_current_summary,
    make_cluster,
    running_workers,
    summaries_made,
    wait_until,
)

pytestmark = [pytest.mark.postgres, pytest.mark.rabbitmq, pytest.mark.slow]

ARTICLES = 300
VHOST = "kurzum_test"


def _vhost() -> str:
    """A vhost of our own when rabbitmqctl may create it, else the default one."""
    ctl = shutil.which("rabbitmqctl")
    if ctl is None:
        return ""
    try:
        subprocess.run([ctl, "add_vhost", VHOST], capture_output=True, timeout=30, check=False)
        subprocess.run(
            [ctl, "set_permissions", "-p", VHOST, "guest", ".*", ".*", ".*"],
            capture_output=True,
            timeout=30,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return VHOST


@pytest.fixture(scope="module")
def amqp_url() -> str:
    try:
        socket.create_connection(("127.0.0.1", 5672), timeout=2).close()
    except OSError:
        pytest.skip("RabbitMQ not reachable at 127.0.0.1:5672")
    return f"amqp://guest:guest@127.0.0.1:5672/{_vhost()}"


@pytest.fixture
def rabbit_cluster(private_pg: PrivatePostgres, amqp_url: str, tmp_path: Path) -> Iterator[Cluster]:
    cluster = make_cluster(private_pg.create_database(), amqp_url, tmp_path)
    cluster.dispatcher().app.control.purge()  # leftovers of an earlier, interrupted run
    yield cluster
    cluster.engine.dispose()


def test_sigkill_one_worker_mid_run_on_rabbitmq(rabbit_cluster: Cluster) -> None:
    cluster = rabbit_cluster
    with running_workers(cluster.env, cluster.tmp, 2) as workers:
        assert cluster.import_articles(ARTICLES) == ARTICLES
        wait_until(
            lambda: summaries_made(cluster.session_factory) >= 50, 120, "the workers to get going"
        )
        workers.kill(0)
        assert summaries_made(cluster.session_factory) < ARTICLES, "nothing was tested"
        try:
            wait_until(
                lambda: summaries_made(cluster.session_factory) >= ARTICLES,
                180,
                "the surviving worker to finish every article",
            )
            time.sleep(3)
        except AssertionError:
            pytest.fail(
                f"{summaries_made(cluster.session_factory)} of {ARTICLES} summarized; "
                f"worker logs:\n{workers.logs()}"
            )
    assert_exactly_one_current_summary(cluster.session_factory, ARTICLES)
