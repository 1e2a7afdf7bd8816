"""A real Redis server on loopback for the gateways' shared rate limits -- no Docker needed.

    python -m infra.redis start --dir var/redis --port 6379     # foreground, Ctrl-C stops

and from Python::

    with RedisServer(base_dir) as server:
        server.url()          # redis://127.0.0.1:<port>/0, for [limits] storage_uri

The binary comes from Debian's ``redis-server`` package; when it is missing and we are root
with apt-get, the package is installed (as ``infra.postgres`` does for PostgreSQL, so a clean
CI machine needs nothing beforehand). The server keeps nothing on disk (rate-limit counters
live for a window), listens on 127.0.0.1 only, and dies with the process that started it.

Layout of `base_dir`: ``redis.log``. Stdlib only (plus :mod:`core.clock` for the log stamp).
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from core.clock import utcnow
from core.loopback_ports import free_port
from infra.local_servers import install_debian_package, serve_in_foreground, throwaway
from infra.postgres import _project_path, _tail

DEFAULT_BASE_DIR = Path("var/redis")
PACKAGE = "redis-server"


class RedisSetupError(RuntimeError):
    """The redis-server binary is missing and could not be installed."""


class RedisStartError(RuntimeError):
    """The server did not start or did not answer PING in time (has the log tail)."""


def find_redis_bin() -> Path | None:
    found = shutil.which("redis-server") or (
        "/usr/bin/redis-server" if Path("/usr/bin/redis-server").is_file() else None)
    return Path(found) if found else None


def ensure_redis_bin(install: bool = True) -> Path:
    """Find redis-server; install Debian's package if allowed and needed."""
    found = find_redis_bin()
    if found:
        return found
    if install and install_debian_package(PACKAGE, "redis", RedisSetupError, "no redis-server"):
        found = find_redis_bin()
        if found:
            return found
    raise RedisSetupError(
        "redis-server not found. Install it (Debian/Ubuntu: apt-get install -y redis-server), "
        "or run as root with apt-get available so this module can install it."
    )


def ping(port: int, timeout: float = 1.0) -> bool:
    """Whether a Redis server answers PING on 127.0.0.1:`port` (RESP, no client library)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            sock.sendall(b"*1\r\n$4\r\nPING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """One redis-server with its log under `base_dir`; `port` defaults to a free one."""

    def __init__(self, base_dir: Path | str = DEFAULT_BASE_DIR, port: int | None = None, *,
                 install: bool = True, die_with_parent: bool = True) -> None:
        self.base_dir = _project_path(base_dir)
        self.log_file = self.base_dir / "redis.log"
        self.port = port or free_port()
        self.install = install
        self.die_with_parent = die_with_parent
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: Any = None

    def url(self, db: int = 0) -> str:
        """The address for ``[limits] storage_uri`` (and redis-py)."""
        return f"redis://127.0.0.1:{self.port}/{db}"

    def is_running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self.is_running() else None

    def start(self, timeout: float = 30.0) -> RedisServer:
        """Start redis-server and wait until it answers PING."""
        if self.is_running():
            return self
        binary = ensure_redis_bin(self.install)
        self.base_dir.mkdir(parents=True, exist_ok=True)
        # Nothing persisted (--save "" and no AOF): counters of a window are worth nothing after.
        cmd = [str(binary), "--port", str(self.port), "--bind", "127.0.0.1",
               "--dir", str(self.base_dir), "--save", "", "--appendonly", "no",
               "--daemonize", "no", "--loglevel", "warning"]
        if self.die_with_parent and shutil.which("setpriv"):
            cmd = ["setpriv", "--pdeathsig", "TERM", "--", *cmd]
        self._log = open(self.log_file, "ab")  # noqa: SIM115 -- closed in stop()
        self._log.write(f"\n===== {utcnow().isoformat(timespec='seconds')} starting\n".encode())
        self._log.flush()
        self._proc = subprocess.Popen(cmd, cwd=self.base_dir, stdin=subprocess.DEVNULL,
                                      stdout=self._log, stderr=subprocess.STDOUT,
                                      start_new_session=True)
        deadline = time.monotonic() + timeout
        try:
            while not ping(self.port):
                if self._proc.poll() is not None:
                    raise RedisStartError(
                        f"redis-server exited with code {self._proc.returncode} while starting "
                        f"on port {self.port}.\n{_tail(self.log_file)}")
                if time.monotonic() > deadline:
                    raise RedisStartError(
                        f"redis-server on port {self.port} not answering after {timeout:.0f}s."
                        f"\n{_tail(self.log_file)}")
                time.sleep(0.05)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM, SIGKILL after `timeout`."""
        proc, self._proc = self._proc, None
        try:
            if proc is not None and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(10)
        finally:
            if self._log is not None:
                self._log.close()
                self._log = None

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


@contextlib.contextmanager
def throwaway_server() -> Iterator[RedisServer]:
    """A server in a temporary directory, stopped and removed on exit (the tests')."""
    with throwaway(RedisServer, "zhaoshang-redis-") as server:
        yield server


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.redis", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    start = sub.add_parser("start", help="run a local Redis in the foreground")
    start.add_argument("--dir", default=str(DEFAULT_BASE_DIR), help="base directory")
    start.add_argument("--port", type=int, default=6379, help="0 = pick a free port")
    args = parser.parse_args(argv)

    server = RedisServer(args.dir, args.port or None)

    def start() -> str:
        server.start()
        return f"ready: {server.url()} (log {server.log_file})."

    return serve_in_foreground("redis", server, start, (RedisSetupError, RedisStartError), _tail)

if __name__ == "__main__":
    sys.exit(main())
