"""Dump the lead-3 baseline's bullets for the editorial judgement set, one JSONL row per bullet.

Articles are read through kurzum's own evaluation reader (so ingestion and noise cleaning are the
same as in ``kurzum eval``). Selection: every German and French dev article, and every second
English one (positions 0, 2, 4, ... of the English articles sorted by id), so that the labelling
effort stays within reach while every source file is covered.

    PYTHONPATH=src .venv/bin/python benchmarks/editorial/make_lead3.py \
        [--dev ../shared/data/dev] [--out /work/wt/labels/lead3_bullets.jsonl]

The output holds article text (title, lead) and so stays outside the repository.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kurzum.evaluation.datasets import read_dataset
from kurzum.evaluation.metrics import lead_n
from kurzum.models import Article

DEV = Path(__file__).resolve().parents[3] / "shared" / "data" / "dev"
OUT = Path(__file__).resolve().parents[3] / "labels" / "lead3_bullets.jsonl"


def selected(dev: Path) -> Iterator[tuple[str, Article]]:
    """(source file stem, article) for the judgement set, in a stable order (language, id)."""
    items: list[tuple[str, str, Article]] = []
    for path in sorted(dev.glob("*.jsonl")):
        for item in read_dataset(path):
            if item.article is None or item.id is None:
                continue
            items.append((path.stem, item.id, item.article))
    english = sorted((i for i in items if i[2].language == "en"), key=lambda i: i[1])
    keep_en = {ident for position, (_, ident, _) in enumerate(english) if position % 2 == 0}
    for stem, ident, article in sorted(items, key=lambda i: (str(i[2].language), i[1])):
        if article.language in ("de", "fr") or ident in keep_en:
            yield stem, article


def rows(dev: Path) -> Iterator[dict[str, Any]]:
    """One row per lead-3 bullet of every selected article."""
    for stem, article in selected(dev):
        for index, bullet in enumerate(lead_n(article, 3)):
            yield {
                "id": article.id,
                "lang": article.language,
                "source": stem,
                "system": "lead3",
                "index": index,
                "bullet": bullet,
                "title": article.title or "",
                "lead": article.lead or "",
            }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dev", type=Path, default=DEV)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with args.out.open("w", encoding="utf-8") as handle:
        for row in rows(args.dev):
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    print(f"{count} bullets -> {args.out}")


if __name__ == "__main__":
    main()
