"""The extractive fallback of the model-based backends, and how to recognise it later."""

from __future__ import annotations

from dataclasses import replace

from kurzum.models import Summary, Usage

# Every fallback note starts with this, so the service can flag the article for review and
# show editors why (the rest of the note is the reason, in English).
FALLBACK_NOTE = "llm fallback: "


def fall_back(extractive: Summary, reason: str, usage: Usage | None) -> Summary:
    """The extractive summary, noting why the model's answer was not used and what it cost."""
    spent = usage if usage and (usage.prompt_tokens or usage.completion_tokens) else None
    return replace(
        extractive,
        method="extractive",
        notes=(*extractive.notes, FALLBACK_NOTE + reason),
        usage=spent,
    )


def needs_review(summary: Summary) -> bool:
    """True when a model-based backend fell back to the extractive summary."""
    return any(note.startswith(FALLBACK_NOTE) for note in summary.notes)
