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


def test_a_port_picked_by_one_process_is_not_picked_by_another_while_it_lives():
    """Picked, not yet bound (a service that starts a minute later): another process's picker
    skips it; once the picking process has ended, it may be picked again."""
    import subprocess
    import sys

    probe = ("import sys; from infra.ports import reserve; "
             "print('reserved' if reserve(int(sys.argv[1])) is not None else 'taken')")
    first = free_ports(2)
    assert is_free(first) and is_free(first + 1)  # nothing listens: only the reservation
    for port in (first, first + 1):
        answer = subprocess.run([sys.executable, "-c", probe, str(port)], capture_output=True,
                                text=True, check=True)
        assert answer.stdout.strip() == "taken"
    child = subprocess.run([sys.executable, "-c", "from infra.ports import free_ports; "
                            "print(free_ports(1))"], capture_output=True, text=True, check=True)
    released = int(child.stdout)  # its picker has ended: the port is anyone's again
    again = subprocess.run([sys.executable, "-c", probe, str(released)], capture_output=True,
                           text=True, check=True)
    assert again.stdout.strip() == "reserved"
