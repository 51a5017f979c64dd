"""Editorial acceptance: a desk editor's labels on bullets, matched to current bullet dumps.

Labels are keyed on (article id, system, bullet index, bullet text): when a system's bullets
change, the changed rows show up as unlabelled instead of silently inheriting old judgements.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kurzum.errors import InputError
from kurzum.text import load_json

LABEL_FIELDS = ("standalone", "grammatical", "fact", "main_news", "acceptable")
Key = tuple[str, str, int, str]


@dataclass(frozen=True, slots=True)
class Rate:
    """A share of successes with its 95 % Wilson score interval (all as fractions)."""

    hits: int
    total: int
    low: float
    high: float

    @property
    def share(self) -> float:
        """The observed share, 0 when there is nothing to count."""
        return self.hits / self.total if self.total else 0.0

    def cell(self) -> str:
        """'82.0 % (74.1-88.0)' for a markdown table; '–' when empty."""
        if not self.total:
            return "–"
        return f"{100 * self.share:.1f} % ({100 * self.low:.1f}–{100 * self.high:.1f})"


def wilson(hits: int, total: int, z: float = 1.959964) -> Rate:
    """The Wilson score interval: unlike the normal approximation it behaves at 0 % and 100 %."""
    if total <= 0:
        return Rate(0, 0, 0.0, 0.0)
    if not 0 <= hits <= total:
        raise ValueError(f"hits {hits} outside 0..{total}")
    p = hits / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    return Rate(hits, total, max(0.0, centre - half), min(1.0, centre + half))


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """The JSON objects of one file, with a clear error naming the line that is not one."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = load_json(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{number}: not JSON ({exc.msg})") from exc
        except InputError as exc:
            raise InputError(f"{path}:{number}: {exc}") from None
        if not isinstance(row, dict):
            raise InputError(f"{path}:{number}: not a JSON object")
        yield row


def key(row: dict[str, Any]) -> Key:
    """What a label is valid for: the exact bullet of one system at one position of one article."""
    try:
        return (str(row["id"]), str(row["system"]), int(row["index"]), str(row["bullet"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"bullet row without id/system/index/bullet: {exc}") from exc


@dataclass(frozen=True, slots=True)
class Matched:
    """Current bullets split into the labelled ones (with their label row) and the rest."""

    labelled: list[tuple[dict[str, Any], dict[str, Any]]]
    unlabelled: list[dict[str, Any]]


def match(labels: Iterable[dict[str, Any]], bullets: Iterable[dict[str, Any]]) -> Matched:
    """Pair each current bullet with the label of the same (id, system, index, text), if any."""
    by_key: dict[Key, dict[str, Any]] = {}
    for label in labels:
        missing = [f for f in LABEL_FIELDS if not isinstance(label.get(f), bool)]
        if missing:
            raise InputError(f"label for {key(label)[:3]} lacks boolean {', '.join(missing)}")
        by_key[key(label)] = label
    labelled: list[tuple[dict[str, Any], dict[str, Any]]] = []
    unlabelled: list[dict[str, Any]] = []
    for bullet in bullets:
        found = by_key.get(key(bullet))
        if found is None:
            unlabelled.append(bullet)
        else:
            labelled.append((bullet, found))
    return Matched(labelled, unlabelled)


@dataclass(frozen=True, slots=True)
class GroupStats:
    """Acceptance figures of one (language, system) group."""

    lang: str
    system: str
    bullets: int
    unlabelled: int
    acceptable: Rate
    standalone: Rate
    grammatical: Rate
    fact: Rate
    main_news_first: Rate
    articles: int


def _rate(labels: list[dict[str, Any]], field: str) -> Rate:
    return wilson(sum(1 for label in labels if label[field]), len(labels))


def _group(bullet: dict[str, Any]) -> tuple[str, str]:
    """(language, system); a language of a set other than the judgement set says which."""
    which = bullet.get("set") or "judgement"
    lang = str(bullet.get("lang"))
    return (lang if which == "judgement" else f"{lang} ({which})", str(bullet["system"]))


def summarise(matched: Matched) -> list[GroupStats]:
    """Per language (and set) and system: shares of labelled bullets, and of articles whose
    bullet 1 is labelled as stating the main news (only articles whose bullet 1 is labelled)."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    missing: dict[tuple[str, str], int] = {}
    for bullet, label in matched.labelled:
        groups.setdefault(_group(bullet), []).append(label)
    for bullet in matched.unlabelled:
        group = _group(bullet)
        groups.setdefault(group, [])
        missing[group] = missing.get(group, 0) + 1
    stats = []
    for (lang, system), labels in sorted(groups.items()):
        firsts = [label for label in labels if int(label["index"]) == 0]
        stats.append(
            GroupStats(
                lang=lang,
                system=system,
                bullets=len(labels),
                unlabelled=missing.get((lang, system), 0),
                acceptable=_rate(labels, "acceptable"),
                standalone=_rate(labels, "standalone"),
                grammatical=_rate(labels, "grammatical"),
                fact=_rate(labels, "fact"),
                main_news_first=_rate(firsts, "main_news"),
                articles=len({label["id"] for label in labels}),
            )
        )
    return stats


def markdown(stats: list[GroupStats]) -> str:
    """The table for benchmarks/results/editorial.md (shares with 95 % Wilson intervals)."""
    lines = [
        "| lang | system | articles | bullets labelled | unlabelled | acceptable | standalone "
        "| grammatical | fact | main news in bullet 1 (articles) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in stats:
        lines.append(
            f"| {s.lang} | {s.system} | {s.articles} | {s.bullets} | {s.unlabelled} "
            f"| {s.acceptable.cell()} | {s.standalone.cell()} | {s.grammatical.cell()} "
            f"| {s.fact.cell()} | {s.main_news_first.cell()} |"
        )
    return "\n".join(lines) + "\n"
