"""Ports for the services the tests, the benchmarks and the conformance kit start: free,
consecutive when asked, and outside the kernel's ephemeral range, so no outgoing connection takes
one before its service binds it."""

from __future__ import annotations

import socket
import subprocess
import sys

from core.conformance.service import CityProcess
from core.loopback_ports import LOWEST, ephemeral_start, free_ports, is_free

RESERVE = ("import sys; from core.loopback_ports import reserve; "
           "print('reserved' if reserve(int(sys.argv[1])) is not None else 'taken')")


def reserved_elsewhere(port: int) -> bool:
    """Whether another process finds ``port`` reserved (and so would not pick it)."""
    answer = subprocess.run([sys.executable, "-c", RESERVE, str(port)], capture_output=True,
                            text=True, check=True)
    return answer.stdout.strip() == "taken"


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
    first = free_ports(2)
    assert is_free(first) and is_free(first + 1)  # nothing listens: only the reservation
    assert reserved_elsewhere(first) and reserved_elsewhere(first + 1)
    child = subprocess.run([sys.executable, "-c", "from core.loopback_ports import free_ports; "
                            "print(free_ports(1))"], capture_output=True, text=True, check=True)
    released = int(child.stdout)  # its picker has ended: the port is anyone's again
    assert not reserved_elsewhere(released)


def test_the_conformance_kit_s_city_service_takes_its_port_the_same_way(tmp_path):
    """A new city's conformance run starts its service on a port picked before the service
    binds it: below the ephemeral range and reserved, as every other picked port."""
    service = CityProcess(tmp_path / "deployment.toml", tmp_path)
    assert LOWEST <= service.port < ephemeral_start()
    assert reserved_elsewhere(service.port)
