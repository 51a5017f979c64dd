"""A circuit breaker, so a dead model server does not stall every worker for a full timeout.

Closed: calls pass. After ``failures`` consecutive failed calls it opens: calls are refused at
once for ``cooldown`` seconds. Then it is half-open: one trial call passes; success closes the
circuit, failure opens it again for another cool-down.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Literal

from kurzum.llm.errors import CircuitOpenError

State = Literal["closed", "open", "half-open"]


class CircuitBreaker:
    """Thread-safe consecutive-failure breaker; ``clock`` is injectable for tests."""

    def __init__(
        self,
        failures: int,
        cooldown: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._threshold = failures
        self._cooldown = cooldown
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_running = False

    @property
    def state(self) -> State:
        """The current state, for logs and the service's health page."""
        with self._lock:
            return self._state_locked()

    def _state_locked(self) -> State:
        if self._opened_at is None:
            return "closed"
        if self._clock() - self._opened_at >= self._cooldown:
            return "half-open"
        return "open"

    def before_call(self) -> None:
        """Raise CircuitOpenError unless a call may go out now."""
        with self._lock:
            state = self._state_locked()
            if state == "closed":
                return
            if state == "half-open" and not self._trial_running:
                self._trial_running = True
                return
            assert self._opened_at is not None
            wait = max(0.0, self._cooldown - (self._clock() - self._opened_at))
            raise CircuitOpenError(
                f"LLM circuit open after {self._failures} failed calls; "
                f"not retried for another {wait:.0f} s"
            )

    def record_success(self) -> None:
        """A call succeeded: close the circuit."""
        with self._lock:
            self._failures = 0
            self._opened_at = None
            self._trial_running = False

    def record_failure(self) -> None:
        """A call failed: count it, and open (or re-open) the circuit at the threshold."""
        with self._lock:
            self._failures += 1
            if self._trial_running or self._failures >= self._threshold:
                self._opened_at = self._clock()
            self._trial_running = False
