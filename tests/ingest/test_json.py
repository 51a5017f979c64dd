"""JSON and JSONL articles in the dev-data schema, plus premium."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kurzum.errors import InputError, KurzumError, UnsupportedLanguageError
from kurzum.ingest import iter_jsonl_articles, load_article
from kurzum.models import Article

FIXTURES = Path(__file__).parents[1] / "fixtures" / "ingest"


def test_record_fields_map_to_the_article() -> None:
    article = load_article((FIXTURES / "de-article.json").read_bytes(), source_name="a.json")
    assert article.id == "test-de:1"
    assert article.title == "Luzern bekommt ein neues Musikfestival"
    assert article.lead is not None and article.lead.startswith("Im Sommer 2026")
    assert article.premium is True
    assert article.date == "2025-02-01"
    assert article.language == "de"
    assert len(article.paragraphs) == 3  # the "(sda)" agency line is dropped
    assert "(sda)" not in article.text


def test_reference_summary_is_never_article_text() -> None:
    record = json.loads((FIXTURES / "de-article.json").read_text("utf-8"))
    record["summary"] = ["Ein geheimer Referenzsatz, der nie im Artikel steht."]
    article = load_article(json.dumps(record))
    assert "geheimer Referenzsatz" not in article.text


def test_caller_language_overrides_the_record() -> None:
    record = json.loads((FIXTURES / "fr-article.json").read_text("utf-8"))
    record["lang"] = "en"
    assert load_article(json.dumps(record)).language == "en"
    assert load_article(json.dumps(record), language="fr").language == "fr"


def test_regional_language_tags_are_accepted() -> None:
    record = json.loads((FIXTURES / "de-article.json").read_text("utf-8"))
    record["lang"] = "de-CH"
    assert load_article(json.dumps(record)).language == "de"


def test_unsupported_record_language_is_detected_and_refused() -> None:
    record = {
        "id": "x",
        "lang": "it",
        "text": "Il consiglio comunale ha approvato ieri sera il nuovo piano.",
    }
    with pytest.raises(UnsupportedLanguageError):
        load_article(json.dumps(record))


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ('{"id": 1}', "text"),
        ('{"text": ""}', "text"),
        ("[1, 2]", "JSON object"),
        ('{"text": "x",', "invalid JSON"),
        ('{"text": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested deeper than 64"),
    ],
)
def test_bad_records_are_input_errors(payload: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        load_article(payload, media_type="application/json")


def test_jsonl_batch_keeps_order_and_reports_bad_lines() -> None:
    lines = (FIXTURES / "batch.jsonl").read_text("utf-8").splitlines()
    results = list(iter_jsonl_articles(iter(lines)))
    assert len(results) == 5
    kinds = [type(result).__name__ for _record, result in results]
    assert kinds[:2] == ["Article", "Article"] and kinds[4] == "Article"
    assert isinstance(results[2][1], KurzumError) and results[2][0] is None
    assert isinstance(results[3][1], KurzumError)
    first = results[0][1]
    assert isinstance(first, Article) and first.id == "test-de:1"


def test_single_line_jsonl_is_one_article_and_more_is_refused() -> None:
    line = json.dumps(json.loads((FIXTURES / "fr-article.json").read_text("utf-8")))
    assert load_article(line + "\n", media_type="application/x-ndjson").id == "test-fr:1"
    with pytest.raises(InputError, match="2 articles"):
        load_article(line + "\n" + line + "\n", media_type="application/x-ndjson")
