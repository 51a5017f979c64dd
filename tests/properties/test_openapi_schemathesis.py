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
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
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
    cases: st.SearchStrategy[Case], label: str, credentials: dict[str, str], failures: list[str]
) -> Callable[[], None]:
    """A bounded, deterministic hypothesis test of one operation; 5xx answers go to failures."""

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases, authenticated=st.booleans())
    def run(case: Case, authenticated: bool) -> None:
        RUNS[label] += 1
        try:
            response = case.call(headers=credentials if authenticated else None)
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
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        label = f"{operation.method.upper()} {operation.path}"

        _operation_test(operation.as_strategy(), label, credentials, failures)()
        worker.drain()  # background work the calls queued must not fail either
    print(f"schemathesis: {sum(RUNS.values())} cases over {operations} operations")
    assert operations >= 20, operations
    assert not failures, "\n".join(failures[:20])
