"""Saved HTML pages via trafilatura: title, date, body, lead; navigation and credits dropped."""

from __future__ import annotations

from pathlib import Path

import pytest

from kurzum.errors import EmptyInputError, InputError
from kurzum.ingest import load_article, sniff_format

FIXTURES = Path(__file__).parents[1] / "fixtures" / "ingest"


def test_german_page() -> None:
    article = load_article((FIXTURES / "de-page.html").read_bytes(), source_name="de-page.html")
    assert article.title == "Bern testet Velo-Vorzugsrouten"
    assert article.date == "2024-09-12"
    assert article.language == "de"
    assert article.paragraphs[0].startswith("Die Stadt Bern richtet ab Oktober")
    text = article.text
    for noise in (
        "Startseite",
        "(r.)",
        "Foto:",
        "Kritik vom Gewerbe",
        "Mehr zum Thema",
        "©",
        "Newsletter",
    ):
        assert noise not in text, noise
    assert "2,3 Millionen Franken" in text


def test_french_page_without_media_type_is_sniffed() -> None:
    data = (FIXTURES / "fr-page.html").read_bytes()
    article = load_article(data)
    assert article.language == "fr"
    assert article.date == "2025-01-20"
    assert "Article réservé" not in article.text and "Abonnez-vous" not in article.text
    assert len(article.paragraphs) == 3


def test_description_equal_to_first_paragraph_becomes_the_lead() -> None:
    article = load_article((FIXTURES / "en-page.html").read_text("utf-8"), media_type="text/html")
    assert article.lead == "A library book borrowed in 1954 has been returned to a branch in Leeds."
    assert article.text.startswith(article.lead)
    assert "Read more" not in article.text


def test_page_without_text_is_empty() -> None:
    with pytest.raises(EmptyInputError):
        load_article(
            "<html><body><nav><a href='/'>Home</a></nav></body></html>", media_type="text/html"
        )


def test_oversized_page_is_refused_quickly() -> None:
    page = "<html><body><article>" + "<p>Der Rat hat entschieden.</p>" * 200_000 + "</article>"
    with pytest.raises(InputError, match="larger than 5 MB"):
        load_article(page, media_type="text/html")


@pytest.mark.parametrize(
    ("text", "media_type", "name", "expected"),
    [
        ("<!DOCTYPE html><p>x</p>", None, None, "html"),
        ("  <html lang=de>", None, None, "html"),
        ('{"text": "x"}', None, None, "json"),
        ('{"text": "x"}\n{"text": "y"}\n', None, None, "jsonl"),
        ("Ein Satz.", None, None, "text"),
        ("Ein Satz.", None, "artikel.HTML", "html"),
        ("<p>x</p>", "text/plain; charset=utf-8", "a.html", "text"),
    ],
)
def test_format_sniffing(
    text: str, media_type: str | None, name: str | None, expected: str
) -> None:
    assert sniff_format(text, media_type, name) == expected
