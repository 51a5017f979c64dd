"""schemathesis against the app's own OpenAPI schema: no request it generates gets a 500.

Every operation is called with generated (often wrong) data twice: without credentials and
with every credential at once (publisher API key, admin session with its CSRF token), so the
checks behind authentication run too. Bounded and deterministic (KURZUM_SCHEMATHESIS_EXAMPLES).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.core import NotSet
from schemathesis.generation.case import Case

from kurzum.settings import Settings
from kurzum.storage import accounts
from kurzum.storage import articles as repo
from kurzum.storage.db import (
    SessionFactory,
    make_engine,
    make_session_factory,
    session_scope,
    upgrade,
)
from kurzum.web.app import create_app
from kurzum.web.auth import csrf_token
from kurzum.workers.inprocess import InProcessWorker

EXAMPLES = int(os.environ.get("KURZUM_SCHEMATHESIS_EXAMPLES", "10"))
RUNS: Counter[str] = Counter()


@schemathesis.serializer("application/x-ndjson", "application/jsonl")
def _ndjson(ctx: schemathesis.SerializationContext, value: Any) -> dict[str, Any]:
    """The bulk endpoint's JSONL: one JSON value per line (strings and bytes go as they are)."""
    if isinstance(value, bytes):
        return {"data": value}
    if isinstance(value, str):
        return {"data": value.encode("utf-8", "surrogatepass")}
    items = value if isinstance(value, list) else [value]
    return {"data": "".join(json.dumps(item) + "\n" for item in items).encode()}


# Hostile variants of every generated case (issue 14): what JSON allows but schema-driven
# generation never produces: lone UTF-16 surrogates, very deep nesting, integers far beyond
# 64 bits. Each is written as JSON text by hand (json.dumps cannot nest this deep).
MUTATIONS = ("surrogate", "deep", "huge")
# Far past Python's recursion limit: the service measures nesting on the raw body before any
# parser sees it (kurzum.text.json_too_deep), so no depth is unsafe. (While it relied on catching
# RecursionError, 5000 made CPython 3.11 corrupt its AST recursion counter in this process.)
DEEP = 100_000
ESCAPE = "\\ud800"  # six characters: JSON text of a lone surrogate


# Fields whose generated value almost never passes the service's own checks (an address, a
# strong password, an existing publication): the hostile value must reach storage, so these
# get plausible values unless they are the one made hostile.
PLAUSIBLE = {
    "email": lambda n: f"hostile{n}@example.org",
    "password": lambda n: f"ein langes Passwort {n}",
    "new_password": lambda n: f"ein neues langes Passwort {n}",
    "publication": lambda n: "blick",
}


def _plausible(value: Any, n: int) -> Any:
    if isinstance(value, dict):
        return {
            k: PLAUSIBLE[k](n) if k in PLAUSIBLE else _plausible(v, n) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_plausible(v, n) for v in value]
    return value


def _hostile_json(value: Any, mutation: str, target: list[int]) -> str:
    """JSON text of ``value`` with every string (surrogate) or integer (huge) made hostile, or
    for ``deep`` one leaf (``target[0]`` counts down to it); plausible fields stay as they are."""
    if isinstance(value, dict):
        items = [
            f"{json.dumps(str(k))}: "
            + (json.dumps(v) if k in PLAUSIBLE else _hostile_json(v, mutation, target))
            for k, v in value.items()
        ]
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_hostile_json(v, mutation, target) for v in value) + "]"
    fits = {
        "surrogate": isinstance(value, str),
        "huge": isinstance(value, int) and not isinstance(value, bool),
        "deep": True,
    }[mutation]
    if fits and mutation != "deep":  # every other string or integer
        if mutation == "surrogate":
            return json.dumps(value)[:-1] + ESCAPE + '"'  # a lone surrogate, escaped
        return str(10**30)
    if fits:
        target[0] -= 1
        if target[0] == 0:
            if mutation == "surrogate":
                return json.dumps(value)[:-1] + ESCAPE + '"'  # a lone surrogate, escaped
            return str(10**30) if mutation == "huge" else "[" * DEEP + "]" * DEEP
    return json.dumps(value)


def _leaves(value: Any, mutation: str) -> int:
    if isinstance(value, dict):
        return sum(_leaves(v, mutation) for v in value.values())
    if isinstance(value, list):
        return sum(_leaves(v, mutation) for v in value)
    if mutation == "surrogate":
        return int(isinstance(value, str))
    if mutation == "huge":
        return int(isinstance(value, int) and not isinstance(value, bool))
    return 1


def _hostile_body(body: Any, mutation: str, pick: int) -> bytes:
    """The body as JSON text with one drawn leaf made hostile (every line for JSONL)."""
    if not isinstance(body, dict | list):
        body = {"value": body}
    body = _plausible(body, pick)
    count = _leaves(body, mutation)
    text = _hostile_json(body, mutation, [pick % count + 1 if count else 0])
    if mutation == "surrogate" and ESCAPE not in text and text.startswith("{"):
        text = text[:-1] + (", " if len(text) > 2 else "") + f'"x": "{ESCAPE}"' + "}"
    return text.encode()


def _no_body(body: Any) -> bool:
    return body is None or isinstance(body, NotSet)


def _hostile_params(params: dict[str, Any] | None, mutation: str) -> dict[str, Any]:
    out = dict(params or {})
    if mutation == "huge":
        for name, value in out.items():
            if isinstance(value, int) and not isinstance(value, bool):
                out[name] = 10**30
    return out


def _credentials(app: FastAPI, session_factory: SessionFactory) -> dict[str, str]:
    with session_scope(session_factory) as session:
        pub = repo.create_publication(
            session, slug="blick", name="Blick", language="de", premium_label="Blick+"
        )
        _, key = repo.create_api_key(session, pub)
        admin = accounts.create_user(
            session, "admin@example.org", "correct horse battery", role="admin"
        )
        token = accounts.create_session(session, admin, timedelta(hours=1))
    return {
        "Authorization": f"Bearer {key}",
        "Cookie": f"kurzum_session={token}",
        "X-CSRF-Token": csrf_token(app.state.settings, token),
    }


def _operation_test(
    cases: st.SearchStrategy[Case],
    label: str,
    credentials: dict[str, str],
    failures: list[str],
    hostile: TestClient | None = None,
) -> Callable[[], None]:
    """A bounded, deterministic hypothesis test of one operation; 5xx answers go to failures."""

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        case=cases,
        authenticated=st.booleans(),
        mutation=st.sampled_from((None, *MUTATIONS)),
        pick=st.integers(min_value=0, max_value=50),
    )
    def run(case: Case, authenticated: bool, mutation: str | None, pick: int) -> None:
        RUNS[label] += 1
        headers = credentials if authenticated else None
        try:
            if mutation is None or hostile is None:
                response = case.call(headers=headers)
            else:
                path = case.formatted_path
                if mutation == "huge":
                    path = "/".join(
                        str(10**30) if part.isdigit() else part for part in path.split("/")
                    )
                extra = {"Content-Type": case.media_type or "application/json"}
                response = hostile.request(
                    case.method,
                    path,
                    params=_hostile_params(case.query, mutation),
                    content=None
                    if _no_body(case.body)
                    else _hostile_body(case.body, mutation, pick),
                    headers=(headers or {}) | extra,
                )
        except Exception as exc:  # the in-process transport re-raises what became a 500
            failures.append(
                f"{label} -> unhandled {type(exc).__name__}: {exc} (body {str(case.body)[:120]!r})"
            )
            return
        if response.status_code >= 500:
            failures.append(
                f"{label} -> {response.status_code}: {response.text[:200]} "
                f"(body {str(case.body)[:120]!r}, path {case.path_parameters})"
            )

    return run


@pytest.fixture
def service(tmp_path: Path) -> Iterator[tuple[FastAPI, SessionFactory, InProcessWorker]]:
    """The app on a fresh SQLite database (the schema and code are the same on PostgreSQL)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'kurzum.sqlite3'}")
    upgrade(engine)
    factory = make_session_factory(engine)
    settings = Settings(
        environment="test",
        data_dir=tmp_path,
        worker="off",
        cookie_secure=False,
        retry_base_seconds=0,
    )
    app = create_app(settings, session_factory=factory)
    yield app, factory, app.state.worker
    engine.dispose()


def test_no_server_errors_anywhere_in_the_schema(
    service: tuple[FastAPI, SessionFactory, InProcessWorker],
) -> None:
    app, session_factory, worker = service
    credentials = _credentials(app, session_factory)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: list[str] = []
    operations = 0
    hostile = TestClient(app, raise_server_exceptions=False)
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        label = f"{operation.method.upper()} {operation.path}"

        _operation_test(operation.as_strategy(), label, credentials, failures, hostile)()
        worker.drain()  # background work the calls queued must not fail either
    print(f"schemathesis: {sum(RUNS.values())} cases over {operations} operations")
    assert operations >= 20, operations
    assert not failures, "\n".join(failures[:20])
