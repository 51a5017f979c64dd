"""kurzum's signatures verify with the standardwebhooks library (not with kurzum's own code)."""

from __future__ import annotations

import base64
import time

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from kurzum.errors import InputError
from kurzum.webhooks import signing

BODY = b'{"type":"webhook.test","version":1}'


def test_a_new_secret_signs_what_standardwebhooks_verifies() -> None:
    secret = signing.new_secret()
    assert secret.startswith("whsec_") and len(base64.b64decode(secret[6:])) == 32
    now = int(time.time())
    headers = signing.headers(secret, "msg_1", now, BODY, user_agent="kurzum-webhooks/0.1.0")
    assert headers["webhook-signature"].startswith("v1,")
    assert Webhook(secret).verify(BODY, headers) == {"type": "webhook.test", "version": 1}


def test_tampering_fails_verification() -> None:
    secret = signing.new_secret()
    headers = signing.headers(secret, "msg_1", int(time.time()), BODY, user_agent="ua")
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY.replace(b"1", b"2"), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(signing.new_secret()).verify(BODY, headers)
    with pytest.raises(WebhookVerificationError):  # the id is signed too
        Webhook(secret).verify(BODY, headers | {"webhook-id": "msg_2"})


def test_a_legacy_secret_is_its_utf8_bytes() -> None:
    legacy = "s3cret-s3cret-s3cret"
    headers = signing.headers(legacy, "msg_9", int(time.time()), BODY, user_agent="ua")
    as_whsec = "whsec_" + base64.b64encode(legacy.encode()).decode()
    assert Webhook(as_whsec).verify(BODY, headers)["version"] == 1


def test_a_malformed_whsec_secret_is_refused() -> None:
    with pytest.raises(InputError):
        signing.check_secret("whsec_not*base64!")
    with pytest.raises(InputError):
        signing.check_secret("whsec_" + base64.b64encode(b"short").decode())
