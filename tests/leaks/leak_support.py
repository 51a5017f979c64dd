"""The paywall-leak world: a premium article whose approved summary carries marker words, the
requesters that must not see them, every route of the app, and the checks on each answer.

Markers are words that appear nowhere but in the summary's bullets, so finding one anywhere in
an answer (body, header, meta tag, JSON-LD, error) is a leak, whatever the page layout.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select, update

from kurzum.pipeline import text_from_plain
from kurzum.storage import accounts, summaries
from kurzum.storage import articles as repo
from kurzum.storage.articles import ArticleInput
from kurzum.storage.audit import Actor
from kurzum.storage.db import SessionFactory, session_scope
from kurzum.storage.tables import SummaryVersion, UserSession
from kurzum.usecases import editorial
from kurzum.workers.inprocess import InProcessWorker

MARKERS = ("zuckerwattenwolke", "himbeerkompass", "lakritzleuchtturm")
MARKER_BULLETS = [
    f"Der Rat diskutierte am Montag lange über die {MARKERS[0]} im Quartier.",
    f"Die Verwaltung legte dazu einen Bericht über den {MARKERS[1]} vor.",
    f"Ein Entscheid über den {MARKERS[2]} fällt erst im Herbst.",
]
AUDIENCE = "kurzum-blick"
ARTICLE_ID = "ratssitzung-1"
BODY = (
    "Der Rat der Stadt hat am Montag über mehrere Vorlagen beraten. Die Sitzung dauerte "
    "bis spät in den Abend.\n\nDie Verwaltung stellte neue Berichte vor. Sie sollen im "
    "Herbst beraten werden.\n\nDie Öffentlichkeit konnte die Debatte auf der Tribüne "
    "verfolgen."
)
LEAD = "Die Stadt berät über Vorlagen."
PASSWORD = "correct horse battery"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
SPOOFED_IP = {
    "X-Forwarded-For": "66.249.66.1",
    "X-Real-IP": "66.249.66.1",
    "Forwarded": "for=66.249.66.1;proto=https",
}
SPOOFED_REFERER = {"Referer": "https://www.google.com/"}
# The publisher's site (on Blick's CORS allow-list) and a site that is not listed (issue 12).
LISTED_ORIGIN = "https://www.blick.example"
UNLISTED_ORIGIN = "https://evil.example"

# Prefixes of routes that are not about articles at all.
SKIPPED = ("/static", "/docs", "/redoc", "/openapi.json", "/healthz")
# States and what readers may see: "served" means entitled readers see the markers.
STATES = (
    "published",
    "draft-review-before-publish",
    "retracted",
    "free-to-premium",
    "premium-to-free",
)


@cache
def keys() -> tuple[str, str, str]:
    """(publication's private PEM, its public PEM, a forger's private PEM)."""

    def pem(key: rsa.RSAPrivateKey) -> str:
        return key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()

    own = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = own.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return pem(own), public.decode(), pem(forger)


def token(
    *,
    key: str | None = None,
    aud: str = AUDIENCE,
    exp: float | None = None,
    publication: str = "blick",
    alg: str = "RS256",
) -> str:
    """A publisher JWT carrying a subscription."""
    claims = {
        "aud": aud,
        "exp": int(exp if exp is not None else time.time() + 3600),
        "sub": "reader-42",
        # valid_until is required by default since issue 14
        "subscription": {
            "publication": publication,
            "plan": "plus",
            "valid_until": int(time.time()) + 86400,
        },
    }
    if alg == "none":
        return jwt.encode(claims, key=None, algorithm="none")
    return jwt.encode(claims, key or keys()[0], algorithm=alg)


@dataclass
class World:
    """Everything one leak test set up."""

    app: FastAPI
    session_factory: SessionFactory
    worker: InProcessWorker
    state: str
    article_id: int = 0
    summary_id: int = 0
    sessions: dict[str, str] = field(default_factory=dict)  # requester -> session token

    def put_article(self, premium: bool) -> None:
        with session_scope(self.session_factory) as session:
            pub = repo.get_publication(session, "blick")
            data = ArticleInput(
                text=text_from_plain("Rat berät Vorlagen", LEAD, BODY),
                language="de",
                premium=premium,
                url="https://news.example/blick/ratssitzung-1",
            )
            result = repo.upsert_article(session, pub, ARTICLE_ID, data, Actor("cms"))
            self.article_id = result.article.id


def build_world(
    app: FastAPI, session_factory: SessionFactory, worker: InProcessWorker, state: str
) -> World:
    """Publications, accounts, sessions and the article in ``state`` (before any switch)."""
    world = World(app, session_factory, worker, state)
    _, public_pem, _ = keys()
    policy = "review-before-publish" if state.startswith("draft") else "publish-then-review"
    future = datetime.now(UTC) + timedelta(days=30)
    past = datetime.now(UTC) - timedelta(days=1)
    with session_scope(session_factory) as session:
        pub = repo.create_publication(
            session,
            slug="blick",
            name="Blick",
            language="de",
            premium_label="Blick+",
            notices={
                "de": "Die Zusammenfassung von Blick+-Artikeln ist unseren Nutzern mit Abo "
                "vorbehalten. Melde dich bitte an, falls du ein Abo hast."
            },
            review_policy=policy,
            jwt_public_keys=[public_pem],
            jwt_audience=AUDIENCE,
            allowed_origins=[LISTED_ORIGIN],
        )
        other = repo.create_publication(
            session,
            slug="zeitung",
            name="Zeitung",
            language="de",
            allowed_origins=[UNLISTED_ORIGIN],  # another publication's origin opens nothing here
        )
        users = {
            name: accounts.create_user(
                session,
                f"{name}@example.org",
                PASSWORD,
                role="editor" if name == "editor" else "reader",
            )
            for name in (
                "subscriber",
                "non-subscriber",
                "expired-subscriber",
                "other-publication-subscriber",
                "editor",
                "expired-session",
            )
        }
        accounts.add_subscription(session, users["subscriber"], pub, valid_until=future)
        accounts.add_subscription(session, users["expired-session"], pub, valid_until=future)
        accounts.add_subscription(
            session,
            users["expired-subscriber"],
            pub,
            valid_from=past - timedelta(days=60),
            valid_until=past,
        )
        accounts.add_subscription(session, users["other-publication-subscriber"], other)
        for name, user in users.items():
            world.sessions[name] = accounts.create_session(session, user, timedelta(days=1))
        session.execute(
            update(UserSession)
            .where(UserSession.user_id == users["expired-session"].id)
            .values(expires_at=past)
        )
        editor_id = users["editor"].id
    world.put_article(premium=state != "free-to-premium")
    worker.drain()
    editor = Actor("editor@example.org", editor_id)
    with session_scope(session_factory) as session:
        machine = session.scalars(select(SummaryVersion).order_by(SummaryVersion.id.desc())).first()
        assert machine is not None, "the worker made no summary"
        edited = editorial.edit(session, machine.id, MARKER_BULLETS, editor)
        if not state.startswith("draft"):
            summaries.approve(session, edited, editor, override=True, reason="leak test")
        if state == "retracted":
            summaries.retract(session, edited, editor, reason="leak test")
        world.summary_id = edited.id
    if state == "free-to-premium":
        world.put_article(premium=True)
    return world


@dataclass(frozen=True)
class Requester:
    """How one kind of reader calls: a session cookie and/or headers."""

    name: str
    cookie: str | None = None  # name of the world's session to send
    tamper: bool = False
    headers: Callable[[], dict[str, str]] = dict
    # cross-origin callers are about the reader API: a page a subscriber opens from a link
    # elsewhere is theirs to read, and a script elsewhere cannot read it (no CORS headers)
    api_only: bool = False

    def client(self, world: World) -> TestClient:
        client = TestClient(world.app)
        if self.cookie is not None:
            value = world.sessions[self.cookie]
            if self.tamper:
                value = value[:-4] + ("AAAA" if not value.endswith("AAAA") else "BBBB")
            client.cookies.set("kurzum_session", value)
        client.headers.update(self.headers())
        return client

    @property
    def bearer(self) -> bool:
        return "Authorization" in self.headers()


def _bearer(value: Callable[[], str]) -> Callable[[], dict[str, str]]:
    return lambda: {"Authorization": f"Bearer {value()}"}


NOT_ENTITLED = (
    Requester("anonymous"),
    Requester("non-subscriber", "non-subscriber"),
    Requester("expired-subscriber", "expired-subscriber"),
    Requester("other-publication-subscriber", "other-publication-subscriber"),
    Requester("tampered-cookie", "subscriber", tamper=True),
    Requester("expired-session", "expired-session"),
    Requester("forged-jwt", headers=_bearer(lambda: token(key=keys()[2]))),
    Requester("expired-jwt", headers=_bearer(lambda: token(exp=time.time() - 3600))),
    Requester("wrong-audience-jwt", headers=_bearer(lambda: token(aud="someone-else"))),
    Requester("jwt-of-other-publication", headers=_bearer(lambda: token(publication="zeitung"))),
    Requester("unsigned-jwt", headers=_bearer(lambda: token(alg="none"))),
    Requester("googlebot", headers=lambda: {"User-Agent": GOOGLEBOT}),
    Requester("spoofed-forwarded-for", headers=lambda: dict(SPOOFED_IP)),
    Requester("spoofed-referer", headers=lambda: dict(SPOOFED_REFERER)),
    Requester(
        "googlebot-everything",
        headers=lambda: {"User-Agent": GOOGLEBOT} | SPOOFED_IP | SPOOFED_REFERER,
    ),
    # CORS: a listed origin grants nothing by itself; an unlisted one gets no data even with
    # a subscriber's cookie or JWT
    Requester("listed-origin-anonymous", headers=lambda: {"Origin": LISTED_ORIGIN}),
    Requester(
        "listed-origin-non-subscriber", "non-subscriber", headers=lambda: {"Origin": LISTED_ORIGIN}
    ),
    Requester(
        "unlisted-origin-subscriber",
        "subscriber",
        headers=lambda: {"Origin": UNLISTED_ORIGIN},
        api_only=True,
    ),
    Requester(
        "unlisted-origin-jwt-subscriber",
        headers=lambda: {"Origin": UNLISTED_ORIGIN} | _bearer(token)(),
        api_only=True,
    ),
)
ENTITLED = (
    Requester("subscriber", "subscriber"),
    Requester("jwt-subscriber", headers=_bearer(token)),
    Requester(
        "listed-origin-jwt-subscriber", headers=lambda: {"Origin": LISTED_ORIGIN} | _bearer(token)()
    ),
)


def reader_facing(path: str) -> bool:
    """Reader API and pages (not the editor, admin or publisher surfaces)."""
    if path.startswith("/api/"):
        return path.startswith("/api/v1/reader") or path.startswith("/api/v1/auth")
    return not path.startswith("/editor")


_PARAM = re.compile(r"{([^}:]+)(?::[^}]*)?}")


def flat_routes(routes: list[Any], prefix: str = "") -> list[tuple[str, set[str]]]:
    """(path, methods) of every route, through included routers (FastAPI >= 0.16x nests them)."""
    out: list[tuple[str, set[str]]] = []
    for route in routes:
        nested = getattr(route, "original_router", None)
        if nested is not None:
            context = getattr(route, "include_context", None)
            out += flat_routes(list(nested.routes), prefix + str(getattr(context, "prefix", "")))
            continue
        path = getattr(route, "path", None)
        if path is not None:
            out.append((prefix + path, set(getattr(route, "methods", None) or ())))
    return out


def routes(app: FastAPI, world: World) -> list[str]:
    """Every GET path of the app, its parameters filled with the world's article and summary."""
    values = {
        "publication": "blick",
        "slug": "blick",
        "external_id": ARTICLE_ID,
        "summary_id": str(world.summary_id),
        "article_id": str(world.article_id),
        "id": str(world.summary_id),
    }
    paths = {
        _PARAM.sub(lambda m: values.get(m.group(1), "1"), path)
        for path, methods in flat_routes(list(app.routes))
        if "GET" in methods and not path.startswith(SKIPPED)
    }
    return sorted(paths)


def leaks(response: Response) -> list[str]:
    """Where a marker shows up in an answer: body or any header."""
    found = []
    body = response.text.lower()
    found += [f"body:{m}" for m in MARKERS if m in body]
    for name, value in response.headers.items():
        found += [f"header {name}:{m}" for m in MARKERS if m in value.lower()]
    return found


def cache_problems(response: Response, requester: Requester) -> list[str]:
    """Cache headers that would let a shared cache hand this answer to someone else."""
    control = response.headers.get("cache-control", "").lower()
    vary = response.headers.get("vary", "").lower()
    problems = []
    if "public" in control or "s-maxage" in control:
        problems.append(f"shared-cacheable: {control!r}")
    allowed = response.headers.get("access-control-allow-origin")
    if allowed is not None and allowed != LISTED_ORIGIN:
        problems.append(f"CORS answer for an origin that is not listed: {allowed!r}")
    if allowed is not None and "origin" not in vary:
        problems.append(f"CORS answer without Vary: Origin ({vary!r})")
    if leaks(response):  # an entitled answer
        if "private" not in control or "no-store" not in control:
            problems.append(f"entitled answer with Cache-Control {control!r}")
        if requester.cookie and "cookie" not in vary:
            problems.append(f"entitled by cookie without Vary: Cookie ({vary!r})")
        if requester.bearer and "authorization" not in vary:
            problems.append(f"entitled by token without Vary: Authorization ({vary!r})")
    elif response.status_code == 200 and "no-store" not in control and "private" not in control:
        problems.append(f"reader answer cacheable by shared caches: {control!r}")
    return problems


def get(client: TestClient, path: str) -> Response:
    return client.get(path, follow_redirects=False)


def report(client: TestClient, summary_id: int) -> Response:
    return client.post(
        f"/api/v1/reader/summaries/{summary_id}/reports", json={"bullet": 0, "message": "falsch"}
    )


def describe(
    requester: Requester, path: str, order: str, response: Response, problems: list[str]
) -> str:
    return f"{requester.name} {order} GET {path} -> {response.status_code}: {problems}"


def any_marker(responses: list[Response]) -> bool:
    return any(leaks(r) for r in responses)
