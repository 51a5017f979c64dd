"""Synthesize an archive for the scale benchmarks by recombining the dev-set articles' paragraphs.

The dev data (``../shared/data/dev``) is read, never copied: each synthetic article takes a title
and 3-8 paragraphs drawn from dev articles of one language, so language detection, sentence
splitting and ranking see real news text. The same seed always yields the same archive.

    python benchmarks/synth.py --n 100000 --seed 7 --out /tmp/archive.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

DEV_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "dev"
_SENTENCE_END = re.compile(r"(?<=[.!?»“\"])\s+(?=[A-ZÄÖÜÀ-Ý«„\"])")
MAX_PARAGRAPH = 700  # characters; longer single-paragraph texts are regrouped by sentences


@dataclass
class Pool:
    """Titles and paragraphs of one language."""

    titles: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)


def _paragraphs(text: str) -> list[str]:
    """Blank-line paragraphs; a wall of text is regrouped into paragraphs of a few sentences."""
    out: list[str] = []
    for block in (b.strip() for b in text.split("\n\n")):
        if not block:
            continue
        if len(block) <= MAX_PARAGRAPH:
            out.append(block)
            continue
        current = ""
        for sentence in _SENTENCE_END.split(block):
            if current and len(current) + len(sentence) > MAX_PARAGRAPH:
                out.append(current)
                current = ""
            current = f"{current} {sentence}".strip()
        if current:
            out.append(current)
    return [p for p in out if len(p) >= 40]


def load_pools(dev_dir: Path = DEV_DIR) -> dict[str, Pool]:
    """Read every dev file into per-language pools (sorted, so the result is deterministic)."""
    files = sorted(dev_dir.glob("*.jsonl"))
    if not files:
        raise FileNotFoundError(f"no dev data in {dev_dir} (../shared/data/dev is needed)")
    pools: dict[str, Pool] = {}
    for path in files:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                record = json.loads(line)
                pool = pools.setdefault(record["lang"], Pool())
                if record.get("title"):
                    pool.titles.append(record["title"])
                pool.paragraphs.extend(_paragraphs(record["text"]))
    return pools


def synthesize(
    n: int, seed: int, pools: dict[str, Pool] | None = None, premium_share: float = 0.3
) -> Iterator[dict[str, object]]:
    """Yield ``n`` synthetic article records (dev-data schema plus ``premium``), deterministic."""
    pools = pools if pools is not None else load_pools()
    rng = random.Random(seed)
    languages = sorted(pools)
    weights = [len(pools[lang].paragraphs) for lang in languages]
    for i in range(n):
        lang = rng.choices(languages, weights)[0]
        pool = pools[lang]
        paragraphs = rng.sample(pool.paragraphs, k=min(len(pool.paragraphs), rng.randint(3, 8)))
        day = 1 + i % 28
        yield {
            "id": f"synth-{seed}-{i:07d}",
            "lang": lang,
            "title": rng.choice(pool.titles) if pool.titles else None,
            "lead": None,
            "text": "\n\n".join(paragraphs),
            "date": f"2024-{1 + (i // 28) % 12:02d}-{day:02d}",
            "url": f"https://news.example/{lang}/{seed}/{i}",
            "premium": rng.random() < premium_share,
        }


def write_archive(path: Path, n: int, seed: int) -> int:
    """Write ``n`` synthetic articles as JSONL to ``path``; returns the bytes written."""
    size = 0
    with path.open("w", encoding="utf-8") as fh:
        for record in synthesize(n, seed):
            line = json.dumps(record, ensure_ascii=False) + "\n"
            fh.write(line)
            size += len(line.encode("utf-8"))
    return size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="number of articles")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True, help="JSONL file to write")
    args = parser.parse_args(argv)
    try:
        size = write_archive(args.out, args.n, args.seed)
    except FileNotFoundError as exc:
        print(f"synth: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {args.n} articles ({size / 1e6:.1f} MB) to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
