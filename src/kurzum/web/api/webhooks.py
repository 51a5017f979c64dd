"""Admin API for a publication's webhooks: delivery log, "send test event", new secret.

The address check of a webhook URL (SSRF) at save time is :func:`check_webhook_url`, used by
the admin API and the admin pages alike.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from kurzum.settings import Settings
from kurzum.storage import articles as repo
from kurzum.storage import outbox
from kurzum.storage.outbox import LogEntry
from kurzum.web.deps import AdminLogin, DispatcherDep, SessionDep
from kurzum.web.errors import ERROR_RESPONSES
from kurzum.web.schemas import (
    Slug,
    WebhookAttemptOut,
    WebhookDeliveryOut,
    WebhookSecretOut,
)
from kurzum.webhooks.signing import new_secret
from kurzum.webhooks.targets import Resolver, check_url

router = APIRouter(prefix="/api/v1/admin", tags=["admin"], responses=ERROR_RESPONSES)


async def get_resolver(request: Request) -> Resolver:
    """The resolver of webhook address checks (create_app's; tests inject their own)."""
    resolver: Resolver = request.app.state.resolver
    return resolver


ResolverDep = Annotated[Resolver, Depends(get_resolver)]


def check_webhook_url(url: str | None, settings: Settings, resolve: Resolver) -> None:
    """Refuse a webhook URL that resolves to an internal address (InputError -> 422)."""
    if url:
        check_url(url, allow_private=settings.webhooks_allow_private, resolve=resolve)


def delivery_out(entry: LogEntry) -> WebhookDeliveryOut:
    """A delivery log row."""
    d = entry.delivery
    return WebhookDeliveryOut(
        id=d.id,
        message_id=d.message_id,
        event=d.event,
        status=d.status,
        attempts=d.attempts,
        created_at=d.created_at,
        next_attempt_at=d.next_attempt_at if d.status == "pending" else None,
        delivered_at=d.delivered_at,
        last_error=d.last_error,
        tries=[
            WebhookAttemptOut(
                at=a.at, status_code=a.status_code, error=a.error, duration_ms=a.duration_ms
            )
            for a in entry.attempts
        ],
    )


@router.get("/publications/{slug}/webhooks/deliveries", summary="Webhook delivery log")
def deliveries(
    slug: Annotated[Slug, Path()],
    login: AdminLogin,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[WebhookDeliveryOut]:
    """The latest deliveries, newest first, each with its last five tries and next retry."""
    pub = repo.get_publication(session, slug)
    return [delivery_out(e) for e in outbox.delivery_log(session, pub, limit=limit)]


@router.post("/publications/{slug}/webhooks/test", status_code=202, summary="Send a test event")
def send_test(
    slug: Annotated[Slug, Path()],
    login: AdminLogin,
    session: SessionDep,
    dispatcher: DispatcherDep,
) -> WebhookDeliveryOut:
    """Queue a signed ``webhook.test`` event; its result shows in the delivery log."""
    pub = repo.get_publication(session, slug)
    delivery = outbox.ping(session, pub)
    session.commit()
    dispatcher.webhook(delivery.id)
    return delivery_out(LogEntry(delivery, []))


@router.post("/publications/{slug}/webhooks/secret", status_code=201, summary="New webhook secret")
def rotate_secret(
    slug: Annotated[Slug, Path()], login: AdminLogin, session: SessionDep, response: Response
) -> WebhookSecretOut:
    """A new ``whsec_`` signing secret, in this answer only; the old one stops at once."""
    pub = repo.get_publication(session, slug)
    secret = new_secret()
    repo.update_publication(session, pub, webhook_secret=secret)
    session.commit()
    response.headers["Cache-Control"] = "no-store"
    return WebhookSecretOut(webhook_secret=secret)
