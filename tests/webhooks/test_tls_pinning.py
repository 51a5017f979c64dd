"""An https webhook connects to the checked address yet verifies the certificate of the URL's
host name (TLS SNI and hostname check use the name, not the IP)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import select
from sqlalchemy.orm import Session
from standardwebhooks import Webhook

from kurzum.settings import Settings
from kurzum.storage.db import SessionFactory
from kurzum.storage.tables import WebhookDelivery
from kurzum.webhooks.signing import new_secret
from kurzum.workers.inprocess import InProcessWorker

from .test_delivery import put


def _certificate(tmp: Path, name: str) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp / "cert.pem", tmp / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture
def tls_receiver(tmp_path: Path) -> Iterator[tuple[int, Path, list[tuple[dict[str, str], bytes]]]]:
    cert, key = _certificate(tmp_path, "cms.example")
    calls: list[tuple[dict[str, str], bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            calls.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield int(server.server_address[1]), cert, calls
    server.shutdown()
    server.server_close()


def _deliver_trusting(
    cert: Path, session_factory: SessionFactory, settings: Settings, resolver: Any
) -> None:
    """Run the due work once with a worker whose HTTP client trusts the test certificate."""
    InProcessWorker(
        session_factory,
        settings,
        http=httpx.Client(verify=ssl.create_default_context(cafile=str(cert))),
        resolve=resolver,
    ).drain()


def test_https_delivery_verifies_the_name_while_connecting_to_the_checked_ip(
    build: Any,
    session_factory: SessionFactory,
    settings: Settings,
    db: Session,
    resolver: Any,
    tls_receiver: tuple[int, Path, list[tuple[dict[str, str], bytes]]],
) -> None:
    port, cert, calls = tls_receiver
    secret = new_secret()
    build.publication(webhook_url=f"https://cms.example:{port}/hook", webhook_secret=secret)
    put(session_factory, "blick")
    _deliver_trusting(cert, session_factory, settings, resolver)
    delivery = db.scalars(select(WebhookDelivery)).one()
    assert delivery.status == "delivered", delivery.last_error
    headers, body = calls[0]
    assert headers["host"] == f"cms.example:{port}"
    assert Webhook(secret).verify(body, headers)["type"] == "summary.published"
    assert ipaddress.ip_address(resolver("cms.example", port)[0]).is_loopback


def test_a_certificate_for_another_name_is_refused(
    build: Any,
    session_factory: SessionFactory,
    settings: Settings,
    db: Session,
    dns: dict[str, list[str]],
    resolver: Any,
    tls_receiver: tuple[int, Path, list[tuple[dict[str, str], bytes]]],
) -> None:
    port, cert, calls = tls_receiver
    dns["other.example"] = ["127.0.0.1"]
    build.publication(webhook_url=f"https://other.example:{port}/hook", webhook_secret=new_secret())
    put(session_factory, "blick")
    _deliver_trusting(cert, session_factory, settings, resolver)
    delivery = db.scalars(select(WebhookDelivery)).one()
    assert delivery.status == "pending" and calls == []
    assert delivery.last_error is not None and "ConnectError" in delivery.last_error
