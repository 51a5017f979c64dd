"""Fetch an article page over HTTP(S) with httpx: timeouts, a size limit, bounded redirects."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

import httpx

from kurzum.errors import FetchError


def _version() -> str:
    """The installed package's version (package metadata; no import of the kurzum package)."""
    try:
        return version("kurzum")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"


USER_AGENT = f"kurzum/{_version()} (+https://github.com/kurzum; article summarizer)"


@dataclass(frozen=True, slots=True)
class FetchLimits:
    """How long and how much: 10 s per network step, 5 MB, 5 redirects (pages are ~0.1-2 MB)."""

    timeout: float = 10.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5


@dataclass(frozen=True, slots=True)
class Fetched:
    """The body of a successful response, its media type and the final URL after redirects."""

    content: bytes
    media_type: str | None
    url: str


DEFAULT_LIMITS = FetchLimits()


def is_url(value: str) -> bool:
    """True for http(s) URLs, which the CLI fetches instead of opening as a file."""
    return value.startswith(("http://", "https://"))


def fetch(url: str, limits: FetchLimits = DEFAULT_LIMITS) -> Fetched:
    """GET ``url`` and return its body; every failure becomes a one-line ``FetchError``."""
    if not is_url(url):
        raise FetchError(f"not an http(s) URL: {url}")
    try:
        with (
            httpx.Client(
                timeout=limits.timeout,
                follow_redirects=True,
                max_redirects=limits.max_redirects,
                headers={"User-Agent": USER_AGENT},
            ) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code != 200:
                raise FetchError(f"{url}: HTTP {response.status_code} {response.reason_phrase}")
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limits.max_bytes:
                raise FetchError(f"{url}: page larger than {limits.max_bytes} bytes")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limits.max_bytes:
                    raise FetchError(f"{url}: page larger than {limits.max_bytes} bytes")
                chunks.append(chunk)
            media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
            return Fetched(b"".join(chunks), media_type or None, str(response.url))
    except httpx.TooManyRedirects as exc:
        raise FetchError(f"{url}: more than {limits.max_redirects} redirects") from exc
    except httpx.TimeoutException as exc:
        raise FetchError(f"{url}: timed out after {limits.timeout:g} s") from exc
    except httpx.HTTPError as exc:
        raise FetchError(f"{url}: {type(exc).__name__}: {exc}") from exc
