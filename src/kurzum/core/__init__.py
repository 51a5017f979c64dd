"""The summarization core: pure functions, no I/O. ``summarize(article, options) -> Summary``."""

from __future__ import annotations

from kurzum.core.options import SummaryOptions
from kurzum.core.summarize import summarize

__all__ = ["SummaryOptions", "summarize"]
