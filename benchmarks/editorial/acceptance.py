"""Editorial acceptance rates: desk-editor labels matched to the current bullet dumps.

    PYTHONPATH=src .venv/bin/python benchmarks/editorial/acceptance.py \
        /work/wt/labels/lead3_bullets.jsonl [more dumps ...] \
        [--labels benchmarks/editorial/labels.jsonl] [--out benchmarks/results/editorial.md]

A label counts only for the exact bullet text it was given for; bullets whose text changed since
labelling are listed as UNLABELLED (label them again, see GUIDELINES.md).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from kurzum.errors import InputError
from kurzum.evaluation.editorial import markdown, match, read_jsonl, summarise

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "dumps", nargs="+", type=Path, help="bullet dumps (JSONL, one row a bullet)"
    )
    parser.add_argument("--labels", type=Path, default=HERE / "labels.jsonl")
    parser.add_argument("--out", type=Path, default=HERE.parent / "results" / "editorial.md")
    args = parser.parse_args()
    try:
        labels = list(read_jsonl(args.labels))
        bullets = [row for path in args.dumps for row in read_jsonl(path)]
        matched = match(labels, bullets)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    table = markdown(summarise(matched))
    reasons = Counter(
        label["reason"].split(":")[0].strip()
        for _, label in matched.labelled
        if not label["acceptable"]
    )
    text = (
        "# Editorial acceptance (desk-editor labels, 95 % Wilson intervals)\n\n"
        + table
        + "\nMost common rejection reasons (text before the first colon):\n\n"
        + "".join(f"- {count} × {reason}\n" for reason, count in reasons.most_common(12))
    )
    print(text)
    for row in matched.unlabelled:
        print(f"UNLABELLED {row['system']} {row['id']} #{row['index']}: {row['bullet'][:80]}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
