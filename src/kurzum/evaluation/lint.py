"""Editor lint: the failure classes of issue 11, found automatically in a summary's bullets.

Classes (reusing the core's rule data, ``kurzum.core.rules``, so the summarizer and the lint
never disagree):

1. ``cut_point``: a shortening removed a negation, a complement of the main verb
   (zu-infinitive, dass/ob clause) or left a verb that needs its clause ("hat entschieden.").
2. ``main_news``: bullet 1 shares clearly fewer title/lead concepts than the best of the
   article's opening sentences.
3. ``reference``: a pronoun, connective, definite description or subject-less fragment
   whose antecedent is not in the directly preceding sentence of an earlier bullet.
4. ``no_fact``: a teaser, announcement, scene or empty line.
5. ``noise``: a dateline with byline, glued subheading or scraped byline.
6. ``lead_repeat``: the article has a separate lead and a bullet repeats it word for word.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from kurzum.core.features import SentenceInfo, analyse, content_stems
from kurzum.core.rules import rules
from kurzum.core.segment import split_article
from kurzum.core.select import Told, first_uses
from kurzum.core.shorten import is_attribution
from kurzum.core.standalone import classify, given_description
from kurzum.models import Article, Language, Sentence

__all__ = ["CLASSES", "Finding", "LintClass", "count", "lint"]

LintClass = Literal["cut_point", "main_news", "reference", "no_fact", "noise", "lead_repeat"]
CLASSES: tuple[LintClass, ...] = (
    "cut_point",
    "main_news",
    "reference",
    "no_fact",
    "noise",
    "lead_repeat",
)
_WORD = re.compile(r"[\w]+|n't")
_NORMAL = re.compile(r"\W+")
_OPENING = 5  # main news: compared with the best of the first five usable sentences


@dataclass(frozen=True, slots=True)
class Finding:
    """One lint finding: which bullet (0-based), which class, and why."""

    bullet: int
    kind: LintClass
    reason: str


def _normal(text: str) -> str:
    return _NORMAL.sub(" ", text.lower()).strip()


def _source(bullet: str, sentences: Sequence[Sentence]) -> Sentence | None:
    """The sentence a bullet was taken from: the first whose words contain the bullet's."""
    words = _normal(bullet).split()
    if not words:
        return None
    for sentence in sentences:
        if words[0] not in sentence.text.lower():
            continue
        remaining = iter(_normal(sentence.text).split())
        if all(word in remaining for word in words):  # an ordered subsequence
            return sentence
    return None


def _removed(bullet: str, sentence: str) -> list[str]:
    """The parts of ``sentence`` a bullet left out (word-level difference, in order)."""
    kept = _normal(bullet).split()
    parts: list[str] = []
    current: list[str] = []
    position = 0
    for word in _normal(sentence).split():
        if position < len(kept) and word == kept[position]:
            position += 1
            if current:
                parts.append(" ".join(current))
                current = []
        else:
            current.append(word)
    if current:
        parts.append(" ".join(current))
    return parts


def _cut_point(bullet: str, sentence: str, language: Language) -> str | None:
    """Why a shortening of ``sentence`` to ``bullet`` removed the point, or None."""
    if _normal(bullet) == _normal(sentence):
        return None
    table = rules(language)
    for part in _removed(bullet, sentence):
        words = _WORD.findall(part)
        if any(w in table.negations for w in words):
            return f"removed a negation: «{part}»"
        if table.complement.search(part) and not is_attribution(part, language):
            return f"removed a complement: «{part}»"
    last = _WORD.findall(bullet.lower())[-1:] or [""]
    if last[0] in table.needs_clause:
        return f"ends on «{last[0]}», which needs its clause"
    return None


def lint(bullets: Sequence[str], article: Article, language: Language) -> list[Finding]:
    """Every finding of the six classes in ``bullets`` (a summary of ``article``)."""
    sentences = split_article(article, language)
    infos = analyse(tuple(sentences), language)
    uses = first_uses(infos, 0 if article.lead else None)  # as the summarizer sees the body
    findings: list[Finding] = []
    sources: list[Sentence | None] = [_source(b, sentences) for b in bullets]
    lead = _normal(article.lead or "")
    for i, (bullet, sentence) in enumerate(zip(bullets, sources, strict=True)):
        if sentence is not None:
            why = _cut_point(bullet, sentence.text, language)
            if why:
                findings.append(Finding(i, "cut_point", why))
        problem = classify(bullet, language)
        if problem is None and sentence is not None:
            told = Told(uses, sentence.index)
            if given_description(bullet, language, told):
                problem = "reference"
        if problem == "noise":
            findings.append(Finding(i, "noise", "dateline, byline or glued subheading"))
        elif problem == "nofact":
            findings.append(Finding(i, "no_fact", "teaser, scene or empty line"))
        elif problem in ("reference", "fragment"):
            earlier = {s.index for s in sources[:i] if s is not None}
            if problem == "fragment" or sentence is None or sentence.index - 1 not in earlier:
                findings.append(Finding(i, "reference", f"{problem} without antecedent"))
        if lead and (
            _normal(bullet).removesuffix(" ") in lead
            or (sentence is not None and sentence.paragraph == 0 and article.lead)
        ):
            findings.append(Finding(i, "lead_repeat", "repeats the lead above the box"))
    main = _main_news(bullets, article, language, infos)
    if main:
        findings.append(Finding(0, "main_news", main))
    return findings


def _main_news(
    bullets: Sequence[str], article: Article, language: Language, infos: Sequence[SentenceInfo]
) -> str | None:
    """Why bullet 1 misses the main news the title and lead announce, or None."""
    head = content_stems(article.title or "", language) | content_stems(
        article.lead or "", language
    )
    if not head or not bullets:
        return None
    body = [
        info
        for info in infos
        if info.usable and not (article.lead and info.sentence.paragraph == 0)
    ][:_OPENING]
    best = max((len(info.stems & head) for info in body), default=0)
    first = len(content_stems(bullets[0], language) & head)
    if best >= 2 and 2 * first < best:
        return f"bullet 1 shares {first} title/lead concepts, an opening sentence {best}"
    return None


def count(findings: Sequence[Finding]) -> Counter[str]:
    """Findings per class (every class present, zero included)."""
    counter: Counter[str] = Counter(dict.fromkeys(CLASSES, 0))
    counter.update(f.kind for f in findings)
    return counter
