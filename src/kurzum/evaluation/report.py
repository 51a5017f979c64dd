"""Scores per article and their aggregation per file, per language and overall, as tables or JSON.

Shared by ``kurzum eval`` and ``benchmarks/bench_quality_speed.py`` so every system is scored
by the same code: ROUGE-1/2/L F1 (``metrics.rouge``), summary length in characters and bullets,
faithfulness (``faithfulness.check`` passes), format (bullet count and maximum length) and
the editor lint's counts per failure class (``evaluation.lint``: 1 cut point, 2 main news
missing, 3 unresolved reference, 4 no fact, 5 noise, 6 lead repeated).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from kurzum.core.options import SummaryOptions
from kurzum.evaluation.lint import CLASSES, count, lint
from kurzum.evaluation.metrics import rouge
from kurzum.faithfulness import check
from kurzum.models import Article, Bullet, Language, Summary

OVERALL = "all"


@dataclass(frozen=True, slots=True)
class Scored:
    """One system's summary of one article, scored against the reference."""

    system: str
    file: str
    language: Language
    r1: float
    r2: float
    rl: float
    chars: int
    bullets: int
    reference_chars: int
    faithful: bool
    format_ok: bool
    seconds: float | None = None
    rl_joined: float = 0.0
    lint: tuple[int, ...] = (0,) * len(CLASSES)


@dataclass(frozen=True, slots=True)
class Row:
    """Means over a group of scored summaries (a file, a language, or everything)."""

    group: str  # "file", "language" or "overall"
    key: str
    system: str
    articles: int
    r1: float
    r2: float
    rl: float
    chars: float
    bullets: float
    reference_chars: float
    faithful: float
    format_ok: float
    rl_joined: float = 0.0
    lint: tuple[int, ...] = (0,) * len(CLASSES)  # total findings per class, CLASSES order


def score(
    system: str,
    file: str,
    article: Article,
    bullets: Sequence[str],
    references: Sequence[str],
    *,
    options: SummaryOptions,
    summary: Summary | None = None,
    seconds: float | None = None,
) -> Scored:
    """Score one summary; faithfulness is checked on ``summary`` or on the plain bullets."""
    language: Language = article.language or "de"
    scores = rouge(list(bullets), list(references), language)
    checked = summary or Summary(tuple(Bullet(text) for text in bullets), language, method=system)
    counts = count(lint(list(bullets), article, language))
    return Scored(
        system=system,
        file=file,
        language=language,
        r1=scores.r1,
        r2=scores.r2,
        rl=scores.rl,
        chars=sum(len(b) for b in bullets),
        bullets=len(bullets),
        reference_chars=sum(len(r) for r in references),
        faithful=check(checked, article).ok,
        format_ok=0 < len(bullets) <= options.bullets
        and all(len(b) <= options.max_chars for b in bullets),
        seconds=seconds,
        rl_joined=scores.rl_joined,
        lint=tuple(counts[kind] for kind in CLASSES),
    )


def _row(group: str, key: str, system: str, items: list[Scored]) -> Row:
    """The means of ``items``."""

    def mean(values: Iterable[float]) -> float:
        return statistics.fmean(values) if items else 0.0

    return Row(
        group=group,
        key=key,
        system=system,
        articles=len(items),
        r1=mean(s.r1 for s in items),
        r2=mean(s.r2 for s in items),
        rl=mean(s.rl for s in items),
        chars=mean(s.chars for s in items),
        bullets=mean(s.bullets for s in items),
        reference_chars=mean(s.reference_chars for s in items),
        faithful=mean(float(s.faithful) for s in items),
        format_ok=mean(float(s.format_ok) for s in items),
        rl_joined=mean(s.rl_joined for s in items),
        lint=tuple(sum(s.lint[i] for s in items) for i in range(len(CLASSES))),
    )


def aggregate(scored: Sequence[Scored]) -> list[Row]:
    """Rows per file, per language and overall, each for every system (in first-seen order)."""
    systems = list(dict.fromkeys(s.system for s in scored))
    files = list(dict.fromkeys(s.file for s in scored))
    languages = [lang for lang in ("de", "fr", "en") if any(s.language == lang for s in scored)]
    rows: list[Row] = []
    for group, keys, attr in (("file", files, "file"), ("language", languages, "language")):
        for key in keys:
            for system in systems:
                items = [s for s in scored if getattr(s, attr) == key and s.system == system]
                rows.append(_row(group, key, system, items))
    for system in systems:
        rows.append(_row("overall", OVERALL, system, [s for s in scored if s.system == system]))
    return rows


def rows_as_json(rows: Sequence[Row]) -> list[dict[str, object]]:
    """Rows as JSON-ready dicts, scores rounded to 4 decimals."""
    result: list[dict[str, object]] = []
    for row in rows:
        data = {k: round(v, 4) if isinstance(v, float) else v for k, v in asdict(row).items()}
        data["lint"] = dict(zip(CLASSES, row.lint, strict=True))
        result.append(data)
    return result


COLUMNS = (
    "R-1",
    "R-2",
    "R-L",
    "R-L joined",
    "chars",
    "ref chars",
    "bullets",
    "faithful",
    "format",
    "lint 1/2/3/4/5/6",
)


def row_cells(row: Row) -> list[str]:
    """The table cells of one row: ROUGE in points, lengths, shares in percent."""
    return [
        f"{100 * row.r1:.1f}",
        f"{100 * row.r2:.1f}",
        f"{100 * row.rl:.1f}",
        f"{100 * row.rl_joined:.1f}",
        f"{row.chars:.0f}",
        f"{row.reference_chars:.0f}",
        f"{row.bullets:.1f}",
        f"{100 * row.faithful:.0f}%",
        f"{100 * row.format_ok:.0f}%",
        "/".join(str(n) for n in row.lint),
    ]


def markdown_table(rows: Sequence[Row], group: str) -> str:
    """One Markdown table of the rows of ``group`` (file, language or overall)."""
    header = ["", "system", "n", *COLUMNS]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        if row.group == group:
            cells = [row.key, row.system, str(row.articles), *row_cells(row)]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
