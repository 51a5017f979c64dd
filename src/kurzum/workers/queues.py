"""Queue names, task names and message sizes of the Celery deployment, without importing Celery.

Shared by the tasks (:mod:`kurzum.workers.celery_tasks`) and the app that registers them
(:mod:`kurzum.workers.celery_app`), so those two do not import each other.
"""

from __future__ import annotations

LIVE_QUEUE = "kurzum.live"
BACKFILL_QUEUE = "kurzum.backfill"
QUEUES = (LIVE_QUEUE, BACKFILL_QUEUE)
SUMMARIZE_TASK = "kurzum.summarize"
SUMMARIZE_BATCH_TASK = "kurzum.summarize_batch"
BATCH_SIZE = 25  # articles per batch message: one read and one write transaction each
# `kurzum import`: larger messages, fewer transactions and broker round trips per article; two
# workers still share a 500-article import batch five messages at a time.
IMPORT_BATCH_SIZE = 100
WEBHOOK_TASK = "kurzum.webhook"
