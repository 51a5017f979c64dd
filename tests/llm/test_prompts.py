"""Prompts per language state the house style; the retry prompt names the problems."""

from __future__ import annotations

import pytest

from kurzum.llm.problems import Problem, describe
from kurzum.llm.prompts import (
    response_schema,
    retry_messages,
    rewrite_messages,
    swiss_spelling,
    write_messages,
)
from kurzum.models import Article, Language

SWISS = Article(title="Velobrücke", lead=None, paragraphs=("Die Strasse ist gross.",))
GERMAN = Article(title="Radbrücke", lead=None, paragraphs=("Die Straße ist groß.",))


@pytest.mark.parametrize(
    ("language", "rules"),
    [
        ("de", ["Genau 3 Punkte", "höchstens 120 Zeichen", "Schreibe auf Deutsch", "(40)", "JSON"]),
        ("fr", ["Exactement 3 points", "120 caractères", "Écris en français", "(40)", "JSON"]),
        ("en", ["Exactly 3 bullets", "at most 120 characters", "Write in English", "(40)", "JSON"]),
    ],
)
def test_write_prompt_states_the_house_style(language: Language, rules: list[str]) -> None:
    article = Article(title="Titel", lead="Lead.", paragraphs=("Text eins.", "Text zwei."))
    system, user = write_messages(article, language=language, count=3, max_chars=120)
    assert system["role"] == "system" and user["role"] == "user"
    for rule in rules:
        assert rule in system["content"]
    assert (
        user["content"]
        == "<title>Titel</title>\n<article>\nLead.\n\nText eins.\n\nText zwei.\n</article>"
    )


def test_swiss_spelling_rule_only_for_sources_without_eszett() -> None:
    assert swiss_spelling(SWISS) and not swiss_spelling(GERMAN)
    swiss = write_messages(SWISS, language="de", count=3, max_chars=160)[0]["content"]
    german = write_messages(GERMAN, language="de", count=3, max_chars=160)[0]["content"]
    assert "nie «ß»" in swiss
    assert "nie «ß»" not in german


def test_rewrite_prompt_numbers_the_sentences() -> None:
    system, user = rewrite_messages(
        SWISS, ["Satz eins.", "Satz zwei."], language="de", max_chars=100
    )
    assert "jeden der 2 nummerierten Sätze" in system["content"]
    assert user["content"].endswith(
        '<sentence n="1">Satz eins.</sentence>\n<sentence n="2">Satz zwei.</sentence>'
    )


def test_schema() -> None:
    schema = response_schema(3, 160)
    bullets = schema["properties"]["bullets"]
    assert (bullets["minItems"], bullets["maxItems"], bullets["items"]["maxLength"]) == (3, 3, 160)
    assert schema["additionalProperties"] is False


def test_retry_adds_the_answer_and_the_problems() -> None:
    first = write_messages(SWISS, language="fr", count=3, max_chars=160)
    problems = [
        Problem("count", number=5, limit=3),
        Problem("unsupported", bullet=1, span="42", kind="number"),
    ]
    messages = retry_messages(first, '{"bullets": []}', problems, language="fr")
    assert messages[:2] == first
    assert messages[2] == {"role": "assistant", "content": '{"bullets": []}'}
    assert messages[3]["content"] == (
        "Ta réponse a ces problèmes :\n"
        "- La réponse contient 5 points ; il en faut exactement 3.\n"
        "- Point 2 : « 42 » (nombre) ne figure pas dans l'article.\n"
        "Réécris la réponse en respectant toutes les règles et réponds uniquement en JSON."
    )


@pytest.mark.parametrize("language", ["de", "fr", "en"])
def test_every_problem_is_described_in_every_language(language: Language) -> None:
    for problem in [
        Problem("format", span="invalid JSON"),
        Problem("count", number=5, limit=3),
        Problem("empty", bullet=0),
        Problem("too_long", bullet=2, number=200, limit=160),
        Problem("language", span="en"),
        Problem("eszett", bullet=1),
        Problem("duplicate", bullet=2, other=0),
        Problem("unsupported", bullet=0, span="Zwahlen", kind="name"),
    ]:
        text = describe(problem, language, want="de")
        assert "{" not in text.replace('{"bullets"', "")
        assert text.endswith(".")


def test_english_descriptions_for_notes() -> None:
    assert describe(Problem("language", span="en"), "en", want="de") == (
        "The bullets are in English; write them in German."
    )
    assert describe(
        Problem("unsupported", bullet=0, span="987654", kind="number"), "en", want="de", scoped=True
    ) == ('Bullet 1: number "987654" does not occur in its source sentence.')
    assert describe(Problem("duplicate", bullet=2, other=0), "de", want="de") == (
        "Punkt 3 wiederholt Punkt 1."
    )
