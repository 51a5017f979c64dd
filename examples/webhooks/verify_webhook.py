"""Receive a kurzum webhook in Python: verify it with the standardwebhooks library
(pip install standardwebhooks), then act on it once per webhook-id."""

from typing import Any

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError


def handle(
    body: bytes, headers: dict[str, str], secret: str, seen: set[str]
) -> dict[str, Any] | None:
    """The verified event, or None for a retry already handled.

    Raises WebhookVerificationError for a bad signature or an old message: answer 400."""
    event: dict[str, Any] = Webhook(secret).verify(body, headers)  # signature and age (5 min)
    message_id = {k.lower(): v for k, v in headers.items()}["webhook-id"]
    if message_id in seen:  # kurzum retries until it gets a 2xx: answer 200 again, do nothing
        return None
    seen.add(message_id)
    return event


__all__ = ["WebhookVerificationError", "handle"]
