"""How the web layer wakes workers: the protocol lives with the use cases that call it."""

from __future__ import annotations

from kurzum.usecases.dispatch import Dispatcher

__all__ = ["Dispatcher"]
