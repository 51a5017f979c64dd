"""Enumerating summary and article ids: whoever walks the ids without entitlement learns no
bullet text, and an existing but hidden summary answers exactly like one that does not exist."""

from __future__ import annotations

import re

from fastapi import FastAPI
from sqlalchemy import func, select

from kurzum.storage.db import SessionFactory
from kurzum.storage.tables import Article, SummaryVersion
from kurzum.workers.inprocess import InProcessWorker
from tests.leaks.leak_support import (
    NOT_ENTITLED,
    build_world,
    flat_routes,
    get,
    leaks,
    report,
)

ENUMERATORS = [
    r
    for r in NOT_ENTITLED
    if r.name in ("anonymous", "non-subscriber", "forged-jwt", "googlebot-everything")
]
ID_PARAMS = re.compile(r"{(summary_id|article_id|id|user_id)(?::[^}]*)?}")
MISSING = 1_000_000


def _shape(status: int, body: str) -> tuple[int, str]:
    """What an answer reveals: its status and error code (messages may name the id)."""
    code = re.search(r'"code"\s*:\s*"([^"]+)"', body)
    return status, code.group(1) if code else ""


def test_walking_ids_reveals_nothing(
    app: FastAPI, session_factory: SessionFactory, worker: InProcessWorker
) -> None:
    world = build_world(app, session_factory, worker, "retracted")
    with session_factory() as session:
        top = max(
            int(session.scalar(select(func.max(SummaryVersion.id))) or 0),
            int(session.scalar(select(func.max(Article.id))) or 0),
        )
    templates = sorted(
        {
            path
            for path, methods in flat_routes(list(app.routes))
            if "GET" in methods and ID_PARAMS.search(path)
        }
    )
    assert any("{summary_id}" in t for t in templates), templates
    problems: list[str] = []
    for requester in ENUMERATORS:
        with requester.client(world) as client:
            for template in templates:
                missing = get(client, ID_PARAMS.sub(str(MISSING), template))
                for ident in range(1, top + 3):
                    path = ID_PARAMS.sub(str(ident), template)
                    response = get(client, path)
                    found = leaks(response)
                    if found or response.status_code >= 500:
                        problems.append(
                            f"{requester.name} GET {path}: {response.status_code} {found}"
                        )
                    if _shape(response.status_code, response.text) != _shape(
                        missing.status_code, missing.text
                    ):
                        problems.append(
                            f"{requester.name} GET {path} answers "
                            f"{response.status_code}, a missing id "
                            f"{missing.status_code}: existence shows"
                        )
            missing = report(client, MISSING)
            for ident in range(1, top + 3):
                posted = report(client, ident)
                if posted.status_code == 201 or leaks(posted):
                    problems.append(f"{requester.name} reported on summary {ident}")
                if _shape(posted.status_code, posted.text) != _shape(
                    missing.status_code, missing.text
                ):
                    problems.append(
                        f"{requester.name} POST report {ident} -> "
                        f"{posted.status_code}, missing id -> {missing.status_code}"
                    )
            for external_id in ("ratssitzung-0", "ratssitzung-2", "x" * 200):
                response = get(
                    client, f"/api/v1/reader/publications/blick/articles/{external_id}/summary"
                )
                if leaks(response) or response.status_code >= 500:
                    problems.append(f"{requester.name} {external_id}: {response.status_code}")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])
