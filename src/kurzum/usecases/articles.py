"""A publisher's articles: put (create or update, idempotent) and delete."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kurzum.storage import articles as repo
from kurzum.storage.articles import ArticleInput, UpsertResult
from kurzum.storage.audit import Actor
from kurzum.storage.tables import Publication
from kurzum.usecases.dispatch import Dispatcher, wake_webhooks


def put_article(
    session: Session,
    dispatcher: Dispatcher,
    pub: Publication,
    external_id: str,
    data: ArticleInput,
    actor: Actor,
) -> UpsertResult:
    """Store the article; a new or changed text wakes a worker after the commit."""
    try:
        result = repo.upsert_article(session, pub, external_id, data, actor)
        session.commit()
    except IntegrityError:  # a concurrent PUT created the same article first: apply ours on top
        session.rollback()
        result = repo.upsert_article(session, pub, external_id, data, actor)
        session.commit()
    if result.needs_summary:
        dispatcher.summarize(result.article.id, result.article.content_hash)
    return result


def delete(
    session: Session, dispatcher: Dispatcher, pub: Publication, external_id: str, actor: Actor
) -> None:
    """Delete (retract) an article: readers stop seeing its summary at once; the publication's
    webhook gets ``article.deleted``."""
    repo.delete_article(session, repo.get_article(session, pub, external_id), actor)
    session.commit()
    wake_webhooks(session, dispatcher)


class Batch:
    """Many puts in one transaction (the bulk JSONL upload): each article in a savepoint, so a
    bad line is rolled back alone; :meth:`commit` commits, then wakes the workers."""

    def __init__(self, session: Session, dispatcher: Dispatcher, pub: Publication, actor: Actor):
        self.session, self.dispatcher, self.pub, self.actor = session, dispatcher, pub, actor
        self._wake: list[tuple[int, str]] = []

    def put(self, external_id: str, data: ArticleInput) -> UpsertResult:
        """Store one article (IntegrityError: changed concurrently, this line is undone)."""
        with self.session.begin_nested():
            result = repo.upsert_article(self.session, self.pub, external_id, data, self.actor)
        if result.needs_summary:
            self._wake.append((result.article.id, result.article.content_hash))
        return result

    def commit(self) -> None:
        """Commit every stored line, then wake a worker for each new or changed text."""
        self.session.commit()
        for article_id, content_hash in self._wake:
            self.dispatcher.summarize(article_id, content_hash)
        self._wake.clear()
