"""Issue 14: no lockouts, bounded hashing, throttled registration (clock injected, no sleeping)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient

from kurzum.errors import BusyError
from kurzum.storage.tables import utcnow
from kurzum.usecases.throttle import Backoff, Ceiling, RateLimit
from tests.conftest import PASSWORD, run_async
from tests.web.conftest import World

LOGIN = "/api/v1/auth/login"
WRONG = {"email": "sub@example.org", "password": "x" * 12}
RIGHT = {"email": "sub@example.org", "password": PASSWORD}


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.at = utcnow()

    def __call__(self) -> datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


def _clock(app: FastAPI) -> FakeClock:
    clock = FakeClock()
    app.state.clock = clock
    return clock


def _client(app: FastAPI, address: str) -> TestClient:
    return TestClient(app, client=(address, 40000))


def test_backoff_grows_and_is_capped() -> None:
    t0 = utcnow()
    policy = Backoff(free=3, base=1.0, cap=8.0)
    times = [t0] * 3
    assert policy.wait(times[:2], t0) == 0
    assert policy.wait(times, t0) == 1.0
    assert policy.wait([t0] * 5, t0) == 4.0
    assert policy.wait([t0] * 30, t0) == 8.0
    assert policy.wait([t0] * 30, t0 + timedelta(seconds=8)) == 0


def test_ceiling_and_rate_limit() -> None:
    t0 = utcnow()
    assert Ceiling(threshold=3, interval=10).wait([t0, t0], t0) == 0
    assert Ceiling(threshold=3, interval=10).wait([t0] * 3, t0 + timedelta(seconds=4)) == 6
    limit = RateLimit(2, timedelta(hours=1))
    assert limit.wait([t0], t0) == 0
    assert limit.wait([t0, t0], t0 + timedelta(minutes=30)) == 1800
    assert limit.wait([t0, t0], t0 + timedelta(hours=1)) == 0


def test_failures_from_one_client_do_not_lock_out_the_owner_elsewhere(
    world: World, app: FastAPI
) -> None:
    _clock(app)
    attacker = _client(app, "203.0.113.9")
    for _ in range(30):
        attacker.post(LOGIN, json=WRONG)
    owner = _client(app, "198.51.100.7")
    assert owner.post(LOGIN, json=RIGHT).status_code == 200


def test_owner_gets_in_with_the_right_password_after_a_short_delay(
    world: World, app: FastAPI
) -> None:
    clock = _clock(app)
    client = _client(app, "198.51.100.7")
    for _ in range(5):
        assert client.post(LOGIN, json=WRONG).status_code == 401
    blocked = client.post(LOGIN, json=RIGHT)
    assert blocked.status_code == 429
    assert blocked.headers["Retry-After"] == "1"
    clock.advance(1)
    assert client.post(LOGIN, json=RIGHT).status_code == 200


def test_a_client_behind_the_same_address_is_not_blocked_for_other_accounts(
    world: World, app: FastAPI
) -> None:
    _clock(app)
    office = _client(app, "192.0.2.1")
    for n in range(30):
        office.post(LOGIN, json={"email": f"u{n}@example.org", "password": "x" * 12})
    colleague = _client(app, "192.0.2.1")
    assert colleague.post(LOGIN, json=RIGHT).status_code == 200


def test_delays_double_per_pair(world: World, app: FastAPI) -> None:
    clock = _clock(app)
    client = _client(app, "198.51.100.7")
    for _ in range(5):
        client.post(LOGIN, json=WRONG)
    waits = []
    for _ in range(4):
        answer = client.post(LOGIN, json=WRONG)
        assert answer.status_code == 429
        wait = int(answer.headers["Retry-After"])
        waits.append(wait)
        clock.advance(wait)
        assert client.post(LOGIN, json=WRONG).status_code == 401
    assert waits == [1, 2, 4, 8]


def test_account_ceiling_slows_distributed_guessing_but_not_a_known_browser(
    world: World, app: FastAPI
) -> None:
    clock = _clock(app)
    owner = _client(app, "198.51.100.7")
    assert owner.post(LOGIN, json=RIGHT).status_code == 200  # sets the device cookie
    owner.cookies.delete("kurzum_session")
    for n in range(20):
        _client(app, f"203.0.113.{n + 1}").post(LOGIN, json=WRONG)
    stranger = _client(app, "203.0.113.200")
    slowed = stranger.post(LOGIN, json=WRONG)
    assert slowed.status_code == 429
    assert int(slowed.headers["Retry-After"]) == 10
    assert owner.post(LOGIN, json=RIGHT).status_code == 200  # the known browser is exempt
    clock.advance(10)
    assert stranger.post(LOGIN, json=WRONG).status_code == 401  # slowed, not locked


def test_registration_is_throttled_per_client(world: World, app: FastAPI) -> None:
    clock = _clock(app)
    client = _client(app, "198.51.100.7")
    for n in range(10):
        answer = client.post(
            "/api/v1/auth/register", json={"email": f"n{n}@example.org", "password": "y" * 14}
        )
        assert answer.status_code == 202
    refused = client.post(
        "/api/v1/auth/register", json={"email": "n99@example.org", "password": "y" * 14}
    )
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "too_many_requests"
    other = _client(app, "198.51.100.8")
    ok = other.post("/api/v1/auth/register", json={"email": "m@example.org", "password": "y" * 14})
    assert ok.status_code == 202
    clock.advance(3600)
    again = client.post(
        "/api/v1/auth/register", json={"email": "n99@example.org", "password": "y" * 14}
    )
    assert again.status_code == 202


def test_hashing_is_bounded_and_excess_gets_503(world: World, app: FastAPI) -> None:
    import asyncio

    from kurzum.web.limits import HashGate

    async def scenario() -> list[str]:
        gate = HashGate(slots=1, wait=0.05)
        held = asyncio.Event()
        release = asyncio.Event()
        outcomes: list[str] = []

        async def holder() -> None:
            async with gate.slot():
                held.set()
                await release.wait()
            outcomes.append("first done")

        async def latecomer() -> None:
            await held.wait()
            try:
                async with gate.slot():
                    outcomes.append("second got in")
            except Exception as exc:
                outcomes.append(type(exc).__name__ + ":" + str(getattr(exc, "retry_after", "")))
            release.set()

        await asyncio.gather(holder(), latecomer())
        return outcomes

    assert run_async(scenario()) == ["BusyError:2", "first done"]


def test_busy_hashing_answers_503_with_retry_after(world: World, app: FastAPI) -> None:
    from kurzum.web.limits import HashGate

    app.state.hash_gate = HashGate(slots=0, wait=0)
    answer = TestClient(app).post(LOGIN, json=RIGHT)
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "2"
    assert answer.json()["error"]["code"] == "busy"


def test_registration_can_be_closed(world: World, app: FastAPI) -> None:
    app.state.settings = app.state.settings.model_copy(update={"registration_open": False})
    answer = TestClient(app).post(
        "/api/v1/auth/register", json={"email": "neu@example.org", "password": "y" * 14}
    )
    assert answer.status_code == 403


class CountingGate:
    """A hashing gate that refuses every slot (as if all were busy) and counts the requests."""

    def __init__(self) -> None:
        self.asked = 0

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        self.asked += 1
        raise BusyError("too many logins and registrations at once; try again", retry_after=2)
        yield  # pragma: no cover - never reached


def test_throttled_registration_never_asks_for_a_hashing_slot(world: World, app: FastAPI) -> None:
    """The attempt is counted before a slot is taken: a throttled client gets 429 (not 503 after
    waiting for a slot), and the attempts spent while hashing was busy still count."""
    clock = _clock(app)
    limit = app.state.settings.register_max_per_client
    gate = CountingGate()
    app.state.hash_gate = gate
    client = _client(app, "198.51.100.7")
    form = TestClient(app, client=("198.51.100.7", 40001))
    for n in range(limit):
        body = {"email": f"n{n}@example.org", "password": "y" * 14}
        assert client.post("/api/v1/auth/register", json=body).status_code == 503
    assert gate.asked == limit
    refused = client.post(
        "/api/v1/auth/register", json={"email": "n99@example.org", "password": "y" * 14}
    )
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "too_many_requests"
    page = form.get("/account/register")
    csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    answer = form.post(
        "/account/register",
        data={"email": "p@example.org", "password": "y" * 14, "csrf_token": csrf},
    )
    assert answer.status_code == 429
    assert gate.asked == limit  # neither throttled attempt asked for a slot
    clock.advance(3600)
    assert (
        client.post(
            "/api/v1/auth/register", json={"email": "q@example.org", "password": "y" * 14}
        ).status_code
        == 503
    )
    assert gate.asked == limit + 1


def test_weak_passwords_are_refused_without_a_slot_and_not_counted(
    world: World, app: FastAPI
) -> None:
    _clock(app)
    gate = CountingGate()
    app.state.hash_gate = gate
    client = _client(app, "198.51.100.9")
    limit = app.state.settings.register_max_per_client
    for _ in range(limit + 2):
        weak = client.post(
            "/api/v1/auth/register", json={"email": "w@example.org", "password": "short"}
        )
        assert weak.status_code == 422
    assert gate.asked == 0
    body = {"email": "w@example.org", "password": "y" * 14}
    assert client.post("/api/v1/auth/register", json=body).status_code == 503  # not throttled
