"""Publisher API (API key per publication): PUT/GET/DELETE an article by CMS id, bulk JSONL."""

from __future__ import annotations

from json import JSONDecodeError
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Request, Response
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from kurzum.errors import KurzumError, PayloadTooLargeError
from kurzum.storage import articles as repo
from kurzum.storage import summaries
from kurzum.storage.articles import ArticleInput
from kurzum.storage.tables import ApiKey, Article, Publication
from kurzum.text import load_json, text_ok
from kurzum.usecases import articles, inputs
from kurzum.usecases.dispatch import Dispatcher
from kurzum.web.deps import (
    DispatcherDep,
    PublisherKey,
    SessionDep,
    SettingsDep,
    actor_of_key,
    require_scope,
)
from kurzum.web.errors import ERROR_RESPONSES, validation_fields
from kurzum.web.jsonl import Line, jsonl_lines
from kurzum.web.schemas import (
    ArticleIn,
    ArticleStatusOut,
    BulkArticleIn,
    BulkLineOut,
    BulkOut,
    ExternalId,
    PutArticleOut,
    SummaryOut,
)

router = APIRouter(prefix="/api/v1/publisher", tags=["publisher"], responses=ERROR_RESPONSES)
ExternalIdPath = Annotated[ExternalId, Path(description="The article's id in the CMS.")]


def article_status(session: Session, article: Article) -> ArticleStatusOut:
    """An article with its latest summary version and the id of the one readers see."""
    latest = summaries.latest_version(session, article)
    served = summaries.served_summary(session, article)
    return ArticleStatusOut(
        publication=article.publication.slug,
        external_id=article.external_id,
        url=article.url,
        title=article.title,
        language=article.language,
        premium=article.premium,
        status=article.status,
        error=article.error,
        attempts=article.attempts,
        content_hash=article.content_hash,
        published_at=article.published_at,
        updated_at=article.updated_at,
        created_at=article.created_at,
        modified_at=article.modified_at,
        summary=SummaryOut.of(latest) if latest else None,
        served_summary_id=served.id if served else None,
    )


def to_input(data: ArticleIn, pub: Publication) -> ArticleInput:
    """Validate and convert the payload (HTML through ingestion) into a storable article."""
    return inputs.to_input(data, pub.language)


@router.put("/articles/{external_id}", summary="Create or update an article (idempotent)")
def put_article(
    external_id: ExternalIdPath,
    data: ArticleIn,
    key: PublisherKey,
    session: SessionDep,
    dispatcher: DispatcherDep,
    response: Response,
) -> PutArticleOut:
    """Store the article; a changed body makes the current summary stale and queues a new one.

    The answer carries the summary only when the key may also read (``articles:read``)."""
    require_scope(key, "articles:write")
    pub = key.publication
    result = articles.put_article(
        session, dispatcher, pub, external_id, to_input(data, pub), actor_of_key(key)
    )
    response.status_code = 201 if result.created else 200
    status = article_status(session, result.article)
    if "articles:read" not in key.scopes:  # a write-only key learns the status, not the bullets
        status = status.model_copy(update={"summary": None})
    return PutArticleOut(**status.model_dump(), created=result.created, changed=result.changed)


@router.get("/articles/{external_id}", summary="An article and its summary status")
def get_article(
    external_id: ExternalIdPath, key: PublisherKey, session: SessionDep
) -> ArticleStatusOut:
    """The article as stored, its status, its latest summary version and the served one."""
    require_scope(key, "articles:read")
    return article_status(session, repo.get_article(session, key.publication, external_id))


@router.delete("/articles/{external_id}", status_code=204, summary="Delete (retract) an article")
def delete_article(
    external_id: ExternalIdPath, key: PublisherKey, session: SessionDep, dispatcher: DispatcherDep
) -> Response:
    """Readers stop seeing the article's summary at once; the history is kept."""
    require_scope(key, "articles:write")
    articles.delete(session, dispatcher, key.publication, external_id, actor_of_key(key))
    return Response(status_code=204)


BULK_FACTOR = 25  # the bulk body may be this many times max_body_bytes (checked after the key)
BULK_MAX_LINES = 10_000
BULK_BATCH = 200  # lines stored per thread hop while the body streams in


def _line_error(number: int, external_id: str | None, message: str) -> BulkLineOut:
    return BulkLineOut(line=number, external_id=external_id, result="error", error=message[:500])


def _bulk_line(batch: articles.Batch, line: Line) -> BulkLineOut:
    """Store one JSONL line (its own savepoint); a bad line is reported, never fatal."""
    number = line.number
    if line.text is None:
        return _line_error(number, None, "line too long")
    external_id: str | None = None
    try:
        raw = load_json(line.text)  # nesting measured before parsing
        if isinstance(raw, dict) and isinstance(raw.get("external_id"), str):
            external_id = raw["external_id"] if text_ok(raw["external_id"]) else None
        item = BulkArticleIn.model_validate(raw)
        result = batch.put(item.external_id, to_input(item, batch.pub))
    except JSONDecodeError:
        return _line_error(number, None, "not valid JSON")
    except ValidationError as exc:
        fields = ", ".join(f"{f.field}: {f.message}" for f in validation_fields(exc.errors()))
        return _line_error(number, external_id, fields)
    except IntegrityError:
        return _line_error(number, external_id, "changed concurrently; send the line again")
    except KurzumError as exc:
        return _line_error(number, external_id, str(exc))
    outcome: Literal["created", "updated", "unchanged"] = (
        "created" if result.created else "updated" if result.changed else "unchanged"
    )
    return BulkLineOut(line=number, external_id=item.external_id, result=outcome)


def _new_batch(session: Session, dispatcher: Dispatcher, key: ApiKey) -> articles.Batch:
    return articles.Batch(session, dispatcher, key.publication, actor_of_key(key))


def _bulk_batch(batch: articles.Batch, lines: list[Line], results: list[BulkLineOut]) -> None:
    results.extend(_bulk_line(batch, line) for line in lines)


@router.post(
    "/articles/bulk",
    summary="Create or update many articles from JSONL",
    openapi_extra={
        "requestBody": {
            "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
            "required": True,
        }
    },
)
async def bulk_articles(
    request: Request,
    key: PublisherKey,
    session: SessionDep,
    dispatcher: DispatcherDep,
    settings: SettingsDep,
) -> BulkOut:
    """One article object (with ``external_id``) per line; a bad line is reported, not fatal.

    The body may be ``25 × max_body_bytes`` (one line at most ``max_body_bytes``); it is read
    only after the key was checked, and stored in batches as it streams in (one transaction)."""
    require_scope(key, "articles:write")
    limit = settings.max_body_bytes * BULK_FACTOR
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise PayloadTooLargeError(f"the request body exceeds {limit} bytes")
    batch = await run_in_threadpool(_new_batch, session, dispatcher, key)
    results: list[BulkLineOut] = []
    pending: list[Line] = []
    lines = jsonl_lines(
        request.stream(),
        max_total=limit,
        max_line=settings.max_body_bytes,
        max_lines=BULK_MAX_LINES,
    )
    async for line in lines:
        pending.append(line)
        if len(pending) >= BULK_BATCH:
            await run_in_threadpool(_bulk_batch, batch, pending, results)
            pending = []
    await run_in_threadpool(_bulk_batch, batch, pending, results)
    await run_in_threadpool(batch.commit)
    errors = sum(1 for r in results if r.result == "error")
    return BulkOut(accepted=len(results) - errors, errors=errors, lines=results)
