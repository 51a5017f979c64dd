"""Calibrate ``kurzum.core.rank.Calibration`` per language on ../shared/data/dev.

Coordinate ascent over a small grid of each constant, per language, maximising
ROUGE-1 + ROUGE-L F1 (x100, against the editors' references) minus a length cost x the mean
summary length in hundreds of characters, for a series of rising length costs (a frontier of
quality against length per language). Then one point per language is chosen so that the mean
summary length over all files stays within ``--max-ratio`` of the references' (212 characters
on the dev set) and the smallest margin over lead-3 (R1 and RL, in any language) is as large
as it can be. Prints the Calibration(...) lines to paste into rank.py. Articles are read
through kurzum's own ingestion, as `kurzum eval` does.

    .venv/bin/python benchmarks/tune_ranker.py > benchmarks/results/tune_ranker.txt

``--cv "de=13,fr=0,en=4"`` instead reports honest held-out numbers: k-fold (articles i % k)
tuning at those length costs on k-1 folds, scored on the held-out fold, starting either from
the shipped calibration (``--start shipped``, itself tuned on all of dev: optimistic) or from
``Calibration()`` (``--start default``: fully held out).
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import multiprocessing
from pathlib import Path
from typing import Any

from kurzum.core.features import SentenceInfo, analyse, content_stems
from kurzum.core.rank import CALIBRATION, Calibration, concept_weights
from kurzum.core.segment import split_article
from kurzum.core.select import Choice, candidates, select
from kurzum.evaluation.datasets import read_dataset
from kurzum.evaluation.metrics import RougeScores, lead_n, rouge
from kurzum.models import LANGUAGES, Article, Language

DEV = Path(__file__).resolve().parents[2] / "shared" / "data" / "dev"
GRID: dict[str, tuple[float, ...]] = {
    "centrality": (0.5, 0.75, 1.0, 1.5, 2.0),
    "singleton": (0.0, 0.25, 0.5, 1.0),
    "title": (0.0, 0.5, 1.0, 2.0, 3.0),
    "lead": (0.0, 1.0, 2.0, 4.0),
    "early": (0.0, 0.5, 1.0, 2.0, 4.0),
    "early_sentences": (1, 2, 3, 4),
    "soft_chars": (70, 80, 90, 100, 110, 120, 140, 160),
    "length_exponent": (0.5, 0.7, 1.0, 1.2, 1.5, 2.0),
    "position": (0.0, 0.5, 1.0, 2.0, 4.0),
    "first": (0.0, 0.5, 1.0, 2.0, 4.0),
    "quote": (0.0, 0.5, 1.0),
    "numbers": (0.0, 0.25, 0.5, 1.0),
    "redundancy": (0.4, 0.5, 0.6, 0.8),
    "names": (0.0, 0.25, 0.5, 1.0),
    "leaning": (0.0, 0.1, 0.2, 0.3),
}


@dataclasses.dataclass
class Item:
    """One dev article, analysed once."""

    article: Article
    language: Language
    references: list[str]
    infos: list[SentenceInfo]
    title: frozenset[str]
    lead: frozenset[str]
    lead3: RougeScores


def load() -> list[Item]:
    items: list[Item] = []
    for path in sorted(DEV.glob("*.jsonl")):
        for entry in read_dataset(path):
            if entry.article is None:
                continue
            article = entry.article
            language = article.language or "de"
            infos = analyse(split_article(article, language), language)
            items.append(
                Item(
                    article,
                    language,
                    list(entry.references),
                    infos,
                    content_stems(article.title or "", language),
                    content_stems(article.lead or "", language),
                    rouge(lead_n(article, 3), entry.references, language),
                )
            )
    return items


class Tuner:
    """Evaluates calibrations with caches (candidates per soft length, ROUGE per summary)."""

    def __init__(self, items: list[Item]) -> None:
        self.items = items
        self._pools: dict[tuple[int, int], list[Choice]] = {}
        self._rouge: dict[tuple[int, tuple[str, ...]], RougeScores] = {}

    def summary(self, i: int, calibration: Calibration) -> list[str]:
        item = self.items[i]
        key = (i, calibration.soft_chars)
        if key not in self._pools:
            self._pools[key] = candidates(item.infos, 160, item.language, calibration.soft_chars)
        weights = concept_weights(item.infos, item.title, item.lead, calibration)
        return [c.short.text for c in select(self._pools[key], weights, 3, calibration)]

    def score(self, i: int, texts: list[str]) -> RougeScores:
        key = (i, tuple(texts))
        if key not in self._rouge:
            item = self.items[i]
            self._rouge[key] = rouge(texts, item.references, item.language)
        return self._rouge[key]

    def evaluate(self, language: Language, calibration: Calibration) -> tuple[float, ...]:
        """Mean R1, RL (x100), total length, lead-3 R1, RL, count for one language."""
        r1 = rl = length = l1 = ll = 0.0
        indices = [i for i, it in enumerate(self.items) if it.language == language]
        for i in indices:
            texts = self.summary(i, calibration)
            scores = self.score(i, texts)
            r1 += scores.r1
            rl += scores.rl
            length += len(" ".join(texts))
            l1 += self.items[i].lead3.r1
            ll += self.items[i].lead3.rl
        n = max(1, len(indices))
        return 100 * r1 / n, 100 * rl / n, length, 100 * l1 / n, 100 * ll / n, n

    def tune(self, language: Language, start: Calibration, cost: float) -> Calibration:
        def objective(c: Calibration) -> float:
            r1, rl, length, _, _, n = self.evaluate(language, c)
            return r1 + rl - cost * length / n / 100

        best, best_value = start, objective(start)
        for _ in range(4):
            improved = False
            for name, values in GRID.items():
                for value in values:
                    changes: dict[str, Any] = {name: value}
                    candidate = dataclasses.replace(best, **changes)
                    result = objective(candidate)
                    if result > best_value + 1e-9:
                        best, best_value, improved = candidate, result, True
            if not improved:
                break
        return best


def frontier(tuner: Tuner, language: Language, costs: list[float]) -> list[dict[str, object]]:
    """Tuned calibrations of one language for rising length costs: quality against length."""
    points: list[dict[str, object]] = []
    calibration = CALIBRATION[language]
    if len(GRID["first"]) == 1:
        calibration = dataclasses.replace(calibration, first=GRID["first"][0])
    for cost in costs:
        calibration = tuner.tune(language, calibration, cost)
        r1, rl, length, l1, ll, n = tuner.evaluate(language, calibration)
        points.append(
            {
                "cost": cost,
                "calibration": calibration,
                "r1": r1,
                "rl": rl,
                "lead_r1": l1,
                "lead_rl": ll,
                "length": length,
                "n": n,
            }
        )
        print(
            f"{language} cost {cost:>4}: R1 {r1:.1f} RL {rl:.1f} (lead-3 {l1:.1f} {ll:.1f}) "
            f"mean length {length / n:.0f}\n    {calibration!r}",
            flush=True,
        )
    return points


def _num(point: dict[str, object], key: str) -> float:
    value = point[key]
    assert isinstance(value, int | float)
    return float(value)


def _frontier_job(language: Language, costs: list[float]) -> list[dict[str, object]]:
    items = [it for it in load() if it.language == language]
    return frontier(Tuner(items), language, costs)


def cross_validate(
    language: Language, cost: float, folds: int, start: str
) -> tuple[float, float, float, float, float]:
    """Held-out mean R1, RL, lead-3 R1, RL and length of ``folds``-fold tuning (articles i % k).

    Each fold's calibration is tuned on the other folds only, from ``start`` ("shipped": the
    shipped calibration, itself tuned on all of dev, so slightly optimistic; "default":
    ``Calibration()``, fully honest), at length cost ``cost``.
    """
    items = [it for it in load() if it.language == language]
    tuner = Tuner(items)
    r1 = rl = l1 = ll = length = 0.0
    for fold in range(folds):
        train = [i for i in range(len(items)) if i % folds != fold]
        test = [i for i in range(len(items)) if i % folds == fold]
        fold_tuner = Tuner([items[i] for i in train])
        begin = CALIBRATION[language] if start == "shipped" else Calibration()
        calibration = fold_tuner.tune(language, begin, cost)
        for i in test:
            texts = tuner.summary(i, calibration)
            scores = tuner.score(i, texts)
            r1, rl = r1 + scores.r1, rl + scores.rl
            l1, ll = l1 + items[i].lead3.r1, ll + items[i].lead3.rl
            length += len(" ".join(texts))
    n = max(1, len(items))
    return 100 * r1 / n, 100 * rl / n, 100 * l1 / n, 100 * ll / n, length / n


def _cv_main(spec: str, folds: int, start: str) -> None:
    """Print held-out margins per language for ``spec`` = "de=13,fr=0,en=4" (length costs)."""
    jobs: list[tuple[Language, float, int, str]] = []
    for part in spec.split(","):
        name, value = part.split("=")
        language = next(lang for lang in LANGUAGES if lang == name)
        jobs.append((language, float(value), folds, start))
    with multiprocessing.Pool(len(jobs)) as pool:
        results = pool.starmap(cross_validate, jobs)
    for (language, job_cost, _, _), (r1, rl, l1, ll, length) in zip(jobs, results, strict=True):
        print(
            f"{language} {folds}-fold CV from {start} (cost {job_cost}): held-out R1 {r1:.1f} "
            f"RL {rl:.1f} vs lead-3 {l1:.1f} {ll:.1f} ({r1 - l1:+.1f} / {rl - ll:+.1f}), "
            f"mean length {length:.0f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--costs", default="0,2,4,6,8,9,10,11,12,13,14,16,18,20,24")
    parser.add_argument("--max-ratio", type=float, default=1.25)
    parser.add_argument(
        "--first",
        type=float,
        default=None,
        help="fix Calibration.first (e.g. 4: the first usable sentence is nearly always a bullet)",
    )
    parser.add_argument(
        "--cv",
        default=None,
        help='cross-validate instead of tuning, e.g. "de=13,fr=0,en=4" (length cost per language)',
    )
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--start", choices=("shipped", "default"), default="shipped")
    args = parser.parse_args()
    if args.cv is not None:
        _cv_main(args.cv, args.folds, args.start)
        return
    items = load()
    reference_length = sum(len(" ".join(it.references)) for it in items) / len(items)
    costs = [float(c) for c in args.costs.split(",")]
    if args.first is not None:
        GRID["first"] = (args.first,)
    jobs = [(language, costs) for language in LANGUAGES]
    with multiprocessing.Pool(len(jobs)) as pool:  # one language per process
        fronts = dict(zip(LANGUAGES, pool.starmap(_frontier_job, jobs), strict=True))
    # One point per language: the mean length over all articles within --max-ratio of the
    # references', the smallest margin over lead-3 (R1 and RL, any language) as large as can be.
    best: tuple[tuple[float, ...], tuple[dict[str, object], ...]] | None = None
    for combo in itertools.product(*fronts.values()):
        mean = sum(_num(p, "length") for p in combo) / len(items)
        if mean / reference_length > args.max_ratio:
            continue
        margins = [
            min(_num(p, "r1") - _num(p, "lead_r1"), _num(p, "rl") - _num(p, "lead_rl"))
            for p in combo
        ]
        n = sum(_num(p, "n") for p in combo)
        overall = min(
            sum((_num(p, "r1") - _num(p, "lead_r1")) * _num(p, "n") for p in combo) / n,
            sum((_num(p, "rl") - _num(p, "lead_rl")) * _num(p, "n") for p in combo) / n,
        )
        # Lexicographic: languages at least 1 point above lead-3, overall at least 1 point
        # above, then the smallest margin, then the overall margin.
        key = (sum(m >= 1 for m in margins), float(overall >= 1), min(margins), overall)
        if best is None or key > best[0]:
            best = (key, combo)
    if best is None:
        print("no combination fits the length limit")
        return
    mean = sum(_num(p, "length") for p in best[1]) / len(items)
    print(
        f"chosen: mean length {mean:.0f} vs references {reference_length:.0f} "
        f"(ratio {mean / reference_length:.2f}); languages >= +1: {best[0][0]:.0f}, "
        f"smallest margin {best[0][2]:+.1f}, overall margin {best[0][3]:+.1f}"
    )
    for language, point in zip(LANGUAGES, best[1], strict=True):
        print(f'    "{language}": {point["calibration"]!r},  # cost {point["cost"]}')


if __name__ == "__main__":
    main()
