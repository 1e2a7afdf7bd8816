"""A city served by several replicas behind the gateway, and gateways sharing their rate limits.

The fail-over rule (docs/gateway.md, "Replicas"): a read that fails at the connection level or
gets 502/503 is asked again of another replica; a write goes to another replica only when it
never left the gateway (connection refused or not established), never when the replica may have
received it. Then the whole of it with real processes: two replicas of a city on one PostgreSQL
behind two gateways sharing Redis, one replica killed during a stream of writes and reads.
"""

from __future__ import annotations

import itertools
import socket
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from core.config import ConfigError
from core.loopback_ports import free_port
from gateway.config import load_settings
from infra.redis import RedisServer, throwaway_server
from tests.gateway.harness import (
    GATEWAY_SECRET,
    JWT_SECRET,
    USERS,
    CityService,
    Front,
    GatewayServer,
    add_users,
    make_gateway,
    sign_in,
)

_numbers = itertools.count(1)
CLERK = {"lanzhou-clerk": USERS["lanzhou-clerk"]}  # one user: each hashed password costs time


class Misbehaving:
    """A replica that reads each request and then either closes the connection without a word
    (``drop``: it may have acted on it) or answers ``503``; it notes each request line."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.seen: list[str] = []
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True, name=f"replica-{mode}").start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                received = conn.recv(65536)
                self.seen.append(received.split(b"\r\n", 1)[0].decode("latin-1"))
                if self.mode == "503":
                    conn.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
                                 b"Connection: close\r\n\r\n")

    def close(self) -> None:
        self.sock.close()


def two_replicas(first: str, second: str) -> dict[str, Any]:
    # No health checks during these tests: what is believed comes from the requests alone.
    return {"cities": [{"code": "lanzhou", "name": "兰州市", "urls": [first, second]}],
            "upstream": {"health_interval": 300}}


def test_a_write_refused_by_one_replica_goes_to_the_other(echo, tmp_path):
    refused = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    client = make_gateway(echo, tmp_path, CLERK,
                          **two_replicas(refused, echo.server.url)).test_client()
    headers = sign_in(client, "lanzhou-clerk")
    echo.calls.clear()
    statuses = [client.post("/api/v1/cities/lanzhou/created", headers=headers, json={}).status_code
                for _ in range(3)]
    assert statuses == [201, 201, 201]
    assert echo.calls["created"] == 3  # each write applied once, on the replica that is up


def test_a_write_the_replica_may_have_received_is_never_sent_to_another(echo, tmp_path):
    dropping = Misbehaving("drop")
    client = make_gateway(echo, tmp_path, CLERK,
                          **two_replicas(dropping.url, echo.server.url)).test_client()
    headers = sign_in(client, "lanzhou-clerk")
    echo.calls.clear()
    try:
        # The first request goes to the first address: the dropping replica.
        answer = client.post("/api/v1/cities/lanzhou/created", headers=headers, json={})
    finally:
        dropping.close()
    assert dropping.seen == ["POST /api/v1/created HTTP/1.1"]
    assert answer.status_code == 502
    assert "结果未知" in answer.json["detail"]
    assert "created" not in echo.calls


def test_a_read_failing_on_one_replica_is_answered_by_the_other(echo, tmp_path):
    for mode in ("503", "drop"):
        failing = Misbehaving(mode)
        (tmp_path / mode).mkdir()
        client = make_gateway(echo, tmp_path / mode, CLERK,
                              **two_replicas(failing.url, echo.server.url)).test_client()
        headers = sign_in(client, "lanzhou-clerk")
        echo.calls.clear()
        try:
            answers = [client.get(f"/api/v1/cities/lanzhou/read-{n}", headers=headers)
                       for n in range(3)]
        finally:
            failing.close()
        assert [a.status_code for a in answers] == [200, 200, 200], mode
        assert failing.seen == ["GET /api/v1/read-0 HTTP/1.1"], mode  # then believed down
        assert [echo.calls[f"read-{n}"] for n in range(3)] == [1, 1, 1], mode


def test_a_city_has_one_address_or_a_list_of_replicas(tmp_path):
    base = {"cities": [], "secrets": {"jwt": JWT_SECRET, "gateway": GATEWAY_SECRET}}

    def cities(entry: dict[str, Any]) -> Any:
        city = {"code": "lanzhou", "name": "兰州市", **entry}
        return load_settings({**base, "cities": [city]}, tmp_path).cities["lanzhou"]

    one = cities({"url": "http://a:8101/"})
    assert (one.url, one.replicas) == ("http://a:8101", ("http://a:8101",))
    many = cities({"urls": ["http://a:8101", "http://b:8101/"]})
    assert (many.url, many.replicas) == ("http://a:8101", ("http://a:8101", "http://b:8101"))
    for wrong in ({}, {"url": "http://a:8101", "urls": ["http://b:8101"]}, {"urls": []}):
        with pytest.raises(ConfigError):
            cities(wrong)
    with pytest.raises(ConfigError, match="storage_uri"):
        load_settings({**base, "limits": {"storage_uri": "memcached://x"}}, tmp_path)


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    """A real Redis (Debian's redis-server, installed when missing): never skipped."""
    with throwaway_server() as server:
        yield server


def test_gateways_sharing_redis_count_one_limit_together(echo, tmp_path, redis_server):
    limits = {"storage_uri": redis_server.url(1), "per_address": "5/minute"}
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    first, second = (make_gateway(echo, tmp_path / name, {}, limits=limits).test_client()
                     for name in ("a", "b"))
    # Unsigned requests count per address: 3 through one gateway, 2 through the other …
    statuses = [client.get("/api/v1/health").status_code
                for client in (first, first, first, second, second)]
    assert statuses == [200] * 5
    # … and the sixth is refused by either: they share one allowance.
    assert first.get("/api/v1/health").status_code == 429
    assert second.get("/api/v1/health").status_code == 429


def lead(serial: int) -> dict[str, Any]:
    return {"title": f"副本测试线索{serial}", "reporting_unit": "east",
            "enterprise": {"name": f"副本测试企业{serial}有限公司"}}


def test_a_replica_killed_during_a_stream_loses_no_acknowledged_write(
        postgres_server, redis_server, tmp_path):
    """Two replicas of Lanzhou on one PostgreSQL, two gateways on one Redis and one users'
    database; one replica is killed (SIGKILL) while writes and reads go on through both."""
    from gateway.app import create_app

    suffix = uuid.uuid4().hex[:8]
    city_db = postgres_server.create_database(f"replicas_city_{suffix}")
    gateway_db = postgres_server.create_database(f"replicas_gateway_{suffix}")
    replicas = [CityService("lanzhou", tmp_path / f"replica{n}", database_url=city_db)
                for n in (1, 2)]
    servers: list[GatewayServer] = []
    try:
        for replica in replicas:  # one after the other: the first migrates the database
            replica.start()
            replica.wait_ready()
        config = {
            "gateway": {"database_url": gateway_db},
            "upstream": {"health_interval": 0.5},
            "limits": {"storage_uri": redis_server.url(2), "per_user": "100000/minute",
                       "per_address": "100000/minute", "login": "10000/minute"},
            "cities": [{"code": "lanzhou", "name": "兰州市",
                        "urls": [replica.url for replica in replicas]}],
            "secrets": {"jwt": JWT_SECRET, "gateway": GATEWAY_SECRET},
        }
        apps = [create_app(config, var_dir=tmp_path / f"gateway{n}") for n in (1, 2)]
        add_users(apps[0], {"lanzhou-clerk": USERS["lanzhou-clerk"]})  # one database for both
        servers = [GatewayServer(app) for app in apps]
        for server in servers:
            server.start()
        writers = [Front(server.url, server.app) for server in servers]
        readers = [Front(server.url, server.app) for server in servers]

        acknowledged: list[int] = []
        failed_writes: list[tuple[int, str]] = []
        failed_reads: list[tuple[int, str]] = []
        reads = itertools.count()
        done, killed = threading.Event(), threading.Event()

        def read_and_kill() -> None:
            while not done.is_set():
                n = next(reads)
                answer = readers[n % 2].call("lanzhou-clerk", "GET", "/cities/lanzhou/leads")
                if answer.status_code != 200:
                    failed_reads.append((answer.status_code, answer.text))
                if len(acknowledged) >= 10 and not killed.is_set():
                    replicas[0].process.kill()  # mid-stream: a write may be in flight
                    replicas[0].process.wait()
                    killed.set()

        reader = threading.Thread(target=read_and_kill, name="reads")
        reader.start()
        try:
            for n in range(40):
                serial = next(_numbers)
                answer = writers[n % 2].call("lanzhou-clerk", "POST", "/cities/lanzhou/leads",
                                             json=lead(serial))
                if answer.status_code == 201:
                    acknowledged.append(answer.json()["id"])
                else:
                    failed_writes.append((answer.status_code, answer.text))
        finally:
            done.set()
            reader.join(30)
        replicas[0].process = None

        assert killed.is_set()
        assert len(failed_writes) <= 1, failed_writes  # at most the one in flight
        assert failed_reads == []
        assert next(reads) > 10
        assert len(acknowledged) >= 39
        for front in writers:  # every acknowledged write, through either gateway
            for lead_id in acknowledged:
                answer = front.call("lanzhou-clerk", "GET", f"/cities/lanzhou/leads/{lead_id}")
                assert answer.status_code == 200, (lead_id, answer.text)
    finally:
        for server in servers:
            server.stop()
            server.app.extensions["zhaoshang_gateway"].engine.dispose()
        for replica in replicas:
            replica.stop()
        postgres_server.drop_database(f"replicas_city_{suffix}")
        postgres_server.drop_database(f"replicas_gateway_{suffix}")
