"""A city's replicas behind the gateway: which address to ask next, and which are healthy.

A target configured with several addresses (``urls``) is balanced round-robin over the ones
believed healthy. An address is believed down from the moment a request to it fails at the
connection level (or it answers 502/503), and healthy again once its health check
(``[upstream] health_path``, every ``health_interval`` seconds) answers below 500; a service
without that path answers 404, which still says the process is up. When every address is
believed down they are all tried anyway: the belief may be older than the recovery.

What is retried where is decided in ``gateway.upstream``; docs/gateway.md has the rule.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable


class Replicas:
    """One target's addresses in the order to try them: healthy first, taken in turn."""

    def __init__(self, urls: tuple[str, ...]) -> None:
        self.urls = urls
        self._turn = itertools.count()
        self._down: set[str] = set()
        self._lock = threading.Lock()

    def order(self) -> list[str]:
        """Every address once, starting with the next healthy one in turn."""
        start = next(self._turn) % len(self.urls)
        rotated = [*self.urls[start:], *self.urls[:start]]
        with self._lock:
            down = set(self._down)
        return [u for u in rotated if u not in down] + [u for u in rotated if u in down]

    def mark(self, url: str, healthy: bool) -> None:
        with self._lock:
            if healthy:
                self._down.discard(url)
            else:
                self._down.add(url)

    def healthy(self) -> list[str]:
        with self._lock:
            return [u for u in self.urls if u not in self._down]


class HealthChecks:
    """A daemon thread asking every address of the multi-address targets ``check(url)``."""

    def __init__(self, targets: list[Replicas], check: Callable[[str], bool],
                 interval: float) -> None:
        self.targets = [t for t in targets if len(t.urls) > 1]
        self.check = check
        self.interval = interval
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="gateway-health", daemon=True)
        if self.targets:
            self._thread.start()

    def run_once(self) -> None:
        for replicas in self.targets:
            for url in replicas.urls:
                replicas.mark(url, self.check(url))

    def _run(self) -> None:
        # Every address starts believed healthy; the first check comes one interval later.
        while not self._stopped.wait(self.interval):
            self.run_once()

    def stop(self) -> None:
        self._stopped.set()
