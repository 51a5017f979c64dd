"""Fetching articles over HTTP from a local server started in the test (never the internet)."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from kurzum.errors import FetchError
from kurzum.ingest import FetchLimits, fetch_article

PAGE = (Path(__file__).parents[1] / "fixtures" / "ingest" / "de-page.html").read_bytes()


class Handler(BaseHTTPRequestHandler):
    """Routes: /article, /redirect (-> /article), /loop, /missing, /big, /slow, /text."""

    def do_GET(self) -> None:
        if self.path == "/article":
            self._send(200, PAGE, "text/html; charset=utf-8")
        elif self.path == "/redirect":
            self._redirect("/article")
        elif self.path == "/loop":
            self._redirect("/loop")
        elif self.path == "/big":
            self._send(200, b"<p>" + b"Wort " * 400_000 + b"</p>", "text/html")
        elif self.path == "/slow":
            time.sleep(2)
            self._send(200, PAGE, "text/html")
        elif self.path == "/text":
            body = "Der Gemeinderat hat das Budget genehmigt. Es kostet 2 Millionen Franken."
            self._send(200, body.encode(), "text/plain; charset=utf-8")
        else:
            self._send(404, b"not found", "text/plain")

    def _send(self, status: int, body: bytes, media_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def _redirect(self, target: str) -> None:
        self.send_response(302)
        self.send_header("Location", target)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output clean."""


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def test_fetches_and_extracts_a_page(server: str) -> None:
    article = fetch_article(f"{server}/article")
    assert article.title == "Bern testet Velo-Vorzugsrouten"
    assert article.language == "de"
    assert article.url == f"{server}/article"


def test_follows_redirects(server: str) -> None:
    article = fetch_article(f"{server}/redirect")
    assert article.url == f"{server}/article"


def test_plain_text_by_media_type(server: str) -> None:
    article = fetch_article(f"{server}/text")
    assert article.paragraphs == (
        "Der Gemeinderat hat das Budget genehmigt. Es kostet 2 Millionen Franken.",
    )


@pytest.mark.parametrize(
    ("path", "limits", "message"),
    [
        ("/missing", FetchLimits(), "HTTP 404"),
        ("/loop", FetchLimits(max_redirects=3), "more than 3 redirects"),
        ("/big", FetchLimits(max_bytes=100_000), "larger than 100000 bytes"),
        ("/slow", FetchLimits(timeout=0.3), "timed out"),
    ],
)
def test_failures_are_one_line_fetch_errors(
    server: str, path: str, limits: FetchLimits, message: str
) -> None:
    with pytest.raises(FetchError, match=message) as caught:
        fetch_article(f"{server}{path}", limits=limits)
    assert "\n" not in str(caught.value)


def test_refused_connection_is_a_fetch_error() -> None:
    with pytest.raises(FetchError):
        fetch_article("http://127.0.0.1:9/", limits=FetchLimits(timeout=2))
