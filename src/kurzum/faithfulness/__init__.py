"""Faithfulness check: every number, date and name of a summary must occur in its article.

``check(summary, article)`` works on any summary (generated, edited by hand, or made by a
language model) and lists the unsupported spans; summaries made by ``kurzum.core.summarize``
always pass, which the tests prove on every fixture and with generated articles.
"""

from __future__ import annotations

from kurzum.faithfulness.names import NameIndex, candidates
from kurzum.faithfulness.numbers import dates, number_values, numbers
from kurzum.models import Article, FaithfulnessReport, Issue, Summary

__all__ = ["check"]


def check(summary: Summary, article: Article) -> FaithfulnessReport:
    """List the spans of ``summary`` that ``article`` does not support.

    ``checked`` counts the bullets looked at.
    """
    language = summary.language
    text = article.text if not article.title else article.title + "\n\n" + article.text
    article_numbers = {v for m in numbers(text) for v in number_values(m.text)}
    article_dates = {" ".join(m.text.lower().split()) for m in dates(text)}
    names = NameIndex(text, language)
    issues: list[Issue] = []
    for index, bullet in enumerate(summary.bullets):
        in_dates: list[tuple[int, int]] = []
        for date in dates(bullet.text):
            in_dates.append((date.start, date.end))
            parts_ok = all(
                number_values(m.text) & article_numbers for m in numbers(date.text)
            ) and all(names.contains(w) for w in date.text.split() if w[:1].isalpha())
            if " ".join(date.text.lower().split()) not in article_dates and not parts_ok:
                issues.append(Issue(index, "date", date.text, date.start, date.end))
        for number in numbers(bullet.text):
            if any(a <= number.start < b for a, b in in_dates):
                continue
            if not number_values(number.text) & article_numbers:
                issues.append(Issue(index, "number", number.text, number.start, number.end))
        for name in candidates(bullet.text, language):
            if any(a <= name.start < b for a, b in in_dates):
                continue
            if not names.contains(name.text):
                issues.append(Issue(index, "name", name.text, name.start, name.end))
    return FaithfulnessReport(issues=tuple(issues), checked=len(summary.bullets))
