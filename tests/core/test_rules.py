"""The editorial rules as data (core/rules/*.toml): every example in the files holds."""

from __future__ import annotations

import re
from typing import Any

import pytest

from kurzum.core.features import content_stems
from kurzum.core.resolve import substitute
from kurzum.core.rules import _space_first, needed_literals, raw_rules, rules
from kurzum.core.segment import split_article
from kurzum.core.shorten import Shortened, shorten
from kurzum.core.standalone import classify, given_description
from kurzum.models import LANGUAGES, Article, Language


def _examples(section: str, key: str) -> list[tuple[Language, object]]:
    cases: list[tuple[Language, object]] = []
    for language in LANGUAGES:
        data = raw_rules(language)
        for part in section.split("."):
            data = data.get(part, {})
        cases.extend((language, example) for example in data.get(key, []))
    return cases


@pytest.mark.parametrize(("language", "example"), _examples("shorten", "keep"))
def test_shortening_never_removes_the_point(language: Language, example: dict[str, Any]) -> None:
    result = shorten(example["text"], language, example["max_chars"])
    assert result is None or result.text != example["never"]
    if result is not None:  # whatever is returned fits and is a faithful deletion
        assert len(result.text) <= example["max_chars"]


@pytest.mark.parametrize(("language", "example"), _examples("shorten", "cut"))
def test_shortening_drops_optional_material(language: Language, example: dict[str, Any]) -> None:
    result = shorten(example["text"], language, example["max_chars"], example["target"])
    assert result is not None
    assert result.text == example["expect"]


@pytest.mark.parametrize(("language", "example"), _examples("standalone", "examples"))
def test_standalone_classes(language: Language, example: dict[str, Any]) -> None:
    expected = None if example["class"] == "ok" else example["class"]
    assert classify(example["text"], language) == expected


@pytest.mark.parametrize(("language", "text"), _examples("nofact", "examples"))
def test_no_fact_lines_are_recognised(language: Language, text: str) -> None:
    assert classify(text, language) == "nofact"


@pytest.mark.parametrize(("language", "text"), _examples("noise", "examples"))
def test_noise_is_recognised(language: Language, text: str) -> None:
    assert classify(text, language) == "noise"


@pytest.mark.parametrize(
    ("language", "text"),
    _examples("nofact", "counterexamples") + _examples("noise", "counterexamples"),
)
def test_statements_stand_alone(language: Language, text: str) -> None:
    assert classify(text, language) is None


def test_every_language_has_examples_of_every_section() -> None:
    for language in LANGUAGES:
        data = raw_rules(language)
        assert data["shorten"]["keep"] and data["shorten"]["cut"]
        assert data["standalone"]["examples"]
        assert data["nofact"]["examples"] and data["noise"]["examples"]


def _substituted(language: Language, sentences: list[str]) -> str:
    """The last of ``sentences`` as a bullet after antecedent substitution ("" if none)."""
    article = Article(title=None, lead=None, paragraphs=(" ".join(sentences),))
    split = split_article(article, language)
    last = split[-1]
    short = Shortened(((0, len(last.text)),), last.text)
    resolved = substitute(split, last.index, short, language, 400)
    return "" if resolved is None else resolved.short.text


@pytest.mark.parametrize(("language", "example"), _examples("resolve", "examples"))
def test_antecedent_substitution(language: Language, example: dict[str, Any]) -> None:
    assert _substituted(language, example["sentences"]) == example["expect"]


def test_every_language_has_substitutions_and_refusals() -> None:
    for language in LANGUAGES:
        examples = raw_rules(language)["resolve"]["examples"]
        assert any(e["expect"] for e in examples)
        assert any(not e["expect"] for e in examples)


@pytest.mark.parametrize(
    ("pattern", "literals"),
    [
        (r"\bnämlich\b", ("nämlich",)),
        (r"\b(?:zugleich|ebenfalls)\b", ("ebenfalls", "zugleich")),
        (r"\b(?:des|dem)\s+\d+-[Jj]ährigen\b", ("ährigen",)),
        (r"(?<=\w)\s+dagegen\b", ("dagegen",)),
        (r"\b(?:ab|cd)\b", ()),  # too short to say anything
        (r"^\W*Dies\s+ist", ()),  # anchored: fails fast without a test
        (r"(?i:\bwohl\b)", ()),  # case-insensitive
        (r"\b(?:dort|\d+)\b", ()),  # one branch needs no literal
        (r"(?:Hallo)?\s+Welt", ("Welt",)),  # an optional part is not needed
    ],
)
def test_needed_literals(pattern: str, literals: tuple[str, ...]) -> None:
    assert needed_literals(pattern) == literals


@pytest.mark.parametrize(
    ("pattern", "compiled"),
    [
        (r"(?<=[a-z])\s+(?:Doch|Aber)\b", r"\s(?<=[a-z]\s)\s*(?:Doch|Aber)\b"),
        (r"(?<=\w)\s+dagegen\b", r"\s(?<=\w\s)\s*dagegen\b"),
        (r"(?<=[a\\]])\s+x", r"(?<=[a\\]])\s+x"),  # a two-character look-behind stays
        (r"(?<!\w)\s+x", r"(?<!\w)\s+x"),
    ],
)
def test_space_first_keeps_every_match(pattern: str, compiled: str) -> None:
    assert _space_first(pattern) == compiled
    texts = ["Er ging.  Doch dann", "a\tAber", "x Doch", "Gut \n dagegen", "a\\] x", "] x", " x"]
    for text in texts:
        spans = [m.span() for m in re.finditer(pattern, text)]
        assert spans == [m.span() for m in re.finditer(compiled, text)]


def test_literal_tests_never_change_a_rule_class() -> None:
    """Gated classes answer exactly as the plain alternation of their patterns does."""
    texts: list[str] = []
    for language in LANGUAGES:
        data = raw_rules(language)
        for section in (data["standalone"], data["nofact"], data["noise"]):
            for example in section.get("examples", []) + section.get("counterexamples", []):
                texts.append(example["text"] if isinstance(example, dict) else example)
    texts += ["Er war nämlich dort.", "Dies gilt zugleich für den 35-Jährigen.", "dagegen"]
    for language in LANGUAGES:
        data, table = raw_rules(language), rules(language)
        for name, patterns in (
            ("references", data["standalone"]["references"]),
            ("fragment", data["standalone"]["fragment"]),
            ("nofact", data["nofact"]["patterns"]),
            ("noise", data["noise"]["patterns"]),
        ):
            plain = re.compile("|".join(f"(?:{p})" for p in patterns) or "(?!)")
            for text in texts:
                assert getattr(table, name).found(text) == (plain.search(text) is not None)


@pytest.mark.parametrize(("language", "example"), _examples("standalone", "given_examples"))
def test_definite_descriptions_told_before(language: Language, example: dict[str, Any]) -> None:
    told = content_stems(example["before"], language)
    assert given_description(example["text"], language, told) is example["given"]
