"""ROUGE with umlaut-keeping, stemmed tokens, and the lead-n baseline."""

from __future__ import annotations

import pytest

from kurzum.evaluation.metrics import RougeScores, lead_n, rouge, tokenize
from kurzum.models import Article


def test_tokenize_keeps_umlauts_accents_and_digits() -> None:
    assert tokenize("Grösse, Häuser: 11'000 Fr.", "de") == ["gross", "haus", "11", "000", "fr"]
    assert tokenize("Élysée à côté", "fr")[0].startswith("élys")


def test_stemming_is_per_language() -> None:
    assert tokenize("Russlands", "de") == tokenize("Russland", "de")
    assert tokenize("running", "en") == tokenize("runs", "en")


def test_identical_summaries_score_one() -> None:
    bullets = ["Die Häuser wachsen.", "Der Sturm zieht nach Osten."]
    assert rouge(bullets, bullets, "de") == RougeScores(1.0, 1.0, 1.0, 1.0)


def test_disjoint_summaries_score_zero() -> None:
    assert rouge(["Un chat noir."], ["Le vent souffle."], "fr") == RougeScores(0.0, 0.0, 0.0)


def test_partial_overlap_known_values() -> None:
    # candidate 5 tokens, reference 3, all 3 reference unigrams matched: P=3/5, R=1, F=0.75
    scores = rouge(["Die Häuser wachsen schnell heute."], ["Die Häuser wachsen."], "de")
    assert scores.r1 == pytest.approx(0.75)
    # bigrams: candidate 4, reference 2, matched 2: F = 2*(0.5*1)/(1.5)
    assert scores.r2 == pytest.approx(2 / 3)
    assert scores.rl == pytest.approx(0.75)


def test_default_tokenizer_would_lose_umlauts() -> None:
    # "Grösse" vs "Grösse" must match as a whole word, not as "gr" + "sse" fragments.
    scores = rouge(["Grösse"], ["Grösse zählt"], "de")
    assert scores.r1 == pytest.approx(2 * 0.5 / 1.5)


def test_rouge_rejects_plain_strings() -> None:
    with pytest.raises(TypeError):
        rouge("Die Häuser.", ["Die Häuser."], "de")


def test_lead_n_takes_first_sentences_lead_included() -> None:
    article = Article(
        title="T",
        lead="Der Lead am 3. Oktober. Zweiter Satz.",
        paragraphs=("Dritter Satz von Dr. Müller. Vierter Satz.",),
        language="de",
    )
    assert lead_n(article, 3) == [
        "Der Lead am 3. Oktober.",
        "Zweiter Satz.",
        "Dritter Satz von Dr. Müller.",
    ]
    assert lead_n(article, 10)[-1] == "Vierter Satz."


def test_joined_lcs_is_order_sensitive_unlike_lsum() -> None:
    reference = ["Der Sturm zieht nach Osten.", "Die Häuser wachsen schnell."]
    swapped = ["Die Häuser wachsen schnell.", "Der Sturm zieht nach Osten."]
    scores = rouge(swapped, reference, "de")
    assert scores.rl == pytest.approx(1.0)  # Lsum: the union LCS per line finds both
    assert scores.rl_joined < 0.7  # one LCS over the joined text cannot cross the swap
