"""The web interface's calls to the API, as the signed-in person.

Every call goes through the same city scope as ``/api/v1/cities/…`` (``gateway.access``) and the
same signed forwarding (``gateway.upstream``); the city service decides what the role and unit may
do, as for any API call. :meth:`ApiClient.may` tells a template whether to offer an action at all,
from the operation's own declaration (``gateway.declarations``). Each write a page makes is kept
for the audit log with the service's real answer (``gateway.audit.note_service_write``).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from flask import has_request_context, request

from core.identity import READ_METHODS, Actor
from core.problems import Problem
from gateway.access import city_refusal, province_refusal
from gateway.audit import note_service_write
from gateway.paths import BadPath, bad_path, normalise_path
from gateway.runtime import gateway
from gateway.tokens import Claims

API_PREFIX = "/api/v1"
JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}
# Hidden fields of the web's forms (gateway.web.base): the form's Idempotency-Key, drawn once per
# display, and the version of the record the form edits, sent as If-Match.
IDEMPOTENCY_FIELD = "_idempotency_key"
IF_MATCH_FIELD = "_if_match"


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
        self.version_sent = False  # the form's If-Match goes with its first write only
        # How many writes this submission sent to each method and path: one form may send
        # several to the same path (the checklist's milestones), each needs its own key.
        self.writes_sent: dict[str, int] = {}

    def may(self, method: str, city: str, path: str) -> bool:
        """Whether this person may send ``method`` to ``path`` of ``city``, as far as the
        gateway can tell before asking: the city scope, and the roles the operation declares
        (the unit of a record is checked by the city when the form is sent)."""
        if city_refusal(self.claims, method, city, gateway().settings) is not None:
            return False
        if method.upper() in READ_METHODS:
            return True
        roles = gateway().declarations.roles(city, method, path.strip("/"))
        return roles is None or self.claims.role in roles

    def may_see_province(self) -> bool:
        return province_refusal(self.claims, "GET") is None

    def city(self, city: str, method: str, path: str, params: dict[str, Any] | None = None,
             body: Any = None) -> Answer:
        """``method`` on ``path`` (relative to the city's ``/api/v1/``) of ``city``'s service."""
        settings = gateway().settings
        target = settings.cities.get(city)
        if target is None:
            return _answer(Problem(404, "unknown_city", "未找到", f"没有部署城市 {city}"))
        service_path = f"{API_PREFIX}/{path.strip('/')}"
        try:
            service_path = normalise_path(service_path)
        except BadPath as refused:
            return self._refused(city, method, service_path, bad_path(str(refused)))
        refusal = city_refusal(self.claims, method, city, settings)
        if refusal:
            return self._refused(city, method, service_path, refusal)
        return self._send(target, method, service_path, params, body)

    def city_upload(self, city: str, path: str, params: dict[str, Any], filename: str,
                    content: bytes) -> Answer:
        """A file sent to ``city``'s ``path`` as the multipart form's ``file`` (a ledger
        import), under the same refusals and audit as :meth:`city`."""
        settings = gateway().settings
        target = settings.cities.get(city)
        if target is None:
            return _answer(Problem(404, "unknown_city", "未找到", f"没有部署城市 {city}"))
        service_path = normalise_path(f"{API_PREFIX}/{path.strip('/')}")
        refusal = city_refusal(self.claims, "POST", city, settings)
        if refusal:
            return self._refused(city, "POST", service_path, refusal)
        boundary = f"zhaoshang-{uuid.uuid4().hex}"
        quoted = filename.replace('"', "'").replace("\r", " ").replace("\n", " ")
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
                f"filename=\"{quoted}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                ).encode() + content + f"\r\n--{boundary}--\r\n".encode()
        return self._send(target, "POST", service_path, params, None,
                          raw=(body, f"multipart/form-data; boundary={boundary}"))

    def may_act_on_province(self) -> bool:
        """Whether this person may write to the province at all (administrators: replaying or
        discarding a dead letter); the province service decides each operation itself."""
        return province_refusal(self.claims, "POST") is None

    def province(self, path: str, params: dict[str, Any] | None = None, method: str = "GET",
                 body: Any = None) -> Answer:
        """``method`` on the province service's ``/api/v1/province/<path>``."""
        settings = gateway().settings
        if settings.province is None:
            return _answer(Problem(404, "no_province", "未找到", "本网关未配置省级服务"))
        service_path = f"{API_PREFIX}/province/{path.strip('/')}"
        refusal = province_refusal(self.claims, method)
        if refusal:
            return self._refused("province", method, service_path, refusal)
        return self._send(settings.province, method, service_path, params, body)

    @staticmethod
    def _refused(target: str, method: str, service_path: str, problem: Problem) -> Answer:
        """The gateway's own refusal, audited like the service's when it was a write."""
        note_service_write(target, method, service_path, problem.status, problem.body())
        return _answer(problem)

    def _form_headers(self, method: str, path: str) -> dict[str, str]:
        """For a write sent from a form: its ``Idempotency-Key`` (one per form display and
        call, so a resubmitted form is applied once) and, on the submission's first write, the
        version the form was shown as ``If-Match`` (core.api.versions)."""
        if method.upper() in READ_METHODS or not has_request_context():
            return {}
        headers = {}
        key = request.form.get(IDEMPOTENCY_FIELD, "").strip()
        if key:
            target = f"{method.upper()} {path}"
            count = self.writes_sent[target] = self.writes_sent.get(target, 0) + 1
            # The n-th write to a path: the same on a resubmission, so it still records once.
            call = hashlib.sha256(f"{target} {count}".encode()).hexdigest()[:16]
            headers["Idempotency-Key"] = f"{key[:100]}-{call}"
        version = request.form.get(IF_MATCH_FIELD, "").strip()
        if version.isdigit() and not self.version_sent:
            headers["If-Match"] = f'"{version}"'
            self.version_sent = True
        return headers

    def _send(self, target: Any, method: str, path: str, params: dict[str, Any] | None,
              body: Any, raw: tuple[bytes, str] | None = None) -> Answer:
        data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
        headers = {**JSON_HEADERS, **self._form_headers(method, path)}
        if raw is not None:  # bytes of their own type (a file upload), not JSON
            data, headers["Content-Type"] = raw
        attempts = 2 if "Idempotency-Key" in headers else 1
        for attempt in range(attempts):
            try:
                answer = gateway().upstream.send(target, method, path, self.actor,
                                                 query=query_bytes(params), body=data,
                                                 headers=headers, request_id=self.request_id)
                break
            except Problem as problem:  # the service is down or too slow
                # A write whose outcome is unknown (502) is retried once with the same key: the
                # service applies it at most once and answers what it did.
                if problem.status == 502 and attempt + 1 < attempts:
                    continue
                return self._refused(target.code, method, path, problem)
        parsed = None
        if "json" in answer.headers.get("Content-Type", ""):
            try:
                parsed = answer.json()
            except ValueError:
                parsed = None
        note_service_write(target.code, method, path, answer.status_code, parsed)
        return Answer(answer.status_code, parsed, answer.content, dict(answer.headers))
