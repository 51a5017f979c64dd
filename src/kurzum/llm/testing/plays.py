"""Scripted answers for the test server: what a play reads from a request, and the plays.

A play turns a chat request into a reply: good bullets (echoed from the article in the
prompt), an invented number or name, five bullets, the wrong language, "ß", malformed JSON,
a delay, a slow stream, an HTTP error with Retry-After …
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
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
