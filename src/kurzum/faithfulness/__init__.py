"""Faithfulness check: every number, date and name of a summary must occur in its article.

PROVISIONAL: the real number/date/name checks replace this placeholder (issue 3).
"""

from __future__ import annotations

from kurzum.models import Article, FaithfulnessReport, Summary

__all__ = ["check"]


def check(summary: Summary, article: Article) -> FaithfulnessReport:
    """List the spans of ``summary`` that ``article`` does not support."""
    return FaithfulnessReport(issues=(), checked=len(summary.bullets))
