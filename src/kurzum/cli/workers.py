"""The scale-out commands: ``worker``, ``import``, ``backfill``, ``reconcile``, ``retry``.

Thin adapters: the settings are read once per command and passed down; the logic lives in
:mod:`kurzum.archive` and :mod:`kurzum.workers`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from sqlalchemy.exc import SQLAlchemyError

from kurzum.cli.database import open_database, parse_time
from kurzum.cli.errors import EXIT_INTERRUPTED, stderr
from kurzum.errors import InputError
from kurzum.settings import Settings, get_settings

# Celery and the archive code load inside the commands that use them: ``kurzum serve`` and the
# admin commands share this CLI and must not pay for Celery's import at every start.


class Via(StrEnum):
    """Who summarizes: Celery workers, this process, or what the settings say."""

    auto = "auto"
    celery = "celery"
    inprocess = "inprocess"


ViaOption = Annotated[
    Via,
    typer.Option(
        help="celery: send to `kurzum worker`s; inprocess: summarize here; "
        "auto: celery unless KURZUM_WORKER=thread (the embedded default)."
    ),
]


def _use_celery(via: Via, settings: Settings) -> bool:
    if via is Via.auto:
        return settings.worker != "thread"
    return via is Via.celery


@contextmanager
def _interruptible(what: str) -> Iterator[None]:
    """Ctrl-C ends with a one-line note (the work done so far is committed) and exit 130."""
    try:
        yield
    except KeyboardInterrupt:
        stderr().print(f"interrupted: {what}; run the same command again to continue")
        raise typer.Exit(EXIT_INTERRUPTED) from None


def _progress(console: Console, *columns: Any) -> Progress:
    return Progress(
        *columns,
        BarColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not console.is_terminal,
        transient=False,
    )


def worker(
    concurrency: Annotated[int | None, typer.Option(help="Processes (default: CPU count).")] = None,
    pool: Annotated[str, typer.Option(help="prefork, solo or threads.")] = "prefork",
    queues: Annotated[str, typer.Option(help="Queues to consume, in priority order.")] = (
        "kurzum.live,kurzum.backfill"
    ),
    loglevel: Annotated[str, typer.Option(help="Celery log level.")] = "INFO",
    hostname: Annotated[str | None, typer.Option(help="Worker name (default: Celery's).")] = None,
    reconcile: Annotated[bool, typer.Option(help="Run the periodic reconciler here too.")] = True,
) -> None:
    """Start a Celery worker (broker: KURZUM_BROKER_URL, Redis by default, RabbitMQ supported)."""
    from kurzum.logs import configure_logging
    from kurzum.workers.celery_app import make_celery, signals, worker_argv
    from kurzum.workers.celery_tasks import CeleryDispatcher, ReconcileLoop, task_request_ids
    from kurzum.workers.reconcile import rewake_failed

    settings = get_settings()
    settings.check_usable(celery=True)
    app = make_celery(settings)
    context = app.conf.kurzum_context
    loops: list[ReconcileLoop] = []

    def setup_logging(**_: Any) -> None:  # instead of Celery's own logging setup
        configure_logging(settings.log_format, settings.log_level)
        logging.getLogger("celery").setLevel(loglevel.upper())

    def start_reconcile(**_: Any) -> None:
        factory = open_database(settings)
        dispatcher = CeleryDispatcher(app)
        try:
            rewake_failed(factory, dispatcher, settings)
        except SQLAlchemyError as exc:
            logging.getLogger(__name__).warning("re-waking failed articles failed: %s", exc)
        if reconcile:
            loop = ReconcileLoop(factory, dispatcher, settings)
            loop.start()
            loops.append(loop)

    def stop_reconcile(**_: Any) -> None:
        for loop in loops:
            loop.stop()
        context.stop()  # this process's heartbeat row goes: its leases are free at once

    signals.setup_logging.connect(setup_logging, weak=False)
    signals.worker_ready.connect(start_reconcile, weak=False)
    signals.worker_shutdown.connect(stop_reconcile, weak=False)
    signals.worker_process_shutdown.connect(lambda **_: context.stop(), weak=False)
    task_request_ids()
    argv = worker_argv(
        concurrency=concurrency,
        pool=pool,
        loglevel=loglevel,
        hostname=hostname,
        queues=tuple(q for q in queues.split(",") if q),
    )
    app.worker_main(argv)


def import_(
    path: Annotated[Path, typer.Argument(help="A .jsonl file or a directory of them.")],
    publication: Annotated[str, typer.Option(help="Slug of the publication to import into.")],
    batch_size: Annotated[int | None, typer.Option(help="Articles per transaction.")] = None,
    wait: Annotated[bool, typer.Option(help="Wait until every article is summarized.")] = False,
    timeout: Annotated[float, typer.Option(help="Seconds --wait waits at most.")] = 3600.0,
    via: ViaOption = Via.auto,
) -> None:
    """Import an archive (JSONL in the bulk API's or the dev-data schema), resumably."""
    from kurzum.archive import importer
    from kurzum.archive.sinks import make_sink

    settings = get_settings()
    factory = open_database(settings)
    sink = make_sink(settings, factory, celery=_use_celery(via, settings))
    console = stderr()
    size = importer.total_bytes(path)
    with (
        _interruptible("each finished batch is stored"),
        _progress(
            console, TextColumn("importing"), DownloadColumn(), TextColumn("{task.fields[note]}")
        ) as bar,
    ):
        task = bar.add_task("import", total=size, note="")

        def show(stats: importer.ImportStats) -> None:
            bar.update(
                task,
                completed=stats.bytes_read,
                note=f"{stats.stored} stored, {stats.unchanged} unchanged, {stats.failed} rejected",
            )

        stats = importer.import_archive(
            path,
            publication=publication,
            session_factory=factory,
            sink=sink,
            batch_size=batch_size or settings.import_batch_size,
            on_progress=show,
        )
    for file, bad in stats.errors:
        who = f" ({bad.external_id})" if bad.external_id else ""
        console.print(f"rejected {file}:{bad.line}{who}: {bad.error}", markup=False)
    console.print(
        f"imported {stats.lines} records: {stats.created} new, {stats.updated} "
        f"updated, {stats.unchanged} unchanged, {stats.failed} rejected"
    )
    if wait:
        with (
            _interruptible("the import is complete; summaries continue in the workers"),
            _progress(console, TextColumn("summarizing"), MofNCompleteColumn()) as bar,
        ):
            task = bar.add_task("wait", total=None)
            state = importer.wait_for_summaries(
                factory,
                sink,
                article_ids=stats.sent,
                timeout=timeout,
                reconcile_seconds=settings.reconcile_seconds,
                on_progress=lambda p: bar.update(task, total=p.total, completed=p.ready + p.failed),
            )
        console.print(
            f"summaries: {state.ready} ready, {state.failed} failed, {state.pending} pending"
        )
    if stats.failed:
        raise typer.Exit(2)


def backfill(
    publication: Annotated[list[str], typer.Option(help="Publication slug (repeatable).")],
    since: Annotated[str | None, typer.Option(help="Articles published from (ISO date).")] = None,
    until: Annotated[str | None, typer.Option(help="Articles published before (ISO date).")] = (
        None
    ),
    before: Annotated[
        str | None,
        typer.Option(
            help="Only summaries made before this time (default: now; reuse it to resume)."
        ),
    ] = None,
    rate: Annotated[float | None, typer.Option(help="Articles per second at most.")] = None,
    window: Annotated[int | None, typer.Option(help="Backfill tasks waiting at most.")] = None,
    include_reviewed: Annotated[
        bool, typer.Option(help="Also replace summaries an editor approved.")
    ] = False,
    limit: Annotated[int | None, typer.Option(help="Stop after this many articles.")] = None,
    via: ViaOption = Via.auto,
) -> None:
    """Re-summarize an existing archive, rate-limited and below live articles in priority."""
    from kurzum.archive.backfill import BackfillPlan, BackfillStats, run_backfill
    from kurzum.archive.sinks import make_sink

    settings = get_settings()
    cutoff = parse_time(before, "--before") or datetime.now(UTC)
    plan = BackfillPlan(
        publications=publication,
        before=cutoff,
        since=parse_time(since, "--since"),
        until=parse_time(until, "--until"),
        rate=rate or settings.backfill_rate,
        window=window or settings.backfill_window,
        include_reviewed=include_reviewed,
        limit=limit,
    )
    factory = open_database(settings)
    sink = make_sink(settings, factory, celery=_use_celery(via, settings))
    console = stderr()
    console.print(
        f"backfill of summaries made before {cutoff.isoformat()} "
        f"(to resume: --before {cutoff.isoformat()})"
    )
    with (
        _interruptible("sent articles are summarized by the workers"),
        _progress(console, TextColumn("backfill"), TextColumn("{task.fields[note]}")) as bar,
    ):
        task = bar.add_task("backfill", total=None, note="")

        def show(stats: BackfillStats) -> None:
            bar.update(task, note=f"{stats.sent} sent, {stats.rate:.1f}/s")

        stats = run_backfill(plan, session_factory=factory, sink=sink, on_progress=show)
    console.print(f"backfill sent {stats.sent} articles in {stats.seconds:.1f} s")


def reconcile(
    via: ViaOption = Via.auto,
) -> None:
    """Send every article whose summary is missing or stale (and due webhooks) to the workers."""
    from kurzum.workers.celery_app import make_celery
    from kurzum.workers.celery_tasks import CeleryDispatcher, reconcile_leased
    from kurzum.workers.inprocess import InProcessWorker

    settings = get_settings()
    factory = open_database(settings)
    if _use_celery(via, settings):
        count = reconcile_leased(factory, CeleryDispatcher(make_celery(settings)), settings)
        stderr().print(
            f"sent {count.articles} articles and {count.webhooks} webhooks "
            f"({count.repaired} repaired)"
        )
        return
    with _interruptible("finished tasks are stored"):
        done = InProcessWorker(factory, settings).drain(reconcile_first=True)
    stderr().print(f"ran {done} tasks in this process")


def retry(
    article: Annotated[
        list[int] | None, typer.Argument(help="Article ids to retry (see the failures list).")
    ] = None,
    publication: Annotated[
        str | None, typer.Option(help="Retry every failed article of this publication.")
    ] = None,
    via: ViaOption = Via.auto,
) -> None:
    """Retry failed articles once their cause is fixed: the given ones or all of a publication."""
    from kurzum.storage import articles as repo
    from kurzum.storage import audit, jobs
    from kurzum.storage.db import session_scope

    if not article and publication is None:
        raise InputError("name article ids or --publication")
    settings = get_settings()
    factory = open_database(settings)
    with session_scope(factory) as session:
        pub_id = repo.get_publication(session, publication).id if publication else None
        woken = jobs.retry_failed(
            session, article_ids=article or None, publication_id=pub_id, actor=audit.Actor("cli")
        )
    if not woken:
        stderr().print("no failed articles to retry")
        return
    if _use_celery(via, settings):
        from kurzum.workers.celery_app import make_celery
        from kurzum.workers.celery_tasks import CeleryDispatcher

        CeleryDispatcher(make_celery(settings)).summarize_many(woken)
        stderr().print(f"sent {len(woken)} failed articles to the workers again")
        return
    from kurzum.workers.inprocess import InProcessWorker

    worker = InProcessWorker(factory, settings)
    worker.summarize_many(woken)
    with _interruptible("finished tasks are stored"):
        worker.drain(reconcile_first=False)
    stderr().print(f"retried {len(woken)} failed articles in this process")


def register(app: typer.Typer) -> None:
    """Attach the scale-out commands to the ``kurzum`` CLI."""
    app.command()(worker)
    app.command("import")(import_)
    app.command()(backfill)
    app.command()(reconcile)
    app.command()(retry)
