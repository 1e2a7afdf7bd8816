"""A city under test: its deployment file made private to the run, its service as a process.

The kit copies the city's deployment file with three changes — its own SQLite database,
a topic prefix of its own (so a shared broker never mixes a conformance run with real
traffic) and the broker's address — and serves it with ``zhaoshang serve --config``, the
command a deployment runs. Requests carry the identity headers the gateway forwards; the
service is started without the gateway's secret, so it trusts them (it is reachable only
from the test).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from core.config import read_toml
from core.identity import GATEWAY_SECRET_ENV
from core.loopback_ports import free_port
from core.toml_writer import toml_text

STARTUP_SECONDS = 120.0  # migrating and loading plugins on a busy two-core machine


def private_deployment(config_path: Path | str, workdir: Path, bootstrap_servers: str,
                       ) -> tuple[Path, dict[str, Any]]:
    """Write the run's copy of a deployment file under ``workdir``; return it and its content."""
    raw = read_toml(Path(config_path))
    code = raw.get("city", {}).get("code", "city")
    raw["database"] = {**raw.get("database", {}), "url": f"sqlite:///{workdir / (code + '.db')}"}
    raw["events"] = {**raw.get("events", {}), "topic_prefix": f"conformance{uuid.uuid4().hex[:8]}",
                     "bootstrap_servers": bootstrap_servers, "partitions": 1, "replication": 1}
    path = workdir / "deployment.toml"
    path.write_text(toml_text(raw), encoding="utf-8")
    return path, raw


def stop_process(process: subprocess.Popen[bytes], grace: float = 15.0) -> None:
    """SIGTERM, then SIGKILL if the process has not exited after ``grace`` seconds."""
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass
class Answer:
    """A response of the service: status and JSON body."""

    status: int
    body: Any

    def expect(self, *statuses: int) -> Any:
        assert self.status in statuses, f"HTTP {self.status}: {self.body}"
        return self.body


class CityProcess:
    """``zhaoshang serve --config <file>`` on a free port, its output in ``service.log``."""

    def __init__(self, config_file: Path, workdir: Path) -> None:
        self.config_file = config_file
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/api/v1"
        self.log_path = workdir / "service.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.http = requests.Session()

    def start(self) -> None:
        env = {key: value for key, value in os.environ.items() if key != GATEWAY_SECRET_ENV}
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "core.cli", "serve", "--config", str(self.config_file),
                 "--port", str(self.port), "--threads", "4"],
                cwd=self.workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the city service exited with {self.process.returncode}:\n"
                                   f"{self.log_tail()}")
            try:
                if self.http.get(f"{self.url}/city", timeout=2).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"the city service did not answer /api/v1/city:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
        self.process = None
        self.http.close()

    def restart(self) -> None:
        """The service again, on a fresh port, on the clock the environment now gives
        (``ZHAOSHANG_CLOCK_AT``: started inside :func:`core.clock.travel`, it runs at that time)."""
        if self.process is not None:
            stop_process(self.process)
        self.process = None
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/api/v1"
        self.start()

    def log_tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""

    def call(self, method: str, path: str, body: Any = None, role: str = "officer",
             unit: str | None = None, **params: Any) -> Answer:
        """``method /api/v1<path>`` as a user of ``role`` (an officer writes the whole city)."""
        headers = {"X-Zhaoshang-User": f"conformance-{role}", "X-Zhaoshang-Role": role}
        if unit:
            headers["X-Zhaoshang-Unit"] = unit
        response = self.http.request(method, self.url + path, json=body, headers=headers,
                                     params=params or None, timeout=60)
        try:
            payload = response.json()
        except ValueError:
            payload = response.text
        return Answer(response.status_code, payload)
