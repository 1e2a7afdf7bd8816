"""Loopback ports for the services that tests, benchmarks and the conformance kit
(``core.conformance``, which a new city's developers run) start: free when picked, and still
free when the service binds them, which may be a minute later (a city's replica after the first
has loaded its demo). The core holds it so that the kit, which may not import what is built on
the core, picks its ports as ``infra`` and the tests do.

A port picked by binding port 0 comes from the kernel's ephemeral range, which is also where
every outgoing connection (to PostgreSQL, Kafka, Redis) takes its local port: between the check
and the service's bind, one of them can take it ("Address already in use"). These ports are
picked below that range instead, where no outgoing connection goes.

Two pickers could still choose the same port before either's service bound it: the two test
workers, or a test and the suite it starts (the suite picks its own PostgreSQL's port while the
test's Kafka port waits for Kafka to start; a clean clone's run once lost Kafka that way). Each
port picked is therefore reserved for as long as the process that picked it lives: a lock on a
file named for it (``flock``, released by the system when the process ends, however it ends),
and a port whose file another process holds is not picked.
"""

from __future__ import annotations

import fcntl
import os
import random
import socket
import tempfile
from pathlib import Path

LOWEST = 10_000
LINUX_EPHEMERAL_START = 32_768  # Linux's default, where /proc does not say
RESERVATIONS = Path(tempfile.gettempdir()) / "zhaoshang-ports"
_reserved: list[int] = []  # this process's reservations: open, locked, kept while it lives


def ephemeral_start() -> int:
    """The first port the kernel gives outgoing connections."""
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return LINUX_EPHEMERAL_START


def is_free(port: int) -> bool:
    """Whether a server could bind ``port`` on 127.0.0.1 now."""
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def reserve(port: int) -> int | None:
    """The locked file descriptor reserving ``port`` for this process, or None when another
    process holds it."""
    RESERVATIONS.mkdir(parents=True, exist_ok=True)
    fd = os.open(RESERVATIONS / f"{port}.lock", os.O_CREAT | os.O_RDWR, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def free_ports(count: int = 1) -> int:
    """The first of ``count`` consecutive free loopback ports (the suite numbers a city's
    replicas, and Kafka its controller listener, after the first), below the ephemeral range,
    reserved while this process lives."""
    below = ephemeral_start()
    for _ in range(500):
        first = random.randrange(LOWEST, below - count)
        held = [fd for fd in (reserve(first + n) for n in range(count)) if fd is not None]
        if len(held) == count and all(is_free(first + n) for n in range(count)):
            _reserved.extend(held)
            return first
        for fd in held:
            os.close(fd)
    raise RuntimeError(f"no {count} consecutive free ports between {LOWEST} and {below}")


def free_port() -> int:
    """One free loopback port, below the ephemeral range."""
    return free_ports(1)
