"""The README's "Webhooks" section is true: its example payloads are what kurzum builds, and its
Python and Node verifiers accept a real delivery from kurzum and refuse a tampered one."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from standardwebhooks.webhooks import WebhookVerificationError

from kurzum.storage.db import SessionFactory
from kurzum.webhooks.events import EVENT_TYPES
from kurzum.webhooks.signing import new_secret
from kurzum.workers.inprocess import InProcessWorker

from .conftest import Call, Receiver
from .readme_examples import examples
from .test_delivery import put

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text("utf-8")
SECTION = README.split("## Webhooks", 1)[1].split("\n## ", 1)[0]
PYTHON_EXAMPLE = ROOT / "examples" / "webhooks" / "verify_webhook.py"
NODE_EXAMPLE = ROOT / "examples" / "webhooks" / "verify-webhook.mjs"


def test_readme_shows_the_example_files_verbatim() -> None:
    blocks = re.findall(r"<!-- example: (\S+) -->\n```\w+\n(.*?)```", SECTION, re.DOTALL)
    assert {path for path, _ in blocks} == {
        "examples/webhooks/verify_webhook.py",
        "examples/webhooks/verify-webhook.mjs",
    }
    for path, code in blocks:
        assert code == (ROOT / path).read_text("utf-8"), path


def test_readme_payloads_are_what_kurzum_sends() -> None:
    shown = {
        kind: json.loads(body)
        for kind, body in re.findall(r"#### `([\w.]+)`\n\n```json\n(.*?)```", SECTION, re.DOTALL)
    }
    assert set(shown) == set(EVENT_TYPES)
    assert shown == examples()
    for kind in EVENT_TYPES:
        assert f"| `{kind}` |" in SECTION, kind


@pytest.fixture
def delivery(
    build: Any, session_factory: SessionFactory, worker: InProcessWorker, receiver: Receiver
) -> tuple[str, Call]:
    """A real summary.published delivery from kurzum and the secret it was signed with."""
    secret = new_secret()
    build.publication(webhook_url=receiver.url("/hook", host="cms.example"), webhook_secret=secret)
    put(session_factory, "blick")
    worker.drain()
    (call,) = receiver.calls
    return secret, call


def _tampered(call: Call) -> bytes:
    return call.body.replace(b'"premium":true', b'"premium":false')


def test_the_python_example_verifies_a_real_delivery(delivery: tuple[str, Call]) -> None:
    secret, call = delivery
    spec = importlib.util.spec_from_file_location("verify_webhook", PYTHON_EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    seen: set[str] = set()
    event = module.handle(call.body, call.headers, secret, seen)
    assert event["type"] == "summary.published" and event["data"]["article"]["external_id"] == "a1"
    assert module.handle(call.body, call.headers, secret, seen) is None  # a retry: once only
    with pytest.raises(WebhookVerificationError):
        module.handle(_tampered(call), call.headers, secret, set())
    with pytest.raises(WebhookVerificationError):
        module.handle(call.body, call.headers, new_secret(), set())


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_node_example_verifies_a_real_delivery(delivery: tuple[str, Call]) -> None:
    secret, call = delivery

    def run(body: bytes, key: str) -> subprocess.CompletedProcess[str]:
        message = {"secret": key, "headers": call.headers, "body": body.decode("utf-8")}
        return subprocess.run(
            ["node", str(NODE_EXAMPLE)],
            input=json.dumps(message),
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )

    good = run(call.body, secret)
    assert good.returncode == 0, good.stderr
    assert good.stdout.strip() == f"summary.published {call.headers['webhook-id']}"
    tampered = run(_tampered(call), secret)
    assert tampered.returncode == 1 and "no valid webhook signature" in tampered.stderr
    wrong_key = run(call.body, new_secret())
    assert wrong_key.returncode == 1
