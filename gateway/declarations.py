"""Who may perform each operation of a city, as the city itself declares it.

A city service publishes every operation's rule in its OpenAPI document (``x-permission``,
``core.permissions``) and enforces it itself. The gateway reads the declarations only to offer
a person the actions their role may take (``ApiClient.may`` in the web interface); it decides
nothing from them. Each city's document is fetched when first needed and kept ``ttl`` seconds
(a few seconds while the city does not answer).
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from core.permissions import PERMISSION_EXTENSION
from core.problems import Problem
from gateway.config import GatewaySettings
from gateway.upstream import GATEWAY_ACTOR, Upstream

API_PREFIX = "/api/v1/"
DOCUMENT = "/api/v1/openapi.json"
RETRY_SECONDS = 5.0
_PARAMETER = re.compile(r"\{[^}/]+\}")

Index = list[tuple[str, re.Pattern[str], frozenset[str]]]


def index_of(document: dict[str, Any]) -> Index:
    """(method, path pattern below ``/api/v1/``, roles) of every declared operation; literal
    paths before templated ones (``leads/duplicates`` before ``leads/{lead_id}``)."""
    entries: list[tuple[int, str, re.Pattern[str], frozenset[str]]] = []
    for path, item in (document.get("paths") or {}).items():
        relative = path.removeprefix(API_PREFIX).strip("/")
        pieces = _PARAMETER.split(relative)
        pattern = re.compile("^" + "[^/]+".join(re.escape(piece) for piece in pieces) + "$")
        for method, operation in item.items():
            declared = operation.get(PERMISSION_EXTENSION) if isinstance(operation, dict) else None
            if isinstance(declared, dict) and isinstance(declared.get("roles"), list):
                entries.append((len(pieces), method.upper(), pattern,
                                frozenset(str(role) for role in declared["roles"])))
    entries.sort(key=lambda entry: entry[0])
    return [(method, pattern, roles) for _, method, pattern, roles in entries]


@dataclass
class Declarations:
    """The declared rules of each city's operations, fetched from the city and cached."""

    settings: GatewaySettings
    upstream: Upstream
    _cache: dict[str, tuple[float, Index | None]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def roles(self, city: str, method: str, path: str) -> frozenset[str] | None:
        """The roles ``city`` declares for ``method`` on ``path`` (below ``/api/v1/``), or
        ``None`` when it is not known (the city is away, or the path is not an operation)."""
        index = self._index(city)
        for declared_method, pattern, roles in index or ():
            if declared_method == method.upper() and pattern.match(path.strip("/")):
                return roles
        return None

    def _index(self, city: str) -> Index | None:
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(city)
        if cached is not None and cached[0] > now:
            return cached[1]
        index = self._fetch(city)
        ttl = self.settings.openapi_ttl if index is not None else min(self.settings.openapi_ttl,
                                                                        RETRY_SECONDS)
        with self._lock:
            self._cache[city] = (now + ttl, index)
        return index

    def _fetch(self, city: str) -> Index | None:
        target = self.settings.cities.get(city)
        if target is None:
            return None
        timeout = (self.settings.connect_timeout, min(self.settings.read_timeout, RETRY_SECONDS))
        try:
            answer = self.upstream.send(target, "GET", DOCUMENT, GATEWAY_ACTOR, timeout=timeout)
        except Problem:
            return None
        if answer.status_code != 200:
            return None
        try:
            return index_of(answer.json())
        except ValueError:
            return None
