"""How often can bullet 1 carry the main news at all? The extractive ceiling of issue 11's lede.

Blind desk-editor labels (``lede_labels.jsonl``, LEDE_LABELLING.md) judge the first eight
candidate bullets of every de and fr judgement-set article (kurzum's candidate pool: usable
sentences, safely shortened to the box's 160 characters, in article order) as a *first*
bullet: does it state the main news, could it stand first as is? From them:

- the ceiling: articles where some candidate is the main news (and acceptable as bullet 1);
- kurzum's lede (``summarize``'s bullet 1) and the first candidate that stands alone;
- a family of alternative ledes ("most title/lead concepts, less ``step`` per position"),
  with ``step`` chosen by grouped 5-fold cross-validation on these labels.

Labels hold a hash of the candidate's text, not the text (the articles stay in ../shared);
a candidate whose text changed since labelling counts as unlabelled.

    PYTHONPATH=src .venv/bin/python benchmarks/editorial/lede_ceiling.py [--out P]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from dump import DEV, selection

from kurzum.core.calibration import default_calibration
from kurzum.core.select import Choice, quoted
from kurzum.core.summarize import prepare, summarize
from kurzum.evaluation.calibrate import folds_of
from kurzum.evaluation.datasets import read_datasets
from kurzum.evaluation.editorial import wilson

HERE = Path(__file__).resolve().parent
WINDOW = 8  # candidates labelled per article
STEPS = (0.1, 0.25, 0.5, 1.0, 2.0)


def sha(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


@dataclass
class Case:
    """One article: its candidates (first eight), their labels (None: text changed), lede."""

    id: str
    lang: str
    pool: list[Choice]
    head: frozenset[str]
    labels: list[dict[str, object] | None]
    lede: int | None  # position of kurzum's bullet 1 among the candidates (None: not there)


def load(labels_path: Path, dev: Path) -> list[Case]:
    labels: dict[tuple[str, str], dict[str, object]] = {}
    for line in labels_path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        labels[(row["id"], row["sha1"])] = row
    items = selection(read_datasets(sorted(dev.glob("*.jsonl"))), "judgement")
    cases: list[Case] = []
    soft = default_calibration().soft_chars
    for item in items:
        article = item.article
        if article is None or article.language not in ("de", "fr") or not item.id:
            continue
        prepared = prepare(article)
        pool = prepared.pool(soft)[:WINDOW]
        bullets = summarize(article).texts
        first = sha(bullets[0]) if bullets else None
        shas = [sha(c.short.text) for c in pool]
        cases.append(
            Case(
                item.id,
                article.language,
                pool,
                prepared.head,
                [labels.get((item.id, s)) for s in shas],
                shas.index(first) if first in shas else None,
            )
        )
    return cases


def stands(choice: Choice) -> bool:
    return not (choice.rejected or choice.leans)


def by_step(step: float) -> Callable[[Case], int | None]:
    """The lede of the family: most title/lead concepts less ``step`` per position."""

    def pick(case: Case) -> int | None:
        window = [i for i, c in enumerate(case.pool) if stands(c) and not quoted(c)]
        if not window:
            return None
        return max(window, key=lambda i: (len(case.pool[i].stems & case.head) - step * i, -i))

    return pick


def hits(cases: Sequence[Case], pick: Callable[[Case], int | None]) -> tuple[int, int]:
    """(main news, main news and acceptable as bullet 1) over ``cases``."""
    news = both = 0
    for case in cases:
        k = pick(case)
        label = case.labels[k] if k is not None else None
        if label is not None and label["main_news"]:
            news += 1
            both += bool(label["acceptable_first"])
    return news, both


def cross_validated(cases: list[Case]) -> tuple[tuple[int, int], list[float]]:
    """Held-out hits of the step family, the step chosen on the other folds each time."""
    fold = folds_of([c.id for c in cases], 5)
    total = [0, 0]
    chosen: list[float] = []
    for f in range(5):
        train = [c for c, g in zip(cases, fold, strict=True) if g != f]
        test = [c for c, g in zip(cases, fold, strict=True) if g == f]
        step = max(STEPS, key=lambda s: (lambda h: h[1] + 0.5 * h[0])(hits(train, by_step(s))))
        chosen.append(step)
        news, both = hits(test, by_step(step))
        total[0] += news
        total[1] += both
    return (total[0], total[1]), chosen


def ceiling(case: Case, strict: bool) -> int | None:
    for k, label in enumerate(case.labels):
        if label and label["main_news"] and (label["acceptable_first"] or not strict):
            return k
    return None


def cell(hit: int, total: int) -> str:
    rate = wilson(hit, total)
    share = 100 * hit / max(1, total)
    return f"{hit}/{total} = {share:.0f} % ({100 * rate.low:.0f}–{100 * rate.high:.0f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--labels", type=Path, default=HERE / "lede_labels.jsonl")
    parser.add_argument("--dev", type=Path, default=DEV)
    parser.add_argument("--out", type=Path, default=HERE.parent / "results" / "lede.md")
    args = parser.parse_args()
    if not args.dev.is_dir():
        print(f"error: no dev data at {args.dev}", file=sys.stderr)
        return 2
    cases = load(args.labels, args.dev)
    unlabelled = sum(label is None for case in cases for label in case.labels)
    (cv_news, cv_both), chosen = cross_validated(cases)
    ours = hits(cases, lambda c: c.lede)
    rows: list[tuple[str, Callable[[Case], int | None]]] = [
        ("ceiling: first candidate with the main news", lambda c: ceiling(c, strict=False)),
        ("ceiling: first with the main news, acceptable", lambda c: ceiling(c, strict=True)),
        ("kurzum's bullet 1 (`summarize`)", lambda c: c.lede),
        (
            "the first candidate that stands alone",
            lambda c: next((i for i, x in enumerate(c.pool) if stands(x)), None),
        ),
    ]
    lines = [
        "# Bullet 1 and the main news: the extractive ceiling (blind labels, issue 11)",
        "",
        f"{len(cases)} judgement-set articles (de, fr); the first {WINDOW} candidate bullets of "
        f"each labelled blind as a first bullet (`benchmarks/editorial/lede_labels.jsonl`, "
        f"{unlabelled} candidates changed since labelling and count as not the news). "
        "Main news: states what title and lead announce; acceptable: publishable as bullet 1 "
        "as is (standalone, grammatical, a fact). 95 % Wilson intervals.",
        "",
        "| lede | lang | main news in bullet 1 | main news and acceptable |",
        "|---|---|---|---|",
    ]
    for name, pick in rows:
        for lang in ("de", "fr"):
            group = [c for c in cases if c.lang == lang]
            news, both = hits(group, pick)
            lines.append(
                f"| {name} | {lang} | {cell(news, len(group))} | {cell(both, len(group))} |"
            )
    lines += [
        "",
        "Most title/lead concepts among the first eight standalone non-quote candidates, "
        f"less `step` per position, step chosen from {list(STEPS)} by grouped 5-fold "
        f"cross-validation on these labels (chosen per fold: {chosen}): held out, "
        f"main news {cell(cv_news, len(cases))}, main news and acceptable "
        f"{cell(cv_both, len(cases))} (de and fr together). kurzum's bullet 1 on the same "
        f"articles: {cell(ours[0], len(cases))} and {cell(ours[1], len(cases))}.",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
