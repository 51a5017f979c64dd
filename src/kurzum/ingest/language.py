"""Language identification of ingested text: the core's identifier (:mod:`kurzum.core.language`).

It lives in the core because summarizing an article without a language detects it there, and
the core imports nothing above it; ingestion uses the same function.
"""

from __future__ import annotations

from kurzum.core.language import SAMPLE_CHARS, detect_language, load_model

__all__ = ["SAMPLE_CHARS", "detect_language", "load_model"]
