"""Plain-text articles: header lines, title line, paragraphs, noise."""

from __future__ import annotations

from pathlib import Path

from kurzum.ingest import load_article
from kurzum.ingest.text import parse_text

FIXTURES = Path(__file__).parents[1] / "fixtures" / "ingest"
DEMO = Path(__file__).parents[2] / "demo" / "blick-plus-nordkorea-2024-10.txt"


def test_demo_header_line_becomes_metadata_and_notice_is_dropped() -> None:
    article = load_article(DEMO.read_bytes(), source_name=DEMO.name)
    assert article.date == "2024-10"
    assert article.language == "de"
    assert article.title is None
    assert article.paragraphs[0].startswith("Nordkoreanische Soldaten sterben")
    text = article.text
    assert "Blick+" not in text and "Abo" not in text
    assert "(l.)" not in text  # the photo caption
    assert "Nordkorea und Russland spannen zusammen" not in text  # a subheading
    assert "11'000 Schiffscontainer" in text  # numbers untouched


def test_noise_of_the_fixture_never_reaches_the_article() -> None:
    article = load_article((FIXTURES / "de-blick-header.txt").read_bytes())
    text = article.text
    for noise in (
        "Abo",
        "Foto:",
        "(l.)",
        "Mehr zum Thema",
        "Lesen Sie",
        "Instagram",
        "Ein Bad für",
    ):
        assert noise not in text, noise
    assert article.date == "2024-11"
    assert len(article.paragraphs) == 3
    assert "Hans Meier (58)" in text


def test_header_keys_and_soft_wraps() -> None:
    article = load_article((FIXTURES / "de-metadata.txt").read_text("utf-8"))
    assert article.title == "Zürcher Tram fährt bald bis nach Stettbach"
    assert article.url == "https://example.ch/zuerich/tram-stettbach"
    assert article.premium is True
    assert article.publisher == "example.ch"
    assert article.paragraphs[0].endswith(
        "zugestimmt. Die Kosten belaufen sich auf rund 95 Millionen Franken."
    )


def test_first_short_line_is_the_title() -> None:
    article = load_article((FIXTURES / "fr-agence.txt").read_bytes())
    assert article.title == "Genève accueillera les championnats d'Europe de natation en 2027"
    assert article.language == "fr"
    assert "(ats)" not in article.text and "Lire aussi" not in article.text
    assert "Comment financer" not in article.text and "Photo:" not in article.text


def test_a_single_sentence_first_line_is_not_a_title() -> None:
    draft = parse_text("Der Rat hat entschieden.\nDas Bad wird gebaut.")
    assert draft.title is None
    assert draft.paragraphs == ("Der Rat hat entschieden. Das Bad wird gebaut.",)


def test_unknown_header_values_stay_text() -> None:
    draft = parse_text("date night in Paris was a success for the team\n\nMore text follows here.")
    assert draft.date is None
    assert draft.title == "date night in Paris was a success for the team"


def test_daily_mail_layout_is_cleaned() -> None:
    article = load_article((FIXTURES / "en-dailymail.txt").read_bytes(), source_name="a.txt")
    text = article.text
    for noise in ("By .", "PUBLISHED", "UPDATED", "Brave:", "Scroll down", " . "):
        assert noise not in text, noise
    assert text.startswith("A lighthouse keeper on the Isle of Skye")
    assert "said one of them, adding that" in text
