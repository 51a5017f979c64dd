"""Sentence splitting of tricky German, French and English news lines.

Most lines are short excerpts hand-copied from ../shared/data/dev (20 Minuten, Blick, Krone,
Le Monde, CNN/Daily Mail); a few are written for the case.
"""

from __future__ import annotations

import pytest

from kurzum.core.segment import split_article, split_text
from kurzum.models import Article, Language

CASES: list[tuple[Language, list[str]]] = [
    # abbreviations
    ("de", ["Das kostet z. B. 2,5 Mio. Fr. pro Jahr.", "Dr. Müller widerspricht."]),
    (
        "de",
        ["Er wohnt an der Hauptstr. Nr. 5 im 3. Stock.", "Das ist u. a. laut ca. 20 Zeugen so."],
    ),
    (
        "de",
        [
            "In Fleisch aus dem Kanton St. Gallen wurden zu viele Chemikalien gefunden.",
            "Der Kanton teilte das mit.",
        ],
    ),
    ("de", ["Das sagt Dr. Alexander Schwarz.", "Der Jurist ist beim ECCHR."]),
    ("de", ["Das 20. Jh. war hart.", "Heute ist es anders."]),
    # ordinals and dates
    ("de", ["Am 27. Januar finden im Fürstentum die Feierlichkeiten statt.", "Alle kommen."]),
    ("de", ["Er war in der 84. Minute zusammengebrochen.", "Er starb am Dienstag."]),
    (
        "de",
        ["Es war der 26. Januar des Jahres, der für beide Gold brachte.", "Danach feierten sie."],
    ),
    ("de", ["Er feierte am Samstag seinen 56. Geburtstag.", "Das Fest war gross."]),
    ("de", ["Das geschah im Jahr 2019.", "Danach wurde es ruhig."]),
    # ages, numbers
    (
        "de",
        [
            "Am Donnerstag dementierte Kremlsprecher Dmitri Peskow (56) diese Berichte.",
            "Laut Kim Yong Hyun (65) sei dies nicht das erste Mal.",
        ],
    ),
    (
        "de",
        [
            "Seit 2022 sollen 11'000 Schiffscontainer Häfen verlassen haben.",
            "Als Grosskaliber gelten Waffen ab 9,53 Millimeter.",
        ],
    ),
    (
        "de",
        [
            "Sie erschien mit Albert (63) und den Zwillingen Jaques und Gabrielle (7).",
            "Die Hinweise mehren sich.",
        ],
    ),
    # quotes and colons
    (
        "de",
        [
            "Sie stellte fest: «Das war zweifelsfrei Andrea mit den Zwillingen.»",
            "Weitere Recherchen zeigen das.",
        ],
    ),
    (
        "de",
        [
            "Schwab sagte: „Es ist schon sehr heiß, aber wir tun unser Bestes.“",
            "In der Schule gab es einen Lesetag.",
        ],
    ),
    ("de", ["«Kommt er?», fragte sie.", "«Ja!»", "Dann ging sie."]),
    (
        "de",
        [
            "Das geht aus Berichten hervor: Sechs Nordkoreaner kamen ums Leben.",
            "Mit welchem Auftrag, ist unklar.",
        ],
    ),
    ("de", ["Sie zieht über die Schweiz.", "Die Orkanböen erreichen 100 km/h."]),
    # French
    ("fr", ["M. Grenell s’en est pris au régime iranien.", "Mme Dupont a répondu."]),
    ("fr", ["Ils sont arrivés le 3 oct. 2024 à Paris.", "Voir cf. p. 12 pour les détails."]),
    ("fr", ["Cela coûte 1,5 mio. de francs.", "«C'est fini.»", "Il est parti."]),
    ("fr", ["Si l'on débourse 39 fr. 90 de plus, on obtient un magasin.", "Bref: c'est cher."]),
    # English
    (
        "en",
        [
            "At the time, a U.S. State Department spokeswoman called it a violation.",
            "Mr. Smith agreed.",
        ],
    ),
    ("en", ["They met at 5 p.m. on Tuesday.", "Nothing happened."]),
    (
        "en",
        ["Mr Collins, from the 2nd Battalion,. Royal Regiment of Fusiliers, died.", "He was 20."],
    ),
    (
        "en",
        [
            "Up for the battle: Michael Doyle (left) challenges Kyle Vassell .",
            "Bristol City were held to a draw.",
        ],
    ),
]


@pytest.mark.parametrize(("language", "sentences"), CASES)
def test_tricky_lines_split_exactly(language: Language, sentences: list[str]) -> None:
    text = " ".join(sentences)
    assert [text[a:b] for a, b in split_text(text, language)] == sentences


def test_glued_sentences_are_split_where_scraping_lost_the_space() -> None:
    text = "Hendrik zieht über die Schweiz.Die Orkanböen erreichen 100 km/h."
    assert [text[a:b] for a, b in split_text(text, "de")] == [
        "Hendrik zieht über die Schweiz.",
        "Die Orkanböen erreichen 100 km/h.",
    ]


def test_headings_without_full_stop_and_line_breaks_are_boundaries() -> None:
    text = "Nordkorea und Russland spannen zusammen\nDie Beziehung ist eng. Sie wächst."
    assert [text[a:b] for a, b in split_text(text, "de")] == [
        "Nordkorea und Russland spannen zusammen",
        "Die Beziehung ist eng.",
        "Sie wächst.",
    ]


def test_offsets_point_into_article_text() -> None:
    article = Article(
        title="Titel",
        lead="Der Lead am 3. Oktober.  Zweiter Satz!",
        paragraphs=("Erster Absatz von Dr. Müller.", "  Zweiter Absatz? Ja."),
    )
    sentences = split_article(article, "de")
    assert [s.text for s in sentences] == [
        "Der Lead am 3. Oktober.",
        "Zweiter Satz!",
        "Erster Absatz von Dr. Müller.",
        "Zweiter Absatz?",
        "Ja.",
    ]
    assert [s.paragraph for s in sentences] == [0, 0, 1, 2, 2]
    assert [s.index for s in sentences] == [0, 1, 2, 3, 4]
    for s in sentences:
        assert article.text[s.start : s.end] == s.text


def test_empty_and_blank_text_have_no_sentences() -> None:
    assert split_text("", "de") == []
    assert split_text("   \n  ", "fr") == []
