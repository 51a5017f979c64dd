"""The noise patterns (data files) and the structural rules that drop non-article text."""

from __future__ import annotations

import pytest

from kurzum.ingest.cleaning import Rule, clean_block, clean_blocks, is_heading, rules_for
from kurzum.models import LANGUAGES

ALL_RULES = [(lang, rule) for lang in LANGUAGES for rule in rules_for(lang)]


def _id(case: tuple[str, Rule]) -> str:
    return f"{case[0]}-{case[1].name}"


@pytest.mark.parametrize("case", ALL_RULES, ids=[_id(c) for c in ALL_RULES])
def test_every_rule_has_a_reason_and_is_exercised(case: tuple[str, Rule]) -> None:
    _lang, rule = case
    assert rule.why.strip()
    assert rule.examples or rule.cases, f"{rule.name} has no examples"


@pytest.mark.parametrize("case", ALL_RULES, ids=[_id(c) for c in ALL_RULES])
def test_every_example_is_removed_entirely(case: tuple[str, Rule]) -> None:
    lang, rule = case
    for example in rule.examples:
        if rule.kind == "block":
            assert rule.pattern.fullmatch(example), example
        assert clean_block(example, rules_for(lang)) == "", example


@pytest.mark.parametrize("case", ALL_RULES, ids=[_id(c) for c in ALL_RULES])
def test_cases_keep_the_article_text(case: tuple[str, Rule]) -> None:
    lang, rule = case
    for given, expected in rule.cases:
        assert clean_block(given, rules_for(lang)) == expected


@pytest.mark.parametrize("case", ALL_RULES, ids=[_id(c) for c in ALL_RULES])
def test_the_requires_shortcut_never_hides_a_match(case: tuple[str, Rule]) -> None:
    _lang, rule = case
    for text in (*rule.examples, *(given for given, _ in rule.cases)):
        if rule.pattern.search(text):
            assert rule.applies_to(text), text


ARTICLE_SENTENCES = {
    "de": [
        "Der Bundesrat hat am 3. Oktober neue Regeln beschlossen, sagte Anna Meier (56).",
        "Laut dem Bericht kostet das Projekt 11'000 Franken, etwa z. B. für Fotos der Baustelle.",
        "Mehr als 40 Personen lesen jeden Tag die Zeitung im Zug nach Bern.",
        "Das Abo des Verlags kostet neu 20 Franken im Monat, teilte die Firma mit.",
    ],
    "fr": [
        "Le Conseil fédéral a pris sa décision mercredi, a indiqué Alain Berset.",
        "Il faut lire aussi les petites lignes du contrat, estime l'avocate.",
        "La photo de la cheffe a été publiée par l'AFP mardi soir.",
    ],
    "en": [
        "The council said on Tuesday that 4,000 people had signed the petition.",
        "Read the small print, she told reporters: the scheme ends in May.",
        "He said: 'We are delighted with the result.'",
        "Related costs rose by 12 per cent, the report found.",
    ],
}


@pytest.mark.parametrize(
    ("lang", "sentence"), [(lang, s) for lang, items in ARTICLE_SENTENCES.items() for s in items]
)
def test_ordinary_article_sentences_survive(lang: str, sentence: str) -> None:
    assert clean_blocks((sentence,), lang) == (sentence,)  # type: ignore[arg-type]


def test_blick_notice_on_the_header_line_is_removed_and_text_kept() -> None:
    block = (
        "Die Zusammenfassung von Blick+-Artikeln ist unseren Nutzern mit Abo vorbehalten. "
        "Melde dich bitte an, falls du ein Abo hast. Nordkorea schickt Soldaten nach Russland."
    )
    assert clean_blocks((block,), "de") == ("Nordkorea schickt Soldaten nach Russland.",)


def test_daily_mail_byline_timestamps_and_captions_are_removed() -> None:
    block = (
        "By . Associated Press . PUBLISHED: . 14:11 EST, 25 October 2013 . | . UPDATED: . "
        "15:36 EST, 25 October 2013 . The bishop has exposed hundreds of people to the virus. "
        "Warning: The bishop spoke at a church in Fargo . Scroll down for video . "
        "The state has issued an advisory."
    )
    assert clean_blocks((block,), "en") == (
        "The bishop has exposed hundreds of people to the virus. The state has issued an advisory.",
    )


def test_le_monde_caption_credit_and_teasers_are_removed() -> None:
    block = (
        "Le ministre à Berlin, samedi 1er juin. JOHN DOE / REUTERS Plusieurs élus ont manifesté. "
        "Article réservé à nos abonnés Lire aussi Berlin empêtré dans une polémique "
        "La ministre a parlé."
    )
    assert clean_blocks((block,), "fr") == ("Plusieurs élus ont manifesté. La ministre a parlé.",)


@pytest.mark.parametrize(
    "block",
    [
        "Nordkorea und Russland spannen zusammen",
        "«Unersetzlicher Verlust»",
        "Was hat Kim Jong Un davon?",
        "Comment réagissent les pêcheurs ?",
        "Grünen-Trede: «Es gibt Grund zur Sorge»",
    ],
)
def test_subheadings_are_structure_not_content(block: str) -> None:
    assert is_heading(block)


@pytest.mark.parametrize(
    "block",
    [
        "Die Bauarbeiten beginnen im Frühling.",
        "The production opened in December and will run until February 1.",
        "Investing in adequate infrastructure;",
        "Warum dauert das so lange? Die Behörden schweigen dazu seit Wochen, obwohl es drängt.",
    ],
)
def test_sentences_are_not_headings(block: str) -> None:
    assert not is_heading(block)


def test_spaces_are_normalized_but_french_punctuation_spacing_kept() -> None:
    assert clean_blocks(("Que  faire\u00a0? Le  prix monte !",), "fr") == (
        "Que faire ? Le prix monte !",
    )
