"""Loopback ports for the services tests and benchmarks start: free when picked, and still free
when the service binds them, which may be a minute later (a city's replica after the first has
loaded its demo).

A port picked by binding port 0 comes from the kernel's ephemeral range, which is also where
every outgoing connection (to PostgreSQL, Kafka, Redis) takes its local port: between the check
and the service's bind, one of them can take it ("Address already in use"). These ports are
picked below that range instead, where no outgoing connection goes.
"""

from __future__ import annotations

import random
import socket
from pathlib import Path

LOWEST = 10_000
LINUX_EPHEMERAL_START = 32_768  # Linux's default, where /proc does not say


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


def free_ports(count: int = 1) -> int:
    """The first of ``count`` consecutive free loopback ports (the suite numbers a city's
    replicas, and Kafka its controller listener, after the first), below the ephemeral range."""
    below = ephemeral_start()
    for _ in range(500):
        first = random.randrange(LOWEST, below - count)
        if all(is_free(first + n) for n in range(count)):
            return first
    raise RuntimeError(f"no {count} consecutive free ports between {LOWEST} and {below}")


def free_port() -> int:
    """One free loopback port, below the ephemeral range."""
    return free_ports(1)
