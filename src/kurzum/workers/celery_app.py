"""The Celery application of the scale-out deployment: ``make_celery(settings)``.

Delivery rules, chosen so that no accepted article is lost and none is summarized twice:

* ``task_acks_late`` + ``task_reject_on_worker_lost``: a message is acknowledged only after its
  task finished, so a worker killed mid-task (SIGKILL, OOM, power) leaves it to be redelivered;
  the task is idempotent (article id + content hash), so a redelivery never adds a version.
* ``worker_prefetch_multiplier = 1``: a worker holds at most one message it is not yet running,
  so a dead worker strands at most that one (and long tasks do not block short ones).
* Redis keeps unacknowledged messages aside and restores them after ``visibility_timeout``
  (``broker_visibility_timeout``); RabbitMQ requeues them as soon as the connection drops.
* Two queues: ``kurzum.live`` (new and changed articles) and ``kurzum.backfill`` (archive
  re-summarization). Workers consume live first (Redis ``queue_order_strategy=priority``), and
  the backfill producer keeps its queue short (``backfill_window``), so live work never waits
  behind an archive.
* The broker is only a wake-up: the reconciler re-enqueues whatever the database says is missing,
  so a broker that loses its messages (Redis restarted without persistence) loses no work.
"""

from __future__ import annotations

from typing import Any

from kurzum.errors import ConfigError
from kurzum.settings import Settings
from kurzum.storage.db import SessionFactory
from kurzum.workers import CELERY_MISSING, celery_tasks
from kurzum.workers.celery_tasks import CeleryDispatcher, ReconcileLoop
from kurzum.workers.queues import (
    BACKFILL_QUEUE,
    BATCH_SIZE,
    IMPORT_BATCH_SIZE,
    LIVE_QUEUE,
    QUEUES,
    SUMMARIZE_BATCH_TASK,
    SUMMARIZE_TASK,
    WEBHOOK_TASK,
)

try:
    from celery import Celery, signals
    from kombu.entity import Queue
except ImportError as exc:  # a plain install: the embedded default needs no broker
    raise ConfigError(CELERY_MISSING) from exc

__all__ = [
    "BACKFILL_QUEUE",
    "BATCH_SIZE",
    "IMPORT_BATCH_SIZE",
    "LIVE_QUEUE",
    "QUEUES",
    "SUMMARIZE_BATCH_TASK",
    "SUMMARIZE_TASK",
    "WEBHOOK_TASK",
    "celery_config",
    "is_redis",
    "make_celery",
    "service_dispatcher",
    "signals",
    "transport_options",
    "worker_argv",
]


def is_redis(url: str) -> bool:
    """True for a Redis broker URL (redis://, rediss://, redis+socket://)."""
    return url.split(":", 1)[0] in {"redis", "rediss", "redis+socket"}


def transport_options(settings: Settings) -> dict[str, Any]:
    """Broker transport options: the Redis ones matter, AMQP ignores unknown keys."""
    if not is_redis(settings.broker_url):
        return {"confirm_publish": True}
    visibility = settings.broker_visibility_timeout
    return {
        "visibility_timeout": visibility,
        # Consume queues in the declared order: live before backfill.
        "queue_order_strategy": "priority",
        # Sweep for abandoned messages about every visibility_timeout / 2 (kombu >= 5.7), so a
        # killed worker's message comes back soon after it becomes eligible.
        "unacked_restore_interval": max(1, min(10, int(visibility // 2) or 1)),
        "unacked_restore_throttle": 1,
        "socket_timeout": 15,
        "socket_connect_timeout": 3,
        "health_check_interval": 10,
    }


def _queue(name: str) -> Queue:
    """A durable direct queue whose routing key is its name."""
    return Queue(name, routing_key=name)  # type: ignore[no-untyped-call]


def celery_config(settings: Settings) -> dict[str, Any]:
    """The complete Celery configuration for ``settings`` (a plain dict, easy to inspect)."""
    return {
        "broker_url": settings.broker_url,
        "broker_transport_options": transport_options(settings),
        "broker_connection_retry_on_startup": True,
        "broker_connection_max_retries": None,  # keep reconnecting while the broker restarts
        "broker_heartbeat": 10,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        # A task that raised was retried by its own policy first; acknowledge it then, its
        # failure is recorded in the database and the reconciler owns any further attempt.
        "task_acks_on_failure_or_timeout": True,
        "worker_prefetch_multiplier": 1,
        "worker_cancel_long_running_tasks_on_connection_loss": True,
        "worker_max_tasks_per_child": 10_000,  # bounds memory growth of long-lived processes
        "worker_hijack_root_logger": False,
        # No remote-control mailbox: kurzum never uses `celery inspect/control`, and the
        # mailbox's auto-delete queue made a broker restart flaky: on reconnect Celery closes
        # the old mailbox channel, kombu's Redis channel deletes the queue through the closed
        # connection (transport.client is None) and raises AttributeError "'NoneType' object
        # has no attribute 'hostname'" out of the consumer restart (kombu issue #582).
        "worker_enable_remote_control": False,
        "worker_send_task_events": False,
        "task_time_limit": settings.task_time_limit,
        "task_soft_time_limit": max(1.0, settings.task_time_limit - 10),
        "task_ignore_result": True,
        "result_backend": None,
        "task_serializer": "json",
        "accept_content": ["json"],
        "task_default_queue": LIVE_QUEUE,
        "task_queues": tuple(_queue(name) for name in QUEUES),
        "task_create_missing_queues": False,
        "task_publish_retry": True,
        # Short: a request that wakes a worker must not hang on a down broker; what is not
        # sent is sent again by the reconciler.
        "task_publish_retry_policy": {
            "max_retries": 2,
            "interval_start": 0,
            "interval_step": 0.5,
            "interval_max": 1,
        },
        "timezone": "UTC",
        "enable_utc": True,
    }


def make_celery(settings: Settings) -> Celery:
    """A Celery app for ``settings`` with kurzum's tasks registered (no import-time singleton)."""
    app = Celery("kurzum", set_as_current=False)
    app.conf.update(celery_config(settings))
    celery_tasks.register(app, settings)
    return app


def worker_argv(
    *,
    concurrency: int | None,
    pool: str,
    queues: tuple[str, ...] = QUEUES,
    loglevel: str = "INFO",
    hostname: str | None = None,
) -> list[str]:
    """The argument vector ``kurzum worker`` hands to ``Celery.worker_main``."""
    argv = [
        "worker",
        f"--loglevel={loglevel}",
        f"--pool={pool}",
        f"--queues={','.join(queues)}",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    if concurrency is not None:
        argv.append(f"--concurrency={concurrency}")
    if hostname:
        argv.append(f"--hostname={hostname}")
    return argv


def service_dispatcher(
    settings: Settings, session_factory: SessionFactory
) -> tuple[CeleryDispatcher, ReconcileLoop]:
    """What the web service uses with ``KURZUM_WORKER=celery``: a dispatcher to the workers and
    the periodic reconciler (started and stopped with the app)."""
    dispatcher = CeleryDispatcher(make_celery(settings))
    return dispatcher, ReconcileLoop(session_factory, dispatcher, settings)
