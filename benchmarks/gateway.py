"""Requests per second and p50/p99 latency through the gateway vs straight to a city service.

Both run as their own processes the way production runs them (``zhaoshang serve`` for the
city with Lanzhou's built-in configuration and demo data, ``zhaoshang gateway serve`` in
front of it), on this machine, in the same run::

    .venv/bin/python -m benchmarks.gateway --requests 2000 --concurrency 8

The direct calls carry the same signed identity headers the gateway would send, so the
city does the same work either way; the difference is the gateway's: token check, scope
rules, rate-limit bookkeeping, the audit decision, one more HTTP hop.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import requests

from core.identity import GATEWAY_SECRET_ENV, Actor, signed_identity_headers
from core.loopback_ports import free_port
from tests.support.toml import toml_text

PROJECT_ROOT = Path(__file__).resolve().parent.parent
GATEWAY_SECRET = "benchmark-gateway-signing-secret-0123456789"
JWT_SECRET = "benchmark-jwt-secret-0123456789abcdefgh"
PASSWORD = "benchmark-password"
PATHS = ("/api/v1/projects?per_page=20", "/api/v1/leads?per_page=20", "/api/v1/city")


@dataclass
class Figures:
    label: str
    requests: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000

    def row(self) -> str:
        return (f"| {self.label} | {self.rate:,.0f} | {self.percentile(0.50):.1f} | "
                f"{self.percentile(0.99):.1f} |")


def wait_until(ready: Callable[[], bool], what: str, deadline: float = 120) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        with contextlib.suppress(requests.ConnectionError):
            if ready():
                return
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not start")


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "core.cli", *args]


@contextlib.contextmanager
def services(work: Path, threads: int) -> Iterator[tuple[str, str]]:
    """A Lanzhou service with demo data and a gateway in front of it; yields both URLs."""
    env = {**os.environ, GATEWAY_SECRET_ENV: GATEWAY_SECRET, "ZHAOSHANG_JWT_SECRET": JWT_SECRET,
           "DATABASE_URL": f"sqlite:///{work / 'lanzhou.db'}", "PYTHONPATH": str(PROJECT_ROOT)}
    city_port, gateway_port = free_port(), free_port()
    subprocess.run(command("demo", "--city", "lanzhou"), cwd=work, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    config = work / "gateway.toml"
    config.write_text(toml_text({
        "gateway": {"database_url": f"sqlite:///{work / 'gateway.db'}"},
        "limits": {"per_user": "10000000/minute", "per_address": "10000000/minute"},
        "cities": [{"code": "lanzhou", "name": "兰州市", "url": f"http://127.0.0.1:{city_port}"}],
    }), encoding="utf-8")
    subprocess.run(command("users", "create", "--config", str(config), "--username", "bench",
                           "--role", "officer", "--city", "lanzhou", "--password", PASSWORD),
                   cwd=work, env=env, check=True, stdout=subprocess.DEVNULL)
    log = (work / "services.log").open("ab")
    processes = [
        subprocess.Popen(command("serve", "--city", "lanzhou", "--port", str(city_port),
                                 "--threads", str(threads)),
                         cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT),
        subprocess.Popen(command("gateway", "serve", "--config", str(config), "--port",
                                 str(gateway_port), "--threads", str(threads)),
                         cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT),
    ]
    city_url, gateway_url = f"http://127.0.0.1:{city_port}", f"http://127.0.0.1:{gateway_port}"
    try:
        wait_until(lambda: requests.get(city_url + "/api/v1/city", timeout=2, headers=direct_headers(
            "/api/v1/city")).status_code == 200, "the city service")
        wait_until(lambda: requests.get(gateway_url + "/api/v1/health", timeout=2).ok,
                   "the gateway")
        yield city_url, gateway_url
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)


ACTOR = Actor("bench", "officer", city="lanzhou")


def direct_headers(path: str) -> dict[str, str]:
    path_only, _, query = path.partition("?")
    return signed_identity_headers(GATEWAY_SECRET, ACTOR, "GET", path_only, query=query)


def run_load(label: str, url_for: Callable[[str], str], headers_for: Callable[[str], dict],
             total: int, concurrency: int) -> Figures:
    """``total`` GETs over ``PATHS`` from ``concurrency`` threads, each with its own session."""
    latencies: list[float] = []
    lock = threading.Lock()
    failures: list[str] = []
    per_thread = total // concurrency

    def worker(offset: int) -> None:
        session = requests.Session()
        mine = []
        for number in range(per_thread):
            path = PATHS[(offset + number) % len(PATHS)]
            started = time.perf_counter()
            answer = session.get(url_for(path), headers=headers_for(path), timeout=30)
            mine.append(time.perf_counter() - started)
            if answer.status_code != 200:
                failures.append(f"{path}: {answer.status_code} {answer.text[:200]}")
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"{label}: {len(failures)} failed, e.g. {failures[0]}")
    return Figures(label, len(latencies), seconds, latencies)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="per measurement")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--threads", type=int, default=8, help="waitress threads per service")
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="zhaoshang-bench-gw-") as work, \
            services(Path(work), options.threads) as (city_url, gateway_url):
        token = requests.post(f"{gateway_url}/api/v1/auth/token", timeout=10,
                              json={"username": "bench", "password": PASSWORD}).json()
        bearer = {"Authorization": f"Bearer {token['access_token']}"}

        def direct(total: int) -> Figures:
            return run_load("straight to the city service", lambda p: city_url + p,
                            direct_headers, total, options.concurrency)

        def through(total: int) -> Figures:
            return run_load("through the gateway",
                            lambda p: gateway_url + p.replace("/api/v1/", "/api/v1/cities/lanzhou/"),
                            lambda _p: bearer, total, options.concurrency)

        direct(200), through(200)  # warm up connections, caches and code paths
        results = [direct(options.requests), through(options.requests)]
    print(f"{options.requests} GETs each ({', '.join(PATHS)}), {options.concurrency} clients, "
          f"{options.threads} waitress threads per service, {os.cpu_count()} CPUs")
    print("| path | requests/s | p50 ms | p99 ms |\n|---|---:|---:|---:|")
    for figures in results:
        print(figures.row())
    base, gateway = results
    print(f"gateway overhead: p50 +{gateway.percentile(0.5) - base.percentile(0.5):.1f} ms, "
          f"throughput {gateway.rate / base.rate:.0%} of direct")
    return 0


if __name__ == "__main__":
    sys.exit(main())
