"""The default backend: the offline extractive core, unchanged."""

from __future__ import annotations

from kurzum.core import summarize
from kurzum.core.options import SummaryOptions
from kurzum.models import Article, Summary


class ExtractiveBackend:
    """Key sentences of the article itself (``kurzum.core.summarize``); no I/O, never fails over."""

    name = "extractive"

    def summarize(self, article: Article, options: SummaryOptions | None = None) -> Summary:
        """The core's summary."""
        return summarize(article, options or SummaryOptions())

    def close(self) -> None:
        """Nothing to release."""
