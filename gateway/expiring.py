"""Answers the gateway keeps for a while per key (a city's labels, a person's to-do count), so a
page does not ask a city each time; thread-safe, bounded."""

from __future__ import annotations

import threading
import time
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Expiring(Generic[K, V]):
    def __init__(self, ttl: float, limit: int = 10_000) -> None:
        self.ttl = ttl
        self._limit = limit
        self._lock = threading.Lock()
        self._held: dict[K, tuple[float, V]] = {}

    def fresh(self, key: K) -> V | None:
        """The value kept for ``key`` if it is younger than ``ttl``, else None."""
        with self._lock:
            held = self._held.get(key)
        return held[1] if held is not None and time.monotonic() < held[0] else None

    def last(self, key: K) -> V | None:
        """The value kept for ``key`` however old (a fallback while its source is down)."""
        with self._lock:
            held = self._held.get(key)
        return held[1] if held is not None else None

    def put(self, key: K, value: V) -> None:
        with self._lock:
            if len(self._held) >= self._limit and key not in self._held:
                self._held.clear()  # bounded: forget everyone's, each is asked again once
            self._held[key] = (time.monotonic() + self.ttl, value)
