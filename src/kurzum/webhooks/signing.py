"""Standard Webhooks signatures (https://www.standardwebhooks.com): ``webhook-id``,
``webhook-timestamp`` and ``webhook-signature: v1,<base64 HMAC-SHA256(id.timestamp.body)>``.

Secrets kurzum generates look like ``whsec_<base64 of 32 random bytes>``; the HMAC key is the
decoded bytes, exactly as the ``standardwebhooks`` libraries read it. An older secret without
the prefix is used as its UTF-8 bytes (verify it as ``whsec_`` + base64 of those bytes).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

from kurzum.errors import InputError

SECRET_PREFIX = "whsec_"
ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"


def new_secret() -> str:
    """A fresh signing secret, ``whsec_`` + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def new_message_id() -> str:
    """A webhook-id: unique per event, the same on every retry (the receiver's idempotency key)."""
    return "msg_" + secrets.token_urlsafe(18)


def secret_key(secret: str) -> bytes:
    """The HMAC key of a stored secret; InputError when a ``whsec_`` secret is not base64."""
    if secret.startswith(SECRET_PREFIX):
        try:
            key = base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
        except (binascii.Error, ValueError) as exc:
            raise InputError("a whsec_ webhook secret must be base64 after the prefix") from exc
        if len(key) < 16:
            raise InputError("a webhook secret must hold at least 16 bytes")
        return key
    if len(secret) < 1:
        raise InputError("the webhook secret is empty")
    return secret.encode("utf-8")


def check_secret(secret: str) -> str:
    """``secret`` when usable for signing (a ``whsec_`` one must decode), else InputError."""
    secret_key(secret)
    return secret


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value: ``v1,`` + base64 HMAC-SHA256 of ``id.timestamp.body``."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def headers(
    secret: str, message_id: str, timestamp: int, body: bytes, *, user_agent: str
) -> dict[str, str]:
    """Every header of one delivery attempt (the timestamp is the attempt's time)."""
    return {
        "Content-Type": "application/json",
        "User-Agent": user_agent,
        ID_HEADER: message_id,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(secret, message_id, timestamp, body),
    }
