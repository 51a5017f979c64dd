"""A scripted OpenAI-compatible chat server on loopback, for tests and demos (not production).

It speaks real HTTP (``POST /v1/chat/completions``, streamed as server-sent events or as one
JSON body, and ``GET /v1/models``). The request's ``model`` picks a script: a list of plays,
one per request for that model (the last one repeats). A play turns the request into a reply:
good bullets (echoed from the article in the prompt), an invented number or name, five
bullets, the wrong language, "ß", malformed JSON, a delay, an HTTP error with Retry-After …

    >>> with FakeOpenAI({"flaky": [invented_number(), good()]}) as server:
    ...     config = LLMConfig(url=server.url, model="flaky")

Run ``python -m kurzum.llm.testing --port 8099`` to serve the named ``SCENARIOS`` for
``kurzum eval --backend llm --llm-url http://127.0.0.1:8099/v1 --llm-model good``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")
_ARTICLE = re.compile(r"<article>\n?(.*?)\n?</article>", re.DOTALL)
_SENTENCE = re.compile(r'<sentence n="\d+">(.*?)</sentence>', re.DOTALL)
_NUMBER = re.compile(r"\d+(?:['’.,]\d+)*")


@dataclass(frozen=True, slots=True)
class ChatRequest:
    """What a play sees: the request body plus what the fake read from the prompt."""

    body: dict[str, Any]
    attempt: int  # 1 for a first request, 2 for the retry (one assistant turn in history)
    language: str  # "de", "fr" or "en", from the prompt's "write in" rule
    count: int  # from the JSON schema, else 3
    max_chars: int  # from the JSON schema, else 160
    sources: tuple[str, ...]  # hybrid: the <sentence> texts; otherwise the article's sentences


@dataclass(frozen=True, slots=True)
class Reply:
    """A scripted reply: chat ``content`` with status 200, or an error ``status``."""

    content: str = ""
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the reply starts
    chunk_delay: float = 0.0  # seconds between streamed chunks (a model that trickles)
    raw: bytes | None = None  # sent as the whole body instead (a proxy's HTML page, say)


Play = Callable[[ChatRequest], Reply]


def _shorten(sentence: str, limit: int) -> str:
    if len(sentence) <= limit:
        return sentence
    cut = sentence[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:–- ")
    return cut + "."


def echo_bullets(request: ChatRequest, count: int | None = None) -> list[str]:
    """Faithful bullets: the first source sentences, shortened at a word boundary."""
    n = request.count if count is None else count
    limit = max(20, request.max_chars - 20)  # slack, so a play may add a few words
    picked = [s for s in request.sources if len(s.split()) >= 4][:n]
    return [_shorten(s, limit) for s in picked]


def _json(bullets: Sequence[str]) -> str:
    return json.dumps({"bullets": list(bullets)}, ensure_ascii=False)


def good() -> Play:
    """Faithful bullets in the requested count, length and language."""
    return lambda req: Reply(_json(echo_bullets(req)))


def text(content: str) -> Play:
    """Exactly this content."""
    return lambda req: Reply(content)


def invented_number() -> Play:
    """Good bullets, but the first number is replaced by one the article lacks (or added)."""

    def play(req: ChatRequest) -> Reply:
        bullets = echo_bullets(req)
        for i, b in enumerate(bullets):
            if _NUMBER.search(b):
                bullets[i] = _NUMBER.sub("987654", b, count=1)
                break
        else:
            bullets[0] = bullets[0].rstrip(".") + " (987654)."
        return Reply(_json(bullets))

    return play


_NAME_PHRASE = {
    "de": "sagt Hansruedi Zwahlen",
    "fr": "selon Hansruedi Zwahlen",
    "en": "says Hansruedi Zwahlen",
}


def invented_name() -> Play:
    """Good bullets, but the first one credits a person the article never names."""

    def play(req: ChatRequest) -> Reply:
        bullets = echo_bullets(req)
        bullets[0] = bullets[0].rstrip(".") + ", " + _NAME_PHRASE.get(req.language, "") + "."
        return Reply(_json(bullets))

    return play


def five_bullets() -> Play:
    """Five bullets whatever was asked."""
    return lambda req: Reply(_json(echo_bullets(req, 5)))


_WRONG = {
    "en": [
        "Die Regierung hat heute einen neuen Plan für die ganze Region vorgestellt.",
        "Kritiker sagen, dass der Plan für die meisten Menschen nicht weit genug geht.",
        "Ein Entscheid wird erst nach der Sommerpause im Parlament erwartet.",
        "Die Kosten sind noch nicht bekannt und sollen später geprüft werden.",
    ],
    "other": [
        "The government presented a new plan for the whole region today.",
        "Critics say that the plan does not go far enough for most people.",
        "A decision is only expected after the summer break in parliament.",
        "The costs are not yet known and are to be examined later on.",
    ],
}


def wrong_language() -> Play:
    """Bullets in another language (German for English articles, English otherwise)."""
    return lambda req: Reply(_json(_WRONG["en" if req.language == "en" else "other"][: req.count]))


def eszett() -> Play:
    """Good bullets with German "ss" written as "ß" (wrong for Swiss articles)."""
    return lambda req: Reply(_json([b.replace("ss", "ß") for b in echo_bullets(req)]))


def malformed() -> Play:
    """An answer cut off in the middle of its JSON."""
    return lambda req: Reply('{"bullets": ["' + (echo_bullets(req) or ["…"])[0][:30])


def slow(seconds: float, then: Play | None = None) -> Play:
    """``then`` (default: good bullets), after waiting ``seconds`` before answering."""
    after = then or good()

    def play(req: ChatRequest) -> Reply:
        reply = after(req)
        return Reply(reply.content, reply.status, reply.headers, seconds)

    return play


def trickle(seconds_per_chunk: float) -> Play:
    """Good bullets, streamed slowly: each chunk arrives in time, the whole answer late."""

    def play(req: ChatRequest) -> Reply:
        return Reply(good()(req).content, chunk_delay=seconds_per_chunk)

    return play


def html_page() -> Play:
    """A 200 answer that is not JSON at all (a captive portal or a misconfigured proxy)."""
    return lambda req: Reply(raw=b"<html><body>Please log in</body></html>")


def status(code: int, retry_after: str | None = None) -> Play:
    """An HTTP error, with a Retry-After header if given."""
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    return lambda req: Reply(status=code, headers=headers)


# The scripts `python -m kurzum.llm.testing` serves; the request's model name picks one.
SCENARIOS: dict[str, list[Play]] = {
    "good": [good()],
    "invented-number": [invented_number()],
    "invented-name": [invented_name()],
    "five-bullets": [five_bullets()],
    "wrong-language": [wrong_language()],
    "eszett": [eszett()],
    "malformed": [malformed()],
    "fixed-on-retry": [invented_number(), good()],
    "timeout": [slow(120.0)],
    "error-500": [status(500)],
    "rate-limited": [status(429, "1"), good()],
}


def _language(system: str) -> str:
    if "Schreibe auf Deutsch" in system:
        return "de"
    if "Écris en français" in system:
        return "fr"
    return "en"


def _schema_limits(body: Mapping[str, Any]) -> tuple[int, int]:
    try:
        items = body["response_format"]["json_schema"]["schema"]["properties"]["bullets"]
        return int(items["maxItems"]), int(items["items"]["maxLength"])
    except (KeyError, TypeError, ValueError):
        return 3, 160


def read_request(body: dict[str, Any]) -> ChatRequest:
    """Parse a chat request the way the plays need it."""
    messages = [m for m in body.get("messages", []) if isinstance(m, dict)]
    system = next((str(m.get("content", "")) for m in messages if m.get("role") == "system"), "")
    user = next((str(m.get("content", "")) for m in messages if m.get("role") == "user"), "")
    sentences = _SENTENCE.findall(user)
    if not sentences:
        found = _ARTICLE.search(user)
        article = found.group(1) if found else user
        sentences = [s.strip() for s in _SENTENCE_END.split(article) if s.strip()]
    count, max_chars = _schema_limits(body)
    attempt = 1 + sum(1 for m in messages if m.get("role") == "assistant")
    return ChatRequest(body, attempt, _language(system), count, max_chars, tuple(sentences))


class FakeOpenAI:
    """The scripted server; start with ``with`` (or ``start()``/``stop()``), then use ``url``."""

    def __init__(
        self,
        scripts: Mapping[str, Sequence[Play]] | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        api_key: str | None = None,
        sse: bool = True,
    ) -> None:
        self.scripts = dict(SCENARIOS if scripts is None else scripts)
        self.api_key = api_key
        self.sse = sse  # False: answer one JSON body even when asked to stream
        self.requests: list[dict[str, Any]] = []  # bodies, in arrival order
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self._served: dict[str, int] = {}
        self._httpd = _QuietServer((host, port), _handler(self))
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The base URL to put in ``LLMConfig.url``."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def start(self) -> FakeOpenAI:
        """Serve in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; pending delayed replies are cut short."""
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def count(self, model: str) -> int:
        """How many chat requests for ``model`` arrived."""
        with self.lock:
            return self._served.get(model, 0)

    def play(self, body: dict[str, Any]) -> tuple[Reply, ChatRequest]:
        """Record the request and pick the reply of the model's script."""
        model = str(body.get("model", ""))
        with self.lock:
            self.requests.append(body)
            n = self._served.get(model, 0)
            self._served[model] = n + 1
        plays = self.scripts.get(model)
        request = read_request(body)
        if not plays:
            return Reply(status=404, content=f"model {model!r} not found"), request
        return plays[min(n, len(plays) - 1)](request), request


class _QuietServer(ThreadingHTTPServer):
    """A threading HTTP server that does not print clients hanging up (timeouts do that)."""

    daemon_threads = True
    block_on_close = False

    def handle_error(self, request: object, client_address: object) -> None:
        """Ignore dropped connections; report anything else as usual."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


def _usage(body: Mapping[str, Any], content: str) -> dict[str, int]:
    prompt = sum(len(str(m.get("content", "")).split()) for m in body.get("messages", []))
    return {
        "prompt_tokens": prompt,
        "completion_tokens": len(content.split()),
        "total_tokens": prompt + len(content.split()),
    }


def _handler(server: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: tests read ``server.requests`` instead."""

        def _send(self, status: int, payload: object, headers: Mapping[str, str] = {}) -> None:
            data = json.dumps(payload, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path.rstrip("/") == "/v1/models":
                models = [{"id": m, "object": "model"} for m in server.scripts]
                self._send(200, {"object": "list", "data": models})
            else:
                self._send(404, {"error": {"message": "not found"}})

        def do_POST(self) -> None:
            # the client may have given up (timeout): then there is nobody to answer
            with contextlib.suppress(ConnectionError):
                self._post()

        def _post(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            if self.path.rstrip("/") != "/v1/chat/completions":
                self._send(404, {"error": {"message": "not found"}})
                return
            if server.api_key and self.headers.get("Authorization") != f"Bearer {server.api_key}":
                self._send(401, {"error": {"message": "invalid api key"}})
                return
            try:
                body = json.loads(raw)
                assert isinstance(body, dict)
            except (json.JSONDecodeError, AssertionError):
                self._send(400, {"error": {"message": "body is not a JSON object"}})
                return
            with server.lock:
                server.in_flight += 1
                server.max_in_flight = max(server.max_in_flight, server.in_flight)
            try:
                reply, _ = server.play(body)
                if reply.delay and server.stopping.wait(reply.delay):
                    return
                self._answer(body, reply)
            finally:
                with server.lock:
                    server.in_flight -= 1

        def _answer(self, body: dict[str, Any], reply: Reply) -> None:
            if reply.raw is not None:
                self.send_response(reply.status)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(reply.raw)))
                self.end_headers()
                self.wfile.write(reply.raw)
                return
            if reply.status != 200:
                error = {
                    "message": reply.content or f"scripted {reply.status}",
                    "code": reply.status,
                }
                self._send(reply.status, {"error": error}, reply.headers)
                return
            model = str(body.get("model"))
            usage = _usage(body, reply.content)
            if not (body.get("stream") and server.sse):
                message = {"role": "assistant", "content": reply.content}
                self._send(
                    200,
                    {
                        "id": "chatcmpl-fake",
                        "object": "chat.completion",
                        "model": model,
                        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                        "usage": usage,
                    },
                    reply.headers,
                )
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            pieces = [reply.content[i : i + 16] for i in range(0, len(reply.content), 16)]
            chunks: list[dict[str, Any]] = [
                {"choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}}]},
                *({"choices": [{"index": 0, "delta": {"content": p}}]} for p in pieces),
                {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
            ]
            if (body.get("stream_options") or {}).get("include_usage"):
                chunks.append({"choices": [], "usage": usage})
            for chunk in chunks:
                if reply.chunk_delay and server.stopping.wait(reply.chunk_delay):
                    return
                event = {
                    "id": "chatcmpl-fake",
                    "object": "chat.completion.chunk",
                    "model": model,
                    **chunk,
                }
                self._chunk(f"data: {json.dumps(event, ensure_ascii=False)}\n\n")
            self._chunk("data: [DONE]\n\n")
            self.wfile.write(b"0\r\n\r\n")

        def _chunk(self, text: str) -> None:
            data = text.encode()
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            self.wfile.flush()

    return Handler


def main(argv: Sequence[str] | None = None) -> None:
    """Serve ``SCENARIOS`` until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8099)
    args = parser.parse_args(argv)
    server = FakeOpenAI(host=args.host, port=args.port)
    print(f"fake OpenAI server on {server.url}; models: {', '.join(server.scripts)}", flush=True)
    try:
        server._httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server._httpd.server_close()


if __name__ == "__main__":
    main()
