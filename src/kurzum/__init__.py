"""kurzum: short, faithful key-point summaries of news articles, offline.

>>> from kurzum import summarize, Article
>>> summary = summarize(Article(title=None, lead=None, paragraphs=("...",), language="de"))
"""

from __future__ import annotations

import logging
from importlib import metadata as _metadata

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
# One source of truth for the version: the package metadata, i.e. pyproject.toml.
try:
    __version__ = _metadata.version("kurzum")
except _metadata.PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

logging.getLogger(__name__).addHandler(logging.NullHandler())
