"""Editorial acceptance: Wilson intervals, label matching on exact text, the per-group table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kurzum.errors import InputError
from kurzum.evaluation.editorial import markdown, match, read_jsonl, summarise, wilson


def bullet(ident: str, index: int, text: str, lang: str = "de") -> dict[str, Any]:
    return {
        "id": ident,
        "lang": lang,
        "source": "fixture",
        "system": "lead3",
        "index": index,
        "bullet": text,
    }


def label(row: dict[str, Any], ok: bool, main: bool = False) -> dict[str, Any]:
    return {
        **row,
        "standalone": ok,
        "grammatical": True,
        "fact": ok,
        "main_news": main,
        "acceptable": ok,
        "reason": "" if ok else "dangling: Der 35-Jährige",
    }


def test_wilson_known_values() -> None:
    rate = wilson(8, 10)
    assert rate.share == pytest.approx(0.8)
    assert rate.low == pytest.approx(0.4902, abs=1e-3)
    assert rate.high == pytest.approx(0.9433, abs=1e-3)
    assert wilson(0, 5).low == 0.0
    assert wilson(5, 5).high == 1.0
    assert wilson(0, 0).cell() == "–"


def test_changed_text_is_unlabelled_not_reused() -> None:
    old = bullet("a", 0, "Der Bundesrat senkt die Steuern.")
    labels = [label(old, True, main=True), label(bullet("a", 1, "Der 35-Jährige klagt."), False)]
    current = [old, bullet("a", 1, "Anders Muster klagt."), bullet("b", 0, "Neu.")]
    matched = match(labels, current)
    assert [b["bullet"] for b, _ in matched.labelled] == ["Der Bundesrat senkt die Steuern."]
    assert [b["bullet"] for b in matched.unlabelled] == ["Anders Muster klagt.", "Neu."]


def test_summary_per_language_and_main_news_per_article() -> None:
    rows = [
        bullet("a", 0, "A1."),
        bullet("a", 1, "A2."),
        bullet("b", 0, "B1."),
        bullet("c", 0, "C1.", lang="fr"),
    ]
    labels = [
        label(rows[0], True, main=True),
        label(rows[1], False),
        label(rows[2], True, main=False),
        label(rows[3], False),
    ]
    stats = {s.lang: s for s in summarise(match(labels, rows))}
    de = stats["de"]
    assert (de.bullets, de.articles, de.acceptable.hits) == (3, 2, 2)
    assert (de.main_news_first.hits, de.main_news_first.total) == (1, 2)
    assert stats["fr"].acceptable.hits == 0
    table = markdown(list(stats.values()))
    assert "| de | lead3 | 2 | 3 | 0 | 66.7 %" in table


def test_label_without_booleans_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "labels.jsonl"
    path.write_text(json.dumps({**bullet("a", 0, "x"), "acceptable": "yes"}) + "\n")
    with pytest.raises(InputError, match="lacks boolean"):
        match(read_jsonl(path), [])
    path.write_text("{not json\n")
    with pytest.raises(InputError, match=":1: not JSON"):
        list(read_jsonl(path))
