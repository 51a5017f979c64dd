"""The one-query reader view agrees with the ORM rules it replaces, in every article state."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kurzum.errors import NotFoundError
from kurzum.labels import label
from kurzum.pipeline import text_from_plain
from kurzum.storage import accounts, reader, summaries
from kurzum.storage import articles as repo
from kurzum.storage.articles import ArticleInput
from kurzum.storage.audit import Actor
from kurzum.storage.tables import Article, SummaryVersion, utcnow

ACTOR = Actor("test")
BULLETS = [{"text": "Ein Satz.", "sources": [{"sentence": 0, "start": 0, "end": 9}]}]


def _article(db: Session, pub: Any, external_id: str, *, premium: bool = True) -> Article:
    text = text_from_plain("Titel", None, "Ein Satz. Noch ein Satz.")
    result = repo.upsert_article(
        db, pub, external_id, ArticleInput(text=text, language="de", premium=premium), ACTOR
    )
    db.commit()
    return result.article


def _version(db: Session, article: Article, number: int, state: str, **kw: Any) -> SummaryVersion:
    version = SummaryVersion(
        article_id=article.id,
        version=number,
        state=state,
        method=kw.pop("method", "extractive"),
        article_hash=kw.pop("article_hash", article.content_hash),
        language="de",
        bullets=BULLETS,
        faithfulness={"ok": True, "issues": []},
        **kw,
    )
    db.add(version)
    db.commit()
    return version


def _reference(db: Session, slug: str, external_id: str) -> tuple[int, int | None]:
    """(article id, served version id) by the ORM rules (get_article, served_summary)."""
    article = repo.get_article(db, repo.get_publication(db, slug), external_id)
    served = summaries.served_summary(db, article)
    return article.id, served.id if served is not None else None


def _view(engine: Engine, slug: str, external_id: str, token: str | None = None) -> Any:
    with engine.connect() as connection:
        return reader.reader_view(connection, slug, external_id, token)


STATES = [
    "no-summary",
    "published",
    "draft",
    "rejected",
    "retracted",
    "stale",
    "edited-article",
    "superseded-then-published",
    "two-published-newest-wins",
    "llm-reviewed",
]


@pytest.mark.parametrize("state", STATES)
def test_served_summary_matches_the_orm_rule(
    state: str, db: Session, engine: Engine, build: Any
) -> None:
    pub = build.publication()
    article = _article(db, pub, "a")
    expected: SummaryVersion | None = None
    if state == "published":
        expected = _version(db, article, 1, "published")
    elif state in ("draft", "rejected", "retracted"):
        _version(db, article, 1, state)
    elif state == "stale":
        _version(db, article, 1, "published", stale=True)
    elif state == "edited-article":
        _version(db, article, 1, "published", article_hash="0" * 64)
    elif state == "superseded-then-published":
        _version(db, article, 1, "superseded")
        expected = _version(db, article, 2, "published")
        _version(db, article, 3, "draft")
    elif state == "two-published-newest-wins":
        _version(db, article, 1, "published")
        expected = _version(db, article, 2, "published")
    elif state == "llm-reviewed":
        expected = _version(db, article, 1, "published", method="llm", model="m1", reviewed=True)
    view = _view(engine, "blick", "a")
    assert (view.article.id, view.summary.id if view.summary else None) == _reference(
        db, "blick", "a"
    )
    if expected is None:
        assert view.summary is None
        return
    assert view.summary is not None
    assert view.summary.bullets == BULLETS
    assert label(view.summary) == label(expected)
    assert view.publication.slug == "blick" and view.publication.notices == pub.notices
    assert view.article.premium is True and view.login is None


def test_deleted_unknown_and_other_publication_are_not_found(
    db: Session, engine: Engine, build: Any
) -> None:
    pub = build.publication()
    build.publication("other", name="Other")
    article = _article(db, pub, "a")
    _version(db, article, 1, "published")
    for slug, external_id in (("blick", "missing"), ("other", "a"), ("missing", "a")):
        with pytest.raises(NotFoundError):
            _view(engine, slug, external_id)
    article.deleted_at = utcnow()
    db.commit()
    with pytest.raises(NotFoundError):
        _view(engine, "blick", "a")
    with pytest.raises(NotFoundError):
        _reference(db, "blick", "a")


def test_premium_switch_is_seen_by_the_next_query(db: Session, engine: Engine, build: Any) -> None:
    pub = build.publication()
    article = _article(db, pub, "a", premium=False)
    assert _view(engine, "blick", "a").article.premium is False
    article.premium = True
    db.commit()
    assert _view(engine, "blick", "a").article.premium is True


def test_login_and_subscription_match_resolve_session_and_is_subscribed(
    db: Session, engine: Engine, build: Any
) -> None:
    pub = build.publication()
    other = build.publication("other", name="Other")
    _article(db, pub, "a")
    now = utcnow()
    day = timedelta(days=1)
    users = {
        "subscriber": (build.user("sub@example.org"), [(now - day, None)], pub),
        "expired": (build.user("exp@example.org"), [(now - 3 * day, now - day)], pub),
        "future": (build.user("fut@example.org"), [(now + day, None)], pub),
        "other-publication": (build.user("oth@example.org"), [(now - day, None)], other),
        "none": (build.user("none@example.org"), [], pub),
        "editor": (build.user("ed@example.org", role="editor"), [], pub),
    }
    tokens: dict[str, str] = {}
    for name, (user, windows, subscribed_to) in users.items():
        for start, until in windows:
            build.subscribe(user, subscribed_to, valid_from=start, valid_until=until)
        tokens[name] = accounts.create_session(db, user, timedelta(days=1))
    expired_user = build.user("old@example.org")
    build.subscribe(expired_user, pub)
    tokens["expired-session"] = accounts.create_session(db, expired_user, -timedelta(seconds=1))
    disabled = build.user("off@example.org")
    build.subscribe(disabled, pub)
    tokens["disabled-user"] = accounts.create_session(db, disabled, timedelta(days=1))
    disabled.disabled = True
    db.commit()
    tokens["unknown"] = "x" * 43
    tokens["too-long"] = tokens["subscriber"] + "x" * 200
    tokens["empty"] = ""

    for name, token in tokens.items():
        login = _view(engine, "blick", "a", token).login
        found = accounts.resolve_session(db, token)
        if found is None:
            assert login is None, name
            continue
        assert login is not None, name
        assert (login.user_id, login.role) == (found.user.id, found.user.role), name
        assert login.subscribed == accounts.is_subscribed(db, found.user.id, pub.id), name
    logged_in = {name for name, token in tokens.items() if _view(engine, "blick", "a", token).login}
    assert logged_in == {"subscriber", "expired", "future", "other-publication", "none", "editor"}
    assert _view(engine, "blick", "a", tokens["subscriber"]).login.subscribed
    assert not _view(engine, "blick", "a", tokens["expired"]).login.subscribed
    assert _view(engine, "blick", "a", tokens["editor"]).login.is_editor
