"""The whole suite on one machine: ``make up`` runs ``python -m infra.suite up``.

Each service is a :class:`Service`: a name, a Chinese label, the one-shot commands that
prepare it (migrate, load demo data), the long-running command that serves it, and the URL
that answers once it is ready (``http://…`` answering 2xx, or ``tcp://host:port`` accepting a
connection). :func:`suite_services` lists them in start order. The gateway comes last: the
services share its signing secret (``gateway.suite``), so they refuse calls around it, and
its demo logins are printed the first time they are created.

``up`` prepares every service (in parallel: each city has its own SQLite file under ``var/``),
starts them as child processes (output in ``var/log/<name>.log``), waits until each answers,
prints where to open them, and runs until Ctrl-C or SIGTERM, then stops every child: SIGTERM
first, SIGKILL for one that has not exited after a grace period. If a child dies on its own, the
others are stopped and ``up`` exits non-zero with the tail of that child's log.

Stdlib only, but for the gateway's helpers (``gateway.suite``), imported when listing services.
"""

from __future__ import annotations

import argparse
import contextlib
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
CITIES = ("lanzhou", "ziyang", "sanming", "changsha", "pingliang")
FIRST_CITY_PORT = 8101
KAFKA_PORT = 9092
PROVINCE_PORT = 8100
GATEWAY_PORT = 8000
HOST = "127.0.0.1"
READY_TIMEOUT = 180.0  # seconds a service may take to answer after it starts
STOP_GRACE = 15.0  # seconds between SIGTERM and SIGKILL


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


# --------------------------------------------------------------------------- the services


def zhaoshang(*args: str) -> tuple[str, ...]:
    """The ``zhaoshang`` command of this interpreter (no reliance on PATH)."""
    return (sys.executable, "-m", "core.cli", *args)


def city_label(code: str) -> str:
    """The city's Chinese name from its built-in configuration (the code if unreadable)."""
    import tomllib

    path = PROJECT_ROOT / "plugins" / code / "config.toml"
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))["city"]["name"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return code


def city_service(code: str, port: int, var_dir: Path, demo: bool = True) -> Service:
    """A city service on ``port`` with its own SQLite database ``<var>/<code>.db``."""
    database = var_dir / f"{code}.db"
    prepare = zhaoshang("demo" if demo else "migrate", "--city", code)
    base = f"http://{HOST}:{port}/api/v1"
    return Service(
        name=code, label=city_label(code),
        command=zhaoshang("serve", "--city", code, "--host", HOST, "--port", str(port)),
        # A snapshot of the city's totals after the demo, so the province's completeness
        # check has something to reconcile from the start (production runs it from cron).
        ready_url=f"{base}/city", url=f"{base}/",
        prepare=(prepare, zhaoshang("snapshot", "--city", code)),
        env={"DATABASE_URL": f"sqlite:///{database}"},
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


def relay_service(code: str, var_dir: Path, kafka_port: int = KAFKA_PORT) -> Service:
    """The relay publishing city ``code``'s outbox (no port: ready once Kafka is)."""
    return Service(
        name=f"relay-{code}", label=f"{city_label(code)}事件中继",
        command=zhaoshang("relay", "--city", code),
        ready_url=f"tcp://{HOST}:{kafka_port}", url=f"→ Kafka 主题 zhaoshang.{code}",
        env={"DATABASE_URL": f"sqlite:///{var_dir / f'{code}.db'}",
             "KAFKA_BOOTSTRAP_SERVERS": f"{HOST}:{kafka_port}"},
    )


def scheduler_service(code: str, port: int, var_dir: Path) -> Service:
    """City ``code``'s daily recomputation (warnings, overdue judgements): APScheduler in the
    city's time zone, daily at 00:30 city time and once at start (``zhaoshang schedule``,
    core/scheduler.py). No port of its own: ready once its city answers."""
    return Service(
        name=f"schedule-{code}", label=f"{city_label(code)}每日重算",
        command=zhaoshang("schedule", "--city", code),
        ready_url=f"http://{HOST}:{port}/api/v1/city", url="每日 00:30（本市时区）重算预警及超期研判",
        env={"DATABASE_URL": f"sqlite:///{var_dir / f'{code}.db'}"},
    )


def province_services(var_dir: Path, port: int = PROVINCE_PORT,
                      kafka_port: int = KAFKA_PORT) -> list[Service]:
    """The province consumer (Kafka → ``<var>/province.db``) and the province API."""
    env = {"PROVINCE_DATABASE_URL": f"sqlite:///{var_dir / 'province.db'}",
           "KAFKA_BOOTSTRAP_SERVERS": f"{HOST}:{kafka_port}"}
    base = f"http://{HOST}:{port}/api/v1/province"
    return [
        Service(name="province-consumer", label="省级数据汇集",
                command=zhaoshang("province", "consume"),
                ready_url=f"tcp://{HOST}:{kafka_port}", url="← Kafka（消费组 zhaoshang-province）",
                prepare=(zhaoshang("province", "migrate"),), env=env),
        Service(name="province", label="省级服务",
                command=zhaoshang("serve", "province", "--host", HOST, "--port", str(port)),
                ready_url=f"{base}/freshness?consumer_lag=false", url=f"{base}/", env=env),
    ]


def gateway_service(var_dir: Path, cities: dict[str, tuple[str, int]], province_port: int,
                    port: int = GATEWAY_PORT) -> Service:
    """The gateway on ``port`` in front of ``cities`` (code → (label, port)) and the province;
    announces the demo logins the first time it creates them."""
    from gateway.suite import HEALTH_PATH, gateway_command, suite_config

    config = suite_config(var_dir, {code: (label, f"http://{HOST}:{city_port}")
                                    for code, (label, city_port) in cities.items()},
                          f"http://{HOST}:{province_port}")
    return Service(
        name="gateway", label="网关（统一入口）", command=tuple(gateway_command(config, port, HOST)),
        ready_url=f"http://{HOST}:{port}{HEALTH_PATH}", url=f"http://{HOST}:{port}/api/v1/",
        also=(("网页界面（用下面的演示账号登录）", f"http://{HOST}:{port}/web/"),),
        announce=(zhaoshang("gateway", "demo-users", "--config", str(config)),),
    )


def _behind_the_gateway(service: Service, secrets: dict[str, str]) -> Service:
    """The service with the gateway's signing secret; it then refuses unsigned requests,
    so it counts as ready once it accepts connections."""
    ready = service.ready_url
    if ready.startswith("http://"):
        ready = "tcp://" + urllib.parse.urlsplit(ready).netloc
    return replace(service, env={**service.env, **secrets}, ready_url=ready)


def suite_services(var_dir: Path, cities: Sequence[str] = CITIES,
                   first_port: int = FIRST_CITY_PORT, demo: bool = True,
                   kafka_port: int = KAFKA_PORT, province_port: int = PROVINCE_PORT,
                   gateway_port: int = GATEWAY_PORT) -> list[Service]:
    """Everything ``up`` runs, in start order: the cities (8101–8105), Kafka (9092), one
    relay and one daily-recomputation scheduler per city, the province consumer and the
    province API (8100), and the gateway (8000), the only entry people use; every service
    shares its signing secret."""
    from gateway.suite import shared_secrets

    ports = {code: first_port + index for index, code in enumerate(cities)}
    city_services = [city_service(code, port, var_dir, demo) for code, port in ports.items()]
    services = [
        *city_services,
        kafka_service(var_dir, kafka_port),
        *(relay_service(code, var_dir, kafka_port) for code in cities),
        *(scheduler_service(code, port, var_dir) for code, port in ports.items()),
        *province_services(var_dir, province_port, kafka_port),
    ]
    secrets = shared_secrets(var_dir)
    gateway = gateway_service(var_dir, {s.name: (s.label, ports[s.name]) for s in city_services},
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
                 out: IO[str] = sys.stdout) -> None:
        self.services = list(services)
        self.var_dir = var_dir
        self.log_dir = var_dir / "log"
        self.out = out
        self.children: dict[str, subprocess.Popen[bytes]] = {}
        self._logs: list[IO[bytes]] = []

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

    def watch(self) -> None:
        """Block until a child exits on its own (raise) — signals end it from outside."""
        while True:
            for name, child in self.children.items():
                if child.poll() is not None:
                    raise SuiteError(f"{name} stopped on its own (exit {child.returncode})\n"
                                     f"{tail(self.log_dir / f'{name}.log')}")
            time.sleep(0.5)

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


def up(var_dir: Path, cities: Sequence[str], first_port: int, demo: bool,
       kafka_port: int = KAFKA_PORT, province_port: int = PROVINCE_PORT,
       gateway_port: int = GATEWAY_PORT) -> int:
    suite = Suite(suite_services(var_dir, cities, first_port, demo, kafka_port, province_port,
                                 gateway_port), var_dir)
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
                       help="comma-separated city codes (default: all five)")
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
    args = parser.parse_args(argv)
    cities = [code.strip() for code in args.cities.split(",") if code.strip()]
    unknown = sorted(set(cities) - set(CITIES))
    if unknown:
        parser.error(f"unknown city: {', '.join(unknown)} (known: {', '.join(CITIES)})")
    var_dir = args.var.resolve()
    var_dir.mkdir(parents=True, exist_ok=True)
    return up(var_dir, cities, args.first_port, not args.no_demo, args.kafka_port,
              args.province_port, args.gateway_port)


if __name__ == "__main__":
    sys.exit(main())
