"""Fitting a publication's calibration: refuses too few articles, reports CV against lead-3."""

from __future__ import annotations

import json

import pytest

from kurzum.core.calibration import Calibration
from kurzum.errors import InputError
from kurzum.evaluation.calibrate import MIN_ARTICLES, fit, folds_of
from kurzum.evaluation.datasets import EvalItem
from kurzum.models import Article

_TOWNS = ["Basel", "Bern", "Chur", "Genf", "Luzern", "Sitten", "Thun", "Zug", "Aarau", "Olten"]


def _item(i: int) -> EvalItem:
    town = _TOWNS[i % len(_TOWNS)]
    article = Article(
        title=f"{town} baut {i + 2} neue Schulhäuser",
        lead=None,
        paragraphs=(
            f"Die Stadt {town} will bis 2030 insgesamt {i + 2} neue Schulhäuser bauen.",
            f"Das Parlament von {town} hat dafür am Montag einen Kredit von {i + 10} Millionen "
            "Franken bewilligt.",
            "Im Quartier gab es im Frühling ein grosses Fest mit Musik und vielen Ständen.",
            f"Die Bauarbeiten für das erste Schulhaus in {town} beginnen im nächsten Sommer.",
        ),
        language="de",
        id=f"t{i}",
    )
    reference = (f"{town} baut bis 2030 {i + 2} neue Schulhäuser für {i + 10} Millionen Franken.",)
    return EvalItem("synthetic.jsonl", i + 1, f"t{i}", reference, article=article)


def test_refuses_below_the_minimum_with_the_reason() -> None:
    with pytest.raises(InputError, match=f"at least {MIN_ARTICLES} articles"):
        fit([_item(i) for i in range(MIN_ARTICLES - 1)])


def test_fit_reports_cross_validated_scores_as_json() -> None:
    axes = {"position": (0.5, 2.0), "title": (1.0,), "soft_chars": (160,)}
    report = fit([_item(i) for i in range(MIN_ARTICLES)], publication="demo", axes=axes)
    assert report.articles == MIN_ARTICLES
    assert report.calibration.publication == "demo"
    data = json.loads(json.dumps(report.to_json()))
    assert Calibration.from_json(data["calibration"]) == report.calibration
    for key in ("cross_validated", "lead3", "default", "in_sample"):
        assert 0 < data[key]["r1"] <= 100
    assert len(data["chosen_per_fold"]) == report.folds


def test_folds_are_balanced_and_stable() -> None:
    ids = [f"a{i}" for i in range(23)]
    folds = folds_of(ids, 5)
    assert folds == folds_of(list(ids), 5)
    counts = [folds.count(f) for f in range(5)]
    assert max(counts) - min(counts) <= 1
