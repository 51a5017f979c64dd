"""No premium bullet text reaches a reader who is not entitled: every premium state x every
kind of requester x every route of the app, in both orders, plus the cache headers (issue 6).

Routes are discovered from the app, so reader and editor pages join the matrix as they are
registered; the marker words of the summary must appear in no body, header, meta tag, JSON-LD
or error of any answer to a requester who is not entitled.
"""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from kurzum.storage.db import SessionFactory
from kurzum.workers.inprocess import InProcessWorker
from tests.leaks.leak_support import (
    ARTICLE_ID,
    ENTITLED,
    LISTED_ORIGIN,
    NOT_ENTITLED,
    STATES,
    UNLISTED_ORIGIN,
    Requester,
    World,
    build_world,
    cache_problems,
    get,
    leaks,
    reader_facing,
    report,
    routes,
)

SUMMARY_API = f"/api/v1/reader/publications/blick/articles/{ARTICLE_ID}/summary"
SUMMARY_FRAGMENT = SUMMARY_API + ".html"  # the same box as HTML for SSR/ESI (issue 12)
ARTICLE_PAGE = f"/p/blick/{ARTICLE_ID}"
# Non-reader surfaces (editor, admin, publisher API) are checked with one requester per path
# to entitlement: no credentials, a reader's session, a forged token, a spoofed crawler.
OTHER_SURFACE_REQUESTERS = ("anonymous", "non-subscriber", "forged-jwt", "googlebot-everything")


def _problems(requester: Requester, label: str, response_problems: list[str]) -> list[str]:
    return [f"{requester.name} {label}: {p}" for p in response_problems]


def check_matrix(world: World, *, served: bool) -> list[str]:
    """Run every requester against every route; returns the problems found."""
    problems: list[str] = []
    paths = routes(world.app, world)
    assert SUMMARY_API in paths, paths
    assert SUMMARY_FRAGMENT in paths, paths
    reader_paths = [p for p in paths if reader_facing(p)]
    other_paths = [p for p in paths if not reader_facing(p)]
    entitled = {r.name: (r, r.client(world)) for r in ENTITLED}
    controls = [SUMMARY_API, SUMMARY_FRAGMENT] + ([ARTICLE_PAGE] if ARTICLE_PAGE in paths else [])
    for requester, client in entitled.values():
        for path in controls:
            response = get(client, path)
            seen = bool(leaks(response))
            if seen != served:
                problems.append(
                    f"{requester.name} GET {path}: markers "
                    f"{'missing' if served else 'shown'} (status "
                    f"{response.status_code}) in state {world.state}"
                )
            problems += _problems(requester, f"GET {path}", cache_problems(response, requester))
    subscriber = entitled["subscriber"][1]
    for requester in NOT_ENTITLED:
        client = requester.client(world)
        for path in reader_paths:
            if requester.api_only and not path.startswith("/api/"):
                continue
            first = get(subscriber, path)
            after = get(client, path)  # subscriber first, then this requester
            before = get(client, path)  # this requester first, then the subscriber
            second = get(subscriber, path)
            for order, response in (("after subscriber", after), ("before subscriber", before)):
                found = leaks(response) + cache_problems(response, requester)
                if response.status_code >= 500:
                    found.append(f"server error {response.status_code}")
                problems += _problems(
                    requester, f"{order} GET {path} -> {response.status_code}", found
                )
            for response in (first, second):
                problems += _problems(
                    entitled["subscriber"][0],
                    f"GET {path}",
                    cache_problems(response, entitled["subscriber"][0]),
                )
                if not served and reader_facing(path) and leaks(response):
                    problems.append(f"subscriber sees an unserved summary on {path}")
        if requester.name in OTHER_SURFACE_REQUESTERS:
            for path in other_paths:
                response = get(client, path)
                found = leaks(response) + (["server error"] if response.status_code >= 500 else [])
                problems += _problems(requester, f"GET {path} -> {response.status_code}", found)
        posted = report(client, world.summary_id)
        if posted.status_code == 201 or leaks(posted) or posted.status_code >= 500:
            problems.append(
                f"{requester.name} POST report -> {posted.status_code}: {leaks(posted)}"
            )
        client.close()
    for _, client in entitled.values():
        client.close()
    return problems


@pytest.mark.parametrize("state", STATES)
def test_no_bullet_text_for_requesters_without_entitlement(
    state: str, app: FastAPI, session_factory: SessionFactory, worker: InProcessWorker
) -> None:
    world = build_world(app, session_factory, worker, state)
    served = state in ("published", "free-to-premium", "premium-to-free")
    problems = check_matrix(world, served=served)
    if state == "premium-to-free":
        world.put_article(premium=False)  # now everyone may read it, at once
        for requester in NOT_ENTITLED[:2]:
            with requester.client(world) as client:
                response = get(client, SUMMARY_API)
                if not leaks(response):
                    problems.append(f"{requester.name}: free article without its summary")
                problems += _problems(
                    requester, "after the switch to free", cache_problems(response, requester)
                )
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:60])


@pytest.mark.parametrize("state", ["published", "premium-to-free"])
def test_cors_answers_only_listed_origins_and_carry_no_data_elsewhere(
    state: str, app: FastAPI, session_factory: SessionFactory, worker: InProcessWorker
) -> None:
    """Preflight and actual calls of every reader API path from an unlisted origin: no
    Access-Control-Allow-Origin, no marker, even with a subscriber's credentials; the listed
    origin gets its own origin back (never "*") with Vary: Origin."""
    world = build_world(app, session_factory, worker, state)
    if state == "premium-to-free":
        world.put_article(premium=False)  # a free summary is still not for unlisted origins
    subscriber = next(r for r in ENTITLED if r.name == "subscriber").client(world)
    problems: list[str] = []
    api_paths = [p for p in routes(world.app, world) if p.startswith("/api/v1/reader/")]
    preflight = {
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization",
    }
    for path in [*api_paths, f"/api/v1/reader/summaries/{world.summary_id}/reports"]:
        for method in ("OPTIONS", "GET"):
            headers = {"Origin": UNLISTED_ORIGIN} | (preflight if method == "OPTIONS" else {})
            response = subscriber.request(method, path, headers=headers)
            if "access-control-allow-origin" in response.headers or leaks(response):
                problems.append(f"unlisted {method} {path} -> {response.status_code}")
            if "origin" not in response.headers.get("vary", "").lower():
                problems.append(f"unlisted {method} {path}: no Vary: Origin")
        listed = subscriber.options(path, headers={"Origin": LISTED_ORIGIN} | preflight)
        ours = path.startswith("/api/v1/reader/publications/blick/") or "/summaries/" in path
        if ours and listed.headers.get("access-control-allow-origin") != LISTED_ORIGIN:
            problems.append(f"listed preflight {path} -> {listed.status_code}")
    posted = subscriber.post(
        f"/api/v1/reader/summaries/{world.summary_id}/reports",
        json={"bullet": 0, "message": "x"},
        headers={"Origin": UNLISTED_ORIGIN},
    )
    if posted.status_code != 403:
        problems.append(f"report from an unlisted origin -> {posted.status_code}")
    subscriber.close()
    assert not problems, "\n".join(problems)
