"""Text is NFC on the way in: a decomposed article and a composed bullet agree (issue 15)."""

from __future__ import annotations

import unicodedata

from kurzum.core import SummaryOptions, summarize
from kurzum.core.features import content_stems
from kurzum.faithfulness import check
from kurzum.ingest import load_article
from kurzum.models import Article, Bullet, Summary
from kurzum.pipeline import editor_bullets, text_from_plain
from kurzum.usecases.inputs import ArticleIn

TEXT = (
    "Zürich baut für 120 Millionen Franken ein neues Stadion.\n\n"
    "Der Stadtrat von Zürich hat am Montag dem Projekt zugestimmt. "
    "Die Bauarbeiten beginnen im Frühling."
)
NFD = unicodedata.normalize("NFD", TEXT)


def test_nfd_article_and_nfc_bullet_pass_the_faithfulness_check() -> None:
    assert NFD != TEXT
    article = load_article(NFD, media_type="text/plain", language="de")
    assert all(unicodedata.is_normalized("NFC", p) for p in article.paragraphs)
    bullet = Summary((Bullet("Das neue Stadion in Zürich kostet 120 Millionen Franken."),), "de")
    assert check(bullet, article).ok
    raw = Article(None, None, tuple(NFD.split("\n\n")), language="de")
    assert not check(bullet, raw).ok  # what happened before: "Zürich" flagged as unsupported


def test_nfd_bytes_are_normalised_too() -> None:
    article = load_article(NFD.encode("utf-8"), media_type="text/plain", language="de")
    assert "Zürich" in article.text


def test_german_stop_words_are_found_in_decomposed_input() -> None:
    article = load_article(NFD, media_type="text/plain", language="de")
    stems = content_stems(article.paragraphs[0], "de")
    assert stems == content_stems(TEXT.split("\n\n")[0], "de")
    assert summarize(article, SummaryOptions()).bullets


def test_api_input_and_editor_bullets_are_normalised() -> None:
    data = ArticleIn(title=unicodedata.normalize("NFD", "Zürich"), body=NFD)
    assert data.title == "Zürich" and data.body == TEXT
    assert text_from_plain(None, None, NFD).paragraphs[0] == TEXT.split("\n\n")[0]
    article = load_article(TEXT, media_type="text/plain")
    (bullet,) = editor_bullets([unicodedata.normalize("NFD", "Zürich wächst.")], (), article)
    assert bullet.text == "Zürich wächst."
