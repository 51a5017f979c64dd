"""Ingestion under hostile input: any text, bytes, HTML or JSON: an Article or a KurzumError."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kurzum.errors import KurzumError
from kurzum.ingest import load_article
from kurzum.models import LANGUAGES, Article
from tests.properties.props_support import (
    HUGE_RSS_MB,
    PROPS,
    any_text,
    article_record,
    html_document,
    mixed_text,
    run_in_child,
)


def _load(data: bytes | str, media_type: str | None = None) -> Article | None:
    """Call load_article; None stands for a refusal by KurzumError (allowed), else it fails."""
    try:
        article = load_article(data, media_type=media_type)
    except KurzumError:
        return None
    assert isinstance(article, Article)
    assert all(isinstance(p, str) for p in article.paragraphs)
    assert article.language is None or article.language in LANGUAGES
    assert article.text.strip(), "an accepted article must carry text (else EmptyInputError)"
    return article


@PROPS
@given(any_text)
def test_any_unicode_text(text: str) -> None:
    _load(text)


@PROPS
@given(mixed_text())
def test_mixed_languages_and_control_chars_as_plain_text(text: str) -> None:
    _load(text, "text/plain")


@PROPS
@given(st.binary(max_size=4000))
def test_any_bytes(data: bytes) -> None:
    _load(data)


@PROPS
@given(mixed_text(), st.sampled_from(["utf-8", "utf-16", "latin-1", "cp1252", "utf-8-sig"]))
def test_text_in_other_encodings(text: str, encoding: str) -> None:
    _load(text.encode(encoding, errors="replace"))


@PROPS
@given(html_document())
def test_broken_and_nested_html(html: str) -> None:
    _load(html, "text/html")


@PROPS
@given(html_document())
def test_html_sniffed_without_media_type(html: str) -> None:
    _load(html.encode("utf-8"))


@PROPS
@given(article_record())
def test_json_records_with_wrong_fields(record: dict[str, object]) -> None:
    _load(json.dumps(record), "application/json")


@PROPS
@given(st.lists(article_record(), min_size=1, max_size=3))
def test_jsonl_lines(records: list[dict[str, object]]) -> None:
    for record in records:
        _load(json.dumps(record, ensure_ascii=False).encode("utf-8"), "application/json")


def test_deeply_nested_html_is_bounded() -> None:
    """100,000 nested elements: lxml's depth limit must not turn into a crash or a hang."""
    depth = 100_000
    html = "<html><body>" + "<div>" * depth + "Der Rat hat entschieden." + "</div>" * depth
    _load_bounded(html, "text/html")


def _load_bounded(data: str, media_type: str) -> None:
    """Load or refuse; a hang is caught by the test timeout, speed belongs to `make bench`."""
    with contextlib.suppress(KurzumError):
        load_article(data, media_type=media_type)


HUGE_CASES = {
    "text-paragraphs": (
        "text/plain",
        "('Der Bundesrat hat am 3. Oktober 2024 neue Regeln beschlossen. '"
        " 'Laut Dr. Meier (56) kostet das 11\\'000 Franken.\\n\\n') * 100_000",
    ),
    "text-one-line": ("text/plain", "'wort ' * 2_000_000"),
    "text-no-spaces": ("text/plain", "'x' * 10_000_000"),
    "html-paragraphs": (
        "text/html",
        "'<html><head><title>T</title></head><body><article>' + "
        "'<p>Der Bundesrat hat neue Regeln beschlossen, sagte Anna Meier in Bern.</p>' * 140_000"
        " + '</article></body></html>'",
    ),
    "json-huge-text": (
        "application/json",
        "__import__('json').dumps({'id': 'x', 'lang': 'de', 'title': 'T', 'lead': None,"
        " 'text': 'Der Rat hat entschieden. ' * 400_000})",
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(HUGE_CASES))
def test_ten_megabyte_inputs_are_bounded(case: str) -> None:
    """10 MB inputs: an Article or a clear refusal, within time and memory bounds."""
    media_type, expr = HUGE_CASES[case]
    result = run_in_child(
        f"""
        from kurzum.ingest import load_article
        data = {expr}
        assert len(data) >= 9_000_000, len(data)
        load_article(data, media_type={media_type!r})
        """
    )
    assert result.rss_mb < HUGE_RSS_MB, result
