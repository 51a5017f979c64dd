"""The extractive fallback of the model-based backends, and how to recognise it later."""

from __future__ import annotations

import logging
from dataclasses import replace

from kurzum.models import Summary, Usage
from kurzum.notes import FALLBACK_PREFIX

# Every fallback note starts with this, so editors can read why (the rest of the note is the
# reason, in English; kurzum.notes reads it back). Whether a summary fell back is the
# ``Summary.fell_back`` field.
FALLBACK_NOTE = FALLBACK_PREFIX


log = logging.getLogger(__name__)


def fall_back(extractive: Summary, reason: str, usage: Usage | None) -> Summary:
    """The extractive summary, noting why the model's answer was not used and what it cost."""
    log.info("LLM answer not used, extractive fallback: %s", reason)
    spent = usage if usage and (usage.prompt_tokens or usage.completion_tokens) else None
    return replace(
        extractive,
        method="extractive",
        notes=(*extractive.notes, FALLBACK_NOTE + reason),
        usage=spent,
        fell_back=True,
    )


def needs_review(summary: Summary) -> bool:
    """True when a model-based backend fell back to the extractive summary."""
    return summary.fell_back
