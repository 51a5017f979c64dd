"""Repository rules that the API tests do not reach directly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from kurzum.errors import ConflictError, InputError, NotFoundError
from kurzum.pipeline import text_from_plain
from kurzum.storage import accounts
from kurzum.storage import articles as repo
from kurzum.storage.articles import ArticleInput
from kurzum.storage.audit import Actor
from kurzum.storage.tables import utcnow

ACTOR = Actor("test")


def test_api_keys_are_stored_hashed_and_revocable(db: Session, build: Any) -> None:
    pub = build.publication()
    key, plain = repo.create_api_key(db, pub)
    assert plain not in key.key_hash and key.prefix in plain
    assert repo.find_api_key(db, plain) is key
    assert repo.find_api_key(db, plain + "x") is None
    assert repo.find_api_key(db, "nonsense") is None
    repo.revoke_api_key(db, key)
    assert repo.find_api_key(db, plain) is None
    with pytest.raises(InputError):
        repo.create_api_key(db, pub, scopes=("admin",))


def test_publication_rules(db: Session, build: Any) -> None:
    build.publication()
    with pytest.raises(ConflictError):
        repo.create_publication(db, slug="blick", name="B", language="de")
    with pytest.raises(InputError):
        repo.create_publication(db, slug="x", name="X", language="de", review_policy="never")
    with pytest.raises(NotFoundError):
        repo.get_publication(db, "missing")


def test_premium_change_is_audited_without_a_new_summary(db: Session, build: Any) -> None:
    pub = build.publication()
    text = text_from_plain("T", None, "Ein Satz. Noch ein Satz.")
    first = repo.upsert_article(db, pub, "a", ArticleInput(text=text, language="de"), ACTOR)
    switched = repo.upsert_article(
        db, pub, "a", ArticleInput(text=text, language="de", premium=True), ACTOR
    )
    assert switched.changed and not switched.needs_summary
    assert switched.article.premium is True
    assert first.article.id == switched.article.id


def test_subscription_validity_window(db: Session, build: Any) -> None:
    pub = build.publication()
    user = build.user("u@example.org")
    now = utcnow()
    accounts.add_subscription(db, user, pub, valid_from=now + timedelta(days=1))
    assert not accounts.is_subscribed(db, user.id, pub.id)
    assert accounts.is_subscribed(db, user.id, pub.id, now + timedelta(days=2))
    with pytest.raises(InputError):
        accounts.add_subscription(db, user, pub, valid_from=now, valid_until=now - timedelta(1))


def test_passwords_are_argon2_and_sessions_hashed(db: Session, build: Any) -> None:
    user = build.user("u@example.org", password="ein langes passwort")
    assert user.password_hash.startswith("$argon2")
    assert accounts.authenticate(db, "U@example.org ", "ein langes passwort") is user
    assert accounts.authenticate(db, "u@example.org", "falsch") is None
    token = accounts.create_session(db, user, timedelta(hours=1))
    found = accounts.resolve_session(db, token)
    assert found is not None and found.token_hash != token
    expired = accounts.create_session(db, user, timedelta(seconds=-1))
    assert accounts.resolve_session(db, expired) is None
    with pytest.raises(ConflictError):
        accounts.create_user(db, "u@example.org", "ein langes passwort")


def test_throttle_and_sessions_follow_an_injected_clock(db: Session, build: Any) -> None:
    """Time moves by hand: no sleeping until a throttle window or a session runs out."""
    now = [datetime(2026, 1, 1, 12, tzinfo=UTC)]

    def clock() -> datetime:
        return now[0]

    since = now[0] - timedelta(minutes=15)
    accounts.record_throttle_event(db, "email:a@example.org", clock())
    accounts.record_throttle_event(db, "email:a@example.org", clock())
    assert len(accounts.throttle_events(db, "email:a@example.org", since)) == 2
    now[0] += timedelta(minutes=15, seconds=1)
    assert accounts.throttle_events(db, "email:a@example.org", now[0] - timedelta(minutes=15)) == []
    accounts.expire_throttle_events(db, now[0] - timedelta(minutes=15))
    assert accounts.throttle_events(db, "email:a@example.org", since) == []

    user = build.user("clock@example.org")
    token = accounts.create_session(db, user, timedelta(hours=1), clock=clock)
    assert accounts.resolve_session(db, token, clock=clock) is not None
    now[0] += timedelta(hours=1)
    assert accounts.resolve_session(db, token, clock=clock) is None
