"""kurzum: short, faithful key-point summaries of news articles, offline.

>>> from kurzum import summarize, Article
>>> summary = summarize(Article(title=None, lead=None, paragraphs=("...",), language="de"))
"""

from __future__ import annotations

import logging

from kurzum.core import SummaryOptions, summarize
from kurzum.errors import KurzumError
from kurzum.faithfulness import check
from kurzum.models import Article, Bullet, FaithfulnessReport, Issue, Source, Summary

__all__ = [
    "Article",
    "Bullet",
    "FaithfulnessReport",
    "Issue",
    "KurzumError",
    "Source",
    "Summary",
    "SummaryOptions",
    "check",
    "summarize",
]
__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())
