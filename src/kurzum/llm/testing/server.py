"""The scripted OpenAI-compatible HTTP server (stdlib ``http.server`` in a thread)."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import threading
from collections.abc import Mapping, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from kurzum.llm.testing.plays import SCENARIOS, ChatRequest, Play, Reply, read_request


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
        disable_nagle_algorithm = True  # headers and body go out as separate writes

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
    parser = argparse.ArgumentParser(
        prog="python -m kurzum.llm.testing",
        description="Serve scripted OpenAI-compatible answers; the model name picks the script.",
    )
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
