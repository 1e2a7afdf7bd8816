"""Real services for the gateway tests: city services as processes, the gateway on a port.

Each city is a ``python -m core.cli serve --config <file>`` process with its own SQLite
database, knowing the gateway secret from ``ZHAOSHANG_GATEWAY_SECRET`` exactly as in
production; the gateway runs in this process under waitress, so a test can read its
settings. Everything talks over real HTTP on loopback.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import requests
import waitress.server

from core.conformance.service import stop_process
from core.identity import GATEWAY_SECRET_ENV, Actor, signed_identity_headers
from core.loopback_ports import free_port
from tests.support.cities import city_config
from tests.support.toml import toml_text

GATEWAY_SECRET = "test-gateway-signing-secret-0123456789"
JWT_SECRET = "test-jwt-secret-0123456789abcdefghij"
PASSWORD = "password-123"
CITY_NAMES = {"lanzhou": "兰州市", "ziyang": "资阳市", "sanming": "三明市"}
PLUGIN_CITY_NAMES = {"pingliang": "平凉市", "lanzhou": "兰州市"}  # built in, with their plugins
PROJECT_ROOT = Path(__file__).resolve().parents[2]
STARTUP_DEADLINE = 90.0  # seconds; two cores starting three services and a gateway


class Service:
    """A service process on a free port, its files under its own directory."""

    code = ""
    probe_path = ""
    database_url: str | None = None  # None: a SQLite file of its own

    def __init__(self, base: Path) -> None:
        self.base = base / self.code
        self.base.mkdir(parents=True, exist_ok=True)
        self.database = self.base / f"{self.code}.db"
        self.database_url = self.database_url or f"sqlite:///{self.database}"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.preparing: subprocess.Popen | None = None
        self.prepared = False

    def command(self) -> list[str]:
        raise NotImplementedError

    def prepare(self) -> list[str] | None:
        """A one-shot command to run before the first start (demo data), if any."""
        return None

    def run(self, args: list[str], *more: str) -> subprocess.Popen:
        env = {**os.environ, GATEWAY_SECRET_ENV: GATEWAY_SECRET,
               "PYTHONPATH": str(PROJECT_ROOT), "DATABASE_URL": self.database_url,
               "PROVINCE_DATABASE_URL": self.database_url}
        log = (self.base / "service.log").open("ab")
        return subprocess.Popen([sys.executable, "-m", "core.cli", *args, *more], cwd=self.base,
                                env=env, stdout=log, stderr=subprocess.STDOUT)

    def start(self) -> None:
        """Start serving; the first time, after the preparation has run (in the background)."""
        preparation = None if self.prepared else self.prepare()
        self.preparing = self.run(preparation) if preparation else None
        if self.preparing is None:
            self.process = self.run(self.command(), "--port", str(self.port), "--threads", "4")

    def wait_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_DEADLINE
        if self.preparing is not None:
            if self.preparing.wait(timeout=STARTUP_DEADLINE) != 0:
                raise RuntimeError(f"{self.code} preparation failed:\n{self.log_tail()}")
            self.prepared, self.preparing = True, None
            self.start()
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"{self.code} service exited:\n{self.log_tail()}")
            try:
                if self.direct("GET", self.probe_path, Actor("probe", "system")).ok:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.code} service did not start:\n{self.log_tail()}")

    def direct(self, method: str, path: str, actor: Actor | None = None,
               **kwargs: Any) -> requests.Response:
        """A call around the gateway; signed like the gateway does when ``actor`` is given
        (the path, query string and body exactly as they are sent)."""
        prepared = requests.Request(method, self.url + path, headers=kwargs.pop("headers", {}),
                                    **kwargs).prepare()
        if actor is not None:
            path_only, _, query = (prepared.path_url or "/").partition("?")
            body = prepared.body.encode() if isinstance(prepared.body, str) else prepared.body
            prepared.headers.update(signed_identity_headers(
                GATEWAY_SECRET, actor, method, unquote(path_only), query=query, body=body))
        with requests.Session() as session:
            return session.send(prepared, timeout=10)

    def stop(self) -> None:
        if self.process is None:
            return
        stop_process(self.process)
        self.process = None

    def log_tail(self) -> str:
        path = self.base / "service.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""



class ProvinceService(Service):
    """The province service (``zhaoshang serve province``) over an empty store."""

    code = "province"
    probe_path = "/api/v1/province/freshness?consumer_lag=false"

    def command(self) -> list[str]:
        return ["serve", "province"]


class CityService(Service):
    """One city service with its own database file: the test city's units under this city's
    code (``serve --config``), or the built-in city with its plugin and demo data."""

    probe_path = "/api/v1/city"

    def __init__(self, code: str, base: Path, built_in: bool = False, demo: bool = True,
                 database_url: str | None = None, name: str | None = None) -> None:
        self.code = code
        self.database_url = database_url  # replicas of a city share one (PostgreSQL)
        self.name = name or {**CITY_NAMES, **PLUGIN_CITY_NAMES}[code]
        self.built_in = built_in
        self.demo = demo  # a built-in city's demo data (without: the tests make their rows)
        super().__init__(base)
        config = city_config(city={"code": code, "name": self.name},
                             database={"url": self.database_url},
                             **(OWN_VOCABULARY if code == "lanzhou" else {}))
        self.config_file = self.base / "config.toml"
        self.config_file.write_text(toml_text(config), encoding="utf-8")

    def prepare(self) -> list[str] | None:
        return ["demo", "--city", self.code] if self.built_in and self.demo else None

    def command(self) -> list[str]:
        if self.built_in:
            return ["serve", "--city", self.code]
        return ["serve", "--config", str(self.config_file)]

    # -- what the database holds, read beside the service ------------------------
    def query(self, sql: str, *params: Any) -> list[tuple]:
        with sqlite3.connect(f"file:{self.database}?mode=ro", uri=True) as connection:
            return connection.execute(sql, params).fetchall()

    def snapshot(self) -> dict[str, Any]:
        """Row counts of what a write would touch, and every project row."""
        tables = ("leads", "projects", "project_changes", "enterprises", "outbox")
        state: dict[str, Any] = {table: self.query(f"SELECT count(*) FROM {table}")[0][0]
                                 for table in tables}
        state["project_rows"] = self.query("SELECT * FROM projects ORDER BY id")
        return state


class GatewayServer:
    """The gateway app under waitress in a thread, on a free port."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.server = waitress.server.create_server(app, host="127.0.0.1", port=0, threads=8)
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self.thread = threading.Thread(target=self.server.run, daemon=True, name="gateway")

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.close()


# Lanzhou's test service has a channel of its own, which needs a phone (tests of the web's labels).
OWN_VOCABULARY = {"vocabularies": {"lead_channels": {"online": "网络招商"}},
                  "leads": {"phone_required_channels": ["online"]}}

USERS = {  # username: (role, city, unit)
    "lanzhou-clerk": ("clerk", "lanzhou", "east"),
    "lanzhou-clerk-west": ("clerk", "lanzhou", "west"),
    "lanzhou-officer": ("officer", "lanzhou", None),
    "lanzhou-leader": ("leader", "lanzhou", None),
    "ziyang-officer": ("officer", "ziyang", None),
    "sanming-officer": ("officer", "sanming", None),
    "sanming-clerk": ("clerk", "sanming", "sanyuan"),
    "province": ("province", None, None),
    "admin": ("admin", None, None),
}
PLUGIN_USERS = {  # the people of the built-in Pingliang and Lanzhou (plugin_front)
    "pingliang-clerk": ("clerk", "pingliang", "chongxin"),
    "pingliang-officer": ("officer", "pingliang", None),
    "pingliang-leader": ("leader", "pingliang", None),
    "lanzhou-clerk": ("clerk", "lanzhou", "chengguan"),
    "lanzhou-officer": ("officer", "lanzhou", None),
    "province": ("province", None, None),
}


def gateway_config(cities: dict[str, CityService], province: ProvinceService, base: Path,
                   **sections: Any) -> dict:
    """The gateway's configuration for these services."""
    config: dict[str, Any] = {
        "gateway": {"database_url": f"sqlite:///{base / 'gateway.db'}"},
        "limits": {"per_user": "100000/minute", "per_address": "100000/minute",
                   "login": "10000/minute"},
        "province": {"url": province.url},
        "cities": [{"code": city.code, "name": city.name, "url": city.url}
                   for city in cities.values()],
        "secrets": {"jwt": JWT_SECRET, "gateway": GATEWAY_SECRET},
    }
    for name, values in sections.items():
        config[name] = {**config.get(name, {}), **values}
    return config


def add_users(app: Any, users: dict[str, tuple[str, str | None, str | None]] = USERS) -> None:
    """Create ``users`` (username: role, city, unit), all with the test password."""
    from core.db import unit_of_work
    from gateway.users import NewUser, create_user

    with unit_of_work(app.extensions["zhaoshang_gateway"].sessions) as session:
        for username, (role, city, unit) in users.items():
            create_user(session, NewUser(username, role, PASSWORD, city, unit))


@contextlib.contextmanager
def running_gateway(cities: dict[str, Any], province: Any, base: Path,
                    users: dict[str, tuple[str, str | None, str | None]] = USERS
                    ) -> Iterator[Front]:
    """The gateway in front of ``cities`` and ``province``, with ``users``, on a free port."""
    from gateway.app import create_app

    app = create_app(gateway_config(cities, province, base), var_dir=base)
    add_users(app, users)
    server = GatewayServer(app)
    server.start()
    try:
        yield Front(server.url, app)
    finally:
        server.stop()


class Front:
    """A client of the gateway: signs in as the test users and finds audit entries."""

    def __init__(self, url: str, app: Any) -> None:
        self.url = url
        self.app = app
        self.tokens: dict[str, str] = {}
        self.http = requests.Session()

    def token(self, username: str) -> str:
        if username not in self.tokens:
            answer = self.http.post(f"{self.url}/api/v1/auth/token",
                                    json={"username": username, "password": PASSWORD}, timeout=10)
            assert answer.status_code == 200, answer.text
            self.tokens[username] = answer.json()["access_token"]
        return self.tokens[username]

    def call(self, username: str | None, method: str, path: str, *, token: str | None = None,
             headers: dict[str, str] | None = None, **kwargs: Any) -> requests.Response:
        """``method /api/v1<path>`` as ``username`` (``None``: no token), with a fresh request id."""
        sent = {"X-Request-Id": f"test-{time.monotonic_ns()}", **(headers or {})}
        if token is None and username is not None:
            token = self.token(username)
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        return self.http.request(method, f"{self.url}/api/v1{path}", headers=sent, timeout=30,
                                 **kwargs)

    def audit_of(self, answer: requests.Response) -> list[dict[str, Any]]:
        """The audit entries of the request that got ``answer`` (found by its request id)."""
        request_id = answer.headers["X-Request-Id"]
        entries = self.call("admin", "GET", "/audit", params={"request_id": request_id})
        assert entries.status_code == 200, entries.text
        return entries.json()["items"]


class Echo:
    """A service that answers with what it was sent; ``/slow`` holds its first answer back.

    A few paths answer as a city would: ``…/reject`` and ``refuse/…`` are refused (403 with a
    problem code), a ``POST`` to ``created`` creates record 41 (201).
    """

    def __init__(self) -> None:
        from flask import Flask, jsonify, request

        self.calls: dict[str, int] = {}
        self.release = threading.Event()
        app = Flask("echo")

        @app.route("/api/v1/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
        def echo(rest: str):
            self.calls[rest] = self.calls.get(rest, 0) + 1
            if rest == "slow" and self.calls[rest] == 1:
                self.release.wait(10)  # longer than the gateway's read timeout
            if rest.endswith("/reject") or rest.startswith("refuse/"):
                refused = jsonify({"type": "about:blank", "title": "无权操作", "status": 403,
                                   "code": "forbidden_role", "detail": "此操作限市招商部门办理"})
                refused.status_code, refused.mimetype = 403, "application/problem+json"
                return refused
            if rest == "created" and request.method == "POST":
                return jsonify({"id": 41}), 201
            return jsonify({"method": request.method, "path": request.path,
                            "query": request.query_string.decode("latin-1"),
                            "body": request.get_data(as_text=True),
                            "headers": dict(request.headers)}), 200, {"X-Echo": "1"}

        self.server = GatewayServer(app)


def make_gateway(echo: Echo, tmp_path: Path, users: dict[str, tuple[str, str | None, str | None]]
                 = USERS, **sections: Any) -> Any:
    """A gateway in front of the echo service, as Lanzhou and Ziyang, with ``users``."""
    from gateway.app import create_app

    config: dict[str, Any] = {
        "gateway": {"database_url": f"sqlite:///{tmp_path / 'gw.db'}"},
        "cities": [{"code": "lanzhou", "name": "兰州市", "url": echo.server.url},
                   {"code": "ziyang", "name": "资阳市", "url": echo.server.url}],
        "secrets": {"jwt": JWT_SECRET, "gateway": GATEWAY_SECRET}}
    for name, values in sections.items():
        config[name] = values
    app = create_app(config, var_dir=tmp_path)
    add_users(app, users)
    return app


def sign_in(client: Any, username: str, **kwargs: Any) -> dict[str, str]:
    """The bearer header of a fresh token for ``username`` (Flask test client)."""
    answer = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD},
                         **kwargs)
    assert answer.status_code == 200, answer.json
    return {"Authorization": f"Bearer {answer.json['access_token']}"}
