"""The circuit breaker opens after consecutive failures, lets one trial through, and closes."""

from __future__ import annotations

import pytest

from kurzum.llm.breaker import CircuitBreaker
from kurzum.llm.errors import CircuitOpenError


class Clock:
    """A hand-driven monotonic clock."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_opens_after_threshold_and_refuses_until_cooldown() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failures=3, cooldown=10.0, clock=clock)
    for _ in range(2):
        breaker.before_call()
        breaker.record_failure()
    assert breaker.state == "closed"
    breaker.before_call()
    breaker.record_failure()
    assert breaker.state == "open"
    with pytest.raises(
        CircuitOpenError, match="after 3 failed calls; not retried for another 10 s"
    ):
        breaker.before_call()
    clock.now += 9.9
    with pytest.raises(CircuitOpenError):
        breaker.before_call()


def test_half_open_allows_one_trial_and_success_closes() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failures=1, cooldown=5.0, clock=clock)
    breaker.record_failure()
    clock.now += 5.0
    assert breaker.state == "half-open"
    breaker.before_call()  # the trial
    with pytest.raises(CircuitOpenError):
        breaker.before_call()  # a second caller while the trial runs
    breaker.record_success()
    assert breaker.state == "closed"
    breaker.before_call()


def test_failed_trial_reopens_for_a_full_cooldown() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failures=2, cooldown=5.0, clock=clock)
    breaker.record_failure()
    breaker.record_failure()
    clock.now += 6.0
    breaker.before_call()
    breaker.record_failure()
    assert breaker.state == "open"
    clock.now += 4.9
    assert breaker.state == "open"
    clock.now += 0.1
    assert breaker.state == "half-open"


def test_success_resets_the_count() -> None:
    breaker = CircuitBreaker(failures=2, cooldown=5.0, clock=Clock())
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    assert breaker.state == "closed"
