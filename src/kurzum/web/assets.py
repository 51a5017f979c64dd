"""Static assets: a content fingerprint in their URLs, and the cache lifetime that follows.

A URL carrying the file's fingerprint (``?v=<hash>``, :func:`asset_url`) names bytes that never
change, so browsers and CDNs may keep it a year without asking (``immutable``); a new file gets
a new URL. Without a fingerprint, or with a stale one, the answer may change at the next deploy:
a short lifetime, and the ETag StaticFiles sends lets caches revalidate with a 304. That is the
case of the embed script publishers paste as ``/embed/v1/kurzum-summary.js``: its ``v1`` names
the API the script speaks, not its bytes.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from os import PathLike
from pathlib import Path
from urllib.parse import parse_qsl

from fastapi.staticfiles import StaticFiles
from starlette.responses import Response
from starlette.types import Scope

IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=3600"


@lru_cache(maxsize=256)
def _digest(path: str, mtime_ns: int, size: int) -> str:
    """The fingerprint of one version of a file (the key changes when the file does)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10]


def fingerprint(path: Path) -> str:
    """Ten hex digits of the SHA-256 of the file's current content."""
    stat = path.stat()
    return _digest(str(path), stat.st_mtime_ns, stat.st_size)


def asset_url(prefix: str, directory: Path, name: str) -> str:
    """The URL of ``directory/name`` served under ``prefix``, with its fingerprint."""
    return f"{prefix}/{name}?v={fingerprint(directory / name)}"


class AssetFiles(StaticFiles):
    """StaticFiles with cache headers: a year and ``immutable`` when the URL's ``v`` is the
    file's current fingerprint, :data:`SHORT` (plus StaticFiles' ETag) otherwise."""

    def file_response(
        self,
        full_path: PathLike[str] | str,
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        current = _digest(str(full_path), stat_result.st_mtime_ns, stat_result.st_size)
        fresh = query.get("v") == current
        response.headers["Cache-Control"] = IMMUTABLE if fresh else SHORT
        return response
