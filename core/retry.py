"""Loops that must not die: the relay and the province consumer run rounds until stopped,
retrying a failed round with exponential backoff (the broker or a database may be away)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable


def backoff(failures: int, longest: float, base: float = 0.2) -> float:
    """Seconds to wait after ``failures`` failed rounds in a row: 0.4, 0.8, 1.6 … ``longest``
    (``base`` doubled per failure; a reminder's delivery waits minutes, not a fraction of one)."""
    return min(longest, base * 2 ** min(failures, 8))


def run_rounds(
    one_round: Callable[[], float],
    stop: threading.Event,
    *,
    what: str,
    log: logging.Logger,
    longest_wait: float = 30.0,
    on_failure: Callable[[Exception, int], None] | None = None,
) -> None:
    """Call ``one_round()`` until ``stop`` is set; it returns how long to pause before the
    next round. A failure is logged, handed to ``on_failure(exc, failures_in_a_row)`` and
    retried after :func:`backoff`; it never ends the loop."""
    failures = 0
    while not stop.is_set():
        try:
            pause = one_round()
        except Exception as exc:  # never crash: whatever failed is retried
            failures += 1
            delay = backoff(failures, longest_wait)
            log.warning("%s failed (%s); retrying in %.1fs", what, exc, delay)
            if on_failure is not None:
                on_failure(exc, failures)
            stop.wait(delay)
            continue
        failures = 0
        if pause:
            stop.wait(pause)
