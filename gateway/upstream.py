"""Talking to the services behind the gateway: timeouts, bounded retries, failure as problems.

A city with several replicas (``urls``) is balanced over them (``gateway.replicas``); a read
that fails at the connection level or gets 502/503 is retried once on another replica, a write
only when it never left the gateway (``_never_sent``).

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
from gateway.replicas import HealthChecks, Replicas

IDEMPOTENT_READS = frozenset({"GET", "HEAD"})
# A replica answering these to a read is passed over for the next one (a read only).
FAIL_OVER_STATUSES = frozenset({502, 503})
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
        self.replicas: dict[str, Replicas] = {}
        for target in targets:
            # One pool per replica address; retries are ours, the adapter must not add its own.
            self.sessions[target.code] = _session(len(target.replicas))
            self.replicas[target.code] = Replicas(target.replicas)
        self.pool = ThreadPoolExecutor(max_workers=max(2, len(targets)),
                                       thread_name_prefix="gateway-fanout")
        self.health_session = _session(1)
        self.health = HealthChecks(list(self.replicas.values()), self.healthy,
                                   self.settings.health_interval)

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
        suffix = quote(path, safe="/:@!$&'()*+,;=-._~")
        if canonical:
            suffix += "?" + canonical
        timeout = timeout or (self.settings.connect_timeout, self.settings.read_timeout)
        replicas = self.replicas[target.code]
        addresses = replicas.order()
        read = method in IDEMPOTENT_READS
        # A read: once more (read_retries), on the next replica when there is one. A write: on
        # the next replica only while nothing was sent (see _never_sent), each replica once.
        attempts = 1 + (self.settings.read_retries if read else len(addresses) - 1)
        answer: requests.Response | None = None
        failure: Exception | None = None
        for attempt in range(attempts):
            base = addresses[attempt % len(addresses)]
            # Signed per attempt, with a fresh nonce: a signature is good for one request,
            # for a short time.
            sent = {**(headers or {}),
                    **signed_identity_headers(self.settings.gateway_secret, actor, method, path,
                                              query=canonical, body=body)}
            if request_id:
                sent["X-Request-Id"] = request_id
            try:
                answer = self.sessions[target.code].request(
                    method, base + suffix, data=body, headers=sent, timeout=timeout,
                    allow_redirects=False)
                failure = None
            except (requests.ConnectionError, requests.Timeout) as exc:
                answer, failure = None, exc
                if not isinstance(exc, requests.ReadTimeout):
                    replicas.mark(base, healthy=False)
                if not read and not _never_sent(exc):
                    break  # the service may have received it: never send a write twice
            else:
                if not (read and answer.status_code in FAIL_OVER_STATUSES and len(addresses) > 1):
                    return answer
                replicas.mark(base, healthy=False)
                if attempt + 1 < attempts:
                    answer.close()
                    answer = None
            if attempt + 1 < attempts and len(addresses) == 1:
                time.sleep(0.05 * (attempt + 1))  # the same address again: give it a moment
        if answer is not None:
            return answer
        assert failure is not None
        raise _as_problem(target, method, failure)

    def healthy(self, url: str) -> bool:
        """Whether the replica at ``url`` answers its health path below 500 (``HealthChecks``)."""
        path = self.settings.health_path
        headers = signed_identity_headers(self.settings.gateway_secret, GATEWAY_ACTOR, "GET",
                                          path)
        try:
            answer = self.health_session.get(url + path, headers=headers,
                                             timeout=self.settings.health_timeout,
                                             allow_redirects=False)
        except (requests.ConnectionError, requests.Timeout):
            return False
        answer.close()
        return answer.status_code < 500

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
        self.health.stop()
        self.pool.shutdown(wait=False, cancel_futures=True)
        for session in [*self.sessions.values(), self.health_session]:
            session.close()


def _session(hosts: int) -> requests.Session:
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=hosts, pool_maxsize=POOL_SIZE, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.trust_env = False  # a proxy from the environment must not sit between us
    return session


def _as_problem(target: Target, method: str, failure: Exception) -> Problem:
    if isinstance(failure, requests.ConnectTimeout) or _refused(failure):
        return unavailable(target, 503, f"无法连接{target.name}服务，其他城市不受影响，请稍后再试")
    if method in IDEMPOTENT_READS:
        return unavailable(target, 502, f"{target.name}服务未能及时响应，请稍后再试")
    # A write that timed out may have been applied: say so rather than invite a blind retry.
    return unavailable(target, 502, f"{target.name}服务未能及时响应，操作结果未知，请先查询再决定是否重试")


def _never_sent(failure: Exception) -> bool:
    """No connection was ever made (refused, or not established within the connect timeout):
    not a byte of the request left the gateway, so another replica may be asked safely. A
    reset or a timeout after connecting is not this: the service may have received it."""
    return isinstance(failure, requests.ConnectTimeout) or _refused(failure)


def _refused(failure: Exception) -> bool:
    from urllib3.exceptions import NewConnectionError

    reason = getattr(failure.args[0], "reason", None) if failure.args else None
    return isinstance(reason, NewConnectionError)
