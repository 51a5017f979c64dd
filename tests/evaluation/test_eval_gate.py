"""The eval gate: on the dev data (when present), summaries must not get worse.

Pinned floors, a little below what was measured (benchmarks/results/quality_speed.md), for
the cross-validated margins of kurzum over lead-3 per language (ROUGE-1 and ROUGE-L over the
joined bullets, F1 points), and ceilings for the editor lint: classes 1 (cut point),
3 (unresolved reference), 5 (noise) and 6 (lead repeated) stay at zero; class 2 (main news
missing from bullet 1) and 4 (no fact) may not grow. Every summary passes the faithfulness
check and the format. Skips with the reason when ../shared/data/dev is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kurzum.core import summarize
from kurzum.evaluation.crossval import CrossValidation, cross_validate, margins
from kurzum.evaluation.datasets import EvalItem, read_datasets
from kurzum.evaluation.lint import count, lint
from kurzum.faithfulness import check

DEV = Path(__file__).parents[2].parent / "shared" / "data" / "dev"

pytestmark = pytest.mark.skipif(
    not DEV.is_dir(), reason=f"no dev data at {DEV} (the eval gate needs ../shared/data/dev)"
)

# Cross-validated margin floors over lead-3, F1 points: (ROUGE-1, ROUGE-L joined).
# Measured 2026-11-30 after the standalone rules of branch h11me (verbless German lines,
# "hier"/"dort", French demonstratives and "également", English epithets, quotation tails and
# unclosed quotations) and the French intro cut: de -0.06/-1.00, fr +0.20/-2.56,
# en -1.63/-2.44 (was -0.68/-1.45: the English rules reject broken quotations and epithets
# an editor sends back, at about one ROUGE point). Issue 11's +1 target is not met; the
# box's rules themselves cost ROUGE (see the "lead-3 boxed" and "oracle boxed" rows of
# benchmarks/results/quality_speed.md). These floors stop regressions, they claim no target.
# Session 5: quotations without a speaker lean, connective openers ("Und", "But", "Mais") are
# fragments, hedges, exclamations and "bleibt abzuwarten" carry no fact (editor rejections),
# and roles before a full name, spaced-hyphen insertions, a French trailing ", en …" and an
# intro before a lower-case subject are safe cuts, so ledes with the main news fit (Izquierdo's
# death, Bannatyne's reward, the Cairo clashes, the Berlin demonstration): de -0.07/-0.70,
# fr -0.29/-3.35 (one French box trades a dangling side fact for the main news: 14 articles,
# one article moves the mean by 0.7), en -1.53/-2.58.
# Session 6: a bare definite description told before ("Das Patent …") and clause-internal
# "also"/"aber"/"dann" point back (de), inverted speaker pronouns ("a-t-il noté") lean (fr), and
# an English statement with no sign of news (no past, perfect, future or progressive, no date,
# no figure) is no fact: de +0.25/-0.65, fr -0.19/-3.52, en -1.05/-1.65. The English margins
# move by up to a point with changes elsewhere (each fold's constants are chosen on all
# languages at once), hence the slack.
MARGIN_FLOORS: dict[str, tuple[float, float]] = {
    "de": (-0.3, -1.1),
    "fr": (-0.7, -4.0),
    "en": (-1.6, -2.2),
}
ZERO_CLASSES = ("cut_point", "reference", "noise", "lead_repeat")
# main_news measured: 15 (de 6, fr 4, en 5) and 0; was 14 before the English "no sign of news"
# rule made one generic opening line ("One of the perennial complaints … is that …") no lede
CEILINGS = {"main_news": 15, "no_fact": 0}
# share of German articles whose bullet 1 carries the main news (lint proxy). Measured 52/60:
# 2 of the 8 misses are opening sentences the rules now reject as the editor did (speculation
# "Seit Wochen wird spekuliert, ob …", "Möglicherweise …"); issue 11 asks for 0.9.
MAIN_NEWS_DE = 0.85


@pytest.fixture(scope="module")
def items() -> list[EvalItem]:
    found = [i for i in read_datasets(sorted(DEV.glob("*.jsonl"))) if i.article is not None]
    assert found, f"no articles in {DEV}"
    return found


@pytest.fixture(scope="module")
def cv(items: list[EvalItem]) -> CrossValidation:
    return cross_validate(items)


@pytest.mark.parametrize("language", sorted(MARGIN_FLOORS))
def test_cross_validated_margins_over_lead3(cv: CrossValidation, language: str) -> None:
    found = {(m.group, m.metric): m for m in margins(cv, cv.language, ("r1", "rl"))}
    r1_floor, rl_floor = MARGIN_FLOORS[language]
    r1, rl = found[(language, "r1")], found[(language, "rl")]
    assert 100 * r1.margin >= r1_floor, f"{language} ROUGE-1 margin {100 * r1.margin:+.2f}"
    assert 100 * rl.margin >= rl_floor, f"{language} ROUGE-L margin {100 * rl.margin:+.2f}"


def test_lint_faithfulness_and_format(items: list[EvalItem]) -> None:
    totals = count([])
    german = german_ok = 0
    for item in items:
        assert item.article is not None
        summary = summarize(item.article)
        assert check(summary, item.article).ok, item.id
        assert 0 < len(summary.bullets) <= 3 and all(len(t) <= 160 for t in summary.texts)
        findings = lint(summary.texts, item.article, summary.language)
        totals.update(f.kind for f in findings)
        if summary.language == "de":
            german += 1
            german_ok += not any(f.kind == "main_news" for f in findings)
    for kind in ZERO_CLASSES:
        assert totals[kind] == 0, f"{totals[kind]} bullets of lint class {kind}"
    for kind, ceiling in CEILINGS.items():
        assert totals[kind] <= ceiling, f"{totals[kind]} findings of lint class {kind}"
    assert german_ok >= MAIN_NEWS_DE * german, f"main news in bullet 1: {german_ok}/{german}"
