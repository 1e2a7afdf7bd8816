"""A city's read throughput through the gateway with two replicas against one, in the same run.

Lanzhou's demo data on a throwaway PostgreSQL (``infra.postgres``: replicas share a database,
which SQLite cannot be for two writing processes), two ``zhaoshang serve`` processes on it, and
two gateways as processes: one knowing only the first replica (``url``), one balancing over
both (``urls``). The same GETs (``benchmarks.gateway.PATHS``) go through each::

    .venv/bin/python -m benchmarks.replicas --requests 2000 --concurrency 8

On a machine with few CPUs the gateway and the clients compete with the replicas for them:
read the figures with the machine's size (printed) in mind.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import requests

from benchmarks.gateway import (
    GATEWAY_SECRET,
    JWT_SECRET,
    PASSWORD,
    PATHS,
    PROJECT_ROOT,
    Figures,
    command,
    direct_headers,
    free_port,
    run_load,
    wait_until,
)
from core.identity import GATEWAY_SECRET_ENV
from infra.postgres import throwaway_server
from tests.support.toml import toml_text


def _gateway_config(work: Path, name: str, urls: list[str]) -> Path:
    config = work / f"{name}.toml"
    config.write_text(toml_text({
        "gateway": {"database_url": f"sqlite:///{work / f'{name}.db'}"},
        "limits": {"per_user": "10000000/minute", "per_address": "10000000/minute"},
        "cities": [{"code": "lanzhou", "name": "兰州市", "urls": urls}],
    }), encoding="utf-8")
    return config


@contextlib.contextmanager
def services(work: Path, threads: int) -> Iterator[dict[str, str]]:
    """Two Lanzhou replicas on one PostgreSQL and two gateways; yields the gateways' URLs
    (``one``: the first replica only, ``two``: both)."""
    with throwaway_server() as pg:
        env = {**os.environ, GATEWAY_SECRET_ENV: GATEWAY_SECRET,
               "ZHAOSHANG_JWT_SECRET": JWT_SECRET, "DATABASE_URL": pg.create_database("lanzhou"),
               "PYTHONPATH": str(PROJECT_ROOT)}
        subprocess.run(command("demo", "--city", "lanzhou"), cwd=work, env=env, check=True,
                       stdout=subprocess.DEVNULL)
        replica_ports = [free_port(), free_port()]
        replicas = [f"http://127.0.0.1:{port}" for port in replica_ports]
        gateways = {"one": (_gateway_config(work, "one", replicas[:1]), free_port()),
                    "two": (_gateway_config(work, "two", replicas), free_port())}
        for config, _port in gateways.values():
            subprocess.run(command("users", "create", "--config", str(config), "--username",
                                   "bench", "--role", "officer", "--city", "lanzhou",
                                   "--password", PASSWORD),
                           cwd=work, env=env, check=True, stdout=subprocess.DEVNULL)
        log = (work / "services.log").open("ab")
        processes = [
            *(subprocess.Popen(command("serve", "--city", "lanzhou", "--port", str(port),
                                       "--threads", str(threads)),
                               cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
              for port in replica_ports),
            *(subprocess.Popen(command("gateway", "serve", "--config", str(config), "--port",
                                       str(port), "--threads", str(threads)),
                               cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
              for config, port in gateways.values()),
        ]
        urls = {name: f"http://127.0.0.1:{port}" for name, (_config, port) in gateways.items()}
        try:
            try:
                for replica in replicas:
                    wait_until(lambda r=replica: requests.get(
                        r + "/api/v1/city", timeout=2,
                        headers=direct_headers("/api/v1/city")).status_code == 200, replica)
                for url in urls.values():
                    wait_until(lambda u=url: requests.get(u + "/api/v1/health", timeout=2).ok,
                               url)
            except RuntimeError as exc:
                log.flush()
                tail = (work / "services.log").read_text(errors="replace")[-3000:]
                raise RuntimeError(f"{exc}; the services' log ends:\n{tail}") from None
            yield urls
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(timeout=20)
            log.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="per measurement")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--threads", type=int, default=8, help="waitress threads per service")
    parser.add_argument("--rounds", type=int, default=2, help="measurements of each, alternating")
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="zhaoshang-bench-replicas-") as work, \
            services(Path(work), options.threads) as urls:
        def through(name: str, label: str, total: int) -> Figures:
            token = requests.post(f"{urls[name]}/api/v1/auth/token", timeout=10,
                                  json={"username": "bench", "password": PASSWORD}).json()
            bearer = {"Authorization": f"Bearer {token['access_token']}"}
            return run_load(label, lambda p: urls[name] + p.replace(
                "/api/v1/", "/api/v1/cities/lanzhou/"), lambda _p: bearer, total,
                options.concurrency)

        for name in urls:  # warm up connections, caches and code paths
            through(name, name, 200)
        labels = {"one": "one replica", "two": "two replicas"}
        results: dict[str, list[Figures]] = {"one": [], "two": []}
        # Rounds in alternating order: a machine whose load changes during the run favours
        # neither side.
        for round_ in range(options.rounds):
            for name in ("one", "two") if round_ % 2 == 0 else ("two", "one"):
                results[name].append(through(name, labels[name], options.requests))
    print(f"{options.requests} GETs each through the gateway ({', '.join(PATHS)}), "
          f"{options.concurrency} clients, {options.threads} waitress threads per service, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, PostgreSQL, "
          f"{options.rounds} rounds")
    print("| city behind the gateway | requests/s | p50 ms | p99 ms |\n|---|---:|---:|---:|")
    for name in ("one", "two"):
        for figures in results[name]:
            print(figures.row())
    rate = {name: statistics.median(f.rate for f in runs) for name, runs in results.items()}
    print(f"two replicas: {rate['two'] / rate['one']:.2f}× the throughput of one (medians)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
