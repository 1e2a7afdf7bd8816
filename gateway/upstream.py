"""Talking to the services behind the gateway: timeouts, bounded retries, failure as problems.

Each target has its own ``requests`` session (its own connection pool), so a city
that hangs or is down holds nothing another city needs: its requests fail within
the connect timeout and the others carry on.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import quote

import requests
from requests.adapters import HTTPAdapter

from core.identity import Actor, signed_identity_headers
from core.problems import Problem
from gateway.config import GatewaySettings, Target
from gateway.paths import BadPath, bad_path, canonical_query, normalise_path

IDEMPOTENT_READS = frozenset({"GET", "HEAD"})
# Headers that describe one hop, or that the gateway sets itself.
HOP_HEADERS = frozenset({"connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
                         "te", "trailer", "trailers", "transfer-encoding", "upgrade",
                         "content-encoding", "content-length", "server", "date"})
# Forwarded from the client to the service; identity and everything else the gateway decides.
# ``If-Match`` (a record's version) and ``Idempotency-Key`` (a retried write) are the service's
# to judge (core.api.versions, core.api.idempotency); its ``ETag`` and ``Idempotent-Replayed``
# come back like every other answer header.
CLIENT_HEADERS = ("Content-Type", "Accept", "Accept-Language", "If-None-Match",
                  "If-Modified-Since", "If-Match", "Idempotency-Key")
GATEWAY_ACTOR = Actor(user="gateway", role="system")
POOL_SIZE = 32
T = TypeVar("T")


def unavailable(target: Target, status: int, detail: str) -> Problem:
    """503/502 naming the service that failed; ``code`` is ``city_unavailable`` for a city."""
    code = "province_unavailable" if target.code == "province" else "city_unavailable"
    return Problem(status, code, f"{target.name}服务暂不可用", detail, city=target.code,
                   city_name=target.name)


@dataclass
class Upstream:
    """Per-target sessions and a small pool for asking every target at once."""

    settings: GatewaySettings

    def __post_init__(self) -> None:
        targets = [*self.settings.cities.values()]
        if self.settings.province:
            targets.append(self.settings.province)
        self.sessions: dict[str, requests.Session] = {}
        for target in targets:
            session = requests.Session()
            # Retries are ours (reads only); the adapter must not add its own.
            adapter = HTTPAdapter(pool_connections=1, pool_maxsize=POOL_SIZE, max_retries=0)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            session.trust_env = False  # a proxy from the environment must not sit between us
            self.sessions[target.code] = session
        self.pool = ThreadPoolExecutor(max_workers=max(2, len(targets)),
                                       thread_name_prefix="gateway-fanout")

    def send(self, target: Target, method: str, path: str, actor: Actor, *,
             query: bytes = b"", body: bytes | None = None, headers: dict[str, str] | None = None,
             timeout: tuple[float, float] | None = None,
             request_id: str | None = None) -> requests.Response:
        """One request to ``target`` as ``actor``; reads are retried on connection failures.

        ``path`` is the service's own path (``/api/v1/leads``), already normalised
        (``gateway.paths``): it is signed and sent exactly as it is, with the canonical form of
        ``query`` and a digest of ``body``.
        """
        method = method.upper()
        try:
            normal = normalise_path(path)
        except BadPath as refused:
            raise bad_path(str(refused)) from None
        if normal != path:  # decided on one path, about to send another: never
            raise bad_path("路径未经规范化，网关不转发")
        canonical = canonical_query(query)
        url = target.url + quote(path, safe="/:@!$&'()*+,;=-._~")
        if canonical:
            url += "?" + canonical
        timeout = timeout or (self.settings.connect_timeout, self.settings.read_timeout)
        attempts = 1 + (self.settings.read_retries if method in IDEMPOTENT_READS else 0)
        for attempt in range(attempts):
            # Signed per attempt, with a fresh nonce: a signature is good for one request,
            # for a short time.
            sent = {**(headers or {}),
                    **signed_identity_headers(self.settings.gateway_secret, actor, method, path,
                                              query=canonical, body=body)}
            if request_id:
                sent["X-Request-Id"] = request_id
            try:
                return self.sessions[target.code].request(method, url, data=body, headers=sent,
                                                          timeout=timeout,
                                                          allow_redirects=False)
            except requests.ConnectionError as exc:
                failure: Exception = exc
            except requests.Timeout as exc:
                failure = exc
            if attempt + 1 < attempts:
                time.sleep(0.05 * (attempt + 1))
        raise _as_problem(target, method, failure)

    def fan_out(self, targets: Iterable[Target], call: Callable[[Target], T]) -> dict[str, T]:
        """``call`` for every target at once; each call must bound its own time."""
        futures = {target.code: self.pool.submit(call, target) for target in targets}
        return {code: future.result() for code, future in futures.items()}

    def probe(self, target: Target) -> dict[str, Any]:
        """Whether a city service answers ``/api/v1/city`` within the health timeout."""
        started = time.perf_counter()
        timeout = (self.settings.health_timeout, self.settings.health_timeout)
        state: dict[str, Any] = {"code": target.code, "name": target.name}
        try:
            response = self.send(target, "GET", "/api/v1/city", GATEWAY_ACTOR, timeout=timeout)
        except Problem as problem:
            return state | {"status": "down", "detail": problem.detail}
        state["latency_ms"] = round((time.perf_counter() - started) * 1000, 1)
        if response.status_code != 200:
            return state | {"status": "down", "detail": f"服务返回 {response.status_code}"}
        profile = response.json()
        return state | {"status": "up", "policy_name": profile.get("policy_name"),
                        "plugins": profile.get("plugins", [])}

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
        for session in self.sessions.values():
            session.close()


def _as_problem(target: Target, method: str, failure: Exception) -> Problem:
    if isinstance(failure, requests.ConnectTimeout) or _refused(failure):
        return unavailable(target, 503, f"无法连接{target.name}服务，其他城市不受影响，请稍后再试")
    if method in IDEMPOTENT_READS:
        return unavailable(target, 502, f"{target.name}服务未能及时响应，请稍后再试")
    # A write that timed out may have been applied: say so rather than invite a blind retry.
    return unavailable(target, 502, f"{target.name}服务未能及时响应，操作结果未知，请先查询再决定是否重试")


def _refused(failure: Exception) -> bool:
    from urllib3.exceptions import NewConnectionError

    reason = getattr(failure.args[0], "reason", None) if failure.args else None
    return isinstance(reason, NewConnectionError)
