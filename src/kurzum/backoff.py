"""The one backoff rule of kurzum: retry ``n`` waits ``base * 2**(n-1)`` seconds, capped.

Summarization retries, webhook deliveries, Celery's retries of infrastructure errors and the
LLM client all use it, so the gaps double everywhere: base, 2·base, 4·base, …
"""

from __future__ import annotations

DEFAULT_CAP = 3600.0  # one hour


def backoff_seconds(attempt: int, base: float, cap: float = DEFAULT_CAP) -> float:
    """Seconds to wait before retry number ``attempt`` (1 = the first retry), at most ``cap``."""
    if base <= 0:
        return 0.0
    return float(min(cap, base * 2 ** max(0, attempt - 1)))
