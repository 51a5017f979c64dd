"""Write the bullets of the editorial judgement set as JSONL, one row per bullet.

Selection: every de and fr dev article, and the en articles at an even position of the
id-sorted en list. ``--system kurzum`` (default) writes ``kurzum.core.summarize``'s bullets,
``--system lead3`` the first three sentences (``evaluation.metrics.lead_n``).

    PYTHONPATH=src python benchmarks/editorial/dump.py [--system lead3] [--out PATH]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from kurzum.core import summarize
from kurzum.evaluation.datasets import EvalItem, read_datasets
from kurzum.evaluation.metrics import lead_n

ROOT = Path(__file__).resolve().parents[2]
DEV = ROOT.parent / "shared" / "data" / "dev"
OUT = ROOT.parent / "labels"


def selection(items: list[EvalItem]) -> list[EvalItem]:
    """All de and fr items, and the en items at even positions of the id-sorted en list."""
    usable = [i for i in items if i.article is not None and i.id]
    english = sorted(
        (i for i in usable if i.article and i.article.language == "en"), key=lambda i: i.id or ""
    )
    keep = {id(i) for i in english[::2]}
    chosen = [
        i for i in usable if i.article and (i.article.language in ("de", "fr") or id(i) in keep)
    ]
    # the order and empty-string fields of make_lead3.py, so both files line up row by row
    return sorted(chosen, key=lambda i: (str(i.article.language if i.article else ""), i.id or ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--system", choices=("kurzum", "lead3"), default="kurzum")
    parser.add_argument("--dev", type=Path, default=DEV)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    out = args.out or OUT / f"{args.system}_bullets.jsonl"
    items = selection(read_datasets(sorted(args.dev.glob("*.jsonl"))))
    out.parent.mkdir(parents=True, exist_ok=True)
    rows = 0
    with out.open("w", encoding="utf-8") as handle:
        for item in items:
            article = item.article
            assert article is not None
            bullets = summarize(article).texts if args.system == "kurzum" else lead_n(article, 3)
            source = item.file.removesuffix(".jsonl")
            for index, bullet in enumerate(bullets):
                row = {
                    "id": item.id,
                    "lang": article.language,
                    "source": source,
                    "system": args.system,
                    "index": index,
                    "bullet": bullet,
                    "title": article.title or "",
                    "lead": article.lead or "",
                }
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
                rows += 1
    languages = {
        lang: sum(1 for i in items if i.article and i.article.language == lang)
        for lang in ("de", "fr", "en")
    }
    print(f"{out}: {rows} bullets of {len(items)} articles {languages}")


if __name__ == "__main__":
    main()
