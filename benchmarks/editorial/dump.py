"""Write the bullets of the editorial judgement set as JSONL, one row per bullet.

Two sets of articles. ``judgement`` (default): every de and fr dev article, and the en articles
at an even position of the id-sorted en list. ``held-out``: the en articles at an odd position,
labelled only once the rules were frozen, so their acceptance rate is out of sample.
``--system kurzum`` (default) writes ``kurzum.core.summarize``'s bullets, ``--system lead3`` the
first three sentences (``evaluation.metrics.lead_n``). The dumps hold article text (title,
lead), so they stay outside the repository.

    PYTHONPATH=src python benchmarks/editorial/dump.py [--system lead3] [--set held-out] [--out P]
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


SETS = ("judgement", "held-out")


def selection(items: list[EvalItem], which: str = "judgement") -> list[EvalItem]:
    """The articles of set ``which`` (see the module docstring), ordered by language and id."""
    usable = [i for i in items if i.article is not None and i.id]
    english = sorted(
        (i for i in usable if i.article and i.article.language == "en"), key=lambda i: i.id or ""
    )
    if which == "held-out":
        chosen = english[1::2]
    else:
        keep = {id(i) for i in english[::2]}
        chosen = [
            i for i in usable if i.article and (i.article.language in ("de", "fr") or id(i) in keep)
        ]
    return sorted(chosen, key=lambda i: (str(i.article.language if i.article else ""), i.id or ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--system", choices=("kurzum", "lead3"), default="kurzum")
    parser.add_argument("--set", choices=SETS, default="judgement", dest="which")
    parser.add_argument("--dev", type=Path, default=DEV)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    suffix = "" if args.which == "judgement" else f"_{args.which}"
    out = args.out or OUT / f"{args.system}_bullets{suffix}.jsonl"
    items = selection(read_datasets(sorted(args.dev.glob("*.jsonl"))), args.which)
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
                    "set": args.which,
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
