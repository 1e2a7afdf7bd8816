"""Ports for the services the tests start: free, consecutive when asked, and outside the
kernel's ephemeral range, so no outgoing connection takes one before its service binds it."""

from __future__ import annotations

import socket

from infra.ports import LOWEST, ephemeral_start, free_ports, is_free


def test_consecutive_ports_are_free_and_below_the_ephemeral_range():
    for _ in range(20):
        first = free_ports(3)
        assert first >= LOWEST and first + 3 <= ephemeral_start()
        assert all(is_free(first + n) for n in range(3))


def test_a_port_something_listens_on_is_not_free():
    with socket.socket() as server:
        server.bind(("127.0.0.1", free_ports()))
        server.listen()
        assert not is_free(server.getsockname()[1])
