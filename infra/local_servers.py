"""What the local servers the tests and ``make up`` start (``infra.postgres``, ``infra.redis``)
have in common: installing Debian's package when it is missing, a throwaway server for a test
session, and stopping the foreground CLI cleanly on SIGTERM/SIGINT."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol, TypeVar


class _Server(Protocol):
    def start(self) -> Any: ...

    def stop(self) -> None: ...


class _Running(_Server, Protocol):
    log_file: Path

    def is_running(self) -> bool: ...


ServerT = TypeVar("ServerT", bound=_Server)


def install_debian_package(package: str, label: str, error: type[Exception],
                           reason: str) -> bool:
    """``apt-get update`` and ``install -y package`` when we are root with apt-get (a clean CI
    machine); False when we may not. A failing command raises ``error``."""
    apt = shutil.which("apt-get")
    if os.geteuid() != 0 or not apt:
        return False
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in ([apt, "update"], [apt, "install", "-y", package]):
        print(f"[{label}] {reason}; running: {' '.join(cmd)}", file=sys.stderr, flush=True)
        proc = subprocess.run(cmd, env=env)
        if proc.returncode != 0:
            raise error(f"`{' '.join(cmd)}` failed with exit {proc.returncode}")
    return True


# Linux's shared-memory file system: a directory whose files live in RAM.
MEMORY_DIRECTORY = Path("/dev/shm")


def memory_directory() -> Path | None:
    """A directory in memory for a throwaway server's files (Linux's ``/dev/shm``), or None
    where there is none: then the system's temporary directory is used."""
    if MEMORY_DIRECTORY.is_dir() and os.access(MEMORY_DIRECTORY, os.W_OK | os.X_OK):
        return MEMORY_DIRECTORY
    return None


@contextlib.contextmanager
def throwaway(server_of: Callable[[Path], ServerT], prefix: str,
              in_memory: bool = False) -> Iterator[ServerT]:
    """A server in a temporary directory, stopped and removed on exit (the tests').

    ``in_memory`` puts the directory in memory where the system has one
    (:func:`memory_directory`): for a server whose files are created and deleted all the time.
    """
    where = memory_directory() if in_memory else None
    base = Path(tempfile.mkdtemp(prefix=prefix, dir=where))
    server = server_of(base)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)


class Terminate(Exception):
    """SIGTERM or SIGINT reached a foreground server: stop it and exit."""


def raise_terminate(signum: int, _frame: object) -> None:
    raise Terminate(signal.Signals(signum).name)


def stop_on_signals() -> None:
    signal.signal(signal.SIGTERM, raise_terminate)
    signal.signal(signal.SIGINT, raise_terminate)


def serve_in_foreground(label: str, server: _Running, start: Callable[[], str],
                        errors: tuple[type[Exception], ...],
                        tail: Callable[[Path], str]) -> int:
    """Run ``server`` until SIGTERM/SIGINT (exit 0) or until it dies (exit 1, with its log's
    tail). ``start`` starts it and returns the line that says where it is ready."""
    stop_on_signals()
    try:
        print(f"[{label}] {start()} Ctrl-C / SIGTERM stops.", flush=True)
        while server.is_running():
            time.sleep(1.0)
        print(f"[{label}] server exited.\n{tail(server.log_file)}", file=sys.stderr)
        return 1
    except Terminate as sig:
        _ignore_signals()  # a second signal (a wrapper forwarding it) must not cut the stop
        print(f"[{label}] {sig}: stopping", flush=True)
        return 0
    except errors as exc:
        print(f"[{label}] {exc}", file=sys.stderr)
        return 1
    finally:
        # A second signal during the stop must not interrupt it half-way.
        _ignore_signals()
        server.stop()


def _ignore_signals() -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
