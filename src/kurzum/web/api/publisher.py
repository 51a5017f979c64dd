"""Publisher API (API key per publication): PUT/GET/DELETE an article by CMS id, bulk JSONL."""

from __future__ import annotations

import json
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Request, Response
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from kurzum.errors import DecodeError, InputError, KurzumError
from kurzum.storage import articles as repo
from kurzum.storage import summaries
from kurzum.storage.articles import ArticleInput
from kurzum.storage.tables import ApiKey, Article, Publication
from kurzum.usecases import articles, inputs
from kurzum.usecases.dispatch import Dispatcher
from kurzum.web.deps import (
    DispatcherDep,
    PublisherKey,
    SessionDep,
    actor_of_key,
    require_scope,
)
from kurzum.web.errors import ERROR_RESPONSES, validation_fields
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
    """Store the article; a changed body makes the current summary stale and queues a new one."""
    require_scope(key, "articles:write")
    pub = key.publication
    result = articles.put_article(
        session, dispatcher, pub, external_id, to_input(data, pub), actor_of_key(key)
    )
    response.status_code = 201 if result.created else 200
    status = article_status(session, result.article)
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


def _bulk(session: Session, key: ApiKey, dispatcher: Dispatcher, lines: list[str]) -> BulkOut:
    pub = key.publication
    batch = articles.Batch(session, dispatcher, pub, actor_of_key(key))
    results: list[BulkLineOut] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        external_id: str | None = None
        try:
            raw = json.loads(line)
            if isinstance(raw, dict) and isinstance(raw.get("external_id"), str):
                external_id = raw["external_id"]
            item = BulkArticleIn.model_validate(raw)
            result = batch.put(item.external_id, to_input(item, pub))
        except json.JSONDecodeError:
            results.append(
                BulkLineOut(line=number, external_id=None, result="error", error="not valid JSON")
            )
            continue
        except ValidationError as exc:
            fields = ", ".join(f"{f.field}: {f.message}" for f in validation_fields(exc.errors()))
            results.append(
                BulkLineOut(
                    line=number, external_id=external_id, result="error", error=fields[:500]
                )
            )
            continue
        except IntegrityError:
            results.append(
                BulkLineOut(
                    line=number,
                    external_id=external_id,
                    result="error",
                    error="changed concurrently; send the line again",
                )
            )
            continue
        except KurzumError as exc:
            results.append(
                BulkLineOut(
                    line=number, external_id=external_id, result="error", error=str(exc)[:500]
                )
            )
            continue
        outcome: Literal["created", "updated", "unchanged"] = (
            "created" if result.created else "updated" if result.changed else "unchanged"
        )
        results.append(BulkLineOut(line=number, external_id=item.external_id, result=outcome))
    batch.commit()
    errors = sum(1 for r in results if r.result == "error")
    return BulkOut(accepted=len(results) - errors, errors=errors, lines=results)


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
    request: Request, key: PublisherKey, session: SessionDep, dispatcher: DispatcherDep
) -> BulkOut:
    """One article object (with ``external_id``) per line; a bad line is reported, not fatal."""
    require_scope(key, "articles:write")
    raw = await request.body()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DecodeError("the body is not UTF-8") from exc
    lines = text.splitlines()
    if len(lines) > 10_000:
        raise InputError("at most 10000 lines per request")
    return await run_in_threadpool(_bulk, session, key, dispatcher, lines)
