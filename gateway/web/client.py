"""The web interface's calls to the API, as the signed-in person.

Every call goes through the same role and city rules as ``/api/v1/cities/…`` (``gateway.access``)
and the same signed forwarding (``gateway.upstream``), so a page can show only what the API would
answer that person, and :meth:`ApiClient.may` tells a template whether to offer an action at all.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from core.identity import Actor
from core.problems import Problem
from gateway.access import city_refusal, province_refusal
from gateway.runtime import gateway
from gateway.tokens import Claims

API_PREFIX = "/api/v1"
JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}


@dataclass
class Answer:
    """What the API said: the status, the parsed JSON body (or None) and the raw bytes."""

    status: int
    body: Any = None
    content: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def problem(self) -> dict[str, Any] | None:
        """The RFC 9457 problem of a refusal (title, detail, errors, refusals), else None."""
        if self.ok:
            return None
        if isinstance(self.body, dict) and "title" in self.body:
            return self.body
        return {"title": "请求失败", "detail": f"服务返回 {self.status}", "status": self.status}

    def items(self) -> list[dict[str, Any]]:
        """The rows of a list answer (paged ``items`` or a plain list); none on a refusal."""
        if not self.ok:
            return []
        if isinstance(self.body, dict):
            return list(self.body.get("items", []))
        return list(self.body or [])


def _answer(problem: Problem) -> Answer:
    return Answer(problem.status, problem.body())


def query_bytes(params: dict[str, Any] | None) -> bytes:
    """Query parameters without the empty ones (an empty filter means no filter)."""
    kept = {key: value for key, value in (params or {}).items() if value not in (None, "")}
    return urlencode(kept, doseq=True).encode("ascii")


class ApiClient:
    """The API as ``claims`` sees it; one per request."""

    def __init__(self, claims: Claims, request_id: str | None = None) -> None:
        self.claims = claims
        self.request_id = request_id
        self.actor = Actor(user=claims.user, role=claims.role, unit=claims.unit, city=claims.city)

    def may(self, method: str, city: str, path: str) -> bool:
        """Whether the gateway would let this person send ``method`` to ``path`` of ``city``."""
        return city_refusal(self.claims, method, city, path.strip("/"),
                            gateway().settings) is None

    def may_see_province(self) -> bool:
        return province_refusal(self.claims, "GET") is None

    def city(self, city: str, method: str, path: str, params: dict[str, Any] | None = None,
             body: Any = None) -> Answer:
        """``method`` on ``path`` (relative to the city's ``/api/v1/``) of ``city``'s service."""
        settings = gateway().settings
        target = settings.cities.get(city)
        if target is None:
            return _answer(Problem(404, "unknown_city", "未找到", f"没有部署城市 {city}"))
        refusal = city_refusal(self.claims, method, city, path.strip("/"), settings)
        if refusal:
            return _answer(refusal)
        return self._send(target, method, f"{API_PREFIX}/{path.strip('/')}", params, body)

    def province(self, path: str, params: dict[str, Any] | None = None) -> Answer:
        """A read of the province service (``/api/v1/province/<path>``)."""
        settings = gateway().settings
        if settings.province is None:
            return _answer(Problem(404, "no_province", "未找到", "本网关未配置省级服务"))
        refusal = province_refusal(self.claims, "GET")
        if refusal:
            return _answer(refusal)
        return self._send(settings.province, "GET", f"{API_PREFIX}/province/{path.strip('/')}",
                          params, None)

    def _send(self, target: Any, method: str, path: str, params: dict[str, Any] | None,
              body: Any) -> Answer:
        data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
        try:
            answer = gateway().upstream.send(target, method, path, self.actor,
                                             query=query_bytes(params), body=data,
                                             headers=JSON_HEADERS, request_id=self.request_id)
        except Problem as problem:  # the service is down or too slow
            return _answer(problem)
        parsed = None
        if "json" in answer.headers.get("Content-Type", ""):
            try:
                parsed = answer.json()
            except ValueError:
                parsed = None
        return Answer(answer.status_code, parsed, answer.content, dict(answer.headers))
