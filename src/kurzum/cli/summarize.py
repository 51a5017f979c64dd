"""``kurzum summarize`` (one article or a JSONL batch) and ``kurzum eval`` (on references).

Thin adapters: read input, call ingestion and a summarization backend, print. They load only
the core (no web, storage or worker stack), so the batch CLI starts fast and stays small.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from kurzum.cli.errors import fail, stderr
from kurzum.core.options import SummaryOptions
from kurzum.errors import ConfigError, DecodeError, InputError, KurzumError
from kurzum.faithfulness import check
from kurzum.models import Article, FaithfulnessReport, Language, Summary
from kurzum.text import load_json

if TYPE_CHECKING:
    from kurzum.evaluation.datasets import EvalItem
    from kurzum.evaluation.report import Row, Scored

# Width of the eval tables when stdout is not a terminal (files, pipes): nothing is cut off.
TABLE_WIDTH = 140
# Batches at least this long show a progress bar (on a terminal only).
PROGRESS_MIN_ITEMS = 20


Summarizer = Callable[[Article, SummaryOptions], Summary]


@dataclass(frozen=True, slots=True)
class _BackendSummarizer:
    """Adapter from a backend object to the plain call the commands use."""

    backend: Any

    def __call__(self, article: Article, options: SummaryOptions) -> Summary:
        result: Summary = self.backend.summarize(article, options)
        return result


def open_summarizer(
    name: str, llm_url: str | None = None, llm_model: str | None = None
) -> Summarizer:
    """The summarizer of backend ``name``: "extractive" (offline core) or an LLM backend.

    LLM backends read the ``llm_*`` settings (``KURZUM_LLM_URL``, ``_MODEL``, ``_STREAM``, …);
    --llm-url / --llm-model override them. ConfigError without a server.
    """
    from kurzum.backends import BACKEND_NAMES, make_backend

    if name == "extractive" or name not in BACKEND_NAMES:  # unknown names: ConfigError
        return _BackendSummarizer(make_backend(name))
    from kurzum.llm.config import from_settings
    from kurzum.settings import get_settings

    overrides = {"llm_url": llm_url, "llm_model": llm_model}
    settings = get_settings(**{k: v for k, v in overrides.items() if v})
    if not settings.llm_url or not settings.llm_model:
        raise ConfigError(
            "the LLM backend needs KURZUM_LLM_URL and KURZUM_LLM_MODEL (--llm-url, --llm-model)"
        )
    return _BackendSummarizer(make_backend(name, from_settings(settings)))


def _options(bullets: int, max_chars: int, lang: Language | None) -> SummaryOptions:
    """SummaryOptions from the command-line flags (validated by SummaryOptions itself)."""
    return SummaryOptions(bullets=bullets, max_chars=max_chars, language=lang)


def _progress(total: int | None, label: str) -> Progress:
    """A progress bar on stderr, silent unless stderr is a terminal and the run is long."""
    console = stderr()
    quiet = not console.is_terminal or (total is not None and total < PROGRESS_MIN_ITEMS)
    return Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=quiet,
        transient=True,
    )


# --- summarize ----------------------------------------------------------------------------


def read_source(source: str, lang: Language | None) -> Article:
    """Load the article named by ``source``: a URL, ``-`` (stdin) or a file path."""
    from kurzum.ingest import fetch_article, is_url, load_article

    if is_url(source):
        return fetch_article(source, language=lang)
    if source == "-":
        return load_article(sys.stdin.buffer.read(), source_name=None, language=lang)
    path = Path(source)
    if path.is_dir():
        raise InputError(f"{source} is a directory, not an article file")
    return load_article(path.read_bytes(), source_name=path.name, language=lang)


def summary_json(article: Article, summary: Summary, report: FaithfulnessReport) -> dict[str, Any]:
    """The ``--json`` object: bullets, language, provenance per bullet, faithfulness report."""
    return {
        "id": article.id,
        "title": article.title,
        "language": summary.language,
        "summary": summary.texts,
        "provenance": [
            [{"sentence": s.sentence, "start": s.start, "end": s.end} for s in bullet.sources]
            for bullet in summary.bullets
        ],
        "faithfulness": {
            "ok": report.ok,
            "checked": report.checked,
            "issues": [
                {"bullet": i.bullet, "kind": i.kind, "text": i.text, "start": i.start, "end": i.end}
                for i in report.issues
            ],
        },
        "method": summary.method,
        "model": summary.model,
        "usage": (
            {
                "prompt_tokens": summary.usage.prompt_tokens,
                "completion_tokens": summary.usage.completion_tokens,
            }
            if summary.usage
            else None
        ),
        "notes": list(summary.notes),
    }


def _print_summary(summary: Summary, report: FaithfulnessReport) -> None:
    """Bullets on stdout; notes and the faithfulness verdict on stderr."""
    out = Console(highlight=False, soft_wrap=True)
    for bullet in summary.bullets:
        out.print(f"• {bullet.text}", markup=False)
    err = stderr()
    for note in summary.notes:
        err.print(f"note: {note}", markup=False)
    if report.ok:
        err.print(f"faithfulness: ok ({report.checked} bullets checked)", markup=False)
    else:
        spans = "; ".join(f"bullet {i.bullet + 1}: {i.kind} {i.text!r}" for i in report.issues)
        err.print(f"faithfulness: NOT supported by the article: {spans}", markup=False)


def _batch(source: str, options: SummaryOptions, summarize: Summarizer) -> None:
    """``--jsonl``: one article object per input line, one JSON line per article on stdout.

    ``seconds`` is the time spent on that line in this process: parsing, cleaning, summarizing.
    """
    from kurzum.ingest import ArticleRecord, parse_jsonl_line, record_article

    # The language model (~100 MB, 0.4 s) loads only for the first record without "lang".
    handle = sys.stdin.buffer if source == "-" else Path(source).open("rb")  # noqa: SIM115
    write = sys.stdout.write
    with handle, _progress(None, "summarizing") as progress:
        task = progress.add_task("articles", total=None)
        for raw in handle:
            if not raw.strip():
                continue
            started = time.perf_counter()
            record: ArticleRecord | None = None
            out: dict[str, Any] = {}
            line = raw.decode("utf-8", errors="replace")
            try:
                _require_utf8(raw)
                record = parse_jsonl_line(line)
                article = record_article(record, options.language)
                out["summary"] = summarize(article, options).texts
            except KurzumError as exc:
                out["error"] = str(exc)
            except Exception as exc:  # a bug on one article must not lose the rest of the batch
                out["error"] = f"internal error: {type(exc).__name__}: {exc}"
            out = {"id": record.id if record else _line_id(line), **out}
            out["seconds"] = round(time.perf_counter() - started, 6)
            write(json.dumps(out, ensure_ascii=False) + "\n")
            progress.advance(task)
    sys.stdout.flush()


def _require_utf8(raw: bytes) -> None:
    """Raise DecodeError unless ``raw`` is valid UTF-8 (JSONL is UTF-8 by definition)."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DecodeError("the line is not UTF-8 text") from exc


def _line_id(line: str) -> str | None:
    """The ``id`` of a line that is JSON but not a valid article, to label its error."""
    try:
        value = load_json(line)
    except (ValueError, InputError):
        return None
    ident = value.get("id") if isinstance(value, dict) else None
    return str(ident) if isinstance(ident, str | int) else None


Source = Annotated[
    str | None,
    typer.Argument(help="Article file, http(s) URL, or - for stdin.", show_default=False),
]
Bullets = Annotated[int, typer.Option("--bullets", "-n", help="Number of bullets (1-10).")]
MaxChars = Annotated[int, typer.Option("--max-chars", help="Longest bullet, in characters.")]
Lang = Annotated[
    str | None, typer.Option("--lang", help="Article language (de, fr, en); default: detect.")
]
Backend = Annotated[
    str, typer.Option("--backend", help="Summarization backend: extractive, llm or hybrid.")
]
LLMUrl = Annotated[
    str | None,
    typer.Option("--llm-url", help="OpenAI-compatible base URL (default: $KURZUM_LLM_URL)."),
]
LLMModel = Annotated[
    str | None, typer.Option("--llm-model", help="Model name (default: $KURZUM_LLM_MODEL).")
]


def _language(value: str | None) -> Language | None:
    """Validate ``--lang``."""
    if value is None:
        return None
    languages: dict[str, Language] = {"de": "de", "fr": "fr", "en": "en"}
    language = languages.get(value.lower())
    if language is None:
        fail(f"unsupported language {value!r}; choose de, fr or en")
    return language


def summarize(
    source: Source = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    jsonl: Annotated[
        bool, typer.Option("--jsonl", help="Batch: article objects in (JSONL), one line each out.")
    ] = False,
    bullets: Bullets = 3,
    max_chars: MaxChars = 160,
    lang: Lang = None,
    backend: Backend = "extractive",
    llm_url: LLMUrl = None,
    llm_model: LLMModel = None,
) -> None:
    """Summarize an article (text, HTML, JSON) from a file, a URL or stdin."""
    options = _options(bullets, max_chars, _language(lang))
    summarizer = open_summarizer(backend, llm_url, llm_model)
    if jsonl:
        _batch(source or "-", options, summarizer)
        return
    if source is None:
        fail("name an article file, a URL, or - for stdin")
    article = read_source(source, options.language)
    summary = summarizer(article, options)
    report = check(summary, article)
    if as_json:
        typer.echo(json.dumps(summary_json(article, summary, report), ensure_ascii=False))
    else:
        _print_summary(summary, report)


# --- eval ---------------------------------------------------------------------------------


def evaluate(
    files: Annotated[list[Path], typer.Argument(help="Reference JSONL files (dev-data schema).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    bullets: Bullets = 3,
    max_chars: MaxChars = 160,
    backend: Backend = "extractive",
    llm_url: LLMUrl = None,
    llm_model: LLMModel = None,
) -> None:
    """Score summaries against reference bullets, side by side with lead-3."""
    # ROUGE is the `eval` extra: a missing one raises ConfigError here, which the CLI's error
    # adapter turns into one line (exit 2).
    from kurzum.evaluation.datasets import read_datasets
    from kurzum.evaluation.report import aggregate, rows_as_json

    options = _options(bullets, max_chars, None)
    summarizer = open_summarizer(backend, llm_url, llm_model)
    items = read_datasets(files)
    errors = [item for item in items if item.article is None]
    with _progress(len(items), "evaluating") as progress:
        task = progress.add_task("articles", total=len(items))
        scored = [
            result
            for item in items
            for result in _score_item(item, summarizer, options, lambda: progress.advance(task))
        ]
    if not scored:
        fail("no article with a reference summary in the given files")
    rows = aggregate(scored)
    if as_json:
        skipped = [{"file": e.file, "line": e.line, "error": e.error} for e in errors]
        typer.echo(json.dumps({"rows": rows_as_json(rows), "skipped": skipped}))
        return
    _print_eval(rows, errors)


def _score_item(
    item: EvalItem, summarizer: Summarizer, options: SummaryOptions, done: Callable[[], None]
) -> list[Scored]:
    """kurzum's and lead-3's summary of one reference article, scored (none if it failed)."""
    from kurzum.evaluation.metrics import lead_n
    from kurzum.evaluation.report import score

    done()
    if item.article is None:
        return []
    started = time.perf_counter()
    summary = summarizer(item.article, options)
    seconds = time.perf_counter() - started
    ours = score(
        "kurzum",
        item.file,
        item.article,
        summary.texts,
        item.references,
        options=options,
        summary=summary,
        seconds=seconds,
    )
    lead = lead_n(item.article, options.bullets)
    baseline = score("lead-3", item.file, item.article, lead, item.references, options=options)
    return [ours, baseline]


def _print_eval(rows: list[Row], errors: list[EvalItem]) -> None:
    """The eval tables (per file, per language, overall) on stdout."""
    from kurzum.evaluation.report import COLUMNS, row_cells

    out = Console(highlight=False, width=None if sys.stdout.isatty() else TABLE_WIDTH)
    titles = {"file": "per file", "language": "per language", "overall": "overall"}
    for group, title in titles.items():
        table = Table(title=f"ROUGE F1 ×100, {title}", title_justify="left")
        for name in ("", "system", "n", *COLUMNS):
            table.add_column(name, justify="left" if name in ("", "system") else "right")
        for row in rows:
            if row.group == group:
                table.add_row(row.key, row.system, str(row.articles), *row_cells(row))
        out.print(table)
    for item in errors:
        stderr().print(f"skipped {item.file}:{item.line}: {item.error}", markup=False)


def register(app: typer.Typer) -> None:
    """Attach ``summarize`` and ``eval`` to the ``kurzum`` CLI."""
    app.command()(summarize)
    app.command("eval")(evaluate)
