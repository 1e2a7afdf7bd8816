"""The whole suite on one machine: ``make up`` runs ``python -m infra.suite up``.

The cities come from ONE list, ``--cities`` (``make up CITIES=…``): each entry is a city code
whose installed plugin (entry point ``zhaoshang.cities``, :mod:`core.plugins`) ships its
default deployment file ``config.toml`` beside its plugin module — the five built-in cities
and any package ``zhaoshang new-city`` generated — or ``<code>=<deployment file>``. From that
list the runner writes every configuration under ``var/``: each city's copy of its file with
its own SQLite database and the suite's broker (``var/cities/<code>.toml``), the province's
file collecting exactly those cities' topics (``var/province.toml``), and the gateway's file
routing to them (``var/gateway.toml``); ports follow the list's order and every service
shares one signing secret. No city is named here beyond the default list.

Each service is a :class:`Service`: a name, a Chinese label, the one-shot commands that
prepare it (migrate, load demo data), the long-running command that serves it, and the URL
that answers once it is ready (``http://…`` answering 2xx, or ``tcp://host:port`` accepting a
connection). :func:`suite_services` lists them in start order. The gateway comes last: the
services share its signing secret (``gateway.suite``), so they refuse calls around it, and
its demo logins are printed the first time they are created.

``up`` prepares every service (in parallel: each city has its own SQLite file under ``var/``),
starts them as child processes (output in ``var/log/<name>.log``), waits until each answers,
prints where to open them, and runs until Ctrl-C or SIGTERM, then stops every child: SIGTERM
first, SIGKILL for one that has not exited after a grace period. It supervises them meanwhile:
a child that dies on its own is restarted with a growing delay (:class:`Restarts`), said on the
console and in its log; the others keep running. After a few rapid failures in a row the runner
gives up on that service (and says so), never on the rest. Each serve command drains its
in-flight requests on SIGTERM (:mod:`core.graceful`); the relay and the province consumer
finish their round and commit.

Stdlib only, but for the gateway's helpers (``gateway.suite``), imported when listing services.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The default deployment: the five built-in cities. Any other list is given by --cities.
CITIES = ("lanzhou", "ziyang", "sanming", "changsha", "pingliang")
DEFAULT_TOPIC_PREFIX = "zhaoshang"  # a city file's [events] topic_prefix when it names none
FIRST_CITY_PORT = 8101
KAFKA_PORT = 9092
PROVINCE_PORT = 8100
GATEWAY_PORT = 8000
# The province consumer and each city's scheduler serve /metrics on their service's port plus
# this (9100 for the province, 9101 … for the cities): they have no web app of their own.
METRICS_PORT_OFFSET = 1000
HOST = "127.0.0.1"
READY_TIMEOUT = 180.0  # seconds a service may take to answer after it starts
STOP_GRACE = 15.0  # seconds between SIGTERM and SIGKILL


@dataclass(frozen=True)
class Restarts:
    """How the runner restarts a service that died: after ``backoff[n]`` seconds for its n-th
    rapid failure in a row (the last figure repeats), and never again after ``give_up_after``
    rapid failures — a failure is rapid when the service ran less than ``rapid`` seconds, so a
    service that ran a long while starts its count anew."""

    backoff: tuple[float, ...] = (1.0, 2.0, 4.0, 8.0, 16.0)
    rapid: float = 60.0
    give_up_after: int = 5

    def delay(self, failures: int) -> float:
        return self.backoff[min(failures, len(self.backoff)) - 1]


@dataclass(frozen=True)
class Service:
    """One long-running process of the suite and how to know it is up."""

    name: str
    label: str
    command: tuple[str, ...]
    ready_url: str
    url: str = ""  # what to print for people; defaults to ready_url
    prepare: tuple[tuple[str, ...], ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    # One-shot commands run once everything answers; their output is shown (demo logins).
    announce: tuple[tuple[str, ...], ...] = ()
    # More places this service serves, printed under it: (label, address).
    also: tuple[tuple[str, str], ...] = ()

    @property
    def public_url(self) -> str:
        return self.url or self.ready_url


class SuiteError(RuntimeError):
    """A service could not be prepared, did not start, or stopped on its own."""


# --------------------------------------------------------------------------- the cities


@dataclass(frozen=True)
class SuiteCity:
    """One city of the deployment: its code, the deployment file it runs, that file's content."""

    code: str
    config: Path
    raw: dict[str, Any] = field(compare=False, repr=False)
    replicas: int = 1  # city service processes behind the gateway (``code*2``, --replicas)

    @property
    def name(self) -> str:
        return self.raw.get("city", {}).get("name") or self.code

    @property
    def topic_prefix(self) -> str:
        return self.raw.get("events", {}).get("topic_prefix") or DEFAULT_TOPIC_PREFIX

    @property
    def topic(self) -> str:
        return f"{self.topic_prefix}.{self.code}"


def plugin_config_path(code: str) -> Path:
    """The deployment file the installed city plugin ``code`` ships: ``config.toml`` beside its
    plugin module (``plugins/<code>/config.toml`` of a built-in city, ``<package>/config.toml``
    of a generated one). Found through the entry points the core loads plugins from, so an
    installed city needs no line here."""
    from core.plugins import installed_plugins

    installed = installed_plugins()
    if code not in installed:
        raise SuiteError(f"unknown city: {code} (installed: {', '.join(sorted(installed)) or 'none'};"
                         f" a city without an installed plugin of its name: {code}=<its config.toml>)")
    spec = importlib.util.find_spec(installed[code].module)
    if spec is None or spec.origin is None:
        raise SuiteError(f"{code}: its plugin module {installed[code].module} cannot be found")
    return Path(spec.origin).resolve().parent / "config.toml"


def resolve_city(entry: str) -> SuiteCity:
    """``code`` (an installed plugin's own file) or ``code=path`` (a deployment file)."""
    from core.config import ConfigError, read_toml

    code, _, given = (part.strip() for part in entry.partition("="))
    path = Path(given).expanduser().resolve() if given else plugin_config_path(code)
    try:
        raw = read_toml(path)
    except ConfigError as exc:
        raise SuiteError(f"{code}: {exc}") from exc
    declared = raw.get("city", {}).get("code")
    if declared != code:
        raise SuiteError(f"{code}: {path} is the deployment file of city {declared!r}")
    return SuiteCity(code, path, raw)


def parse_cities(text: str, replicas: int = 1) -> list[SuiteCity]:
    """The deployment's cities from one comma-separated list, e.g.
    ``lanzhou,tianshui=~/src/zhaoshang-tianshui/zhaoshang_tianshui/config.toml``; ``code*2``
    (or ``code*2=file``) runs two replicas of that city, ``replicas`` is the others' count."""
    cities = [_with_replicas(entry, replicas) for entry in text.split(",") if entry.strip()]
    codes = [city.code for city in cities]
    twice = sorted({code for code in codes if codes.count(code) > 1})
    if twice:
        raise SuiteError(f"city listed twice: {', '.join(twice)}")
    if not cities:
        raise SuiteError("no city listed")
    return cities


def _with_replicas(entry: str, default: int) -> SuiteCity:
    head, sep, given = entry.partition("=")
    code, star, count = head.partition("*")
    if star and not (count.strip().isdigit() and 1 <= int(count) <= 9):
        raise SuiteError(f"{code.strip()}: replicas are written code*N with N from 1 to 9")
    return replace(resolve_city(code + sep + given), replicas=int(count) if star else default)


def replica_database(city: SuiteCity, postgres: str | None) -> str | None:
    """The PostgreSQL database a replicated city's processes share (``<postgres>/zhaoshang_<code>``,
    created when missing); ``None`` for a single process (its own SQLite file, as before).
    Replicas on SQLite are refused: two processes writing one SQLite file lock each other out."""
    if city.replicas == 1:
        return None
    if not postgres:
        raise SuiteError(
            f"{city.code}: {city.replicas} replicas share one database, and SQLite cannot be "
            "written by two processes: start a PostgreSQL (python -m infra.postgres start "
            "--dir var/pg --port 5432) and add --postgres postgresql+psycopg://postgres@"
            "127.0.0.1:5432 / 副本共用一个数据库，SQLite 不支持多进程写入，请使用 PostgreSQL")
    import sqlalchemy as sa

    server = postgres.rstrip("/")
    name = f"zhaoshang_{city.code}"
    engine = sa.create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            if connection.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                 {"name": name}) is None:
                connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.SQLAlchemyError as exc:
        raise SuiteError(f"{city.code}: cannot prepare its database on {server}: {exc}") from exc
    finally:
        engine.dispose()
    return f"{server}/{name}"


def city_file(city: SuiteCity, var_dir: Path, bootstrap_servers: str,
              database_url: str | None = None) -> Path:
    """Write the suite's copy of ``city``'s deployment file: its own SQLite database under
    ``var/`` and the suite's broker, everything else as the city configured it (so a file
    naming a production database never sees the suite's demo data)."""
    from core.toml_writer import toml_text

    raw = {**city.raw,
           "database": {**city.raw.get("database", {}),
                        "url": database_url or f"sqlite:///{var_dir / f'{city.code}.db'}"},
           "events": {**city.raw.get("events", {}), "bootstrap_servers": bootstrap_servers}}
    path = var_dir / "cities" / f"{city.code}.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"# Written by make up (infra/suite.py) from {city.config}.\n"
                    + toml_text(raw), encoding="utf-8")
    return path


def province_file(var_dir: Path, cities: Sequence[SuiteCity], bootstrap_servers: str) -> Path:
    """Write ``<var>/province.toml``: the province's default file collecting exactly these
    cities' topics (with their names) from the suite's broker into ``<var>/province.db``."""
    from core.config import ConfigError, read_toml
    from core.toml_writer import toml_text
    from province.config import DEFAULT_CONFIG_PATH, build_config

    prefixes = sorted({city.topic_prefix for city in cities})
    if len(prefixes) > 1:
        # One province consumer reads one prefix (province/config.py).
        raise SuiteError(f"the cities publish under different topic prefixes: {', '.join(prefixes)}")
    raw = read_toml(DEFAULT_CONFIG_PATH)
    raw["cities"] = {"collect": [city.code for city in cities],
                     "names": {city.code: city.name for city in cities}}
    raw["kafka"] = {**raw.get("kafka", {}), "bootstrap_servers": bootstrap_servers,
                    "topic_prefix": prefixes[0] if prefixes else DEFAULT_TOPIC_PREFIX}
    raw["database"] = {**raw.get("database", {}), "url": f"sqlite:///{var_dir / 'province.db'}"}
    path = var_dir / "province.toml"
    try:
        build_config(raw, str(path))
    except ConfigError as exc:
        raise SuiteError(str(exc)) from exc
    path.write_text("# Written by make up (infra/suite.py).\n" + toml_text(raw), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the services


def zhaoshang(*args: str) -> tuple[str, ...]:
    """The ``zhaoshang`` command of this interpreter (no reliance on PATH)."""
    return (sys.executable, "-m", "core.cli", *args)


def city_service(city: SuiteCity, port: int, config: Path, demo: bool = True) -> Service:
    """City ``city`` on ``port``, run from the suite's copy of its file ``config``."""
    prepare = zhaoshang("demo" if demo else "migrate", "--config", str(config))
    base = f"http://{HOST}:{port}/api/v1"
    return Service(
        name=city.code, label=city.name,
        command=zhaoshang("serve", "--config", str(config), "--host", HOST, "--port", str(port)),
        # A snapshot of the city's totals after the demo, so the province's completeness
        # check has something to reconcile from the start (production runs it from cron).
        ready_url=f"{base}/city", url=f"{base}/",
        prepare=(prepare, zhaoshang("snapshot", "--config", str(config))),
    )


def kafka_service(var_dir: Path, port: int = KAFKA_PORT) -> Service:
    """One Apache Kafka broker (KRaft) on ``port``, its data under ``<var>/kafka``."""
    return Service(
        name="kafka", label="Kafka",
        command=(sys.executable, "-m", "infra.kafka_cluster", "start", "--nodes", "1",
                 "--port", str(port), "--dir", str(var_dir / "kafka" / "run")),
        ready_url=f"tcp://{HOST}:{port}", url=f"{HOST}:{port}",
        prepare=((sys.executable, "-m", "infra.kafka_cluster", "fetch"),),
    )


def relay_service(city: SuiteCity, config: Path, broker: str = f"{HOST}:{KAFKA_PORT}") -> Service:
    """The relay publishing ``city``'s outbox (no port: ready once the broker is)."""
    return Service(
        name=f"relay-{city.code}", label=f"{city.name}事件中继",
        command=zhaoshang("relay", "--config", str(config)),
        ready_url=f"tcp://{broker.split(',')[0]}", url=f"→ Kafka 主题 {city.topic}",
    )


def scheduler_service(city: SuiteCity, port: int, config: Path,
                      metrics_port: int | None = None) -> Service:
    """``city``'s daily recomputation (warnings, overdue judgements): APScheduler in the
    city's time zone, daily at 00:30 city time and once at start (``zhaoshang schedule``,
    core/scheduler.py). No port of its own: ready once its city answers."""
    return Service(
        name=f"schedule-{city.code}", label=f"{city.name}每日重算",
        command=zhaoshang("schedule", "--config", str(config),
                          *(("--metrics-port", str(metrics_port)) if metrics_port else ())),
        ready_url=f"http://{HOST}:{port}/api/v1/city", url="每日 00:30（本市时区）重算预警及超期研判",
    )


def province_services(config: Path, port: int = PROVINCE_PORT,
                      broker: str = f"{HOST}:{KAFKA_PORT}",
                      metrics_port: int | None = None) -> list[Service]:
    """The province consumer (Kafka → its database) and the province API, from ``config``
    (:func:`province_file`)."""
    base = f"http://{HOST}:{port}/api/v1/province"
    given = ("--config", str(config))
    return [
        Service(name="province-consumer", label="省级数据汇集",
                command=zhaoshang("province", "consume", *given, *(
                    ("--metrics-port", str(metrics_port)) if metrics_port else ())),
                ready_url=f"tcp://{broker.split(',')[0]}", url="← Kafka（消费组 zhaoshang-province）",
                prepare=(zhaoshang("province", "migrate", *given),)),
        Service(name="province", label="省级服务",
                command=zhaoshang("serve", "province", *given, "--host", HOST, "--port", str(port)),
                ready_url=f"{base}/freshness?consumer_lag=false", url=f"{base}/"),
    ]


def gateway_service(var_dir: Path, cities: dict[str, tuple[str, int | Sequence[int]]],
                    province_port: int, port: int = GATEWAY_PORT) -> Service:
    """The gateway on ``port`` in front of ``cities`` (code → (label, port or its replicas'
    ports)) and the province; announces the demo logins the first time it creates them."""
    from gateway.suite import HEALTH_PATH, gateway_command, suite_config

    def urls(ports: int | Sequence[int]) -> str | list[str]:
        if isinstance(ports, int):
            return f"http://{HOST}:{ports}"
        return [f"http://{HOST}:{one}" for one in ports]

    config = suite_config(var_dir, {code: (label, urls(city_ports))
                                    for code, (label, city_ports) in cities.items()},
                          f"http://{HOST}:{province_port}")
    return Service(
        name="gateway", label="网关（统一入口）", command=tuple(gateway_command(config, port, HOST)),
        ready_url=f"http://{HOST}:{port}{HEALTH_PATH}", url=f"http://{HOST}:{port}/api/v1/",
        also=(("网页界面（用下面的演示账号登录）", f"http://{HOST}:{port}/web/"),),
        announce=(zhaoshang("gateway", "demo-users", "--config", str(config)),),
    )


def _behind_the_gateway(service: Service, secrets: dict[str, str]) -> Service:
    """The service with the gateway's signing secret; it then refuses unsigned requests,
    so it counts as ready once its ``/readyz`` (no token, core.observability) says so."""
    ready = service.ready_url
    if ready.startswith("http://"):
        ready = f"http://{urllib.parse.urlsplit(ready).netloc}/readyz"
    return replace(service, env={**service.env, **secrets}, ready_url=ready)


def _copy_boundaries(deployment: Sequence[SuiteCity]) -> None:
    """The county map of each city whose deployment file names one (a file given as
    ``code=path`` may name boundaries ``make install`` did not copy); a missing file costs the
    map, never the start: the page shows its table."""
    from infra.web_assets import AssetError, copy_boundaries

    for city in deployment:
        try:
            copy_boundaries([(city.code, city.raw.get("city", {}).get("map_boundary"))])
        except (AssetError, OSError) as exc:
            print(f"{city.code}: 招商地图的区县边界未安装（{exc}）", file=sys.stderr, flush=True)


def suite_services(var_dir: Path, cities: Sequence[str | SuiteCity] = CITIES,
                   first_port: int = FIRST_CITY_PORT, demo: bool = True,
                   kafka_port: int = KAFKA_PORT, province_port: int = PROVINCE_PORT,
                   gateway_port: int = GATEWAY_PORT,
                   bootstrap_servers: str | None = None,
                   postgres: str | None = None) -> list[Service]:
    """Everything ``up`` runs, in start order: the cities (8101, 8102 … in the list's order),
    Kafka (9092; none when ``bootstrap_servers`` names a running broker), one relay and one
    daily-recomputation scheduler per city, the province consumer and the province API (8100),
    and the gateway (8000), the only entry people use; every service shares its signing
    secret. The cities are codes or ``code=file`` entries (:func:`resolve_city`); every
    configuration file the services read is written from them under ``var_dir``. A city with
    replicas (``code*2``) gets more serve processes (``<code>-2`` … on the ports after the last
    city's) sharing a database on the PostgreSQL server ``postgres`` (:func:`replica_database`);
    its first process prepares it, the gateway balances over all of them."""
    from gateway.suite import shared_secrets

    deployment = [city if isinstance(city, SuiteCity) else resolve_city(city) for city in cities]
    _copy_boundaries(deployment)
    broker = bootstrap_servers or f"{HOST}:{kafka_port}"
    files = {city.code: city_file(city, var_dir, broker, replica_database(city, postgres))
             for city in deployment}
    ports = {city.code: first_port + index for index, city in enumerate(deployment)}
    city_services = [city_service(city, ports[city.code], files[city.code], demo)
                     for city in deployment]
    next_port = first_port + len(deployment)
    replica_ports: dict[str, list[int]] = {city.code: [ports[city.code]] for city in deployment}
    replicas: list[Service] = []
    for city in deployment:
        for number in range(2, city.replicas + 1):
            replica = city_service(city, next_port, files[city.code], demo)
            replicas.append(replace(replica, name=f"{city.code}-{number}", prepare=(),
                                    label=f"{city.name}（副本 {number}）"))
            replica_ports[city.code].append(next_port)
            next_port += 1
    services = [
        *city_services,
        *replicas,
        *([] if bootstrap_servers else [kafka_service(var_dir, kafka_port)]),
        *(relay_service(city, files[city.code], broker) for city in deployment),
        *(scheduler_service(city, ports[city.code], files[city.code],
                            ports[city.code] + METRICS_PORT_OFFSET) for city in deployment),
        *province_services(province_file(var_dir, deployment, broker), province_port, broker,
                           province_port + METRICS_PORT_OFFSET),
    ]
    secrets = shared_secrets(var_dir)
    gateway = gateway_service(
        var_dir, {s.name: (s.label, replica_ports[s.name] if len(replica_ports[s.name]) > 1
                           else ports[s.name]) for s in city_services},
        province_port, gateway_port)
    return [*(_behind_the_gateway(service, secrets) for service in services),
            replace(gateway, env=secrets)]


# --------------------------------------------------------------------------- running them


def child_env(service: Service) -> dict[str, str]:
    env = dict(os.environ)
    env.update(service.env)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def prepare(service: Service, log_dir: Path) -> None:
    """Run a service's one-shot commands in order; raise with the log on failure."""
    log_path = log_dir / f"{service.name}.prepare.log"
    with log_path.open("w", encoding="utf-8") as log:
        for command in service.prepare:
            result = subprocess.run(command, cwd=PROJECT_ROOT, env=child_env(service),
                                    stdout=log, stderr=subprocess.STDOUT, check=False)
            if result.returncode != 0:
                raise SuiteError(f"{service.name}: {' '.join(command[2:])} failed "
                                 f"(exit {result.returncode})\n{tail(log_path)}")


def is_ready(url: str) -> bool:
    """Whether ``url`` answers: HTTP 2xx, or a TCP connection for ``tcp://host:port``."""
    if url.startswith("tcp://"):
        host, _, port = url[len("tcp://"):].rpartition(":")
        try:
            with socket.create_connection((host, int(port)), timeout=1):
                return True
        except OSError:
            return False
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own URL
            return 200 <= response.status < 300
    except (urllib.error.URLError, OSError, ValueError):
        return False


def tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


class Suite:
    """The running children; :meth:`stop` is safe to call at any time, more than once."""

    def __init__(self, services: Sequence[Service], var_dir: Path,
                 out: IO[str] = sys.stdout, restarts: Restarts = Restarts()) -> None:
        self.services = list(services)
        self.var_dir = var_dir
        self.log_dir = var_dir / "log"
        self.out = out
        self.restarts = restarts
        self.children: dict[str, subprocess.Popen[bytes]] = {}
        self._logs: list[IO[bytes]] = []
        self._started: dict[str, float] = {}  # name → monotonic time of its last start
        self._failures: dict[str, int] = {}  # name → rapid failures in a row
        self._restart_at: dict[str, float] = {}  # name → when to start it again
        self._recovering: set[str] = set()  # restarted, not yet answering
        self.given_up: set[str] = set()

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def prepare_all(self) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        todo = [service for service in self.services if service.prepare]
        if not todo:
            return
        self.say(f"准备数据（迁移、演示数据）：{'、'.join(s.label for s in todo)} …")
        with ThreadPoolExecutor(max_workers=len(todo)) as pool:
            futures = [pool.submit(prepare, service, self.log_dir) for service in todo]
            errors = [str(f.exception()) for f in futures if f.exception() is not None]
        if errors:
            raise SuiteError("\n".join(errors))

    def start(self, service: Service) -> None:
        log = (self.log_dir / f"{service.name}.log").open("ab")
        self._logs.append(log)
        # A session of its own: the terminal's Ctrl-C reaches only us, and we stop the
        # children in order instead of racing them.
        self.children[service.name] = subprocess.Popen(
            service.command, cwd=PROJECT_ROOT, env=child_env(service), stdout=log,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        self._started[service.name] = time.monotonic()

    def wait_ready(self, service: Service, timeout: float = READY_TIMEOUT) -> None:
        child = self.children[service.name]
        deadline = time.monotonic() + timeout
        while not is_ready(service.ready_url):
            if child.poll() is not None:
                raise SuiteError(f"{service.name} exited with {child.returncode} before it was "
                                 f"ready\n{tail(self.log_dir / f'{service.name}.log')}")
            if time.monotonic() > deadline:
                raise SuiteError(f"{service.name} did not answer {service.ready_url} within "
                                 f"{timeout:.0f} s\n{tail(self.log_dir / f'{service.name}.log')}")
            time.sleep(0.2)

    def up(self) -> None:
        """Prepare, start and wait for every service, in order."""
        self.prepare_all()
        for service in self.services:
            self.start(service)
        for service in self.services:
            self.wait_ready(service)
        self.say(self.table())
        for service in self.services:
            for command in service.announce:
                result = subprocess.run(command, cwd=PROJECT_ROOT, env=child_env(service),
                                        capture_output=True, text=True, check=False)
                self.say((result.stdout or result.stderr).rstrip())
        self.say("按 Ctrl-C 停止。")

    def table(self) -> str:
        width = max(len(s.label) for s in self.services) if self.services else 4
        rows = [f"  {'服务'.ljust(width * 2 - len('服务'))}  地址"]
        for service in self.services:
            for label, address in ((service.label, service.public_url), *service.also):
                # Chinese characters take two columns in a terminal.
                pad = max(width * 2 - len(label) - sum(1 for c in label if ord(c) > 0x2E80), 0)
                rows.append(f"  {label}{' ' * pad}  {address}")
        return "\n".join(["招商引资平台已启动：", *rows])

    def watch(self, interval: float = 0.5) -> None:
        """Supervise until a signal ends it from outside: a child that dies is restarted
        (:meth:`supervise`); the others are never touched. Only when every service has been
        given up on does it raise."""
        while True:
            self.supervise()
            if self.services and len(self.given_up) == len(self.services):
                raise SuiteError("every service failed repeatedly; see var/log/")
            time.sleep(interval)

    def supervise(self) -> None:
        """One round: note children that died, restart those whose backoff is over, announce
        the restarted ones that answer again. A dead child's process group is killed first: a
        wrapper killed with SIGKILL (the Kafka runner) leaves its own children holding the port
        the restart needs."""
        now = time.monotonic()
        for service in self.services:
            name = service.name
            if name in self.given_up:
                continue
            if name in self._restart_at:
                if now >= self._restart_at[name]:
                    del self._restart_at[name]
                    self.start(service)
                    self._recovering.add(name)
                    self._report(service, f"重启 {service.label}（{name}） / restarting {name}")
                continue
            child = self.children.get(name)
            if child is None or child.poll() is None:
                if name in self._recovering and is_ready(service.ready_url):
                    self._recovering.discard(name)
                    self._report(service, f"{service.label}（{name}）已恢复 / {name} is back")
                continue
            _signal_group(child, signal.SIGKILL)
            self._recovering.discard(name)
            ran = now - self._started.get(name, now)
            failures = self._failures.get(name, 0) + 1 if ran < self.restarts.rapid else 1
            self._failures[name] = failures
            if failures >= self.restarts.give_up_after:
                self.given_up.add(name)
                self._report(service, f"{service.label}（{name}）连续 {failures} 次启动后很快退出"
                                      f"（exit {child.returncode}），不再重启，其余服务继续运行 / "
                                      f"{name} failed {failures} times in a row, giving up; "
                                      f"the other services keep running", error=True)
                continue
            delay = self.restarts.delay(failures)
            self._restart_at[name] = now + delay
            self._report(service, f"{service.label}（{name}）意外退出（exit {child.returncode}），"
                                  f"{delay:g} 秒后重启 / {name} exited with {child.returncode}, "
                                  f"restarting in {delay:g} s")

    def _report(self, service: Service, text: str, error: bool = False) -> None:
        """On the console and in the service's own log (the operator reads either)."""
        print(text, file=sys.stderr if error else self.out, flush=True)
        with contextlib.suppress(OSError), \
                (self.log_dir / f"{service.name}.log").open("a", encoding="utf-8") as log:
            log.write(f"[supervisor] {text}\n")

    def stop(self, grace: float = STOP_GRACE) -> None:
        """Stop every child: SIGTERM to each (last started first), SIGKILL after ``grace``."""
        running = {n: c for n, c in reversed(self.children.items()) if c.poll() is None}
        for child in running.values():
            _signal_group(child, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for child in running.values():
            try:
                child.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(child, signal.SIGKILL)
                child.wait()
        self.children.clear()
        for log in self._logs:
            log.close()
        self._logs.clear()


def _signal_group(child: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, sig)  # the child leads its own session and group


class Stopped(Exception):
    """SIGTERM or SIGINT arrived."""


def _raise_stopped(signum: int, _frame: Any) -> None:
    raise Stopped(signal.Signals(signum).name)


def up(var_dir: Path, cities: Sequence[str | SuiteCity], first_port: int, demo: bool,
       kafka_port: int = KAFKA_PORT, province_port: int = PROVINCE_PORT,
       gateway_port: int = GATEWAY_PORT, bootstrap_servers: str | None = None,
       postgres: str | None = None) -> int:
    try:
        services = suite_services(var_dir, cities, first_port, demo, kafka_port, province_port,
                                  gateway_port, bootstrap_servers, postgres)
    except SuiteError as exc:
        print(f"启动失败：{exc}", file=sys.stderr, flush=True)
        return 1
    suite = Suite(services, var_dir)
    previous = {sig: signal.signal(sig, _raise_stopped) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        suite.up()
        suite.watch()
    except Stopped:
        suite.say("正在停止 …")
        return 0
    except SuiteError as exc:
        print(f"启动失败：{exc}", file=sys.stderr, flush=True)
        return 1
    finally:
        # Signals during the shutdown must not interrupt it half-way.
        for sig in previous:
            signal.signal(sig, signal.SIG_IGN)
        suite.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0  # pragma: no cover - watch() only returns by raising


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.suite", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    start = sub.add_parser("up", help="prepare and run the suite until Ctrl-C")
    start.add_argument("--cities", default=",".join(CITIES),
                       help="the deployment's cities, comma-separated: an installed city's code "
                            "(its plugin's config.toml) or code=<deployment file>, e.g. "
                            "lanzhou,tianshui=../zhaoshang-tianshui/zhaoshang_tianshui/config.toml "
                            "(default: the five built-in cities; make up CITIES=…)")
    start.add_argument("--first-port", type=int, default=FIRST_CITY_PORT,
                       help="port of the first city; the others follow (default 8101)")
    start.add_argument("--var", type=Path, default=PROJECT_ROOT / "var",
                       help="where databases and logs go (default var/)")
    start.add_argument("--no-demo", action="store_true", help="migrate only, no demo data")
    start.add_argument("--kafka-port", type=int, default=KAFKA_PORT,
                       help=f"the broker's client port (default {KAFKA_PORT}; the controller "
                            "listens on the next one)")
    start.add_argument("--province-port", type=int, default=PROVINCE_PORT,
                       help=f"port of the province API (default {PROVINCE_PORT})")
    start.add_argument("--gateway-port", type=int, default=GATEWAY_PORT,
                       help=f"port of the gateway, the entry people use (default {GATEWAY_PORT})")
    start.add_argument("--bootstrap-servers", default=None,
                       help="use this running Kafka (host:port) instead of starting one")
    start.add_argument("--replicas", type=int, default=1, choices=range(1, 10), metavar="N",
                       help="serve processes per city behind the gateway (default 1; one city: "
                            "code*N in --cities); more than one needs --postgres")
    start.add_argument("--postgres", default=None, metavar="URL",
                       help="PostgreSQL server for replicated cities' shared databases, e.g. "
                            "postgresql+psycopg://postgres@127.0.0.1:5432 (python -m "
                            "infra.postgres start --dir var/pg --port 5432 runs one)")
    args = parser.parse_args(argv)
    try:
        cities = parse_cities(args.cities, args.replicas)
    except SuiteError as exc:
        parser.error(str(exc))
    var_dir = args.var.resolve()
    var_dir.mkdir(parents=True, exist_ok=True)
    return up(var_dir, cities, args.first_port, not args.no_demo, args.kafka_port,
              args.province_port, args.gateway_port, args.bootstrap_servers, args.postgres)


if __name__ == "__main__":
    sys.exit(main())
