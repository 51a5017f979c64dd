"""check(): unsupported numbers, dates and names are listed; core summaries always pass."""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kurzum.core import SummaryOptions, summarize
from kurzum.faithfulness import check
from kurzum.faithfulness.numbers import number_values
from kurzum.models import Article, Bullet, Language, Summary

FIXTURES = Path(__file__).parents[1] / "fixtures" / "core" / "articles.json"

ARTICLE = Article(
    title="Nordkorea liefert Munition",
    lead=None,
    paragraphs=(
        "Seit 2022 sollen 11'000 Schiffscontainer voller Munition nordkoreanische Häfen "
        "verlassen haben. Die Beziehung Russlands und Nordkoreas ist eng.",
        "Als Grosskaliber gelten Waffen ab 9,53 Millimeter. Am 3. Oktober dementierte "
        "Kremlsprecher Dmitri Peskow (56) die Berichte.",
    ),
    language="de",
)


def _summary(*texts: str, language: Language = "de") -> Summary:
    return Summary(bullets=tuple(Bullet(t) for t in texts), language=language)


def test_supported_spans_pass_with_normalisation_and_inflection() -> None:
    summary = _summary(
        "Nordkorea schickte 11 000 Container nach Russland.",
        "Seit 2022 gelten Waffen ab 9.53 Millimeter als Grosskaliber.",
        "Am 3. Oktober dementierte der Kreml die Berichte über Nordkoreas Häfen.",
        "Peskow (56) sprach über Russlands Munition.",
    )
    report = check(summary, ARTICLE)
    assert report.ok, report.issues
    assert report.checked == 4


def test_unsupported_numbers_dates_and_names_are_listed_with_offsets() -> None:
    text = "Laut Putin kamen am 4. Oktober 12'500 Container und Peskow (57) nach Moskau."
    report = check(_summary("Nordkorea liefert Munition.", text), ARTICLE)
    found = {(i.kind, i.text) for i in report.issues}
    assert found == {
        ("name", "Putin"),
        ("date", "4. Oktober"),
        ("number", "12'500"),
        ("number", "57"),
        ("name", "Moskau"),
    }
    for issue in report.issues:
        assert issue.bullet == 1
        assert text[issue.start : issue.end] == issue.text
    assert not report.ok


def test_sentence_initial_words_are_not_names() -> None:
    report = check(_summary("Trotzdem liefert Nordkorea Munition."), ARTICLE)
    assert report.ok


def test_english_and_french_names() -> None:
    article = Article(
        title=None,
        lead=None,
        paragraphs=("Mayor Linda Park said the work would cost $1.5 million in 2025.",),
        language="en",
    )
    ok = check(_summary("Linda Park's plan costs $1.5 million.", language="en"), article)
    assert ok.ok, ok.issues
    bad = check(_summary("Mayor John Park said it costs $2 million.", language="en"), article)
    assert {(i.kind, i.text) for i in bad.issues} == {("name", "John"), ("number", "2")}
    fr = Article(
        title=None,
        lead=None,
        paragraphs=("Les Suisses ont voté le 3 mars 2024.",),
        language="fr",
    )
    assert check(_summary("Selon la Suisse, on a voté le 3 mars 2024.", language="fr"), fr).ok


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("11'000", "11000"),
        ("11’000", "11000"),
        ("11 000", "11000"),
        ("11000", "11000"),
        ("9,53", "9.53"),
        ("9.53", "9.53"),
        ("2,50", "2.5"),
        ("1.250.000", "1250000"),
        ("1,250,000.5", "1250000.5"),
        ("1.250,5", "1250.5"),
    ],
)
def test_number_normalisation(raw: str, value: str) -> None:
    assert value in number_values(raw)


def test_every_fixture_summary_passes() -> None:
    for record in json.loads(FIXTURES.read_text(encoding="utf-8")):
        article = Article(
            title=record["title"],
            lead=record["lead"],
            paragraphs=tuple(record["paragraphs"]),
            language=record["language"],
        )
        for bullets in (1, 3, 5):
            for max_chars in (60, 160):
                summary = summarize(article, SummaryOptions(bullets=bullets, max_chars=max_chars))
                report = check(summary, article)
                assert report.ok, (record["id"], report.issues)


# Words with the tricky parts of news text: umlauts, ages, Swiss numbers, abbreviations.
_TEXT = (
    "der Bund zahlt für die Grösse Strasse neue Zürich Peskow Müller (56) 11'000 9,53 2,5 Mio. "
    "Fr. am 3. Oktober z. B. «Foreign Policy» Kim Jong Un (40) Häuser und sagte sie dass "
    "Russlands Nordkorea KN-23-Raketen 2024 Dr. Nr. ca. sowie Genève Mme M. Dupont € 12 1.5 — – "
    "die welche , (l.) Er Das"
)
_WORDS = st.sampled_from(_TEXT.split())
_SENTENCE = st.lists(_WORDS, min_size=3, max_size=30).map(
    lambda words: (
        (words[0][:1].upper() + words[0][1:] + " " + " ".join(words[1:])).replace(" ,", ",") + "."
    )
)
_PARAGRAPH = st.lists(_SENTENCE, min_size=1, max_size=5).map(" ".join)


@settings(max_examples=80, deadline=None)
@given(
    paragraphs=st.lists(_PARAGRAPH, min_size=1, max_size=6),
    lead=st.none() | _PARAGRAPH,
    title=st.none() | _SENTENCE,
    language=st.sampled_from(["de", "fr", "en"]),
    bullets=st.integers(1, 5),
    max_chars=st.integers(40, 200),
)
def test_core_summaries_always_pass(
    paragraphs: list[str],
    lead: str | None,
    title: str | None,
    language: Language,
    bullets: int,
    max_chars: int,
) -> None:
    article = Article(title=title, lead=lead, paragraphs=tuple(paragraphs), language=language)
    summary = summarize(article, SummaryOptions(bullets=bullets, max_chars=max_chars))
    assert len(summary.bullets) <= bullets
    assert all(len(b.text) <= max_chars for b in summary.bullets)
    report = check(summary, article)
    assert report.ok, report.issues


def test_date_lookahead_only_skips_positions_no_date_starts_at() -> None:
    numbers_module = importlib.import_module("kurzum.faithfulness.numbers")
    plain = re.compile(
        numbers_module._DATE.pattern.replace(numbers_module._DATE_START, "", 1), re.IGNORECASE
    )
    text = (
        "Am 3. Oktober 2024 und am 03.10.24 (2024-10-03), dann October 3rd, 2024, le 1er janvier "
        "2025, AOÛT 2023, déc. 5, Sept 12, MAI 7, mars 2020, ſept 9. Damals, Januar 4 oder "
        "Juni 2023 und 12. Mai; Nov. 3; avr 1; Fév 2; ١٢ März; 7th July."
    )
    assert [m.span() for m in numbers_module._DATE.finditer(text)] == [
        m.span() for m in plain.finditer(text)
    ]
    assert len(list(numbers_module.dates(text))) >= 12


_TOKENS = (
    "3.",
    "03.10.2024",
    "2024-10",
    "Oktober",
    "oct.",
    "août",
    "Mai",
    "12th",
    "1er",
    "x",
    "ſept",
    " ",
    ", ",
    "Damals",
    "7",
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_TOKENS), max_size=12))
def test_date_lookahead_matches_like_the_plain_pattern(tokens: list[str]) -> None:
    numbers_module = importlib.import_module("kurzum.faithfulness.numbers")
    plain = re.compile(
        numbers_module._DATE.pattern.replace(numbers_module._DATE_START, "", 1), re.IGNORECASE
    )
    text = " ".join(tokens)
    assert [m.span() for m in numbers_module._DATE.finditer(text)] == [
        m.span() for m in plain.finditer(text)
    ]


# The number pattern as first written, with the look-behind in front (slow but plain).
_PLAIN_NUMBER = re.compile(
    r"(?<![\d])(?:\d{1,3}(?:[ '’\u00a0\u202f]\d{3})+(?:[.,]\d+)?(?!\d)|\d+(?:[.,]\d+)*)"
)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="0123456789 '’\u00a0.,aB-", max_size=40))
def test_number_pattern_matches_its_plain_form(text: str) -> None:
    """The digit-first number pattern finds exactly what the plain pattern finds."""
    from kurzum.faithfulness.numbers import _NUMBER

    expected = [m.span() for m in _PLAIN_NUMBER.finditer(text)]
    assert [m.span() for m in _NUMBER.finditer(text)] == expected


CASES = json.loads(
    (Path(__file__).parents[1] / "fixtures" / "faithfulness" / "cases.json").read_text("utf-8")
)["cases"]


@pytest.mark.parametrize("case", CASES, ids=[f"{c['source']}:{c['bullet'][:30]}" for c in CASES])
def test_dev_excerpts_both_ways(case: dict[str, object]) -> None:
    """No false alarm on supported bullets; real inventions are still found (dev excerpts)."""
    article = Article(
        title=None, lead=None, paragraphs=(str(case["article"]),), language=case["language"]
    )
    summary = _summary(str(case["bullet"]), language=case["language"])  # type: ignore[arg-type]
    found = sorted((i.kind, i.text) for i in check(summary, article).issues)
    assert found == sorted(tuple(e) for e in case["expected"])  # type: ignore[attr-defined]


def test_date_before_full_stop_keeps_abbreviation_dot() -> None:
    """The full stop after "August" is not part of the date; the dot of "Sept." is."""
    from kurzum.faithfulness.numbers import dates

    assert [m.text for m in dates("seit dem 13. August.")] == ["13. August"]
    assert [m.text for m in dates("am 3 Sept. 2024")] == ["3 Sept. 2024"]
    assert [m.text for m in dates("on Sept. 3.")] == ["Sept. 3"]
