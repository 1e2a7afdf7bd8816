"""Each city's labels (``GET /api/v1/labels``), kept for a while per city.

The gateway's pages show Chinese labels for codes — 招商方式, 事项类别, 线索状态 — and each city
has its own lists (core.vocabularies), so the gateway asks the city rather than importing the
core's. Labels change only when a city's configuration does, so one answer serves every page
for ``[upstream] labels_ttl_seconds`` (default 300); a city that cannot answer is asked again
on the next page, and meanwhile its last labels (or none: pages then show the codes) are used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gateway.expiring import Expiring

Labels = dict[str, dict[str, str]]


class CityLabels:
    def __init__(self, ttl: float) -> None:
        self._kept: Expiring[str, Labels] = Expiring(ttl)

    def get(self, city: str, fetch: Callable[[], Any]) -> Labels:
        """The labels of ``city``; ``fetch()`` answers ``GET labels`` (an Answer) when due."""
        kept = self._kept.fresh(city)
        if kept is not None:
            return kept
        answer = fetch()
        if not answer.ok or not isinstance(answer.body, dict):
            return self._kept.last(city) or {}
        labels = {name: dict(entries) for name, entries in answer.body.items()
                  if isinstance(entries, dict)}
        self._kept.put(city, labels)
        return labels
