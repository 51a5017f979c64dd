"""schemathesis against the app's own OpenAPI schema: no request it generates gets a 500.

Every operation is called with generated (often wrong) data twice: without credentials and
with every credential at once (publisher API key, admin session with its CSRF token), so the
checks behind authentication run too. Bounded and deterministic (KURZUM_SCHEMATHESIS_EXAMPLES).
"""

from __future__ import annotations

import os
from collections import Counter
from datetime import timedelta

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.generation.case import Case

from kurzum.storage import accounts
from kurzum.storage import articles as repo
from kurzum.storage.db import SessionFactory, session_scope
from kurzum.web.auth import csrf_token
from kurzum.workers.inprocess import InProcessWorker

EXAMPLES = int(os.environ.get("KURZUM_SCHEMATHESIS_EXAMPLES", "12"))
RUNS: Counter[str] = Counter()


def _credentials(app: FastAPI, session_factory: SessionFactory) -> dict[str, str]:
    with session_scope(session_factory) as session:
        pub = repo.create_publication(session, slug="blick", name="Blick", language="de",
                                      premium_label="Blick+")
        _, key = repo.create_api_key(session, pub)
        admin = accounts.create_user(session, "admin@example.org", "correct horse battery",
                                     role="admin")
        token = accounts.create_session(session, admin, timedelta(hours=1))
    return {"Authorization": f"Bearer {key}",
            "Cookie": f"kurzum_session={token}",
            "X-CSRF-Token": csrf_token(app.state.settings, token)}


@pytest.fixture
def postgres_only_once(database: object) -> None:
    """The schema does not depend on the database: run on SQLite only, keep the suite short."""
    if getattr(database, "kind", "") != "sqlite":
        pytest.skip("schemathesis runs on SQLite only (same schema and code on PostgreSQL)")


def test_no_server_errors_anywhere_in_the_schema(
    postgres_only_once: None, app: FastAPI, session_factory: SessionFactory,
    worker: InProcessWorker,
) -> None:
    credentials = _credentials(app, session_factory)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        label = f"{operation.method.upper()} {operation.path}"

        @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(), authenticated=st.booleans())
        def run(case: Case, authenticated: bool) -> None:
            RUNS[label] += 1
            response = case.call(headers=credentials if authenticated else None)
            if response.status_code >= 500:
                failures.append(f"{label} -> {response.status_code}: {response.text[:200]} "
                                f"(body {str(case.body)[:120]!r}, path {case.path_parameters})")

        run()
        worker.drain()  # background work the calls queued must not fail either
    print(f"schemathesis: {sum(RUNS.values())} cases over {operations} operations")
    assert operations >= 20, operations
    assert not failures, "\n".join(failures[:20])
