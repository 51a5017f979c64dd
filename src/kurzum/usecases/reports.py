"""A reader's "Fehler melden": only on a summary this reader may see."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from kurzum.errors import NotFoundError, ThrottledError
from kurzum.storage import summaries
from kurzum.storage.tables import ErrorReport, Publication


def report(
    session: Session,
    summary_id: int,
    bullet: int,
    message: str,
    user_id: int | None,
    entitled: Callable[[Publication], bool],
    client: str = "",
) -> ErrorReport:
    """File a report on bullet ``bullet`` (0-based) of the served version ``summary_id``.

    A version readers do not see (draft, superseded, premium without entitlement — decided by
    ``entitled`` for the article's publication) answers NotFoundError, as if it did not exist.
    Reports are throttled per ``client`` (an account or an address) and per summary
    (ThrottledError)."""
    version = summaries.get_version(session, summary_id)
    article = version.article
    served = summaries.served_summary(session, article)
    visible = served is not None and served.id == version.id
    if visible and article.premium:
        visible = entitled(article.publication)
    if not visible:
        raise NotFoundError(f"no summary {summary_id}")
    if not summaries.report_allowed(session, version.id, client):
        raise ThrottledError("too many error reports; try again later")
    filed = summaries.report_error(session, version, bullet, message, user_id, client)
    session.commit()
    return filed
