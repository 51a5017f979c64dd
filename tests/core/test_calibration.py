"""The calibration value (JSON round trip, validation) and the per-call summary options."""

from __future__ import annotations

import json

import pytest

from kurzum.core import SummaryOptions, summarize
from kurzum.core.calibration import Calibration, default_calibration
from kurzum.errors import InputError
from kurzum.models import Article

ARTICLE = Article(
    title="Nationalbank belässt Leitzins bei 1 Prozent",
    lead="Die Schweizerische Nationalbank belässt den Leitzins bei 1 Prozent.",
    paragraphs=(
        "Die SNB hat am Donnerstag entschieden, den Leitzins unverändert bei 1 Prozent "
        "zu belassen.",
        "Ökonomen hatten mit dem Entscheid der Notenbank in Zürich mehrheitlich gerechnet.",
        "Der Franken legte nach der Bekanntgabe gegenüber dem Euro um 0,3 Prozent zu.",
        "Die nächste geldpolitische Lagebeurteilung der Nationalbank findet im September statt.",
    ),
    language="de",
)


def test_json_round_trip() -> None:
    calibration = Calibration(position=2.0, title=0.5, soft_chars=100, publication="blick")
    text = json.dumps(calibration.to_json())
    assert Calibration.from_json(text) == calibration
    assert Calibration.from_json(json.loads(text)) == calibration


@pytest.mark.parametrize(
    "data",
    ['{"position": -1}', '{"soft_chars": 5}', '{"bogus": 1}', "[1, 2]", "not json"],
)
def test_bad_calibrations_are_clear_errors(data: str) -> None:
    with pytest.raises(InputError):
        Calibration.from_json(data)


def test_packaged_default_loads() -> None:
    assert default_calibration().publication is None


def test_a_calibration_changes_the_summary_only_through_the_options() -> None:
    default = summarize(ARTICLE)
    short = summarize(ARTICLE, SummaryOptions(calibration=Calibration(soft_chars=60)))
    assert default.bullets and short.bullets
    assert all(len(b.text) <= 160 for b in short.bullets)


def test_the_lead_is_not_repeated_by_default() -> None:
    lead_start = len(ARTICLE.lead or "")
    for bullet in summarize(ARTICLE).bullets:
        assert all(source.start > lead_start for source in bullet.sources)
        assert bullet.text != ARTICLE.lead


def test_repeat_lead_allows_the_lead() -> None:
    bullets = summarize(ARTICLE, SummaryOptions(repeat_lead=True)).texts
    assert ARTICLE.lead in bullets


def test_the_complement_is_never_cut() -> None:
    for bullet in summarize(ARTICLE, SummaryOptions(max_chars=80)).texts:
        assert not bullet.endswith("hat am Donnerstag entschieden.")
