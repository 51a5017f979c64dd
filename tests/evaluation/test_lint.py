"""Editor lint: each failure class is found, and clean bullets pass."""

from __future__ import annotations

from kurzum.evaluation.lint import count, lint
from kurzum.models import Article

ARTICLE = Article(
    title="Nationalbank belässt Leitzins bei 1 Prozent",
    lead="Die Schweizerische Nationalbank belässt den Leitzins bei 1 Prozent.",
    paragraphs=(
        "Die Schweizerische Nationalbank (SNB) hat am Donnerstag entschieden, den Leitzins "
        "unverändert bei 1 Prozent zu belassen.",
        "Der Entscheid war erwartet worden, wie Ökonomen in Zürich sagten.",
        "Sie hatten mit einer Pause der Notenbank gerechnet.",
        "ZÜRICH dpa | Der Franken legte gegenüber dem Euro leicht zu.",
        "Am Donnerstag herrschte an der Börse Hochbetrieb.",
    ),
    language="de",
)


def _kinds(bullets: list[str]) -> dict[str, int]:
    return {k: v for k, v in count(lint(bullets, ARTICLE, "de")).items() if v}


def test_clean_bullets_pass() -> None:
    bullets = [
        "Die Schweizerische Nationalbank hat am Donnerstag entschieden, den Leitzins "
        "unverändert bei 1 Prozent zu belassen."
    ]
    assert _kinds(bullets) == {}


def test_a_cut_complement_is_found() -> None:
    assert _kinds(["Die Schweizerische Nationalbank hat am Donnerstag entschieden."]) == {
        "cut_point": 1
    }


def test_an_unresolved_reference_is_found_and_a_resolved_one_is_not() -> None:
    alone = ["Sie hatten mit einer Pause der Notenbank gerechnet."]
    assert _kinds(alone)["reference"] == 1
    resolved = [
        "Die Schweizerische Nationalbank hat am Donnerstag entschieden, den Leitzins "
        "unverändert bei 1 Prozent zu belassen.",
        "Der Entscheid war erwartet worden, wie Ökonomen in Zürich sagten.",
        "Sie hatten mit einer Pause der Notenbank gerechnet.",
    ]
    assert "reference" not in _kinds(resolved)  # each follows its antecedent sentence


def test_noise_no_fact_lead_repeat_and_main_news() -> None:
    kinds = _kinds(
        [
            "Am Donnerstag herrschte an der Börse Hochbetrieb.",
            "ZÜRICH dpa | Der Franken legte gegenüber dem Euro leicht zu.",
            "Die Schweizerische Nationalbank belässt den Leitzins bei 1 Prozent.",
        ]
    )
    assert kinds == {"no_fact": 1, "noise": 1, "lead_repeat": 1, "main_news": 1}
